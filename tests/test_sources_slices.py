"""A big JSONL file read as slices gives exactly the records of reading it whole.

Same records, same order, same provenance (row and line numbers, hence the same ids), for any
slice size, wherever the cuts and the scanner's chunk ends fall: blank and whitespace-only
lines, CRLF, a BOM, a last line without a newline, bad lines, a line over the record limit.
"""

from __future__ import annotations

import errno
import gzip
import io
import itertools
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import sources
from corpus.errors import InputError
from corpus.records import RawRecord, Rejected
from corpus.sources import (
    ColumnMapper,
    Slice,
    count_slice,
    number_slices,
    read_file,
    read_slice,
    slices,
    split,
)
from corpus.sources.formats import csv
from corpus.sources.limits import MAX_RECORD_BYTES


def _file(path: Path) -> sources.InputFile:
    (found,), _ = sources.discover([path])
    return found


def _whole(f: sources.InputFile) -> list[RawRecord | Rejected]:
    return list(read_file(f, ColumnMapper({})))


def _sliced(parts: list[Slice]) -> list[RawRecord | Rejected]:
    return [r for s in parts for r in read_slice(s, ColumnMapper({}))]


def _check(f: sources.InputFile, target: int) -> list[Slice]:
    """Slices of ``f`` tile the file, count its records, and read as the whole file reads;
    the marks noted while reading it, whole or in slices, are places to start reading."""
    parts = split(f, target)
    whole = _whole(f)
    assert _sliced(parts) == whole
    _tile(f, parts, whole)
    _marks_hold(f, parts, whole)
    return parts


