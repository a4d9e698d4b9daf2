"""A distributed ingest (workers read, process and write; the driver only plans) gives the
same result as the embedded one: the same rows in the same order, fates, counts and dedup
index (``tests.outputs.content``), with one worker or several, from scratch or on top of a
version, whichever path made that version."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from corpus import pipeline, sources
from corpus.config import Config
from tests import outputs
from tests.test_crash import WORDS

WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def _body(rnd: random.Random, n: int = 150) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(n)) + "."


def _edited(rnd: random.Random, body: str, changes: int) -> str:
    words = body.split()
    for _ in range(changes):
        words[rnd.randrange(len(words))] = rnd.choice(WORDS) + "x"
    return " ".join(words)


def _record(i: int, body: str, url: str, day: int) -> dict[str, str]:
    return {
        "title": f"Berita nomor {i}",
        "text": body,
        "url": url,
        "published": f"2024-03-{day:02d}T08:00:00+07:00",
    }


def write_corpus(
    folder: Path, name: str, seed: int, earlier: list[dict[str, str]]
) -> list[dict[str, str]]:
    """A JSONL file of originals and every kind of copy: exact (other URL), near (a few words
    changed), same URL (re-scrape), revision (same URL, edited), fuller (the body and more),
    of its own originals and of ``earlier`` records."""
    rnd = random.Random(seed)
    records: list[dict[str, str]] = []
    for i in range(40):
        host = f"https://site{seed}.example"
        records.append(_record(i, _body(rnd), f"{host}/berita/{seed}-{i}", 1 + i % 20))
    pool = records + earlier
    for k in range(30):
        source = rnd.choice(pool)
        kind = k % 5
        body, url, day = source["text"], f"https://copy{seed}.example/{k}", 25
        if kind == 1:
            body = _edited(rnd, body, 2)
        elif kind == 2:
            url = source["url"]
        elif kind == 3:
            url, body = source["url"], _edited(rnd, body, 3)
        elif kind == 4:
            body = body + " " + _body(rnd, 60)
        records.append(_record(100 + k, body, url, day))
    rnd.shuffle(records)
    with (folder / name).open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
    return records


def _ingest(raw: Path, out: Path, **how: object) -> Path:
    cfg = Config(dataset="news", out=out, batch_size=25, **how)  # type: ignore[arg-type]
    return pipeline.ingest([raw], cfg, created_at=WHEN).version_dir


@pytest.fixture
def corpus_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """A first raw folder (three files copying each other) and a second with one more file."""
    first = tmp_path / "raw1"
    first.mkdir()
    a = write_corpus(first, "a.jsonl", 1, [])
    b = write_corpus(first, "b.jsonl", 2, a)
    write_corpus(first, "c.jsonl", 3, a + b)
    second = tmp_path / "raw2"
    second.mkdir()
    for f in first.iterdir():
        (second / f.name).write_bytes(f.read_bytes())
    write_corpus(second, "d.jsonl", 4, a + b)
    return first, second


def test_distributed_gives_the_embedded_result(
    corpus_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = corpus_dirs
    local = _ingest(first, tmp_path / "local", workers=1)
    spread = _ingest(first, tmp_path / "spread", workers=2, distributed=True)
    expected = outputs.content(local)
    assert outputs.content(spread) == expected
    reasons = expected["stages"]["dedup"]
    assert {"exact", "near", "same_url", "superseded_revision", "unique"} <= set(reasons)
    assert expected["counts"]["duplicates"] > 40
    # on top of a version: made by either path, extended by either path
    local2 = _ingest(second, tmp_path / "local", workers=1)
    spread2 = _ingest(second, tmp_path / "spread", workers=1, distributed=True)
    assert outputs.content(spread2) == outputs.content(local2)
    assert outputs.content(local2)["ingest_counts"]["duplicates"] > 10
    mixed = tmp_path / "mixed"
    _ingest(first, mixed, workers=1)
    assert outputs.content(_ingest(second, mixed, workers=2, distributed=True)) == outputs.content(
        local2
    )


def test_big_files_are_read_in_slices_with_the_same_result(
    corpus_dirs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = corpus_dirs
    local = _ingest(first, tmp_path / "local", workers=1)
    from corpus.distributed import driver, surveying

    monkeypatch.setattr(driver, "SLICE_BYTES", 20_000)  # ~70 KB files: 3-4 read tasks each
    surveyed: list[int] = []
    jobs = driver._survey_jobs

    def counted(pieces: list[sources.Slice], target: int) -> list[surveying.SurveyJob]:
        found = jobs(pieces, target)
        surveyed.append(len(found))
        return found

    monkeypatch.setattr(driver, "_survey_jobs", counted)
    spread = _ingest(first, tmp_path / "spread", workers=2, distributed=True)
    # the same learned statistics, date orders and title suffixes from a survey in slices
    assert outputs.content(spread) == outputs.content(local)
    report = json.loads((spread / "report.json").read_text())
    assert report["units"]["total"] > 9  # more read tasks than files x batches
    # what each run spilled to disk between its steps, on the order of its input
    raw_bytes = sum(p.stat().st_size for p in first.iterdir())
    for made in (local, spread):
        spool = json.loads((made / "report.json").read_text())["facts"]["spool_bytes"]
        assert raw_bytes / 4 < spool < 4 * raw_bytes, (made, spool, raw_bytes)
    files = len(sources.discover([first])[0])
    assert files < surveyed[0] < report["units"]["total"]  # survey slices: fewer, bigger
    # each kind of task's own peak, in worker processes that ran other tasks before
    peaks = report["peak_rss_bytes"]["worker_by_task"]
    assert {"survey_slice", "produce", "plan", "route"} <= set(peaks)
    assert max(peaks.values()) == report["peak_rss_bytes"]["worker"]
    assert all(10 * 2**20 < b < 2**31 for b in peaks.values())
    growth = report["peak_rss_bytes"]["task_growth_by_task"]
    assert set(growth) == set(peaks)
    assert all(0 <= growth[kind] < peaks[kind] for kind in peaks)


def test_big_csv_files_are_read_in_slices_with_the_same_result(
    corpus_dirs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scraper's CSV export, records spanning lines (quoted paragraph breaks), one stray
    quote: cut at the reader's record boundaries, read by several tasks, the same result."""
    import csv

    first, _ = corpus_dirs
    raw = tmp_path / "csv"
    raw.mkdir()
    for path in sorted(first.iterdir()):
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        with (raw / f"{path.stem}.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            for n, row in enumerate(rows):
                words = row["text"].split()
                row["text"] = " ".join(words[:40]) + ".\n\n" + " ".join(words[40:])
                writer.writerow(row)
                if n == 33:  # a line whose quote never closes: the reader reads on twice
                    out.write('Judul,"kutipan tak ditutup,https://x.example/1,2024-03-01\n')
    local = _ingest(raw, tmp_path / "local", workers=1)
    from corpus.distributed import driver

    monkeypatch.setattr(driver, "SLICE_BYTES", 20_000)  # ~70 KB files: 3-4 read tasks each
    spread = _ingest(raw, tmp_path / "spread", workers=2, distributed=True)
    assert outputs.content(spread) == outputs.content(local)
    report = json.loads((spread / "report.json").read_text())
    assert report["units"]["total"] > 9  # more read tasks than files x batches
    assert outputs.content(local)["counts"]["rejected"] == 3  # the stray quotes, one per file


def test_takedowns_hold_in_a_distributed_ingest(
    corpus_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    from corpus.versions import remove

    first, second = corpus_dirs
    made = {}
    for name, how in (("local", {"workers": 1}), ("spread", {"workers": 2, "distributed": True})):
        out = tmp_path / name
        v1 = _ingest(first, out, workers=1)
        kept = outputs.rows(v1)["data"][::2]  # every other article: d.jsonl copies some
        remove(
            out / "news",
            urls=[r["url"] for r in kept],
            reason="test",
            cfg=Config(dataset="news", out=out),
            created_at=WHEN,
        )
        made[name] = outputs.content(_ingest(second, out, **how))
    assert made["spread"] == made["local"]
    stages = made["local"]["stages"]["removed"]
    assert stages.get("taken_down", 0) + stages.get("copy_of_taken_down", 0) > 0


def _chain(rnd: random.Random, body: str, start: int, edits: int) -> str:
    """``body`` with ``edits`` words replaced, from word ``start`` on, 4 words apart (each edit
    changes 3 of the 3-word shingles, and no shingle twice)."""
    words = body.split()
    for k in range(edits):
        words[start + 4 * k] = f"ubah{rnd.randrange(10**6)}"
    return " ".join(words)


def write_chains(folder: Path, name: str, seed: int, day: int, bodies: list[str]) -> list[str]:
    """Chains A~B~C: each body and a copy of it with 5 words changed (Jaccard ~0.82 to it,
    containment ~0.9), then a copy of that copy with 5 other words changed (containment ~0.8
    below, Jaccard ~0.66 to the first: not a duplicate of it); the last links of the chains."""
    rnd = random.Random(seed)
    records, last = [], []
    for i, body in enumerate(bodies):
        b = _chain(rnd, body, 2, 5)
        c = _chain(rnd, b, 60, 5)
        for k, text in enumerate((body, b, c)):
            url = f"https://chain{seed}.example/{i}-{k}"
            records.append(_record(200 + 3 * i + k, text, url, day + k))
        last.append(c)
    rnd.shuffle(records)
    with (folder / name).open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
    return last


def test_components_planned_in_several_jobs_give_the_embedded_result(
    corpus_dirs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dedup's plan cut into many jobs of whole components (a job per ~3 linked articles):
    the same content as the embedded run, from scratch and on top of a published version, with
    exact copies, same-URL revisions, fuller texts and chains A~B~C across the jobs."""
    from corpus.distributed import driver

    first, second = corpus_dirs
    rnd = random.Random(9)
    last = write_chains(first, "e.jsonl", 5, 1, [_body(rnd) for _ in range(6)])
    (second / "e.jsonl").write_bytes((first / "e.jsonl").read_bytes())
    write_chains(second, "f.jsonl", 6, 10, last)  # chains that go on from published articles
    monkeypatch.setattr(driver, "PLAN_ARTICLES", 3)
    local = _ingest(first, tmp_path / "local", workers=1)
    spread = _ingest(first, tmp_path / "spread", workers=2, distributed=True)
    assert outputs.content(spread) == outputs.content(local)
    # the chains: B is a duplicate of A, C of nothing (a survivor's duplicate is no survivor)
    dups = {r["url"]: r for r in outputs.rows(local)["duplicates"]}
    data = {r["url"] for r in outputs.rows(local)["data"]}
    for i in range(6):
        a, b, c = (f"https://chain5.example/{i}-{k}" for k in range(3))
        assert a in data and c in data and dups[b]["reason"] == "near"
    facts = json.loads((spread / "report.json").read_text())["facts"]
    assert facts["dedup_plan_jobs"] > 10
    assert facts["dedup_components"] >= facts["dedup_plan_jobs"]
    assert facts["dedup_linked"] > facts["dedup_plan_job_articles"] * 5
    local2 = _ingest(second, tmp_path / "local", workers=1)
    spread2 = _ingest(second, tmp_path / "spread", workers=2, distributed=True)
    assert outputs.content(spread2) == outputs.content(local2)
    assert json.loads((spread2 / "report.json").read_text())["facts"]["dedup_plan_jobs"] > 10
