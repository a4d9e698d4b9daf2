"""The files a distributed run's tasks hand each other, on storage every worker can reach.

Each read task writes, for its slice of the input, the accepted articles (``articles-T``, the
data table's schema) and their dedup fingerprints (``fingerprints-T``: one row per article, in
the same order), both Parquet, so a later task reads only the columns and rows it needs: a
partition task the URL hashes and band keys, a judge task some texts or signatures, a route
task everything of its own slice. A linking task leaves its forest of the key graph
(``forest-P.npz``), the cut task each plan job's articles (``plan-J.npz``), a plan job its
fates per read task (``fates-T-J.pickle``). Files are written to a temporary name and renamed: a task
that runs twice (a node lost) leaves one whole file. Every file is named by its ``Place``: on
the local disk, or on an fsspec output's URL (a cluster has no shared disk), where Parquet
reads stay ranged requests of the row groups asked for.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from corpus import dedup
from corpus.dedup.minhash import BANDS, I64, NUM_PERM, U32
from corpus.records import ARTICLE_SCHEMA, Article, to_table
from corpus.storage import Place

FINGERPRINT_SCHEMA = pa.schema(
    [
        ("key", pa.binary(32)),
        ("id", pa.string()),
        ("url", pa.uint64()),
        ("exact", pa.uint64()),
        ("when", pa.float64()),
        ("length", pa.int64()),
        ("publisher", pa.string()),
        ("size", pa.uint32()),
        ("bands", pa.binary(4 * BANDS)),
        ("sig", pa.binary(2 * NUM_PERM)),
    ]
)


def articles_path(folder: Place, task: int) -> Place:
    """Where read task ``task`` leaves its accepted articles."""
    return folder / f"articles-{task:06d}.parquet"


def fates_path(folder: Place, task: int, job: int) -> Place:
    """Where plan job ``job`` leaves read task ``task``'s fates (row -> fate, other than Keep)."""
    return folder / f"fates-{task:06d}-{job:06d}.pickle"


def write_fates(folder: Place, task: int, job: int, fates: dict[int, dedup.Fate]) -> None:
    """Leave the fates plan job ``job`` decided for read task ``task``'s route task."""
    # whole: a retried task rewrites it
    fates_path(folder, task, job).write_bytes(pickle.dumps(fates, protocol=pickle.HIGHEST_PROTOCOL))


def read_fates(folder: Place, task: int) -> dict[int, dedup.Fate]:
    """The fates every plan job left for read task ``task`` (no file: every article is
    unique). The jobs hold disjoint components, so no row has two fates."""
    found: dict[int, dedup.Fate] = {}
    for path in folder.glob(f"fates-{task:06d}-*.pickle"):
        found.update(pickle.loads(path.read_bytes()))
    return found


def clear_fates(folder: Place) -> None:
    """Drop the fates files of an earlier attempt at this run (its jobs may have been cut
    otherwise): each plan job then writes the only files of its own."""
    for path in folder.glob("fates-*.pickle"):
        path.remove()


def _save(path: Place, a: I64, b: I64) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, a=a, b=b)
    path.write_bytes(buffer.getvalue())  # whole: a retried task rewrites it


def _load(path: Place) -> tuple[I64, I64]:
    with np.load(io.BytesIO(path.read_bytes())) as found:
        return found["a"], found["b"]


def write_forest(folder: Place, part: int, nodes: I64, least: I64) -> None:
    """Leave linking partition ``part``'s forest (``components.forest``) for the cut task."""
    _save(folder / f"forest-{part:06d}.npz", nodes, least)


def read_forest(folder: Place, part: int) -> tuple[I64, I64]:
    """Linking partition ``part``'s forest: its linked articles and their components there."""
    return _load(folder / f"forest-{part:06d}.npz")


def write_plan_job(folder: Place, job: int, new: I64, old: I64) -> None:
    """Leave plan job ``job``'s articles: ordinals and published rows, each sorted."""
    _save(folder / f"plan-{job:06d}.npz", new, old)


def read_plan_job(folder: Place, job: int) -> tuple[I64, I64]:
    """Plan job ``job``'s ordinals and published rows."""
    return _load(folder / f"plan-{job:06d}.npz")


def fingerprints_path(folder: Place, task: int) -> Place:
    """Where read task ``task`` leaves its articles' fingerprints."""
    return folder / f"fingerprints-{task:06d}.parquet"


#: Rows per row group: a judge task reading a few rows' texts or signatures reads only
#: their row groups.
ROW_GROUP = 1_000


def _replace(table: pa.Table, path: Place) -> None:
    path.write_parquet(table, compression="zstd", row_group_size=ROW_GROUP)


