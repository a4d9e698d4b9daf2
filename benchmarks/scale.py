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
        "| corpus | records | accepted | duplicates | rejected | seconds | records/s "
        "| peak RSS main / worker | units / dedup / write+finish s | worker CPU s: structure / langid / fingerprints |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---|---|")
    for raw in map(Path, sys.argv[1:]):
        with tempfile.TemporaryDirectory(prefix="corpus-scale-") as out:
            seconds, main_mb, _ = measured_ingest([str(raw), "--out", out])
            version = next(Path(out).glob("*/v1.0.0"))
            manifest = json.loads((version / "manifest.json").read_text())
            report = json.loads((version / "report.json").read_text())
        c, d = manifest["counts"], report["driver_seconds"]
        cpu = {k: v["cpu_seconds"] for k, v in report["per_record_stages"].items()}
        # the workers' own peak (they are the forkserver's children, not the ingest's: its
        # RUSAGE_CHILDREN never sees them)
        worker_mb = report["peak_rss_bytes"]["worker"] / 2**20
        print(
            f"| {raw} | {c['read']:,} | {c['accepted']:,} | {c['duplicates']:,} | {c['rejected']:,} "
            f"| {seconds:,.1f} | {c['read'] / seconds:,.0f} "
            f"| {main_mb:,.0f} MB / {worker_mb:,.0f} MB "
            f"| {d['units']:,.1f} / {d['dedup']:,.1f} / {d['write'] + d['finish']:,.1f} "
            f"| {cpu['structure']:,.0f} / {cpu['langid']:,.0f} / {cpu['fingerprints']:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
