"""Re-scraped URLs: each kept exactly once, or removed as a true duplicate of another URL.

    uv run python evals/dedup/rescrape.py [VERSION_DIR] [--gate] [--list]

Issue 13's check on held-out scrapes of several days: ``../shared/corpora/news-id-more/
cnnindonesia-2025`` (CNN Indonesia, 6 files of 5 days, Jun-Jul 2025; the same URLs recur across
and within files, with the same body or an updated one). Never used to tune dedup. Without
``VERSION_DIR`` it ingests that folder (default settings, ``text`` mapped to ``FullText``) into
a temporary folder; with one, it checks that version (e.g. one written by another build).

* A **re-scraped URL** is a normalized URL of two or more rows that reached dedup. It passes
  when exactly one of its rows is in ``data/``, or when none is and its rows' cluster is kept
  under another URL by a merge judged true. Score = passing / re-scraped (gate >= 0.995).
* A **merge** is a row of ``duplicates/`` and the row it points to. Same normalized body
  (``same_url``, ``exact``) is a duplicate by definition. Every other merge (``near``, and
  ``superseded_revision``: same URL, changed body) was read by eye, both texts side by side;
  the verdicts are in ``rescrape_adjudicated.tsv`` (ids only). A merge judged ``false``, or not
  judged yet, counts as a false merge (gate: zero); ``--list`` prints the unjudged ones.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from corpus import dedup, pipeline
from corpus.config import Config

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fates import Row, fates, pair_stats  # noqa: E402

CORPUS = HERE.parents[1].parent / "shared" / "corpora" / "news-id-more" / "cnnindonesia-2025"
VERDICTS = HERE / "rescrape_adjudicated.tsv"
TRUE_BY_DEFINITION = {"same_url", "exact"}


def verdicts() -> dict[tuple[str, str], str]:
    """(duplicate id, duplicate_of id) -> dup | false, in both orders: a verdict is about the
    two texts being one story, whichever of them the survivor rule keeps."""
    with VERDICTS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    found = {(r["duplicate_of"], r["id"]): r["verdict"] for r in rows}
    found.update({(r["id"], r["duplicate_of"]): r["verdict"] for r in rows})
    return found


def check(version: Path, show: bool) -> tuple[int, int, int, int]:
    """(re-scraped URLs, passing, merges judged by eye, false or unjudged merges)."""
    rows = [r for r in fates(version).values() if r["table"] != "rejects"]
    by_id = {r["id"]: r for r in rows if r["table"] == "data"}
    judged = verdicts()
    bad: set[tuple[str, str]] = set()
    looked = 0
    for r in rows:
        if r["table"] != "duplicates" or r["reason"] in TRUE_BY_DEFINITION:
            continue
        looked += 1
        pair = (r["id"], r["duplicate_of"])
        if judged.get(pair) != "dup":
            bad.add(pair)
            if show:
                other = by_id.get(r["duplicate_of"]) or {"title": "?", "text": "", "url": "?"}
                j, c = pair_stats(r["text"], other["text"]) if other["text"] else (0.0, 0.0)
                print(f"{r['id']}\t{r['duplicate_of']}\t{judged.get(pair, '?')}\t{r['reason']} "
                      f"J {j:.3f} C {c:.3f}\n  {r['url']}\n  {other['url']}\n"
                      f"  A {r['title']!r}: {r['text'][:300]!r}\n"
                      f"  B {other['title']!r}: {other['text'][:300]!r}")  # fmt: skip
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        groups[dedup.normalize_url(r["url"]) or r["id"]].append(r)
    cluster_url = {r["id"]: dedup.normalize_url(r["url"]) for r in rows if r["table"] == "data"}
    rescraped = passing = 0
    for url, members in groups.items():
        if len(members) < 2:
            continue
        rescraped += 1
        kept = sum(m["table"] == "data" for m in members)
        if kept == 1 or (
            kept == 0
            and all(
                cluster_url.get(m["cluster_id"]) not in (None, url)
                and (m["id"], m["duplicate_of"]) not in bad
                for m in members
            )
        ):
            passing += 1
        elif show:
            print(f"FAIL {url}: {kept} rows kept of {len(members)}")
    return rescraped, passing, looked, len(bad)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("version", type=Path, nargs="?")
    parser.add_argument("--gate", action="store_true", help="exit 1 below the gate")
    parser.add_argument("--list", action="store_true", help="print unjudged merges and failures")
    args = parser.parse_args(argv)
    if args.version is None and not CORPUS.is_dir():
        print(f"{CORPUS} not present: nothing to check", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="rescrape-") as tmp:
        version = args.version
        if version is None:
            cfg = Config(out=Path(tmp), column_map={"text": "FullText"})
            version = pipeline.ingest([CORPUS], cfg).version_dir
        rescraped, passing, looked, false = check(version, args.list)
    score = passing / rescraped if rescraped else 1.0
    print(
        f"re-scraped URLs {rescraped}: kept once or removed as a true duplicate {passing} "
        f"({score:.3f}); merges read by eye {looked}, false or unjudged {false}"
    )
    if args.gate and (score < 0.995 or false):
        print("re-scrape gate FAILED (>= 0.995 and zero false merges)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
