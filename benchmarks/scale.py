"""Whole `corpus ingest` runs at growing sizes: wall time, throughput, peak RSS.

    uv run python benchmarks/scale.py DIR [DIR ...]

Each DIR holds the raw files of one corpus, e.g. the ones `benchmarks/dedup/generate.py` writes
(10k/100k/1M articles built from the shared real articles, with injected near-duplicates).
Each run goes to a fresh temporary output folder with the default settings (one worker per
core). Prints a Markdown table.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from _measure import measured_ingest  # benchmarks/ is on sys.path when run as a script


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(
        "| corpus | records | accepted | duplicates | rejected | seconds | records/s | peak RSS main / worker |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for raw in map(Path, sys.argv[1:]):
        with tempfile.TemporaryDirectory(prefix="corpus-scale-") as out:
            seconds, main_mb, worker_mb = measured_ingest([str(raw), "--out", out])
            manifest = json.loads(next(Path(out).glob("*/v1.0.0/manifest.json")).read_text())
        c = manifest["counts"]
        print(
            f"| {raw} | {c['read']:,} | {c['accepted']:,} | {c['duplicates']:,} | {c['rejected']:,} "
            f"| {seconds:,.1f} | {c['read'] / seconds:,.0f} "
            f"| {main_mb:,.0f} MB / {worker_mb:,.0f} MB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
