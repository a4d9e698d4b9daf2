"""Work units: one batch of input records through the per-record stages, in a worker.

    read -> validate -> structure -> langid -> dedup fingerprints

A unit names its records by position (``cut``: runs of each file's records), and the worker
reads them itself (``sources.Span``, from a mark the survey noted), but for a file the driver
read (``Drive._parts``).

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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from corpus import dedup, langid, learned, report, runs, sources, structure, validate, versions
from corpus.config import Config
from corpus.manifest import Summary
from corpus.records import (
    Article,
    Duplicate,
    Issue,
    RawRecord,
    Rejected,
    article_from_row,
    to_table,
)
from corpus.shards import string_sizes
from corpus.stats import Stats
from corpus.survey import Survey
from corpus.versions.writer import SCHEMAS

#: A part of a unit's batch: records named by position, which the worker reads itself
#: (``sources.Span``), or records the driver read (``Drive._parts`` says which).
Part = sources.Span | tuple[RawRecord | Rejected, ...]
#: A work unit: its number and its batch's parts, in input order.
Job = tuple[int, tuple[Part, ...]]
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


def cut(expected: int, batch: int, items: Sequence[int]) -> Iterator[list[tuple[int, int, int]]]:
    """Each unit ``layout`` gives, as ``(file, first record, records)`` of each file it holds
    records of; ``items``: each file's records, in input order (they add up to ``expected``)."""
    n = first = 0  # the file the next unit starts in, and its record there
    for size in layout(expected, batch):
        cuts = []
        while size:
            while first == items[n]:  # that file is done (or holds nothing): the next one
                n, first = n + 1, 0
            take = min(size, items[n] - first)
            cuts.append((n, first, take))
            first, size = first + take, size - take
        yield cuts


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
    per_file: Counter[str] = dataclasses.field(default_factory=Counter)  # input path -> items


def process_unit(cfg: Config, survey: Survey, job: Job) -> UnitResult:
    """A work unit in a worker: its records read (those the driver did not send), then
    ``process_batch`` over them, the result packed as the run's log keeps it."""
    index, parts = job
    stats = Stats()
    started = time.process_time()
    batch = list(sources.counted(itertools.chain.from_iterable(_read(cfg, parts)), stats))
    read = time.process_time() - started
    result = process_batch(cfg, survey, batch, stats)
    result = dataclasses.replace(
        result,
        seconds={"read": read, **result.seconds},
        records={"read": len(batch), **result.records},
        per_file=Counter(
            item.source.path if isinstance(item, Rejected) else item.provenance.path
            for item in batch
        ),
    )
    return index, len(batch), _packed(result), False


def _read(cfg: Config, parts: tuple[Part, ...]) -> Iterator[Sequence[RawRecord | Rejected]]:
    """Each part's records: a span read here, or those the driver sent."""
    options = sources.ReadOptions.of(cfg)
    mapper = sources.ColumnMapper(options.column_map)
    for part in parts:
        yield sources.read_span(part, mapper, options) if isinstance(part, sources.Span) else part


def _packed(result: BatchResult) -> bytes:
    """A unit's result as the run's log keeps it (``_stored`` reads it back): the articles
    apart, as the data table's rows (what ``route_unit`` writes of most of them as they are),
    so the driver reads a unit's counts, rejects and fingerprints without them
    (``unpacked(articles=False)``); the rows made here, in parallel, not in the route."""
    rows = to_table(result.articles, SCHEMAS["data"])
    stored = (dataclasses.replace(result, articles=()), rows)
    return runs.pack(pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))


def warm_up(cfg: Config) -> None:
    """Load what the per-record stages load on first use (profiles, language models)."""
    structure.load_profiles()
    langid.identify("Pemerintah kota mengumumkan jadwal baru untuk warga.", cfg.language_seed)


def reused(run_log: runs.RunLog, cfg: Config, survey: Survey, job: Job) -> UnitResult:
    """A unit an interrupted run finished, from its log; computed again (here, in the driver)
    if its file is damaged."""
    index, parts = job
    try:
        size = sum(p.take if isinstance(p, sources.Span) else len(p) for p in parts)
        return index, size, run_log.load(index), True
    except runs.DamagedUnit:
        return process_unit(cfg, survey, job)


def unpacked(blob: bytes, *, articles: bool = True) -> BatchResult:
    """A unit's result from its stored bytes; ``articles=False`` leaves its articles out
    (``articles`` empty; ``fingerprints`` has one row per article): what the driver reads
    when no takedown needs checking."""
    result, rows = _stored(blob)
    if not articles:
        return result
    return dataclasses.replace(result, articles=tuple(map(article_from_row, rows.to_pylist())))


def _stored(blob: bytes) -> tuple[BatchResult, pa.Table]:
    """A unit's result (without its articles) and its articles' rows (``process_unit``)."""
    stored: tuple[BatchResult, pa.Table] = pickle.loads(runs.unpack(blob))
    return stored


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


