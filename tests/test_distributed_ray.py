"""A distributed ingest on a Ray cluster of several nodes (simulated on this machine) gives the
embedded result, even when a node is lost in the middle of the run: its tasks run again
elsewhere (Ray retries them; each writes its files whole, under names of its own)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import pipeline
from corpus.config import Config
from tests import outputs
from tests.test_distributed import WHEN, write_corpus

ray = pytest.importorskip("ray")
cluster_utils = pytest.importorskip("ray.cluster_utils")

# Four Ray nodes (a head and three workers) on this 2-core machine: ~30 s when nothing else
# runs, minutes under other load; CORPUS_RAY_CLUSTER_TESTS=0 skips it.
pytestmark = pytest.mark.skipif(
    os.environ.get("CORPUS_RAY_CLUSTER_TESTS") == "0",
    reason="CORPUS_RAY_CLUSTER_TESTS=0: no simulated multi-node Ray cluster",
)


@pytest.fixture
def cluster() -> Iterator[object]:
    """A head without CPUs and three one-CPU nodes on this machine; stopped afterwards."""
    os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    if ray.is_initialized():  # pragma: no cover - a cluster left by another test
        ray.shutdown()
    made = cluster_utils.Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
    for _ in range(3):
        made.add_node(num_cpus=1)
    made.wait_for_nodes(timeout=300)  # slow to start on 2 cores under load
    try:
        yield made
    finally:
        ray.shutdown()
        made.shutdown()


def _raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    earlier: list[dict[str, str]] = []
    for k in range(6):
        earlier += write_corpus(raw, f"part-{k}.jsonl", k + 1, earlier[-60:])
    return raw


def _kill_a_node_once_work_is_written(cluster: object, out: Path, done: threading.Event) -> None:
    """Remove a worker node as soon as the first read task's articles are on disk."""
    while not done.is_set():
        if any(out.glob("*/.runs/*/units/articles-*.parquet")):
            node = cluster.worker_nodes and sorted(cluster.worker_nodes, key=id)[0]  # type: ignore[attr-defined]
            cluster.remove_node(node)  # type: ignore[attr-defined]
            return
        time.sleep(0.05)


def test_a_node_lost_mid_run_changes_nothing(cluster: object, tmp_path: Path) -> None:
    raw = _raw(tmp_path)
    expected = outputs.content(
        pipeline.ingest(
            [raw], Config(dataset="news", out=tmp_path / "local", workers=1), created_at=WHEN
        ).version_dir
    )
    out = tmp_path / "ray"
    done = threading.Event()
    killer = threading.Thread(target=_kill_a_node_once_work_is_written, args=(cluster, out, done))
    killer.start()
    try:
        cfg = Config(dataset="news", out=out, executor="ray", address=cluster.address)  # type: ignore[attr-defined]
        version = pipeline.ingest([raw], cfg, created_at=WHEN).version_dir
    finally:
        done.set()
        killer.join()
    assert len(cluster.worker_nodes) == 2  # type: ignore[attr-defined]  # one was lost
    assert outputs.content(version) == expected
