"""Executors: run the per-record stages over batches, inline, in worker processes, or on Ray.

Results come back in input order whatever the executor and the number of workers, so the
output of a run does not depend on how it was executed.

Ray runs the same function as Ray core tasks, not Ray Data: our unit of work is already a pure
function over a batch, results must come back in input order with a bounded number in flight
(the driver streams them into the global dedup step), and a task takes and returns our own
records as they are, with no conversion to and from Arrow blocks.
"""

from __future__ import annotations

import functools
import itertools
import logging
import multiprocessing
import multiprocessing.context
import os
import select
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import islice
from typing import Any, Generic, TypeVar

from corpus.errors import ConfigError

T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("local", "ray")


@dataclass(frozen=True, slots=True)
class Done(Generic[R]):
    """A job whose result is already known (a work unit finished by an earlier, interrupted
    run): ``load()`` gives it in its place in the order; nothing is computed."""

    load: Callable[[], R]


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
    """In a worker: ask Linux to kill this process when its parent dies (with the spawn start
    method, the ingest; with the forkserver, the forkserver). Elsewhere, a no-op."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux/glibc
        pass


def _die_with(ingest: int) -> None:
    """In a worker: kill this process when the ingest's process (``ingest``, a pid) ends, as
    a kill -9 of it would leave a forked worker behind: the forkserver, its parent, stays
    alive while its children hold the end of the pipe it watches, and an idle worker waits on
    its job queue for ever. A thread blocked on a pidfd (Linux >= 5.3); elsewhere, a no-op."""
    try:
        handle = os.pidfd_open(ingest)
    except (AttributeError, OSError):  # pragma: no cover - no pidfd, or the ingest is gone
        return

    def wait() -> None:
        select.select([handle], [], [])
        os.kill(os.getpid(), signal.SIGKILL)  # as PR_SET_PDEATHSIG does

    threading.Thread(target=wait, name="corpus-die-with-ingest", daemon=True).start()


def _start_worker(environ: dict[str, str], ingest: int) -> None:
    """A worker's first step: die with its parent and with the ingest, and take the ingest's
    environment as it is now (a forked worker inherits the forkserver's, which started
    earlier)."""
    _die_with_parent()
    if os.getppid() != ingest:
        _die_with(ingest)
    if os.environ != environ:
        os.environ.clear()
        os.environ.update(environ)


#: What the workers' parent imports (and warms: see ``corpus.preload``) before forking them.
_PRELOAD = ["corpus.preload"]


def _context(preload: Sequence[str] = ()) -> multiprocessing.context.BaseContext:
    """How local workers start: forked from a forkserver that has loaded the per-record stages
    (and ``preload``) once (a worker then starts in milliseconds, sharing the loaded models
    copy-on-write), or spawned where there is no forkserver (each worker imports and loads
    them itself)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*preload, *_PRELOAD])
    return context


