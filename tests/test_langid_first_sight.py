"""The first sight of tokens, batched (``detector.Model._see``, ``detector.summed_rows``,
``regional.Regional.tokens``), gives bit for bit what the per-token path it replaced gave.

``reference_rows`` is that path (``Model._token`` + ``Model._word`` up to commit dffa2ff),
kept here as the reference; ``tests/data/langid/expected.json`` holds that code's answers for
the texts of ``tests/data/langid/texts.json`` (written for these tests, not from any corpus).
"""

from __future__ import annotations

import csv
import gzip
import json
import random
from functools import cache
from itertools import chain
from operator import add
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.utils.ngram import NGram

from corpus import langid
from corpus.langid import detector, regional
from tests.conftest import shared_path

DATA = Path(__file__).parent / "data" / "langid"


def variants(text: str) -> list[str]:
    """A text as written, in capitals, title-cased, lower-cased, and cut mid-word."""
    return [text, text.upper(), text.title(), text.lower(), text[7:]]


@cache
def fixture_texts() -> list[str]:
    texts: list[str] = json.loads((DATA / "texts.json").read_text(encoding="utf-8"))
    return [v for text in texts for v in variants(text)]


@cache
def profile_index() -> dict[str, int]:
    """langdetect's n-grams, sorted, numbered from 1: the rows of ``Model``'s matrix."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return {g: i for i, g in enumerate(sorted(factory.word_lang_prob_map), start=1)}


def reference_rows(token: str, closed: bool) -> list[int]:
    """The rows the per-token path found for ``token``: each normalized word's n-grams, unrolled
    from langdetect's ``NGram.add_char`` loop, and the two a following space adds."""
    index = profile_index()
    rows: list[int] = []
    words = "".join(map(NGram.normalize, token)).split(" ")
    for i, word in enumerate(words):
        if not word:
            continue
        padded = " " + word
        if word[1:].islower():
            bigrams = list(map(add, padded, word))
            rest = word[1:]
            grams = [word[0], bigrams[0]]
            grams += chain.from_iterable(
                zip(rest, bigrams[1:], map(add, bigrams, rest), strict=True)
            )
        else:
            grams = []
            for j, ch in enumerate(word):
                if j and ch.isupper() and word[j - 1].isupper():
                    continue
                grams.append(ch)
                grams.append(padded[j : j + 2])
                if j:
                    grams.append(padded[j - 1 : j + 2])
        rows += filter(None, map(index.get, grams))
        if i < len(words) - 1 or closed:
            rows += filter(None, map(index.get, (word[-1] + " ", padded[-2:] + " ")))
    return rows


def seen_rows(tokens: list[tuple[str, bool]]) -> list[list[int]]:
    """The rows a fresh ``Model`` finds for ``(token, closed)`` pairs, seen in one batch."""
    model = fresh_model()
    model._bound_cache()
    slots = [(model._closed if closed else model._open)[token] for token, closed in tokens]
    model._see()
    return [model._pool.rows_of(np.array([slot]))[0].tolist() for slot in slots]


@cache
def fresh_model() -> detector.Model:
    return detector.Model(0)


def tokens_of(texts: list[str]) -> list[tuple[str, bool]]:
    """Every distinct token of ``texts``, followed by a space and not (as a text's last)."""
    found = dict.fromkeys(
        token for text in texts for token in detector._SEPARATORS.split(text) if token
    )
    return [(token, closed) for token in found for closed in (True, False)]


def assert_same_rows(tokens: list[tuple[str, bool]]) -> None:
    for at in range(0, len(tokens), 5_000):
        batch = tokens[at : at + 5_000]
        for (token, closed), rows in zip(batch, seen_rows(batch), strict=True):
            assert rows == reference_rows(token, closed), (token, closed)


def test_the_fixture_has_what_the_batched_path_must_get_right() -> None:
    tokens = [token for token, _ in tokens_of(fixture_texts())]
    assert any(t.isupper() and len(t) > 3 for t in tokens)  # CAPITAL WORDS (skipped n-grams)
    assert any(not t.isascii() and not t.isalpha() for t in tokens)  # normalized to spaces
    assert any(ord(ch) > 0xFFFF for t in tokens for ch in t)  # beyond the BMP
    assert max(len(reference_rows(t, True)) for t in tokens) > 130  # > 128 + 1 rows


