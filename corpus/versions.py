"""Version folders: layout, numbering, manifest, and the atomic build-then-rename."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.errors import VersionError

if TYPE_CHECKING:
    from corpus.config import Config

MANIFEST = "manifest.json"
_VERSION_DIR = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
_BUILDING = ".building-"


@dataclass(frozen=True, slots=True, order=True)
class Version:
    """A semantic version ``X.Y.Z``; its folder is ``vX.Y.Z``."""

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        """``"1.2.0"`` or ``"v1.2.0"`` -> Version."""
        match = _VERSION_DIR.match(text if text.startswith("v") else f"v{text}")
        if not match:
            raise VersionError(f"{text!r} is not a version like v1.2.0")
        return cls(*(int(g) for g in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def dirname(self) -> str:
        """The folder name, ``vX.Y.Z``."""
        return f"v{self}"

    def next_minor(self) -> Version:
        """The next minor release (``1.2.3`` -> ``1.3.0``)."""
        return Version(self.major, self.minor + 1, 0)


FIRST = Version(1, 0, 0)


def list_versions(dataset_dir: Path) -> list[Version]:
    """Complete versions of a dataset, oldest first (folders being built are ignored)."""
    if not dataset_dir.is_dir():
        return []
    found = []
    for entry in dataset_dir.iterdir():
        if entry.is_dir() and _VERSION_DIR.match(entry.name) and (entry / MANIFEST).is_file():
            found.append(Version.parse(entry.name))
    return sorted(found)


def next_version(dataset_dir: Path, explicit: str | None, part: str = "minor") -> Version:
    """The version a new ingest creates: ``explicit`` if given (must be new and newer), else the
    latest with ``part`` (major | minor | patch) raised, else 1.0.0."""
    existing = list_versions(dataset_dir)
    if explicit is None:
        return bump(existing[-1], part) if existing else FIRST
    wanted = Version.parse(explicit)
    if (dataset_dir / wanted.dirname).exists():
        raise VersionError(
            f"{dataset_dir / wanted.dirname} already exists; versions are never overwritten"
        )
    if existing and wanted <= existing[-1]:
        raise VersionError(f"version {wanted} is not newer than the latest, {existing[-1]}")
    return wanted


@contextmanager
def building(dataset_dir: Path, version: Version) -> Iterator[Path]:
    """A private folder to build a version in; renamed to ``vX.Y.Z`` only if the block succeeds.

    A crash or an exception leaves no ``vX.Y.Z`` behind (the temp folder is removed, or, after a
    kill -9, ignored by ``list_versions`` and cleaned by the next build).
    """
    dataset_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(dataset_dir)
    tmp = dataset_dir / f"{_BUILDING}{version.dirname}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        yield tmp
        final = dataset_dir / version.dirname
        try:
            # rename() onto an existing non-empty folder fails: a racing ingest cannot clobber.
            os.rename(tmp, final)
        except OSError as exc:
            raise VersionError(
                f"cannot create {final}: {exc.strerror}; it was created meanwhile?"
            ) from None
        _fsync_dir(dataset_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _remove_stale_builds(dataset_dir: Path) -> None:
    for entry in dataset_dir.iterdir():
        if entry.name.startswith(_BUILDING):
            pid = entry.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temp file + replace), pretty and with sorted keys."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    os.replace(tmp, path)


def read_manifest(version_dir: Path) -> dict[str, Any]:
    """The manifest of a version folder."""
    path = version_dir / MANIFEST
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VersionError(f"{version_dir} is not a version: no {MANIFEST}") from None
    except json.JSONDecodeError as exc:
        raise VersionError(f"{path} is damaged: {exc}") from None
    return data


# --------------------------------------------------------------------------- listing and diff


def resolve(dataset_dir: Path, ref: str) -> Path:
    """A version folder from ``"1.2.0"``, ``"v1.2.0"``, ``"latest"`` or a path to one."""
    as_path = Path(ref)
    if (as_path / MANIFEST).is_file():
        return as_path
    if ref == "latest":
        found = list_versions(dataset_dir)
        if not found:
            raise VersionError(f"{dataset_dir} has no versions yet")
        return dataset_dir / found[-1].dirname
    folder = dataset_dir / Version.parse(ref).dirname
    if not (folder / MANIFEST).is_file():
        raise VersionError(
            f"{folder} is not a version (known: {', '.join(map(str, list_versions(dataset_dir))) or 'none'})"
        )
    return folder


def describe(dataset_dir: Path) -> list[dict[str, Any]]:
    """One summary per version, oldest first: version, parent, created_at, counts, bytes."""
    rows = []
    for version in list_versions(dataset_dir):
        manifest = read_manifest(dataset_dir / version.dirname)
        shards = [s for table in manifest.get("shards", {}).values() for s in table]
        rows.append(
            {
                "version": str(version),
                "parent": manifest.get("parent"),
                "created_at": manifest.get("created_at"),
                "counts": manifest.get("counts", {}),
                "bytes": sum(int(s.get("bytes", 0)) for s in shards),
                "path": (dataset_dir / version.dirname).as_posix(),
            }
        )
    return rows


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """What changed in ``data`` between two versions. An article whose URL is in both but whose
    id differs (its content changed) is *changed*, not added plus removed."""

    old: str
    new: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[tuple[str, str], ...]  # (old id, new id)
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able form, for ``--format json``."""
        return {
            "old": self.old,
            "new": self.new,
            "counts": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
            },
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [{"old": o, "new": n} for o, n in self.changed],
        }


