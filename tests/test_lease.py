"""One writer per dataset on a URL (``corpus.lease``), on the loopback moto S3 server: a second
driver is refused while the first holds a live lease, before it writes anything; a stale lease
(a dead driver's) is taken over and its run resumed; the lease goes when a run ends."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import fsspec
import pytest
from typer.testing import CliRunner

from corpus import lease, pipeline, publish, storage
from corpus.cli import app
from corpus.config import Config
from corpus.distributed import tasks
from corpus.lease import Holder, Lease, LeaseError
from tests import outputs
from tests.conftest import DATA
from tests.test_distributed_fsspec import OUT
from tests.test_distributed_resume import _cfg, _interrupted, ran, raw  # noqa: F401 (fixtures)
from tests.test_out_fsspec import _download, _keys, out  # noqa: F401  (out: the fixture)
from tests.test_sources_fsspec import BUCKET, S3, WHEN, s3  # noqa: F401  (s3: the fixture)

KEY = f"processed/news/{lease.NAME}"
CFG = Config(dataset="news", batch_size=25, distributed=True, workers=1)


def _put(server: S3, owner: str, ago: float, key: str = KEY) -> None:
    """A lease object of another driver, last renewed ``ago`` seconds ago."""
    body = Holder(owner, time.time() - ago).encode()
    server.client.put_object(Bucket=BUCKET, Key=key, Body=body)


def _holder(server: S3, key: str = KEY) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        server.client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    )
    return found


def test_a_second_driver_is_refused_while_the_first_runs(
    out: S3,  # noqa: F811
    raw: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local = pipeline.ingest([raw], _cfg(tmp_path / "local"), created_at=WHEN)
    real, refused = tasks.produce, []

    def second_driver(work: tasks.Work, job: Any) -> tasks.Produced:
        if not refused:  # the first driver is in its read tasks: it has written on the URL
            before = _keys(out, "processed/")
            assert KEY in before and any("/.runs/" in k for k in before)
            with pytest.raises(LeaseError) as refusal:
                pipeline.ingest([raw], CFG, created_at=WHEN, out=OUT)
            refused.append(str(refusal.value))
            assert _keys(out, "processed/") == before  # it wrote nothing
        return real(work, job)

    monkeypatch.setattr(tasks, "produce", second_driver)
    made = pipeline.ingest([raw], CFG, created_at=WHEN, out=OUT)
    [message] = refused
    assert "another driver is writing this dataset" in message
    assert f"held by {lease.owner_id().rsplit(':', 1)[0]}:" in message  # this host and pid
    assert "last renewed 20" in message  # a UTC date
    assert made.url is not None
    assert outputs.digests(_download(made.url, tmp_path / "got")) == outputs.digests(
        local.version_dir
    )
    assert KEY not in _keys(out, "processed/")  # released after the run


def test_a_live_lease_of_another_machine_stops_a_run_before_it_writes(
    out: S3,  # noqa: F811
    raw: Path,  # noqa: F811
) -> None:
    _put(out, "other-host:4242:beef", ago=30)
    with pytest.raises(LeaseError, match=r"held by other-host:4242:beef, last renewed 20\S+ \("):
        pipeline.ingest([raw], CFG, created_at=WHEN, out=OUT)
    assert _keys(out, "processed/") == [KEY]
    assert _holder(out)["owner"] == "other-host:4242:beef"  # left as it was


def test_a_dead_drivers_stale_lease_is_taken_over_and_its_run_resumed(
    out: S3,  # noqa: F811
    raw: Path,  # noqa: F811
    tmp_path: Path,
    ran: list[int],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local = pipeline.ingest([raw], _cfg(tmp_path / "local"), created_at=WHEN)
    _interrupted(raw, CFG, after=4, out=OUT)
    assert KEY not in _keys(out, "processed/")  # an interrupted driver releases it too
    _put(out, "other-host:4242:beef", ago=10)  # as a kill -9 of a driver elsewhere leaves it
    monkeypatch.setenv(storage.STAGING_ENV, str(tmp_path / "elsewhere"))
    with pytest.raises(LeaseError, match="other-host:4242:beef"):
        pipeline.ingest([raw], CFG, created_at=WHEN, out=OUT)
    assert sum("/produced-" in k for k in _keys(out, "processed/")) == 4  # its tasks are kept
    ran.clear()
    time.sleep(3.1)  # not renewed for 1 s + GRAIN + S3's rounding, on the server's clock
    made = pipeline.ingest([raw], replace(CFG, lease_timeout=1.0), created_at=WHEN, out=OUT)
    assert ran == [4, 5]  # the dead driver's finished tasks reused
    assert made.url is not None
    assert outputs.digests(_download(made.url, tmp_path / "got")) == outputs.digests(
        local.version_dir
    )
    assert KEY not in _keys(out, "processed/")


def test_taken_exclusively_renewed_and_lost_to_a_taker_over(out: S3) -> None:  # noqa: F811
    fs, root = storage.Mirror.open(OUT, "news").fs, f"{BUCKET}/processed/news"
    first = Lease(fs, root, OUT, timeout=2.0)
    with first:
        renewed = _holder(out)["renewed"]
        deadline = time.monotonic() + 30
        while _holder(out)["renewed"] == renewed:  # renewed every timeout / 4
            assert time.monotonic() < deadline, "not renewed"
            time.sleep(0.05)
        assert _holder(out)["owner"] == first.owner
        with pytest.raises(LeaseError, match=first.owner):
            Lease(fs, root, OUT, timeout=2.0).take()
    assert KEY not in _keys(out, "processed/")  # released
    first = Lease(fs, root, OUT, timeout=1.0)
    first.take()  # held, not renewed: stale after its timeout (S3 dates it to the second)
    time.sleep(3.1)  # timeout + GRAIN + the lease's own rounding to the second
    second = Lease(fs, root, OUT, timeout=1.0)
    second.take()
    assert _holder(out)["owner"] == second.owner
    first.check()  # it has not noticed yet
    first.renew()  # it does now, and writes nothing
    assert _holder(out)["owner"] == second.owner
    with pytest.raises(LeaseError, match=f"lost the lease .*{second.owner}"):
        first.check()
    first.release()  # not its own any more: left alone
    assert _holder(out)["owner"] == second.owner


def test_s3_writes_it_conditionally(out: S3) -> None:  # noqa: F811
    """What ``take`` relies on: S3 (here moto, through s3fs) refuses a create over an existing
    object and a write conditional on an ETag that changed, so of two racers one wins."""
    fs, root = storage.Mirror.open(OUT, "news").fs, f"{BUCKET}/processed/news"
    _put(out, "other-host:4242:beef", ago=0)
    time.sleep(3.1)  # stale after 1 s (+ GRAIN, + rounding to the second), on the server's clock
    racer = Lease(fs, root, OUT, timeout=1.0)
    assert racer.conditional
    stale, tag = racer.read()
    assert stale is not None and stale.stale(1.0 + lease.GRAIN, racer.now()) and tag
    with pytest.raises(FileExistsError):
        fs.pipe_file(racer.path, b"{}", mode="create")
    Lease(fs, root, OUT, timeout=1.0).take()  # the other racer wins
    with pytest.raises(OSError):
        fs.pipe_file(racer.path, b"{}", IfMatch=tag)
    with pytest.raises(LeaseError):
        racer.take()


def test_same_host_dead_process_is_stale_at_once() -> None:
    owner = lease.owner_id()
    host = owner.split(":")[0]
    assert not Holder(owner, time.time()).stale(60, time.time())  # this process: live
    assert Holder(f"{host}:999999999:ab", time.time()).stale(60, time.time())  # no such pid
    assert not Holder("elsewhere:999999999:ab", time.time()).stale(60, time.time())
    assert Holder("elsewhere:1:ab", time.time() - 61).stale(60, time.time())
    assert Holder.decode(b"not json").stale(60, time.time())


def test_remove_and_publish_on_a_url_hold_the_lease_too(
    out: S3,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The other commands that write a version on a URL: a takedown (``remove --out URL``) and
    a copy (``publish --to URL``) are refused by a live lease as an ingest is (exit 1, nothing
    written), and hold the lease themselves while they write, then release it."""
    monkeypatch.chdir(tmp_path)  # no corpus.toml
    for key in _keys(out, "releases/"):
        out.client.delete_object(Bucket=BUCKET, Key=key)
    cfg, mini = Config(dataset="news", workers=1, out=tmp_path / "local"), DATA / "mini"
    gone = outputs.rows(pipeline.ingest([mini], cfg, created_at=WHEN).version_dir)["data"][0]
    pipeline.ingest([mini], cfg, created_at=WHEN, out=OUT)
    remove = ["remove", "--id", gone["id"], "--reason", "test", "--out", OUT]
    copy = [
        "publish",
        str(tmp_path / "local" / "news" / "v1.0.0"),
        "--to",
        f"s3://{BUCKET}/releases",
    ]
    runner, taken = CliRunner(), "releases/news/.lease"
    for args, key in ((remove, KEY), (copy, taken)):
        _put(out, "other-host:4242:beef", ago=30, key=key)
        before = _keys(out, "")
        refused = runner.invoke(app, args)
        assert refused.exit_code == 1, refused.output
        assert "another driver is writing this dataset" in refused.output
        assert "other-host:4242:beef" in refused.output
        assert _keys(out, "") == before  # nothing written, the lease left as it was
        out.client.delete_object(Bucket=BUCKET, Key=key)
    held: list[str] = []
    upload, render = storage.Mirror.upload, publish.rendered_for
    monkeypatch.setattr(
        storage.Mirror,
        "upload",
        lambda mirror, staged: held.append(_holder(out)["owner"]) or upload(mirror, staged),
    )
    monkeypatch.setattr(
        publish,
        "rendered_for",
        lambda *a: held.append(_holder(out, taken)["owner"]) or render(*a),
    )
    for args in (remove, copy):
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
    me = lease.owner_id().rsplit(":", 1)[0]
    assert [h.rsplit(":", 1)[0] for h in held] == [me, me]  # held while writing
    keys = _keys(out, "")
    assert "processed/news/v1.1.0/manifest.json" in keys  # the takedown's version
    assert "releases/news/v1.0.0/manifest.json" in keys  # the copy
    assert KEY not in keys and taken not in keys  # released


