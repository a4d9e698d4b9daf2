from __future__ import annotations

import functools
import os
import pickle
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import executor, units
from corpus.errors import ConfigError
from corpus.executor import Done, batched, default_workers, map_ordered, prestart
from corpus.records import Provenance, RawRecord


def _square_all(offset: int, batch: list[int]) -> list[int]:
    return [offset + x * x for x in batch]


def test_batched() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


def test_units_shrink_towards_the_end_so_workers_finish_together() -> None:
    sizes = units.layout(17_015, 1000)
    assert sum(sizes) == 17_015
    assert sizes[0] == 141  # the remainder first
    assert sizes[-8:] == [500, 500, 250, 250, 125, 125, 62, 62]
    assert set(sizes[1:-8]) == {1000}
    assert units.layout(0, 1000) == [] and units.layout(1, 1000) == [1]
    assert units.layout(100, 40) == [20, 40, 40]  # no unit under 50 cut from a small batch


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(st.integers(0, 300), max_size=12),
    batch=st.integers(1, 400),
)
def test_units_are_cut_over_the_files_in_order(items: list[int], batch: int) -> None:
    """Each unit of the layout, as runs of the files' records: every record once, in order."""
    expected = sum(items)
    cuts = list(units.cut(expected, batch, items))
    assert [sum(take for _, _, take in unit) for unit in cuts] == units.layout(expected, batch)
    flat = [(n, first + k) for unit in cuts for n, first, take in unit for k in range(take)]
    assert flat == [(n, k) for n, count in enumerate(items) for k in range(count)]
    assert all(take > 0 for unit in cuts for _, _, take in unit)


def test_results_keep_input_order_with_any_worker_count() -> None:
    fn = functools.partial(_square_all, 1)
    expected = [[1 + x * x for x in batch] for batch in batched(range(50), 4)]
    assert list(map_ordered(fn, batched(range(50), 4), workers=1)) == expected
    assert list(map_ordered(fn, batched(range(50), 4), workers=2)) == expected


def test_records_cross_process_boundaries() -> None:
    record = RawRecord({"text": "x"}, {"a": 1}, Provenance("f", 1, 1, "0" * 64, "csv"), "raw")
    assert pickle.loads(pickle.dumps(record)) == record
    assert default_workers() >= 1


def _square(x: int) -> int:
    return x * x


def test_done_jobs_keep_their_place_and_are_loaded_lazily() -> None:
    loaded: list[int] = []

    def done(x: int) -> Done[int]:
        def load() -> int:
            loaded.append(x)
            return -x

        return Done(load)

    jobs: list[int | Done[int]] = [done(0), done(1), 2, done(3), 4, 5, done(6)]
    for workers in (1, 2):
        loaded.clear()
        results = map_ordered(_square, iter(jobs), workers=workers, warm_up=default_workers)
        assert next(results) == 0 and loaded == [0]  # nothing loaded ahead of need
        assert list(results) == [-1, 4, -3, 16, 25, -6]


def test_ray_without_the_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(ConfigError, match=r"corpus\[ray\]"):
        list(map_ordered(_square, [1, 2], executor="ray", workers=2))
    with pytest.raises(ConfigError, match="unknown executor"):
        list(map_ordered(_square, [1, 2], executor="dask", workers=2))


def _environ_value(name: str) -> str | None:
    return os.environ.get(name)


def _models_loaded(_: int) -> int:
    from corpus.langid import detector

    return detector.model.cache_info().currsize


@pytest.mark.skipif(sys.platform != "linux", reason="workers fork from a forkserver on Linux")
def test_workers_start_loaded_and_see_the_environment_of_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The workers' parent loads the language model before forking them (corpus.preload) and
    # may have started long before this run: the workers must still see today's environment.
    prestart()
    monkeypatch.setenv("CORPUS_TEST_AFTER_PRESTART", "seen")
    got = list(map_ordered(_environ_value, ["CORPUS_TEST_AFTER_PRESTART"] * 3, workers=2))
    assert got == ["seen"] * 3
    assert list(map_ordered(_models_loaded, [0, 1, 2], workers=2)) == [1, 1, 1]


