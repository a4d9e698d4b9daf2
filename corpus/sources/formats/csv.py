"""``.csv``: a header row, then one record per row; a bad row is rejected alone.

Rows are kept as the exact physical lines they were parsed from (their ``raw``). Undecodable
bytes, NUL bytes, a wrong number of fields and broken quoting reject the row they are in. A stray
quote that opens a field never closed would swallow every later line: when a row fails to parse
and its first line holds an odd number of quotes, only that line is rejected and the lines after
it are read again as rows. Duplicate header names are kept apart (``title``, ``title.1``).

A big file is read in slices (``corpus/sources/slices.py``): ``boundaries`` parses it once and
names record boundaries where the reader has read nothing ahead (no line put back), so that
``read`` started there with the file's header yields exactly what reading the whole file does.
A quote may open a field that spans lines, so such a boundary cannot be found by seeking.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import IO

from corpus.records import Provenance, Rejected
from corpus.sources.discover import InputFile
from corpus.sources.encoding import Decoder
from corpus.sources.limits import MAX_RECORD_BYTES, PREVIEW_BYTES, next_csv_row
from corpus.sources.marks import Marks
from corpus.sources.rejects import (
    Parsed,
    file_reject,
    has_surrogates,
    lossless_text,
    reject,
    sha256,
)


class _LineTooLong(Exception):
    """A physical line longer than the record limit (consumed, not kept)."""


class _Lines:
    """Physical lines for ``csv.reader``, remembering those each row took; lines can be put back."""

    def __init__(self, text: IO[str], before: int = 0) -> None:
        self._text = text
        self._back: list[str] = []
        self.taken: list[str] = []
        self.next_line = before + 1  # number of the next physical line handed out
        self.chars = 0  # characters read from ``text`` (lines put back included)

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._back:
            line = self._back.pop()
        else:
            line = self._text.readline(MAX_RECORD_BYTES + 1)
            if not line:
                raise StopIteration
            self.chars += len(line)
            if len(line) > MAX_RECORD_BYTES and not line.endswith("\n"):
                while (rest := self._text.readline(1 << 20)) and not rest.endswith("\n"):
                    pass
                self.taken.append(line[:PREVIEW_BYTES])
                self.next_line += 1
                raise _LineTooLong
        self.taken.append(line)
        self.next_line += 1
        return line

    def put_back(self, lines: list[str]) -> None:
        """Hand ``lines`` out again, in order, before reading on."""
        self._back.extend(reversed(lines))
        self.next_line -= len(lines)

    @property
    def ahead(self) -> bool:
        """Whether lines read from the text wait to be handed out again."""
        return bool(self._back)


@dataclass(slots=True)
class _Row:
    """One parse attempt: the cells (None on error), the error, and the lines it took."""

    cells: list[str] | None
    error: str | None
    lines: list[str]
    start: int
    overlong: bool = False


def read(
    f: InputFile,
    stream: IO[bytes],
    decoder: Decoder,
    *,
    header: list[str] | None = None,
    before: tuple[int, int] = (0, 0),
    marks: Marks | None = None,
) -> Generator[Parsed | Rejected]:
    """The rows of the file as ``{column: cell}`` records.

    ``header`` and ``before``: ``stream`` is a slice of the file that starts at a boundary
    (``boundaries``), after the file's header row and ``before`` records and physical lines.
    ``marks``: boundaries are noted there too (the caller checks the encoding allows them).
    """
    text = _text(stream, decoder, first=header is None)
    lines = _Lines(text, before[1])
    try:
        reader = csv.reader(lines, strict=True)
        if header is None:
            header = yield from _file_header(f, reader, lines)
            if header is None:
                return
        marking = None if marks is None else (marks, text)
        for row, parsed in _rows(reader, lines, header, before[0], marking):
            yield _record(f, row, parsed, header, decoder)
    finally:
        text.detach()  # the caller closes the binary stream; don't close it twice


@dataclass(frozen=True, slots=True)
class Boundaries:
    """Where slices of a CSV file may start (``boundaries``): ``at`` holds ``(byte offset,
    records before, physical lines before)`` of each; ``rows`` / ``lines``: the file's."""

    at: list[tuple[int, int, int]]
    rows: int
    lines: int


def boundaries(stream: IO[bytes], decoder: Decoder, every: int) -> Boundaries | None:
    """Record boundaries of the file in ``stream`` (seekable, read from its start), the first
    after every ``every`` characters, at which the reader holds no line read ahead: ``read``
    from one of them, given the header, yields the records the whole file's read yields from
    there. None when the header row cannot be read (the file is then read whole)."""
    text = _text(stream, decoder, first=True)
    lines = _Lines(text)
    try:
        reader = csv.reader(lines, strict=True)
        first = _parse(reader, lines)
        header = None if first is None else _header(first)
        if header is None:
            return None
        at: list[tuple[int, int, int]] = []
        goal, row = every, 0
        for row, _ in _rows(reader, lines, header, 0):
            if lines.chars >= goal and not lines.ahead:
                offset = _offset(text)
                if offset is not None:
                    at.append((offset, row, lines.next_line - 1))
                    goal = lines.chars + every
        return Boundaries(at, row, lines.next_line - 1)
    finally:
        text.detach()


def header_row(stream: IO[bytes], decoder: Decoder) -> list[str] | None:
    """The file's column names, None when its header row cannot be read."""
    text = _text(stream, decoder, first=True)
    lines = _Lines(text)
    try:
        first = _parse(csv.reader(lines, strict=True), lines)
        return None if first is None else _header(first)
    finally:
        text.detach()


