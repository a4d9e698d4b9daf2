"""Credited people (issue 11): writers and editors from crawler author lists and the text.

Small texts of our own first, each a shape the rule must recognise (and one it must not); then
real rows of ``../shared/corpora/news-ms`` (ids only; the text is read from the shared folder and
the test skips when it is absent), all dev rows (``evals/structure/heldout.py`` does not hold them
out).
"""

from __future__ import annotations

from typing import Any

import pytest

from corpus.records import Provenance, RawRecord
from corpus.structure import is_person, structure
from tests.conftest import shared_rows

_STORY = (
    "Pemerintah kota mengumumkan jadwal baru untuk warga pada hari Senin, dan pejabat"
    " setempat meminta masyarakat untuk mengikuti aturan yang berlaku."
)
_MORE = "Jadwal itu berlaku mulai pekan depan di seluruh wilayah kota menurut keterangan resmi."


def record(text: str, **fields: Any) -> RawRecord:
    provenance = Provenance("sample.jsonl", 1, 1, "0" * 64, "jsonl")
    return RawRecord({"text": text, **fields}, {}, provenance, text)


def credits(text: str, **fields: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    article = structure(record(text, **fields))
    return article.authors, article.editors


# --------------------------------------------------------------------------- author columns


def test_a_role_after_the_name_is_cut_and_glued_copies_are_no_people() -> None:
    column = ["Dylan Montz Staff Writer Dmontz Amestrib.Com", "Dylan Montzstaff Writerdmontz X.Com"]
    assert credits(_STORY, author=column, url="http://www.amestrib.com/x") == (("Dylan Montz",), ())
    assert credits(_STORY, author=["Khairulanuar Yahaya Juruvideo"])[0] == ("Khairulanuar Yahaya",)
    # a role alone, or one word before it, is no name ("Non Koresponden")
    assert credits(_STORY, author=["Non Koresponden", "Reporter", "Editor"]) == ((), ())


def test_date_fragments_with_a_dash_are_no_people() -> None:
    column = ["Rully Ramli", "Selasa", "Oktober - Wib"]
    assert credits(_STORY, author=column)[0] == ("Rully Ramli",)
    assert not is_person("Juli -") and not is_person("- Detiknews")


def test_a_sentence_the_crawler_cut_at_commas_and_dan_stays_one_phrase() -> None:
    column = [
        "Zakky Bm",
        "Pandit Football Indonesia Mengkhususkan Pada Analisis Pertandingan Sepakbola",
        "Statistik Dan Liga",
        "Juga Sejarah Perkembangan Sepakbola Dan Evolusi Taktiknya",
    ]
    assert credits(_STORY, author=column)[0] == ("Zakky Bm",)
    # two full names joined by "Dan" are still two writers
    both = credits(_STORY, author=["Aqilah Mior Kamarul Baid Dan Laupa Junus"])[0]
    assert both == ("Aqilah Mior Kamarul Baid", "Laupa Junus")


@pytest.mark.parametrize(
    "name",
    [
        "Grahanusa Mediatama",  # a company: a word holding "media"
        "Perhimpunan Pelajar Indonesia",  # an association's head word
        "Dewan Muslimat Pas Malaysia",
        "Saudara Pengarang",  # a letter's "Dear Editor"
        "Portal Rasmi Fatwa Malaysia",
        "Associated Press",
    ],
)
def test_organisation_shapes_are_no_people(name: str) -> None:
    assert not is_person(name)


def test_an_outlet_whose_initials_spell_the_host_is_no_person() -> None:
    url = "https://www.dw.com/id/x/a-1"
    assert credits(_STORY, author=["Deutsche Welle", "Karin Jäger"], url=url)[0] == ("Karin Jäger",)
    # elsewhere the same two words may be a name
    assert is_person("Deutsche Welle")


def test_credit_words_before_a_name_go() -> None:
    assert credits(_STORY, author=["Susunan Hashnan Abdullah"])[0] == ("Hashnan Abdullah",)
    assert credits(_STORY, author=["Teks Dan Foto Mohd Sabri"])[0] == ("Mohd Sabri",)
    assert credits(_STORY, author=["Daripada Muhd Izawan Baharin"])[0] == ("Muhd Izawan Baharin",)


# --------------------------------------------------------------------------- writer and editor


def test_a_writer_the_text_credits_as_editor_keeps_both_roles() -> None:
    text = f"{_STORY}\n{_MORE}\nEditor : Anton Suhartono"
    assert credits(text, author=["Anton Suhartono"]) == (("Anton Suhartono",), ("Anton Suhartono",))


def test_a_wire_story_s_column_name_credited_as_editor_is_the_editor_only() -> None:
    text = f"{_STORY}\n{_MORE}\nSumber : Reuters\nEditor: Hasbi Maulana"
    column = ["Grahanusa Mediatama", "Hasbi Maulana"]
    assert credits(text, author=column) == ((), ("Hasbi Maulana",))


def test_a_joint_reporter_editor_credit_names_both() -> None:
    article = structure(record(f"{_STORY}\n{_MORE}\nReporter/Editor: Budi Sugiharto"))
    assert (article.authors, article.editors) == (("Budi Sugiharto",), ("Budi Sugiharto",))
    assert "Reporter/Editor: Budi Sugiharto" in article.boilerplate
    assert "Budi" not in article.text


def test_a_credit_sharing_the_date_line_is_the_writer() -> None:
    text = f"Judul Berita\nSabtu, 26 November 2016 | 15:55 WIB | Penulis: Dera\n{_STORY}\n{_MORE}"
    article = structure(record(text, title="Judul Berita"))
    assert article.authors == ("Dera",)
    assert article.published_at == "2016-11-26T15:55:00+07:00"
    assert "Penulis: Dera" in article.boilerplate


def test_a_closing_writer_editor_credit_in_brackets() -> None:
    text = f"{_STORY}\n{_MORE} (Syamsul Hadi/Abdullah Alawi)"
    article = structure(record(text))
    assert (article.authors, article.editors) == (("Syamsul Hadi",), ("Abdullah Alawi",))
    assert article.text.endswith("resmi.")
    # sources in brackets are no people
    assert credits(f"{_STORY}\n{_MORE} (Reuters/AFP)") == ((), ())


def test_a_title_case_writer_note_names_the_writer() -> None:
    note = "M. Fakhru Riza, penulis adalah pegiat di Islami Institute Jogja."
    article = structure(record(f"{_STORY}\n{_MORE}\n{note}", author=["Redaksi Arrahmah.Co.Id"]))
    assert article.authors == ("M. Fakhru Riza",)
    assert "penulis adalah" not in article.text
    # a report about a writer is no note ("X, penulis buku itu, berkata ...")
    said = "Budi Santoso, penulis adalah orang yang berkata jujur, katanya kemarin."
    assert structure(record(f"{_STORY}\n{_MORE}\n{said}")).authors == ()


def test_a_source_credit_naming_a_person_credits_a_writer() -> None:
    article = structure(record(f"{_STORY}\n{_MORE}\nSumber: Tommy Abdullah", author=["Ari Cahya"]))
    assert article.authors == ("Ari Cahya", "Tommy Abdullah")
    article = structure(record(f"{_STORY}\n{_MORE}\nSumber: Reuters", author=["Ari Cahya"]))
    assert article.authors == ("Ari Cahya",) and "Reuters" in article.cited_sources


# --------------------------------------------------------------------------- real rows

_MS_FILE = "malay_news_2013_2018.jsonl.gz"


def _news_ms() -> dict[int, RawRecord]:
    return shared_rows("news-ms", _MS_FILE)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("row", "authors", "editors"),
    [
        (4953, ("Dylan Montz",), ()),  # "Dylan Montz Staff Writer Dmontz Amestrib.Com"
        (2447, ("Rully Ramli",), ("Anton Suhartono",)),  # "Oktober - Wib" in the column
        (2566, ("Zakky Bm",), ()),  # a bio cut at commas and "Dan"
        (4892, (), ()),  # "Deutsche Welle" on dw.com
        (2184, ("Michelle Clysia Sabandar",), ("Dupla Kartini",)),  # "Grahanusa Mediatama"
        (5131, (), ("Hasbi Maulana",)),  # "Sumber : Reuters", "Editor: Hasbi Maulana"
        (2520, ("Anton Suhartono",), ("Anton Suhartono",)),  # writer and editor
        (5288, ("Budi Sugiharto",), ("Budi Sugiharto",)),  # "Reporter/Editor: ..."
        (2471, ("Syamsul Hadi",), ("Abdullah Alawi",)),  # "(Syamsul Hadi/Abdullah Alawi)"
        (2563, ("M. Fakhru Riza",), ()),  # "M. Fakhru Riza, penulis adalah ..."
        (4893, ("Dera",), ()),  # "... | 15:55 WIB | Penulis: Dera"
        (3088, ("Ari Cahya Pujianto", "Tommy Abdullah"), ()),  # "Sumber: Tommy Abdullah"
    ],
)
def test_people_on_real_rows(row: int, authors: tuple[str, ...], editors: tuple[str, ...]) -> None:
    article = structure(_news_ms()[row])
    assert (article.authors, article.editors) == (authors, editors)
