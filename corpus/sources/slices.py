"""Big JSONL files split into byte ranges at record boundaries, each read on its own.

``split`` scans the file once (``bytes.count`` and ``bytes.find`` over large chunks, a regex
only on chunks that may hold blank lines) and cuts at the first line end after every
``target_bytes``; each ``Slice`` knows how many records and lines precede it, so reading every
slice of a file (``read_slice``) gives exactly the records ``read_file`` gives, with the same row
and line numbers in their provenance (and so the same ids).

Only uncompressed JSONL files are split. A gzip file cannot be entered mid-stream; a CSV record
may span lines inside quotes, and the reader's recovery from a stray quote re-reads lines, so a
cut that is a record boundary cannot be found without parsing the file: CSV, JSON, TXT and HTML
files are one slice each (``end`` None), read by ``read_file`` itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from corpus.records import RawRecord, Rejected
from corpus.sources.columns import ColumnMapper
from corpus.sources.discover import InputFile
from corpus.sources.encoding import Decoder
from corpus.sources.formats import jsonl
from corpus.sources.limits import MAX_RECORD_BYTES
from corpus.sources.read import (
    ReadOptions,
    file_mapper,
    first_bytes,
    guarded,
    head_problem,
    read_file,
    to_record,
)

#: Bytes read at a time while scanning (below ``MAX_RECORD_BYTES``: a line that fits in no
#: chunk is one the reader rejects as too long, whatever it holds).
CHUNK = 4 << 20
_WHITESPACE = b" \t\r\x0b\x0c"  # what bytes.strip() removes, but the newline
_BLANK_LINE = re.compile(rb"^[ \t\r\x0b\x0c]*\n", re.MULTILINE)
_BLANK_STARTS = tuple(bytes([c]) for c in b"\n" + _WHITESPACE)
_BLANK_HINTS = tuple(b"\n" + start for start in _BLANK_STARTS)  # a line that starts blank


@dataclass(frozen=True, slots=True)
class Slice:
    """Bytes ``[start, end)`` of one stored file, starting at a line start; ``end`` None: all of it.

    ``rows_before`` / ``lines_before``: records and physical lines before ``start``;
    ``rows``: records in the slice (None when not counted: a whole file not scanned).
    """

    file: InputFile
    start: int = 0
    end: int | None = None
    rows_before: int = 0
    lines_before: int = 0
    rows: int | None = None


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
            count = middle.count(b"\n")
            self.lines += count
            self.rows += count - _blank_lines(middle)
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


def _blank_lines(data: bytes) -> int:
    """Whitespace-only lines in ``data`` (whole lines); a regex pass only when one may be there."""
    if not (data[:1] in _BLANK_STARTS or any(hint in data for hint in _BLANK_HINTS)):
        return 0
    return len(_BLANK_LINE.findall(data))


def split(f: InputFile, target_bytes: int, options: ReadOptions | None = None) -> list[Slice]:
    """``f`` as slices of about ``target_bytes`` each (cut at line ends), in file order.

    One whole-file slice for a file that is not split (not JSONL, compressed, no larger than
    ``target_bytes``, holding no record, or one whose reading stops at its start: empty,
    binary, unreadable).
    """
    if target_bytes < 1:
        raise ValueError(f"target_bytes must be positive, got {target_bytes}")
    whole = [Slice(f)]
    if f.format != "jsonl" or f.compressed or f.size <= target_bytes:
        return whole
    if head_problem(f, options or ReadOptions()):
        return whole
    try:
        with f.open() as stream:
            slices = _scan(f, stream, target_bytes)
    except OSError:
        return whole  # read_file names the problem when the file is read
    # a file with no record at all is read whole: its one reject says so
    return slices if len(slices) > 1 and any(s.rows for s in slices) else whole


def _scan(f: InputFile, stream: IO[bytes], target: int) -> list[Slice]:
    counter = _Counter()
    slices: list[Slice] = []
    base = start = rows_before = lines_before = 0  # base: the file offset of chunk[0]
    cut = target
    while chunk := stream.read(CHUNK):
        at = 0
        while at < len(chunk):
            # the first line end at or after the next cut point, if this chunk holds it
            end = chunk.find(b"\n", max(at, cut - base))
            if end < 0:
                counter.feed(chunk[at:])
                break
            counter.feed(chunk[at : end + 1])
            at = end + 1
            rows = counter.rows - rows_before
            slices.append(Slice(f, start, base + at, rows_before, lines_before, rows))
            start, rows_before, lines_before = base + at, counter.rows, counter.lines
            cut = start + target
        base += len(chunk)
    if not counter.at_line_start:
        counter.end_line()  # the last line has no newline
    if base > start:
        rows = counter.rows - rows_before
        slices.append(Slice(f, start, base, rows_before, lines_before, rows))
    return slices


class _Range(io.RawIOBase):
    """At most ``length`` bytes of ``inner`` from where it stands, then end of file."""

    def __init__(self, inner: IO[bytes], length: int) -> None:
        super().__init__()
        self._inner = inner
        self._left = length

    def readable(self) -> bool:
        """Always: this is a reading stream."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` from the inner stream, stopping at the end of the range."""
        data = self._inner.read(min(len(buffer), self._left))
        size = len(data)
        buffer[:size] = data
        self._left -= size
        return size

    def close(self) -> None:
        """Close the inner stream too."""
        try:
            self._inner.close()
        finally:
            super().close()


def open_slice(s: Slice) -> IO[bytes]:
    """The stored bytes of a slice (the whole file when ``end`` is None)."""
    stream = s.file.open()
    if s.end is None:
        return stream
    stream.seek(s.start)
    return io.BufferedReader(_Range(stream, s.end - s.start), buffer_size=1 << 16)


def read_slice(
    s: Slice, mapper: ColumnMapper, options: ReadOptions | None = None
) -> Iterator[RawRecord | Rejected]:
    """The records of one slice: all slices of a file together give ``read_file``'s records."""
    if s.end is None:
        yield from read_file(s.file, mapper, options)
        return
    where = f" (bytes {s.start:,}-{s.end:,})"
    yield from guarded(s.file, _slice_records(s, mapper, options or ReadOptions()), where)


def _slice_records(
    s: Slice, mapper: ColumnMapper, options: ReadOptions
) -> Iterator[RawRecord | Rejected]:
    f = s.file
    decoder = Decoder(options.encoding_for(f.relpath), lambda: first_bytes(f))
    mapper = file_mapper(f, decoder, mapper)  # from the file's first records, as read_file does
    with open_slice(s) as stream:
        for item in jsonl.read(f, stream, decoder, before=(s.rows_before, s.lines_before)):
            yield item if isinstance(item, Rejected) else to_record(item, mapper)


__all__ = ["CHUNK", "Slice", "open_slice", "read_slice", "split"]
