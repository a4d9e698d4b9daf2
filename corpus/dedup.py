"""Deduplication: exact copies, re-scraped URLs and revisions, MinHash-LSH near-duplicates.

Dedup is the one global step: a survivor can only be chosen once every article has been seen.
``run`` therefore makes two passes. The first spools articles to disk while keeping a fixed-size
fingerprint per article (hashes of body and URL, survivor-order keys, LSH band keys; MinHash
signatures go to a temporary file); then the plan is made on those arrays alone; the second
pass reads the spool back and routes each article. The state kept per article measures 160-190
bytes (planning peaks near 600 for a moment); the corpus's text is never held.

Near-duplicates: word ``dedup_ngram``-shingles of the normalized body, a 128-value MinHash
signature computed with numpy (one multiply-add per shingle and value), 32 LSH bands of 4 rows.
Band-key collisions are only candidates; a pair is a duplicate when its estimated Jaccard is
at least ``dedup_threshold`` or when the shorter body is at least ``dedup_containment`` inside
the longer one (truncated copies). Clusters are built greedily in survivor order: an article
joins the best-ranked survivor it is itself verified against. (Connected components, i.e.
union-find, chain A~B~C into one cluster even when A and C are unrelated; this way every
duplicate's ``similarity`` is a direct comparison with the row it points to.)

Earlier versions: each version saves a ``DedupIndex`` (``dedup/index.parquet`` +
``dedup/signatures.npy``) holding every article published so far; a new ingest matches its
articles against it without reading or re-hashing the old text, and a published article always
stays the survivor (a published version is never changed).
"""

from __future__ import annotations

import json
import logging
import operator
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash

from corpus.config import Config
from corpus.errors import VersionError
from corpus.executor import default_workers
from corpus.records import Article, Duplicate
from corpus.stats import Stats

log = logging.getLogger(__name__)

U16 = npt.NDArray[np.uint16]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
#: What the workers compute per article for dedup: signature, shingle count, exact-body hash.
Known = dict[str, tuple[U32, int, int]]

NUM_PERM = 128
#: Pairs at or above this estimated Jaccard should become LSH candidates. Lower than the
#: duplicate threshold so that truncated copies (Jaccard ~0.5, containment ~1) are found too.
CANDIDATE_THRESHOLD = 0.4
#: 4 bytes per band and article: 32 bands keep the index near 200 bytes per article.
MAX_BANDS = 32
#: Containment is noise on tiny bodies (a 5-word line is "inside" many articles).
MIN_CONTAINED_SHINGLES = 20
#: Containment is estimated from the Jaccard estimate and the set sizes; below this Jaccard
#: (bodies more than ~2x apart in length) its error grows past +-0.1, so it is not trusted.
MIN_CONTAINMENT_JACCARD = 0.5
SMALL_BUCKET = 32
_SEED = 20240601
INDEX_FILE = "index.parquet"
SIGNATURES_FILE = "signatures.npy"
_INDEX_FORMAT = 1
_META_KEY = b"corpus.dedup"

_WORD = re.compile(r"\w+")
_FAR_FUTURE = float("inf")
_ENCODE = operator.methodcaller("encode", "utf-8", "surrogatepass")
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|yclid|igshid)$")

# Reasons, in the order of the plan's ``kind`` codes (0 = survivor).
REASONS = ("unique", "exact", "near", "same_url", "superseded_revision")
_UNIQUE, _EXACT, _NEAR, _SAME_URL, _REVISION = range(5)


