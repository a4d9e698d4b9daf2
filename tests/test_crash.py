"""A kill -9 in the middle of an ingest leaves earlier versions intact; the next run succeeds."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from corpus import pipeline
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


def test_kill_9_at_several_points(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    v1 = pipeline.ingest([mini], Config(dataset="mini", out=out)).version_dir
    before = _snapshot(v1)
    _write_corpus(mini / "big.jsonl", 3000)
    command = [
        sys.executable,
        "-m",
        "corpus",
        "ingest",
        str(mini),
        "--out",
        str(out),
        "--dataset",
        "mini",
        "--workers",
        "1",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for delay in (0.3, 1.5, 3.0):
        proc = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not finished, (
            f"the ingest ended before the kill at {delay} s; make the corpus bigger"
        )
        assert [str(v) for v in list_versions(out / "mini")] == ["1.0.0"]
        assert not (out / "mini" / "v1.1.0").exists()
        assert _snapshot(v1) == before
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert [str(v) for v in list_versions(out / "mini")] == ["1.0.0", "1.1.0"]
    assert not [p for p in (out / "mini").iterdir() if p.name.startswith(".building-")]
    assert check_version(out / "mini" / "v1.1.0", load=False).ok
    assert _snapshot(v1) == before
