"""Reading files: open (decompressing within a cap), sniff, parse, map columns onto fields.

A file that cannot be read at all is one ``Rejected``; one that fails part-way keeps the records
read before the failure and adds one reject for the rest. Nothing a file holds raises.
"""

from __future__ import annotations

import gzip
import io
import itertools
import os
import typing
import zlib
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from corpus.records import RawRecord, Rejected
from corpus.sources.columns import (
    SAMPLE_RECORDS,
    ColumnMapper,
    ColumnMapping,
    infer,
    needs_inference,
)
from corpus.sources.discover import InputFile
from corpus.sources.encoding import SAMPLE_BYTES, UTF8, Decoder, encoding_for
from corpus.sources.formats import COLUMNAR, MARKED, READERS
from corpus.sources.limits import CappedReader, LimitExceeded, expansion_limit
from corpus.sources.marks import Marks, Setup, csv_cuttable
from corpus.sources.rejects import Parsed, file_reject, reject
from corpus.stats import Stats

_SNIFF = 8192
# Control bytes no text encoding writes (C0 controls but tab, newlines, form feed, escape; DEL);
# above this share of a file's first 8 KiB the file is binary, not text with a damaged byte
# (random bytes hold ~11%, a UTF-16 file ~50% NULs, a CSV with one stray NUL 0.01%)
_CONTROL = bytes(set(range(32)) - {9, 10, 11, 12, 13, 27} | {127})
_BINARY_SHARE = 0.02
_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook? export it as CSV)",
    b"\x1f\x8b": "gzip-compressed data: name the file with a .gz suffix",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the readers depend on: the column mapping and the text encoding(s)."""

    column_map: Mapping[str, str] = field(default_factory=dict)
    encoding: str = UTF8  # a codec name, or "auto"
    encodings: Mapping[str, str] = field(default_factory=dict)  # glob on relpath -> encoding

    @classmethod
    def of(cls, cfg: Any) -> ReadOptions:
        """The readers' slice of a run configuration."""
        return cls(
            column_map=dict(getattr(cfg, "column_map", {}) or {}),
            encoding=getattr(cfg, "encoding", UTF8) or UTF8,
            encodings=dict(getattr(cfg, "encodings", {}) or {}),
        )

    def encoding_for(self, relpath: str) -> str:
        """The encoding setting of one file."""
        return encoding_for(relpath, self.encoding, dict(self.encodings))


def run(files: Iterable[InputFile], cfg: Any, stats: Stats) -> Iterator[RawRecord | Rejected]:
    """Every record of every file, in file order then row order."""
    options = ReadOptions.of(cfg)
    mapper = ColumnMapper(options.column_map)
    for f in files:
        yield from counted(read_file(f, mapper, options), stats)


def counted(items: Iterable[RawRecord | Rejected], stats: Stats) -> Iterator[RawRecord | Rejected]:
    """``items``, each counted in ``stats`` as read (and the readers' rejects by reason)."""
    for item in items:
        stats.count("read", "records")
        if isinstance(item, Rejected):
            stats.count("read", f"rejected:{item.reason}")
        yield item


def mappings(files: Iterable[InputFile], cfg: Any) -> list[ColumnMapping]:
    """The column mapping used for each file with columns (CSV, JSON, JSONL): "mapping used"."""
    options = ReadOptions.of(cfg)
    mapper = ColumnMapper(options.column_map)
    found = []
    for f in files:
        if f.format not in COLUMNAR:
            continue
        decoder = _decoder(f, options)
        if decoder is None:
            continue
        rows = _sample(f, decoder)
        columns = list(dict.fromkeys(col for row in rows for col in row))
        found.append(file_mapper(f, decoder, mapper).report(f.relpath, columns))
    return found