def lsh_params(threshold: float, num_perm: int, max_bands: int) -> tuple[int, int]:
    """Bands and rows whose S-curve ``1 - (1 - s**r)**b`` best separates pairs at ``threshold``.

    Minimizes the area of false positives below the threshold plus false negatives above it
    (the rule datasketch uses), over ``b * r <= num_perm`` and ``b <= max_bands``.
    """
    grid = np.linspace(0.0, 1.0, 1001)
    best: tuple[float, int, int] | None = None
    for bands in range(1, max_bands + 1):
        for rows in range(1, num_perm // bands + 1):
            p = 1.0 - (1.0 - grid**rows) ** bands
            fp = float(np.trapezoid(np.where(grid < threshold, p, 0.0), grid))
            fn = float(np.trapezoid(np.where(grid >= threshold, 1.0 - p, 0.0), grid))
            if best is None or fp + fn < best[0]:
                best = (fp + fn, bands, rows)
    assert best is not None
    return best[1], best[2]


BANDS, ROWS = lsh_params(CANDIDATE_THRESHOLD, NUM_PERM, MAX_BANDS)

_rng = np.random.default_rng(_SEED)
_PERM_A = (_rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64) | 1).astype(np.uint32)[:, None]
_PERM_B = _rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64).astype(np.uint32)[:, None]
_BAND_MUL = (_rng.integers(0, 2**32, ROWS, dtype=np.uint64) | 1).astype(np.uint32)
_GRAM_MUL = np.uint32(0x9E3779B1)


# --------------------------------------------------------------------------- keys


def normalize(text: str) -> str:
    """The form bodies are compared in: NFKC, case-folded, whitespace collapsed."""
    # str.split() splits on the same Unicode whitespace as re's \s, several times faster
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class _WordHashes(dict[str, int]):
    """word -> 32-bit xxhash, computed once per distinct word (hits stay in C)."""

    def __missing__(self, word: str) -> int:
        if len(self) > 2_000_000:  # bound the cache on huge vocabularies
            self.clear()
        value = xxhash.xxh32_intdigest(word.encode("utf-8", "surrogatepass"))
        self[word] = value
        return value


_WORD_HASHES = _WordHashes()


def body_hash(text: str) -> int:
    """64-bit hash of the normalized body (a collision needs ~4 billion distinct bodies)."""
    return xxhash.xxh3_64_intdigest(normalize(text).encode("utf-8", "surrogatepass"))


def normalize_url(url: str | None) -> str | None:
    """A URL without scheme, ``www.``, fragment, tracking parameters or trailing slash."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip() if "//" in url else "//" + url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port:
        host = f"{host}:{parts.port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    )
    path = parts.path.rstrip("/") or ""
    return host + path + (f"?{urlencode(query)}" if query else "")


def url_hash(url: str | None) -> int:
    """64-bit hash of the normalized URL; 0 when there is none."""
    norm = normalize_url(url)
    if norm is None:
        return 0
    return xxhash.xxh3_64_intdigest(norm.encode("utf-8", "surrogatepass")) or 1


def published_timestamp(value: str | None) -> float:
    """Seconds since the epoch of an ISO date/time, for ordering; unknown sorts last."""
    if not value:
        return _FAR_FUTURE
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
        except ValueError:
            return _FAR_FUTURE
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def shingles(text: str, ngram: int) -> U32:
    """32-bit hashes of the word ``ngram``-grams of the normalized body (at least one)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = _WORD.findall(folded)
    if not words:  # punctuation only: it can match an exact copy, never a near one
        norm = " ".join(folded.split())
        return np.array([xxhash.xxh32_intdigest(_ENCODE(norm), _SEED)], dtype=np.uint32)
    wh = np.fromiter(map(_WORD_HASHES.__getitem__, words), np.uint32, len(words))
    n = min(ngram, len(wh))
    out = wh[: len(wh) - n + 1].copy()
    for k in range(1, n):
        out *= _GRAM_MUL
        out ^= wh[k : len(wh) - n + 1 + k]
    out ^= out >> np.uint32(15)
    out *= np.uint32(0x85EBCA77)
    out ^= out >> np.uint32(13)
    return out


def signatures(texts: Sequence[str], ngram: int) -> tuple[U32, U32]:
    """MinHash signatures ``(len(texts), NUM_PERM)`` and shingle-set sizes of some bodies.

    Value ``i`` of a signature is ``min((a_i * s + b_i) mod 2**32)`` over the shingle hashes
    ``s``; computed on a ``(NUM_PERM, shingles)`` block at a time, which keeps numpy in cache.
    """
    sets = [np.unique(shingles(t, ngram)) for t in texts]
    sizes = np.array([len(s) for s in sets], dtype=np.uint32)
    out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
    step = 16
    for lo in range(0, len(sets), step):
        chunk = sets[lo : lo + step]
        flat = np.concatenate(chunk)
        starts = np.zeros(len(chunk), dtype=np.int64)
        np.cumsum([len(s) for s in chunk[:-1]], out=starts[1:])
        block = _PERM_A * flat[None, :]
        block += _PERM_B
        out[lo : lo + len(chunk)] = np.minimum.reduceat(block, starts, axis=1).T
    return out, sizes


