"""``corpus validate`` on written versions (corpus.audit): every listed file, every file present,
schemas, counts, card, load_dataset; damage of any kind is a finding, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from corpus import pipeline, versions
from corpus.audit import check_version, version_dirs
from corpus.cli import app
from corpus.config import Config
from corpus.errors import VersionError
from corpus.manifest import DIGEST_KEY, Manifest, manifest_digest
from corpus.records import ARTICLE_SCHEMA, DUPLICATE_SCHEMA
from corpus.shards import file_sha256
from corpus.validate import json_schema, load_schema

from .conftest import DATA

runner = CliRunner()
DATA_SHARD = "data/train-00000-of-00001.parquet"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One version of tests/data/mini, written once per module; tests change copies of it."""
    root = tmp_path_factory.mktemp("written")
    shutil.copytree(DATA / "mini", root / "raw")
    cfg = Config(dataset="mini", out=root / "out")
    result = pipeline.ingest([root / "raw"], cfg, created_at=datetime(2026, 1, 2, tzinfo=UTC))
    return result.version_dir


@pytest.fixture
def version(written: Path, tmp_path: Path) -> Path:
    """A private copy of the written version (named v1.0.0, like the original)."""
    return Path(shutil.copytree(written, tmp_path / "mini" / written.name))


def files_of(version_dir: Path) -> list[str]:
    """Every file of a version, relative to it (the run report excepted: never audited)."""
    return sorted(
        p.relative_to(version_dir).as_posix()
        for p in version_dir.rglob("*")
        if p.is_file() and p.name != "report.json"
    )


def reasons(version_dir: Path, load: bool = False) -> list[tuple[str, str]]:
    report = check_version(version_dir, load=load)
    return [(Path(f.file).name, f.reason) for f in report.findings]


def rewrite_manifest(version_dir: Path, change: Callable[[dict[str, object]], None]) -> None:
    """Change the manifest and seal it again, as a tool that knows the format would: the checks
    under test must catch the change on their own, not through the seal."""
    path = version_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    manifest[DIGEST_KEY] = manifest_digest(manifest)
    path.write_text(json.dumps(manifest))


