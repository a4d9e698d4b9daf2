"""Work units: one batch of input records through the per-record stages, in a worker.

    validate -> structure -> langid -> dedup fingerprints

A unit's result is pickled and packed in the worker (``process_unit``): the driver stores those
bytes as the unit's record for resuming (corpus/runs.py) and unpacks them. Each stage emits
its own rejects; they come back in input order, whichever stage rejected them.

Once dedup has planned, the same workers read the units back: the texts of candidate pairs
(``texts_of``), and each unit's articles routed to their tables (``route_unit``).
"""

from __future__ import annotations

import dataclasses
import itertools
import pickle
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from corpus import dedup, langid, learned, report, runs, structure, validate, versions
from corpus.config import Config
from corpus.manifest import Summary
from corpus.records import Article, Duplicate, Issue, RawRecord, Rejected, to_table
from corpus.shards import string_sizes
from corpus.stats import Stats
from corpus.survey import Survey
from corpus.versions.writer import SCHEMAS

#: A work unit: its number and its batch of input records.
Job = tuple[int, list[RawRecord | Rejected]]
#: A finished unit: number, input records, the packed pickled ``BatchResult`` (runs.pack), and
#: whether it was reused from an interrupted run's log.
UnitResult = tuple[int, int, bytes, bool]
#: Records of the smallest unit ``layout`` cuts (a unit costs ~10 ms besides its records).
_SMALLEST = 50


