"""Auditing a written version: what ``corpus validate`` does with a version or dataset folder.

A version is complete and immutable, so it can be checked against itself: every file its manifest
lists (bytes and sha256; Parquet read to the last row, its rows and Arrow schema), every file
present (nothing but listed files, the manifest, the card and the run report), the ``data`` rows
against ``schemas/article.schema.json``, unique ids, that every duplicate copies an article in
``data``, the counts and their conservation, the card against the manifest, and (``load``) that
``datasets.load_dataset`` opens every table.

Damaged input never raises here: every problem is a ``Finding`` that names the file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from jsonschema import Draft202012Validator

from corpus.errors import VersionError
from corpus.manifest import (
    DIGEST_KEY,
    MANIFEST,
    UnreadableFile,
    manifest_digest,
    read_json,
    read_utf8,
)
from corpus.records import (
    ARTICLE_SCHEMA,
    DUPLICATE_SCHEMA,
    REJECTED_SCHEMA,
    schema_fingerprint,
)
from corpus.report import REPORT
from corpus.shards import file_sha256
from corpus.validate import (
    Finding,
    Report,
    describe_error,
    error_key,
    error_pointer,
    load_schema,
)
from corpus.versions import Version

log = logging.getLogger(__name__)

CARD = "README.md"
#: Files a version may hold without its manifest listing them: the manifest itself, the card
#: rendered from it, and the run report (it describes one run on one machine; never published).
UNLISTED = frozenset({MANIFEST, CARD, REPORT})
#: Manifest keys whose entries name files outside the version (raw inputs, by their input root).
_OUTSIDE = frozenset({"inputs"})

TABLES = {"data": ARTICLE_SCHEMA, "duplicates": DUPLICATE_SCHEMA, "rejects": REJECTED_SCHEMA}
_COUNT_OF = {"data": "accepted", "duplicates": "duplicates", "rejects": "rejected"}
_CONFIG_OF = {"data": "default", "duplicates": "duplicates", "rejects": "rejects"}
# What pyarrow raises on damaged bytes: ZSTD and Thrift errors are OSError, bad UTF-8 or offsets
# ValueError (ArrowInvalid), an absurd length in a header MemoryError.
_DAMAGED = (OSError, ValueError, EOFError, MemoryError, pa.ArrowException)

__all__ = [
    "CARD",
    "DIGEST_KEY",
    "UNLISTED",
    "Finding",
    "Listed",
    "Report",
    "check_version",
    "is_version_dir",
    "manifest_digest",
    "version_dirs",
]


# --------------------------------------------------------------------------- which folders


def is_version_dir(path: Path) -> bool:
    """Whether ``path`` is a version folder: it holds a manifest.json or is named like v1.2.0
    (so a version whose manifest was lost is still audited, and the loss reported)."""
    return path.is_dir() and ((path / MANIFEST).is_file() or _version_name(path.name) is not None)


def version_dirs(path: Path) -> list[Path]:
    """The versions a path names, oldest first: itself, those of a dataset folder, or those of
    every dataset in a folder of datasets (``processed/``); empty for anything else (raw input)."""
    if is_version_dir(path):
        return [path]
    children = _subfolders(path)
    found = sorted((c for c in children if is_version_dir(c)), key=_version_order)
    if found:
        return found
    return [
        v
        for child in children
        for v in sorted((c for c in _subfolders(child) if is_version_dir(c)), key=_version_order)
    ]


def _subfolders(path: Path) -> list[Path]:
    """Folders in ``path`` (not followed through links; none when it cannot be listed)."""
    try:
        return sorted(c for c in path.iterdir() if c.is_dir() and not c.is_symlink())
    except OSError:  # not a folder, or unreadable: the raw reader reports it as input
        return []


def _version_name(name: str) -> Version | None:
    if not name.startswith("v"):
        return None
    try:
        return Version.parse(name)
    except VersionError:
        return None


def _version_order(path: Path) -> tuple[int, int, int, int, str]:
    version = _version_name(path.name)
    if version is None:
        return (1, 0, 0, 0, path.name)
    return (0, version.major, version.minor, version.patch, "")


# --------------------------------------------------------------------------- the audit


@dataclass(frozen=True, slots=True)
class Listed:
    """A file the manifest lists: its path in the version, where the manifest lists it, and what
    it must be (bytes, sha256; rows and table for the tables' shards)."""

    path: str
    pointer: str  # JSON pointer into manifest.json, e.g. /shards/data/0
    bytes: int
    sha256: str
    rows: int | None
    table: str | None  # data | duplicates | rejects, for shards of the tables


def check_version(version_dir: Path, *, load: bool = True) -> Report:
    """Audit one written version: every listed file and every file present, the tables, the
    counts, the card, and (``load``) that ``datasets.load_dataset`` opens every table."""
    report = Report()
    problem = _Findings(report, version_dir)
    problem.show(MANIFEST)
    manifest = _read_manifest(version_dir, problem)
    if manifest is None:
        return report
    _check_digest(manifest, problem)
    listed = _listed(manifest, problem)
    rows = _Rows()
    for entry in listed:
        problem.show(entry.path)
        if _check_file(version_dir, entry, problem) and entry.path.endswith(".parquet"):
            _check_parquet(version_dir, entry, manifest, rows, problem)
        elif entry.table is not None:
            rows.whole = False
    _check_present(version_dir, {e.path for e in listed}, problem)
    _check_counts(manifest, listed, problem)
    _check_copies(manifest, rows, problem)
    _check_names(version_dir, manifest, problem)
    _check_card(version_dir, manifest, problem)
    if load and report.ok:
        _check_loads(version_dir, listed, problem)
    return report


class _Findings:
    """Adds findings about the files of one version to a report."""

    def __init__(self, report: Report, version_dir: Path) -> None:
        self.report, self.version_dir = report, version_dir

    def show(self, rel: str) -> str:
        """The path a finding names (and the report counts) for a file of the version."""
        shown = (self.version_dir / rel).as_posix()
        self.report.files[shown] = shown
        return shown

    def __call__(
        self,
        rel: str,
        reason: str,
        message: str,
        *,
        row: int | None = None,
        pointer: str = "",
        code: str | None = None,
    ) -> None:
        self.report.invalid += 1
        self.report.findings.append(
            Finding(self.show(rel), row, None, "version", reason, pointer, message, code or reason)
        )


#: What ``corpus validate`` says of a manifest or card it cannot read, by ``UnreadableFile.kind``.
_UNREADABLE = {
    MANIFEST: {
        "missing": "is missing, so nothing in this version can be checked",
        "unreadable": "cannot be read: {}",
        "damaged": "is damaged ({}): restore it from a copy of this version, or rebuild the version",
    },
    CARD: {
        "missing": "the dataset card README.md is missing",
        "unreadable": "cannot be read: {}",
        "damaged": "is damaged: {}",
    },
}


def _unreadable(name: str, exc: UnreadableFile, problem: _Findings) -> None:
    reason = "manifest" if name == MANIFEST else "card"
    problem(name, reason, _UNREADABLE[name][exc.kind].format(exc.detail))


def _read_manifest(version_dir: Path, problem: _Findings) -> dict[str, Any] | None:
    """The manifest as JSON, or None (and a finding) when it is missing or damaged."""
    try:
        return read_json(version_dir)
    except UnreadableFile as exc:
        _unreadable(MANIFEST, exc, problem)
        return None


def _check_digest(manifest: dict[str, Any], problem: _Findings) -> None:
    recorded = manifest.get(DIGEST_KEY)
    if recorded is None:
        return  # written before manifests carried their own checksum
    if recorded != manifest_digest(manifest):
        problem(
            MANIFEST,
            "manifest",
            f"its contents do not match its own checksum {DIGEST_KEY}: the file changed after "
            "the version was written (restore it from a copy, or rebuild the version)",
            pointer=f"/{DIGEST_KEY}",
        )


def _listed(manifest: dict[str, Any], problem: _Findings) -> list[Listed]:
    """Every file the manifest lists, wherever: any object with a ``path`` and a ``sha256``
    (outside ``inputs``), so an artefact a later version adds is checked without new code."""
    found: list[Listed] = []
    seen: dict[str, str] = {}

    def walk(node: Any, pointer: str) -> None:
        if isinstance(node, dict):
            if "path" in node and "sha256" in node:
                entry = _entry(node, pointer, problem)
                if entry is not None and entry.path in seen:
                    problem(
                        MANIFEST,
                        "manifest",
                        f"lists {entry.path} twice ({seen[entry.path]} and {pointer})",
                        pointer=pointer,
                    )
                elif entry is not None:
                    seen[entry.path] = pointer
                    found.append(entry)
                return
            for key, value in node.items():
                if not (pointer == "" and key in _OUTSIDE):
                    walk(value, f"{pointer}/{_escape(str(key))}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{pointer}/{index}")

    walk(manifest, "")
    _check_tables_listed(manifest, problem)
    return found


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _entry(node: dict[str, Any], pointer: str, problem: _Findings) -> Listed | None:
    """One listed file, or None (and a finding on the manifest) when its entry is malformed."""
    path, size, sha, rows = (
        node.get("path"),
        node.get("bytes"),
        node.get("sha256"),
        node.get("rows"),
    )
    parts = pointer.split("/")
    table = parts[2] if len(parts) == 4 and parts[1] == "shards" and parts[2] in TABLES else None
    wrong = []
    if not isinstance(path, str) or not _inside(path):
        wrong.append(f"path {path!r} is not a relative path inside the version folder")
    if not _is_count(size):
        wrong.append(f"bytes {size!r} is not a byte count")
    if not (isinstance(sha, str) and len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)):
        wrong.append(f"sha256 {sha!r} is not 64 hex digits")
    if (table is not None or rows is not None) and not _is_count(rows):
        wrong.append(f"rows {rows!r} is not a row count")
    if wrong:
        problem(MANIFEST, "manifest", "; ".join(wrong), pointer=pointer)
        return None
    assert isinstance(path, str) and isinstance(sha, str) and isinstance(size, int)
    return Listed(path, pointer, size, sha, rows, table)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _inside(path: str) -> bool:
    """Whether a listed path names a file inside the version (not ``..``, absolute or odd)."""
    pure = PurePosixPath(path)
    return (
        bool(path)
        and "\\" not in path
        and not pure.is_absolute()
        and pure.as_posix() == path
        and all(part not in {"..", "."} for part in pure.parts)
        and path != MANIFEST
    )


