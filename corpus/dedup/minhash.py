"""MinHash math: word shingles, 128-value signatures, LSH band keys, Jaccard estimates.

Word ``ngram``-shingles of the normalized body are hashed to 32 bits; value ``i`` of a signature
is ``min((a_i * s + b_i) mod 2**32)`` over the shingle hashes ``s`` (numpy, one multiply-add per
shingle and value). Signatures are kept as 16 mixed bits per value (``compact``) and cut into
``BANDS`` bands of ``ROWS`` values whose hashes are the LSH keys. Estimates only propose
candidates; duplicates are decided on the exact shingle sets (``verify``).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import xxhash

U16 = npt.NDArray[np.uint16]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
_D = TypeVar("_D", bound=np.generic)

NUM_PERM = 128
#: Pairs at or above this estimated Jaccard should become LSH candidates. Lower than the
#: duplicate threshold so that truncated copies (Jaccard ~0.5, containment ~1) are found too.
CANDIDATE_THRESHOLD = 0.4
#: 4 bytes per band and article: 32 bands keep the index near 200 bytes per article.
MAX_BANDS = 32
SEED = 20240601


def lsh_params(threshold: float, num_perm: int, max_bands: int) -> tuple[int, int]:
    """Bands and rows whose S-curve ``1 - (1 - s**r)**b`` best separates pairs at ``threshold``.

    Minimizes the area of false positives below the threshold plus false negatives above it
    (the rule datasketch uses), over ``b * r <= num_perm`` and ``b <= max_bands``.
    """
    grid = np.linspace(0.0, 1.0, 1001)
    # every (bands, rows) at once, in the order a loop over bands then rows tries them (the
    # first of equal areas wins); powers by running products, not ``**``: ~100 ms at every
    # import (the driver's and the workers') was spent in ``pow``
    powers = np.cumprod(np.broadcast_to(grid, (num_perm, len(grid))), axis=0)  # s**r
    shapes = [(b, r) for b in range(1, max_bands + 1) for r in range(1, num_perm // b + 1)]
    misses = {  # rows -> (1 - s**rows)**bands for every bands it is tried with
        r: np.cumprod(
            np.broadcast_to(1.0 - powers[r - 1], (min(max_bands, num_perm // r), len(grid))),
            axis=0,
        )
        for r in range(1, num_perm + 1)
    }
    p = 1.0 - np.stack([misses[r][b - 1] for b, r in shapes])
    fp = np.trapezoid(np.where(grid < threshold, p, 0.0), grid, axis=1)
    fn = np.trapezoid(np.where(grid >= threshold, 1.0 - p, 0.0), grid, axis=1)
    best = int(np.argmin(fp + fn))
    return shapes[best]


BANDS, ROWS = lsh_params(CANDIDATE_THRESHOLD, NUM_PERM, MAX_BANDS)

_rng = np.random.default_rng(SEED)
_PERM_A = (_rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64) | 1).astype(np.uint32)[:, None]
_PERM_B = _rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64).astype(np.uint32)[:, None]
_BAND_MUL = (_rng.integers(0, 2**32, ROWS, dtype=np.uint64) | 1).astype(np.uint32)
_GRAM_MUL = np.uint32(0x9E3779B1)


def normalize(text: str) -> str:
    """The form bodies are compared in: NFKC, case-folded, whitespace collapsed."""
    # str.split() splits on the same Unicode whitespace as re's \s, several times faster
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def body_hash(text: str) -> int:
    """64-bit hash of the normalized body (a collision needs ~4 billion distinct bodies)."""
    return xxhash.xxh3_64_intdigest(_normal(*_utf8(_fold(text))))


# Words are the runs of word characters (``re.findall(r"\w+")``: letters, digits, "_") of the
# folded body, hashed with xxh32 of their UTF-8. Both are done for a batch of bodies at once
# in numpy, on the bodies' UTF-8 with every other character made a space: a word per
# Python object (a regex match, a dict lookup) cost 3x as much. UTF-8 keeps an ASCII
# character as its own byte (a wider character's bytes are all >= 0x80, and are found only
# where that character is), so byte tables map the ASCII characters of a UTF-8 text; its wider
# characters are few, and are looked at one by one.
_NOT_WORD = bytes(b if b >= 128 or chr(b).isalnum() or chr(b) == "_" else 32 for b in range(256))
_NOT_SPACE = bytes(32 if b < 128 and chr(b).isspace() else b for b in range(256))
_ASCII = bytes(range(128))
_SPACE = 32
_CHUNK = 256  # bodies at a time: a few MB of arrays, whatever the batch


def _utf8(folded: str) -> tuple[str, bytes, set[str]]:
    """A folded body, its UTF-8 and the distinct characters of it that are not ASCII."""
    data = folded.encode("utf-8", "surrogatepass")
    if folded.isascii():
        return folded, data, set()
    return folded, data, set(data.translate(None, _ASCII).decode("utf-8", "surrogatepass"))


def _normal(folded: str, data: bytes, wide: set[str]) -> bytes:
    """The UTF-8 of ``" ".join(folded.split())``: ``normalize`` of the text it was folded from."""
    if any(char.isspace() for char in wide):
        return " ".join(folded.split()).encode("utf-8", "surrogatepass")
    spaced = data.translate(_NOT_SPACE)  # what str.split() splits on, as b" "
    while b"  " in spaced:  # each pass halves every run of spaces
        spaced = spaced.replace(b"  ", b" ")
    return spaced.strip(b" ")


def _spaced(data: bytes, wide: set[str]) -> bytes:
    """A folded body's UTF-8 with each character that is no word character as b" "."""
    data = data.translate(_NOT_WORD)
    for char in wide:
        if not char.isalnum():  # re's \w beyond ASCII ("_" is ASCII)
            data = data.replace(char.encode("utf-8", "surrogatepass"), b" ")
    return data


