"""``corpus ingest s3://...`` and ``corpus validate s3://...`` on a loopback moto server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus.cli import app
from tests import outputs
from tests.test_sources_fsspec import S3, _raw_folder, s3  # noqa: F401 (s3: the fixture)


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
