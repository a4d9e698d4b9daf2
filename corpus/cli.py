"""The ``corpus`` command: options -> config -> one library call -> a short summary.

This is the only module that prints or exits. Every exception of a command becomes
``Error: <message>`` on stderr and an exit code in one place, ``_CorpusGroup.invoke``
(``EXIT_CODES`` lists them; ``--debug`` adds the traceback). Heavy modules (pyarrow, datasets,
rich, the pipeline) are imported inside the commands, so ``corpus --help`` starts fast.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from corpus.errors import CorpusError, UsageError

# Arrow's allocator for this process and the workers it starts (they inherit the variable; it
# is read once, when pyarrow loads): the C library's, not Arrow's default mimalloc, which hands
# freed pages back to the system within milliseconds and faults them in again for the next
# table. Measured on an ingest of the 2019 corpus with two workers: system CPU 0.8 -> 0.3 s,
# the driver's Parquet writing 0.9 -> 0.35 CPU s, its peak RSS 288 -> 212 MB. A curator's own
# setting of the variable stands.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

if TYPE_CHECKING:
    from rich.console import Console

    from corpus.config import Config
    from corpus.storage import Mirror
    from corpus.validate import Report
    from corpus.versions import IngestResult

#: What each exit code means, for every command (the README's table is generated from this).
EXIT_CODES: dict[int, str] = {
    0: "success (`ingest`: a version was created, or nothing was new; `validate`: all valid; "
    "`publish --dry-run`: the plan was printed)",
    1: "the command failed: invalid records or a damaged version (`validate`), a publish that "
    "was refused or failed, an input or output that cannot be read or written",
    2: "usage error: a bad option or argument, an invalid configuration, an unknown dataset or "
    "version",
    3: "`ingest` accepted no article (every record was rejected or a duplicate); the version is "
    "still written, as evidence; `--allow-empty` makes this exit 0",
    70: "internal error (a bug): the message names the exception; `--debug` shows the traceback",
    130: "interrupted (Ctrl-C)",
}
#: The exit codes each command can return (besides 70 and 130, which any command can).
COMMAND_EXIT_CODES: dict[str, tuple[int, ...]] = {
    "ingest": (0, 1, 2, 3),
    "validate": (0, 1, 2),
    "publish": (0, 1, 2),
    "versions": (0, 2),
    "diff": (0, 2),
    "remove": (0, 1, 2),
    "boilerplate learn": (0, 1, 2),
}
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class EmptyIngestError(CorpusError):
    """An ingest accepted no article; the version was written, as evidence."""

    exit_code = 3


def _tool_version() -> str:
    import corpus

    return str(corpus.__version__)


# --------------------------------------------------------------------------- output


@cache
def _console(stderr: bool) -> Console:
    from rich.console import Console

    # soft_wrap: lines are never broken, whatever the width (paths, ids, piped output)
    return Console(stderr=stderr, soft_wrap=True, highlight=False)


def say(text: str, style: str | None = None) -> None:
    """Print one line of plain text on stdout (``style`` colours it on a terminal only)."""
    _console(False).print(text, style=style, markup=False)


def _error(message: str) -> None:
    from rich.text import Text

    _console(True).print(Text.assemble(("Error:", "bold red"), " ", message))


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 file``, ``10,000 files``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _columns(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """A plain aligned table: full values, never cut, the same on a terminal and in a pipe."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        cells = [
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


# --------------------------------------------------------------------------- errors, in one place


def _message(exc: BaseException) -> tuple[str, int]:
    """The ``Error:`` message and exit code of any exception a command raised."""
    if isinstance(exc, CorpusError):
        return str(exc), exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", EXIT_INTERRUPTED
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}", 1
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return (
        f"internal error: {type(exc).__name__}{': ' + detail if detail else ''} "
        "(a bug in corpus; rerun with --debug for the traceback and report it)",
        EXIT_INTERNAL,
    )


class _CorpusGroup(TyperGroup):
    """The root command: runs a subcommand and turns whatever it raises into a message."""

    def invoke(self, ctx: Any) -> Any:  # typer's click Context (typer vendors click)
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # typer's own: usage errors (exit 2), --help, explicit exits
        except (Exception, KeyboardInterrupt) as exc:
            if ctx.params.get("debug"):
                traceback.print_exc(file=sys.stderr)
            message, code = _message(exc)
            _error(message)
            raise typer.Exit(code) from None