def band_keys(sigs: U32) -> U32:
    """One 32-bit key per LSH band: a hash of the band's ``ROWS`` signature values."""
    bands = sigs[:, : BANDS * ROWS].reshape(len(sigs), BANDS, ROWS)
    keys: U32 = (bands * _BAND_MUL).sum(axis=2, dtype=np.uint32)
    keys ^= keys >> np.uint32(16)
    keys *= np.uint32(0x7FEB352D)
    return keys


def compact(sigs: U32) -> U16:
    """16 mixed bits of each signature value: enough to estimate Jaccard (2**-16 collisions)."""
    mixed = sigs * np.uint32(0x846CA68B)
    return (mixed >> np.uint32(16)).astype(np.uint16)


def jaccard(a: U16, b: U16) -> npt.NDArray[np.float64]:
    """Estimated Jaccard of row pairs of two compact signature arrays."""
    est: F64 = (a == b).mean(axis=-1)
    return est


# --------------------------------------------------------------------------- index


class DedupIndex:
    """Fingerprints of every published article: what later ingests deduplicate against.

    In memory: id, body hash, URL hash, shingle count and LSH band keys (161 bytes/row
    measured with 9-character ids; ~185 with 32-character hex ids);
    the compact signatures (256 bytes/article) stay on disk, memory-mapped, and are read only
    for verified candidates.
    """

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
        self.ids: pa.Array = ids if ids is not None else pa.array([], pa.string())
        self.exact: U64 = exact if exact is not None else np.zeros(0, np.uint64)
        self.url: U64 = url if url is not None else np.zeros(0, np.uint64)
        self.size: U32 = size if size is not None else np.zeros(0, np.uint32)
        self.bands: U32 = bands if bands is not None else np.zeros((0, BANDS), np.uint32)
        self.sigs: U16 = sigs if sigs is not None else np.zeros((0, NUM_PERM), np.uint16)
        self.ngram = ngram
        # (ids, exact, url, size, bands, signature source, its rows): the signatures stay in
        # the run's temporary file until ``save`` copies them, so they never sit in memory
        self._added: list[tuple[npt.NDArray[np.bytes_], U64, U64, U32, U32, U16, I64]] = []

    def __len__(self) -> int:
        return len(self.exact) + sum(len(a[1]) for a in self._added)

    def id(self, row: int) -> str:
        """The article id of an index row."""
        return str(self.ids[row].as_py())

    def params(self, ngram: int) -> dict[str, Any]:
        """What an index must agree on to be reused: shingles, hashing and banding."""
        return {
            "format": _INDEX_FORMAT,
            "ngram": ngram,
            "num_perm": NUM_PERM,
            "bands": BANDS,
            "rows": ROWS,
            "seed": _SEED,
        }

    def check(self, cfg: Config) -> None:
        """Raise ``VersionError`` if the index was built with other shingles than ``cfg``'s."""
        if self.ngram is not None and len(self.exact) and self.ngram != cfg.dedup_ngram:
            raise VersionError(
                f"the previous version's dedup index uses dedup_ngram={self.ngram}, this run "
                f"{cfg.dedup_ngram}; keep the setting, or ingest into a new dataset"
            )

    def add(
        self,
        ids: npt.NDArray[np.bytes_],
        exact: U64,
        url: U64,
        size: U32,
        bands: U32,
        sigs: U16,
        rows: I64,
    ) -> None:
        """Append newly accepted articles (kept apart until ``save``); their signatures are
        ``sigs[rows]``, read only when saving."""
        self._added.append((ids, exact, url, size, bands, sigs, rows))

    @classmethod
    def load(cls, folder: Path) -> DedupIndex:
        """The index saved in ``folder`` (a version's ``dedup/``); signatures memory-mapped."""
        try:
            table = pq.read_table(folder / INDEX_FILE)
            sigs = np.load(folder / SIGNATURES_FILE, mmap_mode="r")
        except (OSError, ValueError, pa.ArrowInvalid) as exc:
            raise VersionError(f"dedup index in {folder} cannot be read: {exc}") from None
        meta = json.loads((table.schema.metadata or {}).get(_META_KEY, b"{}"))
        expected = cls().params(meta.get("ngram", 0))
        if meta != expected:
            raise VersionError(
                f"dedup index in {folder} was built with {meta}, this code uses {expected}; "
                "ingest into a new dataset"
            )
        n = table.num_rows
        bands = np.frombuffer(table.column("bands").combine_chunks().buffers()[1], dtype=np.uint32)
        return cls(
            ids=table.column("id").combine_chunks(),
            exact=table.column("exact").to_numpy(),
            url=table.column("url").to_numpy(),
            size=table.column("size").to_numpy(),
            bands=bands[: n * BANDS].reshape(n, BANDS).copy(),
            sigs=sigs,
            ngram=int(meta["ngram"]),
        )

    def save(self, folder: Path, ngram: int) -> list[Path]:
        """Write the cumulative index (earlier rows, then the added ones) into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        added_ids = [i for a in self._added for i in a[0].tolist()]
        n_old, n_new = len(self.exact), len(added_ids)

        def joined(pos: int, old: Any) -> Any:
            return np.concatenate([old, *(a[pos] for a in self._added)])

        bands = joined(4, self.bands)
        table = pa.table(
            {
                "id": pa.concat_arrays(
                    [self.ids, pa.array(added_ids, pa.binary()).cast(pa.string())]
                ),
                "exact": pa.array(joined(1, self.exact), pa.uint64()),
                "url": pa.array(joined(2, self.url), pa.uint64()),
                "size": pa.array(joined(3, self.size), pa.uint32()),
                "bands": pa.FixedSizeBinaryArray.from_buffers(
                    pa.binary(4 * BANDS),
                    n_old + n_new,
                    [None, pa.py_buffer(np.ascontiguousarray(bands))],
                ),
            }
        ).replace_schema_metadata({_META_KEY: json.dumps(self.params(ngram), sort_keys=True)})
        index_path = folder / INDEX_FILE
        pq.write_table(table, index_path, compression="zstd", row_group_size=100_000)
        sig_path = folder / SIGNATURES_FILE
        out = np.lib.format.open_memmap(
            sig_path, mode="w+", dtype=np.uint16, shape=(n_old + n_new, NUM_PERM)
        )
        step = 65_536
        for lo in range(0, n_old, step):
            hi = min(lo + step, n_old)
            out[lo:hi] = self.sigs[lo:hi]
        at = n_old
        for a in self._added:
            source, rows = a[5], a[6]
            for lo in range(0, len(rows), step):
                chunk = rows[lo : lo + step]
                out[at : at + len(chunk)] = source[chunk]
                at += len(chunk)
        out.flush()
        del out
        return [index_path, sig_path]


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class _Batch:
    """Fingerprints of one batch of articles, as pass one collects them."""

    ids: npt.NDArray[np.bytes_]
    exact: U64
    url: U64
    size: U32
    when: F64
    length: I64
    publisher: npt.NDArray[np.int32]
    bands: U32


@dataclass(frozen=True, slots=True)
class _Plan:
    """Per input ordinal: what to do with it. Targets < 0 are index rows ``-t - 1``."""

    kind: npt.NDArray[np.int8]
    target: I64
    cluster: I64
    similarity: npt.NDArray[np.float32]
    count: npt.NDArray[np.int32]
    seen_at: dict[int, tuple[str, ...]]


def _verified(
    pairs: I64,
    sig_a: Callable[[I64], U16],
    sig_b: Callable[[I64], U16],
    sizes: tuple[U32, U32],
    cfg: Config,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Which candidate pairs are duplicates, and their estimated Jaccard."""
    keep = np.zeros(len(pairs), dtype=bool)
    sim = np.zeros(len(pairs), dtype=np.float64)
    step = 50_000
    for lo in range(0, len(pairs), step):
        a, b = pairs[lo : lo + step, 0], pairs[lo : lo + step, 1]
        j = jaccard(sig_a(a), sig_b(b))
        sa, sb = sizes[0][a].astype(np.float64), sizes[1][b].astype(np.float64)
        smaller = np.minimum(sa, sb)
        contained = j * (sa + sb) / (1.0 + j) / np.maximum(smaller, 1.0)
        ok = (j >= cfg.dedup_threshold) | (
            (smaller >= MIN_CONTAINED_SHINGLES)
            & (j >= MIN_CONTAINMENT_JACCARD)
            & (contained >= cfg.dedup_containment)
        )
        keep[lo : lo + step], sim[lo : lo + step] = ok, j
    return keep, sim


