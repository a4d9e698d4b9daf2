"""The structure evaluation: gold segments, alignment of the tool's output, and the metrics.

Pure functions only (no printing, no exits); ``run.py`` is the command line around them and
``label.py`` the labelling helper. The tests in ``tests/test_eval_structure.py`` exercise the
segmentation, alignment and metrics on small synthetic articles.

Segmentation is the harness's own, deliberately independent of ``corpus.structure``:

* a text with a line break is split on line breaks (each stripped, empty lines dropped);
* a text without one (the 2019 CSVs join paragraphs with ",") is split on a comma directly after
  sentence-final punctuation (``.!?:``, optionally followed by a closing quote), with any run of
  commas and spaces that follows, but not on a comma that closes a quotation
  (``"Ada apa?," tanya dia``);
* the gold set may split a segment further at character offsets (``part`` ranges) where one
  segment mixes body and boilerplate.

A segment with no word character is not scored (nothing to read, nothing to lose).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

SEED = 20251128
GOLD_FIELDS = ("published_at", "dateline", "authors", "people", "title")
BODY, BOILERPLATE = "body", "boilerplate"
LEAD_IN = "lead_in"  # the boilerplate kind of a dateline lead-in ("Liputan6.com, Jakarta -")
REPEAT = "repeat"  # the boilerplate kind of a second copy of text the article already has

_COMMA_JOIN = re.compile(r"(?:(?<=[.!?:])|(?<=[.!?:][\"”’']))[ \t\xa0]*,(?![\"”’]\s)[\s,]*(?=\S)")
_TOKEN = re.compile(r"\w+")


# --------------------------------------------------------------------------- segmentation


def base_segments(text: str) -> list[str]:
    """The harness's deterministic segmentation of a raw article text (see module docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pieces = text.split("\n") if "\n" in text.strip() else _COMMA_JOIN.split(text.strip())
    return [p.strip() for p in pieces if p.strip()]


def short_hash(text: str) -> str:
    """A 10-hex-digit sha1 of a text: enough to notice that a gold segment drifted."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def tokens(text: str) -> list[str]:
    """Word tokens of a text, NFKC-normalized and case-folded: what alignment compares."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def normalize_title(title: str | None) -> str | None:
    """Whitespace-collapsed NFKC form titles are compared (and hashed) in."""
    if title is None:
        return None
    value = " ".join(unicodedata.normalize("NFKC", title).split())
    return value or None


def title_hash(title: str | None) -> str | None:
    """The gold set stores a title only as this hash (never the headline itself)."""
    value = normalize_title(title)
    return None if value is None else short_hash(value)


# --------------------------------------------------------------------------- gold records


