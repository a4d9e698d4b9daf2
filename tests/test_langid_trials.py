"""langdetect's trials run in stages for a whole batch (``detector.Model._trial``), their random
draws read off the stream for every text at once (``detector._Stream``): the same numbers as
CPython's ``random.Random`` and as one text at a time, whatever the stage sizes.

Texts are the fixture ``tests/data/langid/texts.json`` (written for these tests) and a few
made up here; plain seeded langdetect is the reference where it can be."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from corpus.langid import detector
from tests.test_langid_first_sight import fixture_texts

#: A text whose trials do not all converge: one runs to langdetect's 1,001 draws.
UNDECIDED = "Norge Danmark Sverige norsk dansk svensk"  # nb, da or sv


def advanced(seed: int, words: int) -> random.Random:
    """``random.Random(seed)`` after ``words`` 32-bit words."""
    generator = random.Random(seed)
    for _ in range(words):
        generator.getrandbits(32)
    return generator


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3_000), st.integers(1, 70_000)), min_size=1, max_size=6),
    st.integers(1, 300),
)
def test_choices_are_cpython_s_choice(texts: list[tuple[int, int]], count: int) -> None:
    stream = detector._Stream(0)
    at = np.array([start for start, _ in texts], dtype=np.int64)
    sizes = np.array([size for _, size in texts], dtype=np.uint64)
    shifts = np.array([32 - size.bit_length() for _, size in texts], dtype=np.uint64)
    chosen, where = stream.choices(at, sizes, shifts, count)
    for (start, size), row, words in zip(texts, chosen.tolist(), where.tolist(), strict=True):
        generator = advanced(0, start)
        assert row == [generator.choice(range(size)) for _ in range(count)]
        # the next word after the last choice is the one the generator reads next
        assert int(stream.words[words[-1] + 1]) == generator.getrandbits(32)


def test_choices_read_a_wider_window_when_too_many_words_are_rejected() -> None:
    # sizes just above a power of two reject almost half the words: a window of 2 * count + 48
    # words falls short for some texts, which are read again
    stream = detector._Stream(0)
    sizes = [2**k + 1 for k in range(1, 16)] * 4
    at = np.arange(len(sizes), dtype=np.int64) * 977
    shifts = np.array([32 - n.bit_length() for n in sizes], dtype=np.uint64)
    found = stream.choices(at, np.array(sizes, dtype=np.uint64), shifts, 2_000)[1]
    words = found[:, -1] + 1 - at
    assert int(words.max()) > 2 * 2_000 + 48
    for start, size, row in zip(at.tolist(), sizes, found[:, -1].tolist(), strict=True):
        generator = advanced(0, start)
        for _ in range(2_000):
            generator.choice(range(size))
        assert int(stream.words[row + 1]) == generator.getrandbits(32)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 20_000), min_size=1, max_size=8))
def test_gauss_pairs_are_cpython_s_gauss(starts: list[int]) -> None:
    stream = detector._Stream(0)
    first, second = stream.gauss_pairs(np.array(starts, dtype=np.int64))
    for start, z, kept in zip(starts, first, second, strict=True):
        generator = advanced(0, start)
        assert (generator.gauss(0.0, 1.0), generator.gauss(0.0, 1.0)) == (z, kept)


def trial_lengths(text: str) -> list[int]:
    """Draws in each of plain seeded langdetect's trials of ``text``."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    plain = factory.create()
    lengths: list[int] = []

    class Counting(random.Random):
        def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float:
            lengths.append(0)
            return super().gauss(mu, sigma)

        def choice(self, seq):  # type: ignore[no-untyped-def]
            lengths[-1] += 1
            return super().choice(seq)

    plain.random = Counting()
    plain.append(text)
    plain.get_probabilities()
    return lengths


def test_the_undecided_text_runs_a_trial_to_the_draw_limit() -> None:
    lengths = trial_lengths(UNDECIDED)
    assert len(lengths) == 7
    assert max(lengths) == 1_001
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    plain = factory.create()
    plain.append(UNDECIDED)
    expected = [(p.lang, round(p.prob, 6)) for p in plain.get_probabilities()]
    found = [(lang, round(p, 6)) for lang, p in detector.Model(0).probabilities(UNDECIDED)]
    assert found == expected


@pytest.mark.parametrize(("first", "after"), [(1, 1), (12, 12), (3, 40)])
def test_stage_sizes_change_no_number(
    monkeypatch: pytest.MonkeyPatch, first: int, after: int
) -> None:
    texts = [UNDECIDED, *fixture_texts()[::3]]
    usual = detector.Model(0)
    expected = [usual.probabilities(text) for text in texts]
    with monkeypatch.context() as patch:
        patch.setattr(detector, "_FIRST_BLOCKS", first)
        patch.setattr(detector, "_NEXT_BLOCKS", after)
        patch.setattr(detector, "_FEW_FIRST_BLOCKS", first)  # a lone text's stages
        staged = detector.Model(0)
        together = staged.analyse_many(texts)
        alone = [staged.probabilities(text) for text in texts]
    assert [a.ranked for a in together] == expected  # every probability, to the last bit
    assert alone == expected


def test_a_batch_s_analyses_are_each_text_s_own_bit_for_bit() -> None:
    texts = [UNDECIDED, *fixture_texts()[::4], "", "12345 !!!"]
    together = detector.Model(0).analyse_many(texts)
    alone = detector.Model(0)
    for text, found in zip(texts, together, strict=True):
        own = alone.analyse(text)
        assert (found.ranked, found.letters, found.regional_words) == (
            own.ranked,
            own.letters,
            own.regional_words,
        )
        assert found.regional.tobytes() == own.regional.tobytes()
    assert sum(len(a.letters) > 1 for a in together) >= 1  # a text of two languages
