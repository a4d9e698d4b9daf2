"""Whole `corpus ingest` runs at growing sizes: wall time, throughput, peak RSS.

    uv run python benchmarks/scale.py DIR [DIR ...] [--simulated-cluster N] [-- INGEST_FLAGS ...]
    # e.g. -- --distributed   (the distributed ingest on local worker processes)

``--simulated-cluster N`` runs each ingest with ``--executor ray`` on a Ray cluster simulated
on this machine (a head without CPUs and N nodes of one CPU; ``benchmarks/distributed.py``).

Each DIR holds the raw files of one corpus, e.g. the ones `benchmarks/dedup/generate.py` writes
(10k/100k/1M articles built from the shared real articles, with injected near-duplicates).
Each run goes to a fresh temporary output folder with the default settings (one worker per
core) and the flags after ``--``. Prints a Markdown table (the spool: what the run kept on disk
between its steps, its report's ``spool_bytes``), then the driver's peak RSS at the end of each
step of each run (where its memory grew).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from _measure import measured_ingest, simulated_cluster  # benchmarks/ is on sys.path


def main() -> None:
    args = sys.argv[1:]
    flags = args[args.index("--") + 1 :] if "--" in args else []
    dirs = args[: args.index("--")] if "--" in args else args
    nodes = 0
    if "--simulated-cluster" in dirs:
        at = dirs.index("--simulated-cluster")
        nodes = int(dirs[at + 1])
        del dirs[at : at + 2]
    if not dirs:
        sys.exit(__doc__)
    if not nodes:
        _table(dirs, flags)
        return
    with simulated_cluster(nodes) as address:
        print(f"cluster: head without CPUs + {nodes} nodes of 1 CPU at {address}\n")
        _table(dirs, [*flags, "--executor", "ray", "--address", address])


def _table(dirs: list[str], flags: list[str]) -> None:
    """A row per corpus, printed as it is measured; then the peaks by step and by task."""
    steps: list[str] = []
    print(
        "| corpus | records | accepted | duplicates | rejected | seconds | records/s "
        "| peak RSS main / worker | spool MB | units / dedup / write+finish s "
        "| worker CPU s: structure / langid / fingerprints |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---|---|")
    for raw in map(Path, dirs):
        with tempfile.TemporaryDirectory(prefix="corpus-scale-") as out:
            seconds, main_mb, _ = measured_ingest([str(raw), "--out", out, *flags])
            version = next(Path(out).glob("*/v1.0.0"))
            manifest = json.loads((version / "manifest.json").read_text())
            report = json.loads((version / "report.json").read_text())
        c, d = manifest["counts"], report["driver_seconds"]
        cpu = {k: v["cpu_seconds"] for k, v in report["per_record_stages"].items()}
        # the workers' own peak (they are the forkserver's children, not the ingest's: its
        # RUSAGE_CHILDREN never sees them)
        worker_mb = report["peak_rss_bytes"]["worker"] / 2**20
        by_step = report["peak_rss_bytes"]["driver_by_step"].items()
        steps.append(f"{raw}: " + ", ".join(f"{s} {b / 2**20:,.0f}" for s, b in by_step))
        tasks = report["peak_rss_bytes"].get("worker_by_task", {}).items()
        if tasks:  # a distributed run: each kind of task's biggest peak
            growth = report["peak_rss_bytes"]["task_growth_by_task"]
            steps.append(
                f"{raw} tasks, peak (own growth): "
                + ", ".join(
                    f"{k} {b / 2**20:,.0f} ({growth.get(k, 0) / 2**20:,.0f})" for k, b in tasks
                )
            )
        print(
            f"| {raw} | {c['read']:,} | {c['accepted']:,} | {c['duplicates']:,} | {c['rejected']:,} "
            f"| {seconds:,.1f} | {c['read'] / seconds:,.0f} "
            f"| {main_mb:,.0f} MB / {worker_mb:,.0f} MB "
            f"| {report['facts'].get('spool_bytes', 0) / 2**20:,.0f} "
            f"| {d['units']:,.1f} / {d['dedup']:,.1f} / {d['write'] + d['finish']:,.1f} "
            f"| {cpu['structure']:,.0f} / {cpu['langid']:,.0f} / {cpu['fingerprints']:,.0f} |",
            flush=True,
        )
    print("\npeak RSS (MB): the driver at the end of each step; tasks", *steps, sep="\n")


if __name__ == "__main__":
    main()
