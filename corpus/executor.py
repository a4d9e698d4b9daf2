"""Executors: run the per-record stages over batches, inline or in worker processes.

Results come back in input order whatever the number of workers, so the output of a run does
not depend on how it was executed.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """Worker processes to use by default: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of up to ``size`` items."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _die_with_parent() -> None:
    """In a worker: ask Linux to kill this process when its parent dies (a kill -9 of the
    ingest must not leave workers behind). Elsewhere, a no-op."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux/glibc
        pass


def map_batches(
    fn: Callable[[list[T]], R],
    items: Iterable[T],
    *,
    workers: int,
    batch_size: int,
) -> Iterator[R]:
    """``fn`` over consecutive batches of ``items``, results in input order.

    With one worker everything runs in this process. With more, at most ``2 * workers`` batches
    are in flight, so memory stays bounded by the batch size, not by the input. ``fn`` must be
    picklable (a module-level function or a ``functools.partial`` of one).
    """
    chunks = batched(items, batch_size)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if workers <= 1 or second is None:  # one batch: starting processes would cost more than it
        yield fn(first)
        if second is not None:
            yield fn(second)
            for batch in chunks:
                yield fn(batch)
        return
    # spawn: workers start clean (no inherited locks or threads from a progress bar).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_die_with_parent
    ) as pool:
        pending: deque[Future[R]] = deque()
        for batch in itertools.chain((first, second), chunks):
            pending.append(pool.submit(fn, batch))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
