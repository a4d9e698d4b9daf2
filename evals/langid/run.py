"""Language-identification evaluation on ../shared/corpora/langid, and its quality gate.

    uv run python evals/langid/run.py [--gate] [--news N] [--json PATH]

Data (read from ../shared/corpora, never copied into the repository):

* ``langid/sentences/<iso>.txt``: one sentence a line, 75 languages (1,000 lines each);
* ``langid/word-pairs/<iso>.txt``: two words a line, the same languages;
* ``news-id-2019/*.csv``: real Indonesian news, run through read -> validate -> structure, for
  the rate at which the Malay second opinion flags genuine Indonesian (``--news N`` articles).

Reported: accuracy per language for the languages langdetect has a profile for (``nb`` is
langdetect's ``no``, ``zh`` either of ``zh-cn``/``zh-tw``), the id/ms confusion (label and
``language_alternatives``), and short text: word pairs under ``MIN_LETTERS`` letters must be
"unknown", and how often the longer ones are right. ``--gate`` checks ``thresholds.json`` and exits
1 when a pinned score is missed (minimums only move up, maximums only down).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from langdetect.detector_factory import PROFILES_DIRECTORY

from corpus import langid, sources, structure, validate
from corpus.config import Config
from corpus.records import RawRecord
from corpus.stats import Stats

HERE = Path(__file__).resolve().parent
CORPORA = HERE.parents[1].parent / "shared" / "corpora"
MIN = langid.MIN_LETTERS
ALIASES = {"nb": ("no",), "zh": ("zh-cn", "zh-tw")}  # eval code -> langdetect codes


def read_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def supported(code: str, profiles: set[str]) -> tuple[str, ...]:
    """The langdetect codes that count as right for an eval language (empty: no profile)."""
    codes = ALIASES.get(code, (code,))
    return tuple(c for c in codes if c in profiles)


def spelling(text: str) -> str:
    """``ms``/``id``/``both``/``neither``: which country's distinctive spellings a text uses."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    ms, id_ = bool(words & langid.MALAY_ONLY_WORDS), bool(words & langid.INDONESIAN_ONLY_WORDS)
    return "both" if ms and id_ else "ms" if ms else "id" if id_ else "neither"


def hand_labelled(path: Path, guesses: list[langid.Guess]) -> dict[str, dict[str, int]]:
    """Per hand label of ``ms_hand_labels.tsv`` (ms, either, id): sentences, and how many of
    them the langid stage flags as possibly Malay. ``guesses`` are for ``read_lines(path)``."""
    raw = path.read_text(encoding="utf-8").splitlines()
    kept = [i for i, line in enumerate(raw, start=1) if line.strip()]  # read_lines's lines
    guess_at = dict(zip(kept, guesses, strict=True))
    counts: dict[str, dict[str, int]] = {}
    rows = (HERE / "ms_hand_labels.tsv").read_text(encoding="utf-8").splitlines()
    for row in rows:
        if row.startswith(("#", "line\t")):
            continue
        number, label, starts_with, _ = row.split("\t")
        if not raw[int(number) - 1].strip().startswith(starts_with):
            raise SystemExit(
                f"ms_hand_labels.tsv: line {number} of {path} no longer starts with "
                f"{starts_with!r}: the shared file changed; label a new sample"
            )
        tally = counts.setdefault(label, {"sentences": 0, "flagged_ms": 0})
        tally["sentences"] += 1
        tally["flagged_ms"] += "ms" in guess_at[int(number)].alternatives
    return counts


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def news_bodies(limit: int) -> Iterable[str]:
    """Bodies of the first ``limit`` articles of the 2019 corpus, as the pipeline makes them."""
    cfg = Config()
    files, _ = sources.discover([CORPORA / "news-id-2019"])
    stats = Stats()
    records = (
        r
        for r in validate.run(sources.run(files, cfg, stats), cfg, stats)
        if isinstance(r, RawRecord)
    )
    for n, article in enumerate(structure.run(records, stats, cfg)):
        if n >= limit:
            return
        if article.text.strip():
            yield article.text


