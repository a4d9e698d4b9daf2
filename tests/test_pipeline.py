"""End to end: a fixture corpus through every stage, checking the complete output (doc2dash)."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml
from datasets import load_dataset

from corpus import drive, langid, pipeline, runs
from corpus.audit import check_version
from corpus.config import Config
from corpus.errors import InputError, VersionError
from corpus.records import ARTICLE_SCHEMA, DUPLICATE_SCHEMA, REJECTED_SCHEMA
from corpus.versions import diff, remove
from tests import outputs
from tests.conftest import shared_path

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def table(version: Path, name: str) -> list[dict[str, Any]]:
    return pq.read_table(version / name).to_pylist() if (version / name).exists() else []


EXPECTED = {
    "data": [
        {
            "id": "ef205794fa978f52c7f0f39ae6d0767b",
            "url": None,
            "publisher": None,
            "title": "Gempa Magnitudo 5,2 Guncang Maluku",
            "published_at": "2021-11-18T10:15:00+09:00",
            "dateline": "AMBON",
            "authors": [],
            "editor_initials": [],
            "cited_sources": [],
            "captions": [],
            "category": None,
            "text": "Gempa bermagnitudo 5,2 mengguncang wilayah Maluku pada Kamis pagi. Badan Meteorologi, "
            "Klimatologi, dan Geofisika menyatakan gempa tidak berpotensi tsunami.\n"
            "\n"
            "Warga sempat berhamburan keluar rumah karena guncangan terasa cukup kuat selama beberapa "
            "detik.",
            "boilerplate": [],
            "boilerplate_rules": [],
            "updated_at": None,
            "desk": None,
            "syndicated_from": None,
            "language": "id",
            "language_score": 0.9986,
            "language_langdetect": "id",
            "n_words": 32,
            "extra": "{}",
            "source": {
                "path": "gempa.txt",
                "row": 1,
                "line": 1,
                "sha256": "b436e4bf09b3eb1e60926ce6c89eaaed795e011add1467ab9b285481e41113ff",
                "format": "txt",
            },
            "duplicate_count": 0,
            "also_seen_at": [],
            "language_share": 1.0,
            "language_alternatives": [],
            "published_at_source": "text",
            "editors": [],
        },
        {
            "id": "6addba8e5537ab7448e12b95e10f4002",
            "url": "https://www.example.co.id/read/2/banjir-bekasi",
            "publisher": "example.co.id",
            "title": "Banjir Rendam Ratusan Rumah di Bekasi",
            "published_at": "2021-11-16T08:10:00+07:00",
            "dateline": "BEKASI",
            "authors": ["Siti Aminah"],
            "editor_initials": [],
            "cited_sources": [],
            "captions": [],
            "category": None,
            "text": "Banjir merendam ratusan rumah warga di Kecamatan Bekasi Timur setelah hujan deras "
            "mengguyur sejak Senin malam.\n"
            "\n"
            "Petugas BPBD mengevakuasi warga lanjut usia dan anak-anak ke tempat pengungsian "
            "sementara.",
            "boilerplate": [],
            "boilerplate_rules": [],
            "updated_at": None,
            "desk": None,
            "syndicated_from": None,
            "language": "id",
            "language_score": 0.9815,
            "language_langdetect": "id",
            "n_words": 28,
            "extra": '{"rating":"4"}',
            "source": {
                "path": "portal.csv",
                "row": 2,
                "line": 4,
                "sha256": "8ce25474753a6727fa517cea9cdf04fa233b064dfa5549148909f8fb48011e71",
                "format": "csv",
            },
            "duplicate_count": 0,
            "also_seen_at": [],
            "language_share": 1.0,
            "language_alternatives": [],
            "published_at_source": "column",
            "editors": [],
        },
        {
            "id": "2be55dbbc17a21bc5f9ec9f7f74dbbfb",
            "url": "https://mirror.example.net/cabai",
            "publisher": "mirror.example.net",
            "title": "Harga Cabai Naik Jelang Lebaran",
            "published_at": "2021-11-16T20:00:00+07:00",
            "dateline": "JAKARTA",
            "authors": [],
            "editor_initials": [],
            "cited_sources": [],
            "captions": [],
            "category": None,
            "text": "Harga cabai rawit di pasar tradisional Jakarta naik hingga dua kali lipat menjelang "
            "Lebaran, kata pedagang di Pasar Minggu.\n"
            "\n"
            "Kenaikan ini dipicu oleh cuaca buruk yang mengganggu panen di sentra produksi Jawa Barat "
            "dan Jawa Tengah.",
            "boilerplate": [],
            "boilerplate_rules": [],
            "updated_at": None,
            "desk": None,
            "syndicated_from": None,
            "language": "id",
            "language_score": 0.9953,
            "language_langdetect": "id",
            "n_words": 36,
            "extra": "{}",
            "source": {
                "path": "wire.jsonl",
                "row": 1,
                "line": 1,
                "sha256": "47b6bad84a4e2477ae9bb87d4fd8bf7434cdbb2bb0b1ecd694308c780433c4e1",
                "format": "jsonl",
            },
            "duplicate_count": 1,
            "also_seen_at": ["example.co.id"],
            "language_share": 1.0,
            "language_alternatives": [],
            "published_at_source": "column",
            "editors": [],
        },
        {
            "id": "1e60838af35c20b02af83bead86c9e1b",
            "url": "https://wire.example.com/rates",
            "publisher": "wire.example.com",
            "title": "Central bank holds rates steady",
            "published_at": "2021-11-18",
            "dateline": None,
            "authors": [],
            "editor_initials": [],
            "cited_sources": [],
            "captions": [],
            "category": None,
            "text": "The central bank kept its benchmark interest rate unchanged on Thursday, citing easing "
            "inflation and a stable currency, and said it would watch global markets closely.",
            "boilerplate": [],
            "boilerplate_rules": [],
            "updated_at": None,
            "desk": None,
            "syndicated_from": None,
            "language": "en",
            "language_score": 1.0,
            "language_langdetect": "en",
            "n_words": 26,
            "extra": "{}",
            "source": {
                "path": "wire.jsonl",
                "row": 2,
                "line": 2,
                "sha256": "45294cb161f7c37d20fec03f739dc7284ffce95fa2deb5f4d7f8cefc176e2efa",
                "format": "jsonl",
            },
            "duplicate_count": 0,
            "also_seen_at": [],
            "language_share": 1.0,
            "language_alternatives": [],
            "published_at_source": "column",
            "editors": [],
        },
    ],
    "duplicates": [
        {
            "id": "c725e5386d6f5af2f1a027c8587279d0",
            "url": "https://www.example.co.id/read/1/harga-cabai",
            "publisher": "example.co.id",
            "title": "Harga Cabai Naik Jelang Lebaran",
            "published_at": "2021-11-17T17:45:00+07:00",
            "dateline": "JAKARTA",
            "authors": ["Budi Santoso"],
            "editor_initials": [],
            "cited_sources": [],
            "captions": [],
            "category": None,
            "text": "Harga cabai rawit di pasar tradisional Jakarta naik hingga dua kali lipat "
            "menjelang Lebaran, kata pedagang di Pasar Minggu.\n"
            "\n"
            "Kenaikan ini dipicu oleh cuaca buruk yang mengganggu panen di sentra produksi Jawa "
            "Barat dan Jawa Tengah.",
            "boilerplate": [],
            "boilerplate_rules": [],
            "updated_at": None,
            "desk": None,
            "syndicated_from": None,
            "language": "id",
            "language_score": 0.9953,
            "language_langdetect": "id",
            "n_words": 36,
            "extra": '{"rating":"5"}',
            "source": {
                "path": "portal.csv",
                "row": 1,
                "line": 2,
                "sha256": "bef817aebd1fd46dc41a13a984b15d224c831496b781eb81273e59d6a073fe26",
                "format": "csv",
            },
            "duplicate_count": 0,
            "also_seen_at": [],
            "language_share": 1.0,
            "language_alternatives": [],
            "published_at_source": "column",
            "editors": [],
            "duplicate_of": "2be55dbbc17a21bc5f9ec9f7f74dbbfb",
            "cluster_id": "2be55dbbc17a21bc5f9ec9f7f74dbbfb",
            "reason": "exact",
            "similarity": 1.0,
        }
    ],
    "rejects": [
        {
            "id": "faf2c2d9b8dd708950677feade24b731",
            "stage": "validate",
            "reason": "schema",
            "issues": [
                {
                    "pointer": "",
                    "message": "'text' is required but no column maps to it (map one with --map "
                    "FIELD=COLUMN)",
                    "code": "required",
                }
            ],
            "raw": 'Tanpa Isi,,https://www.example.co.id/read/3/kosong,"Selasa, 16 November 2021 - 09:00 '
            'WIB",Anon,example.co.id,1\n',
            "source": {
                "path": "portal.csv",
                "row": 3,
                "line": 6,
                "sha256": "f8ce6f17bceada023914096ade016f45f0b051277f36878b229159592df1bf61",
                "format": "csv",
            },
        },
        {
            "id": "3c22e6bea2279e85db9c4f4485c2dd99",
            "stage": "validate",
            "reason": "schema",
            "issues": [
                {
                    "pointer": "/title",
                    "message": "42 is of type integer, expected string or null",
                    "code": "type",
                }
            ],
            "raw": '{"title": 42, "text": "Judul yang salah tipe tetap ditolak oleh validasi skema, bukan '
            'diterima diam-diam."}\n',
            "source": {
                "path": "wire.jsonl",
                "row": 3,
                "line": 3,
                "sha256": "544d186cbaa1ffb8520bba219f4278d45a221ab4422cc4406fbb9704c94fbd76",
                "format": "jsonl",
            },
        },
        {
            "id": "acd0ec83b27c877887153c0611095d74",
            "stage": "read",
            "reason": "not_object",
            "issues": [
                {"pointer": "", "message": "expected a JSON object, got list", "code": "type"}
            ],
            "raw": '["not", "an", "object"]\n',
            "source": {
                "path": "wire.jsonl",
                "row": 4,
                "line": 4,
                "sha256": "6bdddeaee19595f4bdff2fba57f2e57db3fc948106439499c54a21c043b2f626",
                "format": "jsonl",
            },
        },
        {
            "id": "6a8306b9c57926d5c92d4bdc8021c73a",
            "stage": "read",
            "reason": "json",
            "issues": [
                {
                    "pointer": "",
                    "message": "not valid JSON: Expecting property name enclosed in double quotes at "
                    "column 1",
                    "code": "json",
                }
            ],
            "raw": '{"title": "broken json",\n',
            "source": {
                "path": "wire.jsonl",
                "row": 5,
                "line": 5,
                "sha256": "5f52b9552e3119f5bba5c4af61c8aaa79d6e5d179840ff87b9ab588a01a2cb4f",
                "format": "jsonl",
            },
        },
    ],
}


def test_mini_corpus_complete_output(mini: Path, tmp_path: Path) -> None:
    result = pipeline.ingest([mini], Config(dataset="mini", out=tmp_path / "out"), created_at=WHEN)
    version = tmp_path / "out" / "mini" / "v1.0.0"
    assert result.version_dir == version
    assert result.counts == {"read": 9, "accepted": 4, "duplicates": 1, "rejected": 4}
    for name in ("data", "duplicates", "rejects"):
        assert table(version, name) == EXPECTED[name], name
    assert pq.read_schema(version / "data" / "train-00000-of-00001.parquet") == ARTICLE_SCHEMA
    assert (
        pq.read_schema(version / "duplicates" / "train-00000-of-00001.parquet") == DUPLICATE_SCHEMA
    )
    assert pq.read_schema(version / "rejects" / "train-00000-of-00001.parquet") == REJECTED_SCHEMA


def test_manifest_records_counts_inputs_shards(mini: Path, tmp_path: Path) -> None:
    pipeline.ingest([mini], Config(dataset="mini", out=tmp_path), created_at=WHEN)
    version = tmp_path / "mini" / "v1.0.0"
    manifest = json.loads((version / "manifest.json").read_text())
    assert (
        manifest["dataset"] == "mini"
        and manifest["version"] == "1.0.0"
        and manifest["parent"] is None
    )
    assert manifest["created_at"] == "2026-01-02T03:04:05+00:00"
    assert manifest["counts"] == {"read": 9, "accepted": 4, "duplicates": 1, "rejected": 4}
    assert manifest["config_hash"] == Config().fingerprint
    assert [(i["path"], i["records"]) for i in manifest["inputs"]] == [
        ("gempa.txt", 1),
        ("portal.csv", 3),
        ("wire.jsonl", 5),
    ]
    assert (
        manifest["inputs"][1]["sha256"]
        == hashlib.sha256((mini / "portal.csv").read_bytes()).hexdigest()
    )
    assert manifest["skipped"] == [{"path": "notes.md", "reason": "unsupported file type .md"}]
    assert manifest["stages"]["read"] == {
        "records": 9,
        "rejected:json": 1,
        "rejected:not_object": 1,
    }
    assert manifest["stages"]["dedup"] == {"exact": 1, "unique": 4}
    for shard in (s for shards in manifest["shards"].values() for s in shards):
        path = version / shard["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == shard["sha256"]
        assert pq.ParquetFile(path).metadata.num_rows == shard["rows"]
        assert path.stat().st_size == shard["bytes"]
    assert manifest["summary"]["languages"] == {"en": 1, "id": 3}
    assert manifest["summary"]["published_min"] == "2021-11-16T08:10:00+07:00"
    assert manifest["summary"]["published_max"] == "2021-11-18T10:15:00+09:00"  # 01:15 UTC


def test_load_dataset_opens_every_table_offline(mini: Path, tmp_path: Path) -> None:
    pipeline.ingest([mini], Config(dataset="mini", out=tmp_path / "out"), created_at=WHEN)
    version = str(tmp_path / "out" / "mini" / "v1.0.0")
    cache = str(tmp_path / "hf-cache")
    train = load_dataset(version, split="train", cache_dir=cache)
    assert train.num_rows == 4
    assert train[0]["title"] == "Gempa Magnitudo 5,2 Guncang Maluku"
    assert (
        load_dataset(version, "duplicates", split="train", cache_dir=cache)[0]["duplicate_of"]
        == train[2]["id"]
    )
    assert load_dataset(version, "rejects", split="train", cache_dir=cache).num_rows == 4
    card = (Path(version) / "README.md").read_text()
    meta = yaml.safe_load(card.split("---\n")[1])
    assert [c["config_name"] for c in meta["configs"]] == ["default", "duplicates", "rejects"]


def test_versions_of_two_datasets_do_not_share_the_datasets_cache(
    mini: Path, tmp_path: Path
) -> None:
    # Both versions are folders named v1.0.0 with the same data_files patterns; without a
    # per-version dataset_info in the card, datasets hashes them alike and serves stale rows.
    pipeline.ingest([mini], Config(dataset="a", out=tmp_path), created_at=WHEN)
    pipeline.ingest([mini / "gempa.txt"], Config(dataset="b", out=tmp_path), created_at=WHEN)
    cache = str(tmp_path / "hf-cache")
    assert (
        load_dataset(str(tmp_path / "a" / "v1.0.0"), split="train", cache_dir=cache).num_rows == 4
    )
    assert (
        load_dataset(str(tmp_path / "b" / "v1.0.0"), split="train", cache_dir=cache).num_rows == 1
    )


def test_rebuild_makes_the_next_version_and_keeps_the_first(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path)
    pipeline.ingest([mini], cfg, created_at=WHEN)
    first = {p: p.read_bytes() for p in (tmp_path / "mini" / "v1.0.0").rglob("*") if p.is_file()}
    second = pipeline.ingest([mini], replace(cfg, rebuild=True), created_at=WHEN)
    assert second.version == "1.1.0"
    manifest = json.loads((second.version_dir / "manifest.json").read_text())
    assert (manifest["parent"], manifest["build"]) == ("1.0.0", "full")
    assert {p: p.read_bytes() for p in first} == first


def test_same_input_same_bytes(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    digests = []
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        monkeypatch.chdir(tmp_path / run)
        pipeline.ingest([mini], Config(dataset="mini", out=Path("processed")), created_at=WHEN)
        digests.append(outputs.digests(tmp_path / run / "processed" / "mini" / "v1.0.0"))
    assert digests[0] == digests[1]
    assert set(digests[0]) == {
        "README.md",
        "manifest.json",
        "data/train-00000-of-00001.parquet",
        "duplicates/train-00000-of-00001.parquet",
        "rejects/train-00000-of-00001.parquet",
        "dedup/index.parquet",
        "dedup/signatures.npy",
        "learned/line_stats-06.parquet",
        "learned/line_stats-09.parquet",
        "learned/line_stats-11.parquet",
        "learned/line_stats-37.parquet",
        "learned/line_stats-50.parquet",
    }


def test_incremental_ingest_dedups_against_the_published_index(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    v1 = pipeline.ingest([mini], cfg, created_at=WHEN)
    manifest = json.loads((v1.version_dir / "manifest.json").read_text())
    assert manifest["dedup_index"]["rows"] == v1.counts["accepted"] == 4
    assert [f["path"] for f in manifest["dedup_index"]["files"]] == [
        "dedup/index.parquet",
        "dedup/signatures.npy",
    ]
    published = {r["id"]: r for r in table(v1.version_dir, "data/train-00000-of-00001.parquet")}
    gempa = next(r for r in published.values() if r["source"]["path"] == "gempa.txt")
    (mini / "new.jsonl").write_text(
        json.dumps({"judul": "Baru", "isi": "Artikel baru tentang panen padi di Karawang."})
        + "\n"
        + json.dumps({"judul": "Salinan", "isi": gempa["text"]})  # a copy of a published body
        + "\n"
    )
    v2 = pipeline.ingest([mini], cfg, created_at=WHEN)
    assert v2.counts == {"read": 2, "accepted": 1, "duplicates": 1, "rejected": 0}
    assert v2.totals == {"read": 11, "accepted": 5, "duplicates": 2, "rejected": 4}
    dups = table(v2.version_dir, "duplicates")
    copy = next(d for d in dups if d["source"]["path"] == "new.jsonl")
    assert copy["duplicate_of"] == gempa["id"]
    manifest = json.loads((v2.version_dir / "manifest.json").read_text())
    assert manifest["build"] == "incremental"
    assert manifest["dedup_index"]["rows"] == 5
    assert [i["path"] for i in manifest["inputs"]] == [
        "gempa.txt",
        "portal.csv",
        "wire.jsonl",
        "new.jsonl",
    ]


def test_a_version_without_dedup_index_needs_a_rebuild(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    v1 = pipeline.ingest([mini], cfg, created_at=WHEN)
    shutil.rmtree(v1.version_dir / "dedup")  # as a version made before the index existed
    (mini / "new.jsonl").write_text(
        json.dumps({"isi": "Berita baru tentang banjir di Demak."}) + "\n"
    )
    with pytest.raises(VersionError, match="no dedup index"):
        pipeline.ingest([mini], cfg, created_at=WHEN)
    assert pipeline.ingest([mini], replace(cfg, rebuild=True), created_at=WHEN).version == "1.1.0"


def test_a_changed_configuration_needs_a_rebuild(mini: Path, tmp_path: Path) -> None:
    pipeline.ingest([mini], Config(dataset="mini", out=tmp_path), created_at=WHEN)
    (mini / "new.jsonl").write_text(
        json.dumps({"isi": "Berita baru tentang banjir di Demak."}) + "\n"
    )
    with pytest.raises(VersionError, match=r"configuration changed since v1\.0\.0"):
        pipeline.ingest([mini], Config(dataset="mini", out=tmp_path, dedup_threshold=0.9))


def test_other_code_or_rules_need_a_rebuild_or_allow_mixed(mini: Path, tmp_path: Path) -> None:
    """Rows made by two rule sets never share a version silently (issue 13)."""
    cfg = Config(dataset="mini", out=tmp_path)
    v1 = pipeline.ingest([mini], cfg, created_at=WHEN)
    manifest_path = v1.version_dir / "manifest.json"
    made_by = json.loads(manifest_path.read_text())
    assert made_by["code_digest"] == runs.code_digest() and "mixed" not in made_by
    # as if v1 had been made by an older release (other code, other shipped profiles)
    manifest_path.write_text(json.dumps({**made_by, "code_digest": "0" * 64}))
    (mini / "new.jsonl").write_text(
        json.dumps({"isi": "Berita baru tentang banjir di Demak, warga mengungsi."}) + "\n"
    )
    with pytest.raises(VersionError, match=r"other code or rules .*--allow-mixed"):
        pipeline.ingest([mini], cfg, created_at=WHEN)
    mixed = pipeline.ingest([mini], replace(cfg, allow_mixed=True), created_at=WHEN)
    manifest = json.loads((mixed.version_dir / "manifest.json").read_text())
    assert manifest["mixed"] == ["0" * 64] and manifest["code_digest"] == runs.code_digest()
    assert "**Mixed version**" in (mixed.version_dir / "README.md").read_text()
    assert mixed.counts["read"] == 1 and manifest["counts"]["read"] == made_by["counts"]["read"] + 1
    assert Config(allow_mixed=True).fingerprint == cfg.fingerprint  # how, not what


def test_three_growing_ingests_share_shards_and_stay_immutable(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    v1 = pipeline.ingest([mini], cfg, created_at=WHEN)
    (mini / "b.jsonl").write_text(
        json.dumps({"isi": "Harga beras di Cianjur naik menjelang musim tanam."}) + "\n"
    )
    v2 = pipeline.ingest([mini], cfg, created_at=WHEN)
    rows_v2 = table(v2.version_dir, "data")
    (mini / "c.jsonl").write_text(
        json.dumps({"isi": "Jembatan gantung di Lebak kembali dibuka untuk warga."}) + "\n"
    )
    v3 = pipeline.ingest([mini], cfg, created_at=WHEN)
    assert [v.version for v in (v1, v2, v3)] == ["1.0.0", "1.1.0", "1.2.0"]
    assert [v.totals["accepted"] for v in (v1, v2, v3)] == [4, 5, 6]
    m3 = json.loads((v3.version_dir / "manifest.json").read_text())
    shared = [s for s in m3["shards"]["data"] if "shared_from" in s]
    assert [s["shared_from"] for s in shared] == [
        "v1.0.0/data/train-00000-of-00001.parquet",
        "v1.1.0/data/train-00001-of-00002.parquet",
    ]
    first = v3.version_dir / shared[0]["path"]
    assert (
        first.stat().st_ino == (v1.version_dir / "data/train-00000-of-00001.parquet").stat().st_ino
    )
    # v1.1.0 still loads exactly its own rows after v1.2.0 exists
    loaded = load_dataset(str(v2.version_dir), split="train", cache_dir=str(tmp_path / "hf"))
    assert loaded.to_list() == rows_v2
    assert diff(v2.version_dir, v3.version_dir).as_dict()["counts"] == {
        "added": 1,
        "removed": 0,
        "changed": 0,
        "unchanged": 5,
    }
    for v in (v1, v2, v3):
        assert check_version(v.version_dir, load=False).ok


def _story(n: int, where: str) -> dict[str, str]:
    return {"isi": f"Berita nomor {n} dari {where} tentang pasar ikan di Muara Angke yang ramai."}


def test_worker_count_does_not_change_a_byte(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # workers read their units' records themselves from the survey's marks (JSONL, CSV), but
    # for a file no reader enters mid-way that fills several units (gzip, a JSON array): the
    # driver reads those
    for n in range(30):  # enough records for several batches
        (mini / f"extra-{n:02d}.jsonl").write_text(json.dumps(_story(n, "kota")) + "\n")
    with gzip.open(mini / "packed.jsonl.gz", "wt", encoding="utf-8") as packed:
        packed.writelines(json.dumps(_story(n, "arsip")) + "\n" for n in range(11))
    (mini / "array.json").write_text(json.dumps([_story(n, "larik") for n in range(9)]))
    rows = [f'"Judul {n}","{_story(n, "tabel")["isi"]}\nParagraf dua."' for n in range(13)]
    (mini / "table.csv").write_text("judul,isi\n" + "\n".join(rows) + "\n")
    digests = []
    for workers in (1, 2):
        run = tmp_path / f"w{workers}"
        run.mkdir()
        monkeypatch.chdir(run)
        cfg = Config(dataset="mini", out=Path("processed"), workers=workers, batch_size=4)
        made = pipeline.ingest([mini], cfg, created_at=WHEN)
        digests.append(outputs.digests(run / made.version_dir))
        data = table(run / made.version_dir, "data")
        assert [r["text"].split(" dari ")[1][:5] for r in data if " dari " in r["text"]] == [
            *["larik"] * 9,
            *["kota "] * 30,
            *["arsip"] * 11,
            *["tabel"] * 13,
        ]  # input order: array.json, extra-*.jsonl, packed.jsonl.gz, table.csv (then wire)
        inputs = json.loads((run / made.version_dir / "manifest.json").read_text())["inputs"]
        records = {i["path"]: i["records"] for i in inputs}
        assert (records["packed.jsonl.gz"], records["array.json"], records["table.csv"]) == (
            11,
            9,
            13,
        )
    assert digests[0] == digests[1]


@pytest.mark.parametrize("change", ["grown", "shrunk"])
def test_a_file_changed_during_the_ingest(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    # the units name their records by where the survey found them: a file that no longer
    # holds them there, or holds more, stops the run, which says so (no version)
    wire = mini / "wire.jsonl"
    surveyed = drive.Drive.survey

    def then_changed(self: drive.Drive, parent_dir: Path | None) -> None:
        surveyed(self, parent_dir)
        lines = wire.read_text(encoding="utf-8").splitlines(keepends=True)
        more = [json.dumps(_story(0, "nanti")) + "\n"]
        wire.write_text("".join(lines + more if change == "grown" else lines[:-1]))

    cfg = Config(dataset="mini", out=tmp_path / "out", workers=1, batch_size=2)
    monkeypatch.setattr(drive.Drive, "survey", then_changed)
    with pytest.raises(InputError, match=r"wire\.jsonl: the file changed while it was ingested"):
        pipeline.ingest([mini], cfg, created_at=WHEN)
    assert not list((tmp_path / "out" / "mini").glob("v*"))


def test_a_takedown_stays_out_of_later_versions(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    v1 = pipeline.ingest([mini], cfg, created_at=WHEN)
    banjir = next(r for r in table(v1.version_dir, "data") if r["url"] and "banjir" in r["url"])
    remove(tmp_path / "out" / "mini", urls=[banjir["url"]], reason="court order", cfg=cfg)
    (mini / "again.jsonl").write_text(
        json.dumps({"url": banjir["url"], "isi": "Versi baru: " + banjir["text"]}) + "\n"
    )
    v3 = pipeline.ingest([mini], cfg, created_at=WHEN)
    assert v3.counts == {"read": 1, "accepted": 0, "duplicates": 0, "rejected": 1}
    rejected = [r for r in table(v3.version_dir, "rejects") if r["source"]["path"] == "again.jsonl"]
    assert [(r["stage"], r["reason"], r["raw"]) for r in rejected] == [
        ("removed", "taken_down", "")
    ]
    assert banjir["url"] not in {r["url"] for r in table(v3.version_dir, "data")}
    manifest = json.loads((v3.version_dir / "manifest.json").read_text())
    assert [r["url"] for r in manifest["removals"]] == [banjir["url"]]
    assert manifest["counts"]["removed"] == 1
    assert check_version(v3.version_dir, load=False).ok


def test_a_crash_leaves_no_version_behind(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = Config(dataset="mini", out=tmp_path)
    pipeline.ingest([mini], cfg, created_at=WHEN)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")
        yield

    monkeypatch.setattr(langid, "run", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        pipeline.ingest([mini], replace(cfg, rebuild=True, workers=1), created_at=WHEN)
    # .runs keeps the finished work units (none here) for a rerun to resume from
    assert sorted(p.name for p in (tmp_path / "mini").iterdir()) == [".runs", "v1.0.0"]


def test_bad_inputs_are_rejected_and_the_run_completes(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.jsonl").write_bytes(bytes(range(256)))
    (raw / "latin1.txt").write_bytes("Berita café".encode("latin-1"))
    (raw / "quoting.csv").write_text(
        'judul,isi\nA,"Isi yang "rusak" kutipnya\nB,Isi yang benar dan cukup panjang untuk dideteksi bahasanya.\n'
    )
    (raw / "types.jsonl").write_text(
        '"a string"\n{"text": ["list"]}\n{"judul": "no text"}\n'
        + json.dumps({"text": "x" * 2_000_000})
        + "\n"
    )
    (raw / "ok.json").write_text(
        json.dumps([{"isi": "Artikel yang sah dengan isi yang cukup panjang untuk dideteksi."}])
    )
    result = pipeline.ingest([raw], Config(out=tmp_path / "out"), created_at=WHEN)
    c = result.counts
    assert c["read"] == c["accepted"] + c["duplicates"] + c["rejected"]
    rejects = table(result.version_dir, "rejects")
    reasons = sorted((r["source"]["path"], r["reason"]) for r in rejects)
    assert reasons == [
        ("binary.jsonl", "binary"),
        ("empty.txt", "empty_file"),
        ("latin1.txt", "decode"),
        ("quoting.csv", "csv"),
        ("types.jsonl", "not_object"),
        ("types.jsonl", "schema"),
        ("types.jsonl", "schema"),
        ("types.jsonl", "schema"),
    ]
    assert c == {"read": 10, "accepted": 2, "duplicates": 0, "rejected": 8}


def test_no_readable_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x")
    with pytest.raises(InputError, match="no readable files"):
        pipeline.ingest([tmp_path], Config(out=tmp_path / "out"))
    assert not (tmp_path / "out").exists()


@pytest.mark.shared
@pytest.mark.parametrize("corpus", ["news-id-2025"])
def test_real_corpus_ingests_without_configuration(corpus: str, tmp_path: Path) -> None:
    raw = shared_path(corpus)
    result = pipeline.ingest([raw], Config(dataset=corpus, out=tmp_path))
    c = result.counts
    assert c["read"] == c["accepted"] + c["duplicates"] + c["rejected"]
    assert c["accepted"] > 0.9 * c["read"]
    train = load_dataset(str(result.version_dir), split="train", cache_dir=str(tmp_path / "hf"))
    assert train.num_rows == c["accepted"]
    shutil.rmtree(tmp_path / "hf")


def test_takedowns_survive_rebuilds_and_copies_under_other_urls(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    pipeline.ingest([mini], cfg, created_at=WHEN)
    remove(
        tmp_path / "out" / "mini",
        urls=["https://mirror.example.net/cabai"],
        reason="takedown #1",
        cfg=cfg,
    )
    rebuilt = pipeline.ingest([mini], replace(cfg, rebuild=True), created_at=WHEN)
    urls = {r["url"] for r in table(rebuilt.version_dir, "data")}
    assert "https://mirror.example.net/cabai" not in urls
    # its exact copy at another URL must not ship its text in duplicates/ either
    assert all("cabai" not in (r["url"] or "") for r in table(rebuilt.version_dir, "duplicates"))
    taken = [r for r in table(rebuilt.version_dir, "rejects") if r["reason"] == "taken_down"]
    assert sorted(r["source"]["path"] for r in taken) == ["portal.csv", "wire.jsonl"]
    assert all(r["raw"] == "" for r in taken)
    manifest = json.loads((rebuilt.version_dir / "manifest.json").read_text())
    assert [(r["table"], r["url"]) for r in manifest["removals"]] == [
        ("data", "https://mirror.example.net/cabai"),
        ("duplicates", "https://www.example.co.id/read/1/harga-cabai"),
    ]
    (mini / "again.jsonl").write_text(
        json.dumps(
            {
                "url": "http://www.mirror.example.net/cabai/?utm_source=fb",
                "isi": "Teks lain sama sekali tentang cabai.",
            }
        )
        + "\n"
    )
    later = pipeline.ingest([mini], cfg, created_at=WHEN)
    assert later.counts == {"read": 1, "accepted": 0, "duplicates": 0, "rejected": 1}


def test_no_spool_is_left_when_every_record_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "bad.jsonl").write_text('{"title": "no text"}\n')
    result = pipeline.ingest([tmp_path / "raw"], Config(out=tmp_path / "out"), created_at=WHEN)
    assert sorted(p.name for p in result.version_dir.iterdir()) == [
        "README.md",
        "dedup",
        "manifest.json",
        "rejects",
        "report.json",
    ]


def test_two_roots_with_the_same_relative_name_are_refused(tmp_path: Path) -> None:
    for root in ("a", "b"):
        (tmp_path / root).mkdir()
        (tmp_path / root / "x.jsonl").write_text(json.dumps({"isi": f"Berita {root}."}) + "\n")
    with pytest.raises(InputError, match=r"both 'x\.jsonl'"):
        pipeline.ingest([tmp_path / "a", tmp_path / "b"], Config(out=tmp_path / "out"))


def test_new_text_at_a_published_url_is_a_superseded_revision(mini: Path, tmp_path: Path) -> None:
    cfg = Config(dataset="mini", out=tmp_path / "out")
    v1 = pipeline.ingest([mini], cfg, created_at=WHEN)
    rates = next(
        r for r in table(v1.version_dir, "data") if r["url"] == "https://wire.example.com/rates"
    )
    (mini / "update.jsonl").write_text(
        json.dumps(
            {"url": "https://wire.example.com/rates/", "text": rates["text"] + " Markets rose."}
        )
        + "\n"
    )
    v2 = pipeline.ingest([mini], cfg, created_at=WHEN)
    (row,) = [
        d for d in table(v2.version_dir, "duplicates") if d["source"]["path"] == "update.jsonl"
    ]
    assert (row["reason"], row["duplicate_of"]) == ("superseded_revision", rates["id"])
    assert 0.5 < row["similarity"] < 1.0
