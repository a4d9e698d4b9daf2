from __future__ import annotations

import hashlib
import json
import logging
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus import pipeline, publish
from corpus.cli import app
from corpus.config import Config
from corpus.manifest import manifest_digest
from corpus.publish import PublishError, publish_fs, publish_hub
from tests.hub_standin import StandInHub

TOKEN = "hf_SECRETtoken0123456789"
runner = CliRunner()


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInHub]:
    from huggingface_hub import constants

    # conftest makes the suite offline; these tests talk to the stand-in on 127.0.0.1 only
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    with StandInHub() as server:
        yield server


@pytest.fixture
def two_versions(mini: Path, tmp_path: Path) -> tuple[Path, Path]:
    first = pipeline.ingest([mini], Config(dataset="mini", out=tmp_path / "out"))
    # a second version sharded differently, so the first version's shard names go stale
    second = pipeline.ingest(
        [mini], Config(dataset="mini", out=tmp_path / "out", shard_max_rows=2, rebuild=True)
    )
    return first.version_dir, second.version_dir


def test_publishing_two_versions_makes_two_commits_and_tags(
    hub: StandInHub, two_versions: tuple[Path, Path]
) -> None:
    v1, v2 = two_versions
    r1 = publish_hub(v1, "org/mini", token=TOKEN, endpoint=hub.endpoint)
    r2 = publish_hub(v2, "org/mini", token=TOKEN, endpoint=hub.endpoint)
    repo = hub.hub.repos["org/mini"]
    assert [c.message for c in repo.commits] == ["mini v1.0.0", "mini v1.1.0"]
    assert repo.tags == {"v1.0.0": r1.commit, "v1.1.0": r2.commit}
    assert sorted(repo.commits[0].files) == sorted(r1.plan.upload)
    for rel, content in repo.commits[0].files.items():
        if rel not in ("README.md", "manifest.json"):  # the card is rendered for the Hub
            assert content == (v1 / rel).read_bytes()
    # ... and the published manifest lists that card, sealed again: the copy validates as is
    published = json.loads(repo.commits[0].files["manifest.json"])
    card_bytes = repo.commits[0].files["README.md"]
    assert published["card"]["sha256"] == hashlib.sha256(card_bytes).hexdigest()
    assert published["manifest_sha256"] == manifest_digest(published)
    assert {*published, "card"} == {*json.loads((v1 / "manifest.json").read_text()), "card"}
    card = repo.commits[0].files["README.md"].decode()
    assert 'load_dataset("org/mini", revision="v1.0.0", split="train")' in card
    assert f"{hub.endpoint}/datasets/org/mini/viewer" in card
    assert str(v1.parents[2]) not in card and "/tmp" not in card  # no local path
    assert "### Articles per month" in card and "### Body length" in card
    # main now holds exactly v1.1.0: the old single shard was deleted in the same commit
    assert repo.commits[1].deleted == [
        "data/train-00000-of-00001.parquet",
        "rejects/train-00000-of-00001.parquet",
    ]
    assert sorted(repo.head) == sorted(r2.plan.upload)
    assert "data/train-00001-of-00002.parquet" in repo.head
    methods = [(m, p) for m, p, _ in hub.hub.requests]
    assert ("POST", "/api/repos/create") in methods
    assert all(auth == f"Bearer {TOKEN}" for _, _, auth in hub.hub.requests)


def test_an_existing_tag_is_refused(hub: StandInHub, two_versions: tuple[Path, Path]) -> None:
    v1, _ = two_versions
    publish_hub(v1, "org/mini", token=TOKEN, endpoint=hub.endpoint)
    with pytest.raises(PublishError, match=r"already has tag v1\.0\.0"):
        publish_hub(v1, "org/mini", token=TOKEN, endpoint=hub.endpoint)
    assert len(hub.hub.repos["org/mini"].commits) == 1


def test_an_older_version_after_a_newer_one_is_refused(
    hub: StandInHub, two_versions: tuple[Path, Path]
) -> None:
    v1, v2 = two_versions
    publish_hub(v2, "org/mini", token=TOKEN, endpoint=hub.endpoint)
    with pytest.raises(PublishError, match="newer tag"):
        publish_hub(v1, "org/mini", token=TOKEN, endpoint=hub.endpoint)
    assert len(hub.hub.repos["org/mini"].commits) == 1


