"""The driver of a distributed ingest: it plans tasks and joins their small answers.

    survey (a task per file) -> learn (a task per part of the publishers)
    -> produce (a task per input file or slice)  ->  linked (a task per hash partition)
    -> cut (a task: the key graph's components, packed into plan jobs)
    -> plan (a task per job of whole components: their fingerprints, pairs judged where the
       texts are)
    -> route (a task per read task)  ->  manifest and card (here)

The driver holds per-file entries and a few numbers per plan job; never the articles, their
fingerprints or keys, the linked articles, the line statistics or dedup's plan. Rows, fates and
counts are those of a local ingest of the same input: dedup plans over the linked articles
only (those sharing a URL or a band key with another), a component at a time, which decides
every fate the whole plan would (an article that shares no key with another is unique, and so
are its counts; ``dedup.plan`` decides within a component), and rows keep the input order.

Tasks name every file by its ``storage.Place``: on an fsspec output (``--out s3://...``; a
cluster has no shared disk) the run's and the build folder's files are on the URL beside the
dataset, copied into the version on the server at upload, the manifest last.

A rerun of a run whose driver died reuses every read task that finished (its record in the
run's folder, ``finished``); the survey and the steps after the read tasks run again.
"""

from __future__ import annotations

import functools
import itertools
import shutil
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corpus import (
    card,
    executor,
    learned,
    report,
    runs,
    sources,
    storage,
    structure,
    survey,
    units,
    versions,
)
from corpus.config import Config
from corpus.dedup.index import index_files
from corpus.dedup.keys import PARTITIONS as KEY_PARTITIONS
from corpus.distributed import finished, parts, planning, surveying, tasks
from corpus.distributed.planning import CutJob, PlanJob
from corpus.distributed.surveying import SurveyWork
from corpus.distributed.tasks import LinkJob, Produced, Routed, RouteJob, Work
from corpus.manifest import Artifacts, Counts, FileEntry, InputEntry, Manifest, Skipped
from corpus.shards import ShardInfo, link_or_copy
from corpus.stats import Stats

#: Bytes per read task of a big JSONL or CSV file. Fixed, not derived from the number of workers, so
#: that any number of workers cuts the same shards.
SLICE_BYTES = 32 << 20
#: Articles per hash partition of the linking step (its task holds ~100 bytes of each).
PARTITION_ARTICLES = 2_000_000
#: Linked articles per plan job, about (a job holds ~1-2 KB of each at its peak; a component
#: bigger than this is a job of its own). At least a job per worker, when there are as many
#: components.
PLAN_ARTICLES = 1_000_000


