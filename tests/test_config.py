from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from langdetect.detector_factory import PROFILES_DIRECTORY

from corpus.config import (
    LANGDETECT_LANGUAGES,
    Config,
    Role,
    load_config,
    normalize_column,
    parse_map_options,
)
from corpus.errors import ConfigError


def test_defaults_and_fingerprint_ignore_paths() -> None:
    assert Config().dataset == "news"
    assert Config(out=Path("a")).fingerprint == Config(out=Path("b"), dataset="x").fingerprint
    assert Config(column_map={"title": "h"}).fingerprint != Config().fingerprint


def test_invalid_settings_fail_before_reading_input() -> None:
    with pytest.raises(ConfigError, match="unknown field 'headline'"):
        Config(column_map={"headline": "title"})
    with pytest.raises(ConfigError, match="dataset name"):
        Config(dataset="../escape")
    with pytest.raises(ConfigError, match=r"X\.Y\.Z"):
        Config(version="1.0")
    with pytest.raises(ConfigError, match="batch_size"):
        Config(batch_size=0)


def test_map_options() -> None:
    assert parse_map_options(["title=headline", " text = story "]) == {
        "title": "headline",
        "text": "story",
    }
    with pytest.raises(ConfigError, match="FIELD=COLUMN"):
        parse_map_options(["title"])


def test_load_config_merges_toml_and_overrides(tmp_path: Path) -> None:
    toml = tmp_path / "corpus.toml"
    toml.write_text(
        '[ingest]\ndataset = "news-id"\nshard_max_rows = 10\n[map]\ntitle = "headline"\n'
    )
    cfg = load_config(toml, column_map={"text": "story"}, dataset=None)
    assert (cfg.dataset, cfg.shard_max_rows) == ("news-id", 10)
    assert dict(cfg.column_map) == {"title": "headline", "text": "story"}
    assert load_config(toml, dataset="other").dataset == "other"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[ingest\n", "not valid TOML"),
        ("[oops]\n", "unknown section"),
        ("[ingest]\nfoo = 1\n", "unknown setting"),
    ],
)
def test_bad_config_files(tmp_path: Path, content: str, message: str) -> None:
    toml = tmp_path / "corpus.toml"
    toml.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_config(toml)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_normalize_column() -> None:
    assert normalize_column("\ufeff Tanggal-Publikasi ") == "tanggal_publikasi"
    assert normalize_column("sub category") == "sub_category"


def test_building_a_config_reads_no_file(tmp_path: Path) -> None:
    missing = tmp_path / "rules.toml"
    cfg = Config(boilerplate_rules=missing)  # named, not read
    with pytest.raises(ConfigError, match="has not been read yet"):
        _ = cfg.fingerprint
    with pytest.raises(ConfigError, match=r"boilerplate_rules: .*rules\.toml is not a file"):
        cfg.checked()
    missing.write_text("format = 1\n", encoding="utf-8")
    checked = cfg.checked()
    assert checked == cfg and checked.rules_sha256 is not None
    assert checked.fingerprint != Config().fingerprint
    # a copy with other settings is a new configuration: it is checked again
    with pytest.raises(ConfigError, match="has not been read yet"):
        _ = dataclasses.replace(checked, dedup_ngram=4).fingerprint
    assert dataclasses.replace(checked, boilerplate_rules=None).fingerprint == Config().fingerprint


def test_load_config_returns_a_checked_config(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    with pytest.raises(ConfigError, match="is not a file"):
        load_config(None, boilerplate_rules=rules)
    rules.write_text("format = 1\n", encoding="utf-8")
    assert load_config(None, boilerplate_rules=rules).rules_sha256 is not None


def test_roles_say_what_is_hashed_and_what_is_recorded() -> None:
    roles = {f.name: f.metadata.get("role", Role.OUTPUT) for f in dataclasses.fields(Config)}
    how = {name for name, kind in roles.items() if kind is Role.HOW}
    assert how == {
        "out",
        "version",
        "bump",
        "rebuild",
        "allow_mixed",
        "workers",
        "executor",
        "address",
        "distributed",
        "lease_timeout",
    }
    recorded = Config().recorded()
    assert not how & set(recorded) and "rules_sha256" not in recorded
    assert {"dataset", "batch_size", "boilerplate_rules", "dedup_threshold"} <= set(recorded)
    others = Config(
        dataset="other",
        out=Path("elsewhere"),
        batch_size=7,
        version="9.9.9",
        bump="major",
        rebuild=True,
        allow_mixed=True,
        workers=3,
        executor="ray",
        address="auto",
    )
    assert others.fingerprint == Config().fingerprint  # labels and ways of running: not hashed


def test_the_fingerprint_of_the_defaults_is_stable() -> None:
    # Manifests of earlier versions hold this hash (the one a3f0e01 computed): a new one would
    # make every incremental ingest of an existing dataset ask for --rebuild.
    assert Config().fingerprint == "b3c30fd48e4793c9"


def test_langdetect_languages_match_its_profiles() -> None:
    assert set(LANGDETECT_LANGUAGES) == set(os.listdir(PROFILES_DIRECTORY))
