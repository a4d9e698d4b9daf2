"""The survey file by file: parts made apart and combined equal one pass over every record."""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path
from typing import Any

import pytest

from corpus import learned, sources, structure, survey
from corpus.config import Config
from corpus.errors import ConfigError
from corpus.learned import FileLines, LineStats, Thresholds, file_lines, learn
from corpus.records import Provenance, RawRecord
from corpus.stats import Stats
from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[1]
#: Small enough that ranks, sampling and hot starts cross file boundaries in a few records.
TIGHT = Thresholds(min_stories=2, full_records=3, sample_every=2, hot_stories=1, hot_share=0.2)
FURNITURE = ["Baca juga: berita lain.", "ADVERTISEMENT SCROLL TO CONTINUE.", "Simak videonya."]


def state(stats: LineStats) -> dict[str, Any]:
    """Everything a LineStats holds that a run keeps or decides with."""
    table = stats.table()
    return {
        "scopes": stats.scopes(),
        "records": stats.records(),
        "sampled": [stats._sampled[i] for i in range(len(stats.scopes()))],
        "hot": {sid: dict(seen) for sid, seen in stats._hot_seen.items() if seen},
        "table": {name: table[name].tolist() for name in sorted(table)},
    }


def sequential(files: list[sources.InputFile], cfg: Config) -> tuple[LineStats, dict[str, str]]:
    """Today's survey, record after record over every file in order (the reference)."""
    votes = survey._DateVotes()
    records = (r for r in sources.run(files, cfg, Stats()) if isinstance(r, RawRecord))
    stats = learn(map(votes.see, records))
    return stats, survey._settled(votes.finish())


def record(text: str, n: int, host: str, path: str) -> RawRecord:
    fields: dict[str, Any] = {"text": text, "url": f"https://{host}/read/{n}"}
    return RawRecord(fields, {}, Provenance(path, n, n + 1, "0" * 64, "csv"), text)


def files_of_records(seed: int) -> list[list[RawRecord]]:
    """Files whose publishers span several files, with recurring furniture glued into lines."""
    rng = random.Random(seed)
    files = []
    for f in range(5):
        records = []
        for n in range(rng.randrange(0, 12)):
            host = rng.choice(["a.example.com", "b.example.org"])
            words = [rng.choice(["Warga", "Banjir", "Pemerintah", "Polisi"]) for _ in range(3)]
            body = f"{' '.join(words)} di kota {rng.randrange(50)} pada hari {n}."
            glued = f"{body} {rng.choice(FURNITURE)} Kata dia, {rng.random():.6f}."
            lines = [f"JAKARTA - {glued}", rng.choice(FURNITURE), f"Warga {rng.random():.5f}."]
            records.append(record("\n".join(lines), n, host, f"f{f}.csv"))
        files.append(records)
    return files


@pytest.mark.parametrize("seed", range(6))
def test_parts_merged_in_file_order_equal_one_pass(seed: int) -> None:
    files = files_of_records(seed)
    whole = learn([r for f in files for r in f], thresholds=TIGHT)
    merged = LineStats(TIGHT)
    for part in (file_lines(f, TIGHT) for f in files):
        merged.merge(pickle.loads(pickle.dumps(part)))  # parts travel from worker processes
    assert state(merged) == state(whole)
    assert learned.LearnedBoilerplate.build(merged) == learned.LearnedBoilerplate.build(whole)


@pytest.mark.parametrize("seed", range(6))
def test_a_file_counted_in_slices_joined_equals_the_file_counted_whole(seed: int) -> None:
    """``FileLines.then``: a big file's slices, counted apart (ranks restart in each), joined
    in file order, give the statistics of the file counted whole (ranks over the file)."""
    rng = random.Random(seed)
    files = [[r for f in files_of_records(seed) for r in f] * 3, *files_of_records(seed + 50)]
    whole, joined = LineStats(TIGHT), LineStats(TIGHT)
    for records in files:
        whole.merge(file_lines(records, TIGHT))
        cuts = sorted(rng.sample(range(len(records) + 1), min(3, len(records) + 1)))
        pieces = [records[a:b] for a, b in zip([0, *cuts], [*cuts, len(records)], strict=True)]
        parts = [pickle.loads(pickle.dumps(file_lines(p, TIGHT))) for p in pieces]
        part = parts[0]
        for later in parts[1:]:
            part = part.then(later)
        assert sum(part.docs) == len([r for r in records if r.fields["text"].strip()])
        joined.merge(part)
    assert state(joined) == state(whole)