def _check_tables_listed(manifest: dict[str, Any], problem: _Findings) -> None:
    shards = manifest.get("shards")
    if not isinstance(shards, dict) or not all(isinstance(shards.get(t, []), list) for t in TABLES):
        problem(
            MANIFEST,
            "manifest",
            "has no 'shards' object listing data, duplicates and rejects",
            pointer="/shards",
        )


@dataclass(slots=True)
class _Rows:
    """What the tables' rows tell across shards: the ids in ``data``, the ids duplicates copy
    (shard, row, ``duplicate_of``), and whether every shard was read (else no cross-check)."""

    ids: set[str] = field(default_factory=set)
    copies: list[tuple[str, int, str]] = field(default_factory=list)
    whole: bool = True


def _check_file(version_dir: Path, entry: Listed, problem: _Findings) -> bool:
    """Bytes and sha256 of one listed file; False when there is no regular file to read."""
    path = version_dir / entry.path
    if path.is_symlink():
        problem(entry.path, "symlink", _SYMLINK)
        return False
    if not path.is_file():
        what = "a folder" if path.is_dir() else "not on disk"
        problem(entry.path, "missing", f"is listed in manifest.json ({entry.pointer}) but {what}")
        return False
    try:
        size, digest = path.stat().st_size, file_sha256(path)
    except OSError as exc:
        problem(entry.path, "unreadable", f"cannot be read: {exc.strerror}")
        return False
    if size != entry.bytes:
        problem(entry.path, "bytes", f"is {size:,} bytes; the manifest says {entry.bytes:,}")
    if digest != entry.sha256:
        problem(
            entry.path,
            "sha256",
            "sha256 differs from the manifest: the file changed after the version was written",
        )
    return True


