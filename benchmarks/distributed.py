"""A distributed ingest on a simulated Ray cluster vs the embedded ingest, same corpus, same run.

    uv run python benchmarks/distributed.py 20000 100000 [--nodes 3] [--files 8]

For each size N: a corpus of N generated articles (``benchmarks/dedup/generate.py``: real
sentences, 10% injected near-duplicates; one JSONL file, or ``--files`` of them), ingested

* embedded: ``corpus ingest DIR`` (two local workers), and
* distributed: ``corpus ingest DIR --executor ray --address A`` on a cluster simulated on this
  machine (``ray.cluster_utils.Cluster``: a head without CPUs and ``--nodes`` nodes of one CPU),

each in a fresh interpreter. Reported: wall seconds, the driver's (main process's) peak RSS
(overall and at the end of each step), whether the two versions hold the same content
(``tests.outputs.content``: rows in order, fates, counts, dedup index), and the driver's RSS
growth per article between consecutive sizes (the issue's bound: <= 100 bytes per article).
The workers' and tasks' peaks, counts and spool: ``benchmarks/scale.py DIR --simulated-cluster
3`` on a corpus already generated.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import measured_ingest, simulated_cluster  # benchmarks/ is on sys.path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import outputs  # noqa: E402  (the same "same content" the tests check)


def generate(n: int, folder: Path, files: int) -> Path:
    """N generated articles cut into ``files`` JSONL files (round-robin keeps each file's mix)."""
    whole = folder / "whole"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks/dedup/generate.py"), str(n), str(whole)],
        check=True,
        capture_output=True,
    )
    raw = folder / "raw"
    raw.mkdir()
    outs = [(raw / f"part-{k:03d}.jsonl").open("w", encoding="utf-8") for k in range(files)]
    with (whole / "articles.jsonl").open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            outs[i * files // n if n else 0].write(line)
    for out in outs:
        out.close()
    return raw


def driver_steps(version: Path) -> dict[str, float]:
    """The driver's peak RSS at the end of each step (MB): where its memory grew."""
    report = json.loads((version / "report.json").read_text())
    return {s: b / 2**20 for s, b in report["peak_rss_bytes"]["driver_by_step"].items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--files", type=int, default=1)
    parser.add_argument(
        "--distributed-only", action="store_true", help="no embedded run (no same-content check)"
    )
    args = parser.parse_args()
    with simulated_cluster(args.nodes) as address:
        print(f"cluster: head without CPUs + {args.nodes} nodes of 1 CPU at {address}\n")
        driver, by_step = _rows(args, address)
    for (n1, m1), (n2, m2) in itertools.pairwise(driver):
        per = (m2 - m1) * 1024 * 1024 / (n2 - n1)
        print(f"\ndriver peak RSS growth {n1:,} -> {n2:,} articles: {per:,.0f} bytes/article "
              f"(bound: <= 100)")  # fmt: skip
    print("\ndistributed driver's peak RSS at the end of each step, MB:")
    for n, steps in by_step:
        print(f"  {n:,}: " + ", ".join(f"{s} {mb:,.1f}" for s, mb in steps.items()))


def _rows(
    args: argparse.Namespace, address: str
) -> tuple[list[tuple[int, float]], list[tuple[int, dict[str, float]]]]:
    """A row per size (printed as it is measured); the driver's peaks, overall and by step."""
    print(
        "| articles | embedded s | distributed s | driver peak RSS embedded / distributed "
        "| same content |"
    )
    print("|---:|---:|---:|---|---|")
    driver: list[tuple[int, float]] = []
    by_step: list[tuple[int, dict[str, float]]] = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="corpus-dist-") as tmp:
            raw = generate(n, Path(tmp), args.files)
            local_s, local_mb = 0.0, 0.0
            if not args.distributed_only:
                local_s, local_mb, _ = measured_ingest([str(raw), "--out", f"{tmp}/local"])
            ray_s, ray_mb, _ = measured_ingest(
                [str(raw), "--out", f"{tmp}/ray", "--executor", "ray", "--address", address]
            )
            steps = driver_steps(next(Path(tmp, "ray").glob("*/v1.0.0")))
            same = args.distributed_only or outputs.content(
                next(Path(tmp, "local").glob("*/v1.0.0"))
            ) == outputs.content(next(Path(tmp, "ray").glob("*/v1.0.0")))
        driver.append((n, ray_mb))
        by_step.append((n, steps))
        print(f"| {n:,} | {local_s:,.1f} | {ray_s:,.1f} | {local_mb:,.0f} MB / {ray_mb:,.0f} MB "
              f"| {'-' if args.distributed_only else 'yes' if same else 'NO'} |", flush=True)  # fmt: skip
    return driver, by_step


if __name__ == "__main__":
    main()