def _take(path: Place, columns: list[str], rows: I64) -> pa.Table:
    """Some rows of some columns, reading only the row groups that hold them."""
    source = path.parquet_file()
    sizes = [source.metadata.row_group(g).num_rows for g in range(source.num_row_groups)]
    starts = np.cumsum([0, *sizes])
    group_of = np.searchsorted(starts, rows, side="right") - 1
    groups = np.unique(group_of)
    table = source.read_row_groups(groups.tolist(), columns=columns)
    offsets = np.cumsum([0, *(sizes[g] for g in groups.tolist())])
    at = offsets[np.searchsorted(groups, group_of)] + rows - starts[group_of]
    return table.take(pa.array(at, pa.int64()))


def _fixed(matrix: npt.NDArray[np.generic], width: int) -> pa.Array:
    data = np.ascontiguousarray(matrix)
    return pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(data), [None, pa.py_buffer(data)]
    )


def write_articles(path: Place, articles: Sequence[Article]) -> None:
    """The articles of one task, as data-table rows."""
    _replace(to_table(articles, ARTICLE_SCHEMA), path)


def write_fingerprints(path: Place, fps: dedup.Fingerprints) -> None:
    """The fingerprints of one task's articles (same order)."""
    names = np.array(fps.publishers, dtype=object)
    table = pa.table(
        {
            "key": _fixed(fps.keys.astype("S32").view(np.uint8).reshape(-1, 32), 32),
            "id": pa.array([i.decode() for i in fps.ids.tolist()], pa.string()),
            "url": pa.array(fps.url, pa.uint64()),
            "exact": pa.array(fps.exact, pa.uint64()),
            "when": pa.array(fps.when, pa.float64()),
            "length": pa.array(fps.length, pa.int64()),
            "publisher": pa.array(names[fps.publisher].tolist() if len(fps) else [], pa.string()),
            "size": pa.array(fps.size, pa.uint32()),
            "bands": _fixed(fps.bands, 4 * BANDS),
            "sig": _fixed(np.asarray(fps.sigs, dtype=np.uint16), 2 * NUM_PERM),
        },
        schema=FINGERPRINT_SCHEMA,
    )
    _replace(table, path)


def matrix(column: pa.ChunkedArray, dtype: type, width: int) -> npt.NDArray[np.generic]:
    """A fixed-size binary column as an (n, width) array of ``dtype``."""
    array = column.combine_chunks()
    n = len(array)
    if not n:
        return np.zeros((0, width), dtype)
    flat: npt.NDArray[np.generic] = np.frombuffer(array.buffers()[1], dtype=dtype)
    start = array.offset * width
    return flat[start : start + n * width].reshape(n, width).copy()


def read_fingerprints(
    path: Place, rows: I64 | None = None, *, sigs: bool = False
) -> dedup.Fingerprints:
    """Fingerprints of some rows of a task's file (all rows: ``None``); without signatures
    unless asked (planning never needs them: judges read their own)."""
    columns = [f.name for f in FINGERPRINT_SCHEMA if sigs or f.name != "sig"]
    # some rows: only their row groups (a plan job's articles are a part of each task's)
    table = path.read_table(columns) if rows is None else _take(path, columns, rows)
    n = table.num_rows
    names = table.column("publisher").to_pylist()
    publishers = tuple(dict.fromkeys(names))
    code = {p: i for i, p in enumerate(publishers)}
    return dedup.Fingerprints(
        keys=matrix(table.column("key"), np.uint8, 32).view("S32").reshape(n),
        ids=np.array([i.encode() for i in table.column("id").to_pylist()], dtype=np.bytes_),
        sigs=matrix(table.column("sig"), np.uint16, NUM_PERM)
        if sigs
        else np.zeros((n, 0), np.uint16),  # type: ignore[arg-type]
        bands=matrix(table.column("bands"), np.uint32, BANDS),  # type: ignore[arg-type]
        size=table.column("size").to_numpy(),
        exact=table.column("exact").to_numpy(),
        url=table.column("url").to_numpy(),
        when=table.column("when").to_numpy(),
        length=table.column("length").to_numpy(),
        publisher=np.array([code[p] for p in names], dtype=np.int32),
        publishers=publishers,
    )


def read_keys(path: Place) -> tuple[npt.NDArray[np.uint64], U32]:
    """The URL hashes and band keys of a task's file (what partitioning looks at)."""
    table = path.read_table(["url", "bands"])
    return table.column("url").to_numpy(), matrix(table.column("bands"), np.uint32, BANDS)  # type: ignore[return-value]


def read_signatures(path: Place, rows: I64) -> npt.NDArray[np.uint16]:
    """Compact signatures of some rows of a task's file."""
    table = _take(path, ["sig"], rows)
    return matrix(table.column("sig"), np.uint16, NUM_PERM)  # type: ignore[return-value]


def read_texts(path: Place, rows: I64) -> list[str]:
    """Body texts of some rows of a task's articles file."""
    table = _take(path, ["text"], rows)
    return [str(t) for t in table.column("text").to_pylist()]
