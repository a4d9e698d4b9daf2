"""``corpus ingest s3://...`` and ``corpus validate s3://...`` on a loopback moto server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus import storage
from corpus.cli import app
from tests import outputs
from tests.test_sources_fsspec import BUCKET, S3, _raw_folder, s3  # noqa: F401 (s3: the fixture)


def test_ingest_and_validate_take_s3_urls(
    s3: S3,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = _raw_folder(tmp_path)
    url = s3.upload(raw, "raw")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    runner = CliRunner()
    made = {}
    for name, given in (("local", str(raw)), ("s3", url)):
        run = tmp_path / name
        run.mkdir()
        monkeypatch.chdir(run)
        result = runner.invoke(app, ["ingest", given, "--out", "processed", "--dataset", "mini"])
        assert result.exit_code == 0, result.output
        made[name] = run / "processed" / "mini" / "v1.0.0"
    assert outputs.digests(made["s3"]) == outputs.digests(made["local"])
    checked = runner.invoke(app, ["validate", url, "--format", "json"])
    assert checked.exit_code == 1  # mini holds invalid rows on purpose
    report = json.loads(checked.stdout)
    assert report["files"] == 5 and report["invalid"] > 0
    missing = runner.invoke(app, ["ingest", "does/not/exist"])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_versions_and_diff_read_a_dataset_on_s3(
    s3: S3,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``versions`` and ``diff`` take ``--out s3://...``: the manifests are fetched, the two
    columns diff needs read from the shards on the URL; the answers are those of the same
    versions in a local folder."""
    raw = _raw_folder(tmp_path)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    monkeypatch.setenv("CORPUS_STAGING", str(tmp_path / "staging"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    url = f"s3://{BUCKET}/processed"
    for out in ("processed", url):
        for given in (raw / "sub", raw):  # v1.0.0: one gzip file; v1.1.0: the rest added
            done = runner.invoke(app, ["ingest", str(given), "--out", out, "--dataset", "mini"])
            assert done.exit_code == 0, done.output
    shown = {}
    for out in ("processed", url):
        listed = runner.invoke(
            app, ["versions", "--out", out, "--dataset", "mini", "--format", "json"]
        )
        assert listed.exit_code == 0, listed.output
        rows = json.loads(listed.stdout)
        changed = runner.invoke(
            app, ["diff", "1.0.0", "--out", out, "--dataset", "mini", "--format", "json"]
        )
        assert changed.exit_code == 0, changed.output
        shown[out] = (
            [{k: r[k] for k in ("version", "parent", "counts")} for r in rows],
            json.loads(changed.stdout),
        )
        paths = [r["path"] for r in rows]
    assert shown[url] == shown["processed"]
    versions, diff = shown[url]
    assert [v["version"] for v in versions] == ["1.0.0", "1.1.0"]
    assert diff["counts"]["added"] > 0
    assert paths == [f"{url}/mini/v1.0.0", f"{url}/mini/v1.1.0"]
    missing = runner.invoke(app, ["versions", "--out", url, "--dataset", "nope"])
    assert missing.exit_code == 2 and "no dataset 'nope'" in missing.output
    # a takedown on the URL: the same version as in the local folder, uploaded there
    data = outputs.rows(tmp_path / "processed" / "mini" / "v1.1.0")["data"]
    gone = next(r["url"] for r in data if r["url"])
    for out in ("processed", url):
        args = ["remove", "--url", gone, "--reason", "test", "--out", out, "--dataset", "mini"]
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
    assert f"Created {url}/mini/v1.2.0: removed" in " ".join(done.output.split())
    got, mirror = tmp_path / "got", storage.Mirror.open(url, "mini")
    mirror.fs.get(f"{mirror.root}/v1.2.0", str(got), recursive=True)
    assert outputs.content(got) == outputs.content(tmp_path / "processed" / "mini" / "v1.2.0")
    # publish a version by its URL: the same copy as of the local folder
    said = {}
    for given, to in ((f"{url}/mini/v1.2.0", "from-s3"), ("processed/mini/v1.2.0", "from-disk")):
        done = runner.invoke(app, ["publish", given, "--to", str(tmp_path / to)])
        assert done.exit_code == 0, done.output
        said[to] = " ".join(done.output.split())
    copies = [tmp_path / to / "mini" / "v1.2.0" for to in ("from-s3", "from-disk")]
    assert outputs.content(copies[0]) == outputs.content(copies[1])
    assert f"Published {url}/mini/v1.2.0 to" in said["from-s3"]
