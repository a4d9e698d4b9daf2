"""The run report: where an ingest spent its time and memory, saved beside the manifest.

Per-record stages run in workers, interleaved across batches, so each is reported as the CPU
seconds its workers spent in it (summed over units) and the rate per core that gives. The
driver's own steps (reading, dedup planning, writing) are wall-clock seconds. A unit reused
from an interrupted run reports the time it took when it was computed.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: The per-record stages, in pipeline order, as workers time them (``read``: a unit's records
#: read by its worker, and those the driver read and sent, counted but hardly timed).
WORKER_STAGES = ("read", "validate", "structure", "langid", "fingerprints")
#: The driver's steps, in order.
DRIVER_STEPS = ("setup", "survey", "units", "dedup", "write", "finish")
REPORT = "report.json"


#: (process id, its peak before its last ``reset_peak``): a task run in the driver's own
#: process (one worker) must not take the driver's peak with it; a forked child's is its own.
_EARLIER = (0, 0)


def peak_rss() -> int:
    """Peak resident memory of this process so far, in bytes (across ``reset_peak``)."""
    pid, earlier = _EARLIER
    return max(earlier, task_peak_rss()) if pid == os.getpid() else task_peak_rss()


def task_peak_rss() -> int:
    """Peak resident memory of this process since its last ``reset_peak`` (or its start)."""
    # Linux: VmHWM, this memory map's own high-water mark. ru_maxrss survives fork and exec,
    # so an ingest started from a big process (a notebook's subprocess, a forked worker)
    # would report its parent's peak; VmHWM starts again with each exec and each fork.
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)  # Linux reports KiB


def reset_peak() -> int:
    """Start ``task_peak_rss`` again from this process's present size (Linux: ``clear_refs``
    5), so that a long-lived worker reports each task's own peak, not its biggest task's
    (``peak_rss`` keeps the process's); where that is not possible it stays the process's.
    Returns the present size (bytes; 0 where it is not known)."""
    global _EARLIER
    _EARLIER = (os.getpid(), peak_rss())
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@dataclass(slots=True)
class RunTimes:
    """Gathered while an ingest runs (mutable: the driver adds to it as it goes)."""

    started: float = field(default_factory=time.perf_counter)
    driver: dict[str, float] = field(default_factory=dict)  # step -> wall seconds
    driver_peak: dict[str, int] = field(default_factory=dict)  # step -> peak RSS at its end
    driver_cpu: dict[str, float] = field(default_factory=dict)  # step -> CPU seconds
    facts: dict[str, int] = field(default_factory=dict)  # sizes worth knowing (see ``build``)
    worker_seconds: Counter[str] = field(default_factory=Counter)  # stage -> CPU seconds
    worker_records: Counter[str] = field(default_factory=Counter)  # stage -> records in
    worker_peak_rss: int = 0
    task_peak: dict[str, int] = field(default_factory=dict)  # kind of task -> its biggest peak
    task_growth: dict[str, int] = field(default_factory=dict)  # ... -> its biggest own growth
    units: int = 0
    units_reused: int = 0
    _mark: float = field(default_factory=time.perf_counter)
    _cpu_mark: float = field(default_factory=time.process_time)

    def lap(self, step: str) -> None:
        """Close driver step ``step``: the wall time since the previous lap is its time."""
        now = time.perf_counter()
        self.driver[step] = self.driver.get(step, 0.0) + (now - self._mark)
        self.driver_peak[step] = peak_rss()
        cpu = time.process_time()  # every thread of this process (Arrow's included)
        self.driver_cpu[step] = self.driver_cpu.get(step, 0.0) + (cpu - self._cpu_mark)
        self._mark, self._cpu_mark = now, cpu

    def add_task(self, kind: str, start: int, peak: int) -> None:
        """Account one task of ``kind`` (a distributed step's function): its worker's RSS
        when it started and its peak while it ran."""
        self.task_peak[kind] = max(self.task_peak.get(kind, 0), peak)
        if start:
            self.task_growth[kind] = max(self.task_growth.get(kind, 0), peak - start)
        self.worker_peak_rss = max(self.worker_peak_rss, peak)

    def add_unit(
        self, seconds: dict[str, float], records: dict[str, int], rss: int, reused: bool
    ) -> None:
        """Account one unit of per-record work."""
        self.worker_seconds.update(seconds)
        self.worker_records.update(records)
        self.worker_peak_rss = max(self.worker_peak_rss, rss)
        self.units += 1
        self.units_reused += reused


def build(
    times: RunTimes,
    *,
    version: str,
    executor: str,
    workers: int,
    counts: dict[str, int],
    stages: dict[str, dict[str, int]],
    read_seconds: float,
) -> dict[str, Any]:
    """The report as JSON-able data."""
    wall = time.perf_counter() - times.started
    per_record = {
        stage: {
            "records": times.worker_records[stage],
            "cpu_seconds": round(times.worker_seconds[stage], 3),
            "per_core_rate": _rate(times.worker_records[stage], times.worker_seconds[stage]),
        }
        for stage in WORKER_STAGES
    }
    driver = {step: round(times.driver.get(step, 0.0), 3) for step in DRIVER_STEPS}
    return {
        "version": version,
        "executor": executor,
        "workers": workers,
        "wall_seconds": round(wall, 3),
        "records_per_second": _rate(counts.get("read", 0), wall),
        "units": {"total": times.units, "reused": times.units_reused},
        "driver_seconds": driver,
        # the driver's own CPU per step: what it costs beside the workers on the same cores
        "driver_cpu_seconds": {
            step: round(times.driver_cpu[step], 3)
            for step in DRIVER_STEPS
            if step in times.driver_cpu
        },
        "read_seconds": round(read_seconds, 3),
        "per_record_stages": per_record,
        "peak_rss_bytes": {
            "driver": peak_rss(),
            "worker": times.worker_peak_rss,
            # where the driver's memory grew: its peak so far at the end of each step
            "driver_by_step": {
                s: times.driver_peak[s] for s in DRIVER_STEPS if s in times.driver_peak
            },
            # a distributed run's tasks, each kind's biggest peak, and its biggest growth over
            # what the worker held when the task started (what the task itself needs)
            "worker_by_task": dict(sorted(times.task_peak.items())),
            "task_growth_by_task": dict(sorted(times.task_growth.items())),
        },
        "counts": counts,
        "reasons": stages,
        "facts": dict(sorted(times.facts.items())),
        "notes": {
            "driver_seconds": "wall-clock steps of the main process: setup (finding and hashing "
            "inputs), survey (reading every input once for learned boilerplate), units (the "
            "per-record stages in workers, dedup pass one), dedup "
            "(planning), write (routing and Parquet writing), finish (index, manifest, card); "
            "read_seconds is the part of units spent inside the driver's readers (the files it "
            "reads itself: those that cannot be entered mid-way and fill several units; the "
            "workers read the others, per_record_stages.read)",
            "driver_cpu_seconds": "CPU seconds of the main process in each step (all its "
            "threads): with local workers on the same cores, what the driver takes from them",
            "facts": "dedup_linked: articles sharing a URL or band key with another (the only "
            "ones a distributed run plans); dedup_pairs: candidate pairs measured; "
            "dedup_components: connected components of the key graph; dedup_plan_jobs: the "
            "distributed plan's tasks (whole components each); dedup_plan_job_articles: "
            "articles and published rows in the biggest; produce_tasks: a distributed run's "
            "read tasks, produce_tasks_reused: of which an interrupted run had finished; "
            "spool_bytes: what the run kept on disk between its steps (its folder under "
            ".runs/ at the end, removed once the version is in place: the units, or a "
            "distributed run's task files) instead of holding it in memory",
            "per_record_stages": "CPU seconds summed over workers (units reused from an "
            "interrupted run count the time they took then)",
        },
    }


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else 0.0