app = typer.Typer(
    cls=_CorpusGroup,
    help="Turn raw scraped news articles into a versioned, deduplicated, documented dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: paragraphs re-flowed to the width (no mid-sentence breaks), flags shown
    # as flags, brackets in help texts printed as written, and no rich import for --help.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version_callback(value: bool) -> None:
    if value:
        say(f"corpus {_tool_version()}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show the tool's version and exit.",
        ),
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an error, and debug logs.")
    ] = False,
) -> None:
    """corpus: news articles in, a versioned dataset out."""
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", force=True)


# --------------------------------------------------------------------------- shared options

ExistingPaths = Annotated[
    list[Path],
    typer.Argument(exists=True, readable=True, metavar="PATH", help="Files or folders."),
]
InputPaths = Annotated[
    list[str],
    typer.Argument(metavar="PATH", help="Files or folders, or fsspec URLs (s3://bucket/raw/)."),
]


def _inputs(values: Sequence[str]) -> list[Path | str]:
    """Local paths (which must exist) as ``Path``; file system URLs as given, listed when read."""
    found: list[Path | str] = []
    for value in values:
        if "://" in value or "::" in value:  # sources.discover reads these through fsspec
            found.append(value)
        elif not os.path.exists(value):
            raise UsageError(f"Invalid value for 'PATH...': Path {value!r} does not exist.")
        else:
            found.append(Path(value))
    return found


MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="FIELD=COLUMN",
        help="Map a raw field onto a column of your files (repeatable).",
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Text encoding of the input files: utf-8 (default), auto (detect per file), or a "
        "codec such as cp1252.",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        exists=True,
        dir_okay=False,
        metavar="FILE",
        help="corpus.toml to read settings from (default: ./corpus.toml if present).",
    ),
]
DatasetOption = Annotated[
    str | None,
    typer.Option(
        "--dataset", metavar="NAME", help="Dataset name (default: corpus.toml's, else news)."
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", metavar="DIR", help="Folder holding the datasets (default: processed)."),
]
ReadOutOption = Annotated[
    str | None,
    typer.Option(
        "--out",
        metavar="DIR|URL",
        help="Folder holding the datasets, or an fsspec URL such as s3://bucket/processed "
        "(default: processed).",
    ),
]
IngestOutOption = Annotated[
    str | None,
    typer.Option(
        "--out",
        metavar="DIR|URL",
        help="Folder holding the datasets, or an fsspec URL such as s3://bucket/processed "
        "(its manifest written last, after every other file; default: processed).",
    ),
]


def _seconds(value: float | None) -> float | None:
    """A duration option's value: a number of seconds above 0 (not infinite)."""
    if value is not None and not 0 < value < float("inf"):
        raise typer.BadParameter(f"must be a number of seconds above 0, got {value:g}")
    return value


LeaseTimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--lease-timeout",
        metavar="SECONDS",
        callback=_seconds,
        help="On a URL: seconds after its last renewal that the dataset's lease is stale, "
        "taken over by another run (default: 300).",
    ),
]
AsVersionOption = Annotated[
    str | None,
    typer.Option(
        "--as-version",
        metavar="X.Y.Z",
        help="Number of the version to create (default: the next one, see --bump).",
    ),
]


class OtherLanguages(StrEnum):
    """What ``corpus ingest --languages`` does with articles in other languages."""

    reject = "reject"
    keep = "keep"


class Bump(StrEnum):
    """Which part of the version an ingest raises."""

    major = "major"
    minor = "minor"
    patch = "patch"


class Executor(StrEnum):
    """Where ``corpus ingest`` runs the per-record stages."""

    local = "local"
    ray = "ray"


class OutputFormat(StrEnum):
    """How ``corpus validate`` reports."""

    text = "text"
    json = "json"
    github = "github"


class ListFormat(StrEnum):
    """How ``corpus versions`` and ``corpus diff`` report."""

    text = "text"
    json = "json"


