"""A distributed ingest whose driver died resumes: the rerun reuses every read task that finished
(its record in the run's folder, ``corpus.distributed.finished``) and writes the same files,
byte for byte, as an uninterrupted run (all but the run report); a damaged record, or one of
other inputs or settings, is run again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus import pipeline, runs, sources, storage
from corpus.config import Config
from corpus.distributed import finished, tasks
from tests import outputs
from tests.test_distributed import WHEN, write_corpus
from tests.test_distributed_fsspec import OUT, _only_versions
from tests.test_out_fsspec import _download, out  # noqa: F401  (out: the fixture)
from tests.test_sources_fsspec import S3, s3  # noqa: F401  (s3: the fixture)

FILES = 6  # read tasks: one per file


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """Input files copying each other (every dedup fate), and records that are rejected (in
    read task 1, ``00.jsonl``: among those the tests' interrupted runs finish)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    earlier: list[dict[str, str]] = []
    for n in range(FILES - 1):
        earlier += write_corpus(folder, f"{n}.jsonl", n + 1, earlier)
    bad = [{"title": "kosong", "text": ""}, {"title": 7, "text": "angka"}]
    lines = [json.dumps(r) for r in bad * 3 + earlier[:20]]
    (folder / "00.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder.resolve()


def _cfg(where: Path | str, **how: object) -> Config:
    return Config(
        dataset="news",
        out=Path(str(where)),
        batch_size=25,
        distributed=True,
        workers=1,  # tasks inline, in this process: the spy sees every one
        **how,  # type: ignore[arg-type]
    )


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The read tasks run in this process, in order (one worker: tasks run inline)."""
    seen: list[int] = []
    real = tasks.produce

    def spy(work: tasks.Work, job: tuple[int, sources.Slice]) -> tasks.Produced:
        seen.append(job[0])
        return real(work, job)

    monkeypatch.setattr(tasks, "produce", spy)
    yield seen


def _interrupted(raw: Path, cfg: Config, after: int, **where: Any) -> None:
    """A run whose driver dies (a Ctrl-C, here) in its read task ``after`` (the tasks before
    it finished), or in the step after the read tasks (``after`` >= their number)."""
    calls = 0
    real = tasks.produce

    def dying(work: tasks.Work, job: tuple[int, sources.Slice]) -> tasks.Produced:
        nonlocal calls
        calls += 1
        if calls > after:
            raise KeyboardInterrupt
        return real(work, job)

    def linking(work: tasks.Work, job: tasks.LinkJob) -> int:
        raise KeyboardInterrupt

    with pytest.MonkeyPatch.context() as m:
        m.setattr(tasks, "produce", dying)
        m.setattr(tasks, "linked", linking)
        with pytest.raises(KeyboardInterrupt):
            pipeline.ingest([raw], cfg, created_at=WHEN, **where)


def _records(dataset: Path) -> list[Path]:
    return sorted((dataset / runs.RUNS).glob("*/units/produced-*.done"))


def _report(version: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((version / "report.json").read_text(encoding="utf-8"))
    return report


def test_a_rerun_reuses_the_finished_tasks_and_runs_only_the_others(
    raw: Path, tmp_path: Path, ran: list[int]
) -> None:
    whole = pipeline.ingest([raw], _cfg(tmp_path / "whole"), created_at=WHEN)
    assert ran == list(range(FILES)) and whole.counts["rejected"] >= 6  # in task 1
    cfg = _cfg(tmp_path / "resumed")
    _interrupted(raw, cfg, after=3)
    assert len(_records(tmp_path / "resumed" / "news")) == 3
    ran.clear()
    resumed = pipeline.ingest([raw], cfg, created_at=WHEN)
    assert ran == [3, 4, 5]  # tasks 0-2 finished before the driver died: not run again
    assert outputs.digests(resumed.version_dir) == outputs.digests(whole.version_dir)
    assert resumed.counts == whole.counts
    c = resumed.counts
    assert c["read"] == c["accepted"] + c["duplicates"] + c["rejected"]
    facts = _report(resumed.version_dir)["facts"]
    assert (facts["produce_tasks"], facts["produce_tasks_reused"]) == (FILES, 3)
    assert 0 < resumed.units_reused < resumed.units  # the reused tasks' batches
    assert not (tmp_path / "resumed" / "news" / runs.RUNS).exists()


def test_damaged_or_incomplete_records_are_run_again(
    raw: Path, tmp_path: Path, ran: list[int]
) -> None:
    whole = pipeline.ingest([raw], _cfg(tmp_path / "whole"), created_at=WHEN)
    cfg = _cfg(tmp_path / "resumed")
    _interrupted(raw, cfg, after=FILES)  # every read task finished; the driver died after
    records = _records(tmp_path / "resumed" / "news")
    assert len(records) == FILES
    units = records[0].parent
    records[0].write_bytes(records[0].read_bytes()[:50])  # cut short
    records[2].write_bytes(b"")  # what a power loss may leave after a rename
    records[3].write_bytes(runs.pack(b"not a pickle"))  # intact, but no record
    (units / "articles-000004.parquet").unlink()  # a file the record names is gone
    prints = units / "fingerprints-000005.parquet"
    prints.write_bytes(prints.read_bytes() + b"x")  # not the size it had
    (units / "produced-000009.done").write_bytes(b"a record of no task of this run")
    assert list((units / "produce-000001").rglob("*.parquet"))  # 00.jsonl's rejects
    ran.clear()
    resumed = pipeline.ingest([raw], cfg, created_at=WHEN)
    assert ran == [0, 2, 3, 4, 5]  # task 1 reused, its rejects too
    assert outputs.digests(resumed.version_dir) == outputs.digests(whole.version_dir)
    assert _report(resumed.version_dir)["facts"]["produce_tasks_reused"] == 1


def test_other_inputs_or_settings_reuse_nothing(raw: Path, tmp_path: Path, ran: list[int]) -> None:
    folder = tmp_path / "out"
    _interrupted(raw, _cfg(folder), after=FILES)
    with (raw / "1.jsonl").open("a", encoding="utf-8") as fh:  # an input changed
        fh.write(json.dumps({"title": "Baru", "text": "Berita baru hari ini."}) + "\n")
    ran.clear()
    changed = pipeline.ingest([raw], _cfg(folder), created_at=WHEN)
    assert ran == list(range(FILES))
    assert _report(changed.version_dir)["facts"]["produce_tasks_reused"] == 0
    reference = pipeline.ingest([raw], _cfg(tmp_path / "reference"), created_at=WHEN)
    assert outputs.digests(changed.version_dir) == outputs.digests(reference.version_dir)
    # another setting that changes rows: another run key
    other = tmp_path / "other"
    _interrupted(raw, _cfg(other), after=FILES)
    ran.clear()
    pipeline.ingest([raw], _cfg(other, max_text_chars=500_000), created_at=WHEN)
    assert ran == list(range(FILES))


def test_a_record_is_reused_only_for_its_own_slice_survey_and_files(tmp_path: Path) -> None:
    raw = tmp_path / "a.jsonl"
    raw.write_text('{"text": "x"}\n', encoding="utf-8")
    piece = sources.Slice(sources.InputFile(str(raw), "a.jsonl", "jsonl", False, 14))
    record = finished.Record(0, finished.identity(piece), "survey", (("articles", 10),), None)
    assert finished.usable(record, [piece], "survey", {"articles": 10})
    assert not finished.usable(record, [piece], "another survey", {"articles": 10})
    assert not finished.usable(record, [piece], "survey", {"articles": 11})
    assert not finished.usable(record, [piece], "survey", {})
    later = sources.Slice(piece.file, start=5)
    assert not finished.usable(record, [later], "survey", {"articles": 10})
    assert not finished.usable(record, [], "survey", {"articles": 10})
    # the same content in any order, in any process: sets and mappings are sorted
    assert finished.digest({"b": frozenset("xy"), "a": 1}) == finished.digest(
        {"a": 1, "b": frozenset("yx")}
    )


def _command(raw: Path, *flags: str) -> list[str]:
    return [
        sys.executable, "-m", "corpus", "ingest", str(raw), "--out", "processed",
        "--dataset", "news", "--distributed", "--workers", "2", "--batch-size", "25", *flags,
    ]  # fmt: skip


def _env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONUNBUFFERED": "1"}


def _kill_after(raw: Path, cwd: Path, records: int, *flags: str) -> int:
    """Start a distributed ingest, kill -9 its driver once ``records`` read tasks have left
    their record; the records it left."""
    dataset = cwd / "processed" / "news"
    proc = subprocess.Popen(
        _command(raw, *flags),
        cwd=cwd,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 180  # a Ray instance starts first
    try:
        while len(_records(dataset)) < records and proc.poll() is None:
            assert time.monotonic() < deadline, "no read task finished in three minutes"
            time.sleep(0.005)
        ended = proc.poll() is not None
    finally:  # never left running, whatever fails here
        proc.send_signal(signal.SIGKILL)
        _, stderr = proc.communicate()
    assert not ended, f"the ingest ended before {records} tasks were done: {stderr.decode()}"
    assert not (dataset / "v1.0.0").exists()
    return _settled(lambda: len(_records(dataset)))


def _settled(count: Callable[[], int]) -> int:
    """A count once it has not changed for a second: a Ray driver's tasks run in the workers
    of its Ray instance, which die a moment after it, and one may leave its record then."""
    deadline = time.monotonic() + 60
    seen = count()
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = count()
        if now == seen:
            return now
        seen = now
    raise AssertionError("the task records kept changing for a minute after the kill")


def test_kill_9_of_the_driver_then_rerun_matches_an_uninterrupted_run(
    raw: Path, tmp_path: Path
) -> None:
    reference, resumed = tmp_path / "reference", tmp_path / "resumed"
    for cwd in (reference, resumed):
        cwd.mkdir()
    done = subprocess.run(_command(raw), cwd=reference, env=_env(), capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    left = _kill_after(raw, resumed, 2)
    assert 2 <= left <= FILES
    done = subprocess.run(_command(raw), cwd=resumed, env=_env(), capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert "resumed: " in done.stdout.decode()
    version = resumed / "processed" / "news" / "v1.0.0"
    assert outputs.digests(version) == outputs.digests(reference / "processed" / "news" / "v1.0.0")
    facts = _report(version)["facts"]
    assert (facts["produce_tasks"], facts["produce_tasks_reused"]) == (FILES, left)
    assert not (resumed / "processed" / "news" / runs.RUNS).exists()


def test_a_ray_run_killed_then_rerun_on_ray_matches_an_uninterrupted_local_run(
    raw: Path, tmp_path: Path
) -> None:
    """The run's records do not depend on the executor: a Ray run's driver killed -9 (its
    local Ray instance dies with it), the rerun on a new Ray instance reuses the read tasks
    that finished and writes what an uninterrupted run on local processes writes."""
    pytest.importorskip("ray")
    reference, resumed = tmp_path / "reference", tmp_path / "resumed"
    for cwd in (reference, resumed):
        cwd.mkdir()
    done = subprocess.run(_command(raw), cwd=reference, env=_env(), capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    ray = ("--executor", "ray")
    left = _kill_after(raw, resumed, 2, *ray)
    assert 2 <= left <= FILES
    done = subprocess.run(_command(raw, *ray), cwd=resumed, env=_env(), capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    version = resumed / "processed" / "news" / "v1.0.0"
    assert outputs.digests(version) == outputs.digests(reference / "processed" / "news" / "v1.0.0")
    report = _report(version)
    assert report["executor"] == "ray"
    assert (report["facts"]["produce_tasks"], report["facts"]["produce_tasks_reused"]) == (
        FILES,
        left,
    )


def test_a_run_to_s3_resumes_from_another_machine(
    out: S3,  # noqa: F811
    raw: Path,
    tmp_path: Path,
    ran: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local = pipeline.ingest([raw], _cfg(tmp_path / "local"), created_at=WHEN)
    cfg = Config(dataset="news", batch_size=25, distributed=True, workers=1)
    _interrupted(raw, cfg, after=4, out=OUT)
    ran.clear()
    # the records are on the URL beside the task files: a driver on another machine (another
    # staging folder) finds them
    monkeypatch.setenv(storage.STAGING_ENV, str(tmp_path / "elsewhere"))
    made = pipeline.ingest([raw], cfg, created_at=WHEN, out=OUT)
    assert ran == [4, 5]
    assert made.url is not None
    remote = _download(made.url, tmp_path / "got")
    assert outputs.digests(remote) == outputs.digests(local.version_dir)
    assert _report(made.version_dir)["facts"]["produce_tasks_reused"] == 4
    _only_versions(out)  # the task files and records are gone from the URL