def _by_band(pairs_in_band: Callable[[int], I64], bands: int, threads: int) -> I64:
    """The candidate pairs of every band, each band a partition of its own: bands are worked
    out in parallel threads (numpy's sorting releases the GIL) and merged in band order, so
    the result does not depend on ``threads``."""
    if threads <= 1:
        found = [pairs_in_band(j) for j in range(bands)]
    else:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="dedup-band") as pool:
            found = list(pool.map(pairs_in_band, range(bands)))
    found = [f for f in found if len(f)]
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.concatenate(found)


def _band_pairs(bands: U32, members: I64, threads: int = 1) -> I64:
    """Candidate pairs (ordinals) among ``members`` sharing a band key: all pairs of a small
    bucket; in a big one, each member with the bucket's first member and its neighbour."""

    def in_band(j: int) -> I64:
        keys = bands[members, j]
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        same = np.flatnonzero(sk[1:] == sk[:-1]) + 1
        if not len(same):
            return np.zeros((0, 2), dtype=np.int64)
        is_start = np.ones(len(sk), dtype=bool)
        is_start[same] = False
        start = np.maximum.accumulate(np.where(is_start, np.arange(len(sk)), 0))
        m = members[order]
        found = [
            np.stack([m[start[same]], m[same]], axis=1),
            np.stack([m[same - 1], m[same]], axis=1),
        ]
        # Buckets of 3..SMALL_BUCKET: every pair, so each member can be checked against each
        # possible survivor; bigger ones (boilerplate-like bodies) stay linear.
        size = np.diff(np.append(np.flatnonzero(is_start), len(sk)))
        for s0, k in zip(
            np.flatnonzero(is_start)[(size >= 3) & (size <= SMALL_BUCKET)].tolist(),
            size[(size >= 3) & (size <= SMALL_BUCKET)].tolist(),
            strict=True,
        ):
            bucket = m[s0 : s0 + k]
            left, right = np.triu_indices(k, 1)
            found.append(np.stack([bucket[left], bucket[right]], axis=1))
        return np.concatenate(found).astype(np.int64)

    pairs = _by_band(in_band, bands.shape[1], threads)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs.sort(axis=1)
    return np.unique(pairs, axis=0)


