"""A kill -9 in the middle of an ingest leaves earlier versions intact; the next run succeeds."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpus import pipeline, units
from corpus.audit import check_version
from corpus.config import Config
from corpus.versions import list_versions

WORDS = [
    "pemerintah",
    "daerah",
    "warga",
    "kota",
    "jalan",
    "banjir",
    "harga",
    "beras",
    "pasar",
    "petani",
    "sekolah",
    "guru",
    "rumah",
    "sakit",
    "dokter",
    "polisi",
    "kantor",
    "desa",
    "kabupaten",
    "provinsi",
    "menteri",
    "presiden",
    "rapat",
    "anggaran",
    "proyek",
    "jembatan",
    "listrik",
    "air",
    "bersih",
    "nelayan",
    "pelabuhan",
    "kapal",
    "bandara",
    "penerbangan",
    "mahasiswa",
    "kampus",
    "ujian",
]


def _write_corpus(path: Path, n: int) -> None:
    rnd = random.Random(7)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            body = " ".join(rnd.choice(WORDS) for _ in range(120)) + f". Nomor {i}."
            fh.write(json.dumps({"judul": f"Berita {i}", "isi": body}) + "\n")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


#: Records per unit in the killed runs: 3,000 records make ~20 units, points to kill between.
_BATCH = 200


def _units_written(dataset: Path) -> int:
    return sum(1 for _ in dataset.glob(".runs/*/units/*.unit"))


def _kill_when(command: list[str], env: dict[str, str], ready: Callable[[float], bool]) -> None:
    """Run ``command`` and kill -9 it once ``ready(seconds since its start)`` holds: points in
    the run's progress (what it has written), not in wall time, which a fast machine outruns."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)

        def said() -> str:  # what the ingest wrote to stderr, for a failing assertion
            errors.seek(0)
            return errors.read().decode(errors="replace")[-3000:]

        start = time.monotonic()
        try:
            while not ready(time.monotonic() - start):
                assert proc.poll() is None, f"the ingest ended before its kill point: {said()}"
                assert time.monotonic() - start < 300, "no kill point in five minutes"
                time.sleep(0.002)
            assert proc.poll() is None, f"the ingest ended before its kill point: {said()}"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


def test_kill_9_at_several_points(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    v1 = pipeline.ingest([mini], Config(dataset="mini", out=out)).version_dir
    before = _snapshot(v1)
    _write_corpus(mini / "big.jsonl", 3000)
    dataset = out / "mini"
    command = [sys.executable, "-m", "corpus", "ingest", str(mini), "--out", str(out)]
    command += ["--dataset", "mini", "--workers", "1", "--batch-size", str(_BATCH)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    every = len(units.layout(3000, _BATCH))  # the run's units (only big.jsonl is new)
    points = {
        "starting": lambda seconds: seconds >= 0.3,
        "among the units": lambda seconds: _units_written(dataset) >= 3,
        "past the units (dedup, writing)": lambda seconds: _units_written(dataset) >= every,
    }
    for point, ready in points.items():
        _kill_when(command, env, ready)
        assert [str(v) for v in list_versions(dataset)] == ["1.0.0"], point
        assert not (dataset / "v1.1.0").exists(), point
        assert _snapshot(v1) == before, point
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert [str(v) for v in list_versions(out / "mini")] == ["1.0.0", "1.1.0"]
    assert not [p for p in (out / "mini").iterdir() if p.name.startswith(".building-")]
    assert check_version(out / "mini" / "v1.1.0", load=False).ok
    assert _snapshot(v1) == before
