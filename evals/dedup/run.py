"""Dedup evaluation: precision/recall/F1 of duplicate pairs on labelled real corpora, and a gate.

    uv run python evals/dedup/run.py [--gate] [--clusters N]

Sets (read from ../shared/corpora, never copied into the repository):

* ``bbc``: dedup-en/bbc_news.jsonl with known_duplicate_pairs.tsv (first line = title). That
  file labels only exact and same-title pairs, so re-headlined copies are unlabelled; every extra
  pair the tool reported was read by eye and the verdicts are in ``adjudicated.tsv`` (ids only).
* ``scoop``: dedup-en/scraped_news/*/*.json with ground_truth/ (hand-grouped stories). Items with
  no body are left out of truth and output alike: the pipeline rejects them before dedup.
* ``news-id-2025``: the day file; it has no labels (and, as shipped, no repeated URL), so only
  what dedup removes is listed for checking by eye.
* ``news-id-2019``: cross-publisher clusters found, for checking by eye (``--clusters N`` prints N).

Both labelled sets run through ``corpus.dedup.run`` with the default Config. A pair is *exact*
when the two normalized bodies are equal, else *near*. Predicted pairs are all pairs inside an
output cluster (survivor + its duplicates). The gate: exact-pair recall = 1.0, near-pair
precision >= 0.95 and recall >= 0.90 over bbc + scoop together, and the re-scrape check of
``rescrape.py`` (CNN Indonesia, several days). Exit status 1 when it fails.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import rescrape

from corpus import dedup, sources, structure, validate
from corpus.config import Config
from corpus.records import Article, Duplicate, Provenance, RawRecord
from corpus.stats import Stats

HERE = Path(__file__).resolve().parent
CORPORA = HERE.parents[1].parent / "shared" / "corpora"
Pair = tuple[str, str]


def article(id: str, text: str, **kw: object) -> Article:
    """A minimal Article for dedup (what the structure stage would hand over)."""
    base = Article(
        id, None, None, None, None, None, (), (), (), (), None, text, (), None, None,
        len(text.split()), "{}", Provenance(id, None, None, "", "json"),
    )  # fmt: skip
    return replace(base, **kw)  # type: ignore[arg-type]


def clusters(articles: list[Article], cfg: Config) -> tuple[dict[str, str], list[Duplicate]]:
    """id -> cluster id (its survivor's id) for every article, and the duplicates."""
    out = list(dedup.run(articles, cfg, Stats()))
    cluster = {}
    dups = []
    for item in out:
        if isinstance(item, Duplicate):
            cluster[item.article.id] = item.cluster_id
            dups.append(item)
        else:
            cluster[item.id] = item.id
    return cluster, dups


def pairs_of(groups: Iterable[Iterable[str]]) -> set[Pair]:
    return {
        (a, b) if a < b else (b, a)
        for g in groups
        for a, b in itertools.combinations(sorted(set(g)), 2)
    }


def closure(pairs: Iterable[Pair]) -> set[Pair]:
    """All pairs of the connected components of some labelled pairs."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    return pairs_of(groups.values())


@dataclass
class Score:
    """Pair counts of one set, split by exact / near."""

    name: str
    truth_exact: set[Pair]
    truth_near: set[Pair]
    pred_exact: set[Pair]
    pred_near: set[Pair]
    examples: list[str]

    def row(self) -> dict[str, float | int | str]:
        truth = self.truth_exact | self.truth_near
        pred = self.pred_exact | self.pred_near
        return {
            "set": self.name,
            "truth_pairs": len(truth),
            "pred_pairs": len(pred),
            "exact_recall": ratio(len(self.truth_exact & pred), len(self.truth_exact)),
            "near_precision": ratio(len(self.pred_near & truth), len(self.pred_near)),
            "near_recall": ratio(len(self.truth_near & pred), len(self.truth_near)),
            "precision": ratio(len(pred & truth), len(pred)),
            "recall": ratio(len(truth & pred), len(truth)),
            "f1": f1(ratio(len(pred & truth), len(pred)), ratio(len(truth & pred), len(truth))),
        }


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(name: str, arts: list[Article], truth: set[Pair], cfg: Config) -> Score:
    texts = {a.id: dedup.normalize(a.text) for a in arts}
    cluster, _ = clusters(arts, cfg)
    groups: dict[str, list[str]] = defaultdict(list)
    for i, c in cluster.items():
        groups[c].append(i)
    pred = pairs_of(groups.values())

    def is_exact(p: Pair) -> bool:
        return texts[p[0]] == texts[p[1]]

    truth_exact = {p for p in truth if is_exact(p)}
    pred_exact = {p for p in pred if is_exact(p)}
    s = Score(name, truth_exact, truth - truth_exact, pred_exact, pred - pred_exact, [])
    for a, b in sorted(s.truth_near - pred):
        s.examples.append(f"missed  {a} ~ {b}")
    for a, b in sorted(s.pred_near - truth):
        s.examples.append(f"extra   {a} ~ {b}")
    return s


def bbc(cfg: Config) -> Score:
    root = CORPORA / "dedup-en"
    arts = []
    with (root / "bbc_news.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            title, _, body = row["text"].partition("\n")
            arts.append(article(row["id"], body.strip(), title=title.strip()))
    labelled = [
        (a, b)
        for a, b, *_ in csv.reader(
            (root / "known_duplicate_pairs.tsv").open(encoding="utf-8"), delimiter="\t"
        )
    ][1:]
    adjudicated = [
        (a, b)
        for a, b, verdict, _ in csv.reader(
            (HERE / "adjudicated.tsv").open(encoding="utf-8"), delimiter="\t"
        )
        if verdict == "dup"
    ]
    return score("bbc", arts, closure([*labelled, *adjudicated]), cfg)


def scoop(cfg: Config) -> Score:
    root = CORPORA / "dedup-en"
    story = {}
    for line in (root / "ground_truth" / "dedup_ground_truth_items.jsonl").open(encoding="utf-8"):
        item = json.loads(line)
        story[item["file"].removeprefix("testdata/")] = item["story_gt_id"]
    arts = []
    for path in sorted((root / "scraped_news").glob("*/*.json")):
        rel = path.relative_to(root).as_posix()
        doc = json.loads(path.read_text(encoding="utf-8"))
        body = (doc.get("body_text") or "").strip()
        if not body:
            continue  # rejected as empty_body by the pipeline, never reaches dedup
        arts.append(
            article(
                rel,
                body,
                url=doc.get("canonical_url"),
                title=doc.get("title"),
                publisher=doc.get("source_domain"),
                published_at=doc.get("published_at"),
            )
        )
    kept = {a.id for a in arts}
    groups: dict[str, list[str]] = defaultdict(list)
    for f, s in story.items():
        if f in kept:
            groups[s].append(f)
    return score("scoop", arts, pairs_of(groups.values()), cfg)


def pipeline_articles(folder: Path, cfg: Config) -> list[Article]:
    """Articles of a raw folder through read, validate and structure (langid is not needed)."""
    stats = Stats()
    files, _ = sources.discover([folder])
    records = (
        r
        for r in validate.run(sources.run(files, cfg, stats), cfg, stats)
        if isinstance(r, RawRecord)
    )
    return [a for a in structure.run(records, stats) if a.text.strip()]


def unlabelled(name: str, folder: Path, cfg: Config, show: int) -> list[str]:
    """Clusters dedup finds in an unlabelled corpus: counts, cross-publisher ones, a sample."""
    arts = pipeline_articles(folder, cfg)
    by_id = {a.id: a for a in arts}
    _, dups = clusters(arts, cfg)
    reasons: dict[str, int] = defaultdict(int)
    members: dict[str, list[Duplicate]] = defaultdict(list)
    for d in dups:
        reasons[d.reason] += 1
        members[d.cluster_id].append(d)
    cross = {
        c: ds
        for c, ds in members.items()
        if len({by_id[c].publisher, *(d.article.publisher for d in ds)}) > 1
    }
    lines = [
        f"{name}: {len(arts):,} articles, {len(dups):,} duplicates "
        f"({', '.join(f'{k} {v}' for k, v in sorted(reasons.items()))}), "
        f"{len(members):,} clusters, {len(cross):,} across publishers"
    ]
    for c, ds in sorted(cross.items())[:show]:
        s = by_id[c]
        lines.append(f"  KEEP {s.publisher} {s.published_at} {s.title!r} [{s.text[:90]!r}]")
        for d in ds:
            a = d.article
            lines.append(
                f"    {d.reason} {d.similarity:.2f} {a.publisher} {a.published_at} {a.title!r}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--gate", action="store_true", help="only bbc + scoop, and the gate")
    parser.add_argument("--clusters", type=int, default=10, help="clusters to print per set")
    parser.add_argument("--examples", action="store_true", help="print missed/extra pairs")
    args = parser.parse_args(argv)
    if not (CORPORA / "dedup-en").is_dir():
        print(f"{CORPORA} not present: nothing to evaluate", file=sys.stderr)
        return 0
    cfg = Config()
    scores = [bbc(cfg), scoop(cfg)]
    header = [
        "set", "truth_pairs", "pred_pairs", "exact_recall", "near_precision", "near_recall",
        "precision", "recall", "f1",
    ]  # fmt: skip
    both = Score(
        "bbc+scoop",
        *(set().union(*(getattr(s, f) for s in scores)) for f in
          ("truth_exact", "truth_near", "pred_exact", "pred_near")),
        [],
    )  # fmt: skip
    print(" | ".join(header))
    for s in [*scores, both]:
        row = s.row()
        print(
            " | ".join(
                f"{row[h]:.3f}" if isinstance(row[h], float) else str(row[h]) for h in header
            )
        )
        if args.examples:
            for e in s.examples:
                print("   ", e)
    total = both.row()
    failures = []
    if total["exact_recall"] != 1.0:
        failures.append(f"exact-pair recall {total['exact_recall']:.3f} != 1.0")
    if float(total["near_precision"]) < 0.95:
        failures.append(f"near-dup precision {total['near_precision']:.3f} < 0.95")
    if float(total["near_recall"]) < 0.90:
        failures.append(f"near-dup recall {total['near_recall']:.3f} < 0.90")
    if not args.gate:
        for name in ("news-id-2025", "news-id-2019"):
            if (CORPORA / name).is_dir():
                print("\n".join(unlabelled(name, CORPORA / name, cfg, args.clusters)))
    if rescrape.CORPUS.is_dir() and rescrape.main(["--gate"] if args.gate else []):
        failures.append("re-scrape check (evals/dedup/rescrape.py)")
    if failures:
        print("dedup gate FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    print("dedup gate passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
