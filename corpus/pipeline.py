"""The ingest pipeline: chains the stages and drains them into a new version folder.

    read -> validate -> structure -> langid -> dedup -> write (data | duplicates | rejects)

Stages are generators; the only global step (dedup) spools to disk between its two passes, so
memory is bounded by batch size plus the dedup index, not by corpus size.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corpus import __version__, card, dedup, langid, sources, structure, validate, versions
from corpus.config import Config
from corpus.errors import ConservationError, InputError
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
from corpus.shards import ShardWriter, Spool, file_sha256
from corpus.stats import Stats

log = logging.getLogger(__name__)

#: ``progress(phase, done)``: phase is "read" (records read) or "write" (records routed).
Progress = Callable[[str, int], None]
_PROGRESS_EVERY = 256


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What an ingest produced: the new version and its counts."""

    version_dir: Path
    version: str
    counts: dict[str, int]
    languages: dict[str, int]
    skipped: list[sources.Skipped]
    seconds: float


@dataclass(slots=True)
class _Summary:
    """Per-table facts gathered while writing, for the manifest and the card."""

    languages: Counter[str] = field(default_factory=Counter)
    publishers: Counter[str] = field(default_factory=Counter)
    published_min: tuple[float, str] | None = None
    published_max: tuple[float, str] | None = None
    published_missing: int = 0

    def add(self, article: Article) -> None:
        self.languages[article.language or "unknown"] += 1
        self.publishers[article.publisher or "unknown"] += 1
        if not article.published_at:
            self.published_missing += 1
            return
        key = (dedup.published_timestamp(article.published_at), article.published_at)
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
    dedup_previous: bool = False,
) -> IngestResult:
    """Read raw files under ``paths`` and write the next version of ``cfg.dataset``.

    The version appears only when complete; ``read == accepted + duplicates + rejected`` is
    checked before it does (``ConservationError`` otherwise, and nothing is written).
    ``dedup_previous``: deduplicate against every published article through the latest
    version's dedup index; for an ingest whose version carries the previous rows forward (a
    full rebuild must not, or it would drop everything already published).
    """
    started = time.perf_counter()
    files, skipped = sources.discover(paths)
    if not files:
        where = ", ".join(str(p) for p in paths)
        raise InputError(
            f"no readable files under {where} (supported: {', '.join(sorted(sources.FORMATS))}, optionally .gz)"
        )
    for s in skipped:
        log.warning("skipping %s: %s", s.relpath, s.reason)
    dataset_dir = cfg.out / cfg.dataset
    version = versions.next_version(dataset_dir, cfg.version)
    parent = versions.list_versions(dataset_dir)
    stats = Stats()
    per_file: Counter[str] = Counter()
    summary = _Summary()
    report = progress or (lambda phase, done: None)

    with versions.building(dataset_dir, version) as tmp:
        rejects = ShardWriter(tmp, "rejects", REJECTED_SCHEMA, cfg)
        data = ShardWriter(tmp, "data", ARTICLE_SCHEMA, cfg)
        duplicates = ShardWriter(tmp, "duplicates", DUPLICATE_SCHEMA, cfg)

        items = validate.run(sources.run(files, cfg, stats), cfg, stats)
        records = _divert_rejects(items, rejects, per_file, report)
        structured: deque[RawRecord] = deque()  # raw records of articles on their way to langid
        articles = _on_target(
            langid.run(_structured(records, rejects, stats, cfg, structured), cfg, stats),
            structured,
            rejects,
            cfg,
            stats,
        )
        index = _dedup_index(dataset_dir, parent) if dedup_previous else dedup.DedupIndex()
        spool = Spool(tmp / ".dedup-spool.parquet", cfg)
        routed = dedup.run(articles, cfg, stats, spool, index=index)
        for done, item in enumerate(routed, start=1):
            if isinstance(item, Duplicate):
                duplicates.write(to_row(item))
            else:
                data.write(to_row(item))
                summary.add(item)
            if done % _PROGRESS_EVERY == 0:
                report("write", done)

        index_files = index.save(tmp / "dedup", cfg.dedup_ngram)
        shards = {
            "data": data.close(),
            "duplicates": duplicates.close(),
            "rejects": rejects.close(),
        }
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
        manifest = {
            "dataset": cfg.dataset,
            "version": str(version),
            "parent": str(parent[-1]) if parent else None,
            "created_at": (created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
            "code_version": __version__,
            "config_hash": cfg.fingerprint,
            "config": {k: v for k, v in cfg.public().items() if k not in {"out", "version"}},
            "counts": counts,
            "conservation": "read == accepted + duplicates + rejected",
            "stages": stats.as_dict(),
            "summary": summary.as_dict(),
            "inputs": [
                {
                    "path": f.relpath,
                    "format": f.format,
                    "sha256": f.sha256(),
                    "records": per_file[f.relpath],
                }
                for f in files
            ],
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
        }
        versions.write_json(tmp / versions.MANIFEST, manifest)
        load_path = (dataset_dir / version.dirname).as_posix()
        (tmp / "README.md").write_text(card.render(manifest, load_path), encoding="utf-8")

    return IngestResult(
        version_dir=dataset_dir / version.dirname,
        version=str(version),
        counts=counts,
        languages=dict(summary.languages.most_common()),
        skipped=skipped,
        seconds=time.perf_counter() - started,
    )


def _dedup_index(dataset_dir: Path, parent: list[versions.Version]) -> dedup.DedupIndex:
    """The newest dedup index (cumulative over every earlier version), or an empty one."""
    # A version made without one (a takedown, or one older than the index) falls back to the
    # newest earlier index: it covers a superset of what is published now.
    for version in reversed(parent):
        folder = dataset_dir / version.dirname / "dedup"
        if (folder / dedup.INDEX_FILE).is_file():
            if version != parent[-1]:
                log.warning("%s has no dedup index; using the one of %s", parent[-1], version)
            return dedup.DedupIndex.load(folder)
    if parent:
        log.warning("no version has a dedup index: new articles are checked only among themselves")
    return dedup.DedupIndex()


def _shard_dict(info: Any) -> dict[str, Any]:
    return {"path": info.path, "rows": info.rows, "bytes": info.bytes, "sha256": info.sha256}


def _divert_rejects(
    items: Iterable[RawRecord | Rejected],
    rejects: ShardWriter,
    per_file: Counter[str],
    report: Progress,
) -> Iterator[RawRecord]:
    """Write rejected records out; pass the valid ones on."""
    for done, item in enumerate(items, start=1):
        if done % _PROGRESS_EVERY == 0:
            report("read", done)
        if isinstance(item, Rejected):
            per_file[item.source.path] += 1
            rejects.write(to_row(item))
        else:
            per_file[item.provenance.path] += 1
            yield item


def _structured(
    records: Iterable[RawRecord],
    rejects: ShardWriter,
    stats: Stats,
    cfg: Config,
    structured: deque[RawRecord] | None = None,
) -> Iterator[Article]:
    """Run the structure stage; an article left with no body is rejected with its raw text.
    The raw record of each article passed on is appended to ``structured``, if given."""
    pending: deque[RawRecord] = deque()

    def feed() -> Iterator[RawRecord]:
        for record in records:
            pending.append(record)
            yield record

    for article in structure.run(feed(), stats, cfg):
        record = pending.popleft()  # structure is one-to-one and keeps order
        if article.text.strip():
            if structured is not None:
                structured.append(record)
            yield article
            continue
        stats.count("structure", "empty_body")
        prov = record.provenance
        rejects.write(
            to_row(
                Rejected(
                    id=article.id,
                    stage="structure",
                    reason="empty_body",
                    issues=(
                        Issue(
                            "/text", "no body text is left after removing boilerplate", "empty_body"
                        ),
                    ),
                    raw=record.raw,
                    source=prov,
                )
            )
        )


def _on_target(
    articles: Iterable[Article],
    structured: deque[RawRecord],
    rejects: ShardWriter,
    cfg: Config,
    stats: Stats,
) -> Iterator[Article]:
    """Reject articles outside ``cfg.languages`` (with their raw record) when asked to."""
    for article in articles:
        record = structured.popleft()  # langid is one-to-one and keeps order
        if langid.on_target(article, cfg.languages):
            yield article
            continue
        stats.count("langid", "other_language")
        if cfg.other_languages == "keep":
            yield article
            continue
        rejects.write(
            to_row(
                Rejected(
                    id=article.id,
                    stage="language",
                    reason="language",
                    issues=(
                        Issue(
                            "/text",
                            f"language {article.language!r} (score {article.language_score}) is "
                            f"not a target language ({', '.join(cfg.languages)}); keep it with "
                            "--other-languages keep",
                            "language",
                        ),
                    ),
                    raw=record.raw,
                    source=record.provenance,
                )
            )
        )
