"""Measure ``corpus.learned`` on the shared corpora: what it removes, and how much of it is right.

    uv run python evals/learned/run.py                 # table per corpus: dev and held-out
    uv run python evals/learned/run.py --pieces        # every distinct removed piece (dev rows)
    uv run python evals/learned/run.py --line-share 0.02 --pieces   # try other thresholds
    uv run python evals/learned/run.py --json          # the table as JSON

The statistics are learned from every row of a corpus, as ingest would (learning needs no labels);
thresholds were chosen looking at dev rows only. For news-id-more and news-ms the rows that
``evals/structure/heldout.is_heldout`` marks are held out: their removals are reported apart and
``--pieces`` lists them only with ``--show-heldout``. The older corpora are dev throughout.

Precision comes from ``labels.tsv``: every distinct removed piece (by the sha1 of its
``corpus.boilerplate.normalize_line`` form, so no text of ``../shared`` is stored) labelled by hand
1 (boilerplate) or 0 (body). A piece without a label is counted apart as ``unlabelled``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE.parent / "structure"))

import heldout  # noqa: E402

from corpus import sources  # noqa: E402
from corpus.boilerplate import normalize_line  # noqa: E402
from corpus.config import Config  # noqa: E402
from corpus.learned import LearnedBoilerplate, Thresholds, learn, scope_of  # noqa: E402
from corpus.records import RawRecord  # noqa: E402
from corpus.stats import Stats  # noqa: E402

DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
#: (name, folder under the corpora, column map): CNN Indonesia's body column is "FullText"
CORPORA = (
    ("news-id-2019", "news-id-2019", {}),
    ("news-id-2025", "news-id-2025", {}),
    ("antaranews-2023", "news-id-more/antaranews-2023", {}),
    ("cnnindonesia-2025", "news-id-more/cnnindonesia-2025", {"text": "FullText"}),
    ("jpnn-2023", "news-id-more/jpnn-2023", {}),
    ("bisnis-2025", "news-id-more/bisnis-2025", {}),
    ("news-ms", "news-ms", {}),
)
LABELS = HERE / "labels.tsv"


@dataclass(slots=True)
class Tally:
    """Removals in one split of one corpus."""

    records: int = 0
    touched: int = 0  # records with at least one removal
    lines: int = 0
    runs: int = 0
    right: int = 0
    wrong: int = 0
    unlabelled: int = 0
    pieces: Counter[tuple[str, str]] = field(default_factory=Counter)  # (scope, piece) -> n

    def row(self) -> dict[str, Any]:
        """The tally as a table row."""
        judged = self.right + self.wrong
        return {
            "records": self.records,
            "touched": self.touched,
            "lines": self.lines,
            "runs": self.runs,
            "precision": round(self.right / judged, 4) if judged else None,
            "unlabelled": self.unlabelled,
        }


def piece_id(piece: str) -> str:
    """The id a piece is labelled under: sha1 of its normalized form, 12 hex digits."""
    return hashlib.sha1(normalize_line(piece).encode("utf-8")).hexdigest()[:12]


def load_labels(path: Path) -> dict[str, int]:
    """``labels.tsv``: piece id -> 1 (boilerplate) / 0 (body)."""
    labels = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip() and not line.startswith("#"):
            pid, label = line.split("\t")[:2]
            labels[pid] = int(label)
    return labels


def read(corpora: Path, folder: str, column_map: dict[str, str]) -> list[RawRecord]:
    """The records of one corpus, read as ``corpus ingest`` reads them."""
    files, _ = sources.discover([corpora / folder])
    items = sources.run(files, Config(column_map=column_map), Stats())
    return [r for r in items if isinstance(r, RawRecord) and isinstance(r.fields.get("text"), str)]


def measure(
    records: list[RawRecord], folder: str, thresholds: Thresholds, labels: dict[str, int]
) -> tuple[dict[str, Tally], float]:
    """Learn from every record, strip each, tally per split; and the seconds learning took."""
    started = time.perf_counter()
    learned = LearnedBoilerplate.build(learn(records, thresholds=thresholds))
    seconds = time.perf_counter() - started
    tallies = {"dev": Tally(), "heldout": Tally()}
    for r in records:
        path = f"{folder}/{r.provenance.path}"
        held = (
            r.provenance.row is not None
            and path.startswith(heldout.FILES)
            and heldout.is_heldout(path, r.provenance.row)
        )
        tally = tallies["heldout" if held else "dev"]
        tally.records += 1
        text = r.fields["text"]
        scope = scope_of(r.fields.get("url"), r.provenance.path)
        _, removed = learned.strip(text, scope)
        tally.touched += bool(removed)
        lines = {line.strip() for line in text.split("\n")}
        for piece in removed:
            if piece in lines:
                tally.lines += 1
            else:
                tally.runs += 1
            tally.pieces[(scope, piece)] += 1
            label = labels.get(piece_id(piece))
            if label is None:
                tally.unlabelled += 1
            elif label:
                tally.right += 1
            else:
                tally.wrong += 1
    return tallies, seconds


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--min-stories", type=int, default=Thresholds().min_stories)
    parser.add_argument("--line-share", type=float, default=Thresholds().line_share)
    parser.add_argument("--run-share", type=float, default=Thresholds().run_share)
    parser.add_argument("--pieces", action="store_true", help="list distinct removed pieces")
    parser.add_argument("--show-heldout", action="store_true", help="list held-out pieces too")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"skipped: {args.corpora} not present")
        return 0
    thresholds = Thresholds(
        min_stories=args.min_stories, line_share=args.line_share, run_share=args.run_share
    )
    labels = load_labels(LABELS) if LABELS.exists() else {}
    report: dict[str, Any] = {}
    for name, folder, column_map in CORPORA:
        records = read(args.corpora, folder, column_map)
        tallies, seconds = measure(records, folder, thresholds, labels)
        report[name] = {split: t.row() for split, t in tallies.items()} | {"learn_s": seconds}
        if args.pieces:
            for split in ("dev", "heldout") if args.show_heldout else ("dev",):
                for (scope, piece), n in tallies[split].pieces.most_common():
                    label = labels.get(piece_id(piece), "?")
                    print(
                        f"{name}\t{split}\t{scope}\t{piece_id(piece)}\t{label}\t{n}\t{piece[:100]}"
                    )
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"{'corpus':18} {'split':8} {'records':>8} {'touched':>8} {'lines':>6} {'runs':>5} "
        f"{'precision':>9} {'unlab.':>6}"
    )
    for name, splits in report.items():
        for split in ("dev", "heldout"):
            row = splits[split]
            if not row["records"]:
                continue
            p = "-" if row["precision"] is None else f"{row['precision']:.3f}"
            print(
                f"{name:18} {split:8} {row['records']:8,} {row['touched']:8,} {row['lines']:6,} "
                f"{row['runs']:5,} {p:>9} {row['unlabelled']:6,}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
