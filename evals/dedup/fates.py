"""Rows whose fate differs between two versions built from the same raw files.

    uv run python evals/dedup/fates.py OLD_VERSION_DIR NEW_VERSION_DIR [--text]

Rows are matched by their raw record (provenance path + row), never by position. A fate is the
table (data / duplicates / rejects) plus, for duplicates, ``duplicate_of`` and ``reason``.
Prints every changed row (ids, reasons, exact Jaccard and containment of the new pair), then
how many similarities changed (estimate -> exact) without a change of fate.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--text", action="store_true", help="print the start of both bodies")
    args = parser.parse_args(argv)
    old, new = fates(args.old), fates(args.new)
    if old.keys() != new.keys():
        print("the two versions did not read the same raw records", file=sys.stderr)
        return 2
    by_id = {r["id"]: r for r in new.values() if r["table"] == "data"}
    by_id.update(
        {r["id"]: r for r in old.values() if r["table"] == "data" and r["id"] not in by_id}
    )
    changed = sims = 0
    for key in sorted(old):
        o, n = old[key], new[key]
        if fate(o) == fate(n):
            sims += o.get("similarity") != n.get("similarity")
            continue
        changed += 1
        line = f"{key[0]}:{key[1]} {n['id'][:10]} {fate(o)[0]}->{fate(n)[0]}"
        for label, r in (("was", o), ("now", n)):
            if r["table"] == "duplicates":
                other = by_id.get(r["duplicate_of"])
                stats = pair_stats(r["text"], other["text"]) if other else (float("nan"),) * 2
                line += (
                    f" | {label} {r['reason']} of {r['duplicate_of'][:10]} "
                    f"sim {r['similarity']:.3f} (exact J {stats[0]:.3f}, C {stats[1]:.3f})"
                )
        print(line, f"| {n['title']!r}")
        if args.text:
            print("     ", n["text"][:160].replace("\n", " "))
    print(f"{changed} rows changed fate; {sims} more changed only their similarity value")
    return 0


if __name__ == "__main__":
    sys.exit(main())
