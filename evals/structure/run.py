"""Score ``corpus.structure`` against the hand-labelled gold set in ``evals/structure/gold``.

    uv run python evals/structure/run.py            # table: overall and per publisher
    uv run python evals/structure/run.py --json     # the same as JSON (plus per-article misses)
    uv run python evals/structure/run.py --gate     # exit 1 below the pinned minimums
    uv run python evals/structure/run.py --details  # also list every wrong segment and field

Misses of the held-out ``test`` split are listed only with ``--show-test``: rules are written
against the dev split, and the test split's scores show whether they carry over.

The article text is read from ``../shared/corpora`` (``--corpora`` to point elsewhere) with the
same reader and column mapping as ``corpus ingest``; the gold set holds only row keys, offsets,
labels and hashes. Every split is scored twice: the structure stage alone, and as an ingest runs
it, with the boilerplate learned (``corpus/learned.py``) from every record of the gold article's
dataset folder (the input of ``corpus ingest ../shared/corpora/<dataset>``) applied after it. Without the corpora the run says so and exits 0. A gold article whose text no
longer hashes the same is reported; under ``--gate`` that fails the run (exit 1).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
    ("people", "people"),
    ("title", "title"),
)


#: How one record is structured in an evaluation: (record, the file's date order) -> Article.
#: (record, the file's date order, the file's learned title suffixes per URL host) -> Article
StructureFn = Callable[[Any, "str | None", Mapping[str, frozenset[str]]], Any]


def default_structure() -> StructureFn:
    """The stage with every shipped profile and no reviewed rules (the learned layer, when
    evaluated, is applied after it by ``evaluate``)."""
    from corpus.boilerplate import RuleSet
    from corpus.structure import load_profiles, structure_with

    profiles, rules = load_profiles(), RuleSet()
    return lambda record, order, suffixes: structure_with(record, profiles, rules, order, suffixes)


def without_own_profile() -> StructureFn:
    """Leave-one-publisher-out: each record structured with its own publisher's profile
    disabled, so only the generic layers (and, with ``evaluate(learned=True)``, the learned
    ones, which need no profile) act on it."""
    from corpus.boilerplate import RuleSet
    from corpus.structure import load_profiles, structure_with

    profiles = load_profiles()
    rules = RuleSet()
    cache: dict[str, tuple[Any, ...]] = {}

    def run(record: Any, order: str | None, suffixes: Mapping[str, frozenset[str]]) -> Any:
        own = structure_with(record, profiles, rules, order).publisher or ""
        if own not in cache:
            cache[own] = tuple(p for p in profiles if p.name != own)
        return structure_with(record, cache[own], rules, order, suffixes)

    return run


class Inputs:
    """The gold files' records and date orders, and the boilerplate learned per dataset folder,
    each read or learned once (several evaluations share them)."""

    def __init__(self, corpora: Path) -> None:
        self.corpora = corpora
        self._files: dict[str, tuple[dict[int, Any], str | None]] = {}
        self._suffixes: dict[str, dict[str, frozenset[str]]] = {}
        self._datasets: dict[str, dict[str, dict[int, Any]]] = {}
        self._learned: dict[str, Any] = {}

    def _dataset(self, file: str) -> dict[str, dict[int, Any]]:
        name = file.partition("/")[0]
        if name not in self._datasets:
            self._datasets[name] = harness.read_dataset(self.corpora, name)
        return self._datasets[name]

    def file(self, file: str) -> tuple[dict[int, Any], str | None]:
        """``({row: RawRecord}, date order)`` of one gold file."""
        if file not in self._files:
            records = self._dataset(file).get(file)
            if records is None:
                raise FileNotFoundError(f"{self.corpora}: no readable file {file!r}")
            self._files[file] = records, harness.date_order(records.values())
        return self._files[file]

    def title_suffixes(self, file: str) -> dict[str, frozenset[str]]:
        """The section suffixes of one gold file's titles, per URL host, learned over all its
        records as the ingest's pre-pass learns them (``structure.file_title_suffixes``)."""
        from corpus.structure import file_title_suffixes

        if file not in self._suffixes:
            self._suffixes[file] = file_title_suffixes(self.file(file)[0].values())
        return self._suffixes[file]

    def learned(self, file: str) -> Any:
        """The ``LearnedBoilerplate`` of the dataset folder ``file`` is in: line statistics over
        all its records in read order, as the ingest's survey learns them (no reviewed rules)."""
        from corpus import learned
        from corpus.boilerplate import RuleSet

        name = file.partition("/")[0]
        if name not in self._learned:
            records = (r for rows in self._dataset(file).values() for r in rows.values())
            stats = learned.learn(records)
            self._learned[name] = learned.LearnedBoilerplate.build(stats, rules=RuleSet())
        return self._learned[name]


