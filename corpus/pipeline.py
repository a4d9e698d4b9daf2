"""The ingest pipeline: chains the stages and drains them into a new version folder.

    read -> validate -> structure -> langid -> dedup -> write (data | duplicates | rejects)

Stages are generators; the only global step (dedup) spools to disk between its two passes, so
memory is bounded by batch size plus the dedup index, not by corpus size.
"""

from __future__ import annotations

import functools
import logging
import pickle
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corpus import (
    __version__,
    card,
    dedup,
    executor,
    langid,
    report,
    runs,
    sources,
    structure,
    validate,
    versions,
)
from corpus.config import Config
from corpus.errors import ConservationError, InputError, VersionError
from corpus.records import (
    ARTICLE_SCHEMA,
    DUPLICATE_SCHEMA,
    REJECTED_SCHEMA,
    Article,
    Duplicate,
    Issue,
    RawRecord,
    Rejected,
    schema_fingerprint,
    to_row,
)
from corpus.shards import ShardWriter, file_sha256
from corpus.stats import Stats

log = logging.getLogger(__name__)

#: ``progress(stage, done, total)``: records read ("read"), through the per-record stages
#: ("process"), articles deduplicated ("dedup": 0 when planning starts, all when done) and
#: routed to their table ("write"). ``total`` is None until it is known.
Progress = Callable[[str, int, int | None], None]
_PROGRESS_EVERY = 256


def summarize(data_shards: Sequence[Path]) -> dict[str, Any]:
    """The manifest's ``summary`` (languages, publishers, date range) of some data shards."""
    import pyarrow.parquet as pq

    summary = _Summary()
    for shard in data_shards:
        table = pq.read_table(shard, columns=["language", "publisher", "published_at"])
        for row in table.to_pylist():
            summary.add_values(row["language"], row["publisher"], row["published_at"])
    return summary.as_dict()


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What the per-record stages make of one batch (a work unit), in a worker."""

    rejected: tuple[Rejected, ...]  # in input order
    articles: tuple[Article, ...]  # in input order
    counts: Counter[tuple[str, str]]  # stage counts, merged by the driver
    signatures: Any  # MinHash signatures of ``articles`` (uint32, one row each)
    sizes: Any  # their shingle counts
    exact: Any  # their exact-body hashes (uint64)
    seconds: dict[str, float]  # CPU seconds per stage (report.WORKER_STAGES)
    records: dict[str, int]  # records into each stage
    peak_rss: int  # the worker's peak RSS so far, bytes


#: A work unit: its number and its batch of input records.
Job = tuple[int, list[RawRecord | Rejected]]
#: A finished unit: number, input records, the packed pickled ``BatchResult`` (runs.pack),
#: and whether it was reused from an interrupted run's log.
UnitResult = tuple[int, int, bytes, bool]


@dataclass(slots=True)
class _Flow:
    """Records through the driver so far, for progress and the report."""

    read: int = 0
    read_seconds: float = 0.0  # spent inside the readers
    all_read: bool = False
    processed: int = 0  # input records whose unit is done
    articles: int = 0  # articles handed to dedup
    units: int = 0  # work units done (or reused)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What an ingest produced: the new version and its counts."""

    version_dir: Path
    version: str
    counts: dict[str, int]
    languages: dict[str, int]
    skipped: list[sources.Skipped]
    seconds: float
    created: bool = True  # False when every input was already in the latest version
    totals: dict[str, int] = field(default_factory=dict)  # the version's counts, all ingests
    units: int = 0  # work units of this ingest
    units_reused: int = 0  # of which an interrupted run had finished