def test_the_commands_that_take_it_have_a_lease_timeout_option(
    out: S3,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--lease-timeout SECONDS`` on ingest, remove and publish: the lease they take has that
    timeout (a refusal names it); a value not above 0 is a usage error naming the option."""
    monkeypatch.chdir(tmp_path)  # no corpus.toml
    local = pipeline.ingest([DATA / "mini"], Config(dataset="news", out=tmp_path), created_at=WHEN)
    for key in (KEY, "releases/news/.lease"):  # live: renewed now, on the server's clock
        _put(out, "other-host:4242:beef", ago=0, key=key)
    runner = CliRunner()
    for command in (
        ["ingest", str(DATA / "mini"), "--out", OUT, "--dataset", "news"],
        ["remove", "--id", "x", "--reason", "test", "--out", OUT, "--dataset", "news"],
        ["publish", str(local.version_dir), "--to", f"s3://{BUCKET}/releases"],
    ):
        refused = runner.invoke(app, [*command, "--lease-timeout", "3600.5"])
        assert refused.exit_code == 1, refused.output
        said = " ".join(refused.output.split())
        assert "another driver is writing this dataset" in said
        assert "(stale 3601.5 s after that" in said  # the timeout given + GRAIN
        for bad in ("0", "-3", "nan", "inf"):
            wrong = runner.invoke(app, [*command, "--lease-timeout", bad])
            assert wrong.exit_code == 2, wrong.output
            said = " ".join(wrong.output.split())
            assert "Invalid value for '--lease-timeout'" in said and "above 0" in said


@pytest.mark.parametrize("skew", [-3600.0, 3600.0])
def test_a_lease_is_judged_on_the_storage_servers_clock(
    out: S3,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    skew: float,
) -> None:
    """Two machines' clocks may disagree by an hour: the taker judges a lease's age by the
    server's times (the lease's LastModified against a probe's), not its own clock against the
    owner's; a fresh lease stays live, one not renewed for its timeout is taken over."""
    fs, root = storage.Mirror.open(OUT, "news").fs, f"{BUCKET}/processed/news"
    _put(out, "other-host:4242:beef", ago=0)  # renewed now, by its owner's and the server's clock
    monkeypatch.setattr(lease, "time", SimpleNamespace(time=lambda: time.time() + skew))
    with pytest.raises(LeaseError, match="other-host:4242:beef"):
        Lease(fs, root, OUT, timeout=10.0).take()  # live (the machine is slow: 10 s to spare)
    time.sleep(12.1)  # not renewed for its timeout + GRAIN + rounding, on the server's clock
    taker = Lease(fs, root, OUT, timeout=10.0)
    taker.take()
    assert _holder(out)["owner"] == taker.owner
    assert _keys(out, "processed/") == [KEY]  # the clock probes are removed


def test_where_there_is_no_conditional_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """fsspec's memory file system (no If-Match, no If-None-Match; modified times of its own):
    the lease is written and read back after SETTLE; a live one is refused, one not renewed for
    its timeout (+ GRAIN) is taken over, and a release leaves no clock probe behind."""
    fs = fsspec.filesystem("memory")
    root = f"/lease-test-{time.monotonic_ns()}"
    fs.mkdirs(root, exist_ok=True)
    monkeypatch.setattr(lease, "SETTLE", 0.05)
    first = Lease(fs, root, f"memory:/{root}", timeout=1.0)
    assert not first.conditional
    first.take()
    with pytest.raises(LeaseError, match=first.owner):
        Lease(fs, root, f"memory:/{root}", timeout=1.0).take()
    time.sleep(1.0 + lease.GRAIN + 0.2)  # the memory file system dates to the microsecond
    second = Lease(fs, root, f"memory:/{root}", timeout=1.0)
    second.take()
    assert Holder.decode(fs.cat_file(f"{root}/{lease.NAME}")).owner == second.owner
    first.release()  # not its own any more: left alone
    second.release()
    assert fs.ls(root, detail=False) == []
