"""What a compiled regex needs before it can match, read from its parse tree: the characters a
match can open on, a literal every match holds, whether matches start only at line starts.

These let a caller skip a pattern without running it (a line opening on a character no rule
opens on, a text without the literal), which gives the same answers as running it: each is a
necessary condition worked out from the pattern as the ``re`` module parses it. Where the tree
holds something not handled here, the answer is the one that skips nothing (None, "", False).
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# ``re``'s own parser and opcodes (private modules, stable since 3.11; typed Any on purpose)
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)
_CATEGORIES = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
}
# the members of a character class, each as it is written inside [...] ((member, ignore case))
_Members = set[tuple[str, bool]]


def _parse(pattern: re.Pattern[str]) -> Any:
    return _parser.parse(pattern.pattern, pattern.flags)


def _class_members(items: list[tuple[Any, Any]], nocase: bool) -> _Members | None:
    """A class ``[...]`` written out again, member by member; None when it is negated."""
    members: _Members = set()
    for op, av in items:
        if op is _c.LITERAL:
            members.add((re.escape(chr(av)), nocase))
        elif op is _c.RANGE:
            members.add((f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}", nocase))
        elif op is _c.CATEGORY and av in _CATEGORIES:
            members.add((_CATEGORIES[av], nocase))
        else:
            return None
    return members


def _openings(items: Any, nocase: bool) -> tuple[_Members | None, bool]:
    """(the class members a match of the sequence can open on, or None for any character;
    whether it can match the empty string). Zero-width items (anchors, lookarounds) are passed
    over: that only widens the class."""
    members: _Members = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _c.LITERAL or op is _c.IN:
            found = _class_members([(op, av)] if op is _c.LITERAL else av, nocase)
            return (None if found is None else members | found), False
        if op is _c.SUBPATTERN:
            _, add, remove, sub = av
            inner, empty = _openings(sub, (nocase or bool(add & re.I)) and not remove & re.I)
        elif op is _c.BRANCH:
            inner, empty = set(), False
            for alternative in av[1]:
                opens, can_be_empty = _openings(alternative, nocase)
                if opens is None:
                    return None, False
                inner |= opens
                empty = empty or can_be_empty
        elif op in _REPEATS:
            inner, empty = _openings(av[2], nocase)
            empty = empty or av[0] == 0
        else:  # any character, a negated literal, a back-reference: anything may open
            return None, False
        if inner is None:
            return None, False
        members |= inner
        if not empty:
            return members, False
    return members, True


def first_char(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern that fully matches each character a match of ``pattern`` can start with (a
    class, case ignored where ``pattern`` ignores it), or None when a match may start with any
    character or be empty. Built from the same members as ``pattern``'s own first item, so the
    engine's notion of a character and of its case is the same."""
    parsed = _parse(pattern)
    members, empty = _openings(parsed, bool(parsed.state.flags & re.I))
    if members is None or empty:
        return None
    cased = "".join(sorted(m for m, nocase in members if not nocase))
    folded = "".join(sorted(m for m, nocase in members if nocase))
    parts = ([f"[{cased}]"] if cased else []) + ([f"(?i:[{folded}])"] if folded else [])
    return re.compile("|".join(parts) or "(?!)")


def needle(pattern: re.Pattern[str]) -> str:
    """The longest literal that every match of ``pattern`` holds (a run of plain characters in
    its top-level sequence; in any case when the pattern ignores case), or "" when there is
    none."""
    best, run = "", []
    for op, av in [*_parse(pattern), (None, None)]:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    return best


def ignores_case(pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` ignores case as a whole (``(?i)`` or ``re.IGNORECASE``)."""
    return bool(_parse(pattern).state.flags & re.I)


def line_anchored(pattern: re.Pattern[str]) -> bool:
    """Whether every match of a MULTILINE pattern starts at a line's start (``(?m)^...`` with no
    top-level alternative that drops the anchor)."""
    parsed = _parse(pattern)
    return (
        bool(parsed.state.flags & re.M) and bool(parsed) and parsed[0] == (_c.AT, _c.AT_BEGINNING)
    )


__all__ = ["first_char", "ignores_case", "line_anchored", "needle"]