def read_file(
    f: InputFile,
    mapper: ColumnMapper,
    options: ReadOptions | None = None,
    marks: Marks | None = None,
) -> Generator[RawRecord | Rejected]:
    """Records of one file. A file that cannot be read at all yields one ``Rejected``.
    ``marks``: where reading may start again is noted there, if the file's reader can."""
    options = options or ReadOptions()
    produced = False
    for item in guarded(f, _file_records(f, mapper, options, marks), marks=marks):
        produced = True
        yield item
    if not produced:
        if marks is not None:  # this reject is not its reader's: read whole to give it again
            marks.clear()
        yield file_reject(f, "no_records", "the file holds no records", b"")


def _file_records(
    f: InputFile, mapper: ColumnMapper, options: ReadOptions, marks: Marks | None
) -> Iterator[RawRecord | Rejected]:
    decoder = Decoder(options.encoding_for(f.relpath), lambda: first_bytes(f))
    if f.format in COLUMNAR:
        mapper = file_mapper(f, decoder, mapper, marks)
    for item in _parsed(f, decoder, marks):
        yield item if isinstance(item, Rejected) else to_record(item, mapper)


#: What reading a stream that fails part-way raises (``guarded`` makes a reject of it).
READ_ERRORS = (LimitExceeded, OSError, EOFError, zlib.error, LookupError)


def guarded(
    f: InputFile,
    items: Iterator[RawRecord | Rejected],
    where: str = "",
    marks: Marks | None = None,
) -> Iterator[RawRecord | Rejected]:
    """``items``, then one reject for the rest of the file (``where``) when reading fails
    (and then no mark of the file holds: where it fails depends on where reading started)."""
    try:
        yield from items
    except READ_ERRORS as exc:
        if marks is not None:
            marks.clear()
        yield _failed(f, exc, where)


def _failed(f: InputFile, exc: Exception, where: str) -> Rejected:
    """The reject for the rest of a file whose reading failed with ``exc`` (records already
    read stay)."""
    if isinstance(exc, LimitExceeded):
        return file_reject(f, "too_large", f"stopped reading{where}: {exc}", b"")
    if isinstance(exc, LookupError):  # an encoding named per file that Python does not know
        return file_reject(f, "decode", f"cannot decode the file: {exc}", b"")
    return file_reject(f, "unreadable", f"cannot read the file{where}: {exc}", b"")


def file_mapper(
    f: InputFile,
    decoder: Decoder,
    mapper: ColumnMapper,
    marks: Marks | None = None,
    setup: Setup | None = None,
) -> ColumnMapper:
    """``mapper`` for one file with columns, plus the roles of its columns: as an earlier
    reading found them (``setup``), or inferred from its first records. ``marks``: the roles
    and the codec are noted there too, for readers that start at a mark."""
    roles = setup.roles if setup else file_roles(f, decoder, mapper)
    if marks is not None:
        marks.setup = Setup(decoder.codec, roles)
    return mapper.for_file(roles)


def head_problem(f: InputFile, options: ReadOptions) -> bool:
    """Whether reading the file would stop at its start (unreadable, empty, binary)."""
    try:
        decoder = Decoder(options.encoding_for(f.relpath), lambda: first_bytes(f))
        with open_stream(f) as stream:
            head = stream.peek(_SNIFF)[:_SNIFF]  # type: ignore[attr-defined]
    except (OSError, EOFError, zlib.error, LookupError, LimitExceeded):
        return True
    return not head or _binary(head, decoder) is not None


def open_stream(f: InputFile) -> IO[bytes]:
    """The file's bytes, decompressed (within the expansion cap) when it is compressed."""
    stored = f.open()
    if not f.compressed:
        return stored
    unpacked = typing.cast(IO[bytes], gzip.GzipFile(fileobj=stored, mode="rb"))
    capped = CappedReader(unpacked, expansion_limit(_stored_size(f, stored)), f.relpath, stored)
    return io.BufferedReader(capped, buffer_size=1 << 16)


def _stored_size(f: InputFile, stored: IO[bytes]) -> int:
    """The stored size now (a local file may have changed since it was found)."""
    return f.size if f.remote else os.fstat(stored.fileno()).st_size


