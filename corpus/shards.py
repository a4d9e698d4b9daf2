"""Parquet shards: bounded size, explicit schema, zstd, deterministic names, atomic writes."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from corpus.config import Config

COMPRESSION = "zstd"


@dataclass(frozen=True, slots=True)
class ShardInfo:
    """One written shard, as the manifest lists it (path relative to the version folder)."""

    path: str
    rows: int
    bytes: int
    sha256: str
    shared_from: str | None = None  # the earlier version's shard this one is (version/path)
    link: str | None = None  # "hardlink" or "copy", for a shared shard


@dataclass(frozen=True, slots=True)
class Carried:
    """A shard of an earlier version that a new version keeps unchanged."""

    source: Path  # the shard file in the earlier version
    origin: str  # "v1.0.0/data/train-00000-of-00001.parquet", for the manifest
    rows: int
    sha256: str
    bytes: int | None = None  # its size, when the file is not on this disk (an fsspec output)


def link_or_copy(source: Path, target: Path) -> str:
    """Share ``source`` as ``target``: a hard link where the file system allows, else a copy.

    A version never modifies its files, so a hard link is safe: neither name is ever rewritten.
    """
    try:
        os.link(source, target)
        return "hardlink"
    except OSError:
        shutil.copyfile(source, target)
        return "copy"


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ShardSettings:
    """How a table is cut into shards: this module's slice of the configuration."""

    max_rows: int  # rows per shard at most
    max_bytes: int  # uncompressed string bytes per shard at most
    row_group_rows: int  # rows per Parquet row group

    @classmethod
    def of(cls, cfg: Config) -> ShardSettings:
        """The shard settings of a run's config."""
        return cls(cfg.shard_max_rows, cfg.shard_max_bytes, cfg.row_group_rows)