# XXH32's primes, and its four accumulators' starting values for seed 0
_PRIMES = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1)
_P1, _P2, _P3, _P4, _P5 = (np.uint32(p) for p in _PRIMES)
_STRIPE_SEEDS = ((_PRIMES[0] + _PRIMES[1]) % 2**32, _PRIMES[1], 0, -_PRIMES[0] % 2**32)


def _rotl(x: U32, r: int) -> U32:
    out: U32 = (x << np.uint32(r)) | (x >> np.uint32(32 - r))
    return out


def _xxh32(data: bytes, starts: I64, lengths: I64) -> U32:
    """``xxhash.xxh32_intdigest(data[s : s + n])`` (seed 0) of each start ``s`` and length ``n``,
    all at once: the algorithm of xxHash's XXH32 on arrays (``data`` padded with 3 bytes)."""
    bytes_ = np.frombuffer(data, np.uint8)
    # the little-endian 32-bit lane that starts at each byte (an unaligned view, no copy)
    lanes: U32 = np.ndarray((len(data) - 3,), dtype="<u4", buffer=data, strides=(1,))
    h = np.full(len(starts), _P5, np.uint32)
    done = np.zeros(len(starts), np.int64)  # bytes consumed by 16-byte stripes
    long = np.flatnonzero(lengths >= 16)
    if len(long):
        first, stripes = starts[long], lengths[long] // 16
        acc = [np.full(len(long), v, np.uint32) for v in _STRIPE_SEEDS]
        for stripe in range(int(stripes.max())):
            rows = np.flatnonzero(stripes > stripe)
            at = first[rows] + 16 * stripe
            for i, v in enumerate(acc):
                v[rows] = _rotl(v[rows] + lanes[at + 4 * i] * _P2, 13) * _P1
        h[long] = _rotl(acc[0], 1) + _rotl(acc[1], 7) + _rotl(acc[2], 12) + _rotl(acc[3], 18)
        done[long] = stripes * 16
    h += lengths.astype(np.uint32)
    at, left = starts + done, lengths - done
    for k in range(3):  # the remaining whole lanes
        rows = np.flatnonzero(left >= 4 * (k + 1))
        h[rows] = _rotl(h[rows] + lanes[at[rows] + 4 * k] * _P3, 17) * _P4
    at, left = at + left // 4 * 4, left % 4
    for k in range(3):  # the remaining bytes
        rows = np.flatnonzero(left > k)
        h[rows] = _rotl(h[rows] + bytes_[at[rows] + k].astype(np.uint32) * _P5, 11) * _P1
    h ^= h >> np.uint32(15)
    h *= _P2
    h ^= h >> np.uint32(13)
    h *= _P3
    h ^= h >> np.uint32(16)
    return h


