"""Rows whose fate differs between two versions built from the same raw files.

    uv run python evals/dedup/fates.py OLD_VERSION_DIR NEW_VERSION_DIR [--text]

Rows are matched by their raw record (provenance path + row), never by position. A fate is the
table (data / duplicates / rejects) plus, for duplicates, ``duplicate_of`` and ``reason``.
Prints every changed row (raw record, ids, reasons, exact Jaccard and containment of each pair;
titles and text only with ``--text``), then how many similarities changed (estimate -> exact)
without a change of fate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from corpus import dedup

Row = dict[str, Any]
COLUMNS = ["id", "url", "title", "text", "source"]


def fates(version: Path) -> dict[tuple[str, int], Row]:
    """(path, row) -> the row's table, pointers and text."""
    out: dict[tuple[str, int], Row] = {}
    for table in ("data", "duplicates", "rejects"):
        for path in sorted((version / table).rglob("*.parquet")):
            names = pq.read_schema(path).names
            extra = [
                c for c in ("duplicate_of", "cluster_id", "reason", "similarity") if c in names
            ]
            cols = [c for c in COLUMNS if c in names] + extra
            for row in pq.read_table(path, columns=cols).to_pylist():
                src = row["source"]
                row["table"] = table
                out[(src["path"], src["row"])] = row
    return out


def pair_stats(a: str, b: str) -> tuple[float, float]:
    """Exact Jaccard and containment (of the smaller set) of two bodies' 3-gram sets."""
    sa, sb = dedup.shingle_set(a, 3), dedup.shingle_set(b, 3)
    inter = len(np.intersect1d(sa, sb, assume_unique=True))
    return inter / (len(sa) + len(sb) - inter), inter / min(len(sa), len(sb))


def fate(row: Row) -> tuple[str, str | None, str | None]:
    return row["table"], row.get("duplicate_of"), row.get("reason")


def reason(o: Row, n: Row, moved: set[str], by_id: dict[str, Row]) -> str:
    """Why a row's fate changed, from both fates and the exact values of the old pair."""
    if o["table"] == "data" and n["table"] == "duplicates":
        if n["duplicate_of"] in moved:
            other = by_id[n["duplicate_of"]]["text"]
            mine, theirs = len(dedup.shingle_set(n["text"], 3)), len(dedup.shingle_set(other, 3))
            _, contained = pair_stats(n["text"], other)
            if theirs >= mine + max(10, 0.1 * mine) and contained >= 0.8:
                return "swap: the other one survives now (it contains this one and adds to it)"
            return "swap: the other one survives now (base order: date, then input order)"
        return "new merge: exact values pass (the estimate did not)"
    if o["table"] == "duplicates" and n["table"] == "data":
        if o["duplicate_of"] in moved:
            return "swap: survives now (fuller text, or base order)"
        return "unmerged: exact values below the thresholds, or its target joined another"
    return "retargeted within duplicates"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--text", action="store_true", help="print titles and body starts")
    args = parser.parse_args(argv)
    old, new = fates(args.old), fates(args.new)
    if old.keys() != new.keys():
        print("the two versions did not read the same raw records", file=sys.stderr)
        return 2
    by_id = {r["id"]: r for r in new.values() if r["table"] == "data"}
    by_id.update(
        {r["id"]: r for r in old.values() if r["table"] == "data" and r["id"] not in by_id}
    )
    changed = [k for k in sorted(old) if fate(old[k]) != fate(new[k])]
    sims = sum(
        old[k].get("similarity") != new[k].get("similarity") for k in old if k not in changed
    )
    moved = {new[k]["id"] for k in changed}
    counts: dict[str, int] = {}
    for key in changed:
        o, n = old[key], new[key]
        why = reason(o, n, moved, by_id)
        counts[why] = counts.get(why, 0) + 1
        line = f"{key[0]}:{key[1]} {n['id'][:10]} {fate(o)[0]}->{fate(n)[0]} [{why}]"
        for label, r in (("was", o), ("now", n)):
            if r["table"] == "duplicates":
                other = by_id.get(r["duplicate_of"])
                stats = pair_stats(r["text"], other["text"]) if other else (float("nan"),) * 2
                line += (
                    f" | {label} {r['reason']} of {r['duplicate_of'][:10]} "
                    f"sim {r['similarity']:.3f} (exact J {stats[0]:.3f}, C {stats[1]:.3f})"
                )
        print(line)
        if args.text:  # publishers' text: for reading here, never for committing
            print("     ", repr(n["title"]), n["text"][:160].replace("\n", " "))
    for why, count in sorted(counts.items()):
        print(f"{count:5d} {why}")
    print(f"{len(changed)} rows changed fate; {sims} more changed only their similarity value")
    return 0


if __name__ == "__main__":
    sys.exit(main())