def data_ids(version_dir: Path) -> dict[str, str | None]:
    """``{id: url}`` of every accepted article of a version (reads two columns only)."""
    import pyarrow.parquet as pq

    manifest = read_manifest(version_dir)
    ids: dict[str, str | None] = {}
    for shard in manifest.get("shards", {}).get("data", []):
        table = pq.read_table(version_dir / shard["path"], columns=["id", "url"])
        ids.update(
            zip(table.column("id").to_pylist(), table.column("url").to_pylist(), strict=True)
        )
    return ids


def diff(old_dir: Path, new_dir: Path) -> VersionDiff:
    """Added, removed and changed articles from ``old_dir`` to ``new_dir``."""
    old, new = data_ids(old_dir), data_ids(new_dir)
    gone = {i: u for i, u in old.items() if i not in new}
    came = {i: u for i, u in new.items() if i not in old}
    new_by_url = {u: i for i, u in sorted(came.items()) if u}
    changed = []
    for old_id, url in sorted(gone.items()):
        if url and url in new_by_url:
            changed.append((old_id, new_by_url.pop(url)))
    changed_old = {o for o, _ in changed}
    changed_new = {n for _, n in changed}
    return VersionDiff(
        old=str(read_manifest(old_dir)["version"]),
        new=str(read_manifest(new_dir)["version"]),
        added=tuple(sorted(i for i in came if i not in changed_new)),
        removed=tuple(sorted(i for i in gone if i not in changed_old)),
        changed=tuple(changed),
        unchanged=len(old.keys() & new.keys()),
    )


# --------------------------------------------------------------------------- takedowns


@dataclass(frozen=True, slots=True)
class Removal:
    """An article taken out of the dataset, recorded in every later version's manifest."""

    id: str
    url: str | None
    reason: str
    version: str  # the version that first left it out
    table: str  # data | duplicates


