"""Page residue recognised by its shape (issue 11, fourth pass): share bars, embedded posts,
media credits, a closing note on the writer. Fixtures are written here, shaped like the dev rows
of news-ms (never copied from them)."""

from __future__ import annotations

from typing import Any

import pytest

from corpus.records import Provenance, RawRecord
from corpus.structure import structure
from corpus.structure.residue import MEDIA_CREDIT, is_embed_residue, is_share_bar, writer_bio

_STORY = [
    "Kerajaan negeri akan mengkaji semula cadangan itu dalam mesyuarat exco minggu depan.",
    "Menurutnya, keputusan muktamad dijangka diumumkan selepas perbincangan dengan semua pihak.",
    "Beliau berkata, orang ramai diminta bersabar sementara kajian itu dijalankan sepenuhnya.",
]


def _structure(lines: list[str], **fields: Any) -> Any:
    text = "\n\n".join(lines)
    provenance = Provenance("sample.jsonl", 1, 2, "0" * 64, "jsonl")
    return structure(RawRecord({"text": text, **fields}, {}, provenance, text))


@pytest.mark.parametrize(
    "line",
    [
        "1.4k SHARES Share Tweet Whatsapp",
        "12/03/18 Bagikan Tutup",
        "Bagikan: Facebook Twitter Google+",
        "Share this article :",
        "Facebook Telegram",
    ],
)
def test_a_line_of_share_buttons_is_a_share_bar(line: str) -> None:
    assert is_share_bar(line)


@pytest.mark.parametrize(
    "line",
    [
        "Share",  # one word: a label another rule judges
        "Facebook menutup akaun itu semalam.",
        "Twitter dan Facebook dikritik kerana lambat bertindak.",
        "Sebanyak 1.2k perkongsian dicatatkan di Facebook",
    ],
)
def test_a_sentence_naming_platforms_is_no_share_bar(line: str) -> None:
    assert not is_share_bar(line)


@pytest.mark.parametrize(
    "line",
    [
        "Terima kasih semua yang mendoakan. Saya sihat! pic.twitter.com/Ab12Cd34Ef",
        "Kenyataan penuh boleh dibaca di sini https://t.co/Xy9Zw8Vu7T",
        "— Kementerian Kesihatan (@KKMPutrajaya) March 3, 2018",
        "#jomundi #pru14",
        "Please enable JavaScript to view this video",
        "This slideshow requires JavaScript.",
    ],
)
def test_what_an_embedded_post_leaves_is_embed_residue(line: str) -> None:
    assert is_embed_residue(line)


@pytest.mark.parametrize(
    "line",
    [
        "Menurut beliau, kenyataan itu dimuat naik di Twitter https://t.co sebelum dipadam.",
        "Hashtag #pru14 menjadi tular di media sosial sejak semalam.",
        "Beliau memuat naik video itu menerusi akaun Twitter (@rakyat) semalam.",
    ],
)
def test_sentences_about_posts_stay(line: str) -> None:
    assert not is_embed_residue(line)


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Video oleh ROSLAN ABU BAKAR", True),
        ("Video ihsan PEMBACA", True),
        ("Fotobyline AMIR HAMZAH", True),
        ("Foto Siti Aminah", True),
        ("Photo by Jane Doe", True),
        ("Video tular itu dirakam oleh penduduk kampung.", False),
        ("Foto bersama peminat dikongsi di Instagram", False),
    ],
)
def test_a_media_credit_on_its_own_line(line: str, credit: bool) -> None:
    assert (MEDIA_CREDIT.match(line) is not None) is credit


def test_a_closing_bio_names_the_writer_and_leaves_the_body() -> None:
    bio = "PROF. MADYA DR. ROSLI HAMZAH ialah pensyarah kanan di sebuah universiti awam."
    article = _structure([*_STORY, bio])
    assert article.text == "\n\n".join(_STORY)
    assert bio in article.boilerplate
    assert (
        dict(zip(article.boilerplate, article.boilerplate_rules, strict=True))[bio] == "author_bio"
    )
    assert article.authors == ("Rosli Hamzah",)


@pytest.mark.parametrize(
    ("tail", "name"),
    [
        (
            ["NORAZLINA SALLEH anak kelahiran Kedah dan pembaca setia akhbar ini."],
            "Norazlina Salleh",
        ),
        (["HAFIZ YUSOF atau Pak Long ialah seorang pesara guru."], "Hafiz Yusof"),
        (["Penulis ialah Pensyarah Kanan", "Fakulti Undang-Undang, Universiti Awam"], None),
        (["* The writer is the paper's economics editor."], None),
    ],
)
def test_closing_bios_of_each_form(tail: list[str], name: str | None) -> None:
    body = [*_STORY, *tail]
    found, lines = writer_bio(body)
    assert (found, lines, body) == (name, tail, _STORY)


@pytest.mark.parametrize(
    "last",
    [
        # an organisation in capitals reporting: a verb follows, not who it is
        "DPP KNPI juga menegaskan kabut asap sudah merugikan banyak orang.",
        # a quote, a report of what someone said
        "AHMAD ZAKI ialah saksi pertama, katanya kepada mahkamah.",
        '"Penulis ialah orang yang paling bertanggungjawab," kata hakim.',
        # a name in title case: a report's closing sentence as often as a bio
        "Najib Razak ialah Perdana Menteri ketika itu.",
    ],
)
def test_closing_sentences_that_are_no_bio_stay(last: str) -> None:
    body = [*_STORY, last]
    assert writer_bio(body) == (None, [])
    assert body[-1] == last


def test_a_bio_line_followed_by_a_story_paragraph_stays() -> None:
    body = [*_STORY, "PENULIS ialah pegawai penyelidik.", " ".join(_STORY)]
    assert writer_bio(body) == (None, [])


def test_residue_lines_leave_the_body_with_their_rule() -> None:
    lines = [
        "850 SHARES Share Tweet Whatsapp",
        *_STORY,
        "Syukur, semuanya selamat. pic.twitter.com/Qw12Er34Ty",
        "— Pasukan Bomba (@bomba_my) July 9, 2018",
        "Video oleh SITI NUR AINA",
        "#jomundi #pru14",
    ]
    article = _structure(lines)
    assert article.text == "\n\n".join(_STORY)
    rules = dict(zip(article.boilerplate, article.boilerplate_rules, strict=True))
    assert rules == {
        lines[0]: "share_bar",
        lines[4]: "social_embed",
        lines[5]: "social_embed",
        lines[6]: "media_credit",
        lines[7]: "social_embed",
    }


def test_an_english_source_credit_names_the_outlet() -> None:
    article = _structure([*_STORY, "Source: Lowyat"])
    assert article.text == "\n\n".join(_STORY)
    assert "Lowyat" in article.cited_sources
    bracketed = _structure([*_STORY, "(sumber: Portal Rasmi Fatwa)."])
    assert bracketed.text == "\n\n".join(_STORY)
    assert "Portal Rasmi Fatwa" in bracketed.cited_sources
