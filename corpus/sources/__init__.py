"""Readers: raw files in, ``RawRecord`` (or ``Rejected`` when a record cannot be read) out.

Each input file (a local path, or a URL on any fsspec file system) is streamed; every record
carries its provenance (path relative to the input root, row, line, sha256 of its raw bytes).
Columns are mapped onto the raw schema's field names by ``ColumnMapper`` (explicit mapping,
presets, then inference from content); unmapped columns are kept in ``RawRecord.extra``. Bad input never raises: each problem is a reject or a listed
skip with its reason (``limits`` documents the caps).

- ``discover``: which files are read and which are skipped, and why
- ``read``: opening, sniffing and the per-file loop; ``formats/``: one reader per format
- ``html``: pages through trafilatura; ``columns``: mapping and inference
- ``encoding``: codecs and detection; ``limits``: caps on size, expansion and depth
- ``slices``: big JSONL and CSV files as byte ranges at record boundaries, read one by one;
  ``Span``: records named by position (from a ``marks.Marks`` the survey noted), read where
  they are processed
"""

from __future__ import annotations

from corpus.sources.columns import ColumnMapper, ColumnMapping, ColumnRole
from corpus.sources.discover import FORMATS, InputFile, Skipped, absolute, discover, file_format
from corpus.sources.marks import Marks, Setup, covers
from corpus.sources.read import ReadOptions, counted, mappings, read_file, run
from corpus.sources.slices import (
    Slice,
    Span,
    count,
    count_slice,
    cut_where_read,
    joined,
    number_slices,
    read_slice,
    read_span,
    split,
)

__all__ = [
    "FORMATS",
    "ColumnMapper",
    "ColumnMapping",
    "ColumnRole",
    "InputFile",
    "Marks",
    "ReadOptions",
    "Setup",
    "Skipped",
    "Slice",
    "Span",
    "absolute",
    "count",
    "count_slice",
    "counted",
    "covers",
    "cut_where_read",
    "discover",
    "file_format",
    "joined",
    "mappings",
    "number_slices",
    "read_file",
    "read_slice",
    "read_span",
    "run",
    "split",
]
