"""Boilerplate learned at ingest: lines and glued runs a publisher repeats across its stories.

cc_net's line statistics, per publisher (the registered domain of the URL; the source file when a
record has no URL), counted in *stories* rather than records: a record's story is the hash of its
two longest lines, so a re-scrape of the same page, two copies syndicated verbatim or a story told
twice in one record count once. A line is boilerplate when it recurs in at least ``min_stories``
different stories and ``line_share`` of the publisher's stories; a story that repeats itself or is
syndicated stays one story and is never mistaken for furniture.

Scrapers that flatten paragraphs glue furniture inside a line ("... (30/6). ADVERTISEMENT SCROLL
TO CONTINUE WITH CONTENT Walid menambahkan ..."). Those are learned as *runs*: word sequences that
start at a sentence boundary (never at the start of a record, where datelines live), recur in
``run_share`` of the stories, and are followed by a new sentence (a capital, digit, quote or the
end of the line) in ``closed_share`` of their occurrences, and are a unit: they end a sentence or
the line, or stand apart (all capitals, or in brackets). A run ending in a comma opens a clause
("Sementara itu,"), one ending in ":" is a dateline ("KUALA LUMPUR:"): never furniture.
Counting every prefix of every sentence would be slow, so the prefixes of a sentence start are
counted only once its first two words are frequent (``hot``) in that publisher, and sentence
starts are counted in a publisher's first ``full_records`` records, then in one story in
``sample_every``. A learned run is cut where it starts a sentence or a capitalized word; a run
that is also a learned whole line is left to the line rule. Thresholds and their measurement:
``evals/learned/README.md``.

Pure and deterministic: ``LineStats`` accumulates (``add``/``merge``, kept with a version by
``save``/``load``); ``LearnedBoilerplate`` is the frozen, picklable result that ``strip`` applies.
"""

from __future__ import annotations

import functools
import heapq
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import xxhash
from tld import get_fld

from corpus.boilerplate import RuleSet, normalize_line
from corpus.errors import ConfigError, VersionError
from corpus.records import Article, RawRecord
from corpus.stats import Stats
from corpus.storage import Place

logger = logging.getLogger(__name__)

#: The rule name every learned removal is recorded with (``Article.boilerplate_rules``).
RULE = "learned:auto"
#: File name of the statistics of versions made before they were kept in parts (still read).
STATS_FILE = "line_stats.parquet"
STATS_FORMAT = 1
#: Scopes are kept in this many parts, by a hash of the scope's name (``part_of``): every count
#: and every decision is about one scope, so a part is learned in a task of its own, and an
#: incremental ingest rewrites only the parts its input touches. Fixed: versions share parts.
PARTS = 64

# kinds of rows in the statistics table
LINE, START, DOC, RUN, CLOSED, SAMPLED = 0, 1, 2, 3, 4, 5

_DIGITS = re.compile(r"\d+")
# a sentence boundary: end punctuation (with closing quotes/brackets), then space or a glued comma
# (the 2019 scrapes join paragraphs with ",")
# sentence ends marked as ". ": "!"/"?" become ".", a closing quote or glued comma a space
_GLUES = ('."', ".”", ".’", ".'", ".,")
_HEAD_CHARS = 200  # enough for the words of a run and the one after it
_OPEN_END = (",", ":", ";", "-", "–", "—", "(")  # a run ending so continues a clause
_SENTENCE_END = (".", ".)", ".]")  # "!" and "?" are marked as "." (``_heads``)
_COLUMNS = ("scope", "kind", "length", "parent", "key", "sig", "docs")


def _byte_table(form: Callable[[str], str]) -> bytes:
    return bytes(ord(form(chr(b))) if b < 128 else b for b in range(256))


# ``normalize``'s steps on ASCII as tables of bytes: UTF-8 keeps an ASCII character as its own
# byte (a wider character's bytes are all >= 0x80), so a table maps them in a text's UTF-8; runs
# of "0" and " " are squeezed after
_ZERO = _byte_table(lambda c: "0" if c.isdecimal() else c)  # digits as "0"
# ... case-folded too, and the characters ``str.split()`` splits on as " "
_FORM = _byte_table(lambda c: "0" if c.isdecimal() else " " if c.isspace() else c.casefold())
_ASCII_BYTES = bytes(range(128))


def normalize(text: str) -> str:
    """The form lines are counted in: NFKC, case-folded, digit runs as 0, whitespace collapsed."""
    return _normal(text).decode("utf-8", "surrogatepass")


def _normal(text: str) -> bytes:
    """The UTF-8 of ``normalize(text)`` (what is hashed)."""
    # what " ".join(_DIGITS.sub("0", NFKC(text).casefold()).split()) gives, by byte tables and
    # bytes.replace: the regex and the split cost 2-3x as much, and this runs over the two
    # longest lines of every record (whole bodies in flattened scrapes)
    if not text.isascii():  # NFKC of ASCII is itself, and casefold is in the table
        text = unicodedata.normalize("NFKC", text).casefold()
        if not text.isascii():
            return _normal_wide(text)
    return _formed(text.encode())


def _normal_wide(folded: str) -> bytes:
    """``_normal`` of an NFKC, case-folded text that is not ASCII."""
    data = folded.encode("utf-8", "surrogatepass")
    # the table holds for ASCII only: a wider digit or space takes the regex
    wide = data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    if any(c.isdecimal() or c.isspace() for c in set(wide)):
        return " ".join(_DIGITS.sub("0", folded).split()).encode("utf-8", "surrogatepass")
    return _formed(data)


def _formed(data: bytes) -> bytes:
    return _squeezed(_squeezed(data.translate(_FORM), b"00"), b"  ").strip(b" ")


def _squeezed(data: bytes, pair: bytes) -> bytes:
    """``data`` with each run of ``pair``'s (repeated) byte as one."""
    while pair in data:  # each pass halves every run; a run never vanishes or joins another
        data = data.replace(pair, pair[:1])
    return data


def _digits_zeroed(folded: str) -> str:
    """``_DIGITS.sub("0", folded)``: ASCII by a byte table, several times faster."""
    if not folded.isascii():
        return _DIGITS.sub("0", folded)
    return _squeezed(folded.encode().translate(_ZERO), b"00").decode()


