"""The ``corpus`` command: options -> config -> one library call -> a short summary.

This is the only module that prints or exits; ``CorpusError``s become ``Error: ...`` on stderr
and their exit code here, in ``_errors``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler
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
from rich.table import Table
from rich.text import Text

from corpus import __version__
from corpus.config import load_config, parse_map_options
from corpus.errors import CorpusError, UsageError
from corpus.pipeline import IngestResult, ingest
from corpus.validate import Report, check_paths, check_version, is_version_dir

app = typer.Typer(
    help="Turn raw scraped news articles into a versioned, deduplicated, documented dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)  # paths are never broken across lines
err = Console(stderr=True, soft_wrap=True)


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


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except CorpusError as exc:
        err.print(f"[bold red]Error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"corpus {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    """corpus: news articles in, a versioned dataset out."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err, show_path=False, show_time=False)],
        force=True,
    )


ExistingPaths = Annotated[
    list[Path], typer.Argument(exists=True, readable=True, help="Raw files or folders to read.")
]
MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", help="Map a raw field onto a column: FIELD=COLUMN (repeatable)."),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", exists=True, dir_okay=False, help="corpus.toml to read settings from."
    ),
]


@app.command("ingest")
def ingest_command(
    raw: Annotated[
        list[Path] | None,
        typer.Argument(exists=True, readable=True, help="Raw files or folders (default: raw/)."),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Where versions are written (default: processed).")
    ] = None,
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="Dataset name (default: news).")
    ] = None,
    config: ConfigOption = None,
    mapping: MapOption = None,
    version: Annotated[
        str | None,
        typer.Option("--version", help="Version to create, X.Y.Z (default: next minor)."),
    ] = None,
    languages: Annotated[
        str | None,
        typer.Option(
            "--languages",
            help="Target languages, comma-separated langdetect codes (e.g. id,en); default: all.",
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
    bump: Annotated[
        Bump | None, typer.Option("--bump", help="Version part to raise (default: minor).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            help="Worker processes, or CPUs of a local Ray cluster (default: one per core; 1: no workers).",
        ),
    ] = None,
    executor: Annotated[
        Executor | None,
        typer.Option(
            "--executor", help="local: worker processes; ray: Ray tasks (extra corpus[ray])."
        ),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="Ray cluster to run on (auto, ray://HOST:10001); default: start a local one.",
        ),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size",
            min=1,
            help="Records per work unit (default 1000); an interrupted run resumes by unit.",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Text encoding of the input files: utf-8 (default), auto (detect per file), or a codec such as cp1252.",
        ),
    ] = None,
) -> None:
    """Read raw articles and write the next version of the dataset.

    With earlier versions, only raw files they have not read (by sha256) are processed, and the
    new version is the latest one plus the new articles, deduplicated against everything.
    Rerunning an interrupted ingest resumes it: finished work units are not done again."""
    with _errors():
        cfg = load_config(
            config,
            out=out_dir,
            dataset=dataset,
            version=version,
            column_map=parse_map_options(mapping or []),
            languages=languages,
            other_languages=other_languages.value if other_languages else None,
            rebuild=rebuild or None,
            bump=bump.value if bump else None,
            workers=workers,
            executor=executor.value if executor else None,
            address=address,
            batch_size=batch_size,
            encoding=encoding,
        )
        paths = raw or [Path("raw")]
        with _stage_bars() as progress:
            result = ingest(paths, cfg, created_at=_created_at(), progress=progress)
        _print_summary(result)


#: The ingest's stages as its progress bars name them.
_STAGES = {
    "read": "read",
    "process": "validate · structure · langid",
    "dedup": "dedup",
    "write": "write",
}


