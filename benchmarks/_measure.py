"""Shared by the benchmarks: run `corpus ingest` in a fresh interpreter and measure it."""

from __future__ import annotations

import compileall
import contextlib
import functools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import corpus
import corpus.cli  # the command's process settings (Arrow's allocator) for in-process floors too

# The child reports its own peak RSS and its largest worker's (KiB), so the numbers are the
# ingest's, not the benchmark's. Its own peak is VmHWM, the high-water mark of its own memory
# map: ru_maxrss survives fork and exec on Linux, so a child of a big benchmark process (one
# that has read a version's rows) would report the parent's peak (seen: 906 MB for both runs).
_MEASURED = """
import json, os, resource, sys, traceback
from corpus.cli import app
code = 0
try:
    app(["ingest", *sys.argv[1:]], standalone_mode=False)
except BaseException:
    traceback.print_exc()
    code = 1
usage = {k: resource.getrusage(getattr(resource, "RUSAGE_" + k.upper())).ru_maxrss for k in ("self", "children")}
try:
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    usage["self"] = int(status.split()[0])
except (OSError, IndexError, ValueError):
    pass
sys.stderr.write(json.dumps(usage) + "\\n")
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)  # as the ``corpus`` command leaves (cli.run): no heap freed object by object
"""


@functools.cache
def compile_corpus() -> None:
    """Bytecode for the ``corpus`` package itself: it is installed editable, outside the
    site-packages that ``uv sync --compile-bytecode`` compiles, and where PYTHONDONTWRITEBYTECODE
    is set (containers, this sandbox) every ingest and worker would compile it again (~0.3 s
    per process), which a normal install does once, at its first run."""
    compileall.compile_dir(Path(corpus.__file__).parent, quiet=1)


def measured_ingest(args: list[str]) -> tuple[float, float, float]:
    """``corpus ingest ARGS``: (wall seconds, peak RSS of the main process, of its largest
    worker), RSS in MB."""
    compile_corpus()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *args], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    usage = json.loads(done.stderr.strip().splitlines()[-1])
    return seconds, usage["self"] / 1024, usage["children"] / 1024


@contextlib.contextmanager
def simulated_cluster(nodes: int) -> Iterator[str]:
    """A Ray cluster simulated on this machine (``ray.cluster_utils.Cluster``: a head without
    CPUs and ``nodes`` nodes of one CPU, as the issue's check has it), its address while open."""
    os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
    try:
        for _ in range(nodes):
            cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        yield cluster.address
    finally:
        cluster.shutdown()
