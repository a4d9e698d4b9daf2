"""An ingest killed with kill -9 resumes from its finished work units and writes exactly what an
uninterrupted run writes."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from corpus import langid, pipeline, runs, units
from corpus import report as report_module
from corpus.config import Config
from corpus.errors import VersionError
from tests import outputs
from tests.test_crash import _write_corpus

RECORDS = 3000
BATCH = 100
UNITS = len(units.layout(RECORDS, BATCH))  # 31: the last batch's worth cut in two halves
WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def _command(raw: Path) -> list[str]:
    # The same relative --out in two folders: the card names the version's path.
    return [
        sys.executable,
        "-m",
        "corpus",
        "ingest",
        str(raw),
        "--out",
        "processed",
        "--dataset",
        "big",
        "--workers",
        "1",
        "--batch-size",
        str(BATCH),
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONUNBUFFERED": "1"}


def _units_done(out: Path) -> int:
    return len(list((out / "big" / runs.RUNS).glob("*/units/*.unit")))


def _kill_after(command: list[str], cwd: Path, units: int) -> int:
    """Start the ingest, kill -9 it once ``units`` units are recorded; the units it left."""
    out = cwd / "processed"
    proc = subprocess.Popen(
        command, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 300
    while _units_done(out) < units and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    finished = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    _, stderr = proc.communicate()
    assert not finished, f"the ingest ended before {units} units were done: {stderr.decode()}"
    assert not (out / "big" / "v1.0.0").exists()
    return _units_done(out)


def test_kill_9_then_rerun_resumes_and_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _write_corpus(raw / "big.jsonl", RECORDS)
    raw = raw.resolve()
    command = _command(raw)
    reference, resumed = tmp_path / "reference", tmp_path / "resumed"
    for cwd in (reference, resumed):
        cwd.mkdir()
    done = subprocess.run(command, cwd=reference, env=_env(), capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()

    left = [_kill_after(command, resumed, n) for n in (2, UNITS // 2, UNITS)]
    assert left[0] >= 2 and left[1] >= UNITS // 2 and left[2] == UNITS
    assert left == sorted(left)  # each rerun kept what the one before it finished

    done = subprocess.run(command, cwd=resumed, env=_env(), capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    assert f"resumed: {UNITS} of {UNITS} work units" in done.stdout.decode()
    out = resumed / "processed"
    version = out / "big" / "v1.0.0"
    assert outputs.digests(version) == outputs.digests(reference / "processed" / "big" / "v1.0.0")
    report = json.loads((version / "report.json").read_text())
    assert report["units"] == {"total": UNITS, "reused": UNITS}
    assert not (out / "big" / runs.RUNS).exists()  # the units go once the version is in place


#: A process that opens a run log, saves a unit, says so, then waits to be killed.
_HOLDER = (
    "import sys, time; from pathlib import Path; from corpus import runs; "
    "log = runs.RunLog.open(Path(sys.argv[1]), sys.argv[2]); "
    "log.save(0, runs.pack(b'unit of another process')); print('open', flush=True); time.sleep(120)"
)


def _holder(dataset: Path, key: str) -> subprocess.Popen[str]:
    """A live process running ``key`` on ``dataset`` (its lock held, unit 0 saved)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(dataset), key], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    with proc.stdout:
        assert proc.stdout.readline() == "open\n"
    return proc


def _left_by_a_killed_process(dataset: Path, key: str) -> Path:
    """The folder a run of ``key`` leaves when kill -9 stops it (its lock file stays behind)."""
    proc = _holder(dataset, key)
    proc.kill()
    proc.wait()
    folder = dataset / runs.RUNS / key
    assert (folder / "lock").is_file()
    return folder


def test_a_changed_setting_starts_over(mini: Path, tmp_path: Path) -> None:
    stale = _left_by_a_killed_process(tmp_path / "mini", "an-older-run")
    result = pipeline.ingest([mini], Config(dataset="mini", out=tmp_path))
    assert not stale.exists()
    report = json.loads((result.version_dir / "report.json").read_text())
    assert report["units"]["reused"] == 0
    assert report["counts"] == result.counts


def test_the_report_accounts_for_every_stage(mini: Path, tmp_path: Path) -> None:
    result = pipeline.ingest([mini], Config(dataset="mini", out=tmp_path, workers=1))
    report = json.loads((result.version_dir / "report.json").read_text())
    stages = {"read", "validate", "structure", "langid", "fingerprints"}
    assert set(report["per_record_stages"]) == stages
    assert report["per_record_stages"]["read"]["records"] == result.counts["read"]
    # the worker timed its reading (rounded to ms: a few records can read in under one)
    assert report["per_record_stages"]["read"]["cpu_seconds"] >= 0
    assert report["per_record_stages"]["validate"]["records"] == result.counts["read"]
    assert report["reasons"]["dedup"]["unique"] == result.counts["accepted"]
    assert set(report["driver_seconds"]) == {"setup", "survey", "units", "dedup", "write", "finish"}
    cpu = report["driver_cpu_seconds"]
    assert set(cpu) == set(report["driver_seconds"]) and cpu["units"] > 0  # workers=1: here
    assert sum(cpu.values()) <= report["wall_seconds"] * 4  # CPU of this process's threads
    assert report["peak_rss_bytes"]["driver"] > 10_000_000
    assert report["peak_rss_bytes"]["worker"] > 10_000_000  # workers=1: this process


