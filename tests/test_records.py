from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.records import (
    ARTICLE_SCHEMA,
    DUPLICATE_SCHEMA,
    REJECTED_SCHEMA,
    Article,
    Duplicate,
    Issue,
    Provenance,
    Rejected,
    article_from_row,
    canonical_json,
    schema_fingerprint,
    stable_id,
    to_row,
    to_table,
)
from corpus.shards import string_bytes, string_sizes

text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=50)
names = st.tuples(text, text).map(lambda t: tuple(x for x in t if x))


@st.composite
def articles(draw: st.DrawFn) -> Article:
    return Article(
        id=draw(text),
        url=draw(st.none() | text),
        publisher=draw(st.none() | text),
        title=draw(st.none() | text),
        published_at=draw(st.none() | text),
        dateline=draw(st.none() | text),
        authors=draw(names),
        editor_initials=draw(names),
        cited_sources=draw(names),
        captions=draw(names),
        category=draw(st.none() | text),
        text=draw(text),
        boilerplate=draw(names),
        language=draw(st.none() | text),
        language_score=draw(st.none() | st.floats(0, 1)),
        n_words=draw(st.integers(0, 10**6)),
        extra=draw(text),
        source=Provenance(
            draw(text), draw(st.none() | st.integers(1, 10**9)), None, "0" * 64, "csv"
        ),
    )


def test_article_schema_is_derived_from_the_dataclass() -> None:
    assert ARTICLE_SCHEMA.names[:3] == ["id", "url", "publisher"]
    assert ARTICLE_SCHEMA.field("authors").type == pa.list_(
        pa.field("item", pa.string(), nullable=False)
    )
    assert not ARTICLE_SCHEMA.field("text").nullable
    assert ARTICLE_SCHEMA.field("title").nullable
    assert ARTICLE_SCHEMA.field("source").type.num_fields == 5
    assert DUPLICATE_SCHEMA.names[-4:] == ["duplicate_of", "cluster_id", "reason", "similarity"]
    assert REJECTED_SCHEMA.field("issues").type.value_type.names == ["pointer", "message", "code"]


@given(articles())
def test_article_round_trips_through_parquet(article: Article) -> None:
    table = pa.Table.from_pylist([to_row(article)], schema=ARTICLE_SCHEMA)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    back = pq.read_table(pa.BufferReader(sink.getvalue())).to_pylist()[0]
    assert article_from_row(back) == article


@given(articles(), st.floats(0, 1))
def test_records_round_trip_through_pickle(article: Article, similarity: float) -> None:
    # workers hand every article to the driver as a pickle (records pickle their fields as
    # one tuple: corpus.records._pickled_as_tuple)
    article = replace(article, editors=("A",), language_langdetect="id")  # defaulted fields too
    duplicate = Duplicate(article, "x", "y", "near", similarity)
    for record in (article, duplicate):
        back = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == record and type(back) is type(record)


@given(st.lists(articles(), min_size=1, max_size=4), st.floats(0, 1))
def test_tables_built_by_column_are_the_tables_of_the_rows(
    found: list[Article], similarity: float
) -> None:
    """Workers make each unit's tables column by column (``to_table``), and size its rows for
    the shard writer with ``string_sizes``: the same as ``from_pylist`` and ``string_bytes``."""
    duplicates = [Duplicate(a, "x", "y", "near", similarity) for a in found]
    rejects = [
        Rejected(a.id, "removed", "taken_down", (Issue("", a.text, "taken_down"),), "", a.source)
        for a in found
    ]
    for records, schema in (
        (found, ARTICLE_SCHEMA),
        (duplicates, DUPLICATE_SCHEMA),
        (rejects, REJECTED_SCHEMA),
    ):
        rows = [to_row(r) for r in records]
        table = to_table(records, schema)
        assert table.equals(pa.Table.from_pylist(rows, schema=schema))
        assert string_sizes(table) == [string_bytes(row) for row in rows]
    assert to_table([], ARTICLE_SCHEMA).num_rows == 0


def test_duplicate_row_has_article_columns_and_reason(tmp_path: Path) -> None:
    article = Article(
        "a",
        None,
        None,
        None,
        None,
        None,
        (),
        (),
        (),
        (),
        None,
        "x",
        (),
        None,
        None,
        1,
        "{}",
        Provenance("f", 1, 1, "0", "txt"),
    )
    row = to_row(Duplicate(article, "b", "b", "exact", 1.0))
    assert list(row) == DUPLICATE_SCHEMA.names
    pa.Table.from_pylist([row], schema=DUPLICATE_SCHEMA)


def test_stable_id_ignores_key_order_and_is_stable() -> None:
    assert stable_id({"a": 1, "b": "x"}) == stable_id({"b": "x", "a": 1})
    assert stable_id({"a": 1}) != stable_id({"a": 2})
    # pinned: ids must never change between releases for the same content
    assert stable_id({"text": "halo"}) == stable_id({"text": "halo"})
    assert len(stable_id({"text": "halo"})) == 32


def test_schema_fingerprint_changes_with_schema() -> None:
    assert schema_fingerprint(ARTICLE_SCHEMA) != schema_fingerprint(DUPLICATE_SCHEMA)
    assert schema_fingerprint(ARTICLE_SCHEMA) == schema_fingerprint(pa.schema(list(ARTICLE_SCHEMA)))


_JSONABLE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        st.text(),
        st.text(st.characters(blacklist_categories=())),  # lone surrogates too
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(_JSONABLE)
def test_canonical_json_and_ids_are_the_standard_encoders(value: object) -> None:
    # the orjson fast path must give the bytes of json.dumps(sort_keys, compact, no ASCII escape)
    import json

    import xxhash

    want = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    assert canonical_json(value) == want
    assert stable_id(value) == xxhash.xxh3_128_hexdigest(want.encode("utf-8", "surrogatepass"))
