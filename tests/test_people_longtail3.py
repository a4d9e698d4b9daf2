"""Credited people and datelines, sixth pass of issue 11 (rules written on the third long-tail
draw's dev tier, ``evals/structure/gold/news-ms-longtail3-dev.jsonl``).

Small records of our own first (``tests/data/people_shapes.jsonl``: one shape per line, some the
rule must recognise and some it must leave alone); then real dev rows of
``../shared/corpora/news-ms`` (ids only; the text is read from the shared folder and the test
skips when it is absent).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus.records import Provenance, RawRecord
from corpus.structure import structure
from tests.conftest import shared_rows

SHAPES = Path(__file__).parent / "data" / "people_shapes.jsonl"
MS = ("news-ms", "malay_news_2013_2018.jsonl.gz")


def _shapes() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SHAPES.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", _shapes(), ids=lambda c: c["case"][:50])
def test_people_shapes(case: dict[str, Any]) -> None:
    fields = {"text": case["text"], "author": case["author"]}
    fields |= {key: case[key] for key in ("url", "title") if key in case}
    provenance = Provenance("sample.jsonl", 1, 1, "0" * 64, "jsonl")
    article = structure(RawRecord(fields, {}, provenance, case["text"]))
    assert list(article.authors) == case["authors"]
    assert list(article.editors) == case.get("editors", [])
    if "dateline" in case:
        assert article.dateline == case["dateline"]
    if "initials" in case:
        assert list(article.editor_initials) == case["initials"]
    # whatever the credit was, the story's sentences stay in the body, and the credits go
    assert "Jadwal itu berlaku" in article.text or "Istana Merdeka" in article.text
    assert not {"EDITOR", "TAGS", "Adi Sunaryo"} & set(article.text.split("\n\n"))


# row: (authors, editors, dateline or None, a credit line that must leave the body or None)
_REAL: dict[int, tuple[tuple[str, ...], tuple[str, ...], str | None, str | None]] = {
    1082: (("Samantha Khor",), (), None, None),  # SAYS: the writer's bio split into names
    871: (("Eko Wahyu Putradinata",), (), None, "Eko Wahyu Putradinata 03 November 2017 16:34"),
    4067: (("Stephanus Aranditio",), ("Andiarsa Nata",), None, "| Andiarsa Nata Selasa"),
    1196: (("Ainur Rohman",), (), "MOSKOW", "AINUR ROHMAN, Moskow"),  # Radar Bogor (Jawa Pos)
    2299: (("Yendhi",), (), "JAKARTA", "(Yendhi/b)"),  # Pos Kota
    4357: (("Mia Fahrani",), ("Mia Fahrani",), None, "Wartawan: Mia Fahrani"),  # Galamedia
    4727: (("Arthur Rompis",), (), "MANADO", None),  # "Tribun Manado Arthur Rompis"
    # Lampost (a row of the first long-tail split, a dev split): the header's writer and
    # affiliation, the "EDITOR" / name credit over "TAGS" / "KOMENTAR"
    4821: (("Fuad Fachruddin",), ("Adi Sunaryo",), None, "Divisi Penjaminan Mutu"),
}


@pytest.mark.parametrize("row", sorted(_REAL))
def test_real_dev_rows(row: int) -> None:
    record = shared_rows(*MS)[row]
    article = structure(record)
    authors, editors, dateline, credit = _REAL[row]
    assert article.authors == authors
    assert article.editors == editors
    assert article.dateline == dateline
    if credit is not None:
        assert credit not in article.text
        assert any(credit in line for line in article.boilerplate)