def _parsed(
    f: InputFile, decoder: Decoder, marks: Marks | None = None
) -> Iterator[Parsed | Rejected]:
    with open_stream(f) as stream:
        head = stream.peek(_SNIFF)[:_SNIFF]  # type: ignore[attr-defined]
        if not head:
            yield file_reject(f, "empty_file", "the file is empty", b"")
            return
        why = _binary(head, decoder)
        if why is not None:
            yield file_reject(f, "binary", f"the file looks binary, not text: {why}", head)
            return
        if marks is not None and markable(f, decoder):
            yield from MARKED[f.format](f, stream, decoder, marks=marks)
        else:
            yield from READERS[f.format](f, stream, decoder)


def markable(f: InputFile, decoder: Decoder) -> bool:
    """Whether reading ``f`` may start at a byte offset its reader named (``marks``): a JSONL
    or CSV file (in an encoding that writes the CSV syntax as ASCII), not compressed."""
    if f.compressed or f.format not in MARKED:
        return False
    return f.format == "jsonl" or csv_cuttable(decoder.codec)


def _binary(head: bytes, decoder: Decoder) -> str | None:
    """Why the file's first bytes say it is not text, or None."""
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            return what
    if decoder.wide:
        return None
    control = len(head) - len(head.translate(None, _CONTROL))
    if control > _BINARY_SHARE * len(head):
        hint = " (UTF-16 text? rerun with --encoding utf-16)" if _utf16_like(head) else ""
        return f"{control} control bytes (NUL and others) in its first {len(head):,}{hint}"
    return None


def _utf16_like(head: bytes) -> bool:
    """A UTF-16 byte order mark, or NULs in every other byte (ASCII text in UTF-16)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    half = len(head) // 2
    return half > 0 and max(head[0::2].count(0), head[1::2].count(0)) > 0.9 * half


def first_bytes(f: InputFile) -> bytes:
    """The first MiB of the file's (decompressed) bytes, for encoding detection."""
    with open_stream(f) as stream:
        return stream.read(SAMPLE_BYTES)


def _decoder(f: InputFile, options: ReadOptions) -> Decoder | None:
    try:
        return Decoder(options.encoding_for(f.relpath), lambda: first_bytes(f))
    except (OSError, EOFError, zlib.error, LookupError, LimitExceeded):
        return None


def _sample(f: InputFile, decoder: Decoder, limit: int = SAMPLE_RECORDS) -> list[dict[str, Any]]:
    """The objects among the file's first ``limit`` records (what inference looks at)."""
    rows: list[dict[str, Any]] = []
    try:
        for item in itertools.islice(_parsed(f, decoder), limit):
            if isinstance(item, Parsed) and isinstance(item.value, dict):
                rows.append(item.value)
    except (OSError, EOFError, zlib.error, LimitExceeded):
        pass  # the main pass reports it; inference uses what came before
    return rows


def file_roles(f: InputFile, decoder: Decoder, mapper: ColumnMapper) -> dict[str, tuple[str, str]]:
    """Roles inferred from the file's content; nothing to do when names give every role."""
    first = _sample(f, decoder, 1)
    if not first or not needs_inference(first[0], mapper):
        return {}
    return infer(_sample(f, decoder), mapper)


def to_record(item: Parsed, mapper: ColumnMapper) -> RawRecord | Rejected:
    """A parsed record with its columns mapped onto fields (or its reject: not an object)."""
    if not isinstance(item.value, dict):
        kind = type(item.value).__name__
        message = f"expected a JSON object, got {kind}"
        return reject(item.provenance, "not_object", "type", message, item.raw)
    fields, extra = mapper.split(item.value)
    return RawRecord(fields, extra, item.provenance, item.raw)


__all__ = [
    "READ_ERRORS",
    "ReadOptions",
    "counted",
    "file_mapper",
    "first_bytes",
    "guarded",
    "head_problem",
    "mappings",
    "markable",
    "open_stream",
    "read_file",
    "run",
    "to_record",
]