class _RateColumn(ProgressColumn):
    """Items per second of a task since it started (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        if not elapsed or not task.completed:
            return Text("")
        return Text(f"{task.completed / elapsed:,.0f}/s", style="progress.data.speed")


@contextmanager
def _stage_bars() -> Iterator[Callable[[str, int, int | None], None]]:
    """A live bar per ingest stage on stderr (count, rate, elapsed); gone when the run ends."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<32}"),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        console=err,
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
    if not result.created:
        out.print(
            f"Nothing new: {result.version_dir} (version {result.version}) already holds every "
            "input file (use --rebuild to reprocess them)",
            highlight=False,
        )
        return
    c = result.counts
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    for name in ("read", "accepted", "duplicates", "rejected"):
        table.add_row(name, f"{c[name]:,}")
    out.print(
        f"[bold green]Created[/] {result.version_dir} (version {result.version})", highlight=False
    )
    out.print(table)
    ok = c["read"] == c["accepted"] + c["duplicates"] + c["rejected"]
    out.print(
        f"read {c['read']:,} = accepted {c['accepted']:,} + duplicates {c['duplicates']:,} "
        f"+ rejected {c['rejected']:,} {'[green]✓[/]' if ok else '[red]✗[/]'}",
        highlight=False,
    )
    if result.totals != c:
        t = result.totals
        out.print(
            f"version total: accepted {t['accepted']:,}, duplicates {t['duplicates']:,}, "
            f"rejected {t['rejected']:,}"
            + (f", removed {t['removed']:,}" if t.get("removed") else ""),
            highlight=False,
        )
    langs = ", ".join(f"{k} {v:,}" for k, v in list(result.languages.items())[:8])
    out.print(f"languages: {langs or 'none'}", highlight=False)
    if result.skipped:
        out.print(
            f"[yellow]skipped {len(result.skipped)} unsupported file(s)[/] (see manifest.json)"
        )
    if result.units_reused:
        out.print(
            f"resumed: {result.units_reused:,} of {result.units:,} work units were finished by "
            "an interrupted run of this command",
            highlight=False,
        )
    rate = c["read"] / result.seconds if result.seconds else 0.0
    out.print(
        f"time: {result.seconds:.1f} s ({rate:,.{0 if rate >= 10 else 1}f} records/s); "
        f"per-stage report: {result.version_dir / 'report.json'}",
        highlight=False,
    )


@app.command("validate")
def validate_command(
    paths: ExistingPaths,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="text, json, or github annotations.")
    ] = OutputFormat.text,
    config: ConfigOption = None,
    mapping: MapOption = None,
    skip_load: Annotated[
        bool,
        typer.Option("--skip-load", help="For versions: don't check that load_dataset opens them."),
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Text encoding of the input files: utf-8 (default), auto (detect per file), or a codec such as cp1252.",
        ),
    ] = None,
) -> None:
    """Check raw files against the raw schema, or published versions (folders with a
    manifest.json) against their manifest, schemas and card. Exit 0 if all is valid, 1 if not."""
    with _errors():
        cfg = load_config(config, column_map=parse_map_options(mapping or []), encoding=encoding)
        version_dirs = [p for p in paths if is_version_dir(p)]
        raw = [p for p in paths if not is_version_dir(p)]
        report = check_paths(raw, cfg) if raw else Report()
        for version_dir in version_dirs:
            found = check_version(version_dir, load=not skip_load)
            report.files.update(found.files)
            report.records += found.records
            report.invalid += found.invalid
            report.findings.extend(found.findings)
    _print_report(report, fmt)
    if not report.ok:
        raise typer.Exit(1)


def _print_report(report: Report, fmt: OutputFormat) -> None:
    data = report.as_dict()
    if fmt is OutputFormat.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if fmt is OutputFormat.github:
        for e in data["errors"]:
            props = f"file={_gh_prop(e['file'])}"
            if e["line"]:
                props += f",line={e['line']}"
            props += f",title={_gh_prop('corpus validate: ' + e['reason'])}"
            where = f"row {e['row']}: " if e["row"] else ""
            print(
                f"::error {props}::{_gh_data(where + (e['pointer'] or '/') + ': ' + e['message'])}"
            )
        print(f"{data['records']} records in {data['files']} files: {data['invalid']} invalid")
        return
    for e in data["errors"]:
        where = (
            e["file"]
            + (f":{e['line']}" if e["line"] else "")
            + (f" (row {e['row']})" if e["row"] else "")
        )
        out.print(
            f"{where}: {e['pointer'] or '/'}: {e['message']} [{e['code']}]",
            highlight=False,
            markup=False,
        )
    for s in data["skipped"]:
        out.print(f"skipped {s['path']}: {s['reason']}", highlight=False, markup=False)
    verdict = "[green]all valid[/]" if report.ok else f"[red]{data['invalid']} invalid[/]"
    if not report.ok and data["invalid"] == 0:
        verdict = f"[red]{len(data['errors'])} problem(s)[/]"
    out.print(f"{data['records']:,} records in {data['files']} file(s): {verdict}", highlight=False)


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