def layout(expected: int, batch: int) -> list[int]:
    """The sizes of the units for ``expected`` records (the survey's count): ``batch`` each but
    the first (the remainder) and the last two batches' worth, cut in pairs of halves,
    quarters, eighths and sixteenths (none under ``_SMALLEST``). The units end when the last
    one started does: equal units left one worker idle for up to a unit (~1 s of a core at
    the default size), shrinking ones let the workers finish together. A function of the
    input alone (not of the workers), so an interrupted run resumes onto the same units."""
    tail = [n for part in (16, 8, 4, 2) if (n := batch // part) >= _SMALLEST for _ in range(2)]
    sizes: list[int] = []
    left = expected
    for n in itertools.chain(tail, itertools.repeat(batch)):
        if left <= 0:
            break
        sizes.append(min(n, left))
        left -= sizes[-1]
    return sizes[::-1]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What the per-record stages make of one batch (a work unit), in a worker."""

    rejected: tuple[Rejected, ...]  # in input order
    articles: tuple[Article, ...]  # in input order
    counts: Counter[tuple[str, str]]  # stage counts, merged by the driver
    fingerprints: dedup.Fingerprints  # dedup's fingerprints of ``articles``, same order
    seconds: dict[str, float]  # CPU seconds per stage (report.WORKER_STAGES)
    records: dict[str, int]  # records into each stage
    peak_rss: int  # the worker's peak RSS so far, bytes


def process_unit(cfg: Config, survey: Survey, job: Job) -> UnitResult:
    """A work unit in a worker: ``process_batch`` over its batch, the result pickled and packed."""
    index, batch = job
    result = process_batch(cfg, survey, batch)
    # the articles pickled apart: the driver reads a unit's counts, rejects and fingerprints
    # without unpickling its articles (``unpacked(articles=False)``; ~9 ms per 1,000 articles)
    articles = pickle.dumps(result.articles, protocol=pickle.HIGHEST_PROTOCOL)
    stored = (dataclasses.replace(result, articles=()), articles)
    packed = runs.pack(pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))
    return index, len(batch), packed, False


def warm_up(cfg: Config) -> None:
    """Load what the per-record stages load on first use (profiles, language models)."""
    structure.load_profiles()
    langid.identify("Pemerintah kota mengumumkan jadwal baru untuk warga.", cfg.language_seed)


def reused(run_log: runs.RunLog, cfg: Config, survey: Survey, job: Job) -> UnitResult:
    """A unit an interrupted run finished, from its log; computed again (here, in the driver)
    if its file is damaged."""
    index, batch = job
    try:
        return index, len(batch), run_log.load(index), True
    except runs.DamagedUnit:
        return process_unit(cfg, survey, job)


def unpacked(blob: bytes, *, articles: bool = True) -> BatchResult:
    """A unit's result from its stored bytes; ``articles=False`` leaves its articles pickled
    (``articles`` empty; ``fingerprints`` has one row per article): what the driver reads
    when no takedown needs checking."""
    stored: tuple[BatchResult, bytes] = pickle.loads(runs.unpack(blob))
    result, pickled = stored
    return dataclasses.replace(result, articles=pickle.loads(pickled)) if articles else result


class _Clock:
    """CPU seconds and records per stage of one batch."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.records: dict[str, int] = {}
        self._since = time.process_time()

    def lap(self, stage: str, n: int) -> None:
        now = time.process_time()
        self.seconds[stage], self.records[stage] = now - self._since, n
        self._since = now


def process_batch(cfg: Config, survey: Survey, batch: list[RawRecord | Rejected]) -> BatchResult:
    """The per-record stages over one batch, each over the whole batch in turn (so each can be
    timed); the articles' dedup fingerprints are computed here too, per-article work better
    spread over the workers than left to the one process that plans dedup."""
    stats, clock = Stats(), _Clock()
    rejected: list[tuple[int, Rejected]] = []  # (position in the batch, reject)

    valid: list[tuple[int, RawRecord]] = []
    for position, item in enumerate(validate.run(batch, cfg, stats)):
        if isinstance(item, Rejected):
            rejected.append((position, item))
        else:
            valid.append((position, item))
    clock.lap("validate", len(batch))

    structured: list[tuple[int, RawRecord, Article]] = []
    hints = survey.hints()
    outcomes = structure.run_with_rejects((r for _, r in valid), stats, cfg, hints)
    for (position, record), outcome in zip(valid, outcomes, strict=True):
        if isinstance(outcome, Rejected):
            rejected.append((position, outcome))
            continue
        article = learned.apply(outcome, survey.boilerplate, stats)
        if article.text.strip():
            structured.append((position, record, article))
        else:  # nothing but what the publisher prints around every story
            stats.count("learned", "empty_body")
            rejected.append((position, empty_body(article, record)))
    clock.lap("structure", len(valid))

    kept: list[Article] = []
    identified = langid.run((a for _, _, a in structured), cfg, stats)
    for (position, record, _), article in zip(structured, identified, strict=True):
        if langid.on_target(article, cfg.languages):
            kept.append(article)
            continue
        stats.count("langid", "other_language")
        if cfg.other_languages == "keep":
            kept.append(article)
        else:
            rejected.append((position, other_language(article, record, cfg)))
    clock.lap("langid", len(structured))

    fingerprints = dedup.Fingerprints.of(kept, cfg.dedup_ngram)
    clock.lap("fingerprints", len(kept))
    rejected.sort(key=lambda pair: pair[0])
    return BatchResult(
        rejected=tuple(r for _, r in rejected),
        articles=tuple(kept),
        counts=stats.counts,
        fingerprints=fingerprints,
        seconds=clock.seconds,
        records=clock.records,
        peak_rss=report.peak_rss(),
    )


def empty_body(article: Article, record: RawRecord) -> Rejected:
    """The reject for an article that learned boilerplate left with no body: raw text kept."""
    return Rejected(
        id=article.id,
        stage="structure",
        reason="empty_body",
        issues=(
            Issue(
                "/text",
                "no body text is left after removing the publisher's learned boilerplate",
                "empty_body",
            ),
        ),
        raw=record.raw,
        source=record.provenance,
    )


def other_language(article: Article, record: RawRecord, cfg: Config) -> Rejected:
    """The reject for an article outside ``cfg.languages``: its raw text is kept."""
    message = (
        f"language {article.language!r} (score {article.language_score}) is not a target "
        f"language ({', '.join(cfg.languages)}); keep it with --other-languages keep"
    )
    return Rejected(
        id=article.id,
        stage="language",
        reason="language",
        issues=(Issue("/text", message, "language"),),
        raw=record.raw,
        source=record.provenance,
    )


def _saved(run_log: runs.RunLog, index: int) -> BatchResult:
    from corpus.errors import VersionError

    try:
        return unpacked(run_log.load(index))
    except runs.DamagedUnit as exc:  # saved intact by this run a moment ago: a disk fault
        raise VersionError(f"a unit of this run was damaged on disk: {exc}") from None


def texts_of(run_log: runs.RunLog, job: tuple[int, frozenset[bytes]]) -> list[tuple[bytes, str]]:
    """``(record key, text)`` of a unit's articles whose keys are asked for (by dedup's judge,
    for the exact measure of candidate pairs), read back from the run's log in a worker."""
    index, keys = job
    found = ((dedup.record_key(a), a.text) for a in _saved(run_log, index).articles)
    return [(key, text) for key, text in found if key in keys]


# --------------------------------------------------------------------------- phase two

#: A unit's share of dedup's plan (``Plan.share``): its number, and the record keys and
#: fates of its articles that were not taken down, in order.
RouteJob = tuple[int, tuple[bytes, ...], tuple[dedup.Fate, ...]]


@dataclass(frozen=True, slots=True)
class Routed:
    """A unit's rows for each table it adds to (with each row's ``string_bytes``, the shard
    writer's measure), what routing counted, and the summary of its data rows."""

    tables: dict[str, tuple[pa.Table, tuple[int, ...]]]
    counts: Counter[tuple[str, str]]
    summary: Summary


def route_unit(run_log: runs.RunLog, takedowns: versions.Takedowns, job: RouteJob) -> Routed:
    """Dedup's phase two for one unit, in a worker: its articles (read back from the run's
    log) to data or duplicates by their fates, made into table rows there, so the driver only
    writes the tables (in unit order: the shards are the same with any number of workers)."""
    index, keys, fates = job
    articles = [a for a in _saved(run_log, index).articles if not takedowns.covers(a)]
    stats, summary = Stats(), versions.SummaryBuilder()
    items: dict[str, list[Any]] = {"data": [], "duplicates": [], "rejects": []}
    for item in dedup.route_share(articles, keys, fates, stats):
        if isinstance(item, Duplicate) and takedowns.covers_duplicate(item):
            # a copy of a taken-down article must not ship its text in duplicates/ either
            stats.count("removed", "copy_of_taken_down")
            items["rejects"].append(takedowns.reject(item.article))
        elif isinstance(item, Duplicate):
            items["duplicates"].append(item)
        else:
            summary.add(item.language, item.publisher, item.published_at)
            items["data"].append(item)
    tables = {}
    for table, found in items.items():
        if found:
            rows = to_table(found, SCHEMAS[table])
            tables[table] = (rows, tuple(string_sizes(rows)))
    return Routed(tables, stats.counts, summary.build())
