"""Finding the input files: what is read, and what is skipped with the reason why.

Nothing outside the input folder is ever read: symbolic links that lead out of it, or to a
folder, are listed as skipped, as are hidden entries, special files (FIFOs, sockets, devices) and
files this process cannot open. A file name that is not valid UTF-8 is read under a name with the
undecodable bytes written as ``\\xNN``.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from corpus.errors import InputError

FORMATS: Mapping[str, str] = MappingProxyType(
    {
        ".txt": "txt",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".json": "json",
        ".csv": "csv",
        ".html": "html",
        ".htm": "html",
    }
)
COMPRESSIONS = (".gz",)


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read: where it is, its name relative to the input root, and its format."""

    path: Path
    relpath: str
    format: str
    compressed: bool

    def sha256(self) -> str:
        """sha256 of the file's bytes as stored (compressed, if it is)."""
        digest = hashlib.sha256()
        try:
            with self.path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError as exc:
            raise InputError(
                f"{self.relpath}: cannot read the file ({exc.strerror or exc}); "
                "check that it exists and is readable, or move it out of the input folder"
            ) from None
        return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or folder under the input root that is not read, and why."""

    relpath: str
    reason: str


def file_format(path: Path) -> tuple[str, bool] | None:
    """``(format, compressed)`` for a supported file name, else None."""
    suffixes = [s.lower() for s in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] in COMPRESSIONS
    if compressed:
        suffixes = suffixes[:-1]
    if not suffixes or suffixes[-1] not in FORMATS:
        return None
    return FORMATS[suffixes[-1]], compressed


def display_name(name: str) -> str:
    """A path as valid UTF-8 text: bytes a non-UTF-8 file name holds become ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def discover(paths: Sequence[Path]) -> tuple[list[InputFile], list[Skipped]]:
    """All readable files under ``paths``, in a stable order, plus what was skipped and why.

    A directory is walked recursively and is the root its files are named relative to; a single
    file is named relative to its parent directory.
    """
    files: list[InputFile] = []
    skipped: list[Skipped] = []
    for given in paths:
        if not given.exists():
            raise InputError(f"{given}: no such file or directory")
        if given.is_dir():
            found, passed = _walk(given)
            files += found
            skipped += passed
        else:
            item = _candidate(given, given.name, given.resolve().parent)
            if isinstance(item, InputFile):
                files.append(item)
            else:
                skipped.append(item)
    _check_unique(files)
    return files, skipped


def _walk(root: Path) -> tuple[list[InputFile], list[Skipped]]:
    """Files and skips under one input folder, sorted by path the way ``Path`` sorts."""
    real_root = root.resolve()
    entries: list[tuple[tuple[str, ...], InputFile | Skipped]] = []

    def unreadable(error: OSError) -> None:
        rel = Path(error.filename or root).relative_to(root) if error.filename else Path(".")
        reason = f"cannot list this folder ({error.strerror or error}); its files were not read"
        entries.append((rel.parts, Skipped(display_name(rel.as_posix()) + "/", reason)))

    for folder, dirs, names in os.walk(root, onerror=unreadable, followlinks=False):
        here = Path(folder)
        kept = []
        for name in dirs:
            rel = (here / name).relative_to(root)
            if name.startswith("."):
                reason = "hidden folder (its name starts with '.'); its files were not read"
            elif (here / name).is_symlink():
                reason = "symbolic link to a folder; links to folders are not followed"
            else:
                kept.append(name)
                continue
            entries.append((rel.parts, Skipped(display_name(rel.as_posix()) + "/", reason)))
        dirs[:] = kept
        for name in names:
            rel = (here / name).relative_to(root)
            entries.append((rel.parts, _candidate(here / name, rel.as_posix(), real_root)))
    entries.sort(key=lambda entry: entry[0])
    files = [item for _, item in entries if isinstance(item, InputFile)]
    return files, [item for _, item in entries if isinstance(item, Skipped)]


def _candidate(path: Path, rel: str, real_root: Path) -> InputFile | Skipped:
    """The file at ``path`` to read, or why it is skipped."""
    shown = display_name(rel)
    if path.name.startswith("."):
        return Skipped(shown, "hidden file (its name starts with '.')")
    target = path
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(real_root):
            return Skipped(shown, "symbolic link to a file outside the input folder; not read")
    try:
        mode = target.stat().st_mode
    except OSError as exc:
        return Skipped(shown, f"cannot be opened ({exc.strerror or exc}), e.g. a broken link")
    if not stat.S_ISREG(mode):
        return Skipped(shown, "not a regular file (a FIFO, socket or device)")
    fmt = file_format(path)
    if fmt is None:
        return Skipped(shown, f"unsupported file type {''.join(path.suffixes) or '(none)'}")
    problem = _open_problem(target)
    if problem is not None:
        return Skipped(shown, f"cannot be read ({problem}); check its permissions")
    return InputFile(target, shown, fmt[0], fmt[1])


def _open_problem(path: Path) -> str | None:
    """Why ``path`` cannot be opened for reading, or None when it can."""
    try:
        os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _check_unique(files: list[InputFile]) -> None:
    seen: dict[str, Path] = {}
    for f in files:
        # Provenance and incremental ingest identify a file by its relative path.
        if f.relpath in seen and seen[f.relpath] != f.path:
            raise InputError(
                f"{seen[f.relpath]} and {f.path} are both {f.relpath!r} relative to their input "
                "folders; give one folder that holds both, or rename one"
            )
        seen[f.relpath] = f.path


__all__ = ["FORMATS", "InputFile", "Skipped", "discover", "display_name", "file_format"]
