from __future__ import annotations

import re
import sys
import unicodedata

import numpy as np
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.dedup import minhash

# pieces of text: ASCII punctuation and controls, spaces and digits of other scripts, words
# longer than xxh32's 16-byte stripes, mojibake, a lone surrogate, any character
_TEXT = st.lists(
    st.one_of(
        st.sampled_from(list(" \t\n.,;:!?'\"()-_/\\0123456789abcXYZ\x1c\x7f\xa0\u2028\ud800")),
        st.sampled_from(["ß", "İ", "ǅ", "١٢", "¬†", "‚Äì", "日本", "\u0345", "ﬁ", "kata" * 9]),
        st.characters(),
    ),
    max_size=60,
).map("".join)
_WORD = re.compile(r"\w+")


def _plain_shingles(text: str, ngram: int) -> np.ndarray:
    """``shingles`` as it was written before the batch form: a regex match and an xxh32 call
    per word, the ngrams folded one body at a time."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = _WORD.findall(folded)
    if not words:
        norm = " ".join(folded.split()).encode("utf-8", "surrogatepass")
        return np.array([xxhash.xxh32_intdigest(norm, minhash.SEED)], dtype=np.uint32)
    wh = np.array(
        [xxhash.xxh32_intdigest(w.encode("utf-8", "surrogatepass")) for w in words], np.uint32
    )
    n = min(ngram, len(wh))
    out = wh[: len(wh) - n + 1].copy()
    for k in range(1, n):
        out *= minhash._GRAM_MUL
        out ^= wh[k : len(wh) - n + 1 + k]
    out ^= out >> np.uint32(15)
    out *= np.uint32(0x85EBCA77)
    out ^= out >> np.uint32(13)
    return out


def _plain_signature(text: str, ngram: int) -> np.ndarray:
    values = np.unique(_plain_shingles(text, ngram))
    return (minhash._PERM_A * values[None, :] + minhash._PERM_B).min(axis=1)


@settings(max_examples=500, deadline=None)
@given(_TEXT, st.integers(1, 6))
def test_shingles_are_those_of_one_regex_match_and_hash_per_word(text: str, ngram: int) -> None:
    found = minhash.shingles(text, ngram)
    assert found.dtype == np.uint32
    assert found.tolist() == _plain_shingles(text, ngram).tolist()
    assert minhash.shingle_set(text, ngram).tolist() == sorted(set(found.tolist()))


@settings(max_examples=100, deadline=None)
@given(st.lists(_TEXT, max_size=20), st.integers(1, 5))
def test_a_batch_gives_each_body_what_it_gives_alone(texts: list[str], ngram: int) -> None:
    sigs, sizes, exact = minhash.signatures_and_hashes(texts, ngram)
    want_sigs, want_sizes = minhash.signatures(texts, ngram)
    assert np.array_equal(sigs, want_sigs)
    assert np.array_equal(sizes, want_sizes)
    for row, text in enumerate(texts):
        assert sizes[row] == len(np.unique(_plain_shingles(text, ngram)))
        assert np.array_equal(sigs[row], _plain_signature(text, ngram))
    assert exact.tolist() == [minhash.body_hash(t) for t in texts]
    assert exact.tolist() == [
        xxhash.xxh3_64_intdigest(minhash.normalize(t).encode("utf-8", "surrogatepass"))
        for t in texts
    ]


@settings(max_examples=100, deadline=None)
@given(st.lists(_TEXT, max_size=20), st.integers(1, 5))
def test_shingle_sets_of_a_batch_are_each_texts_own(texts: list[str], ngram: int) -> None:
    # what dedup's verification reads (verify.collect, the distributed judge), many at once
    found = minhash.shingle_sets(texts, ngram)
    assert [s.tolist() for s in found] == [minhash.shingle_set(t, ngram).tolist() for t in texts]


def test_batches_longer_than_a_chunk_keep_bodies_apart() -> None:
    texts = [f"kata{k} sama sama {'x' * (k % 40)} akhir" for k in range(2 * minhash._CHUNK + 7)]
    texts[minhash._CHUNK - 1] = "..."  # a body without words at a chunk's end
    texts[minhash._CHUNK] = "satu"  # and one with fewer words than ngram at the next start
    sigs, sizes, _ = minhash.signatures_and_hashes(texts, 3)
    for row in (0, minhash._CHUNK - 1, minhash._CHUNK, len(texts) - 1):
        assert np.array_equal(sigs[row], _plain_signature(texts[row], 3))
        assert sizes[row] == len(np.unique(_plain_shingles(texts[row], 3)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=70), min_size=1, max_size=30))
def test_xxh32_of_arrays_is_xxhash_s(pieces: list[bytes]) -> None:
    data = b"".join(pieces) + b"\0\0\0"
    lengths = np.array([len(p) for p in pieces], dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    found = minhash._xxh32(data, starts, lengths)
    assert found.tolist() == [xxhash.xxh32_intdigest(p) for p in pieces]


def test_character_classes_are_those_of_the_regex_and_of_split() -> None:
    """What the byte tables and the per-character checks assume, for every code point."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        word = char.isalnum() or char == "_"
        assert word == bool(_WORD.fullmatch(char)), hex(code)
        assert not (word and char.isspace()), hex(code)
        assert char.isspace() == (len(f"a{char}b".split()) == 2), hex(code)