def _match_sorted(new_vals: U64, members: I64, old_vals: U64) -> dict[int, int]:
    """For members whose (non-zero) value occurs in ``old_vals``: member -> first such row."""
    if not len(members) or not len(old_vals):
        return {}
    rows = np.argsort(old_vals, kind="stable")  # equal values keep row order: first is lowest
    ordered = old_vals[rows]
    vals = new_vals[members]
    pos = np.minimum(np.searchsorted(ordered, vals), len(ordered) - 1)
    hit = (ordered[pos] == vals) & (vals != 0)
    return dict(zip(members[hit].tolist(), rows[pos[hit]].tolist(), strict=True))


def _plan(b: _Batch, sigs: U16, index: DedupIndex, publishers: list[str], cfg: Config) -> _Plan:
    """Decide every article's fate from the fingerprints alone."""
    n = len(b.exact)
    kind = np.zeros(n, dtype=np.int8)
    target = np.arange(n, dtype=np.int64)
    sim = np.ones(n, dtype=np.float32)
    ordinals = np.arange(n, dtype=np.int64)
    old_sizes = index.size

    def new_sig(rows: I64) -> U16:
        return np.asarray(sigs[rows])

    def old_sig(rows: I64) -> U16:
        return np.asarray(index.sigs[rows])

    # 1. Same URL: the newest copy represents the URL; older copies are re-scrapes or revisions.
    # Unknown dates count as oldest here, so that a dated copy is preferred; then input order.
    with_url = ordinals[b.url != 0]
    when = np.where(np.isinf(b.when), -np.inf, b.when)
    order = with_url[np.lexsort((with_url, when[with_url], b.url[with_url]))]
    if len(order):
        last = np.ones(len(order), dtype=bool)
        last[:-1] = b.url[order[1:]] != b.url[order[:-1]]
        group_end = np.flatnonzero(last)
        group_of = np.searchsorted(group_end, np.arange(len(order)))
        rep = order[group_end[group_of]]
        older = order != rep
        o, r = order[older], rep[older]
        target[o] = r
        exact_same = b.exact[o] == b.exact[r]
        kind[o] = np.where(exact_same, _SAME_URL, _REVISION)
        if len(o):
            sim[o] = np.where(exact_same, 1.0, jaccard(new_sig(o), new_sig(r)))
    rest = ordinals[kind == _UNIQUE]
    # Published URLs stay: a new copy of one is a duplicate of the published article, a
    # re-scrape if the body is the same, else a revision (published rows are never rewritten).
    for m, row in _match_sorted(b.url, rest, index.url).items():
        same = bool(b.exact[m] == index.exact[row])
        kind[m], target[m] = (_SAME_URL if same else _REVISION), -row - 1
        if not same:
            sim[m] = float(jaccard(new_sig(np.array([m])), old_sig(np.array([row])))[0])
    rest = ordinals[kind == _UNIQUE]

    # 2. Content. One node per distinct body (its best-ranked copy); verified LSH pairs are the
    # edges. Nodes are taken in survivor order: earliest published, longest body, publisher
    # priority, input order. A node matching a published article is its duplicate; else it
    # joins the first survivor it is itself verified against; else it survives. Joining only
    # survivors, never their duplicates, keeps A~B~C chains from merging A and C.
    rank_pub = {p: i for i, p in enumerate(cfg.dedup_publisher_priority)}
    pub_rank = np.array([rank_pub.get(p, len(rank_pub)) for p in publishers], dtype=np.int64)
    pub_rank = pub_rank[b.publisher]
    by_rank = rest[np.lexsort((rest, pub_rank[rest], -b.length[rest], b.when[rest]))]
    _, first_pos, group = np.unique(b.exact[by_rank], return_index=True, return_inverse=True)
    node_of = np.full(n, -1, dtype=np.int64)
    node_of[by_rank] = by_rank[first_pos[group]]  # each article -> its body's best copy
    nodes = np.sort(by_rank[first_pos])
    threads = cfg.workers or default_workers()
    edges = _band_pairs(b.bands, nodes, threads)
    ok, _ = _verified(edges, new_sig, new_sig, (b.size, b.size), cfg)
    neighbours: dict[int, list[int]] = {}
    for x, y in edges[ok].tolist():
        neighbours.setdefault(x, []).append(y)
        neighbours.setdefault(y, []).append(x)
    old_match: dict[int, int] = dict(_match_sorted(b.exact, nodes, index.exact))
    if len(index.exact) and len(nodes):
        old_pairs = _old_band_pairs(b.bands, nodes, index.bands, threads)
        ok, _ = _verified(old_pairs, new_sig, old_sig, (b.size, old_sizes), cfg)
        for m, row in old_pairs[ok].tolist():
            old_match[m] = min(row, old_match.get(m, row))
    position = np.full(n, -1, dtype=np.int64)
    position[by_rank] = np.arange(len(by_rank))
    final = np.arange(n, dtype=np.int64)  # node -> itself, the node it joins, or -row-1
    survives = np.zeros(n, dtype=bool)
    survives[nodes] = True
    # Only nodes with a verified edge or a published match can be duplicates: visit just those.
    linked = np.array(sorted(neighbours.keys() | old_match.keys()), dtype=np.int64)
    for m in linked[np.argsort(position[linked], kind="stable")].tolist():
        if m in old_match:
            final[m], survives[m] = -old_match[m] - 1, False
            continue
        kept = [y for y in neighbours.get(m, ()) if survives[y] and position[y] < position[m]]
        if kept:
            final[m] = min(kept, key=lambda y: int(position[y]))
            survives[m] = False
    t = final[node_of[by_rank]]
    moved = t != by_rank
    members, t = by_rank[moved], t[moved]
    target[members] = t
    other = np.where(t >= 0, b.exact[np.maximum(t, 0)], 0)
    if len(index.exact):
        other = np.where(t < 0, index.exact[np.maximum(-t - 1, 0)], other)
    kind[members] = np.where(b.exact[members] == other, _EXACT, _NEAR)
    dups = by_rank[kind[by_rank] != _UNIQUE]
    sim[dups] = 1.0
    near_new = dups[(kind[dups] == _NEAR) & (target[dups] >= 0)]
    if len(near_new):
        sim[near_new] = jaccard(new_sig(near_new), new_sig(target[near_new]))
    near_old = dups[(kind[dups] == _NEAR) & (target[dups] < 0)]
    if len(near_old):
        sim[near_old] = jaccard(new_sig(near_old), old_sig(-target[near_old] - 1))

    # 3. Clusters: follow targets to the article that stays (at most two steps: URL, content).
    cluster = target.copy()
    for _ in range(2):
        inner = cluster >= 0
        cluster[inner] = target[cluster[inner]]
    count = np.zeros(n, dtype=np.int32)
    seen: dict[int, set[str]] = {}
    for m in np.flatnonzero(kind != _UNIQUE).tolist():
        c = int(cluster[m])
        if c >= 0:
            count[c] += 1
            seen.setdefault(c, set()).add(publishers[b.publisher[m]])
    seen_at = {
        c: tuple(sorted(p for p in ps if p and p != publishers[b.publisher[c]]))
        for c, ps in seen.items()
    }
    return _Plan(kind, target, cluster, sim, count, seen_at)


