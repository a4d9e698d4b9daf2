"""Structure-stage throughput on a real corpus (articles per second, one process, one core).

    uv run python benchmarks/structure.py [RAW_DIR] [--rules FILE]
    # default: ../shared/corpora/news-id-2019, the reviewed rules in rules/boilerplate.toml if any

Records are read and validated first (not timed); then ``structure.run`` is timed over all of
them, best of three runs, alone and followed by the learned-boilerplate layer (with the
survey's statistics of the whole input timed apart). The issue's floor is 2,000 articles/s per
core with the learned statistics. Each rate is also given per second of this process's CPU
time, which a machine busy with other work changes less than the wall clock. Then the two other
per-file and per-article costs next to structure in an ingest: the survey as an ingest runs it
(``survey.survey``: reading each file, line statistics, date orders, title suffixes) and dedup's
fingerprints of the structured articles (``Fingerprints.of``, units of 1,000), CPU seconds, best
of three.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from corpus import dedup, learned, sources, structure, survey, validate
from corpus.config import DEFAULT_BOILERPLATE_RULES, Config
from corpus.records import RawRecord
from corpus.stats import Stats

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "news-id-2019"


def main() -> None:
    args = sys.argv[1:]
    rules = None
    if "--rules" in args:
        at = args.index("--rules")
        rules = Path(args[at + 1])
        del args[at : at + 2]
    elif DEFAULT_BOILERPLATE_RULES.is_file():
        rules = DEFAULT_BOILERPLATE_RULES
    raw = Path(args[0]) if args else DEFAULT
    if not raw.exists():
        sys.exit(f"{raw} not found: pass a raw folder (the shared corpora live in ../shared)")
    cfg = Config(boilerplate_rules=rules)
    files, _ = sources.discover([raw])
    records = [
        r
        for r in validate.run(sources.run(files, cfg, Stats()), cfg, Stats())
        if isinstance(r, RawRecord)
    ]
    best, cpu = float("inf"), float("inf")
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        n = sum(1 for _ in structure.run(records, Stats(), cfg))
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    print(
        f"{raw.name}: {n:,} articles in {best:.2f} s = {n / best:,.0f} articles/s"
        f" ({n / cpu:,.0f}/s of CPU time) (rules: {rules})"
    )
    # With the learned statistics, as an ingest runs it: the survey's line statistics of the
    # whole input (timed once), then structure + learned stripping per article (best of three).
    start = time.perf_counter()
    learned_bp = learned.LearnedBoilerplate.build(learned.learn(records))
    survey_seconds = time.perf_counter() - start
    best, cpu = float("inf"), float("inf")
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        stats = Stats()
        n = sum(
            1 for a in structure.run(records, stats, cfg) if learned.apply(a, learned_bp, stats)
        )
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    print(
        f"{raw.name}: with learned boilerplate {n / best:,.0f} articles/s "
        f"({n / cpu:,.0f}/s of CPU time) "
        f"(+ the survey's statistics: {survey_seconds:.2f} s = {n / survey_seconds:,.0f} records/s)"
    )
    rules_set = structure.rules_for(cfg)
    cpu = min(_cpu(lambda: survey.survey(files, cfg, rules_set, None)) for _ in range(3))
    print(f"{raw.name}: survey {cpu:.2f} CPU s = {len(records) / cpu:,.0f} records/s of CPU time")
    articles = list(structure.run(records, Stats(), cfg))

    def fingerprints() -> None:
        for lo in range(0, len(articles), 1000):
            dedup.Fingerprints.of(articles[lo : lo + 1000], cfg.dedup_ngram)

    cpu = min(_cpu(fingerprints) for _ in range(3))
    print(
        f"{raw.name}: fingerprints {cpu:.2f} CPU s = {len(articles) / cpu:,.0f} articles/s of "
        "CPU time"
    )


def _cpu(work: Callable[[], object]) -> float:
    """CPU seconds of this process that ``work`` takes."""
    start = time.process_time()
    work()
    return time.process_time() - start


if __name__ == "__main__":
    main()
