from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.config import Config
from corpus.shards import ShardSettings, ShardWriter, file_sha256, string_bytes

SCHEMA = pa.schema([pa.field("n", pa.int64(), nullable=False), pa.field("s", pa.string())])


def test_shards_roll_over_by_rows_and_get_final_names(tmp_path: Path) -> None:
    writer = ShardWriter(
        tmp_path, "data", SCHEMA, ShardSettings.of(Config(shard_max_rows=4, row_group_rows=2))
    )
    for n in range(10):
        writer.write({"n": n, "s": str(n)})
    shards = writer.close()
    assert [(s.path, s.rows) for s in shards] == [
        ("data/train-00000-of-00003.parquet", 4),
        ("data/train-00001-of-00003.parquet", 4),
        ("data/train-00002-of-00003.parquet", 2),
    ]
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == [
        Path(s.path).name for s in shards
    ]
    first = pq.ParquetFile(tmp_path / shards[0].path)
    assert first.num_row_groups == 2
    assert first.schema_arrow == SCHEMA
    assert first.metadata.row_group(0).column(0).compression == "ZSTD"
    assert shards[0].sha256 == file_sha256(tmp_path / shards[0].path)
    assert shards[0].bytes == (tmp_path / shards[0].path).stat().st_size
    rows = [r["n"] for s in shards for r in pq.read_table(tmp_path / s.path).to_pylist()]
    assert rows == list(range(10))


def test_shards_roll_over_by_text_bytes(tmp_path: Path) -> None:
    writer = ShardWriter(
        tmp_path, "data", SCHEMA, ShardSettings.of(Config(shard_max_bytes=10, row_group_rows=1))
    )
    for n in range(3):
        writer.write({"n": n, "s": "x" * 6})
    assert [s.rows for s in writer.close()] == [1, 1, 1]


def test_shards_roll_over_before_the_first_row_group_is_full(tmp_path: Path) -> None:
    writer = ShardWriter(
        tmp_path, "data", SCHEMA, ShardSettings.of(Config(shard_max_rows=2, row_group_rows=1000))
    )
    for n in range(5):
        writer.write({"n": n, "s": "x"})
    assert [s.rows for s in writer.close()] == [2, 2, 1]


def test_empty_table_writes_nothing(tmp_path: Path) -> None:
    assert ShardWriter(tmp_path, "rejects", SCHEMA, ShardSettings.of(Config())).close() == []
    assert not (tmp_path / "rejects").exists()


def test_same_rows_same_bytes(tmp_path: Path) -> None:
    digests = []
    for name in ("a", "b"):
        writer = ShardWriter(tmp_path / name, "data", SCHEMA, ShardSettings.of(Config()))
        for n in range(100):
            writer.write({"n": n, "s": "teks"})
        digests.append(writer.close()[0].sha256)
    assert digests[0] == digests[1]


def test_tables_are_cut_exactly_as_rows_are(tmp_path: Path) -> None:
    """``write_table`` (a worker made the table) gives the same shards, row groups and bytes as
    ``write`` row by row, wherever the tables' edges fall, mixed with single rows."""
    rows = [{"n": n, "s": "x" * (n % 7)} for n in range(40)]
    settings = ShardSettings.of(Config(shard_max_rows=9, shard_max_bytes=30, row_group_rows=4))
    one = ShardWriter(tmp_path / "one", "data", SCHEMA, settings)
    for row in rows:
        one.write(row)
    mixed = ShardWriter(tmp_path / "mixed", "data", SCHEMA, settings)
    start = 0
    for n, size in enumerate([3, 1, 0, 11, 2, 5, 1, 8]):  # tables of these sizes ...
        piece = rows[start : start + size]
        mixed.write_table(
            pa.Table.from_pylist(piece, schema=SCHEMA), [string_bytes(r) for r in piece]
        )
        start += size
        if n % 3 == 0 and start < len(rows):  # ... with single rows between some of them
            mixed.write(rows[start])
            start += 1
    for row in rows[start:]:
        mixed.write(row)
    expected, got = one.close(), mixed.close()
    assert len(expected) > 3 and mixed.total_rows == len(rows)
    assert [(s.path, s.rows, s.sha256) for s in got] == [
        (s.path, s.rows, s.sha256) for s in expected
    ]
    groups = pq.ParquetFile(tmp_path / "one" / expected[0].path).num_row_groups
    assert groups == pq.ParquetFile(tmp_path / "mixed" / got[0].path).num_row_groups > 1
