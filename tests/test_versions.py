from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus import pipeline
from corpus.cli import app
from corpus.config import Config
from corpus.errors import VersionError
from corpus.versions import (
    MANIFEST,
    Version,
    building,
    data_ids,
    describe,
    diff,
    list_versions,
    next_version,
    read_manifest,
    remove,
    resolve,
    write_json,
)

runner = CliRunner()


def make_version(dataset_dir: Path, name: str) -> None:
    (dataset_dir / name).mkdir(parents=True)
    (dataset_dir / name / MANIFEST).write_text("{}")


def test_version_parse_order_and_names() -> None:
    assert Version.parse("v1.2.3") == Version.parse("1.2.3") == Version(1, 2, 3)
    assert Version(1, 10, 0) > Version(1, 9, 9)
    assert Version(1, 2, 3).dirname == "v1.2.3"
    assert str(Version(1, 2, 3).bump("minor")) == "1.3.0"
    assert str(Version(1, 2, 3).bump("major")) == "2.0.0"
    assert str(Version(1, 2, 3).bump("patch")) == "1.2.4"
    with pytest.raises(VersionError):
        Version.parse("latest")


def test_list_and_next_versions(tmp_path: Path) -> None:
    assert next_version(tmp_path / "none", None) == Version(1, 0, 0)
    for name in ("v1.0.0", "v1.10.0", "v1.2.0"):
        make_version(tmp_path, name)
    (tmp_path / "v9.0.0").mkdir()  # no manifest: an incomplete folder is not a version
    (tmp_path / ".building-v2.0.0-1").mkdir()
    assert [str(v) for v in list_versions(tmp_path)] == ["1.0.0", "1.2.0", "1.10.0"]
    assert next_version(tmp_path, None) == Version(1, 11, 0)
    assert next_version(tmp_path, "2.0.0") == Version(2, 0, 0)
    with pytest.raises(VersionError, match="already exists"):
        next_version(tmp_path, "1.2.0")
    with pytest.raises(VersionError, match="not newer"):
        next_version(tmp_path, "1.1.0")


def test_building_renames_only_on_success(tmp_path: Path) -> None:
    with building(tmp_path, Version(1, 0, 0)) as tmp:
        assert tmp.name.startswith(".building-v1.0.0-")
        write_json(tmp / MANIFEST, {"ok": True})
    assert json.loads((tmp_path / "v1.0.0" / MANIFEST).read_text()) == {"ok": True}
    with pytest.raises(VersionError, match="is damaged"):  # not a manifest: said so, no traceback
        read_manifest(tmp_path / "v1.0.0")
    with pytest.raises(RuntimeError), building(tmp_path, Version(1, 1, 0)) as tmp:
        (tmp / "half.parquet").write_bytes(b"x")
        raise RuntimeError("crash")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1.0.0"]


def test_building_never_overwrites_an_existing_version(tmp_path: Path) -> None:
    make_version(tmp_path, "v1.0.0")
    (tmp_path / "v1.0.0" / "data.parquet").write_bytes(b"original")
    with (
        pytest.raises(VersionError, match="cannot create"),
        building(tmp_path, Version(1, 0, 0)) as tmp,
    ):
        write_json(tmp / MANIFEST, {})
    assert (tmp_path / "v1.0.0" / "data.parquet").read_bytes() == b"original"


def test_stale_build_of_a_dead_process_is_cleaned(tmp_path: Path) -> None:
    stale = tmp_path / ".building-v1.0.0-999999999"
    stale.mkdir()
    mine = tmp_path / f".building-v1.0.0-{os.getpid()}x"  # not a pid suffix: left alone
    mine.mkdir()
    with building(tmp_path, Version(1, 0, 0)) as tmp:
        write_json(tmp / MANIFEST, {})
    assert not stale.exists() and mine.exists()


def test_damaged_manifest_is_a_version_error(tmp_path: Path) -> None:
    make_version(tmp_path, "v1.0.0")
    (tmp_path / "v1.0.0" / MANIFEST).write_text("{not json")
    with pytest.raises(VersionError, match="damaged"):
        read_manifest(tmp_path / "v1.0.0")
    with pytest.raises(VersionError, match="not a version"):
        read_manifest(tmp_path)
    assert json.loads(json.dumps({"a": 1})) == {"a": 1}


def _grown(mini: Path, tmp_path: Path) -> Path:
    raw2 = tmp_path / "raw2"
    shutil.copytree(mini, raw2)
    csv = raw2 / "portal.csv"
    csv.write_text(csv.read_text().replace("ke tempat pengungsian sementara", "ke masjid terdekat"))
    (raw2 / "gempa.txt").unlink()
    (raw2 / "new.jsonl").write_text(
        json.dumps(
            {
                "judul": "Baru",
                "isi": "Artikel yang benar-benar baru tentang panen padi di Karawang.",
            }
        )
        + "\n"
    )
    return raw2


