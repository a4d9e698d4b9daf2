"""The ingest pipeline: chains the stages and drains them into a new version.

    read -> [work units: validate -> structure -> langid -> fingerprints] -> dedup -> write

Reading happens here, in the driver; the per-record stages run in work units on the executor
(corpus/units.py), saved as they finish so an interrupted run resumes (corpus/runs.py); dedup
plans over the fingerprints and routes every article; the one version writer
(corpus/versions/writer.py) makes the version. Memory is bounded by batch size plus the dedup
index, not by corpus size.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from corpus import (
    dedup,
    distributed,
    executor,
    report,
    runs,
    sources,
    survey,
    units,
    versions,
)
from corpus.config import Config
from corpus.drive import Drive, Progress
from corpus.errors import InputError, VersionError
from corpus.manifest import Artifacts, Counts, Manifest, Skipped

log = logging.getLogger(__name__)


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


def ingest(
    paths: Sequence[Path | str],
    cfg: Config,
    *,
    created_at: datetime | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Read raw files under ``paths`` and write the next version of ``cfg.dataset``.

    When the dataset has versions (and ``cfg.rebuild`` is off), the new version is the latest
    one plus what the raw files it has not read yet (by sha256) bring, deduplicated against
    everything published through its dedup index; articles taken down stay out. With no new
    file, no version is made (``created`` is False). The version appears only when complete,
    its counts conserved (``Counts.check``), with ``report.json`` beside its manifest.
    """
    times = report.RunTimes()
    cfg = cfg.checked()  # the rules file is read once: one fingerprint for the whole run
    # one set of workers (a process pool, or the Ray connection) for every step of the run:
    # the survey, the units (or a distributed run's tasks)
    with executor.session(
        cfg.executor,
        workers=cfg.workers or executor.default_workers(),
        address=cfg.address,
        warm_up=functools.partial(units.warm_up, cfg),
    ):
        return _ingest(paths, cfg, times, created_at, progress)


def _spread(cfg: Config) -> bool:
    """Whether the run is distributed: workers read, process and write; the driver plans."""
    return cfg.distributed or cfg.executor == "ray"


def _ingest(
    paths: Sequence[Path | str],
    cfg: Config,
    times: report.RunTimes,
    created_at: datetime | None,
    progress: Progress | None,
) -> IngestResult:
    files, skipped = sources.discover(paths)
    if not files:
        where = ", ".join(str(p) for p in paths)
        raise InputError(
            f"no readable files under {where} (supported: {', '.join(sorted(sources.FORMATS))}, optionally .gz)"
        )
    for s in skipped:
        log.warning("skipping %s: %s", s.relpath, s.reason)
    dataset_dir = cfg.out / cfg.dataset
    previous = versions.previous_for_ingest(
        dataset_dir,
        cfg.fingerprint,
        runs.code_digest(),
        rebuild=cfg.rebuild,
        allow_mixed=cfg.allow_mixed,
    )
    hashes = _hashes(files, cfg)
    if previous is not None:
        files = [f for f in files if hashes[f.relpath] not in previous.manifest.input_hashes]
        if not files:
            runs.sweep(dataset_dir)  # what an interrupted run left is of no use any more
            return _nothing_new(previous, skipped, times)
    version = versions.next_version(dataset_dir, cfg.version, cfg.bump)
    parent = previous.manifest if previous else versions.latest(dataset_dir)
    facts = versions.provenance(cfg, previous, parent, created_at)
    if _spread(cfg):
        made = distributed.ingest(
            cfg, files, hashes, skipped, previous, parent, version, facts, times
        )
        folder = dataset_dir / version.dirname
        return _result(folder, made.manifest, made.ingest_counts, made.languages, skipped, times)
    drive = Drive(cfg, files, parent, times, progress)
    drive.open_log(dataset_dir, version, parent, hashes)
    drive.survey(previous.version_dir if previous else None)
    with (
        dedup.FingerprintStore() as store,
        versions.VersionWriter(dataset_dir, version, cfg, facts) as writer,
    ):
        index = dedup.DedupIndex()
        if previous is not None:
            writer.carry_all(previous.version_dir, previous.manifest)
            index = _dedup_index(previous)
        # Dedup's two phases: plan every fate from the workers' fingerprints (reading only the
        # texts of candidate pairs), then route the articles to their tables by record key.
        drive.run_units(writer, store)
        fingerprints = store.finish()
        published = previous.version_dir.glob("data/**/*.parquet") if previous else ()
        texts = dedup.Texts(drive.run_articles, dedup.published_texts(sorted(published)).published)
        plan = dedup.plan(fingerprints, index, dedup.DedupSettings.of(cfg), texts)
        index.add(fingerprints, plan.kept())
        drive.planned()
        for done, item in enumerate(dedup.route(drive.run_articles(), plan, drive.stats), 1):
            drive.route(writer, item, done)
        ingest_counts = writer.written(read=drive.stats.get("read", "records"))
        times.lap("write")
        index_files = writer.listed(index.save(writer.folder / "dedup", cfg.dedup_ngram))
        learned_files = writer.listed(drive.line_stats.save(writer.folder / survey.LEARNED_DIR))
        if previous is not None:
            writer.summary.absorb(previous.manifest.summary)
        manifest = writer.finish(
            counts=ingest_counts + (previous.manifest.counts if previous else Counts()),
            ingest_counts=ingest_counts,
            stages=drive.stats.as_dict(),
            summary=writer.summary.build(),
            inputs=(*(previous.manifest.inputs if previous else ()), *drive.inputs(hashes)),
            skipped=tuple(Skipped(s.relpath, s.reason) for s in skipped),
            dedup_index=Artifacts(len(index), index_files),
            learned=Artifacts(sum(drive.line_stats.records().values()), learned_files),
            removals=parent.removals if parent else (),
        )
        times.lap("finish")
        drive.write_report(writer.folder, manifest)
    drive.close()
    languages = dict(writer.summary.languages.most_common())
    folder = dataset_dir / version.dirname
    return _result(folder, manifest, ingest_counts, languages, skipped, times)


def _sha256(f: sources.InputFile) -> str:
    return f.sha256()


def _hashes(files: list[sources.InputFile], cfg: Config) -> dict[str, str]:
    """sha256 of every input; in a distributed run, by the workers (they read the inputs)."""
    if not _spread(cfg):
        return {f.relpath: f.sha256() for f in files}
    found = executor.map_ordered(
        _sha256,
        [sources.absolute(f) for f in files],
        executor=cfg.executor,
        workers=cfg.workers or executor.default_workers(),
        address=cfg.address,
    )
    return dict(zip((f.relpath for f in files), found, strict=True))


def _result(
    version_dir: Path,
    manifest: Manifest,
    counts: Counts,
    languages: dict[str, int],
    skipped: list[sources.Skipped],
    times: report.RunTimes,
) -> IngestResult:
    return IngestResult(
        version_dir=version_dir,
        version=manifest.version,
        counts=counts.as_dict(),
        languages=languages,
        skipped=skipped,
        seconds=time.perf_counter() - times.started,
        totals=manifest.counts.as_dict(),
        units=times.units,
        units_reused=times.units_reused,
    )


def _nothing_new(
    previous: versions.Previous, skipped: list[sources.Skipped], times: report.RunTimes
) -> IngestResult:
    return IngestResult(
        version_dir=previous.version_dir,
        version=previous.version,
        counts=Counts().as_dict(),
        languages={},
        skipped=skipped,
        seconds=time.perf_counter() - times.started,
        created=False,
        totals=previous.manifest.counts.as_dict(),
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
