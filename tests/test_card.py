from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from huggingface_hub import DatasetCardData

from corpus.card import front_matter, render, size_category


def manifest(**shards: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "dataset": "news-id",
        "version": "1.0.0",
        "parent": None,
        "created_at": "2026-01-01T00:00:00+00:00",
        "code_version": "0.1.0",
        "config_hash": "abc",
        "schema_fingerprint": {"data": "f"},
        "counts": {"read": 10, "accepted": 7, "duplicates": 2, "rejected": 1},
        "stages": {
            "read": {"records": 10},
            "validate": {"valid": 9, "invalid": 1},
            "dedup": {"exact": 2, "unique": 7},
        },
        "summary": {
            "languages": {"id": 6, "en": 1},
            "publishers": {"Kompas.com": 5, "Tempo": 2},
            "published_min": "2019-09-01",
            "published_max": "2019-09-30T10:00:00+07:00",
            "published_missing": 1,
        },
        "inputs": [{"path": "a.csv", "records": 10, "sha256": "0" * 64, "format": "csv"}],
        "shards": {
            "data": [{"path": "data/train-00000-of-00001.parquet", "rows": 7, "bytes": 900}],
            **shards,
        },
    }


def test_front_matter_declares_only_tables_with_rows() -> None:
    dup = {"path": "duplicates/train-00000-of-00001.parquet", "rows": 2, "bytes": 100}
    meta = front_matter(manifest(duplicates=[dup], rejects=[]))
    assert [c["config_name"] for c in meta["configs"]] == ["default", "duplicates"]
    assert meta["configs"][0]["default"] is True
    assert meta["configs"][0]["data_files"] == [{"split": "train", "path": "data/train-*.parquet"}]
    assert meta["language"] == ["en", "id"]
    assert meta["size_categories"] == ["n<1K"]
    info = meta["dataset_info"]
    assert [i["config_name"] for i in info] == ["default", "duplicates"]
    assert info[0]["splits"] == [{"name": "train", "num_bytes": 900, "num_examples": 7}]
    assert info[0]["features"][0] == {"name": "id", "dtype": "string"}
    assert info[1]["features"][-4:] == [
        {"name": "duplicate_of", "dtype": "string"},
        {"name": "cluster_id", "dtype": "string"},
        {"name": "reason", "dtype": "string"},
        {"name": "similarity", "dtype": "float64"},
    ]


def test_card_yaml_passes_the_hubs_metadata_model() -> None:
    text = render(manifest())
    _, block, body = text.split("---\n", 2)
    data = yaml.safe_load(block)
    card = DatasetCardData(**data)
    assert card.pretty_name == "news-id"
    assert "10 read = 7 accepted + 2 duplicates + 1 rejected." in body
    assert "| Kompas.com | 5 | 71.4% |" in body
    assert "From 2019-09-01 to 2019-09-30T10:00:00+07:00" in body
    assert "{{" not in text


def test_size_categories() -> None:
    assert [size_category(n) for n in (0, 999, 1000, 50_000, 2_000_000)] == [
        "n<1K",
        "n<1K",
        "1K<n<10K",
        "10K<n<100K",
        "1M<n<10M",
    ]


def test_features_match_what_datasets_writes() -> None:
    from datasets import Features

    from corpus.card import features_yaml
    from corpus.records import ARTICLE_SCHEMA, DUPLICATE_SCHEMA, REJECTED_SCHEMA

    for schema in (ARTICLE_SCHEMA, DUPLICATE_SCHEMA, REJECTED_SCHEMA):
        # datasets' own (private) conversion is the oracle; the card does not call it
        assert features_yaml(schema) == Features.from_arrow_schema(schema)._to_yaml_list()


def test_the_card_names_the_hub_repo_or_a_relative_path_never_the_build_folder() -> None:
    from huggingface_hub import DatasetCard

    local = render(manifest())
    assert "/tmp/build" not in local
    assert 'load_dataset("news-id/v1.0.0", split="train")' in local
    hub = render(manifest(), repo_id="org/news-id", endpoint="https://hub.example")
    assert 'load_dataset("org/news-id", revision="v1.0.0", split="train")' in hub
    assert "https://hub.example/datasets/org/news-id/viewer" in hub
    assert 'news-id/v1.0.0"' not in hub.replace('"org/news-id"', "")
    for text in (local, hub):
        assert DatasetCard(text).data.configs[0]["config_name"] == "default"


def test_statistics_from_the_shards(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from corpus.card import statistics

    rows = {
        "publisher": ["Kompas.com", "Tempo", "Kompas.com", None],
        "published_at": ["2019-09-01", "2019-10-02T10:00:00+07:00", None, "2019-09-30"],
        "language": ["id", "id", "en", None],
        "n_words": [30, 120, 2000, 120],
    }
    pq.write_table(pa.table(rows), tmp_path / "a.parquet")
    pq.write_table(pa.table(rows).slice(0, 1), tmp_path / "b.parquet")
    stats = statistics([tmp_path / "a.parquet", tmp_path / "b.parquet"])
    assert stats.articles == 5
    assert stats.publishers == (("Kompas.com", 3), ("Tempo", 1), ("unknown", 1))
    assert stats.months == (("2019-09", 3), ("2019-10", 1)) and stats.undated == 1
    assert stats.languages == (("id", 3), ("en", 1), ("unknown", 1))
    assert dict(stats.words)["< 50"] == 2 and dict(stats.words)["100-199"] == 2
    assert dict(stats.words)["1,600 or more"] == 1 and stats.words_median == 120
    text = render(manifest(), stats=stats)
    assert "### Articles per month (1 article without a parsed date)" in text
    assert "| 2019-09 | 3 | 75.0% | `████████████████████` |" in text
    assert "### Body length (words; median 120)" in text
