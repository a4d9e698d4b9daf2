"""Peak memory of one distributed linking task (``corpus.distributed.tasks.linked``'s work).

    uv run python benchmarks/dedup/linking.py 3000000 [--tasks 281] [--parts 4]

Writes ``--tasks`` key files (the ``url`` and ``bands`` columns of a read task's fingerprints,
random keys, 10% of the articles copies of an earlier one's keys, as the generated corpora
have), then, each in a fresh interpreter, runs one partition's linking as the task does: the
tasks' keys read, that partition's (row, key) pairs taken, the spanning forest built. Reported:
the process's peak RSS over its start, for the keys taken task by task (the code today) and
all read first (the code before the twelfth session), with the pairs it held.
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

_RUN = """
import json, resource, sys
from pathlib import Path
from corpus.distributed import components, parts, tasks
from corpus.storage import Place
folder, part, count, whole = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
paths = sorted(folder.glob("keys-*.parquet"))
read = (parts.read_keys(Place.local(p)) for p in paths)
ordinals, keys = tasks._keys_of(list(read) if whole == "whole" else read, part, count)
found, least = components.forest(ordinals, keys)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"pairs": len(keys), "linked": len(found), "growth_kib": peak - start}))
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
        pq.write_table(table, folder / f"keys-{t:06d}.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("articles", type=int)
    parser.add_argument("--tasks", type=int, default=281)
    parser.add_argument("--parts", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corpus-linking-") as tmp:
        write_keys(Path(tmp), args.articles, args.tasks)
        print("| keys read | pairs | linked | peak RSS growth MB | bytes per pair |")
        print("|---|---:|---:|---:|---:|")
        for whole in ("by task", "whole"):
            done = subprocess.run(
                [sys.executable, "-c", _RUN, tmp, "0", str(args.parts), whole],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            got = json.loads(done.stdout)
            mb = got["growth_kib"] / 1024
            print(f"| {whole} | {got['pairs']:,} | {got['linked']:,} | {mb:,.0f} "
                  f"| {got['growth_kib'] * 1024 / max(got['pairs'], 1):,.0f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
