"""The README cannot drift from the tool: its generated parts are current and every console
transcript in it runs, as written, with the output it shows (see tests/readme.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tests.readme import README, REPO, console_steps, make_sandbox, matches, run_step


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


def test_every_console_transcript_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = console_steps(README.read_text(encoding="utf-8"))
    assert len(steps) >= 10
    monkeypatch.chdir(make_sandbox(tmp_path))
    env = {"SOURCE_DATE_EPOCH": "1767225600", "HF_TOKEN": ""}  # created_at 2026-01-01
    ran = 0
    for step in steps:
        if step.needs_shared and not SHARED.is_dir():
            continue
        actual = run_step(step, env)
        assert matches(step.expected, actual), (
            f"README.md:{step.line}: $ {step.command}\n--- README shows:\n"
            + "\n".join(step.expected)
            + "\n--- the tool printed:\n"
            + "\n".join(actual)
        )
        ran += 1
    assert ran >= 10


def test_the_wildcards_can_fail() -> None:
    assert matches(("a ... c", "..."), ["a b c", "x", "y"])
    assert not matches(("a ... c",), ["a b d"])
    assert not matches(("one",), ["one", "two"])
    assert matches(("...", "last"), ["x", "last"]) and not matches(("...", "last"), ["x"])
