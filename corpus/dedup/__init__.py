"""Deduplication: exact copies, re-scraped URLs and revisions, MinHash-LSH near-duplicates.

Two pure phases joined by record key (the id plus the raw record it came from):

    fps = Fingerprints.of(articles, ngram)               # per batch, in the workers
    p = plan(fps, index, DedupSettings.of(cfg), texts)   # every fate; reads only the texts
                                                         # of candidate pairs, via ``texts``
    for item in route(articles, p, stats): ...           # Article | Duplicate, by key
    index.add(fps, p.kept()); index.save(folder, ngram)  # the next version's index

``run`` does all of it in memory (tests, evaluations). Modules: ``minhash`` (shingles,
signatures, bands), ``urls``, ``fingerprints``, ``candidates`` (LSH pairs per band),
``verify`` (exact shingle sets), ``clusters``, ``plan``, ``route``, ``index``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path

import pyarrow.compute as pc

from corpus import storage
from corpus.config import Config
from corpus.dedup.fingerprints import (
    Fingerprints,
    FingerprintStore,
    concat,
    record_key,
)
from corpus.dedup.index import INDEX_FILE, SIGNATURES_FILE, DedupIndex, index_files
from corpus.dedup.judge import Judge, LocalJudge, Texts
from corpus.dedup.minhash import (
    BANDS,
    NUM_PERM,
    ROWS,
    body_hash,
    compact,
    jaccard,
    lsh_params,
    normalize,
    shingle_set,
    shingles,
    signatures,
)
from corpus.dedup.plan import (
    REASONS,
    DedupSettings,
    DuplicateOf,
    Fate,
    Keep,
    Plan,
    plan,
)
from corpus.dedup.route import route, route_share, routed
from corpus.dedup.urls import normalize_url, url_hash
from corpus.dedup.verify import DedupError
from corpus.records import Article, Duplicate
from corpus.stats import Stats


def published_texts(shards: Sequence[storage.Source]) -> Texts:
    """A ``Texts.published`` reader over Parquet shards with ``id`` and ``text`` columns
    (a version's ``data/``); only the rows asked for are kept."""

    def read(ids: Collection[str]) -> Iterable[tuple[str, str]]:
        wanted = list(ids)
        for path in shards:
            table = storage.read_table(path, columns=["id", "text"])
            table = table.filter(pc.is_in(table.column("id"), value_set=pc.cast(wanted, "string")))
            yield from zip(
                table.column("id").to_pylist(), table.column("text").to_pylist(), strict=True
            )

    return Texts(run=lambda: (), published=read)


def run(
    articles: Iterable[Article],
    cfg: Config,
    stats: Stats,
    index: DedupIndex | None = None,
    published: Sequence[Path] = (),
) -> Iterator[Article | Duplicate]:
    """Both phases over articles held in memory; this run's survivors are added to ``index``.
    ``published``: the data shards of the versions ``index`` describes (their texts)."""
    items = list(articles)
    index = index if index is not None else DedupIndex()
    fps = Fingerprints.of(items, cfg.dedup_ngram)
    texts = Texts(run=lambda: items, published=published_texts(published).published)
    the_plan = plan(fps, index, DedupSettings.of(cfg), texts)
    index.add(fps, the_plan.kept())
    return route(items, the_plan, stats)


__all__ = [
    "BANDS",
    "INDEX_FILE",
    "NUM_PERM",
    "REASONS",
    "ROWS",
    "SIGNATURES_FILE",
    "DedupError",
    "DedupIndex",
    "DedupSettings",
    "DuplicateOf",
    "Fate",
    "FingerprintStore",
    "Fingerprints",
    "Judge",
    "Keep",
    "LocalJudge",
    "Plan",
    "Texts",
    "body_hash",
    "compact",
    "concat",
    "index_files",
    "jaccard",
    "lsh_params",
    "normalize",
    "normalize_url",
    "plan",
    "published_texts",
    "record_key",
    "route",
    "route_share",
    "routed",
    "run",
    "shingle_set",
    "shingles",
    "signatures",
    "url_hash",
]
