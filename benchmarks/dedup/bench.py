"""Dedup at scale: time and peak RSS of each phase, index size, recall of injected near-dups.

    uv run python benchmarks/dedup/bench.py CORPUS_DIR [--save-index DIR] [--against DIR]

``CORPUS_DIR`` is what ``generate.py`` wrote. Runs dedup's phases as the pipeline does, in this
process alone: fingerprints per batch of 1,000 (the workers' part in an ingest) into a
``FingerprintStore``; ``plan`` (candidates, exact verification of candidate pairs: their texts
are read again from the JSONL, only theirs are shingled; clustering); ``route`` (a second
pass over the JSONL, by key). Prints one JSON line. ``--save-index`` keeps the version's dedup
index (for a later incremental run) and, beside it, ``clusters.json`` (duplicate -> cluster,
only to score the next run) and ``source.txt`` (where the published texts are);
``--against`` deduplicates against such an index (the incremental ingest).
Run each size in its own process: peak RSS is the process's high-water mark.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import sys
import time
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from corpus import dedup
from corpus.config import Config
from corpus.records import Article, Duplicate, Provenance
from corpus.stats import Stats


def articles(path: Path) -> Iterator[Article]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            row = json.loads(line)
            yield Article(
                row["id"], row["url"], row["publisher"], row["title"], row["published"],
                None, (), (), (), (), None, row["text"], (), None, None,
                len(row["text"].split()), "{}", Provenance(path.name, n, n, "", "jsonl"),
            )  # fmt: skip


def rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def published_reader(source: Path | None) -> dedup.Texts:
    """(id, text) of the earlier run's articles, for the incremental run's exact checks."""

    def read(ids: Collection[str]) -> Iterable[tuple[str, str]]:
        wanted = set(ids)
        for a in articles(source) if source else ():
            if a.id in wanted:
                yield a.id, a.text

    return dedup.Texts(run=lambda: (), published=read)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--save-index", type=Path)
    parser.add_argument("--against", type=Path)
    args = parser.parse_args(argv)
    cfg = Config()
    settings = dedup.DedupSettings.of(cfg)
    source = args.corpus / "articles.jsonl"
    clock = {"start": time.perf_counter()}
    cpus = {"start": time.process_time()}
    index = dedup.DedupIndex.load(args.against) if args.against else dedup.DedupIndex()
    index_rows = len(index)
    index_bytes = (
        index.ids.nbytes + index.exact.nbytes + index.url.nbytes + index.size.nbytes
        + index.bands.nbytes
    )  # fmt: skip
    earlier = Path((args.against / "source.txt").read_text()) if args.against else None
    # article -> cluster of the earlier run too: an original may itself have been a duplicate
    cluster: dict[str, str] = (
        json.loads((args.against / "clusters.json").read_text()) if args.against else {}
    )
    clock["index loaded"], cpus["index loaded"] = time.perf_counter(), time.process_time()
    reasons: dict[str, int] = {}
    with dedup.FingerprintStore() as store:
        batch: list[Article] = []
        for article in articles(source):
            batch.append(article)
            if len(batch) == 1000:
                store.add(dedup.Fingerprints.of(batch, cfg.dedup_ngram))
                batch = []
        store.add(dedup.Fingerprints.of(batch, cfg.dedup_ngram))
        fps = store.finish()
        clock["fingerprints"], cpus["fingerprints"] = time.perf_counter(), time.process_time()
        rss = {"after fingerprints": rss_mb()}
        texts = dedup.Texts(lambda: articles(source), published_reader(earlier).published)
        plan = dedup.plan(fps, index, settings, texts)
        clock["plan"], cpus["plan"] = time.perf_counter(), time.process_time()
        rss["after plan"] = rss_mb()
        index.add(fps, plan.kept())
        for item in dedup.route(articles(source), plan, Stats()):
            if isinstance(item, Duplicate):
                cluster[item.article.id] = item.cluster_id
                reasons[item.reason] = reasons.get(item.reason, 0) + 1
        clock["route"], cpus["route"] = time.perf_counter(), time.process_time()
        if args.save_index:
            index.save(args.save_index, cfg.dedup_ngram)
            (args.save_index / "clusters.json").write_text(json.dumps(cluster))
            (args.save_index / "source.txt").write_text(str(source.resolve()))
        clock["index saved"], cpus["index saved"] = time.perf_counter(), time.process_time()
    print(
        json.dumps(
            summary(args.corpus, clock, cpus, rss, plan, reasons, cluster, index_rows, index_bytes)
        )
    )
    return 0


def summary(
    corpus: Path,
    clock: dict[str, float],
    cpus: dict[str, float],
    rss: dict[str, int],
    plan: dedup.Plan,
    reasons: dict[str, int],
    cluster: dict[str, str],
    index_rows: int,
    index_bytes: int,
) -> dict[str, object]:
    names = list(clock)
    seconds = {b: round(clock[b] - clock[a], 2) for a, b in itertools.pairwise(names)}
    cpu = {b: round(cpus[b] - cpus[a], 2) for a, b in itertools.pairwise(names)}
    found = injected = 0
    by_kind: dict[str, list[int]] = {}
    with (corpus / "truth.tsv").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            dup, orig, kind = line.rstrip("\n").split("\t")
            hit = cluster.get(dup, dup) == cluster.get(orig, orig)
            injected += 1
            found += hit
            by_kind.setdefault(kind, [0, 0])[0] += hit
            by_kind[kind][1] += 1
    return {
        "articles": len(plan),
        "index_rows_before": index_rows,
        "index_bytes_per_row_in_memory": round(index_bytes / index_rows, 1) if index_rows else None,
        "wall_s": seconds,
        "cpu_s": cpu,  # the machine is shared: CPU time is this process's own work
        "dedup_cpu_s_without_fingerprints": round(cpu["plan"] + cpu["route"], 2),
        "pairs_checked_exactly": plan.pairs_checked,
        "shingle_sets_read": plan.sets_read,
        "peak_rss_mb": rss | {"end": rss_mb()},
        "process_cpu_s": round(time.process_time(), 1),
        "duplicates": reasons,
        "injected": injected,
        "injected_found": found,
        "recall": round(found / injected, 4) if injected else None,
        "recall_by_kind": {k: round(f / t, 4) for k, (f, t) in sorted(by_kind.items())},
        "unexpected_duplicates": sum(reasons.values()) - found,
    }


if __name__ == "__main__":
    sys.exit(main())
