"""The I/O floor of an ingest: read every record and write the raw fields as zstd Parquet.

Imports only what that needs, so that timed as a process of its own (``benchmarks/workers.py``)
it pays for its own start, not for the stages it does not run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus import sources
from corpus.config import Config
from corpus.records import RawRecord
from corpus.stats import Stats


def io_floor(files: list[sources.InputFile], cfg: Config) -> int:
    """Read every record and write the raw fields as zstd Parquet: the cost of I/O alone."""
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        writer = None
        batch: list[dict[str, str]] = []
        for item in sources.run(files, cfg, Stats()):
            n += 1
            if isinstance(item, RawRecord):
                batch.append(
                    {k: str(v) for k, v in item.fields.items() if k in ("title", "text", "url")}
                )
            if len(batch) >= 5000:
                writer = _write(writer, batch, Path(tmp))
                batch = []
        writer = _write(writer, batch, Path(tmp))
        if writer is not None:
            writer.close()
    return n


def _write(
    writer: pq.ParquetWriter | None, batch: list[dict[str, str]], tmp: Path
) -> pq.ParquetWriter | None:
    schema = pa.schema([("title", pa.string()), ("text", pa.string()), ("url", pa.string())])
    if not batch:
        return writer
    writer = writer or pq.ParquetWriter(tmp / "floor.parquet", schema, compression="zstd")
    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return writer
