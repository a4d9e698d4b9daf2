"""Dedup's plan of a distributed run, as tasks: the driver never holds the linked articles.

The linking tasks name the articles dedup can change (those sharing a URL hash or a band key
with another, ~20% of a news corpus: its clusters), each with its component in the task's
partition of the keys; a cut task joins those into the connected components of the whole key
graph and packs them into plan jobs (``components``). Each plan job holds whole components: it gathers their fingerprints (no
signatures, no text) from the read tasks' files, runs the same ``dedup.plan`` as an embedded
ingest, with candidate pairs measured where the texts are (``judge.judge_pairs``, in this
task), and leaves its fates in a file per (read task, job) for the route tasks. It answers
with a few numbers; what it holds (~1-2 KB per article of its components at most) is on a
worker, not the driver.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from corpus import dedup
from corpus.dedup.minhash import I64
from corpus.distributed import components, parts, tasks
from corpus.distributed.judge import RemoteJudge
from corpus.distributed.tasks import Work


@dataclass(frozen=True, slots=True)
class CutJob:
    """The linking partitions' forests to join, and how to pack the components into jobs."""

    partitions: int
    limit: int  # linked articles per plan job, about
    workers: int  # at least this many jobs, when there are as many components


@dataclass(frozen=True, slots=True)
class Cut:
    """What the cut task reports: components found, and articles per plan job."""

    components: int
    sizes: tuple[int, ...]  # ordinals and published rows of each plan job


def cut(work: Work, job: CutJob) -> Cut:
    """Join the partitions' forests into the key graph's components and pack them into plan
    jobs (``components``), whose articles go to a file each. A task: it holds ~16 bytes per
    linked article a few times over, which the driver never does."""
    nodes, least = components.fold(parts.read_forest(work.units, p) for p in range(job.partitions))
    made = components.jobs(nodes, least, job.limit, job.workers)
    for j, (new, old, _) in enumerate(made):
        parts.write_plan_job(work.units, j, new, old)
    return Cut(sum(c for _, _, c in made), tuple(len(n) + len(o) for n, o, _ in made))


@dataclass(frozen=True, slots=True)
class PlanJob:
    """A plan job's number (its articles' file, and its fates files' names)."""

    job: int
    offsets: I64  # first ordinal of each read task, then the total


@dataclass(frozen=True, slots=True)
class Planned:
    """What the plan task reports: sizes for the run report, and the fates' files."""

    linked: int
    pairs: int
    tasks: tuple[int, ...]  # read tasks with a fates file


def plan(work: Work, job: PlanJob) -> Planned:
    """Plan dedup over some components' articles; each read task's fates go to a file of
    this job's."""
    new, old = parts.read_plan_job(work.units, job.job)
    task_of = np.searchsorted(job.offsets, new, side="right") - 1
    row_of = new - job.offsets[task_of]

    def here(fn: Callable[..., Any], jobs: Sequence[Any]) -> list[Any]:
        return [fn(work, one) for one in jobs]

    gathered = here(tasks.gather, [(int(t), row_of[task_of == t]) for t in np.unique(task_of)])
    fps = dedup.concat(gathered, sigs=np.zeros((len(new), 0), np.uint16))
    del gathered
    index = tasks.published(work, old) if len(old) else dedup.DedupIndex()
    judge = RemoteJudge(
        work, here,
        (task_of, row_of), (old, [index.id(r) for r in range(len(index))]),
        (fps.size.astype(np.int64), index.size.astype(np.int64)),
    )  # fmt: skip
    made = dedup.plan(fps, index, dedup.DedupSettings.of(work.cfg), judge=judge)
    fates: dict[int, dict[int, dedup.Fate]] = {}
    for code in range(len(made)):
        fate = made.fate_at(code)
        if fate != dedup.Keep():
            fates.setdefault(int(task_of[code]), {})[int(row_of[code])] = fate
    for task, found in fates.items():
        parts.write_fates(work.units, task, job.job, found)
    return Planned(len(new), made.pairs_checked, tuple(sorted(fates)))
