"""A distributed ingest with its output (and its input) on an fsspec URL: S3 on a loopback
``moto`` server (the fixture of tests/test_sources_fsspec.py).

A cluster has no shared disk, so the tasks' files (units, fingerprints, forests, fates, shard
parts, index and learned parts) live on the URL beside the dataset, the version's files are
copied there on the server and the driver writes the manifest last. "The same result" is that
of tests/test_distributed.py (``tests.outputs.content``: rows in order, fates, counts, dedup
index, learned statistics); against a local distributed run of the same input, every file of
the version but the run report is the same, byte for byte (the same tasks cut the same shards).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus import pipeline, storage
from corpus.config import Config
from corpus.distributed import tasks
from corpus.manifest import MANIFEST
from tests import outputs
from tests.test_distributed import write_corpus
from tests.test_out_fsspec import _download, _keys, out  # noqa: F401  (out: the fixture)
from tests.test_sources_fsspec import BUCKET, S3, WHEN, s3  # noqa: F401  (s3: the fixture)

OUT = f"s3://{BUCKET}/processed"


def _ingest(
    raw: Path | str, where: Path | str, options: dict[str, Any] | None = None, **how: object
) -> pipeline.IngestResult:
    cfg = Config(dataset="news", batch_size=25, **how)  # type: ignore[arg-type]
    return pipeline.ingest([raw], cfg, created_at=WHEN, out=str(where), storage_options=options)


@pytest.fixture
def raws(tmp_path: Path) -> tuple[Path, Path]:
    """A first raw folder (three files copying each other) and a second with one more file."""
    first, second = tmp_path / "raw1", tmp_path / "raw2"
    first.mkdir()
    second.mkdir()
    a = write_corpus(first, "a.jsonl", 1, [])
    b = write_corpus(first, "b.jsonl", 2, a)
    write_corpus(first, "c.jsonl", 3, a + b)
    for f in first.iterdir():
        (second / f.name).write_bytes(f.read_bytes())
    write_corpus(second, "d.jsonl", 4, a + b)
    return first, second


def _only_versions(server: S3) -> list[str]:
    """The keys under the dataset on the server: none but the versions' (no task files)."""
    keys = _keys(server, "processed/news/")
    assert keys and all(k.split("/")[2].startswith("v") for k in keys), keys
    return keys


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every key file a linking task reads (in this process: one worker runs tasks inline)."""
    read: list[str] = []
    real = tasks.read_keys

    def reading(path: storage.Place, part: int, parts: int) -> Any:
        read.append(f"{path} {part}/{parts}")
        return real(path, part, parts)

    monkeypatch.setattr(tasks, "read_keys", reading)
    yield read


def test_a_distributed_run_to_s3_gives_the_local_and_the_embedded_result(
    out: S3,  # noqa: F811
    raws: tuple[Path, Path],
    tmp_path: Path,
    watched: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = raws
    embedded = _ingest(first, tmp_path / "embedded", workers=1)
    local = _ingest(first, tmp_path / "local", workers=2, distributed=True)
    made = _ingest(first, OUT, workers=2, distributed=True)
    assert made.url == f"{OUT}/news/v1.0.0" and made.created
    remote = _download(made.url, tmp_path / "got")
    assert outputs.content(remote) == outputs.content(embedded.version_dir)
    assert outputs.digests(remote) == outputs.digests(local.version_dir)
    assert outputs.content(remote)["counts"]["duplicates"] > 40
    # the tasks' files are gone from the URL; the staging folder holds no shard
    _only_versions(out)
    assert not (made.version_dir / "data").exists() and (made.version_dir / MANIFEST).is_file()

    # incremental, on top of the version on the URL: its index read there, by partition
    fetched: list[str] = []
    real_get = storage.Mirror._get

    def getting(self: storage.Mirror, path: str, target: Path) -> None:
        fetched.append(path)
        real_get(self, path, target)

    monkeypatch.setattr(storage.Mirror, "_get", getting)
    written: list[str] = []  # every file the tasks write (one worker: in this process)
    for name in ("write_bytes", "write_parquet", "written"):
        real = getattr(storage.Place, name)

        def writing(self: storage.Place, *args: Any, _real: Any = real, **kw: Any) -> Any:
            written.append(str(self))
            return _real(self, *args, **kw)

        monkeypatch.setattr(storage.Place, name, writing)
    embedded2 = _ingest(second, tmp_path / "embedded", workers=1)
    made2 = _ingest(second, OUT, workers=1, distributed=True)
    assert made2.url == f"{OUT}/news/v1.1.0" and made2.totals == embedded2.totals
    remote2 = _download(made2.url, tmp_path / "got2")
    assert outputs.content(remote2) == outputs.content(embedded2.version_dir)
    assert outputs.content(remote2)["ingest_counts"]["duplicates"] > 10
    # units, fingerprints, forests, plan jobs, fates, shards, index and learned parts
    names = {w.rsplit("/", 1)[-1].split("-")[0] for w in written}
    want = {"articles", "fingerprints", "forest", "plan", "fates", "produce", "route", "dedup"}
    assert want | {"learned"} <= names
    assert all(w.startswith(f"{OUT}/news/.") for w in written), written
    published = [r for r in watched if "/v1.0.0/dedup/keys-" in r]
    assert published and all(r.startswith(f"{OUT}/news/v1.0.0/dedup/") for r in published)
    assert {r.split()[-1] for r in published} == {"0/1"}  # one worker, one partition here
    # the parent's shards were copied on the server, never fetched
    assert not [p for p in fetched if "/data/" in p or "/duplicates/" in p]
    manifest = json.loads((remote2 / MANIFEST).read_text(encoding="utf-8"))
    carried = [s for s in manifest["shards"]["data"] if s.get("shared_from")]
    assert carried and all(s["link"] == "copy" for s in carried)
    _only_versions(out)


def test_inputs_and_output_on_s3_read_in_slices_give_the_local_result(
    out: S3,  # noqa: F811
    raws: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from corpus.distributed import driver

    first, _ = raws
    # a prefix of its own: moto keeps other tests' objects in the bucket (the server's state
    # lives in the process)
    url = out.upload(first, "raw-distributed")
    local = _ingest(first, tmp_path / "local", workers=1, distributed=True)
    monkeypatch.setattr(driver, "SLICE_BYTES", 20_000)  # ~70 KB files: byte ranges by URL
    made = _ingest(url, OUT, out.options(), workers=2, distributed=True)
    assert made.url is not None
    remote = _download(made.url, tmp_path / "got")
    assert outputs.content(remote) == outputs.content(local.version_dir)
    inputs = json.loads((remote / MANIFEST).read_text(encoding="utf-8"))["inputs"]
    assert [i["path"] for i in inputs] == ["a.jsonl", "b.jsonl", "c.jsonl"]
    _only_versions(out)


def test_the_cli_takes_distributed_with_an_s3_output(
    out: S3,  # noqa: F811
    raws: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from corpus.cli import app

    first, _ = raws
    monkeypatch.chdir(tmp_path)
    args = ["ingest", str(first), "--dataset", "news", "--out", OUT, "--workers", "1"]
    done = CliRunner().invoke(app, [*args, "--distributed"])
    assert done.exit_code == 0, done.output
    assert f"{OUT}/news/v1.0.0" in done.output
    assert "processed/news/v1.0.0/manifest.json" in _only_versions(out)


def test_a_ray_run_to_s3_gives_the_embedded_result(
    out: S3,  # noqa: F811
    raws: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("ray")
    # a loaded machine starts Ray's workers slowly: more than its default minute to register
    monkeypatch.setenv("RAY_worker_register_timeout_seconds", "600")
    first, _ = raws
    embedded = _ingest(first, tmp_path / "embedded", workers=1)
    # the options travel with the tasks' places: Ray's workers need no environment
    made = _ingest(first, OUT, out.options(), executor="ray", workers=2)
    assert made.url is not None
    remote = _download(made.url, tmp_path / "got")
    assert outputs.content(remote) == outputs.content(embedded.version_dir)
    _only_versions(out)


def test_published_signatures_are_read_by_their_rows_locally_and_on_s3(
    out: S3,  # noqa: F811
    tmp_path: Path,
) -> None:
    import numpy as np

    from corpus.dedup.index import signature_rows
    from corpus.dedup.minhash import NUM_PERM

    rnd = np.random.default_rng(7)
    parts = [rnd.integers(0, 1 << 16, (n, NUM_PERM), dtype=np.uint16) for n in (5, 1, 9)]
    whole = np.concatenate(parts)
    local = storage.Place.local(tmp_path / "sigs")
    remote = storage.Place.of(f"{OUT}/sigs")
    for k, part in enumerate(parts):
        np.save(tmp_path / f"{k}.npy", part)
        for place in (local, remote):
            (place / f"signatures-{k}.npy").write_bytes((tmp_path / f"{k}.npy").read_bytes())
    rows = np.array([14, 0, 5, 6, 4, 13, 5], np.int64)  # across the parts, unsorted, repeated
    for place in (local, remote):
        files = [place / f"signatures-{k}.npy" for k in range(3)]
        assert np.array_equal(signature_rows(files, rows), whole[rows])
        with pytest.raises(IndexError):
            signature_rows(files, np.array([15], np.int64))
