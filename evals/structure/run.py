"""Score ``corpus.structure`` against the hand-labelled gold set in ``evals/structure/gold``.

    uv run python evals/structure/run.py            # table: overall and per publisher
    uv run python evals/structure/run.py --json     # the same as JSON (plus per-article misses)
    uv run python evals/structure/run.py --gate     # exit 1 below the pinned minimums
    uv run python evals/structure/run.py --details  # also list every wrong segment and field

Misses of the held-out ``test`` split are listed only with ``--show-test``: rules are written
against the dev split, and the test split's scores show whether they carry over.

The article text is read from ``../shared/corpora`` (``--corpora`` to point elsewhere) with the
same reader and column mapping as ``corpus ingest``; the gold set holds only row keys, offsets,
labels and hashes. Without the corpora the run says so and exits 0. A gold article whose text no
longer hashes the same is reported; under ``--gate`` that fails the run (exit 1).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402

ROOT = HERE.parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
COLUMNS = (
    ("boilerplate_precision", "bp P"),
    ("boilerplate_recall", "bp R"),
    ("boilerplate_f1", "bp F1"),
    ("body_recall", "body R"),
    ("body_token_recall", "body tok R"),
    ("boilerplate_audited", "audited"),
    ("published_at", "published_at"),
    ("dateline", "dateline"),
    ("authors", "authors"),
    ("title", "title"),
)


def evaluate(corpora: Path, gold_dir: Path) -> tuple[list[harness.ArticleResult], list[str]]:
    """Score every gold article; also the messages of articles that could not be scored."""
    from corpus.structure import structure

    results = []
    problems = []
    cache: dict[str, dict[int, Any]] = {}
    for gold in harness.load_gold(gold_dir):
        if gold.file not in cache:
            cache[gold.file] = harness.read_records(corpora, gold.file)
        record = cache[gold.file].get(gold.row)
        if record is None:
            problems.append(f"{gold.id}: {gold.file} has no row {gold.row}")
            continue
        if gold.url is not None and record.fields.get("url") != gold.url:
            problems.append(f"{gold.id}: {gold.file} row {gold.row} is another article (url)")
            continue
        pieces = harness.segment_texts(gold, record.fields["text"])
        if isinstance(pieces, str):
            problems.append(pieces)
            continue
        try:
            article = structure(record)
        except Exception as exc:  # a crash on one article is a finding, not the end of the run
            problems.append(f"{gold.id}: structure() raised {type(exc).__name__}: {exc}")
            continue
        got = harness.Prediction(
            body=article.text,
            boilerplate=article.boilerplate,
            published_at=article.published_at,
            dateline=article.dateline,
            authors=article.authors,
            title=article.title,
        )
        results.append(harness.score_article(gold, pieces, got))
    return results, problems


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def table(groups: dict[str, harness.Counts]) -> str:
    """A plain-text table: one row per group plus ``overall``."""
    header = ["group", "articles", "segs", *(short for _, short in COLUMNS)]
    rows = []
    for name, counts in groups.items():
        scores = counts.scores()
        segs = counts.tp + counts.fp + counts.fn + counts.tn
        rows.append(
            [name, str(counts.articles), str(segs), *(_fmt(scores[key]) for key, _ in COLUMNS)]
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    out = [line(header), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows[:-1])
    out.append(line(["-" * w for w in widths]))
    out.append(line(rows[-1]))
    return "\n".join(out)


def details(results: list[harness.ArticleResult]) -> str:
    """One line per wrong segment or field, to see which rule missed what."""
    out = []
    for r in results:
        for e in r.errors:
            what = "body removed" if e["gold"] == harness.BODY else "boilerplate kept"
            kind = f" ({e['kind']})" if e["kind"] else ""
            out.append(f"{r.gold.id}: seg {e['seg']}{e['span']} {what}{kind}, {e['words']} words")
        for name, (want, got) in r.field_misses.items():
            out.append(f"{r.gold.id}: {name} expected {want!r}, got {got!r}")
    return "\n".join(out)


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """``{"pinned": {...}, "target": {...}}`` from ``thresholds.json``."""
    data: dict[str, dict[str, float]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--gold", type=Path, default=HERE / "gold")
    parser.add_argument("--thresholds", type=Path, default=HERE / "thresholds.json")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--gate", action="store_true", help="exit 1 below the pinned minimums")
    parser.add_argument("--details", action="store_true", help="list every miss (dev split)")
    parser.add_argument(
        "--show-test",
        action="store_true",
        help="also list misses of the held-out test split (not for writing rules against)",
    )
    args = parser.parse_args(argv)

    if not args.corpora.is_dir():
        print(f"evals/structure: skipped, no corpora at {args.corpora}")
        return 0
    results, problems = evaluate(args.corpora, args.gold)
    groups = harness.aggregate(results)
    shown = [r for r in results if args.show_test or r.gold.split != "test"]
    overall = groups["overall"].scores()
    thresholds = load_thresholds(args.thresholds)
    failures = harness.gate(overall, thresholds["pinned"]) if args.gate else []
    if args.gate and problems:
        failures.append(f"{len(problems)} gold article(s) could not be scored")

    if args.json:
        report = {
            "groups": {name: c.scores() | {"articles": c.articles} for name, c in groups.items()},
            "thresholds": thresholds,
            "problems": problems,
            "gate_failures": failures,
            "articles": [
                {
                    "id": r.gold.id,
                    "segment_errors": list(r.errors),
                    "field_misses": {k: list(v) for k, v in r.field_misses.items()},
                }
                for r in shown
                if r.errors or r.field_misses
            ],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(table(groups))
        if args.details:
            print()
            print(details(shown))
        for message in problems:
            print(f"warning: {message}", file=sys.stderr)
        if args.gate:
            pinned = thresholds["pinned"]
            summary = ", ".join(f"{k} {_fmt(overall.get(k))}/{v:.2f}" for k, v in pinned.items())
            print(f"\ngate (overall / pinned): {summary}")
    for message in failures:
        print(f"gate failed: {message}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
