"""Page furniture found on the third long-tail draw's dev tier (issue 11, sixth pass): captions
closed by a credit in brackets, printed links, a writer's contact line, "You may also like",
the site's name closed by a full stop as a lead-in, the writer's name on a line of its own.

Texts of our own first (each shape, and a near miss that must stay body); then real dev rows of
``../shared/corpora/news-ms`` (ids only; skipped when the shared folder is absent).
"""

from __future__ import annotations

from typing import Any

import pytest

from corpus.records import Provenance, RawRecord
from corpus.structure import structure
from corpus.structure.rules import boilerplate_rule
from tests.conftest import shared_rows

_STORY = (
    "Pemerintah kota mengumumkan jadwal baru untuk warga pada hari Senin, dan pejabat"
    " setempat meminta masyarakat untuk mengikuti aturan yang berlaku."
)
_MORE = "Jadwal itu berlaku mulai pekan depan di seluruh wilayah kota menurut keterangan resmi."
MS = ("news-ms", "malay_news_2013_2018.jsonl.gz")


def _article(text: str, **fields: Any) -> Any:
    provenance = Provenance("sample.jsonl", 1, 1, "0" * 64, "jsonl")
    return structure(RawRecord({"text": text, **fields}, {}, provenance, text))


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Ustaz Ahmad di masjid (Galih W. Satria/contoh.com)", "photo_caption"),
        ("Pasangan itu di pantai. (DI: Budi Santoso/Contoh.com)", "photo_caption"),
        ("Pesta pernikahan mereka di Bali. (Instagram/akunmereka)", "photo_caption"),
        ("Keduanya di Bhutan. (Facebook)", "photo_caption"),
        ("Suasana latihan tim pada Selasa (20/11/2018) [Sumber: klub.co.id]", "photo_caption"),
        ("https://www.contoh.net/seleb/kabar-171103z.html SEND", "link_residue"),
        ("Jane Roe can be reached at jroe@example.edu.", "contact_line"),
        ("YOU MAY ALSO LIKE", "related_label"),
        ("You might also like:", "related_label"),
    ],
)
def test_furniture_shapes(line: str, rule: str) -> None:
    assert boilerplate_rule(line, None) == rule


@pytest.mark.parametrize(
    "line",
    [
        # a story's source credit after a quote, an agency alone: body
        '"Kuncinya di TPS," ujar Deddy.(Antara/contoh.com)',
        "Honorable mention: Family and Consumer Sciences (Instagram)",
        "Informasi lengkap ada di situs resmi kementerian (kemenkes.go.id) sejak kemarin.",
        "Students should email Jane at jroe@example.edu for details.",
    ],
)
def test_near_misses_stay_body(line: str) -> None:
    assert boilerplate_rule(line, None) is None


def test_the_site_name_closed_by_a_full_stop_is_a_lead_in() -> None:
    article = _article(f"RMOLSumsel. {_STORY}\n\n{_MORE}", url="http://www.rmolsumsel.com/x")
    assert article.text.startswith("Pemerintah kota")
    # a name that is not the site's stays: "Jakarta. ..." opens no lead-in here
    other = _article(f"Sumsel. {_STORY}\n\n{_MORE}", url="http://www.rmolsumsel.com/x")
    assert other.text.startswith("Sumsel. Pemerintah")


def test_the_writers_name_alone_above_the_story_is_a_byline() -> None:
    article = _article(
        f"Lilis Khalisotussurur\n\n{_STORY}\n\n{_MORE}",
        author=["Lilis Khalisotussurur"],
        title="Kapitalisme menyusup",
    )
    assert article.authors == ("Lilis Khalisotussurur",)
    assert article.text.startswith("Pemerintah kota")
    assert "Lilis Khalisotussurur" in article.boilerplate


# row: a line that must leave the body (and go to ``boilerplate`` or ``captions``)
_REAL = {
    4971: "Ustaz Solmed (Galih W. Satria/bintang.com)",  # Bintang.com captions
    2646: "Lilis Khalisotussurur",  # Gresnews: the writer's name over the piece
    802: "Ryan Denham can be reached at",  # Illinois State: the contact line
    871: "YOU MAY ALSO LIKE",  # Brilio's widgets
}


@pytest.mark.parametrize("row", sorted(_REAL))
def test_real_dev_rows(row: int) -> None:
    article = structure(shared_rows(*MS)[row])
    line = _REAL[row]
    assert line not in article.text
    assert any(line in removed for removed in (*article.boilerplate, *article.captions))


def test_real_site_name_lead_in() -> None:
    article = structure(shared_rows(*MS)[1547])  # RMOL Sumsel
    assert article.text.startswith("Setelah mendengar keinginan")
