"""langdetect's profiles as arrays (``corpus.langid.profiles``): built straight from the files,
or memory-mapped from the user's cache, they are the arrays ``Model`` used to build through
langdetect's own ``DetectorFactory``, bit for bit (``reference`` is that code, up to 4a395de)."""

from __future__ import annotations

import json
import shutil
from dataclasses import fields
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from corpus.langid import detector, profiles


def _pack_gram(gram: str) -> int:
    key = 0
    for ch in gram:
        key = (key << 21) | (ord(ch) + 1)
    return key


@cache
def reference() -> profiles.Tables:
    """The arrays as ``Model.__init__`` built them through langdetect's ``DetectorFactory``."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    order = sorted(range(len(factory.langlist)), key=lambda i: factory.langlist[i])
    grams = sorted(factory.word_lang_prob_map)
    keys = np.array([_pack_gram(g) for g in grams], dtype=np.int64)
    order_of_keys = np.argsort(keys, kind="stable")
    table = np.array(
        [[0.0] * len(order), *(factory.word_lang_prob_map[g] for g in grams)], dtype=np.float64
    )
    probs = np.ascontiguousarray(table[:, order])
    return profiles.Tables(
        languages=np.array([factory.langlist[i] for i in order]),
        keys=keys[order_of_keys],
        key_rows=(order_of_keys + 1).astype(np.int32),
        probs=probs,
        log_probs=np.log(probs + 0.5 / 10_000).astype(np.float32),
        is_upper=np.array([chr(c).isupper() for c in range(0x10000)], dtype=bool),
        is_alpha=np.array([chr(c).isalpha() for c in range(0x10000)], dtype=bool),
    )


def assert_same_bits(found: profiles.Tables, expected: profiles.Tables) -> None:
    for field in fields(profiles.Tables):
        a, b = getattr(found, field.name), getattr(expected, field.name)
        assert a.dtype == b.dtype, field.name
        assert a.shape == b.shape, field.name
        assert a.tobytes() == b.tobytes(), field.name


def test_built_from_the_files_as_langdetect_builds_them_bit_for_bit() -> None:
    built = profiles.build()
    assert_same_bits(built, reference())
    assert len(built.languages) == 55 and built.probs.shape[0] > 80_000
    assert not built.probs[0].any()  # row 0 is never used


def test_cached_tables_are_written_once_then_memory_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = profiles.tables()
    [home] = (tmp_path / "corpus").iterdir()  # one directory, no scratch left behind
    assert home.name.startswith("langid-")
    again = profiles.tables()
    assert isinstance(again.probs.base, np.memmap)
    assert not again.probs.flags.writeable  # read-only: shared by every process
    assert_same_bits(first, reference())
    assert_same_bits(again, reference())


def test_a_model_on_cached_tables_answers_as_one_built_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Pemerintah kota mengumumkan jadwal baru untuk warga yang tinggal di pinggiran."
    expected = detector.Model(0).probabilities(text)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    profiles.tables()
    assert detector.Model(0).probabilities(text) == expected  # from the memory-mapped cache


def test_an_unwritable_cache_builds_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert_same_bits(profiles.tables(), reference())


def test_a_damaged_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    profiles.tables()
    [home] = (tmp_path / "corpus").iterdir()
    damaged = home / "probs.npy"
    damaged.write_bytes(damaged.read_bytes()[:1000])
    assert_same_bits(profiles.tables(), reference())


def test_the_cache_key_follows_the_profiles(tmp_path: Path) -> None:
    shipped = sorted(Path(PROFILES_DIRECTORY).iterdir())
    copies = []
    for path in shipped:
        shutil.copy(path, tmp_path / path.name)
        copies.append(tmp_path / path.name)
    assert profiles._digest(copies) == profiles._digest(shipped)
    profile = json.loads(copies[0].read_text(encoding="utf-8"))
    profile["n_words"][0] += 1
    copies[0].write_text(json.dumps(profile), encoding="utf-8")
    assert profiles._digest(copies) != profiles._digest(shipped)
    changed = profiles.build(copies)
    column = list(changed.languages).index(profile["name"])
    row = int(changed.key_rows[np.searchsorted(changed.keys, _pack_gram("a"))])
    expected = profile["freq"]["a"] / profile["n_words"][0]
    assert float(changed.probs[row, column]) == expected


def test_a_damaged_profile_names_its_file(tmp_path: Path) -> None:
    bad = tmp_path / "xx"
    bad.write_text('{"name": "xx"}', encoding="utf-8")
    with pytest.raises(profiles.ProfileError, match=r"xx.*reinstall langdetect"):
        profiles.build([bad])