def test_diff_and_describe(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    v1 = pipeline.ingest([mini], cfg).version_dir
    v2 = pipeline.ingest([_grown(mini, tmp_path)], replace(cfg, rebuild=True)).version_dir
    result = diff(v1, v2)
    assert (result.old, result.new) == ("1.0.0", "1.1.0")
    counts = result.as_dict()["counts"]
    assert counts == {"added": 1, "removed": 1, "changed": 1, "unchanged": 2}
    old_ids, new_ids = data_ids(v1), data_ids(v2)
    (old_id, new_id) = result.changed[0]
    assert old_ids[old_id] == new_ids[new_id] == "https://www.example.co.id/read/2/banjir-bekasi"
    assert [r["version"] for r in describe(tmp_path / "out" / "mini")] == ["1.0.0", "1.1.0"]
    assert resolve(tmp_path / "out" / "mini", "latest") == v2
    assert resolve(tmp_path / "out" / "mini", "v1.0.0") == v1
    with pytest.raises(VersionError, match=r"known: 1\.0\.0, 1\.1\.0"):
        resolve(tmp_path / "out" / "mini", "3.0.0")


def test_cli_versions_and_diff(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    pipeline.ingest([mini], cfg)
    pipeline.ingest([_grown(mini, tmp_path)], replace(cfg, rebuild=True))
    common = ["--dataset", "mini", "--out", str(tmp_path / "out")]
    listed = runner.invoke(app, ["versions", *common, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert [
        (r["version"], r["parent"], r["counts"]["accepted"]) for r in json.loads(listed.stdout)
    ] == [
        ("1.0.0", None, 4),
        ("1.1.0", "1.0.0", 4),
    ]
    text = runner.invoke(app, ["versions", *common])
    assert "1.1.0" in text.stdout and "1.0.0" in text.stdout
    changed = runner.invoke(app, ["diff", "1.0.0", *common])
    assert changed.exit_code == 0, changed.output
    assert "v1.0.0 → v1.1.0: 1 added, 1 removed, 1 changed, 2 unchanged" in changed.stdout
    as_json = json.loads(
        runner.invoke(app, ["diff", "v1.0.0", "v1.1.0", *common, "--format", "json"]).stdout
    )
    assert as_json["counts"]["changed"] == 1
    missing = runner.invoke(app, ["diff", "9.9.9", *common])
    assert missing.exit_code == 2 and "Error: " in missing.stderr  # unknown version: usage


def test_remove_makes_a_version_without_them_and_shares_untouched_shards(
    mini: Path, tmp_path: Path
) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    v1 = pipeline.ingest([mini], cfg).version_dir
    before = {p: p.read_bytes() for p in v1.rglob("*") if p.is_file()}
    gempa = next(i for i, u in data_ids(v1).items() if u is None)
    v2, removed = remove(
        tmp_path / "out" / "mini",
        ids=[gempa],
        urls=["https://www.example.co.id/read/2/banjir-bekasi"],
        reason="takedown #12",
        cfg=cfg,
    )
    assert v2.name == "v1.1.0"
    assert sorted(r.table for r in removed) == ["data", "data"]
    assert len(data_ids(v2)) == 2 and gempa not in data_ids(v2)
    manifest = read_manifest(v2)
    assert manifest["counts"] == {
        "read": 9,
        "accepted": 2,
        "duplicates": 1,
        "rejected": 4,
        "removed": 2,
    }
    assert next((r["id"], r["reason"], r["version"]) for r in manifest["removals"]) == (
        gempa,
        "takedown #12",
        "1.1.0",
    )
    rejects = manifest["shards"]["rejects"][0]
    assert rejects["shared_from"] == "v1.0.0/rejects/train-00000-of-00001.parquet"
    assert rejects["link"] == "hardlink"
    assert (
        os.stat(v2 / rejects["path"]).st_ino
        == os.stat(v1 / "rejects/train-00000-of-00001.parquet").st_ino
    )
    assert "shared_from" not in manifest["shards"]["data"][0]  # rewritten without the rows
    assert {p: p.read_bytes() for p in v1.rglob("*") if p.is_file()} == before
    from corpus.audit import check_version

    assert check_version(v2, load=True).ok
    with pytest.raises(VersionError, match="no article"):
        remove(tmp_path / "out" / "mini", ids=["nope"], reason="x", cfg=cfg)
    with pytest.raises(VersionError, match="needs a --reason"):
        remove(tmp_path / "out" / "mini", ids=[gempa], reason=" ", cfg=cfg)


def test_cli_remove_from_file(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    pipeline.ingest([mini], cfg)
    listing = tmp_path / "takedown.txt"
    listing.write_text("# ticket 7\nhttps://mirror.example.net/cabai\n")
    common = ["--dataset", "mini", "--out", str(tmp_path / "out")]
    result = runner.invoke(
        app, ["remove", "--from-file", str(listing), "--reason", "ticket 7", *common]
    )
    assert result.exit_code == 0, result.output
    # the exact copy in duplicates/ (it holds the same text) goes with it
    assert "removed 2 articles" in result.stdout
    assert "duplicates c725e5386d6f5af2f1a027c8587279d0" in result.stdout
    nothing = runner.invoke(app, ["remove", "--reason", "x", *common])
    assert nothing.exit_code == 1 and "nothing to remove" in nothing.stderr


def test_remove_recomputes_the_summary(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    pipeline.ingest([mini], cfg)
    v2, _ = remove(
        tmp_path / "out" / "mini", urls=["https://wire.example.com/rates"], reason="x", cfg=cfg
    )
    assert read_manifest(v2)["summary"]["languages"] == {"id": 3}
