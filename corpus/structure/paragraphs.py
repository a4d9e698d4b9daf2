"""Paragraphs: splitting a text into them, and finding the ones that repeat the article."""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.structure.text import LEADING_JUNK

_JUNK_CHARS = " ,\t\n\r\xa0\u3000"
_JUNK_SUFFIXES = ("¬†", "_x000D_")  # mojibake no-break space; an escaped CR from xlsx

# Paragraphs joined by "," after sentence-final punctuation (then optionally a closing quote and a
# bracket such as "(esn)" or "(Baca juga: ...)"), but not a comma that closes a quotation
# ('"Ibu ada keluhan apa?," tanya dokter') nor one after an initial ("B.J.,"). A colon directly
# before the comma ("Simak video ...:,") ended a prompt whose embed was dropped. The pattern opens
# on the punctuation's character class (the checks on what precedes it are lookbehinds after
# it), so the engine skips to candidate characters instead of trying every position: 2x faster.
_COMMA_JOIN = re.compile(
    r"([.!?:](?:(?<!:)(?<!\b[A-Z]\.)(?:[\"”’']|‚Äù|‚Äô)?(?:\s*\([^()]{0,200}\))?|(?<=\w:)(?:\s|¬†)*))"
    r"[ \xa0]?,(?=\S)(?![\"”’]\s|‚Äù\s|‚Äô\s)"
)
# "Baca juga:,,Ia pun ...", "Baca selengkapnya di , , Kesehatan ...": a prompt whose link was
# dropped, glued to the next paragraph; the prompt is split off and the paragraph kept
_COMMA_PROMPT = re.compile(
    r"^((?:Baca|Lihat)\s+[Jj]uga\s*:|(?:Baca|Lihat)\s+[Jj]uga(?=\s*,)"
    r"|(?:Baca|Simak)(?:\s+berita)?\s+selengkapnya(?:\s+di(?:\s*sini)?)?(?=\s*,))[\s,]*"
)


_JUNK_START = (",", "¬")  # with whitespace: what ``LEADING_JUNK`` can remove opens so
_PROMPT_START = ("Baca", "Lihat", "Simak")  # what ``_COMMA_PROMPT`` can match opens so


def _rstrip_junk(text: str) -> str:
    # a loop, not a regex anchored at $: that would be retried from every space in the text
    while True:
        stripped = text.rstrip(_JUNK_CHARS)
        for suffix in _JUNK_SUFFIXES:
            stripped = stripped.removesuffix(suffix)
        if stripped == text:
            return text
        text = stripped


def split_paragraphs(text: str) -> tuple[list[str], bool, bool]:
    """(paragraphs, first line followed by a blank line, paragraphs were comma-joined)."""
    text = _rstrip_junk(text.replace("\r\n", "\n").replace("\r", "\n"))
    if "\n" in text.strip():
        lines = text.split("\n")
        paragraphs = [s for s in (line.strip() for line in lines) if s]
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        blank_after_first = first + 1 < len(lines) and not lines[first + 1].strip()
        return paragraphs, blank_after_first, False
    text = text.strip()
    pieces = _COMMA_JOIN.split(text)
    if len(pieces) == 1:
        return ([text] if text else []), False, False
    paragraphs = []
    for k in range(0, len(pieces), 2):
        piece = pieces[k] + (pieces[k + 1] if k + 1 < len(pieces) else "")
        # the first keeps its lead-in; both patterns open on known characters: a plain check
        # first saves a regex call on most pieces
        if k and (piece[:1] in _JUNK_START or piece[:1].isspace()):
            piece = LEADING_JUNK.sub("", piece)
        while piece.startswith(_PROMPT_START) and (match := _COMMA_PROMPT.match(piece)) is not None:
            paragraphs.append(match.group(1))
            piece = piece[match.end() :]
        if piece.strip():
            paragraphs.append(piece.strip())
    return paragraphs, False, True


def _same_context(paragraphs: Sequence[str], i: int, j: int, drop: dict[int, str]) -> bool:
    """Whether paragraph ``i``, a copy of the earlier ``j``, repeats it as part of a block."""
    if j == i - 1 or (i - 1 in drop and drop[i - 1] == "repeated_paragraph"):
        return True
    if j > 0 and paragraphs[i - 1] == paragraphs[j - 1]:
        return True
    return i + 1 < len(paragraphs) and paragraphs[i + 1] == paragraphs[j + 1]


