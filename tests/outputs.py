"""What tests compare when they say two versions are the same."""

from __future__ import annotations

import hashlib
from pathlib import Path

from corpus.report import REPORT


def digests(version_dir: Path) -> dict[str, str]:
    """sha256 of every file of a version but its run report (timings differ run to run)."""
    return {
        p.relative_to(version_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(version_dir.rglob("*"))
        if p.is_file() and p.name != REPORT
    }
