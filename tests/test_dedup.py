from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from hypothesis import given
from hypothesis import strategies as st

from corpus import dedup
from corpus.config import Config
from corpus.records import Article, Duplicate, Provenance
from corpus.stats import Stats


def art(id: str, text: str, published: str | None = None) -> Article:
    return Article(
        id,
        None,
        None,
        None,
        published,
        None,
        (),
        (),
        (),
        (),
        None,
        text,
        (),
        None,
        None,
        len(text.split()),
        "{}",
        Provenance(id, 1, 1, "0", "txt"),
    )


def in_memory(articles: Iterable[Article]) -> Iterator[Article]:
    return iter(list(articles))


def route(articles: list[Article]) -> list[Article | Duplicate]:
    return list(dedup.run(articles, Config(), Stats(), in_memory))


def test_normalize_nfkc_casefold_whitespace() -> None:
    assert dedup.normalize("  Ｈａｌｏ\u00a0 DUNIA\n\tlagi ") == "halo dunia lagi"
    assert dedup.body_hash("Halo   dunia") == dedup.body_hash("halo dunia")


def test_earliest_published_survives_whatever_the_input_order() -> None:
    late = art("late", "Sama persis.", "2021-11-17T17:45:00+07:00")
    early = art("early", "sama  PERSIS.", "2021-11-17T10:00:00+00:00")  # 17:00 WIB, 45 min earlier
    for order in ([late, early], [early, late]):
        out = route(order)
        survivors = [a.id for a in out if isinstance(a, Article)]
        dups = [(d.article.id, d.duplicate_of, d.reason) for d in out if isinstance(d, Duplicate)]
        assert survivors == ["early"]
        assert dups == [("late", "early", "exact")]


def test_then_longest_then_input_order() -> None:
    short, long = art("s", "Teks yang sama."), art("l", "Teks  yang\n\nsama.")
    assert [type(x).__name__ for x in route([short, long])] == ["Duplicate", "Article"]
    a, b = art("a", "Teks yang sama."), art("b", "Teks yang sama.")
    assert [type(x).__name__ for x in route([a, b])] == ["Article", "Duplicate"]
    dated, undated = art("d", "X y z.", "2020-01-01"), art("u", "x y z.")
    out = route([undated, dated])
    assert [x.id for x in out if isinstance(x, Article)] == ["d"]  # unknown dates sort last


def test_output_keeps_input_order_and_counts() -> None:
    stats = Stats()
    items = [art("1", "a b c"), art("2", "d e f"), art("3", "A B C")]
    out = list(dedup.run(items, Config(), stats, in_memory))
    assert [x.id if isinstance(x, Article) else x.article.id for x in out] == ["1", "2", "3"]
    assert stats.stage("dedup") == {"exact": 1, "unique": 2}


bodies = st.lists(
    st.sampled_from(["satu dua", "Satu  dua", "tiga", "empat lima", "TIGA"]), max_size=20
)


@given(bodies, st.randoms())
def test_dedup_is_conservative_idempotent_and_order_free(texts: list[str], rnd: object) -> None:
    articles = [art(str(i), t, f"2021-01-{1 + i:02d}") for i, t in enumerate(texts)]
    out = route(articles)
    assert len(out) == len(articles)  # conservation
    survivors = [a for a in out if isinstance(a, Article)]
    assert len(survivors) == len({dedup.normalize(t) for t in texts})
    assert route(survivors) == survivors  # idempotent
    shuffled = list(articles)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert {a.id for a in route(shuffled) if isinstance(a, Article)} == {a.id for a in survivors}


def test_published_timestamp_orders_offsets_and_dates() -> None:
    wib = dedup.published_timestamp("2021-11-17T17:45:00+07:00")
    utc = dedup.published_timestamp("2021-11-17T10:45:00+00:00")
    assert wib == utc
    assert dedup.published_timestamp("2021-11-17") < wib
    assert dedup.published_timestamp(None) == dedup.published_timestamp("garbage") == float("inf")
    assert dataclasses.is_dataclass(art("x", "y"))
