"""The structure stage: the seed article exactly, each rule on small texts, real-data invariants."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus.config import COLUMN_PRESETS, normalize_column
from corpus.errors import ConfigError
from corpus.records import Article, Provenance, RawRecord, Rejected, stable_id
from corpus.stats import Stats
from corpus.structure import (
    StructureHints,
    file_date_order,
    load_profiles,
    parse_profile,
    run,
    run_with_rejects,
    structure,
)
from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = ROOT / "raw" / "000_a533d64818c347f6.txt"
# a lost lead-in left at the start of a body: " , - ", "- ", ", , -"
_LEAD_IN_LEFT = re.compile(r"^[\s,]*[-–—]+(?:[\s,]|$)")


def record(text: str, extra: Any = None, **fields: Any) -> RawRecord:
    provenance = Provenance("sample.csv", 1, 2, "0" * 64, "csv")
    return RawRecord({"text": text, **fields}, extra or {}, provenance, text)


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


# --------------------------------------------------------------------------- the seed


def test_seed_article_exact() -> None:
    text = SEED.read_text(encoding="utf-8")
    provenance = Provenance("000_a533d64818c347f6.txt", 1, 1, "0" * 64, "txt")
    article = structure(RawRecord({"text": text}, {}, provenance, text))

    assert article.title == (
        "Pejabat AS dan Korsel Cari Cara Tarik Korut Kembali ke Meja Perundingan"
    )
    assert article.published_at == "2021-11-17T17:45:00+07:00"
    assert article.captions == ("Ilustrasi",)
    assert article.dateline == "SEOUL"
    assert article.editor_initials == ("esn",)
    assert article.cited_sources == ("Yonhap",)
    assert article.publisher == "SINDOnews"
    assert article.authors == ()

    lines = [line.strip() for line in text.splitlines()]
    first = next(i for i, line in enumerate(lines) if line.startswith("SEOUL - Wakil Menteri"))
    last = next(
        i for i, line in enumerate(lines) if line.endswith("perdamaian abadi di semenanjung.")
    )
    body = [line for line in lines[first : last + 1] if line]
    body[0] = body[0].removeprefix("SEOUL - ")
    assert len(body) == 9
    assert body[0].startswith("Wakil Menteri Luar Negeri Korea Selatan")
    assert article.text == "\n\n".join(body)

    start = lines.index("Lihat Juga :")
    assert article.boilerplate == tuple(lines[start:])
    assert len(article.boilerplate) == 9
    assert article.boilerplate[-1] == "Berita Terkini More"
    assert "(esn)" not in article.text
    assert "(esn)" not in article.boilerplate

    assert article.id == stable_id({"text": text})
    assert article.n_words == len(article.text.split())
    assert article.language is None
    assert article.language_score is None
    assert article.extra == "{}"
    assert article.source == provenance


def test_structure_is_deterministic() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert structure(record(text)) == structure(record(text))


# --------------------------------------------------------------------------- paragraphs


def test_comma_joined_paragraphs_split_after_sentence_end() -> None:
    text = (
        " , - Sebanyak 12 warga mengikuti lomba.,Lomba dimulai pagi hari. ,"
        '"Kami senang sekali," kata Budi.,Apakah akan diulang?,Ya! , '
    )
    article = structure(record(text, title="Lomba"))
    assert paragraphs(article.text) == [
        "Sebanyak 12 warga mengikuti lomba.",
        "Lomba dimulai pagi hari.",
        '"Kami senang sekali," kata Budi.',
        "Apakah akan diulang?",
        "Ya!",
    ]
    assert article.dateline is None


def test_comma_join_split_is_conservative() -> None:
    text = (
        '- "Ibu ada keluhan apa?," tanya dokter, lalu pergi.,'
        "Ia bertemu B.J.,Habibie di sana, harga 1,5 juta, kata dia."
    )
    assert paragraphs(structure(record(text, title="t")).text) == [
        '"Ibu ada keluhan apa?," tanya dokter, lalu pergi.',
        "Ia bertemu B.J.,Habibie di sana, harga 1,5 juta, kata dia.",
    ]


def test_comma_joined_read_more_prompt_is_split_off() -> None:
    text = "- Hujan turun deras.,Baca juga:,,Warga diminta waspada.,Baca Juga :,Banjir surut."
    article = structure(record(text, title="t"))
    assert paragraphs(article.text) == [
        "Hujan turun deras.",
        "Warga diminta waspada.",
        "Banjir surut.",
    ]
    assert article.boilerplate == ("Baca juga:", "Baca Juga :")


def test_line_breaks_split_and_blank_lines_collapse() -> None:
    text = "Paragraf satu.\n\n\n\nParagraf dua.\r\nParagraf tiga.\n"
    assert paragraphs(structure(record(text, title="t")).text) == [
        "Paragraf satu.",
        "Paragraf dua.",
        "Paragraf tiga.",
    ]


# --------------------------------------------------------------------------- lead-ins


@pytest.mark.parametrize(
    ("text", "url", "dateline", "body_start"),
    [
        ("SEOUL - Presiden bertemu.", None, "SEOUL", "Presiden bertemu."),
        ("JAKARTA- Harga naik.", None, "JAKARTA", "Harga naik."),
        ("NEW DELHI– Hujan deras.", None, "NEW DELHI", "Hujan deras."),
        ("MIAMI–Presiden FIFA hadir.", None, "MIAMI", "Presiden FIFA hadir."),
        (
            "Liputan6.com, Jakarta - Harga emas naik.",
            "https://www.liputan6.com/bisnis/read/1/x",
            "Jakarta",
            "Harga emas naik.",
        ),
        (
            "Liputan6.com, JakartaKita semua tahu.",
            "https://www.liputan6.com/news/read/2/x",
            "Jakarta",
            "Kita semua tahu.",
        ),
        (
            "JAKARTA, KOMPAS.com - Polisi menangkap pelaku.",
            "https://megapolitan.kompas.com/read/2025/06/18/1/x",
            "JAKARTA",
            "Polisi menangkap pelaku.",
        ),
        (
            "KOMPAS.com - Tidur cukup itu penting.",
            "https://health.kompas.com/read/2025/06/18/2/x",
            None,
            "Tidur cukup itu penting.",
        ),
        (
            "REPUBLIKA.CO.ID, JAKARTA -- Ketua umum hadir.",
            "https://news.republika.co.id/berita/x",
            "JAKARTA",
            "Ketua umum hadir.",
        ),
        (
            "TEMPO.CO,Yogyakarta- Ada agenda menarik.",
            "https://travel.tempo.co/read/1/x",
            "Yogyakarta",
            "Ada agenda menarik.",
        ),
        (
            "Jakarta - Menteri hadir.",
            "https://news.detik.com/berita/d-1/x",
            "Jakarta",
            "Menteri hadir.",
        ),
        ("TRIBUNNEWS.COM - Laga berakhir.", None, None, "Laga berakhir."),
        # the scraper dropped the linked publisher and place: strip the residue, no dateline
        (" , - Sebanyak 94 warga hadir.", None, None, "Sebanyak 94 warga hadir."),
        (", , -\u00ac\u2020Direktur hadir.", None, None, "Direktur hadir."),
        (", , -\u00ac\u2020,, ,-\u00ac\u2020Menteri hadir.", None, None, "Menteri hadir."),
        ("-----------, - Semangat itu muncul.", None, None, "Semangat itu muncul."),
        ("\u201a\u00c4\u00ec Partai hadir.", None, None, "Partai hadir."),
    ],
)
def test_lead_in_becomes_dateline(
    text: str, url: str | None, dateline: str | None, body_start: str
) -> None:
    fields = {"title": "t"} | ({"url": url} if url else {})
    article = structure(record(text, **fields))
    assert article.dateline == dateline
    assert article.text == body_start


@pytest.mark.parametrize(
    "text",
    [
        "TEKA-TEKI pembunuhan belum terjawab.",
        "PS TIRA-Persikabo menang 2-1.",
        "Ahok - sapaan akrabnya - hadir.",  # title case is a dateline only in detik's profile
        "KPK, lembaga antirasuah, bekerja.",
        "-5 derajat Celsius tercatat pagi ini.",
    ],
)
def test_no_dateline_in_ordinary_openings(text: str) -> None:
    article = structure(record(text, title="t"))
    assert article.dateline is None
    assert article.text == text


def test_rubric_label_is_not_a_dateline() -> None:
    text = "INFO NASIONAL - Kementerian meluncurkan program."
    article = structure(record(text, title="t", url="https://nasional.tempo.co/read/1/x"))
    assert article.dateline is None
    assert article.text == text


# --------------------------------------------------------------------------- boilerplate


@pytest.mark.parametrize(
    "line",
    [
        "Baca Juga",
        "Baca juga: Harga Cabai Naik Lagi",
        "Lihat Juga :",
        "Advertisement",
        "SCROLL TO CONTINUE WITH CONTENT",
        "[Gambas:Video 20detik]",
        "[Gambas:Instagram]",
        "Simak juga Video 'Banjir di Kota':",
        "Tonton juga Video: Jalan Tol Padat",
        "Artikel ini telah tayang di Tribunnews.com dengan judul Banjir Surut",
        "Artikel ini telah naik di detikJabar.",
        "Baca berita selengkapnya di sini.",
        "Ikuti berita terkini kami di WhatsApp Channel",
        "Dapatkan update berita pilihan setiap hari di Google News",
        "***",
        "--------",
        "Editor: Nama Redaktur",
    ],
)
def test_generic_boilerplate_lines(line: str) -> None:
    text = f"Paragraf pertama berita.\n{line}\nParagraf kedua berita."
    article = structure(record(text, title="t"))
    assert article.boilerplate == (line,)
    assert paragraphs(article.text) == ["Paragraf pertama berita.", "Paragraf kedua berita."]


@pytest.mark.parametrize(
    "line",
    [
        "Bagaimana mungkin?",  # short, but body
        "Susunan pemain:",
        "Baca juga buku panduan yang dibagikan panitia.",  # a sentence, not a prompt
        "Video itu viral setelah diunggah akun Instagram.",
        "Simak selengkapnya tanggal dan doa berikut ini.",  # introduces the article's own list
        "Warga diminta mengikuti grup WhatsApp RT untuk informasi banjir.",
    ],
)
def test_body_lines_are_kept(line: str) -> None:
    text = f"Paragraf pertama berita.\n{line}\nParagraf kedua berita."
    article = structure(record(text, title="t"))
    assert article.boilerplate == ()
    assert line in paragraphs(article.text)


def test_profile_tail_start_cuts_the_footer() -> None:
    text = (
        "Paragraf pertama berita.\nParagraf kedua berita.\nLihat Juga :\ntulis komentar anda\n"
        "Judul Berita Lain Yang Direkomendasikan"
    )
    article = structure(record(text, title="t", source="sindonews.com"))
    assert paragraphs(article.text) == ["Paragraf pertama berita.", "Paragraf kedua berita."]
    assert article.boilerplate == (
        "Lihat Juga :",
        "tulis komentar anda",
        "Judul Berita Lain Yang Direkomendasikan",
    )


def test_tail_start_is_ignored_when_body_follows() -> None:
    long_paragraph = " ".join(["kata"] * 40) + "."
    text = f"Paragraf pertama berita.\nLihat Juga :\n{long_paragraph}"
    article = structure(record(text, title="t", source="sindonews.com"))
    assert article.boilerplate == ("Lihat Juga :",)  # only the generic line rule
    assert paragraphs(article.text) == ["Paragraf pertama berita.", long_paragraph]


def test_inline_read_more_and_profile_fragment() -> None:
    text = (
        "Kabar itu dibenarkan. (Baca juga: Harga Beras Naik)\n"
        "Rapat selesai sore hari.Ikuti Whatsapp Channel Republika"
    )
    article = structure(record(text, title="t", url="https://news.republika.co.id/berita/x"))
    assert paragraphs(article.text) == ["Kabar itu dibenarkan.", "Rapat selesai sore hari."]
    assert article.boilerplate == (
        "(Baca juga: Harga Beras Naik)",
        "Ikuti Whatsapp Channel Republika",
    )


# --------------------------------------------------------------------------- trailer


@pytest.mark.parametrize(
    ("text", "initials", "sources", "last"),
    [
        ("Rapat selesai.\n(esn)", ("esn",), (), "Rapat selesai."),
        ("Rapat selesai. (kha)", ("kha",), (), "Rapat selesai."),
        ("- Rapat selesai.,(hp/ts)", ("hp", "ts"), (), "Rapat selesai."),
        (
            "Rapat selesai.\n(cr30/tribun-medan.com)",
            ("cr30",),
            ("tribun-medan.com",),
            "Rapat selesai.",
        ),
        ("Rapat selesai.\n(Andi Pratama )", ("Andi Pratama",), (), "Rapat selesai."),
    ],
)
def test_editor_initials(
    text: str, initials: tuple[str, ...], sources: tuple[str, ...], last: str
) -> None:
    article = structure(record(text, title="t"))
    assert article.editor_initials == initials
    assert article.cited_sources == sources
    assert paragraphs(article.text)[-1] == last
    assert article.boilerplate == ()


@pytest.mark.parametrize(
    "last",
    [
        "Allah berfirman. (QS Al Baqarah Ayat 152)",
        "Skor akhir 2-1. (Maxi Gomez 70')",
        "Banjir melanda kota.\n(Foto Ilustrasi)",
        "Cerita ini belum selesai. (Bersambung)",
        "Pertemuan digelar di kantor (esn) pusat.",
    ],
)
def test_parentheses_that_are_not_credits_stay(last: str) -> None:
    article = structure(record(last, title="t"))
    assert article.editor_initials == ()
    assert "\n\n".join(last.split("\n")) == article.text


def test_advertorial_label_is_boilerplate() -> None:
    article = structure(record("Produk baru diluncurkan. (adv)", title="t"))
    assert article.text == "Produk baru diluncurkan."
    assert article.boilerplate == ("(adv)",)
    assert article.editor_initials == ()


# --------------------------------------------------------------------------- cited sources


def test_cited_sources_are_read_and_kept_in_body() -> None:
    text = (
        "Harga minyak naik, seperti dikutip dari Reuters, Senin (16/9/2019).\n"
        "Hal itu dilansir dari CNN International.\n"
        "Menurut laporan, mengutip Antara, jalan ditutup.\n"
        "Seperti dikutip Yonhap Selasa, pertemuan batal.\n"
        "Dia mengutip data lama dan dilansir dari laman resmi kementerian.\n"
        "Seperti dikutip dari Reuters, harga turun lagi."
    )
    article = structure(record(text, title="t"))
    assert article.cited_sources == ("Reuters", "CNN International", "Antara", "Yonhap")
    assert article.text == text.replace("\n", "\n\n")


# --------------------------------------------------------------------------- header of .txt files


def test_title_from_first_line_only_when_it_looks_like_a_headline() -> None:
    text = "Banjir Rendam Ratusan Rumah di Bekasi\n\nHujan deras mengguyur sejak pagi."
    article = structure(record(text))
    assert article.title == "Banjir Rendam Ratusan Rumah di Bekasi"
    assert article.text == "Hujan deras mengguyur sejak pagi."

    sentence = "Hujan deras mengguyur sejak pagi.\n\nWarga mengungsi."
    assert structure(record(sentence)).title is None
    no_blank = "Banjir Rendam Rumah\nHujan deras mengguyur sejak pagi."
    assert structure(record(no_blank)).title is None
    given = structure(record(text, title="Judul Dari Kolom"))
    assert given.title == "Judul Dari Kolom"
    assert given.text.startswith("Banjir Rendam")


def test_date_line_and_captions_in_the_header() -> None:
    text = (
        "Banjir Rendam Ratusan Rumah\n\nSenin, 16 September 2019 - 07:00 WITA\n"
        "Foto: Dok. Warga\nIlustrasi banjir\nMAKASSAR - Hujan deras mengguyur kota."
    )
    article = structure(record(text))
    assert article.published_at == "2019-09-16T07:00:00+08:00"
    assert article.captions == ("Foto: Dok. Warga", "Ilustrasi banjir")
    assert article.dateline == "MAKASSAR"
    assert article.text == "Hujan deras mengguyur kota."


def test_captions_need_a_date_line() -> None:
    text = "Ilustrasi\nHujan deras mengguyur kota."
    article = structure(record(text, title="t"))
    assert article.captions == ()
    assert paragraphs(article.text) == ["Ilustrasi", "Hujan deras mengguyur kota."]


# --------------------------------------------------------------------------- dates


def test_published_from_fields() -> None:
    fields = {"title": "t", "source": "sindonews.com"}
    article = structure(
        record("Isi.", published="2019-09-14 00:00:00", published_time="22:19 WIB", **fields)
    )
    assert article.published_at == "2019-09-14T22:19:00+07:00"
    okezone = structure(
        record(
            "Isi.",
            title="t",
            source="okezone.com",
            published="2019-09-13 00:00:00",
            published_time="23:15:00",
        )
    )
    assert okezone.published_at == "2019-09-13T23:15:00+07:00"
    assert (
        structure(record("Isi.", published="26 Oktober 2019", **fields)).published_at
        == "2019-10-26"
    )


def test_no_offset_is_assumed_for_an_unknown_publisher() -> None:
    article = structure(
        record(
            "Isi.", title="t", source="contoh.net", published="10-Sep-19", published_time="23:04"
        )
    )
    assert article.published_at == "2019-09-10T23:04:00"
    assert article.publisher == "contoh.net"


def test_day_month_swapped_by_a_spreadsheet_is_corrected_from_the_url() -> None:
    url = "https://regional.kompas.com/read/2019/09/10/21480001/contoh"
    article = structure(
        record(
            "Isi.", title="t", url=url, published="2019-10-09 00:00:00", published_time="21:48 WIB"
        )
    )
    assert article.published_at == "2019-09-10T21:48:00+07:00"
    # a date that merely differs from the URL's is left alone
    other = structure(record("Isi.", title="t", url=url, published="2019-09-11 00:00:00"))
    assert other.published_at == "2019-09-11"


def test_unparseable_date_is_none_and_counted() -> None:
    stats = Stats()
    articles = list(run([record("Isi.", title="t", published="kemarin sore")], stats))
    assert articles[0].published_at is None
    assert stats.get("structure", "published_at_unparsed") == 1
    assert stats.get("structure", "published_at_parsed") == 0
    assert stats.get("structure", "articles") == 1


# --------------------------------------------------------------------------- metadata fields


@pytest.mark.parametrize(
    ("author", "url", "expected"),
    [
        ("Tim Kompas.com, Sari Wulandari", None, ("Sari Wulandari",)),  # a team is no person
        ("Tempo.co", None, ()),
        ("Ani Lestari dan Budi Santoso", None, ("Ani Lestari", "Budi Santoso")),
        (["Ani Lestari", "Budi Santoso", "Ani Lestari"], None, ("Ani Lestari", "Budi Santoso")),
        ("Rina Hartati -detikOto", "https://oto.detik.com/mobil/d-1/x", ("Rina Hartati",)),
        (
            "Deutsche Welle (DW) -detikNews",
            "https://news.detik.com/d-2/x",
            ("Deutsche Welle (DW)",),
        ),
        (
            "Redaksi, dengan bahan dari kantor berita resmi pemerintah daerah",
            None,
            (),  # a sentence, not a name: no credited person
        ),
    ],
)
def test_authors(author: Any, url: str | None, expected: tuple[str, ...]) -> None:
    fields: dict[str, Any] = {"title": "t", "author": author} | ({"url": url} if url else {})
    assert structure(record("Isi.", **fields)).authors == expected


@pytest.mark.parametrize(
    ("fields", "text", "publisher"),
    [
        ({"url": "https://daerah.sindonews.com/read/1/x"}, "Isi.", "SINDOnews"),
        ({"source": "Kompas.com"}, "Isi.", "Kompas.com"),
        ({"source": "tempo.co"}, "Isi.", "Tempo"),
        ({"url": "https://www.tribunnews.com/x", "source": "okezone.com"}, "Isi.", "Tribunnews"),
        ({}, "Liputan6.com, Jakarta - Isi berita.", "Liputan6.com"),
        ({}, "Isi berita.\n[Gambas:Video 20detik]", "detikcom"),
        ({"url": "https://www.antaranews.com/berita/1"}, "Isi.", "ANTARA"),
        ({"url": "https://www.example.org/berita/1"}, "Isi.", "example.org"),
        ({}, "Isi.", None),
    ],
)
def test_publisher(fields: dict[str, str], text: str, publisher: str | None) -> None:
    assert structure(record(text, title="t", **fields)).publisher == publisher


def test_record_fields_carry_over() -> None:
    rec = record(
        "- Isi berita ini.",
        extra={"sub-category": "Regional", "views": 3},
        title="  Judul  ",
        url="https://regional.kompas.com/read/2019/09/10/1/x",
        category="News",
    )
    article = structure(rec)
    assert article.title == "Judul"
    assert article.category == "News"
    assert article.url == "https://regional.kompas.com/read/2019/09/10/1/x"
    assert json.loads(article.extra) == {"sub-category": "Regional", "views": 3}
    assert article.id == stable_id(dict(rec.fields))
    assert article.n_words == 3


def test_run_counts_outcomes() -> None:
    stats = Stats()
    records = [
        record(SEED.read_text(encoding="utf-8")),
        record(" , - Isi.,Isi kedua.", title="t", source="sindonews.com", published="13/09/2019"),
        record("Isi.", title="t"),
    ]
    articles = list(run(records, stats))
    assert len(articles) == 3
    counts = stats.stage("structure")
    assert counts["articles"] == 3
    assert counts["published_at_parsed"] == 2
    assert counts["published_at_date_only"] == 1
    assert counts["published_at_missing"] == 1
    assert counts["dateline"] == 1
    assert counts["comma_joined"] == 1
    assert counts["boilerplate_lines"] == 9


# --------------------------------------------------------------------------- profiles


def test_profiles_cover_the_canonical_publishers() -> None:
    names = {p.name for p in load_profiles()}
    assert names == {
        "SINDOnews",
        "detikcom",
        "Kompas.com",
        "Tribunnews",
        "Liputan6.com",
        "Okezone",
        "Tempo",
        "Republika",
        "CNN Indonesia",
        "ANTARA",
        "Suara.com",
        "Merdeka.com",
        "kumparan",
        "Bisnis.com",
        "KapanLagi.com",
        "VIVA",
        "JPNN",
    }
    assert all(p.timezone == "+07:00" for p in load_profiles())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "X"\nfoo = 1', "unknown key"),
        ("domains = []", "'name'"),
        ('name = "X"\nboilerplate = ["("]', "not a valid regex"),
        ('name = "X"\nlead_ins = ["^X - "]', "(?P<place>"),
        ('name = "X"\ntimezone = "WIB"', "offset"),
        ('name = "X"\nmarkers = "x"', "list of strings"),
        ("name = ", "not valid TOML"),
    ],
)
def test_bad_profile_is_a_config_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_profile(text, "profiles/x.toml")


# --------------------------------------------------------------------------- real data


def _csv_records(path: Path) -> Iterator[RawRecord]:
    preset = {normalize_column(c): f for f, cols in COLUMN_PRESETS.items() for c in cols}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row_number, row in enumerate(csv.DictReader(fh), 1):
            fields: dict[str, Any] = {}
            extra: dict[str, Any] = {}
            for column, value in row.items():
                name = preset.get(normalize_column(column))
                if name is None:
                    extra[column] = value
                elif value:
                    fields[name] = value
            if fields.get("text", "").strip():  # validation rejects empty bodies first
                provenance = Provenance(path.name, row_number, None, "0" * 64, "csv")
                yield RawRecord(fields, extra, provenance, "")


@pytest.mark.shared
def test_sindonews_2019_invariants() -> None:
    path = SHARED / "corpora" / "news-id-2019" / "sindonews.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent (the shared corpora live next to the repository)")
    stats = Stats()
    articles = list(run(_csv_records(path), stats))
    n = len(articles)
    assert n > 3000
    assert sum(bool(a.text) for a in articles) >= 0.99 * n
    assert not [a.url for a in articles if _LEAD_IN_LEFT.match(a.text)]
    assert stats.get("structure", "published_at_parsed") >= 0.98 * n
    assert {a.publisher for a in articles} == {"SINDOnews"}
    # the 2019 bodies are comma-joined: they must come out as several paragraphs
    assert sum("\n\n" in a.text for a in articles) >= 0.95 * n


@pytest.mark.shared
@pytest.mark.parametrize(
    "name",
    [
        "news-id-2019/kompas.csv",
        "news-id-2019/okezone.csv",
        "news-id-2019/tempo.csv",
        "news-id-2019/tribunnews.csv",
        "news-id-2025/scrapping_news_2025-06-18.csv",
    ],
)
def test_other_publishers_are_not_damaged(name: str) -> None:
    path = SHARED / "corpora" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (the shared corpora live next to the repository)")
    stats = Stats()
    records = list(_csv_records(path))
    articles = list(run(records, stats))
    n = len(articles)
    raw_words = sum(len(r.fields["text"].split()) for r in records)
    body_words = sum(a.n_words for a in articles)
    # text that repeats the article's own body is removed, but its words are still in the body
    repeated = sum(
        len(line.split())
        for a in articles
        for line, rule in zip(a.boilerplate, a.boilerplate_rules, strict=True)
        if rule in ("glued_repeat", "repeated_paragraph")
    )
    assert body_words + repeated >= 0.95 * raw_words  # boilerplate: a few lines, never bodies
    assert sum(bool(a.text) for a in articles) >= 0.98 * n
    assert stats.get("structure", "published_at_parsed") >= 0.99 * n
    assert not [a.url for a in articles if _LEAD_IN_LEFT.match(a.text)]
    assert stats.get("structure", "publisher_from_url") == n


# --------------------------------------------------------------------------- issue 3 mechanisms


def test_every_removed_line_names_its_rule() -> None:
    text = (
        "Isi pertama berita ini.\nADVERTISEMENT\nBaca juga: Judul Lain\n"
        "Isi kedua berita ini.\nArtikel ini telah tayang di Kompas.com dengan judul X"
    )
    article = structure(record(text, title="t"))
    assert article.boilerplate == (
        "ADVERTISEMENT",
        "Baca juga: Judul Lain",
        "Artikel ini telah tayang di Kompas.com dengan judul X",
    )
    assert article.boilerplate_rules == ("advertisement", "read_more", "syndication")
    assert article.syndicated_from == "Kompas.com"


@pytest.mark.parametrize(
    ("paragraph", "body", "removed"),
    [
        (  # the brief's example: glued headline, body on both sides
            "Sidang digelar pekan lalu.Baca juga: KPK Lelang Aset Koruptor"
            "Berdasarkan putusan hakim, aset itu dirampas negara.",
            "Sidang digelar pekan lalu. Berdasarkan putusan hakim, aset itu dirampas negara.",
            "Baca juga: KPK Lelang Aset Koruptor",
        ),
        (  # several glued headlines (republika)
            "Korban sudah dievakuasi.Baca JugaTertimbun Longsor, Dua Penambang Berhasil Dievakuasi"
            "Ini Kronologi Longsor di CirebonAdapun kedua korban bernama Ali dan Budi.",
            "Korban sudah dievakuasi. Adapun kedua korban bernama Ali dan Budi.",
            "Baca JugaTertimbun Longsor, Dua Penambang Berhasil DievakuasiIni Kronologi Longsor di Cirebon",
        ),
        (  # a prompt whose link the scraper dropped
            "Denda paling banyak kategori 4,Baca juga:",
            "Denda paling banyak kategori 4",
            "Baca juga:",
        ),
        (  # headline not readable as one: only the prompt goes
            "Ia membantah.Baca juga: polisi masih menyelidiki kasus itu hingga kini. Kata dia.",
            "Ia membantah. polisi masih menyelidiki kasus itu hingga kini. Kata dia.",
            "Baca juga:",
        ),
    ],
)
def test_inline_read_more_is_cut_keeping_both_sides(
    paragraph: str, body: str, removed: str
) -> None:
    article = structure(record(f"Paragraf pembuka berita.\n{paragraph}", title="t"))
    assert paragraphs(article.text) == ["Paragraf pembuka berita.", body]
    assert article.boilerplate == (removed,)
    assert article.boilerplate_rules == ("inline_read_more",)


@pytest.mark.parametrize(
    "line",
    [
        "Anda bisa lihat juga di sana kondisi bodi mobil penyok.",
        "Dapat dilihat juga di video yang dibagikan di Instagram.",
        "Baca juga buku panduan yang dibagikan panitia.",
    ],
)
def test_read_more_words_in_prose_stay(line: str) -> None:
    article = structure(record(f"Paragraf pembuka berita.\n{line}", title="t"))
    assert article.boilerplate == ()


def test_glued_repeats_are_kept_once() -> None:
    # republika: the whole body glued into one line, then every nesting level, then each paragraph
    p = [
        "Polisi memastikan tambang itu tidak berizin dan longsor menewaskan dua penambang.",
        "Kapolres mengatakan tambang sudah lama ditutup namun warga tetap menambang di sana.",
        "Pemerintah kota akan membuat parit agar lokasi tidak lagi bisa dimasuki kendaraan.",
    ]
    lines = ["".join(p), p[0], "".join(p[1:]), p[1], p[2]]
    article = structure(record("\n".join(lines), title="t"))
    assert paragraphs(article.text) == p
    assert article.boilerplate_rules == ("glued_repeat", "glued_repeat")


def test_a_repeated_block_is_kept_once_but_a_sentence_in_another_context_stays() -> None:
    sentence = "Harga cabai di pasar induk naik dua kali lipat dalam sepekan terakhir ini."
    other = "Pedagang mengatakan pasokan dari daerah sentra produksi berkurang karena hujan."
    # the same sentence opening and closing the story: its own text, in two contexts
    text = f"{sentence}\nKelebihan:\nMurah.\nKekurangan:\nMurah.\n{sentence}"
    article = structure(record(text, title="t"))
    assert paragraphs(article.text) == [
        sentence,
        "Kelebihan:",
        "Murah.",
        "Kekurangan:",
        "Murah.",
        sentence,
    ]
    assert article.boilerplate_rules == ()
    # the body written out twice by the scraper: a repeated block, kept once
    text = f"{sentence}\n{other}\nKelebihan:\n{sentence}\n{other}"
    article = structure(record(text, title="t"))
    assert paragraphs(article.text) == [sentence, other, "Kelebihan:"]
    assert article.boilerplate_rules == ("repeated_paragraph", "repeated_paragraph")
    # a paragraph echoed right after itself
    article = structure(record(f"{sentence}\n{sentence}\n{other}", title="t"))
    assert paragraphs(article.text) == [sentence, other]


def test_contained_copy_is_dropped_without_losing_text() -> None:
    last = (
        "Proyek ini diharapkan membuka ribuan lapangan kerja baru di kawasan industri hijau dan"
        " mempercepat alih teknologi ke industri nasional."
    )
    text = f"Paragraf pembuka berita ini.\n{last}Ikuti Whatsapp Channel Republika\n{last}"
    article = structure(record(text, url="https://news.republika.co.id/berita/x", title="t"))
    assert paragraphs(article.text) == ["Paragraf pembuka berita ini.", last]


def test_updated_time_is_recorded() -> None:
    article = structure(
        record(
            "Isi.",
            title="t",
            url="https://www.liputan6.com/x",
            published="Diperbarui 18 Jun 2025, 14:05 WIB",
        )
    )
    assert article.published_at == "2025-06-18T14:05:00+07:00"
    assert article.updated_at == "2025-06-18T14:05:00+07:00"
    plain = structure(record("Isi.", title="t", published="Rabu, 18 Juni 2025 |00:05 WIB"))
    assert plain.updated_at is None


def test_desk_from_the_author_suffix() -> None:
    article = structure(
        record(
            "Isi.",
            title="t",
            author="Andi Hidayat -detikFinance",
            url="https://finance.detik.com/d-1/x",
        )
    )
    assert article.authors == ("Andi Hidayat",)
    assert article.desk == "detikFinance"


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Laporan Wartawan Tribunnews.com, Danang Triatmojo", "Danang Triatmojo"),
        ("Penulis: Arby Salim", "Arby Salim"),
        ("Reporter : Sari Wulandari", "Sari Wulandari"),
    ],
)
def test_byline_gives_authors_when_the_column_has_none(line: str, author: str) -> None:
    article = structure(record(f"{line}\nIsi berita pertama.", title="t"))
    assert article.authors == (author,)
    assert article.boilerplate == (line,)
    with_column = structure(record(f"{line}\nIsi.", title="t", author="Budi Santoso"))
    assert with_column.authors == ("Budi Santoso",)


def test_kompas_author_column_lists_the_editor_last() -> None:
    fields = {"title": "t", "url": "https://nasional.kompas.com/read/x"}
    article = structure(record("Isi.", author="Haryanti Puspa Sari, Ardito Ramadhan", **fields))
    assert article.authors == ("Haryanti Puspa Sari",)
    assert structure(record("Isi.", author="Ardito Ramadhan", **fields)).authors == (
        "Ardito Ramadhan",
    )


def test_tempo_caps_credit_closes_the_body() -> None:
    fields = {"title": "t", "url": "https://nasional.tempo.co/read/1/x"}
    article = structure(record("Isi berita.\nANDITA RAHMA | FRISKI RIANA", **fields))
    assert article.text == "Isi berita."
    assert article.authors == ("Andita Rahma", "Friski Riana")
    assert article.boilerplate_rules == ("caps_credit",)
    sources_only = structure(record("Isi berita terakhir., LIVEMINT | DAILY MAIL", **fields))
    assert sources_only.text == "Isi berita terakhir."
    assert sources_only.authors == ()
    assert sources_only.cited_sources == ("LIVEMINT", "DAILY MAIL")
    # another publisher's body may end in capitals
    other = structure(record("Isi.\nRASANYA BARU KEMARIN", title="t"))
    assert other.text == "Isi.\n\nRASANYA BARU KEMARIN"


def test_source_credit_goes_to_cited_sources() -> None:
    article = structure(record("Isi berita pertama.\nIsi kedua.sumber : Antara", title="t"))
    assert article.text == "Isi berita pertama.\n\nIsi kedua."
    assert article.cited_sources == ("Antara",)
    line = structure(record("Isi berita pertama.\nSumber: Reuters, AFP", title="t"))
    assert line.cited_sources == ("Reuters", "AFP")
    assert line.boilerplate_rules == ("source_credit",)


@pytest.mark.parametrize(
    ("text", "url", "dateline", "body"),
    [
        (
            "Jakarta, CNN Indonesia -- Presiden berpidato.",
            "https://www.cnnindonesia.com/x",
            "Jakarta",
            "Presiden berpidato.",
        ),
        (
            "Mataram, NTB (ANTARA News) - Sebanyak 29 penerbangan batal.",
            "https://www.antaranews.com/x",
            "Mataram",
            "Sebanyak 29 penerbangan batal.",
        ),
        ("Suara.com - Presiden berpidato.", "https://www.suara.com/x", None, "Presiden berpidato."),
        (
            "Merdeka.com - Presiden berpidato.",
            "https://www.merdeka.com/x",
            None,
            "Presiden berpidato.",
        ),
        (
            "Bisnis.com, JAKARTA - Harga emas naik.",
            "https://ekonomi.bisnis.com/x",
            "JAKARTA",
            "Harga emas naik.",
        ),
        (
            "TRIBUN-MEDAN.COM, MEDAN - Polisi menangkap pencuri.",
            "https://medan.tribunnews.com/x",
            "MEDAN",
            "Polisi menangkap pencuri.",
        ),
    ],
)
def test_new_profiles_lead_ins(text: str, url: str, dateline: str | None, body: str) -> None:
    article = structure(record(text, url=url, title="t"))
    assert (article.dateline, article.text) == (dateline, body)


def test_html_page_headline_and_date_line_are_header() -> None:
    text = "In Picture: Banjir Rendam Kota\nSelasa, 23 Februari 2016, 17:15 WIB\nIsi berita."
    article = structure(record(text, title="Banjir Rendam Kota", url="https://republika.co.id/x"))
    assert article.title == "In Picture: Banjir Rendam Kota"
    assert article.text == "Isi berita."
    assert article.published_at == "2016-02-23T17:15:00+07:00"


def test_correction_note_gives_the_update_time() -> None:
    note = "Artikel ini telah diubah pada Jumat 20 September 2019, Pukul 21.05 WIB, untuk meralat nama."
    fields = {"title": "t", "url": "https://metro.tempo.co/read/1/x", "published": "19-Sep-19"}
    article = structure(record(f"Isi berita.\n{note}", **fields))
    assert article.text == "Isi berita."
    assert article.boilerplate_rules == ("correction_note",)
    assert article.published_at == "2019-09-19"
    assert article.updated_at == "2019-09-20T21:05:00+07:00"


@pytest.mark.parametrize(
    ("published", "time", "expected"),
    [
        ("Rabu, 17 November 2021 - 17:45 WIB", None, "2021-11-17T17:45:00+07:00"),
        ("Diperbarui 18 Jun 2025, 14:05 WIB", None, "2025-06-18T14:05:00+07:00"),
        ("01 Agustus 2019", "22:19 WIB", "2019-08-01T22:19:00+07:00"),
        ("13/09/2019", None, "2019-09-13"),
        ("Agustus 02, 2019", None, "2019-08-02"),
        ("10-Sep-19", "12:58", "2019-09-10T12:58:00+07:00"),
        ("Rabu   18 Jun 2025  22:05 WIB", None, "2025-06-18T22:05:00+07:00"),
        (",\xa0Jurnalis-Rabu, 18 Juni 2025 |00:05 WIB", None, "2025-06-18T00:05:00+07:00"),
        ("Kompas.com- 18/06/2025, 20:27 WIB", None, "2025-06-18T20:27:00+07:00"),
        ("19 April 2025 | 19.20 WIB", None, "2025-04-19T19:20:00+07:00"),
        ("Kamis, 5 Mei 2022 - 10:00 WITA", None, "2022-05-05T10:00:00+08:00"),
        ("bukan tanggal", None, None),
    ],
)
def test_date_forms_of_our_data(published: str, time: str | None, expected: str | None) -> None:
    fields = {"title": "t", "url": "https://www.tempo.co/x", "published": published}
    if time:
        fields["published_time"] = time
    assert structure(record("Isi.", **fields)).published_at == expected


def test_more_site_furniture_and_credits() -> None:
    tempo = structure(
        record(
            "Isi berita.\nPilihan Editor: Judul Lain di Tempo\nIsi kedua.",
            title="t",
            url="https://nasional.tempo.co/read/1/x",
        )
    )
    assert tempo.text == "Isi berita.\n\nIsi kedua."
    assert tempo.boilerplate_rules == ("profile:Tempo",)
    republika = structure(
        record("Rep: Dian Fath Risalah\nIsi berita.\nRed: Esthi Maharani", title="t")
    )
    assert republika.text == "Isi berita."
    assert republika.authors == ("Dian Fath Risalah",)
    tribun = structure(record("Isi berita terakhir. (Tribunnews.com/Danang Triatmojo)", title="t"))
    assert tribun.text == "Isi berita terakhir."
    assert tribun.editor_initials == ("Danang Triatmojo",)
    assert tribun.cited_sources == ("Tribunnews.com",)


def test_glued_copy_residue_is_kept_where_it_stood() -> None:
    # okezone: the glued copy also holds subheadings and glued read-more prompts the
    # separate paragraphs lack; the subheading stays (in place), the prompt goes
    p = [
        "Marquez tetap rajin berlatih meski sudah punya banyak gelar juara dunia MotoGP.",
        "Selama kariernya, Marquez sukses meraih 66 kemenangan dan enam gelar juara MotoGP.",
        "Marquez mengaku pelatihnya sering menghentikan latihan karena terlalu berlebihan."
        " Namun ia tidak senang bila porsi latihannya dikurangi oleh tim pelatih.",
    ]
    glued = (
        f"{p[0]}1. Tidak Mau Berpuas DiriBaca Juga:Bos Tim Rossi Akui Keganasan Marquez!"
        f"{p[1]}Baca JugaPenyebab Rossi Ogah Akui Marquez sebagai Musuh{p[2]}"
    )
    article = structure(record("\n".join([glued, *p]), title="t"))
    assert paragraphs(article.text) == [p[0], "1. Tidak Mau Berpuas Diri", p[1], p[2]]
    assert article.boilerplate_rules == ("glued_repeat", "inline_read_more", "read_more")


def test_read_more_line_glued_to_body_keeps_the_body() -> None:
    text = "Paragraf pembuka.\nBaca juga: KPK Lelang Aset KoruptorBerdasarkan putusan hakim, aset itu dirampas."
    article = structure(record(text, title="t"))
    assert paragraphs(article.text) == [
        "Paragraf pembuka.",
        "Berdasarkan putusan hakim, aset itu dirampas.",
    ]
    assert article.boilerplate == ("Baca juga: KPK Lelang Aset Koruptor",)


# --------------------------------------------------------------------------- never lose body

_TOKEN = re.compile(r"\w+")
# what `corpus ingest` needs beyond the presets to read a shared file (as `--map` would say)
_SHARED_MAPS = {"cnnindonesia-2025/": {"text": "FullText"}}
_DATASETS = ("news-id-2019", "news-id-2025", "news-id-more", "news-ms", "news-id-html")


def _tokens(text: str) -> Counter[str]:
    normal = unicodedata.normalize("NFKC", text.replace("_x000D_", " ")).casefold()
    return Counter(_TOKEN.findall(normal))


def _shared_records(dataset: str) -> Iterator[tuple[str, RawRecord]]:
    """(file, record) of every readable record of a shared dataset, read as ingest reads it;
    rows of the held-out test split (evals/structure/heldout.py) are left out."""
    sys.path.insert(0, str(ROOT / "evals" / "structure"))
    from heldout import is_heldout

    from corpus.sources import ColumnMapper, discover, read_file

    files, _ = discover([shared_path(dataset)])
    for f in files:
        prefix = next((p for p in _SHARED_MAPS if f.relpath.startswith(p)), None)
        mapper = ColumnMapper(_SHARED_MAPS[prefix] if prefix else {})
        name = f"{dataset}/{f.relpath}"
        for item in read_file(f, mapper):
            readable = isinstance(item, RawRecord) and isinstance(item.fields.get("text"), str)
            if readable and not is_heldout(name, item.provenance.row or 0):
                yield name, item


def lost_text(raw: RawRecord, article: Any) -> Counter[str]:
    """Words of the raw body found neither in ``text`` nor ``boilerplate`` nor the fields that
    take raw text (title, captions, dateline, editor initials, the publisher's name).

    Allowed, up to 10 words in all: words at the start of a raw paragraph (the header and a
    lead-in such as "TRIBUNNEWS.COM --", which become metadata), and a word the scraper glued
    to its neighbour that a rule cut in two ("Republikasumber" -> "Republika" + "sumber").
    """
    text = raw.fields["text"]
    kept: Counter[str] = Counter()
    for piece in (article.text, *article.boilerplate, *article.captions, *article.editor_initials):
        kept.update(_tokens(piece))
    kept.update(_tokens(f"{article.title or ''} {article.dateline or ''}"))
    # the publisher's own name in its lead-in or credit ("jpnn.com", "(dil/jpnn)") is metadata
    kept.update({word: len(text) for word in _tokens(article.publisher or "")})
    lost = _tokens(text) - kept
    for word in list(lost):
        if any(word[:k] in kept and word[k:] in kept for k in range(1, len(word))):
            del lost[word]
    starts: Counter[str] = Counter()
    for paragraph in re.split(r"\n|(?<=[.!?])[ \xa0]?,", text):
        starts.update(_tokens(paragraph.strip()[:40]))
    if sum(lost.values()) <= 10 and not lost - starts:
        return Counter()
    return lost


@pytest.mark.shared
@pytest.mark.parametrize("dataset", _DATASETS)
def test_every_word_of_the_raw_body_is_kept_somewhere(dataset: str) -> None:
    losses = []
    n = 0
    for name, raw in _shared_records(dataset):
        n += 1
        lost = lost_text(raw, structure(raw))
        if lost:
            losses.append((name, raw.provenance.row, dict(lost.most_common(8))))
    assert n > 0
    assert losses == []


def test_lost_text_notices_a_dropped_paragraph() -> None:
    first = "Paragraf pertama yang penting sekali."
    second = "Paragraf kedua menjelaskan rincian anggaran yang disetujui dewan kota kemarin."
    raw = record(f"{first}\n{second}\nSCROLL TO CONTINUE WITH CONTENT")
    article = structure(raw)
    assert not lost_text(raw, article)
    assert sum(lost_text(raw, dataclasses.replace(article, text=first)).values()) == 10
    # a lead-in that became the dateline is no loss
    raw = record(f"JAKARTA, KOMPAS.com - {first}", url="https://kompas.com/read/2025/01/02/x")
    assert structure(raw).dateline == "JAKARTA" and not lost_text(raw, structure(raw))


# --------------------------------------------------------------------------- issue 11 mechanisms


def test_a_byline_carrying_body_text_is_split_and_a_sentence_about_a_report_stays() -> None:
    body = "Pemerintah kota mengumumkan jadwal baru untuk warga pada hari Senin."
    text = f"Laporan Wartawan Tribunnews.com, Danang Triatmojo JAKARTA - {body}"
    article = structure(record(text, url="https://www.tribunnews.com/x/2019/09/10/y"))
    assert article.text == body
    assert article.dateline == "JAKARTA"
    assert article.authors == ("Danang Triatmojo",)
    assert article.boilerplate_rules == ("byline",)
    sentence = "Laporan wartawan Okezone, Puteranegara yang tengah berada di lokasi kejadian."
    article = structure(record(f"{body}\n{sentence}", title="t"))
    assert paragraphs(article.text) == [body, sentence]
    assert article.authors == ()


@pytest.mark.parametrize(
    ("ending", "kept", "rule", "initials", "cited"),
    [
        ("daerah itu. (*)", "daerah itu.", "end_marker", (), ()),
        ("daerah itu. [**]", "daerah itu.", "end_marker", (), ()),
        ("daerah itu. [ant]", "daerah itu.", None, ("ant",), ()),
        ("daerah itu. (hp/ts)", "daerah itu.", None, ("hp", "ts"), ()),
        ("hari ini. - UTUSAN ONLINE", "hari ini.", "sign_off", (), ("UTUSAN ONLINE",)),
        ('kata beliau."-- BERNAMA', 'kata beliau."', "sign_off", (), ("BERNAMA",)),
        ("hari ini. – HARAKAHDAILY 4/5/2018", "hari ini.", "sign_off", (), ("HARAKAHDAILY",)),
        ("di sini hari ini. - Bernama", "di sini hari ini.", "sign_off", (), ("Bernama",)),
        ("di sini. (Visited 9 times, 1 visits today)", "di sini.", "view_counter", (), ()),
        # peeled one after another: the end mark, then the editor's code
        ("daerah itu. (esn) (*)", "daerah itu.", "end_marker", ("esn",), ()),
    ],
)
def test_furniture_closing_the_body_is_peeled_off(
    ending: str, kept: str, rule: str | None, initials: tuple[str, ...], cited: tuple[str, ...]
) -> None:
    first = "Pemerintah kota mengumumkan jadwal baru untuk warga di"
    article = structure(record(f"{first} {ending}", title="t"))
    assert article.text == f"{first} {kept}"
    assert article.editor_initials == initials
    assert article.cited_sources == cited
    assert article.boilerplate_rules == ((rule,) if rule else ())


def test_a_dash_inside_the_last_sentence_is_no_sign_off() -> None:
    text = "Skor akhir pertandingan itu adalah Persija 2 - Persib 1."
    assert structure(record(text, title="t")).text == text


def test_editors_are_kept_apart_from_writers() -> None:
    url = "https://nasional.kompas.com/read/2025/06/17/1/x"
    article = structure(record("Isi berita.", url=url, author="Ani Lestari, Jessi Carina"))
    assert article.authors == ("Ani Lestari",)
    assert article.editors == ("Jessi Carina",)
    text = "Isi berita yang cukup panjang di sini.\nPewarta: Aditya Ramadhan\nEditor: Eka Arifa"
    article = structure(record(text, title="t"))
    assert article.text == "Isi berita yang cukup panjang di sini."
    assert article.authors == ("Aditya Ramadhan",)
    assert article.editors == ("Eka Arifa",)


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Penulis tidak ditemukan", ()),  # a placeholder sentence
        ("REUTERS", ()),  # an acronym
        ("AFP, REUTERS", ()),
        ("PT Kompas Cyber Media", ()),  # an organisation
        ("Pemprov Sumut", ()),
        ("@Fahadnaimb via X", ()),  # a handle
        ("CNN Indonesia/Adi Ibrahim", ()),  # a photo credit
        ("Rabu", ()),  # a weekday
        ("Oleh", ()),
        (["Https", "Www.Facebook.Com Cnnindonesia"], ()),  # an address split by the scraper
        (["Wartawan Sinar Harian"], ()),
        ("Stevy maradona", ("Stevy maradona",)),  # a surname typed in lower case stays
        ("Gloria Trivena May Ary", ("Gloria Trivena May Ary",)),  # "May" in a name stays
        (["Zuraida Mohd. Zakaria", "C. Sheila Rani"], ("Zuraida Mohd. Zakaria", "C. Sheila Rani")),
    ],
)
def test_only_people_are_credited(author: Any, expected: tuple[str, ...]) -> None:
    assert structure(record("Isi berita.", title="t", author=author)).authors == expected


def test_a_place_is_no_person() -> None:
    text = "SURABAYA - Pemerintah kota mengumumkan jadwal baru untuk warga."
    assert structure(record(text, title="t", author="Surabaya")).authors == ()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://nasional.kompas.com/read/2025/06/17/10/x", "2025-06-17"),
        ("https://market.bisnis.com/read/20250701/192/1889631/x", "2025-07-01"),
        ("https://www.cnnindonesia.com/nasional/20250702130846-25-1246038/x", "2025-07-02"),
        ("https://www.liputan6.com/news/read/6054321/x", None),
        ("https://x.com/2025/13/40/x", None),  # not a real date
    ],
)
def test_a_missing_date_comes_from_the_url(url: str, expected: str | None) -> None:
    article = structure(record("Isi berita.", title="t", url=url))
    assert article.published_at == expected
    assert article.published_at_source == ("url" if expected else None)


def test_the_date_source_is_recorded() -> None:
    article = structure(record("Isi.", title="t", published="2025-06-17 10:00"))
    assert article.published_at_source == "column"
    article = structure(record("Judul Berita Hari Ini\n\nRabu, 17 November 2021 - 17:45 WIB\nIsi."))
    assert article.published_at_source == "text"


def test_the_file_date_order_from_hints_reads_a_month_first_column() -> None:
    records = [record("Isi.", title="t", published=v) for v in ("10/07/2025 20:43", "10/13/2025")]
    stats = Stats()
    assert run_date_order(records, None) == ["2025-07-10T20:43:00", None]  # day first
    order = file_date_order(r.fields["published"] for r in records)
    assert (order.order, order.reason) == ("mdy", "second_field_over_12")
    hints = StructureHints({"sample.csv": "mdy"})
    dates = [a.published_at for a in run(records, stats, None, hints)]
    assert dates == ["2025-10-07T20:43:00", "2025-10-13"]
    with pytest.raises(ConfigError, match="date order"):
        StructureHints({"sample.csv": "ymd"})


def run_date_order(records: list[RawRecord], hints: StructureHints | None) -> list[str | None]:
    return [a.published_at for a in run(records, Stats(), None, hints)]


def test_run_with_rejects_rejects_junk_only_bodies_and_keeps_the_raw_text() -> None:
    good = record("Pemerintah kota mengumumkan jadwal baru untuk warga.", title="t")
    widget = record("loading...", title="t")
    prompt = record("Bagikan :\nADVERTISEMENT", title="t")
    out = list(run_with_rejects([good, widget, prompt], stats := Stats()))
    assert isinstance(out[0], Article)
    assert [(r.reason, r.stage, r.raw) for r in out[1:] if isinstance(r, Rejected)] == [
        ("empty_body", "structure", "loading..."),
        ("empty_body", "structure", "Bagikan :\nADVERTISEMENT"),
    ]
    assert stats.get("structure", "empty_body") == 2
    assert len(list(run([good, widget, prompt], Stats()))) == 3  # run: one Article each


# --------------------------------------------------------------------------- rules on real rows

# (dataset, file in it, row, rule, a fragment of the removed line): rows outside the held-out
# split where each general rule acts, checked on the real text
_REAL_RULES = [
    (
        "news-id-more",
        "cnnindonesia-2025/result_cnnindonesia_scraped_02072025.csv",
        1,
        "inline_ad",
        "SCROLL TO CONTINUE WITH CONTENT",
    ),
    (
        "news-id-more",
        "cnnindonesia-2025/result_cnnindonesia_scraped_02072025.csv",
        3,
        "inline_embed",
        "[Gambas:Photo CNN]",
    ),
    ("news-id-2019", "sindonews.csv", 700, "end_marker", "(*)"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 765, "end_marker", "(*)"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 3, "sign_off", "UTUSAN ONLINE"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 2, "sign_off", "Bernama"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 7, "page_widget", "A- A+"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 76, "author_bio", "ialah aktivis masyarakat"),
    # issue 11, fourth pass: residue recognised by its shape (corpus/structure/residue.py)
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 4697, "author_bio", "pembaca Malaysiakini"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 1079, "share_bar", "SHARES Share Tweet"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 3086, "social_embed", "pic.twitter.com/"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 1197, "social_embed", "(@CIA) July 6, 2018"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 5695, "social_embed", "#prusinar"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 27, "media_credit", "Video oleh"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 5295, "source_credit", "Source: Lowyat"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 133, "disclaimer", "tidak semestinya"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 258, "byline", "Laporan Wartawan"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 530, "view_counter", "visits today"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 783, "related_label", "Berita berkaitan"),
    ("news-id-more", "antaranews-2023/antaranews_2023.jsonl", 39, "credit_line", "Pewarta:"),
    ("news-id-2019", "kompas.csv", 246, "continue_prompt", "Baca selengkapnya"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 878, "photo_caption", "(Foto: Pixabay"),
    ("news-id-2019", "okezone.csv", 4048, "photo_caption", "/Instagram)"),
]


def _real(dataset: str, file: str, row: int) -> RawRecord:
    from corpus.sources import ColumnMapper, discover, read_file

    files, _ = discover([shared_path(dataset)])
    mapping = _SHARED_MAPS.get(file.split("/")[0] + "/", {})
    f = next(f for f in files if f.relpath == file)
    return next(
        r
        for r in read_file(f, ColumnMapper(mapping))
        if isinstance(r, RawRecord) and r.provenance.row == row
    )


@pytest.mark.shared
@pytest.mark.parametrize(("dataset", "file", "row", "rule", "fragment"), _REAL_RULES)
def test_general_rules_on_real_rows(
    dataset: str, file: str, row: int, rule: str, fragment: str
) -> None:
    article = structure(_real(dataset, file, row))
    pairs = zip(article.boilerplate, article.boilerplate_rules, strict=True)
    removed = [line for line, r in pairs if r == rule]
    assert any(fragment in line for line in removed), (rule, article.boilerplate_rules)
    assert fragment not in article.text


@pytest.mark.shared
@pytest.mark.parametrize(
    ("dataset", "file", "row", "dateline", "initials", "authors", "editors"),
    [
        # "KUALA LUMPUR 11 Mei -": a Malaysian dateline with the day
        ("news-ms", "malay_news_2013_2018.jsonl.gz", 1, "KUALA LUMPUR", (), None, None),
        # "KEMAMAN: " on the line after the font-size widget
        ("news-ms", "malay_news_2013_2018.jsonl.gz", 36, "KEMAMAN", (), None, None),
        # an editor's code in square brackets closing the body
        ("news-ms", "malay_news_2013_2018.jsonl.gz", 543, None, ("sau",), None, None),
        # "Jakarta (ANTARA) -", then "Pewarta: ... Editor: ..." after an empty "Baca juga:"
        (
            "news-id-more",
            "antaranews-2023/antaranews_2023.jsonl",
            39,
            "Jakarta",
            (),
            ("Aditya Ramadhan",),
            ("Eka Arifa Rusqiyati",),
        ),
    ],
)
def test_edges_and_credits_on_real_rows(
    dataset: str,
    file: str,
    row: int,
    dateline: str | None,
    initials: tuple[str, ...],
    authors: tuple[str, ...] | None,
    editors: tuple[str, ...] | None,
) -> None:
    article = structure(_real(dataset, file, row))
    assert article.dateline == dateline
    assert article.editor_initials == initials
    if authors is not None:
        assert (article.authors, article.editors) == (authors, editors)


@pytest.mark.parametrize("end", ["...", " ...", "…"])
def test_a_headline_cut_short_is_still_the_title(end: str) -> None:
    title = f"Megawati Ungkap Orang Luar Tak Bisa{end}"
    article = structure(record(f"{title}\n\nIsi berita yang panjang di sini."))
    assert article.title == title
    assert structure(record("Isi.", title=title)).title == title


@pytest.mark.parametrize(
    "body",
    [
        "loading...",
        "Dapatkan berita terbaru setiap pagi langsung di inbox Anda lewat newsletter kami.",
        "Berlangganan newsletter kami\nADVERTISEMENT",
        "Bagikan :\n\nA+ A-",
    ],
)
def test_a_body_of_widgets_and_prompts_is_an_empty_body_reject(body: str) -> None:
    (item,) = run_with_rejects([record(body, title="t")], Stats())
    assert isinstance(item, Rejected) and item.reason == "empty_body" and item.raw == body


def test_a_caption_with_its_photo_credit_goes_to_captions() -> None:
    body = "Pemerintah kota mengumumkan jadwal baru untuk warga pada hari Senin."
    for caption in ("Ilustrasi bendera (Foto: Pixabay )", "Petugas di Jakarta. ANTARA FOTO/Aditya"):
        article = structure(record(f"{body}\n{caption}\n{body} Lagi.", title="t"))
        assert article.captions == (caption,)
        assert caption not in article.text
        assert article.boilerplate_rules == ("photo_caption",)


# --------------------------------------------------------------------------- issue 11, held-out


def test_a_lead_in_below_the_photos_caption_gives_the_dateline_and_the_caption_goes() -> None:
    caption = "Ahmad Nazlan (kanan) melihat batang paip yang digunakan untuk membina telaga."
    body = "Masalah air yang melanda tanah rancangan ini dijangka akan diselesaikan minggu depan."
    article = structure(record(f"{caption}\nJERANTUT - {body}\nAyat kedua.", title="Air"))
    assert article.dateline == "JERANTUT"
    assert article.text == f"{body}\n\nAyat kedua."
    assert article.captions == (caption,)
    assert article.boilerplate_rules == ("caption_above_lead_in",)
    # a standfirst (a headline-like line, no full stop) above the lead-in stays body
    standfirst = "Suri rumah mengaku salah muat naik kenyataan palsu"
    article = structure(record(f"{standfirst}\n{caption}\nKOTA BHARU – {body}", title="t"))
    assert article.dateline == "KOTA BHARU"
    assert article.text == f"{standfirst}\n\n{body}"
    # an interview's label with its question is no lead-in
    text = f"{caption}\nUTUSAN: Apakah fokus parti dalam pilihan raya kali ini?\nJawapan."
    article = structure(record(text, title="t"))
    assert article.dateline is None and caption in article.text
    # a long paragraph above: the article started there
    long = " ".join(["Kerajaan negeri akan terus memantau keadaan di kawasan itu."] * 8)
    article = structure(record(f"{long}\nIPOH - {body}", title="t"))
    assert article.dateline is None and article.text.startswith(long)


@pytest.mark.parametrize(
    "line",
    [
        "Menteri itu melancarkan majlis pecah tanah hari ini. - Foto Bernama",
        "Kenaikan kos operasi mendorong pengusaha bas menaikkan tambang. - Gambar hiasan",
        "Aishah berucap di Konvensyen 2018 di IDCC. -Foto Sinar Harian oleh SHARIFUDIN ABDUL RAHIM",
        "PROVOKASI berlaku di hadapan pintu masuk mahkamah, hari ini. FOTO Zulfadhli Zulkifli",
        "Faris (kiri) ditenangkan ibu saudaranya. Foto oleh ROY AZIS ABD AZIZ.",
        "Pertemuan berlangsung ketika kunjungan itu. Foto: Sharifudin Abdul Rahim",
        "Foto: Heru Gunawan",
        "Gambar fail",
    ],
)
def test_malaysian_photo_credits_make_a_caption(line: str) -> None:
    body = "Isi berita pertama yang cukup panjang untuk menjadi badan berita."
    article = structure(record(f"{body}\n{line}\nAyat penutup berita ini.", title="t"))
    assert article.boilerplate_rules == ("photo_caption",)
    assert line in article.captions


@pytest.mark.parametrize(
    "line",
    [
        "Gambar itu tular di media sosial sejak minggu lalu.",
        "Dia berkata. Foto itu diambil semalam di lokasi kejadian.",
        "Beliau menunjukkan gambar - gambar lama keluarganya.",
    ],
)
def test_sentences_about_photos_stay(line: str) -> None:
    body = "Isi berita pertama yang cukup panjang untuk menjadi badan berita."
    assert line in structure(record(f"{body}\n{line}\nAyat penutup.", title="t")).text


def test_a_signature_block_closes_a_statement_and_names_its_signer() -> None:
    body = "Kerajaan juga digesa membantu golongan gelandangan memiliki rumah sendiri."
    block = "IR HJ KHAIRIL NIZAM KHIRUDIN\nTimbalan Ketua Pemuda\nDewan Pemuda PAS Malaysia"
    text = f"{body}\n{block}\n7 Januari 2018 | 19 Rabiul Akhir 1439\n– HARAKAHDAILY 7/1/2018"
    article = structure(record(text, title="t"))
    assert article.text == body
    assert article.boilerplate_rules == ("sign_off",) + ("signature",) * 4
    assert article.authors == ("Khairil Nizam Khirudin",)
    titled = f"{body}\nYB Ustaz Mohd Nor Hamzah\nKetua Penerangan PAS Terengganu\n25 Mei 2018"
    article = structure(record(titled, title="t"))
    assert article.text == body and article.authors == ("Mohd Nor Hamzah",)
    # a list closing the body is no signature
    items = f"{body}\nv. Bukit Bauk\nvi. Kuala Paka\nvii. Rasau Kertih"
    assert structure(record(items, title="t")).text == items.replace("\n", "\n\n")


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        (
            "Harga minyak naik - ANTARA News",
            "https://www.antaranews.com/berita/1",
            "Harga minyak naik",
        ),
        ("Harga saham : Okezone Economy", "https://economy.okezone.com/read/1", "Harga saham"),
        ("Tragedi cuti sekolah [METROTV]", "https://www.hmetro.com.my/1", "Tragedi cuti sekolah"),
        # a dash that attributes the headline stays
        ("Rakyat mahu perubahan - Tun Mahathir", "https://www.utusan.com.my/1", None),
        ("Jadwal laga - Persib", "https://www.antaranews.com/berita/2", None),
    ],
)
def test_a_titles_site_name_suffix_goes(title: str, url: str, expected: str | None) -> None:
    article = structure(record("Isi berita yang cukup panjang di sini.", title=title, url=url))
    assert article.title == (expected or title)


def test_read_more_prompts_with_a_colon_and_link_prompts_in_brackets_go() -> None:
    body = "Isi berita pertama yang cukup panjang untuk menjadi badan berita."
    for line in ("Baca: Mantan PM Malaysia Najib Razak Diadili", "Baca:", "BACA: Nazir: Mahathir"):
        article = structure(record(f"{body}\n{line}\nAyat kedua.", title="t"))
        assert article.boilerplate_rules == ("read_more",), line
    text = "Madura United memimpin klasemen (lihat klasemen) dengan 30 poin."
    article = structure(record(text, title="t"))
    assert article.text == "Madura United memimpin klasemen dengan 30 poin."
    assert article.boilerplate == ("(lihat klasemen)",)


def test_a_widget_label_glued_after_the_editor_code_goes() -> None:
    text = "Putusan itu menolak semua uji materi. (ast/jpnn)Jangan Lewatkan Video Terbaru:"
    article = structure(record(f"jpnn.com, JAKARTA - {text}", title="t"))
    assert article.text == "Putusan itu menolak semua uji materi."
    assert article.editor_initials == ("ast",)
    assert article.boilerplate == ("Jangan Lewatkan Video Terbaru:",)


def test_a_headline_glued_to_its_standfirst_is_the_title() -> None:
    title = "Wanita hina Agong dijel 8 bulan"
    standfirst = "Suri rumah mengaku salah muat naik kenyataan palsu menerusi Facebook"
    text = f"{title} {standfirst}\nKOTA BHARU – Perbuatan seorang suri rumah membawa padah."
    article = structure(record(text, title=title))
    assert article.text.startswith(standfirst)
    assert article.dateline == "KOTA BHARU"


# --------------------------------------------------------------------------- issue 11, long tail
# (mechanisms written from the dev rows of news-ms; the long-tail test gold is never tuned on)

_STORY = "Kementerian akan mengkaji semula cadangan itu dalam mesyuarat kabinet minggu depan."


@pytest.mark.parametrize(
    ("lead", "place"),
    [
        # an upper-case place with its day in any case, a year, a region, or the space lost
        ("SEREMBAN28 DIS. - ", "SEREMBAN"),
        ("KUALA LUMPUR 1 JuLAI - ", "KUALA LUMPUR"),
        ("KUALA LUMPUR 27 Ogos 2017 - ", "KUALA LUMPUR"),
        ("YANGON, 15 Dis. – ", "YANGON"),
        ("TIJUANA, Mexico - ", "TIJUANA"),
        ("CHIANG RAI, Thailand, 10 Julai - ", "CHIANG RAI"),
        ("KUALA LUMPUR, Oct 2 -- ", "KUALA LUMPUR"),
        # the site's name beside a place: a domain, or the letters of the URL's host
        ("Jakarta, Gesuri.id - ", "Jakarta"),
        ("JAKARTA (Pos Kota) – ", "JAKARTA"),
        ("INILAH, Bandung - ", "Bandung"),
        ("SURYA.co.id | SURABAYA - ", "SURABAYA"),
        ("WowKeren - ", None),
        # a capitalized place alone before a colon or a dash, or with its day
        ("Kuala Lumpur: ", "Kuala Lumpur"),
        ("Jakarta - ", "Jakarta"),
        ("Kuala Lumpur 26 Okt. – ", "Kuala Lumpur"),
        ("KUALA LUMPUR : ", "KUALA LUMPUR"),
        # behind an update tag or an invisible mark; a region in brackets
        ("[KEMASKINI] KUALA LUMPUR - ", "KUALA LUMPUR"),
        ("\u200eJERANTUT - ", "JERANTUT"),
        ("GUANGZHOU (China): ", "GUANGZHOU"),
        # an outlet's lead-in whose dash the scraper lost
        ("Bintang.com, Jakarta ", "Jakarta"),
    ],
)
def test_lead_ins_of_no_known_form_give_the_place(lead: str, place: str | None) -> None:
    host = {
        "Pos Kota": "https://poskotanews.com/1",
        "INILAH": "https://www.inilahkoran.com/1",
        "SURYA": "http://surabaya.tribunnews.com/1",
        "WowKeren": "http://www.wowkeren.com/1",
    }
    url = next((u for key, u in host.items() if key in lead), "https://example.org/1")
    article = structure(record(lead + _STORY, title="t", url=url))
    assert (article.dateline, article.text) == (place, _STORY)


@pytest.mark.parametrize(
    "text",
    [
        f"Jawapan: {_STORY}",  # an interview's label
        f"PARLIMEN | {_STORY}",  # a rubric
        "Ceritalah ASEAN: What Transjakarta bus system can teach the rest of the region",
        f"Peserta Editors Meeting: {_STORY}",  # three title-case words: no place
        f"UTUSAN : {_STORY[:-1]}?",  # a question after it
        f"Hassan: {_STORY}\nDW: Apakah itu benar?\nHassan: Ya.",  # an interview
        f"Oleh itu, {_STORY}",
    ],
)
def test_labels_and_headlines_are_no_lead_ins(text: str) -> None:
    article = structure(record(text, title="t", url="https://www.utusan.com.my/1"))
    assert article.dateline is None
    assert article.text == text.replace("\n", "\n\n")


@pytest.mark.parametrize(
    ("column", "url", "expected"),
    [
        (["Oleh Fazrik Kamarudin"], "https://www.bharian.com.my/1", ("Fazrik Kamarudin",)),
        (
            ["Yb Siti Zailah Mohd Yusoff"],
            "https://www.harakahdaily.net/1",
            ("Siti Zailah Mohd Yusoff",),
        ),
        (["Ustaz Kamaruddin Sidek"], "https://www.harakahdaily.net/1", ("Kamaruddin Sidek",)),
        # the site's own name, a role, a platform or an office are no people
        (
            ["Amanda Puspita Sari", "Cnn Indonesia"],
            "https://www.cnnindonesia.com/1",
            ("Amanda Puspita Sari",),
        ),
        (["Heyder Affan", "Bbc Indonesia"], "http://www.bbc.com/indonesia/1", ("Heyder Affan",)),
        (["Metrotvnews Developer"], "http://teknologi.metrotvnews.com/1", ()),
        (["Published On Jul"], "https://example.org/1", ()),
        (["Facebook Presiden Joko Widodo"], "https://example.org/1", ()),
        (["Bahagian Komunikasi Korporat Yapeim"], "https://example.org/1", ()),
        # a word of the host inside a name is no match: whole words only
        (["Hotman Paris"], "https://hot.detik.com/1", ("Hotman Paris",)),
        (["Galamedia", "Admin Galamedianews.Com"], "https://www.galamedianews.com/1", ()),
        # two writers joined by a title-cased "Dan"; a phrase with one is no name
        (
            ["Fauzi Suhaimi Dan Besse Aisyah"],
            "https://example.org/1",
            ("Fauzi Suhaimi", "Besse Aisyah"),
        ),
        (
            ["Abrar Firdiansyah", "Statistik Dan Liga"],
            "https://example.org/1",
            ("Abrar Firdiansyah",),
        ),
        # a month a crawler split off a date, a form of address split off its name, a phrase
        (["Rizki Akbar Hasan", "Jul"], "https://example.org/1", ("Rizki Akbar Hasan",)),
        (
            ["Dato", "Seri Tuan Guru Haji Abdul Hadi Awang"],
            "https://example.org/1",
            ("Abdul Hadi Awang",),
        ),
        (
            ["Zaain Zin", "Sedang Menjemur Pakaian Di Belakang Rumah."],
            "https://example.org/1",
            ("Zaain Zin",),
        ),
        (["Please Enter Your Name Here"], "https://example.org/1", ()),
    ],
)
def test_credited_names_lose_credit_words_and_forms_of_address(
    column: list[str], url: str, expected: tuple[str, ...]
) -> None:
    article = structure(record(_STORY, title="t", author=column, url=url))
    assert article.authors == expected


def test_kompas_editor_last_reads_a_text_column_not_a_crawlers_list() -> None:
    url = "https://nasional.kompas.com/read/1"
    text_column = structure(record(_STORY, title="t", author="Ihsanuddin, Jessi Carina", url=url))
    assert (text_column.authors, text_column.editors) == (("Ihsanuddin",), ("Jessi Carina",))
    listed = structure(record(_STORY, title="t", author=["Fabian Januarius Kuwado"], url=url))
    assert (listed.authors, listed.editors) == (("Fabian Januarius Kuwado",), ())


def test_bylines_and_dated_sign_offs_name_writers() -> None:
    article = structure(record(f"Oleh: Toto Sugiarto\n{_STORY}", title="t"))
    assert (article.authors, article.text, article.boilerplate_rules) == (
        ("Toto Sugiarto",),
        _STORY,
        ("credit_line",),
    )
    notice = (
        "PERINGATAN: AgendaDaily tidak bertanggungjawab terhadap komentar yang diutarakan"
        " melalui laman sosial ini."
    )
    text = f"{_STORY}\nIa berkata demikian hari ini.- 23/3/2018- OLEH MAHIRAN ZAKARIA\n{notice}"
    article = structure(record(text, title="t", author=["Rosli Ismail"]))
    assert article.authors == ("Rosli Ismail", "Mahiran Zakaria")
    assert article.text == f"{_STORY}\n\nIa berkata demikian hari ini."
    assert article.boilerplate_rules == ("disclaimer", "dated_sign_off")
    bare = structure(record(f"{_STORY}\nJangan transformati sudahlah!-9/6/2018", title="t"))
    assert bare.text.endswith("sudahlah!") and bare.authors == ()


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        (
            "Hak atas foto Getty Images Image caption Warga antre di depan kantor pos.",
            "photo_caption",
        ),
        (
            "Image copyright Reuters Image caption Flight MH370 went missing in 2014",
            "photo_caption",
        ),
        ("Click to share on Twitter (Opens in new window)", "page_widget"),
        ("Click to email this to a friend (Opens in new window)", "page_widget"),
        ("You can share this post!", "page_widget"),
        ("Read also: Lim Guan Eng defends his use of Chinese in official statements", "read_more"),
        ("Related stories:", "related_label"),
        ("Disclosure statement", "disclaimer"),
        (
            "Atif Kubursi does not work for, consult, own shares in or receive funding from any"
            " company or organisation that would benefit from this article.",
            "disclaimer",
        ),
        (
            "Republish our articles for free, online or in print, under Creative Commons licence.",
            "disclaimer",
        ),
        ("Sumber", "source_credit"),
    ],
)
def test_page_furniture_of_the_long_tail_goes(line: str, rule: str) -> None:
    article = structure(record(f"{_STORY}\n{line}\n{_STORY}", title="t"))
    assert article.boilerplate_rules == (rule,)
    assert article.text == f"{_STORY}\n\n{_STORY}"
