"""Outputs on any fsspec file system (``--out s3://bucket/processed``): a mirror and an upload.

An ingest to a URL builds its version in a local staging folder that mirrors the dataset on the
URL (``Mirror``): every version's ``manifest.json``, and the dedup index and learned statistics
of the latest, are fetched (small files); shards never are. The finished version is uploaded
file by file with its ``manifest.json`` last: there is no rename on S3, and a version folder
without a manifest is not a version (``versions.list_versions`` and ``Mirror.versions`` agree),
so a reader never takes a half-uploaded folder for one. Shards an incremental version shares
with its parent are copied on the server (``fs.copy``), never downloaded; the parent's texts
that dedup's judge and the card's statistics read are read by ranged requests where they are
(``Remote``). The staging folder is fixed per URL, so an interrupted run's finished work units
(corpus/runs.py) are reused by the next run on the same machine; what an interrupted upload
left on the URL is swept before the next upload.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from corpus.errors import UsageError, VersionError
from corpus.lease import Lease
from corpus.manifest import MANIFEST, TABLES, Manifest

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

log = logging.getLogger(__name__)

_VERSION_DIR = re.compile(r"^v\d+\.\d+\.\d+$")
#: Where mirrors are staged (default: the user's cache folder); one folder per output URL.
STAGING_ENV = "CORPUS_STAGING"


def is_url(where: str | Path) -> bool:
    """Whether an output location is an fsspec URL (``s3://...``) rather than a local folder."""
    return isinstance(where, str) and "://" in where and not where.startswith("file://")


@dataclass(frozen=True, slots=True)
class Remote:
    """A file on an fsspec file system, read in place (Parquet by ranged requests)."""

    fs: Any  # fsspec.AbstractFileSystem (fsspec has no type hints)
    path: str  # without the protocol

    def __str__(self) -> str:
        return str(self.fs.unstrip_protocol(self.path))


#: A Parquet file to read: on the local disk, or on a file system behind a URL.
Source = Path | Remote
#: Where a version's file is read: the path itself (``Path``), or the file a staged path stands
#: for on a URL (``Mirror.remote``).
Where = Callable[[Path], Source]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a file or folder lives: an fsspec file system and a path on it (the local disk's
    file system for a local path). A distributed run's tasks name every file they hand each
    other so; it pickles (the file system is made again from its options on a worker)."""

    fs: Any  # fsspec.AbstractFileSystem
    path: str  # without the protocol, no trailing "/"

    @classmethod
    def local(cls, path: Path | str) -> Place:
        """A place on this machine's disk."""
        from fsspec.implementations.local import LocalFileSystem

        return cls(LocalFileSystem(), Path(path).absolute().as_posix())

    @classmethod
    def of(cls, where: Path | str, options: Mapping[str, Any] | None = None) -> Place:
        """A local path or an fsspec URL (``s3://bucket/processed``) as a place."""
        if not is_url(where):
            return cls.local(str(where).removeprefix("file://"))
        import fsspec

        fs, path = fsspec.core.url_to_fs(str(where), **dict(options or {}))
        return cls(fs, str(path).rstrip("/"))

    def __truediv__(self, name: str) -> Place:
        return Place(self.fs, f"{self.path}/{name}")

    def __str__(self) -> str:
        return self.path if self.is_local else str(self.fs.unstrip_protocol(self.path))

    @property
    def name(self) -> str:
        """The last part of the path."""
        return posixpath.basename(self.path)

    @property
    def is_local(self) -> bool:
        """Whether the place is on this machine's disk (read and written as files)."""
        from fsspec.implementations.local import LocalFileSystem

        return isinstance(self.fs, LocalFileSystem)

    # ---------------------------------------------------------------- files as bytes

    def open(self, mode: str = "rb") -> IO[bytes]:
        """The file, open (remote: reads are ranged requests, buffered)."""
        return self.fs.open(self.path, mode)  # type: ignore[no-any-return]

    def read_bytes(self) -> bytes:
        """The whole file."""
        return bytes(self.fs.cat_file(self.path))

    def write_bytes(self, data: bytes) -> None:
        """Write the file whole: a reader (or a retried task) never sees a part of it. Local:
        a temporary name renamed; on an object store one upload is atomic already."""
        if self.is_local:
            path = Path(self.path)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        else:
            self.fs.pipe_file(self.path, data)

    def is_file(self) -> bool:
        """Whether a file is there."""
        return bool(self.fs.isfile(self.path))

    def is_dir(self) -> bool:
        """Whether a folder is there (on an object store: any file below this prefix)."""
        return bool(self.fs.isdir(self.path))

    def size(self) -> int:
        """Bytes of the files below this folder (0 when there is none)."""
        self.fs.invalidate_cache(self.path)  # tasks elsewhere wrote them
        try:
            return int(self.fs.du(self.path, total=True))
        except FileNotFoundError:
            return 0

    def glob(self, pattern: str) -> list[Place]:
        """The files below matching ``pattern`` (one level: ``fates-1-*.pickle``), sorted."""
        self.fs.invalidate_cache(self.path)  # another process may have written since
        try:
            found = self.fs.glob(f"{self.path}/{pattern}")
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [Place(self.fs, str(p).rstrip("/")) for p in sorted(found)]

    def files(self, suffix: str) -> list[Place]:
        """Every file below (at any depth) whose name ends with ``suffix``, sorted by path."""
        self.fs.invalidate_cache(self.path)
        try:
            found = self.fs.find(self.path)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [Place(self.fs, str(p)) for p in sorted(found) if str(p).endswith(suffix)]

    def sizes(self) -> dict[str, int]:
        """Every file below (at any depth), by its path relative to this folder, with its
        size in bytes: one listing (on an object store, a page per 1,000 files)."""
        self.fs.invalidate_cache(self.path)
        try:
            found = self.fs.find(self.path, detail=True)
        except (FileNotFoundError, NotADirectoryError):
            return {}
        start = len(self.path) + 1
        return {str(p)[start:]: int(info["size"]) for p, info in found.items()}

    def read_each(self, names: Sequence[str]) -> dict[str, bytes | None]:
        """The files ``names`` below (relative paths), whole; None for one that cannot be
        read. Fetched concurrently on an object store (fsspec's ``cat`` of many paths)."""
        if not names:
            return {}
        paths = [f"{self.path}/{n}" for n in names]
        try:
            found = self.fs.cat(paths, on_error="return")
        except OSError:  # e.g. the folder went meanwhile
            return dict.fromkeys(names)
        got = [found.get(self.fs._strip_protocol(p)) for p in paths]
        return {n: g if isinstance(g, bytes) else None for n, g in zip(names, got, strict=True)}

    def remove(self) -> None:
        """Remove the file or folder (and what is below it); nothing there is fine."""
        try:
            if self.fs.exists(self.path):
                self.fs.rm(self.path, recursive=True)
        except FileNotFoundError:
            pass

    def source(self) -> Source:
        """The file as the readers of ``storage`` take it (a local path, or a ``Remote``)."""
        return Path(self.path) if self.is_local else Remote(self.fs, self.path)

    @contextmanager
    def written(self) -> Iterator[Path]:
        """A local folder whose files are this folder's when the block ends: itself, on this
        machine; a temporary folder uploaded file by file (every file whole), on a URL. For
        writers that need a local file (Parquet shards, ``np.save``)."""
        if self.is_local:
            Path(self.path).mkdir(parents=True, exist_ok=True)
            yield Path(self.path)
            return
        with tempfile.TemporaryDirectory(prefix="corpus-task-") as tmp:
            yield Path(tmp)
            for path in sorted(Path(tmp).rglob("*")):
                if path.is_file() and not path.name.endswith(".tmp"):
                    rel = path.relative_to(tmp).as_posix()
                    self.fs.put_file(str(path), f"{self.path}/{rel}")

    # ---------------------------------------------------------------- Parquet

    def arrow(self) -> tuple[Any, str]:
        """The place as pyarrow takes it: (a pyarrow file system, a path). Remote files are
        read through fsspec by ranged requests: a row group read is a read of its bytes."""
        import pyarrow.fs as pafs

        if self.is_local:
            return pafs.LocalFileSystem(), self.path
        return pafs.PyFileSystem(pafs.FSSpecHandler(self.fs)), self.path

    def parquet_file(self) -> pq.ParquetFile:
        """The Parquet file, open for reading (its footer read; row groups on demand)."""
        import pyarrow.parquet as pq

        fs, path = self.arrow()
        return pq.ParquetFile(path, filesystem=fs)

    def read_table(self, columns: Sequence[str] | None = None) -> pa.Table:
        """Some columns of the Parquet file (all: ``None``), only their column chunks read."""
        import pyarrow.parquet as pq

        fs, path = self.arrow()
        return pq.read_table(
            path, columns=None if columns is None else list(columns), filesystem=fs
        )

    def write_parquet(self, table: pa.Table, **options: Any) -> None:
        """Write a table as this Parquet file, whole (``write_bytes``)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.is_local:  # straight to a file: no copy of it in memory
            path = Path(self.path)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            pq.write_table(table, tmp, **options)
            os.replace(tmp, path)
            return
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, **options)
        self.write_bytes(sink.getvalue().to_pybytes())


def parquet_file(source: Source) -> pq.ParquetFile:
    """A Parquet file opened for reading, local or remote."""
    import pyarrow.parquet as pq

    if isinstance(source, Remote):
        return pq.ParquetFile(source.fs.open(source.path, "rb"))
    return pq.ParquetFile(source)


def read_table(source: Source, columns: Sequence[str]) -> pa.Table:
    """Some columns of a Parquet file, local or remote (only their column chunks are read)."""
    import pyarrow.parquet as pq

    if isinstance(source, Remote):
        with source.fs.open(source.path, "rb") as fh:
            return pq.read_table(fh, columns=list(columns))
    return pq.read_table(source, columns=list(columns))


def version_urls(url: str, options: Mapping[str, Any] | None = None) -> list[str]:
    """The versions a URL names, oldest first: itself (it holds a ``manifest.json``), those of
    a dataset folder, or those of every dataset in a folder of datasets; empty for anything
    else (raw input)."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(url, **dict(options or {}))
    root = root.rstrip("/")
    base = url.rstrip("/")
    for pattern in (MANIFEST, f"v*/{MANIFEST}", f"*/v*/{MANIFEST}"):
        try:
            found = [p for p in fs.glob(f"{root}/{pattern}") if _is_version(p)]
        except (FileNotFoundError, NotADirectoryError):
            return []
        if found:
            rels = [posixpath.dirname(p)[len(root) :] for p in found]
            return [base + rel for rel in sorted(rels, key=_version_key)]
    return []


def _is_version(manifest_path: str) -> bool:
    return bool(_VERSION_DIR.match(posixpath.basename(posixpath.dirname(manifest_path))))


def _version_key(rel: str) -> tuple[str, tuple[int, ...]]:
    folder, name = posixpath.split(rel)
    if not _VERSION_DIR.match(name):  # the URL is the version itself
        return folder, ()
    return folder, tuple(int(n) for n in name[1:].split("."))


@contextmanager
def fetched(url: str, options: Mapping[str, Any] | None = None) -> Iterator[Path]:
    """A local copy of the version at ``url`` (``<tmp>/<dataset>/vX.Y.Z``), removed after the
    block: checking a version reads every byte of it (its files' sha256) anyway."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(url, **dict(options or {}))
    path = path.rstrip("/")
    name, dataset = posixpath.basename(path), posixpath.basename(posixpath.dirname(path))
    with tempfile.TemporaryDirectory(prefix="corpus-fetch-") as tmp:
        local = Path(tmp) / (dataset or "dataset") / name
        local.parent.mkdir(parents=True)
        fs.get(path, str(local), recursive=True)
        yield local


def staging_root(url: str) -> Path:
    """The local folder a URL's datasets are staged in: fixed per URL, so a rerun reuses it."""
    base = os.environ.get(STAGING_ENV) or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    if not os.environ.get(STAGING_ENV):
        root = root / "corpus" / "staging"
    digest = hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]
    return root / digest