@app.command("publish")
def publish_command(
    version_dir: Annotated[
        Path,
        typer.Argument(
            exists=True, file_okay=False, help="A version folder, e.g. processed/news/v1.1.0."
        ),
    ],
    repo_id: Annotated[
        str | None, typer.Option("--repo-id", help="Hub dataset repo, ORG/NAME.")
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="Publish to a folder or fsspec URL (s3://...) instead of the Hub."
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", envvar="HF_TOKEN", show_envvar=True, help="Hub token (never printed)."
        ),
    ] = None,
    private: Annotated[
        bool, typer.Option("--private", help="Create the Hub repo as private.")
    ] = False,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", envvar="HF_ENDPOINT", help="Hub URL (default: huggingface.co)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan; upload nothing.")
    ] = False,
) -> None:
    """Publish a version: one Hub commit plus a vX.Y.Z tag, or a copy to --to."""
    from corpus import publish

    with _errors():
        if (repo_id is None) == (to is None):
            raise UsageError("give exactly one of --repo-id ORG/NAME (the Hub) or --to PATH_OR_URL")
        if repo_id is not None:
            result = publish.publish_hub(
                version_dir,
                repo_id,
                token=token,
                private=private,
                endpoint=endpoint,
                dry_run=dry_run,
            )
        else:
            assert to is not None
            result = publish.publish_fs(version_dir, to, dry_run=dry_run)
    if dry_run:
        out.print("[bold]dry run[/]: nothing uploaded", highlight=False)
        for line in publish.iter_plan(result.plan):
            out.print(line, highlight=False, markup=False)
        return
    deleted = f", removed {len(result.plan.delete)} stale file(s)" if result.plan.delete else ""
    out.print(
        f"[bold green]Published[/] {version_dir} to {result.plan.target} as {result.plan.tag}: "
        f"{len(result.plan.upload)} file(s){deleted}",
        highlight=False,
    )
    if result.commit:
        out.print(f"commit {result.commit}", highlight=False)


class ListFormat(StrEnum):
    """How ``corpus versions`` and ``corpus diff`` report."""

    text = "text"
    json = "json"


DatasetOption = Annotated[
    str | None, typer.Option("--dataset", help="Dataset name (default: corpus.toml's, else news).")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="Folder holding the datasets (default: processed).")
]


def _dataset_dir(dataset: str | None, out_dir: Path | None) -> Path:
    cfg = load_config(None, dataset=dataset, out=out_dir)
    return cfg.out / cfg.dataset


@app.command("versions")
def versions_command(
    dataset: DatasetOption = None,
    out_dir: OutOption = None,
    fmt: Annotated[ListFormat, typer.Option("--format")] = ListFormat.text,
) -> None:
    """List the versions of a dataset with their counts."""
    from corpus import versions

    with _errors():
        dataset_dir = _dataset_dir(dataset, out_dir)
        rows = versions.describe(dataset_dir)
    if fmt is ListFormat.json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        out.print(f"no versions under {dataset_dir}", highlight=False)
        return
    table = Table(
        "version", "parent", "created", "read", "accepted", "duplicates", "rejected", "MB"
    )
    for r in rows:
        c = r["counts"]
        table.add_row(
            r["version"],
            r["parent"] or "-",
            r["created_at"] or "-",
            *(f"{c.get(k, 0):,}" for k in ("read", "accepted", "duplicates", "rejected")),
            f"{r['bytes'] / 1e6:,.1f}",
        )
    out.print(table)