def _load_config(path: Path | None = None, **overrides: Any) -> Config:
    from corpus.config import load_config, parse_map_options

    mapping = overrides.pop("mapping", None)
    return load_config(path, column_map=parse_map_options(mapping or []), **overrides)


def _print_json(data: Any) -> None:
    # print, not rich: nothing but the JSON document on stdout, byte for byte
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- ingest


@app.command("ingest")
def ingest_command(
    raw: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH",
            help="Raw files or folders, or fsspec URLs such as s3://bucket/raw/ (default: raw/).",
        ),
    ] = None,
    out_dir: IngestOutOption = None,
    dataset: DatasetOption = None,
    config: ConfigOption = None,
    mapping: MapOption = None,
    as_version: AsVersionOption = None,
    bump: Annotated[
        Bump | None,
        typer.Option("--bump", help="Version part to raise (default: minor)."),
    ] = None,
    languages: Annotated[
        str | None,
        typer.Option(
            "--languages",
            metavar="CODES",
            help="Target languages, comma-separated langdetect codes such as id,en (default: all).",
        ),
    ] = None,
    other_languages: Annotated[
        OtherLanguages | None,
        typer.Option(
            "--other-languages",
            help="What to do with articles outside --languages (default: reject).",
        ),
    ] = None,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Reprocess every input instead of adding new files to the latest version.",
        ),
    ] = False,
    allow_mixed: Annotated[
        bool,
        typer.Option(
            "--allow-mixed",
            help="Add new files to a version made by other code or rules (the manifest and the card say so).",
        ),
    ] = False,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty",
            help="Exit 0 even when no article was accepted (otherwise exit 3).",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            metavar="N",
            help="Worker processes, or CPUs of a local Ray cluster "
            "(default: one per core; 1: no workers).",
        ),
    ] = None,
    executor: Annotated[
        Executor | None,
        typer.Option(
            "--executor",
            help="local: worker processes (default); ray: Ray tasks (needs the extra corpus[ray]).",
        ),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            metavar="URL",
            help="Ray cluster to join (auto, ray://HOST:10001); default: start a local one.",
        ),
    ] = None,
    distributed: Annotated[
        bool,
        typer.Option(
            "--distributed",
            help="Workers read, process and write their own files; the main process only "
            "plans (always so with --executor ray).",
        ),
    ] = False,
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size",
            min=1,
            metavar="N",
            help="Records per work unit (default: 1000); an interrupted run resumes by unit.",
        ),
    ] = None,
    encoding: EncodingOption = None,
    lease_timeout: LeaseTimeoutOption = None,
) -> None:
    """Read raw articles and write the next version of the dataset.

    With earlier versions, only raw files they have not read (by sha256) are processed, and the
    new version is the latest one plus the new articles, deduplicated against everything.
    Rerunning an interrupted ingest resumes it: finished work units are not done again.
    """
    if workers != 1 and executor in (None, Executor.local):
        from corpus.executor import prestart

        # the workers' parent loads the stages while this process imports its own; this
        # module too, which each worker imports again when it runs the ``corpus`` script
        prestart(preload=[__name__])
    from corpus import imports, storage
    from corpus.pipeline import ingest

    url = out_dir if out_dir is not None and storage.is_url(out_dir) else None
    cfg = _load_config(
        config,
        out=Path(out_dir) if out_dir is not None and url is None else None,
        dataset=dataset,
        version=as_version,
        mapping=mapping,
        languages=languages,
        other_languages=other_languages.value if other_languages else None,
        rebuild=rebuild or None,
        allow_mixed=allow_mixed or None,
        bump=bump.value if bump else None,
        workers=workers,
        executor=executor.value if executor else None,
        address=address,
        distributed=distributed or None,
        batch_size=batch_size,
        encoding=encoding,
        lease_timeout=lease_timeout,
    )
    local = cfg.executor == "local"  # (Ray's own modules may want pandas)
    with _stage_bars() as progress, imports.without_pandas() if local else nullcontext():
        inputs = _inputs(raw) if raw else [Path("raw")]
        result = ingest(inputs, cfg, created_at=_created_at(), progress=progress, out=url)
    _print_summary(result)
    if result.created and result.counts.get("accepted", 0) == 0 and not allow_empty:
        raise EmptyIngestError(
            f"no article was accepted: {plural(result.counts.get('read', 0), 'record')} read, "
            "each rejected or a duplicate (see rejects/ and duplicates/ in "
            f"{result.url or result.version_dir}); the version was written as evidence "
            "(--allow-empty makes this exit 0)"
        )