def remove(
    dataset_dir: Path,
    *,
    ids: Iterable[str] = (),
    urls: Iterable[str] = (),
    reason: str,
    cfg: Config,
    created_at: datetime | None = None,
) -> tuple[Path, list[Removal]]:
    """Create the next version without the articles whose id or URL is given.

    Shards that hold none of them are shared with the previous version; the others are rewritten
    without those rows. The removals are listed in the manifest, and ``pipeline.ingest`` keeps
    them out of every later version.
    """
    from corpus import card
    from corpus.records import ARTICLE_SCHEMA, DUPLICATE_SCHEMA, REJECTED_SCHEMA
    from corpus.shards import Carried, ShardWriter, link_or_copy

    wanted_ids = {i.strip() for i in ids if i.strip()}
    wanted_urls = {u.strip() for u in urls if u.strip()}
    if not wanted_ids and not wanted_urls:
        raise VersionError("nothing to remove: give --id, --url or --from-file")
    if not reason.strip():
        raise VersionError("a removal needs a --reason (it is recorded in the manifest)")
    previous_dir = resolve(dataset_dir, "latest")
    previous = read_manifest(previous_dir)
    version = next_version(dataset_dir, cfg.version)
    removed: list[Removal] = []
    schemas = {"data": ARTICLE_SCHEMA, "duplicates": DUPLICATE_SCHEMA, "rejects": REJECTED_SCHEMA}

    with building(dataset_dir, version) as tmp:
        shards: dict[str, list[dict[str, Any]]] = {}
        for table, schema in schemas.items():
            writer = ShardWriter(tmp, table, schema, cfg)
            carried = []
            # Copies of a removed article go too: duplicates/ holds their full text.
            gone = {r.id for r in removed if r.table == "data"} | {
                r["id"] for r in previous.get("removals", []) if r.get("table") == "data"
            }
            for shard in previous["shards"].get(table, []):
                source = previous_dir / shard["path"]
                hits = (
                    _matches(
                        source, wanted_ids, wanted_urls, gone if table == "duplicates" else set()
                    )
                    if table != "rejects"
                    else set()
                )
                if not hits:
                    origin = shard.get("shared_from") or f"v{previous['version']}/{shard['path']}"
                    carried.append(Carried(source, origin, int(shard["rows"]), shard["sha256"]))
                    continue
                for row in _rows(source):
                    if row["id"] in hits:
                        removed.append(
                            Removal(row["id"], row.get("url"), reason, str(version), table)
                        )
                    else:
                        writer.write(row)
            shards[table] = [_shard_entry(s) for s in writer.close(carried)]
        if not removed:
            raise VersionError(
                f"no article of v{previous['version']} has the given id(s) or URL(s)"
            )
        # The dedup index still knows the removed articles: a re-scraped copy is then a duplicate
        # of a removed id, and the pipeline rejects takedowns by id and URL before dedup.
        for entry in previous.get("dedup_index", {}).get("files", []):
            target = tmp / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(previous_dir / entry["path"], target)
        from corpus.pipeline import summarize

        manifest = {k: v for k, v in previous.items() if k != "ingest_counts"}
        manifest["build"] = "takedown"
        manifest["summary"] = summarize([tmp / s["path"] for s in shards.get("data", [])])
        counts = dict(previous["counts"])
        counts["accepted"] -= sum(r.table == "data" for r in removed)
        counts["duplicates"] -= sum(r.table == "duplicates" for r in removed)
        counts["removed"] = counts.get("removed", 0) + len(removed)
        manifest.update(
            version=str(version),
            parent=str(previous["version"]),
            created_at=(created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
            counts=counts,
            shards=shards,
            removals=[*previous.get("removals", []), *(asdict(r) for r in removed)],
            conservation="read == accepted + duplicates + rejected + removed",
        )
        write_json(tmp / MANIFEST, manifest)
        (tmp / "README.md").write_text(
            card.render(manifest, (dataset_dir / version.dirname).as_posix()), encoding="utf-8"
        )
    return dataset_dir / version.dirname, removed


def _matches(shard: Path, ids: set[str], urls: set[str], copies_of: set[str]) -> set[str]:
    """Ids of the rows of a shard to remove: by id, by URL (normalized), or, in duplicates/, by
    the removed article they copy (``duplicate_of`` or ``cluster_id`` in ``copies_of``)."""
    import pyarrow.parquet as pq

    from corpus.dedup import url_hash

    wanted_urls = {url_hash(u) for u in urls} - {0}
    columns = ["id", "url", "duplicate_of", "cluster_id"] if copies_of else ["id", "url"]
    rows = pq.read_table(shard, columns=columns).to_pylist()
    return {
        r["id"]
        for r in rows
        if r["id"] in ids
        or url_hash(r["url"]) in wanted_urls
        or (copies_of and (r["duplicate_of"] in copies_of or r["cluster_id"] in copies_of))
    }


def _rows(shard: Path) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(shard)
    for group in range(parquet.num_row_groups):
        yield from parquet.read_row_group(group).to_pylist()


def _shard_entry(info: Any) -> dict[str, Any]:
    """A shard as the manifest lists it (shared shards say where they come from)."""
    entry = {"path": info.path, "rows": info.rows, "bytes": info.bytes, "sha256": info.sha256}
    if info.shared_from:
        entry.update(shared_from=info.shared_from, link=info.link)
    return entry


# --------------------------------------------------------------------------- incremental ingest


@dataclass(frozen=True, slots=True)
class Previous:
    """What a new version inherits from the latest one: its folder, manifest, the inputs it has
    already read (by sha256) and its shards."""

    version_dir: Path
    manifest: dict[str, Any]

    @property
    def version(self) -> str:
        """The previous version's number."""
        return str(self.manifest["version"])

    @property
    def input_hashes(self) -> frozenset[str]:
        """sha256 of every raw file some earlier version has read."""
        return frozenset(i["sha256"] for i in self.manifest.get("inputs", []))

    def carried(self, table: str) -> list[Any]:
        """The previous version's shards of ``table``, to share into the new version."""
        from corpus.shards import Carried

        out = []
        for shard in self.manifest.get("shards", {}).get(table, []):
            origin = shard.get("shared_from") or f"v{self.version}/{shard['path']}"
            out.append(
                Carried(
                    self.version_dir / shard["path"], origin, int(shard["rows"]), shard["sha256"]
                )
            )
        return out


def latest_manifest(dataset_dir: Path) -> dict[str, Any] | None:
    """The manifest of the newest version, or None when there is none."""
    found = list_versions(dataset_dir)
    return read_manifest(dataset_dir / found[-1].dirname) if found else None


def previous_for_ingest(dataset_dir: Path, config_hash: str, *, rebuild: bool) -> Previous | None:
    """The version a new ingest builds on, or None for a full build (first version, ``rebuild``).

    A changed configuration needs ``--rebuild``: mixing rows processed under two configurations
    in one version would make it impossible to say how the version was made.
    """
    existing = list_versions(dataset_dir)
    if not existing or rebuild:
        return None
    latest = dataset_dir / existing[-1].dirname
    manifest = read_manifest(latest)
    if manifest.get("config_hash") != config_hash:
        raise VersionError(
            f"the configuration changed since v{manifest['version']} (config hash "
            f"{manifest.get('config_hash')} -> {config_hash}): rerun with --rebuild to reprocess "
            "every input under the new configuration"
        )
    return Previous(latest, manifest)


def bump(version: Version, part: str) -> Version:
    """The next ``major``, ``minor`` or ``patch`` version."""
    match part:
        case "major":
            return Version(version.major + 1, 0, 0)
        case "minor":
            return version.next_minor()
        case "patch":
            return Version(version.major, version.minor, version.patch + 1)
    raise VersionError(f"--bump takes major, minor or patch, not {part!r}")
