"""The held-out-by-file gate (evals/structure/markers.py) at the issue's absolute targets, where
they are met: every target on the dev files; titles, dates and markers (<= 2 % of bodies
overall, <= 5 % in any file) on the test files since the seventh pass, and a URL in every
test file that has one since the eighth (evals/structure/README.md).

It ingests every shared news file (27,144 rows) once with ``CORPUS_PROFILES=off``: about
~2-3 minutes with two workers on a quiet 2-core machine, longer under load; skipped without ``../shared``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import shared_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evals" / "structure"))
import markers

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, markers.FileScore]:
    corpora = shared_path()
    return markers.measure(corpora, tmp_path_factory.mktemp("markers"), workers=2)


def test_dev_files_meet_every_target(scores: dict[str, markers.FileScore]) -> None:
    dev = markers.summary([s for s in scores.values() if s.split == "dev"])
    assert markers.gate(dev) == []


def test_test_files_titles_and_dates(scores: dict[str, markers.FileScore]) -> None:
    test = markers.summary([s for s in scores.values() if s.split == "test"])
    assert test["accepted"] > 10_000
    assert test["titles"] >= markers.TARGETS["titles"]
    assert test["wrong_dates"] == markers.TARGETS["wrong_dates"]
    assert test["dates_checked"] > 0.95 * test["accepted"]


def test_test_files_markers(scores: dict[str, markers.FileScore]) -> None:
    """Met on the test files once, at the seventh pass's single score (0.64 % overall, worst
    file 4.55 %): gated at the issue's targets, not at that value."""
    test = markers.summary([s for s in scores.values() if s.split == "test"])
    assert test["markers_overall"] <= markers.TARGETS["markers_overall"]
    assert test["markers_any_file"] <= markers.TARGETS["markers_any_file"], test["worst_file"]


def test_test_files_urls(scores: dict[str, markers.FileScore]) -> None:
    """Met on the test files since the eighth session: the antara pages name their address only
    in schema.org microdata and a comments box (``sources/html.py``; their URL was missing)."""
    test = markers.summary([s for s in scores.values() if s.split == "test"])
    assert test["url_files_missing"] == []
