"""Language identification: the stage that fills ``language`` and the fields beside it.

Two steps, over the title and the body together (a headline helps most where the body is short):

1. **langdetect** (``detector``: its own algorithm and profiles, seeded and fast; answers match
   plain seeded langdetect). Its answer is kept as ``language_langdetect``. Every sentence of at
   least ``MIN_LETTERS`` letters is also scored with the same profiles: ``language_share`` is
   the share of the text's letters in sentences of langdetect's language, and when another
   language holds more letters (a long quote in a short article) the answer follows the letters.
2. **the regional model** (``regional``): langdetect has no Malay, Javanese or Sundanese profile
   and calls them ``id`` (some Javanese and Sundanese ``tl``). Where it answers ``id`` or ``tl``,
   a model made for Indonesian, Malay, Javanese, Sundanese and Tagalog decides: ``language`` is
   its answer, ``language_score`` its probability, and ``language_alternatives`` the other
   classes it gives at least ``alternative_min``. With too few lower-case words to read (fewer
   than ``min_words``) langdetect's answer stands.

``language`` is the answer to filter on. Texts under ``MIN_LETTERS`` letters are "unknown"
(``None``): too short to tell. evals/langid/README.md has the measurements.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from itertools import islice
from operator import attrgetter

import numpy as np

from corpus.config import Config
from corpus.langid import regional
from corpus.langid.detector import MIN_LETTERS, Analysis, Model, model
from corpus.records import Article
from corpus.stats import Stats

__all__ = [
    "MIN_LETTERS",
    "REGIONAL_FROM",
    "Guess",
    "Model",
    "detect",
    "identify",
    "identify_batch",
    "model",
    "on_target",
    "run",
    "text_of",
    "warm_up",
]

#: langdetect answers the regional model decides (it has no profile for ms, jv or su).
REGIONAL_FROM = ("id", "tl")
#: Articles ``run`` identifies together (see ``identify_batch``); 512 ran ~6 % faster than 256
#: (numpy's cost per call shared by more texts).
_BATCH = 512


@dataclass(frozen=True, slots=True)
class Guess:
    """What the stage says of a text (all ``None``/empty when it is too short to tell)."""

    language: str | None
    score: float | None  # the probability of ``language`` (regional model's, else langdetect's)
    share: float | None  # share of the text's letters in sentences of langdetect's language
    alternatives: tuple[str, ...] = ()  # close languages it may be in instead, likeliest first
    langdetect: str | None = None  # langdetect's own answer


_UNKNOWN = Guess(None, None, None)


def text_of(title: str | None, body: str) -> str:
    """What the stage reads of an article: its title, then its body."""
    return f"{title}\n{body}" if title and title.strip() else body


def detect(text: str, seed: int = 0) -> tuple[str | None, float | None]:
    """``(language, probability)`` of ``text``, as seeded langdetect says; ``(None, None)`` when
    it has fewer than ``MIN_LETTERS`` letters or no n-gram langdetect knows."""
    if _too_short(text):
        return None, None
    ranked = model(seed).probabilities(text)
    if not ranked:
        return None, None
    return ranked[0][0], round(ranked[0][1], 4)


def identify(text: str, seed: int = 0) -> Guess:
    """The stage's answer for one text (see the module docstring)."""
    return identify_batch([text], seed)[0]