def _holds_neighbour(paragraphs: Sequence[str], i: int) -> bool:
    """Whether paragraph ``i`` holds the one before or after it (30+ characters, shorter)."""
    paragraph = paragraphs[i]
    for k in (i - 1, i + 1):
        if 0 <= k < len(paragraphs):
            n = paragraphs[k]
            if 30 <= len(n) < len(paragraph) and n in paragraph:
                return True
    return False


def repeats(paragraphs: Sequence[str]) -> tuple[dict[int, str], dict[int, list[str]]]:
    """Paragraphs that repeat text the article already holds: ({index: rule}, residue).

    ``repeated_paragraph``: an exact repeat (8+ words; short list items may repeat on purpose) of
    an earlier paragraph in the same context: part of a repeated block (a neighbour repeats the
    earlier copy's neighbour) or right after its copy. The same sentence in another place (two
    list items, a product paragraph under two headings, a closing line that echoes the lead) is
    the story's own text and stays. ``glued_repeat``: a paragraph that is other paragraphs of the article
    glued together (a page whose scraper emitted every nesting level, as republika's and
    okezone's did), found when two or more of them cover at least 70% of it. The text of a glued
    copy that no paragraph holds (a subheading, a glued "Baca juga") is its residue: returned as
    {index: pieces} to go in as paragraphs of their own before that index, where the normal rules
    judge them, so dropping the copy loses no body text.
    """
    drop: dict[int, str] = {}
    residue: dict[int, list[str]] = {}
    first: dict[str, int] = {}
    for i, paragraph in enumerate(paragraphs):
        j = first.get(paragraph)
        if j is None:
            first[paragraph] = i
        elif paragraph.count(" ") >= 7 and _same_context(paragraphs, i, j, drop):
            drop[i] = "repeated_paragraph"
    if len(paragraphs) < 3:
        return drop, residue
    for i, paragraph in enumerate(paragraphs):
        if len(paragraph) < 60 or i in drop:
            continue
        # a glued copy holds a neighbour (the scraper writes the levels next to each other);
        # checking that first keeps this linear in the number of paragraphs
        if not _holds_neighbour(paragraphs, i):
            continue
        spans: list[tuple[int, int, int]] = []
        for j, other in enumerate(paragraphs):
            if j == i or j in drop or not 30 <= len(other) < len(paragraph):
                continue
            at = paragraph.find(other)
            if at >= 0:
                spans.append((at, at + len(other), j))
        if not spans:
            continue
        covered, reach = 0, 0
        gaps: list[tuple[str, int]] = []  # (uncovered text, index of the paragraph after it)
        for lo, hi, j in sorted(spans):
            if lo > reach:
                gaps.append((paragraph[reach:lo], j))
            lo = max(lo, reach)
            if hi > lo:
                covered += hi - lo
                reach = hi
        if covered < 0.7 * len(paragraph):
            continue
        if len(spans) >= 2:
            drop[i] = "glued_repeat"
            last = max(spans, key=lambda span: span[1])[2]
            gaps.append((paragraph[reach:], last + 1))
            for text, before in gaps:
                if sum(ch.isalnum() for ch in text) >= 3:
                    residue.setdefault(before, []).append(text.strip())
        else:
            # one paragraph inside another: drop the copy that is contained, so no text is lost
            drop[spans[0][2]] = "repeated_paragraph"
    return drop, residue


def is_junk_body(text: str) -> bool:
    """Whether a structured body has nothing to read: empty, or no sentence at all.

    A body needs one stretch of five or more words in a row (a clause): a widget ("loading..."),
    a label ("Bagikan :") or a bare handle never has one. A one-line prompt that survived the
    rules is caught by the rules themselves, not here.
    """
    return _CLAUSE.search(text) is None


# five words in a row, the last starting with a letter: the least a sentence has (a number
# is a word: "isi berita nomor 7 hari ini", "harga naik Rp 1.000 per gram")
_CLAUSE = re.compile(r"(?:[^\W_][\w'’.,%/-]*[ \xa0]+){4}[^\W\d_]")
