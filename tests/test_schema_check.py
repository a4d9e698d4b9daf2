from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from corpus import sources
from corpus.config import Config
from corpus.records import RawRecord
from corpus.schema_check import compile_schema
from corpus.stats import Stats
from corpus.validate import load_schema, raw_check, raw_validator
from tests.conftest import shared_path

SCHEMA = load_schema("raw_article.schema.json")


def _agree(fields: dict[str, Any]) -> None:
    fast = raw_check()
    assert fast is not None
    valid = not any(True for _ in raw_validator().iter_errors(fields))
    assert fast(fields) is valid, fields


def test_the_raw_schema_compiles() -> None:
    assert raw_check() is not None


@pytest.mark.parametrize(
    "fields",
    [
        {"text": "Isi berita.", "title": "Judul", "url": "https://x.id/a", "author": ["A", "B"]},
        {"text": "x", "url": "//x.id/a", "author": "A", "language": "id-ID", "title": None},
        {"title": "t"},
        {"text": ""},
        {"text": "   \n"},
        {"text": "x", "title": 42},
        {"text": "x", "title": True},
        {"text": "x", "url": "not a url"},
        {"text": "x", "url": "https://x.id/a b"},
        {"text": "x", "author": [1]},
        {"text": "x", "author": [""]},
        {"text": "x", "author": ["A"] * 101},
        {"text": "x", "author": {"name": "A"}},
        {"text": "x", "published": "9" * 200},
        {"text": "x", "published": "9" * 201},
        {"text": "x", "language": "indonesian"},
        {"text": "x", "unmapped": "y"},
        {"text": ["x"]},
        {"text": "x" * 1_000_001},
    ],
)
def test_agrees_with_jsonschema_on_bad_and_good_records(fields: dict[str, Any]) -> None:
    _agree(fields)


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["https://x.id/a", "//x.id", "id", "en-US", " ", "\n", "a" * 2001]),
    st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=3),
)
_KEYS = st.sampled_from([*SCHEMA["properties"], "other"])


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_agrees_with_jsonschema_on_generated_records(fields: dict[str, Any]) -> None:
    _agree(fields)


@pytest.mark.parametrize(
    "schema",
    [
        {"not": {"type": "string"}},
        {"oneOf": [{"type": "string"}]},
        {"type": "string", "format": "date"},
        {"$ref": "https://example.com/other.json"},
        {"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"},
        {"items": {"type": "string"}, "prefixItems": [{"type": "integer"}]},
        {"type": "date"},
    ],
)
def test_an_unknown_keyword_or_reference_compiles_to_none(schema: dict[str, Any]) -> None:
    # the caller then asks jsonschema for every record: slower, never wrong
    assert compile_schema(schema) is None


def test_combinations_and_numbers_match_jsonschema() -> None:
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "integer"},
            "x": {"type": ["number", "null"]},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "a": {"allOf": [{"type": "string"}, {"minLength": 2}]},
        },
        "additionalProperties": {"type": "string"},
    }
    fast = compile_schema(schema)
    assert fast is not None
    validator = Draft202012Validator(schema)
    for value in [
        {"n": 1},
        {"n": 1.0},
        {"n": 1.5},
        {"n": True},
        {"x": None},
        {"x": 2.5},
        {"x": False},
        {"tags": []},
        {"tags": ["a"]},
        {"tags": ["a", 1]},
        {"a": "ab"},
        {"a": "a"},
        {"other": "s"},
        {"other": 1},
        [],
    ]:
        assert fast(value) is validator.is_valid(value), value


@pytest.mark.parametrize(
    "corpus", ["news-id-2019", "news-id-2025", "news-id-more", "news-ms", "news-id-html"]
)
def test_agrees_with_jsonschema_on_every_shared_record(corpus: str) -> None:
    files, _ = sources.discover([shared_path(corpus)])
    n = 0
    for item in sources.run(files, Config(), Stats()):
        if isinstance(item, RawRecord):
            _agree(dict(item.fields))
            n += 1
    assert n > 0


def test_agrees_on_the_mini_fixture_with_its_bad_rows(mini: Path) -> None:
    items = list(sources.run(sources.discover([mini])[0], Config(), Stats()))
    records = [i for i in items if isinstance(i, RawRecord)]
    for record in records:
        _agree(dict(record.fields))
    # the fixture's bad rows include schema violations, which the predicate must refuse
    assert any(not raw_validator().is_valid(dict(r.fields)) for r in records)
