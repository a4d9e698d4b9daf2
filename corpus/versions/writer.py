"""The one version writer: every operation that makes a version (ingest, takedown) uses it.

It owns the private build folder, the three tables' shard writers, the files shared from the
parent version, and the last steps: manifest (checked for conservation against its shards) and
card, before the folder is renamed into place.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa

from corpus import storage
from corpus.config import Config
from corpus.manifest import (
    TABLES,
    Artifacts,
    Counts,
    FileEntry,
    InputEntry,
    Manifest,
    Removal,
    ShardEntry,
    Skipped,
    Summary,
)
from corpus.records import (
    ARTICLE_SCHEMA,
    DUPLICATE_SCHEMA,
    REJECTED_SCHEMA,
    Article,
    schema_fingerprint,
    to_row,
)
from corpus.shards import Carried, ShardSettings, ShardWriter, file_sha256, link_or_copy
from corpus.versions.layout import Version, building
from corpus.versions.summary import SummaryBuilder, summarize

SCHEMAS = {"data": ARTICLE_SCHEMA, "duplicates": DUPLICATE_SCHEMA, "rejects": REJECTED_SCHEMA}


@dataclass(frozen=True, slots=True)
class Provenance:
    """How a version came to be: the facts of the operation that made it."""

    build: str  # full | incremental | takedown
    parent: Manifest | None
    created_at: str
    code_version: str
    code_digest: str
    config_hash: str
    config: Mapping[str, Any]
    mixed: tuple[str, ...] = ()  # code digests of earlier rows, when --allow-mixed


class VersionWriter:
    """Builds ``<dataset>/vX.Y.Z`` in a private folder; it appears only when ``finish`` ran and
    the ``with`` block ends without an exception."""

    def __init__(
        self,
        dataset_dir: Path,
        version: Version,
        cfg: Config,
        facts: Provenance,
        mirror: storage.Mirror | None = None,
    ) -> None:
        self.dataset_dir, self.version, self.facts = dataset_dir, version, facts
        self.mirror = mirror  # the output is on an fsspec URL: ``dataset_dir`` stages it
        self._cfg = cfg
        self._stack = ExitStack()
        self._tables: dict[str, ShardWriter] = {}
        self._carried: dict[str, list[Carried]] = {t: [] for t in TABLES}
        self._new = dict.fromkeys(TABLES, 0)
        self.summary = SummaryBuilder()
        self.manifest: Manifest | None = None
        self.folder = Path()
        self.url: str | None = None  # where the version is, on an fsspec output

    def __enter__(self) -> VersionWriter:
        self.folder = self._stack.enter_context(building(self.dataset_dir, self.version))
        self._tables = {
            t: ShardWriter(self.folder, t, SCHEMAS[t], ShardSettings.of(self._cfg)) for t in TABLES
        }
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None and self.manifest is None:
            self._stack.close()  # the private folder goes; nothing is renamed
            raise RuntimeError("VersionWriter left without finish(): no version was written")
        self._stack.__exit__(kind, exc, tb)
        if kind is None and self.mirror is not None:
            self._upload(self.mirror)

    def _upload(self, mirror: storage.Mirror) -> None:
        """On an fsspec output the staged version is uploaded, manifest last; if that fails,
        the staged copy goes too (the URL has no such version), so the next run makes it again
        (reusing this run's finished units: the caller closes its run log only on success)."""
        staged = self.dataset_dir / self.version.dirname
        try:
            self.url = mirror.upload(staged)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise

    def write(self, table: str, record: Any) -> None:
        """Add a record (Article, Duplicate, Rejected) to ``table``."""
        if isinstance(record, Article):
            self.summary.add(record.language, record.publisher, record.published_at)
        self.write_row(table, to_row(record))

    def write_row(self, table: str, row: Mapping[str, Any]) -> None:
        """Add a row as read from an earlier version's shard (no summary: the caller's job)."""
        self._tables[table].write(row)
        self._new[table] += 1

    def write_table(self, table: str, rows: pa.Table, sizes: Sequence[int]) -> None:
        """Add rows already made into a table (``ShardWriter.write_table``; no summary: the
        caller's job)."""
        self._tables[table].write_table(rows, sizes)
        self._new[table] += rows.num_rows

    def adopt(
        self, table: str, path: Path, rows: int, sha256: str, size: int | None = None
    ) -> None:
        """Add a shard a worker wrote (inside this version's folder, or at its place on an
        fsspec output: ``Mirror.place``, with its ``size``) to ``table``."""
        self._tables[table].adopt(path, rows, sha256, size)
        self._new[table] += rows

    def written(self, read: int) -> Counts:
        """The rows this operation wrote itself (not carried), for ``read`` records it read."""
        new = self._new
        return Counts(read, new["data"], new["duplicates"], new["rejects"])

    def carry(self, table: str, source_dir: Path, origin_version: str, shard: ShardEntry) -> None:
        """Share an earlier version's shard unchanged (hard-linked, or copied on the server of
        an fsspec output) into this one."""
        size = shard.bytes if self.mirror else None  # a staged version holds no shards
        origin = shard.origin(origin_version)
        self._carried[table].append(
            Carried(source_dir / shard.path, origin, shard.rows, shard.sha256, size)
        )

    def carry_all(self, source_dir: Path, manifest: Manifest) -> None:
        """Share every shard of an earlier version (an incremental ingest extends it)."""
        for table, shards in manifest.shards.items():
            for shard in shards:
                self.carry(table, source_dir, manifest.version, shard)

    def share(self, source_dir: Path, entries: Iterable[FileEntry]) -> tuple[FileEntry, ...]:
        """Share files of an earlier version (e.g. its dedup index) at the same paths."""
        for entry in entries:
            target = self.folder / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(source_dir / entry.path, target)
        return tuple(entries)

    def listed(self, paths: Iterable[Path]) -> tuple[FileEntry, ...]:
        """Manifest entries of files written into this version's folder."""
        return tuple(
            FileEntry(p.relative_to(self.folder).as_posix(), p.stat().st_size, file_sha256(p))
            for p in paths
        )

    def finish(
        self,
        *,
        counts: Counts,
        ingest_counts: Counts | None,
        stages: Mapping[str, Mapping[str, int]],
        summary: Summary | None,
        inputs: Iterable[InputEntry],
        skipped: Iterable[Skipped],
        dedup_index: Artifacts,
        removals: Iterable[Removal],
        learned: Artifacts | None = None,
        each: Callable[[Callable[[Any], Any], list[Any]], Iterable[Any]] = map,
    ) -> Manifest:
        """Close the shards, write the manifest and the card; the manifest is checked first.

        ``summary`` None: summarize the data shards the version ends with (after a takedown).
        ``each`` maps the card's count over the data shards (``card.statistics``)."""
        share = self.mirror.copy_later if self.mirror else link_or_copy
        move = self.mirror.move_later if self.mirror else os.replace
        shards = {
            table: tuple(_entry(s) for s in writer.close(self._carried[table], share, move))
            for table, writer in self._tables.items()
        }
        data = [self._source(s) for s in shards["data"]]
        if summary is None:
            summary = summarize(data)
        facts = self.facts
        manifest = Manifest(
            dataset=self.dataset_dir.name,
            version=str(self.version),
            parent=facts.parent.version if facts.parent else None,
            created_at=facts.created_at,
            build=facts.build,
            code_version=facts.code_version,
            code_digest=facts.code_digest,
            config_hash=facts.config_hash,
            config=facts.config,
            counts=counts,
            ingest_counts=ingest_counts.check("this ingest") if ingest_counts else None,
            stages=stages,
            summary=summary,
            inputs=tuple(inputs),
            skipped=tuple(skipped),
            shards=shards,
            dedup_index=dedup_index,
            schema_fingerprint={t: schema_fingerprint(s) for t, s in SCHEMAS.items()},
            removals=tuple(removals),
            mixed=facts.mixed,
            learned=learned or Artifacts(),
        ).check()
        from corpus import card  # the card's template and YAML are needed only here

        stats = card.statistics(data, each)
        card_path = self.folder / "README.md"
        card_path.write_text(card.render(manifest.to_dict(), stats=stats), encoding="utf-8")
        manifest = manifest.evolve(card=self.listed([card_path])[0])
        manifest.write(self.folder)
        self.manifest = manifest
        return manifest

    def _source(self, shard: ShardEntry) -> storage.Source:
        """Where a shard of the version being built is read: a shard shared from an earlier
        version on an fsspec output is read there (it is copied on the server at upload)."""
        if self.mirror and shard.shared_from:
            return self.mirror.remote(self.dataset_dir / shard.shared_from)
        if self.mirror:  # a task of a distributed run may have written it on the URL
            return self.mirror.source(self.folder / shard.path)
        # absolute: a distributed run's tasks count it (``each``) in processes of their own cwd
        return (self.folder / shard.path).absolute()


def _entry(info: Any) -> ShardEntry:
    return ShardEntry(info.path, info.rows, info.bytes, info.sha256, info.shared_from, info.link)