def _gone(pid: int) -> bool:
    """Whether a process has ended (a zombie waiting for its parent counts as ended)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return "\tZ" in next(line for line in status if line.startswith("State:"))
    except (FileNotFoundError, ProcessLookupError):
        return True


_HOLDS_WORKERS = """
import sys
from corpus import executor
from pidjob import pid
executor.prestart()
with executor.session("local", workers=2, address=None):
    print(*sorted(set(executor.map_ordered(pid, range(20), workers=2))), flush=True)
    sys.stdin.read()
"""


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="pidfd: Linux >= 5.3")
def test_a_killed_ingest_leaves_no_worker_behind(tmp_path: Path) -> None:
    # the workers are the forkserver's children: a kill -9 of the ingest must end them too
    (tmp_path / "pidjob.py").write_text("import os\n\n\ndef pid(_):\n    return os.getpid()\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDS_WORKERS],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        assert proc.stdout is not None
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert workers and proc.pid not in workers
        proc.kill()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all(map(_gone, workers)):
        time.sleep(0.1)
    assert all(map(_gone, workers)), [p for p in workers if not _gone(p)]


class _GatedPool(ThreadPoolExecutor):
    """A pool whose workers take as long to start as the test wants: ``submit`` waits for
    ``gate`` (the real one waits for the forkserver to load the stages)."""

    def __init__(self, gate: threading.Event, fail: BaseException | None = None) -> None:
        super().__init__(max_workers=2)
        self.gate, self.fail = gate, fail

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.gate.wait()
        if self.fail is not None:
            raise self.fail
        return super().submit(fn, *args, **kwargs)


def _where(gate: threading.Event, x: int) -> tuple[str, int]:
    """Where a job ran (this test's thread, or a pool's), and its result; a job run here
    opens the gate and takes a while (the workers start while this process works)."""
    if threading.current_thread() is threading.main_thread():
        gate.set()
        time.sleep(0.5)
        return "here", x * x
    return "pool", x * x


@pytest.mark.parametrize("here", [False, True])
def test_jobs_wait_for_starting_workers_or_run_here(
    monkeypatch: pytest.MonkeyPatch, here: bool
) -> None:
    gate = threading.Event()
    monkeypatch.setattr(executor, "_new_pool", lambda workers: _GatedPool(gate))
    if not here:
        threading.Timer(0.3, gate.set).start()  # the workers start a while later
    with executor.session("local", workers=2, address=None):
        jobs = functools.partial(_where, gate)
        found = list(map_ordered(jobs, range(8), workers=2, here_while_starting=here))
    assert [x for _, x in found] == [x * x for x in range(8)]  # in order, wherever they ran
    where = [w for w, _ in found]
    if here:  # with a job queued for each worker, the first one queued runs here
        assert where[:3] == ["here", "pool", "pool"]
    else:
        assert where == ["pool"] * 8


def test_workers_that_cannot_start_fail_every_job(monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    gate.set()
    broken = _GatedPool(gate, fail=RuntimeError("the forkserver is gone"))
    monkeypatch.setattr(executor, "_new_pool", lambda workers: broken)
    with (
        executor.session("local", workers=2, address=None),
        pytest.raises(RuntimeError, match="forkserver is gone"),
    ):
        list(map_ordered(_square, range(4), workers=2))


def _fails_here(gate: threading.Event, x: int) -> int:
    if threading.current_thread() is threading.main_thread():
        gate.set()
        raise ValueError(f"job {x} failed")
    return x


def test_a_job_run_here_fails_where_its_result_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()
    monkeypatch.setattr(executor, "_new_pool", lambda workers: _GatedPool(gate))
    with executor.session("local", workers=2, address=None):
        # jobs 1 and 2 wait for the workers, job 0 runs here, fails and lets them start
        results = map_ordered(
            functools.partial(_fails_here, gate), range(8), workers=2, here_while_starting=True
        )
        with pytest.raises(ValueError, match="job 0 failed"):
            next(results)