#: The ingest's stages as its progress bars name them.
_STAGES = {
    "read": "read",
    "process": "validate · structure · langid",
    "dedup": "dedup",
    "write": "write",
}


@contextmanager
def _stage_bars() -> Iterator[Callable[[str, int, int | None], None]]:
    """A live bar per ingest stage on stderr (count, rate, elapsed); gone when the run ends."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        Task,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    if not _console(True).is_terminal:  # bars are for people; a pipe or a log gets none
        yield lambda stage, done, total: None
        return

    class RateColumn(ProgressColumn):
        """Items per second of a task since it started (rich's own speed column counts bytes)."""

        def render(self, task: Task) -> Text:
            elapsed = task.finished_time if task.finished else task.elapsed
            if not elapsed or not task.completed:
                return Text("")
            return Text(f"{task.completed / elapsed:,.0f}/s", style="progress.data.speed")

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<32}"),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        console=_console(True),
        transient=True,
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(_STAGES.get(stage, stage), total=None)
            bars.update(tasks[stage], completed=done, total=total)

        yield progress


def _created_at() -> datetime | None:
    # SOURCE_DATE_EPOCH (reproducible-builds convention) pins created_at for byte-identical output.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else None


def _print_summary(result: IngestResult) -> None:
    where = result.url or result.version_dir  # on an fsspec output, its URL
    if not result.created:
        say(
            f"Nothing new: {where} (version {result.version}) already holds every "
            "input file (use --rebuild to reprocess them)"
        )
        return
    c = result.counts
    say(f"Created {where} (version {result.version})", style="bold green")
    width = max(len(f"{c[k]:,}") for k in ("read", "accepted", "duplicates", "rejected"))
    for name in ("read", "accepted", "duplicates", "rejected"):
        say(f"{name:<11} {c[name]:>{width},}")
    ok = c["read"] == c["accepted"] + c["duplicates"] + c["rejected"]
    say(
        f"read {c['read']:,} = accepted {c['accepted']:,} + duplicates {c['duplicates']:,} "
        f"+ rejected {c['rejected']:,} {'✓' if ok else '✗'}"
    )
    if result.totals != c:
        t = result.totals
        say(
            f"version total: accepted {t['accepted']:,}, duplicates {t['duplicates']:,}, "
            f"rejected {t['rejected']:,}"
            + (f", removed {t['removed']:,}" if t.get("removed") else "")
        )
    langs = ", ".join(f"{k} {v:,}" for k, v in list(result.languages.items())[:8])
    say(f"languages: {langs or 'none'}")
    _print_skipped(result.skipped)
    if result.units_reused:
        say(
            f"resumed: {result.units_reused:,} of {plural(result.units, 'work unit')} were "
            "finished by an interrupted run of this command"
        )
    rate = c["read"] / result.seconds if result.seconds else 0.0
    say(
        f"time: {result.seconds:.1f} s ({rate:,.{0 if rate >= 10 else 1}f} records/s); "
        f"per-stage report: {where}/report.json"
    )


def _print_skipped(skipped: Sequence[Any], limit: int = 10) -> None:
    """The files an ingest did not read, each with its reason (all of them in the manifest)."""
    if not skipped:
        return
    say(f"skipped {plural(len(skipped), 'file')} (listed in manifest.json):", style="yellow")
    for s in skipped[:limit]:
        say(f"  {s.relpath}: {s.reason}")
    if len(skipped) > limit:
        say(f"  ... and {len(skipped) - limit:,} more")


# --------------------------------------------------------------------------- validate


