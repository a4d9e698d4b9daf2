from __future__ import annotations

import functools
import pickle

from corpus.executor import batched, default_workers, map_batches
from corpus.records import Provenance, RawRecord


def _square_all(offset: int, batch: list[int]) -> list[int]:
    return [offset + x * x for x in batch]


def test_batched() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


def test_results_keep_input_order_with_any_worker_count() -> None:
    fn = functools.partial(_square_all, 1)
    expected = [[1 + x * x for x in batch] for batch in batched(range(50), 4)]
    assert list(map_batches(fn, range(50), workers=1, batch_size=4)) == expected
    assert list(map_batches(fn, range(50), workers=2, batch_size=4)) == expected


def test_records_cross_process_boundaries() -> None:
    record = RawRecord({"text": "x"}, {"a": 1}, Provenance("f", 1, 1, "0" * 64, "csv"), "raw")
    assert pickle.loads(pickle.dumps(record)) == record
    assert default_workers() >= 1
