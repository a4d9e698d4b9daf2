"""Language-id benchmark: plain seeded langdetect vs corpus.langid, same articles, same run.

    uv run python benchmarks/langid.py [RAW_DIR] [--limit N]   # default ../shared/corpora/news-id-2019

The articles are what the pipeline gives langid: read -> validate -> structure over RAW_DIR.
Rows, all in this one process (one core), each from a cold start of its caches:

* baseline: ``langdetect`` with one seeded factory, ``create().append(body)`` per article;
* fast detect: ``corpus.langid.detect`` (langdetect's answer only);
* langid stage: ``corpus.langid.run`` (adds language_share and the Malay second opinion).

Times are CPU seconds of this process (``time.process_time``), i.e. per core, so other load on a
shared machine does not skew the comparison. Agreement is with the baseline's language on the
full body; "exact" also compares the score rounded to 4 places. Profile loading (once per
worker) is timed apart.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from corpus import langid, sources, structure, validate
from corpus.config import Config
from corpus.records import Article, RawRecord
from corpus.stats import Stats

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "news-id-2019"


def articles(raw: Path, limit: int | None) -> list[Article]:
    cfg = Config()
    files, _ = sources.discover([raw])
    stats = Stats()
    records = [
        r
        for r in validate.run(sources.run(files, cfg, stats), cfg, stats)
        if isinstance(r, RawRecord)
    ]
    found = [a for a in structure.run(records[:limit], stats, cfg) if a.text.strip()]
    return found


def baseline(texts: list[str]) -> tuple[list[tuple[str | None, float | None]], float, float]:
    """Plain seeded langdetect: answers, seconds, and seconds to load the profiles."""
    start = time.process_time()
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    load = time.process_time() - start
    answers: list[tuple[str | None, float | None]] = []
    start = time.process_time()
    for text in texts:
        if langid._too_short(text):  # the same short-text rule on both sides
            answers.append((None, None))
            continue
        detector = factory.create()
        detector.append(text)
        try:
            best = detector.get_probabilities()[0]
            answers.append((best.lang, round(best.prob, 4)))
        except (LangDetectException, IndexError):
            answers.append((None, None))
    return answers, time.process_time() - start, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None, help="first N valid records only")
    args = parser.parse_args()
    if not args.raw.exists():
        sys.exit(f"{args.raw} not found: pass a raw folder (the shared corpora live in ../shared)")
    items = articles(args.raw, args.limit)
    texts = [a.text for a in items]
    n = len(texts)
    chars = sum(map(len, texts))
    print(f"{args.raw}: {n:,} articles with a body, mean {chars / n:,.0f} characters")

    plain, plain_s, plain_load = baseline(texts)

    start = time.process_time()
    langid.model(0)
    fast_load = time.process_time() - start
    start = time.process_time()
    fast = [langid.detect(t) for t in texts]
    fast_s = time.process_time() - start

    langid.model.cache_clear()  # cold token cache again for the stage row
    langid.model(0)
    langid._second_opinion_model()
    start = time.process_time()
    staged = list(langid.run(items, Config(), Stats()))
    stage_s = time.process_time() - start

    same = sum(p[0] == f[0] for p, f in zip(plain, fast, strict=True))
    exact = sum(p == f for p, f in zip(plain, fast, strict=True))
    stage_same = sum(p[0] == a.language for p, a in zip(plain, staged, strict=True))
    print("| path | CPU s | articles/s | vs baseline | same language | same language+score |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| langdetect, seeded, full body | {plain_s:.2f} | {n / plain_s:,.0f} | 1.0x | | |")
    print(
        f"| corpus.langid.detect | {fast_s:.2f} | {n / fast_s:,.0f} | {plain_s / fast_s:.1f}x "
        f"| {same / n:.2%} | {exact / n:.2%} |"
    )
    print(
        f"| corpus.langid.run (stage: + share, Malay second opinion) | {stage_s:.2f} | "
        f"{n / stage_s:,.0f} | {plain_s / stage_s:.1f}x | {stage_same / n:.2%} | |"
    )
    print(
        f"\nprofile loading, once per worker: langdetect {plain_load:.2f} s, corpus {fast_load:.2f} s"
    )
    flips = Counter(
        (p[0], a.language) for p, a in zip(plain, staged, strict=True) if p[0] != a.language
    )
    print(f"stage labels that differ from langdetect (baseline -> stage): {dict(flips)}")
    flagged = sum(bool(a.language_alternatives) for a in staged)
    low = sum(a.language_share is not None and a.language_share < 0.8 for a in staged)
    print(f"possibly Malay/Javanese/Sundanese: {flagged}; language_share < 0.8: {low}")


if __name__ == "__main__":
    main()
