"""Language-identification evaluation on ../shared/corpora, and its quality gate.

    uv run python evals/langid/run.py [--gate] [--json PATH]

Data (read from ../shared/corpora, never copied into the repository):

* ``langid/sentences/<iso>.txt``: one sentence a line, 75 languages (1,000 lines each), and
  ``langid/word-pairs/<iso>.txt``: two words a line: accuracy for the languages langdetect has
  a profile for (``nb`` is langdetect's ``no``, ``zh`` either of ``zh-cn``/``zh-tw``), and short
  text (word pairs under ``MIN_LETTERS`` letters must be "unknown");
* the regional sets of ``data.py`` (Malaysian and Indonesian news, Javanese and Sundanese
  paragraphs, Tagalog): per split, the share labelled (``language``) and labelled-or-flagged
  (``language`` or ``language_alternatives``) with the true language, as a user filtering on
  the fields would see it, plus the issue's "held-out" style numbers (Javanese and Sundanese
  *sentences* of >= 60 letters, short news items < 300 characters).

``--gate`` checks ``thresholds.json`` against the **test** split (never tuned on) and exits 1
when a pinned score is missed (minimums only move up, maximums only down).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from langdetect.detector_factory import PROFILES_DIRECTORY

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data

from corpus import langid

HERE = data.HERE
CORPORA = data.CORPORA
MIN = langid.MIN_LETTERS
SHORT = 300  # characters: a "short item" (the measure)
ALIASES = {"nb": ("no",), "zh": ("zh-cn", "zh-tw")}  # eval code -> langdetect codes


def read_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def supported(code: str, profiles: set[str]) -> tuple[str, ...]:
    """The langdetect codes that count as right for an eval language (empty: no profile)."""
    codes = ALIASES.get(code, (code,))
    return tuple(c for c in codes if c in profiles)


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
        guess = guess_at[int(number)]
        tally["flagged_ms"] += "ms" in (guess.language, *guess.alternatives)
    return counts


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def evaluate_sentences() -> dict[str, Any]:
    """langdetect's (first stage, ``language_langdetect``) accuracy per language on the lingua
    sentences, short text, and the final labels of id.txt, ms.txt and the ms.txt hand labels."""
    profiles = {p.name for p in Path(PROFILES_DIRECTORY).iterdir()}
    results: dict[str, Any] = {
        "sentences": {},
        "sentences_20": {},
        "word_pairs": {},
        "unsupported": [],
        "id_ms_confusion": {},
    }
    for path in sorted((CORPORA / "langid" / "sentences").glob("*.txt")):
        code = path.stem
        right = supported(code, profiles)
        lines = read_lines(path)
        guesses = langid.identify_batch(lines)  # the same guesses as one by one, faster
        if code in ("id", "ms"):
            results["id_ms_confusion"][code] = dict(
                Counter(
                    f"{g.language or 'unknown'}"
                    + (f"+{'/'.join(g.alternatives)}" if g.alternatives else "")
                    for g in guesses
                ).most_common(8)
            )
            if code == "ms":
                results["ms_hand_labels"] = hand_labelled(path, guesses)
        if not supported(code, profiles):
            results["unsupported"].append(code)
            continue
        results["sentences"][code] = round(
            sum(g.langdetect in right for g in guesses) / len(guesses), 4
        )
        scored = [g for g, line in zip(guesses, lines, strict=True) if letters(line) >= MIN]
        results["sentences_20"][code] = round(
            sum(g.langdetect in right for g in scored) / len(scored), 4
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
    short_total = sum(v["short"] for v in results["word_pairs"].values())
    short_unknown = sum(
        v["short"] * (v["short_unknown"] or 0) for v in results["word_pairs"].values()
    )
    results["short_unknown"] = round(short_unknown / short_total, 4) if short_total else None
    accuracies = list(results["sentences"].values())
    results["sentences_mean"] = round(sum(accuracies) / len(accuracies), 4)
    return results


def _rates(guesses: list[langid.Guess], truth: str) -> dict[str, Any]:
    """Share labelled ``truth``, labelled-or-flagged ``truth``, labelled ``tl``; what they were."""
    n = len(guesses)
    return {
        "n": n,
        "labelled": round(sum(g.language == truth for g in guesses) / n, 4) if n else None,
        "flagged": round(sum(truth in (g.language, *g.alternatives) for g in guesses) / n, 4)
        if n
        else None,
        "flagged_ms": round(sum("ms" in (g.language, *g.alternatives) for g in guesses) / n, 4)
        if n
        else None,
        "tl": round(sum(g.language == "tl" for g in guesses) / n, 4) if n else None,
        "labels": dict(Counter(g.language or "unknown" for g in guesses).most_common(6)),
    }


def evaluate_regional(split: str) -> dict[str, Any]:
    """The regional sets of ``data.py`` in ``split``: Malay, Indonesian, Javanese, Sundanese,
    Tagalog, as the stage labels and flags them (title and body, as in an ingest)."""
    items = [i for i in data.everything() if i.split == split]
    guesses = langid.identify_batch([langid.text_of(i.title, i.text) for i in items])
    pairs = list(zip(items, guesses, strict=True))

    def where(test: Any) -> list[langid.Guess]:
        return [g for i, g in pairs if test(i)]

    news = lambda i: i.origin.startswith("news")  # noqa: E731
    results: dict[str, Any] = {
        "ms_news": _rates(where(lambda i: i.language == "ms"), "ms"),
        "ms_news_short": _rates(where(lambda i: i.language == "ms" and len(i.text) < SHORT), "ms"),
        "id_news": _rates(where(lambda i: i.language == "id" and news(i)), "id"),
        "id_news_short": _rates(
            where(lambda i: i.language == "id" and news(i) and len(i.text) < SHORT), "id"
        ),
        "id_web_sentences": _rates(where(lambda i: i.language == "id" and not news(i)), "id"),
        "tl_sentences": _rates(where(lambda i: i.language == "tl"), "tl"),
    }
    for code in ("jv", "su"):
        results[f"{code}_paragraphs"] = _rates(where(lambda i, c=code: i.language == c), code)
        sentences = [s for i in items if i.language == code for s in data.sentences(i.text)]
        results[f"{code}_sentences"] = _rates(langid.identify_batch(sentences), code)
    results["ms_by_outlet"] = {
        origin.split(":", 1)[1]: _rates(where(lambda i, o=origin: i.origin == o), "ms")["flagged"]
        for origin in sorted({i.origin for i in items if i.language == "ms"})
    }
    regional_texts = [
        results[k] for k in ("id_news", "jv_paragraphs", "su_paragraphs", "id_web_sentences")
    ]
    results["tl_on_regional"] = round(
        sum(r["tl"] * r["n"] for r in regional_texts) / sum(r["n"] for r in regional_texts), 4
    )
    return results


def evaluate() -> dict[str, Any]:
    """Everything ``main`` reports: the sentence sets, and the regional sets per split."""
    return {
        **evaluate_sentences(),
        "dev": evaluate_regional("dev"),
        "test": evaluate_regional("test"),
    }


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


def _print_regional(results: dict[str, Any]) -> None:
    print(
        "| set | split | n | labelled | labelled or flagged | flagged ms | labelled tl |\n"
        "|---|---|---:|---:|---:|---:|---:|"
    )
    for key in (
        "ms_news",
        "ms_news_short",
        "id_news",
        "id_news_short",
        "id_web_sentences",
        "jv_paragraphs",
        "jv_sentences",
        "su_paragraphs",
        "su_sentences",
        "tl_sentences",
    ):
        for split in ("dev", "test"):
            r = results[split][key]
            print(
                f"| {key} | {split} | {r['n']:,} | {r['labelled']} | {r['flagged']} "
                f"| {r['flagged_ms']} | {r['tl']} |"
            )
    for split in ("dev", "test"):
        print(
            f"{split}: tl on Indonesian/Javanese/Sundanese text {results[split]['tl_on_regional']}; "
            "Malay flagged by outlet: "
            + ", ".join(f"{k} {v}" for k, v in results[split]["ms_by_outlet"].items())
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gate", action="store_true", help="exit 1 if a pinned score is missed")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    needed = [CORPORA / name for name in data.NEEDED]
    if missing := [str(p) for p in needed if not p.exists()]:
        print(f"langid eval skipped: {', '.join(missing)} not present")
        return 0
    started = time.perf_counter()
    results = evaluate()
    seconds = time.perf_counter() - started
    print("sentence accuracy of langdetect, the first stage (languages it has a profile for):")
    row = [f"{k} {v:.3f}" for k, v in sorted(results["sentences"].items())]
    for i in range(0, len(row), 8):
        print("  " + "  ".join(row[i : i + 8]))
    print(f"  mean {results['sentences_mean']:.4f}; no profile: {' '.join(results['unsupported'])}")
    print(
        f"  on sentences with >= {MIN} letters: id {results['sentences_20']['id']:.4f}, "
        f"en {results['sentences_20']['en']:.4f} (shorter ones are answered 'unknown')"
    )
    print("lingua's id.txt / ms.txt (label+alternatives: sentences):")
    for code, counts in results["id_ms_confusion"].items():
        print(f"  {code}.txt: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(
        "ms.txt hand-labelled sample (ms_hand_labels.tsv), labelled or flagged Malay / sentences: "
        + ", ".join(
            f"{label} {v['flagged_ms']}/{v['sentences']}"
            for label, v in sorted(results["ms_hand_labels"].items())
        )
    )
    print(
        f"short text: word pairs under {langid.MIN_LETTERS} letters unknown {results['short_unknown']}"
    )
    print("\nregional sets (evals/langid/data.py; the gate reads the test split):")
    _print_regional(results)
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
