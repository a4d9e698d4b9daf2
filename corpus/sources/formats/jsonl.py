"""``.jsonl`` / ``.ndjson``: one JSON object per line; a bad line is rejected alone.

A blank line (only ASCII whitespace: what ``bytes.strip`` removes) is not a record; every other
line is one, so ``slices.split`` counts records with the same rule and slices number their rows
as a read of the whole file does.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import IO

from corpus.records import Provenance, Rejected
from corpus.sources.discover import InputFile
from corpus.sources.encoding import Decoder
from corpus.sources.formats.json import record
from corpus.sources.limits import MAX_RECORD_BYTES, PREVIEW_BYTES, read_line
from corpus.sources.marks import Marks, position
from corpus.sources.rejects import Parsed, lossless, reject, sha256


def read(
    f: InputFile,
    stream: IO[bytes],
    decoder: Decoder,
    *,
    before: tuple[int, int] = (0, 0),
    marks: Marks | None = None,
) -> Generator[Parsed | Rejected]:
    """Each non-blank line as a record (``row`` counts records, ``line`` physical lines).

    ``before``: the records and lines that precede ``stream`` in the file, when it is a slice
    of one. A line longer than the record limit is a record (rejected), whatever it holds.
    ``marks``: where reading may start again is noted there (any line start will do).
    """
    row, lineno = before
    while True:
        if marks is not None and marks.due(row):
            marks.note(position(stream), row, lineno)
        line, size = read_line(stream)
        if not size:
            return
        lineno += 1
        if size == len(line) and not line.strip():
            continue
        row += 1
        prov = Provenance(f.relpath, row, lineno, sha256(line), f.format)
        if size > len(line):
            prov = Provenance(f.relpath, row, lineno, "", f.format)
            message = (
                f"the line is {size:,} bytes long; the limit for one record is "
                f"{MAX_RECORD_BYTES:,} (raw holds its first {PREVIEW_BYTES:,} bytes)"
            )
            yield reject(prov, "too_large", "size", message, lossless(line[:PREVIEW_BYTES]))
            continue
        try:
            text = decoder.decode(line, first=lineno == 1)
        except UnicodeDecodeError as exc:
            yield reject(prov, "decode", "decode", decoder.error(exc), lossless(line))
            continue
        yield record(text, prov)
