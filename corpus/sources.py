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
import re
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
    ".html": "html",
    ".htm": "html",
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
    seen: dict[str, Path] = {}
    for f in files:
        # Provenance and incremental ingest identify a file by its relative path.
        if f.relpath in seen and seen[f.relpath] != f.path:
            raise InputError(
                f"{seen[f.relpath]} and {f.path} are both {f.relpath!r} relative to their input "
                "folders; give one folder that holds both, or rename one"
            )
        seen[f.relpath] = f.path
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


# A time in the page's meta tags ("article:published_time", "publishdate", ...): trafilatura's
# date is a day only, and the time of day is part of ``published``.
_META_DATE = re.compile(
    rb"<meta\b[^>]*?(?:name|property|itemprop)\s*=\s*[\"']?(?P<name>[\w:.-]*(?:publish|pubdate|date)[\w:.-]*)"
    rb"[\"']?[^>]*?content\s*=\s*[\"'](?P<value>[^\"'<>]{6,40})[\"']",
    re.IGNORECASE,
)
_META_DATE_REVERSED = re.compile(
    rb"<meta\b[^>]*?content\s*=\s*[\"'](?P<value>[^\"'<>]{6,40})[\"'][^>]*?"
    rb"(?:name|property|itemprop)\s*=\s*[\"']?(?P<name>[\w:.-]*(?:publish|pubdate|date)[\w:.-]*)",
    re.IGNORECASE,
)
_HAS_TIME = re.compile(r"\d{1,2}[:.]\d{2}")


def _meta_published(data: bytes) -> str | None:
    """The first meta-tag date that carries a time of day, as written in the page."""
    for pattern in (_META_DATE, _META_DATE_REVERSED):
        for match in pattern.finditer(data, 0, 200_000):
            if b"modified" in match["name"].lower() or b"update" in match["name"].lower():
                continue
            value = match["value"].decode("utf-8", "replace").strip()
            if _HAS_TIME.search(value):
                return value
    return None


_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _page_published(html: str, day: str | None, meta: str | None) -> str | None:
    """The page's own date line with a time ("Rabu, 4 November 2015 | 21:04 WIB") for the day
    trafilatura found; when several lines qualify (related-article lists), the one whose time
    the meta tag repeats, else the first. None when the page shows none."""
    if not day:
        return None
    from corpus.dates import parse_datetime  # the same parser the structure stage uses

    text = _TAG.sub("\n", _SCRIPT.sub(" ", html))
    found = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if not 8 <= len(line) <= 80 or day[:4] not in line:
            continue
        value = parse_datetime(line)
        if value and len(value) > 10 and value.startswith(day):
            found.append((line, value))
    if not found:
        return None
    clock = parse_datetime(meta) if meta else None
    for _line, value in found:
        if clock and len(clock) > 10 and value[11:16] == clock[11:16]:
            # the meta tag's seconds, the visible line's zone (meta zones are often wrong: detik
            # writes WIB times with "Z")
            return value[:17] + clock[17:19] + value[19:]
    return found[0][0]


def _title(title: str | None, sitename: str | None, host: str | None) -> str | None:
    """The headline without a " - Kompas.com Regional" / " | Okezone" site suffix."""
    if not title:
        return None
    names = {n.lower() for n in (sitename, host) if n}
    names |= {n.split(".")[0] for n in names}
    title = title.strip()
    head, found, tail = title.partition(": ")  # "KapanLagi.com: <headline>"
    if found and tail and head.lower() in names | {n + ".com" for n in names}:
        title = tail.strip()
    for sep in (" - ", " | ", " – ", " :: "):
        head, found, tail = title.rpartition(sep)
        if found and head and any(n and n in tail.lower() for n in names):
            return head.strip()
    return title


def _read_html(
    f: InputFile, stream: IO[bytes], mapper: ColumnMapper
) -> Iterator[RawRecord | Rejected]:
    """One page per file: main text and metadata through trafilatura (an optional extra)."""
    try:
        from trafilatura import bare_extraction
    except ImportError:  # pragma: no cover - trafilatura is a dependency; this names the fix
        raise InputError(
            f"{f.relpath}: reading HTML needs trafilatura: uv add trafilatura lxml_html_clean"
        ) from None
    data = stream.read()
    prov = Provenance(f.relpath, 1, 1, hashlib.sha256(data).hexdigest(), f.format)
    raw = _lossless(data)
    # precision first (news pages are full of link lists that recall mode takes for text); when
    # that finds next to nothing (under 40 words), the longer of it and trafilatura's default
    page: dict[str, Any] = {}
    for precise in (True, False):
        document = bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            favor_precision=precise,
            include_tables=not precise,
        )
        if document is None:
            continue
        found = document if isinstance(document, dict) else document.as_dict()
        if len((found.get("text") or "").split()) > len((page.get("text") or "").split()):
            page = found
        if len((page.get("text") or "").split()) >= 40:
            break
    text = (page.get("text") or "").strip()
    if not text:
        yield _reject(prov, "no_main_text", "html", "trafilatura found no main text", raw)
        return
    host = page.get("hostname")
    meta = _meta_published(data)
    day = page.get("date")
    published = _page_published(raw, day, meta) or meta or day
    row: dict[str, Any] = {
        "text": text,
        "title": _title(page.get("title"), page.get("sitename"), host),
        "url": page.get("url"),
        "published": published,
        "author": page.get("author"),
        "source": host,
        "category": ", ".join(page.get("categories") or []) or None,
        "description": page.get("description"),
        "sitename": page.get("sitename"),
    }
    fields, extra = mapper.split({k: v for k, v in row.items() if v})
    yield RawRecord(fields, extra, prov, raw)


_READERS = {
    "txt": _read_txt,
    "jsonl": _read_jsonl,
    "json": _read_json,
    "csv": _read_csv,
    "html": _read_html,
}


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
