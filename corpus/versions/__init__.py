"""Versions of a dataset: layout and numbering, the one writer, history, takedowns and diffs.

layout    vX.Y.Z folders, numbering, resolving, the atomic build-then-rename
writer    VersionWriter: the only way a version is made (ingest, takedown)
history   which version an incremental ingest extends, and when it may
removals  takedowns (``corpus remove``) and the rule that keeps them out
diff      what changed between two versions
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpus.manifest import MANIFEST, Manifest, Removal, write_json
from corpus.versions.diff import VersionDiff, data_ids, diff
from corpus.versions.history import (
    IngestPlan,
    IngestResult,
    Previous,
    previous_for_ingest,
    provenance,
)
from corpus.versions.layout import (
    FIRST,
    Version,
    building,
    latest,
    list_versions,
    next_version,
    resolve,
)
from corpus.versions.removals import Takedowns, remove
from corpus.versions.summary import SummaryBuilder, summarize
from corpus.versions.writer import Provenance, VersionWriter


def read_manifest(version_dir: Path) -> dict[str, Any]:
    """The manifest of a version folder in its JSON form (checked by ``Manifest.read``)."""
    return Manifest.read(version_dir).to_dict()


def describe(dataset_dir: Path) -> list[dict[str, Any]]:
    """One summary per version, oldest first: version, parent, created_at, counts, bytes, removals."""
    rows = []
    for version in list_versions(dataset_dir):
        manifest = Manifest.read(dataset_dir / version.dirname)
        rows.append(
            {
                "version": manifest.version,
                "parent": manifest.parent,
                "created_at": manifest.created_at,
                "build": manifest.build,
                "counts": manifest.counts.as_dict(),
                "bytes": sum(s.bytes for table in manifest.shards.values() for s in table),
                "removals": len(manifest.removals),
                "mixed": bool(manifest.mixed),
                "path": (dataset_dir / version.dirname).as_posix(),
            }
        )
    return rows


__all__ = [
    "FIRST",
    "MANIFEST",
    "IngestPlan",
    "IngestResult",
    "Manifest",
    "Previous",
    "Provenance",
    "Removal",
    "SummaryBuilder",
    "Takedowns",
    "Version",
    "VersionDiff",
    "VersionWriter",
    "building",
    "data_ids",
    "describe",
    "diff",
    "latest",
    "list_versions",
    "next_version",
    "previous_for_ingest",
    "provenance",
    "read_manifest",
    "remove",
    "resolve",
    "summarize",
    "write_json",
]
