"""The survey of a distributed ingest, as tasks: no process holds the line statistics of the
whole input.

    count (a task per slice of a big file)  ->  survey (a task per file, or per slice of
    a big one)  ->  learn (a task per part of the scopes)

A survey task counts one file or slice (``survey.survey_slice``) and writes its statistics cut
by part of the scopes (``learned.part_of``); a learn task reads its part of every file in input
order (a big file's slices joined in file order, ``FileLines.then``), after the parent
version's part, saves the part into the new version and returns what it learned (the
boilerplate of its scopes only: small). Every count and decision is about one scope, so the
result is the survey of an embedded ingest (``survey.combine``). A part no file touches is
shared from the parent version as it is.
"""

from __future__ import annotations

import functools
import itertools
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from corpus import learned, sources, structure, survey
from corpus.config import Config
from corpus.manifest import FileEntry
from corpus.shards import file_sha256
from corpus.storage import Place


@dataclass(frozen=True, slots=True)
class SurveyWork:
    """What the survey's tasks share."""

    cfg: Config
    folder: Place  # the run's folder for the files' parts
    build: Place  # the version's private build folder (the learned parts go under it)
    published: Place | None  # the version this ingest extends


@dataclass(frozen=True, slots=True)
class Surveyed:
    """What a survey task reports: its slice's date votes, titles and paths (``lines`` left
    empty: they are in the parts it wrote), and which parts it wrote."""

    found: survey.SliceSurvey
    parts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SurveyJob:
    """Slice ``piece`` (number ``slice`` of input file number ``index``) to survey."""

    index: int
    slice: int
    piece: sources.Slice


@dataclass(frozen=True, slots=True)
class LearnJob:
    """Part ``part`` of the scopes, from the slices (file, slice numbers) that touch it, in
    input order."""

    part: int
    slices: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Learned:
    """What a learn task reports: its scopes' boilerplate, records counted, the file saved."""

    part: int
    boilerplate: learned.LearnedBoilerplate
    records: int
    files: tuple[FileEntry, ...]  # the part's file (its path relative to the build folder)


def _part_path(work: SurveyWork, index: int, piece: int, part: int) -> Place:
    return work.folder / f"{index:06d}-{piece:05d}-{part:02d}.pickle"


def entries(folder: Path, rel: str, paths: Iterable[Path]) -> tuple[FileEntry, ...]:
    """Manifest entries of files a task wrote in ``folder`` (``rel`` in the build folder)."""
    return tuple(
        FileEntry(f"{rel}/{p.relative_to(folder).as_posix()}", p.stat().st_size, file_sha256(p))
        for p in paths
    )


def count(work: SurveyWork, piece: sources.Slice, target: int) -> list[sources.Slice]:
    """A slice of a big file counted where it is read (a CSV file: cut, ``sources.count``)."""
    return sources.count(piece, target, sources.ReadOptions.of(work.cfg))


def survey_slice(work: SurveyWork, job: SurveyJob) -> Surveyed:
    """Survey one file or slice; its line statistics go to the run's folder by part."""
    found = survey.survey_slice(job.piece, work.cfg)
    split = found.lines.split()
    for part, lines in split.items():
        # whole: a retried task rewrites it
        _part_path(work, job.index, job.slice, part).write_bytes(
            pickle.dumps(lines, protocol=pickle.HIGHEST_PROTOCOL)
        )
    return Surveyed(replace(found, lines=learned.file_lines(())), tuple(split))


def learn(work: SurveyWork, job: LearnJob) -> Learned:
    """Learn part ``job.part`` from the slices that have scopes in it (a file's slices
    joined in order, then the files in input order)."""
    rules = structure.rules_for(work.cfg)
    stats, boilerplate = survey.learn_part(job.part, _file_parts(work, job), rules, work.published)
    records = sum(stats.records().values())
    with (work.build / survey.LEARNED_DIR).written() as folder:
        saved = stats.save(folder)  # its scopes are all in ``part``
        made = entries(folder, survey.LEARNED_DIR, saved)
    return Learned(job.part, boilerplate, records, made)


def _file_parts(work: SurveyWork, job: LearnJob) -> Iterator[learned.FileLines]:
    """Each file's part ``job.part``, its slices' joined (the same as the part of the file's
    statistics counted whole: ``split`` and ``then`` commute, both keep scopes in the order
    the file first shows them)."""
    for _, pieces in itertools.groupby(job.slices, key=lambda ij: ij[0]):
        parts = (pickle.loads(_part_path(work, i, j, job.part).read_bytes()) for i, j in pieces)
        yield functools.reduce(learned.FileLines.then, parts)