@app.command("validate")
def validate_command(
    paths: InputPaths,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", help="text, json (only JSON on stdout), or github annotations."),
    ] = OutputFormat.text,
    config: ConfigOption = None,
    mapping: MapOption = None,
    skip_load: Annotated[
        bool,
        typer.Option("--skip-load", help="For versions: don't check that load_dataset opens them."),
    ] = False,
    encoding: EncodingOption = None,
) -> None:
    """Check raw files or versions against their schemas.

    Raw files are checked against the raw schema; versions (folders with a manifest.json)
    against their manifest, schemas and card; a dataset folder means each of its versions.
    Exit 0 if all is valid, 1 if not, 2 on a usage error.
    """
    from corpus import storage
    from corpus.audit import check_version, version_dirs
    from corpus.validate import Report, check_paths

    cfg = _load_config(config, mapping=mapping, encoding=encoding)
    # A version, a dataset folder (its versions) or a folder of datasets is audited as
    # written output; anything else is read as raw input.
    # A URL naming versions (on any fsspec file system) is fetched and audited like a folder.
    versions_of: dict[Path | str, list[Path] | list[str]] = {
        p: version_dirs(p) if isinstance(p, Path) else storage.version_urls(p)
        for p in _inputs(paths)
    }
    raw = [p for p, found in versions_of.items() if not found]
    report = check_paths(raw, cfg) if raw else Report()
    audited = [v for found in versions_of.values() for v in found]
    piped = fmt is not OutputFormat.text or not _console(True).is_terminal
    with _quiet_datasets(piped and bool(audited) and not skip_load):
        for version in audited:
            if isinstance(version, Path):
                report.extend(check_version(version, load=not skip_load))
                continue
            with storage.fetched(version) as local:
                report.extend(check_version(local, load=not skip_load).relocated(local, version))
    _print_report(report, fmt)
    if not report.ok:
        raise typer.Exit(1)


@contextmanager
def _quiet_datasets(quiet: bool) -> Iterator[None]:
    """Turn off ``datasets``' progress bars (stderr) while ``validate`` loads a version."""
    if not quiet:
        yield
        return
    import datasets

    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        if was_enabled:
            datasets.enable_progress_bars()


def _print_report(report: Report, fmt: OutputFormat) -> None:
    data = report.as_dict()
    files, records = plural(data["files"], "file"), plural(data["records"], "record")
    if fmt is OutputFormat.json:
        _print_json(data)
        return
    if fmt is OutputFormat.github:
        for e in data["errors"]:
            props = f"file={_gh_prop(e['file'])}"
            if e["line"]:
                props += f",line={e['line']}"
            props += f",title={_gh_prop('corpus validate: ' + e['reason'])}"
            where = f"row {e['row']}: " if e["row"] else ""
            sys.stdout.write(
                f"::error {props}::{_gh_data(where + (e['pointer'] or '/') + ': ' + e['message'])}\n"
            )
        sys.stdout.write(f"{records} in {files}: {data['invalid']:,} invalid\n")
        return
    for e in data["errors"]:
        where = (
            e["file"]
            + (f":{e['line']}" if e["line"] else "")
            + (f" (row {e['row']})" if e["row"] else "")
        )
        say(f"{where}: {e['pointer'] or '/'}: {e['message']} [{e['code']}]")
    for s in data["skipped"]:
        say(f"skipped {s['path']}: {s['reason']}")
    if report.ok:
        say(f"{records} in {files}: all valid", style="green")
    elif data["invalid"]:
        say(f"{records} in {files}: {data['invalid']:,} invalid", style="red")
    else:
        say(f"{records} in {files}: {plural(len(data['errors']), 'problem')}", style="red")


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


# --------------------------------------------------------------------------- publish


