"""``corpus validate`` on a published version: manifest, shards, schemas, card, load_dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from corpus import pipeline
from corpus.cli import app
from corpus.config import Config
from corpus.records import ARTICLE_SCHEMA
from corpus.shards import file_sha256
from corpus.validate import check_version, json_schema, load_schema

runner = CliRunner()


@pytest.fixture
def version(mini: Path, tmp_path: Path) -> Path:
    return pipeline.ingest([mini], Config(dataset="mini", out=tmp_path / "out")).version_dir


def reasons(version_dir: Path, load: bool = False) -> list[tuple[str, str]]:
    report = check_version(version_dir, load=load)
    return [(Path(f.file).name, f.reason) for f in report.findings]


def test_committed_article_schema_matches_the_records() -> None:
    assert load_schema("article.schema.json") == json_schema(ARTICLE_SCHEMA, "article"), (
        "schemas/article.schema.json is stale: regenerate it with `uv run python -m corpus.validate`"
    )


def test_a_fresh_version_is_valid_and_loads(version: Path) -> None:
    report = check_version(version, load=True)
    assert report.ok, report.findings
    assert report.records == 4 + 1 + 4


def test_a_changed_shard_is_caught(version: Path) -> None:
    shard = version / "data" / "train-00000-of-00001.parquet"
    data = bytearray(shard.read_bytes())
    data[-20] ^= 0xFF
    shard.write_bytes(bytes(data))
    found = reasons(version)
    assert ("train-00000-of-00001.parquet", "sha256") in found


def test_unlisted_files_and_wrong_counts_are_caught(version: Path) -> None:
    (version / "data" / "train-extra.parquet").write_bytes(b"x")
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["shards"]["rejects"][0]["rows"] = 5
    manifest["counts"]["accepted"] = 3
    (version / "manifest.json").write_text(json.dumps(manifest))
    found = reasons(version)
    assert ("train-extra.parquet", "unlisted") in found
    assert ("train-00000-of-00001.parquet", "rows") in found
    assert ("manifest.json", "counts") in found
    assert ("manifest.json", "conservation") in found


def test_rows_are_checked_against_the_article_schema_and_ids_are_unique(version: Path) -> None:
    shard = version / "data" / "train-00000-of-00001.parquet"
    rows = pq.read_table(shard).to_pylist()
    rows[1]["published_at"] = "kemarin sore"
    rows.append(dict(rows[0]))
    pq.write_table(pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA), shard, compression="zstd")
    manifest = json.loads((version / "manifest.json").read_text())
    entry = manifest["shards"]["data"][0]
    entry.update(rows=len(rows), bytes=shard.stat().st_size, sha256=file_sha256(shard))
    (version / "manifest.json").write_text(json.dumps(manifest))
    report = check_version(version, load=False)
    by_reason = {f.reason: f for f in report.findings}
    assert by_reason["article_schema"].row == 2
    assert by_reason["article_schema"].pointer == "/published_at"
    assert by_reason["duplicate_id"].row == 5
    assert "counts" in by_reason  # 5 rows in data but counts.accepted is 4


def test_the_card_must_match_the_shards(version: Path) -> None:
    card = version / "README.md"
    card.write_text(card.read_text().replace("num_examples: 4", "num_examples: 40", 1))
    assert ("README.md", "card") in reasons(version)


def test_cli_validates_versions(version: Path) -> None:
    ok = runner.invoke(app, ["validate", str(version)])
    assert ok.exit_code == 0, ok.output
    assert "9 records in 4 files: all valid" in ok.stdout
    (version / "rejects" / "train-00000-of-00001.parquet").unlink()
    bad = runner.invoke(app, ["validate", str(version), "--format", "json", "--skip-load"])
    assert bad.exit_code == 1
    errors = json.loads(bad.stdout)["errors"]
    assert [(Path(e["file"]).name, e["reason"]) for e in errors][:1] == [
        ("train-00000-of-00001.parquet", "missing")
    ]
