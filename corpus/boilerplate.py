"""Learned cross-document boilerplate: lines one publisher repeats across many articles.

cc_net's idea, per publisher and with a curator in the loop. ``learn`` takes articles the
structure stage made (with the shipped rules, without these) and counts each body line in its
normalized form (NFKC, case-folded, digits as ``0``, whitespace collapsed) once per article, per
publisher. A line is a
*candidate* when it recurs in at least ``min_articles`` articles and ``min_share`` of that
publisher's articles, in varied surroundings: a line whose neighbours are the same every time is a
story run twice (a near duplicate), not page furniture, so ``min_context_share`` of its
occurrences must have distinct neighbouring lines.

Candidates are written to a rules file (TOML, ``rules/boilerplate.toml`` by default) with their
counts and an example. A curator reviews it: ``action = "drop"`` removes such lines at ingest,
``"keep"`` marks them body, and rules left at ``"review"`` are not applied. Re-learning into an
existing file keeps the curator's decisions and comments (the file is edited with tomlkit), and a
run that finds nothing writes nothing. Length never decides: a short line is dropped only when a
reviewed rule names it. The automatic, unreviewed layer is ``corpus.learned``; a ``keep`` rule
here overrides it too.

This module reads and writes rules only: it imports no stage. The CLI feeds ``learn`` articles.
"""

from __future__ import annotations

import logging
import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from corpus.config import DEFAULT_BOILERPLATE_RULES
from corpus.errors import ConfigError
from corpus.records import Article

logger = logging.getLogger(__name__)

#: Where ingest looks for reviewed rules when the config names no file.
DEFAULT_RULES = DEFAULT_BOILERPLATE_RULES
ACTIONS = ("drop", "keep", "review")
RULES_FORMAT = 1
#: Longer lines are never rules: a recurring long paragraph is a story, not furniture.
MAX_RULE_CHARS = 400

_DIGITS = re.compile(r"\d")


def normalize_line(line: str) -> str:
    """The form lines are counted and matched in: NFKC, case-folded, digits as 0, spaces collapsed."""
    text = unicodedata.normalize("NFKC", line).casefold()
    return " ".join(_DIGITS.sub("0", text).split())


@dataclass(frozen=True, slots=True)
class LearnedRule:
    """One recurring line of one publisher, with the evidence and the curator's decision."""

    publisher: str
    line: str  # normalized (``normalize_line``)
    action: str  # drop | keep | review
    articles: int = 0  # articles of this publisher that hold the line
    share: float = 0.0  # articles / all articles of this publisher
    contexts: int = 0  # distinct (previous, next) neighbour pairs it was seen between
    example: str = ""  # one occurrence as written


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Reviewed rules, indexed for matching: publisher -> normalized lines to drop / to keep."""

    rules: tuple[LearnedRule, ...] = ()
    drops: Mapping[str, frozenset[str]] = field(default_factory=dict)
    keeps: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, rules: Iterable[LearnedRule]) -> RuleSet:
        """A RuleSet indexing the rules with ``action = "drop"`` and ``action = "keep"``."""
        rules = tuple(rules)
        index: dict[str, dict[str, set[str]]] = {"drop": defaultdict(set), "keep": defaultdict(set)}
        for rule in rules:
            if rule.action in index:
                index[rule.action][rule.publisher].add(rule.line)
        drops, keeps = (
            {p: frozenset(lines) for p, lines in index[action].items()}
            for action in ("drop", "keep")
        )
        return cls(rules, drops, keeps)

    def drops_line(self, publisher: str | None, line: str) -> bool:
        """Whether a reviewed rule removes ``line`` from an article of ``publisher``."""
        return self._has(self.drops, publisher, line)

    def keeps_line(self, publisher: str | None, line: str) -> bool:
        """Whether a reviewed rule says ``line`` is body for ``publisher`` (nothing removes it)."""
        return self._has(self.keeps, publisher, line)

    @staticmethod
    def _has(index: Mapping[str, frozenset[str]], publisher: str | None, line: str) -> bool:
        if publisher is None or len(line) > MAX_RULE_CHARS:
            return False
        lines = index.get(publisher)
        return lines is not None and normalize_line(line) in lines


@dataclass(frozen=True, slots=True)
class LearnResult:
    """Candidates found by ``learn``, merged with an earlier file's decisions."""

    rules: tuple[LearnedRule, ...]
    articles: Mapping[str, int]  # articles seen per publisher
    records: int
    written: bool = False  # whether ``learn.learn_rules`` wrote the rules file (nothing found: no)