def _shingles_of(folded: Sequence[tuple[bytes, bytes]], ngram: int) -> tuple[U32, I64]:
    """32-bit hashes of the word ``ngram``-grams of each folded body (``_spaced`` and
    ``_normal`` forms), in order (at least one per body), and the body (its position) each
    belongs to."""
    values, owners = [], []
    for lo in range(0, len(folded), _CHUNK):
        found = _chunk_shingles(folded[lo : lo + _CHUNK], ngram)
        values.append(found[0])
        owners.append(found[1] + lo)
    if not values:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    return np.concatenate(values), np.concatenate(owners)


def _chunk_shingles(folded: Sequence[tuple[bytes, bytes]], ngram: int) -> tuple[U32, I64]:
    spaced = [words for words, _ in folded]
    data = b" ".join(spaced) + b"   "
    word = (np.frombuffer(data, np.uint8) != _SPACE).view(np.int8)
    edges = np.flatnonzero(np.diff(word, prepend=np.int8(0), append=np.int8(0)))
    starts, ends = edges[0::2], edges[1::2]
    hashes = _xxh32(data, starts, ends - starts)
    first = np.zeros(len(spaced), np.int64)  # where each body starts in ``data``
    np.cumsum([len(s) + 1 for s in spaced[:-1]], out=first[1:])
    owner = np.searchsorted(first, starts, side="right") - 1
    counts = np.bincount(owner, minlength=len(spaced))
    # every ngram of consecutive words, kept where its words are one body's
    n = max(len(hashes) - ngram + 1, 0)
    out = hashes[:n].copy()
    for k in range(1, ngram):
        out *= _GRAM_MUL
        out ^= hashes[k : n + k]
    keep = owner[:n] == owner[ngram - 1 : ngram - 1 + n]
    values, owners = _mixed(out[keep]), owner[:n][keep]
    short = np.flatnonzero(counts < ngram)
    if not len(short):
        return values, owners
    # a body with fewer words has one shingle, of all of them
    first_word = np.cumsum(counts) - counts
    extra = [
        _short_shingle(folded[i][1], hashes[first_word[i] : first_word[i] + counts[i]])
        for i in short.tolist()
    ]
    values, owners = np.concatenate([values, *extra]), np.concatenate([owners, short])
    order = np.argsort(owners, kind="stable")  # each body's shingles together, in order
    return values[order], owners[order]


def _short_shingle(normal: bytes, words: U32) -> U32:
    """The one shingle of a body with fewer words than ``ngram``: all of its words."""
    if not len(words):  # punctuation only: it can match an exact copy, never a near one
        return np.array([xxhash.xxh32_intdigest(normal, SEED)], dtype=np.uint32)
    out = words[:1].copy()
    for k in range(1, len(words)):
        out *= _GRAM_MUL
        out ^= words[k : k + 1]
    return _mixed(out)


def _mixed(out: U32) -> U32:
    out ^= out >> np.uint32(15)
    out *= np.uint32(0x85EBCA77)
    out ^= out >> np.uint32(13)
    return out


def shingles(text: str, ngram: int) -> U32:
    """32-bit hashes of the word ``ngram``-grams of the normalized body (at least one)."""
    return _shingles_of([_forms(_fold(text))], ngram)[0]


def shingle_set(text: str, ngram: int) -> U32:
    """The sorted distinct shingle hashes of a body: what duplicates are decided on."""
    return distinct(shingles(text, ngram))


def shingle_sets(texts: Sequence[str], ngram: int) -> list[U32]:
    """``shingle_set`` of each text, all worked out at once (numpy's cost per call shared:
    ~0.4 ms a text one by one, a few times less in a batch)."""
    flat, starts = _shingle_sets([_forms(_fold(t)) for t in texts], ngram)
    bounds = [*starts.tolist(), len(flat)]
    return [flat[a:b] for a, b in itertools.pairwise(bounds)]