class Driver:
    """One distributed ingest (see the module docstring)."""

    def __init__(
        self,
        cfg: Config,
        files: list[sources.InputFile],
        times: report.RunTimes,
        mirror: storage.Mirror | None = None,
    ) -> None:
        self.cfg, self.files, self.times = cfg, files, times
        self.workers = cfg.workers or executor.default_workers()
        self.stats = Stats()
        # an fsspec output: the tasks write at the URL's place of each staged path
        self.mirror = mirror

    def where(self, path: Path) -> storage.Place:
        """Where the tasks read and write what is at ``path`` in this process's view: the
        path itself, or its place on the fsspec output (a cluster has no shared disk)."""
        return self.mirror.place(path) if self.mirror else storage.Place.local(path)

    def adopted(
        self, writer: versions.VersionWriter, files: Sequence[FileEntry]
    ) -> tuple[FileEntry, ...]:
        """Files tasks wrote in the version's build folder (on an fsspec output: at its place
        there, copied into the version on the server at upload)."""
        if self.mirror:
            for entry in files:
                self.mirror.adopt(writer.folder / entry.path, entry.path)
        return tuple(files)

    def each(self, fn: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]:
        """``fn(job)`` for every job, on the executor, results in order; not once this driver
        has lost its output's lease."""
        if self.mirror:
            self.mirror.check()
        return list(
            executor.map_ordered(
                fn,
                jobs,
                executor=self.cfg.executor,
                workers=self.workers,
                address=self.cfg.address,
                warm_up=functools.partial(units.warm_up, self.cfg),
            )
        )

    def run(
        self, work: Work | SurveyWork, fn: Callable[..., Any], jobs: Sequence[Any]
    ) -> list[Any]:
        """``fn(work, job)`` for every job, on the executor, results in order; each task's
        peak RSS is counted under ``fn``'s name."""
        done = self.each(functools.partial(_measured, fn, work), jobs)
        name = getattr(getattr(fn, "func", fn), "__name__", "task")  # a partial's function's
        for start, peak, _ in done:
            self.times.add_task(name, start, peak)
        return [result for _, _, result in done]

    def slices(self, work: SurveyWork) -> list[sources.Slice]:
        """The input as read tasks: whole files, big JSONL and CSV files cut at record
        boundaries (a JSONL file's found by seeking, each slice counted by a task; a CSV
        file's by a task that parses it)."""
        files = [sources.absolute(f) for f in self.files]
        count = functools.partial(surveying.count, target=SLICE_BYTES)
        options = sources.ReadOptions.of(self.cfg)
        return sources.cut_where_read(
            files, SLICE_BYTES, options, lambda pieces: self.run(work, count, pieces)
        )

    def survey(
        self,
        work: SurveyWork,
        writer: versions.VersionWriter,
        previous: versions.Previous | None,
        pieces: Sequence[sources.Slice],
    ) -> tuple[survey.Survey, Artifacts]:
        """What every read task needs to know about the whole input: a survey task per file
        (per slice of a big one), a learn task per part of the scopes they touch; the parent
        version's other parts are shared as they are. Here: the date orders and the learned
        boilerplate only."""
        jobs = _survey_jobs(
            pieces, max(SLICE_BYTES, sum(f.size for f in self.files) // (2 * self.workers))
        )
        surveyed: list[surveying.Surveyed] = self.run(work, surveying.survey_slice, jobs)
        touched: dict[int, list[tuple[int, int]]] = {}
        for job, found in zip(jobs, surveyed, strict=True):
            for part in found.parts:
                touched.setdefault(part, []).append((job.index, job.slice))
        shared, records = _from_parent(previous, touched)
        learn = [surveying.LearnJob(part, tuple(found)) for part, found in sorted(touched.items())]
        done: list[surveying.Learned] = self.run(work, surveying.learn, learn)
        boilerplate = learned.LearnedBoilerplate.joined(
            (d.boilerplate for d in done), structure.rules_for(self.cfg)
        )
        orders: dict[str, str] = {}
        suffixes: dict[str, Mapping[str, frozenset[str]]] = {}
        for _, group in itertools.groupby(
            zip(jobs, surveyed, strict=True), key=lambda js: js[0].index
        ):
            found_orders, found_suffixes = survey.file_context([s.found for _, s in group])
            orders.update(found_orders)
            suffixes.update(found_suffixes)
        new = self.adopted(writer, [f for d in done for f in d.files])
        kept = writer.share(previous.version_dir, shared) if previous else ()
        entries = tuple(sorted((*kept, *new), key=lambda e: e.path))
        total = records + sum(d.records for d in done)
        self.times.lap("survey")
        context = survey.Survey(
            boilerplate, dict(sorted(orders.items())), dict(sorted(suffixes.items()))
        )
        return context, Artifacts(total, entries)

    def produce(
        self,
        work: Work,
        writer: versions.VersionWriter,
        pieces: Sequence[sources.Slice],
        folder: Path,
    ) -> list[Produced]:
        """Every input file (slice of a big one) through the per-record stages, but the read
        tasks an interrupted attempt at this run finished (their records in the run's folder
        ``folder``: ``finished``); rejects adopted as they are."""
        done = {
            t: p
            for t, p in finished.load(work.units, pieces, work.context).items()
            if isinstance(p, Produced)
        }
        todo = [(t, piece) for t, piece in enumerate(pieces) if t not in done]
        fresh = iter(self.run(work, tasks.produce, todo))
        produced = [done[t] if t in done else next(fresh) for t in range(len(pieces))]
        for p in produced:
            self.stats.merge(p.counts)
            for seconds, records, rss in p.batches:
                self.times.add_unit(seconds, records, rss, p.task in done)
            for shard in p.rejects:
                self.adopt(writer, "rejects", folder, shard)
        self.times.facts.update(produce_tasks=len(pieces), produce_tasks_reused=len(done))
        self.times.lap("units")
        return produced

    def plan(self, work: Work, produced: list[Produced]) -> None:
        """Find the linked articles and their components (a task per hash partition of the
        keys, then a cut task), then plan dedup over the components in parallel tasks, which
        leave each read task's fates in files for its route."""
        offsets = np.cumsum([0, *(p.articles for p in produced)]).astype(np.int64)
        n = int(offsets[-1])
        # a power of two up to the key files' partitions, so each reads its row groups only
        want = max(self.workers, n // PARTITION_ARTICLES + 1)
        count = min(KEY_PARTITIONS, 1 << (want - 1).bit_length())
        jobs = [LinkJob(part, count, tuple(range(len(produced)))) for part in range(count)]
        self.run(work, tasks.linked, jobs)
        cut = self.run(work, planning.cut, [CutJob(count, PLAN_ARTICLES, self.workers)])[0]
        parts.clear_fates(work.units)
        plans = [PlanJob(j, offsets) for j in range(len(cut.sizes))]
        planned: list[planning.Planned] = self.run(work, planning.plan, plans)
        self.times.facts.update(
            dedup_linked=sum(p.linked for p in planned),
            dedup_pairs=sum(p.pairs for p in planned),
            dedup_components=cut.components,
            dedup_plan_jobs=len(plans),
            dedup_plan_job_articles=max(cut.sizes, default=0),
        )
        self.times.lap("dedup")

    def route(
        self,
        work: Work,
        writer: versions.VersionWriter,
        tasks_: int,
        first_part: int,
    ) -> tuple[list[FileEntry], int]:
        """Route every task's articles; adopt their shards; the new index parts and survivors."""
        jobs = [RouteJob(t, first_part + t) for t in range(tasks_)]
        routed: list[Routed] = self.run(work, tasks.route, jobs)
        for table in ("data", "duplicates", "rejects"):
            for r in routed:
                for shard in r.shards[table]:
                    self.adopt(writer, table, writer.folder, shard)
        index: list[FileEntry] = []
        for r in routed:
            self.stats.merge(r.counts)
            writer.summary.absorb(r.summary)
            index.extend(r.index_files)
        self.times.lap("write")
        return list(self.adopted(writer, index)), sum(r.kept for r in routed)

    def adopt(
        self, writer: versions.VersionWriter, table: str, folder: Path, shard: ShardInfo
    ) -> None:
        """A shard a task wrote in ``folder``: the version's build folder, or the run's folder,
        where it stays until the version is written (a rerun may reuse it) and a hard link in
        the build folder is what the version takes. On an fsspec output it is at its place on
        the URL either way, copied into the version on the server at upload."""
        path = folder / shard.path
        if self.mirror is None and folder != writer.folder:
            linked = writer.folder / ".tasks" / shard.path
            linked.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(path, linked)
            path = linked
        writer.adopt(table, path, shard.rows, shard.sha256, shard.bytes)


def _measured(fn: Callable[..., Any], work: Work | SurveyWork, job: Any) -> tuple[int, int, Any]:
    """The worker's RSS before ``fn(work, job)``, its peak while it ran (a worker runs many
    tasks: its peak since it started would credit one task with another's memory), and the
    result."""
    start = report.reset_peak()
    result = fn(work, job)
    return start, report.task_peak_rss(), result


def _survey_jobs(pieces: Sequence[sources.Slice], target: int) -> list[surveying.SurveyJob]:
    """The survey's tasks: each file whole, a big file's read slices joined in runs of about
    ``target`` bytes (each survey slice samples a publisher's first records again: fewer,
    bigger slices than the read tasks', about two per worker)."""
    jobs: list[surveying.SurveyJob] = []
    files = itertools.groupby(pieces, key=lambda s: s.file.relpath)
    for index, (_, group) in enumerate(files):
        run: list[sources.Slice] = []
        for piece in group:
            if run and _size(run) + _size([piece]) > target:
                jobs.append(surveying.SurveyJob(index, len(jobs), sources.joined(run)))
                run = []
            run.append(piece)
        jobs.append(surveying.SurveyJob(index, len(jobs), sources.joined(run)))
    return jobs


def _size(pieces: Sequence[sources.Slice]) -> int:
    return sum((p.file.size if p.end is None else p.end) - p.start for p in pieces)


def _from_parent(
    previous: versions.Previous | None, touched: dict[int, list[tuple[int, int]]]
) -> tuple[list[FileEntry], int]:
    """The parent's learned files to share as they are, and the records they count. A part this
    input touches, or one kept in a file made before the parts, is added to ``touched`` (with
    no file of this input, if none) to be learned again, the parent's statistics first."""
    if previous is None:
        return [], 0
    shared, records = [], 0
    for entry in previous.manifest.learned.files:
        path = previous.version_dir / entry.path
        parts = learned.stored_parts(path)
        if parts & set(touched) or path.name == learned.STATS_FILE:
            for part in parts:
                touched.setdefault(part, [])
        else:
            shared.append(entry)
            records += learned.stored_records(path)
    return shared, records


def ingest(plan: versions.IngestPlan) -> tuple[Manifest, Counts, dict[str, int]]:
    """Make ``plan.version`` with tasks on the executor: the new version's manifest, this
    ingest's counts and the version's languages."""
    cfg, previous, parent, times = plan.cfg, plan.previous, plan.parent, plan.times
    key = runs.run_key(
        config=cfg.fingerprint, version=str(plan.version),
        parent=parent.version if parent else None, distributed=True,
        inputs=[[f.relpath, plan.hashes[f.relpath]] for f in plan.files],
    )  # fmt: skip
    run_log = runs.RunLog.open(plan.dataset_dir, key)
    times.lap("setup")
    driver = Driver(cfg, plan.files, times, plan.mirror)
    if plan.mirror:  # what interrupted runs' tasks left on the URL, but this run's folder
        plan.mirror.sweep_scratch(keep=run_log.folder)
    takedowns = versions.Takedowns.of(parent.removals if parent else ())
    with (
        executor.session(cfg.executor, workers=driver.workers, address=cfg.address),
        versions.VersionWriter(
            plan.dataset_dir, plan.version, cfg, plan.facts, plan.mirror
        ) as writer,
    ):
        # absolute places: a Ray worker does not run in this process's working directory
        scratch, build, published = driver.where(run_log.folder), driver.where(writer.folder), None
        if plan.published:
            published = driver.where(plan.published)
        surveying_work = SurveyWork(cfg, scratch / "survey", build, published)
        pieces = driver.slices(surveying_work)
        context, learned_files = driver.survey(surveying_work, writer, previous, pieces)
        digest = finished.digest((context, takedowns))
        work = Work(cfg, context, takedowns, scratch / "units", build, published, digest)
        shared: list[FileEntry] = []
        if previous is not None:
            writer.carry_all(previous.version_dir, previous.manifest)
            writer.summary.absorb(previous.manifest.summary)
            shared = list(writer.share(previous.version_dir, previous.manifest.dedup_index.files))
        card.import_in_background()  # while the driver mostly waits on the tasks
        produced = driver.produce(work, writer, pieces, run_log.folder / "units")
        driver.plan(work, produced)
        first = len(index_files(plan.published / "dedup")) + 1 if plan.published else 1
        index_entries, kept = driver.route(work, writer, len(produced), first)
        index = Artifacts(
            (previous.manifest.dedup_index.rows if previous else 0) + kept,
            (*shared, *index_entries),
        )
        times.facts["spool_bytes"] = scratch.size()  # the tasks' files, before they go
        manifest, counts = _finish(plan, driver, writer, produced, index, learned_files)
    if plan.mirror:  # uploaded: the tasks' files on the URL are of no use any more
        plan.mirror.sweep_scratch()
    run_log.close()
    return manifest, counts, dict(writer.summary.languages.most_common())


def _finish(
    plan: versions.IngestPlan,
    driver: Driver,
    writer: versions.VersionWriter,
    produced: list[Produced],
    index: Artifacts,
    learned_files: Artifacts,
) -> tuple[Manifest, Counts]:
    """The manifest and card, the run report; the task folders go."""
    previous, parent, times = plan.previous, plan.parent, plan.times
    counts = writer.written(read=driver.stats.get("read", "records"))
    per_file: Counter[str] = Counter()
    for p in produced:
        per_file[p.relpath] += p.records
    inputs = [
        InputEntry(f.relpath, f.format, plan.hashes[f.relpath], per_file[f.relpath])
        for f in plan.files
    ]
    manifest = writer.finish(
        counts=counts + (previous.manifest.counts if previous else Counts()),
        ingest_counts=counts,
        stages=driver.stats.as_dict(),
        summary=writer.summary.build(),
        inputs=(*(previous.manifest.inputs if previous else ()), *inputs),
        skipped=tuple(Skipped(s.relpath, s.reason) for s in plan.skipped),
        dedup_index=index,
        learned=learned_files,
        removals=parent.removals if parent else (),
        # the card's counts read the data shards in tasks, where they are (not here)
        each=driver.each,
    )
    shutil.rmtree(writer.folder / ".tasks", ignore_errors=True)  # emptied by finish
    times.lap("finish")
    data = report.build(
        times, version=manifest.version, executor=plan.cfg.executor, workers=driver.workers,
        counts=counts.as_dict(), stages=driver.stats.as_dict(), read_seconds=0.0,
    )  # fmt: skip
    versions.write_json(writer.folder / report.REPORT, data)
    return manifest, counts