def cli_json(*args: str) -> tuple[int, dict[str, object]]:
    """``corpus validate ARGS --format json``: exit code and the JSON (stdout must be only that)."""
    result = runner.invoke(app, ["validate", *args, "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout)


# --------------------------------------------------------------------------- schemas


def test_committed_article_schema_matches_the_records() -> None:
    assert load_schema("article.schema.json") == json_schema(ARTICLE_SCHEMA, "article"), (
        "schemas/article.schema.json is stale: regenerate it with `uv run python -m corpus.validate`"
    )


# --------------------------------------------------------------------------- a good version


def test_a_fresh_version_is_valid_and_loads(version: Path) -> None:
    report = check_version(version, load=True)
    assert report.ok, report.findings
    assert report.records == 4 + 1 + 4
    shown = {Path(f).relative_to(version).as_posix() for f in report.files}
    assert shown == {*files_of(version)}, "every file of the version is audited"


def test_every_file_but_the_manifest_and_report_is_listed(version: Path) -> None:
    manifest = json.loads((version / "manifest.json").read_text())
    listed = {
        e["path"]
        for table in manifest["shards"].values()
        for e in table
        if isinstance(e, dict) and "path" in e
    }
    listed |= {e["path"] for key in ("dedup_index", "learned") for e in manifest[key]["files"]}
    listed.add(manifest["card"]["path"])
    assert set(files_of(version)) - listed == {"manifest.json"}


# --------------------------------------------------------------------------- every file tampered


def flip_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def delete(path: Path) -> None:
    path.unlink()


#: Every file of a written version but the run report, which is not part of it (never listed,
#: never published); ``test_the_tampered_files_are_every_file`` keeps this list complete.
FILES = [
    "README.md",
    DATA_SHARD,
    "dedup/index.parquet",
    "dedup/signatures.npy",
    "duplicates/train-00000-of-00001.parquet",
    # a part of the learned statistics per part of the publishers (learned.part_of)
    "learned/line_stats-06.parquet",
    "learned/line_stats-09.parquet",
    "learned/line_stats-11.parquet",
    "learned/line_stats-37.parquet",
    "learned/line_stats-50.parquet",
    "manifest.json",
    "rejects/train-00000-of-00001.parquet",
]


def test_the_tampered_files_are_every_file(written: Path) -> None:
    assert files_of(written) == FILES


@pytest.mark.parametrize(
    ("rel", "tamper"),
    [pytest.param(rel, tamper) for rel in FILES for tamper in (flip_middle, truncate, delete)],
)
def test_every_tampered_file_of_a_version_is_caught(
    version: Path, rel: str, tamper: Callable[[Path], None]
) -> None:
    """A byte flipped mid-file, the file cut in half, or deleted: rc 1 and a finding names it."""
    tamper(version / rel)
    code, report = cli_json(str(version), "--skip-load")
    assert code == 1
    assert (version / rel).as_posix() in {e["file"] for e in report["errors"]}  # type: ignore[union-attr,index]


@pytest.mark.parametrize("folder", ["", "data", "duplicates", "rejects", "dedup", "data/extra"])
@pytest.mark.parametrize("name", ["stray.parquet", ".DS_Store"])
def test_a_stray_file_anywhere_is_caught(version: Path, folder: str, name: str) -> None:
    (version / folder).mkdir(parents=True, exist_ok=True)
    (version / folder / name).write_bytes(b"PAR1 not listed")
    code, report = cli_json(str(version), "--skip-load")
    assert code == 1
    errors = report["errors"]
    assert [(e["file"], e["reason"]) for e in errors] == [  # type: ignore[union-attr]
        ((version / folder / name).as_posix(), "unlisted")
    ]


def test_a_bit_flipped_mid_shard_is_a_finding_not_a_traceback(version: Path) -> None:
    """A flip inside the compressed pages of the text column: ZSTD fails when it is decoded."""
    shard = version / DATA_SHARD
    meta = pq.ParquetFile(shard).metadata
    column = next(
        meta.row_group(0).column(i)
        for i in range(meta.num_columns)
        if meta.row_group(0).column(i).path_in_schema == "text"
    )
    data = bytearray(shard.read_bytes())
    data[column.data_page_offset + column.total_compressed_size // 2] ^= 0x55
    shard.write_bytes(bytes(data))
    result = runner.invoke(app, ["validate", str(version), "--skip-load"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    found = [f for f in check_version(version, load=False).findings if f.reason == "parquet"]
    assert [Path(f.file).name for f in found] == [Path(DATA_SHARD).name]
    assert "row group 0 cannot be read" in found[0].message


@given(st.data())
def test_any_bit_flip_in_any_listed_file_is_caught_without_raising(
    written: Path, data: st.DataObject
) -> None:
    """Flip one bit anywhere in a listed file of the written version, audit, restore."""
    rel = data.draw(st.sampled_from([f for f in files_of(written) if "/" in f]))
    path = written / rel
    original = path.read_bytes()
    offset = data.draw(st.integers(0, len(original) - 1))
    bit = data.draw(st.integers(0, 7))
    changed = bytearray(original)
    changed[offset] ^= 1 << bit
    path.write_bytes(bytes(changed))
    try:
        report = check_version(written, load=False)
    finally:
        path.write_bytes(original)
    assert (path.as_posix(), "sha256") in {(f.file, f.reason) for f in report.findings}


def test_a_damaged_dedup_index_is_caught(version: Path) -> None:
    index = version / "dedup" / "index.parquet"
    data = bytearray(index.read_bytes())
    data[-12] ^= 0x01  # in the footer's length/metadata: the file no longer opens
    index.write_bytes(bytes(data))
    found = reasons(version)
    assert ("index.parquet", "sha256") in found
    assert ("index.parquet", "parquet") in found


# --------------------------------------------------------------------------- the manifest


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"version": "1.0.0", "shards": {', "not valid JSON at line 1"),
        (b"\xff\xfe{}", "not UTF-8 at byte 0"),
        (b"[1, 2]", "not a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deep"),
    ],
)
def test_a_damaged_manifest_is_a_finding(version: Path, content: bytes, message: str) -> None:
    (version / "manifest.json").write_bytes(content)
    code, report = cli_json(str(version))
    assert code == 1
    (error,) = report["errors"]  # type: ignore[misc]
    assert error["file"] == (version / "manifest.json").as_posix()
    assert message in error["message"]


def test_a_lost_manifest_is_reported_for_a_folder_named_like_a_version(version: Path) -> None:
    (version / "manifest.json").unlink()
    code, report = cli_json(str(version))
    assert code == 1
    assert report["skipped"] == []  # not read as raw input
    assert [e["message"] for e in report["errors"]] == [  # type: ignore[union-attr]
        "is missing, so nothing in this version can be checked"
    ]


def test_malformed_and_escaping_entries_are_findings_and_never_read(version: Path) -> None:
    def change(m: dict[str, object]) -> None:
        shards = m["shards"]
        assert isinstance(shards, dict)
        shards["data"][0]["path"] = "../../../etc/passwd"
        shards["rejects"][0]["sha256"] = "nope"
        shards["duplicates"].append(shards["duplicates"][0])

    rewrite_manifest(version, change)
    report = check_version(version, load=False)
    messages = {(f.pointer, f.message) for f in report.findings if f.reason == "manifest"}
    assert messages == {
        (
            "/shards/data/0",
            "path '../../../etc/passwd' is not a relative path inside the version folder",
        ),
        ("/shards/rejects/0", "sha256 'nope' is not 64 hex digits"),
        (
            "/shards/duplicates/1",
            "lists duplicates/train-00000-of-00001.parquet twice "
            "(/shards/duplicates/0 and /shards/duplicates/1)",
        ),
    }
    assert not any("passwd" in f.file for f in report.findings)
    # the shards no longer listed are strays now
    assert {(Path(f.file).name, f.reason) for f in report.findings} >= {
        ("train-00000-of-00001.parquet", "unlisted")
    }


def test_unlisted_files_and_wrong_counts_are_caught(version: Path) -> None:
    (version / "data" / "train-extra.parquet").write_bytes(b"x")

    def change(m: dict[str, object]) -> None:
        m["shards"]["rejects"][0]["rows"] = 5  # type: ignore[index]
        m["counts"]["accepted"] = 3  # type: ignore[index]

    rewrite_manifest(version, change)
    found = reasons(version)
    assert ("train-extra.parquet", "unlisted") in found
    assert ("train-00000-of-00001.parquet", "rows") in found
    assert ("manifest.json", "counts") in found
    assert ("manifest.json", "conservation") in found


def test_a_renamed_version_folder_is_caught(version: Path) -> None:
    renamed = version.rename(version.with_name("v2.0.0"))
    assert ("manifest.json", "version") in reasons(renamed)


def test_a_symlink_in_a_version_is_caught(version: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.parquet"
    shutil.move(version / DATA_SHARD, outside)
    os.symlink(outside, version / DATA_SHARD)
    os.symlink(tmp_path, version / "elsewhere")
    found = reasons(version)
    assert ("train-00000-of-00001.parquet", "symlink") in found
    assert ("elsewhere", "symlink") in found


def test_a_manifest_checksum_catches_a_change_nothing_else_can(version: Path) -> None:
    """created_at and the inputs' sha256 are confirmed by no other file: only a checksum of the
    manifest itself catches a change to them."""
    rewrite_manifest(version, lambda m: m.update({DIGEST_KEY: manifest_digest(m)}))
    assert check_version(version, load=False).ok
    path = version / "manifest.json"
    path.write_text(path.read_text().replace("2026-01-02", "2026-01-03"))
    assert reasons(version) == [("manifest.json", "manifest")]


def test_the_writer_seals_its_manifest(version: Path) -> None:
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest.get(DIGEST_KEY) == manifest_digest(manifest)


def test_the_writer_lists_the_card(version: Path) -> None:
    card = version / "README.md"
    card.write_text(card.read_text().replace("deduplicated", "de-duplicated"))
    assert ("README.md", "sha256") in reasons(version)


def test_a_new_listed_artefact_is_checked_without_new_code(version: Path) -> None:
    """Whatever the manifest lists with path + sha256 (a future artefact, say) is audited."""
    stats = version / "future" / "lines.json"
    stats.parent.mkdir()
    stats.write_text('{"example.co.id": 3}')
    entry = {"path": "future/lines.json", "bytes": stats.stat().st_size}
    rewrite_manifest(
        version, lambda m: m.update(future={"files": [{**entry, "sha256": file_sha256(stats)}]})
    )
    assert check_version(version, load=False).ok
    stats.write_text('{"example.co.id": 4}')
    assert reasons(version) == [("lines.json", "sha256")]


# --------------------------------------------------------------------------- rows and card


def test_rows_are_checked_against_the_article_schema_and_ids_are_unique(version: Path) -> None:
    shard = version / DATA_SHARD
    rows = pq.read_table(shard).to_pylist()
    rows[1]["published_at"] = "kemarin sore"
    rows.append(dict(rows[0]))
    pq.write_table(pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA), shard, compression="zstd")

    def change(m: dict[str, object]) -> None:
        m["shards"]["data"][0].update(  # type: ignore[index]
            rows=len(rows), bytes=shard.stat().st_size, sha256=file_sha256(shard)
        )

    rewrite_manifest(version, change)
    report = check_version(version, load=False)
    by_reason = {f.reason: f for f in report.findings}
    assert by_reason["article_schema"].row == 2
    assert by_reason["article_schema"].pointer == "/published_at"
    assert by_reason["duplicate_id"].row == 5
    assert "counts" in by_reason  # 5 rows in data but counts.accepted is 4


def test_every_duplicate_copies_an_article_in_data(version: Path) -> None:
    shard = version / "duplicates" / "train-00000-of-00001.parquet"
    rows = pq.read_table(shard).to_pylist()
    rows[0]["duplicate_of"] = "0" * 32
    pq.write_table(pa.Table.from_pylist(rows, schema=DUPLICATE_SCHEMA), shard, compression="zstd")

    def change(m: dict[str, object]) -> None:
        m["shards"]["duplicates"][0].update(  # type: ignore[index]
            bytes=shard.stat().st_size, sha256=file_sha256(shard)
        )

    rewrite_manifest(version, change)
    (finding,) = check_version(version, load=False).findings
    assert (finding.reason, finding.row, finding.message) == (
        "duplicate_of",
        1,
        f"duplicate_of {'0' * 32} is no article in data (nor a removed one)",
    )


def test_the_card_must_match_the_shards(version: Path) -> None:
    card = version / "README.md"
    card.write_text(card.read_text().replace("num_examples: 4", "num_examples: 40", 1))
    assert ("README.md", "card") in reasons(version)


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ("- a list\n", "not a mapping"),
        ("configs: [\n", "not valid Hub metadata"),
        ("", "not a mapping"),
    ],
)
def test_a_damaged_card_is_a_finding(version: Path, front_matter: str, message: str) -> None:
    (version / "README.md").write_text(f"---\n{front_matter}---\n# card\n")
    report = check_version(version, load=False)
    found = [(Path(f.file).name, f.reason) for f in report.findings]
    # the listed card's bytes and sha256 no longer match, and its metadata is unreadable
    assert found == [("README.md", "bytes"), ("README.md", "sha256"), ("README.md", "card")]
    assert message in report.findings[-1].message


# --------------------------------------------------------------------------- the CLI


def test_cli_validates_versions(version: Path) -> None:
    ok = runner.invoke(app, ["validate", str(version)])
    assert ok.exit_code == 0, ok.output
    assert "9 records in 12 files: all valid" in ok.stdout
    (version / "rejects" / "train-00000-of-00001.parquet").unlink()
    code, report = cli_json(str(version), "--skip-load")
    assert code == 1
    errors = report["errors"]
    assert [(Path(e["file"]).name, e["reason"]) for e in errors] == [  # type: ignore[union-attr]
        ("train-00000-of-00001.parquet", "missing")
    ]


def test_json_output_is_only_json_and_datasets_stays_quiet(version: Path) -> None:
    result = runner.invoke(app, ["validate", str(version), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True
    assert result.stderr == ""  # no progress bars, no "Generating train split"


def test_a_dataset_folder_audits_every_version(version: Path) -> None:
    dataset_dir = version.parent
    first = json.loads((version / "manifest.json").read_text())
    data_rows = pq.read_table(version / DATA_SHARD).to_pylist()
    second, _ = versions.remove(
        dataset_dir, ids=[data_rows[0]["id"]], reason="takedown request", cfg=Config()
    )
    assert version_dirs(dataset_dir) == [version, second]
    assert version_dirs(dataset_dir.parent) == [version, second]
    result = runner.invoke(app, ["validate", str(dataset_dir), "--skip-load"])
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.stdout
    assert result.stdout.startswith(f"{2 * first['counts']['read'] - 1} records in ")
    flip_middle(version / "dedup" / "signatures.npy")  # shared by v1.1.0 as a hard link or copy
    code, report = cli_json(str(dataset_dir), "--skip-load")
    assert code == 1
    named = {Path(e["file"]).relative_to(dataset_dir).as_posix() for e in report["errors"]}  # type: ignore[union-attr,index]
    linked = (second / "dedup" / "signatures.npy").stat().st_ino == (
        version / "dedup" / "signatures.npy"
    ).stat().st_ino
    assert named == {"v1.0.0/dedup/signatures.npy"} | (
        {"v1.1.0/dedup/signatures.npy"} if linked else set()
    )


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda card: card.unlink(), "the dataset card README.md is missing"),
        (lambda card: card.write_bytes(b"---\n\xff\n---\n"), "is damaged: not UTF-8 at byte 4"),
    ],
)
def test_an_unreadable_card_is_a_finding(
    version: Path, damage: Callable[[Path], None], message: str
) -> None:
    card = version / "README.md"
    damage(card)
    findings = check_version(version, load=False).findings
    assert [f.message for f in findings if f.reason == "card"] == [message]


def test_the_typed_manifest_reads_through_the_same_reader(version: Path) -> None:
    (version / "manifest.json").write_bytes(b"\xff")
    with pytest.raises(VersionError, match=r"manifest\.json is damaged: not UTF-8 at byte 0"):
        Manifest.read(version)
    (version / "manifest.json").unlink()
    with pytest.raises(VersionError, match=r"is not a version: no manifest\.json"):
        Manifest.read(version)
