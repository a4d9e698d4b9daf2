"""``.txt``: one article per file, the whole file its text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from corpus.records import Provenance, Rejected
from corpus.sources.discover import InputFile
from corpus.sources.encoding import Decoder
from corpus.sources.limits import MAX_RECORD_BYTES, PREVIEW_BYTES, read_capped
from corpus.sources.rejects import Parsed, file_reject, lossless, reject, sha256


def read(f: InputFile, stream: IO[bytes], decoder: Decoder) -> Iterator[Parsed | Rejected]:
    """The file as one record ``{"text": ...}``."""
    data, complete = read_capped(stream, MAX_RECORD_BYTES)
    if not complete:
        message = f"the file is larger than {MAX_RECORD_BYTES:,} bytes, the limit for one article"
        yield file_reject(f, "too_large", message, data[:PREVIEW_BYTES])
        return
    prov = Provenance(f.relpath, 1, 1, sha256(data), f.format)
    try:
        text = decoder.decode(data)
    except UnicodeDecodeError as exc:
        yield reject(prov, "decode", "decode", decoder.error(exc), lossless(data))
        return
    if "\x00" in text:
        message = f"holds a NUL byte at character {text.index(chr(0)):,} (a damaged or binary file)"
        yield reject(prov, "binary", "binary", message, lossless(data))
        return
    yield Parsed({"text": text}, prov, text)