def prestart(preload: Sequence[str] = ()) -> None:
    """Start the local workers' parent (the forkserver) now, in the background: its imports and
    model loading then overlap this process's own start-up instead of following it. It
    imports ``preload`` too: modules each worker would import after the fork (multiprocessing
    runs the main script again in every worker, and the ``corpus`` script imports the CLI)."""
    if _context(preload).get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def map_ordered(
    fn: Callable[[T], R],
    jobs: Iterable[T | Done[R]],
    *,
    executor: str = "local",
    workers: int = 1,
    address: str | None = None,
    warm_up: Callable[[], object] | None = None,
    ahead: int = 2,
    here_while_starting: bool = False,
) -> Iterator[R]:
    """``fn`` over ``jobs``, results in input order; a ``Done`` job yields its result as is.

    ``local`` with one worker runs everything in this process; with more, in worker
    processes. ``ray`` submits Ray tasks to the cluster at ``address`` (``None``: a local
    cluster of ``workers`` CPUs started for this call). At most ``ahead * workers`` jobs are
    in flight, so memory stays bounded by the job size, not by the input (jobs that are
    quick beside what the caller does with each result run further ahead). ``fn`` (and ``warm_up``,
    run once per local worker process at its start) must be picklable (a module-level function
    or a ``functools.partial`` of one). ``here_while_starting``: while a ``session``'s workers
    start, this process runs jobs itself (the earliest queued, once there is one more queued
    than there are workers).
    """
    if executor == "ray":
        yield from _ray(fn, jobs, workers=workers, address=address)
        return
    if executor != "local":
        raise ConfigError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    iterator = iter(jobs)
    head = list(islice(iterator, 2))
    shared = _POOL.get()
    if workers <= 1 or (len(head) < 2 and shared is None):
        # Inline: one worker, or a single job, for which starting processes would not pay off
        # (a session's workers are started already: a job goes to them, not to this process).
        for job in itertools.chain(head, iterator):
            yield job.load() if isinstance(job, Done) else fn(job)
        return
    if shared is not None:  # a session's pool: its workers started (and warmed up) once
        yield from _windowed(
            functools.partial(shared.submit, fn, here=here_while_starting),
            lambda future: future.result(),
            itertools.chain(head, iterator),
            ahead * workers,
        )
        return
    with _pool(workers, warm_up) as pool:
        yield from _windowed(
            lambda job: pool.submit(fn, job),
            lambda future: future.result(),
            itertools.chain(head, iterator),
            ahead * workers,
        )


class _Starting:
    """A session's worker pool, its processes started in a background thread: the first one
    waits for the forkserver to load the stages (~0.2-0.6 s after this process has loaded
    its own), time in which the caller goes on. Jobs submitted meanwhile wait in a queue
    (each worker finds one there when it starts), and when the caller allows it and more are
    queued than there are workers, the caller's process runs the first one queued."""

    def __init__(self, workers: int, warm_up: Callable[[], object] | None) -> None:
        self.workers = workers
        self._pool = _new_pool(workers)
        self._lock = threading.Lock()
        self._queued: list[tuple[Callable[[Any], Any], Any, Future[Any]]] = []
        self._started = False
        self._error: BaseException | None = None
        # ProcessPoolExecutor starts a process at a submit that finds no idle one
        first = [warm_up or os.getpid] * workers
        self._thread = threading.Thread(
            target=self._start, args=(first,), name="corpus-start-workers", daemon=True
        )
        self._thread.start()

    def _start(self, first: list[Callable[[], object]]) -> None:
        try:
            for job in first:
                self._pool.submit(job)
        except BaseException as error:  # raised for every job submitted (``submit``)
            self._error = error
        with self._lock:
            self._started = True
            for fn, job, queued in self._queued:
                if self._error is not None:
                    queued.set_exception(self._error)
                else:
                    _forward(self._pool, fn, job, queued)
            self._queued = []

    def _pool_or_error(self) -> ProcessPoolExecutor:
        if self._error is not None:
            raise self._error
        return self._pool

    def submit(self, fn: Callable[[T], R], job: T, *, here: bool = False) -> Future[R]:
        """``fn(job)`` on the workers (queued while they start); with ``here``, while they
        start and more jobs are queued than there are workers, this process runs the first
        one queued (the earliest submitted: a survey submits its biggest files first, so the
        workers find the smaller ones left when they start)."""
        queued: Future[R] = Future()
        with self._lock:
            if self._started:
                return self._pool_or_error().submit(fn, job)
            self._queued.append((fn, job, queued))
            if not (here and len(self._queued) > self.workers):
                return queued
            first, first_job, done = self._queued.pop(0)
        try:  # run here, the lock released: the workers may start meanwhile
            done.set_result(first(first_job))
        except Exception as error:  # raised where the result is taken
            done.set_exception(error)
        return queued

    def shutdown(self) -> None:
        self._thread.join()
        self._pool.shutdown(wait=True)