class ShardWriter:
    """Writes rows of one table into ``<folder>/<split>-0000i-of-0000N.parquet``.

    A shard is closed when it reaches ``max_rows`` rows or ``max_bytes`` of string
    data; names get their final ``-of-N`` only on ``close``, so parts are renamed into place.
    A table with no rows gets no shard (and no folder): ``datasets`` cannot load an empty
    split, so the card declares only the tables that have rows.
    """

    def __init__(
        self,
        root: Path,
        folder: str,
        schema: pa.Schema,
        settings: ShardSettings,
        split: str = "train",
    ) -> None:
        self._dir = root / folder
        self._folder, self._split, self._schema = folder, split, schema
        self._max_rows, self._max_bytes = settings.max_rows, settings.max_bytes
        self._group_rows = settings.row_group_rows
        # the rows of the row group being gathered: tables (``write_table``), then the rows
        # ``write`` added since the last one, made into a table when the group is written
        self._pieces: list[pa.Table] = []
        self._buffer: list[dict[str, Any]] = []
        self._buffered = self._buffer_bytes = 0
        self._writer: pq.ParquetWriter | None = None
        self._parts: list[tuple[Path, int]] = []
        self._sha: dict[Path, str] = {}  # parts adopted with their digest already known
        self._size: dict[Path, int] = {}  # parts adopted with their size known (not local)
        self._rows = self._bytes = 0
        self.total_rows = 0

    def write(self, row: Mapping[str, Any]) -> None:
        """Add one row (a dict matching the schema)."""
        size = string_bytes(row)
        if self._full(size):
            self._flush()
            self._finish_part()
        self._buffer.append(dict(row))
        self._add(size)

    def write_table(self, table: pa.Table, sizes: Sequence[int]) -> None:
        """Add the rows of a table (matching the schema; ``sizes``: each row's
        ``string_bytes``), cut into shards and row groups exactly as ``write`` would cut them."""
        self._stage()
        start = 0
        for n, size in enumerate(sizes):
            if self._full(size):
                self._pieces.append(table.slice(start, n - start))
                start = n
                self._flush()
                self._finish_part()
            if self._add(size, flush=False):
                self._pieces.append(table.slice(start, n + 1 - start))
                start = n + 1
                self._flush()
        if start < len(sizes):
            self._pieces.append(table.slice(start))

    def _full(self, size: int) -> bool:
        """Whether a row of ``size`` must start a new shard."""
        part_rows = self._rows + self._buffered  # rows already in the current shard
        return bool(part_rows) and (
            part_rows >= self._max_rows or self._bytes + self._buffer_bytes + size > self._max_bytes
        )

    def _add(self, size: int, flush: bool = True) -> bool:
        """Count a row just gathered; whether its row group is full (written, if ``flush``)."""
        self._buffered += 1
        self._buffer_bytes += size
        self.total_rows += 1
        full = self._buffered >= self._group_rows
        if full and flush:
            self._flush()
        return full

    def adopt(self, path: Path, rows: int, sha256: str, size: int | None = None) -> None:
        """Take a shard written elsewhere (by a worker) as the next part; it is renamed into
        place by ``close`` (``size``: its bytes, when it is not a local file)."""
        self._flush()
        self._finish_part()
        self._parts.append((path, rows))
        self._sha[path] = sha256
        if size is not None:
            self._size[path] = size
        self.total_rows += rows

    def close(
        self,
        carried: Sequence[Carried] = (),
        share: Callable[[Path, Path], str] = link_or_copy,
        move: Callable[[Path, Path], None] = os.replace,
    ) -> list[ShardInfo]:
        """Finish the last shard and give every shard its final name.

        ``carried`` shards of an earlier version come first, shared by ``share`` (hard-linked;
        on an fsspec output, copied on the server later) rather than rewritten; the new shards
        follow, and all are numbered ``i-of-N`` together.
        """
        self._flush()
        self._finish_part()
        total = len(carried) + len(self._parts)
        if carried:
            self._dir.mkdir(parents=True, exist_ok=True)
        shards = []
        for index, shard in enumerate(carried):
            final = self._final(index, total)
            link = share(shard.source, final)
            rel = f"{self._folder}/{final.name}"
            size = final.stat().st_size if shard.bytes is None else shard.bytes
            shards.append(ShardInfo(rel, shard.rows, size, shard.sha256, shard.origin, link))
        for index, (part, rows) in enumerate(self._parts, start=len(carried)):
            final = self._final(index, total)
            self._dir.mkdir(parents=True, exist_ok=True)
            move(part, final)  # ``move``: a part a task left on an fsspec output stays there
            rel = f"{self._folder}/{final.name}"
            sha = self._sha.get(part) or file_sha256(final)
            known = self._size.get(part)
            shards.append(
                ShardInfo(rel, rows, final.stat().st_size if known is None else known, sha)
            )
        self.total_rows += sum(c.rows for c in carried)
        return shards

    def _final(self, index: int, total: int) -> Path:
        return self._dir / f"{self._split}-{index:05d}-of-{total:05d}.parquet"

    def _open(self) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        part = self._dir / f".part-{len(self._parts):05d}.parquet.tmp"
        self._writer = pq.ParquetWriter(part, self._schema, compression=COMPRESSION)
        self._parts.append((part, 0))
        self._rows = self._bytes = 0

    def _stage(self) -> None:
        """The rows ``write`` gathered, as a table after the tables gathered before them."""
        if self._buffer:
            self._pieces.append(pa.Table.from_pylist(self._buffer, schema=self._schema))
            self._buffer = []

    def _flush(self) -> None:
        self._stage()
        if not self._buffered:
            self._pieces = []
            return
        if self._writer is None:
            self._open()
        assert self._writer is not None
        pieces = [p for p in self._pieces if p.num_rows]
        table = pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces).combine_chunks()
        self._writer.write_table(table, row_group_size=self._group_rows)
        self._rows += self._buffered
        self._bytes += self._buffer_bytes
        self._pieces, self._buffered, self._buffer_bytes = [], 0, 0

    def _finish_part(self) -> None:
        if self._writer is None:
            return
        self._writer.close()
        self._writer = None
        part, _ = self._parts[-1]
        self._parts[-1] = (part, self._rows)
        self._rows = self._bytes = 0


def string_bytes(row: Mapping[str, Any]) -> int:
    """A cheap estimate of a row's uncompressed size: the length of its string values."""
    total = 0
    for value in row.values():
        if isinstance(value, str):
            total += len(value)
        elif isinstance(value, list):
            total += sum(len(v) for v in value if isinstance(v, str))
    return total


def string_sizes(table: pa.Table) -> list[int]:
    """``string_bytes`` of each row of ``table``: its string and list-of-string columns."""
    total = np.zeros(table.num_rows, dtype=np.int64)
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_string(field.type):
            total += pc.utf8_length(column).fill_null(0).to_numpy()
        elif pa.types.is_list(field.type) and pa.types.is_string(field.type.value_type):
            lengths = pc.utf8_length(pc.list_flatten(column)).fill_null(0).to_numpy()
            parents = pc.list_parent_indices(column).to_numpy()
            total += np.bincount(parents, weights=lengths, minlength=table.num_rows).astype(
                np.int64
            )
    return total.tolist()  # type: ignore[no-any-return]


def read_rows(path: Path) -> list[dict[str, Any]]:
    """All rows of one shard as dicts (for tests and small tables)."""
    return pq.read_table(path).to_pylist()  # type: ignore[no-any-return]
