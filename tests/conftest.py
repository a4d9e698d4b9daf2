"""Shared fixtures: fixture corpora copied to tmp_path, the shared real corpora (optional);
a cache folder of the session's own."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from corpus.records import RawRecord

# Loading a version must never touch the network; set before datasets/huggingface_hub import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


# Timing-based failures are noise on a shared 2-core CI machine; correctness is what is tested.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

_CACHE = pytest.StashKey[str]()
DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"


def pytest_configure(config: pytest.Config) -> None:
    """Tests never write the user's cache (~/.cache/corpus: langid's profiles and token cache,
    staged mirrors): the session gets a cache folder of its own, set before any test module is
    imported, so every process a test starts (the forkserver and its workers, Ray's, `corpus`
    subprocesses) inherits it. One per session, not per test: the profiles are built once
    (~0.5 s), the token cache warms. A hook, not module code: a subprocess importing this
    module for its constants keeps the environment it was given."""
    cache = tempfile.mkdtemp(prefix="corpus-test-cache-")
    config.stash[_CACHE] = cache
    os.environ["XDG_CACHE_HOME"] = cache
    os.environ.pop("CORPUS_STAGING", None)  # storage.STAGING_ENV: a user's stays theirs


def pytest_unconfigure(config: pytest.Config) -> None:
    """The session's cache folder goes with it."""
    shutil.rmtree(config.stash.get(_CACHE, ""), ignore_errors=True)


def shared_path(*parts: str) -> Path:
    """A path under ../shared/corpora, or skip the test when the shared data is absent."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus {path} not present")
    return path


@functools.lru_cache(maxsize=2)
def shared_rows(corpus: str, relpath: str) -> dict[int, RawRecord]:
    """The records of one shared file by row number (read once per test session); skips the
    test when the shared data is absent."""
    from corpus.sources import ColumnMapper, discover, read_file

    files, _ = discover([shared_path(corpus)])
    f = next(f for f in files if f.relpath == relpath)
    return {r.provenance.row: r for r in read_file(f, ColumnMapper({})) if isinstance(r, RawRecord)}


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A copy of tests/data/mini: CSV, JSONL and TXT articles with a duplicate and bad rows."""
    target = tmp_path / "raw"
    shutil.copytree(DATA / "mini", target)
    return target


@pytest.fixture
def seed_text() -> str:
    """The seed article shipped in raw/."""
    return (REPO / "raw" / "000_a533d64818c347f6.txt").read_text(encoding="utf-8")
