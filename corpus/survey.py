"""The survey: a first look at the whole input, before any record is structured.

Some facts are about a whole publisher or a whole file, not one record: which lines recur
across a publisher's stories (boilerplate learned at ingest, corpus/learned.py), and what
order a file's dates are written in. Each file is surveyed on its own (``survey_file``, run by
the executor where the file is read, like the work units); ``combine`` puts the files' parts
together in input order, after what the parent version learned, and the driver ships the result
to every work unit. The result is the same as one pass over every record in input order.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus import learned, sources, structure
from corpus.boilerplate import RuleSet
from corpus.config import Config
from corpus.dates import ColumnOrder, column_order, joined_order
from corpus.records import RawRecord
from corpus.storage import Place

log = logging.getLogger(__name__)

#: Where a version keeps what its ingests learned (listed in the manifest, checked by audit).
LEARNED_DIR = "learned"


@dataclass(frozen=True, slots=True)
class Survey:
    """What the work units need to know about the whole input."""

    boilerplate: learned.LearnedBoilerplate = field(default_factory=learned.LearnedBoilerplate)
    date_orders: Mapping[str, str] = field(default_factory=dict)  # input path -> dmy | mdy
    # input path -> URL host -> the section suffixes of its titles (structure.titles)
    title_suffixes: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)

    def hints(self) -> structure.StructureHints:
        """What the structure stage needs to know about each record's whole file."""
        return structure.StructureHints(self.date_orders, self.title_suffixes)


@dataclass(frozen=True, slots=True)
class FileSurvey:
    """What one input file tells the survey (``survey_file``); small, and picklable."""

    relpath: str
    lines: learned.FileLines
    date_orders: Mapping[str, str]  # input path -> dmy | mdy, where this file's dates settle it
    title_suffixes: Mapping[str, Mapping[str, frozenset[str]]]  # input path -> host -> suffixes
    items: int = 0  # what the reader gave, rejects included (``SliceSurvey.items``)
    marks: tuple[tuple[int, int, int], ...] = ()  # where reading may start again (sources.Marks)
    setup: sources.Setup | None = None  # what a reading from a mark needs (codec, column roles)


@dataclass(frozen=True, slots=True)
class SliceSurvey:
    """What one slice of a file tells the survey (``survey_slice``), before the file's other
    slices join it (``join_slices``); a file that is not split is one slice."""

    relpath: str
    lines: learned.FileLines
    date_votes: Mapping[str, ColumnOrder]  # input path -> what its date values say so far
    titles: structure.TitleSuffixes
    paths: frozenset[str]
    items: int = 0  # what the reader gave, rejects included: what the units will batch
    marks: tuple[tuple[int, int, int], ...] = ()  # noted when asked (``survey_slice``)
    setup: sources.Setup | None = None  # with the marks


def survey_slice(piece: sources.Slice, cfg: Config, *, marked: bool = False) -> SliceSurvey:
    """Read one slice of an input file (a big JSONL file is read in slices, in parallel) for
    the survey: its part of the file's line statistics, date votes and title counts; with
    ``marked``, the places its reading may start again (for units read on the workers)."""
    votes, titles = _DateVotes(), structure.TitleSuffixes()
    marks = sources.Marks() if marked else None
    paths: set[str] = set()

    def see(record: RawRecord) -> RawRecord:
        structure.see_title(titles, record)
        paths.add(record.provenance.path)
        return votes.see(record)

    options = sources.ReadOptions.of(cfg)
    read = sources.read_slice(piece, sources.ColumnMapper(options.column_map), options, marks)
    items = 0

    def records() -> Iterator[RawRecord]:
        nonlocal items
        for item in read:
            items += 1
            if isinstance(item, RawRecord):
                yield see(item)

    lines = learned.file_lines(records())
    return SliceSurvey(
        piece.file.relpath,
        lines,
        votes.finish(),
        titles,
        frozenset(paths),
        items=items,
        marks=() if marks is None else tuple(marks.at),
        setup=None if marks is None else marks.setup,
    )


def join_slices(parts: Sequence[SliceSurvey]) -> FileSurvey:
    """A file's survey from its slices' (all of them, in file order): the same as reading it
    whole."""
    lines = functools.reduce(learned.FileLines.then, (p.lines for p in parts))
    orders, suffixes = file_context(parts)
    items = sum(p.items for p in parts)
    marks = tuple(mark for p in parts for mark in p.marks)
    return FileSurvey(parts[0].relpath, lines, orders, suffixes, items, marks, parts[0].setup)