_SYMLINK = (
    "is a symbolic link; a version holds its own files (shared shards are hard links or copies)"
)


def _check_present(version_dir: Path, listed: set[str], problem: _Findings) -> None:
    """Every file in the version folder, at any depth, must be listed (or one of ``UNLISTED``)."""

    def unreadable(exc: OSError) -> None:
        rel = Path(exc.filename or version_dir).relative_to(version_dir).as_posix()
        problem(rel, "unreadable", f"cannot be listed: {exc.strerror}")

    for root, dirs, files in os.walk(version_dir, onerror=unreadable):
        here = Path(root)
        dirs.sort()
        linked = [d for d in dirs if (here / d).is_symlink()]  # os.walk does not enter these
        for name in sorted([*files, *linked]):
            rel = (here / name).relative_to(version_dir).as_posix()
            if (here / name).is_symlink():
                if rel not in listed:  # a listed one is reported by _check_file
                    problem(rel, "symlink", _SYMLINK)
            elif rel not in listed and rel not in UNLISTED:
                problem(
                    rel,
                    "unlisted",
                    "is not listed in manifest.json: a version holds only what its manifest "
                    "lists (move the file out of the version folder)",
                )


def _check_parquet(
    version_dir: Path,
    entry: Listed,
    manifest: dict[str, Any],
    rows: _Rows,
    problem: _Findings,
) -> None:
    """A listed Parquet file: readable to its last row; a table's shard also its rows, schema,
    and (``data``) every row against the article schema with unique ids."""
    path = version_dir / entry.path
    try:
        parquet = pq.ParquetFile(path)
    except _DAMAGED as exc:
        problem(entry.path, "parquet", f"is not a readable Parquet file: {_short(exc)}")
        rows.whole = rows.whole and entry.table is None
        return
    with parquet:
        count, schema = int(parquet.metadata.num_rows), parquet.schema_arrow
        if entry.rows is not None and count != entry.rows:
            problem(entry.path, "rows", f"holds {count:,} rows; the manifest says {entry.rows:,}")
        current = entry.table is not None and _check_schema(entry, schema, manifest, problem)
        if entry.table is not None and not current:
            rows.whole = False
        _read_groups(parquet, entry, rows if current else None, problem)


