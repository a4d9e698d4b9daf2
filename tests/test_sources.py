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
from tests.conftest import shared_path


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


# --------------------------------------------------------------------------- encodings

LATIN = "Harga café naik « tajam » di Jakarta – kata pedagang, résumé pasar"


def excel_csv(path: Path, encoding: str = "cp1252", rows: int = 12) -> Path:
    """A CSV as Excel on Windows writes it: cp1252 bytes, CRLF line ends."""
    lines = ["judul,isi,link"]
    lines += [f'Judul {i},"{LATIN} nomor {i}.",https://example.co.id/read/{i}' for i in range(rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_cp1252_csv_is_rejected_with_a_hint_under_utf8(tmp_path: Path) -> None:
    items = read(excel_csv(tmp_path / "excel.csv"))
    assert len(items) == 12 and all(isinstance(i, Rejected) for i in items)
    first = items[0]
    assert isinstance(first, Rejected) and first.reason == "decode"
    assert (first.source.path, first.source.row, first.source.line) == ("excel.csv", 1, 2)
    message = first.issues[0].message
    assert message.startswith("invalid UTF-8 at byte 18 of this row (0xe9)")
    assert "look like cp1252: rerun with --encoding cp1252" in message
    assert "\\xe9" in first.raw  # the undecodable byte kept, as text


@pytest.mark.parametrize("encoding", ["cp1252", "auto"])
def test_cp1252_csv_reads_with_the_encoding_named_or_detected(
    tmp_path: Path, encoding: str
) -> None:
    path = excel_csv(tmp_path / "excel.csv")
    files, _ = discover([path])
    items = list(sources.run(files, Config(encoding=encoding), Stats()))
    assert all(isinstance(i, RawRecord) for i in items) and len(items) == 12
    first = items[0]
    assert isinstance(first, RawRecord)
    assert first.fields["text"] == f"{LATIN} nomor 0."
    assert first.raw.endswith("\r\n")  # the row's own line, decoded
    assert first.provenance.sha256 == hashlib.sha256(first.raw.encode("cp1252")).hexdigest()


def test_per_file_encoding_from_corpus_toml(tmp_path: Path) -> None:
    from corpus.config import load_config

    excel_csv(tmp_path / "legacy.csv")
    (tmp_path / "new.jsonl").write_text(json.dumps({"text": LATIN}) + "\n", encoding="utf-8")
    toml = tmp_path / "corpus.toml"
    toml.write_text('[encodings]\n"legacy*.csv" = "windows-1252"\n', encoding="utf-8")
    cfg = load_config(toml)
    assert cfg.encodings == {"legacy*.csv": "cp1252"}
    files, _ = discover([tmp_path])
    items = list(sources.run(files, cfg, Stats()))
    assert all(isinstance(i, RawRecord) for i in items) and len(items) == 13


def test_unknown_encoding_is_a_config_error() -> None:
    from corpus.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown encoding 'klingon'"):
        Config(encoding="klingon")


def test_default_encoding_leaves_the_fingerprint_unchanged() -> None:
    assert Config(encoding="utf-8").fingerprint == Config().fingerprint
    assert Config(encoding="cp1252").fingerprint != Config().fingerprint


def test_utf16_text_is_read_when_named_and_explained_when_not(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("Berita dalam UTF-16 dari Windows.".encode("utf-16"))
    (item,) = read(path)
    assert isinstance(item, Rejected) and item.reason == "binary"
    assert "--encoding utf-16" in item.issues[0].message
    files, _ = discover([path])
    (record,) = list(sources.run(files, Config(encoding="utf-16"), Stats()))
    assert isinstance(record, RawRecord)
    assert record.fields["text"] == "Berita dalam UTF-16 dari Windows."


# --------------------------------------------------------------------------- columns


def test_url_column_inferred_from_content(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [
        {
            "headline": f"Gempa Magnitudo {i} Guncang Wilayah Selatan Jawa",
            "story": f"Gempa bumi nomor {i} mengguncang wilayah selatan Jawa pada Senin pagi. " * 5,
            "source_url": f"https://www.example.co.id/read/2024/03/0{i}/gempa",
            "image": f"https://cdn.example.co.id/img/{i}.jpg",
            "when": f"0{i}/03/2024 10:15",
            "tag": "gempa",
        }
        for i in range(1, 8)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (record, *_) = read(path)
    assert isinstance(record, RawRecord)
    assert record.fields["url"] == "https://www.example.co.id/read/2024/03/01/gempa"
    assert record.fields["text"].startswith("Gempa bumi nomor 1")
    assert record.fields["title"] == "Gempa Magnitudo 1 Guncang Wilayah Selatan Jawa"
    assert record.fields["published"] == "01/03/2024 10:15"
    assert record.extra == {"image": "https://cdn.example.co.id/img/1.jpg", "tag": "gempa"}
    files, _ = discover([path])
    (mapping,) = sources.mappings(files, Config())
    described = mapping.describe()
    assert "url <- source_url (inferred: 100% of 7 values are web addresses)" in described
    assert "text <- story (inferred: the longest values" in described
    assert "title <- headline (preset)" in described
    assert "kept in extra: image, tag" in described


def test_explicit_mapping_wins_over_inference(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    row = {"story": "Isi berita yang panjang sekali. " * 10, "source_url": "https://a.id/x"}
    path.write_text(json.dumps(row) + "\n")
    (record,) = read(path, {"text": "story", "url": "missing_column"})
    assert isinstance(record, RawRecord)
    # url is mapped explicitly (to a column this file lacks): inference does not override it
    assert "url" not in record.fields and record.extra == {"source_url": "https://a.id/x"}


def test_preset_names_are_not_sampled_again(mini: Path) -> None:
    files, _ = discover([mini / "portal.csv"])
    (mapping,) = sources.mappings(files, Config())
    assert all(role.how == "preset" for role in mapping.roles)
    assert [r.field for r in mapping.roles][:4] == ["text", "title", "url", "published"]


# --------------------------------------------------------------------------- CSV damage


def test_duplicate_header_keeps_rows_and_both_columns(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("title,text,title,title.1\nA,isi satu,B,C\nD,isi dua,E,F\n")
    items = read(path)
    assert [type(i) for i in items] == [RawRecord, RawRecord]
    first = items[0]
    assert isinstance(first, RawRecord)
    assert first.fields == {"title": "A", "text": "isi satu"}
    assert first.extra == {"title.2": "B", "title.1": "C"}


def test_one_nul_byte_rejects_only_its_row(tmp_path: Path) -> None:
    lines = ["title,text"] + [f'judul {i},"isi berita nomor {i}"' for i in range(100)]
    data = ("\n".join(lines) + "\n").encode()
    cut = data.index(b"nomor 7")
    path = tmp_path / "nul.csv"
    path.write_bytes(data[:cut] + b"\x00" + data[cut:])
    items = read(path)
    assert sum(isinstance(i, RawRecord) for i in items) == 99
    (bad,) = [i for i in items if isinstance(i, Rejected)]
    assert bad.reason == "binary" and (bad.source.path, bad.source.row) == ("nul.csv", 8)
    assert bad.issues[0].pointer == "/text"
    assert bad.issues[0].message == "a NUL byte in column 'text' (a damaged file)"
    assert bad.raw == 'judul 7,"isi berita \x00nomor 7"\n'


def test_a_quote_never_closed_loses_only_its_line(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(
        'title,text\nok,"fine text"\nbad,"never closed\nnext,"row three"\nlast,"row four"\n'
    )
    items = read(path)
    kinds = [(type(i).__name__, getattr(i, "reason", None)) for i in items]
    assert kinds == [("RawRecord", None), ("Rejected", "csv"), ("RawRecord", None)] * 1 + [
        ("RawRecord", None)
    ]
    bad = items[1]
    assert isinstance(bad, Rejected)
    assert (bad.source.row, bad.source.line, bad.raw) == (2, 3, 'bad,"never closed\n')
    assert "a quote opened on this line is never closed" in bad.issues[0].message
    assert [i.provenance.line for i in items if isinstance(i, RawRecord)] == [2, 4, 5]


def test_a_multiline_cell_is_still_one_row(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text('title,text\nA,"baris satu\nbaris dua, dengan koma"\nB,"lain"\n')
    items = read(path)
    assert [type(i) for i in items] == [RawRecord, RawRecord]
    assert items[0].fields["text"] == "baris satu\nbaris dua, dengan koma"  # type: ignore[union-attr]


def test_csv_reading_leaves_the_field_size_limit_alone(mini: Path) -> None:
    import csv

    before = csv.field_size_limit()
    read(mini / "portal.csv")
    assert csv.field_size_limit() == before


# --------------------------------------------------------------------------- JSON damage


def test_nan_and_infinity_leave_extra_strict_json(tmp_path: Path) -> None:
    path = tmp_path / "nan.jsonl"
    path.write_text('{"text": "isi", "score": NaN, "hi": Infinity, "lo": -Infinity}\n')
    (record,) = read(path)
    assert isinstance(record, RawRecord)
    assert record.extra == {"score": None, "hi": None, "lo": None}
    json.dumps(record.extra, allow_nan=False)  # raises on NaN: the point of the test
    assert "NaN" in record.raw  # the raw line stays as written


def test_deep_nesting_is_rejected_per_record(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "deep.json").write_text(deep)
    medium = {"text": "isi", "x": json.loads("[" * 150 + "]" * 150)}
    (tmp_path / "deep.jsonl").write_text(
        '{"text": ' + deep + "}\n" + json.dumps(medium) + '\n{"text": "baik"}\n'
    )
    items = read(tmp_path)
    by_file = [(i.source.path, i.source.row, i.reason) for i in items if isinstance(i, Rejected)]
    assert by_file == [
        ("deep.json", None, "too_deep"),
        ("deep.jsonl", 1, "too_deep"),
        ("deep.jsonl", 2, "too_deep"),
    ]
    assert "the limit is 100" in items[-2].issues[0].message  # type: ignore[union-attr]
    assert isinstance(items[-1], RawRecord) and items[-1].fields == {"text": "baik"}


def test_unpaired_surrogate_is_rejected_with_its_pointer(tmp_path: Path) -> None:
    path = tmp_path / "lone.json"
    path.write_text('[{"text": "ok", "meta": {"name": "x\\ud800y"}}, {"text": "baik"}]')
    bad, good = read(path)
    assert isinstance(bad, Rejected) and bad.reason == "decode"
    assert bad.issues[0].pointer == "/meta/name" and bad.source.row == 1
    bad.raw.encode("utf-8")  # storable
    assert isinstance(good, RawRecord)


# --------------------------------------------------------------------------- HTML lead text

LEAD_PAGE = """<!DOCTYPE html><html><head><title>Produsen Mobil China Masuk Indonesia</title>
<meta property="og:url" content="https://otomotif.example.co.id/read/2016/02/24/produsen">
</head><body><nav><a href="/">Beranda</a> <a href="/otomotif">Otomotif</a></nav>
<div class="article"><h1>Produsen Mobil China Masuk Indonesia</h1>
<div class="read"><br /><strong>Jakarta, Otomotif</strong> &ndash; Tahun depan, dua produsen otomotif
asal China mulai meramaikan industri otomotif Indonesia. Bahkan, satu di antaranya berinvestasi
Rp 9,2 triliun membangun pabrik di atas lahan seluas 30 hektar.<br /><br />Menanggapi kondisi itu,
ketua umum asosiasi mengatakan, semakin banyak merek baru yang masuk, semakin bagus.
<p>&ldquo;Masyarakat menjadi punya banyak pilihan dalam membeli mobil. Apalagi mereka membangun
pabrik dan harusnya ditiru oleh produsen lain,&rdquo; ungkapnya saat berbincang usai rapat umum
anggota asosiasi di Jakarta Pusat, Selasa (23/2/2016).</p>
<p>Menurut dia, produsen baru yang mendirikan pabrik di Indonesia sangat bagus. Sebab, selain
menguntungkan bagi pabrikan itu sendiri, pabrik bisa menyerap tenaga kerja lokal.</p>
<p>&ldquo;Otomatis kalau membangun pabrik, mereka membutuhkan tenaga kerja lokal. Persaingan juga
akan semakin ketat dengan adanya merek baru,&rdquo; katanya.</p></div></div>
<footer>Copyright 2016 Example Media</footer></body></html>"""


def test_html_lead_paragraph_outside_p_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "lead.html"
    page.write_text(LEAD_PAGE, encoding="utf-8")
    (record,) = read(page)
    assert isinstance(record, RawRecord)
    text = record.fields["text"]
    assert "Tahun depan, dua produsen otomotif" in text
    assert "Menanggapi kondisi itu" in text
    assert text.index("Tahun depan") < text.index("Menanggapi") < text.index("Masyarakat")
    # the class of problem: without wrapping loose text, trafilatura drops the lead
    from corpus.sources import html

    monkeypatch.setattr(html, "wrap_loose_text", lambda tree: 0)
    (without,) = read(page)
    assert isinstance(without, RawRecord) and "Tahun depan" not in without.fields["text"]


def test_html_lead_paragraph_on_the_real_page() -> None:
    page = shared_path("news-id-html", "kompas", "kompas-singlepage5.html")
    (record,) = read(page)
    assert isinstance(record, RawRecord)
    assert "Tahun depan, dua produsen otomotif asal China" in record.fields["text"]
    assert "Menanggapi kondisi itu, Ketua Umum Gaikindo" in record.fields["text"]


_BODY = "".join(
    f"<p>Paragraf {n} berita tentang banjir yang melanda kota pada pekan ini, kata warga.</p>"
    for n in range(8)
)


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        (  # schema.org microdata: the url of the page's article
            '<div itemscope itemtype="http://schema.org/NewsArticle">'
            '<a itemprop="url" href="https://example.id/berita/1/banjir"></a>{body}</div>',
            "https://example.id/berita/1/banjir",
        ),
        (  # a Facebook comments box names the page it is about
            '<div>{body}</div><fb:comments href="https://example.id/berita/2/banjir">'
            "</fb:comments>",
            "https://example.id/berita/2/banjir",
        ),
        (  # a person's url is not the page's
            '<div itemscope itemtype="http://schema.org/Person">'
            '<a itemprop="url" href="https://example.id/penulis/ani"></a></div><div>{body}</div>',
            None,
        ),
    ],
)
def test_html_page_address_without_a_canonical_link(
    tmp_path: Path, marker: str, expected: str | None
) -> None:
    page = tmp_path / "page.html"
    body = marker.format(body=_BODY)
    page.write_text(f"<html><head><title>Banjir</title></head><body>{body}</body></html>")
    (record,) = read(page)
    assert isinstance(record, RawRecord)
    assert record.fields.get("url") == expected


def test_html_page_address_on_real_pages_that_name_it_only_in_microdata() -> None:
    expected = json.loads(shared_path("news-id-html", "expected_from_tests.json").read_text())
    for n in ("", "2", "3", "4", "5"):
        rel = f"antara/antara-singlepage{n}.html"
        (record,) = read(shared_path("news-id-html", *rel.split("/")))
        assert isinstance(record, RawRecord)
        assert record.fields.get("url") == expected[rel]["url"], rel


def test_a_crawlers_language_label_is_kept_in_extra_not_rejected(tmp_path: Path) -> None:
    """news-ms style: a ``language`` column holding "INDONESIA" is the crawler's guess, not a
    code; by its name alone it must not reject the record (a --map to it still would)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = [{"text": "Isi berita yang cukup panjang.", "language": "INDONESIA"}]
    rows.append({"text": "Another story body here.", "language": "en"})
    (raw / "ms.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    stats = Stats()
    files, _ = sources.discover([raw])
    records = [r for r in sources.run(files, Config(), stats) if isinstance(r, RawRecord)]
    assert [r.fields.get("language") for r in records] == [None, "en"]
    assert records[0].extra == {"language": "INDONESIA"}