def _old_band_pairs(bands: U32, members: I64, old_bands: U32, threads: int = 1) -> I64:
    """Candidate pairs (member, index row) sharing a band key with a published article."""

    def in_band(j: int) -> I64:
        keys = bands[members, j]
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        old = old_bands[:, j]
        pos = np.searchsorted(sk, old)
        pos_ok = np.minimum(pos, len(sk) - 1)
        hit = np.flatnonzero((pos < len(sk)) & (sk[pos_ok] == old))
        return np.stack([members[order[pos_ok[hit]]], hit], axis=1).astype(np.int64)

    return np.unique(_by_band(in_band, bands.shape[1], threads), axis=0)


# --------------------------------------------------------------------------- the stage


def run(
    articles: Iterable[Article],
    cfg: Config,
    stats: Stats,
    spool: Callable[[Iterable[Article]], Iterable[Article]],
    index: DedupIndex | None = None,
    known: Known | None = None,
) -> Iterator[Article | Duplicate]:
    """Route every article to survivor or duplicate, against this run and ``index``.

    ``spool`` stores the articles it is given (consuming them) and returns an iterable that
    reads them back in the same order; it is how the two passes avoid holding the corpus.
    ``index`` (the previous version's) gets this run's survivors added, ready to ``save``.
    ``known``: ``fingerprints`` already computed (by the workers that ran the per-record
    stages), by article id; each is used once and removed.
    """
    index = index if index is not None else DedupIndex()
    index.check(cfg)
    batches: list[_Batch] = []
    publishers: list[str] = [""]
    publisher_code: dict[str, int] = {"": 0}
    # Unlinked at once; the memory map made of it (handed to the index) outlives the handle.
    with tempfile.TemporaryFile(prefix="corpus-dedup-") as sig_file:

        def observed() -> Iterator[Article]:
            pending: list[Article] = []
            for article in articles:
                pending.append(article)
                if len(pending) >= cfg.batch_size:
                    _fingerprint(pending, cfg, sig_file, batches, publishers, publisher_code, known)
                    yield from pending
                    pending = []
            if pending:
                _fingerprint(pending, cfg, sig_file, batches, publishers, publisher_code, known)
                yield from pending

        stored = spool(observed())
        if not batches:
            return
        b = _Batch(
            *(np.concatenate([getattr(x, f) for x in batches]) for f in _Batch.__dataclass_fields__)
        )
        batches.clear()
        sig_file.flush()
        sigs: U16 = np.memmap(sig_file, dtype=np.uint16, mode="r", shape=(len(b.exact), NUM_PERM))
        plan = _plan(b, sigs, index, publishers, cfg)
        keep = np.flatnonzero(plan.kind == _UNIQUE)
        index.add(b.ids[keep], b.exact[keep], b.url[keep], b.size[keep], b.bands[keep], sigs, keep)
        b = replace(b, bands=np.zeros((0, BANDS), np.uint32))  # the index holds them now

        def id_of(t: int) -> str:
            return b.ids[t].decode() if t >= 0 else index.id(-t - 1)

        for ordinal, article in enumerate(stored):
            k = int(plan.kind[ordinal])
            stats.count("dedup", REASONS[k])
            if k == _UNIQUE:
                count = int(plan.count[ordinal])
                if count:
                    article = replace(
                        article,
                        duplicate_count=count,
                        also_seen_at=plan.seen_at.get(ordinal, ()),
                    )
                yield article
                continue
            yield Duplicate(
                article=article,
                duplicate_of=id_of(int(plan.target[ordinal])),
                cluster_id=id_of(int(plan.cluster[ordinal])),
                reason=REASONS[k],
                similarity=round(float(plan.similarity[ordinal]), 4),
            )
        del sigs


