"""Marks: places in a file where reading may start again, noted while the file is read.

The embedded ingest reads every file once for its survey; the readers that can start mid-file
(JSONL, and CSV in an encoding that writes its syntax as ASCII; neither compressed) note a mark
there about every ``every`` records: the byte offset, and the records and physical lines before
it (what a ``Slice`` starting there needs to number its records as the whole file's read
does). A work unit then names its records by position (``slices.Span``: a mark, records to
skip, records to take) and the worker reads them itself, instead of the driver reading every
record and sending it over.

A CSV mark is noted only where the reader holds no line read ahead (see ``formats.csv``), so it
may come a few records after the one due; a JSONL mark may fall on a blank line (not a record).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO

#: Records between marks, about: a worker reads (and drops) fewer than this many records
#: before its first one, ~1 ms of parsing at most.
EVERY = 64
#: The most records a file's marks may leave between them (or after the last) for its units
#: to be read from them (``covers``): a CSV reader that cannot tell where it stands (a lone CR
#: ends its lines) notes none for a while, and units far from a mark would read far.
GAP = 4 * EVERY
#: What a CSV reader's line ends and quoting are made of: an encoding that writes these as the
#: same bytes lets reading start at a byte offset the reader named.
CSV_SYNTAX = '\n\r",'


@dataclass(frozen=True, slots=True)
class Setup:
    """What reading a file found before its first record and a reader starting at a mark
    needs again: the codec (detected, for ``--encoding auto``) and the column roles inferred
    from its first records (``ColumnMapper.for_file``); carried instead of found again."""

    codec: str
    roles: Mapping[str, tuple[str, str]]


class Marks:
    """The marks of one file (or slice of one), in file order: ``at`` holds ``(byte offset,
    records before, physical lines before)`` of each; ``setup``: the reading's ``Setup``."""

    def __init__(self, every: int = EVERY) -> None:
        if every < 1:
            raise ValueError(f"every must be positive, got {every}")
        self.every = every
        self.at: list[tuple[int, int, int]] = []
        self.setup: Setup | None = None
        self._due = 0  # the records before the next mark, at least

    def due(self, rows: int) -> bool:
        """Whether a mark is wanted where ``rows`` records precede the reader."""
        return rows >= self._due

    def note(self, offset: int | None, rows: int, lines: int) -> None:
        """A mark at ``offset`` (None: the stream cannot tell where it stands: no mark, and
        the next try ``every`` records on, not at every record)."""
        if offset is not None:
            self.at.append((offset, rows, lines))
        self._due = rows + self.every

    def clear(self) -> None:
        """No mark holds: the file is read from its start (its reading failed part-way, or
        the reader's records were not all the file gave)."""
        self.at.clear()


def covers(marks: Sequence[tuple[int, int, int]], items: int) -> bool:
    """Whether ``marks`` leave no more than ``GAP`` records between them, from the first
    record to the last of ``items``."""
    rows = [0, *(mark[1] for mark in marks), items]
    return bool(marks) and all(b - a <= GAP for a, b in itertools.pairwise(rows))


def position(stream: IO[bytes]) -> int | None:
    """Where a binary stream stands, as an offset in its file; None when it cannot tell."""
    try:
        return stream.tell()
    except (OSError, ValueError):
        return None


def csv_cuttable(codec: str) -> bool:
    """Whether a CSV file in ``codec`` may be entered at a byte offset its reader named."""
    try:
        return CSV_SYNTAX.encode(codec, "strict") == CSV_SYNTAX.encode("ascii")
    except (LookupError, UnicodeError):
        return False


__all__ = ["CSV_SYNTAX", "EVERY", "GAP", "Marks", "Setup", "covers", "csv_cuttable", "position"]