def identify_batch(texts: list[str], seed: int = 0) -> list[Guess]:
    """``identify`` over a batch: the unit an executor sends to a worker process. langdetect's
    trials of the texts run side by side (``Model.analyse_many``), and the regional model
    decides for all of them at once (``regional.Regional.decide_many``); every answer is the
    text's own, whatever else is in the batch."""
    m = model(seed)
    short = [_too_short(text) for text in texts]
    long_enough = [text for text, too_short in zip(texts, short, strict=True) if not too_short]
    analyses = iter(m.analyse_many(long_enough) if long_enough else [])
    # Per text: langdetect's (language, score, share), or None when unknown.
    first: list[tuple[str, float, float] | None] = []
    asked: list[int] = []  # texts the regional model decides
    regional_rows: list[Analysis] = []
    for text, too_short in zip(texts, short, strict=True):
        analysis = None if too_short else next(analyses)
        if analysis is None or not analysis.ranked:
            first.append(None)
            continue
        ranked, letters = analysis.ranked, analysis.letters
        language, score = ranked[0][0], round(ranked[0][1], 4)
        total = sum(letters.values())
        share = 1.0
        if total:
            main = max(sorted(letters), key=lambda lang: letters[lang])
            if main != language and letters[main] > letters.get(language, 0):
                # Most of the text is in ``main``: langdetect was swayed by a long quote.
                kept = m.sentences_in(text, main, base=language)
                language, score = main, round(dict(m.probabilities(kept)).get(main, 0.0), 4)
            share = round(letters.get(language, 0) / total, 4)
        if language in REGIONAL_FROM:
            asked.append(len(first))
            regional_rows.append(analysis)
        first.append((language, score, share))
    decisions = _decisions(regional_rows)
    decided = dict(zip(asked, decisions, strict=True))
    found: list[Guess] = []
    for i, answer in enumerate(first):
        if answer is None:
            found.append(_UNKNOWN)
            continue
        language, score, share = answer
        decision = decided.get(i)
        if decision is None:
            found.append(Guess(language, score, share, (), language))
        else:
            found.append(
                Guess(decision.language, decision.score, share, decision.alternatives, language)
            )
    return found


def _decisions(analyses: list[Analysis]) -> list[regional.Decision | None]:
    """The regional model's decision for each analysed text (``None``: too few words)."""
    if not analyses:
        return []
    scores = np.stack([analysis.regional for analysis in analyses])
    words = [analysis.regional_words for analysis in analyses]
    return regional.model().decide_many(scores, words)


def warm_up(seed: int = 0) -> None:
    """Load both models and run them once (a worker calls it before its first unit)."""
    identify("Pemerintah kota mengumumkan jadwal baru untuk warga.", seed)


def _too_short(text: str) -> bool:
    """Fewer than ``MIN_LETTERS`` letters in the first 1,000 characters."""
    letters = 0
    for ch in text[:1000]:
        if ch.isalpha():
            letters += 1
            if letters >= MIN_LETTERS:
                return False
    return True


def run(articles: Iterable[Article], cfg: Config, stats: Stats) -> Iterator[Article]:
    """Fill ``language``, ``language_score``, ``language_share``, ``language_alternatives`` and
    ``language_langdetect`` from each article's title and body.

    Articles go through ``identify_batch`` ``_BATCH`` at a time (the same answers as one at a
    time, faster)."""
    articles = iter(articles)
    while batch := list(islice(articles, _BATCH)):
        texts = [text_of(a.title, a.text) for a in batch]
        for article, guess in zip(batch, identify_batch(texts, cfg.language_seed), strict=True):
            stats.count("langid", guess.language or "unknown")
            if guess.language != guess.langdetect:
                stats.count("langid", f"{guess.langdetect}_to_{guess.language}")
            for alternative in guess.alternatives:
                stats.count("langid", f"possibly_{alternative}")
            yield _with_guess(article, guess)


#: An article's fields, in order (an article is copied with ``Article(*values)``: several times
#: faster than ``dataclasses.replace``, which looks every field up by name).
_FIELDS = tuple(f.name for f in fields(Article))
_values = attrgetter(*_FIELDS)
_GUESS_AT = tuple(
    _FIELDS.index(name)
    for name in (
        "language",
        "language_score",
        "language_share",
        "language_alternatives",
        "language_langdetect",
    )
)


def _with_guess(article: Article, guess: Guess) -> Article:
    """``article`` with the stage's fields set from ``guess``."""
    values = list(_values(article))
    answer = (guess.language, guess.score, guess.share, guess.alternatives, guess.langdetect)
    for at, value in zip(_GUESS_AT, answer, strict=True):
        values[at] = value
    return Article(*values)


def on_target(article: Article, languages: Sequence[str]) -> bool:
    """Whether ``article`` is in one of the target ``languages`` (all are, when none are set;
    an unknown language is kept: too short to tell is not a different language)."""
    return not languages or article.language is None or article.language in languages
