"""Phase two of dedup: each article to its table, by looking its record key up in the plan."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

import numpy as np

from corpus.dedup.fingerprints import record_key
from corpus.dedup.plan import Fate, Keep, Plan
from corpus.dedup.verify import DedupError
from corpus.records import Article, Duplicate
from corpus.stats import Stats


def route(
    articles: Iterable[Article], plan: Plan, stats: Stats | None = None
) -> Iterator[Article | Duplicate]:
    """Survivors (with their duplicate counts) and ``Duplicate`` records, in input order.

    Joined by key, never by position: an article the plan does not know, one seen twice, or a
    planned article that never comes raises ``DedupError``.
    """
    seen = np.zeros(len(plan), dtype=bool)
    for article in articles:
        row = plan.position(record_key(article))
        if seen[row]:
            raise DedupError(f"article {article.id} ({article.source.path}) was routed twice")
        seen[row] = True
        yield routed(article, plan.fate_at(row), stats)
    if not seen.all():
        missing = int(np.flatnonzero(~seen)[0])
        raise DedupError(
            f"{int((~seen).sum())} planned articles never came to be routed (first: record "
            f"{plan.keys[missing].decode()}); route every article that was fingerprinted"
        )


def route_share(
    articles: Sequence[Article],
    keys: Sequence[bytes],
    fates: Sequence[Fate],
    stats: Stats | None = None,
) -> Iterator[Article | Duplicate]:
    """``route`` for a stretch of the input whose fates come in its own order (``Plan.share``:
    a work unit's, routed in a worker): each article must carry the record key planned there."""
    if len(articles) != len(keys):
        raise DedupError(
            f"{len(articles)} articles came to be routed where the plan has {len(keys)}; "
            "route every article that was fingerprinted, once"
        )
    for article, key, fate in zip(articles, keys, fates, strict=True):
        if record_key(article) != key:
            raise DedupError(
                f"article {article.id} ({article.source.path}) is not the one planned at its "
                f"place (record {key.decode()})"
            )
        yield routed(article, fate, stats)


def routed(article: Article, fate: Fate, stats: Stats | None = None) -> Article | Duplicate:
    """The article as its fate makes it: a survivor (with its duplicate count) or a
    ``Duplicate`` record."""
    if isinstance(fate, Keep):
        if stats is not None:
            stats.count("dedup", "unique")
        if fate.duplicate_count:
            article = replace(
                article, duplicate_count=fate.duplicate_count, also_seen_at=fate.also_seen_at
            )
        return article
    if stats is not None:
        stats.count("dedup", fate.reason)
    return Duplicate(
        article=article,
        duplicate_of=fate.duplicate_of,
        cluster_id=fate.cluster_id,
        reason=fate.reason,
        similarity=fate.similarity,
    )
