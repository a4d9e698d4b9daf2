"""The tasks of a distributed ingest: pure functions of a shared ``Work`` context and a small
job, run on whichever worker the executor picks. Each reads its inputs from, and writes its
outputs to, storage every worker reaches, and returns only counts and file entries, so the
driver never holds articles.

    produce   one input file -> its articles, fingerprints and rejects (validate ... fingerprints),
              kept in the run's folder with a record of the task's result written last
              (``finished``: a rerun after the driver died reuses them)
    linked    one hash partition of URL hashes and band keys -> the articles that share a key,
              with their components there
    gather    one task's linked rows -> their fingerprints (no signatures)
    published the previous index's linked rows -> a small index for planning
    route     one task's articles + their fates -> data, duplicates and index part
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from corpus import dedup, executor, sources, units, versions
from corpus.config import Config
from corpus.dedup.index import band_matrix, check_params, index_places, write_part
from corpus.dedup.keys import keys_path, partition_keys, read_keys
from corpus.dedup.minhash import I64
from corpus.distributed import components, finished, parts
from corpus.distributed.surveying import entries
from corpus.manifest import FileEntry, Summary
from corpus.records import (
    REJECTED_SCHEMA,
    Article,
    RawRecord,
    Rejected,
    to_row,
)
from corpus.shards import ShardInfo, ShardSettings, ShardWriter, string_sizes
from corpus.stats import Stats
from corpus.storage import Place
from corpus.survey import Survey
from corpus.versions.summary import SummaryBuilder
from corpus.versions.writer import SCHEMAS


@dataclass(frozen=True, slots=True)
class Work:
    """What every task of one run shares (shipped to the workers once)."""

    cfg: Config
    survey: Survey
    takedowns: versions.Takedowns
    units: Place  # the run's folder of task files
    build: Place  # the version's private build folder (on an fsspec output, its place there)
    published: Place | None  # the version this ingest extends (its dedup index and data)
    context: str = ""  # digest of the survey and takedowns (``finished.digest``)


@dataclass(frozen=True, slots=True)
class Produced:
    """What a read task reports: counts, per-batch timings and its reject shards (paths
    relative to the run's folder, where they stay for a rerun)."""

    task: int
    relpath: str
    records: int
    articles: int
    counts: Counter[tuple[str, str]]
    batches: tuple[tuple[dict[str, float], dict[str, int], int], ...]  # seconds, records, rss
    rejects: tuple[ShardInfo, ...]


@dataclass(frozen=True, slots=True)
class Routed:
    """What a route task reports: its shards, index part, counts and summary."""

    task: int
    shards: dict[str, tuple[ShardInfo, ...]]
    index_files: tuple[FileEntry, ...]
    kept: int
    counts: Counter[tuple[str, str]]
    summary: Summary


def _task_dir(task: int, step: str) -> str:
    """A task's folder of shards, relative to the version's build folder."""
    return f".tasks/{step}-{task:06d}"


def _shards(rel: str, writer: ShardWriter) -> tuple[ShardInfo, ...]:
    """A task's closed shards, with paths relative to the version's build folder."""
    return tuple(ShardInfo(f"{rel}/{s.path}", s.rows, s.bytes, s.sha256) for s in writer.close())


def _records(piece: sources.Slice, cfg: Config, stats: Stats) -> Iterator[RawRecord | Rejected]:
    options = sources.ReadOptions.of(cfg)
    items = sources.read_slice(piece, sources.ColumnMapper(options.column_map), options)
    return sources.counted(items, stats)


def produce(work: Work, job: tuple[int, sources.Slice]) -> Produced:
    """Read one slice of the input (a file, or a byte range of a big one) and run the
    per-record stages over it, batch by batch; its articles, fingerprints and rejects (shards
    of its own) go to the run's folder, then the record that it finished (``finished``)."""
    task, piece = job
    cfg, stats = work.cfg, Stats()
    rel = f"produce-{task:06d}"
    kept: list[Article] = []
    fingerprints: list[dedup.Fingerprints] = []
    batches = []
    records = 0
    (work.units / rel).remove()  # what an attempt that died half-way left
    with (work.units / rel).written() as folder:
        rejects = ShardWriter(folder, "rejects", REJECTED_SCHEMA, ShardSettings.of(cfg))
        reading = time.process_time()
        for batch in executor.batched(_records(piece, cfg, stats), cfg.batch_size):
            records += len(batch)
            read = time.process_time() - reading  # the batch's reading (lazy: just now)
            result = units.process_batch(cfg, work.survey, batch)
            stats.merge(result.counts)
            seconds, into = {"read": read, **result.seconds}, {"read": len(batch)}
            batches.append((seconds, into | result.records, result.peak_rss))
            for item in result.rejected:
                rejects.write(to_row(item))
            keep = np.array([not work.takedowns.covers(a) for a in result.articles], dtype=bool)
            for article, ok in zip(result.articles, keep.tolist(), strict=True):
                if ok:
                    kept.append(article)
                else:
                    stats.count("removed", "taken_down")
                    rejects.write(to_row(work.takedowns.reject(article)))
            fingerprints.append(result.fingerprints.select(keep))
            reading = time.process_time()
        shards = _shards(rel, rejects)
    articles, prints = (
        parts.articles_path(work.units, task),
        parts.fingerprints_path(work.units, task),
    )
    parts.write_articles(articles, kept)
    parts.write_fingerprints(prints, dedup.concat(fingerprints))
    produced = Produced(
        task, piece.file.relpath, records, len(kept), stats.counts, tuple(batches), shards
    )
    files = tuple((s.path, s.bytes) for s in shards)
    record = finished.Record(task, finished.identity(piece), work.context, files, produced)
    finished.save(work.units, record, (articles, prints))
    return produced


@dataclass(frozen=True, slots=True)
class LinkJob:
    """One hash partition of the keys of every task of the run (and of the published index)."""

    part: int
    parts: int
    tasks: tuple[int, ...]  # every read task, in order


def _keys_of(
    paths: Iterable[tuple[np.ndarray, np.ndarray]], part: int, parts_: int
) -> tuple[I64, np.ndarray]:
    """(row, key) pairs of one partition (``dedup.keys``), rows counted over ``paths``: each
    task's keys are dropped once its partition's are taken (a task of 1/P of the keys holds
    1/P of them, not every article's 136 bytes: 1,012 -> 863 MB of peak at 3M, P = 4, in
    ``benchmarks/dedup/linking.py``)."""
    rows, keys = [], []
    start = 0
    for url, bands in paths:
        at, found = partition_keys(url, bands, part, parts_)
        rows.append(at + start)
        keys.append(found)
        start += len(url)
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    return np.concatenate(rows).astype(np.int64, copy=False), np.concatenate(keys)


def linked(work: Work, job: LinkJob) -> int:
    """Find the articles that share a URL hash or a band key (in this partition) with another
    article (the only ones dedup can change; everything else in the partition is unique), and
    each one's component in this partition's part of the key graph: this run's ordinals as
    they are, published rows as ``-row - 1`` (``components.forest``), left in a file for the
    cut task. Returns how many it found."""
    new = (parts.read_keys(parts.fingerprints_path(work.units, t)) for t in job.tasks)
    # rows count from 0 over every task in order: they are the run's ordinals
    ordinals, keys = _keys_of(new, job.part, job.parts)
    found, least = components.link(ordinals, keys, *_published_keys(work, job.part, job.parts))
    parts.write_forest(work.units, job.part, found, least)
    return len(found)


def _published_keys(work: Work, part: int, parts_: int) -> tuple[I64, np.ndarray]:
    """(row, key) pairs of one partition of the published index: from each part's key file,
    the partition's row groups only (a part written before the key files: its columns)."""
    if work.published is None:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    rows, keys = [np.zeros(0, np.int64)], [np.zeros(0, np.uint64)]
    start = 0
    for table_path, _ in index_places(work.published / "dedup"):
        keys_file = keys_path(table_path)
        if keys_file is not None and keys_file.is_file():
            at, found = read_keys(keys_file, part, parts_)
        else:
            table = table_path.read_table(["url", "bands"])
            url, bands = table.column("url").to_numpy(), band_matrix(table.column("bands"))
            at, found = partition_keys(url, bands, part, parts_)
        rows.append(at + start)
        keys.append(found)
        start += table_path.parquet_file().metadata.num_rows
    return np.concatenate(rows), np.concatenate(keys)


def gather(work: Work, job: tuple[int, I64]) -> dedup.Fingerprints:
    """The fingerprints (no signatures) of some rows of one task's articles."""
    task, rows = job
    return parts.read_fingerprints(parts.fingerprints_path(work.units, task), rows)


def published(work: Work, rows: I64) -> dedup.DedupIndex:
    """The published index's rows ``rows`` (sorted), as a small index without signatures."""
    assert work.published is not None
    tables, start, ngram = [], 0, None
    for table_path, _ in index_places(work.published / "dedup"):
        table = table_path.read_table()
        ngram = check_params(table.schema, work.published / "dedup")
        mine = rows[(rows >= start) & (rows < start + table.num_rows)] - start
        tables.append(table.take(pa.array(mine, pa.int64())))
        start += table.num_rows
    table = pa.concat_tables(tables)
    return dedup.DedupIndex(
        ids=table.column("id").combine_chunks(),
        exact=table.column("exact").to_numpy(),
        url=table.column("url").to_numpy(),
        size=table.column("size").to_numpy(),
        bands=band_matrix(table.column("bands")),
        sigs=np.zeros((table.num_rows, 0), np.uint16),
        ngram=ngram,
    )


@dataclass(frozen=True, slots=True)
class RouteJob:
    """One task's articles to route (the fates of its linked rows are in its fates file,
    ``parts.read_fates``; others are unique) and the number its index part gets."""

    task: int
    index_part: int


def route(work: Work, job: RouteJob) -> Routed:
    """Write one task's articles to data or duplicates by their fates, and its survivors'
    fingerprints as a part of the next version's dedup index."""
    cfg, stats, summary = work.cfg, Stats(), SummaryBuilder()
    rel = _task_dir(job.task, "route")
    table = parts.articles_path(work.units, job.task).read_table()
    fates = parts.read_fates(work.units, job.task)
    tables, survives = units.routed_rows(table, fates, work.takedowns, (stats, summary))
    with (work.build / rel).written() as folder:
        shards = {}
        for name, schema in SCHEMAS.items():
            writer = ShardWriter(folder, name, schema, ShardSettings.of(cfg))
            if name in tables:
                writer.write_table(tables[name], string_sizes(tables[name]))
            shards[name] = _shards(rel, writer)
    index: tuple[FileEntry, ...] = ()
    if survives.any():
        fps = parts.read_fingerprints(parts.fingerprints_path(work.units, job.task), sigs=True)
        with (work.build / "dedup").written() as folder:
            written = write_part(folder, job.index_part, fps.select(survives), cfg.dedup_ngram)
            index = entries(folder, "dedup", written)
    return Routed(
        job.task,
        shards,
        index,
        int(survives.sum()),
        stats.counts,
        summary.build(),
    )