def distinct(values: npt.NDArray[_D]) -> npt.NDArray[_D]:
    """``np.unique(values)`` of a 1-d array, by sort and compare: numpy 2.4's ``np.unique``
    takes a hashing path that is 4-20x slower for integers (71 vs 16 µs for a body's 500
    shingles, 2.6 vs 0.12 ms for 20,000), and this runs for every article."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


#: Above this many values to look in, ``among`` sorts its queries too: a binary search of
#: scattered queries in a bigger array misses the cache at every step (41 s for 25M queries in
#: 25M values, 9.5 s sorted first; for 100k values, 3.1 s as they come, 6.7 s sorted first).
_SORT_QUERIES = 1 << 20


def among(values: npt.NDArray[_D], of: npt.NDArray[_D]) -> npt.NDArray[np.bool_]:
    """``np.isin(values, of)``, by sorting ``of`` and a binary search: numpy 2.4's ``isin``
    hashes every value of ``of`` (``np.unique``'s hashing path) whatever ``values`` holds:
    42 s and +1.5 GB for 24.75M keys with ``values`` empty (a linking task's published keys
    on a first ingest); this: nothing then, 9.5 s and ~41 bytes per value for 25M in 25M."""
    if not len(values) or not len(of):
        return np.zeros(len(values), dtype=bool)
    ordered = np.sort(of)
    order = np.argsort(values) if len(ordered) > _SORT_QUERIES else None
    queries = values if order is None else values[order]
    at = np.searchsorted(ordered, queries)
    np.minimum(at, len(ordered) - 1, out=at)
    hit: npt.NDArray[np.bool_] = ordered[at] == queries
    if order is None:
        return hit
    found = np.empty(len(values), dtype=bool)
    found[order] = hit
    return found


def _forms(folded: str) -> tuple[bytes, bytes]:
    """A folded body's ``_spaced`` and ``_normal`` forms (UTF-8)."""
    folded, data, wide = _utf8(folded)
    return _spaced(data, wide), _normal(folded, data, wide)


def _shingle_sets(folded: Sequence[tuple[bytes, bytes]], ngram: int) -> tuple[U32, I64]:
    """Each body's ``shingle_set``, one after the other, and where each starts."""
    values, owners = _shingles_of(folded, ngram)
    # one sort of (body, shingle) instead of one per body
    keys = distinct((owners.astype(np.uint64) << np.uint64(32)) | values)
    starts = np.searchsorted(keys >> np.uint64(32), np.arange(len(folded), dtype=np.uint64))
    return keys.astype(np.uint32), starts.astype(np.int64)


def signatures(texts: Sequence[str], ngram: int) -> tuple[U32, U32]:
    """MinHash signatures ``(len(texts), NUM_PERM)`` and shingle-set sizes of some bodies.

    Computed on a ``(NUM_PERM, shingles)`` block of 16 bodies at a time (stays in cache).
    """
    return _signatures(*_shingle_sets([_forms(_fold(t)) for t in texts], ngram))


def signatures_and_hashes(texts: Sequence[str], ngram: int) -> tuple[U32, U32, U64]:
    """``signatures`` and the ``body_hash`` of each body, folding each body once for both."""
    forms = [_forms(_fold(t)) for t in texts]
    sigs, sizes = _signatures(*_shingle_sets(forms, ngram))
    exact = [xxhash.xxh3_64_intdigest(normal) for _, normal in forms]
    return sigs, sizes, np.array(exact, dtype=np.uint64)


def _signatures(flat: U32, starts: I64) -> tuple[U32, U32]:
    """Signatures and sizes of the sets ``flat[starts[i] : starts[i + 1]]`` (none empty)."""
    bounds = np.append(starts, len(flat))
    sizes = np.diff(bounds).astype(np.uint32)
    out = np.empty((len(starts), NUM_PERM), dtype=np.uint32)
    step = 16
    for lo in range(0, len(starts), step):
        hi = min(lo + step, len(starts))
        block = _PERM_A * flat[None, bounds[lo] : bounds[hi]]
        block += _PERM_B
        out[lo:hi] = np.minimum.reduceat(block, bounds[lo:hi] - bounds[lo], axis=1).T
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


def jaccard(a: U16, b: U16) -> F64:
    """Estimated Jaccard of row pairs of two compact signature arrays."""
    est: F64 = (a == b).mean(axis=-1)
    return est
