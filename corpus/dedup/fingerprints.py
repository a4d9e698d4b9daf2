"""What the workers compute per article for dedup, as one typed columnar record.

``Fingerprints`` holds one row per article, in the run's input order: a record key, the id,
the compact MinHash signature and its LSH band keys, the shingle count, the exact-body hash,
the URL hash and the survivor-order facts (published time, body length, publisher). Workers
make one per batch (``Fingerprints.of``); the driver joins them (``FingerprintStore``, which
keeps the signatures in a temporary file so that they never sit in memory).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from types import TracebackType
from typing import IO

import numpy as np
import numpy.typing as npt
import xxhash

from corpus.dates import timestamp
from corpus.dedup.minhash import (
    BANDS,
    F64,
    I64,
    NUM_PERM,
    U16,
    U32,
    U64,
    band_keys,
    compact,
    signatures_and_hashes,
)
from corpus.dedup.urls import url_hash
from corpus.records import Article

I32 = npt.NDArray[np.int32]
Keys = npt.NDArray[np.bytes_]


def record_key(article: Article) -> bytes:
    """The key plan and route join on: a 128-bit hash (hex) of the id and its raw record.

    The id alone is not unique in a run: two identical raw rows (a page scraped twice with the
    same text) make the same id; the provenance (file, row) tells them apart.
    """
    src = article.source
    key = f"{article.id}\0{src.path}\0{src.row}\0{src.line}"
    return xxhash.xxh3_128_hexdigest(key.encode("utf-8", "surrogatepass")).encode()


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """Dedup's view of some articles, one row each (columns of equal length)."""

    keys: Keys  # record_key of each article (S32, hex)
    ids: Keys  # article ids (utf-8)
    sigs: U16  # (n, NUM_PERM) compact MinHash signatures; may be a memory map
    bands: U32  # (n, BANDS) LSH band keys
    size: U32  # distinct shingles
    exact: U64  # hash of the normalized body
    url: U64  # hash of the normalized URL, 0 when none
    when: F64  # published time (epoch seconds), inf when unknown
    length: I64  # body characters
    publisher: I32  # code into ``publishers``
    publishers: tuple[str, ...]  # publisher names ("" = none)

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def of(cls, articles: Sequence[Article], ngram: int) -> Fingerprints:
        """Compute the fingerprints of some articles (the per-article part of dedup)."""
        sigs, sizes, exact = signatures_and_hashes([a.text for a in articles], ngram)
        return cls.from_parts(articles, sigs, sizes, exact)

    @classmethod
    def from_parts(
        cls, articles: Sequence[Article], sigs: U32, sizes: U32, exact: U64
    ) -> Fingerprints:
        """From full MinHash signatures, sizes and body hashes computed elsewhere."""
        names: dict[str, int] = {}
        codes = [names.setdefault(a.publisher or "", len(names)) for a in articles]
        return cls(
            keys=np.array([record_key(a) for a in articles], dtype="S32"),
            ids=np.array([a.id.encode() for a in articles], dtype=np.bytes_),
            sigs=compact(sigs) if len(articles) else np.zeros((0, NUM_PERM), np.uint16),
            bands=band_keys(sigs) if len(articles) else np.zeros((0, BANDS), np.uint32),
            size=np.asarray(sizes, dtype=np.uint32),
            exact=np.asarray(exact, dtype=np.uint64),
            url=np.array([url_hash(a.url) for a in articles], dtype=np.uint64),
            when=np.array([timestamp(a.published_at) for a in articles], np.float64),
            length=np.array([len(a.text) for a in articles], dtype=np.int64),
            publisher=np.array(codes, dtype=np.int32),
            publishers=tuple(names),
        )

    def select(self, rows: npt.NDArray[np.bool_] | I64) -> Fingerprints:
        """The fingerprints of some rows (a mask or ordinals), signatures copied."""
        return Fingerprints(
            self.keys[rows], self.ids[rows], np.asarray(self.sigs[rows]), self.bands[rows],
            self.size[rows], self.exact[rows], self.url[rows], self.when[rows],
            self.length[rows], self.publisher[rows], self.publishers,
        )  # fmt: skip

    def publisher_of(self, row: int) -> str:
        """The publisher name of a row ("" when none)."""
        return self.publishers[int(self.publisher[row])]


def concat(parts: Iterable[Fingerprints], sigs: U16 | None = None) -> Fingerprints:
    """Join fingerprints in order (publisher codes remapped); ``sigs`` replaces the parts'."""
    parts = list(parts)
    names: dict[str, int] = {}
    codes = []
    for p in parts:
        remap = np.array([names.setdefault(n, len(names)) for n in p.publishers], np.int32)
        codes.append(remap[p.publisher] if len(p) else np.zeros(0, np.int32))

    def joined(field: str, empty: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
        return np.concatenate([getattr(p, field) for p in parts]) if parts else empty

    return Fingerprints(
        keys=joined("keys", np.zeros(0, "S32")),  # type: ignore[arg-type]
        ids=joined("ids", np.zeros(0, np.bytes_)),  # type: ignore[arg-type]
        sigs=sigs if sigs is not None else joined("sigs", np.zeros((0, NUM_PERM), np.uint16)),  # type: ignore[arg-type]
        bands=joined("bands", np.zeros((0, BANDS), np.uint32)),  # type: ignore[arg-type]
        size=joined("size", np.zeros(0, np.uint32)),  # type: ignore[arg-type]
        exact=joined("exact", np.zeros(0, np.uint64)),  # type: ignore[arg-type]
        url=joined("url", np.zeros(0, np.uint64)),  # type: ignore[arg-type]
        when=joined("when", np.zeros(0, np.float64)),  # type: ignore[arg-type]
        length=joined("length", np.zeros(0, np.int64)),  # type: ignore[arg-type]
        publisher=np.concatenate(codes) if codes else np.zeros(0, np.int32),
        publishers=tuple(names),
    )


class FingerprintStore:
    """Collects the fingerprints of a run batch by batch; the signatures (256 bytes an
    article) go to an unlinked temporary file and come back memory-mapped from ``finish``."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="corpus-dedup-")  # noqa: SIM115 (closed by close)
        self._parts: list[Fingerprints] = []
        self._rows = 0

    def add(self, part: Fingerprints) -> None:
        """Append one batch's fingerprints (in input order)."""
        self._file.write(np.ascontiguousarray(part.sigs).tobytes())
        self._rows += len(part)
        self._parts.append(replace(part, sigs=np.zeros((0, NUM_PERM), np.uint16)))

    @property
    def nbytes(self) -> int:
        """Bytes of signatures spilled to the temporary file so far."""
        return self._rows * NUM_PERM * np.dtype(np.uint16).itemsize

    def finish(self) -> Fingerprints:
        """Every batch added, joined; signatures memory-mapped from the file (call once)."""
        self._file.flush()
        if self._rows:
            sigs: U16 = np.memmap(self._file, np.uint16, mode="r", shape=(self._rows, NUM_PERM))
        else:
            sigs = np.zeros((0, NUM_PERM), np.uint16)
        return concat(self._parts, sigs)

    def close(self) -> None:
        """Drop the temporary file (memory maps made of it stay valid until released)."""
        self._file.close()

    def __enter__(self) -> FingerprintStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