def _check_schema(
    entry: Listed, schema: pa.Schema, manifest: dict[str, Any], problem: _Findings
) -> bool:
    """Whether a shard has this code's Arrow schema for its table (then its rows are checked).
    A version whose manifest records another schema was written by earlier code: its sha256
    vouches for its shards, not this code."""
    assert entry.table is not None
    current = TABLES[entry.table]
    recorded = manifest.get("schema_fingerprint")
    expected = recorded.get(entry.table) if isinstance(recorded, dict) else None
    if expected is not None and expected != schema_fingerprint(current):
        log.info("%s: written with schema %s, not this code's; not compared", entry.path, expected)
        return False
    if schema != current:  # Schema equality, not the fingerprint: Parquet renames list items
        problem(
            entry.path,
            "schema",
            f"its Arrow schema is not the {entry.table} schema (fingerprint "
            f"{schema_fingerprint(schema)}, expected {schema_fingerprint(current)})",
        )
        return False
    return True


def _read_groups(
    parquet: pq.ParquetFile, entry: Listed, rows: _Rows | None, problem: _Findings
) -> None:
    """Decode every row group (a flipped bit mid-file shows here); ``rows`` given (a table
    shard of this code's schema): check ``data`` rows, note what ``duplicates`` rows copy."""
    offset = 0
    for group in range(parquet.num_row_groups):
        try:
            table = parquet.read_row_group(group)
            table.validate(full=True)
            batch = table.to_pylist() if rows is not None and entry.table == "data" else []
        except _DAMAGED as exc:
            problem(
                entry.path,
                "parquet",
                f"row group {group} cannot be read ({_short(exc)}): the file is damaged",
            )
            if rows is not None:
                rows.whole = False
            return
        if entry.table is not None:
            problem.report.records += table.num_rows
        if rows is not None and entry.table == "data":
            _check_articles(batch, offset, entry.path, rows.ids, problem)
        elif rows is not None and entry.table == "duplicates":
            copied = table.column("duplicate_of").to_pylist()
            rows.copies.extend((entry.path, offset + i + 1, c) for i, c in enumerate(copied))
        offset += table.num_rows


