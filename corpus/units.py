"""Work units: one batch of input records through the per-record stages, in a worker.

    validate -> structure -> langid -> dedup fingerprints

A unit's result is pickled and packed in the worker (``process_unit``): the driver stores those
bytes as the unit's record for resuming (corpus/runs.py) and unpacks them. Each stage emits
its own rejects; they come back in input order, whichever stage rejected them.
"""

from __future__ import annotations

import pickle
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from corpus import dedup, langid, learned, report, runs, structure, validate
from corpus.config import Config
from corpus.records import Article, Issue, RawRecord, Rejected
from corpus.stats import Stats
from corpus.survey import Survey

#: A work unit: its number and its batch of input records.
Job = tuple[int, list[RawRecord | Rejected]]
#: A finished unit: number, input records, the packed pickled ``BatchResult`` (runs.pack), and
#: whether it was reused from an interrupted run's log.
UnitResult = tuple[int, int, bytes, bool]


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
    packed = runs.pack(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
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


def unpacked(blob: bytes) -> BatchResult:
    """A unit's result from its stored bytes."""
    result: BatchResult = pickle.loads(runs.unpack(blob))
    return result


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


def articles_of(run_log: runs.RunLog, units: int) -> Iterator[Article]:
    """The articles of a run's first ``units`` units, in order, read back from its log."""
    from corpus.errors import VersionError

    for index in range(units):
        try:
            result = unpacked(run_log.load(index))
        except runs.DamagedUnit as exc:  # saved intact by this run a moment ago: a disk fault
            raise VersionError(f"a unit of this run was damaged on disk: {exc}") from None
        yield from result.articles
