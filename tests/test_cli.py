from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus import __version__
from corpus.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"corpus {__version__}"


@pytest.mark.parametrize("command", [[], ["ingest"], ["validate"]])
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_ingest_prints_summary_with_conservation(mini: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", str(mini), "--out", str(tmp_path / "out"), "--dataset", "mini"]
    )
    assert result.exit_code == 0, result.output
    assert f"Created {tmp_path / 'out' / 'mini' / 'v1.0.0'} (version 1.0.0)" in result.stdout
    assert "read 9 = accepted 4 + duplicates 1 + rejected 4 ✓" in result.stdout
    assert "languages: id 3, en 1" in result.stdout
    assert "skipped 1 unsupported file(s)" in result.stdout
    again = runner.invoke(
        app, ["ingest", str(mini), "--out", str(tmp_path / "out"), "--dataset", "mini"]
    )
    assert again.exit_code == 0, again.output
    assert "Nothing new: " in again.stdout and "already holds every input file" in again.stdout
    (mini / "more.jsonl").write_text(
        '{"isi": "Artikel tambahan tentang harga beras di Cianjur."}\n'
    )
    third = runner.invoke(
        app,
        [
            "ingest",
            str(mini),
            "--out",
            str(tmp_path / "out"),
            "--dataset",
            "mini",
            "--bump",
            "major",
        ],
    )
    assert third.exit_code == 0, third.output
    assert "(version 2.0.0)" in third.stdout
    assert "read 1 = accepted 1 + duplicates 0 + rejected 0 ✓" in third.stdout
    assert "version total: accepted 5, duplicates 1, rejected 4" in third.stdout
    rebuilt = runner.invoke(
        app, ["ingest", str(mini), "--out", str(tmp_path / "out"), "--dataset", "mini", "--rebuild"]
    )
    assert "(version 2.1.0)" in rebuilt.stdout
    assert "read 10 = accepted 5 + duplicates 1 + rejected 4 ✓" in rebuilt.stdout


def test_ingest_explicit_version_and_map(mini: Path, tmp_path: Path) -> None:
    args = [
        "ingest",
        str(mini),
        "--out",
        str(tmp_path),
        "--version",
        "2.0.0",
        "--map",
        "title=judul",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "news" / "v2.0.0" / "manifest.json").is_file()
    again = runner.invoke(app, [*args, "--rebuild"])
    assert again.exit_code == 1
    assert (
        "Error: " in again.stderr
        and "already exists; versions are never overwritten" in again.stderr
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["ingest", "does/not/exist"], 2, "does not exist"),
        (
            ["ingest", "{mini}", "--map", "headline=judul"],
            2,
            "Error: cannot map onto unknown field 'headline'",
        ),
        (["ingest", "{mini}", "--map", "judul"], 2, "Error: --map expects FIELD=COLUMN"),
        (["ingest", "{mini}", "--dataset", "a/b"], 2, "Error: dataset name 'a/b' is not valid"),
        (["ingest", "{empty}"], 1, "Error: no readable files under"),
        (["validate", "{mini}", "--format", "xml"], 2, "Invalid value for '--format'"),
    ],
)
def test_errors_name_the_problem_and_exit_non_zero(
    mini: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    (tmp_path / "empty").mkdir()
    filled = [a.format(mini=mini, empty=tmp_path / "empty") for a in args]
    result = runner.invoke(
        app, [*filled, "--out", str(tmp_path / "out")] if filled[0] == "ingest" else filled
    )
    assert result.exit_code == code, result.output
    assert message in " ".join(result.stderr.split())
    assert not (tmp_path / "out").exists()


def test_validate_ok_exits_zero() -> None:
    result = runner.invoke(app, ["validate", str(Path(__file__).resolve().parents[1] / "raw")])
    assert result.exit_code == 0, result.output
    assert "1 records in 1 file(s): all valid" in result.stdout


def test_validate_text_names_file_row_pointer(mini: Path) -> None:
    result = runner.invoke(app, ["validate", str(mini)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        f"{mini}/portal.csv:6 (row 3): /: 'text' is required but no column maps to it (map one with --map FIELD=COLUMN) [required]"
        in lines
    )
    assert (
        f"{mini}/wire.jsonl:3 (row 3): /title: 42 is of type integer, expected string or null [type]"
        in lines
    )
    assert "9 records in 3 file(s): 4 invalid" in lines[-1]


def test_validate_json(mini: Path) -> None:
    result = runner.invoke(app, ["validate", str(mini), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["ok"], data["records"], data["invalid"]) == (False, 9, 4)
    assert {e["code"] for e in data["errors"]} == {"required", "type", "json"}


def test_validate_github_annotations(mini: Path) -> None:
    result = runner.invoke(app, ["validate", str(mini), "--format", "github"])
    assert result.exit_code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 4
    assert (
        f"::error file={mini}/wire.jsonl,line=3,title=corpus validate%3A schema::row 3: /title: 42 is of type integer, expected string or null"
        in annotations
    )
