"""Version folders: numbering, listing, resolving, and the atomic build-then-rename."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import UnknownVersionError, VersionError
from corpus.manifest import MANIFEST, Manifest

_VERSION_DIR = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
_BUILDING = ".building-"


@dataclass(frozen=True, slots=True, order=True)
class Version:
    """A semantic version ``X.Y.Z``; its folder is ``vX.Y.Z``."""

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        """``"1.2.0"`` or ``"v1.2.0"`` -> Version."""
        match = _VERSION_DIR.match(text if text.startswith("v") else f"v{text}")
        if not match:
            raise VersionError(f"{text!r} is not a version like v1.2.0")
        return cls(*(int(g) for g in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def dirname(self) -> str:
        """The folder name, ``vX.Y.Z``."""
        return f"v{self}"

    def bump(self, part: str) -> Version:
        """The next ``major``, ``minor`` or ``patch`` version."""
        match part:
            case "major":
                return Version(self.major + 1, 0, 0)
            case "minor":
                return Version(self.major, self.minor + 1, 0)
            case "patch":
                return Version(self.major, self.minor, self.patch + 1)
        raise VersionError(f"--bump takes major, minor or patch, not {part!r}")


FIRST = Version(1, 0, 0)


def list_versions(dataset_dir: Path) -> list[Version]:
    """Complete versions of a dataset, oldest first (folders being built are ignored)."""
    if not dataset_dir.is_dir():
        return []
    found = []
    for entry in dataset_dir.iterdir():
        if entry.is_dir() and _VERSION_DIR.match(entry.name) and (entry / MANIFEST).is_file():
            found.append(Version.parse(entry.name))
    return sorted(found)


def latest(dataset_dir: Path) -> Manifest | None:
    """The manifest of the newest version, or None when there is none."""
    found = list_versions(dataset_dir)
    return Manifest.read(dataset_dir / found[-1].dirname) if found else None


def next_version(dataset_dir: Path, explicit: str | None, part: str = "minor") -> Version:
    """The version a new operation creates: ``explicit`` if given (must be new and newer), else
    the latest with ``part`` (major | minor | patch) raised, else 1.0.0."""
    existing = list_versions(dataset_dir)
    if explicit is None:
        return existing[-1].bump(part) if existing else FIRST
    wanted = Version.parse(explicit)
    if (dataset_dir / wanted.dirname).exists():
        raise VersionError(
            f"{dataset_dir / wanted.dirname} already exists; versions are never overwritten"
        )
    if existing and wanted <= existing[-1]:
        raise VersionError(f"version {wanted} is not newer than the latest, {existing[-1]}")
    return wanted


def resolve(dataset_dir: Path, ref: str) -> Path:
    """A version folder from ``"1.2.0"``, ``"v1.2.0"``, ``"latest"`` or a path to one.

    An unknown dataset or version is a usage error (exit code 2)."""
    as_path = Path(ref)
    if (as_path / MANIFEST).is_file():
        return as_path
    found = list_versions(dataset_dir)
    if not found:
        raise UnknownVersionError(f"{dataset_dir} has no versions (is the dataset name right?)")
    if ref == "latest":
        return dataset_dir / found[-1].dirname
    folder = dataset_dir / Version.parse(ref).dirname
    if not (folder / MANIFEST).is_file():
        known = ", ".join(map(str, found))
        raise UnknownVersionError(f"{folder} is not a version (known: {known})")
    return folder


@contextmanager
def building(dataset_dir: Path, version: Version) -> Iterator[Path]:
    """A private folder to build a version in; renamed to ``vX.Y.Z`` only if the block succeeds.

    A crash or an exception leaves no ``vX.Y.Z`` behind (the temp folder is removed, or, after a
    kill -9, ignored by ``list_versions`` and cleaned by the next build).
    """
    dataset_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(dataset_dir)
    tmp = dataset_dir / f"{_BUILDING}{version.dirname}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        yield tmp
        final = dataset_dir / version.dirname
        try:
            # rename() onto an existing non-empty folder fails: a racing ingest cannot clobber.
            os.rename(tmp, final)
        except OSError as exc:
            raise VersionError(
                f"cannot create {final}: {exc.strerror}; it was created meanwhile?"
            ) from None
        _fsync_dir(dataset_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _remove_stale_builds(dataset_dir: Path) -> None:
    for entry in dataset_dir.iterdir():
        if entry.name.startswith(_BUILDING):
            pid = entry.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