def _hash(text: str) -> int:
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


@functools.lru_cache(maxsize=65536)
def _domain(host: str) -> str | None:
    return get_fld(host, fix_protocol=True, fail_silently=True)


def scope_of(url: str | None, path: str) -> str:
    """The publisher key: the registered domain of ``url`` ("kompas.com"), else ``file:<path>``."""
    if isinstance(url, str) and url.strip():
        # the host by str methods: urlsplit costs more than the rest of a record's counting
        rest = url.strip().partition("://")
        authority = (rest[2] if rest[1] else rest[0]).split("/", 1)[0]
        authority = authority.split("?", 1)[0].split("#", 1)[0].rpartition("@")[2]
        host = authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority
        host = host.strip("[]").rstrip(".").lower()
        if host:
            domain = _domain(host)
            if domain:
                return domain
            return host.removeprefix("www.")
    return f"file:{path}"


def part_of(scope: str) -> int:
    """The part of the statistics that holds ``scope`` (the same in every process)."""
    return xxhash.xxh64_intdigest(scope.encode("utf-8")) % PARTS


def _by_part(scopes: Iterable[str]) -> dict[int, list[int]]:
    """The ids (positions) of ``scopes`` by their part, parts in order."""
    groups: dict[int, list[int]] = {}
    for sid, scope in enumerate(scopes):
        groups.setdefault(part_of(scope), []).append(sid)
    return dict(sorted(groups.items()))


def part_file(part: int) -> str:
    """File name of a part of the statistics inside a version's folder for them."""
    return f"line_stats-{part:02d}.parquet"


def _unit(words: list[str], ends_line: bool) -> bool:
    """Whether a run could be furniture on its own, not the opening of a sentence it belongs to.

    It must end a sentence (or the line), or stand apart by type: all capitals, or in brackets.
    "Sementara itu," or "Bantuan dari kabupaten tiba di" open a sentence that goes on.
    """
    last = words[-1]
    if last.endswith(_OPEN_END):  # "KUALA LUMPUR:" is a dateline, "Menurut dia," goes on
        return False
    if ends_line or last.endswith(_SENTENCE_END):
        return True
    text = " ".join(words)
    return text.isupper() or (text[0] in "[(" and last[-1] in ")]")


def _closed(word: str | None, whole: bool) -> bool:
    """Whether the word after a run starts a new sentence (or the run ended the line)."""
    if word is None:
        return whole
    first = word[0]
    return first.isupper() or first.isdigit() or first in "\"'“‘([«"


def _marked(line: str) -> str:
    """``line`` with each sentence end written ". " (same length, so offsets hold)."""
    marked = line.replace("!", ".").replace("?", ".")
    for glue in _GLUES:
        marked = marked.replace(glue, ". ")
    return marked


def _heads(line: str, at_start: bool) -> list[tuple[int, str]]:
    """(offset, text) where each sentence of ``line`` starts (its start too if ``at_start``).

    A boundary is ".", "!" or "?", with one closing quote, then a space or a glued comma: found
    with str methods (a regex is several times slower over a whole corpus).
    """
    marked = _marked(line)
    heads = []
    offset = 0
    for k, piece in enumerate(marked.split(". ")):
        if k or at_start:
            heads.append((offset, marked[offset : offset + _HEAD_CHARS]))
        offset += len(piece) + 2
    return heads


def _two_words(head: str) -> list[str]:
    return head.split(None, 2)[:2]


def _word_keys(words: list[str]) -> np.ndarray:
    """xxh3 of each (already case-folded) word, as uint64."""
    try:
        keys = map(xxhash.xxh3_64_intdigest, map(str.encode, words))  # in C; a surrogate raises
        return np.fromiter(keys, dtype=np.uint64, count=len(words))
    except UnicodeEncodeError:
        return np.fromiter(_hashes(words), dtype=np.uint64, count=len(words))


