"""The survey of a distributed ingest, as tasks: no process holds the line statistics of the
whole input.

    survey (a task per input file)  ->  learn (a task per part of the scopes)

A survey task counts one file (``survey.survey_file``) and writes the file's statistics cut by
part of the scopes (``learned.part_of``); a learn task reads its part of every file in input
order, after the parent version's part, saves the part into the new version and returns what it
learned (the boilerplate of its scopes only: small). Every count and decision is about one
scope, so the result is the survey of an embedded ingest (``survey.combine``). A part no file
touches is shared from the parent version as it is.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    """What a survey task reports: the file's date orders, title suffixes, the parts it wrote."""

    relpath: str
    date_orders: Mapping[str, str]
    title_suffixes: Mapping[str, Mapping[str, frozenset[str]]]
    parts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Learned:
    """What a learn task reports: its scopes' boilerplate, records counted, the file saved."""

    part: int
    boilerplate: learned.LearnedBoilerplate
    records: int
    files: tuple[FileEntry, ...]  # the part's file (its path relative to the build folder)


def _part_path(work: SurveyWork, index: int, part: int) -> Place:
    return work.folder / f"{index:06d}-{part:02d}.pickle"


def entries(folder: Path, rel: str, paths: Iterable[Path]) -> tuple[FileEntry, ...]:
    """Manifest entries of files a task wrote in ``folder`` (``rel`` in the build folder)."""
    return tuple(
        FileEntry(f"{rel}/{p.relative_to(folder).as_posix()}", p.stat().st_size, file_sha256(p))
        for p in paths
    )


def survey_file(work: SurveyWork, job: tuple[int, sources.InputFile]) -> Surveyed:
    """Survey input file number ``index``; its statistics go to the run's folder by part."""
    index, file = job
    found = survey.survey_file(file, work.cfg)
    split = found.lines.split()
    for part, lines in split.items():
        # whole: a retried task rewrites it
        _part_path(work, index, part).write_bytes(
            pickle.dumps(lines, protocol=pickle.HIGHEST_PROTOCOL)
        )
    return Surveyed(found.relpath, found.date_orders, found.title_suffixes, tuple(split))


def learn(work: SurveyWork, job: tuple[int, tuple[int, ...]]) -> Learned:
    """Learn part ``part`` from the files (numbers, in input order) that have scopes in it."""
    part, files = job
    lines = (pickle.loads(_part_path(work, i, part).read_bytes()) for i in files)
    rules = structure.rules_for(work.cfg)
    stats, boilerplate = survey.learn_part(part, lines, rules, work.published)
    records = sum(stats.records().values())
    with (work.build / survey.LEARNED_DIR).written() as folder:
        saved = stats.save(folder)  # its scopes are all in ``part``
        made = entries(folder, survey.LEARNED_DIR, saved)
    return Learned(part, boilerplate, records, made)
