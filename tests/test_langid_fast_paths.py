"""The stage's faster paths give what the paths they replaced gave, bit for bit.

Each reference below is the code it replaced (up to commit 6d5cef9), kept here: sums of runs
picked apart (``detector.summed_rows`` with ``starts``), a trial's checks worked out only where
one can pass (``detector._converged``), sentences too short to count left unscored
(``Model._sentence_languages``'s ``least``), the regional model deciding a batch at once
(``regional.Regional.decide_many``), articles copied by position (``langid._with_guess``) and
non-Latin letters counted by code point (``detector._prepare``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector import Detector
from langdetect.utils.ngram import NGram

from corpus import langid
from corpus.langid import Guess, detector, regional
from tests.test_dedup import art
from tests.test_langid_first_sight import _regional_spec, fixture_texts

_CONV_THRESHOLD = 0.99999


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 300), min_size=1, max_size=40),
    st.integers(0, 2**32 - 1),
)
def test_runs_picked_apart_are_summed_as_reduceat_sums_them(lengths: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = rng.normal(-8.0, 3.0, size=(400, 55)).astype(np.float32)
    table[rng.integers(0, 400, size=20)] = -0.0  # a run of -0.0 rows stays -0.0
    runs = np.array(lengths)
    rows = rng.integers(0, 400, size=int(runs.sum())).astype(np.int32)
    starts = np.cumsum(runs) - runs
    expected = np.add.reduceat(table[rows], starts, axis=0)
    assert detector.summed_rows(table, rows, runs).tobytes() == expected.tobytes()
    picked = rng.permutation(len(runs))[: max(1, len(runs) // 2)]
    apart = detector.summed_rows(table, rows, runs[picked], starts[picked])
    assert apart.tobytes() == expected[picked].tobytes()


def converged_everywhere(shifted: np.ndarray) -> np.ndarray:
    """The check as it was worked out for every text at every check."""
    sums = np.add.reduce(np.exp(shifted), axis=2)
    found: np.ndarray = 1.0 / sums > _CONV_THRESHOLD
    return found


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(-14.0, -10.0))
def test_a_check_is_worked_out_only_where_it_can_pass(seed: int, edge: float) -> None:
    rng = np.random.default_rng(seed)
    checks = rng.normal(-300.0, 40.0, size=(7, 64, 55))
    # Texts on the edge: the runner-up ``edge`` nats below the best, as near 0.99999 as it gets
    # (a lone runner-up passes at e**-11.51), and the rest far below.
    checks[:, :32, :] = checks[:, :32, :1] - rng.uniform(20.0, 60.0, size=(7, 32, 55))
    checks[:, :32, 1] = checks[:, :32, 0] + edge + rng.normal(0.0, 0.05, size=(7, 32))
    checks[:, ::5, 2] = checks[:, ::5, 0]  # ties for the best
    shifted = checks - np.maximum.reduce(checks, axis=2, keepdims=True)
    expected = converged_everywhere(shifted)
    assert np.array_equal(detector._converged(shifted), expected)
    assert np.array_equal(detector._converged(shifted[:, :20]), expected[:, :20])  # a few
    assert expected.any() and not expected.all()  # both sides of the edge are tried
    rows = shifted[expected]
    normalized = np.exp(rows) / np.add.reduce(np.exp(rows), axis=1)[:, None]
    assert detector._normalized(rows).tobytes() == normalized.tobytes()


def test_sentences_too_short_to_count_are_labelled_as_when_all_are_scored() -> None:
    model = detector.Model(0)
    texts = fixture_texts()
    parsed = [model._tokens_of(detector._prepare(text)) for text in texts]
    model._see()
    tokens = [slot for found, _ in parsed for slot in found]
    slots, starts, facts = model._sentences(tokens, [])
    home = np.arange(len(starts)) % len(model.languages)
    every, letters = model._sentence_languages(slots, starts, facts[:, 0], home)
    some, same_letters = model._sentence_languages(slots, starts, facts[:, 0], home, least=20)
    assert np.array_equal(letters, same_letters)
    counted = letters >= 20
    assert 0 < counted.sum() < len(counted)
    assert np.array_equal(some[counted], every[counted])
    assert np.array_equal(some[~counted], home[~counted])
    assert (every[counted] != home[counted]).any()  # some sentences leave their home


def decided_alone(model: regional.Regional, scores: np.ndarray, words: int) -> object:
    """``Regional.decide`` as it was: one text's numbers."""
    if words < model.min_words:
        return None
    logits = (scores.astype(np.float64) + model.prior) / model.temperature
    logits -= logits.max()
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum()
    best = int(probabilities.argmax())
    ranked = sorted(range(len(model.classes)), key=lambda i: (-probabilities[i], i))
    alternatives = tuple(
        model.classes[i] for i in ranked if i != best and probabilities[i] >= model.alternative_min
    )
    return regional.Decision(
        model.classes[best], round(float(probabilities[best]), 4), alternatives
    )


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.01, 1.0, 8.0, 40.0]))
def test_a_batch_s_regional_decisions_are_each_text_s_own(seed: int, spread: float) -> None:
    model = regional.model()
    rng = np.random.default_rng(seed)
    scores = rng.normal(0.0, spread, size=(300, len(model.classes))).astype(np.float32)
    scores[::7, 1] = scores[::7, 0]  # ties
    words = rng.integers(0, 2 * model.min_words + 1, size=300).tolist()
    expected = [decided_alone(model, row, n) for row, n in zip(scores, words, strict=True)]
    assert model.decide_many(scores, words) == expected
    assert [model.decide(row, n) for row, n in zip(scores, words, strict=True)] == expected


