"""Tested documentation: what keeps README.md true to the tool.

Two mechanisms, both easy to extend when the README grows:

- **cog blocks** generate text from the code (``--help`` texts, the exit-code table):
  ``uv run cog -r -I . README.md`` rewrites them; ``tests/test_readme.py`` fails when they are
  stale (``cog --check``).
- **console blocks** (a fenced block whose info string is ``console``) are transcripts: every
  ``$ uv run corpus ...`` line is run, in order, in one sandbox (a temporary folder holding
  copies of ``raw/`` and ``tests/data/``), and its output must match the lines below it. In the
  expected output, ``...`` inside a line matches any text, and a line that is only ``...``
  matches any number of lines (timings, dates). A command ending in ``; echo "exit $?"`` shows
  its exit code, as a shell would.
- **python blocks** are run too, in the same sandbox and in document order: an example that
  raises fails the test, and each top-level ``print(...)  # shown`` must print what its comment
  shows (``...`` is a wildcard there too).

A block preceded by ``<!-- readme: needs ../shared -->`` runs only when the shared corpora are
present; one preceded by ``<!-- readme: not run (why) -->`` (e.g. it needs the Hub) is not run.
``bash``, ``toml`` and ``yaml`` blocks are templates with placeholders, never run.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from corpus.cli import COMMAND_EXIT_CODES, EXIT_CODES, app

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
HELP_WIDTH = 80  # the width --help texts are rendered at in the README
_ECHO_EXIT = '; echo "exit $?"'
_NEEDS_SHARED = "<!-- readme: needs ../shared -->"
_NOT_RUN = "<!-- readme: not run"
_FENCE = re.compile(r"^```(console|python)\n(.*?)^```", re.S | re.M)


def run_corpus(args: list[str], env: dict[str, str] | None = None) -> tuple[str, int]:
    """``corpus ARGS`` in this process: its output (stdout and stderr, interleaved) and exit code."""
    # help wraps at a fixed width here, whatever the terminal running the tests
    result = CliRunner().invoke(app, args, prog_name="corpus", env=env, terminal_width=HELP_WIDTH)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.output, result.exit_code


def help_block(*command: str) -> str:
    """A console block of ``corpus COMMAND --help`` with its output (for cog)."""
    text, code = run_corpus([*command, "--help"])
    assert code == 0, text
    shown = " ".join(["uv run corpus", *command, "--help"])
    return f"```console\n$ {shown}\n{text.rstrip()}\n```\n"


def exit_codes_table() -> str:
    """The README's exit-code tables, from ``corpus.cli`` (for cog)."""
    lines = ["| code | meaning |", "|---:|---|"]
    lines += [f"| {code} | {meaning} |" for code, meaning in EXIT_CODES.items()]
    lines += ["", "| command | exit codes |", "|---|---|"]
    lines += [
        f"| `corpus {name}` | {', '.join(map(str, codes))} |"
        for name, codes in COMMAND_EXIT_CODES.items()
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Step:
    """One ``$ command`` of a console block and the output the README shows for it."""

    line: int  # in README.md, for messages
    command: str
    expected: tuple[str, ...]
    needs_shared: bool


@dataclass(frozen=True, slots=True)
class Code:
    """A python block of the README."""

    line: int
    source: str
    needs_shared: bool


def examples(text: str) -> list[Step | Code]:
    """Every command of every console block and every python block, in document order."""
    found: list[Step | Code] = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip().splitlines()
        marker = before[-1].strip() if before else ""
        if marker.startswith(_NOT_RUN):
            continue
        needs_shared = marker == _NEEDS_SHARED
        first_line = text[: match.start(2)].count("\n") + 1
        if match.group(1) == "python":
            found.append(Code(first_line, match.group(2), needs_shared))
        else:
            found.extend(_console_steps(match.group(2), first_line, needs_shared))
    return found


def console_steps(text: str) -> list[Step]:
    """Every command of every console block of a Markdown text, in order."""
    return [e for e in examples(text) if isinstance(e, Step)]


def _console_steps(block: str, first_line: int, needs_shared: bool) -> list[Step]:
    steps: list[Step] = []
    command: tuple[int, str] | None = None
    output: list[str] = []
    for offset, line in enumerate(block.splitlines()):
        if line.startswith("$ "):
            if command:
                steps.append(Step(*command, tuple(output), needs_shared))
            command, output = (first_line + offset, line[2:]), []
        elif command:
            output.append(line)
    if command:
        steps.append(Step(*command, tuple(output), needs_shared))
    return steps


def run_code(code: Code) -> list[str]:
    """Run a python block in the current folder; the lines it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.source, f"README.md:{code.line}", "exec"), {"__name__": "__readme__"})
    return out.getvalue().splitlines()


def printed(code: Code) -> tuple[str, ...]:
    """What a python block says it prints: the comment after each ``print(...)`` line."""
    return tuple(
        line.split("  # ", 1)[1].strip()
        for line in code.source.splitlines()
        if line.startswith("print(") and "  # " in line
    )


def run_step(step: Step, env: dict[str, str] | None = None) -> list[str]:
    """Run a step's command (``uv run corpus ...`` only) in the current folder; its lines."""
    command, echo = step.command, step.command.endswith(_ECHO_EXIT)
    if echo:
        command = command[: -len(_ECHO_EXIT)]
    args = shlex.split(command)
    if args[:3] != ["uv", "run", "corpus"]:
        raise ValueError(f"README.md:{step.line}: console blocks run `uv run corpus` only")
    output, code = run_corpus(args[3:], env)
    lines = output.rstrip("\n").splitlines() if output.strip() else []
    return [*lines, f"exit {code}"] if echo else lines


def matches(expected: tuple[str, ...], actual: list[str]) -> bool:
    """Whether ``actual`` fits ``expected``, where ``...`` is a wildcard (see the module doc)."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in head.split("..."))
    return re.fullmatch(pattern, actual[0].rstrip()) is not None and matches(rest, actual[1:])


def make_sandbox(root: Path) -> Path:
    """A folder to run the README in: copies of ``raw/`` and ``tests/data/``, and ``../shared``
    beside it when the repository has one."""
    sandbox = root / "corpus"
    sandbox.mkdir(parents=True)
    shutil.copytree(REPO / "raw", sandbox / "raw")
    shutil.copytree(REPO / "tests" / "data", sandbox / "tests" / "data")
    shared = REPO.parent / "shared"
    if shared.is_dir():
        os.symlink(shared, root / "shared")
    return sandbox
