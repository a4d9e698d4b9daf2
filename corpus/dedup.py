"""Exact deduplication on the normalized body, with a deterministic survivor.

Dedup is the one global step: a survivor can only be chosen once every article has been seen.
``run`` therefore makes two passes: the first spools articles to disk while keeping one small
index entry per distinct body; the second reads the spool back and routes each article. Memory
is bounded by the number of distinct bodies, never by the corpus size.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime

import xxhash

from corpus.config import Config
from corpus.records import Article, Duplicate
from corpus.stats import Stats

_SPACE = re.compile(r"\s+")
_FAR_FUTURE = float("inf")

#: (published timestamp, -body length, input ordinal): the smallest key survives.
RankKey = tuple[float, int, int]


def normalize(text: str) -> str:
    """The form exact duplicates are compared in: NFKC, case-folded, whitespace collapsed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def body_hash(text: str) -> int:
    """64-bit hash of the normalized body (a collision needs ~4 billion distinct bodies)."""
    return xxhash.xxh3_64_intdigest(normalize(text).encode("utf-8", "surrogatepass"))


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


def rank_key(article: Article, ordinal: int) -> RankKey:
    """Survivor order: earliest published, then longest body, then first in input order."""
    return published_timestamp(article.published_at), -len(article.text), ordinal


class ExactIndex:
    """The best (smallest ``RankKey``) article seen per normalized-body hash."""

    def __init__(self) -> None:
        self._best: dict[int, tuple[RankKey, str]] = {}

    def __len__(self) -> int:
        return len(self._best)

    def observe(self, article: Article, ordinal: int) -> None:
        """Record an article as a survivor candidate for its body."""
        key = rank_key(article, ordinal)
        digest = body_hash(article.text)
        current = self._best.get(digest)
        if current is None or key < current[0]:
            self._best[digest] = (key, article.id)

    def decide(self, article: Article, ordinal: int) -> Article | Duplicate:
        """The article itself if it survives, else a ``Duplicate`` pointing at the survivor."""
        key, survivor = self._best[body_hash(article.text)]
        if key[2] == ordinal:
            return article
        return Duplicate(article=article, duplicate_of=survivor, reason="exact", similarity=1.0)


def run(
    articles: Iterable[Article],
    cfg: Config,
    stats: Stats,
    spool: Callable[[Iterable[Article]], Iterable[Article]],
) -> Iterator[Article | Duplicate]:
    """Route every article to survivor or duplicate.

    ``spool`` stores the articles it is given (consuming them) and returns an iterable that
    reads them back in the same order; it is how the two passes avoid holding the corpus.
    """
    del cfg  # exact dedup has no settings yet; near-dup thresholds will live in Config
    index = ExactIndex()

    def observed() -> Iterator[Article]:
        for ordinal, article in enumerate(articles):
            index.observe(article, ordinal)
            yield article

    stored = spool(observed())
    for ordinal, article in enumerate(stored):
        decided = index.decide(article, ordinal)
        stats.count("dedup", "unique" if isinstance(decided, Article) else "exact")
        yield decided