def evaluate(
    corpora: Path,
    gold_dir: Path,
    structure_fn: StructureFn | None = None,
    *,
    learned: bool = False,
    inputs: Inputs | None = None,
) -> tuple[list[harness.ArticleResult], list[str]]:
    """Score every gold article (with the learned layer after the stage when ``learned``); also
    the messages of articles that could not be scored."""
    from corpus import learned as learned_layer
    from corpus.stats import Stats

    run_one = structure_fn or default_structure()
    inputs = inputs or Inputs(corpora)
    results = []
    problems = []
    for gold in harness.load_gold(gold_dir):
        try:
            records, order = inputs.file(gold.file)
        except FileNotFoundError as exc:
            problems.append(f"{gold.id}: {exc}")
            continue
        record = records.get(gold.row)
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
            article = run_one(record, order, inputs.title_suffixes(gold.file))
            if learned:
                article = learned_layer.apply(article, inputs.learned(gold.file), Stats())
        except Exception as exc:  # a crash on one article is a finding, not the end of the run
            problems.append(f"{gold.id}: structure raised {type(exc).__name__}: {exc}")
            continue
        got = harness.Prediction(
            body=article.text,
            boilerplate=article.boilerplate,
            published_at=article.published_at,
            dateline=article.dateline,
            authors=article.authors,
            title=article.title,
            editors=article.editors,
        )
        results.append(harness.score_article(gold, pieces, got))
    return results, problems


def lopo_table(results: list[harness.ArticleResult]) -> dict[str, harness.Counts]:
    """Leave-one-publisher-out counts per publisher (all years and splits), then overall."""
    groups: dict[str, harness.Counts] = {}
    overall = harness.Counts()
    for r in results:
        groups.setdefault(f"lopo {r.gold.publisher}", harness.Counts()).add(r.counts)
        overall.add(r.counts)
    return {**dict(sorted(groups.items())), "lopo overall": overall}


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
    """``{"pinned": {...}, "target": {...}}`` from ``thresholds.json`` (``_notes`` left out)."""
    data: dict[str, dict[str, float]] = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


#: splits whose misses ``--details``/``--json`` list only with ``--show-test``: rules are never
#: written against them (``longtail2``: the second long-tail draw, labelled before any rule of
#: the fourth pass; the first, ``longtail``, has been a dev split since then; ``longtail3``: the
#: third draw's test tier, labelled before any rule of the sixth pass)
HIDDEN_SPLITS = ("test", "heldout", "longtail2", "longtail3")
#: which thresholds gate which row: the held-out test split at the issue's absolute targets,
#: the dev split at the pinned floors (a regression guard: they only move up), the long-tail
#: test split at the issue's targets for the metrics it meets (README: the others are reported,
#: never gated at a lower value; the same for the third draw's test and dev tiers), and the
#: leave-one-publisher-out overall
GATES = (
    ("target", "split test"),
    ("pinned", "split dev"),
    ("longtail", "split longtail"),
    ("longtail2", "split longtail2"),
    ("longtail3", "split longtail3"),
    ("longtail3-dev", "split longtail3-dev"),
    ("lopo", "lopo overall"),
)
#: the rows the structure stage alone is gated on as well (its leave-one-out is only reported:
#: the gated one is the ingest's, with the learned layer)
STAGE_GATES = tuple(gate for gate in GATES if gate[0] != "lopo")


def _row(groups: dict[str, harness.Counts], lopo: dict[str, harness.Counts], row: str) -> Any:
    counts = lopo.get(row) or groups.get(row)
    if counts is None and row.startswith("split "):
        counts = groups.get("overall")  # one split only: the aggregate has no split rows
    return None if counts is None else counts.scores()


def gate_all(
    groups: dict[str, harness.Counts],
    lopo: dict[str, harness.Counts],
    thresholds: dict[str, dict[str, float]],
    rows: tuple[tuple[str, str], ...] = GATES,
    label: str = "",
) -> list[str]:
    """Every gate failure, each naming its row (test split, dev split, leave-one-out)."""
    failures = []
    for key, row in rows:
        if key not in thresholds:
            continue  # a thresholds file without this row's key (an older or a test file)
        scores = _row(groups, lopo, row)
        if scores is None:
            failures.append(f"{label}{row}: no articles to gate")
            continue
        failures.extend(f"{label}{row}: {m}" for m in harness.gate(scores, thresholds[key]))
    return failures


