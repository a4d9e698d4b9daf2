"""The held-out marker eval (evals/structure/markers.py) and the generic rules its dev files
showed missing: "(Baca: <Headline>)" asides, "Baca juga, ..." lines, "Cek ... Google News"
prompts, "Loading..." placeholders; each on fixtures of ours and on real dev rows."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from corpus.boilerplate import RuleSet
from corpus.records import Provenance, RawRecord
from corpus.structure import load_profiles, structure_with
from corpus.structure.profiles import PROFILES_ENV
from tests.conftest import DATA, shared_rows

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evals" / "structure"))
import markers

FIXTURES = [
    json.loads(line)
    for line in (DATA / "markers" / "furniture.jsonl").read_text(encoding="utf-8").splitlines()
]


def record(text: str) -> RawRecord:
    provenance = Provenance("sample.jsonl", 1, 1, "0" * 64, "jsonl")
    return RawRecord({"text": text, "title": "Sebuah Judul Berita Hari Ini"}, {}, provenance, text)


def no_profile(rec: RawRecord) -> Any:
    """Structured as an unknown publisher's record: no profile, no reviewed rules."""
    return structure_with(rec, (), RuleSet())


# --------------------------------------------------------------------------- the rules


@pytest.mark.parametrize("case", FIXTURES, ids=[c["case"] for c in FIXTURES])
def test_generic_furniture_fixtures(case: dict[str, Any]) -> None:
    article = no_profile(record(case["text"]))
    assert case["kept"] in article.text
    if case["removed"] is None:
        assert not article.boilerplate
    else:
        assert case["removed"] not in article.text
        assert case["removed"] in article.boilerplate
    # nothing lost: every body and boilerplate character of the raw text is kept somewhere
    kept = article.text + "".join(article.boilerplate)
    assert len("".join(kept.split())) >= len("".join(case["text"].split())) - 2


#: Real dev rows (news-ms outlets Katadata, Republika, Tempo, Jurnal Politik; Bisnis): the
#: furniture the no-profile ingest left, and a sentence near it that must stay.
REAL = [
    (
        "news-ms",
        "malay_news_2013_2018.jsonl.gz",
        1470,
        "(Baca: Cukai Plastik Membelah Dua Menteri)",
    ),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 4218, "(Baca : Indonesia Perjuangkan Isu"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 3156, "(Baca: MUI Kota Tangerang Serukan"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 2498, "(Baca: Imigran Usiran Australia"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 2651, "Baca juga, Pemerintah Ingatkan Paham"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 3106, "Baca juga, Ini Pernyataan Manny"),
    ("news-ms", "malay_news_2013_2018.jsonl.gz", 4364, "Loading..."),
    ("news-id-more", "bisnis-2025/bisnis_2025.json", 15, "Cek Berita dan Artikel yang lain"),
    ("news-id-more", "bisnis-2025/bisnis_2025.json", 37, "Cek Berita dan Artikel yang lain"),
]


@pytest.mark.parametrize(("corpus", "relpath", "row", "furniture"), REAL)
def test_real_dev_rows_lose_their_furniture(
    corpus: str, relpath: str, row: int, furniture: str
) -> None:
    rec = shared_rows(corpus, relpath)[row]
    raw = str(rec.fields["text"])
    assert furniture in raw
    article = no_profile(rec)
    assert furniture not in article.text
    assert any(furniture in line for line in article.boilerplate)
    assert len(article.text) > 0.5 * len(raw)  # the story stays


def test_the_read_as_idiom_stays_in_a_real_row() -> None:
    """Malaysiakini's "(baca:Malaysia)" = "that is, Malaysia": a sentence's word, not a link."""
    rec = shared_rows("news-ms", "malay_news_2013_2018.jsonl.gz")[776]
    assert "(baca:Malaysia)" in no_profile(rec).text