@app.command("publish")
def publish_command(
    version: Annotated[
        str,
        typer.Argument(
            metavar="VERSION",
            help="A version folder (processed/news/v1.1.0) or its fsspec URL (s3://...).",
        ),
    ],
    repo_id: Annotated[
        str | None,
        typer.Option("--repo-id", metavar="ORG/NAME", help="Hub dataset repo to publish to."),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="DIR_OR_URL",
            help="Publish to a folder or fsspec URL (s3://...) instead of the Hub.",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="HF_TOKEN",
            show_envvar=True,
            metavar="TOKEN",
            help="Hub token (never printed).",
        ),
    ] = None,
    private: Annotated[
        bool, typer.Option("--private", help="Create the Hub repo as private.")
    ] = False,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            envvar="HF_ENDPOINT",
            metavar="URL",
            help="Hub URL (default: huggingface.co).",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the plan, offline; upload nothing."),
    ] = False,
    lease_timeout: LeaseTimeoutOption = None,
) -> None:
    """Publish a version to the Hub or to a folder.

    To the Hub: one commit plus a vX.Y.Z tag; with --to: a copy. The version is validated
    first; its card is rendered for where it goes (the Hub repo and revision, or a path
    relative to the copy).
    """
    from corpus import storage

    if (repo_id is None) == (to is None):
        raise UsageError("give exactly one of --repo-id ORG/NAME (the Hub) or --to DIR_OR_URL")
    if to is not None and storage.is_url(to):  # a copy there holds the dataset's lease
        lease_timeout = _load_config(None, lease_timeout=lease_timeout).lease_timeout
    publish_it = functools.partial(
        _publish,
        repo_id=repo_id,
        to=to,
        token=token,
        private=private,
        endpoint=endpoint,
        lease_timeout=lease_timeout,
    )
    if not storage.is_url(version):
        if not Path(version).is_dir():
            raise UsageError(f"{version} does not exist (give a version folder or its URL)")
        publish_it(Path(version), version, dry_run=dry_run)
        return
    if storage.version_urls(version) != [version.rstrip("/")]:
        raise UsageError(f"{version} is not a version: it has no manifest.json")
    with storage.fetched(version) as local:  # every file is uploaded: fetched once, whole
        publish_it(local, version, dry_run=dry_run)


def _publish(
    version_dir: Path,
    shown: str,
    *,
    repo_id: str | None,
    to: str | None,
    token: str | None,
    private: bool,
    endpoint: str | None,
    dry_run: bool,
    lease_timeout: float | None,
) -> None:
    """``publish`` of a local version folder (``shown`` as the user named it)."""
    from corpus import publish
    from corpus.manifest import MANIFEST

    if not (version_dir / MANIFEST).is_file():
        raise UsageError(f"{shown} is not a version folder: it has no manifest.json")
    if repo_id is not None:
        result = publish.publish_hub(
            version_dir, repo_id, token=token, private=private, endpoint=endpoint, dry_run=dry_run
        )
    else:
        assert to is not None
        from corpus.lease import TIMEOUT

        timeout = lease_timeout or TIMEOUT  # (publish_command sets it for a URL)
        result = publish.publish_fs(version_dir, to, dry_run=dry_run, lease_timeout=timeout)
    if dry_run:
        say("dry run: nothing uploaded", style="bold")
        for line in publish.iter_plan(result.plan):
            say(line)
        return
    deleted = (
        f", removed {plural(len(result.plan.delete), 'stale file')}" if result.plan.delete else ""
    )
    tag = f" as {result.plan.tag}" if result.plan.tag else ""
    say(
        f"Published {shown} to {result.plan.target}{tag}: "
        f"{plural(len(result.plan.upload), 'file')}{deleted}",
        style="bold green",
    )
    if result.commit:
        say(f"commit {result.commit}")


# --------------------------------------------------------------------------- versions, diff


def _dataset_dir(dataset: str | None, out_dir: Path | None) -> Path:
    """The dataset's folder; an unknown dataset is a usage error naming the known ones."""
    cfg = _load_config(None, dataset=dataset, out=out_dir)
    dataset_dir = cfg.out / cfg.dataset
    if not dataset_dir.is_dir():
        known = sorted(p.name for p in cfg.out.iterdir() if p.is_dir()) if cfg.out.is_dir() else []
        raise UsageError(
            f"no dataset {cfg.dataset!r} under {cfg.out}/ "
            f"(known: {', '.join(known) or 'none'}; choose one with --dataset, --out)"
        )
    return dataset_dir