def _marks_hold(
    f: sources.InputFile,
    parts: list[Slice],
    whole: list[RawRecord | Rejected],
    options: sources.ReadOptions | None = None,
) -> None:
    """Reading from any mark (noted reading ``f`` whole, or slice by slice) gives the whole
    read's records from there on; a span from the marks gives any run of them."""
    mapper = ColumnMapper({})
    for every in (1, 3):
        noted: list[tuple[int, int, int]] = []
        setups = set()
        for piece in [Slice(f), *parts]:
            marks = sources.Marks(every)
            assert list(read_slice(piece, mapper, options, marks)) == (
                whole if piece.end is None else list(read_slice(piece, mapper, options))
            )
            noted += marks.at
            setups.add(repr(marks.setup))  # every slice finds what the whole read found
        some = noted[:: max(1, len(noted) // 5)] + noted[-1:]  # each is a read of the rest
        for offset, rows, lines in some:
            rest = read_slice(Slice(f, offset, f.size, rows, lines), mapper, options)
            assert list(rest) == whole[rows:]
        assert len(setups - {"None"}) <= 1
        marks_of = sorted(set(noted), key=lambda mark: mark[1])
        for first, take in ((0, len(whole)), (len(whole) // 3, len(whole) // 2)):
            span = sources.Span.of(f, marks_of, first, take, len(whole))
            assert sources.read_span(span, mapper, options) == whole[first : first + take]


def _tile(f: sources.InputFile, parts: list[Slice], whole: list[RawRecord | Rejected]) -> None:
    """Slices cover the file end to end, each numbered after the records before it."""
    if len(parts) > 1:
        assert parts[0].start == 0 and parts[-1].end == f.size
        assert all(a.end == b.start for a, b in itertools.pairwise(parts))
        assert all(
            a.rows_before + (a.rows or 0) == b.rows_before for a, b in itertools.pairwise(parts)
        )
        assert sum(p.rows or 0 for p in parts) == len(whole)


def _mixed_lines(n: int) -> list[str]:
    lines = [
        json.dumps({"judul": f"Judul berita {i}", "isi": f"Isi berita nomor {i} hari ini."})
        for i in range(n)
    ]
    lines[2] = ""  # blank
    lines[5] = " \t "  # whitespace only
    lines[9] = "not json at all"
    lines[12] = "[1, 2]"  # not an object
    lines[17] = "\r"  # a CRLF file's blank line
    lines[21] = '{"isi": "\\ud800 unpaired"}'
    return lines


@pytest.mark.parametrize("target", [1, 7, 64, 333, 2_000, 10**9])
def test_slices_read_exactly_the_records_of_the_whole_file(tmp_path: Path, target: int) -> None:
    path = tmp_path / "wire.jsonl"
    # a BOM, CRLF line ends, no newline after the last line
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(_mixed_lines(40)).encode())
    f = _file(path)
    parts = _check(f, target)
    assert (len(parts) > 1) == (target < f.size)
    rows = [r.provenance.row for r in _sliced(parts) if isinstance(r, RawRecord)]
    assert rows == sorted(rows) and len(rows) > 30


def test_columns_are_inferred_from_the_files_first_records_in_every_slice(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    body = "Warga kota itu berkumpul di alun-alun sejak pagi untuk menyaksikan upacara. " * 4
    rows = [{"a": f"Judul pendek {i}", "b": f"{body} ({i})"} for i in range(30)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    f = _file(path)
    parts = _check(f, 300)
    later = [r for r in read_slice(parts[-1], ColumnMapper({})) if isinstance(r, RawRecord)]
    assert later and later[-1].fields.get("text", "").startswith("Warga kota")


@settings(max_examples=150)
@given(
    lines=st.lists(
        st.sampled_from(
            [
                '{"text": "isi"}',
                "",
                " ",
                "\t\r",
                "x",
                '{"text": "panjang ' + "a" * 40 + '"}',
                "\x0c",
            ]
        ),
        max_size=40,
    ),
    newline=st.sampled_from(["\n", "\r\n"]),
    last_newline=st.booleans(),
    target=st.integers(1, 200),
    chunk=st.integers(1, 64),
)
def test_any_cut_and_chunk_size_give_the_same_records(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[str],
    newline: str,
    last_newline: bool,
    target: int,
    chunk: int,
) -> None:
    path = tmp_path_factory.mktemp("slices") / "random.jsonl"
    path.write_text(newline.join(lines) + (newline if last_newline else ""), newline="")
    f = _file(path)
    original = slices.CHUNK
    slices.CHUNK = chunk  # chunk ends anywhere, also inside lines and at cut points
    try:
        _check(f, target)
    finally:
        slices.CHUNK = original


def test_a_line_over_the_record_limit_is_one_record_wherever_it_falls(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    with path.open("wb") as out:
        out.write(b'{"text": "satu"}\n')
        out.write(b" " * (MAX_RECORD_BYTES + 10) + b"\n")  # blank, but too long to know it
        out.write(b'{"text": "tiga"}\n')
    f = _file(path)
    parts = _check(f, 4 << 20)
    assert len(parts) > 1
    records = _sliced(parts)
    assert [r.provenance.row if isinstance(r, RawRecord) else r.source.row for r in records] == [
        1,
        2,
        3,
    ]
    assert isinstance(records[1], Rejected) and records[1].reason == "too_large"


def test_files_that_are_not_split_are_one_whole_slice(tmp_path: Path) -> None:
    rows = "\n".join(json.dumps({"text": f"isi {i}"}) for i in range(50)) + "\n"
    (tmp_path / "packed.jsonl.gz").write_bytes(gzip.compress(rows.encode()))
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "binary.jsonl").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "blank.jsonl").write_text("\n" * 500)
    for name in ("packed.jsonl.gz", "empty.jsonl", "binary.jsonl"):
        f = _file(tmp_path / name)
        assert split(f, 16) == [Slice(f)]
        assert _sliced(split(f, 16)) == _whole(f)
    blank = _file(tmp_path / "blank.jsonl")  # no records at all: read whole, one reject says so
    assert split(blank, 16) == [Slice(blank)]
    (only,) = _sliced(split(blank, 16))
    assert isinstance(only, Rejected) and only.reason == "no_records"
    with pytest.raises(ValueError, match="positive"):
        split(blank, 0)


def test_a_slice_pickles_and_reads_after_the_trip(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(_mixed_lines(30)) + "\n")
    parts = split(_file(path), 100)
    trip = [pickle.loads(pickle.dumps(s)) for s in parts]
    assert trip == parts and _sliced(trip) == _whole(_file(path))


@settings(max_examples=100)
@given(
    lines=st.lists(st.sampled_from(['{"text": "isi berita"}', "", " ", "y" * 30]), max_size=60),
    target=st.integers(1, 300),
    last_newline=st.booleans(),
)
def test_slices_counted_where_they_are_read_equal_slices_counted_by_one_scan(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], target: int, last_newline: bool
) -> None:
    path = tmp_path_factory.mktemp("seek") / "wire.jsonl"
    path.write_text("\n".join(lines) + ("\n" if last_newline else ""))
    f = _file(path)
    scanned = split(f, target)
    cuts = split(f, target, counted=False)
    if len(scanned) > 1:  # (a file of blank lines is read whole once counted)
        assert [(s.start, s.end) for s in cuts] == [(s.start, s.end) for s in scanned]
    numbered = number_slices([count_slice(s) if s.end is not None else s for s in cuts])
    assert numbered == scanned
    assert _sliced(numbered) == _whole(f)
    if any(s.rows_before is None for s in cuts):
        with pytest.raises(ValueError, match="not numbered"):
            read_slice(cuts[-1], ColumnMapper({}))


def test_a_file_whose_seek_finds_no_cut_is_still_numbered(tmp_path: Path) -> None:
    """Bigger than the target, but no line starts after the first cut point: one slice, which
    a driver that does not read the file must still get counted (it was left unnumbered)."""
    path = tmp_path / "long_last.jsonl"
    path.write_text('{"text": "a"}\n' + json.dumps({"text": "b" * 500}) + "\n")
    f = _file(path)
    options = sources.ReadOptions()
    found = sources.cut_where_read(
        [f], 100, options, lambda pieces: [sources.count(p, 100, options) for p in pieces]
    )
    assert len(found) == 1 and found[0].rows == 2
    assert _sliced(found) == _whole(f)


class _Failing(io.RawIOBase):
    """A file's bytes that cannot be read past ``at`` (a bad sector, a dropped connection)."""

    def __init__(self, data: bytes, at: int) -> None:
        super().__init__()
        self.data, self.at, self.pos = data, at, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.pos = offset if whence == io.SEEK_SET else self.pos + offset
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readinto(self, buffer: Any) -> int:
        if self.pos >= self.at:
            raise OSError(errno.EIO, "Input/output error")
        piece = self.data[self.pos : min(self.at, self.pos + len(buffer))]
        buffer[: len(piece)] = piece
        self.pos += len(piece)
        return len(piece)


def test_a_file_whose_reading_fails_keeps_no_marks_and_a_span_over_the_failure_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(_mixed_lines(400)) + "\n", encoding="utf-8")
    f = _file(path)
    good = sources.Marks()
    whole = list(read_file(f, ColumnMapper({}), marks=good))
    assert len(good.at) > 3
    data = path.read_bytes()
    monkeypatch.setattr(
        sources.InputFile, "open", lambda self: io.BufferedReader(_Failing(data, len(data) // 2))
    )
    # where a read fails depends on where it started: the file is read whole, from its start
    marks = sources.Marks()
    failed = list(read_file(f, ColumnMapper({}), marks=marks))
    assert failed[-1].reason == "unreadable" and len(failed) < len(whole)  # type: ignore[union-attr]
    assert marks.at == []
    # a span from a mark noted before the file failed: an error naming the cause, no reject
    span = sources.Span.of(f, good.at, len(whole) - 10, 10, len(whole))
    with pytest.raises(
        InputError, match=r"wire\.jsonl: cannot read the file from byte .*Input/output"
    ):
        sources.read_span(span, ColumnMapper({}))


def test_a_reader_that_cannot_tell_where_it_stands_tries_again_every_few_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a lone CR ends each line: the text reader holds it back, and cannot tell a byte offset
    path = tmp_path / "mac.csv"
    path.write_bytes("\r".join(["judul,isi", *(f"J{n},Isi {n}" for n in range(1000))]).encode())
    tried = []
    told = csv._offset

    def offset(text: Any) -> int | None:
        tried.append(1)
        return told(text)

    monkeypatch.setattr(csv, "_offset", offset)
    marks = sources.Marks()
    assert len(list(read_file(_file(path), ColumnMapper({}), marks=marks))) == 1000
    assert marks.at == [] and len(tried) <= 1000 // sources.marks.EVERY + 2
    assert not sources.covers(marks.at, 1000)


def test_marks_cover_a_file_when_no_gap_is_wider_than_the_limit() -> None:
    gap = sources.marks.GAP
    assert sources.covers([(0, 0, 0), (10, gap, gap)], 2 * gap)
    assert not sources.covers([(0, 0, 0), (10, gap + 1, gap + 1)], gap + 2)
    assert not sources.covers([(0, 0, 0)], gap + 1)  # the last one too far from the end
    assert not sources.covers([(50, gap + 1, gap + 1)], gap + 2)  # the first one too far
    assert not sources.covers([], 1)


def test_a_span_reads_with_the_codec_and_columns_its_survey_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # --encoding auto detects the codec over the file's first MiB, and columns whose names
    # give no role are inferred from its first records: the survey's reading found both,
    # and a unit's reader is handed them instead of finding them again
    path = tmp_path / "feed.jsonl"
    rows = [
        {"a": f"Judul berita nomor {n}", "b": "Isi berita yang cukup panjang. " * 6}
        for n in range(300)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    f, options = _file(path), sources.ReadOptions(encoding="auto")
    marks = sources.Marks()
    whole = list(read_file(f, ColumnMapper({}), options, marks))
    assert marks.setup is not None and marks.setup.roles  # "a" found to be the title
    assert isinstance(whole[0], RawRecord) and whole[0].fields.get("title")

    def again(*args: object) -> object:
        raise AssertionError("found again")

    monkeypatch.setattr(sources.encoding, "detect", again)
    monkeypatch.setattr(sources.read, "infer", again)
    span = sources.Span.of(f, marks.at, 150, 100, len(whole), marks.setup)
    assert sources.read_span(span, ColumnMapper({}), options) == whole[150:250]