def load_rules(path: Path) -> RuleSet:
    """The rules of a rules file; a malformed file is a ConfigError naming the rule."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"boilerplate rules file {path} does not exist (write one with `corpus boilerplate learn`)"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return RuleSet.of(_parse_rules(data, str(path)))


def _parse_rules(data: Mapping[str, Any], origin: str) -> list[LearnedRule]:
    unknown = set(data) - {"format", "rule"}
    if unknown:
        raise ConfigError(f"{origin}: unknown key(s) {sorted(unknown)}; known: format, rule")
    items = data.get("rule", [])
    if not isinstance(items, list):
        raise ConfigError(f"{origin}: 'rule' must be an array of tables ([[rule]])")
    rules = []
    for n, item in enumerate(items, start=1):
        where = f"{origin}: rule {n}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: must be a table")
        extra = set(item) - set(LearnedRule.__dataclass_fields__)
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {sorted(extra)}")
        for key in ("publisher", "line", "action"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise ConfigError(f"{where}: {key!r} must be a non-empty string")
        if item["action"] not in ACTIONS:
            raise ConfigError(
                f"{where}: action {item['action']!r} is not one of {', '.join(ACTIONS)}"
            )
        if normalize_line(item["line"]) != item["line"]:
            raise ConfigError(
                f"{where}: line {item['line']!r} is not normalized; write "
                f"{normalize_line(item['line'])!r}"
            )
        try:
            rules.append(LearnedRule(**item))
        except TypeError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return rules


def learn(
    articles: Iterable[Article],
    *,
    min_share: float = 0.01,
    min_articles: int = 5,
    min_context_share: float = 0.8,
    previous: RuleSet | None = None,
) -> LearnResult:
    """Recurring body lines per publisher, as rules to review (earlier decisions kept).

    ``articles`` are the structure stage's output made without these rules (the CLI makes them).
    """
    if not 0 < min_share <= 1:
        raise ConfigError(f"min_share must be in (0, 1], got {min_share}")
    if min_articles < 2:
        raise ConfigError(f"min_articles must be at least 2, got {min_articles}")
    articles_of: Counter[str] = Counter()
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    contexts: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    examples: dict[tuple[str, str], str] = {}
    n = 0
    for article in articles:
        n += 1
        if article.publisher is None or not article.text:
            continue
        publisher = article.publisher
        articles_of[publisher] += 1
        lines = article.text.split("\n\n")
        normal = [normalize_line(line) if len(line) <= MAX_RULE_CHARS else "" for line in lines]
        for i, key in enumerate(normal):
            if not key:
                continue
            pair = (normal[i - 1] if i else "^", normal[i + 1] if i + 1 < len(normal) else "$")
            contexts[(publisher, key)].add(pair)
            examples.setdefault((publisher, key), lines[i])
        for key in set(normal) - {""}:
            seen[publisher][key] += 1
    decided = {(r.publisher, r.line): r.action for r in (previous.rules if previous else ())}
    found: dict[tuple[str, str], LearnedRule] = {}
    for publisher, counts in seen.items():
        total = articles_of[publisher]
        for key, k in counts.items():
            n_contexts = len(contexts[(publisher, key)])
            if k < min_articles or k / total < min_share or n_contexts < min_context_share * k:
                continue
            found[(publisher, key)] = LearnedRule(
                publisher=publisher,
                line=key,
                action=decided.get((publisher, key), "review"),
                articles=k,
                share=round(k / total, 4),
                contexts=n_contexts,
                example=examples[(publisher, key)][:200],
            )
    # a reviewed rule whose line no longer recurs (it is removed already) stays as decided
    for rule in previous.rules if previous else ():
        found.setdefault((rule.publisher, rule.line), rule)
    ordered = sorted(found.values(), key=lambda r: (r.publisher, -r.articles, r.line))
    return LearnResult(tuple(ordered), dict(sorted(articles_of.items())), n)


_HEADER = (
    "Boilerplate rules learned by `corpus boilerplate learn` (corpus/boilerplate.py).",
    "Review each rule, then commit this file: ingest applies it (corpus.toml [ingest]",
    "boilerplate_rules, default rules/boilerplate.toml). Comments you add here are kept.",
    '  action = "drop"    lines equal to `line` are removed from this publisher\'s articles',
    '  action = "keep"    the line is body: neither these rules nor the automatic layer',
    "                     (corpus/learned.py, rule learned:auto) remove it",
    '  action = "review"  not applied yet',
    "`line` is normalized: NFKC, case-folded, digits as 0, whitespace collapsed.",
    "articles/share: how many of the publisher's articles hold the line; contexts: distinct",
    "neighbouring lines (few contexts for many articles = a story repeated, not furniture).",
)
_COUNTS = ("articles", "share", "contexts")


def _rule_table(rule: LearnedRule) -> Table:
    table = tomlkit.table()
    for name in ("publisher", "line", "action", "articles", "share", "contexts", "example"):
        table.add(name, getattr(rule, name))
    return table


def _document(result: LearnResult, existing: str | None) -> tomlkit.TOMLDocument:
    """The rules file with ``result`` merged in: new rules appended, counts refreshed; the
    curator's actions, comments, and rules ``result`` no longer holds stay as they were."""
    if existing is None:
        doc = tomlkit.document()
        for line in _HEADER:
            doc.add(tomlkit.comment(line))
        doc.add(tomlkit.nl())
        doc.add("format", RULES_FORMAT)
    else:
        doc = tomlkit.parse(existing)
    if "rule" not in doc:
        if not result.rules:
            return doc
        doc.add(tomlkit.nl())
        doc.add("rule", tomlkit.aot())
    tables = doc["rule"]
    if not isinstance(tables, AoT):
        raise ConfigError("the rules file's 'rule' must be an array of tables ([[rule]])")
    index = {(str(t.get("publisher")), str(t.get("line"))): t for t in tables}
    for rule in result.rules:
        table = index.get((rule.publisher, rule.line))
        if table is None:
            tables.append(_rule_table(rule))
            continue
        for name in _COUNTS:
            if table.get(name) != getattr(rule, name):
                table[name] = getattr(rule, name)
    return doc


def render_rules(result: LearnResult, existing: str | None = None) -> str:
    """The rules file text (``existing`` with ``result`` merged in, else a new file)."""
    return tomlkit.dumps(_document(result, existing))


def write_rules(result: LearnResult, path: Path) -> bool:
    """Merge ``result`` into the rules file at ``path``; whether anything was written.

    Nothing is written when no rule was found and there is no file yet (a rules file changes the
    config hash: an empty one would only make the next incremental ingest ask for --rebuild), or
    when the file would not change. A crash leaves the old file (temporary file, then rename).
    """
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    if existing is None and not result.rules:
        return False
    text = render_rules(result, existing)
    if text == existing:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


__all__ = [
    "ACTIONS",
    "DEFAULT_RULES",
    "MAX_RULE_CHARS",
    "LearnResult",
    "LearnedRule",
    "RuleSet",
    "learn",
    "load_rules",
    "normalize_line",
    "render_rules",
    "write_rules",
]
