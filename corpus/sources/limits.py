"""Caps that keep one hostile file from taking a run down, and the streams that enforce them.

Documented limits (a record or file beyond them becomes a reject that says which limit, never a
crash or an unbounded allocation):

- ``MAX_RECORD_BYTES`` (64 MiB): one JSONL line, one CSV record, one ``.txt`` or ``.html`` file.
- ``MAX_DOCUMENT_BYTES`` (256 MiB): one ``.json`` document, which is parsed whole (use JSONL
  for more).
- ``MAX_EXPANSION`` (20x) / ``MIN_EXPANSION_BYTES`` (64 MiB): a compressed file stops being
  read once it has expanded to 20 times its stored size or 64 MiB, whichever is larger; the
  shared news corpora compress 2.8-5.4x under ``gzip -9``, a gzip bomb 200-1000x. Records
  before that point are kept; a file beyond the cap can be read whole once decompressed.
- ``MAX_DEPTH`` (100): nesting of JSON arrays and objects inside one record.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from corpus.errors import InputError

MAX_RECORD_BYTES = 64 * 2**20
MAX_DOCUMENT_BYTES = 256 * 2**20
MAX_EXPANSION = 20
MIN_EXPANSION_BYTES = 64 * 2**20
MAX_DEPTH = 100
#: How much of a record over a limit is kept as its ``raw`` (the reject says it is cut).
PREVIEW_BYTES = 64 * 1024


class LimitExceeded(InputError):
    """A file or record is larger (or deeper) than a documented limit."""


def expansion_limit(stored_bytes: int) -> int:
    """Bytes a compressed file of ``stored_bytes`` may expand to."""
    return max(MIN_EXPANSION_BYTES, MAX_EXPANSION * stored_bytes)


class CappedReader(io.RawIOBase):
    """A raw stream over ``inner`` that fails with ``LimitExceeded`` past ``limit`` bytes."""

    def __init__(
        self, inner: IO[bytes], limit: int, what: str, also_close: IO[bytes] | None = None
    ) -> None:
        super().__init__()
        self._inner = inner
        self._also_close = also_close
        self._limit = limit
        self._what = what
        self._count = 0

    def readable(self) -> bool:
        """Always: this is a reading stream."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` from the inner stream, counting what has been produced."""
        data = self._inner.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self._count += size
        if self._count > self._limit:
            raise LimitExceeded(
                f"{self._what} expands beyond {self._limit:,} bytes (the cap for this file: "
                f"{MAX_EXPANSION}x its size or {MIN_EXPANSION_BYTES:,} bytes, against "
                "decompression bombs); the records before that point were read, the rest was "
                "not: decompress the file to read it whole"
            )
        return size

    def close(self) -> None:
        """Close the inner stream too."""
        try:
            self._inner.close()
            if self._also_close is not None:
                self._also_close.close()
        finally:
            super().close()


def read_capped(stream: IO[bytes], limit: int) -> tuple[bytes, bool]:
    """``(data, complete)``: up to ``limit`` bytes; ``complete`` is False when there were more."""
    data = stream.read(limit + 1)
    if len(data) <= limit:
        return data, True
    return data[:limit], False


def read_line(stream: IO[bytes], limit: int = MAX_RECORD_BYTES) -> tuple[bytes, int]:
    """One physical line of at most ``limit`` bytes, and the line's full length.

    A longer line is consumed to its end without holding it; the bytes returned are its start.
    """
    line = stream.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line, len(line)
    total = len(line)
    while True:
        rest = stream.readline(1 << 20)
        total += len(rest)
        if not rest or rest.endswith(b"\n"):
            return line[:limit], total


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (0 for a scalar), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level) for child in children)
    return deepest


def next_csv_row(reader: Iterator[list[str]]) -> list[str]:
    """The next row of ``reader``, with the field size limit raised for this row only.

    ``csv.field_size_limit`` is process-wide state: it is set around each row and restored, so
    reading CSV here changes nothing for other code. Raises what ``next(reader)`` raises.
    """
    previous = csv.field_size_limit(MAX_RECORD_BYTES)
    try:
        return next(reader)
    finally:
        csv.field_size_limit(previous)


__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "MAX_EXPANSION",
    "MAX_RECORD_BYTES",
    "MIN_EXPANSION_BYTES",
    "CappedReader",
    "LimitExceeded",
    "depth",
    "expansion_limit",
    "next_csv_row",
    "read_capped",
    "read_line",
]
