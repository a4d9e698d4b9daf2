from __future__ import annotations

from pathlib import Path

import pytest

from corpus.config import Config, load_config, normalize_column, parse_map_options
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