def test_same_n_grams_as_the_per_token_path_on_the_fixture() -> None:
    assert_same_rows(tokens_of(fixture_texts()))


TRICKY = [*"abcdeAKMZ", "é", "É", "ß", "я", "Д", "中", "ア", "ǅ", "Ǆ", "\u0219", "\u1ea1"]
TRICKY += [*".,'-0\u2019\u00a1\u00d7", "\ud800", "\U0001d401", "\U0001d41a", "\u06cc"]


@settings(max_examples=200)
@given(st.lists(st.text(alphabet=st.sampled_from(TRICKY), min_size=1, max_size=12), min_size=1))
def test_same_n_grams_as_the_per_token_path_on_any_token(tokens: list[str]) -> None:
    assert_same_rows([(t, closed) for t in dict.fromkeys(tokens) for closed in (True, False)])


def test_a_token_seen_alone_or_in_a_batch_has_the_same_rows() -> None:
    tokens = tokens_of(fixture_texts())
    together = seen_rows(tokens)
    alone = [seen_rows([pair])[0] for pair in tokens[:200]]
    assert alone == together[:200]


@settings(max_examples=50)
@given(
    st.lists(st.integers(1, 300), min_size=1, max_size=40),
    st.integers(0, 2**32 - 1),
)
def test_summed_rows_is_numpy_s_reduceat_bit_for_bit(lengths: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = rng.normal(-8.0, 3.0, size=(500, 55)).astype(np.float32)
    rows = rng.integers(0, 500, size=sum(lengths)).astype(np.int32)
    runs = np.array(lengths)
    expected = np.add.reduceat(table[rows], np.cumsum(runs) - runs, axis=0)
    assert np.array_equal(detector.summed_rows(table, rows, runs), expected)


def test_summed_rows_on_real_token_rows_is_numpy_s_reduceat() -> None:
    model = fresh_model()
    found = [rows for rows in seen_rows(tokens_of(fixture_texts())) if rows]
    rows = np.array([r for token in found for r in token], dtype=np.int32)
    runs = np.array([len(token) for token in found])
    expected = np.add.reduceat(model._log_probs[rows], np.cumsum(runs) - runs, axis=0)
    assert np.array_equal(detector.summed_rows(model._log_probs, rows, runs), expected)
    assert runs.max() > 130  # the pairwise sum splits a run of more than 128 + 1 rows


def assert_same_regional_weights(tokens: list[str]) -> None:
    one_by_one = regional.Regional(regional.load_spec(_regional_spec()))
    batched = regional.Regional(regional.load_spec(_regional_spec()))
    weights, words = batched.tokens(tokens)
    for token, row, count in zip(tokens, weights, words, strict=True):
        alone, alone_count = one_by_one.token(token)
        assert (row.tobytes(), count) == (alone.tobytes(), alone_count), token


CASED = [
    *"abkA",
    "\u03a3",
    "\u03c3",
    "\u03c2",
    "\u0391",
    "\u0130",
    "i",
    "\u0307",
    "1",
    "-",
    "'",
    ".",
]


@settings(max_examples=200)
@given(st.lists(st.text(alphabet=st.sampled_from(CASED), min_size=1, max_size=8), min_size=1))
def test_regional_weights_batched_on_any_token(tokens: list[str]) -> None:
    # lower-cased all at once: final sigma, dotted capital I, marks, digits, punctuation; the
    # models are reused (warm caches must not change an answer either)
    one_by_one, batched = _regional_pair()
    weights, words = batched.tokens(tokens)
    for token, row, count in zip(tokens, weights, words, strict=True):
        alone, alone_count = one_by_one.token(token)
        assert (row.tobytes(), count) == (alone.tobytes(), alone_count), token


@cache
def _regional_pair() -> tuple[regional.Regional, regional.Regional]:
    spec = regional.load_spec(_regional_spec())
    return regional.Regional(spec), regional.Regional(spec)


@cache
def _regional_spec() -> str:
    return (Path(regional.__file__).parent / regional.MODEL_FILE).read_text(encoding="utf-8")


def test_regional_weights_batched_are_those_of_one_token_at_a_time() -> None:
    tokens = [token for token, closed in tokens_of(fixture_texts()) if closed]
    assert sum(t == t.lower() and len(t) > 12 for t in tokens) > 10  # many features summed
    assert_same_regional_weights(tokens)


def test_same_answers_as_the_per_token_path_in_any_order() -> None:
    """The stage's answers and langdetect's probabilities for every fixture text are those the
    per-token code gave (expected.json), whatever the order and whatever the cache holds."""
    expected = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
    texts = fixture_texts()
    assert len(texts) == len(expected["guesses"])
    order = list(range(len(texts)))
    random.Random(7).shuffle(order)
    for ordering in (list(range(len(texts))), order):
        found: dict[int, langid.Guess] = {}
        for at in range(0, len(ordering), 64):
            which = ordering[at : at + 64]
            found.update(zip(which, langid.identify_batch([texts[i] for i in which]), strict=True))
        got = [
            [g.language, g.score, g.share, list(g.alternatives), g.langdetect]
            for g in (found[i] for i in range(len(texts)))
        ]
        assert got == expected["guesses"]
    model = langid.model(0)
    got_probabilities = [
        [[lang, round(p, 12)] for lang, p in model.probabilities(text)] for text in texts
    ]
    assert got_probabilities == expected["probabilities"]


def shared_texts() -> list[str]:
    """Malay and Indonesian news (news-ms) and Javanese and Sundanese paragraphs, raw."""
    news = shared_path("news-ms", "malay_news_2013_2018.jsonl.gz")
    nusa = shared_path("langid-nusawrites")
    with gzip.open(news, "rt", encoding="utf-8") as f:
        texts = [f"{row.get('title') or ''}\n{row.get('text') or ''}" for row in map(json.loads, f)]
    for path in sorted(nusa.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            texts += [row["text"] for row in csv.DictReader(f)]
    return texts


def test_same_n_grams_and_regional_weights_on_the_shared_corpora() -> None:
    tokens = tokens_of(shared_texts())
    assert len(tokens) > 100_000
    assert_same_rows(tokens)
    assert_same_regional_weights([token for token, closed in tokens if closed])


WORD_CHARS = [*"abcdegiklmnorstuy", "é", "ñ", "ə", "中", "<", ">", "\U0001d41a", "\ud800"]


@settings(max_examples=200)
@given(st.lists(st.text(alphabet=st.sampled_from(WORD_CHARS), max_size=12), min_size=1))
def test_regional_rows_found_at_once_are_those_of_each_word_s_features(words: list[str]) -> None:
    model = regional.model()
    counts, flat = model._rows_of(words)
    expected = [
        [i for i in map(model._index.get, model.features(w)) if i is not None] for w in words
    ]
    assert counts.tolist() == list(map(len, expected))
    assert flat.tolist() == [row for rows in expected for row in rows]


def test_tokens_with_one_normalized_key_share_rows_and_weights_not_facts() -> None:
    # "Jakarta," and "(Jakarta" have langdetect's n-grams of "Jakarta" closed: one set of rows
    words = ["Jakarta", "kata", "ÉCOLE", "中文", "ke"]
    tokens = [
        v
        for w in words
        for v in (w, f"{w},", f"({w})", f"{w}2019", f"{w}.", f"--{w}!!", f"{w}-2", f"{w}?”")
    ]
    model = detector.Model(0)
    model._bound_cache()
    slots = [model._closed[t] for t in tokens]
    model._see()
    model._learn_new_tokens()
    sources = model._pool.source[slots]
    assert (sources != slots).sum() >= len(tokens) - 2 * len(words)  # most share another's
    for token, slot in zip(tokens, slots, strict=True):
        rows = reference_rows(token, True)
        assert model._pool.rows_of(np.array([slot]))[0].tolist() == rows, token
        expected = detector.summed_rows(
            model._log_probs, np.array(rows, dtype=np.intp), np.array([len(rows)])
        )[0]
        assert model._token_weights[slot].tobytes() == expected.tobytes(), token
        letters, ends, counted = model._facts[slot].tolist()
        assert letters == sum(map(str.isalpha, token)), token  # its own letters, digits not
        assert ends == detector._ends_sentence(token), token
        assert counted == model._regional_model.token(token)[1], token
