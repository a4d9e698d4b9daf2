"""URL keys: microseconds per URL of ``normalize_url`` (fast path) against the reference.

    uv run python benchmarks/dedup/urls.py [ARTICLES.jsonl ...] [--rounds 5]
    # always the URLs of ../shared/corpora/news-id-2019/*.csv; each JSONL adds its "url"s
    # (benchmarks/dedup/generate.py writes one)

Per URL set, ``rounds`` interleaved rounds of old (``_normalize_slow``, the code before the fast
path) then new (``normalize_url``) over every URL; prints each round's pair and the best of each,
after checking that the two give the same key for every URL.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from corpus.dedup import urls

SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "news-id-2019"


def real_urls() -> list[str]:
    """The url column of the 2019 corpus."""
    csv.field_size_limit(sys.maxsize)
    found: list[str] = []
    for path in sorted(SHARED.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            found += [row["url"] for row in csv.DictReader(f) if row.get("url")]
    return found


def jsonl_urls(path: Path) -> list[str]:
    """The "url" of every line of an articles.jsonl."""
    with path.open(encoding="utf-8") as f:
        return [u for line in f if (u := json.loads(line).get("url"))]


def reference(url: str) -> str | None:
    """The reference's key, None where it raises (as ``normalize_url`` gives)."""
    try:
        return urls._normalize_slow(url)
    except ValueError:
        return None


def per_url(normalize: Callable[[str], str | None], found: list[str]) -> float:
    """CPU microseconds per URL of one pass (CPU time: on a shared machine, wall time mostly
    measures the waits for a core)."""
    started = time.process_time()
    for url in found:
        normalize(url)
    return (time.process_time() - started) / len(found) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sets = [("news-id-2019", real_urls())] + [(p.name, jsonl_urls(p)) for p in args.jsonl]
    for name, found in sets:
        differ = sum(urls.normalize_url(u) != reference(u) for u in found)
        print(f"{name}: {len(found):,} URLs, {differ} keys differ")
        old, new = [], []
        for k in range(args.rounds):
            old.append(per_url(urls._normalize_slow, found))
            new.append(per_url(urls.normalize_url, found))
            print(f"  round {k + 1}: old {old[-1]:.2f} us, new {new[-1]:.2f} us")
        print(f"  best: old {min(old):.2f} us, new {min(new):.2f} us, {min(old) / min(new):.1f}x")


if __name__ == "__main__":
    main()