@dataclass(slots=True)
class _Summary:
    """Per-table facts gathered while writing, for the manifest and the card."""

    languages: Counter[str] = field(default_factory=Counter)
    publishers: Counter[str] = field(default_factory=Counter)
    published_min: tuple[float, str] | None = None
    published_max: tuple[float, str] | None = None
    published_missing: int = 0

    def add(self, article: Article) -> None:
        self.add_values(article.language, article.publisher, article.published_at)

    def add_values(
        self, language: str | None, publisher: str | None, published_at: str | None
    ) -> None:
        self.languages[language or "unknown"] += 1
        self.publishers[publisher or "unknown"] += 1
        if not published_at:
            self.published_missing += 1
            return
        key = (dedup.published_timestamp(published_at), published_at)
        if self.published_min is None or key < self.published_min:
            self.published_min = key
        if self.published_max is None or key > self.published_max:
            self.published_max = key

    def absorb(self, earlier: dict[str, Any]) -> None:
        """Add an earlier version's summary (its rows are carried into this version)."""
        self.languages.update(earlier.get("languages", {}))
        self.publishers.update(earlier.get("publishers", {}))
        self.published_missing += earlier.get("published_missing", 0)
        for bound in (earlier.get("published_min"), earlier.get("published_max")):
            if bound:
                key = (dedup.published_timestamp(bound), bound)
                if self.published_min is None or key < self.published_min:
                    self.published_min = key
                if self.published_max is None or key > self.published_max:
                    self.published_max = key

    def as_dict(self) -> dict[str, Any]:
        return {
            "languages": dict(sorted(self.languages.items())),
            "publishers": dict(sorted(self.publishers.items())),
            "published_min": self.published_min[1] if self.published_min else None,
            "published_max": self.published_max[1] if self.published_max else None,
            "published_missing": self.published_missing,
        }


