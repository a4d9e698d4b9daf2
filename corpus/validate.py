"""Validation of raw records against ``schemas/raw_article.schema.json`` (JSON Schema 2020-12).

An invalid record becomes a ``Rejected`` naming every problem (JSON pointer + message); it is
never dropped. ``check_paths`` is the library side of ``corpus validate`` for raw files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from corpus import sources
from corpus.config import Config, resource
from corpus.records import Issue, RawRecord, Rejected, stable_id
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


@dataclass(slots=True)
class Report:
    """What ``corpus validate`` found in raw files."""

    files: dict[str, str] = field(default_factory=dict)  # relative path -> path as given
    skipped: list[sources.Skipped] = field(default_factory=list)
    records: int = 0
    invalid: list[Rejected] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every record of every file is valid."""
        return not self.invalid

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able form, for ``--format json``."""
        return {
            "ok": self.ok,
            "files": len(self.files),
            "records": self.records,
            "invalid": len(self.invalid),
            "skipped": [{"path": s.relpath, "reason": s.reason} for s in self.skipped],
            "errors": [
                {
                    "file": self.files.get(r.source.path, r.source.path),
                    "row": r.source.row,
                    "line": r.source.line,
                    "stage": r.stage,
                    "reason": r.reason,
                    "pointer": issue.pointer,
                    "message": issue.message,
                    "code": issue.code,
                }
                for r in self.invalid
                for issue in r.issues
            ],
        }


def check_paths(paths: Sequence[Path], cfg: Config) -> Report:
    """Read and validate raw files without ingesting them."""
    files, skipped = sources.discover(paths)
    report = Report(files={f.relpath: f.path.as_posix() for f in files}, skipped=skipped)
    stats = Stats()
    for item in run(sources.run(files, cfg, stats), cfg, stats):
        report.records += 1
        if isinstance(item, Rejected):
            report.invalid.append(item)
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
