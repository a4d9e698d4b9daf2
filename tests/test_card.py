from __future__ import annotations

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
    text = render(manifest(), "processed/news-id/v1.0.0")
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
