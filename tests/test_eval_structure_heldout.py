"""The held-out gold of the newer corpora (evals/structure/gold/news-id-more, news-ms; issue 11).

Shape only, like the rest of tests/test_eval_structure.py: every article comes from a row the
held-out split fixed before any rule for these files, sits in the test split, and carries the
editor fields. Scoring needs ../shared and is the CI gate's job.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parents[1] / "evals" / "structure"
HELDOUT_GOLD = ("news-id-more.jsonl", "news-ms.jsonl")

sys.path.insert(0, str(EVAL_DIR))

import heldout  # noqa: E402


def _lines() -> list[dict[str, object]]:
    out = []
    for name in HELDOUT_GOLD:
        text = (EVAL_DIR / "gold" / name).read_text(encoding="utf-8")
        out.extend(json.loads(line) for line in text.splitlines() if line.strip())
    return out


def test_heldout_gold_comes_only_from_heldout_rows_of_the_new_files():
    lines = _lines()
    assert len(lines) >= 60
    assert len({g["id"] for g in lines}) == len(lines)
    for g in lines:
        file, row = str(g["file"]), int(str(g["row"]))
        assert heldout.is_heldout(file, row), g["id"]
        assert any(file.startswith(prefix) for prefix in heldout.FILES), g["id"]
        assert g["split"] == "heldout", g["id"]
        expected = g["expected"]
        assert isinstance(expected, dict)
        assert {"editors", "editor_initials"} <= set(expected), g["id"]


def test_heldout_gold_covers_every_new_file_and_malaysian_outlet():
    lines = _lines()
    files = {str(g["file"]) for g in lines}
    for prefix in heldout.FILES:
        assert any(f.startswith(prefix) for f in files), prefix
    per_group: dict[str, int] = {}
    for g in lines:
        per_group[str(g["publisher"])] = per_group.get(str(g["publisher"]), 0) + 1
    malaysian = ("utusan", "awani", "sinarharian", "malaysiakini", "kosmo", "harakah", "hmetro")
    assert all(per_group.get(name, 0) >= 3 for name in malaysian), per_group
    assert sum(per_group.get(name, 0) for name in malaysian) >= 20
