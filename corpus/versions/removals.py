"""Takedowns: a version without some articles, and the rule that keeps them out for good."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corpus import dedup, storage
from corpus.config import Config
from corpus.errors import VersionError
from corpus.manifest import Counts, Manifest, Removal
from corpus.records import Article, Duplicate, Issue, Rejected
from corpus.versions.layout import next_version, resolve
from corpus.versions.writer import Provenance, VersionWriter

#: Why a takedown reject carries no raw text (rejects are otherwise verbatim).
TAKEDOWN_MESSAGE = (
    "this article (or what it copies) was taken down; see removals in manifest.json. Its raw "
    "text is deliberately not kept: a takedown means the text must not be redistributed, not "
    "even among rejects"
)


@dataclass(frozen=True, slots=True)
class Takedowns:
    """Articles removed on request from an earlier version: they, and copies of them, stay out
    of every later version, rebuilt or not."""

    ids: frozenset[str]
    url_hashes: frozenset[int]  # normalized URLs (scheme, www., tracking parameters ignored)

    @classmethod
    def of(cls, removals: Iterable[Removal]) -> Takedowns:
        """From a manifest's ``removals``."""
        removals = tuple(removals)
        return cls(
            frozenset(r.id for r in removals),
            frozenset(h for r in removals if (h := dedup.url_hash(r.url))),
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
        """The reject row for it: provenance and id, and why its text is not kept."""
        return Rejected(
            id=article.id,
            stage="removed",
            reason="taken_down",
            issues=(Issue("", TAKEDOWN_MESSAGE, "taken_down"),),
            raw="",
            source=article.source,
        )


def remove(
    dataset_dir: Path,
    *,
    ids: Iterable[str] = (),
    urls: Iterable[str] = (),
    reason: str,
    cfg: Config,
    created_at: datetime | None = None,
    mirror: storage.Mirror | None = None,
) -> tuple[Path, list[Removal]]:
    """Create the next version without the articles whose id or URL is given.

    Shards that hold none of them are shared with the previous version; the others are rewritten
    without those rows. The removals are listed in the manifest, and ingest keeps them out of
    every later version (``Takedowns``). ``mirror``: the dataset is on an fsspec URL and
    ``dataset_dir`` stages it (the shards are read there, the new version uploaded).
    """
    wanted_ids = {i.strip() for i in ids if i.strip()}
    wanted_urls = {u.strip() for u in urls if u.strip()}
    if not wanted_ids and not wanted_urls:
        raise VersionError("nothing to remove: give --id, --url or --from-file")
    if not reason.strip():
        raise VersionError("a removal needs a --reason (it is recorded in the manifest)")
    previous_dir = resolve(dataset_dir, "latest")
    previous = Manifest.read(previous_dir)
    version = next_version(dataset_dir, cfg.version)
    facts = Provenance(
        build="takedown",
        parent=previous,
        created_at=(created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        code_version=previous.code_version,
        code_digest=previous.code_digest,
        config_hash=previous.config_hash,
        config=previous.config,
        mixed=previous.mixed,
    )
    where: storage.Where = Path
    if mirror is not None:
        mirror.fetch_artifacts(previous_dir)  # the index and statistics the version shares
        where = mirror.remote
    wanted = (wanted_ids, wanted_urls)
    with VersionWriter(dataset_dir, version, cfg, facts, mirror) as writer:
        removed = _copy_without(writer, previous_dir, previous, wanted, reason, where)
        if not removed:
            raise VersionError(f"no article of v{previous.version} has the given id(s) or URL(s)")
        # The dedup index still knows the removed articles: a re-scraped copy is then a duplicate
        # of a removed id, and ingest rejects takedowns by id and URL before dedup.
        index = previous.dedup_index
        writer.share(previous_dir, (*index.files, *previous.learned.files))
        before = previous.counts
        writer.finish(
            counts=Counts(
                read=before.read,
                accepted=before.accepted - sum(r.table == "data" for r in removed),
                duplicates=before.duplicates - sum(r.table == "duplicates" for r in removed),
                rejected=before.rejected,
                removed=before.removed + len(removed),
            ),
            ingest_counts=None,
            stages=previous.stages,
            summary=None,  # summarized from the shards the new version keeps
            inputs=previous.inputs,
            skipped=previous.skipped,
            dedup_index=index,
            removals=(*previous.removals, *removed),
            learned=previous.learned,
        )
    return dataset_dir / version.dirname, removed


def _copy_without(
    writer: VersionWriter,
    previous_dir: Path,
    previous: Manifest,
    wanted: tuple[set[str], set[str]],
    reason: str,
    where: storage.Where,
) -> list[Removal]:
    """Carry the previous version's shards into ``writer``, rewriting those that hold an
    article to remove (by id or URL, and in duplicates/ every copy of a removed article)."""
    ids, urls = wanted
    removed: list[Removal] = []
    gone = {r.id for r in previous.removals if r.table == "data"}
    for table in ("data", "duplicates", "rejects"):
        if table == "duplicates":  # copies of a removed article go too: they hold its text
            gone |= {r.id for r in removed if r.table == "data"}
        for shard in previous.shards.get(table, ()):
            source = where(previous_dir / shard.path)
            hits: set[str] = set()
            if table != "rejects":
                hits = _matches(source, ids, urls, gone if table == "duplicates" else set())
            if not hits:
                writer.carry(table, previous_dir, previous.version, shard)
                continue
            for row in _rows(source):
                if row["id"] in hits:
                    version = str(writer.version)
                    removed.append(Removal(row["id"], row.get("url"), reason, version, table))
                else:
                    writer.write_row(table, row)
    return removed


def _matches(shard: storage.Source, ids: set[str], urls: set[str], copies_of: set[str]) -> set[str]:
    """Ids of the rows of a shard to remove: by id, by URL (normalized), or, in duplicates/, by
    the removed article they copy (``duplicate_of`` or ``cluster_id`` in ``copies_of``)."""
    wanted_urls = {dedup.url_hash(u) for u in urls} - {0}
    columns = ["id", "url", "duplicate_of", "cluster_id"] if copies_of else ["id", "url"]
    rows = storage.read_table(shard, columns).to_pylist()
    return {
        r["id"]
        for r in rows
        if r["id"] in ids
        or dedup.url_hash(r["url"]) in wanted_urls
        or (copies_of and (r["duplicate_of"] in copies_of or r["cluster_id"] in copies_of))
    }


def _rows(shard: storage.Source) -> Iterator[dict[str, Any]]:
    parquet = storage.parquet_file(shard)
    for group in range(parquet.num_row_groups):
        yield from parquet.read_row_group(group).to_pylist()