def evaluate(news: int) -> dict[str, Any]:
    profiles = {p.name for p in Path(PROFILES_DIRECTORY).iterdir()}
    results: dict[str, Any] = {
        "sentences": {},
        "sentences_20": {},
        "word_pairs": {},
        "unsupported": [],
        "spellings": {},
    }
    id_ms: dict[str, Counter[str]] = {}
    for path in sorted((CORPORA / "langid" / "sentences").glob("*.txt")):
        code = path.stem
        right = supported(code, profiles)
        lines = read_lines(path)
        guesses = langid.identify_batch(lines)  # the same guesses as one by one, faster
        if code in ("id", "ms"):
            results["spellings"][code] = dict(Counter(map(spelling, lines)).most_common())
            id_ms[code] = Counter(
                f"{g.language or 'unknown'}{'+' + '/'.join(g.alternatives) if g.alternatives else ''}"
                for g in guesses
            )
            results[f"{code}_flagged_ms"] = round(
                sum("ms" in g.alternatives for g in guesses) / len(guesses), 4
            )
            results[f"{code}_flagged_any"] = round(
                sum(bool(g.alternatives) for g in guesses) / len(guesses), 4
            )
            if code == "ms":
                results["ms_hand_labels"] = hand_labelled(path, guesses)
        if not right:
            results["unsupported"].append(code)
            continue
        results["sentences"][code] = round(
            sum(g.language in right for g in guesses) / len(guesses), 4
        )
        scored = [g for g, line in zip(guesses, lines, strict=True) if letters(line) >= MIN]
        results["sentences_20"][code] = round(
            sum(g.language in right for g in scored) / len(scored), 4
        )
        pairs = read_lines(CORPORA / "langid" / "word-pairs" / f"{code}.txt")
        short = [p for p in pairs if letters(p) < langid.MIN_LETTERS]
        longer = [p for p in pairs if letters(p) >= langid.MIN_LETTERS]
        results["word_pairs"][code] = {
            "short": len(short),
            "short_unknown": round(sum(langid.detect(p)[0] is None for p in short) / len(short), 4)
            if short
            else None,
            "longer": len(longer),
            "longer_accuracy": round(
                sum(langid.detect(p)[0] in right for p in longer) / len(longer), 4
            )
            if longer
            else None,
        }
    results["id_ms_confusion"] = {k: dict(v.most_common()) for k, v in id_ms.items()}
    flagged = total = 0
    for guess in langid.identify_batch(list(news_bodies(news))):
        if guess.language == "id":
            total += 1
            flagged += bool(guess.alternatives)
    results["news_id_flagged"] = round(flagged / total, 4) if total else None
    results["news_id_articles"] = total
    short_total = sum(v["short"] for v in results["word_pairs"].values())
    short_unknown = sum(
        v["short"] * (v["short_unknown"] or 0) for v in results["word_pairs"].values()
    )
    results["short_unknown"] = round(short_unknown / short_total, 4) if short_total else None
    accuracies = list(results["sentences"].values())
    results["sentences_mean"] = round(sum(accuracies) / len(accuracies), 4)
    return results


def check(results: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """Failures of the pinned thresholds, as messages (empty when the gate passes)."""
    failures = []
    for key, minimum in thresholds["min"].items():
        value = _lookup(results, key)
        if value is None or value < minimum:
            failures.append(f"{key} = {value} < {minimum}")
    for key, maximum in thresholds["max"].items():
        value = _lookup(results, key)
        if value is None or value > maximum:
            failures.append(f"{key} = {value} > {maximum}")
    return failures


def _lookup(results: dict[str, Any], key: str) -> Any:
    value: Any = results
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gate", action="store_true", help="exit 1 if a pinned score is missed")
    parser.add_argument("--news", type=int, default=2000, help="2019 articles for the flag rate")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not (CORPORA / "langid").is_dir():
        print(f"langid eval skipped: {CORPORA / 'langid'} not present")
        return 0
    started = time.perf_counter()
    results = evaluate(args.news)
    seconds = time.perf_counter() - started
    print("sentence accuracy (langdetect-supported languages):")
    row = [f"{k} {v:.3f}" for k, v in sorted(results["sentences"].items())]
    for i in range(0, len(row), 8):
        print("  " + "  ".join(row[i : i + 8]))
    print(f"  mean {results['sentences_mean']:.4f}; no profile: {' '.join(results['unsupported'])}")
    print(
        f"  on sentences with >= {MIN} letters: id {results['sentences_20']['id']:.4f}, "
        f"en {results['sentences_20']['en']:.4f} (shorter ones are answered 'unknown')"
    )
    print("id/ms confusion (label+alternatives: sentences):")
    for code, counts in results["id_ms_confusion"].items():
        print(f"  {code}.txt: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(
        f"flagged possibly-Malay: ms.txt {results['ms_flagged_ms']:.3f}, "
        f"id.txt {results['id_flagged_ms']:.3f} (any alternative: {results['id_flagged_any']:.3f}), "
        f"2019 news {results['news_id_flagged']} of {results['news_id_articles']} id articles"
    )
    print(
        "ms.txt hand-labelled sample (ms_hand_labels.tsv), flagged possibly-Malay / sentences: "
        + ", ".join(
            f"{label} {v['flagged_ms']}/{v['sentences']}"
            for label, v in sorted(results["ms_hand_labels"].items())
        )
    )
    print(
        "distinctive spellings (Malay-only / Indonesian-only words) per sentence file: "
        + "; ".join(
            f"{code}.txt " + ", ".join(f"{k} {v}" for k, v in counts.items())
            for code, counts in results["spellings"].items()
        )
    )
    print(
        f"short text: word pairs under {langid.MIN_LETTERS} letters unknown {results['short_unknown']}"
    )
    longer = {
        k: v["longer_accuracy"] for k, v in results["word_pairs"].items() if v["longer"] >= 50
    }
    if longer:
        print(
            "  word pairs with >= 20 letters, accuracy where >= 50 of them: "
            + ", ".join(f"{k} {v:.2f}" for k, v in sorted(longer.items()))
        )
    print(f"({seconds:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if args.gate:
        thresholds = json.loads((HERE / "thresholds.json").read_text(encoding="utf-8"))
        failures = check(results, thresholds)
        for failure in failures:
            print(f"langid gate FAILED: {failure}")
        if failures:
            return 1
        print("langid gate passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
