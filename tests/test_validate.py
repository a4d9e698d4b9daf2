from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from corpus.config import Config
from corpus.records import Provenance, RawRecord, Rejected
from corpus.stats import Stats
from corpus.validate import check, check_paths, load_schema, run

PROV = Provenance("f.jsonl", 3, 3, "0" * 64, "jsonl")


def record(**fields: object) -> RawRecord:
    return RawRecord(fields, {}, PROV, "raw line")


def test_raw_schema_is_a_valid_2020_12_schema() -> None:
    schema = load_schema("raw_article.schema.json")
    Draft202012Validator.check_schema(schema)
    assert schema["required"] == ["text"]


def test_valid_record_has_no_issues() -> None:
    assert (
        check(record(text="Isi berita.", title="Judul", url="https://x.id/a", author=["A", "B"]))
        == ()
    )


@pytest.mark.parametrize(
    ("fields", "pointer", "code", "message"),
    [
        (
            {"title": "t"},
            "",
            "required",
            "'text' is required but no column maps to it (map one with --map FIELD=COLUMN)",
        ),
        ({"text": "   \n"}, "/text", "pattern", "\"   \\n\" does not match the pattern '\\\\S'"),
        (
            {"text": "x", "title": 42},
            "/title",
            "type",
            "42 is of type integer, expected string or null",
        ),
        ({"text": "x", "url": "not a url"}, "/url", "pattern", None),
        (
            {"text": "x", "author": [1]},
            "/author",
            "anyOf",
            "[1] is neither a string nor a list of names",
        ),
        (
            {"text": "x", "published": "9" * 500},
            "/published",
            "maxLength",
            "is 500 characters long; the maximum is 200",
        ),
    ],
)
def test_each_problem_is_reported_with_pointer_and_message(
    fields: dict[str, object], pointer: str, code: str, message: str | None
) -> None:
    (issue,) = check(record(**fields))
    assert (issue.pointer, issue.code) == (pointer, code)
    if message is not None:
        assert issue.message == message


def test_every_error_is_reported_not_just_the_first() -> None:
    issues = check(record(text="", title=1, url=2))
    assert [(i.pointer, i.code) for i in issues] == [
        ("/text", "minLength"),
        ("/text", "pattern"),
        ("/title", "type"),
        ("/url", "type"),
    ]


def test_run_turns_invalid_records_into_rejects_keeping_raw() -> None:
    stats = Stats()
    out = list(run([record(text="ok"), record(title="no text")], Config(), stats))
    assert isinstance(out[0], RawRecord)
    assert isinstance(out[1], Rejected)
    assert (out[1].stage, out[1].reason, out[1].raw, out[1].source) == (
        "validate",
        "schema",
        "raw line",
        PROV,
    )
    assert stats.stage("validate") == {"invalid": 1, "valid": 1}


def test_check_paths_reports_every_invalid_record(mini: Path) -> None:
    report = check_paths([mini], Config())
    assert not report.ok
    assert report.records == 9
    data = report.as_dict()
    assert data["invalid"] == 4
    assert {(e["file"].rsplit("/", 1)[-1], e["row"], e["reason"]) for e in data["errors"]} == {
        ("portal.csv", 3, "schema"),
        ("wire.jsonl", 3, "schema"),
        ("wire.jsonl", 4, "not_object"),
        ("wire.jsonl", 5, "json"),
    }
    assert data["skipped"] == [{"path": "notes.md", "reason": "unsupported file type .md"}]


def test_check_paths_ok_on_the_seed() -> None:
    report = check_paths([Path(__file__).resolve().parents[1] / "raw"], Config())
    assert report.ok and report.records == 1