def gate_summary(
    groups: dict[str, harness.Counts],
    lopo: dict[str, harness.Counts],
    thresholds: dict[str, dict[str, float]],
    rows: tuple[tuple[str, str], ...] = GATES,
    label: str = "",
) -> str:
    """One line per gated row: score / minimum of each gated metric."""
    lines = []
    for key, row in rows:
        if key not in thresholds:
            continue
        scores = _row(groups, lopo, row) or {}
        parts = ", ".join(f"{k} {_fmt(scores.get(k))}/{v:.3f}" for k, v in thresholds[key].items())
        lines.append(f"gate {label}{row} ({key}): {parts}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Report:
    """The four evaluations: the stage alone and with the learned layer (as an ingest runs
    it), each with every profile and leave-one-publisher-out."""

    stage: list[harness.ArticleResult]
    ingest: list[harness.ArticleResult]
    lopo_stage: list[harness.ArticleResult]
    lopo: list[harness.ArticleResult]
    problems: list[str]

    def failures(self, thresholds: dict[str, dict[str, float]]) -> list[str]:
        """The gate: both paths' splits, and the leave-one-out with the learned layer."""
        ingest, lopo = harness.aggregate(self.ingest), lopo_table(self.lopo)
        stage = harness.aggregate(self.stage)
        out = gate_all(ingest, lopo, thresholds, label="ingest ")
        out += gate_all(stage, {}, thresholds, STAGE_GATES, label="stage ")
        if self.problems:
            out.append(f"{len(self.problems)} gold article(s) could not be scored")
        return out

    def summary(self, thresholds: dict[str, dict[str, float]]) -> str:
        """The gated rows' scores against their minimums."""
        ingest, lopo = harness.aggregate(self.ingest), lopo_table(self.lopo)
        stage = harness.aggregate(self.stage)
        return "\n".join(
            [
                gate_summary(ingest, lopo, thresholds, label="ingest "),
                gate_summary(stage, {}, thresholds, STAGE_GATES, label="stage "),
            ]
        )


def evaluate_all(corpora: Path, gold_dir: Path) -> Report:
    """Every gold article scored four ways (see ``Report``), reading each dataset once."""
    inputs = Inputs(corpora)
    problems: list[str] = []
    runs = []
    for fn, learned in (
        (default_structure, False),
        (default_structure, True),
        (without_own_profile, False),
        (without_own_profile, True),
    ):
        results, found = evaluate(corpora, gold_dir, fn(), learned=learned, inputs=inputs)
        runs.append(results)
        problems.extend(p for p in found if p not in problems)
    return Report(*runs, problems=problems)


def _scores(groups: dict[str, harness.Counts]) -> dict[str, Any]:
    return {name: c.scores() | {"articles": c.articles} for name, c in groups.items()}


def _misses(results: list[harness.ArticleResult]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.gold.id,
            "segment_errors": list(r.errors),
            "field_misses": {k: list(v) for k, v in r.field_misses.items()},
        }
        for r in results
        if r.errors or r.field_misses
    ]


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
    report = evaluate_all(args.corpora, args.gold)
    thresholds = load_thresholds(args.thresholds)
    failures = report.failures(thresholds) if args.gate else []
    # misses as an ingest makes them (with the learned layer)
    shown = [r for r in report.ingest if args.show_test or r.gold.split not in HIDDEN_SPLITS]
    tables = {
        "groups": harness.aggregate(report.stage),
        "groups_learned": harness.aggregate(report.ingest),
        "lopo_stage": lopo_table(report.lopo_stage),
        "lopo": lopo_table(report.lopo),
    }
    if args.json:
        out = {name: _scores(groups) for name, groups in tables.items()}
        out |= {
            "thresholds": thresholds,
            "problems": report.problems,
            "gate_failures": failures,
            "articles": _misses(shown),
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for name, title in TITLES.items():
            print(title)
            print(table(tables[name]))
            print()
        if args.details:
            print(details(shown))
        for message in report.problems:
            print(f"warning: {message}", file=sys.stderr)
        if args.gate:
            print(report.summary(thresholds))
    for message in failures:
        print(f"gate failed: {message}", file=sys.stderr)
    return 1 if failures else 0


TITLES = {
    "groups": "structure stage alone:",
    "groups_learned": "as an ingest runs it (structure, then the learned boilerplate):",
    "lopo_stage": "leave-one-publisher-out, structure stage alone:",
    "lopo": "leave-one-publisher-out, with the learned boilerplate (gated):",
}


if __name__ == "__main__":
    raise SystemExit(main())
