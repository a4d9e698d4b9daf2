"""Big JSONL and CSV files split into byte ranges at record boundaries, each read on its own.

``split`` cuts a file about every ``target_bytes``. Each ``Slice`` knows how many records and
lines precede it, so reading every slice of a file (``read_slice``) gives exactly the records
``read_file`` gives, with the same row and line numbers in their provenance (and so the same
ids).

- **JSONL**: cut at the first line start after every ``target_bytes``. The counts come from one
  scan of the file (newlines found with numpy over large chunks; only lines that start with
  whitespace are looked at one by one), or, for a driver that must not read the file, from
  ``count`` run where each slice is read, then ``number_slices``.
- **CSV**: a record may span lines inside quotes, and the reader's recovery from a stray quote
  reads lines again, so a record boundary cannot be found by seeking: the file is parsed once
  (``formats.csv.boundaries``; for a driver that must not read it, by ``count`` where it is
  read), and cut at the first boundary after every ``target_bytes`` characters where the
  reader holds nothing read ahead. Only text encodings that write ``\n``, ``\r`` and ``"`` as
  those ASCII bytes are cut (UTF-8, the single-byte code pages; not UTF-16).

Compressed files (a gzip stream cannot be entered mid-way), JSON, TXT and HTML files are one
slice each (``end`` None), read by ``read_file`` itself.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import itertools
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any

from corpus.errors import InputError
from corpus.records import RawRecord, Rejected
from corpus.sources.columns import ColumnMapper
from corpus.sources.discover import InputFile
from corpus.sources.encoding import Decoder
from corpus.sources.formats import csv, jsonl
from corpus.sources.limits import MAX_RECORD_BYTES
from corpus.sources.marks import Marks, Setup, csv_cuttable
from corpus.sources.read import (
    READ_ERRORS,
    ReadOptions,
    file_mapper,
    first_bytes,
    guarded,
    head_problem,
    markable,
    open_stream,
    read_file,
    to_record,
)
from corpus.sources.rejects import file_reject

#: Bytes read at a time while scanning (below ``MAX_RECORD_BYTES``: a line that fits in no
#: chunk is one the reader rejects as too long, whatever it holds).
CHUNK = 4 << 20
_WHITESPACE = b" \t\r\x0b\x0c"  # what bytes.strip() removes, but the newline
_NEWLINE = ord("\n")
_BLANK_STARTS = list(b"\n" + _WHITESPACE)


@dataclass(frozen=True, slots=True)
class Slice:
    """Bytes ``[start, end)`` of one stored file, starting at a line start; ``end`` None: all of it.

    ``rows_before`` / ``lines_before``: records and physical lines before ``start`` (None
    until ``number_slices`` has set them); ``rows`` / ``lines``: records and lines in the slice
    (None until counted). A slice is read with ``read_slice`` once it is numbered.
    """

    file: InputFile
    start: int = 0
    end: int | None = None
    rows_before: int | None = 0
    lines_before: int | None = 0
    rows: int | None = None
    lines: int | None = None


class _Counter:
    """Counts lines and records (non-blank lines) of bytes fed in order, across chunk ends."""

    def __init__(self) -> None:
        self.lines = 0
        self.rows = 0
        self._open = 0  # bytes of the line not ended yet
        self._content = False  # whether that line holds more than whitespace

    def feed(self, data: bytes) -> None:
        """Count ``data``, which continues where the last call ended."""
        first = data.find(b"\n")
        if first < 0:
            self._extend(data)
            return
        self._extend(data[:first])
        self.end_line()
        last = data.rfind(b"\n")
        middle = data[first + 1 : last + 1]
        if middle:  # whole lines, each shorter than a chunk
            lines, rows = _lines(middle)
            self.lines += lines
            self.rows += rows
        self._extend(data[last + 1 :])

    def _extend(self, piece: bytes) -> None:
        if piece and not self._content:
            self._content = bool(piece.strip(_WHITESPACE))
        self._open += len(piece)

    def end_line(self) -> None:
        """The open line ends (at a newline, or at the end of the file when it holds bytes)."""
        self.lines += 1
        # the reader: an over-long line is a record (too large) whatever it holds
        self.rows += self._content or self._open > MAX_RECORD_BYTES
        self._open, self._content = 0, False

    @property
    def at_line_start(self) -> bool:
        """Whether no line is open."""
        return self._open == 0


def _lines(data: bytes) -> tuple[int, int]:
    """``(lines, records)`` of ``data``, whole lines: records are those not whitespace only."""
    import numpy as np

    codes = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(codes == _NEWLINE)
    starts = np.concatenate(([0], ends[:-1] + 1))
    # only a line that starts with whitespace (or is empty) can be blank: look at those alone
    maybe = np.flatnonzero(np.isin(codes[starts], _BLANK_STARTS))
    blank = sum(1 for i in maybe.tolist() if not data[starts[i] : ends[i]].strip(_WHITESPACE))
    return len(ends), len(ends) - blank


def split(
    f: InputFile, target_bytes: int, options: ReadOptions | None = None, *, counted: bool = True
) -> list[Slice]:
    """``f`` as slices of about ``target_bytes`` each, in file order.

    JSONL: slice k starts at the first line start at or after ``k * target_bytes`` (the same
    cuts however they are found). ``counted=True`` scans (JSONL) or parses (CSV) the file once
    and numbers the slices; ``counted=False`` reads as little as it can here (for a driver that
    must not read the file): a JSONL file's cuts found by seeking, a CSV file as one slice to
    cut, then ``count`` each where it is read and ``number_slices`` them (``cut_where_read``).
    One whole-file slice for a file that is not split (not JSONL or CSV, compressed, no larger
    than ``target_bytes``, holding no record, one whose reading stops at its start: empty,
    binary, unreadable; a CSV file in an encoding that is not cut).
    """
    if target_bytes < 1:
        raise ValueError(f"target_bytes must be positive, got {target_bytes}")
    whole = [Slice(f)]
    if f.format not in ("jsonl", "csv") or f.compressed or f.size <= target_bytes:
        return whole
    options = options or ReadOptions()
    if head_problem(f, options):
        return whole
    if f.format == "csv":
        to_cut = [Slice(f, 0, f.size, None, None)]
        return number_slices(_csv_slices(f, target_bytes, options)) if counted else to_cut
    try:
        with f.open() as stream:
            found = _scan(f, stream, target_bytes) if counted else _seek(f, stream, target_bytes)
    except OSError:
        return whole  # read_file names the problem when the file is read
    return number_slices(found) if counted else found


def count(s: Slice, target_bytes: int, options: ReadOptions | None = None) -> list[Slice]:
    """A slice ``split(..., counted=False)`` gave, counted where it is read: a JSONL slice,
    itself with its records and lines; a CSV file, its slices (cut at record boundaries)."""
    if s.file.format == "csv":
        return _csv_slices(s.file, target_bytes, options or ReadOptions())
    return [count_slice(s)]


def cut_where_read(
    files: Sequence[InputFile],
    target_bytes: int,
    options: ReadOptions,
    each: Callable[[list[Slice]], Iterable[list[Slice]]],
) -> list[Slice]:
    """Every file's slices, numbered, in input order, for a driver that does not read the
    files: cut here as far as seeking finds the cuts, counted by ``each`` (``count`` over
    its slices, in order, where they are read: on the caller's workers)."""
    cut = [split(f, target_bytes, options, counted=False) for f in files]
    counted = iter(each([s for c in cut for s in c if s.end is not None]))
    found: list[Slice] = []
    for c in cut:
        if c[0].end is None:  # whole: not cut, nothing to count
            found += c
        else:
            found += number_slices([piece for s in c for piece in next(counted)])
    return found


def _csv_slices(f: InputFile, target: int, options: ReadOptions) -> list[Slice]:
    """A CSV file's slices, counted (not numbered), cut at the reader's boundaries; the whole
    file when it is not cut."""
    whole = [Slice(f)]
    try:
        decoder = Decoder(options.encoding_for(f.relpath), lambda: first_bytes(f))
        if not csv_cuttable(decoder.codec):
            return whole
        with open_stream(f) as stream:
            found = csv.boundaries(stream, decoder, target)
    except (OSError, LookupError, UnicodeError):
        return whole  # read_file names the problem when the file is read
    if found is None:
        return whole
    starts = [(0, 0, 0), *((at, rows, lines) for at, rows, lines in found.at if 0 < at < f.size)]
    ends = [*starts[1:], (f.size, found.rows, found.lines)]
    return [
        Slice(f, a, b, None, None, rows_b - rows_a, lines_b - lines_a)
        for (a, rows_a, lines_a), (b, rows_b, lines_b) in zip(starts, ends, strict=True)
    ]


def count_slice(s: Slice) -> Slice:
    """``s``, a slice of a JSONL file, with its records and lines counted (reads the slice's
    bytes, not the file's)."""
    if s.file.format != "jsonl":
        raise ValueError(f"{s.file.relpath}: only a JSONL slice is counted alone (see count)")
    counter = _Counter()
    with open_slice(s) as stream:
        while chunk := stream.read(CHUNK):
            counter.feed(chunk)
    if not counter.at_line_start:
        counter.end_line()  # the last line has no newline
    return replace(s, rows=counter.rows, lines=counter.lines)


def number_slices(slices: Sequence[Slice]) -> list[Slice]:
    """Counted slices of one file with the records and lines before each one set, in order.

    A file with no record at all becomes one whole-file slice (its reject says so).
    """
    if len(slices) == 1 and slices[0].end is None:
        return list(slices)
    numbered = []
    rows = lines = 0
    for s in slices:
        if s.rows is None or s.lines is None:
            raise ValueError(f"{s.file.relpath}: slice at byte {s.start:,} is not counted")
        numbered.append(replace(s, rows_before=rows, lines_before=lines))
        rows, lines = rows + s.rows, lines + s.lines
    return numbered if rows else [Slice(slices[0].file)]


def joined(slices: Sequence[Slice]) -> Slice:
    """Consecutive numbered slices of one file as one slice (its records are theirs, in turn)."""
    first, last = slices[0], slices[-1]
    if len(slices) == 1:
        return first
    rows = [s.rows for s in slices]
    lines = [s.lines for s in slices]
    return replace(
        first,
        end=last.end,
        rows=None if None in rows else sum(r for r in rows if r is not None),
        lines=None if None in lines else sum(n for n in lines if n is not None),
    )


def _next_cut(start: int, target: int) -> int:
    """The offset from which the line end closing the slice at ``start`` is searched."""
    return (start // target + 1) * target - 1


def _scan(f: InputFile, stream: IO[bytes], target: int) -> list[Slice]:
    """Counted slices, from one pass over the file."""
    counter = _Counter()
    slices: list[Slice] = []
    base = start = rows_before = lines_before = 0  # base: the file offset of chunk[0]
    while chunk := stream.read(CHUNK):
        at = 0
        while at < len(chunk):
            # the first line end at or after the next cut point, if this chunk holds it
            end = chunk.find(b"\n", max(at, _next_cut(start, target) - base))
            if end < 0:
                counter.feed(chunk[at:])
                break
            counter.feed(chunk[at : end + 1])
            at = end + 1
            counts = counter.rows - rows_before, counter.lines - lines_before
            slices.append(Slice(f, start, base + at, None, None, *counts))
            start, rows_before, lines_before = base + at, counter.rows, counter.lines
        base += len(chunk)
    if not counter.at_line_start:
        counter.end_line()  # the last line has no newline
    if base > start:
        counts = counter.rows - rows_before, counter.lines - lines_before
        slices.append(Slice(f, start, base, None, None, *counts))
    return slices


def _seek(f: InputFile, stream: IO[bytes], target: int) -> list[Slice]:
    """Slices not counted: the same cuts, each found by seeking near it."""
    cuts = [0]
    while (at := _next_cut(cuts[-1], target)) < f.size - 1:
        stream.seek(at)
        while block := stream.read(1 << 16):
            end = block.find(b"\n")
            if end >= 0:
                break
            at += len(block)
        if not block or at + end + 1 >= f.size:
            break
        cuts.append(at + end + 1)
    cuts.append(f.size)
    return [Slice(f, a, b, None, None) for a, b in itertools.pairwise(cuts)]


class _Range(io.RawIOBase):
    """Bytes ``[start, end)`` of ``inner`` (which stands at ``start``), then end of file; it
    tells where it stands in the file (for the readers' marks), and reads forward only."""

    def __init__(self, inner: IO[bytes], start: int, end: int) -> None:
        super().__init__()
        self._inner = inner
        self._at = start
        self._end = end

    def readable(self) -> bool:
        """Always: this is a reading stream."""
        return True

    def seekable(self) -> bool:
        """Yes, for ``tell`` (a text reader only tells where a seekable stream stands)."""
        return True

    def tell(self) -> int:
        """The offset in the file of the next byte read."""
        return self._at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Only to where the stream stands (what ``tell`` asks of a raw stream)."""
        if (offset, whence) in ((0, io.SEEK_CUR), (self._at, io.SEEK_SET)):
            return self._at
        raise io.UnsupportedOperation("a slice of a file is read forward only")

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` from the inner stream, stopping at the end of the range."""
        data = self._inner.read(min(len(buffer), self._end - self._at))
        size = len(data)
        buffer[:size] = data
        self._at += size
        return size

    def close(self) -> None:
        """Close the inner stream too."""
        try:
            self._inner.close()
        finally:
            super().close()


def open_slice(s: Slice, *, to_end: bool = False) -> IO[bytes]:
    """The stored bytes of a slice (the whole file when ``end`` is None); ``to_end``: from
    its start to the end of the file as it is now."""
    stream = s.file.open()
    if s.end is None:
        return stream
    stream.seek(s.start)
    if to_end:
        return stream
    return io.BufferedReader(_Range(stream, s.start, s.end), buffer_size=1 << 16)


def read_slice(
    s: Slice,
    mapper: ColumnMapper,
    options: ReadOptions | None = None,
    marks: Marks | None = None,
) -> Iterator[RawRecord | Rejected]:
    """The records of one slice: all slices of a file together give ``read_file``'s records.
    ``marks``: where reading may start again is noted there, if the file's reader can."""
    if s.rows_before is None or s.lines_before is None:
        raise ValueError(
            f"{s.file.relpath}: the slice at byte {s.start:,} is not numbered "
            "(count each slice, then number them)"
        )
    if s.end is None:
        return read_file(s.file, mapper, options, marks)
    where = f" (bytes {s.start:,}-{s.end:,})"
    records = _slice_records(s, mapper, options or ReadOptions(), marks)
    return guarded(s.file, records, where, marks)


def _slice_records(
    s: Slice,
    mapper: ColumnMapper,
    options: ReadOptions,
    marks: Marks | None = None,
    *,
    to_end: bool = False,
    setup: Setup | None = None,
) -> Generator[RawRecord | Rejected]:
    f = s.file
    found = setup.codec if setup else None
    decoder = Decoder(options.encoding_for(f.relpath), lambda: first_bytes(f), found)
    if marks is not None and not markable(f, decoder):
        marks = None
    mapper = file_mapper(f, decoder, mapper, marks, setup)  # as read_file maps the file
    before = (s.rows_before or 0, s.lines_before or 0)
    header = None
    if f.format == "csv" and s.start > 0:
        with open_stream(f) as stream:
            header = csv.header_row(stream, decoder)
        if header is None:  # it could be when the file was cut: it changed since
            yield file_reject(f, "csv_header", "the header row can no longer be read", b"")
            return
    with open_slice(s, to_end=to_end) as stream:
        if f.format == "csv":
            items = csv.read(f, stream, decoder, header=header, before=before, marks=marks)
        else:
            items = jsonl.read(f, stream, decoder, before=before, marks=marks)
        with contextlib.closing(items):  # left part-way (a span): the reader ends first
            for item in items:
                yield item if isinstance(item, Rejected) else to_record(item, mapper)


@dataclass(frozen=True, slots=True)
class Span:
    """Records of one file named by position, read where they are processed (``read_span``):
    ``take`` of them, after the first ``skip`` of ``piece`` (a slice from a mark the survey
    noted, ``marks``, read on to the end of the file; or the whole file). ``last``: they end
    the file."""

    piece: Slice
    skip: int
    take: int
    last: bool
    setup: Setup | None = None  # what the survey's reading found before the first record

    @classmethod
    def of(
        cls,
        f: InputFile,
        marks: Sequence[tuple[int, int, int]],
        first: int,
        take: int,
        items: int,
        setup: Setup | None = None,
    ) -> Span:
        """Records ``[first, first + take)`` of ``f``, which holds ``items`` (the survey's
        count), from the last of its ``marks`` at or before ``first`` (none: from the start
        of the file, read whole)."""
        at = bisect.bisect_right(marks, first, key=lambda mark: mark[1]) - 1
        if at < 0:
            return cls(Slice(f), first, take, first + take == items)
        offset, rows, lines = marks[at]
        piece = Slice(f, offset, f.size, rows, lines)
        return cls(piece, first - rows, take, first + take == items, setup)


def read_span(
    span: Span, mapper: ColumnMapper, options: ReadOptions | None = None
) -> list[RawRecord | Rejected]:
    """The records ``span`` names. InputError when they are not where the survey found them
    (the file changed during the ingest), or when its reading fails where the survey's did
    not: a reject for the rest of the file would depend on where reading started."""
    f, options = span.piece.file, options or ReadOptions()
    if span.piece.end is None:  # read whole, as the survey did: it fails where the survey did
        items = read_file(f, mapper, options)
    else:
        items = _slice_records(span.piece, mapper, options, to_end=True, setup=span.setup)
    try:
        with contextlib.closing(items):
            taken = list(itertools.islice(items, span.skip, span.skip + span.take))
            beyond = span.last and next(items, None) is not None
    except READ_ERRORS as exc:
        where = f" from byte {span.piece.start:,}"
        raise InputError(f"{f.relpath}: cannot read the file{where}: {exc}") from None
    if len(taken) < span.take or beyond:
        first = (span.piece.rows_before or 0) + span.skip
        raise InputError(
            f"{f.relpath}: the file changed while it was ingested (records {first + 1:,}-"
            f"{first + span.take:,} are not where its first reading found them); ingest it "
            "again once it is no longer being written"
        )
    return taken


__all__ = [
    "CHUNK",
    "Slice",
    "Span",
    "count",
    "count_slice",
    "cut_where_read",
    "number_slices",
    "open_slice",
    "read_slice",
    "read_span",
    "split",
]