def _dataset_at(
    dataset: str | None,
    out: str | None,
    *,
    writes: bool = False,
    lease_timeout: float | None = None,
) -> tuple[Path, Mirror | None]:
    """The dataset's folder; for an fsspec URL, its local staging folder (every version's
    manifest fetched) and the mirror that reads the rest on the URL. A command that ``writes``
    a version there takes the dataset's lease (hold it with ``mirror.held()``)."""
    from corpus import storage

    if out is None or not storage.is_url(out):
        return _dataset_dir(dataset, Path(out) if out is not None else None), None
    cfg = _load_config(None, dataset=dataset, lease_timeout=lease_timeout)
    timeout = cfg.lease_timeout if writes else None
    mirror = storage.Mirror.open(out, cfg.dataset, lease_timeout=timeout)
    if not mirror.versions():
        if mirror.lease is not None:
            mirror.lease.release()
        raise UsageError(
            f"no dataset {cfg.dataset!r} at {out} (no version folder with a manifest.json under "
            f"{mirror.url}; choose one with --dataset)"
        )
    return mirror.local, mirror


def _resolve(dataset_dir: Path, ref: str) -> Path:
    from corpus import versions
    from corpus.errors import VersionError

    try:
        return versions.resolve(dataset_dir, ref)
    except VersionError as exc:  # an unknown version is a usage error, like an unknown dataset
        raise UsageError(str(exc)) from None


@app.command("versions")
def versions_command(
    dataset: DatasetOption = None,
    out_dir: ReadOutOption = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", help="text (aligned columns) or json.")
    ] = ListFormat.text,
) -> None:
    """List the versions of a dataset with their counts.

    Oldest first; whole lines on a terminal or in a pipe.
    """
    from corpus import versions

    dataset_dir, mirror = _dataset_at(dataset, out_dir)
    rows = versions.describe(dataset_dir)
    if mirror is not None:  # where the versions are, not where their manifests were staged
        for row in rows:
            row["path"] = mirror.url_of(Path(row["path"]))
    if fmt is ListFormat.json:
        _print_json(rows)
        return
    if not rows:
        say(f"no versions under {dataset_dir}")
        return
    kinds = ("read", "accepted", "duplicates", "rejected", "removed")
    header = ["version", "parent", "created", *kinds, "MB"]
    table = [
        [
            r["version"],
            r["parent"] or "-",
            r["created_at"] or "-",
            *(f"{r['counts'].get(k, 0):,}" for k in kinds),
            f"{r['bytes'] / 1e6:,.1f}",
        ]
        for r in rows
    ]
    for line in _columns(header, table, right=set(range(3, len(header)))):
        say(line)


@app.command("diff")
def diff_command(
    old: Annotated[
        str,
        typer.Argument(metavar="OLD", help="Older version: 1.0.0, v1.0.0 or a version folder."),
    ],
    new: Annotated[
        str, typer.Argument(metavar="NEW", help="Newer version (default: latest).")
    ] = "latest",
    dataset: DatasetOption = None,
    out_dir: ReadOutOption = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", help="text or json (every id).")
    ] = ListFormat.text,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", help="Ids to show per kind (text format).")
    ] = 20,
) -> None:
    """Articles added, removed and changed between two versions."""
    from corpus import versions

    dataset_dir, mirror = _dataset_at(dataset, out_dir)
    where = mirror.remote if mirror is not None else Path  # shards read where they are
    result = versions.diff(_resolve(dataset_dir, old), _resolve(dataset_dir, new), where)
    if fmt is ListFormat.json:
        _print_json(result.as_dict())
        return
    counts = result.as_dict()["counts"]
    say(
        f"v{result.old} → v{result.new}: {counts['added']:,} added, {counts['removed']:,} removed, "
        f"{counts['changed']:,} changed, {counts['unchanged']:,} unchanged"
    )
    for label, ids in (("added", result.added), ("removed", result.removed)):
        for article_id in ids[:limit]:
            say(f"  {label:8} {article_id}")
    for old_id, new_id in result.changed[:limit]:
        say(f"  changed  {old_id} → {new_id}")
    shown = sum(min(len(x), limit) for x in (result.added, result.removed, result.changed))
    total = len(result.added) + len(result.removed) + len(result.changed)
    if shown < total:
        say(f"  ... {total - shown:,} more (--limit N, or --format json for every id)")


# --------------------------------------------------------------------------- boilerplate, remove