def test_transient_errors_are_retried_others_are_not(
    hub: StandInHub, two_versions: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    v1, v2 = two_versions
    naps: list[float] = []
    hub.hub.fail_next = [503, 502]
    with caplog.at_level(logging.DEBUG):
        publish_hub(v1, "org/mini", token=TOKEN, endpoint=hub.endpoint, sleep=naps.append)
    assert naps == [0.5, 1.0]
    assert len(hub.hub.repos["org/mini"].commits) == 1
    hub.hub.fail_next = [403]
    with pytest.raises(PublishError) as info:
        publish_hub(v2, "org/mini", token=TOKEN, endpoint=hub.endpoint, sleep=naps.append)
    assert naps == [0.5, 1.0]  # a 403 is not retried
    assert "could not upload the commit" in str(info.value)
    assert TOKEN not in str(info.value) and TOKEN not in caplog.text


def test_dry_run_is_offline_and_uploads_nothing(
    hub: StandInHub, two_versions: tuple[Path, Path]
) -> None:
    v1, _ = two_versions
    result = publish_hub(v1, "org/new", token=TOKEN, endpoint=hub.endpoint, dry_run=True)
    assert result.dry_run and result.plan.tag == "v1.0.0"
    assert hub.hub.requests == []  # not even a GET: the plan comes from the version alone
    assert any("skipped in a dry run" in c for c in result.plan.checks)
    # an endpoint nobody listens on changes nothing
    offline = publish_hub(v1, "org/new", endpoint="http://127.0.0.1:9", dry_run=True)
    assert offline.plan == result.plan


def test_a_lost_commit_response_does_not_commit_twice(
    hub: StandInHub, two_versions: tuple[Path, Path]
) -> None:
    v1, _ = two_versions
    naps: list[float] = []
    hub.hub.lose_next = [502]  # the commit lands, its response does not
    result = publish_hub(v1, "org/mini", token=TOKEN, endpoint=hub.endpoint, sleep=naps.append)
    repo = hub.hub.repos["org/mini"]
    assert [c.message for c in repo.commits] == ["mini v1.0.0"]
    assert naps == [0.5]
    assert repo.tags == {"v1.0.0": repo.commits[0].oid} and result.commit == repo.commits[0].oid


def test_a_commit_names_its_parent_and_main_moving_refuses_it(
    hub: StandInHub, two_versions: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    v1, v2 = two_versions
    publish_hub(v1, "org/mini", token=TOKEN, endpoint=hub.endpoint)
    # as if another publisher committed between our reading main and our commit
    monkeypatch.setattr(publish._Hub, "state", lambda self: ({"v1.0.0"}, "0" * 40, set()))
    with pytest.raises(PublishError, match=r"could not upload the commit: .*412"):
        publish_hub(v2, "org/mini", token=TOKEN, endpoint=hub.endpoint, sleep=lambda _: None)
    assert len(hub.hub.repos["org/mini"].commits) == 1


def test_cli_publish_never_prints_the_token(
    hub: StandInHub, two_versions: tuple[Path, Path]
) -> None:
    v1, _ = two_versions
    args = ["publish", str(v1), "--repo-id", "org/cli", "--endpoint", hub.endpoint]
    result = runner.invoke(app, [*args, "--dry-run"], env={"HF_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    assert "upload data/train-00000-of-00001.parquet" in result.stdout
    assert "tag:    v1.0.0" in result.stdout
    result = runner.invoke(app, args, env={"HF_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output
    assert "Published" in result.stdout and "as v1.0.0" in result.stdout
    again = runner.invoke(app, args, env={"HF_TOKEN": TOKEN})
    assert again.exit_code == 1
    assert "Error: org/cli already has tag v1.0.0" in again.stderr
    for r in (result, again):
        assert TOKEN not in r.output
    assert hub.hub.requests[-1][2] == f"Bearer {TOKEN}"


def test_offline_mode_fails_at_once_with_its_reason(two_versions: tuple[Path, Path]) -> None:
    naps: list[float] = []
    with pytest.raises(PublishError, match="offline mode is enabled"):
        publish_hub(
            two_versions[0], "org/x", token=TOKEN, endpoint="http://127.0.0.1:9", sleep=naps.append
        )
    assert naps == []


def test_cli_publish_needs_exactly_one_target(two_versions: tuple[Path, Path]) -> None:
    result = runner.invoke(app, ["publish", str(two_versions[0])])
    assert result.exit_code == 2
    assert "give exactly one of --repo-id" in result.stderr


def test_publish_to_a_folder(two_versions: tuple[Path, Path], tmp_path: Path) -> None:
    v1, _ = two_versions
    target = tmp_path / "mirror"
    result = publish_fs(v1, str(target))
    dest = target / "mini" / "v1.0.0"
    assert result.url == f"{target}/mini/v1.0.0"
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == list(
        result.plan.upload
    )
    assert all(
        (dest / f).read_bytes() == (v1 / f).read_bytes()
        for f in result.plan.upload
        if f != "README.md"
    )
    card = (dest / "README.md").read_text()
    assert 'load_dataset("mini/v1.0.0", split="train")' in card and str(tmp_path) not in card
    with pytest.raises(PublishError, match="already exists"):
        publish_fs(v1, str(target))


def test_cli_dry_run_to_a_folder_announces_no_tag_and_writes_nothing(
    two_versions: tuple[Path, Path], tmp_path: Path
) -> None:
    target = tmp_path / "mirror"
    result = runner.invoke(app, ["publish", str(two_versions[0]), "--to", str(target), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"target: {target}/mini/v1.0.0" in result.stdout
    assert "tag:" not in result.stdout and "skipped in a dry run" in result.stdout
    assert not target.exists()


def test_a_dataset_name_leaving_the_target_is_refused(
    two_versions: tuple[Path, Path], tmp_path: Path
) -> None:
    version = tmp_path / "evil" / "v1.0.0"
    shutil.copytree(two_versions[0], version)
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["dataset"] = "../../x"
    (version / "manifest.json").write_text(json.dumps(manifest))
    target = tmp_path / "a" / "b" / "mirror"
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(PublishError, match="not a plain folder name"):
        publish_fs(version, str(target))
    result = runner.invoke(app, ["publish", str(version), "--to", str(target)])
    assert result.exit_code == 1 and "not a plain folder name" in result.stderr
    assert sorted(tmp_path.rglob("*")) == before


def test_a_damaged_version_is_not_published(
    hub: StandInHub, two_versions: tuple[Path, Path], tmp_path: Path
) -> None:
    version = tmp_path / "copy" / "mini" / "v1.0.0"
    shutil.copytree(two_versions[0], version)
    shard = version / "data" / "train-00000-of-00001.parquet"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    with pytest.raises(PublishError, match="does not validate"):
        publish_fs(version, str(tmp_path / "mirror"))
    with pytest.raises(PublishError, match="does not validate"):
        publish_hub(version, "org/mini", token=TOKEN, endpoint=hub.endpoint)
    assert not (tmp_path / "mirror").exists() and hub.hub.requests == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_publish_to_s3_on_a_local_moto_server(
    two_versions: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    moto_server = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint,
        }.items():
            monkeypatch.setenv(key, value)
        s3 = boto3.client("s3", endpoint_url=endpoint)
        s3.create_bucket(Bucket="corpora")
        v1, _ = two_versions
        result = publish_fs(v1, "s3://corpora/releases")
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="corpora")["Contents"])
        assert keys == [f"releases/mini/v1.0.0/{f}" for f in result.plan.upload]
        body = s3.get_object(Bucket="corpora", Key="releases/mini/v1.0.0/manifest.json")[
            "Body"
        ].read()
        assert body == (v1 / "manifest.json").read_bytes()
        with pytest.raises(PublishError, match="already exists"):
            publish_fs(v1, "s3://corpora/releases")
    finally:
        server.stop()
