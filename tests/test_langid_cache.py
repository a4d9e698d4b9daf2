"""The machine's token cache (``corpus.langid.tokens``): a model that starts from it answers
exactly as a cold one, in this process and in another; damaged or switched off, it is ignored;
written atomically, bounded, replaced when the text in hand would keep more, pruned by age.

The texts are ``tests/data/langid/texts.json`` (written for these tests, not from a corpus).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from corpus import langid
from corpus.langid import Guess, detector, profiles, tokens
from tests.test_langid_first_sight import fixture_texts

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache directory (the user's is left alone); the cache switched on."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(tokens.ENV, raising=False)
    return tmp_path / "corpus"


def texts() -> tuple[list[str], list[str]]:
    """Texts the cache is written from, and texts read after (about half their tokens new)."""
    every = fixture_texts()
    return every[::2], every[1::2]


def answers(model: detector.Model, batch: list[str]) -> list[Guess]:
    """The stage's answers (``identify_batch``) with ``model`` as the process's model."""
    langid.model.cache_clear()
    original = langid.identify_batch.__globals__["model"]
    langid.identify_batch.__globals__["model"] = lambda seed=0: model
    try:
        return langid.identify_batch(batch)
    finally:
        langid.identify_batch.__globals__["model"] = original


def analyses(model: detector.Model, batch: list[str]) -> list[tuple[object, ...]]:
    """Everything ``analyse_many`` finds, the regional weights as their bytes."""
    return [
        (a.ranked, a.letters, a.regional.tobytes(), a.regional_words)
        for a in model.analyse_many(batch)
    ]


def written(monkeypatch: pytest.MonkeyPatch, batch: list[str]) -> detector.Model:
    """A model that read ``batch`` and offered its tokens (as after 2,048 texts)."""
    monkeypatch.setattr(detector, "_OFFER_FIRST", 1)
    model = detector.Model(0)
    model.analyse_many(batch)
    return model


def cold(monkeypatch: pytest.MonkeyPatch) -> detector.Model:
    with monkeypatch.context() as m:
        m.setenv(tokens.ENV, "off")
        return detector.Model(0)


def test_a_model_from_the_cache_answers_as_a_cold_one(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, later = texts()
    written(monkeypatch, first)
    [saved] = cache_dir.glob("langid-tokens-*.bin")
    warm = detector.Model(0)
    assert warm._stored is not None and len(warm._stored.words) > 1000
    assert isinstance(warm._stored.weights.base, np.memmap)  # memory-mapped, read-only
    assert not warm._stored.weights.flags.writeable
    stored = warm._stored
    padded = [f" {w} " for w in stored.words[: stored.closed]]
    padded += [f" {w}" for w in stored.words[stored.closed :]]
    assert stored.keys == detector._shared_keys(padded, warm._normal)  # new tokens share them
    before = warm._sightings.next_slot
    batch = later + first
    assert analyses(warm, batch) == analyses(cold(monkeypatch), batch)
    assert warm._sightings.next_slot - before < len(detector.Model(0)._stored.words)  # type: ignore[union-attr]
    assert answers(detector.Model(0), batch) == answers(cold(monkeypatch), batch)
    one_by_one = [detector.Model(0).probabilities(t) for t in later[:10]]
    assert one_by_one == [cold(monkeypatch).probabilities(t) for t in later[:10]]
    assert saved.exists()


def test_a_cache_written_by_one_process_answers_the_same_in_another(cache_dir: Path) -> None:
    first, later = texts()
    write = (
        "from corpus.langid import detector\n"
        "from tests.test_langid_cache import texts\n"
        "detector._OFFER_FIRST = 1\n"
        "detector.Model(0).analyse_many(texts()[0])\n"
    )
    read = (
        "from corpus.langid import identify_batch, model\n"
        "from tests.test_langid_cache import texts\n"
        "assert model(0)._stored is not None\n"
        "first, later = texts()\n"
        "print(repr(identify_batch(later + first)))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_dir.parent)}
    env.pop(tokens.ENV, None)
    for code in (write, read):
        there = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO
        )
        assert there.returncode == 0, there.stderr
    assert list(cache_dir.glob("langid-tokens-*.bin"))
    os.environ[tokens.ENV] = "off"
    try:
        langid.model.cache_clear()
        here = langid.identify_batch(later + first)
    finally:
        del os.environ[tokens.ENV]
        langid.model.cache_clear()
    assert there.stdout.strip() == repr(here)


@pytest.mark.parametrize("damage", ["truncated", "flipped", "not a cache"])
def test_a_damaged_cache_is_ignored_with_a_log_line(
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    damage: str,
) -> None:
    first, later = texts()
    written(monkeypatch, first)
    [saved] = cache_dir.glob("langid-tokens-*.bin")
    raw = bytearray(saved.read_bytes())
    if damage == "truncated":
        raw = raw[: len(raw) // 2]
    elif damage == "flipped":
        raw[-100] ^= 0x01  # one bit of one weight
    else:
        raw = bytearray(b"something else entirely")
    saved.write_bytes(bytes(raw))
    with caplog.at_level(logging.WARNING, logger="corpus.langid.tokens"):
        model = detector.Model(0)
    assert model._stored is None
    assert "ignoring the token cache" in caplog.text and saved.name in caplog.text
    assert analyses(model, later) == analyses(cold(monkeypatch), later)


def test_switched_off_it_is_neither_read_nor_written(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = texts()
    monkeypatch.setenv(tokens.ENV, "off")
    written(monkeypatch, first)
    assert not list(cache_dir.glob("langid-tokens-*"))
    monkeypatch.delenv(tokens.ENV)
    written(monkeypatch, first)
    monkeypatch.setenv(tokens.ENV, "off")
    assert detector.Model(0)._stored is None
    assert tokens.clear() == 1 and not list(cache_dir.glob("langid-tokens-*"))


def test_written_whole_while_a_reader_keeps_the_old_file(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, later = texts()
    written(monkeypatch, first[:20])
    reader = detector.Model(0)
    assert reader._stored is not None
    small = len(reader._stored.words)
    written(monkeypatch, first)  # a bigger cache replaces it (see the next test)
    assert sorted(p.name for p in cache_dir.iterdir() if "tokens" in p.name) == [
        tokens.path().name
    ]  # no scratch file left behind
    assert tokens.stored()[0] > small
    # the reader's memory-mapped file was replaced, not overwritten: it reads what it read
    assert len(reader._stored.words) == small
    assert analyses(reader, later) == analyses(cold(monkeypatch), later)


def test_rewritten_when_the_text_in_hand_brings_many_new_tokens(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, later = texts()
    written(monkeypatch, first)
    count, checksum = tokens.stored()
    written(monkeypatch, first)  # the same text again: the cache serves it, no write
    assert tokens.stored() == (count, checksum)
    written(monkeypatch, first + first[:3] + [later[0]])  # a few new tokens: not worth a write
    assert tokens.stored() == (count, checksum)
    other = [" ".join(f"{w}nya" for w in t.split()) for t in later]
    written(monkeypatch, other)  # other text: its tokens taken in
    stored = tokens.load()
    assert stored is not None and stored.checksum != checksum and len(stored.words) > count
    old = detector.Model(0)
    assert all(w in old._closed or w in old._open for w in other[0].split() + first[0].split())


def test_bounded_to_the_most_read_tokens(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, later = texts()
    monkeypatch.setattr(detector, "_KEEP_MAX", 300)
    written(monkeypatch, first)
    stored = tokens.load()
    assert stored is not None and len(stored.words) == 300
    counts = {w: sum(t.split().count(w) for t in first) for w in stored.words}
    assert min(counts.values()) >= 2  # the fixture's most read tokens, not its first ones
    full = tokens.stored()
    written(monkeypatch, [" ".join(f"{w}nya" for w in t.split()) for t in later])
    assert tokens.stored() == full  # a full cache is not rewritten for other text
    # a full token cache is emptied and the stored tokens installed again: same answers
    monkeypatch.setattr(detector, "_TOKEN_CACHE_MAX", 2000)
    model = detector.Model(0)
    assert analyses(model, later + first) == analyses(cold(monkeypatch), later + first)
    assert model._closed[stored.words[0]] <= 300


def test_stale_caches_of_other_digests_are_pruned(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir.mkdir(parents=True)
    old_tables = cache_dir / "langid-0123456789abcdef01234567"
    old_tables.mkdir()
    (old_tables / "probs.npy").write_bytes(b"old")
    old_tokens = cache_dir / "langid-tokens-0123456789abcdef01234567.bin"
    recent = cache_dir / "langid-tokens-76543210fedcba9876543210.bin"
    other = cache_dir / "something-else"
    for path in (old_tokens, recent, other):
        path.write_bytes(b"x")
    long_ago = time.time() - (tokens.STALE_DAYS + 1) * 86_400
    for path in (old_tables / "probs.npy", old_tables, old_tokens, other):
        os.utime(path, (long_ago, long_ago))
    profiles.tables()
    written(monkeypatch, texts()[0])
    left = sorted(p.name for p in cache_dir.iterdir())
    assert left == sorted(
        [f"langid-{profiles.digest()}", tokens.path().name, recent.name, other.name]
    )


def test_the_test_session_leaves_the_users_cache_alone(tmp_path: Path, mini: Path) -> None:
    """conftest gives the session a cache folder of its own: a `corpus ingest` with workers,
    started as the tests start one, writes nothing under its home (the home is a stand-in here,
    so the check cannot pass by luck, whatever the real one holds)."""
    from corpus import storage

    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    env.pop(tokens.ENV, None)
    command = [sys.executable, "-m", "corpus", "ingest", str(mini), "--workers", "2"]
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert list(home.iterdir()) == []
    session = profiles.cache_home().parent
    assert session == Path(os.environ["XDG_CACHE_HOME"]) and not session.is_relative_to(Path.home())
    assert (session / "corpus" / f"langid-{profiles.digest()}").is_dir()
    assert storage.staging_root("s3://bucket/processed").is_relative_to(session)
