"""The structure stage's pattern shortcuts give what running the patterns gives, bit for bit.

``patterns.first_char`` lets a line skip the generic rules that cannot open on its first
character (``rules._generic_rule``, against one combined pattern of every rule as before);
``patterns.needle`` and ``patterns.line_anchored`` let a text skip a publisher marker (by a plain
``in``, or a case-blind search of the literal when the marker ignores case) or try it at line
starts only (``profiles._marks``, against ``marker.search``).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.structure import load_profiles, patterns, profiles, rules

# letters whose case the engine folds in unusual ways (Kelvin sign, long s, dotless and dotted
# i, micro sign), digits of other scripts, the characters the rules open on and a few others
_ODD = "Kſıİµ\u212b٣०ß"
_ALPHABET = _ODD + "BbLlAaRrSsKkPpDdEeIiWw[(*\"'‚-, 0123456789.:!?/\n\t\xa0"
# the whole Basic Multilingual Plane, minus surrogates: every character a first item can see
_BMP = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]


@pytest.mark.parametrize(
    "source",
    [
        r"(?i)k",
        r"(?i)[a-z]",
        r"(?i)[S-Z\d]",
        r"\d",
        r"\w",
        r"\S",
        r"[\[\]^*-]",
        r"µ",
        r"(?i)µ",
        r"(?i:İ)",
        r"[\u0100-\u0200]",
    ],
)
def test_first_char_of_one_item_matches_the_same_characters(source: str) -> None:
    pattern = re.compile(source)
    opener = patterns.first_char(pattern)
    assert opener is not None
    assert [ch for ch in _BMP if opener.fullmatch(ch)] == [ch for ch in _BMP if pattern.match(ch)]


@pytest.mark.parametrize(
    ("source", "opens"),
    [
        (r"^(?:Baca|Lihat) juga", "BL"),
        (r"^(?=Baca)\s*B", "\tB"),  # a lookahead is passed over: the class only widens
        (r"^(?:A|B?)C", "ABC"),  # an optional first item lets the next open
        (r"^(?:\*+\)?\s*)?(?i:rencana)", "*Rr"),
        (r"(?:x{0,2})y", "xy"),
    ],
)
def test_first_char_takes_in_what_can_open(source: str, opens: str) -> None:
    opener = patterns.first_char(re.compile(source))
    assert opener is not None
    assert all(opener.fullmatch(ch) for ch in opens)


@pytest.mark.parametrize("source", [r"^.{0,3}x", r"[^a]b", r"^x?$", r"(?:a|)", r"()\1a"])
def test_first_char_is_none_where_any_character_may_open(source: str) -> None:
    assert patterns.first_char(re.compile(source)) is None


def _all_rules(line: str) -> str | None:
    """``rules._generic_rule`` as it was: one pattern of every rule, for every line."""
    long = len(line) > rules._LONG
    table = rules._BOUNDLESS if long else rules.GENERIC_BOILERPLATE
    match = rules._combined(table).match(line)
    return None if match is None else table[int(str(match.lastgroup)[1:])][0]


# lines that open like the rules do: a rule's own opening words, then anything
_OPENERS = [
    "Baca juga: ",
    "BACA JUGA ",
    "Read also: ",
    "[Baca ",
    "Berita Terkait",
    "Editor: Adi",
    "editor : x",
    "Sumber: Antara",
    "(Sumber: ",
    "Laporan wartawan X, Y",
    "LAPORAN WARTAWAN ",
    "Ikuti berita di Google News",
    "ikuti kami di WhatSapp ",
    "*) Tulisan ini tidak mencerminkan ",
    "3 jam lalu",
    "٣ jam lalu",
    "ſcroll to continue with content",
    "A- A+",
    "Loading...",
    "Hak atas foto ",
    "ADVERTISEMENT",
    "[Gambas:Video]",
]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["", *_OPENERS]), st.text(_ALPHABET, max_size=40), st.booleans())
def test_generic_rule_by_first_character_is_the_combined_rule(
    opener: str, rest: str, long: bool
) -> None:
    line = opener + rest + ("x" * (rules._LONG + 1) if long else "")
    assert rules._generic_rule(line) == _all_rules(line)


@pytest.mark.parametrize("opener", _OPENERS)
def test_generic_rule_on_every_opening_character(opener: str) -> None:
    for ch in {*_ALPHABET, *"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}:
        for line in (ch + opener[1:], ch, ch + " " + opener):
            assert rules._generic_rule(line) == _all_rules(line), line


_MARKERS = [m for p in load_profiles() for m in p.markers]
# pieces of marker-like text: site names and lead-ins in both cases, separators, line breaks
_PIECES = [
    "KOMPAS.com - ",
    "JAKARTA, KOMPAS.com -",
    "Jakarta (ANTARA) - ",
    "SINDOnews.com",
    "kumparanNEWS",
    "KUMPARANbisnis",
    "\u212aUMPARANnewſ",  # a Kelvin sign and a long s: the engine folds both
    "BERITA OKEZONE Dı GOOGLE NEWS",
    "berita Okezone di Google News",
    "Bisnis.com, ",
    "TEMPO.CO, ",
    "VIVA – ",
    "Artikel ini telah tayang di Tribunnews.com",
    "[Gambas:Video 20detik]",
    "SCROLL TO CONTINUE WITH CONTENT",
    "\n",
    "\n\n",
    " ",
    ", ",
    "Warga berkumpul.",
    "x",
    "¬†",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=8))
def test_markers_found_as_a_search_finds_them(pieces: list[str]) -> None:
    text = "".join(pieces)
    starts = profiles._line_starts(text)
    for marker in _MARKERS:
        assert profiles._marks(marker, text, starts) == (marker.search(text) is not None)


def test_needle_and_anchor_of_marker_shapes() -> None:
    assert patterns.needle(re.compile(r"(?m)^Bisnis\.com\s*,")) == "Bisnis.com"
    assert patterns.needle(re.compile(r"(?i)\bkumparan(?:NEWS)?")) == "kumparan"
    assert patterns.ignores_case(re.compile(r"(?i)\bkumparan"))
    assert patterns.needle(re.compile(r"xab(?:c|d)ef")) == "xab"
    assert patterns.line_anchored(re.compile(r"(?m)^A|^B"))
    assert not patterns.line_anchored(re.compile(r"(?m)^A|B"))  # B may match anywhere
    assert not patterns.line_anchored(re.compile(r"^A"))  # the text's start only: a search
    assert profiles._line_starts("a\nbc\n") == [0, 2, 5]