def test_a_big_jsonl_file_surveyed_in_slices_equals_it_surveyed_whole(tmp_path: Path) -> None:
    """The embedded ingest surveys a big JSONL file slice by slice on its workers: the same
    line statistics, date order (settled by a value in its last slice) and title suffixes."""
    rows = []
    for n in range(240):
        host = ["a.example.com", "b.example.org", "c.example.net"][n % 3]
        month, day = (n % 12) + 1, 1 + n % 12 if n < 230 else 25  # only the end says m/d/y
        lines = [f"JAKARTA - Warga kota {n} berkumpul pada hari ke {n}.", FURNITURE[n % 3]]
        title = f"Banjir di kota {n} - {['Nasional', 'Daerah'][n % 2]}"
        rows.append(
            {
                "url": f"https://{host}/read/{n}",
                "title": title,
                "text": "\n".join(lines),
                "published": f"{month:02d}/{day:02d}/2025 10:00",
            }
        )
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    files, _ = sources.discover([tmp_path])
    cfg = Config()
    pieces = sources.split(files[0], 2_000, sources.ReadOptions.of(cfg))
    assert len(pieces) > 10
    whole = survey.survey_file(files[0], cfg)
    sliced = list(survey.by_file(survey.survey_slice(p, cfg) for p in pieces))
    assert [s.relpath for s in sliced] == [whole.relpath]
    assert sliced[0].date_orders == whole.date_orders == {"big.jsonl": "mdy"}
    assert sliced[0].title_suffixes == whole.title_suffixes and whole.title_suffixes
    rules = structure.rules_for(cfg)
    assert survey.combine(sliced, files, rules, None)[0] == _check_survey(files, cfg)
    stats = LineStats()
    stats.merge(sliced[0].lines)
    assert state(stats) == state(sequential(files, cfg)[0])


def test_parts_after_an_earlier_versions_statistics() -> None:
    earlier = learn([r for f in files_of_records(10) for r in f], thresholds=TIGHT)
    files = files_of_records(11)
    whole = learn([r for f in files for r in f], previous=earlier, thresholds=TIGHT)
    merged = LineStats(TIGHT)
    merged.merge(earlier)
    for f in files:
        merged.merge(file_lines(f, TIGHT))
    assert state(merged) == state(whole)


def test_a_part_counted_with_other_thresholds_is_refused() -> None:
    part = file_lines(files_of_records(1)[0], TIGHT)
    with pytest.raises(ConfigError, match="same thresholds"):
        LineStats().merge(part)


def test_a_file_part_holds_few_records_undecided() -> None:
    records = [r for f in files_of_records(3) for r in f] * 20
    part = file_lines(records)
    assert isinstance(part, FileLines)
    # a publisher's first 200 records, then one story in 16
    assert len(part.pending) < 2 * 200 + len(records) / 8
    assert sum(part.docs) == len(records)


def _check_survey(files: list[sources.InputFile], cfg: Config) -> survey.Survey:
    rules = structure.rules_for(cfg)
    stats, orders = sequential(files, cfg)
    parts = [survey.survey_file(f, cfg) for f in files]
    found, found_stats = survey.combine(parts, files, rules, None)
    again, _ = survey.combine(reversed(parts), files, rules, None)  # any order of parts
    assert state(found_stats) == state(stats)
    assert found.boilerplate == learned.LearnedBoilerplate.build(stats, rules=rules)
    assert found.date_orders == orders
    assert again == found
    assert survey.survey(files, cfg, rules, None)[0] == found
    return found


def test_survey_of_the_bundled_raw_folder_and_fixtures() -> None:
    for folder in (ROOT / "raw", ROOT / "tests" / "data" / "mini", ROOT / "tests" / "data"):
        files, _ = sources.discover([folder])
        assert files
        _check_survey(files, Config())


def test_survey_of_shared_corpora() -> None:
    files, _ = sources.discover([shared_path("news-id-2019")])
    found = _check_survey(files, Config())
    assert found.date_orders
    files, _ = sources.discover([shared_path("news-id-more", "cnnindonesia-2025")])
    found = _check_survey(files, Config(column_map={"text": "FullText"}))
    assert found.boilerplate.knows("cnnindonesia.com")  # its inline ad marker is learned
