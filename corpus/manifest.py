"""The manifest: the typed record of one version, read and written here and nowhere else.

``manifest.json`` is the project's most important contract (DESIGN.md): every other module gets
a ``Manifest`` from ``Manifest.read`` and hands one to ``Manifest.write``; none reads the JSON by
string key. Conservation (``read == accepted + duplicates + rejected (+ removed)``) is checked in
one function, ``Counts.check``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corpus.errors import ConservationError, VersionError
from corpus.records import canonical_json

MANIFEST = "manifest.json"
#: The manifest's own checksum: sha256 of its canonical JSON without this key.
DIGEST_KEY = "manifest_sha256"
TABLES = ("data", "duplicates", "rejects")


@dataclass(frozen=True, slots=True)
class Counts:
    """Where the records went. ``removed``: articles taken down after they were published."""

    read: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    removed: int = 0

    @property
    def formula(self) -> str:
        """The conservation law these counts obey, as written in the manifest."""
        return "read == accepted + duplicates + rejected" + (" + removed" if self.removed else "")

    def check(self, what: str) -> Counts:
        """These counts, or ``ConservationError`` if a record is unaccounted for."""
        placed = self.accepted + self.duplicates + self.rejected + self.removed
        if self.read != placed:
            raise ConservationError(
                f"{what}: read {self.read} != accepted {self.accepted} + duplicates "
                f"{self.duplicates} + rejected {self.rejected}"
                + (f" + removed {self.removed}" if self.removed else "")
                + "; no version was written"
            )
        return self

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f) + getattr(other, f) for f in Counts.__dataclass_fields__))

    def as_dict(self) -> dict[str, int]:
        """The JSON form (``removed`` only once something was removed)."""
        out = {
            "read": self.read,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
        }
        if self.removed:
            out["removed"] = self.removed
        return out

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Counts:
        """From the JSON form."""
        return cls(**{k: int(data.get(k, 0)) for k in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A file of the version other than a shard (dedup index, learned statistics)."""

    path: str  # relative to the version folder
    bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class ShardEntry:
    """A Parquet shard; a shared one names the earlier version's file it is."""

    path: str
    rows: int
    bytes: int
    sha256: str
    shared_from: str | None = None  # "v1.0.0/data/train-00000-of-00001.parquet"
    link: str | None = None  # hardlink | copy

    def origin(self, version: str) -> str:
        """Where this shard's rows were first written."""
        return self.shared_from or f"v{version}/{self.path}"


@dataclass(frozen=True, slots=True)
class InputEntry:
    """A raw input file some ingest of this version's history read."""

    path: str
    format: str
    sha256: str
    records: int


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input path the readers passed over, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Removal:
    """An article taken out of the dataset, recorded in every later version's manifest."""

    id: str
    url: str | None
    reason: str
    version: str  # the version that first left it out
    table: str  # data | duplicates


@dataclass(frozen=True, slots=True)
class Summary:
    """Facts about the accepted articles, for the card."""

    languages: Mapping[str, int] = field(default_factory=dict)
    publishers: Mapping[str, int] = field(default_factory=dict)
    published_min: str | None = None
    published_max: str | None = None
    published_missing: int = 0


