"""Readers: raw files in, ``RawRecord`` (or ``Rejected`` when a record cannot be read) out.

Each input file is streamed; every record carries its provenance (path relative to the input
root, row, line, sha256 of its raw bytes). Columns are mapped onto the raw schema's field names
by ``ColumnMapper``; unmapped columns are kept in ``RawRecord.extra``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
import sys
import typing
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from corpus.config import COLUMN_PRESETS, Config, normalize_column
from corpus.errors import InputError
from corpus.records import Issue, Provenance, RawRecord, Rejected, stable_id
from corpus.stats import Stats

log = logging.getLogger(__name__)

FORMATS: Mapping[str, str] = {
    ".txt": "txt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
}
COMPRESSIONS = (".gz",)
_BINARY_SNIFF = 8192

# A 50 MB cell is an error to report per record, not a reason to crash the reader.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read: where it is, its name relative to the input root, and its format."""

    path: Path
    relpath: str
    format: str
    compressed: bool

    def sha256(self) -> str:
        """sha256 of the file's bytes as stored (compressed, if it is)."""
        digest = hashlib.sha256()
        with self.path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file found under the input root that no reader handles (reported, not read)."""

    relpath: str
    reason: str


def file_format(path: Path) -> tuple[str, bool] | None:
    """``(format, compressed)`` for a supported file name, else None."""
    suffixes = [s.lower() for s in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] in COMPRESSIONS
    if compressed:
        suffixes = suffixes[:-1]
    if not suffixes or suffixes[-1] not in FORMATS:
        return None
    return FORMATS[suffixes[-1]], compressed


def discover(paths: Sequence[Path]) -> tuple[list[InputFile], list[Skipped]]:
    """All readable files under ``paths``, in a stable order, plus the files skipped and why.

    A directory is walked recursively (hidden entries ignored) and is the root its files are
    named relative to; a single file is named relative to its parent directory.
    """
    files: list[InputFile] = []
    skipped: list[Skipped] = []
    for given in paths:
        if not given.exists():
            raise InputError(f"{given}: no such file or directory")
        if given.is_dir():
            root = given
            candidates = sorted(
                p
                for p in given.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(given).parts)
            )
        else:
            root, candidates = given.parent, [given]
        for path in candidates:
            rel = path.relative_to(root).as_posix()
            fmt = file_format(path)
            if fmt is None:
                skipped.append(
                    Skipped(rel, f"unsupported file type {''.join(path.suffixes) or '(none)'}")
                )
            else:
                files.append(InputFile(path, rel, fmt[0], fmt[1]))
    return files, skipped


class ColumnMapper:
    """Maps source column names onto raw-schema fields: explicit mapping first, then presets."""

    def __init__(self, explicit: Mapping[str, str]) -> None:
        self._explicit = {fld: normalize_column(col) for fld, col in explicit.items()}
        self._cache: dict[tuple[str, ...], dict[str, str]] = {}

    def mapping(self, columns: Sequence[str]) -> dict[str, str]:
        """``{source column: field}`` for the columns that map to a field."""
        key = tuple(columns)
        if key not in self._cache:
            by_norm: dict[str, str] = {}
            for col in columns:
                by_norm.setdefault(normalize_column(col), col)
            result: dict[str, str] = {}
            taken: set[str] = set()
            for fld, norm in self._explicit.items():
                if norm in by_norm:
                    result[by_norm[norm]] = fld
                    taken.add(fld)
            for fld, names in COLUMN_PRESETS.items():
                if fld in taken or fld in self._explicit:
                    continue
                for name in names:
                    found = by_norm.get(name)
                    if found is not None and found not in result:
                        result[found] = fld
                        break
            self._cache[key] = result
        return self._cache[key]

    def split(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(fields, extra)`` of one row; empty CSV cells count as absent."""
        mapping = self.mapping(list(row))
        fields: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for col, value in row.items():
            if value == "":
                continue
            fld = mapping.get(col)
            if fld is None:
                extra[col.lstrip("\ufeff")] = value
            else:
                fields[fld] = value
        return fields, extra


