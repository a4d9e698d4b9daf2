"""Language identification of the body with langdetect, seeded so answers never vary."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cache

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from corpus.config import Config
from corpus.records import Article
from corpus.stats import Stats

#: Below this many letters langdetect guesses wildly; "unknown" (None) is the honest answer.
MIN_LETTERS = 20


@cache
def _factory(seed: int) -> DetectorFactory:
    # One factory per process and seed: loading the 55 profiles takes ~0.5 s.
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(seed)
    return factory


def detect(text: str, seed: int = 0) -> tuple[str | None, float | None]:
    """``(language, probability)`` of ``text``; ``(None, None)`` when too short or undecidable."""
    if sum(ch.isalpha() for ch in text[:1000]) < MIN_LETTERS:
        return None, None
    detector = _factory(seed).create()
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return None, None
    return str(best.lang), round(float(best.prob), 4)


def run(articles: Iterable[Article], cfg: Config, stats: Stats) -> Iterator[Article]:
    """Fill ``language`` and ``language_score`` from the body."""
    for article in articles:
        language, score = detect(article.text, cfg.language_seed)
        stats.count("langid", language or "unknown")
        yield replace(article, language=language, language_score=score)
