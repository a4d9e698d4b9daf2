from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.dedup import minhash

_TEXT = st.text(
    st.one_of(
        st.sampled_from(list(" \t\n.,;:!?'\"()-_/\\0123456789abcXYZ\x1c\x7f")),
        st.characters(),
    ),
    max_size=80,
)


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_words_are_the_word_pattern_matches(text: str) -> None:
    folded = minhash._fold(text)
    assert minhash._words(folded) == minhash._WORD.findall(folded)
    ascii_only = "".join(ch for ch in folded if ch.isascii())
    assert minhash._words(ascii_only) == minhash._WORD.findall(ascii_only)


@settings(max_examples=100, deadline=None)
@given(st.lists(_TEXT, max_size=20), st.integers(1, 5))
def test_signatures_and_hashes_fold_once_with_the_same_values(texts: list[str], ngram: int) -> None:
    sigs, sizes, exact = minhash.signatures_and_hashes(texts, ngram)
    want_sigs, want_sizes = minhash.signatures(texts, ngram)
    assert np.array_equal(sigs, want_sigs)
    assert np.array_equal(sizes, want_sizes)
    assert exact.tolist() == [minhash.body_hash(t) for t in texts]
    folded = [minhash._fold(t) for t in texts]
    assert [minhash._folded_hash(f) for f in folded] == [
        minhash.xxhash.xxh3_64_intdigest(minhash.normalize(t).encode("utf-8", "surrogatepass"))
        for t in texts
    ]
