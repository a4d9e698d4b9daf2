"""What tests compare when they say two versions are the same."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from corpus.dedup import DedupIndex
from corpus.learned import LineStats
from corpus.report import REPORT


def digests(version_dir: Path) -> dict[str, str]:
    """sha256 of every file of a version but its run report (timings differ run to run)."""
    return {
        p.relative_to(version_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(version_dir.rglob("*"))
        if p.is_file() and p.name != REPORT
    }


def rows(version_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, shards read in the manifest's order."""
    manifest = json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))
    out: dict[str, list[dict[str, Any]]] = {}
    for table, shards in manifest["shards"].items():
        out[table] = [r for s in shards for r in pq.read_table(version_dir / s["path"]).to_pylist()]
    return out


#: Manifest fields that say what a version holds, not how its files are cut.
_CONTENT = ("counts", "ingest_counts", "stages", "summary", "inputs", "skipped", "removals")


def content(version_dir: Path) -> dict[str, Any]:
    """What "the same result" means across executors: the same rows in the same order in each
    table, the same counts, stage counts, summary and inputs, and the same dedup index rows;
    how rows are cut into shard files (and so the files' bytes) may differ; and the same learned
    line statistics."""
    manifest = json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))
    index = DedupIndex.load(version_dir / "dedup")
    return {
        "rows": rows(version_dir),
        **{k: manifest.get(k) for k in _CONTENT},
        "index_rows": manifest["dedup_index"]["rows"],
        "index": (
            index.ids.to_pylist(),
            index.exact.tolist(),
            index.url.tolist(),
            index.size.tolist(),
            index.bands.tolist(),
            np.asarray(index.sigs[np.arange(len(index.exact))]).tolist(),
        ),
        "learned": learned(version_dir),
    }


def learned(version_dir: Path) -> dict[str, Any]:
    """The learned line statistics: records per scope and every row, scopes by name."""
    stats = LineStats.load(version_dir / "learned")
    names = stats.scopes()
    table = stats.table()
    columns = [table[c].tolist() for c in ("kind", "length", "parent", "key", "sig", "docs")]
    scopes = [names[int(sid)] for sid in table["scope"].tolist()]
    return {"records": stats.records(), "rows": sorted(zip(scopes, *columns, strict=True))}
