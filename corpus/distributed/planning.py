"""Dedup's plan of a distributed run, as tasks: the driver never holds the linked articles.

The linking tasks name the articles dedup can change (those sharing a URL hash or a band key
with another, ~20% of a news corpus: its clusters) and the connected components they form
(``components``). Each plan job holds whole components: it gathers their fingerprints (no
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
from corpus.distributed import parts, tasks
from corpus.distributed.judge import RemoteJudge
from corpus.distributed.tasks import Work


@dataclass(frozen=True, slots=True)
class PlanJob:
    """Some components' linked articles (ordinals over the read tasks, sorted) and published
    rows (sorted); ``job`` names its fates files."""

    job: int
    new: I64
    old: I64
    offsets: I64  # first ordinal of each read task, then the total
    components: int = 1  # how many components the job holds (for the run report)


@dataclass(frozen=True, slots=True)
class Planned:
    """What the plan task reports: sizes for the run report, and the fates' files."""

    linked: int
    pairs: int
    tasks: tuple[int, ...]  # read tasks with a fates file


def plan(work: Work, job: PlanJob) -> Planned:
    """Plan dedup over some components' articles; each read task's fates go to a file of
    this job's."""
    task_of = np.searchsorted(job.offsets, job.new, side="right") - 1
    row_of = job.new - job.offsets[task_of]

    def here(fn: Callable[..., Any], jobs: Sequence[Any]) -> list[Any]:
        return [fn(work, one) for one in jobs]

    gathered = here(tasks.gather, [(int(t), row_of[task_of == t]) for t in np.unique(task_of)])
    fps = dedup.concat(gathered, sigs=np.zeros((len(job.new), 0), np.uint16))
    del gathered
    index = tasks.published(work, job.old) if len(job.old) else dedup.DedupIndex()
    judge = RemoteJudge(
        work, here,
        (task_of, row_of), (job.old, [index.id(r) for r in range(len(index))]),
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
    return Planned(len(job.new), made.pairs_checked, tuple(sorted(fates)))
