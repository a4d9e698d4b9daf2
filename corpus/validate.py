"""Validation of raw records against ``schemas/raw_article.schema.json`` (JSON Schema 2020-12).

An invalid record becomes a ``Rejected`` naming every problem (JSON pointer + message); it is
never dropped. ``check_paths`` is the library side of ``corpus validate`` for raw files; a
written version is checked by ``corpus.audit``. ``json_schema`` generates
``schemas/article.schema.json`` from the processed record (``uv run python -m corpus.validate``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from corpus import sources
from corpus.config import Config, resource
from corpus.records import ARTICLE_SCHEMA, Issue, RawRecord, Rejected, stable_id
from corpus.schema_check import Check, compile_schema
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


@cache
def raw_check() -> Check | None:
    """The raw schema compiled to a yes/no predicate (``schema_check``), built once per process."""
    return compile_schema(load_schema("raw_article.schema.json"))


def check(record: RawRecord) -> tuple[Issue, ...]:
    """Every schema violation of one record, in a stable order (empty when valid)."""
    fields = dict(record.fields)
    # the compiled predicate says yes to a valid record ~50x faster than jsonschema finds no
    # error; any other record gets jsonschema's own errors, so the messages are unchanged
    fast = raw_check()
    if fast is not None and fast(fields):
        return ()
    errors = sorted(raw_validator().iter_errors(fields), key=error_key)
    return tuple(Issue(error_pointer(e), describe_error(e), str(e.validator)) for e in errors)


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

    def relocated(self, local: Path, url: str) -> Report:
        """This report with the paths under ``local`` (a fetched copy) named by ``url``."""
        prefix = local.as_posix()

        def moved(path: str) -> str:
            return url.rstrip("/") + path[len(prefix) :] if path.startswith(prefix) else path

        return Report(
            files={moved(k): moved(v) for k, v in self.files.items()},
            skipped=self.skipped,
            records=self.records,
            invalid=self.invalid,
            findings=[replace(f, file=moved(f.file)) for f in self.findings],
        )

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

    def extend(self, other: Report) -> None:
        """Add what another check found (e.g. one more version) to this report."""
        self.files.update(other.files)
        self.skipped.extend(other.skipped)
        self.records += other.records
        self.invalid += other.invalid
        self.findings.extend(other.findings)

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


def check_paths(paths: Sequence[Path | str], cfg: Config) -> Report:
    """Read and validate raw files without ingesting them."""
    files, skipped = sources.discover(paths)
    report = Report(files={f.relpath: f.location for f in files}, skipped=skipped)
    stats = Stats()
    for item in run(sources.run(files, cfg, stats), cfg, stats):
        report.records += 1
        if isinstance(item, Rejected):
            report.add_rejected(item)
    return report


# --------------------------------------------------------------------------- messages


def error_key(error: ValidationError) -> tuple[str, str]:
    """The order errors are reported in: by JSON pointer, then keyword."""
    return error_pointer(error), str(error.validator)


def error_pointer(error: ValidationError) -> str:
    """The JSON pointer (RFC 6901) of the value an error is about."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path)
    return "".join("/" + p for p in parts)


def describe_error(error: ValidationError) -> str:
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


if __name__ == "__main__":  # regenerate schemas/article.schema.json from corpus/records.py
    import sys

    target = resource("schemas") / "article.schema.json"
    target.write_text(
        json.dumps(json_schema(ARTICLE_SCHEMA, "article"), indent=2) + "\n", encoding="utf-8"
    )
    sys.stdout.write(f"wrote {target}\n")
