"""The embedded ingest, and its driver's side: the survey runs file by file on the workers
and notes where reading each file may start again (``sources.Marks``); the driver lays the
records out in work units by position, which the workers read themselves (``sources.Span``),
saves each finished unit so an interrupted run resumes (corpus/runs.py), feeds dedup's
fingerprint store and plans dedup; the workers read back the texts dedup's judge asks for and
route each unit's articles into tables, which the driver writes in unit order; it counts what
flows by for the progress bars and the run report. (A distributed ingest, corpus/distributed/,
leaves writing to the workers too.)"""

from __future__ import annotations

import functools
import itertools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np

from corpus import (
    card,
    dedup,
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
from corpus.errors import InputError, VersionError
from corpus.manifest import Artifacts, Counts, InputEntry, Manifest, Skipped
from corpus.records import RawRecord, Rejected
from corpus.stats import Stats

log = logging.getLogger(__name__)

#: ``progress(stage, done, total)``: records read ("read"), through the per-record stages
#: ("process"), articles deduplicated ("dedup": 0 when planning starts, all when done) and
#: routed to their table ("write"). ``total`` is None until it is known.
Progress = Callable[[str, int, int | None], None]
#: Bytes of a big JSONL file per survey job at least (as the distributed ingest's read tasks):
#: one big file is surveyed by every worker at once, not by one while the others wait.
SURVEY_SLICE = 32 << 20
#: Routed units in flight per worker (each a unit's tables, ~2 MB at the default size).
ROUTE_AHEAD = 8


class Drive:
    """The driver's side of one ingest: lays the input out in work units for the executor,
    saves finished units for resuming, and counts what flows by (progress, report)."""

    def __init__(
        self,
        cfg: Config,
        files: list[sources.InputFile],
        parent: Manifest | None,
        times: report.RunTimes,
        progress: Progress | None,
    ) -> None:
        self.cfg, self.files, self.times = cfg, files, times
        self.tell = progress or (lambda stage, done, total: None)
        self.takedowns = versions.Takedowns.of(parent.removals if parent else ())
        self.stats = Stats()
        self.per_file: Counter[str] = Counter()
        self.workers = cfg.workers or executor.default_workers()
        self.n_read = self.n_processed = self.n_articles = self.n_units = 0
        self.expected = 0  # records the survey read: the units are laid out for them
        self.read_seconds = 0.0
        self.run_log = runs.RunLog(Path())  # replaced by open_log
        self.finished: frozenset[int] = frozenset()
        self.kept: list[int] = []  # per unit, its articles not taken down (planned, in order)
        self.context = survey.Survey()
        self.surveyed: list[survey.FileSurvey] = []  # per input file, in input order
        self.line_stats = learned.LineStats()

    def survey(self, parent_dir: Path | None) -> None:
        """Read the inputs once for what the units need to know about all of them: a job per
        file on the executor (in parallel; big JSONL files cut in slices), put together here in
        input order."""
        rules = structure.rules_for(self.cfg)
        # the biggest files first, so that the last jobs are small and the workers finish
        # together (``combine`` puts the files back in input order; a file's slices stay in order)
        pieces = sorted(self._survey_pieces(), key=lambda piece: -piece.file.size)
        found = executor.map_ordered(
            # marked: where the units' readers may start in each file (``_parts``)
            functools.partial(survey.survey_slice, cfg=self.cfg, marked=True),
            pieces,
            executor=self.cfg.executor,
            workers=self.workers,
            address=self.cfg.address,
            here_while_starting=True,  # the driver surveys too until the workers are up
        )
        parts = {p.relpath: p for p in survey.by_file(found)}
        self.surveyed = [parts[f.relpath] for f in self.files]
        self.expected = sum(p.items for p in self.surveyed)
        self.context, self.line_stats = survey.combine(self.surveyed, self.files, rules, parent_dir)
        self.times.lap("survey")

    def _survey_pieces(self) -> list[sources.Slice]:
        """The survey's jobs: the input files, big JSONL and CSV files cut in slices when there
        are workers to share them, about two per worker in all (a slice costs extra counting:
        it samples a publisher's first records again, ~35 % more with 10 slices of a file)."""
        if self.workers < 2:
            return [sources.Slice(f) for f in self.files]
        target = max(SURVEY_SLICE, sum(f.size for f in self.files) // (2 * self.workers))
        options = sources.ReadOptions.of(self.cfg)

        def each(pieces: list[sources.Slice]) -> Iterator[list[sources.Slice]]:
            return executor.map_ordered(
                functools.partial(sources.count, target_bytes=target, options=options),
                pieces,
                executor=self.cfg.executor,
                workers=self.workers,
                address=self.cfg.address,
                here_while_starting=True,
            )

        # the driver does not read the big files: their slices are counted by the workers
        return sources.cut_where_read(self.files, target, options, each)

    def open_log(
        self,
        dataset_dir: Path,
        version: versions.Version,
        parent: Manifest | None,
        hashes: dict[str, str],
    ) -> None:
        """Open this run's log of finished units (what an interrupted run of it left is reused)."""
        key = runs.run_key(
            config=self.cfg.fingerprint,
            version=str(version),
            parent=parent.version if parent else None,
            batch_size=self.cfg.batch_size,
            inputs=[[f.relpath, hashes[f.relpath]] for f in self.files],
        )
        self.run_log = runs.RunLog.open(dataset_dir, key)
        self.finished = self.run_log.finished()
        self.times.lap("setup")

    def _jobs(self) -> Iterator[units.Job | executor.Done[units.UnitResult]]:
        for index, parts in enumerate(self._parts()):
            job = (index, parts)
            if index in self.finished:  # done by an interrupted run of this command
                reuse = functools.partial(units.reused, self.run_log, self.cfg, self.context, job)
                yield executor.Done(reuse)
            else:
                yield job
        self.tell("read", self.n_read, self.n_read)

    def _parts(self) -> Iterator[tuple[units.Part, ...]]:
        """Each unit's records (``units.layout`` of the survey's count), as the parts of each
        file it holds: a span the worker reads from the survey's mark before it; the records
        themselves, read here, of a file no reader can enter mid-way (compressed, JSON) that
        fills more than one unit (a worker would read it from its start for each)."""
        here: Iterator[RawRecord | Rejected] = iter(())  # the file being read here
        items = [p.items for p in self.surveyed]
        # once per file: its marks are many in a big one, and many units take from it
        covered = [sources.covers(p.marks, p.items) for p in self.surveyed]
        for cuts in units.cut(self.expected, self.cfg.batch_size, items):
            parts: list[units.Part] = []
            for n, first, take in cuts:
                f, found = self.files[n], self.surveyed[n]
                if covered[n] or take == found.items:
                    span = sources.Span.of(f, found.marks, first, take, found.items, found.setup)
                    parts.append(span)
                    continue
                if first == 0:
                    here = self._read_here(f)
                parts.append(self._taken(here, f, take, last=first + take == found.items))
            self.n_read += sum(take for _, _, take in cuts)
            self.tell("read", self.n_read, None)
            yield tuple(parts)

    def _read_here(self, f: sources.InputFile) -> Iterator[RawRecord | Rejected]:
        """The records of ``f``, read in this process (timed as ``read_seconds``)."""
        options = sources.ReadOptions.of(self.cfg)
        items = sources.read_file(f, sources.ColumnMapper(options.column_map), options)
        while True:
            clock = time.perf_counter()
            item = next(items, None)
            self.read_seconds += time.perf_counter() - clock
            if item is None:
                return
            yield item

    @staticmethod
    def _taken(
        items: Iterator[RawRecord | Rejected], f: sources.InputFile, take: int, *, last: bool
    ) -> tuple[RawRecord | Rejected, ...]:
        """The next ``take`` records of ``f`` read here (``last``: the file ends with them),
        as the survey counted them (as ``sources.read_span`` checks a worker's)."""
        taken = tuple(itertools.islice(items, take))
        if len(taken) < take or (last and next(items, None) is not None):
            raise InputError(
                f"{f.relpath}: the file changed while it was ingested (it no longer holds the "
                "records its first reading found); ingest it again once it is no longer being "
                "written"
            )
        return taken

    def run_units(self, writer: versions.VersionWriter, store: dedup.FingerprintStore) -> None:
        """Run every unit; rejects and takedowns go to ``writer``, the articles' fingerprints to
        ``store`` (the articles themselves stay in the units, read back by ``texts`` and ``route``)."""
        results = executor.map_ordered(
            functools.partial(units.process_unit, self.cfg, self.context),
            self._jobs(),
            executor=self.cfg.executor,
            workers=self.workers,
            address=self.cfg.address,
            warm_up=functools.partial(units.warm_up, self.cfg),
        )
        for index, size, blob, reused in results:
            if not reused:
                self.run_log.save(index, blob)
            result = units.unpacked(blob, articles=bool(self.takedowns.ids))
            self.times.add_unit(result.seconds, result.records, result.peak_rss, reused)
            self.stats.merge(result.counts)
            self.per_file.update(result.per_file)
            for item in result.rejected:
                writer.write("rejects", item)
            kept = np.ones(len(result.fingerprints), dtype=bool)
            for n, article in enumerate(result.articles):  # none unpickled without takedowns
                if self.takedowns.covers(article):
                    kept[n] = False
                    self.stats.count("removed", "taken_down")
                    writer.write("rejects", self.takedowns.reject(article))
            self.n_articles += int(kept.sum())
            self.kept.append(int(kept.sum()))
            store.add(result.fingerprints.select(kept))
            self.n_processed += size
            self.n_units += 1
            self.tell("process", self.n_processed, self.expected)
        self.times.lap("units")
        self.tell("process", self.n_processed, self.n_processed)
        self.tell("dedup", 0, self.n_articles)

    def texts(self, wanted: Mapping[bytes, int]) -> Iterator[tuple[bytes, str]]:
        """``(record key, text)`` of the articles dedup's judge asks for (key -> ordinal):
        only the units that hold them are read, on the workers."""
        ends = np.cumsum(self.kept)
        by_unit: dict[int, set[bytes]] = {}
        units_of = np.searchsorted(ends, np.fromiter(wanted.values(), np.int64), side="right")
        for key, unit in zip(wanted, units_of.tolist(), strict=True):
            by_unit.setdefault(unit, set()).add(key)
        found = executor.map_ordered(
            functools.partial(units.texts_of, self.run_log.reader()),
            [(unit, frozenset(keys)) for unit, keys in sorted(by_unit.items())],
            executor=self.cfg.executor,
            workers=self.workers,
            address=self.cfg.address,
        )
        for pairs in found:
            yield from pairs

    def planned(self) -> None:
        """Dedup has planned: every article's fate is known."""
        self.times.lap("dedup")
        self.tell("dedup", self.n_articles, self.n_articles)

    def route(self, writer: versions.VersionWriter, fates: dedup.Plan) -> None:
        """Write every article to its table: each unit routed on the workers (its share of
        the plan), its tables written here in unit order."""
        routed = executor.map_ordered(
            functools.partial(units.route_unit, self.run_log.reader(), self.takedowns),
            self._shares(fates),
            executor=self.cfg.executor,
            workers=self.workers,
            address=self.cfg.address,
            # a unit's route takes the workers ~0.1 s, its writing here longer: run ahead
            ahead=ROUTE_AHEAD,
        )
        done = 0
        for unit in routed:
            for table, (rows, sizes) in unit.tables.items():
                writer.write_table(table, rows, sizes)
            self.stats.merge(unit.counts)
            writer.summary.absorb(unit.summary)
            done += sum(len(sizes) for _, sizes in unit.tables.values())
            self.tell("write", done, self.n_articles)

    def _shares(self, fates: dedup.Plan) -> Iterator[units.RouteJob]:
        start = 0
        for index, kept in enumerate(self.kept):
            yield (index, *fates.share(start, start + kept))
            start += kept
        if start != len(fates):
            raise dedup.DedupError(
                f"{len(fates) - start} planned articles are in no unit of this run: route "
                "every article that was fingerprinted"
            )

    def inputs(self, hashes: dict[str, str]) -> list[InputEntry]:
        """The manifest's entries for this ingest's input files."""
        return [
            InputEntry(f.relpath, f.format, hashes[f.relpath], self.per_file[f.relpath])
            for f in self.files
        ]

    def write_report(self, folder: Path, manifest: Manifest) -> None:
        """``report.json``: not listed in the manifest, never published (it describes this run
        on this machine)."""
        data = report.build(
            self.times,
            version=manifest.version,
            executor=self.cfg.executor,
            workers=self.workers,
            counts=(manifest.ingest_counts or manifest.counts).as_dict(),
            stages=self.stats.as_dict(),
            read_seconds=self.read_seconds,
        )
        versions.write_json(folder / report.REPORT, data)

    def close(self) -> None:
        """The version is in place: the run's log is of no use any more."""
        self.run_log.close()


def embedded(
    plan: versions.IngestPlan, progress: Progress | None
) -> tuple[Manifest, Counts, dict[str, int]]:
    """The embedded ingest: workers read and process, the driver deduplicates and writes.
    The new version's manifest, this ingest's counts and the version's languages."""
    cfg, previous, parent, times = plan.cfg, plan.previous, plan.parent, plan.times
    drive = Drive(cfg, plan.files, parent, times, progress)
    drive.open_log(plan.dataset_dir, plan.version, parent, plan.hashes)
    drive.survey(plan.published)
    with (
        dedup.FingerprintStore() as store,
        versions.VersionWriter(
            plan.dataset_dir, plan.version, cfg, plan.facts, plan.mirror
        ) as writer,
    ):
        index = dedup.DedupIndex()
        if previous is not None:
            writer.carry_all(previous.version_dir, previous.manifest)
            index = dedup_index(previous)
        # Dedup's two phases: plan every fate from the workers' fingerprints (reading only the
        # texts of candidate pairs), then route the articles to their tables by record key.
        card.import_in_background()  # while the driver mostly waits on the units
        drive.run_units(writer, store)
        fingerprints = store.finish()
        published = dedup.published_texts(plan.published_shards()).published
        texts = dedup.Texts(lambda: (), published, wanted=drive.texts)
        fates = dedup.plan(fingerprints, index, dedup.DedupSettings.of(cfg), texts)
        index.add(fingerprints, fates.kept())
        drive.planned()
        drive.route(writer, fates)
        counts = writer.written(read=drive.stats.get("read", "records"))
        times.lap("write")
        index_files = writer.listed(index.save(writer.folder / "dedup", cfg.dedup_ngram))
        learned_files = writer.listed(drive.line_stats.save(writer.folder / survey.LEARNED_DIR))
        if previous is not None:
            writer.summary.absorb(previous.manifest.summary)
        manifest = writer.finish(
            counts=counts + (previous.manifest.counts if previous else Counts()),
            ingest_counts=counts,
            stages=drive.stats.as_dict(),
            summary=writer.summary.build(),
            inputs=(*(previous.manifest.inputs if previous else ()), *drive.inputs(plan.hashes)),
            skipped=tuple(Skipped(s.relpath, s.reason) for s in plan.skipped),
            dedup_index=Artifacts(len(index), index_files),
            learned=Artifacts(sum(drive.line_stats.records().values()), learned_files),
            removals=parent.removals if parent else (),
        )
        times.lap("finish")
        # what the run spilled to disk: its units, and dedup's signatures between its passes
        units_bytes = storage.Place.local(drive.run_log.folder).size()
        times.facts["spool_bytes"] = units_bytes + store.nbytes
        drive.write_report(writer.folder, manifest)
    drive.close()
    return manifest, counts, dict(writer.summary.languages.most_common())


def dedup_index(previous: versions.Previous) -> dedup.DedupIndex:
    """The dedup index of everything published up to ``previous`` (cumulative)."""
    folder = previous.version_dir / "dedup"
    if (folder / dedup.INDEX_FILE).is_file() or dedup.index_files(folder):
        return dedup.DedupIndex.load(folder)
    raise VersionError(
        f"{previous.version_dir} has no dedup index, so new articles cannot be checked against it: "
        "rerun with --rebuild"
    )
