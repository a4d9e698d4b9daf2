"""One reader per input format: ``read(file, stream, decoder) -> Iterator[Parsed | Rejected]``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import IO

from corpus.records import Rejected
from corpus.sources import html
from corpus.sources.discover import InputFile
from corpus.sources.encoding import Decoder
from corpus.sources.formats import csv, json, jsonl, txt
from corpus.sources.rejects import Parsed

Reader = Callable[[InputFile, IO[bytes], Decoder], Iterator[Parsed | Rejected]]

READERS: Mapping[str, Reader] = MappingProxyType(
    {
        "txt": txt.read,
        "jsonl": jsonl.read,
        "json": json.read,
        "csv": csv.read,
        "html": html.read,
    }
)
#: Readers that note where reading may start again (``sources.marks``) when asked.
MARKED: Mapping[str, Callable[..., Iterator[Parsed | Rejected]]] = MappingProxyType(
    {"jsonl": jsonl.read, "csv": csv.read}
)
#: Formats whose records are objects with named columns (mapped, and inferred from content).
COLUMNAR = frozenset({"csv", "json", "jsonl"})

__all__ = ["COLUMNAR", "MARKED", "READERS", "Reader"]