def run(files: Iterable[InputFile], cfg: Config, stats: Stats) -> Iterator[RawRecord | Rejected]:
    """Every record of every file, in file order then row order."""
    mapper = ColumnMapper(cfg.column_map)
    for f in files:
        for item in read_file(f, mapper):
            stats.count("read", "records")
            if isinstance(item, Rejected):
                stats.count("read", f"rejected:{item.reason}")
            yield item


def read_file(f: InputFile, mapper: ColumnMapper) -> Iterator[RawRecord | Rejected]:
    """Records of one file. A file that cannot be read at all yields one ``Rejected``."""
    produced = False
    try:
        with _open_binary(f) as stream:
            head = stream.peek(_BINARY_SNIFF)[:_BINARY_SNIFF]  # type: ignore[attr-defined]
            if not head:
                yield _file_reject(f, "empty_file", "the file is empty", b"")
                return
            if b"\x00" in head:
                yield _file_reject(f, "binary", "the file looks binary (NUL bytes), not text", head)
                return
            reader = _READERS[f.format]
            for item in reader(f, stream, mapper):
                produced = True
                yield item
    except (OSError, EOFError, zlib.error) as exc:
        # Records already yielded stay; the unreadable rest is one reject naming the cause.
        yield _file_reject(f, "unreadable", f"cannot read the file: {exc}", b"")
        return
    if not produced:
        yield _file_reject(f, "no_records", "the file holds no records", b"")


def _open_binary(f: InputFile) -> IO[bytes]:
    if f.compressed:
        return typing.cast(IO[bytes], gzip.open(f.path, "rb"))
    return f.path.open("rb")


# --------------------------------------------------------------------------- formats


def _read_txt(
    f: InputFile, stream: IO[bytes], mapper: ColumnMapper
) -> Iterator[RawRecord | Rejected]:
    data = stream.read()
    prov = Provenance(f.relpath, 1, 1, hashlib.sha256(data).hexdigest(), f.format)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield _reject(
            prov,
            "decode",
            "decode",
            f"invalid UTF-8 at byte {exc.start}: {exc.reason}",
            _lossless(data),
        )
        return
    fields, extra = mapper.split({"text": text})
    yield RawRecord(fields, extra, prov, text)


def _read_jsonl(
    f: InputFile, stream: IO[bytes], mapper: ColumnMapper
) -> Iterator[RawRecord | Rejected]:
    row = 0
    for lineno, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        row += 1
        prov = Provenance(f.relpath, row, lineno, hashlib.sha256(line).hexdigest(), f.format)
        try:
            text = line.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield _reject(
                prov,
                "decode",
                "decode",
                f"invalid UTF-8 at byte {exc.start}: {exc.reason}",
                _lossless(line),
            )
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield _reject(
                prov, "json", "json", f"not valid JSON: {exc.msg} at column {exc.colno}", text
            )
            continue
        yield _from_value(value, prov, text, mapper)


def _read_json(
    f: InputFile, stream: IO[bytes], mapper: ColumnMapper
) -> Iterator[RawRecord | Rejected]:
    data = stream.read()
    file_prov = Provenance(f.relpath, None, None, hashlib.sha256(data).hexdigest(), f.format)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield _reject(
            file_prov,
            "decode",
            "decode",
            f"invalid UTF-8 at byte {exc.start}: {exc.reason}",
            _lossless(data),
        )
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        yield _reject(
            file_prov,
            "json",
            "json",
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            text,
        )
        return
    if not isinstance(value, list):
        yield _from_value(
            value, Provenance(f.relpath, 1, 1, file_prov.sha256, f.format), text, mapper
        )
        return
    for index, item in enumerate(value, start=1):
        # No byte span per element in a JSON array: the hash is over the element's canonical JSON.
        item_text = json.dumps(item, ensure_ascii=False, sort_keys=True)
        sha = hashlib.sha256(item_text.encode("utf-8", "surrogatepass")).hexdigest()
        yield _from_value(
            item, Provenance(f.relpath, index, None, sha, f.format), item_text, mapper
        )