def test_an_article_copied_with_its_guess_is_what_replace_gives() -> None:
    article = art("a1", "Pemerintah kota mengumumkan jadwal baru untuk warga.")
    guess = Guess("ms", 0.91, 0.875, ("id", "jv"), "id")
    expected = replace(
        article,
        language=guess.language,
        language_score=guess.score,
        language_share=guess.share,
        language_alternatives=guess.alternatives,
        language_langdetect=guess.langdetect,
    )
    assert langid._with_guess(article, guess) == expected


_NON_LATIN = re.compile(r"[\u0300-\u1dff\u1f00-\U0010ffff]+")
_LATIN = re.compile(r"[A-z]+")


def prepared_as_before(text: str) -> str:
    """``detector._prepare`` as it was (non-Latin letters counted by a regex)."""
    if "http" in text:
        text = Detector.URL_RE.sub(" ", text)
    if "@" in text:
        text = Detector.MAIL_RE.sub(" ", text)
    if any(mark in text for mark in detector._VI_MARKS):
        text = NGram.normalize_vi(text)
    text = text[:10_000]
    if not text.isascii():
        non_latin = sum(map(len, _NON_LATIN.findall(text)))
        if non_latin:
            latin = 0
            for run in _LATIN.finditer(text):
                latin += run.end() - run.start()
                if latin * 2 >= non_latin:
                    break
            else:
                text = _LATIN.sub("", text)
    return text


_SCRIPTS = st.sampled_from(
    [
        "abc ",
        "Jakarta ",
        "\u0300",
        "\u1dff",
        "\u1e00\u1ea1",
        "\u1eff",
        "\u1f00",
        "\u0416\u0436 ",
        "\u4e2d\u6587",
        "\ud800",
        "\U0001f600",
        "[x]",
        "\u2019",
        "\xe9t\xe9 ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_SCRIPTS, max_size=30))
def test_text_of_another_script_is_prepared_as_before(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert detector._prepare(text) == prepared_as_before(text)


def test_latin_is_dropped_from_text_mostly_in_another_script_as_before() -> None:
    mostly = "\u4e2d\u6587\u4e2d\u6587\u4e2d ab"  # 5 letters of another script, 2 Latin
    assert detector._prepare(mostly) == prepared_as_before(mostly) == mostly[:-2]
    half = "\u4e2d\u6587\u4e2d\u6587 ab"  # 2 Latin letters are half of 4: kept
    assert detector._prepare(half) == prepared_as_before(half) == half


# --------------------------------------------------------------------------- lid9's fast paths


def words_and_breaks_as_before(text: str) -> tuple[list[str], list[int]]:
    """``Model._tokens_of``'s words and breaks as the line loop found them (text whose only
    whitespace is what str.split() and langdetect agree on)."""
    breaks: list[int] = []
    lines = text.split("\n")
    if len(lines) == 1:
        return text.split(), breaks
    words: list[str] = []
    for line in lines:
        if found := line.split():
            words += found
            breaks.append(len(words))
    return words, breaks


_PIECES = st.sampled_from(["kata", "Jakarta,", "di", " ", "  ", "\n", "\n\n", "\t", " \n ", "."])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=12), min_size=1, max_size=6))
def test_tokens_and_sentence_starts_after_breaks_are_as_the_line_loop_found(
    texts: list[list[str]],
) -> None:
    model = _private_model()  # reused: cached tokens and new ones alike
    parsed = [model._tokens_of("".join(pieces)) for pieces in texts]
    word_of = {slot: word for word, slot in [*model._closed.items(), *model._open.items()]}
    expected = [words_and_breaks_as_before("".join(pieces)) for pieces in texts]
    for (slots, _), (words, _) in zip(parsed, expected, strict=True):
        assert [word_of[slot] for slot in slots] == words
    counts = [len(slots) for slots, _ in parsed]
    starts = np.cumsum(counts) - counts
    before = {
        at + i
        for at, (tokens, breaks) in zip(starts.tolist(), expected, strict=True)
        for i in breaks
        if 0 < i < len(tokens)
    }
    assert set(detector._after_breaks(parsed, starts).tolist()) == before


