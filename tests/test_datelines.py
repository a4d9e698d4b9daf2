"""Datelines on publishers no profile knows (issue 11): a place and the site's name on a line of
their own, an upper-case place closed by a full stop after an outlet's lead-in, a place's
lead-in below a photo's caption; and what is no dateline (an interview's "Name: " labels).

Small texts of our own, then real dev rows of ``../shared/corpora/news-ms`` (ids only; skipped
when the shared folder is absent).
"""

from __future__ import annotations

from typing import Any

import pytest

from corpus.records import Provenance, RawRecord
from corpus.structure import structure
from tests.conftest import shared_rows

_STORY = (
    "Pengurus cabang menggelar konferensi pada awal bulan lalu dan memilih kepengurusan baru"
    " untuk masa khidmat dua tahun ke depan."
)
_MORE = "Konferensi itu dihadiri oleh dua puluh lima peserta dari berbagai negara bagian."


def record(text: str, **fields: Any) -> RawRecord:
    provenance = Provenance("sample.jsonl", 1, 1, "0" * 64, "jsonl")
    return RawRecord({"text": text, **fields}, {}, provenance, text)


def test_a_place_and_the_site_s_name_on_their_own_line() -> None:
    url = "http://www.nu.or.id/post/read/1/x"
    article = structure(record(f"Adelaide, NU Online\n{_STORY}\n{_MORE}", url=url))
    assert article.dateline == "Adelaide"
    assert article.text.startswith("Pengurus cabang")
    # another site's name is no lead-in of this one; nor is a short line of two places
    other = structure(record(f"Adelaide, Kompas Online\n{_STORY}\n{_MORE}", url=url))
    assert other.dateline is None
    places = structure(record(f"Jakarta, Bandung\n{_STORY}\n{_MORE}", url=url))
    assert places.dateline is None


def test_an_upper_case_place_closed_by_a_full_stop_after_an_outlet() -> None:
    text = f"KONTAN.CO.ID - NEW YORK. Saham AS jatuh pada hari Rabu.\n{_STORY}"
    article = structure(record(text, url="https://investasi.kontan.co.id/news/x"))
    assert article.dateline == "NEW YORK"
    assert article.text.startswith("Saham AS jatuh")


def test_a_place_s_lead_in_below_a_caption() -> None:
    text = f"Ilustrasi air (foto: Liputan6)\nJakarta - {_STORY}\n{_MORE}"
    article = structure(record(text, url="http://www.jurnas.com/artikel/1/x/"))
    assert article.dateline == "Jakarta"
    assert article.text.startswith("Pengurus cabang")


def test_an_interview_s_labels_are_no_dateline() -> None:
    question = "DW: Dalam buku Anda, Anda menulis tentang kebijakan itu. Bagaimana kebijakannya?"
    answer = f"David Motadel: {_STORY}"
    article = structure(record(f"{question}\n{answer}\n{_MORE}", url="https://www.dw.com/id/x"))
    assert article.dateline is None
    assert "David Motadel" in article.text


_MS_FILE = "malay_news_2013_2018.jsonl.gz"


def _news_ms() -> dict[int, RawRecord]:
    return shared_rows("news-ms", _MS_FILE)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("row", "dateline"),
    [
        (2471, "Adelaide"),  # "Adelaide, NU Online"
        (4201, "Jakarta"),  # "Jakarta, NU Online"
        (5131, "NEW YORK"),  # "KONTAN.CO.ID - NEW YORK. Saham ..."
        (676, "Jakarta"),  # "Ilustrasi air (foto: Liputan6)" then "Jakarta - ..."
        (1739, None),  # "DW: ...?" then "David Motadel: ...": an interview
    ],
)
def test_datelines_on_real_rows(row: int, dateline: str | None) -> None:
    assert structure(_news_ms()[row]).dateline == dateline