def _check_articles(
    batch: list[dict[str, Any]], offset: int, rel: str, ids: set[str], problem: _Findings
) -> None:
    validator = article_validator()
    for index, row in enumerate(batch, start=offset + 1):
        if row["id"] in ids:
            problem(
                rel,
                "duplicate_id",
                f"id {row['id']} appears more than once in data",
                row=index,
                pointer="/id",
            )
        ids.add(row["id"])
        for error in sorted(validator.iter_errors(row), key=error_key):
            problem(
                rel,
                "article_schema",
                describe_error(error),
                row=index,
                pointer=error_pointer(error),
                code=str(error.validator),
            )


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 200 else text[:197] + "..."


@cache
def article_validator() -> Draft202012Validator:
    """The validator for processed article rows (built once per process)."""
    return Draft202012Validator(load_schema("article.schema.json"))


# --------------------------------------------------------------------------- the manifest's own sums


def _check_counts(manifest: dict[str, Any], listed: list[Listed], problem: _Findings) -> None:
    """Each table's count against the rows its shards are listed with, and conservation."""
    counts = manifest.get("counts")
    if not isinstance(counts, dict):
        problem(MANIFEST, "counts", "has no 'counts' object", pointer="/counts")
        return
    for table, key in _COUNT_OF.items():
        rows = sum(e.rows or 0 for e in listed if e.table == table)
        if counts.get(key) != rows:
            problem(
                MANIFEST,
                "counts",
                f"counts.{key} is {counts.get(key)} but the {table} shards hold {rows:,} rows",
                pointer=f"/counts/{key}",
            )
    for key in ("counts", "ingest_counts"):
        _check_conservation(manifest.get(key), key, problem)


def _check_conservation(counts: Any, key: str, problem: _Findings) -> None:
    """``read == accepted + duplicates + rejected (+ removed)``: nothing lost, nothing twice."""
    if counts is None and key != "counts":
        return
    parts = ("accepted", "duplicates", "rejected", "removed")
    values = [counts.get(k, 0) for k in ("read", *parts)] if isinstance(counts, dict) else []
    if not values or not all(_is_count(v) for v in values):
        problem(MANIFEST, "conservation", f"{key} is not a set of counts", pointer=f"/{key}")
    elif values[0] != sum(values[1:]):
        problem(
            MANIFEST,
            "conservation",
            f"read {values[0]} != accepted + duplicates + rejected + removed in {counts}",
            pointer=f"/{key}",
        )


def _check_copies(manifest: dict[str, Any], rows: _Rows, problem: _Findings) -> None:
    """Every duplicate copies an article the version holds in ``data`` (or one taken down):
    otherwise the text it stands for is lost."""
    if not rows.whole:
        return  # a shard could not be read: its findings say so, this check would only echo them
    removed = {r.get("id") for r in _dicts(manifest.get("removals"))}
    for rel, row, copied in rows.copies:
        if copied not in rows.ids and copied not in removed:
            problem(
                rel,
                "duplicate_of",
                f"duplicate_of {copied} is no article in data (nor a removed one)",
                row=row,
                pointer="/duplicate_of",
            )


def _check_names(version_dir: Path, manifest: dict[str, Any], problem: _Findings) -> None:
    """The folder is the version the manifest says (a copied or renamed folder is not)."""
    folder = _version_name(version_dir.name)
    if folder is not None and manifest.get("version") != str(folder):
        problem(
            MANIFEST,
            "version",
            f"says version {manifest.get('version')!r} but lives in folder {version_dir.name}",
            pointer="/version",
        )


# --------------------------------------------------------------------------- the card


