"""Cost of learned boilerplate on a real corpus: the statistics pre-pass, and applying them.

    uv run python benchmarks/learned.py [RAW_DIR ...] [--map FIELD=COLUMN ...]
    # default: ../shared/corpora/news-id-2019

Runs in a fresh interpreter per measurement so peak RSS is the step's own. Reports, best of three:
reading the records (the I/O floor the pre-pass adds if the driver reads twice), ``learn`` over
them (records/s), building ``LearnedBoilerplate``, ``strip`` over every record (records/s, what
structure pays), the statistics' bytes per record, the saved Parquet's size, and peak RSS.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "news-id-2019"

_CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
from corpus import sources
from corpus.config import Config, parse_map_options
from corpus.learned import LearnedBoilerplate, learn, scope_of
from corpus.records import RawRecord
from corpus.stats import Stats

paths, maps, step = json.loads(sys.argv[1])
cfg = Config(column_map=parse_map_options(maps))
scope_of("https://kompas.com/", "")  # the public-suffix list loads once per process (~0.3 s)
started = time.perf_counter()
files, _ = sources.discover([Path(p) for p in paths])
records = [r for r in sources.run(files, cfg, Stats()) if isinstance(r, RawRecord)]
out = {"records": len(records), "read_s": time.perf_counter() - started}
if step != "read":
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    stats = learn(records)
    out["learn_s"] = time.perf_counter() - started
    out["table_bytes"] = stats.nbytes()
    with tempfile.TemporaryDirectory() as tmp:
        out["parquet_bytes"] = sum(p.stat().st_size for p in stats.save(Path(tmp)))
    started = time.perf_counter()
    learned = LearnedBoilerplate.build(stats)
    out["build_s"] = time.perf_counter() - started
    texts = [(r.fields.get("text"), scope_of(r.fields.get("url"), r.provenance.path)) for r in records]
    started = time.perf_counter()
    removed = sum(len(learned.strip(t, s)[1]) for t, s in texts if isinstance(t, str))
    out["strip_s"] = time.perf_counter() - started
    out["removed"] = removed
    out["learn_peak_mb_over_read"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def measure(paths: list[str], maps: list[str], step: str) -> dict[str, float]:
    """One measurement in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps([paths, maps, step])],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Measure and print."""
    args = sys.argv[1:]
    maps = [args[i + 1] for i, a in enumerate(args) if a == "--map"]
    paths = [a for i, a in enumerate(args) if a != "--map" and (i == 0 or args[i - 1] != "--map")]
    paths = paths or [str(DEFAULT)]
    if not all(Path(p).exists() for p in paths):
        print(f"skipped: {paths} not present")
        return
    runs = [measure(paths, maps, "learn") for _ in range(3)]
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    n = best["records"]
    print(f"records            {n:,.0f}")
    print(f"read (I/O floor)   {best['read_s']:.2f} s")
    print(f"learn              {best['learn_s']:.2f} s   {n / best['learn_s']:,.0f} records/s")
    print(f"build              {best['build_s']:.3f} s")
    print(f"strip (all)        {best['strip_s']:.2f} s   {n / best['strip_s']:,.0f} records/s")
    print(f"removed pieces     {best['removed']:,.0f}")
    print(
        f"statistics         {best['table_bytes'] / n:,.0f} B/record in memory, "
        f"{best['parquet_bytes'] / n:,.0f} B/record as Parquet"
    )
    print(
        f"peak RSS           {best['peak_mb']:.0f} MB "
        f"(+{best['learn_peak_mb_over_read']:.0f} MB over holding the records)"
    )


if __name__ == "__main__":
    main()
