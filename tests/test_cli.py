from __future__ import annotations

import json
import subprocess
import sys
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


COMMANDS = [
    [],
    ["ingest"],
    ["validate"],
    ["publish"],
    ["versions"],
    ["diff"],
    ["remove"],
    ["boilerplate"],
    ["boilerplate", "learn"],
]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_reads_well(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert "<bool>" not in result.stdout  # flags are shown as flags
    assert "[OPTIONS]" in result.stdout


def test_help_keeps_brackets_and_one_meaning_per_option() -> None:
    text = " ".join(runner.invoke(app, ["ingest", "--help"]).stdout.split())
    assert "ray: Ray tasks (needs the extra corpus[ray])" in text
    assert "--as-version X.Y.Z" in text and "--version" not in text
    top = runner.invoke(app, ["--help"]).stdout
    assert "--version" in top and "Show the tool's version and exit." in top


def test_help_loads_no_heavy_module() -> None:
    # `corpus --help` must start fast: pyarrow, datasets, rich and the stages load in commands
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "corpus", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.startswith("Usage: ")
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in run.stderr.splitlines()}
    assert not loaded & {"pyarrow", "datasets", "rich", "numpy", "huggingface_hub"}, loaded


@pytest.mark.parametrize(("given", "used"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_the_command_chooses_arrows_allocator_unless_the_curator_has(
    monkeypatch: pytest.MonkeyPatch, given: str | None, used: str
) -> None:
    # the C library's allocator for the command and its workers (the variable, inherited);
    # read once, when pyarrow loads: so set by the command's module before anything loads it
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    if given is not None:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", given)
    probe = "import corpus.cli, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == used, done.stderr


def test_the_console_script_exits_with_the_commands_code_and_all_its_output(
    mini: Path, tmp_path: Path
) -> None:
    # ``cli.run`` leaves by os._exit: nothing printed may be lost, and the code is the command's
    done = subprocess.run(
        [sys.executable, "-m", "corpus", "ingest", str(mini), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith("time: ")  # the summary's last line
    assert (tmp_path / "news" / "v1.0.0" / "manifest.json").is_file()
    missing = subprocess.run(
        [sys.executable, "-m", "corpus", "versions", "--out", str(tmp_path / "none")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and missing.stderr.startswith("Error: no dataset 'news'")


def test_ingest_prints_summary_with_conservation(mini: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", str(mini), "--out", str(tmp_path / "out"), "--dataset", "mini"]
    )
    assert result.exit_code == 0, result.output
    assert f"Created {tmp_path / 'out' / 'mini' / 'v1.0.0'} (version 1.0.0)" in result.stdout
    assert "read 9 = accepted 4 + duplicates 1 + rejected 4 ✓" in result.stdout
    assert "languages: id 3, en 1" in result.stdout
    assert "skipped 1 file (listed in manifest.json):\n  notes.md: unsupported file type .md\n" in (
        result.stdout
    )
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
        "--as-version",
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
    assert "1 record in 1 file: all valid" in result.stdout


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
    assert "9 records in 3 files: 4 invalid" in lines[-1]


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


def test_an_ingest_that_accepts_nothing_exits_3_unless_allowed(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bad.jsonl").write_text('{"title": "no text"}\n[1, 2]\n')
    args = ["ingest", str(raw), "--out", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 3, result.output
    assert "read 2 = accepted 0 + duplicates 0 + rejected 2 ✓" in result.stdout
    assert "Error: no article was accepted: 2 records read" in " ".join(result.stderr.split())
    assert (tmp_path / "out" / "news" / "v1.0.0" / "manifest.json").is_file()  # the evidence
    allowed = runner.invoke(app, [*args, "--rebuild", "--allow-empty"])
    assert allowed.exit_code == 0, allowed.output
    assert (tmp_path / "out" / "news" / "v1.1.0" / "manifest.json").is_file()


def test_versions_and_diff_pipe_fit_and_unknown_names(mini: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    base = ["--out", out, "--dataset", "mini"]
    assert runner.invoke(app, ["ingest", str(mini), *base]).exit_code == 0
    first = json.loads((tmp_path / "out" / "mini" / "v1.0.0" / "manifest.json").read_text())
    article_id = next(iter(first["shards"]))  # any table name; the id comes from diff below
    assert article_id
    (mini / "more.jsonl").write_text(
        '{"isi": "Artikel tambahan tentang harga beras di Cianjur."}\n'
    )
    assert runner.invoke(app, ["ingest", str(mini), *base]).exit_code == 0
    diff = runner.invoke(app, ["diff", "1.0.0", *base, "--format", "json"])
    assert diff.exit_code == 0, diff.output
    added = json.loads(diff.stdout)["added"]  # nothing but JSON on stdout
    assert len(added) == 1
    removed = runner.invoke(app, ["remove", "--id", added[0], "--reason", "takedown #1", *base])
    assert removed.exit_code == 0, removed.output
    listing = runner.invoke(app, ["versions", *base])
    assert listing.exit_code == 0, listing.output
    lines = listing.stdout.splitlines()
    assert lines[0].split() == [
        "version", "parent", "created", "read", "accepted", "duplicates", "rejected", "removed", "MB"
    ]  # fmt: skip
    assert [line.split()[:3] for line in lines[1:]][2][:2] == ["1.2.0", "1.1.0"]
    assert lines[3].split()[7] == "1" and "…" not in listing.stdout
    created = json.loads(runner.invoke(app, ["versions", *base, "--format", "json"]).stdout)
    assert [r["counts"].get("removed", 0) for r in created] == [0, 0, 1]
    assert all(r["created_at"] in listing.stdout for r in created)  # full, never cut
    for args, message in [
        (["versions", "--out", out, "--dataset", "nope"], "no dataset 'nope' under"),
        (["diff", "9.9.9", *base], "is not a version (known: 1.0.0, 1.1.0, 1.2.0)"),
        (["diff", "banana", *base], "'banana' is not a version like v1.2.0"),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("Error: ") and message in result.stderr


def test_validate_a_version_as_json_prints_only_json(mini: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["ingest", str(mini), "--out", str(tmp_path / "out")])
    version = tmp_path / "out" / "news" / "v1.0.0"
    result = runner.invoke(app, ["validate", str(version), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True
    assert result.stderr == ""  # no progress bars from datasets' load check
    # the dataset folder stands for its versions: no manifest read as an article, no skips
    folder = runner.invoke(app, ["validate", str(version.parent), "--skip-load"])
    assert folder.exit_code == 0, folder.output
    assert folder.stdout.splitlines() == ["9 records in 12 files: all valid"]


def test_every_error_is_one_clean_line_and_debug_shows_the_traceback(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["ingest", str(mini), "--out", str(blocker / "out")])
    assert result.exit_code == 1, result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: {blocker}/out/") and last.endswith(": Not a directory")
    assert "Traceback" not in result.stderr

    from corpus import versions

    def broken(_: Path) -> None:
        raise RuntimeError("a bug")

    (tmp_path / "processed" / "news").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(versions, "describe", broken)
    result = runner.invoke(app, ["versions"])
    assert result.exit_code == 70
    assert result.stderr.startswith("Error: internal error: RuntimeError: a bug")
    assert "Traceback" not in result.stderr
    debug = runner.invoke(app, ["--debug", "versions"])
    assert debug.exit_code == 70 and "Traceback (most recent call last)" in debug.stderr
