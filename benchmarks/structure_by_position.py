"""Structure's CPU per article at several places of one big JSONL corpus: does an article
cost more to structure in a bigger corpus? (docs/scaling.md: the 1M run's 2.3 ms per article.)

    uv run python benchmarks/structure_by_position.py FILE.jsonl [FILE2.jsonl] [--at 0 0.5 0.97]

Takes ``--n`` consecutive records from each fraction ``--at`` of each file (seeking, then
skipping to the next line), runs the structure stage over each sample in this process, rounds
interleaved, and prints each sample's best microseconds per article (CPU time).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from corpus import sources, structure
from corpus.config import Config
from corpus.records import RawRecord
from corpus.stats import Stats
from corpus.survey import Survey


def sample(path: Path, at: float, n: int, folder: Path) -> list[RawRecord]:
    """``n`` records from fraction ``at`` of the JSONL file ``path``."""
    with path.open("rb") as f:
        f.seek(int(os.path.getsize(path) * at))
        if at:
            f.readline()  # the rest of a record cut by the seek
        lines = [f.readline() for _ in range(n)]
    (folder / "sample.jsonl").write_bytes(b"".join(lines))
    files, _ = sources.discover([folder])
    return [r for r in sources.run(files, Config(), Stats()) if isinstance(r, RawRecord)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--at", nargs="+", type=float, default=[0.0, 0.5, 0.97])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    samples: dict[str, list[RawRecord]] = {}
    for path in args.files:
        for at in args.at:
            with tempfile.TemporaryDirectory() as tmp:
                samples[f"{path} @ {at:.0%}"] = sample(path, at, args.n, Path(tmp))
    cfg, hints = Config(), Survey().hints()
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, records in samples.items():
            started = time.process_time()
            for _ in structure.run(iter(records), Stats(), cfg, hints):
                pass
            per = (time.process_time() - started) / len(records) * 1e6
            best[name] = min(best.get(name, per), per)
    for name, us in best.items():
        print(f"{name}: {us:,.0f} us per article ({len(samples[name]):,} articles)")


if __name__ == "__main__":
    main()
