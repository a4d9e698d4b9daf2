"""Resumable runs: the work units an ingest has finished, kept until its version is written.

A unit is one batch of input records through the per-record stages (validate -> structure ->
langid -> dedup fingerprints): the bulk of an ingest's work. Units are numbered in input order,
and the same inputs, settings and batch size always cut the same units, so a rerun of an
interrupted command finds its finished units under the same run key, loads them instead of
computing them again, and writes exactly what an uninterrupted run would have. The global
steps after the units (dedup planning, writing shards) are redone; they are a small share of a
run (docs/scaling.md).

Layout: ``<dataset>/.runs/<key>/units/<n>.pickle``, each written to a temp name and renamed, so
a unit is there whole or not at all, whenever the process dies. The folder is removed when the
version is in place. These are this tool's own files, written and read on this machine only;
they are never published.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from corpus.records import canonical_json

log = logging.getLogger(__name__)

RUNS = ".runs"
_OWNER = "owner.pid"


def run_key(**facts: object) -> str:
    """The run's identity: a hash of everything that decides its units' contents."""
    return hashlib.sha256(canonical_json(facts).encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class RunLog:
    """The finished units of one run (see the module docstring)."""

    folder: Path

    @classmethod
    def open(cls, dataset_dir: Path, key: str) -> RunLog:
        """The log of run ``key``, with the units an earlier attempt finished; logs of other
        runs whose process is gone are removed (their settings or inputs changed)."""
        runs = dataset_dir / RUNS
        runs.mkdir(parents=True, exist_ok=True)
        for entry in runs.iterdir():
            if entry.name != key and not _owned_by_live_process(entry):
                log.info("removing the unfinished run %s (other inputs or settings)", entry.name)
                shutil.rmtree(entry, ignore_errors=True)
        folder = runs / key
        (folder / "units").mkdir(parents=True, exist_ok=True)
        (folder / _OWNER).write_text(str(os.getpid()), encoding="ascii")
        return cls(folder)

    def _unit(self, index: int) -> Path:
        return self.folder / "units" / f"{index:07d}.pickle"

    def finished(self) -> frozenset[int]:
        """Numbers of the units already done."""
        return frozenset(
            int(p.stem) for p in (self.folder / "units").glob("*.pickle") if p.stem.isdigit()
        )

    def load(self, index: int) -> bytes:
        """A finished unit's result, as ``save`` got it."""
        return self._unit(index).read_bytes()

    def save(self, index: int, blob: bytes) -> None:
        """Record unit ``index`` as done (atomically: whole or absent after a crash)."""
        path = self._unit(index)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, path)

    def close(self) -> None:
        """The run's version is written: its units are no longer needed."""
        shutil.rmtree(self.folder, ignore_errors=True)
        runs = self.folder.parent
        if runs.is_dir() and not any(runs.iterdir()):
            runs.rmdir()


def _owned_by_live_process(folder: Path) -> bool:
    try:
        pid = int((folder / _OWNER).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