def _forward(
    pool: ProcessPoolExecutor, fn: Callable[[Any], Any], job: Any, queued: Future[Any]
) -> None:
    """Submit a queued job to the pool; its result (or error) goes to the future it was given."""

    def settle(future: Future[Any]) -> None:
        if future.cancelled():
            queued.cancel()
        elif (error := future.exception()) is not None:
            queued.set_exception(error)
        else:
            queued.set_result(future.result())

    try:
        pool.submit(fn, job).add_done_callback(settle)
    except BaseException as error:
        queued.set_exception(error)


#: The worker pool of the current ``session`` (local executor), if any.
_POOL: ContextVar[_Starting | None] = ContextVar("corpus_pool", default=None)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    # Never plain fork: this process may hold threads (a progress bar) and their locks.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_start_worker,
        initargs=(dict(os.environ), os.getpid()),
    )


@contextmanager
def _pool(workers: int, warm_up: Callable[[], object] | None) -> Iterator[ProcessPoolExecutor]:
    with _new_pool(workers) as pool:
        if warm_up is not None:
            # Workers start and load their models now, while this process works through
            # jobs that are already done (a resumed run) or reads the first ones.
            for _ in range(workers):
                pool.submit(warm_up)
        yield pool


def _windowed(
    submit: Callable[[Any], Any],
    wait: Callable[[Any], Any],
    jobs: Iterable[Any],
    window: int,
) -> Iterator[Any]:
    """Submit jobs keeping at most ``window`` in flight; results (or ``Done`` results) in order."""
    pending: deque[Any] = deque()
    for job in jobs:
        pending.append(job if isinstance(job, Done) else submit(job))
        if len(pending) >= window:
            yield _take(pending.popleft(), wait)
    while pending:
        yield _take(pending.popleft(), wait)


def _take(handle: Any, wait: Callable[[Any], Any]) -> Any:
    return handle.load() if isinstance(handle, Done) else wait(handle)


def _call(fn: Callable[[T], R], job: T) -> R:
    """The Ray task: ``fn(job)`` on whichever node the scheduler picks."""
    return fn(job)


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--executor ray needs Ray: install the extra, e.g. `uv pip install 'corpus[ray]'`"
        ) from None
    return ray


@contextmanager
def session(
    executor: str,
    *,
    workers: int,
    address: str | None,
    warm_up: Callable[[], object] | None = None,
) -> Iterator[None]:
    """One set of workers for every ``map_ordered`` call of the block (a run's several
    phases), instead of one each: a local process pool (more than one worker), or a Ray
    connection."""
    if executor == "local":
        if workers <= 1 or _POOL.get() is not None:  # inline, or inside a session already
            yield
            return
        pool = _Starting(workers, warm_up)
        token = _POOL.set(pool)
        try:
            yield
        finally:
            _POOL.reset(token)
            pool.shutdown()
        return
    ray = _import_ray()
    started_here = not ray.is_initialized()
    if started_here:
        _connect(ray, workers, address)
    try:
        yield
    finally:
        if started_here:
            ray.shutdown()


def _connect(ray: Any, workers: int, address: str | None) -> None:
    # Under `uv run`, Ray would package this folder and rebuild the environment for every
    # worker (tens of seconds); workers of a local cluster run this interpreter already, and a
    # real cluster's nodes are set up with the project installed.
    os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    options: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": logging.WARNING,
        "log_to_driver": False,  # task errors still reach us through ray.get
    }
    if address:
        ray.init(address=address, **options)
    else:  # "local": a new instance of our own, never a cluster someone left running here
        ray.init(address="local", num_cpus=max(1, workers), **options)


def _ray(
    fn: Callable[[T], R], jobs: Iterable[T | Done[R]], *, workers: int, address: str | None
) -> Iterator[R]:
    ray = _import_ray()
    with session("ray", workers=workers, address=address):
        resources: dict[str, float] = ray.cluster_resources()
        cpus = int(resources.get("CPU", workers)) or 1
        task: Any = ray.remote(num_cpus=1, max_retries=3)(_call)  # a lost node's task reruns
        shared_fn = ray.put(fn)  # shipped to the object store once, not with every task
        yield from _windowed(
            lambda job: task.remote(shared_fn, job),
            ray.get,
            jobs,
            2 * cpus,
        )