def _text(stream: IO[bytes], decoder: Decoder, *, first: bool) -> io.TextIOWrapper:
    # surrogateescape keeps undecodable bytes so a bad row is rejected alone, not the whole file
    return io.TextIOWrapper(
        stream, encoding=decoder.text_codec(first), errors="surrogateescape", newline=""
    )


def _offset(text: io.TextIOWrapper) -> int | None:
    """The byte offset ``text`` stands at, when its decoder holds no state there (its
    position cookie is then the offset); None otherwise."""
    try:
        cookie = text.tell()
    except (OSError, ValueError):  # a stream that cannot tell
        return None
    return cookie if cookie < 1 << 63 else None


def _parse(reader: Iterator[list[str]], lines: _Lines) -> _Row | None:
    lines.taken = []
    start = lines.next_line
    try:
        cells: list[str] | None = next_csv_row(reader)
        error = None
    except StopIteration:
        return None
    except csv.Error as exc:
        cells, error = None, f"broken CSV quoting: {exc}"
    except _LineTooLong:
        limit = f"{MAX_RECORD_BYTES:,} characters, the limit for one record"
        message = f"a line is longer than {limit} (raw holds its start)"
        return _Row(None, message, lines.taken, start, overlong=True)
    if not lines.taken:
        return None
    return _Row(cells, error, lines.taken, start)


def _file_header(
    f: InputFile, reader: Iterator[list[str]], lines: _Lines
) -> Generator[Rejected, None, list[str] | None]:
    """The file's column names from its first row; None (after the file's reject, when the
    row is there but unreadable) when there are none."""
    first = _parse(reader, lines)
    if first is None:
        return None
    header = _header(first)
    if header is None:
        raw = "".join(first.lines).encode("utf-8", "surrogateescape")[:PREVIEW_BYTES]
        yield file_reject(f, "csv_header", f"the header row cannot be read: {first.error}", raw)
    return header


def _rows(
    reader: Iterator[list[str]],
    lines: _Lines,
    header: list[str],
    row: int,
    marking: tuple[Marks, io.TextIOWrapper] | None = None,
) -> Iterator[tuple[int, _Row]]:
    """The rows after the header, numbered on from ``row``; blank lines skipped.
    ``marking``: the boundaries of the text the rows are read from are noted in the marks,
    when due."""
    while True:
        if marking is not None and marking[0].due(row) and not lines.ahead:
            marks, text = marking
            marks.note(_offset(text), row, lines.next_line - 1)
        parsed = _parse(reader, lines)
        if parsed is None:
            return
        if len(parsed.lines) > 1 and _stray_quote(parsed, header):
            lines.put_back(parsed.lines[1:])
            message = (
                "broken CSV quoting: a quote opened on this line is never closed "
                "(the lines after it were read as rows)"
            )
            parsed = _Row(None, message, parsed.lines[:1], parsed.start)
        if parsed.cells is not None and not any(parsed.cells):
            continue  # a blank line is not a record
        row += 1
        yield row, parsed


def _header(parsed: _Row) -> list[str] | None:
    """Column names, duplicates made distinct (``title``, ``title.1``); None when unreadable."""
    if parsed.cells is None:
        return None
    names: list[str] = []
    for cell in parsed.cells:
        name = lossless_text(cell) if has_surrogates(cell) else cell
        if name in names:
            n = 1
            while f"{name}.{n}" in names or f"{name}.{n}" in parsed.cells:
                n += 1
            name = f"{name}.{n}"
        names.append(name)
    return names


def _stray_quote(parsed: _Row, header: list[str]) -> bool:
    """Whether a row that spans lines is really one stray quote swallowing the lines after it."""
    if parsed.overlong or (parsed.cells is not None and len(parsed.cells) == len(header)):
        return False
    return parsed.lines[0].count('"') % 2 == 1


def _record(
    f: InputFile, row: int, parsed: _Row, header: list[str], decoder: Decoder
) -> Parsed | Rejected:
    raw = "".join(parsed.lines)  # exactly the physical lines this row was parsed from
    original = raw.encode(decoder.codec, "surrogateescape")  # the row's bytes, as stored
    prov = Provenance(f.relpath, row, parsed.start, sha256(original), f.format)
    if has_surrogates(raw):
        try:
            decoder.decode(original, first=False)
            message = "this row cannot be decoded"
        except UnicodeDecodeError as exc:
            message = decoder.error(exc, " of this row")
        return reject(prov, "decode", "decode", message, lossless_text(raw))
    if parsed.cells is None:
        return reject(prov, "csv", "csv", parsed.error or "cannot be parsed", raw)
    if "\x00" in raw:
        found = [h for h, c in zip(header, parsed.cells, strict=False) if "\x00" in c]
        where = f"in column {found[0]!r}" if found else "in this row"
        message = f"a NUL byte {where} (a damaged file)"
        return reject(prov, "binary", "binary", message, raw, f"/{found[0]}" if found else "")
    if len(parsed.cells) != len(header):
        message = (
            f"row has {len(parsed.cells)} fields, the header has {len(header)} "
            "(unbalanced quotes or a stray delimiter?)"
        )
        return reject(prov, "csv_columns", "csv", message, raw)
    return Parsed(dict(zip(header, parsed.cells, strict=True)), prov, raw)


__all__ = ["Boundaries", "boundaries", "header_row", "read"]