@app.command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(help="Older version: 1.0.0, v1.0.0 or a version folder.")],
    new: Annotated[str, typer.Argument(help="Newer version (default: latest).")] = "latest",
    dataset: DatasetOption = None,
    out_dir: OutOption = None,
    fmt: Annotated[ListFormat, typer.Option("--format")] = ListFormat.text,
    limit: Annotated[int, typer.Option("--limit", help="Ids to show per kind (text format).")] = 20,
) -> None:
    """Articles added, removed and changed between two versions."""
    from corpus import versions

    with _errors():
        dataset_dir = _dataset_dir(dataset, out_dir)
        result = versions.diff(
            versions.resolve(dataset_dir, old), versions.resolve(dataset_dir, new)
        )
    if fmt is ListFormat.json:
        print(json.dumps(result.as_dict(), indent=2))
        return
    counts = result.as_dict()["counts"]
    out.print(
        f"v{result.old} → v{result.new}: {counts['added']:,} added, {counts['removed']:,} removed, "
        f"{counts['changed']:,} changed, {counts['unchanged']:,} unchanged",
        highlight=False,
    )
    for label, ids in (("added", result.added), ("removed", result.removed)):
        for article_id in ids[:limit]:
            out.print(f"  {label:8} {article_id}", highlight=False)
    for old_id, new_id in result.changed[:limit]:
        out.print(f"  changed  {old_id} → {new_id}", highlight=False)


boilerplate_app = typer.Typer(
    help="Learned cross-document boilerplate: find recurring lines, review, commit.",
    no_args_is_help=True,
)
app.add_typer(boilerplate_app, name="boilerplate")


@boilerplate_app.command("learn")
def boilerplate_learn_command(
    raw: ExistingPaths,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Rules file to write (default: the config's, else rules/boilerplate.toml).",
        ),
    ] = None,
    min_share: Annotated[
        float,
        typer.Option("--min-share", help="Least share of a publisher's articles holding the line."),
    ] = 0.01,
    min_articles: Annotated[
        int, typer.Option("--min-articles", help="Least number of articles holding the line.")
    ] = 5,
    config: ConfigOption = None,
    mapping: MapOption = None,
) -> None:
    """Find lines one publisher repeats across articles and write them as rules to review."""
    from corpus.boilerplate import learn_paths

    with _errors():
        cfg = load_config(config, column_map=parse_map_options(mapping or []))
        target = out_file or cfg.boilerplate_rules or Path("rules/boilerplate.toml")
        result = learn_paths(raw, cfg, target, min_share=min_share, min_articles=min_articles)
    pending = sum(r.action == "review" for r in result.rules)
    out.print(
        f"[bold green]Wrote[/] {target}: {len(result.rules)} rule(s) from {result.records:,} "
        f"records, {pending} to review",
        highlight=False,
    )
    for publisher, n in result.articles.items():
        k = sum(r.publisher == publisher for r in result.rules)
        out.print(f"  {publisher}: {n:,} articles, {k} rule(s)", highlight=False, markup=False)
    if pending:
        out.print('Review it: set action = "drop" or "keep" on each rule, then commit the file.')


@app.command("remove")
def remove_command(
    reason: Annotated[
        str,
        typer.Option("--reason", help="Why (recorded in the manifest), e.g. a takedown ticket."),
    ],
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Article id to remove (repeatable).")
    ] = None,
    urls: Annotated[
        list[str] | None, typer.Option("--url", help="Article URL to remove (repeatable).")
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from-file", exists=True, dir_okay=False, help="A file of ids or URLs, one per line."
        ),
    ] = None,
    dataset: DatasetOption = None,
    out_dir: OutOption = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Version to create (default: next minor).")
    ] = None,
) -> None:
    """Create the next version without some articles (a takedown); later versions keep them out."""
    from corpus import versions

    with _errors():
        id_list, url_list = list(ids or []), list(urls or [])
        if from_file is not None:
            for line in from_file.read_text(encoding="utf-8").splitlines():
                item = line.strip()
                if item and not item.startswith("#"):
                    (url_list if "://" in item else id_list).append(item)
        cfg = load_config(None, dataset=dataset, out=out_dir, version=version)
        version_dir, removed = versions.remove(
            cfg.out / cfg.dataset,
            ids=id_list,
            urls=url_list,
            reason=reason,
            cfg=cfg,
            created_at=_created_at(),
        )
    out.print(
        f"[bold green]Created[/] {version_dir}: removed {len(removed)} article(s)", highlight=False
    )
    for r in removed:
        out.print(f"  {r.table:10} {r.id} {r.url or ''}", highlight=False, markup=False)
