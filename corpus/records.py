"""Typed, frozen records at each stage boundary, and the Arrow schemas derived from them.

The Parquet schema of every table is derived from these dataclasses once (``arrow_schema``),
never inferred from data, so every shard of every version has the same schema.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

import orjson
import pyarrow as pa
import xxhash

_R = TypeVar("_R")


def _pickled_as_tuple(cls: type[_R]) -> type[_R]:
    """Pickle a record's fields as one plain tuple. The dataclass's own state methods call
    ``dataclasses.fields`` for every object, and every article crosses from a worker to the
    driver (and back from a unit's file) in a pickle: that was most of the driver's CPU."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    values = operator.attrgetter(*names)  # a tuple: every record has several fields

    def getstate(self: _R) -> tuple[Any, ...]:
        state: tuple[Any, ...] = values(self)
        return state

    # Each field's slot descriptor sets it directly: the way in a frozen dataclass allows
    # (object.__setattr__ would look each name up first: ~1.6x slower per record).
    setters = tuple(cls.__dict__[name].__set__ for name in names)

    def setstate(self: _R, state: tuple[Any, ...]) -> None:
        for set_field, value in zip(setters, state, strict=True):
            set_field(self, value)

    setattr(cls, "__getstate__", getstate)  # noqa: B010 (replaces the dataclass's)
    setattr(cls, "__setstate__", setstate)  # noqa: B010
    return cls


@_pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from: file (relative to the input root), position, raw-bytes hash."""

    path: str
    row: int | None  # 1-based record number within the file (data rows only for CSV)
    line: int | None  # 1-based line where the record starts
    sha256: str  # of the record's raw bytes as read
    format: str  # txt | jsonl | json | csv | html


@_pickled_as_tuple
@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as read, with its columns already mapped onto the raw schema's names.

    ``fields`` is what validation checks against ``raw_article.schema.json``; ``extra`` holds
    columns that map to nothing (kept, never dropped); ``raw`` is the verbatim source text.
    """

    fields: Mapping[str, Any]
    extra: Mapping[str, Any]
    provenance: Provenance
    raw: str


@_pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with one record: where in the record (JSON pointer) and what is wrong."""

    pointer: str
    message: str
    code: str  # the JSON Schema keyword that failed, or a reader error code


@_pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that did not make it into the dataset, kept verbatim with every reason."""

    id: str
    stage: str  # read | validate | language
    reason: str  # short machine-readable reason, e.g. "schema", "decode", "empty_file"
    issues: tuple[Issue, ...]
    raw: str
    source: Provenance


@_pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Article:
    """One processed article: a row of ``data/``. Field order is the Parquet column order."""

    id: str
    url: str | None
    publisher: str | None
    title: str | None
    published_at: str | None  # ISO 8601 with the source's UTC offset; a bare date stays a date
    dateline: str | None
    authors: tuple[str, ...]
    editor_initials: tuple[str, ...]
    cited_sources: tuple[str, ...]
    captions: tuple[str, ...]
    category: str | None
    text: str  # the body
    boilerplate: tuple[str, ...]  # removed lines, for audit
    language: str | None
    language_score: float | None
    n_words: int
    extra: str  # JSON object (sorted keys) of source columns that map to no field
    source: Provenance
    duplicate_count: int = 0  # duplicates of this article removed by dedup in its version
    also_seen_at: tuple[str, ...] = ()  # other publishers those duplicates came from, sorted
    # Added with defaults, so older call sites still build an Article; still explicit columns.
    updated_at: str | None = None  # ISO 8601 of a "Diperbarui"/"Updated" time, when marked so
    desk: str | None = None  # the publisher's desk or channel ("detikFinance")
    syndicated_from: str | None = None  # outlet that first ran it ("Artikel ini telah tayang di")
    boilerplate_rules: tuple[str, ...] = ()  # per ``boilerplate`` line: the rule that removed it
    language_share: float | None = None  # share of the body's letters in ``language`` (langid)
    language_alternatives: tuple[str, ...] = ()  # close languages it may be in instead (langid)
    published_at_source: str | None = None  # where published_at came from: column|text|url|html
    editors: tuple[str, ...] = ()  # editors credited (authors are the writers)
    language_langdetect: str | None = None  # langdetect's own answer, before the regional model


@_pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Duplicate:
    """An article removed as a duplicate of ``duplicate_of``, kept whole so it can be audited."""

    article: Article
    duplicate_of: str  # the article this one duplicates (the newest revision, for a revision)
    cluster_id: str  # id of the article the whole cluster kept
    reason: str  # exact | near | same_url | superseded_revision
    similarity: float  # estimated Jaccard of the word shingles (1.0 for exact)


# --------------------------------------------------------------------------- Arrow schemas

_SCALARS: dict[Any, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
}


def _arrow_type(tp: Any) -> tuple[pa.DataType, bool]:
    """Arrow type of a type hint, and whether it is nullable."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {tp!r}")
        return _arrow_type(args[0])[0], True
    if origin is tuple:
        item, ellipsis = get_args(tp)
        if ellipsis is not Ellipsis:
            raise TypeError(f"only homogeneous tuples map to Arrow lists, got {tp!r}")
        return pa.list_(_arrow_field("item", item)), False
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return pa.struct(_arrow_fields(tp)), False
    if tp in _SCALARS:
        return _SCALARS[tp], False
    raise TypeError(f"no Arrow type for {tp!r}")


def _arrow_field(name: str, tp: Any) -> pa.Field:
    arrow_type, nullable = _arrow_type(tp)
    return pa.field(name, arrow_type, nullable=nullable)


def _arrow_fields(cls: type) -> list[pa.Field]:
    hints = get_type_hints(cls)
    return [_arrow_field(f.name, hints[f.name]) for f in dataclasses.fields(cls)]


def arrow_schema(cls: type) -> pa.Schema:
    """The Arrow schema of a record dataclass (nested dataclasses become structs)."""
    return pa.schema(_arrow_fields(cls))


ARTICLE_SCHEMA = arrow_schema(Article)
DUPLICATE_SCHEMA = pa.schema(
    [*ARTICLE_SCHEMA, *(f for f in arrow_schema(Duplicate) if f.name != "article")]
)
REJECTED_SCHEMA = arrow_schema(Rejected)


def to_row(record: Any) -> dict[str, Any]:
    """A record as a plain dict matching its Arrow schema (tuples become lists)."""
    if isinstance(record, Duplicate):
        row = to_row(record.article)
        row.update(
            duplicate_of=record.duplicate_of, cluster_id=record.cluster_id, reason=record.reason
        )
        row["similarity"] = record.similarity
        return row
    names, values = _fields_of(type(record))
    return {
        name: value if type(value) in _AS_IS else _plain(value)
        for name, value in zip(names, values(record), strict=True)
    }


def to_table(records: Sequence[Any], schema: pa.Schema) -> pa.Table:
    """Records of one class as a table of ``schema``: the table ``pa.Table.from_pylist`` makes
    of their ``to_row``s, built column by column (~4x faster: no dict per row). A Duplicate's
    columns are its article's, then its own, as in ``to_row``."""
    if not records:
        return schema.empty_table()
    columns = []
    for field in schema:
        values = _column(records, field.name)
        kind = field.type.value_type if pa.types.is_list(field.type) else field.type
        if pa.types.is_struct(kind):  # nested records go in as tuples of their fields
            values = [_plain(v) for v in values]
        columns.append(pa.array(values, field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _column(records: Sequence[Any], name: str) -> list[Any]:
    """One field's values over ``records`` (a Duplicate's article fields read through it)."""
    get = operator.attrgetter(name)
    if isinstance(records[0], Duplicate) and name not in _field_names(Duplicate):
        article = operator.attrgetter("article")
        return [get(article(r)) for r in records]
    return [get(r) for r in records]


#: Values a row holds as they are (most of an article's fields): no conversion to look for.
_AS_IS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _fields_of(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """A record class's field names, and a getter of all their values at once."""
    found = _FIELDS.get(cls)
    if found is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        getter = operator.attrgetter(*names)
        # attrgetter of one name gives the value, not a tuple
        one: Callable[[Any], tuple[Any, ...]] = lambda record: (getter(record),)  # noqa: E731
        found = _FIELDS[cls] = (names, one if len(names) == 1 else getter)
    return found


def _field_names(cls: type) -> tuple[str, ...]:
    return _fields_of(cls)[0]


def _plain(value: Any) -> Any:
    # Hand-rolled rather than dataclasses.asdict, which deep-copies every value: this runs for
    # every row written and was a quarter of an ingest's main-process time.
    if type(value) in _AS_IS:
        return value
    if isinstance(value, tuple | list):
        return [v if type(v) in _AS_IS else _plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_row(value)
    return value


def article_from_row(row: Mapping[str, Any]) -> Article:
    """Inverse of ``to_row`` for an Article row read back from Parquet."""
    values = dict(row)
    values["source"] = Provenance(**values["source"])
    for f in dataclasses.fields(Article):
        if isinstance(values.get(f.name), list):
            values[f.name] = tuple(values[f.name])
    return Article(**{f.name: values[f.name] for f in dataclasses.fields(Article)})


def schema_fingerprint(schema: pa.Schema) -> str:
    """A short stable hash of a schema's names, types and nullability."""
    text = "\n".join(f"{f.name}:{f.type}:{f.nullable}" for f in schema)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- ids


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def canonical_json(value: Any) -> str:
    """Sorted-key compact JSON: the canonical form ids and hashes are computed on."""
    fast = _fast_json(value)
    return _json(value) if fast is None else fast.decode("utf-8")


def stable_id(value: Any) -> str:
    """A 128-bit hex id of a value's canonical JSON; same content, same id, any process."""
    fast = _fast_json(value)
    if fast is None:
        fast = _json(value).encode("utf-8", "surrogatepass")
    return xxhash.xxh3_128_hexdigest(fast)


# orjson writes the same bytes as ``_json`` (sorted keys, compact, no ASCII escapes, the same
# escapes of quotes, backslashes and control characters) for strings, None, bools, 64-bit ints,
# lists, tuples and dicts with string keys, ~15x faster: every record's id hashes its whole body.
# Floats (another shortest form), other types (``default=str``) and what orjson refuses (a lone
# surrogate, an int beyond 64 bits) take the standard encoder. Tested equal, tests/test_records.py.
_AS_JSON = frozenset({str, int, bool, type(None)})


def _plain_json(value: Any) -> bool:
    kind = type(value)
    if kind in _AS_JSON:
        return True
    if kind is dict:
        return all(
            type(k) is str and (type(v) in _AS_JSON or _plain_json(v)) for k, v in value.items()
        )
    if kind is list or kind is tuple:
        return all(type(v) in _AS_JSON or _plain_json(v) for v in value)
    return False


def _fast_json(value: Any) -> bytes | None:
    """``_json(value)`` as UTF-8 through orjson, or None where it may differ."""
    if not _plain_json(value):
        return None
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate, an int beyond 64 bits
        return None


__all__ = [
    "ARTICLE_SCHEMA",
    "DUPLICATE_SCHEMA",
    "REJECTED_SCHEMA",
    "Article",
    "Duplicate",
    "Issue",
    "Provenance",
    "RawRecord",
    "Rejected",
    "arrow_schema",
    "article_from_row",
    "canonical_json",
    "schema_fingerprint",
    "stable_id",
    "to_row",
]
