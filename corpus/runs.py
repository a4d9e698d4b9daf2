"""Resumable runs: the work units an ingest has finished, kept until its version is written.

A unit is one batch of input records through the per-record stages (validate -> structure ->
langid -> dedup fingerprints): the bulk of an ingest's work. Units are numbered in input order,
and the same inputs, settings, code and batch size always cut the same units, so a rerun of an
interrupted command finds its finished units under the same run key, loads them instead of
computing them again, and writes exactly what an uninterrupted run would have. The global
steps after the units (dedup planning, writing shards) are redone; they are a small share of a
run (docs/scaling.md).

Layout: ``<dataset>/.runs/<key>/units/<n>.unit``, each written to a temp name and renamed, and
``<dataset>/.runs/<key>/lock``, held (``filelock``, an OS lock the kernel drops when its process
dies, however it dies) by the process running that key. A
unit carries its length and checksum: one that a crash (or a power loss before the data
reached the disk) left short or damaged is found on load and computed again. The folder is
removed when the version is in place. These are this tool's own files, written and read on
this machine only; they are never published. A distributed run keeps its tasks' files in the
same folder, and its own records of finished tasks (corpus/distributed/finished.py).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import struct
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

import pyarrow as pa
import xxhash
from filelock import FileLock, Timeout

from corpus.errors import VersionError
from corpus.records import canonical_json

log = logging.getLogger(__name__)

RUNS = ".runs"
_LOCK = "lock"
_UNIT = re.compile(r"^(\d{7})\.unit$")
_MAGIC = b"CRU1"
_HEADER = struct.Struct("<4sQ16s")  # magic, unpacked length, xxh3-128 of the packed payload
#: Libraries whose version can change a unit's contents (models, parsers, validators).
_LIBRARIES = ("langdetect", "jsonschema", "trafilatura", "numpy", "xxhash", "charset-normalizer")


class DamagedUnit(Exception):
    """A unit file that is not what ``save`` wrote (cut short, overwritten)."""


def run_key(**facts: object) -> str:
    """The run's identity: a hash of everything that decides its units' contents, including
    the code itself (``code_digest``), so a fix between a crash and its rerun starts over."""
    facts = {**facts, "code": code_digest()}
    return hashlib.sha256(canonical_json(facts).encode()).hexdigest()[:20]


@cache
def code_digest() -> str:
    """A hash of this package's source and data files and of the libraries it computes with.

    The package version alone would not do: it does not change with every edit of the code."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".toml", ".json"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} absent".encode())
    return digest.hexdigest()


def pack(payload: bytes) -> bytes:
    """A unit's bytes as stored: header (length, checksum) + LZ4-compressed payload. Done in
    the worker, so compression costs the driver nothing."""
    packed: bytes = pa.compress(payload, codec="lz4", asbytes=True)
    return _HEADER.pack(_MAGIC, len(payload), xxhash.xxh3_128_digest(packed)) + packed


def unpack(blob: bytes) -> bytes:
    """The payload ``pack`` was given; ``DamagedUnit`` if the bytes are not intact."""
    size = _check(blob)
    packed = blob[_HEADER.size :]
    return pa.decompress(packed, decompressed_size=size, codec="lz4", asbytes=True)  # type: ignore[no-any-return]


def _check(blob: bytes) -> int:
    """The unpacked length of an intact unit; ``DamagedUnit`` otherwise."""
    if len(blob) < _HEADER.size:
        raise DamagedUnit(f"{len(blob)} bytes, shorter than a unit header")
    magic, size, checksum = _HEADER.unpack_from(blob)
    if magic != _MAGIC or xxhash.xxh3_128_digest(blob[_HEADER.size :]) != checksum:
        raise DamagedUnit("checksum mismatch")
    return int(size)


@dataclass(frozen=True, slots=True)
class RunLog:
    """The finished units of one run (see the module docstring)."""

    folder: Path
    lock: FileLock | None = field(default=None, compare=False, repr=False)  # held while open

    @classmethod
    def open(cls, dataset_dir: Path, key: str) -> RunLog:
        """The log of run ``key``, with the units an earlier attempt finished; logs of other
        runs whose process is gone are removed (their settings, inputs or code changed).

        ``VersionError`` if another live process is running this same run (the same command on
        the same dataset): two of them would share, and remove, each other's units."""
        folder = dataset_dir / RUNS / key
        lock = _claim(folder)
        if lock is None:
            raise VersionError(
                f"another ingest is running this same command on {dataset_dir} (it holds "
                f"{folder / _LOCK}); wait for it to finish or stop it, then run again"
            )
        sweep(dataset_dir, keep=key)
        (folder / "units").mkdir(parents=True, exist_ok=True)
        return cls(folder, lock)

    def _unit(self, index: int) -> Path:
        return self.folder / "units" / f"{index:07d}.unit"

    def finished(self) -> frozenset[int]:
        """Numbers of the units already saved (each is checked when loaded)."""
        return frozenset(
            int(m.group(1)) for p in (self.folder / "units").iterdir() if (m := _UNIT.match(p.name))
        )

    def load(self, index: int) -> bytes:
        """A finished unit, as ``save`` got it (checked); ``DamagedUnit`` if it is not intact."""
        path = self._unit(index)
        try:
            blob = path.read_bytes()
            _check(blob)
        except (OSError, DamagedUnit) as exc:
            raise DamagedUnit(f"{path}: {exc}") from None
        return blob

    def reader(self) -> RunLog:
        """The same log without its lock: what a worker process loads units through."""
        return RunLog(self.folder)

    def save(self, index: int, blob: bytes) -> None:
        """Record unit ``index`` (``blob`` made by ``pack``) as done: written to a temp name and
        renamed, so the name never points at a partial write of this process."""
        path = self._unit(index)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, path)

    def close(self) -> None:
        """The run's version is written: its units are no longer needed."""
        _remove(self.folder)
        if self.lock is not None:
            self.lock.release(force=True)
        runs = self.folder.parent
        if runs.is_dir() and not any(runs.iterdir()):
            runs.rmdir()


def sweep(dataset_dir: Path, keep: str | None = None) -> None:
    """Remove the logs of runs whose process is gone (but run ``keep``, about to resume):
    an ingest with other inputs, settings or code cannot use them."""
    runs = dataset_dir / RUNS
    if not runs.is_dir():
        return
    for entry in runs.iterdir():
        if entry.name == keep:
            continue
        try:
            lock = _claim(entry)
        except OSError as exc:  # e.g. removed meanwhile by another process's sweep
            log.info("cannot lock %s: %s", entry, exc)
            continue
        if lock is not None:  # no live process holds it
            log.info("removing the unfinished run %s", entry.name)
            _remove(entry)
            lock.release(force=True)
    if keep is None and not any(runs.iterdir()):
        runs.rmdir()


def _remove(folder: Path) -> None:
    # Renamed away first, so a crash in the middle of the removal leaves no half log under
    # a run key (the trash is swept like any dead run: it has no live owner).
    trash = folder.with_name(f".trash-{folder.name}-{os.getpid()}")
    try:
        os.rename(folder, trash)
    except OSError:
        trash = folder
    shutil.rmtree(trash, ignore_errors=True)


def _claim(folder: Path) -> FileLock | None:
    """The lock of a run folder, taken by this process; None if another live process holds it.

    A lock this process already holds (an earlier ingest in it that failed) is taken again:
    the singleton instance is reentrant, as an owner that is this process was never live."""
    lock = FileLock(folder / _LOCK, is_singleton=True, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return None
    return lock
