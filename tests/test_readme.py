"""The README cannot drift from the tool: its generated parts are current and every console
transcript in it runs, as written, with the output it shows (see tests/readme.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tests.readme import (
    README,
    REPO,
    Code,
    Step,
    examples,
    make_sandbox,
    matches,
    printed,
    run_code,
    run_step,
)


def test_generated_parts_are_current() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "-I", ".", "README.md"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, (
        f"README.md is stale; run: uv run cog -r -I . README.md\n{run.stdout}{run.stderr}"
    )


def test_every_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datasets

    found = examples(README.read_text(encoding="utf-8"))
    assert sum(isinstance(e, Step) for e in found) >= 10
    assert sum(isinstance(e, Code) for e in found) >= 2
    monkeypatch.chdir(make_sandbox(tmp_path))
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf-cache")
    env = {"SOURCE_DATE_EPOCH": "1767225600", "HF_TOKEN": ""}  # created_at 2026-01-01
    ran = 0
    for example in found:
        if example.needs_shared and not SHARED.is_dir():
            continue
        ran += 1
        if isinstance(example, Code):
            shown = run_code(example)
            assert matches(printed(example), shown), f"README.md:{example.line}: printed {shown}"
            continue
        actual = run_step(example, env)
        assert matches(example.expected, actual), (
            f"README.md:{example.line}: $ {example.command}\n--- README shows:\n"
            + "\n".join(example.expected)
            + "\n--- the tool printed:\n"
            + "\n".join(actual)
        )
    assert ran >= 12


def test_the_wildcards_can_fail() -> None:
    assert matches(("a ... c", "..."), ["a b c", "x", "y"])
    assert not matches(("a ... c",), ["a b d"])
    assert not matches(("one",), ["one", "two"])
    assert matches(("...", "last"), ["x", "last"]) and not matches(("...", "last"), ["x"])
