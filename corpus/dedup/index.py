"""The dedup index: fingerprints of every published article, what later ingests match against.

Each version saves one (``dedup/index.parquet`` + ``dedup/signatures.npy``), cumulative; a new
ingest loads the previous version's and never reads or re-hashes the old text for planning.

The planner asks the index only four questions: which rows have this body hash
(``match_exact``), this URL hash (``match_url``), a band key in common with these articles
(``band_pairs``), and the signatures/sizes/ids of some rows. Each is answerable per partition:
body and URL hashes by hash prefix, band keys by band (issue 14's partitioned index, where no
process holds every row, answers the same questions per partition and concatenates in
partition order).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from corpus.dedup.candidates import cross_band_pairs, match_sorted
from corpus.dedup.fingerprints import Fingerprints
from corpus.dedup.keys import PART_KEYS, write_keys
from corpus.dedup.minhash import BANDS, I64, NUM_PERM, ROWS, SEED, U16, U32, U64
from corpus.errors import VersionError
from corpus.storage import Place

INDEX_FILE = "index.parquet"
SIGNATURES_FILE = "signatures.npy"
_INDEX_FORMAT = 1
_META_KEY = b"corpus.dedup"
_STEP = 65_536


def index_params(ngram: int) -> dict[str, Any]:
    """What an index must agree on to be reused: shingles, hashing and banding."""
    return {
        "format": _INDEX_FORMAT,
        "ngram": ngram,
        "num_perm": NUM_PERM,
        "bands": BANDS,
        "rows": ROWS,
        "seed": SEED,
    }


class DedupIndex:
    """Fingerprints of every published article (in memory: id, body hash, URL hash, shingle
    count, band keys, ~161-185 bytes/row; the compact signatures, 256 bytes/row, stay on disk,
    memory-mapped, read only for candidates)."""

    def __init__(
        self,
        ids: pa.Array | None = None,
        exact: U64 | None = None,
        url: U64 | None = None,
        size: U32 | None = None,
        bands: U32 | None = None,
        sigs: U16 | None = None,
        ngram: int | None = None,
    ) -> None:
        # pa.nulls, not pa.array: pyarrow's first pa.array imports pandas (~0.5 s), which an
        # ingest's driver would then pay here, before its workers get their first unit
        self.ids: pa.Array = ids if ids is not None else pa.nulls(0, pa.string())
        self.exact: U64 = exact if exact is not None else np.zeros(0, np.uint64)
        self.url: U64 = url if url is not None else np.zeros(0, np.uint64)
        self.size: U32 = size if size is not None else np.zeros(0, np.uint32)
        self.bands: U32 = bands if bands is not None else np.zeros((0, BANDS), np.uint32)
        self.sigs: U16 = sigs if sigs is not None else np.zeros((0, NUM_PERM), np.uint16)
        self.ngram = ngram
        # (fingerprints, rows) added by this run, kept apart until ``save``: the signatures stay
        # in the run's temporary file until then, so they never sit in memory
        self._added: list[tuple[Fingerprints, I64]] = []

    def __len__(self) -> int:
        return len(self.exact) + sum(len(rows) for _, rows in self._added)

    # ----------------------------------------------------------------- the planner's questions

    def id(self, row: int) -> str:
        """The article id of a (published) row."""
        return str(self.ids[row].as_py())

    def match_exact(self, values: U64, members: I64) -> dict[int, int]:
        """member -> first published row whose body hash is ``values[member]``."""
        return match_sorted(values, members, self.exact)

    def match_url(self, values: U64, members: I64) -> dict[int, int]:
        """member -> first published row whose URL hash is ``values[member]`` (0 never matches)."""
        return match_sorted(values, members, self.url)

    def band_pairs(self, bands: U32, members: I64, threads: int = 1) -> I64:
        """(member, published row) pairs sharing an LSH band key, sorted and unique."""
        return cross_band_pairs(bands, members, self.bands, threads)

    def signatures(self, rows: I64) -> U16:
        """Compact signatures of published rows (read from the memory map)."""
        return np.asarray(self.sigs[rows])

    def check(self, ngram: int) -> None:
        """Raise ``VersionError`` if the index was built with other shingles than ``ngram``."""
        if self.ngram is not None and len(self.exact) and self.ngram != ngram:
            raise VersionError(
                f"the previous version's dedup index uses dedup_ngram={self.ngram}, this run "
                f"{ngram}; keep the setting, or ingest into a new dataset"
            )

    # ----------------------------------------------------------------- growing and storing

    def add(self, fingerprints: Fingerprints, rows: I64) -> None:
        """Append this run's survivors (rows of ``fingerprints``), kept apart until ``save``."""
        self._added.append((fingerprints, np.asarray(rows, dtype=np.int64)))

    @classmethod
    def load(cls, folder: Path) -> DedupIndex:
        """The index saved in ``folder`` (a version's ``dedup/``: one file pair, or parts added
        by distributed ingests, read in order); signatures memory-mapped."""
        tables, maps = [], []
        for table_path, sig_path in index_files(folder):
            try:
                table = pq.read_table(table_path)
                maps.append(np.load(sig_path, mmap_mode="r"))
            except (OSError, ValueError, pa.ArrowInvalid) as exc:
                raise VersionError(f"dedup index in {folder} cannot be read: {exc}") from None
            tables.append(table)
        if not tables:
            raise VersionError(f"dedup index in {folder} cannot be read: no {INDEX_FILE}")
        ngram = check_params(tables[0].schema, folder)
        for table in tables[1:]:
            check_params(table.schema, folder)
        table = pa.concat_tables(tables)
        return cls(
            ids=table.column("id").combine_chunks(),
            exact=table.column("exact").to_numpy(),
            url=table.column("url").to_numpy(),
            size=table.column("size").to_numpy(),
            bands=band_matrix(table.column("bands")),
            sigs=maps[0] if len(maps) == 1 else Stacked(maps),  # type: ignore[arg-type]
            ngram=ngram,
        )

    def save(self, folder: Path, ngram: int) -> list[Path]:
        """Write the cumulative index (earlier rows, then the added ones) into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        added_ids = [i for f, rows in self._added for i in f.ids[rows].tolist()]
        n_old, n_new = len(self.exact), len(added_ids)

        def joined(field: str, old: npt.NDArray[Any]) -> npt.NDArray[Any]:
            return np.concatenate([old, *(getattr(f, field)[rows] for f, rows in self._added)])

        ids = pa.concat_arrays([self.ids, pa.array(added_ids, pa.binary()).cast(pa.string())])
        table = index_table(
            ids,
            joined("exact", self.exact),
            joined("url", self.url),
            joined("size", self.size),
            joined("bands", self.bands),
            ngram,
        )
        index_path = folder / INDEX_FILE
        pq.write_table(table, index_path, compression="zstd", row_group_size=100_000)
        sig_path = folder / SIGNATURES_FILE
        out = np.lib.format.open_memmap(
            sig_path, mode="w+", dtype=np.uint16, shape=(n_old + n_new, NUM_PERM)
        )
        for lo in range(0, n_old, _STEP):
            out[lo : min(lo + _STEP, n_old)] = self.sigs[lo : min(lo + _STEP, n_old)]
        at = n_old
        for f, rows in self._added:
            for lo in range(0, len(rows), _STEP):
                chunk = rows[lo : lo + _STEP]
                out[at : at + len(chunk)] = f.sigs[chunk]
                at += len(chunk)
        out.flush()
        del out
        return [index_path, sig_path]


# --------------------------------------------------------------------------- files and parts

#: A part of an index that distributed ingests add to (``dedup/index-00001.parquet`` with its
#: ``signatures-00001.npy``): earlier parts are shared unchanged, never rewritten.
PART_INDEX, PART_SIGNATURES = "index-{:05d}.parquet", "signatures-{:05d}.npy"


def index_files(folder: Path) -> list[tuple[Path, Path]]:
    """The (table, signatures) file pairs of an index folder, in row order."""
    return [(Path(t.path), Path(s.path)) for t, s in index_places(Place.local(folder))]


def index_places(folder: Place) -> list[tuple[Place, Place]]:
    """``index_files`` of an index folder wherever it is (on an fsspec output's URL too)."""
    pairs = [(folder / INDEX_FILE, folder / SIGNATURES_FILE)]
    if not pairs[0][0].is_file():
        pairs = []
    for path in folder.glob("index-*.parquet"):
        sigs = path.name.replace("index-", "signatures-").replace(".parquet", ".npy")
        pairs.append((path, folder / sigs))
    return pairs


def signature_rows(parts: Sequence[Place], rows: I64) -> U16:
    """Rows of an index's signatures (its parts' ``.npy`` files, in order), read by seeking to
    each row: on a URL, ranged requests of a block around the rows, never the whole file."""
    rows = np.asarray(rows, dtype=np.int64)
    out = np.empty((len(rows), NUM_PERM), np.uint16)
    width = NUM_PERM * np.dtype(np.uint16).itemsize
    start = 0
    for part in parts:
        with part.open("rb") as fh:
            version = np.lib.format.read_magic(fh)
            header = {(1, 0): np.lib.format.read_array_header_1_0}.get(
                version, np.lib.format.read_array_header_2_0
            )
            shape, _, dtype = header(fh)
            if np.dtype(dtype) != np.uint16 or shape[1:] != (NUM_PERM,):
                raise VersionError(f"{part}: not an index's signatures ({dtype}, {shape})")
            offset = fh.tell()
            mine = np.flatnonzero((rows >= start) & (rows < start + shape[0]))
            for at in mine[np.argsort(rows[mine], kind="stable")].tolist():
                fh.seek(offset + (int(rows[at]) - start) * width)
                out[at] = np.frombuffer(fh.read(width), dtype=np.uint16)
        start += shape[0]
    if len(rows) and (rows.min() < 0 or rows.max() >= start):
        raise IndexError(f"signature rows out of range 0..{start - 1}")
    return out


def check_params(schema: pa.Schema, folder: Path | Place) -> int:
    """The ngram of an index file's schema; ``VersionError`` if made with other parameters."""
    meta = json.loads((schema.metadata or {}).get(_META_KEY, b"{}"))
    expected = index_params(meta.get("ngram", 0))
    if meta != expected:
        raise VersionError(
            f"dedup index in {folder} was built with {meta}, this code uses {expected}; "
            "ingest into a new dataset"
        )
    return int(meta["ngram"])


def band_matrix(column: pa.ChunkedArray | pa.Array) -> U32:
    """The (n, BANDS) band keys of an index table's ``bands`` column."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    n = len(array)
    flat = np.frombuffer(array.buffers()[1], dtype=np.uint32)
    start = array.offset * BANDS
    return flat[start : start + n * BANDS].reshape(n, BANDS).copy()


def index_table(ids: pa.Array, exact: U64, url: U64, size: U32, bands: U32, ngram: int) -> pa.Table:
    """An index table (one row per published article), its parameters in the metadata."""
    return pa.table(
        {
            "id": ids,
            "exact": pa.array(exact, pa.uint64()),
            "url": pa.array(url, pa.uint64()),
            "size": pa.array(size, pa.uint32()),
            "bands": pa.FixedSizeBinaryArray.from_buffers(
                pa.binary(4 * BANDS), len(exact), [None, pa.py_buffer(np.ascontiguousarray(bands))]
            ),
        }
    ).replace_schema_metadata({_META_KEY: json.dumps(index_params(ngram), sort_keys=True)})


def write_part(folder: Path, number: int, fps: Fingerprints, ngram: int) -> list[Path]:
    """Write ``fps`` (signatures included) as index part ``number`` of ``folder``, with its
    lookup keys by hash partition (``corpus.dedup.keys``)."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = pa.array(fps.ids.tolist(), pa.binary()).cast(pa.string())
    table = index_table(ids, fps.exact, fps.url, fps.size, fps.bands, ngram)
    table_path = folder / PART_INDEX.format(number)
    pq.write_table(table, table_path, compression="zstd", row_group_size=100_000)
    sig_path = folder / PART_SIGNATURES.format(number)
    np.save(sig_path, np.ascontiguousarray(fps.sigs, dtype=np.uint16))
    keys = write_keys(folder / PART_KEYS.format(number), fps.url, fps.bands)
    return [table_path, sig_path, keys]


class Stacked:
    """Row-wise concatenation of memory-mapped signature parts, read by row numbers."""

    def __init__(self, parts: list[U16]) -> None:
        self.parts = parts
        self.starts = np.cumsum([0, *(len(p) for p in parts)])
        self.shape = (int(self.starts[-1]), NUM_PERM)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, rows: slice | I64) -> U16:
        if isinstance(rows, slice):
            rows = np.arange(*rows.indices(len(self)), dtype=np.int64)
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((len(rows), NUM_PERM), np.uint16)
        part = np.searchsorted(self.starts, rows, side="right") - 1
        for k in np.unique(part).tolist():
            mask = part == k
            out[mask] = self.parts[k][rows[mask] - self.starts[k]]
        return out
