"""Outputs on any fsspec file system: ``--out s3://...`` on a loopback ``moto`` server.

A version written to S3 holds the rows a local ``--out`` holds; an incremental ingest extends
it (its shards copied on the server, dedup against it); an upload cut short leaves nothing a
reader takes for a version, and the next run sweeps it; ``corpus validate`` reads a version by
its URL. The S3 server is the fixture of tests/test_sources_fsspec.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from corpus import pipeline, storage, versions
from corpus.config import Config
from corpus.manifest import MANIFEST
from tests import outputs
from tests.conftest import DATA
from tests.test_sources_fsspec import BUCKET, S3, WHEN, s3  # noqa: F401  (s3: the fixture)

OUT = f"s3://{BUCKET}/processed"
#: the rates article of wire.jsonl again, under another address: a duplicate of the parent's
COPY = (
    '{"title": "Central bank holds rates steady", "text": "The central bank kept its benchmark '
    "interest rate unchanged on Thursday, citing easing inflation and a stable currency, and "
    'said it would watch global markets closely.", "url": "https://copy.example.org/rates"}\n'
)


@pytest.fixture
def out(s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> S3:  # noqa: F811
    """The S3 server, reached through the environment, with nothing under ``processed/``
    (moto keeps its buckets in the process, from server to server); staging under tmp_path."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint)
    monkeypatch.setenv(storage.STAGING_ENV, str(tmp_path / "staging"))
    for key in _keys(s3, "processed/"):
        s3.client.delete_object(Bucket=BUCKET, Key=key)
    return s3


def _raw(base: Path, *names: str) -> Path:
    raw = base / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(DATA / "mini" / name, raw / name)
    return raw


def _ingest(raw: Path, where: str | Path) -> pipeline.IngestResult:
    cfg = Config(dataset="mini", workers=1)
    return pipeline.ingest([raw], cfg, created_at=WHEN, out=str(where))


def _keys(server: S3, prefix: str) -> list[str]:
    found = server.client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return sorted(o["Key"] for o in found)


def _download(url: str, target: Path) -> Path:
    fs, path = storage.Mirror.open(OUT, "mini").fs, url.removeprefix("s3://")
    fs.invalidate_cache()
    fs.get(path, str(target), recursive=True)
    return target


def _same(local: Path, remote: Path) -> None:
    """The same rows, counts, dedup index and learned statistics; shards byte for byte."""
    got, want = outputs.content(remote), outputs.content(local)
    for key in want:
        if key == "rows":
            for table in want[key]:
                a = [(r["id"], r.get("reason"), r.get("duplicate_of")) for r in got[key][table]]
                b = [(r["id"], r.get("reason"), r.get("duplicate_of")) for r in want[key][table]]
                assert (table, a) == (table, b)
        assert (key, got[key]) == (key, want[key])
    shards = {k: v for k, v in outputs.digests(local).items() if k.endswith(".parquet")}
    assert {k: v for k, v in outputs.digests(remote).items() if k in shards} == shards


def test_a_first_ingest_to_s3_writes_the_version_a_local_one_writes(
    out: S3, tmp_path: Path
) -> None:
    raw = _raw(tmp_path, "wire.jsonl", "gempa.txt", "portal.csv")
    local = _ingest(raw, tmp_path / "local")
    made = _ingest(raw, OUT)
    assert made.url == f"{OUT}/mini/v1.0.0" and made.created
    keys = _keys(out, "processed/mini/v1.0.0/")
    assert "processed/mini/v1.0.0/manifest.json" in keys
    remote = _download(made.url, tmp_path / "got")
    _same(local.version_dir, remote)
    # every file but the run report is the same, byte for byte (the card and manifest too)
    assert outputs.digests(remote) == outputs.digests(local.version_dir)
    # the staging folder keeps what the next ingest reads, not the shards
    assert not (made.version_dir / "data").exists() and (made.version_dir / MANIFEST).is_file()


