"""The key files of dedup index parts: a partition read from its row groups holds exactly the
keys that partitioning the columns gives (so a distributed lookup reads its partition only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from corpus.dedup.keys import PARTITIONS, key_rows, partition_keys, read_keys, write_keys
from corpus.dedup.minhash import BANDS


def columns(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    url = rng.integers(1, 2**63, n, dtype=np.uint64)
    url[rng.random(n) < 0.3] = 0  # records without a URL have no URL key
    bands = rng.integers(0, 2**32, (n, BANDS), dtype=np.uint64).astype(np.uint32)
    bands[5] = bands[3]  # a shared band key: both rows are found in its partition
    return url, bands


@pytest.mark.parametrize("parts", [1, 2, 4, 64])
def test_a_partition_read_from_its_row_groups_is_the_partition(tmp_path: Path, parts: int) -> None:
    url, bands = columns(500)
    path = write_keys(tmp_path / "keys-00001.parquet", url, bands)
    seen = 0
    for part in range(parts):
        rows, keys = read_keys(path, part, parts)
        want_rows, want_keys = partition_keys(url, bands, part, parts)
        assert sorted(zip(rows.tolist(), keys.tolist(), strict=True)) == sorted(
            zip(want_rows.tolist(), want_keys.tolist(), strict=True)
        )
        seen += len(rows)
    assert seen == len(key_rows(url, bands)[0]) == int((url != 0).sum()) + 500 * BANDS
    groups = pq.ParquetFile(path).metadata.num_row_groups
    assert 1 < groups <= PARTITIONS  # a row group per partition present


def test_url_hashes_and_band_keys_never_meet(tmp_path: Path) -> None:
    url = np.array([12345, 0], np.uint64)
    bands = np.zeros((2, BANDS), np.uint32)
    bands[1, 0] = 12345  # the same value as row 0's URL hash, in a band column
    rows, keys, _ = key_rows(url, bands)
    assert 12345 << 8 in keys[rows == 0].tolist()  # row 0's URL key
    assert 12345 << 8 not in keys[rows == 1].tolist()
    assert (12345 << 8) | 1 in keys[rows == 1].tolist()  # row 1's first band key
    assert int((rows == 1).sum()) == BANDS  # no URL: no URL key


def test_partition_counts_must_divide_the_files(tmp_path: Path) -> None:
    url, bands = columns(10)
    path = write_keys(tmp_path / "keys-00001.parquet", url, bands)
    with pytest.raises(ValueError, match="divide"):
        read_keys(path, 0, 3)