def _read_csv(
    f: InputFile, stream: IO[bytes], mapper: ColumnMapper
) -> Iterator[RawRecord | Rejected]:
    # surrogateescape keeps undecodable bytes so a bad row is rejected alone, not the whole file.
    text_stream = io.TextIOWrapper(
        stream, encoding="utf-8-sig", errors="surrogateescape", newline=""
    )
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in text_stream:
            consumed.append(line)
            yield line

    try:
        yield from _csv_rows(f, csv.reader(lines(), strict=True), consumed, mapper)
    finally:
        text_stream.detach()  # the caller closes the binary stream; don't close it twice


def _csv_rows(
    f: InputFile, reader: Iterator[list[str]], consumed: list[str], mapper: ColumnMapper
) -> Iterator[RawRecord | Rejected]:
    header: list[str] | None = None
    lines_done = row = 0
    while True:
        start_line = lines_done + 1
        try:
            cells: list[str] | None = next(reader)
            error = None
        except StopIteration:
            break
        except csv.Error as exc:
            cells, error = None, str(exc)
        raw = "".join(consumed)  # exactly the physical lines this row was parsed from
        lines_done += len(consumed)
        consumed.clear()
        if header is None:
            if cells is None or _has_surrogates(raw):
                message = f"the header row cannot be read: {error or 'invalid UTF-8'}"
                yield _file_reject(f, "csv_header", message, raw.encode("utf-8", "surrogateescape"))
                return
            if len(set(cells)) != len(cells):
                message = f"duplicate column names in the header: {cells}"
                yield _file_reject(f, "csv_header", message, raw.encode())
                return
            header = cells
            continue
        if cells is None and not raw:
            break
        row += 1
        sha = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
        prov = Provenance(f.relpath, row, start_line, sha, f.format)
        if _has_surrogates(raw):
            yield _reject(
                prov, "decode", "decode", "invalid UTF-8 in this row", _lossless_text(raw)
            )
        elif cells is None:
            yield _reject(prov, "csv", "csv", f"broken CSV quoting: {error}", raw)
        elif not any(cells):
            row -= 1  # a blank line is not a record
        elif len(cells) != len(header):
            message = (
                f"row has {len(cells)} fields, the header has {len(header)} "
                "(unbalanced quotes or a stray delimiter?)"
            )
            yield _reject(prov, "csv_columns", "csv", message, raw)
        else:
            fields, extra = mapper.split(dict(zip(header, cells, strict=True)))
            yield RawRecord(fields, extra, prov, raw)


_READERS = {"txt": _read_txt, "jsonl": _read_jsonl, "json": _read_json, "csv": _read_csv}


# --------------------------------------------------------------------------- helpers


def _from_value(
    value: Any, prov: Provenance, raw: str, mapper: ColumnMapper
) -> RawRecord | Rejected:
    if not isinstance(value, dict):
        return _reject(
            prov, "not_object", "type", f"expected a JSON object, got {type(value).__name__}", raw
        )
    fields, extra = mapper.split(value)
    return RawRecord(fields, extra, prov, raw)


def _reject(
    prov: Provenance, reason: str, code: str, message: str, raw: str, pointer: str = ""
) -> Rejected:
    return Rejected(
        id=stable_id([prov.path, prov.row, prov.sha256]),
        stage="read",
        reason=reason,
        issues=(Issue(pointer, message, code),),
        raw=raw,
        source=prov,
    )


def _file_reject(f: InputFile, reason: str, message: str, sample: bytes) -> Rejected:
    prov = Provenance(f.relpath, None, None, f.sha256() if f.path.exists() else "", f.format)
    return _reject(prov, reason, reason, message, _lossless(sample))


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _lossless(data: bytes) -> str:
    """Bytes as text for the rejects table: valid UTF-8 as is, other bytes as ``\\xNN``."""
    return data.decode("utf-8", "backslashreplace")


def _lossless_text(text: str) -> str:
    return _lossless(text.encode("utf-8", "surrogateescape"))


__all__ = [
    "FORMATS",
    "ColumnMapper",
    "InputFile",
    "Skipped",
    "discover",
    "file_format",
    "read_file",
    "run",
]