@dataclass(slots=True)
class Mirror:
    """A dataset on an fsspec URL and its local staging folder (same relative paths)."""

    fs: Any  # fsspec.AbstractFileSystem
    root: str  # the dataset's path on ``fs`` (no protocol)
    local: Path  # the dataset's staging folder
    url: str  # the dataset's URL, for messages
    # planned server-side copies: (path on ``fs``, path in the version being built)
    copies: list[tuple[str, str]] = field(default_factory=list)
    # files of a version being built that are on the URL, not staged: staged path -> path on fs
    elsewhere: dict[Path, str] = field(default_factory=dict)
    # the dataset's lease on the URL, held by a mirror that writes (corpus/lease.py)
    lease: Lease | None = None

    @classmethod
    def open(
        cls,
        out: str,
        dataset: str,
        options: Mapping[str, Any] | None = None,
        *,
        lease_timeout: float | None = None,
    ) -> Mirror:
        """The mirror of ``<out>/<dataset>``; its versions' manifests are fetched now. With
        ``lease_timeout`` (a mirror to write through), the dataset's lease is taken first
        (``LeaseError`` if another driver holds it): hold it with ``with mirror.lease``."""
        import fsspec

        try:
            fs, root = fsspec.core.url_to_fs(out, **dict(options or {}))
        except (ImportError, ValueError) as exc:
            raise UsageError(f"--out {out}: {exc} (is the fsspec backend installed?)") from None
        root = posixpath.join(root.rstrip("/"), dataset)
        local = staging_root(out) / dataset
        mirror = cls(fs, root, local, f"{out.rstrip('/')}/{dataset}")
        if lease_timeout is not None:
            mirror.lease = Lease(fs, root, mirror.url, lease_timeout)
            mirror.lease.take()
        try:
            mirror.refresh()
        except BaseException:
            if mirror.lease is not None:
                mirror.lease.release()
            raise
        return mirror

    def held(self) -> AbstractContextManager[object]:
        """A block that holds (renews, then releases) this mirror's lease, if it took one."""
        return self.lease if self.lease is not None else nullcontext()

    def check(self) -> None:
        """``LeaseError`` if this mirror writes and another driver took its lease over."""
        if self.lease is not None:
            self.lease.check()

    def remote(self, path: Path) -> Remote:
        """The file on the URL that a path in the staging folder stands for."""
        rel = path.relative_to(self.local).as_posix()
        return Remote(self.fs, f"{self.root}/{rel}")

    def place(self, path: Path) -> Place:
        """The place on the URL that a path in the staging folder stands for: where the tasks
        of a distributed run write what they would write there on a local output."""
        return Place(self.fs, self.remote(path).path)

    def url_of(self, path: Path) -> str:
        """The URL of a path in the staging folder (for messages and results)."""
        return f"{self.url}/{path.relative_to(self.local).as_posix()}"

    def versions(self) -> list[str]:
        """Version folder names on the URL that are versions: those with a manifest."""
        self.fs.invalidate_cache()  # listings are cached; another process may have written
        try:
            entries = self.fs.ls(self.root, detail=False)
        except (FileNotFoundError, NotADirectoryError):
            return []
        names = [posixpath.basename(str(e).rstrip("/")) for e in entries]
        found = [n for n in names if _VERSION_DIR.match(n)]
        return sorted(n for n in found if self.fs.isfile(f"{self.root}/{n}/{MANIFEST}"))

    def refresh(self) -> None:
        """Make the staging folder's versions those of the URL: manifests fetched, a local
        version the URL does not have (an upload that failed) removed."""
        names = set(self.versions())
        self.local.mkdir(parents=True, exist_ok=True)
        for entry in self.local.iterdir():
            if entry.is_dir() and entry.name.startswith("v") and entry.name not in names:
                log.info(
                    "removing %s from the staging folder: not a version on %s", entry, self.url
                )
                shutil.rmtree(entry, ignore_errors=True)
        for name in names:
            target = self.local / name / MANIFEST
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                self._get(f"{self.root}/{name}/{MANIFEST}", target)

    def fetch_artifacts(self, version_dir: Path) -> None:
        """Fetch what an incremental ingest reads of a version besides its shards: its dedup
        index and learned statistics (checked by size and sha256)."""
        from corpus.shards import file_sha256

        manifest = Manifest.read(version_dir)
        for entry in (*manifest.dedup_index.files, *manifest.learned.files):
            target = version_dir / entry.path
            if target.is_file() and target.stat().st_size == entry.bytes:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            self._get(self.remote(target).path, target)
            if file_sha256(target) != entry.sha256:
                target.unlink()
                raise VersionError(
                    f"{self.url_of(target)} does not match its manifest entry (sha256): the "
                    "version on the URL is damaged; rerun with --rebuild"
                )

    def copy_later(self, source: Path, target: Path) -> str:
        """Plan a server-side copy of ``source`` (a staged path of an earlier version's shard)
        to ``target`` (in a version being built); done by ``upload``. The manifest's link."""
        self.copies.append((self.remote(source).path, f"{target.parent.name}/{target.name}"))
        return "copy"

    def move_later(self, part: Path, final: Path) -> None:
        """Give a new shard of a version being built its final name: a staged file is renamed;
        one a task wrote on the URL (at ``place(part)``: nothing staged) is copied there on
        the server at upload."""
        if part.exists():
            os.replace(part, final)
            return
        source = self.place(part).path
        self.copies.append((source, f"{final.parent.name}/{final.name}"))
        self.elsewhere[final] = source

    def adopt(self, staged: Path, rel: str) -> None:
        """Take a file a task wrote on the URL (at ``place(staged)``) into the version being
        built as ``rel``: copied on the server at upload."""
        source = self.place(staged).path
        self.copies.append((source, rel))
        self.elsewhere[staged] = source

    def source(self, path: Path) -> Source:
        """Where a file of the version being built is read now: staged, or on the URL."""
        found = self.elsewhere.get(path)
        return path if found is None else Remote(self.fs, found)

    def sweep_scratch(self, keep: Path | None = None) -> None:
        """Remove what distributed runs left on the URL (their task files, ``.runs/`` and
        ``.building-*``) but the place of ``keep`` (a staged run folder, ``.runs/<key>``: the
        run about to resume reuses its finished tasks): one writer per dataset at a time, so
        none is in use."""
        self.check()
        kept = self.place(keep).path if keep is not None else None
        for pattern in (".runs/*" if kept else ".runs", ".building-*"):
            self.fs.invalidate_cache(self.root)
            try:
                found = self.fs.glob(f"{self.root}/{pattern}")
            except FileNotFoundError:
                continue
            for folder in found:
                if str(folder).rstrip("/") == kept:
                    continue
                log.info("removing %s: task files of a distributed run", folder)
                Place(self.fs, str(folder)).remove()

    def sweep(self) -> None:
        """Remove what interrupted uploads left on the URL: version folders with no manifest."""
        try:
            folders = self.fs.glob(f"{self.root}/v*")
        except FileNotFoundError:
            return
        done = set(self.versions())
        for folder in folders:
            if posixpath.basename(folder) not in done and self.fs.isdir(folder):
                log.info("removing %s: an interrupted upload (no manifest)", folder)
                self.fs.rm(folder, recursive=True)

    def upload(self, version_dir: Path) -> str:
        """Upload a finished version: its files, the planned server-side copies, and its
        ``manifest.json`` last (the commit). Its staged shards are removed afterwards."""
        self.check()
        dest = f"{self.root}/{version_dir.name}"
        if self.fs.exists(f"{dest}/{MANIFEST}"):
            raise VersionError(f"{self.url}/{version_dir.name} exists already; never overwritten")
        self.sweep()
        files = sorted(p for p in version_dir.rglob("*") if p.is_file() and p.name != MANIFEST)
        for path in files:
            rel = path.relative_to(version_dir).as_posix()
            self.fs.makedirs(posixpath.dirname(f"{dest}/{rel}"), exist_ok=True)
            self.fs.put_file(str(path), f"{dest}/{rel}")
        for source, rel in self.copies:
            self.fs.copy(source, f"{dest}/{rel}")
        self.fs.put_file(str(version_dir / MANIFEST), f"{dest}/{MANIFEST}")
        self.copies.clear()
        self.elsewhere.clear()
        for table in TABLES:  # the staging folder keeps what the next ingest reads: no shards
            shutil.rmtree(version_dir / table, ignore_errors=True)
        return f"{self.url}/{version_dir.name}"

    def _get(self, path: str, target: Path) -> None:
        tmp = target.with_name(target.name + ".part")
        self.fs.get_file(path, str(tmp))
        os.replace(tmp, target)
