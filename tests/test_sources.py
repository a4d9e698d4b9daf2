from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus import sources, validate
from corpus.config import Config
from corpus.errors import InputError
from corpus.records import RawRecord, Rejected
from corpus.sources import ColumnMapper, discover, read_file
from corpus.stats import Stats


def read(path: Path, column_map: dict[str, str] | None = None) -> list[RawRecord | Rejected]:
    files, _ = discover([path])
    mapper = ColumnMapper(column_map or {})
    return [item for f in files for item in read_file(f, mapper)]


def test_discover_walks_sorted_skips_unsupported_and_hidden(mini: Path) -> None:
    (mini / ".hidden.csv").write_text("text\nx\n")
    (mini / "sub").mkdir()
    (mini / "sub" / "more.jsonl.gz").write_bytes(gzip.compress(b'{"text": "x"}\n'))
    files, skipped = discover([mini])
    assert [f.relpath for f in files] == [
        "gempa.txt",
        "portal.csv",
        "sub/more.jsonl.gz",
        "wire.jsonl",
    ]
    assert files[2].format == "jsonl" and files[2].compressed
    assert [(s.relpath, s.reason) for s in skipped] == [
        (".hidden.csv", "hidden file (its name starts with '.')"),
        ("notes.md", "unsupported file type .md"),
    ]


def test_discover_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        discover([tmp_path / "nope"])


def test_csv_columns_auto_map_and_unknown_columns_are_kept(mini: Path) -> None:
    records = read(mini / "portal.csv")
    first = records[0]
    assert isinstance(first, RawRecord)
    assert first.fields["title"] == "Harga Cabai Naik Jelang Lebaran"
    assert first.fields["text"].startswith("JAKARTA - Harga cabai")
    assert first.fields["published"] == "Rabu, 17 November 2021 - 17:45 WIB"
    assert first.fields["author"] == "Budi Santoso"
    assert first.fields["source"] == "example.co.id"
    assert first.extra == {"rating": "5"}
    assert first.provenance.path == "portal.csv"
    assert (first.provenance.row, first.provenance.line) == (1, 2)
    # the second record starts after the first one's two physical lines
    assert (records[1].provenance.row, records[1].provenance.line) == (2, 4)
    assert first.provenance.sha256 == hashlib.sha256(first.raw.encode()).hexdigest()
    assert "text" not in records[2].fields  # an empty cell is an absent field


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Judul", "title"),
        ("judul", "title"),
        ("isi", "text"),
        ("Isi", "text"),
        ("content", "text"),
        ("body", "text"),
        ("Link", "url"),
        ("Tanggal", "published"),
        ("tanggal_publikasi", "published"),
        ("penulis", "author"),
        ("Sumber", "source"),
        ("Kategori", "category"),
        ("sub-category", "subcategory"),
    ],
)
def test_preset_column_names(header: str, field: str) -> None:
    assert ColumnMapper({}).mapping([header]) == {header: field}


def test_explicit_mapping_wins_and_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("\ufeffheadline,title,story\nH,T,Body text here\n", encoding="utf-8")
    (record,) = read(path, {"title": "headline", "text": "story"})
    assert isinstance(record, RawRecord)
    assert record.fields == {"title": "H", "text": "Body text here"}
    assert record.extra == {"title": "T"}


def test_txt_is_one_article_with_file_hash(mini: Path) -> None:
    (record,) = read(mini / "gempa.txt")
    assert isinstance(record, RawRecord)
    assert record.fields["text"].startswith("Gempa Magnitudo")
    assert record.provenance.sha256 == hashlib.sha256((mini / "gempa.txt").read_bytes()).hexdigest()
    assert record.provenance.format == "txt"


def test_jsonl_bad_lines_are_rejected_with_reasons(mini: Path) -> None:
    items = read(mini / "wire.jsonl")
    assert [type(i).__name__ for i in items] == ["RawRecord"] * 3 + ["Rejected"] * 2
    assert [i.reason for i in items if isinstance(i, Rejected)] == ["not_object", "json"]
    broken = items[-1]
    assert isinstance(broken, Rejected)
    assert broken.source.line == 5 and broken.raw.startswith('{"title": "broken json"')
    assert "not valid JSON" in broken.issues[0].message


def test_json_object_and_array(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"judul": "A", "isi": "Teks"}))
    (tmp_path / "many.json").write_text(json.dumps([{"text": "a"}, 3, {"text": "b"}]))
    many = read(tmp_path / "many.json")
    assert [type(i).__name__ for i in many] == ["RawRecord", "Rejected", "RawRecord"]
    assert [i.source.row if isinstance(i, Rejected) else i.provenance.row for i in many] == [
        1,
        2,
        3,
    ]
    (one,) = read(tmp_path / "one.json")
    assert isinstance(one, RawRecord) and one.fields == {"title": "A", "text": "Teks"}


@pytest.mark.parametrize("name", ["portal.csv", "wire.jsonl", "gempa.txt"])
def test_gzip_reads_the_same_records(mini: Path, tmp_path: Path, name: str) -> None:
    plain = read(mini / name)
    packed = tmp_path / (name + ".gz")
    packed.write_bytes(gzip.compress((mini / name).read_bytes()))
    zipped = read(packed)
    assert [getattr(i, "fields", None) for i in zipped] == [
        getattr(i, "fields", None) for i in plain
    ]


