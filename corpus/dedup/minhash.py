"""MinHash math: word shingles, 128-value signatures, LSH band keys, Jaccard estimates.

Word ``ngram``-shingles of the normalized body are hashed to 32 bits; value ``i`` of a signature
is ``min((a_i * s + b_i) mod 2**32)`` over the shingle hashes ``s`` (numpy, one multiply-add per
shingle and value). Signatures are kept as 16 mixed bits per value (``compact``) and cut into
``BANDS`` bands of ``ROWS`` values whose hashes are the LSH keys. Estimates only propose
candidates; duplicates are decided on the exact shingle sets (``verify``).
"""

from __future__ import annotations

import operator
import re
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

_WORD = re.compile(r"\w+")
_ENCODE = operator.methodcaller("encode", "utf-8", "surrogatepass")


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

_rng = np.random.default_rng(SEED)
_PERM_A = (_rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64) | 1).astype(np.uint32)[:, None]
_PERM_B = _rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64).astype(np.uint32)[:, None]
_BAND_MUL = (_rng.integers(0, 2**32, ROWS, dtype=np.uint64) | 1).astype(np.uint32)
_GRAM_MUL = np.uint32(0x9E3779B1)


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


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def body_hash(text: str) -> int:
    """64-bit hash of the normalized body (a collision needs ~4 billion distinct bodies)."""
    return _folded_hash(_fold(text))


def _folded_hash(folded: str) -> int:
    # " ".join(folded.split()) is ``normalize`` of the text ``folded`` was folded from
    return xxhash.xxh3_64_intdigest(" ".join(folded.split()).encode("utf-8", "surrogatepass"))


# ASCII characters that are no word character (``\w``: letters, digits, "_") -> a space: on
# an ASCII text, translate + split gives exactly ``_WORD.findall``, ~2x faster (str.translate
# has an ASCII fast path; most bodies are ASCII once folded)
_NOT_WORD = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
)


def _words(folded: str) -> list[str]:
    if folded.isascii():
        return folded.translate(_NOT_WORD).split()
    return _WORD.findall(folded)


def shingles(text: str, ngram: int) -> U32:
    """32-bit hashes of the word ``ngram``-grams of the normalized body (at least one)."""
    return _shingles(_fold(text), ngram)


def _shingles(folded: str, ngram: int) -> U32:
    words = _words(folded)
    if not words:  # punctuation only: it can match an exact copy, never a near one
        norm = " ".join(folded.split())
        return np.array([xxhash.xxh32_intdigest(_ENCODE(norm), SEED)], dtype=np.uint32)
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


def shingle_set(text: str, ngram: int) -> U32:
    """The sorted distinct shingle hashes of a body: what duplicates are decided on."""
    return distinct(shingles(text, ngram))


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


def signatures(texts: Sequence[str], ngram: int) -> tuple[U32, U32]:
    """MinHash signatures ``(len(texts), NUM_PERM)`` and shingle-set sizes of some bodies.

    Computed on a ``(NUM_PERM, shingles)`` block of 16 bodies at a time (stays in cache).
    """
    return _signatures([shingle_set(t, ngram) for t in texts])


def signatures_and_hashes(texts: Sequence[str], ngram: int) -> tuple[U32, U32, U64]:
    """``signatures`` and the ``body_hash`` of each body, folding each body once for both."""
    folded = [_fold(t) for t in texts]
    sigs, sizes = _signatures([distinct(_shingles(f, ngram)) for f in folded])
    return sigs, sizes, np.array([_folded_hash(f) for f in folded], dtype=np.uint64)


def _signatures(sets: Sequence[U32]) -> tuple[U32, U32]:
    sizes = np.array([len(s) for s in sets], dtype=np.uint32)
    out = np.empty((len(sets), NUM_PERM), dtype=np.uint32)
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


def jaccard(a: U16, b: U16) -> F64:
    """Estimated Jaccard of row pairs of two compact signature arrays."""
    est: F64 = (a == b).mean(axis=-1)
    return est
