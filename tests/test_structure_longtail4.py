"""The long tail, seventh pass (issue 11): shapes found on dev rows with every profile off.

A site lead-in glued to its place and the place to the first word ("Liputan6.com,
JakartaKita ..."), sign-offs after a link or an e-mail, an end mark ("habis.") under an
agency's sign-off, credits glued after a paragraph's last sentence, by-lines with the writer's
role, glued syndication notes, lower-case read-more asides, upper-case desk codes, picture
credits, comment boxes, reaction polls, view counters, contact lines: each on fixtures of ours
(``tests/data/structure/longtail4.jsonl``) and on real dev rows (skipped without ``../shared``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from corpus.boilerplate import RuleSet
from corpus.records import Article, Provenance, RawRecord
from corpus.structure import structure_with
from tests.conftest import DATA, shared_rows

FIXTURES = [
    json.loads(line)
    for line in (DATA / "structure" / "longtail4.jsonl").read_text(encoding="utf-8").splitlines()
]
MS = ("news-ms", "malay_news_2013_2018.jsonl.gz")


def record(text: str) -> RawRecord:
    provenance = Provenance("sample.jsonl", 1, 1, "0" * 64, "jsonl")
    return RawRecord({"text": text, "title": "Sebuah Judul Berita Hari Ini"}, {}, provenance, text)


def no_profile(rec: RawRecord) -> Article:
    """Structured as an unknown publisher's record: no profile, no reviewed rules."""
    return structure_with(rec, (), RuleSet())


def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text).split()


@pytest.mark.parametrize("case", FIXTURES, ids=[c["case"] for c in FIXTURES])
def test_fixture(case: dict[str, Any]) -> None:
    article = no_profile(record(case["text"]))
    assert case["kept"] in article.text
    if case["removed"] is not None:
        assert case["removed"] not in article.text
        assert case["removed"] in article.boilerplate
    if "starts" in case:
        assert article.text.startswith(case["starts"])
    if "dateline" in case:
        assert article.dateline == case["dateline"]
    if "authors" in case:
        assert list(article.authors) == case["authors"]
    if "initials" in case:
        assert list(article.editor_initials) == case["initials"]
    # nothing lost: every word of the raw text is in the body, the boilerplate, the dateline or
    # the editor's initials (a lead-in's words are metadata)
    kept = _words(" ".join([article.text, *article.boilerplate, *article.editor_initials]))
    missing = [w for w in _words(case["text"]) if w not in kept]
    assert not missing or set(missing) <= set(_words(case["text"].split("\n")[0][:40]))


# --------------------------------------------------------------------------- real dev rows


@pytest.mark.parametrize(
    ("row", "furniture", "stays"),
    [
        (3313, "- UTUSAN ONLINE", "www.facebook.com/bkkmhq"),  # Utusan, a sign-off after a link
        (3537, "- UTUSAN ONLINE", "e-mel di"),  # after an obfuscated e-mail address
        (2852, "habis.", "pemimpin AS itu."),  # Utusan: "- AFP" then "habis."
        (5737, "-- BERNAMA", "manifesto BN:"),  # a sign-off after a colon
        (2653, "Penulis: rzn/yf (gallup, eurobarometer, dll)", "atheis atau agnostik."),  # DW
        (3089, "Penulis: rzn/yf (dari berbagai sumber)", "Indonesia secara resmi"),  # DW
        (4218, "(baca juga : AS Tolak Proposal", "kemitraan petani"),  # Katadata
        (1133, "Feature Image Credit Compiled From:", "Festival Filem Malaysia"),  # Vulcan Post
        (2566, "Sumber gambar: allesandrobenetton", "sepakbola Brasil"),  # Pandit Football
        (1195, "Komentar Anda", "bahasa Inggris."),  # Radar Bogor's comment box
        (131, "Apa Reaksi Anda ?", "kenyamanan mereka"),  # Uzone's reaction poll
        (449, "Oleh: Mohammad Akbar, wartawan", "Adagium klasik"),  # Republika's by-line
        (4832, "Questions? Contact Ryan Denham", "social innovation"),  # Illinois State
    ],
)
def test_real_dev_rows_lose_their_furniture(row: int, furniture: str, stays: str) -> None:
    rec = shared_rows(*MS)[row]
    raw = str(rec.fields["text"])
    assert furniture in raw
    article = no_profile(rec)
    assert furniture not in article.text
    assert any(furniture in line for line in article.boilerplate)
    assert stays in article.text
    assert len(article.text) > 0.5 * len(raw)  # the story stays


@pytest.mark.parametrize(
    ("row", "initials"),
    [(5199, ("ABE",)), (3683, ("REN",)), (553, ("T2",)), (1195, ("dis",)), (1196, ("c11", "ttg"))],
)
def test_real_closing_desk_codes(row: int, initials: tuple[str, ...]) -> None:
    """Metro TV News "(ABE)", Medcom "(REN)", InfoSAWIT "(T2)", Radar Bogor "(dis)" and
    "(*/c11/ttg)" above its comment box (the first long-tail split and longtail3-dev)."""
    article = no_profile(shared_rows(*MS)[row])
    assert article.editor_initials == initials
    assert not article.text.rstrip().endswith(")")


@pytest.mark.parametrize(
    ("row", "starts"),
    [(845, "Liburan sekolah"), (1941, "Wakil Menteri Keuangan"), (1614, "Dalam hidup")],
)
def test_real_glued_lead_in_without_a_profile(row: int, starts: str) -> None:
    """The 2025 CSV's gold dev rows 25-liputan6-3, -4, -5, with no profile: "Liputan6.com,
    JakartaLiburan sekolah ..." -> dateline Jakarta, the body opens "Liburan sekolah"."""
    rec = shared_rows("news-id-2025", "scrapping_news_2025-06-18.csv")[row]
    assert str(rec.fields["text"]).startswith("Liputan6.com, Jakarta" + starts[:3])
    article = no_profile(rec)
    assert article.dateline == "Jakarta"
    assert article.text.startswith(starts)


def test_real_syndication_glued_after_a_credit() -> None:
    """Tribunnews 2019 (row 190): "...(Rilis Humas/Adi Kurniawan)),Artikel ini telah tayang
    di sripoku.com dengan judul ..." -> syndicated_from sripoku.com, the note removed."""
    article = no_profile(shared_rows("news-id-2019", "tribunnews.csv")[190])
    assert article.syndicated_from == "sripoku.com"
    assert "Artikel ini telah tayang" not in article.text


def test_real_role_by_line_names_the_writer() -> None:
    """Republika in news-ms (row 449): "REPUBLIKA.CO.ID, Oleh: Mohammad Akbar, wartawan
    Republika.co.id" -> the writer Mohammad Akbar, the line removed."""
    assert no_profile(shared_rows(*MS)[449]).authors == ("Mohammad Akbar",)


def test_real_place_outside_ascii() -> None:
    """Liputan6 in news-ms (row 2437): "Liputan6.com, Köthen - ..." -> dateline Köthen."""
    article = no_profile(shared_rows(*MS)[2437])
    assert article.dateline == "Köthen"
    assert article.text.startswith("Kelompok oposisi")
