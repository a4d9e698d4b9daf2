from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from corpus.errors import VersionError
from corpus.versions import (
    MANIFEST,
    Version,
    building,
    list_versions,
    next_version,
    read_manifest,
    write_json,
)


def make_version(dataset_dir: Path, name: str) -> None:
    (dataset_dir / name).mkdir(parents=True)
    (dataset_dir / name / MANIFEST).write_text("{}")


def test_version_parse_order_and_names() -> None:
    assert Version.parse("v1.2.3") == Version.parse("1.2.3") == Version(1, 2, 3)
    assert Version(1, 10, 0) > Version(1, 9, 9)
    assert Version(1, 2, 3).dirname == "v1.2.3"
    assert str(Version(1, 2, 3).next_minor()) == "1.3.0"
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
    assert read_manifest(tmp_path / "v1.0.0") == {"ok": True}
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