boilerplate_app = typer.Typer(
    help="Find, review and commit learned boilerplate rules.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(boilerplate_app, name="boilerplate")


@boilerplate_app.command("learn")
def boilerplate_learn_command(
    raw: ExistingPaths,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Rules file to write (default: the config's, else rules/boilerplate.toml).",
        ),
    ] = None,
    min_share: Annotated[
        float,
        typer.Option(
            "--min-share",
            metavar="SHARE",
            help="Least share of a publisher's articles holding the line.",
        ),
    ] = 0.01,
    min_articles: Annotated[
        int,
        typer.Option(
            "--min-articles", metavar="N", help="Least number of articles holding the line."
        ),
    ] = 5,
    config: ConfigOption = None,
    mapping: MapOption = None,
) -> None:
    """Find lines one publisher repeats across articles and write them as rules to review."""
    from corpus.learn import learn_rules

    cfg = _load_config(config, mapping=mapping)
    target = out_file or cfg.boilerplate_rules or Path("rules/boilerplate.toml")
    result = learn_rules(raw, cfg, target, min_share=min_share, min_articles=min_articles)
    pending = sum(r.action == "review" for r in result.rules)
    say(
        f"Wrote {target}: {plural(len(result.rules), 'rule')} from "
        f"{plural(result.records, 'record')}, {pending:,} to review",
        style="bold green",
    )
    for publisher, n in result.articles.items():
        k = sum(r.publisher == publisher for r in result.rules)
        say(f"  {publisher}: {plural(n, 'article')}, {plural(k, 'rule')}")
    if pending:
        say('Review it: set action = "drop" or "keep" on each rule, then commit the file.')


@app.command("remove")
def remove_command(
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            metavar="TEXT",
            help="Why (recorded in the manifest), e.g. a takedown ticket.",
        ),
    ],
    ids: Annotated[
        list[str] | None,
        typer.Option("--id", metavar="ID", help="Article id to remove (repeatable)."),
    ] = None,
    urls: Annotated[
        list[str] | None,
        typer.Option("--url", metavar="URL", help="Article URL to remove (repeatable)."),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from-file",
            exists=True,
            dir_okay=False,
            metavar="FILE",
            help="A file of ids or URLs, one per line (# starts a comment).",
        ),
    ] = None,
    dataset: DatasetOption = None,
    out_dir: ReadOutOption = None,
    as_version: AsVersionOption = None,
    lease_timeout: LeaseTimeoutOption = None,
) -> None:
    """Create a version without some articles (a takedown).

    Later versions keep them out too.
    """
    from corpus import versions

    id_list, url_list = list(ids or []), list(urls or [])
    if from_file is not None:
        for line in from_file.read_text(encoding="utf-8").splitlines():
            item = line.strip()
            if item and not item.startswith("#"):
                (url_list if "://" in item else id_list).append(item)
    dataset_dir, mirror = _dataset_at(dataset, out_dir, writes=True, lease_timeout=lease_timeout)
    with mirror.held() if mirror is not None else nullcontext():  # one writer on the URL
        cfg = _load_config(None, dataset=dataset, out=dataset_dir.parent, version=as_version)
        version_dir, removed = versions.remove(
            dataset_dir,
            ids=id_list,
            urls=url_list,
            reason=reason,
            cfg=cfg,
            created_at=_created_at(),
            mirror=mirror,
        )
    where = mirror.url_of(version_dir) if mirror is not None else version_dir
    say(f"Created {where}: removed {plural(len(removed), 'article')}", style="bold green")
    for r in removed:
        say(f"  {r.table:10} {r.id} {r.url or ''}".rstrip())


# --------------------------------------------------------------------------- entry point


def run() -> None:
    """The ``corpus`` console script: ``app``, then a fast exit.

    Once the output is flushed and logging shut down, the process leaves with ``os._exit``:
    freeing an ingest's heap object by object took ~0.4-0.6 s after everything was written
    (mypy's ``hard_exit`` does the same). Not when Ray is loaded: its exit handler stops what
    it started.
    """
    try:
        app(prog_name="corpus")
        code: object = 0
    except SystemExit as done:
        code = done.code
    if "ray" in sys.modules:
        sys.exit(code)  # type: ignore[arg-type]
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what sys.exit does with a message
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # a reader that went away (``corpus versions | head``)
        pass
    logging.shutdown()
    os._exit(code or 0)