@cache
def _private_model() -> detector.Model:
    return detector.Model(0)


@cache
def _private_regional() -> regional.Regional:
    return regional.Regional(regional.load_spec(_regional_spec()))


def ranked_as_before(total: np.ndarray, names: tuple[str, ...]) -> list[list[tuple[str, float]]]:
    """``Model._probabilities_many``'s ranking as it was: a sort of each row's languages."""
    found = []
    for row in total:
        ranked = sorted(
            ((p, lang) for lang, p in enumerate(row.tolist()) if p > 0.1), key=lambda pi: -pi[0]
        )
        found.append([(names[lang], p) for p, lang in ranked])
    return found


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_a_batch_s_languages_are_ranked_as_each_row_was(seed: int, n: int) -> None:
    names = detector.model(0).languages
    rng = np.random.default_rng(seed)
    total = rng.dirichlet(np.full(len(names), 0.05), size=n)
    total[::3, 5] = total[::3, 2] = 0.3  # ties above the threshold keep language order
    total[::4, 7] = 0.1  # at the threshold: left out
    total[1::5] = 0.0  # nothing above it
    assert detector._ranked(total, names) == ranked_as_before(total, names)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["kata", "dan", "ng", "x", "ini"]), min_size=2), max_size=30)
)
def test_tokens_of_several_words_are_summed_as_np_sum_summed_each(parts: list[list[str]]) -> None:
    model = _private_regional()
    tokens = ["-".join(words) for words in parts]
    weights, counts = model.tokens(tokens)
    for token, words, row, count in zip(tokens, parts, weights, counts, strict=True):
        alone = np.sum([model.word(w) for w in words], axis=0, dtype=np.float32)
        assert (row.tobytes(), count) == (alone.tobytes(), len(words)), token


def test_a_batch_whose_only_new_token_is_punctuation_is_read() -> None:
    # its key is one space: the batch's characters were once too few for the 3-gram window
    model = detector.Model(0)
    text = "Pemerintah kota mengumumkan jadwal baru untuk warga."
    model.analyse_many([text])
    (found,) = model.analyse_many([f"{text[:-1]} \u2014"])
    assert found.ranked == detector.Model(0).analyse(f"{text[:-1]} \u2014").ranked
    assert found.ranked[0][0] == "id"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=1, max_size=60),
    st.lists(st.integers(0, 59), max_size=200),
    st.integers(1, 7),
)
def test_pool_rows_gathered_block_by_block_are_the_rows_of_the_whole_batch(
    counts: list[int], picks: list[int], block: int
) -> None:
    # the code it replaced: one index array of the whole batch (``_Pool.rows_of`` up to c82cd4b)
    pool = detector._Pool()
    n = len(counts)
    rows = np.arange(1, sum(counts) + 1, dtype=np.int32) * 7
    pool.add(np.arange(1, n + 1), rows, np.array(counts))
    slots = np.array([1 + p % n for p in picks], dtype=np.intp)
    sizes = pool.sizes[slots]
    shift = np.repeat(pool.at[slots] - (np.cumsum(sizes) - sizes), sizes)
    expected = pool.rows[shift + np.arange(len(shift))]
    saved = detector._GATHER
    detector._GATHER = block  # blocks of a few slots: every boundary case in a small batch
    try:
        got, got_sizes = pool.rows_of(slots)
    finally:
        detector._GATHER = saved
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got_sizes, sizes)
