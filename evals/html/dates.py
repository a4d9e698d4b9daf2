"""HTML ``published_at``: our reader's way against htmldate's, on news-id-html's expectations.

    uv run python evals/html/dates.py [CORPUS_DIR]   # default ../shared/corpora/news-id-html

Each way of finding a page's date runs through the whole HTML reader and the structure stage
(which turns the value into ``published_at``), and is scored against the epoch milliseconds in
``expected_from_tests.json``: exact, the same minute, and the same day in WIB (UTC+7). Ways:

- ``ours``: the reader as shipped: htmldate's day (through trafilatura's metadata), the time of
  day from a meta tag or the page's own date line for that day;
- ``htmldate``: ``htmldate.find_date`` alone, with the time of day in its output format
  (``original_date`` True: the publication date, not the last update; then False);
- ``trafilatura``: trafilatura's metadata date alone (a day);
- ``htmldate+line``: htmldate instead of our meta-tag scan, and the page's date line.

Prints a Markdown table; exits 1 if the corpus is missing. Measured 2026-12-01 (exact / same
minute / same day, of 26): ours 22 / 25 / 26; htmldate original_date 8 / 9 / 26, latest 2 / 3 /
25; trafilatura 0 / 0 / 26; htmldate for the meta time + date line 20 / 23 / 26 (either order of
htmldate and our meta scan as fallbacks of each other: 22 / 25 / 26, no gain). So ours stays.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import sources, structure
from corpus.config import Config
from corpus.records import RawRecord
from corpus.sources import html
from corpus.stats import Stats

DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "news-id-html"
WIB = dt.timezone(dt.timedelta(hours=7))
FORMAT = "%Y-%m-%dT%H:%M:%S%z"

Meta = Callable[[bytes], str | None]
Line = Callable[[str, str | None, str | None], str | None]


def _htmldate(original: bool) -> Meta:
    from htmldate import find_date

    return lambda data: find_date(data, outputformat=FORMAT, original_date=original)


def _with_time(meta: Meta) -> Meta:
    # htmldate writes midnight when it found no time; only a value with a time stands for one
    def found(data: bytes) -> str | None:
        value = meta(data)
        return value if value and not value.endswith("T00:00:00") else None

    return found


def ways() -> dict[str, tuple[Meta, Line]]:
    """Each way of finding the date: (meta-tag value, the page's own date line)."""
    none_line: Line = lambda _raw, _day, _meta: None  # noqa: E731
    return {
        "ours (htmldate day + meta time + date line)": (html._meta_published, html._page_published),
        "htmldate (original_date=True)": (_htmldate(True), none_line),
        "htmldate (original_date=False)": (_htmldate(False), none_line),
        "trafilatura metadata date": (lambda _data: None, none_line),
        "htmldate for the meta time + date line": (
            _with_time(_htmldate(True)),
            html._page_published,
        ),
    }


def published(f: sources.InputFile) -> str | None:
    """``published_at`` of the page after the reader and the structure stage."""
    for item in sources.read_file(f, sources.ColumnMapper({})):
        if isinstance(item, RawRecord):
            return next(structure.run([item], Stats(), Config())).published_at
    return None


def score(got: str | None, want_ms: int) -> tuple[bool, bool, bool]:
    """(exact, same minute, same WIB day) of one value against the expected epoch ms."""
    if not got:
        return False, False, False
    day = got[:10] == dt.datetime.fromtimestamp(want_ms / 1000, WIB).date().isoformat()
    if len(got) <= 10:
        return False, False, day
    parsed = dt.datetime.fromisoformat(got)
    if parsed.tzinfo is None:
        return False, False, day
    ms = int(parsed.timestamp() * 1000)
    return ms == want_ms, ms // 60000 == want_ms // 60000, day


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    expected_path = root / "expected_from_tests.json"
    if not expected_path.is_file():
        print(f"{expected_path} not found (the shared corpora live next to the repository)")
        return 1
    expected: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8"))
    files = {f.relpath: f for f in sources.discover([root])[0]}
    kept = (html._meta_published, html._page_published)
    print("| way | exact | same minute | same day (WIB) |\n|---|---|---|---|")
    try:
        for name, (meta, line) in ways().items():
            html._meta_published, html._page_published = meta, line  # type: ignore[assignment]
            scores = [score(published(files[rel]), want["date"]) for rel, want in expected.items()]
            n = len(scores)
            cells = [sum(s[i] for s in scores) for i in range(3)]
            print(f"| {name} | " + " | ".join(f"{c}/{n} ({c / n:.3f})" for c in cells) + " |")
    finally:
        html._meta_published, html._page_published = kept
    return 0


if __name__ == "__main__":
    sys.exit(main())
