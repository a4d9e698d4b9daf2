"""Building the ``Rejected`` records the readers emit: provenance, reason, message, raw text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from corpus.errors import InputError
from corpus.records import Issue, Provenance, Rejected, stable_id
from corpus.sources.discover import InputFile


@dataclass(frozen=True, slots=True)
class Parsed:
    """One record as a reader parsed it, before its columns are mapped onto fields."""

    value: object  # a dict of column -> value when the record is an object
    provenance: Provenance
    raw: str


def reject(
    prov: Provenance, reason: str, code: str, message: str, raw: str, pointer: str = ""
) -> Rejected:
    """A reader's reject of one record (or of a whole file when ``prov.row`` is None)."""
    return Rejected(
        id=stable_id([prov.path, prov.row, prov.sha256]),
        stage="read",
        reason=reason,
        issues=(Issue(pointer, message, code),),
        raw=raw,
        source=prov,
    )


def file_reject(f: InputFile, reason: str, message: str, sample: bytes) -> Rejected:
    """One reject standing for a whole file (or the unreadable rest of one)."""
    try:
        sha = f.sha256()
    except InputError:  # the file went away or became unreadable: the reject says so already
        sha = ""
    prov = Provenance(f.relpath, None, None, sha, f.format)
    return reject(prov, reason, reason, message, lossless(sample))


def sha256(data: bytes) -> str:
    """Hex sha256 of raw bytes (provenance of a record)."""
    return hashlib.sha256(data).hexdigest()


def lossless(data: bytes) -> str:
    """Bytes as text for the rejects table: valid UTF-8 as is, other bytes as ``\\xNN``."""
    return data.decode("utf-8", "backslashreplace")


def lossless_text(text: str) -> str:
    """Text that may hold surrogate-escaped bytes, as valid UTF-8 text (bytes as ``\\xNN``)."""
    return lossless(text.encode("utf-8", "surrogateescape"))


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds code points UTF-8 cannot encode (escaped bytes, lone surrogates)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


__all__ = [
    "Parsed",
    "file_reject",
    "has_surrogates",
    "lossless",
    "lossless_text",
    "reject",
    "sha256",
]
