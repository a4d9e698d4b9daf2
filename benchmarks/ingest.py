"""Whole-run ingest benchmark on a real corpus: throughput, peak RSS, and per-stage cost.

    uv run python benchmarks/ingest.py [RAW_DIR]   # default ../shared/corpora/news-id-2019

Prints a Markdown table. Stage costs are measured by running each stage alone over the same
records in this process (read; read+validate; +structure; +langid), so differences between
rows are each stage's share; the last row is the real pipeline writing a version.
"""

from __future__ import annotations

import importlib.util
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from _measure import measured_ingest  # benchmarks/ is on sys.path when run as a script
from floor import io_floor

from corpus import langid, sources, structure, validate
from corpus.config import Config
from corpus.records import RawRecord
from corpus.stats import Stats

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "news-id-2019"


def timed(label: str, work: Callable[[], int], rows: list[tuple[str, float, int]]) -> None:
    start = time.perf_counter()
    n = work()
    rows.append((label, time.perf_counter() - start, n))


def drain(items: Iterable[object]) -> int:
    return sum(1 for _ in items)


def main() -> None:
    raw = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not raw.exists():
        sys.exit(f"{raw} not found: pass a raw folder (the shared corpora live in ../shared)")
    cfg = Config()
    files, _ = sources.discover([raw])
    rows: list[tuple[str, float, int]] = []

    def read() -> Iterable[object]:
        return sources.run(files, cfg, Stats())

    def valid() -> list[RawRecord]:
        return [
            r
            for r in validate.run(sources.run(files, cfg, Stats()), cfg, Stats())
            if isinstance(r, RawRecord)
        ]

    # The whole runs go first: a child started later inherits this process's peak RSS (vfork).
    timed("I/O floor: read + write zstd Parquet", lambda: io_floor(files, cfg), rows)
    result: dict[str, int] = {}
    peaks: dict[int, float] = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:

            def full(workers: int = workers, tmp: str = tmp) -> int:
                _, main_mb, worker_mb = measured_ingest(
                    [str(raw), "--out", tmp, "--workers", str(workers)]
                )
                peaks[workers] = max(main_mb, worker_mb)
                manifest = json.loads(next(Path(tmp).glob("*/v1.0.0/manifest.json")).read_text())
                result.update(manifest["counts"])
                return int(manifest["counts"]["read"])

            timed(f"full `corpus ingest`, {workers} worker(s)", full, rows)
    if importlib.util.find_spec("ray"):  # the corpus[ray] extra
        with tempfile.TemporaryDirectory() as tmp:

            def on_ray(tmp: str = tmp) -> int:
                measured_ingest([str(raw), "--out", tmp, "--executor", "ray", "--workers", "2"])
                return result["read"]

            timed(
                "full `corpus ingest --executor ray` (local Ray, 2 CPUs, incl. start)", on_ray, rows
            )
    timed("read", lambda: drain(read()), rows)
    timed("read + validate", lambda: drain(validate.run(read(), cfg, Stats())), rows)  # type: ignore[arg-type]
    records = valid()
    timed("structure only", lambda: drain(structure.run(records, Stats())), rows)
    articles = list(structure.run(records, Stats()))
    timed("langid only", lambda: drain(langid.run(articles, cfg, Stats())), rows)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Corpus: {raw} ({len(files)} files); counts {result}")
    print("| step | seconds | records | records/s |")
    print("|---|---:|---:|---:|")
    for label, seconds, n in rows:
        print(f"| {label} | {seconds:.2f} | {n:,} | {n / seconds:,.0f} |")
    floor = next(sec for label, sec, _ in rows if label.startswith("I/O floor"))
    for label, sec, _ in rows:
        if label.startswith("full"):
            print(f"{label}: {sec / floor:.1f}x the I/O floor")
    print(f"\npeak RSS of the benchmark process (per-stage rows): {peak_mb:,.0f} MB")
    print(
        "peak RSS of an ingest (largest process): "
        + ", ".join(f"{w} worker(s) {mb:,.0f} MB" for w, mb in peaks.items())
    )


if __name__ == "__main__":
    main()
