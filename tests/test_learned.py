"""Boilerplate learned at ingest: statistics in stories, lines and glued runs, keep rules, storage."""

from __future__ import annotations

import pickle
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import learned, sources
from corpus.boilerplate import LearnedRule, RuleSet, normalize_line
from corpus.config import Config
from corpus.errors import ConfigError, VersionError
from corpus.learned import (
    RULE,
    STATS_FILE,
    LearnedBoilerplate,
    LineStats,
    Thresholds,
    file_lines,
    learn,
    normalize,
    part_file,
    part_of,
    scope_of,
    stored_parts,
    stored_records,
)
from corpus.records import Provenance, RawRecord
from corpus.stats import Stats
from tests.conftest import shared_path

CITIES = ["Medan", "Padang", "Bogor", "Solo", "Malang", "Ambon", "Palu", "Kupang", "Jambi", "Bima"]
CITIES += ["Garut", "Blitar", "Depok", "Bekasi", "Cirebon", "Tegal", "Kediri", "Jember", "Sorong"]
PROMO = "Dengarkan podcast terbaru kami setiap Senin di aplikasi SuaraKita."
AD = "ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT"


def record(text: str, n: int = 1, url: str | None = None, path: str = "a.csv") -> RawRecord:
    fields: dict[str, Any] = {"text": text}
    if url is not None:
        fields["url"] = url
    return RawRecord(fields, {}, Provenance(path, n, n + 1, "0" * 64, "csv"), text)


