"""datatrove vs `corpus ingest` on the same input, in one run: wall time and injected-dup recall.

    uv run python benchmarks/datatrove/bench.py WORK_DIR DATATROVE_PYTHON [--repeat 2] [--results F]

Expects ``WORK_DIR/input/*.jsonl`` and ``WORK_DIR/truth.tsv`` from prepare.py and a Python
that has datatrove (run.sh makes both). Runs, one after the other: datatrove with the
langdetect step, datatrove without it, then `uv run corpus ingest --workers 2`, for ``--repeat``
interleaved rounds (the machine is shared: the table shows each command's best). Each wall time
is the whole command (interpreter start-up included). Prints a Markdown table and, with
``--results``, writes it with the date, machine load and versions.

Recall is over the injected copies (truth.tsv): "copy removed" counts the copies a tool dropped
(datatrove: ids missing from its output; ours: rows of ``duplicates/`` with the copy's URL);
"pair caught" also counts a pair when the tool dropped the original as a duplicate of the copy.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run_datatrove(python: str, inp: Path, work: Path, langdetect: bool) -> tuple[float, str]:
    shutil.rmtree(work, ignore_errors=True)
    cmd = [python, str(HERE / "dt_pipeline.py"), str(inp), str(work)]
    if not langdetect:
        cmd.append("--no-langdetect")
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    (work / "stderr.log").write_text(done.stderr)
    if done.returncode:
        sys.exit(f"datatrove failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, done.stdout.strip().splitlines()[-1]


def datatrove_removed(all_ids: set[str], work: Path) -> set[str]:
    kept: set[str] = set()
    for path in sorted((work / "output").glob("*.parquet")):
        kept.update(pq.read_table(path, columns=["id"]).column("id").to_pylist())
    return all_ids - kept


def run_ours(inp: Path, out: Path, workers: int) -> tuple[float, Path]:
    shutil.rmtree(out, ignore_errors=True)
    cmd = ["uv", "run", "corpus", "ingest", str(inp), "--out", str(out), "--workers", str(workers)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"corpus ingest failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, next(out.glob("*/v*/manifest.json")).parent


def ours_removed(version: Path) -> tuple[set[str], dict[str, str], dict[str, str], dict[str, int]]:
    """URLs in ``duplicates/``, url -> id of every row, url -> duplicate_of, manifest counts."""
    removed: set[str] = set()
    ids: dict[str, str] = {}
    target: dict[str, str] = {}
    for part in ("data", "duplicates"):
        for path in sorted((version / part).rglob("*.parquet")):
            cols = ["id", "url"] + (["duplicate_of"] if part == "duplicates" else [])
            for row in pq.read_table(path, columns=cols).to_pylist():
                if not row["url"]:
                    continue
                ids[row["url"]] = row["id"]
                if part == "duplicates":
                    removed.add(row["url"])
                    target[row["url"]] = row["duplicate_of"]
    counts = json.loads((version / "manifest.json").read_text())["counts"]
    return removed, ids, target, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("datatrove_python", nargs="?", help="omit with --ours-only")
    parser.add_argument(
        "--ours-only", action="store_true", help="only `corpus ingest` (recall, time)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2, help="rounds (the table shows the best)")
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    work: Path = args.work
    inp = work / "input"

    all_ids: set[str] = set()
    n_input = 0
    for path in sorted(inp.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                all_ids.add(json.loads(line)["id"])
                n_input += 1
    with (work / "truth.tsv").open(encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh, delimiter="\t"))

    loads = [f"before: {uptime()}"]
    runs: dict[tuple[str, str], list[float]] = {}
    details: dict[tuple[str, str], list[str]] = {}
    recall: dict[tuple[str, str], tuple[int, int, int]] = {}  # copies, pairs, removed
    for round_ in range(1, args.repeat + 1):
        for langdetect in () if args.ours_only else (True, False):
            key = ("datatrove", "with langdetect" if langdetect else "without langdetect")
            out = work / f"datatrove-{int(langdetect)}"
            seconds, stages = run_datatrove(args.datatrove_python, inp, out, langdetect)
            removed = datatrove_removed(all_ids, out)
            copies = sum(t["copy_id"] in removed for t in truth)
            # datatrove keeps one document per cluster: a pair is caught when either one went.
            pairs = sum(t["copy_id"] in removed or t["original_id"] in removed for t in truth)
            recall[key] = (copies, pairs, len(removed))
            runs.setdefault(key, []).append(seconds)
            details.setdefault(key, []).append(stages)
            print(f"round {round_}: datatrove {key[1]}: {seconds:.1f} s {stages}", flush=True)
            loads.append(f"round {round_}, after datatrove {key[1]}: {uptime()}")
        key = ("corpus", f"`corpus ingest --workers {args.workers}`")
        seconds, version = run_ours(inp, work / "ours", args.workers)
        removed, ids, target, counts = ours_removed(version)
        copies = sum(t["copy_url"] in removed for t in truth)
        # A pair is caught when the copy went, or the original went as a duplicate of the copy.
        pairs = sum(
            t["copy_url"] in removed
            or (
                t["original_url"] in removed and target[t["original_url"]] == ids.get(t["copy_url"])
            )
            for t in truth
        )
        recall[key] = (copies, pairs, len(removed))
        runs.setdefault(key, []).append(seconds)
        details.setdefault(key, []).append(json.dumps(counts))
        print(f"round {round_}: corpus ingest: {seconds:.1f} s {counts}", flush=True)
        loads.append(f"round {round_}, after corpus ingest: {uptime()}")

    ours_s = min(next(v for k, v in runs.items() if k[0] == "corpus"))
    n = len(truth)
    lines = [
        "| tool | variant | wall s (best) | all runs s | articles/s | removed "
        "| injected-dup recall: pair caught | copy removed | ratio to ours (wall) |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for key, times in runs.items():
        best = min(times)
        copies, pairs, n_removed = recall[key]
        lines.append(
            f"| {key[0]} | {key[1]} | {best:.1f} | {', '.join(f'{t:.1f}' for t in times)} "
            f"| {n_input / best:,.0f} | {n_removed:,} | {pairs / n:.3f} ({pairs}/{n}) "
            f"| {copies / n:.3f} ({copies}/{n}) | {best / ours_s:.1f}x |"
        )
    table = "\n".join(lines)
    print(table)
    if args.results and not args.ours_only:
        write_results(args.results, table, details, loads, n_input, n, args.datatrove_python)


def write_results(
    path: Path,
    table: str,
    details: dict[tuple[str, str], list[str]],
    loads: list[str],
    n_input: int,
    n_truth: int,
    dt_python: str,
) -> None:
    dt_versions = subprocess.run(
        [
            dt_python,
            "-c",
            "import importlib.metadata as m, sys; print(sys.version.split()[0], "
            "*(p + '=' + m.version(p) for p in ('datatrove', 'langdetect', 'spacy', 'numpy')))",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    stages = "\n".join(
        f"- {tool} {variant}, run {i}: `{d}`"
        for (tool, variant), ds in details.items()
        for i, d in enumerate(ds, start=1)
    )
    body = f"""# datatrove side by side