def test_file_level_problems_are_one_reject_each(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    (tmp_path / "header_only.csv").write_text("title,text\n")
    (tmp_path / "truncated.jsonl.gz").write_bytes(gzip.compress(b'{"text": "a"}\n' * 50)[:-12])
    reasons = {i.source.path: i.reason for i in read(tmp_path) if isinstance(i, Rejected)}
    assert reasons == {
        "empty.txt": "empty_file",
        "binary.csv": "binary",
        "header_only.csv": "no_records",
        "truncated.jsonl.gz": "unreadable",
    }


def test_invalid_utf8_and_broken_quoting_reject_only_their_rows(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(
        b"title,text\n"
        b'ok,"fine text"\n'
        b'bad,"caf\xe9 latin-1"\n'
        b'quote,"unterminated "x" here\n'
        b'also ok,"more text"\n'
    )
    items = read(path)
    kinds = [(type(i).__name__, getattr(i, "reason", None)) for i in items]
    assert kinds[0] == ("RawRecord", None)
    assert ("Rejected", "decode") in kinds
    assert any(k == ("Rejected", "csv") for k in kinds)
    decode = next(i for i in items if isinstance(i, Rejected) and i.reason == "decode")
    assert "\\xe9" in decode.raw and decode.source.line == 3


def test_invalid_utf8_in_txt_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Berita café".encode("latin-1"))
    (item,) = read(tmp_path / "latin.txt")
    assert isinstance(item, Rejected) and item.reason == "decode"
    assert "invalid UTF-8 at byte 10" in item.issues[0].message


def test_a_50_mb_line_is_rejected_by_validation_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    path.write_text(
        json.dumps({"text": "a" * 50_000_000}) + "\n" + json.dumps({"text": "ok"}) + "\n"
    )
    stats = Stats()
    files, _ = discover([path])
    items = list(validate.run(sources.run(files, Config(), stats), Config(), stats))
    assert isinstance(items[0], Rejected) and isinstance(items[1], RawRecord)
    assert items[0].issues[0].pointer == "/text"
    assert items[0].issues[0].message == "is 50,000,000 characters long; the maximum is 1,000,000"


FORMATS = st.sampled_from(["x.txt", "x.csv", "x.jsonl", "x.json", "x.csv.gz"])


@given(name=FORMATS, data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_and_every_record_is_accounted(
    tmp_path_factory: pytest.TempPathFactory, name: str, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    stats = Stats()
    files, _ = discover([path])
    out = list(validate.run(sources.run(files, Config(), stats), Config(), stats))
    assert out, "every file yields at least one record or reject"
    assert all(isinstance(i, RawRecord | Rejected) for i in out)
    assert stats.get("read", "records") == len(out)
    assert stats.get("validate", "valid") == sum(isinstance(i, RawRecord) for i in out)


cells = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)


@given(
    rows=st.lists(
        st.dictionaries(
            st.sampled_from(["judul", "isi", "url", "x", "tanggal"]),
            cells | st.integers() | st.none(),
        ),
        max_size=8,
    )
)
def test_arbitrary_jsonl_rows_validate_or_reject(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, object]]
) -> None:
    path = tmp_path_factory.mktemp("rows") / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) or "\n")
    stats = Stats()
    files, _ = discover([path])
    out = list(validate.run(sources.run(files, Config(), stats), Config(), stats))
    assert len(out) == max(len(rows), 1)
    for row, item in zip(rows, out, strict=False):
        text = row.get("isi")
        valid_text = isinstance(text, str) and text.strip() != ""
        if not valid_text:
            assert isinstance(item, Rejected)


# --------------------------------------------------------------------------- HTML pages

HTML_DIR = Path(__file__).parent / "data" / "html"


def test_html_page_is_one_article_with_metadata() -> None:
    from corpus.structure import structure

    files, skipped = discover([HTML_DIR])
    assert [(f.relpath, f.format) for f in files] == [("berita.html", "html")]
    assert skipped == []
    (item,) = list(sources.run(files, Config(), Stats()))
    assert isinstance(item, RawRecord)
    fields = item.fields
    assert fields["title"] == "Banjir Rob Rendam Pesisir Semarang"  # no " - Kompas.com" suffix
    assert fields["url"].startswith("https://regional.kompas.com/read/2024/03/05/")
    assert fields["author"] == "Sari Wulandari"
    # the page's own date line (its zone), with the meta tag's seconds
    assert fields["published"] == "2024-03-05T10:15:00+07:00"
    assert "Beranda" not in fields["text"] and "Copyright" not in fields["text"]
    assert item.provenance.format == "html"
    assert (
        item.provenance.sha256
        == hashlib.sha256((HTML_DIR / "berita.html").read_bytes()).hexdigest()
    )
    assert item.raw.startswith("<!DOCTYPE html>")

    article = structure(item)  # then the same plain-text rules as any other source
    assert article.publisher == "Kompas.com"
    assert article.published_at == "2024-03-05T10:15:00+07:00"
    assert article.dateline == "SEMARANG"
    assert article.text.startswith("Banjir rob kembali merendam permukiman warga")
    assert article.text.endswith("menyiagakan pompa air di titik-titik rawan.")
    assert article.boilerplate == (
        "Baca juga: Tanggul Laut Semarang Ditargetkan Rampung Tahun Depan",
    )


def test_html_page_without_main_text_is_rejected(tmp_path: Path) -> None:
    page = tmp_path / "kosong.htm"
    page.write_text(
        "<html><head><title>x</title></head><body><script>var a;</script></body></html>"
    )
    files, _ = discover([page])
    (item,) = list(sources.run(files, Config(), Stats()))
    assert isinstance(item, Rejected)
    assert item.reason == "no_main_text"
    assert item.raw.startswith("<html>")
