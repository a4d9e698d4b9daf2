"""Learned cross-document boilerplate: lines one publisher repeats across many articles.

cc_net's idea, per publisher and with a curator in the loop. ``learn`` structures every record
with the shipped rules, then counts each remaining body line in its normalized form (NFKC,
case-folded, digits as ``0``, whitespace collapsed) once per article, per publisher. A line is a
*candidate* when it recurs in at least ``min_articles`` articles and ``min_share`` of that
publisher's articles, in varied surroundings: a line whose neighbours are the same every time is a
story run twice (a near duplicate), not page furniture, so ``min_context_share`` of its
occurrences must have distinct neighbouring lines.

Candidates are written to a rules file (TOML, ``rules/boilerplate.toml`` by default) with their
counts and an example. A curator reviews it: ``action = "drop"`` removes such lines at ingest,
``"keep"`` marks them body, and rules left at ``"review"`` are not applied. Re-learning into an
existing file keeps the curator's decisions. Length never decides: a short line is dropped only
when a reviewed rule names it.
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

from corpus.config import DEFAULT_BOILERPLATE_RULES, Config
from corpus.errors import ConfigError
from corpus.records import RawRecord
from corpus.stats import Stats

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
    """Reviewed rules, indexed for matching: publisher -> normalized lines to drop."""

    rules: tuple[LearnedRule, ...] = ()
    drops: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, rules: Iterable[LearnedRule]) -> RuleSet:
        """A RuleSet whose ``drops`` index holds the rules with ``action = "drop"``."""
        rules = tuple(rules)
        drops: dict[str, set[str]] = defaultdict(set)
        for rule in rules:
            if rule.action == "drop":
                drops[rule.publisher].add(rule.line)
        return cls(rules, {p: frozenset(lines) for p, lines in drops.items()})

    def drops_line(self, publisher: str | None, line: str) -> bool:
        """Whether a reviewed rule removes ``line`` from an article of ``publisher``."""
        if publisher is None or len(line) > MAX_RULE_CHARS:
            return False
        lines = self.drops.get(publisher)
        return lines is not None and normalize_line(line) in lines


@dataclass(frozen=True, slots=True)
class LearnResult:
    """Candidates found by ``learn``, merged with an earlier file's decisions."""

    rules: tuple[LearnedRule, ...]
    articles: Mapping[str, int]  # articles seen per publisher
    records: int


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
    records: Iterable[RawRecord],
    *,
    min_share: float = 0.01,
    min_articles: int = 5,
    min_context_share: float = 0.8,
    previous: RuleSet | None = None,
) -> LearnResult:
    """Recurring body lines per publisher, as rules to review (earlier decisions kept)."""
    from corpus import structure  # structure imports this module for matching

    if not 0 < min_share <= 1:
        raise ConfigError(f"min_share must be in (0, 1], got {min_share}")
    if min_articles < 2:
        raise ConfigError(f"min_articles must be at least 2, got {min_articles}")
    articles: Counter[str] = Counter()
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    contexts: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    examples: dict[tuple[str, str], str] = {}
    n = 0
    profiles = structure.load_profiles()
    for record in records:
        n += 1
        article = structure.structure_with(record, profiles, RuleSet())
        if article.publisher is None or not article.text:
            continue
        publisher = article.publisher
        articles[publisher] += 1
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
        total = articles[publisher]
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
    return LearnResult(tuple(ordered), dict(sorted(articles.items())), n)


def learn_paths(
    paths: Iterable[Path],
    cfg: Config,
    out: Path | None = None,
    *,
    min_share: float = 0.01,
    min_articles: int = 5,
    min_context_share: float = 0.8,
) -> LearnResult:
    """Read raw files, learn candidate rules, and write them to ``out`` (default: the config's
    rules file, else ``rules/boilerplate.toml``), keeping the decisions already in that file."""
    from corpus import sources, validate  # the readers import the config, not this module

    target = out or cfg.boilerplate_rules or DEFAULT_RULES
    previous = load_rules(target) if target.is_file() else None
    files, _ = sources.discover(list(paths))
    stats = Stats()
    records = (
        r
        for r in validate.run(sources.run(files, cfg, stats), cfg, stats)
        if isinstance(r, RawRecord)
    )
    result = learn(
        records,
        min_share=min_share,
        min_articles=min_articles,
        min_context_share=min_context_share,
        previous=previous,
    )
    write_rules(result, target)
    return result


def _toml_string(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def render_rules(result: LearnResult) -> str:
    """The rules file text: a header on how to review it, then one ``[[rule]]`` per line."""
    lines = [
        "# Boilerplate rules learned by `corpus boilerplate learn` (corpus/boilerplate.py).",
        "# Review each rule, then commit this file: ingest applies it (corpus.toml [ingest]",
        "# boilerplate_rules, default rules/boilerplate.toml).",
        '#   action = "drop"    lines equal to `line` are removed from this publisher\'s articles',
        '#   action = "keep"    the line is body; re-learning keeps the decision',
        '#   action = "review"  not applied yet',
        "# `line` is normalized: NFKC, case-folded, digits as 0, whitespace collapsed.",
        "# articles/share: how many of the publisher's articles hold the line; contexts: distinct",
        "# neighbouring lines (few contexts for many articles = a story repeated, not furniture).",
        "# Articles per publisher: " + ", ".join(f"{p} {k:,}" for p, k in result.articles.items()),
        "",
        f"format = {RULES_FORMAT}",
    ]
    for rule in result.rules:
        lines += [
            "",
            "[[rule]]",
            f"publisher = {_toml_string(rule.publisher)}",
            f"line = {_toml_string(rule.line)}",
            f"action = {_toml_string(rule.action)}",
            f"articles = {rule.articles}",
            f"share = {rule.share}",
            f"contexts = {rule.contexts}",
            f"example = {_toml_string(rule.example)}",
        ]
    return "\n".join(lines) + "\n"


def write_rules(result: LearnResult, path: Path) -> None:
    """Write the rules file (through a temporary file, so a crash leaves the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_rules(result), encoding="utf-8")
    tmp.replace(path)


__all__ = [
    "ACTIONS",
    "DEFAULT_RULES",
    "MAX_RULE_CHARS",
    "LearnResult",
    "LearnedRule",
    "RuleSet",
    "learn",
    "learn_paths",
    "load_rules",
    "normalize_line",
    "render_rules",
    "write_rules",
]