Written by `bash benchmarks/datatrove/run.sh` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.

Input: the 2019 corpus (`../shared/corpora/news-id-2019`, the rows with a body) as JSONL
(text/id/url/title) plus {n_truth} injected near-duplicates (seeded: 2-5 words dropped or
replaced, a new title, id and URL; originals of 100+ words), {n_input:,} articles in two JSONL
files (datatrove's readers shard by file; one file would leave one of its two tasks idle).
Both tools read the same files, one after the other, in the same run; 2 workers each; rounds
interleaved, the table shows each command's best wall time.

{table}

- wall s: the whole command, interpreter start-up included; articles/s = {n_input:,} / best.
- removed: articles each tool dropped as duplicates (datatrove: ids missing from its output;
  ours: rows of `duplicates/`, which also holds exact copies and same-URL re-scrapes).
- pair caught: the injected copy was dropped, or (ours) the original was dropped with
  `duplicate_of` = the copy (our survivor rule prefers the longer body, so an edit that adds
  characters makes the copy the survivor); datatrove: the copy or the original is missing.
  copy removed: the copy itself was dropped (what a tool that keeps the first one seen does).
- datatrove: default MinhashConfig (5-gram words, 14 buckets x 8 hashes, no pair
  verification), Indonesian word tokenizer (spaCy); ours: 3-gram words, 128 hashes, 32 bands,
  verified Jaccard >= 0.8 or containment >= 0.8, plus validation, structure, langid and the
  versioned release.
- datatrove with langdetect: stage 1 is JsonlReader -> LambdaFilter (seeded langdetect, keeps
  all, as ours does without `--languages`) -> JsonlWriter (uncompressed) -> signatures, and
  stage 4 reads that filtered JSONL, so langdetect runs once per article (`dt_pipeline.py`).
- Issue 7's earlier reference on this machine (datatrove 0.10.1): ~143 s with the langdetect
  step, ~72 s without. Per-stage times and counts of this run:
{stages}

Machine: {os.cpu_count()} cores, {platform.platform()}; shared with other jobs, `uptime`:
{chr(10).join("- " + x for x in loads)}

Versions: corpus {metadata.version("corpus")} (Python {platform.python_version()});
datatrove venv: Python {" ".join(dt_versions)}.
"""
    path.write_text(body, encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