@dataclass(frozen=True, slots=True)
class Artifacts:
    """Files a version keeps so later ingests build on it (dedup index, learned statistics)."""

    rows: int = 0  # records they describe (articles the dedup index knows, stories surveyed)
    files: tuple[FileEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class Manifest:
    """One version: what made it, what it holds, and every file in it."""

    dataset: str
    version: str
    parent: str | None
    created_at: str
    build: str  # full | incremental | takedown
    code_version: str
    code_digest: str  # corpus's code, shipped profiles and computing libraries (runs.code_digest)
    config_hash: str
    config: Mapping[str, Any]
    counts: Counts  # the whole version
    ingest_counts: Counts | None  # the ingest that made it (None for a takedown)
    stages: Mapping[str, Mapping[str, int]]
    summary: Summary
    inputs: tuple[InputEntry, ...]
    skipped: tuple[Skipped, ...]
    shards: Mapping[str, tuple[ShardEntry, ...]]
    dedup_index: Artifacts
    schema_fingerprint: Mapping[str, str]
    removals: tuple[Removal, ...] = ()
    #: code digests of earlier rows this version mixes in (``--allow-mixed``); empty: one code.
    mixed: tuple[str, ...] = ()
    card: FileEntry | None = None  # README.md, listed once it is written
    learned: Artifacts = field(default_factory=Artifacts)  # line statistics (corpus/learned.py)

    @property
    def dirname(self) -> str:
        """The version's folder name, ``vX.Y.Z``."""
        return f"v{self.version}"

    @property
    def input_hashes(self) -> frozenset[str]:
        """sha256 of every raw file this version's history has read."""
        return frozenset(i.sha256 for i in self.inputs)

    def files(self) -> Iterable[tuple[str, int, str]]:
        """``(path, bytes, sha256)`` of every file the manifest lists."""
        for table in TABLES:
            for s in self.shards.get(table, ()):
                yield s.path, s.bytes, s.sha256
        for f in (*self.dedup_index.files, *self.learned.files):
            yield f.path, f.bytes, f.sha256
        if self.card is not None:
            yield self.card.path, self.card.bytes, self.card.sha256

    def check(self) -> Manifest:
        """This manifest, if its counts are conserved and agree with its shards."""
        self.counts.check(f"manifest of v{self.version}")
        for table, count in (
            ("data", self.counts.accepted),
            ("duplicates", self.counts.duplicates),
            ("rejects", self.counts.rejected),
        ):
            rows = sum(s.rows for s in self.shards.get(table, ()))
            if rows != count:
                raise ConservationError(
                    f"v{self.version}: {table} shards hold {rows} rows, not {count}"
                )
        return self

    def to_dict(self) -> dict[str, Any]:
        """The JSON form written to ``manifest.json``."""
        out: dict[str, Any] = {
            "dataset": self.dataset,
            "version": self.version,
            "parent": self.parent,
            "created_at": self.created_at,
            "build": self.build,
            "code_version": self.code_version,
            "code_digest": self.code_digest,
            "config_hash": self.config_hash,
            "config": dict(self.config),
            "counts": self.counts.as_dict(),
            "conservation": self.counts.formula,
            "stages": {k: dict(v) for k, v in self.stages.items()},
            "summary": _plain(self.summary),
            "inputs": [_plain(i) for i in self.inputs],
            "skipped": [_plain(s) for s in self.skipped],
            "shards": {t: [_shard(s) for s in entries] for t, entries in self.shards.items()},
            "dedup_index": {"rows": self.dedup_index.rows, "files": _plain(self.dedup_index.files)},
            "schema_fingerprint": dict(self.schema_fingerprint),
        }
        if self.ingest_counts is not None:
            out["ingest_counts"] = self.ingest_counts.as_dict()
        if self.removals:
            out["removals"] = [_plain(r) for r in self.removals]
        if self.mixed:
            out["mixed"] = list(self.mixed)
        if self.card is not None:
            out["card"] = _plain(self.card)
        if self.learned.files:
            out["learned"] = {"rows": self.learned.rows, "files": _plain(self.learned.files)}
        out[DIGEST_KEY] = manifest_digest(out)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Manifest:
        """From the JSON form; ``KeyError``/``TypeError``/``ValueError`` if it is malformed."""
        index = data.get("dedup_index") or {}
        return cls(
            dataset=str(data["dataset"]),
            version=str(data["version"]),
            parent=data.get("parent"),
            created_at=str(data["created_at"]),
            build=str(data.get("build", "full")),
            code_version=str(data.get("code_version", "")),
            code_digest=str(data.get("code_digest", "")),
            config_hash=str(data["config_hash"]),
            config=dict(data.get("config", {})),
            counts=Counts.of(data["counts"]),
            ingest_counts=Counts.of(data["ingest_counts"]) if "ingest_counts" in data else None,
            stages={k: dict(v) for k, v in data.get("stages", {}).items()},
            summary=Summary(**data.get("summary", {})),
            inputs=tuple(InputEntry(**i) for i in data.get("inputs", [])),
            skipped=tuple(Skipped(**s) for s in data.get("skipped", [])),
            shards={
                t: tuple(ShardEntry(**s) for s in entries)
                for t, entries in data.get("shards", {}).items()
            },
            dedup_index=_artifacts(index),
            schema_fingerprint=dict(data.get("schema_fingerprint", {})),
            removals=tuple(Removal(**r) for r in data.get("removals", [])),
            mixed=tuple(data.get("mixed", [])),
            card=FileEntry(**data["card"]) if data.get("card") else None,
            learned=_artifacts(data.get("learned") or {}),
        )

    @classmethod
    def read(cls, version_dir: Path) -> Manifest:
        """The manifest of a version folder (``VersionError`` if missing or damaged)."""
        path = version_dir / MANIFEST
        try:
            return cls.from_dict(read_json(version_dir))
        except UnreadableFile as exc:
            if exc.kind == "missing":
                raise VersionError(f"{version_dir} is not a version: no {MANIFEST}") from None
            raise VersionError(f"{path} is {exc.kind}: {exc.detail}") from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise VersionError(f"{path} is damaged: {exc!r}") from None

    def write(self, version_dir: Path) -> Path:
        """Write ``manifest.json`` atomically into ``version_dir``."""
        path = version_dir / MANIFEST
        write_json(path, self.to_dict())
        return path

    def evolve(self, **changes: Any) -> Manifest:
        """A copy with some fields changed (``dataclasses.replace``)."""
        return replace(self, **changes)


class UnreadableFile(VersionError):
    """A file of a version that cannot be read as what it should be. ``kind`` says how bad
    (``missing``, ``unreadable``: the OS refused, ``damaged``: the bytes are wrong); ``detail``
    says exactly what was found."""

    def __init__(self, path: Path, kind: str, detail: str) -> None:
        super().__init__(f"{path} is {kind}: {detail}")
        self.path, self.kind, self.detail = path, kind, detail


def read_utf8(path: Path) -> str:
    """The text of a file this tool wrote (UTF-8), or ``UnreadableFile`` saying why not."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UnreadableFile(path, "missing", "no such file") from None
    except OSError as exc:
        raise UnreadableFile(path, "unreadable", str(exc.strerror)) from None
    except UnicodeDecodeError as exc:
        raise UnreadableFile(path, "damaged", f"not UTF-8 at byte {exc.start}") from None


def read_json(version_dir: Path) -> dict[str, Any]:
    """The manifest of a version folder as plain JSON, however damaged the rest of it is (what
    ``Manifest.read`` types and ``corpus validate`` audits); ``UnreadableFile`` if it is none."""
    path = version_dir / MANIFEST
    text = read_utf8(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise UnreadableFile(path, "damaged", f"not valid JSON at {where}") from None
    except RecursionError:
        raise UnreadableFile(path, "damaged", "JSON nested too deep") from None
    if not isinstance(data, dict):
        raise UnreadableFile(path, "damaged", "not a JSON object")
    return data


def manifest_digest(manifest: Mapping[str, Any]) -> str:
    """sha256 of a manifest's canonical JSON without its own ``DIGEST_KEY``: what that key holds,
    so an edit of the manifest after the version was written is caught."""
    body = {k: v for k, v in manifest.items() if k != DIGEST_KEY}
    return hashlib.sha256(canonical_json(body).encode("utf-8", "surrogatepass")).hexdigest()


def json_bytes(data: Any) -> bytes:
    """The bytes of a JSON file this tool writes: pretty, sorted keys, strict (no NaN)."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temp file + replace), pretty and with sorted keys."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(json_bytes(data))
    os.replace(tmp, path)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _artifacts(data: Mapping[str, Any]) -> Artifacts:
    return Artifacts(int(data.get("rows", 0)), tuple(FileEntry(**f) for f in data.get("files", [])))


def _shard(entry: ShardEntry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": entry.path,
        "rows": entry.rows,
        "bytes": entry.bytes,
        "sha256": entry.sha256,
    }
    if entry.shared_from:
        out.update(shared_from=entry.shared_from, link=entry.link)
    return out
