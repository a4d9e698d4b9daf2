"""Peak memory and time of one distributed linking task (``corpus.distributed.tasks.linked``).

    uv run python benchmarks/dedup/linking.py 3000000 [--tasks 281] [--parts 4]

Writes ``--tasks`` read tasks' fingerprint files (their ``url`` and ``bands`` columns, random
keys, 10% of the articles copies of an earlier one's keys, as the generated corpora have), then,
in a fresh interpreter, runs the linking task of partition 0 of ``--parts`` over them, as a first
ingest does (no published version): the tasks' keys read, the partition's (row, key) pairs
taken, the spanning forest built and written. Reported: the pairs, the linked articles, the
task's seconds and its peak RSS over the interpreter's start.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from corpus.dedup.minhash import BANDS
from corpus.distributed import parts
from corpus.storage import Place

_RUN = """
import json, resource, sys, time
from corpus import versions
from corpus.config import Config
from corpus.distributed import tasks
from corpus.storage import Place
from corpus.survey import Survey
folder, part, count, n = Place.local(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
work = tasks.Work(Config(), Survey(), versions.Takedowns.of(()), folder, folder, None)
start, clock = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter()
linked = tasks.linked(work, tasks.LinkJob(part, count, tuple(range(n))))
seconds = time.perf_counter() - clock
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"linked": linked, "seconds": seconds, "growth_kib": peak - start}))
"""


def write_keys(folder: Path, n: int, tasks: int, seed: int = 0) -> None:
    """``tasks`` files of ``url`` and ``bands`` for ``n`` articles in all."""
    rng = np.random.default_rng(seed)
    url = rng.integers(1, 2**63, n, dtype=np.uint64)
    bands = rng.integers(1, 2**32, (n, BANDS), dtype=np.uint32)
    copies = rng.choice(np.arange(1, n), n // 10, replace=False)
    bands[copies] = bands[rng.integers(0, copies)]  # a copy of an earlier article's body
    for t, rows in enumerate(np.array_split(np.arange(n), tasks)):
        data = np.ascontiguousarray(bands[rows])
        table = pa.table(
            {
                "url": pa.array(url[rows], pa.uint64()),
                "bands": pa.FixedSizeBinaryArray.from_buffers(
                    pa.binary(4 * BANDS), len(rows), [None, pa.py_buffer(data)]
                ),
            }
        )
        pq.write_table(table, parts.fingerprints_path(Place.local(folder), t).path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("articles", type=int)
    parser.add_argument("--tasks", type=int, default=281)
    parser.add_argument("--parts", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corpus-linking-") as tmp:
        write_keys(Path(tmp), args.articles, args.tasks)
        pairs = args.articles * (BANDS + 1) / args.parts  # a URL hash and a key per band
        done = subprocess.run(
            [sys.executable, "-c", _RUN, tmp, "0", str(args.parts), str(args.tasks)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        got = json.loads(done.stdout)
        mb = got["growth_kib"] / 1024
        print("| articles | partitions | pairs (about) | linked | seconds | peak RSS growth MB "
              "| bytes per pair |")  # fmt: skip
        print("|---:|---:|---:|---:|---:|---:|---:|")
        print(f"| {args.articles:,} | {args.parts} | {pairs:,.0f} | {got['linked']:,} "
              f"| {got['seconds']:.1f} | {mb:,.0f} | {got['growth_kib'] * 1024 / pairs:,.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