def ingest(
    paths: Sequence[Path],
    cfg: Config,
    *,
    created_at: datetime | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Read raw files under ``paths`` and write the next version of ``cfg.dataset``.

    When the dataset has versions (and ``cfg.rebuild`` is off), the new version is the latest
    one plus what the raw files it has not read yet (by sha256) bring: its shards are shared,
    new articles are deduplicated against everything published through its dedup index, and
    articles taken down stay out. With no new file, no version is made (``created`` is False).
    The per-record stages run in work units on ``cfg.executor``; a rerun of an interrupted
    ingest reuses the units it finished (corpus/runs.py). The version appears only when
    complete, with ``report.json`` beside its manifest (corpus/report.py);
    ``read == accepted + duplicates + rejected`` is checked for this ingest before it does
    (``ConservationError`` otherwise).
    """
    times = report.RunTimes()
    started = times.started
    files, skipped = sources.discover(paths)
    if not files:
        where = ", ".join(str(p) for p in paths)
        raise InputError(
            f"no readable files under {where} (supported: {', '.join(sorted(sources.FORMATS))}, optionally .gz)"
        )
    for s in skipped:
        log.warning("skipping %s: %s", s.relpath, s.reason)
    dataset_dir = cfg.out / cfg.dataset
    previous = versions.previous_for_ingest(dataset_dir, cfg.fingerprint, rebuild=cfg.rebuild)
    hashes = {f.relpath: f.sha256() for f in files}
    if previous is not None:
        seen = previous.input_hashes
        files = [f for f in files if hashes[f.relpath] not in seen]
        if not files:
            runs.sweep(dataset_dir)  # what an interrupted run left is of no use any more
            return IngestResult(
                version_dir=previous.version_dir,
                version=previous.version,
                counts={"read": 0, "accepted": 0, "duplicates": 0, "rejected": 0},
                languages={},
                skipped=skipped,
                seconds=time.perf_counter() - started,
                created=False,
                totals=dict(previous.manifest["counts"]),
            )
    version = versions.next_version(dataset_dir, cfg.version, cfg.bump)
    # The latest version's removals bind every later version, rebuilt or not.
    latest = previous.manifest if previous else versions.latest_manifest(dataset_dir)
    takedowns = Takedowns.of(latest.get("removals", []) if latest else [])
    run_log = runs.RunLog.open(
        dataset_dir,
        runs.run_key(
            config=cfg.fingerprint,
            version=str(version),
            parent=str(latest["version"]) if latest else None,
            batch_size=cfg.batch_size,
            inputs=[[f.relpath, hashes[f.relpath]] for f in files],
        ),
    )
    finished_units = run_log.finished()
    workers = cfg.workers or executor.default_workers()
    stats = Stats()
    per_file: Counter[str] = Counter()
    summary = _Summary()
    tell = progress or (lambda stage, done, total: None)
    flow = _Flow()
    times.lap("setup")

    with versions.building(dataset_dir, version) as tmp:
        rejects = ShardWriter(tmp, "rejects", REJECTED_SCHEMA, cfg)
        data = ShardWriter(tmp, "data", ARTICLE_SCHEMA, cfg)
        duplicates = ShardWriter(tmp, "duplicates", DUPLICATE_SCHEMA, cfg)

        def read() -> Iterator[RawRecord | Rejected]:
            items = iter(sources.run(files, cfg, stats))
            while True:
                clock = time.perf_counter()
                item = next(items, None)
                flow.read_seconds += time.perf_counter() - clock
                if item is None:
                    break
                flow.read += 1
                per_file[
                    item.source.path if isinstance(item, Rejected) else item.provenance.path
                ] += 1
                if flow.read % _PROGRESS_EVERY == 0:
                    tell("read", flow.read, None)
                yield item
            flow.all_read = True
            tell("read", flow.read, flow.read)

        def jobs() -> Iterator[Job | executor.Done[UnitResult]]:
            for index, batch in enumerate(executor.batched(read(), cfg.batch_size)):
                if index in finished_units:  # done by an interrupted run of this command
                    yield executor.Done(functools.partial(_reused, run_log, cfg, (index, batch)))
                else:
                    yield index, batch

        def processed() -> Iterator[Article]:
            units = executor.map_ordered(
                functools.partial(process_unit, cfg),
                jobs(),
                executor=cfg.executor,
                workers=workers,
                address=cfg.address,
                warm_up=functools.partial(warm_up, cfg),
            )
            for index, size, blob, reused in units:
                if not reused:
                    run_log.save(index, blob)
                result = _unpacked(blob)
                times.add_unit(result.seconds, result.records, result.peak_rss, reused)
                stats.merge(result.counts)
                for article, sig, n, exact in zip(
                    result.articles, result.signatures, result.sizes, result.exact, strict=True
                ):
                    known[article.id] = (sig, int(n), int(exact))
                for item in result.rejected:
                    rejects.write(to_row(item))
                for article in result.articles:
                    if takedowns.covers(article):
                        stats.count("removed", "taken_down")
                        rejects.write(to_row(takedowns.reject(article)))
                    else:
                        flow.articles += 1
                        yield article
                flow.processed += size
                flow.units += 1
                tell("process", flow.processed, flow.read if flow.all_read else None)
            times.lap("units")
            tell("process", flow.processed, flow.processed)
            tell("dedup", 0, flow.articles)

        def spool(articles: Iterable[Article]) -> Iterator[Article]:
            """Dedup's spool between its two passes: the run's units are on disk already, so
            pass two reads them back rather than writing every article a second time."""
            for _ in articles:  # pass one: dedup fingerprints them as they go by
                pass
            return _unit_articles(run_log, flow.units, takedowns)

        index = _dedup_index(previous) if previous is not None else dedup.DedupIndex()
        known: dedup.Known = {}  # fingerprints from the workers, until dedup uses them
        routed = dedup.run(processed(), cfg, stats, spool, index=index, known=known)
        for done, item in enumerate(routed, start=1):
            if done == 1:  # the plan is made: every article's fate is known
                times.lap("dedup")
                tell("dedup", flow.articles, flow.articles)
            if isinstance(item, Duplicate) and takedowns.covers_duplicate(item):
                # a copy of a taken-down article must not ship its text in duplicates/ either
                stats.count("removed", "copy_of_taken_down")
                rejects.write(to_row(takedowns.reject(item.article)))
            elif isinstance(item, Duplicate):
                duplicates.write(to_row(item))
            else:
                data.write(to_row(item))
                summary.add(item)
            if done % _PROGRESS_EVERY == 0 or done == flow.articles:
                tell("write", done, flow.articles)
        if not flow.articles:
            times.lap("dedup")

        counts = {
            "read": stats.get("read", "records"),
            "accepted": data.total_rows,
            "duplicates": duplicates.total_rows,
            "rejected": rejects.total_rows,
        }
        if counts["read"] != counts["accepted"] + counts["duplicates"] + counts["rejected"]:
            raise ConservationError(
                f"read {counts['read']} != accepted {counts['accepted']} + duplicates "
                f"{counts['duplicates']} + rejected {counts['rejected']}; no version was written"
            )
        shards = {
            "data": data.close(previous.carried("data") if previous else ()),
            "duplicates": duplicates.close(previous.carried("duplicates") if previous else ()),
            "rejects": rejects.close(previous.carried("rejects") if previous else ()),
        }
        times.lap("write")
        index_files = index.save(tmp / "dedup", cfg.dedup_ngram)
        inputs = [
            {
                "path": f.relpath,
                "format": f.format,
                "sha256": hashes[f.relpath],
                "records": per_file[f.relpath],
            }
            for f in files
        ]
        totals = dict(counts)
        history = {"removals": latest["removals"]} if latest and latest.get("removals") else {}
        if previous is not None:
            earlier = previous.manifest
            for key, value in earlier["counts"].items():
                totals[key] = totals.get(key, 0) + value
            summary.absorb(earlier.get("summary", {}))
            inputs = [*earlier.get("inputs", []), *inputs]

        manifest = {
            "dataset": cfg.dataset,
            "version": str(version),
            "parent": str(latest["version"]) if latest else None,
            "created_at": (created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
            "code_version": __version__,
            "config_hash": cfg.fingerprint,
            "config": {
                k: v
                for k, v in cfg.public().items()
                if k not in {"out", "version", "workers", "rebuild", "bump", "executor", "address"}
            },
            "build": "incremental" if previous else "full",
            "counts": totals,
            "ingest_counts": counts,
            "conservation": "read == accepted + duplicates + rejected"
            + (" + removed" if totals.get("removed") else ""),
            "stages": stats.as_dict(),
            "summary": summary.as_dict(),
            "inputs": inputs,
            "skipped": [{"path": s.relpath, "reason": s.reason} for s in skipped],
            "shards": {name: [_shard_dict(s) for s in infos] for name, infos in shards.items()},
            "dedup_index": {
                "rows": len(index),
                "files": [
                    {
                        "path": f.relative_to(tmp).as_posix(),
                        "bytes": f.stat().st_size,
                        "sha256": file_sha256(f),
                    }
                    for f in index_files
                ],
            },
            "schema_fingerprint": {
                "data": schema_fingerprint(ARTICLE_SCHEMA),
                "duplicates": schema_fingerprint(DUPLICATE_SCHEMA),
                "rejects": schema_fingerprint(REJECTED_SCHEMA),
            },
            **history,
        }
        versions.write_json(tmp / versions.MANIFEST, manifest)
        load_path = (dataset_dir / version.dirname).as_posix()
        (tmp / "README.md").write_text(card.render(manifest, load_path), encoding="utf-8")
        times.lap("finish")
        # Not listed in the manifest and never published: it describes this run on this machine.
        versions.write_json(
            tmp / report.REPORT,
            report.build(
                times,
                version=str(version),
                executor=cfg.executor,
                workers=workers,
                counts=counts,
                stages=stats.as_dict(),
                read_seconds=flow.read_seconds,
            ),
        )
    run_log.close()

    return IngestResult(
        version_dir=dataset_dir / version.dirname,
        version=str(version),
        counts=counts,
        languages=dict(summary.languages.most_common()),
        skipped=skipped,
        seconds=time.perf_counter() - started,
        created=True,
        totals=totals,
        units=times.units,
        units_reused=times.units_reused,
    )


def process_unit(cfg: Config, job: Job) -> UnitResult:
    """A work unit in a worker: ``process_batch`` over its batch, the result pickled and packed
    (the driver stores these bytes as the unit's record for resuming, then unpacks them)."""
    index, batch = job
    result = process_batch(cfg, batch)
    packed = runs.pack(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return index, len(batch), packed, False


def warm_up(cfg: Config) -> None:
    """Load what the per-record stages load on first use (profiles, language models)."""
    structure.load_profiles()
    langid.identify("Pemerintah kota mengumumkan jadwal baru untuk warga.", cfg.language_seed)


def _reused(run_log: runs.RunLog, cfg: Config, job: Job) -> UnitResult:
    """A unit an interrupted run finished, from its log; computed again (here, in the driver)
    if its file is damaged."""
    index, batch = job
    try:
        return index, len(batch), run_log.load(index), True
    except runs.DamagedUnit as exc:
        log.warning("computing unit %d again: %s", index, exc)
        return process_unit(cfg, job)


def _unpacked(blob: bytes) -> BatchResult:
    result: BatchResult = pickle.loads(runs.unpack(blob))
    return result


def _unit_articles(run_log: runs.RunLog, units: int, takedowns: Takedowns) -> Iterator[Article]:
    """The articles of the run's units, in order, as the driver passed them on to dedup."""
    for index in range(units):
        try:
            result = _unpacked(run_log.load(index))
        except runs.DamagedUnit as exc:  # saved intact by this run a moment ago: a disk fault
            raise VersionError(f"a unit of this run was damaged on disk: {exc}") from None
        yield from (a for a in result.articles if not takedowns.covers(a))


def process_batch(cfg: Config, batch: list[RawRecord | Rejected]) -> BatchResult:
    """The per-record stages over one batch: validate -> structure -> langid (+ the articles'
    dedup fingerprints, per-article work better spread over the workers than left to the
    single process that runs the global dedup step).

    Each stage runs over the whole batch in turn, so each can be timed; rejects come back in
    input order, whichever stage rejected them.
    """
    stats = Stats()
    seconds: dict[str, float] = {}
    records_in: dict[str, int] = {}
    rejected: list[tuple[int, Rejected]] = []  # (position in the batch, reject)

    clock = time.process_time()
    valid: list[tuple[int, RawRecord]] = []
    for position, item in enumerate(validate.run(batch, cfg, stats)):
        if isinstance(item, Rejected):
            rejected.append((position, item))
        else:
            valid.append((position, item))
    clock = _timed("validate", len(batch), clock, seconds, records_in)

    structured: list[tuple[int, RawRecord, Article]] = []
    for (position, record), outcome in zip(
        valid, structure.run_with_rejects((r for _, r in valid), stats, cfg), strict=True
    ):
        if isinstance(outcome, Rejected):
            rejected.append((position, outcome))
        else:
            structured.append((position, record, outcome))
    clock = _timed("structure", len(valid), clock, seconds, records_in)

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
            rejected.append((position, _other_language(article, record, cfg)))
    clock = _timed("langid", len(structured), clock, seconds, records_in)

    sigs, sizes, exact = dedup.fingerprints([a.text for a in kept], cfg.dedup_ngram)
    _timed("fingerprints", len(kept), clock, seconds, records_in)
    rejected.sort(key=lambda pair: pair[0])
    return BatchResult(
        rejected=tuple(r for _, r in rejected),
        articles=tuple(kept),
        counts=stats.counts,
        signatures=sigs,
        sizes=sizes,
        exact=exact,
        seconds=seconds,
        records=records_in,
        peak_rss=report.peak_rss(),
    )


def _timed(
    stage: str, n: int, since: float, seconds: dict[str, float], records: dict[str, int]
) -> float:
    now = time.process_time()
    seconds[stage], records[stage] = now - since, n
    return now


def _other_language(article: Article, record: RawRecord, cfg: Config) -> Rejected:
    """The reject for an article outside ``cfg.languages``: its raw text is kept."""
    return Rejected(
        id=article.id,
        stage="language",
        reason="language",
        issues=(
            Issue(
                "/text",
                f"language {article.language!r} (score {article.language_score}) is not a "
                f"target language ({', '.join(cfg.languages)}); keep it with "
                "--other-languages keep",
                "language",
            ),
        ),
        raw=record.raw,
        source=record.provenance,
    )


@dataclass(frozen=True, slots=True)
class Takedowns:
    """Articles removed on request from an earlier version: they, and copies of them, stay out
    of every later version, rebuilt or not."""

    ids: frozenset[str]
    url_hashes: frozenset[int]  # normalized URLs (scheme, www., tracking parameters ignored)

    @classmethod
    def of(cls, removals: list[dict[str, Any]]) -> Takedowns:
        """From a manifest's ``removals``."""
        return cls(
            frozenset(r["id"] for r in removals),
            frozenset(h for r in removals if (h := dedup.url_hash(r.get("url")))),
        )

    def covers(self, article: Article) -> bool:
        """Whether the article is one that was taken down (same id or same normalized URL)."""
        return bool(self.ids) and (
            article.id in self.ids or dedup.url_hash(article.url) in self.url_hashes
        )

    def covers_duplicate(self, duplicate: Duplicate) -> bool:
        """Whether a duplicate is a copy of a taken-down article."""
        return bool(self.ids) and (
            duplicate.duplicate_of in self.ids or duplicate.cluster_id in self.ids
        )

    def reject(self, article: Article) -> Rejected:
        """The reject row for it: provenance and id, but not its text."""
        message = "this article (or what it copies) was taken down; see removals in manifest.json"
        return Rejected(
            id=article.id,
            stage="removed",
            reason="taken_down",
            issues=(Issue("", message, "taken_down"),),
            raw="",  # a takedown means the text must not be redistributed, not even among rejects
            source=article.source,
        )


def _dedup_index(previous: versions.Previous) -> dedup.DedupIndex:
    """The dedup index of everything published up to ``previous`` (cumulative)."""
    folder = previous.version_dir / "dedup"
    if (folder / dedup.INDEX_FILE).is_file():
        return dedup.DedupIndex.load(folder)
    raise VersionError(
        f"{previous.version_dir} has no dedup index, so new articles cannot be checked against it: "
        "rerun with --rebuild"
    )


def _shard_dict(info: Any) -> dict[str, Any]:
    entry = {"path": info.path, "rows": info.rows, "bytes": info.bytes, "sha256": info.sha256}
    if info.shared_from:
        entry.update(shared_from=info.shared_from, link=info.link)
    return entry