def _interrupted(mini: Path, cfg: Config, monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    """An ingest that dies in its unit ``after`` (the units before it are saved)."""
    real, calls = langid.run, []

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) > after:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as m:
        m.setattr(langid, "run", failing)
        with pytest.raises(RuntimeError, match="power cut"):
            pipeline.ingest([mini], cfg, created_at=WHEN)


def test_damaged_units_are_computed_again(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_corpus(mini / "more.jsonl", 200)
    runs_dir: dict[str, Path] = {}
    for name in ("whole", "resumed"):
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        cfg = Config(dataset="mini", out=Path("processed"), workers=1, batch_size=25)
        if name == "resumed":
            _interrupted(mini, cfg, monkeypatch, after=6)
            units = sorted(Path("processed/mini/.runs").glob("*/units/*.unit"))
            assert len(units) == 6
            units[1].write_bytes(units[1].read_bytes()[:100])  # cut short
            units[3].write_bytes(b"")  # what a power loss may leave after a rename
            (units[0].parent / "12.unit").write_bytes(b"not a unit name")  # ignored
        result = pipeline.ingest([mini], cfg, created_at=WHEN)
        runs_dir[name] = tmp_path / name / result.version_dir
    assert outputs.digests(runs_dir["whole"]) == outputs.digests(runs_dir["resumed"])
    report = json.loads((runs_dir["resumed"] / "report.json").read_text())
    assert report["units"]["reused"] == 4  # 6 saved, 2 damaged and computed again


def test_the_same_run_twice_at_once_is_refused(mini: Path, tmp_path: Path) -> None:
    key = "same-command"
    other = _holder(tmp_path / "mini", key)
    try:
        with pytest.raises(VersionError, match="another ingest is running this same command"):
            runs.RunLog.open(tmp_path / "mini", key)
        runs.sweep(tmp_path / "mini")  # a live run is not swept either
        assert (tmp_path / "mini" / runs.RUNS / key / "units" / "0000000.unit").is_file()
    finally:
        other.kill()  # kill -9: the lock goes with the process, its file stays
        other.wait()
    resumed = runs.RunLog.open(tmp_path / "mini", key)
    assert resumed.finished() == {0}  # owner gone: resume what it saved
    resumed.close()
    assert not (tmp_path / "mini" / runs.RUNS).exists()


def test_a_failed_ingest_in_this_process_does_not_lock_out_the_next(tmp_path: Path) -> None:
    first = runs.RunLog.open(tmp_path / "mini", "key")  # never closed, as after an exception
    again = runs.RunLog.open(tmp_path / "mini", "key")
    assert again.folder == first.folder
    runs.RunLog.open(tmp_path / "mini", "another key")  # sweeps this process's own old run
    assert not first.folder.exists()


def test_the_key_covers_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = set()
    for digest in ("code before a fix", "code after it"):
        monkeypatch.setattr(runs, "code_digest", lambda digest=digest: digest)
        keys.add(runs.run_key(config="same", inputs=[["a.jsonl", "0" * 64]]))
    assert len(keys) == 2


def test_nothing_new_sweeps_what_a_killed_run_left(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path)
    pipeline.ingest([mini], cfg, created_at=WHEN)
    _left_by_a_killed_process(tmp_path / "mini", "killed-while-closing")
    assert not pipeline.ingest([mini], cfg, created_at=WHEN).created
    assert not (tmp_path / "mini" / runs.RUNS).exists()


def test_tasks_run_in_the_drivers_process_keep_its_peak(mini: Path, tmp_path: Path) -> None:
    """A distributed run with one worker runs its tasks here: each task starts its own peak
    again (``report.reset_peak``), and the driver's peak so far must survive that."""
    ballast = b"\x01" * (200 * 2**20)  # this process's peak: >= 200 MB more than it holds later
    peak = report_module.peak_rss()
    del ballast
    cfg = Config(dataset="mini", out=tmp_path, workers=1, distributed=True)
    result = pipeline.ingest([mini], cfg)
    memory = json.loads((result.version_dir / "report.json").read_text())["peak_rss_bytes"]
    slack = 2**20  # the kernel counts RSS in per-thread batches: its figures move by pages
    by_step = [memory["driver_by_step"][step] for step in report_module.DRIVER_STEPS]
    assert all(b >= a - slack for a, b in itertools.pairwise(by_step))  # never goes down
    assert by_step[0] >= peak - slack  # the ballast's peak, from before any task reset it
    assert set(memory["worker_by_task"]) >= {"produce", "route"}
