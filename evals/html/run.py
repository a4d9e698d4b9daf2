"""HTML reader + structure stage against news-id-html's expected_from_tests.json.

    uv run python evals/html/run.py [CORPUS_DIR]   # default ../shared/corpora/news-id-html

For every page with an expectation: title exact match (whitespace collapsed), published date
(exact epoch ms, and same minute), and body similarity (difflib ratio of the word sequences and
word-multiset F1) between our ``text`` and the expected ``content``. Prints one row per page and
the means; exits 1 if the corpus is missing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import sys
from collections import Counter
from pathlib import Path

from corpus import sources, structure
from corpus.config import Config
from corpus.records import Article, RawRecord
from corpus.stats import Stats

DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "news-id-html"


def _words(text: str | None) -> list[str]:
    return (text or "").split()


def epoch_ms(value: str | None) -> int | None:
    """Epoch milliseconds of an ISO 8601 value with offset (None when naive or missing)."""
    if not value or len(value) <= 10:
        return None
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return None
    return int(parsed.timestamp() * 1000)


def body_scores(ours: str, expected: str) -> tuple[float, float]:
    """(sequence ratio, bag-of-words F1) of two texts' word sequences."""
    a, b = _words(ours), _words(expected)
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() if a or b else 1.0
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return ratio, 0.0
    precision, recall = common / len(a), common / len(b)
    return ratio, 2 * precision * recall / (precision + recall)


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    expected_path = root / "expected_from_tests.json"
    if not expected_path.is_file():
        print(f"{expected_path} not found (the shared corpora live next to the repository)")
        return 1
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    files, _ = sources.discover([root])
    by_path = {f.relpath: f for f in files}
    mapper = sources.ColumnMapper({})
    rows = []
    for relpath, want in sorted(expected.items()):
        article: Article | None = None
        if relpath in by_path:
            for item in sources.read_file(by_path[relpath], mapper):
                if isinstance(item, RawRecord):
                    article = next(structure.run([item], Stats(), Config()))
        got_title = article.title if article else None
        title_ok = " ".join(_words(got_title)) == " ".join(_words(want.get("title")))
        got_ms = epoch_ms(article.published_at) if article else None
        want_ms = want.get("date")
        date_exact = got_ms is not None and got_ms == want_ms
        date_minute = (
            got_ms is not None and want_ms is not None and got_ms // 60000 == want_ms // 60000
        )
        ratio, f1 = body_scores(article.text if article else "", want.get("content") or "")
        rows.append((relpath, title_ok, date_exact, date_minute, ratio, f1))
        print(
            f"{relpath:42} title={'ok' if title_ok else 'NO':2} "
            f"date={'ok' if date_exact else ('min' if date_minute else 'NO'):3} "
            f"body_ratio={ratio:.3f} body_f1={f1:.3f}"
            + ("" if title_ok else f"  | got title {got_title!r}")
            + ("" if date_minute else f"  | got {article.published_at if article else None}")
        )
    n = len(rows)
    print(
        f"\n{n} pages: title {sum(r[1] for r in rows) / n:.3f}  date exact {sum(r[2] for r in rows) / n:.3f}"
        f"  date minute {sum(r[3] for r in rows) / n:.3f}  body ratio {sum(r[4] for r in rows) / n:.3f}"
        f"  body F1 {sum(r[5] for r in rows) / n:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
