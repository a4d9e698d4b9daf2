"""Dedup at scale: throughput, peak RSS, index size and recall of injected near-duplicates.

    uv run python benchmarks/dedup/bench.py CORPUS_DIR [--save-index DIR] [--against DIR]

``CORPUS_DIR`` is what ``generate.py`` wrote. Runs the dedup stage exactly as the pipeline does
(``dedup.run`` with the Parquet spool) on the generated articles, in this process alone, and
prints one JSON line. ``--save-index`` keeps the version's dedup index (for a later
incremental run); ``--against`` deduplicates against such an index (the incremental ingest). Next to the index,
``clusters.json`` keeps the run's duplicate -> cluster map, only to score the next run.
Run each size in its own process: peak RSS is the process's high-water mark.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from corpus import dedup
from corpus.config import Config
from corpus.records import Article, Duplicate, Provenance
from corpus.shards import Spool
from corpus.stats import Stats


def articles(path: Path) -> Iterator[Article]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            yield Article(
                row["id"], row["url"], row["publisher"], row["title"], row["published"],
                None, (), (), (), (), None, row["text"], (), None, None,
                len(row["text"].split()), "{}", Provenance(row["id"], None, None, "", "jsonl"),
            )  # fmt: skip


def signature_rate(path: Path, n: int = 20_000) -> tuple[float, float]:
    """Articles per second of signature computation alone (one core), and mean body bytes."""
    texts = []
    for a in articles(path):
        texts.append(a.text)
        if len(texts) >= n:
            break
    start = time.process_time()  # CPU time: the machine is shared, wall time is not one core's
    for lo in range(0, len(texts), 1000):
        dedup.signatures(texts[lo : lo + 1000], 3)
    took = time.process_time() - start
    return len(texts) / took, sum(len(t.encode()) for t in texts) / len(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--save-index", type=Path)
    parser.add_argument("--against", type=Path)
    args = parser.parse_args(argv)
    cfg = Config()
    source = args.corpus / "articles.jsonl"
    start = time.perf_counter()
    index = dedup.DedupIndex.load(args.against) if args.against else dedup.DedupIndex()
    loaded = time.perf_counter() - start
    index_rows = len(index)
    index_bytes = (
        index.ids.nbytes + index.exact.nbytes + index.url.nbytes + index.size.nbytes
        + index.bands.nbytes
    )  # fmt: skip
    # article -> cluster of the earlier run too: an original may itself have been a duplicate
    cluster: dict[str, str] = (
        json.loads((args.against / "clusters.json").read_text()) if args.against else {}
    )
    reasons: dict[str, int] = {}
    n = 0
    with tempfile.TemporaryDirectory(prefix="dedup-bench-") as tmp:
        spool = Spool(Path(tmp) / "spool.parquet", cfg)
        for item in dedup.run(articles(source), cfg, Stats(), spool, index=index):
            n += 1
            if isinstance(item, Duplicate):
                cluster[item.article.id] = item.cluster_id
                reasons[item.reason] = reasons.get(item.reason, 0) + 1
        ran = time.perf_counter() - start
        if args.save_index:
            index.save(args.save_index, cfg.dedup_ngram)
            (args.save_index / "clusters.json").write_text(json.dumps(cluster))
    total = time.perf_counter() - start

    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu = time.process_time()
    found = injected = 0
    by_kind: dict[str, list[int]] = {}
    with (args.corpus / "truth.tsv").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            dup, orig, kind = line.rstrip("\n").split("\t")
            hit = cluster.get(dup, dup) == cluster.get(orig, orig)
            injected += 1
            found += hit
            by_kind.setdefault(kind, [0, 0])[0] += hit
            by_kind[kind][1] += 1
    truth_dups = injected
    sig_rate, mean_bytes = signature_rate(source)
    print(
        json.dumps(
            {
                "articles": n,
                "index_rows_before": index_rows,
                "index_load_s": round(loaded, 2),
                "index_bytes_per_row_in_memory": round(index_bytes / index_rows, 1)
                if index_rows
                else None,
                "dedup_s": round(ran, 2),
                "total_s_with_index_save": round(total, 2),
                "articles_per_s": round(n / ran, 1),
                "signature_articles_per_s": round(sig_rate, 1),
                "mean_body_bytes": round(mean_bytes),
                "peak_rss_mb": round(peak_rss),
                "process_cpu_s": round(cpu, 1),
                "duplicates": reasons,
                "injected": truth_dups,
                "injected_found": found,
                "recall": round(found / truth_dups, 4) if truth_dups else None,
                "recall_by_kind": {k: round(f / t, 4) for k, (f, t) in sorted(by_kind.items())},
                "unexpected_duplicates": sum(reasons.values()) - found,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