def fingerprints(texts: Sequence[str], ngram: int) -> tuple[U32, U32, U64]:
    """The per-article part of dedup: MinHash signatures, shingle counts, exact-body hashes."""
    sigs, sizes = signatures(texts, ngram)
    return sigs, sizes, np.array([body_hash(t) for t in texts], dtype=np.uint64)


def _fingerprints_of(batch: list[Article], ngram: int, known: Known) -> tuple[U32, U32, U64]:
    """Fingerprints of a batch: those in ``known`` (popped), the rest computed here."""
    found = [known.pop(a.id, None) for a in batch]
    missing = [i for i, f in enumerate(found) if f is None]
    sigs = np.empty((len(batch), NUM_PERM), dtype=np.uint32)
    sizes = np.empty(len(batch), dtype=np.uint32)
    exact = np.empty(len(batch), dtype=np.uint64)
    if missing:
        sigs[missing], sizes[missing], exact[missing] = fingerprints(
            [batch[i].text for i in missing], ngram
        )
    for i, f in enumerate(found):
        if f is not None:
            sigs[i], sizes[i], exact[i] = f
    return sigs, sizes, exact


def _fingerprint(
    batch: list[Article],
    cfg: Config,
    sig_file: IO[bytes],
    out: list[_Batch],
    publishers: list[str],
    publisher_code: dict[str, int],
    known: Known | None = None,
) -> None:
    """Pass one for a batch: hashes, order keys and band keys kept; signatures to disk."""
    sigs, sizes, exact = _fingerprints_of(batch, cfg.dedup_ngram, known or {})
    sig_file.write(compact(sigs).tobytes())
    codes = []
    for a in batch:
        name = a.publisher or ""
        if name not in publisher_code:
            publisher_code[name] = len(publishers)
            publishers.append(name)
        codes.append(publisher_code[name])
    out.append(
        _Batch(
            ids=np.array([a.id.encode() for a in batch], dtype=np.bytes_),
            exact=exact,
            url=np.array([url_hash(a.url) for a in batch], dtype=np.uint64),
            size=sizes,
            when=np.array([published_timestamp(a.published_at) for a in batch], dtype=np.float64),
            length=np.array([len(a.text) for a in batch], dtype=np.int64),
            publisher=np.array(codes, dtype=np.int32),
            bands=band_keys(sigs),
        )
    )
