"""Inputs on any fsspec file system: S3 on a loopback ``moto`` server reads like the local disk.

The server is started inside the test session on 127.0.0.1 (a free port); the fixture files of
tests/data are uploaded to a bucket, and discovery, reading, validation and a whole ingest from
``s3://`` are compared with the same files read from a local folder.
"""

from __future__ import annotations

import gzip
import multiprocessing
import pickle
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from corpus import pipeline, sources, validate
from corpus.config import Config
from corpus.errors import InputError
from corpus.records import RawRecord, Rejected
from corpus.stats import Stats
from tests import outputs
from tests.conftest import DATA

WHEN = datetime(2024, 5, 1, tzinfo=UTC)
BUCKET = "raw-news"
CREDENTIALS = {"key": "testing", "secret": "testing"}


@dataclass(frozen=True)
class S3:
    """A moto S3 server on loopback and a boto3 client for it."""

    endpoint: str
    client: Any

    def upload(self, folder: Path, prefix: str) -> str:
        """Every file under ``folder`` as ``s3://BUCKET/prefix/...``; returns that URL."""
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                key = f"{prefix}/{path.relative_to(folder).as_posix()}"
                self.client.put_object(Bucket=BUCKET, Key=key, Body=path.read_bytes())
        return f"s3://{BUCKET}/{prefix}/"

    def options(self) -> dict[str, Any]:
        """Storage options that reach the server without any environment variable."""
        return {
            **CREDENTIALS,
            "endpoint_url": self.endpoint,
            "client_kwargs": {"region_name": "us-east-1"},
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _forget_filesystems() -> None:
    # s3fs keeps instances (and their listings) per set of options: a server from another test
    # must not answer for this one
    s3fs = pytest.importorskip("s3fs")
    s3fs.S3FileSystem.clear_instance_cache()


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3]:
    """A fresh moto server with an empty bucket; the AWS settings point nowhere else."""
    moto_server = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["key"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["secret"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    _forget_filesystems()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield S3(endpoint, client)
    finally:
        _forget_filesystems()
        server.stop()


def _raw_folder(base: Path) -> Path:
    """tests/data/mini and the HTML page, a gzip file, a hidden file and a hidden folder."""
    raw = base / "raw"
    shutil.copytree(DATA / "mini", raw)
    shutil.copytree(DATA / "html", raw / "html")
    (raw / "sub").mkdir()
    (raw / "sub" / "more.jsonl.gz").write_bytes(
        gzip.compress(b'{"title": "Banjir", "text": "Banjir melanda kota pada pagi hari."}\n')
    )
    (raw / ".hidden.csv").write_text("text\nrahasia\n")
    (raw / ".cache").mkdir()
    (raw / ".cache" / "old.jsonl").write_text('{"text": "cache"}\n')
    return raw


def _records(files: list[sources.InputFile]) -> list[RawRecord | Rejected]:
    return list(sources.run(files, Config(), Stats()))


def test_s3_inputs_are_found_and_read_like_local_ones(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _raw_folder(tmp_path)
    url = s3.upload(raw, "2024/raw")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint)  # the endpoint from the environment
    remote, remote_skipped = sources.discover([url])
    local, local_skipped = sources.discover([raw])
    assert [(f.relpath, f.format, f.compressed, f.size) for f in remote] == [
        (f.relpath, f.format, f.compressed, f.size) for f in local
    ]
    assert remote_skipped == local_skipped
    assert [s.relpath for s in remote_skipped] == [".cache/", ".hidden.csv", "notes.md"]
    assert all(f.remote and f.location.startswith(url) for f in remote)
    assert [f.sha256() for f in remote] == [f.sha256() for f in local]
    assert _records(remote) == _records(local)


def test_a_single_s3_file_is_named_relative_to_its_folder(s3: S3, tmp_path: Path) -> None:
    url = s3.upload(_raw_folder(tmp_path), "raw")
    files, skipped = sources.discover([url + "wire.jsonl"], s3.options())
    assert [(f.relpath, f.location) for f in files] == [("wire.jsonl", url + "wire.jsonl")]
    assert skipped == []


def test_a_missing_or_unreachable_url_is_an_input_error(s3: S3) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        sources.discover([f"s3://{BUCKET}/nothing/here.jsonl"], s3.options())
    with pytest.raises(InputError, match="cannot be listed"):
        sources.discover([f"s3://{BUCKET}/raw/"], {**s3.options(), "endpoint_url": "nope"})
    # botocore's own errors (not OSError) are named, not raised as they are
    with pytest.raises(InputError, match=r"cannot be listed.*EndpointConnectionError"):
        sources.discover([f"s3://{BUCKET}/raw/"], _down(s3))


def _down(s3: S3) -> dict[str, Any]:
    """Storage options for a port nobody listens on, tried once (not retried for seconds)."""
    return {
        **s3.options(),
        "endpoint_url": f"http://127.0.0.1:{_free_port()}",
        "config_kwargs": {"retries": {"max_attempts": 1}},
    }


def test_a_file_whose_server_is_gone_reads_as_one_reject(s3: S3, tmp_path: Path) -> None:
    url = s3.upload(_raw_folder(tmp_path), "raw")
    files, _ = sources.discover([url + "wire.jsonl"], s3.options())
    gone = replace(files[0], options=tuple(sorted(_down(s3).items())))
    (item,) = sources.read_file(gone, sources.ColumnMapper({}))
    assert isinstance(item, Rejected) and item.reason == "unreadable"
    assert "EndpointConnectionError" in item.issues[0].message
    with pytest.raises(InputError, match="cannot read the file"):
        gone.sha256()


def _read_in_a_fresh_process(blob: bytes) -> tuple[str, int]:
    """What a worker does: unpickle the file and read it with no settings of its own."""
    f = pickle.loads(blob)
    records = list(sources.read_file(f, sources.ColumnMapper({})))
    return f.sha256(), sum(isinstance(r, RawRecord) for r in records)


def test_an_s3_input_file_pickles_with_what_a_worker_needs_to_read_it(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = s3.upload(_raw_folder(tmp_path), "raw")
    # No credentials or endpoint in the environment: only the storage options reach the server,
    # and they travel with the file.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    files, _ = sources.discover([url], s3.options())
    wire = next(f for f in files if f.relpath == "wire.jsonl")
    assert "testing" not in repr(wire)  # secrets stay out of logs and messages
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        sha, good = pool.apply(_read_in_a_fresh_process, (pickle.dumps(wire),))
    local = sources.discover([tmp_path / "raw" / "wire.jsonl"])[0][0]
    assert sha == local.sha256()
    records = list(sources.read_file(local, sources.ColumnMapper({})))
    assert good == sum(isinstance(r, RawRecord) for r in records) > 0


def test_an_s3_file_gone_before_it_is_read_is_a_reject_not_a_crash(s3: S3, tmp_path: Path) -> None:
    url = s3.upload(_raw_folder(tmp_path), "raw")
    files, _ = sources.discover([url], s3.options())
    s3.client.delete_object(Bucket=BUCKET, Key="raw/wire.jsonl")
    gone = next(f for f in files if f.relpath == "wire.jsonl")
    (item,) = sources.read_file(gone, sources.ColumnMapper({}))
    assert isinstance(item, Rejected) and item.reason == "unreadable"
    assert item.source.path == "wire.jsonl" and item.source.row is None


def test_validate_reads_raw_files_on_s3(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _raw_folder(tmp_path)
    url = s3.upload(raw, "raw")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint)
    remote = validate.check_paths([url], Config())
    local = validate.check_paths([raw], Config())
    assert remote.records == local.records > 0
    assert remote.invalid == local.invalid > 0  # mini holds bad rows on purpose
    assert remote.skipped == local.skipped
    assert [(f.file.removeprefix(url), f.row, f.message) for f in remote.findings] == [
        (Path(f.file).relative_to(raw).as_posix(), f.row, f.message) for f in local.findings
    ]
    assert all(f.file.startswith(url) for f in remote.findings)


def _rows(version_dir: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Per table (accepted, duplicates, rejects): the rows' ids, texts and fates."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for shard in sorted(version_dir.rglob("*.parquet")):
        if version_dir / "dedup" in shard.parents:
            continue
        table = pq.read_table(shard).to_pylist()
        kind = shard.relative_to(version_dir).parts[0]
        tables.setdefault(kind, []).extend(
            (r.get("id"), r.get("text"), r.get("reason"), r.get("duplicate_of")) for r in table
        )
    return tables


def test_ingest_from_s3_writes_the_version_a_local_ingest_writes(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _raw_folder(tmp_path)
    url = s3.upload(raw, "raw")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint)
    made = {}
    for name, given in (("local", raw), ("s3", url)):
        run = tmp_path / name
        run.mkdir()
        monkeypatch.chdir(run)  # the same relative --out for both: the card names the path
        cfg = Config(dataset="mini", out=Path("processed"), workers=1)
        # (a str is a URL; pipeline.ingest's hint says Path until the CLI takes URLs)
        made[name] = run / pipeline.ingest([given], cfg, created_at=WHEN).version_dir
    rows = _rows(made["s3"])
    assert rows == _rows(made["local"])
    assert len(rows["data"]) > 0 and len(rows["rejects"]) > 0
    assert outputs.digests(made["s3"]) == outputs.digests(made["local"])


def test_a_big_jsonl_file_on_s3_reads_as_slices_like_the_local_file_whole(
    s3: S3, tmp_path: Path
) -> None:
    raw = tmp_path / "big"
    raw.mkdir()
    lines = [f'{{"title": "Judul {i}", "text": "Isi berita nomor {i}."}}' for i in range(400)]
    lines[10:12] = ["", "not json"]
    (raw / "wire.jsonl").write_text("\n".join(lines) + "\n")
    url = s3.upload(raw, "big")
    (remote,), _ = sources.discover([url + "wire.jsonl"], s3.options())
    # the driver only seeks to the cuts; each worker counts its slice, from its own copy
    cuts = sources.split(remote, 2_000, counted=False)
    assert len(cuts) > 5

    def trip(s: sources.Slice) -> sources.Slice:
        return pickle.loads(pickle.dumps(s))

    parts = sources.number_slices([sources.count_slice(trip(s)) for s in cuts])
    assert parts == sources.split(remote, 2_000)  # the same as one scan by the driver
    got = [r for s in parts for r in sources.read_slice(trip(s), sources.ColumnMapper({}))]
    (local,), _ = sources.discover([raw / "wire.jsonl"])
    assert got == list(sources.read_file(local, sources.ColumnMapper({})))
