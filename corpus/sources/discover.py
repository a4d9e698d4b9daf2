"""Finding the input files: what is read, and what is skipped with the reason why.

Inputs are local paths or URLs on any fsspec file system (``s3://bucket/prefix/``, with the
file system's package installed: ``corpus[s3]`` for S3). An ``InputFile`` carries what a worker
needs to read it itself (the URL and its storage options, no open file system), so it pickles.

Nothing outside a local input folder is ever read: symbolic links that lead out of it, or to a
folder, are listed as skipped, as are hidden entries, special files (FIFOs, sockets, devices) and
files this process cannot open. A file name that is not valid UTF-8 is read under a name with the
undecodable bytes written as ``\\xNN``. Under a URL, hidden entries are skipped the same way;
links, special files and permissions are local-disk notions (a file a URL lists but that cannot
be read becomes the file's reject when it is read).
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath, PurePosixPath
from types import MappingProxyType
from typing import IO, Any

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
#: Storage options as a sorted tuple of pairs: immutable, picklable, comparable.
Options = tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read: where it is, its name relative to the input root, and its format.

    ``location`` is a local path, or (when ``options`` is not None) a URL fsspec opens with
    those storage options. ``size`` is the stored size in bytes when the file was found.
    """

    location: str
    relpath: str
    format: str
    compressed: bool
    size: int
    options: Options | None = field(default=None, repr=False, hash=False)

    @property
    def remote(self) -> bool:
        """Whether the file is on an fsspec file system rather than the local disk."""
        return self.options is not None

    def open(self) -> IO[bytes]:
        """The file's bytes as stored (still compressed, if it is), buffered (with ``peek``)."""
        if self.options is None:
            # O_NOFOLLOW: a file replaced by a link since it was found is not followed
            fd = os.open(self.location, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            return os.fdopen(fd, "rb")
        try:
            import fsspec

            fs, path = fsspec.core.url_to_fs(self.location, **dict(self.options))
            remote = fs.open(path, "rb")
        except OSError:
            raise
        except Exception as exc:  # each file system has its own errors (botocore's, ...)
            raise OSError(f"{type(exc).__name__}: {exc}") from exc
        return io.BufferedReader(_Remote(remote), buffer_size=1 << 16)

    def sha256(self) -> str:
        """sha256 of the file's bytes as stored (compressed, if it is)."""
        digest = hashlib.sha256()
        try:
            with self.open() as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError as exc:
            raise InputError(
                f"{self.relpath}: cannot read the file ({exc.strerror or exc}); "
                "check that it exists and is readable, or move it out of the input folder"
            ) from None
        return digest.hexdigest()


class _Remote(io.RawIOBase):
    """A file system's file whose failures are ``OSError`` (what the readers turn into rejects)."""

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self._inner = inner

    def readable(self) -> bool:
        """Always: this is a reading stream."""
        return True

    def seekable(self) -> bool:
        """Whether the file can be entered anywhere (object stores: yes)."""
        return bool(self._inner.seekable())

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` from the file."""
        return int(self._call(self._inner.readinto, buffer))

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move to ``offset``."""
        return int(self._call(self._inner.seek, offset, whence))

    def tell(self) -> int:
        """The position in the file."""
        return int(self._inner.tell())

    def close(self) -> None:
        """Close the file too."""
        try:
            self._inner.close()
        finally:
            super().close()

    @staticmethod
    def _call(method: Any, *args: Any) -> Any:
        try:
            return method(*args)
        except OSError:
            raise
        except Exception as exc:  # a dropped connection, expired credentials, ...
            raise OSError(f"{type(exc).__name__}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or folder under the input root that is not read, and why."""

    relpath: str
    reason: str


def file_format(path: PurePath) -> tuple[str, bool] | None:
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


def is_url(given: str | PurePath) -> bool:
    """Whether an input names a file system URL (``s3://...``, ``memory://...``), not a path."""
    return isinstance(given, str) and ("://" in given or "::" in given)


def discover(
    paths: Sequence[Path | str], storage_options: Mapping[str, Any] | None = None
) -> tuple[list[InputFile], list[Skipped]]:
    """All readable files under ``paths``, in a stable order, plus what was skipped and why.

    A directory is walked recursively and is the root its files are named relative to; a single
    file is named relative to its parent directory. A path may be a URL (``s3://bucket/raw/``):
    it is listed and read through fsspec with ``storage_options`` (plus fsspec's own
    configuration for its protocol, e.g. ``FSSPEC_S3_ENDPOINT_URL``).
    """
    files: list[InputFile] = []
    skipped: list[Skipped] = []
    for given in paths:
        if is_url(given):
            found, passed = _walk_url(str(given), dict(storage_options or {}))
            files += found
            skipped += passed
            continue
        given = Path(given)
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
                reason = _HIDDEN_FOLDER
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
    return _sorted(entries)


_HIDDEN_FOLDER = "hidden folder (its name starts with '.'); its files were not read"
_HIDDEN_FILE = "hidden file (its name starts with '.')"


def _sorted(
    entries: list[tuple[tuple[str, ...], InputFile | Skipped]],
) -> tuple[list[InputFile], list[Skipped]]:
    entries.sort(key=lambda entry: entry[0])
    files = [item for _, item in entries if isinstance(item, InputFile)]
    return files, [item for _, item in entries if isinstance(item, Skipped)]


def _candidate(path: Path, rel: str, real_root: Path) -> InputFile | Skipped:
    """The file at ``path`` to read, or why it is skipped."""
    shown = display_name(rel)
    if path.name.startswith("."):
        return Skipped(shown, _HIDDEN_FILE)
    target = path
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(real_root):
            return Skipped(shown, "symbolic link to a file outside the input folder; not read")
    try:
        info = target.stat()
    except OSError as exc:
        return Skipped(shown, f"cannot be opened ({exc.strerror or exc}), e.g. a broken link")
    if not stat.S_ISREG(info.st_mode):
        return Skipped(shown, "not a regular file (a FIFO, socket or device)")
    fmt = file_format(path)
    if fmt is None:
        return Skipped(shown, f"unsupported file type {''.join(path.suffixes) or '(none)'}")
    problem = _open_problem(target)
    if problem is not None:
        return Skipped(shown, f"cannot be read ({problem}); check its permissions")
    return InputFile(str(target), shown, fmt[0], fmt[1], info.st_size)


def _open_problem(path: Path) -> str | None:
    """Why ``path`` cannot be opened for reading, or None when it can."""
    try:
        os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _walk_url(url: str, given: dict[str, Any]) -> tuple[list[InputFile], list[Skipped]]:
    """Files and skips under a URL (a folder, or one file named relative to its parent)."""
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(url, **given)
        info = fs.info(root)
        listing = fs.find(root, detail=True) if info["type"] == "directory" else {}
    except FileNotFoundError:
        raise InputError(f"{url}: no such file or directory") from None
    except ImportError as exc:
        raise InputError(
            f"{url}: reading this URL needs a package that is not installed ({exc}); "
            "for s3:// install the extra: uv sync --extra s3"
        ) from None
    except Exception as exc:  # each file system has its own errors (botocore's, ...)
        raise InputError(
            f"{url}: cannot be listed ({type(exc).__name__}: {exc}); check the URL, the "
            "credentials and the endpoint (storage options, or the file system's own settings "
            "such as AWS_ENDPOINT_URL)"
        ) from None
    # The options the file system was made with (fsspec's configuration included): a worker
    # that gets the file opens it the same way, without this process's settings. (A chained
    # URL's options belong to its outer file system: only the given ones travel.)
    made = {} if "::" in url else dict(fs.storage_options)
    options: Options = tuple(sorted({**made, **given}.items()))
    if info["type"] != "directory":
        base, _, name = url.rstrip("/").rpartition("/")
        rel = PurePosixPath(name)
        entry = (rel.parts, _remote(f"{base}/{name}", rel, info, options))
        return _sorted([entry])
    prefix = root.rstrip("/") + "/"
    entries: list[tuple[tuple[str, ...], InputFile | Skipped]] = []
    hidden: set[tuple[str, ...]] = set()
    for path, meta in listing.items():
        if meta.get("type", "file") != "file" or not path.startswith(prefix):
            continue  # a folder marker (an empty object whose key ends in "/")
        rel = PurePosixPath(path[len(prefix) :])
        folders = [i for i, part in enumerate(rel.parts[:-1]) if part.startswith(".")]
        if folders:
            top = rel.parts[: folders[0] + 1]
            if top not in hidden:
                hidden.add(top)
                entries.append((top, Skipped("/".join(top) + "/", _HIDDEN_FOLDER)))
            continue
        location = url.rstrip("/") + "/" + rel.as_posix()
        entries.append((rel.parts, _remote(location, rel, meta, options)))
    return _sorted(entries)


def _remote(
    location: str, rel: PurePosixPath, info: Mapping[str, Any], options: Options
) -> InputFile | Skipped:
    """The file a URL lists, or why it is skipped."""
    shown = rel.as_posix()
    if rel.name.startswith("."):
        return Skipped(shown, _HIDDEN_FILE)
    fmt = file_format(rel)
    if fmt is None:
        return Skipped(shown, f"unsupported file type {''.join(rel.suffixes) or '(none)'}")
    return InputFile(location, shown, fmt[0], fmt[1], int(info.get("size") or 0), options)


def _check_unique(files: list[InputFile]) -> None:
    seen: dict[str, str] = {}
    for f in files:
        # Provenance and incremental ingest identify a file by its relative path.
        if f.relpath in seen and seen[f.relpath] != f.location:
            raise InputError(
                f"{seen[f.relpath]} and {f.location} are both {f.relpath!r} relative to their "
                "input folders; give one folder that holds both, or rename one"
            )
        seen[f.relpath] = f.location


__all__ = [
    "FORMATS",
    "InputFile",
    "Options",
    "Skipped",
    "discover",
    "display_name",
    "file_format",
    "is_url",
]


def absolute(f: InputFile) -> InputFile:
    """``f`` with an absolute local path (a worker may run in another working directory)."""
    return f if f.remote else replace(f, location=os.path.abspath(f.location))
