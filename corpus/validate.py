"""Validation of raw records against ``schemas/raw_article.schema.json`` (JSON Schema 2020-12).

An invalid record becomes a ``Rejected`` naming every problem (JSON pointer + message); it is
never dropped. ``check_paths`` is the library side of ``corpus validate`` for raw files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from corpus import sources, versions
from corpus.config import Config, resource
from corpus.errors import CorpusError
from corpus.records import (
    ARTICLE_SCHEMA,
    DUPLICATE_SCHEMA,
    REJECTED_SCHEMA,
    Issue,
    RawRecord,
    Rejected,
    schema_fingerprint,
    stable_id,
)
from corpus.shards import file_sha256
from corpus.stats import Stats

_MAX_MESSAGE = 300


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A JSON Schema from ``schemas/`` by file name, checked to be a valid 2020-12 schema."""
    schema: dict[str, Any] = json.loads(resource(f"schemas/{name}").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def raw_validator() -> Draft202012Validator:
    """The validator for raw records (built once per process)."""
    return Draft202012Validator(load_schema("raw_article.schema.json"))


def check(record: RawRecord) -> tuple[Issue, ...]:
    """Every schema violation of one record, in a stable order (empty when valid)."""
    errors = sorted(raw_validator().iter_errors(dict(record.fields)), key=_error_key)
    return tuple(Issue(_pointer(e), _describe(e), str(e.validator)) for e in errors)


def run(
    items: Iterable[RawRecord | Rejected], cfg: Config, stats: Stats
) -> Iterator[RawRecord | Rejected]:
    """Pass valid records on; turn invalid ones into ``Rejected`` (stage ``validate``)."""
    del cfg  # the schema is the whole configuration of this stage, for now
    for item in items:
        if isinstance(item, Rejected):
            yield item
            continue
        issues = check(item)
        if not issues:
            stats.count("validate", "valid")
            yield item
            continue
        stats.count("validate", "invalid")
        prov = item.provenance
        yield Rejected(
            id=stable_id([prov.path, prov.row, prov.sha256]),
            stage="validate",
            reason="schema",
            issues=issues,
            raw=item.raw,
            source=prov,
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by ``corpus validate``: where (file, row, JSON pointer) and what."""

    file: str
    row: int | None
    line: int | None
    stage: str
    reason: str
    pointer: str
    message: str
    code: str


@dataclass(slots=True)
class Report:
    """What ``corpus validate`` found, in raw files or in a published version."""

    files: dict[str, str] = field(default_factory=dict)  # relative path -> path as shown
    skipped: list[sources.Skipped] = field(default_factory=list)
    records: int = 0
    invalid: int = 0  # records (or, for a version, artifacts) with at least one finding
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.findings

    def add_rejected(self, rejected: Rejected) -> None:
        """Record every issue of a rejected raw record."""
        self.invalid += 1
        shown = self.files.get(rejected.source.path, rejected.source.path)
        for issue in rejected.issues:
            self.findings.append(
                Finding(
                    shown,
                    rejected.source.row,
                    rejected.source.line,
                    rejected.stage,
                    rejected.reason,
                    issue.pointer,
                    issue.message,
                    issue.code,
                )
            )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able form, for ``--format json``."""
        return {
            "ok": self.ok,
            "files": len(self.files),
            "records": self.records,
            "invalid": self.invalid,
            "skipped": [{"path": s.relpath, "reason": s.reason} for s in self.skipped],
            "errors": [asdict(f) for f in self.findings],
        }


def check_paths(paths: Sequence[Path], cfg: Config) -> Report:
    """Read and validate raw files without ingesting them."""
    files, skipped = sources.discover(paths)
    report = Report(files={f.relpath: f.path.as_posix() for f in files}, skipped=skipped)
    stats = Stats()
    for item in run(sources.run(files, cfg, stats), cfg, stats):
        report.records += 1
        if isinstance(item, Rejected):
            report.add_rejected(item)
    return report


# --------------------------------------------------------------------------- messages


def _error_key(error: ValidationError) -> tuple[str, str]:
    return _pointer(error), str(error.validator)


def _pointer(error: ValidationError) -> str:
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path)
    return "".join("/" + p for p in parts)


def _describe(error: ValidationError) -> str:
    """A short message; jsonschema's own repeats the whole value, which may be 50 MB."""
    value, limit = error.instance, error.validator_value
    match error.validator:
        case "maxLength" if isinstance(value, str):
            return f"is {len(value):,} characters long; the maximum is {limit:,}"
        case "minLength" if isinstance(value, str):
            return f"is {len(value)} characters long; the minimum is {limit}"
        case "pattern" if isinstance(value, str):
            return f"{_preview(value)} does not match the pattern {limit!r}"
        case "type":
            return f"{_preview(value)} is of type {_json_type(value)}, expected {_types(limit)}"
        case "required":
            missing = ", ".join(
                repr(m) for m in limit if isinstance(value, dict) and m not in value
            )
            return (
                f"{missing} is required but no column maps to it (map one with --map FIELD=COLUMN)"
            )
        case "additionalProperties":
            return str(error.message)
        case "anyOf":
            return f"{_preview(value)} is neither a string nor a list of names"
        case _:
            message = str(error.message)
            return message if len(message) <= _MAX_MESSAGE else message[:_MAX_MESSAGE] + "..."


def _preview(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_type(value: Any) -> str:
    names = {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _types(limit: Any) -> str:
    return " or ".join(limit) if isinstance(limit, list) else str(limit)


def json_schema(schema: pa.Schema, title: str) -> dict[str, Any]:
    """A JSON Schema (2020-12) for rows of an Arrow schema, as ``to_pylist()`` gives them.

    ``schemas/article.schema.json`` is this function's output for ``ARTICLE_SCHEMA``; a test keeps
    the committed file equal to it (regenerate: ``uv run python -m corpus.validate``).
    """
    spec = _schema_of(pa.struct(list(schema)), nullable=False)
    for name, extra in _CONSTRAINTS.items():
        if name in spec["properties"]:
            spec["properties"][name].update(extra)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://corpus.dev/schemas/{title}.schema.json",
        "title": title,
        "description": "Generated from corpus/records.py by `python -m corpus.validate`; do not edit by hand.",
        **spec,
    }


# Value constraints the Arrow types cannot say; applied to fields of these names.
_ISO_8601 = r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$"
_CONSTRAINTS: dict[str, dict[str, Any]] = {
    "id": {"pattern": "^[0-9a-f]{32}$"},
    "text": {"minLength": 1},
    "published_at": {"pattern": _ISO_8601},
    "updated_at": {"pattern": _ISO_8601},
    "language": {"pattern": "^[a-z]{2,3}(?:-[a-z]{2,4})?$"},
    "language_score": {"minimum": 0, "maximum": 1},
    "n_words": {"minimum": 0},
}


def _schema_of(arrow_type: pa.DataType, nullable: bool) -> dict[str, Any]:
    if pa.types.is_struct(arrow_type):
        fields = [arrow_type.field(i) for i in range(arrow_type.num_fields)]
        spec: dict[str, Any] = {
            "type": "object",
            "properties": {f.name: _schema_of(f.type, f.nullable) for f in fields},
            "required": [f.name for f in fields],
            "additionalProperties": False,
        }
    elif pa.types.is_list(arrow_type):
        item = arrow_type.value_field
        spec = {"type": "array", "items": _schema_of(item.type, item.nullable)}
    elif pa.types.is_string(arrow_type):
        spec = {"type": "string"}
    elif pa.types.is_integer(arrow_type):
        spec = {"type": "integer"}
    elif pa.types.is_floating(arrow_type):
        spec = {"type": "number"}
    elif pa.types.is_boolean(arrow_type):
        spec = {"type": "boolean"}
    else:
        raise TypeError(f"no JSON Schema type for {arrow_type}")
    if nullable:
        spec["type"] = [spec["type"], "null"]
    return spec


# --------------------------------------------------------------------------- published versions

_TABLE_SCHEMAS = {
    "data": ARTICLE_SCHEMA,
    "duplicates": DUPLICATE_SCHEMA,
    "rejects": REJECTED_SCHEMA,
}


def is_version_dir(path: Path) -> bool:
    """Whether ``path`` is a version folder (it holds a manifest.json)."""
    return path.is_dir() and (path / versions.MANIFEST).is_file()


def check_version(version_dir: Path, *, load: bool = True) -> Report:
    """Check a published version: shards against the manifest (rows, bytes, sha256) and the
    Arrow schemas, every ``data`` row against ``schemas/article.schema.json``, ids unique, the
    card's YAML against the shards, and (``load``) that ``load_dataset`` opens every table."""
    report = Report(files={versions.MANIFEST: (version_dir / versions.MANIFEST).as_posix()})
    problem = _Collector(report, version_dir)
    try:
        manifest = versions.read_manifest(version_dir)
    except CorpusError as exc:
        problem(versions.MANIFEST, "manifest", str(exc))
        return report
    listed: set[str] = set()
    ids: set[str] = set()
    for table, schema in _TABLE_SCHEMAS.items():
        shards = manifest.get("shards", {}).get(table, [])
        rows_total = 0
        for shard in shards:
            rel = shard["path"]
            listed.add(rel)
            report.files[rel] = (version_dir / rel).as_posix()
            rows_total += _check_shard(version_dir, rel, shard, schema, table, ids, problem, report)
        expected = manifest.get("counts", {}).get(_COUNT_OF[table])
        if expected is not None and rows_total != expected:
            problem(
                versions.MANIFEST,
                "counts",
                f"counts.{_COUNT_OF[table]} is {expected} but the {table} shards hold {rows_total} rows",
                pointer=f"/counts/{_COUNT_OF[table]}",
            )
    for folder in _TABLE_SCHEMAS:
        for path in (
            sorted((version_dir / folder).glob("*")) if (version_dir / folder).is_dir() else []
        ):
            rel = path.relative_to(version_dir).as_posix()
            if rel not in listed:
                problem(
                    rel,
                    "unlisted",
                    "this file is not listed in manifest.json (a version holds only what its manifest lists)",
                )
    counts = manifest.get("counts", {})
    if counts and counts.get("read") != sum(
        counts.get(k, 0) for k in ("accepted", "duplicates", "rejected", "removed")
    ):
        problem(
            versions.MANIFEST,
            "conservation",
            f"read {counts.get('read')} != accepted + duplicates + rejected in {counts}",
            pointer="/counts",
        )
    _check_card(version_dir, manifest, problem)
    if load and report.ok:
        _check_loads(version_dir, manifest, problem)
    return report


_COUNT_OF = {"data": "accepted", "duplicates": "duplicates", "rejects": "rejected"}


class _Collector:
    """Adds findings for one version to a report."""

    def __init__(self, report: Report, version_dir: Path) -> None:
        self.report, self.version_dir = report, version_dir

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
        shown = (self.version_dir / rel).as_posix()
        self.report.findings.append(
            Finding(shown, row, None, "version", reason, pointer, message, code or reason)
        )


def _check_shard(
    version_dir: Path,
    rel: str,
    shard: dict[str, Any],
    schema: pa.Schema,
    table: str,
    ids: set[str],
    problem: _Collector,
    report: Report,
) -> int:
    path = version_dir / rel
    if not path.is_file():
        problem(rel, "missing", "listed in manifest.json but not on disk")
        return 0
    if path.stat().st_size != shard.get("bytes"):
        problem(
            rel, "bytes", f"is {path.stat().st_size} bytes; the manifest says {shard.get('bytes')}"
        )
    if file_sha256(path) != shard.get("sha256"):
        problem(
            rel,
            "sha256",
            "sha256 differs from the manifest: the file changed after the version was written",
        )
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        problem(rel, "parquet", f"not a readable Parquet file: {exc}")
        return 0
    rows = int(parquet.metadata.num_rows)
    if rows != shard.get("rows"):
        problem(rel, "rows", f"holds {rows} rows; the manifest says {shard.get('rows')}")
    if parquet.schema_arrow != schema:
        problem(
            rel,
            "schema",
            f"schema fingerprint {schema_fingerprint(parquet.schema_arrow)} != expected {schema_fingerprint(schema)} for {table}",
        )
        return rows
    validator = article_validator() if table == "data" else None
    offset = 0
    for group in range(parquet.num_row_groups):
        batch = parquet.read_row_group(group, columns=None if validator else ["id"]).to_pylist()
        for index, row in enumerate(batch, start=offset + 1):
            report.records += 1
            if table == "data":
                if row["id"] in ids:
                    problem(
                        rel,
                        "duplicate_id",
                        f"id {row['id']} appears more than once in data",
                        row=index,
                        pointer="/id",
                    )
                ids.add(row["id"])
            if validator is not None:
                for error in sorted(validator.iter_errors(row), key=_error_key):
                    problem(
                        rel,
                        "article_schema",
                        _describe(error),
                        row=index,
                        pointer=_pointer(error),
                        code=str(error.validator),
                    )
        offset += len(batch)
    return rows


@cache
def article_validator() -> Draft202012Validator:
    """The validator for processed article rows (built once per process)."""
    return Draft202012Validator(load_schema("article.schema.json"))


def _check_card(version_dir: Path, manifest: dict[str, Any], problem: _Collector) -> None:
    import yaml
    from huggingface_hub import DatasetCardData

    card = version_dir / "README.md"
    if not card.is_file():
        problem("README.md", "card", "the dataset card README.md is missing")
        return
    text = card.read_text(encoding="utf-8")
    parts = text.split("---\n", 2)
    if not text.startswith("---\n") or len(parts) < 3:
        problem("README.md", "card", "the card has no YAML front matter between --- lines")
        return
    try:
        meta = yaml.safe_load(parts[1]) or {}
        DatasetCardData(**meta)
    except (yaml.YAMLError, TypeError, ValueError) as exc:
        problem("README.md", "card", f"the card's YAML is not valid Hub metadata: {exc}")
        return
    declared = {c["config_name"]: c for c in meta.get("configs", [])}
    infos = {i["config_name"]: i for i in meta.get("dataset_info", [])}
    for config_name, folder in (
        ("default", "data"),
        ("duplicates", "duplicates"),
        ("rejects", "rejects"),
    ):
        shards = manifest.get("shards", {}).get(folder, [])
        if bool(shards) != (config_name in declared):
            state = "declares" if config_name in declared else "does not declare"
            problem(
                "README.md",
                "card",
                f"the card {state} config {config_name!r} but {folder}/ has {len(shards)} shard(s)",
                pointer="/configs",
            )
        info = infos.get(config_name)
        if shards and info is not None:
            rows = sum(int(s["rows"]) for s in shards)
            stated = sum(int(s.get("num_examples", -1)) for s in info.get("splits", []))
            if stated != rows:
                problem(
                    "README.md",
                    "card",
                    f"dataset_info of {config_name!r} says {stated} rows; the shards hold {rows}",
                    pointer="/dataset_info",
                )


def _check_loads(version_dir: Path, manifest: dict[str, Any], problem: _Collector) -> None:
    import tempfile

    from datasets import load_dataset

    for config_name, folder in (
        ("default", "data"),
        ("duplicates", "duplicates"),
        ("rejects", "rejects"),
    ):
        if not manifest.get("shards", {}).get(folder):
            continue
        with tempfile.TemporaryDirectory(prefix="corpus-validate-") as cache_dir:
            try:
                loaded = load_dataset(
                    str(version_dir), config_name, split="train", cache_dir=cache_dir
                )
            except Exception as exc:  # any failure to load is the finding
                problem(
                    "README.md",
                    "load_dataset",
                    f"load_dataset(..., {config_name!r}) fails: {type(exc).__name__}: {exc}",
                )
                continue
            rows = sum(int(s["rows"]) for s in manifest["shards"][folder])
            if loaded.num_rows != rows:
                problem(
                    "README.md",
                    "load_dataset",
                    f"load_dataset(..., {config_name!r}) gives {loaded.num_rows} rows, not {rows}",
                )


if __name__ == "__main__":  # regenerate schemas/article.schema.json from corpus/records.py
    import sys

    target = resource("schemas") / "article.schema.json"
    target.write_text(
        json.dumps(json_schema(ARTICLE_SCHEMA, "article"), indent=2) + "\n", encoding="utf-8"
    )
    sys.stdout.write(f"wrote {target}\n")