# --------------------------------------------------------------------------- the eval


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Isi berita.\n\nBaca juga: Judul Lain\n\nLanjutan.", {"read_more"}),
        (
            "Isi berita. ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT Lanjut.",
            {"advertisement", "scroll"},
        ),
        ("Kata dia.\n\nA- A+ (Ubah saiz teks)", {"font_widget"}),
        ("Kenyataan itu dibuat semalam. - UTUSAN ONLINE", {"sign_off"}),
        ("Liputan6.com, Jakarta - Harga naik.", {"lead_in"}),
        ("Harga naik di pasar.(dil/jpnn)", {"end_code"}),
        (
            "Isi.\n\nPewarta: Budi\nEditor: Ani\nCOPYRIGHT © ANTARA 2023",
            {"credit_label", "copyright"},
        ),
        # quoted inside a sentence: no furniture
        ("Iklan itu berbunyi advertisement untuk produk baru, kata dia.", set()),
        ("Ia membaca juga buku lain dan lihat juga film dokumenter.", set()),
        ("Pemerintah memberi hak cipta kepada pencipta lagu.", set()),
    ],
)
def test_markers_match_furniture_not_quotes(text: str, names: set[str]) -> None:
    assert {name for name, _ in markers.markers_in(text)} == names


def test_raw_days_reads_each_form() -> None:
    assert markers.raw_days("2023-11-12T14:43:03+07:00", None) == {"2023-11-12"}
    assert markers.raw_days("2025/07/02 13:30:42", None) == {"2025-07-02"}
    assert markers.raw_days("Rabu, 17 November 2021 - 17:45 WIB", None) == {"2021-11-17"}
    assert markers.raw_days("Agustus 02, 2019", None) == {"2019-08-02"}
    assert markers.raw_days("10-Sep-19", None) == {"2019-09-10"}
    assert markers.raw_days("10/07/2025 20:43", "mdy") == {"2025-10-07"}
    assert markers.raw_days("10/07/2025 20:43", None) == {"2025-10-07", "2025-07-10"}
    assert markers.raw_days("null", None) == set()


def test_numeric_order_from_the_whole_column() -> None:
    assert markers.numeric_order(["10/07/2025", "13/07/2025"]) == "dmy"
    assert markers.numeric_order(["10/07/2025", "07/13/2025"]) == "mdy"
    assert markers.numeric_order(["10/07/2025", "01/02/2025"]) is None


def test_split_is_a_fixed_hash_of_the_file_name() -> None:
    assert markers.split_of("news-id-2019/tempo.csv") == "dev"
    assert markers.split_of("news-id-2019/kompas.csv") == "test"
    assert markers.split_of("news-ms/utusan-malaysia.jsonl") == "dev"


def test_gate_names_each_missed_target() -> None:
    files = [markers.FileScore("a", "test", accepted=100, with_marker=10, date_wrong=1)]
    files[0].title_expected, files[0].title_found = 100, 98
    files[0].url_expected = 5
    fails = markers.gate(markers.summary(files))
    assert len(fails) == 5
    ok = [markers.FileScore("b", "test", accepted=100, with_marker=1)]
    assert markers.gate(markers.summary(ok)) == []


def test_profiles_switch_turns_every_shipped_profile_off(monkeypatch: pytest.MonkeyPatch) -> None:
    load_profiles.cache_clear()
    monkeypatch.setenv(PROFILES_ENV, "off")
    try:
        assert load_profiles() == ()
    finally:
        load_profiles.cache_clear()
    monkeypatch.delenv(PROFILES_ENV)
    assert len(load_profiles()) >= 17


@pytest.mark.parametrize(
    ("row", "dateline", "starts"),
    [
        (1735, "Jakarta", "Badan Metereologi"),  # a direction mark after the comma
        (1772, None, "Kemunculan dan bertahannya"),  # the site's name, a comma, the story
        (2656, None, "Hari ini pada 1889"),
    ],
)
def test_upper_case_site_name_lead_in_on_real_dev_rows(
    row: int, dateline: str | None, starts: str
) -> None:
    """Republika's lead-ins with no shipped profile (news-ms dev file republika-online)."""
    rec = shared_rows("news-ms", "malay_news_2013_2018.jsonl.gz")[row]
    assert "REPUBLIKA.CO.ID," in str(rec.fields["text"])
    article = no_profile(rec)
    assert article.text.startswith(starts)
    assert article.dateline == dateline


def test_upper_case_site_name_lead_in_needs_capitals() -> None:
    """A body opening with a site in lower case and a comma is a sentence: it stays."""
    text = "Tokopedia.com, salah satu pasar daring terbesar, mencatat lonjakan transaksi.\n\nIsi."
    assert no_profile(record(text)).text.startswith("Tokopedia.com, salah satu")
    caps = "KOMPAS.COM, Harga beras naik lagi di pasar induk pekan ini.\n\nPedagang mengeluh."
    assert no_profile(record(caps)).text.startswith("Harga beras naik")