def test_an_incremental_ingest_on_s3_copies_the_parent_shards_and_dedups_against_it(
    out: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _raw(tmp_path, "wire.jsonl", "gempa.txt")
    local_out = tmp_path / "local"
    _ingest(raw, local_out)
    _ingest(raw, OUT)
    _raw(tmp_path, "portal.csv")
    (raw / "copy.jsonl").write_text(COPY, encoding="utf-8")
    local = _ingest(raw, local_out)
    # the parent's shards are copied on the server, never read whole by this machine
    got: list[str] = []
    real_get = storage.Mirror._get

    def watched(self: storage.Mirror, path: str, target: Path) -> None:
        got.append(path)
        real_get(self, path, target)

    monkeypatch.setattr(storage.Mirror, "_get", watched)
    made = _ingest(raw, OUT)
    assert made.url == f"{OUT}/mini/v1.1.0" and made.totals == local.totals
    tables = ("/data/", "/duplicates/", "/rejects/")
    assert not [p for p in got if any(t in p for t in tables)]
    remote = _download(made.url, tmp_path / "got")
    _same(local.version_dir, remote)
    manifest = json.loads((remote / MANIFEST).read_text(encoding="utf-8"))
    carried = [s for s in manifest["shards"]["data"] if s.get("shared_from")]
    assert carried and all(s["link"] == "copy" for s in carried)
    duplicates = outputs.rows(remote)["duplicates"]
    assert any(r["url"] == "https://copy.example.org/rates" for r in duplicates)
    # nothing new: no version, the URL named
    again = _ingest(raw, OUT)
    assert not again.created and again.url == made.url


class _Cut(Exception):
    pass


def test_an_upload_cut_short_leaves_no_version_and_the_next_run_sweeps_it(
    out: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _raw(tmp_path, "wire.jsonl", "gempa.txt", "portal.csv")
    fs = storage.Mirror.open(OUT, "mini").fs  # the instance every later open finds again
    real_put = fs.put_file
    calls: list[str] = []

    def failing_put(lpath: str, rpath: str, **kwargs: Any) -> None:
        calls.append(rpath)
        if len(calls) == 3:
            raise _Cut("connection lost")
        real_put(lpath, rpath, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(fs, "put_file", failing_put)
        with pytest.raises(_Cut):
            _ingest(raw, OUT)
    assert len(calls) == 3
    left = _keys(out, "processed/mini/")
    assert left and not any(k.endswith(MANIFEST) for k in left)  # files, but no version
    mirror = storage.Mirror.open(OUT, "mini")
    assert mirror.versions() == []
    assert versions.list_versions(mirror.local) == []  # the staged copy went too
    # the run's finished units were kept for the next run
    assert any((mirror.local / ".runs").rglob("*.unit"))
    made = _ingest(raw, OUT)
    assert made.url == f"{OUT}/mini/v1.0.0" and made.units_reused == made.units > 0
    keys = _keys(out, "processed/mini/")
    assert keys and all(k.startswith("processed/mini/v1.0.0/") for k in keys)
    assert not any((mirror.local / ".runs").rglob("*.unit"))


def test_validate_checks_a_version_by_its_url(out: S3, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corpus.cli import app

    made = _ingest(_raw(tmp_path, "wire.jsonl", "gempa.txt"), OUT)
    assert made.url is not None
    assert storage.version_urls(OUT) == [made.url]
    assert storage.version_urls(f"{OUT}/mini") == [made.url]
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", made.url, "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["ok"] is True
    # a damaged shard on the server is found, and named by its URL
    key = f"processed/mini/v1.0.0/{_first_shard(out)}"
    out.client.put_object(Bucket=BUCKET, Key=key, Body=b"not parquet")
    bad = runner.invoke(app, ["validate", made.url, "--format", "json", "--skip-load"])
    assert bad.exit_code == 1
    findings = json.loads(bad.stdout)["errors"]
    assert findings and all(f["file"].startswith(made.url) for f in findings)
    assert any(f["file"] == f"{made.url}/{_first_shard(out)}" for f in findings)


def _first_shard(server: S3) -> str:
    keys = _keys(server, "processed/mini/v1.0.0/data/")
    return keys[0].removeprefix("processed/mini/v1.0.0/")