def process_batch(
    cfg: Config, survey: Survey, batch: list[RawRecord | Rejected], stats: Stats | None = None
) -> BatchResult:
    """The per-record stages over one batch, each over the whole batch in turn (so each can be
    timed); the articles' dedup fingerprints are computed here too, per-article work better
    spread over the workers than left to the one process that plans dedup. ``stats``: what
    was counted of the batch before (its reading), counted on."""
    stats, clock = Stats() if stats is None else stats, _Clock()
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


def _saved(run_log: runs.RunLog, index: int) -> tuple[BatchResult, pa.Table]:
    from corpus.errors import VersionError

    try:
        return _stored(run_log.load(index))
    except runs.DamagedUnit as exc:  # saved intact by this run a moment ago: a disk fault
        raise VersionError(f"a unit of this run was damaged on disk: {exc}") from None


def texts_of(run_log: runs.RunLog, job: tuple[int, frozenset[bytes]]) -> list[tuple[bytes, str]]:
    """``(record key, text)`` of a unit's articles whose keys are asked for (by dedup's judge,
    for the exact measure of candidate pairs), read back from the run's log in a worker."""
    index, keys = job
    result, rows = _saved(run_log, index)
    found = [(n, key) for n, key in enumerate(result.fingerprints.keys.tolist()) if key in keys]
    texts = rows.column("text").take([n for n, _ in found]).to_pylist()
    return [(key, text) for (_, key), text in zip(found, texts, strict=True)]


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
    log) to data or duplicates by their fates, as table rows, so the driver only writes the
    tables (in unit order: the shards are the same with any number of workers)."""
    index, keys, fates = job
    result, rows = _saved(run_log, index)
    planned = result.fingerprints.keys
    if takedowns.ids:  # taken-down articles were left out of the plan (``Drive.run_units``)
        keep = [not takedowns.covers(a) for a in map(article_from_row, rows.to_pylist())]
        rows, planned = rows.filter(keep), planned[np.array(keep, dtype=bool)]
    if planned.tolist() != list(keys):
        raise dedup.DedupError(
            f"unit {index} holds {len(planned)} articles where the plan has {len(keys)}, or "
            "others: route every article that was fingerprinted, once, in its unit"
        )
    # a survivor with no copy is written as it is; the others are made articles and routed
    fated = {
        n: fate
        for n, fate in enumerate(fates)
        if not isinstance(fate, dedup.Keep) or fate.duplicate_count
    }
    stats, summary = Stats(), versions.SummaryBuilder()
    tables, _ = routed_rows(rows, fated, takedowns, (stats, summary))
    found = {name: (table, tuple(string_sizes(table))) for name, table in tables.items()}
    return Routed(found, stats.counts, summary.build())


def routed_rows(
    table: pa.Table,
    fates: Mapping[int, dedup.Fate],
    takedowns: versions.Takedowns,
    counted: tuple[Stats, versions.SummaryBuilder],
) -> tuple[dict[str, pa.Table], npt.NDArray[np.bool_]]:
    """Each article row of ``table`` to its table by its fate, and which rows survive. Rows
    without a fate (most: unique) stay in data as they are; only the rows with a fate are
    made articles again and routed (``dedup.routed``). Data is in row order, in one chunk."""
    stats, summary = counted
    survives = np.ones(table.num_rows, dtype=bool)
    fated = sorted(fates)
    survivors: list[Article] = []
    items: dict[str, list[Any]] = {"duplicates": [], "rejects": []}
    rows = table.take(np.array(fated, dtype=np.int64)).to_pylist()
    for n, row in zip(fated, rows, strict=True):
        item = dedup.routed(article_from_row(row), fates[n], stats)
        if isinstance(item, Duplicate):
            survives[n] = False
            if takedowns.covers_duplicate(item):
                # a copy of a taken-down article must not ship its text in duplicates/ either
                stats.count("removed", "copy_of_taken_down")
                items["rejects"].append(takedowns.reject(item.article))
            else:
                items["duplicates"].append(item)
        else:
            summary.add(item.language, item.publisher, item.published_at)
            survivors.append(item)
    unique = np.ones(table.num_rows, dtype=bool)
    unique[fated] = False
    if unique.any():
        stats.count("dedup", "unique", int(unique.sum()))
        kept = table.filter(unique).select(["language", "publisher", "published_at"])
        for language, publisher, published in zip(*kept.to_pydict().values(), strict=True):
            summary.add(language, publisher, published)
    data = _in_order(table, fated, survives, to_table(survivors, table.schema))
    tables = {"data": data} if data.num_rows else {}
    tables |= {k: to_table(v, SCHEMAS[k]) for k, v in items.items() if v}
    return tables, survives


def _in_order(
    table: pa.Table, fated: list[int], survives: npt.NDArray[np.bool_], routed: pa.Table
) -> pa.Table:
    """The data table: the unique rows as they are, each routed survivor (``routed``, in row
    order) in its row's place."""
    pieces, start, k = [], 0, 0
    for n in fated:
        pieces.append(table.slice(start, n - start))
        if survives[n]:
            pieces.append(routed.slice(k, 1))
            k += 1
        start = n + 1
    pieces.append(table.slice(start))
    # one chunk: the Parquet pages of a chunked column would be cut at its chunks
    return pa.concat_tables(pieces).combine_chunks()
