"""Whole `corpus ingest` runs at growing sizes: wall time, throughput, peak RSS.

    uv run python benchmarks/scale.py DIR [DIR ...]

Each DIR holds the raw files of one corpus, e.g. the ones `benchmarks/dedup/generate.py` writes
(10k/100k/1M articles built from the shared real articles, with injected near-duplicates).
Each run goes to a fresh temporary output folder with the default settings (one worker per
core). Prints a Markdown table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# `corpus ingest` in a fresh interpreter that reports its own peak RSS and its largest
# worker's (KiB): the numbers are the ingest's, not this script's.
_MEASURED = """
import json, resource, sys
from corpus.cli import app
try:
    app(["ingest", *sys.argv[1:]], standalone_mode=False)
finally:
    usage = {k: resource.getrusage(getattr(resource, "RUSAGE_" + k.upper())).ru_maxrss for k in ("self", "children")}
    sys.stderr.write(json.dumps(usage) + "\\n")
"""


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(
        "| corpus | records | accepted | duplicates | rejected | seconds | records/s | peak RSS main / worker |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for raw in map(Path, sys.argv[1:]):
        with tempfile.TemporaryDirectory(prefix="corpus-scale-") as out:
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", _MEASURED, str(raw), "--out", out],
                check=True,
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - started
            usage = json.loads(done.stderr.strip().splitlines()[-1])
            manifest = json.loads(next(Path(out).glob("*/v1.0.0/manifest.json")).read_text())
        c = manifest["counts"]
        print(
            f"| {raw} | {c['read']:,} | {c['accepted']:,} | {c['duplicates']:,} | {c['rejected']:,} "
            f"| {seconds:,.1f} | {c['read'] / seconds:,.0f} "
            f"| {usage['self'] / 1024:,.0f} MB / {usage['children'] / 1024:,.0f} MB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