@dataclass(frozen=True, slots=True)
class GoldSegment:
    """One labelled piece: base segment ``seg``, characters ``[start, end)`` of it, a label."""

    seg: int
    start: int
    end: int
    label: str  # body | boilerplate
    kind: str | None  # why it is boilerplate: read_more, ad, lead_in, credit, repeat, ...
    hash: str


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One hand-labelled article: its row key, its segments and its expected metadata."""

    id: str
    file: str  # path under the corpora root, e.g. "news-id-2019/kompas.csv"
    row: int  # 1-based data row, as in the record's provenance
    url: str | None
    publisher: str
    year: int
    text_hash: str
    segments: tuple[GoldSegment, ...]
    expected: Mapping[str, Any]  # published_at, dateline, authors, title_hash
    split: str = "dev"  # dev: findings are reported from it; test: held out, scores only

    @property
    def group(self) -> str:
        """The report row this article belongs to: "<year> <publisher>"."""
        return f"{self.year} {self.publisher}"


def gold_from_json(obj: Mapping[str, Any]) -> GoldArticle:
    """A GoldArticle from one line of ``gold/*.jsonl``."""
    segments = tuple(
        GoldSegment(s["seg"], s["start"], s["end"], s["label"], s.get("kind"), s["h"])
        for s in obj["segments"]
    )
    for s in segments:
        if s.label not in (BODY, BOILERPLATE):
            raise ValueError(f"{obj['id']}: unknown label {s.label!r}")
    return GoldArticle(
        id=obj["id"],
        file=obj["file"],
        row=obj["row"],
        url=obj.get("url"),
        publisher=obj["publisher"],
        year=obj["year"],
        text_hash=obj["text_h"],
        segments=segments,
        expected=obj["expected"],
        split=obj.get("split", "dev"),
    )


def gold_to_json(gold: GoldArticle) -> dict[str, Any]:
    """The JSON object of one gold line (inverse of ``gold_from_json``)."""
    return {
        "id": gold.id,
        "file": gold.file,
        "row": gold.row,
        "url": gold.url,
        "publisher": gold.publisher,
        "year": gold.year,
        "split": gold.split,
        "text_h": gold.text_hash,
        "expected": dict(gold.expected),
        "segments": [
            {"seg": s.seg, "start": s.start, "end": s.end, "label": s.label, "h": s.hash}
            | ({"kind": s.kind} if s.kind else {})
            for s in gold.segments
        ],
    }


def load_gold(folder: Path) -> list[GoldArticle]:
    """Every gold article in ``folder/*.jsonl``, in file then line order."""
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(gold_from_json(json.loads(line)))
    return out


def segment_texts(gold: GoldArticle, text: str) -> list[str] | str:
    """The text of each gold segment of ``text``, or a message saying where the text drifted."""
    if short_hash(text) != gold.text_hash:
        return f"{gold.id}: the article text changed since it was labelled (text hash differs)"
    base = base_segments(text)
    out = []
    for s in gold.segments:
        if s.seg >= len(base):
            return f"{gold.id}: segment {s.seg} does not exist (text has {len(base)})"
        piece = base[s.seg][s.start : s.end]
        if short_hash(piece) != s.hash:
            return f"{gold.id}: segment {s.seg}[{s.start}:{s.end}] changed since it was labelled"
        out.append(piece)
    return out


# --------------------------------------------------------------------------- alignment


def _align(pieces: Sequence[list[str]], target: list[str]) -> tuple[list[int], set[int]]:
    """Matched-token count per piece, and the target positions used, of one in-order alignment."""
    owner: list[int] = []
    stream: list[str] = []
    for i, toks in enumerate(pieces):
        stream.extend(toks)
        owner.extend([i] * len(toks))
    matched = [0] * len(pieces)
    used: set[int] = set()
    matcher = SequenceMatcher(None, stream, target, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            matched[owner[a + k]] += 1
            used.add(b + k)
    return matched, used


def matched_fraction(
    pieces: Sequence[str], target: str, repeats: Sequence[bool] | None = None
) -> list[float]:
    """For each piece, the share of its tokens that an in-order alignment finds in ``target``.

    The pieces are concatenated in order and aligned to ``target`` token by token (difflib,
    no junk heuristic), so small edits (a stripped lead-in, a removed credit) only cost the
    tokens they touch. Pieces flagged in ``repeats`` (a copy of text the article already holds)
    are aligned afterwards, and only against the target tokens the others left unmatched: the
    text kept once is credited to the copy labelled body, whichever copy the tool kept, and a
    repeat counts as kept only when the target holds the text a second time. A piece without
    tokens gets 1.0 (nothing of it is missing).
    """
    flags = list(repeats) if repeats is not None else [False] * len(pieces)
    toks = [tokens(p) for p in pieces]
    target_toks = tokens(target)
    first = [i for i, r in enumerate(flags) if not r]
    second = [i for i, r in enumerate(flags) if r]
    counts = [0] * len(pieces)
    matched, used = _align([toks[i] for i in first], target_toks)
    for i, m in zip(first, matched, strict=True):
        counts[i] = m
    if second:
        rest = [t for k, t in enumerate(target_toks) if k not in used]
        matched, _ = _align([toks[i] for i in second], rest)
        for i, m in zip(second, matched, strict=True):
            counts[i] = m
    return [c / len(t) if t else 1.0 for c, t in zip(counts, toks, strict=True)]


def predict(
    pieces: Sequence[str],
    body: str,
    repeats: Sequence[bool] | None = None,
    threshold: float = 0.5,
) -> list[str]:
    """The tool's label of each gold piece: ``body`` when most of its tokens are in the body."""
    return [
        BODY if f >= threshold else BOILERPLATE for f in matched_fraction(pieces, body, repeats)
    ]


# --------------------------------------------------------------------------- metrics


@dataclass(slots=True)
class Counts:
    """Segment confusion counts (positive = boilerplate) and per-field matches of a group."""

    tp: int = 0  # boilerplate removed
    fp: int = 0  # body removed
    fn: int = 0  # boilerplate kept
    tn: int = 0  # body kept
    removed: int = 0  # gold boilerplate segments removed from the body, lead-ins aside
    audited: int = 0  # of those, found in the tool's ``boilerplate`` list (kept for audit)
    body_tokens: int = 0  # word tokens of gold body segments
    body_tokens_kept: int = 0  # of those, found in the tool's body
    articles: int = 0
    fields: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GOLD_FIELDS, 0))

    def add(self, other: Counts) -> None:
        """Add another group's counts into this one."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn
        self.removed += other.removed
        self.audited += other.audited
        self.body_tokens += other.body_tokens
        self.body_tokens_kept += other.body_tokens_kept
        self.articles += other.articles
        for name in GOLD_FIELDS:
            self.fields[name] += other.fields[name]

    def scores(self) -> dict[str, float | None]:
        """Precision/recall/F1 of boilerplate, body recall, field accuracies (None if no data)."""
        p = _ratio(self.tp, self.tp + self.fp)
        r = _ratio(self.tp, self.tp + self.fn)
        f1 = None if p is None or r is None else (2 * p * r / (p + r) if p + r else 0.0)
        out: dict[str, float | None] = {
            "boilerplate_precision": p,
            "boilerplate_recall": r,
            "boilerplate_f1": f1,
            "body_recall": _ratio(self.tn, self.tn + self.fp),
            "body_token_recall": _ratio(self.body_tokens_kept, self.body_tokens),
            "boilerplate_audited": _ratio(self.audited, self.removed),
        }
        for name in GOLD_FIELDS:
            out[name] = _ratio(self.fields[name], self.articles)
        return out


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the tool produced for one article, reduced to what the gold set checks."""

    body: str
    boilerplate: tuple[str, ...]
    published_at: str | None
    dateline: str | None
    authors: tuple[str, ...]
    title: str | None
    editors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """One article's counts plus the details a reader needs to see what went wrong."""

    gold: GoldArticle
    counts: Counts
    errors: tuple[dict[str, Any], ...]  # one per wrong segment: seg, gold label, kind, words
    field_misses: dict[str, tuple[Any, Any]]  # field -> (expected, got)


def _norm_authors(values: Iterable[str]) -> list[str]:
    return sorted(" ".join(unicodedata.normalize("NFKC", v).split()).casefold() for v in values)


def _norm_dateline(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold() or None


def field_matches(expected: Mapping[str, Any], got: Prediction) -> dict[str, tuple[Any, Any]]:
    """The fields that differ: ``{field: (expected, got)}``.

    ``published_at`` exactly; ``dateline`` ignoring case and extra spaces ("Jakarta" is the
    place "JAKARTA"); ``authors`` as a multiset of names ignoring case and spacing; ``people``
    the same over authors and editors (when the gold has ``editors``); ``title`` by the hash of
    its whitespace-collapsed form.
    """
    misses: dict[str, tuple[Any, Any]] = {}
    if expected["published_at"] != got.published_at:
        misses["published_at"] = (expected["published_at"], got.published_at)
    if _norm_dateline(expected["dateline"]) != _norm_dateline(got.dateline):
        misses["dateline"] = (expected["dateline"], got.dateline)
    if _norm_authors(expected["authors"]) != _norm_authors(got.authors):
        misses["authors"] = (expected["authors"], list(got.authors))
    # credited people: writers and editors together, when the gold names editors; a gold line
    # without an "editors" key (the first gold set) labelled writers only
    if "editors" in expected:
        want = [*expected["authors"], *expected["editors"]]
        have = [*got.authors, *got.editors]
    else:
        want, have = list(expected["authors"]), list(got.authors)
    if _norm_authors(want) != _norm_authors(have):
        misses["people"] = (want, have)
    if expected["title_h"] != title_hash(got.title):
        misses["title"] = ("<title " + str(expected["title_h"]) + ">", got.title)
    return misses


def score_article(gold: GoldArticle, pieces: Sequence[str], got: Prediction) -> ArticleResult:
    """Compare one article's gold segments and fields with the tool's prediction."""
    counts = Counts(articles=1)
    errors = []
    repeats = [seg.kind == REPEAT for seg in gold.segments]
    fractions = matched_fraction(pieces, got.body, repeats)
    predicted = [BODY if f >= 0.5 else BOILERPLATE for f in fractions]
    for seg, piece, pred, frac in zip(gold.segments, pieces, predicted, fractions, strict=True):
        n = len(tokens(piece))
        if not n:
            continue  # nothing to read: not scored
        if seg.label == BODY:
            counts.body_tokens += n
            counts.body_tokens_kept += round(frac * n)
        if seg.label == BOILERPLATE and pred == BOILERPLATE:
            counts.tp += 1
            if seg.kind != LEAD_IN:  # a lead-in becomes the dateline, not an audit line
                counts.removed += 1
                counts.audited += _in_any(piece, got.boilerplate)
        elif seg.label == BODY and pred == BOILERPLATE:
            counts.fp += 1
        elif seg.label == BOILERPLATE:
            counts.fn += 1
        else:
            counts.tn += 1
        if seg.label != pred:
            errors.append(
                {
                    "seg": seg.seg,
                    "span": [seg.start, seg.end],
                    "gold": seg.label,
                    "kind": seg.kind,
                    "words": len(tokens(piece)),
                }
            )
    misses = field_matches(gold.expected, got)
    for name in GOLD_FIELDS:
        counts.fields[name] += name not in misses
    return ArticleResult(gold, counts, tuple(errors), misses)


def _in_any(piece: str, lines: Sequence[str]) -> bool:
    """Whether most of ``piece``'s tokens are, in order, in one of ``lines``."""
    return any(matched_fraction([piece], line)[0] >= 0.5 for line in lines)


def aggregate(results: Iterable[ArticleResult]) -> dict[str, Counts]:
    """Counts per group ("2025 detik", ...), then per split when there are several, then
    ``overall`` (always last)."""
    groups: dict[str, Counts] = {}
    splits: dict[str, Counts] = {}
    overall = Counts()
    for result in results:
        groups.setdefault(result.gold.group, Counts()).add(result.counts)
        splits.setdefault(f"split {result.gold.split}", Counts()).add(result.counts)
        overall.add(result.counts)
    per_split = dict(sorted(splits.items())) if len(splits) > 1 else {}
    return {**dict(sorted(groups.items())), **per_split, "overall": overall}


def gate(scores: Mapping[str, float | None], pinned: Mapping[str, float]) -> list[str]:
    """The pinned minimums that ``scores`` falls below, as messages (empty = pass)."""
    failures = []
    for name, minimum in sorted(pinned.items()):
        value = scores.get(name)
        if value is None or value + 1e-9 < minimum:
            shown = "n/a" if value is None else f"{value:.4f}"
            failures.append(f"{name} {shown} < pinned minimum {minimum:.4f}")
    return failures


# --------------------------------------------------------------------------- reading the corpora


#: Column maps for files whose columns the presets do not name, as a user would pass them with
#: ``--map`` (key: a file or folder path under the corpora root, as in the gold's ``file``).
COLUMN_MAPS: Mapping[str, Mapping[str, str]] = {
    "news-id-more/cnnindonesia-2025/": {"text": "FullText"},
}


def column_map(file: str) -> dict[str, str]:
    """The ``--map`` a gold file is read with (empty for files the presets cover)."""
    for prefix, mapping in COLUMN_MAPS.items():
        if file == prefix or (prefix.endswith("/") and file.startswith(prefix)):
            return dict(mapping)
    return {}


def read_records(corpora: Path, file: str) -> dict[int, Any]:
    """``{row: RawRecord}`` of one gold file, read exactly as ``corpus ingest`` reads it.

    ``file`` is "<dataset folder>/<path>"; the dataset folder is the input root, so provenance
    paths and rows are those of ``corpus ingest ../shared/corpora/<dataset folder>``. Any format
    the readers take (CSV, JSON, JSONL, each maybe gzipped) works.
    """
    from corpus.records import RawRecord
    from corpus.sources import ColumnMapper, discover, read_file

    dataset, _, rel = file.partition("/")
    files, _skipped = discover([corpora / dataset])
    mapper = ColumnMapper(column_map(file))
    for f in files:
        if f.relpath == rel:
            return {r.provenance.row: r for r in read_file(f, mapper) if isinstance(r, RawRecord)}
    raise FileNotFoundError(f"{corpora / dataset}: no readable file {rel!r}")


def read_dataset(corpora: Path, dataset: str) -> dict[str, dict[int, Any]]:
    """``{file: {row: RawRecord}}`` of every readable file of one dataset folder, each read with
    its ``--map`` (``column_map``): the whole input of ``corpus ingest ../shared/corpora/<dataset>``,
    which is what the ingest's survey learns its line statistics from."""
    from corpus.records import RawRecord
    from corpus.sources import ColumnMapper, discover, read_file

    files, _skipped = discover([corpora / dataset])
    out: dict[str, dict[int, Any]] = {}
    for f in files:
        key = f"{dataset}/{f.relpath}"
        mapper = ColumnMapper(column_map(key))
        out[key] = {r.provenance.row: r for r in read_file(f, mapper) if isinstance(r, RawRecord)}
    return out


def date_order(records: Iterable[Any]) -> str | None:
    """The day/month order of a file's date column from all of its rows, as the ingest's
    pre-pass hands it to the structure stage (``StructureHints.date_orders``)."""
    from corpus.structure import file_date_order

    return file_date_order(r.fields.get("published") for r in records).order