def story(i: int) -> list[str]:
    """Three body lines of a story nobody else tells (digits alone would not tell them apart)."""
    city = CITIES[i % len(CITIES)]
    name = "Pak " + "".join(chr(97 + (i // 26**k) % 26) for k in range(3)).title()
    return [
        f"Banjir merendam {i + 3} desa di {city} sejak Selasa pagi, kata {name}.",
        f"Warga {city} mengungsi ke balai desa {name}, kata camat {city}.",
        f"Bantuan dari kabupaten tiba di {city} pada sore hari, kata {name}.",
    ]


def site(n: int, line: str = PROMO, host: str = "news.example.co.id") -> list[RawRecord]:
    """``n`` different stories of one publisher, each carrying ``line`` in another place."""
    out = []
    for i in range(n):
        lines = story(i)
        lines.insert(i % 4, line)
        out.append(record("\n".join(lines), i, f"https://{host}/read/{i}"))
    return out


def build(records: list[RawRecord], **kw: Any) -> LearnedBoilerplate:
    return LearnedBoilerplate.build(learn(records), Thresholds(**kw) if kw else None)


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("url", "scope"),
    [
        ("https://news.okezone.com/read/2019/09/1/x", "okezone.com"),
        ("http://www.republika.co.id/berita/x", "republika.co.id"),
        ("https://www.utusan.com.my/x?y=1#z", "utusan.com.my"),
        ("HTTPS://WWW.Kompas.COM:443/read", "kompas.com"),
        ("m.detik.com/news/x", "detik.com"),
        ("https://user@sub.tempo.co./x", "tempo.co"),
        ("http://localhost:8000/x", "localhost"),
        ("", "file:dir/a.csv"),
        (None, "file:dir/a.csv"),
    ],
)
def test_scope_of(url: str | None, scope: str) -> None:
    assert scope_of(url, "dir/a.csv") == scope


def test_normalize_groups_dates_and_spacing() -> None:
    assert normalize("Selasa, 10 Juni 2025") == normalize("selasa,  9 juni 2024 ")
    assert normalize("ＡＢＣ\u00a0 12.500") == "abc 0.0"


def test_thresholds_are_checked() -> None:
    with pytest.raises(ConfigError, match="min_stories"):
        Thresholds(min_stories=1)
    with pytest.raises(ConfigError, match="line_share"):
        Thresholds(line_share=1.5)
    with pytest.raises(ConfigError, match="max_run_words"):
        Thresholds(max_run_words=12)


# --------------------------------------------------------------------------- lines


def test_a_line_recurring_across_stories_is_removed_and_reported() -> None:
    records = site(10)
    learned = build(records)
    text = records[3].fields["text"]
    body, removed = learned.strip(text, "example.co.id")
    assert removed == (PROMO,)
    assert body == "\n".join(story(3))
    # another publisher's article keeps the same line; unknown scopes are untouched
    assert learned.strip(text, "other.com") == (text, ())
    assert learned.knows("example.co.id") and not learned.knows("other.com")
    assert RULE == "learned:auto"


def test_too_few_stories_or_too_small_a_share_is_not_boilerplate() -> None:
    assert not build(site(4)).knows("example.co.id")  # min_stories = 5
    # 6 of 400 stories (1.5%) is under the 2% share a line needs in a big publisher
    records = site(6) + [
        record("\n".join(story(i)), i, f"https://example.co.id/{i}") for i in range(6, 400)
    ]
    assert not build(records).knows("example.co.id")
    assert build(records, line_share=0.01).knows("example.co.id")


def test_a_story_repeating_itself_is_not_boilerplate() -> None:
    # one record that says the same line twenty times, among ordinary stories
    repeated = "\n".join(["Harga cabai naik lagi di pasar induk."] * 20 + story(0))
    records = [record(repeated, 0, "https://example.co.id/0")]
    records += [record("\n".join(story(i)), i, f"https://example.co.id/{i}") for i in range(1, 9)]
    assert not build(records).knows("example.co.id")


def test_a_story_syndicated_verbatim_is_not_boilerplate() -> None:
    # the same story at twelve URLs (and re-scraped with a widget line added): one story
    same = "\n".join(story(1))
    records = [record(same, i, f"https://example.co.id/copy/{i}") for i in range(12)]
    records += [record(same + "\nloading...", 20, "https://example.co.id/copy/20")]
    assert not build(records).knows("example.co.id")
    # the same lines in different stories are boilerplate
    assert build(site(12, line=story(1)[0])).knows("example.co.id")


def test_a_keep_rule_overrides_the_learned_line() -> None:
    stats = learn(site(10))
    keep = RuleSet.of([LearnedRule("example.co.id", normalize_line(PROMO), "keep")])
    text = site(10)[2].fields["text"]
    assert LearnedBoilerplate.build(stats, rules=keep).strip(text, "example.co.id") == (text, ())
    # by the structure stage's publisher name too
    named = RuleSet.of([LearnedRule("Example", normalize_line(PROMO), "keep")])
    learned = LearnedBoilerplate.build(stats, rules=named)
    assert learned.strip(text, "example.co.id", "Example") == (text, ())
    assert learned.strip(text, "example.co.id", "Other")[1] == (PROMO,)


def test_records_without_url_are_counted_per_file() -> None:
    records = [
        record("\n".join([*story(i), "Ikuti kami di Google News"]), i, path="x.jsonl")
        for i in range(6)
    ]
    learned = build(records)
    assert learned.knows("file:x.jsonl")
    assert learned.strip(records[0].fields["text"], "file:x.jsonl")[1] == (
        "Ikuti kami di Google News",
    )


# --------------------------------------------------------------------------- glued runs


def flattened(i: int, glued: str | None = AD, dateline: bool = True) -> str:
    """A one-line article (paragraphs flattened) with ``glued`` between two sentences."""
    city = CITIES[i % len(CITIES)]
    name = story(i)[0].rsplit(" ", 2)[-1].rstrip(".")
    parts = [
        f"{city}, CNN Indonesia -- Polisi menangkap {i + 2} tersangka pencurian di {city}."
        if dateline
        else f"Polisi menangkap {i + 2} tersangka pencurian di {city}.",
        f"Sementara itu, warga {city} diminta waspada pada malam ke-{i}.",
        f"{glued} " if glued else "",
        f"Kapolres {city} menyebut barang bukti berupa {i + 1} sepeda motor.",
        f"Menurut dia, pelaku sudah beraksi sejak {2000 + i} di rumah {name}.",
    ]
    return " ".join(p.strip() for p in parts if p)


def test_a_run_glued_mid_paragraph_is_cut_and_the_sentences_stay() -> None:
    records = [record(flattened(i), i, f"https://www.cnnindonesia.com/n/{i}") for i in range(20)]
    learned = build(records)
    text = records[7].fields["text"]
    body, removed = learned.strip(text, "cnnindonesia.com")
    assert removed == (AD,)
    assert body == text.replace(AD + " ", "")
    # the dateline and the frequent sentence opener ("Sementara itu,") are not furniture
    assert body.startswith(f"{CITIES[7]}, CNN Indonesia -- Polisi")
    assert "Sementara itu, warga" in body
    assert "Menurut dia, pelaku" in body


def test_a_run_is_learned_in_comma_joined_paragraphs_too() -> None:
    # the 2019 scrapes join paragraphs with "," after the full stop
    records = [
        record(flattened(i, glued=None).replace(". ", ".,", 1) + ".,(adv) Foto: Humas", i, None)
        for i in range(8)
    ]
    learned = build(records, run_share=0.5)
    body, removed = learned.strip(records[0].fields["text"], "file:a.csv")
    assert removed == ("(adv) Foto: Humas",)
    assert body == records[0].fields["text"].removesuffix("(adv) Foto: Humas")


def test_runs_need_a_sentence_after_them() -> None:
    # "Baca juga" followed by a headline that varies is no run: the headline may be anything
    records = [
        record(flattened(i, glued=f"Baca juga: kabar {CITIES[i]} hari ini"), i, None)
        for i in range(10)
    ]
    assert not build(records).knows("file:a.csv")


def test_a_keep_rule_overrides_a_learned_run() -> None:
    records = [record(flattened(i), i, f"https://www.cnnindonesia.com/n/{i}") for i in range(10)]
    keep = RuleSet.of([LearnedRule("cnnindonesia.com", normalize_line(AD), "keep")])
    learned = LearnedBoilerplate.build(learn(records), rules=keep)
    text = records[1].fields["text"]
    assert learned.strip(text, "cnnindonesia.com") == (text, ())


# --------------------------------------------------------------------------- statistics


def test_save_load_and_merge_give_the_same_boilerplate(tmp_path: Path) -> None:
    records = site(12) + [
        record(flattened(i), i, f"https://www.cnnindonesia.com/n/{i}") for i in range(12)
    ]
    whole = learn(records)
    files = whole.save(tmp_path / "learned")
    # a file per part of the scopes
    assert [f.name for f in files] == sorted(
        part_file(part_of(s)) for s in ("example.co.id", "cnnindonesia.com")
    )
    loaded = LineStats.load(tmp_path / "learned")
    assert loaded.records() == whole.records() == {"example.co.id": 12, "cnnindonesia.com": 12}
    halves = learn(records[::2])
    halves.merge(learn(records[1::2]))
    expected = LearnedBoilerplate.build(whole)
    assert LearnedBoilerplate.build(loaded) == expected
    assert (
        LearnedBoilerplate.build(halves).scopes["example.co.id"]
        == (expected.scopes["example.co.id"])
    )
    assert pickle.loads(pickle.dumps(expected)) == expected  # shipped to worker processes


def test_parts_learned_on_their_own_are_the_whole(tmp_path: Path) -> None:
    """A distributed survey learns each part of the scopes in its own task (after the parent's
    part): joined, the parts are what the whole statistics give, and so are the files saved."""
    sites = [f"https://www.site{k}.co.id/r/" for k in range(6)]
    records = [
        record(text, i, url + str(i))
        for url in sites
        for i, text in enumerate(r.fields["text"] for r in site(12))
    ]
    earlier, later = records[::3], [r for i, r in enumerate(records) if i % 3]
    parent = learn(earlier)
    parent.save(tmp_path / "parent" / "learned")
    whole = learn(later, previous=parent)
    by_file = [file_lines(later[: len(later) // 2]), file_lines(later[len(later) // 2 :])]
    built = []
    for part in sorted({part_of(s) for s in whole.scopes()}):
        stats = LineStats.load(tmp_path / "parent" / "learned", part=part)
        assert {part_of(s) for s in stats.scopes()} <= {part}
        for one in by_file:
            stats.merge(one.split().get(part, file_lines([])))
        built.append(LearnedBoilerplate.build(stats))
        assert set(stats.scopes()) == {s for s in whole.scopes() if part_of(s) == part}
    assert len(built) > 1
    assert LearnedBoilerplate.joined(built) == LearnedBoilerplate.build(whole)
    assert LearnedBoilerplate.build(whole).knows(scope_of(sites[0], "x"))


def test_statistics_saved_whole_by_earlier_versions_still_load(tmp_path: Path) -> None:
    records = site(12) + [
        record(flattened(i), i, f"https://www.cnnindonesia.com/n/{i}") for i in range(12)
    ]
    whole = learn(records)
    whole._write(tmp_path / STATS_FILE)  # the one file versions wrote before the parts
    assert LearnedBoilerplate.build(LineStats.load(tmp_path)) == LearnedBoilerplate.build(whole)
    part = part_of("cnnindonesia.com")
    assert LineStats.load(tmp_path, part=part).records() == {"cnnindonesia.com": 12}
    assert stored_parts(tmp_path / STATS_FILE) == {part, part_of("example.co.id")}
    assert stored_records(tmp_path / STATS_FILE) == 24


def test_a_small_later_ingest_benefits_from_earlier_statistics() -> None:
    earlier = learn(site(20))
    later = site(2)  # alone: two stories are too few to learn from
    assert not LearnedBoilerplate.build(learn(later)).knows("example.co.id")
    learned = LearnedBoilerplate.build(learn(later, previous=earlier))
    assert learned.strip(later[0].fields["text"], "example.co.id")[1] == (PROMO,)
    assert earlier.records() == {"example.co.id": 20}  # the previous statistics are not changed


def test_pruning_keeps_what_recurs() -> None:
    full, pruned = LineStats(), LineStats(max_rows=50)
    for r in site(30):
        full.add("example.co.id", r.fields["text"])
        pruned.add("example.co.id", r.fields["text"])
    assert len(pruned.table()["key"]) < len(full.table()["key"])  # lines of one story went
    assert pruned.records() == full.records()
    assert LearnedBoilerplate.build(pruned) == LearnedBoilerplate.build(full)


def test_unreadable_statistics_are_a_version_error(tmp_path: Path) -> None:
    (tmp_path / "line_stats.parquet").write_bytes(b"not parquet")
    with pytest.raises(VersionError, match="line statistics"):
        LineStats.load(tmp_path)


# --------------------------------------------------------------------------- real data


def _records(path: Path, cfg: Config | None = None) -> list[RawRecord]:
    files, _ = sources.discover([path])
    items = sources.run(files, cfg or Config(), Stats())
    return [r for r in items if isinstance(r, RawRecord) and isinstance(r.fields.get("text"), str)]


def test_cnn_indonesia_inline_ad_marker_is_learned() -> None:
    path = shared_path("news-id-more", "cnnindonesia-2025")
    records = _records(path, Config(column_map={"text": "FullText"}))
    learned = LearnedBoilerplate.build(learn(records))
    holding = [r for r in records if AD in r.fields["text"]]
    assert len(holding) / len(records) > 0.8
    for r in records:
        text = r.fields["text"]
        body, removed = learned.strip(text, "cnnindonesia.com")
        assert (AD in removed) == (AD in text)
        assert AD not in body
        # every word of the text is in the body or in a removed piece
        assert sorted(body.split() + " ".join(removed).split()) == sorted(text.split())


def test_nothing_is_learned_from_the_2019_corpus_bodies() -> None:
    # flattened paragraphs of five publishers with no recurring furniture: news phrases
    # ("katanya.", "Sementara itu,", datelines) must not be cut
    records = _records(shared_path("news-id-2019"))
    learned = LearnedBoilerplate.build(learn(records))
    removed = [p for r in records[::7] for p in learned.strip(r.fields["text"], "x")[1]]
    assert removed == []
    cut = 0
    for r in records[::7]:
        scope = scope_of(r.fields.get("url"), r.provenance.path)
        cut += len(learned.strip(r.fields["text"], scope)[1])
    assert cut <= len(records[::7]) * 0.01


# ------------------------------------------------------------------ normalize by byte tables

_LINE = st.lists(
    st.one_of(
        st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000\ud800.,0123456789aZ")),
        st.sampled_from(["١٢", "²", "①", "ﬁ", "ß", "İ", "Ǆ", "¬†", "‚Äì", "０", "\u0345"]),
        st.characters(),
    ),
    max_size=60,
).map("".join)


def _plain_normalize(text: str) -> str:
    """``normalize`` as it was written first: NFKC, casefold, a regex over digit runs, split."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"\d+", "0", folded).split())


@settings(max_examples=500, deadline=None)
@given(_LINE)
def test_normalize_by_byte_tables_is_the_plain_form(text: str) -> None:
    assert normalize(text) == _plain_normalize(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=8))
def test_lines_normalized_together_are_each_normalized(lines: list[str]) -> None:
    lines = [line.replace("\n", " ") for line in lines]  # lines of a text hold no break
    assert learned._normalize_many(lines) == [_plain_normalize(line) for line in lines]


def test_long_runs_of_digits_and_spaces_become_one() -> None:
    text = "Nomor " + "7" * 1000 + " \t " * 500 + "dan 1 2  3" + " " * 1025
    assert normalize(text) == _plain_normalize(text) == "nomor 0 dan 0 0 0"


def test_the_digits_and_spaces_of_the_tables_are_the_regex_s_and_split_s() -> None:
    """What the byte tables assume, for every code point: ``\\d`` is ``str.isdecimal``, and
    ``str.split()`` splits on what ``str.isspace`` says."""
    digit = re.compile(r"\d")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert char.isdecimal() == bool(digit.fullmatch(char)), hex(code)
        assert char.isspace() == (len(f"a{char}b".split()) == 2), hex(code)