def _check_card(version_dir: Path, manifest: dict[str, Any], problem: _Findings) -> None:
    """The card's YAML is Hub metadata whose configs and row counts match the shards."""
    meta = _card_metadata(version_dir, problem)
    if meta is None:
        return
    declared = {c.get("config_name") for c in _dicts(meta.get("configs"))}
    infos = {i.get("config_name"): i for i in _dicts(meta.get("dataset_info"))}
    shards = manifest.get("shards")
    shards = shards if isinstance(shards, dict) else {}
    for folder, config_name in _CONFIG_OF.items():
        entries = _dicts(shards.get(folder))
        if bool(entries) != (config_name in declared):
            state = "declares" if config_name in declared else "does not declare"
            problem(
                CARD,
                "card",
                f"the card {state} config {config_name!r} but {folder}/ has {len(entries)} shard(s)",
                pointer="/configs",
            )
        info = infos.get(config_name)
        if entries and info is not None:
            rows = sum(e.get("rows") or 0 for e in entries if _is_count(e.get("rows")))
            splits = _dicts(info.get("splits"))
            stated = sum(
                s.get("num_examples") or 0 for s in splits if _is_count(s.get("num_examples"))
            )
            if stated != rows or not splits:
                problem(
                    CARD,
                    "card",
                    f"dataset_info of {config_name!r} says {stated} rows; the shards hold {rows}",
                    pointer="/dataset_info",
                )


def _card_metadata(version_dir: Path, problem: _Findings) -> dict[str, Any] | None:
    """The card's YAML front matter, checked to be Hub metadata; None (and a finding) if not."""
    import yaml
    from huggingface_hub import DatasetCardData

    problem.show(CARD)
    try:
        text = read_utf8(version_dir / CARD)
    except UnreadableFile as exc:
        _unreadable(CARD, exc, problem)
        return None
    parts = text.split("---\n", 2)
    if not text.startswith("---\n") or len(parts) < 3:
        problem(CARD, "card", "the card has no YAML front matter between --- lines")
        return None
    try:
        meta = yaml.safe_load(parts[1])
        if not isinstance(meta, dict):
            raise ValueError("the front matter is not a mapping")
        DatasetCardData(**meta)
    except (yaml.YAMLError, TypeError, ValueError) as exc:
        problem(CARD, "card", f"the card's YAML is not valid Hub metadata: {_short(exc)}")
        return None
    return meta


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# --------------------------------------------------------------------------- load_dataset


def _check_loads(version_dir: Path, listed: list[Listed], problem: _Findings) -> None:
    """Each table loads with ``datasets.load_dataset`` and gives the rows its shards hold."""
    import tempfile

    for table, config_name in _CONFIG_OF.items():
        rows = sum(e.rows or 0 for e in listed if e.table == table)
        if not any(e.table == table for e in listed):
            continue
        with tempfile.TemporaryDirectory(prefix="corpus-validate-") as cache_dir, _quiet():
            from datasets import load_dataset

            try:
                loaded = load_dataset(
                    str(version_dir), config_name, split="train", cache_dir=cache_dir
                )
            except Exception as exc:  # any failure to load is the finding
                problem(
                    CARD,
                    "load_dataset",
                    f"load_dataset(..., {config_name!r}) fails: {_short(exc)}",
                )
                continue
            if loaded.num_rows != rows:
                problem(
                    CARD,
                    "load_dataset",
                    f"load_dataset(..., {config_name!r}) gives {loaded.num_rows} rows, not {rows}",
                )


@contextmanager
def _quiet() -> Iterator[None]:
    """``datasets`` without its progress bars and info logs (they go to stderr and would clutter
    ``corpus validate``'s report, ``--format json`` included); the caller's settings restored."""
    import datasets
    from datasets.utils import logging as datasets_logging

    bars_were_on = not datasets.are_progress_bars_disabled()
    verbosity = datasets_logging.get_verbosity()
    datasets.disable_progress_bars()
    datasets_logging.set_verbosity_error()
    try:
        yield
    finally:
        datasets_logging.set_verbosity(verbosity)
        if bars_were_on:
            datasets.enable_progress_bars()