def file_context(
    parts: Sequence[SliceSurvey],
) -> tuple[dict[str, str], dict[str, Mapping[str, frozenset[str]]]]:
    """A file's date orders and title suffixes from its slices' (all of them, in file order;
    their ``lines`` are not read, so a caller that joins those elsewhere may leave them empty)."""
    titles = structure.TitleSuffixes()
    votes: dict[str, list[ColumnOrder]] = {}
    for part in parts:
        titles.absorb(part.titles)
        for path, vote in part.date_votes.items():
            votes.setdefault(path, []).append(vote)
    found = titles.learned()
    paths = sorted(frozenset().union(*(p.paths for p in parts)))
    suffixes: dict[str, Mapping[str, frozenset[str]]] = (
        {path: found for path in paths} if found else {}
    )
    return _settled({path: joined_order(v) for path, v in votes.items()}), suffixes


def by_file(parts: Iterable[SliceSurvey]) -> Iterator[FileSurvey]:
    """Files' surveys from their slices' (a file's slices together, in file order)."""
    for _, slices in itertools.groupby(parts, key=lambda p: p.relpath):
        yield join_slices(list(slices))


def survey_file(file: sources.InputFile, cfg: Config) -> FileSurvey:
    """Read one input file for the survey, whole: its part of the line statistics, its date
    order, its titles' section suffixes."""
    return join_slices([survey_slice(sources.Slice(file), cfg)])


def combine(
    parts: Iterable[FileSurvey],
    files: Sequence[sources.InputFile],
    rules: RuleSet,
    parent_dir: Path | None,
) -> tuple[Survey, learned.LineStats]:
    """The survey of ``files`` from their parts (in any order; one part per file), with the
    parent version's line statistics first."""
    position = {f.relpath: i for i, f in enumerate(files)}
    stats = begin(parent_dir)
    orders: dict[str, str] = {}
    suffixes: dict[str, Mapping[str, frozenset[str]]] = {}
    for part in sorted(parts, key=lambda p: position[p.relpath]):
        stats.merge(part.lines)
        orders.update(part.date_orders)
        suffixes.update(part.title_suffixes)
    boilerplate = learned.LearnedBoilerplate.build(stats, rules=rules)
    return Survey(boilerplate, dict(sorted(orders.items())), dict(sorted(suffixes.items()))), stats


def begin(parent_dir: Path | Place | None, part: int | None = None) -> learned.LineStats:
    """The line statistics an ingest starts from: the parent version's (those of one part of
    the scopes, ``learned.part_of``), which come before this input's."""
    if parent_dir is None or not (parent_dir / LEARNED_DIR).is_dir():
        return learned.LineStats()
    previous = learned.LineStats.load(parent_dir / LEARNED_DIR, part=part)
    stats = learned.LineStats(previous.thresholds)
    stats.merge(previous)
    return stats


def learn_part(
    part: int,
    lines: Iterable[learned.FileLines],
    rules: RuleSet,
    parent_dir: Path | Place | None,
) -> tuple[learned.LineStats, learned.LearnedBoilerplate]:
    """One part of the scopes learned on its own: the parent's statistics of the part, then the
    files' (each file's part, ``FileLines.split``, in input order). Every count and decision
    is about one scope, so the parts joined are what ``combine`` finds."""
    stats = begin(parent_dir, part)
    for one in lines:
        stats.merge(one)
    return stats, learned.LearnedBoilerplate.build(stats, rules=rules)


def survey(
    files: Sequence[sources.InputFile],
    cfg: Config,
    rules: RuleSet,
    parent_dir: Path | None,
) -> tuple[Survey, learned.LineStats]:
    """Survey every input in this process: line statistics (with the parent version's) and
    date orders."""
    return combine((survey_file(f, cfg) for f in files), files, rules, parent_dir)


class _DateVotes:
    """What each file's date values say of their day/month order (``dates.column_order``),
    one file at a time: records come file by file, so only one file's values are held."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.values: list[str] = []
        self.votes: dict[str, ColumnOrder] = {}

    def see(self, record: RawRecord) -> RawRecord:
        if record.provenance.path != self.path:
            self._count()
            self.path = record.provenance.path
        value = record.fields.get("published")
        if isinstance(value, str):
            self.values.append(value)
        return record

    def _count(self) -> None:
        if self.path is not None and self.values:
            self.votes[self.path] = column_order(self.values)
        self.values = []

    def finish(self) -> dict[str, ColumnOrder]:
        self._count()
        return self.votes


def _settled(votes: Mapping[str, ColumnOrder]) -> dict[str, str]:
    """The date order of each path whose values settle it."""
    orders = {}
    for path, found in votes.items():
        if found.order is not None:
            orders[path] = found.order
        else:  # the publisher's locale decides, record by record (day first here)
            log.info("%s: date order not settled by its values (%s)", path, found.reason)
    return dict(sorted(orders.items()))