def _pair_keys(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The keys of sentence starts (two words) from their words' keys, elementwise."""
    return _mix(first * _M1 + second)


def _start_key(words: list[str]) -> int:
    """The key of a sentence's first two words (as ``LineStats._read`` computes it in bulk)."""
    keys = _word_keys([words[0].casefold(), words[1].casefold()])
    return int(_pair_keys(keys[:1], keys[1:])[0])


def _normalize_many(lines: list[str]) -> list[str]:
    """``normalize`` of each line, with one pass of each step over all of them."""
    text = "\n".join(lines)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    folded = _digits_zeroed(text.casefold()).split("\n")
    if len(folded) != len(lines):  # NFKC made a line break: one at a time
        return [normalize(line) for line in lines]
    return [" ".join(line.split()) for line in folded]


def _hashes(texts: Iterable[str]) -> Iterator[int]:
    return map(xxhash.xxh3_64_intdigest, (t.encode("utf-8", "surrogatepass") for t in texts))


def _folded(words: list[str]) -> list[str]:
    """The words of a run in ``normalize``d form; a run's key is the hash of the first n joined."""
    return normalize(" ".join(words)).split()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a recurring line or run counts as boilerplate (chosen from data: evals/learned)."""

    min_stories: int = 5  # different stories that must hold it, however big the publisher
    line_share: float = 0.02  # of the publisher's stories, for a whole line
    run_share: float = 0.1  # of the publisher's sampled stories, for a run glued in a line
    closed_share: float = 0.9  # of a run's occurrences that a new sentence follows
    max_line_chars: int = 400  # a longer recurring paragraph is a story, never furniture
    max_run_words: int = 8  # longest run learned inside a line
    hot_stories: int = 3  # a sentence start's prefixes are counted once it is this frequent...
    hot_share: float = 0.05  # ... and this share of the publisher's sampled records so far
    full_records: int = 200  # sentence starts are counted in a publisher's first records...
    sample_every: int = 16  # ... then in one story of this many (runs are >= run_share anyway)

    def __post_init__(self) -> None:
        if self.min_stories < 2:
            raise ConfigError(f"min_stories must be at least 2, got {self.min_stories}")
        for name in ("line_share", "run_share", "closed_share", "hot_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ConfigError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if self.full_records < 0 or self.sample_every < 1:
            raise ConfigError("full_records must be >= 0 and sample_every >= 1")
        if not 2 <= self.max_run_words <= 8:
            raise ConfigError(f"max_run_words must be in 2..8, got {self.max_run_words}")


@dataclass(frozen=True, slots=True)
class _Doc:
    """What one record adds to the statistics (rows before aggregation)."""

    lines: frozenset[int]
    starts: frozenset[int]
    runs: frozenset[tuple[int, int, int, bool]]  # (start, length, key, closed)
    sig: int
    sampled: bool = False  # whether its sentence starts were counted


def _story(text: str, t: Thresholds) -> tuple[list[str], int, frozenset[int]]:
    """A record's non-empty lines, its story signature and the keys of its short lines."""
    raw_lines = [line for line in (raw.strip() for raw in text.split("\n")) if line]
    if not raw_lines:
        return raw_lines, 0, frozenset()
    # the story: its two longest lines, normalized, the same in a re-scrape or a verbatim
    # copy; two, so that a long furniture line in short records does not make them one;
    # normalized, so a template filled with other numbers ("nomor 7", "nomor 8") is one
    # story, not a hundred, and its text never looks like a publisher's furniture
    longest = heapq.nlargest(2, raw_lines, key=len)
    sig = xxhash.xxh3_64_intdigest(b"\n".join(_normal(line) for line in longest))
    short = [line for line in raw_lines if len(line) <= t.max_line_chars]
    lines = frozenset(_hashes(_normalize_many(short))) if short else frozenset()
    return raw_lines, sig, lines


def _start_keys(raw_lines: list[str]) -> tuple[list[int], list[bool], list[str]]:
    """Each sentence start's key, whether it has two words, and its text: after each boundary,
    and at each line start but the record's first (its dateline is the publisher's)."""
    heads = [head for k, line in enumerate(raw_lines) for _, head in _heads(line, k > 0)]
    if not heads:
        return [], [], []
    two = [words if len(words) == 2 else ["", ""] for words in map(_two_words, heads)]
    firsts = _word_keys("\n".join(words[0] for words in two).casefold().split("\n"))
    seconds = _word_keys("\n".join(words[1] for words in two).casefold().split("\n"))
    keys: list[int] = _pair_keys(firsts, seconds).tolist()  # aligned with heads
    return keys, [bool(words[0]) for words in two], heads


def _runs(start: int, head: str, limit: int) -> list[tuple[int, int, int, bool]]:
    """The runs (start, length, key, closed) that could be furniture at a sentence start."""
    words = head.split(None, limit + 1)[: limit + 1]
    whole = len(head) < _HEAD_CHARS  # the head reaches the end of the line
    # a first word with a lower-case letter ("Sementara") makes no run all capitals, nor one in
    # brackets: ``_unit`` then asks only how the run ends (asked here, without a call each)
    cased = not (words[0] + "A").isupper() and words[0][0] not in "[("
    folded: list[str] = []  # when the first run is found (most sentence starts have none)
    found = []
    for n in range(2, min(len(words), limit) + 1):
        following = words[n] if n < len(words) else None
        ends_line = following is None and whole
        last = words[n - 1]
        if (
            not last.endswith(_OPEN_END) and (ends_line or last.endswith(_SENTENCE_END))
            if cased
            else _unit(words[:n], ends_line)
        ):
            folded = folded or _folded(words)
            found.append((start, n, _hash(" ".join(folded[:n])), _closed(following, whole)))
    return found


@dataclass(frozen=True, slots=True)
class _Pending:
    """A record of a file whose sentence starts may count: whether they do, and which of its
    runs, depends on the publisher's records before it (``LineStats.merge`` decides)."""

    sid: int  # its scope, numbered within its file
    rank: int  # records of its scope in its file up to and including it
    sig: int
    heads: tuple[tuple[int, tuple[tuple[int, int, int, bool], ...]], ...]  # (start, its runs)


@dataclass(frozen=True, slots=True)
class FileLines:
    """One file's part of the line statistics (``file_lines``), made where the file is read.

    What does not depend on other files is counted already (stories and lines, aggregated);
    the records whose sentence starts may count keep them, with every run they could add, for
    ``LineStats.merge`` to settle in file order. Those are a publisher's first
    ``full_records`` records in the file and one story in ``sample_every`` after: a few
    percent of the records."""

    scopes: tuple[str, ...]  # in the order the file first shows them
    docs: tuple[int, ...]  # records per scope
    table: Mapping[str, np.ndarray]  # story (DOC) and LINE rows, scopes numbered as above
    pending: tuple[_Pending, ...]  # in record order
    thresholds: Thresholds = field(default_factory=Thresholds)

    def split(self) -> dict[int, FileLines]:
        """This file's statistics by part of the scopes (``part_of``), each numbered anew."""
        out = {}
        for part, sids in _by_part(self.scopes).items():
            new = {sid: i for i, sid in enumerate(sids)}
            table = _renumbered(self.table, new, len(self.scopes))
            pending = tuple(replace(p, sid=new[p.sid]) for p in self.pending if p.sid in new)
            scopes = tuple(self.scopes[sid] for sid in sids)
            docs = tuple(self.docs[sid] for sid in sids)
            out[part] = FileLines(scopes, docs, table, pending, self.thresholds)
        return out

    def then(self, later: FileLines) -> FileLines:
        """This part of a file followed by ``later``, the next part of the same file (a big
        file's slices, counted apart): what ``file_lines`` over both gives, but that it keeps
        the records ``later`` kept as pending beyond a publisher's first ``full_records`` in
        the file (``LineStats.merge`` skips them, by their rank in the file, as it would)."""
        sids = {scope: sid for sid, scope in enumerate(self.scopes)}
        remap = [sids.setdefault(scope, len(sids)) for scope in later.scopes]
        docs = [*self.docs, *([0] * (len(sids) - len(self.docs)))]
        pending = [
            *self.pending,
            *(
                replace(p, sid=remap[p.sid], rank=docs[remap[p.sid]] + p.rank)
                for p in later.pending
            ),
        ]
        for sid, n in zip(remap, later.docs, strict=True):
            docs[sid] += n
        theirs = dict(later.table)
        theirs["scope"] = np.array(remap or [0], dtype=np.uint64)[theirs["scope"].astype(np.int64)]
        table = _aggregate(_concat(self.table, theirs))
        return FileLines(tuple(sids), tuple(docs), table, tuple(pending), self.thresholds)


def file_lines(records: Iterable[RawRecord], thresholds: Thresholds | None = None) -> FileLines:
    """The line statistics of one file's ``records`` (as ``learn`` reads them), before they
    join those of the other files (``LineStats.merge``)."""
    t = thresholds or Thresholds()
    scopes: dict[str, int] = {}
    docs: Counter[int] = Counter()
    rows: list[tuple[int, int, int, int, int, int, int]] = []
    pending: list[_Pending] = []
    for record in records:
        text = record.fields.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        url = record.fields.get("url")
        scope = scope_of(url if isinstance(url, str) else None, record.provenance.path)
        sid = scopes.setdefault(scope, len(scopes))
        docs[sid] += 1
        raw_lines, sig, lines = _story(text, t)
        rows.append((sid, DOC, 0, 0, 0, sig, 1))
        rows.extend((sid, LINE, 0, 0, key, sig, 1) for key in lines)
        if not raw_lines or (docs[sid] > t.full_records and sig % t.sample_every):
            continue  # never sampled, whatever came before (its rank can only be higher)
        keys, whole, heads = _start_keys(raw_lines)
        found = tuple(
            (key, tuple(_runs(key, head, t.max_run_words)))
            for key, ok, head in zip(keys, whole, heads, strict=True)
            if ok
        )
        pending.append(_Pending(sid, docs[sid], sig, found))
    table = _empty()
    if rows:
        fresh = np.array(rows, dtype=np.uint64).T
        table = _aggregate({name: fresh[i] for i, name in enumerate(_COLUMNS)})
    return FileLines(
        tuple(scopes), tuple(docs[i] for i in range(len(scopes))), table, tuple(pending), t
    )


class LineStats:
    """Per-publisher counts of lines, sentence starts and glued runs, in distinct stories.

    One table row per (scope, kind, length, parent, key, story signature) with the number of
    records that held it; the number of stories of a key is its number of rows. Rows arrive in a
    buffer and are aggregated with numpy when it fills; when the table outgrows ``max_rows``,
    keys seen in one story only are pruned (a key seen again later then counts one story short).
    """

    __slots__ = (
        "_buffer",
        "_docs",
        "_files",
        "_hot_seen",
        "_sampled",
        "_scopes",
        "_table",
        "max_rows",
        "thresholds",
    )

    def __init__(self, thresholds: Thresholds | None = None, *, max_rows: int = 20_000_000) -> None:
        self.thresholds = thresholds or Thresholds()
        self.max_rows = max_rows
        self._scopes: dict[str, int] = {}
        self._docs: Counter[int] = Counter()  # records seen per scope id
        self._sampled: Counter[int] = Counter()  # records whose sentence starts were counted
        self._hot_seen: dict[int, Counter[int]] = {}  # scope -> sentence start -> records
        self._buffer: list[tuple[int, int, int, int, int, int, int]] = []
        self._files: list[Mapping[str, np.ndarray]] = []  # files' tables not yet aggregated
        self._table: dict[str, np.ndarray] = _empty()

    # ------------------------------------------------------------------ accumulating

    def add(self, scope: str, text: str) -> None:
        """Count the lines and runs of one record's text under ``scope``."""
        sid = self._scopes.setdefault(scope, len(self._scopes))
        self._docs[sid] += 1
        doc = self._read(sid, text)
        rows = self._buffer
        rows.append((sid, DOC, 0, 0, 0, doc.sig, 1))
        if doc.sampled:
            self._sampled[sid] += 1
            rows.append((sid, SAMPLED, 0, 0, 0, doc.sig, 1))
        rows.extend((sid, LINE, 0, 0, key, doc.sig, 1) for key in doc.lines)
        rows.extend((sid, START, 0, 0, key, doc.sig, 1) for key in doc.starts)
        for start, n, key, closed in doc.runs:
            rows.append((sid, RUN, n, start, key, doc.sig, 1))
            if closed:
                rows.append((sid, CLOSED, n, start, key, doc.sig, 1))
        if len(rows) + sum(len(f["key"]) for f in self._files) >= 1_000_000:
            self._flush()

    def _read(self, sid: int, text: str) -> _Doc:
        t = self.thresholds
        raw_lines, sig, lines = _story(text, t)
        if not raw_lines:
            return _Doc(frozenset(), frozenset(), frozenset(), 0)
        if self._docs[sid] > t.full_records and sig % t.sample_every:
            return _Doc(lines, frozenset(), frozenset(), sig)
        keys, whole, heads = _start_keys(raw_lines)
        starts = frozenset(key for key, ok in zip(keys, whole, strict=True) if ok)
        if not starts:
            return _Doc(lines, frozenset(), frozenset(), sig, sampled=True)
        seen = self._hot_seen.setdefault(sid, Counter())
        floor = max(t.hot_stories, t.hot_share * self._sampled[sid])
        runs: set[tuple[int, int, int, bool]] = set()
        for key, ok, head in zip(keys, whole, heads, strict=True):
            if ok and seen.get(key, 0) >= floor:
                runs.update(_runs(key, head, t.max_run_words))
        seen.update(starts)
        return _Doc(lines, starts, frozenset(runs), sig, sampled=True)

    def _flush(self) -> None:
        """Aggregate the buffered rows (and files' tables, see ``_merge_file``) into the table."""
        if not self._buffer and not self._files:
            return
        parts = [self._table, *self._files]
        if self._buffer:
            fresh = np.array(self._buffer, dtype=np.uint64).T
            self._buffer = []
            parts.append({name: fresh[i] for i, name in enumerate(_COLUMNS)})
        self._files = []
        self._table = _aggregate({n: np.concatenate([p[n] for p in parts]) for n in _COLUMNS})
        if len(self._table["key"]) > self.max_rows:
            self._table = _prune_singletons(self._table)
            for sid, seen in self._hot_seen.items():
                self._hot_seen[sid] = Counter({k: n for k, n in seen.items() if n > 1})
            logger.info("line statistics pruned to %d rows", len(self._table["key"]))

    def merge(self, other: LineStats | FileLines) -> None:
        """Add another LineStats' counts (an earlier version's), or one file's part.

        Files' parts are added in input order, after the earlier version's statistics: the
        result is then exactly that of ``add`` over every record in that order (while the
        table stays under ``max_rows``), however the parts were made."""
        if isinstance(other, FileLines):
            self._merge_file(other)
            return
        other._flush()
        self._flush()
        remap = np.array(
            [self._scopes.setdefault(s, len(self._scopes)) for s in other.scopes()] or [0],
            dtype=np.uint64,
        )
        theirs = dict(other._table)
        theirs["scope"] = remap[theirs["scope"].astype(np.int64)]
        self._table = _aggregate(_concat(self._table, theirs))
        for sid, n in other._docs.items():
            self._docs[int(remap[sid])] += n
        for sid, n in other._sampled.items():
            self._sampled[int(remap[sid])] += n
        for sid, seen in other._hot_seen.items():
            self._hot_seen.setdefault(int(remap[sid]), Counter()).update(seen)

    def _merge_file(self, part: FileLines) -> None:
        """Count a file's part as ``add`` would have counted its records, now, in order."""
        t = self.thresholds
        if part.thresholds != t:
            raise ConfigError(
                f"a file's line statistics were counted with {part.thresholds}, not {t}: "
                "count every file with the same thresholds"
            )
        remap = [self._scopes.setdefault(s, len(self._scopes)) for s in part.scopes]
        before = [self._docs[sid] for sid in remap]
        theirs = dict(part.table)
        theirs["scope"] = np.array(remap or [0], dtype=np.uint64)[theirs["scope"].astype(np.int64)]
        self._files.append(theirs)  # aggregated with the buffer when it fills
        rows = self._buffer
        for doc in part.pending:
            sid = remap[doc.sid]
            if before[doc.sid] + doc.rank > t.full_records and doc.sig % t.sample_every:
                continue
            floor = max(t.hot_stories, t.hot_share * self._sampled[sid])
            self._sampled[sid] += 1
            rows.append((sid, SAMPLED, 0, 0, 0, doc.sig, 1))
            if not doc.heads:
                continue
            seen = self._hot_seen.setdefault(sid, Counter())
            runs = {run for key, found in doc.heads if seen.get(key, 0) >= floor for run in found}
            starts = {key for key, _ in doc.heads}
            seen.update(starts)
            rows.extend((sid, START, 0, 0, key, doc.sig, 1) for key in starts)
            for start, n, key, closed in runs:
                rows.append((sid, RUN, n, start, key, doc.sig, 1))
                if closed:
                    rows.append((sid, CLOSED, n, start, key, doc.sig, 1))
        for sid, n in zip(remap, part.docs, strict=True):
            self._docs[sid] += n
        if len(rows) + sum(len(f["key"]) for f in self._files) >= 1_000_000:
            self._flush()

    # ------------------------------------------------------------------ reading

    def scopes(self) -> list[str]:
        """Scope keys in id order."""
        return list(self._scopes)

    def table(self) -> Mapping[str, np.ndarray]:
        """The aggregated rows (column -> array), after folding in the buffer."""
        self._flush()
        return self._table

    def records(self) -> dict[str, int]:
        """Records counted per scope."""
        names = self.scopes()
        return {names[sid]: n for sid, n in sorted(self._docs.items())}

    def nbytes(self) -> int:
        """Bytes held by the aggregated table (the statistics' memory after a flush)."""
        return sum(int(a.nbytes) for a in self.table().values())

    def parts(self) -> dict[int, LineStats]:
        """These statistics by part of the scopes (``part_of``), each numbered anew."""
        table, names = self.table(), self.scopes()
        out = {}
        for part, sids in _by_part(names).items():
            new = {sid: i for i, sid in enumerate(sids)}
            sub = LineStats(self.thresholds, max_rows=self.max_rows)
            sub._scopes = {names[sid]: i for sid, i in new.items()}
            sub._docs = Counter({i: self._docs[sid] for sid, i in new.items()})
            sub._sampled = Counter({i: self._sampled[sid] for sid, i in new.items()})
            sub._hot_seen = {
                i: self._hot_seen[sid] for sid, i in new.items() if sid in self._hot_seen
            }
            sub._table = _renumbered(table, new, len(names))
            out[part] = sub
        return out

    # ------------------------------------------------------------------ persistence

    def save(self, folder: Path) -> list[Path]:
        """Write the statistics into ``folder``, a Parquet file per part of the scopes that
        has any (``part_file``); returns the files written."""
        return [sub._write(folder / part_file(part)) for part, sub in self.parts().items()]

    def _write(self, path: Path) -> Path:
        table = self.table()
        names = self.scopes()
        arrow = pa.table(
            {
                "scope": pa.DictionaryArray.from_arrays(
                    pa.array(table["scope"].astype(np.int32)), pa.array(names, pa.string())
                ),
                "kind": pa.array(table["kind"].astype(np.uint8)),
                "length": pa.array(table["length"].astype(np.uint8)),
                "parent": pa.array(table["parent"]),
                "key": pa.array(table["key"]),
                "sig": pa.array(table["sig"]),
                "docs": pa.array(table["docs"].astype(np.uint32)),
            }
        )
        meta = {
            b"format": str(STATS_FORMAT).encode(),
            b"scopes": "\n".join(names).encode("utf-8"),
            b"records": ",".join(str(self._docs[i]) for i in range(len(names))).encode(),
            b"sampled": ",".join(str(self._sampled[i]) for i in range(len(names))).encode(),
        }
        arrow = arrow.replace_schema_metadata(meta)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        pq.write_table(arrow, tmp, compression="zstd")
        tmp.replace(path)
        return path

    @classmethod
    def load(
        cls, folder: Path | Place, thresholds: Thresholds | None = None, *, part: int | None = None
    ) -> LineStats:
        """The statistics saved in ``folder`` by ``save`` (only those of part ``part``); the
        folder on the local disk, or a ``Place`` on an fsspec output."""
        where = folder if isinstance(folder, Place) else Place.local(folder)
        paths = where.glob("line_stats-*.parquet")
        if part is not None:
            paths = [p for p in paths if p.name == part_file(part)]
        found = [cls._read_file(p, thresholds) for p in paths]
        if (where / STATS_FILE).is_file():  # a version made before the parts
            whole = cls._read_file(where / STATS_FILE, thresholds)
            if part is None:
                found.append(whole)
            elif part in (split := whole.parts()):
                found.append(split[part])
        return cls._joined(found, thresholds)

    @classmethod
    def _joined(cls, found: list[LineStats], thresholds: Thresholds | None) -> LineStats:
        """Statistics of disjoint scopes as one (their rows are aggregated already)."""
        if len(found) == 1:
            return found[0]
        stats = cls(thresholds)
        tables = []
        for one in found:
            base = len(stats._scopes)
            stats._scopes.update({name: base + sid for name, sid in one._scopes.items()})
            stats._docs.update({base + sid: n for sid, n in one._docs.items()})
            stats._sampled.update({base + sid: n for sid, n in one._sampled.items()})
            stats._hot_seen.update({base + sid: c for sid, c in one._hot_seen.items()})
            tables.append({**one._table, "scope": one._table["scope"] + np.uint64(base)})
        if tables:
            stats._table = {n: np.concatenate([t[n] for t in tables]) for n in _COLUMNS}
        return stats

    @classmethod
    def _read_file(cls, path: Place, thresholds: Thresholds | None) -> LineStats:
        """One file written by ``_write``."""
        try:
            arrow = path.read_table()
            meta = arrow.schema.metadata or {}
            if meta.get(b"format") != str(STATS_FORMAT).encode():
                raise ValueError(f"format {meta.get(b'format')!r}, expected {STATS_FORMAT}")
            names = meta[b"scopes"].decode("utf-8").split("\n") if meta[b"scopes"] else []
            records = [int(n) for n in meta[b"records"].decode().split(",") if n]
            sampled = [int(n) for n in meta[b"sampled"].decode().split(",") if n]
            scope = arrow.column("scope").combine_chunks()
            ids = np.asarray(scope.indices.to_numpy(zero_copy_only=False), dtype=np.uint64)
            order = np.array(
                [names.index(s) for s in scope.dictionary.to_pylist()] or [0], dtype=np.uint64
            )
        except (OSError, KeyError, ValueError, pa.ArrowException) as exc:
            raise VersionError(
                f"{path}: cannot read the learned line statistics ({exc}); rebuild the version "
                "with `corpus ingest --rebuild`"
            ) from None
        stats = cls(thresholds)
        stats._scopes = {name: i for i, name in enumerate(names)}
        stats._docs = Counter(dict(enumerate(records)))
        stats._sampled = Counter(dict(enumerate(sampled)))
        columns = {name: arrow.column(name).to_numpy().astype(np.uint64) for name in _COLUMNS[1:]}
        stats._table = {"scope": order[ids] if len(ids) else ids, **columns}
        starts = stats._table["kind"] == START
        rows, counts = _group_counts(stats._table, starts)
        for sid, start, n in zip(
            rows["scope"].tolist(), rows["key"].tolist(), counts.tolist(), strict=True
        ):
            stats._hot_seen.setdefault(sid, Counter())[start] = n
        return stats


def stored_parts(path: Path) -> set[int]:
    """The parts of the scopes one saved file of statistics holds (a part file holds its own;
    a file of a version made before the parts, those of every scope in its metadata)."""
    found = re.fullmatch(r"line_stats-(\d+)\.parquet", path.name)
    if found:
        return {int(found.group(1))}
    try:
        meta = pq.read_schema(path).metadata or {}
        names = meta[b"scopes"].decode("utf-8").split("\n") if meta[b"scopes"] else []
    except (OSError, KeyError, ValueError, pa.ArrowException) as exc:
        raise VersionError(f"{path}: cannot read the learned line statistics ({exc})") from None
    return {part_of(name) for name in names}


def stored_records(path: Path) -> int:
    """Records counted in one saved file of statistics (read from its metadata only)."""
    try:
        meta = pq.read_schema(path).metadata or {}
        return sum(int(n) for n in meta[b"records"].decode().split(",") if n)
    except (OSError, KeyError, ValueError, pa.ArrowException) as exc:
        raise VersionError(f"{path}: cannot read the learned line statistics ({exc})") from None


def _empty() -> dict[str, np.ndarray]:
    return {name: np.zeros(0, dtype=np.uint64) for name in _COLUMNS}


def _concat(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: np.concatenate([a[name], b[name]]) for name in _COLUMNS}


def _renumbered(
    table: Mapping[str, np.ndarray], new: Mapping[int, int], scopes: int
) -> dict[str, np.ndarray]:
    """The rows of the scopes in ``new`` (old id -> new id) only, with their new ids."""
    remap = np.full(max(scopes, 1), -1, dtype=np.int64)
    remap[list(new)] = list(new.values())
    ids = remap[table["scope"].astype(np.int64)]
    keep = ids >= 0
    out = {name: table[name][keep] for name in _COLUMNS}
    out["scope"] = ids[keep].astype(np.uint64)
    return out


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, elementwise: a well-spread 64-bit hash of each value."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    out: np.ndarray = x ^ (x >> np.uint64(31))
    return out


def _item(table: Mapping[str, np.ndarray]) -> np.ndarray:
    """One 64-bit id per counted thing: (scope, length, parent, key); kind and story left out."""
    head = _mix((table["scope"] << np.uint64(8)) | table["length"])
    return _mix(table["key"] ^ _mix(table["parent"] ^ head))


def _aggregate(table: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One row per distinct (item, kind, story), summing ``docs``; sorting one hash is fast."""
    if not len(table["key"]):
        return dict(table)
    pair = _mix(_item(table) ^ _mix(table["sig"] ^ (table["kind"] + np.uint64(1)) * _M2))
    order = np.argsort(pair, kind="stable")
    pair = pair[order]
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    out = {name: table[name][order][starts] for name in _COLUMNS[:-1]}
    out["docs"] = np.add.reduceat(table["docs"][order], starts)
    return out


def _scope_counts(table: Mapping[str, np.ndarray], kind: int) -> dict[int, int]:
    """Rows of ``kind`` per scope (stories, for DOC and SAMPLED)."""
    scopes, counts = np.unique(table["scope"][table["kind"] == kind], return_counts=True)
    return dict(zip(scopes.tolist(), counts.tolist(), strict=True))


def _group_counts(
    table: Mapping[str, np.ndarray], mask: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The distinct items among the masked rows (a row of each) and how many stories each has."""
    rows = {name: table[name][mask] for name in _COLUMNS}
    if not len(rows["key"]):
        return rows, np.zeros(0, dtype=np.int64)
    _, first, counts = np.unique(_item(rows), return_index=True, return_counts=True)
    return {name: rows[name][first] for name in _COLUMNS}, counts


def _prune_singletons(table: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Drop rows of things seen in one story only (story rows themselves stay)."""
    item = _item(table) ^ table["kind"]
    _, inverse, counts = np.unique(item, return_inverse=True, return_counts=True)
    keep = (counts[inverse.ravel()] > 1) | (table["kind"] == DOC) | (table["kind"] == SAMPLED)
    return {name: table[name][keep] for name in _COLUMNS}


@dataclass(frozen=True, slots=True)
class _ScopeRules:
    """What is boilerplate in one scope: line keys, and runs by their sentence start."""

    lines: frozenset[int] = frozenset()
    runs: Mapping[int, tuple[tuple[int, int], ...]] = field(
        default_factory=dict
    )  # start -> (n, key)


@dataclass(frozen=True, slots=True)
class LearnedBoilerplate:
    """Learned boilerplate per scope, ready to strip; reviewed ``keep`` rules override it."""

    scopes: Mapping[str, _ScopeRules] = field(default_factory=dict)
    keep: Mapping[str, frozenset[str]] = field(default_factory=dict)  # publisher -> lines
    thresholds: Thresholds = field(default_factory=Thresholds)

    @classmethod
    def build(
        cls, stats: LineStats, thresholds: Thresholds | None = None, rules: RuleSet | None = None
    ) -> LearnedBoilerplate:
        """Select the boilerplate from ``stats`` (``rules``' keep decisions win)."""
        t = thresholds or stats.thresholds
        table = stats.table()
        names = stats.scopes()
        stories = _scope_counts(table, DOC)
        sampled = _scope_counts(table, SAMPLED)
        floor = {
            sid: (
                max(t.min_stories, t.line_share * n),
                max(t.min_stories, t.run_share * sampled.get(sid, 0)),
            )
            for sid, n in stories.items()
        }
        lines: dict[int, set[int]] = {}
        rows, counts = _group_counts(table, table["kind"] == LINE)
        for sid, key, n in zip(rows["scope"].tolist(), rows["key"].tolist(), counts, strict=True):
            if n >= floor[sid][0]:
                lines.setdefault(sid, set()).add(key)
        runs = _select_runs(table, floor, t)
        built = {}
        for sid in sorted(set(lines) | set(runs)):
            own = frozenset(lines.get(sid, ()))
            # a run that is also a learned whole line (detik's "SCROLL TO CONTINUE WITH
            # CONTENT") is left to the line: matching runs costs every record's words a hash
            glued = {
                start: tuple(sorted((r for r in found if r[1] not in own), reverse=True))
                for start, found in runs.get(sid, {}).items()
            }
            built[names[sid]] = _ScopeRules(own, {s: r for s, r in glued.items() if r})
        return cls(built, dict(rules.keeps) if rules else {}, t)

    @classmethod
    def joined(
        cls, parts: Iterable[LearnedBoilerplate], rules: RuleSet | None = None
    ) -> LearnedBoilerplate:
        """What was learned in each part of the scopes (``LineStats.parts``), as one."""
        scopes: dict[str, _ScopeRules] = {}
        thresholds = Thresholds()
        for part in parts:
            scopes.update(part.scopes)
            thresholds = part.thresholds
        return cls(dict(sorted(scopes.items())), dict(rules.keeps) if rules else {}, thresholds)

    def knows(self, scope: str) -> bool:
        """Whether anything was learned for ``scope`` (else ``strip`` returns the text as is)."""
        return scope in self.scopes

    def strip(
        self, text: str, scope: str, publisher: str | None = None
    ) -> tuple[str, tuple[str, ...]]:
        """``text`` without the learned lines and runs of ``scope``, and the pieces removed.

        Line breaks of the kept text are as they were. A piece whose normalized form a ``keep``
        rule of ``scope`` or ``publisher`` names stays.
        """
        rules = self.scopes.get(scope)
        if rules is None:
            return text, ()
        keep = self.keep.get(scope, frozenset()) | self.keep.get(publisher or "", frozenset())
        raw_lines = text.split("\n")
        lines = [raw.strip() for raw in raw_lines]
        drop = self._learned_lines(lines, rules, keep)
        glued = _lines_with_starts(lines, drop, rules) if rules.runs else set()
        if not drop and not glued:
            return text, ()
        removed: list[str] = []
        out: list[str] = []
        first = next((i for i, line in enumerate(lines) if line), 0)
        for i, raw in enumerate(raw_lines):
            if i in drop:
                removed.append(lines[i])
                continue
            if i in glued:
                raw, cut = _cut_runs(raw, rules.runs, keep, i > first)
                removed.extend(cut)
            out.append(raw)
        if not removed:
            return text, ()
        return "\n".join(out), tuple(removed)

    def _learned_lines(
        self, lines: list[str], rules: _ScopeRules, keep: frozenset[str]
    ) -> set[int]:
        """Indexes of the lines that are learned boilerplate (keys computed all at once)."""
        if not rules.lines:
            return set()
        short = [
            i
            for i, line in enumerate(lines)
            if line and len(line) <= self.thresholds.max_line_chars
        ]
        if not short:
            return set()
        keys = _hashes(_normalize_many([lines[i] for i in short]))
        return {
            i
            for i, key in zip(short, keys, strict=True)
            if key in rules.lines and not (keep and normalize_line(lines[i]) in keep)
        }


def _lines_with_starts(lines: list[str], drop: set[int], rules: _ScopeRules) -> set[int]:
    """Indexes of the kept lines holding a word pair that starts a learned run (all at once)."""
    index = [i for i, line in enumerate(lines) if line and i not in drop]
    words = [_marked(lines[i]).casefold().split() for i in index]
    flat = list(chain.from_iterable(words))
    if len(flat) < 2:
        return set()
    keys = _word_keys(flat)
    pairs = _pair_keys(keys[:-1], keys[1:])
    line_of = np.repeat(np.array(index), [len(w) for w in words])[:-1]
    starts = np.fromiter(rules.runs.keys(), dtype=np.uint64, count=len(rules.runs))
    return set(line_of[np.isin(pairs, starts)].tolist())


def _select_runs(
    table: Mapping[str, np.ndarray], floor: Mapping[int, tuple[float, float]], t: Thresholds
) -> dict[int, dict[int, set[tuple[int, int]]]]:
    """Per scope and sentence start, the longest frequent, closed runs."""
    rows, counts = _group_counts(table, table["kind"] == RUN)
    closed_rows, closed_counts = _group_counts(table, table["kind"] == CLOSED)
    closed = dict(zip(_item(closed_rows).tolist(), closed_counts.tolist(), strict=True))
    best: dict[tuple[int, int], tuple[int, set[int]]] = {}
    runs_of = zip(
        _item(rows).tolist(),
        rows["scope"].tolist(),
        rows["parent"].tolist(),
        rows["length"].tolist(),
        rows["key"].tolist(),
        counts.tolist(),
        strict=True,
    )
    for item, sid, start, length, key, n in runs_of:
        if n < floor[sid][1] or closed.get(item, 0) < t.closed_share * n:
            continue
        longest, keys = best.get((sid, start), (0, set()))
        if length > longest:
            best[(sid, start)] = (length, {key})
        elif length == longest:
            keys.add(key)
    runs: dict[int, dict[int, set[tuple[int, int]]]] = {}
    for (sid, start), (length, keys) in best.items():
        runs.setdefault(sid, {})[start] = {(length, key) for key in keys}
    return runs


def _cut_runs(
    line: str,
    runs: Mapping[int, tuple[tuple[int, int], ...]],
    keep: frozenset[str],
    at_start: bool,
) -> tuple[str, list[str]]:
    """``line`` without the learned runs that start at its sentence boundaries."""
    # learned at sentence starts; matched at any capitalized word too, so the marker glued
    # after a colon or a heading without a full stop goes as well
    marked = _marked(line)
    # a run can only start at a word pair whose key is a learned start: check all pairs at once
    found = [pos for pos, _ in _heads(line, at_start)]
    found += [match.start() for match in _CAPITALIZED.finditer(line)]
    heads: dict[int, str] = {}
    for pos in found:
        while pos < len(marked) and marked[pos].isspace():  # a boundary's own spaces stay
            pos += 1
        heads.setdefault(pos, marked[pos : pos + _HEAD_CHARS])
    cuts: list[tuple[int, int]] = []
    for pos, head in sorted(heads.items()):
        if cuts and pos < cuts[-1][1]:
            continue
        head_words = head.split(None, 9)[:9]
        if len(head_words) < 2:
            continue
        candidates = runs.get(_start_key(head_words))
        if candidates is None:
            continue
        folded = _folded(head_words)
        for n, key in candidates:
            if n <= len(head_words) and _hash(" ".join(folded[:n])) == key:
                end = pos + _span_end(head, n)
                if normalize_line(line[pos:end]) not in keep:
                    cuts.append((pos, end))
                break
    if not cuts:
        return line, []
    pieces, kept, last = [], [], 0
    for a, b in cuts:
        pieces.append(line[a:b].strip())
        kept.append(line[last:a])
        last = b
        while last < len(line) and line[last].isspace():
            last += 1
    kept.append(line[last:])
    return "".join(kept).rstrip() if last >= len(line) else "".join(kept), pieces


_WORD = re.compile(r"\S+")
_CAPITALIZED = re.compile(r"(?<=\s)[\[(]?[A-Z]")


def _span_end(text: str, n: int) -> int:
    """Offset in ``text`` just after its ``n``-th whitespace-separated word."""
    end = 0
    for k, match in enumerate(_WORD.finditer(text), start=1):
        end = match.end()
        if k == n:
            break
    return end


def apply(article: Article, boilerplate: LearnedBoilerplate, stats: Stats) -> Article:
    """The article without its publisher's learned boilerplate; each removed piece is recorded
    in ``boilerplate`` with the rule ``learned:auto`` and counted as ``learned/<scope>``."""
    scope = scope_of(article.url, article.source.path)
    if not boilerplate.knows(scope):
        return article
    kept, pieces = boilerplate.strip(article.text, scope, article.publisher)
    if not pieces:
        return article
    stats.count("learned", scope, len(pieces))
    text = "\n\n".join(p.strip() for p in kept.split("\n") if p.strip())
    return replace(
        article,
        text=text,
        n_words=len(text.split()),
        boilerplate=(*article.boilerplate, *pieces),
        boilerplate_rules=(*article.boilerplate_rules, *(RULE for _ in pieces)),
    )


def learn(
    records: Iterable[RawRecord],
    previous: LineStats | None = None,
    thresholds: Thresholds | None = None,
) -> LineStats:
    """The line statistics of ``previous`` (if any) plus those of ``records``' texts."""
    stats = LineStats(thresholds or (previous.thresholds if previous else None))
    if previous is not None:  # first, so what earlier versions saw makes sentence starts hot
        stats.merge(previous)
    for record in records:
        text = record.fields.get("text")
        if isinstance(text, str) and text.strip():
            url = record.fields.get("url")
            stats.add(scope_of(url if isinstance(url, str) else None, record.provenance.path), text)
    return stats


__all__ = [
    "PARTS",
    "RULE",
    "STATS_FILE",
    "FileLines",
    "LearnedBoilerplate",
    "LineStats",
    "Thresholds",
    "apply",
    "file_lines",
    "learn",
    "normalize",
    "part_file",
    "part_of",
    "scope_of",
    "stored_parts",
    "stored_records",
]
