"""A big CSV file read as slices gives exactly the records of reading it whole.

A CSV record may span lines inside quotes, and the reader takes lines back after a stray quote,
so slices start only at boundaries the reader names while parsing the file (``split``), or
while counting it where it is read (``count``, for a driver that must not read it). Same records,
same order, same provenance (row and line numbers: the same ids), for any slice size: quoted
line breaks, stray quotes, blank lines, CRLF and lone CR, a BOM, bad bytes, NULs, wrong field
counts, a last line without a newline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import sources
from corpus.records import RawRecord, Rejected
from corpus.sources import ColumnMapper, Slice, read_file, read_slice, split
from tests.test_sources_slices import _file, _marks_hold, _sliced, _tile, _whole

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "news-id-2019"


def _where_read(f: sources.InputFile, target: int) -> list[Slice]:
    """The slices a driver that does not read the file gets (counted by ``count``)."""
    options = sources.ReadOptions()

    def each(pieces: list[Slice]) -> list[list[Slice]]:
        return [sources.count(p, target, options) for p in pieces]

    return sources.cut_where_read([f], target, options, each)


def _check(f: sources.InputFile, target: int) -> list[Slice]:
    """Slices of ``f`` tile the file, count its records, read as the whole file reads, and
    are the same however they are counted."""
    parts = split(f, target)
    whole = _whole(f)
    assert _sliced(parts) == whole
    assert _where_read(f, target) == parts
    _tile(f, parts, whole)
    _marks_hold(f, parts, whole)
    return parts


def _rows(n: int) -> list[str]:
    """``n`` records, each over two physical lines (a quoted paragraph break)."""
    body = 'Paragraf satu berita {0}.\nParagraf dua, dengan ""kutipan"" {0}.'
    return [f'Judul {i},"{body.format(i)}",https://contoh.id/{i}' for i in range(n)]


def _table(rows: int) -> str:
    return "\n".join(["judul,isi,url", *_rows(rows)]) + "\n"


@pytest.mark.parametrize("target", [1, 50, 333, 2_000, 10**9])
def test_slices_read_exactly_the_records_of_the_whole_file(tmp_path: Path, target: int) -> None:
    path = tmp_path / "wire.csv"
    path.write_text(_table(60), encoding="utf-8")
    f = _file(path)
    parts = _check(f, target)
    assert (len(parts) > 1) == (target < f.size)
    records = _sliced(parts)
    assert all(isinstance(r, RawRecord) for r in records) and len(records) == 60
    assert [r.provenance.line for r in records if isinstance(r, RawRecord)][:3] == [2, 4, 6]


def test_a_stray_quote_is_not_a_place_to_cut(tmp_path: Path) -> None:
    """The reader reads the lines after a stray quote twice: no slice starts among them, and
    the rejected line and the rows after it are what a whole read gives."""
    rows = _rows(30)
    rows[10] = 'Judul rusak,"kutipan tak ditutup,https://contoh.id/x'
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(["judul,isi,url", *rows]) + "\n", encoding="utf-8")
    f = _file(path)
    for target in (1, 40, 200):
        parts = _check(f, target)
        assert len(parts) > 2
    rejected = [r for r in _whole(f) if isinstance(r, Rejected)]
    assert [r.reason for r in rejected] == ["csv"]


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.sampled_from(
            [
                'a,"b",c',
                'satu,"dua\nbaris",tiga',
                'x,"tiga\n\nbaris ""kutip""",z',
                "",
                "   ",
                "tanpa,koma",
                'rusak,"tak ditutup,z',
                "p,q,r,s",
                "nul,\x00,z",
                "é,ü,ñ",
                '"mulai,"kutip,z',
                "a,b,c\r",
            ]
        ),
        max_size=40,
    ),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    bad_byte=st.booleans(),
    last_newline=st.booleans(),
    target=st.integers(1, 300),
)
def test_any_cut_gives_the_same_records(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[str],
    newline: str,
    bom: bool,
    bad_byte: bool,
    last_newline: bool,
    target: int,
) -> None:
    text = newline.join(["h1,h2,h3", *rows]) + (newline if last_newline else "")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    if bad_byte and rows:
        at = len(data) // 2
        data = data[:at] + b"\xff" + data[at:]
    path = tmp_path_factory.mktemp("csv") / "random.csv"
    path.write_bytes(data)
    _check(_file(path), target)


def test_single_byte_encodings_are_cut_and_utf16_is_read_whole(tmp_path: Path) -> None:
    text = _table(40).replace("Paragraf", "Paràgraf")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(text.encode("cp1252"))
    wide = tmp_path / "wide.csv"
    wide.write_bytes(text.encode("utf-16"))
    for path, codec, cut in ((latin, "cp1252", True), (wide, "utf-16", False)):
        f = _file(path)
        options = sources.ReadOptions(encoding=codec)
        parts = split(f, 300, options)
        assert (len(parts) > 1) == cut
        mapper = ColumnMapper({})
        whole = list(read_file(f, mapper, options))
        assert [r for s in parts for r in read_slice(s, mapper, options)] == whole
        assert all(isinstance(r, RawRecord) for r in whole) and len(whole) == 40
        marks = sources.Marks(1)
        assert list(read_file(f, mapper, options, marks)) == whole
        assert bool(marks.at) == cut  # UTF-16 is not entered mid-way
        _marks_hold(f, parts, whole, options)


def test_a_file_whose_header_cannot_be_read_is_one_whole_slice(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('"judul,isi\n' + "a,b\n" * 200, encoding="utf-8")
    f = _file(path)
    assert split(f, 100) == [Slice(f)] == _where_read(f, 100)
    (only,) = _sliced(split(f, 100))
    assert isinstance(only, Rejected) and only.reason == "csv_header"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not here")
def test_a_real_scraper_export_reads_the_same_in_slices() -> None:
    f = _file(SHARED / "tempo.csv")
    parts = _check(f, 1 << 20)
    assert len(parts) >= 8
    assert all(p.rows and p.rows > 100 for p in parts)
