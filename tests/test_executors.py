"""The output does not depend on how the per-record stages were executed: local with one
worker or two write byte-identical versions; a Ray local cluster (a distributed ingest, whose
workers write their own shards) the same content (``tests.outputs.content``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from corpus import drive, pipeline, sources
from corpus.config import Config
from tests import outputs
from tests.test_crash import _write_corpus

WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def _ingest(mini: Path, run: Path, monkeypatch: pytest.MonkeyPatch, **how: object) -> Path:
    run.mkdir()
    monkeypatch.chdir(run)  # the same relative --out everywhere: the card names the path
    cfg = Config(dataset="mini", out=Path("processed"), batch_size=40, **how)  # type: ignore[arg-type]
    return run / pipeline.ingest([mini], cfg, created_at=WHEN).version_dir


def test_local_1_local_2_write_the_same_bytes_and_ray_the_same_content(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ray")
    _write_corpus(mini / "more.jsonl", 300)  # with mini's own files: 8 units of 40 records
    one = _ingest(mini, tmp_path / "local1", monkeypatch, workers=1)
    two = _ingest(mini, tmp_path / "local2", monkeypatch, workers=2)
    ray = _ingest(mini, tmp_path / "ray", monkeypatch, executor="ray", workers=2)
    assert outputs.digests(one) == outputs.digests(two)
    assert outputs.content(ray) == outputs.content(one)
    assert {"data/train-00000-of-00001.parquet", "manifest.json"} <= set(outputs.digests(one))
    report = json.loads((ray / "report.json").read_text())
    # a unit per batch of each input file: 300 generated records (8 batches of 40), mini's 3 files
    assert (report["executor"], report["units"]["total"]) == ("ray", 8 + 3)
    assert report["per_record_stages"]["validate"]["records"] == report["counts"]["read"]


def test_two_workers_survey_a_big_jsonl_file_in_slices_and_write_the_same_bytes(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers to share it, a big JSONL file is surveyed in slices (``drive.SURVEY_SLICE``,
    here a few KB): the version is byte for byte the one of one worker, which reads it whole."""
    _write_corpus(mini / "more.jsonl", 300)
    monkeypatch.setattr(drive, "SURVEY_SLICE", 4_000)
    pieces: list[int] = []
    cut = drive.Drive._survey_pieces

    def counted(self: drive.Drive) -> list[sources.Slice]:
        found = cut(self)
        pieces.append(len(found))
        return found

    monkeypatch.setattr(drive.Drive, "_survey_pieces", counted)
    one = _ingest(mini, tmp_path / "local1", monkeypatch, workers=1)
    two = _ingest(mini, tmp_path / "local2", monkeypatch, workers=2)
    assert pieces[0] == len(sources.discover([mini])[0]) < pieces[1]  # the big file in slices
    assert outputs.digests(one) == outputs.digests(two)
