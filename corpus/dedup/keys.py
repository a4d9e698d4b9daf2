"""The lookup keys of a dedup index part, stored by hash partition.

An article can be a duplicate only of an article sharing a key with it: its URL hash (when it
has a URL) or one of its band keys. A distributed ingest looks the keys up a hash partition at a
time (``value % parts``); so that it reads only its partition of a published index, each index
part (``index-NNNNN.parquet``) keeps its keys beside it (``keys-NNNNN.parquet``): one row per
(key, row), one row group per partition of ``PARTITIONS``. A lookup in ``parts`` partitions (a
divisor of ``PARTITIONS``) reads the row groups ``q`` with ``q % parts == part``. Parts written
before the key files are read whole, by their columns.
"""

from __future__ import annotations

import itertools
import json
import posixpath
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from corpus.dedup.minhash import I64, U32, U64
from corpus.storage import Place

#: Hash partitions of a key file (a lookup's partition count must divide it).
PARTITIONS = 64
PART_KEYS = "keys-{:05d}.parquet"
_META_KEY = b"corpus.dedup.partitions"


def key_rows(url: U64, bands: U32) -> tuple[I64, U64, U64]:
    """Every (row, key, value) to look up: non-zero URL hashes and every band key; the key is
    the value tagged with its column, so a URL hash never meets a band key."""
    rows, keys, values = [], [], []
    columns = [url.astype(np.uint64)] + [
        bands[:, j].astype(np.uint64) for j in range(bands.shape[1])
    ]
    for column, found in enumerate(columns):
        at = np.flatnonzero(found != 0) if column == 0 else np.arange(len(found))
        rows.append(at.astype(np.int64))
        values.append(found[at])
        keys.append((found[at] << np.uint64(8)) | np.uint64(column))
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64), np.zeros(0, np.uint64)
    return np.concatenate(rows), np.concatenate(keys), np.concatenate(values)


def partition_keys(url: U64, bands: U32, part: int, parts: int) -> tuple[I64, U64]:
    """The (row, key) pairs of partition ``part`` of ``parts``."""
    rows, keys, values = key_rows(url, bands)
    mine = values % np.uint64(parts) == part
    return rows[mine], keys[mine]


def keys_path(table_path: Place) -> Place | None:
    """The key file beside index part ``table_path`` (``index-NNNNN`` -> ``keys-NNNNN``);
    None for an index kept whole (``index.parquet``), which has none."""
    if not table_path.name.startswith("index-"):
        return None
    folder = posixpath.dirname(table_path.path)
    return Place(table_path.fs, f"{folder}/{table_path.name.replace('index-', 'keys-', 1)}")


def write_keys(path: Path, url: U64, bands: U32) -> Path:
    """Write an index part's keys, a row group per partition."""
    rows, keys, values = key_rows(url, bands)
    partition = (values % np.uint64(PARTITIONS)).astype(np.int64)
    order = np.lexsort((keys, partition))
    partition = partition[order]
    table = pa.table({"key": pa.array(keys[order]), "row": pa.array(rows[order].astype(np.uint32))})
    present = np.unique(partition)
    bounds = [*np.searchsorted(partition, present).tolist(), len(partition)]
    schema = table.schema.with_metadata({_META_KEY: json.dumps(present.tolist())})
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for lo, hi in itertools.pairwise(bounds):
            writer.write_table(table.slice(lo, hi - lo), row_group_size=hi - lo)
    return path


def read_keys(path: Path | Place, part: int, parts: int) -> tuple[I64, U64]:
    """The (row, key) pairs of partition ``part`` of ``parts`` in a key file: its row groups
    of that partition only (on a URL: ranged requests of their bytes)."""
    if PARTITIONS % parts:
        raise ValueError(f"{parts} partitions do not divide the key files' {PARTITIONS}")
    f = (path if isinstance(path, Place) else Place.local(path)).parquet_file()
    present = json.loads((f.schema_arrow.metadata or {})[_META_KEY])
    groups = [g for g, q in enumerate(present) if q % parts == part]
    if not groups:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    table = f.read_row_groups(groups)
    rows: I64 = table.column("row").to_numpy().astype(np.int64)
    return rows, table.column("key").to_numpy().astype(np.uint64)
