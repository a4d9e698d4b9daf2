"""Title section suffixes are learned from each whole file by the survey and cut in an ingest,
embedded or distributed (structure.titles; the survey's one pass over each file)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus import pipeline, sources, survey
from corpus.config import Config

SECTIONS = ("Nation", "Metro", "Nation", "Business", "Nation", "Metro", "Nation")
STORIES = [
    "Polis menahan dua lelaki selepas kejadian samun di sebuah kedai serbaneka malam tadi.",
    "Majlis bandaraya akan membaiki jalan yang rosak akibat banjir minggu lalu di pusat bandar.",
    "Harga barang keperluan dijangka stabil menjelang musim perayaan kata menteri berkenaan.",
    "Sekolah di kawasan itu dibuka semula selepas kerja pembersihan siap dilakukan semalam.",
    "Pasukan bola sepak negeri mara ke separuh akhir selepas menang tipis menentang lawan.",
    "Penduduk kampung diminta berwaspada dengan paras air sungai yang semakin meningkat.",
    "Syarikat tempatan melancarkan produk baharu untuk pasaran eksport ke negara jiran.",
]


def _write(folder: Path) -> Path:
    folder.mkdir()
    with (folder / "star.jsonl").open("w") as out:
        for k, (section, story) in enumerate(zip(SECTIONS, STORIES, strict=True)):
            row = {
                "url": f"https://www.thestar.com.my/news/{section.lower()}/2024/05/0{k + 1}/item-{k}",
                "title": f"Berita tempatan nombor {k + 1} hari ini - {section}",
                "text": f"{story} Ia disahkan oleh pihak berkuasa. {story}",
                "published_at": f"2024-05-0{k + 1}T10:00:00+08:00",
            }
            out.write(json.dumps(row) + "\n")
    return folder


def test_the_survey_learns_each_files_title_sections(tmp_path: Path) -> None:
    files, _ = sources.discover([_write(tmp_path / "raw")])
    found = survey.survey_file(files[0], Config())
    assert found.title_suffixes == {
        "star.jsonl": {"thestar.com.my": frozenset({"Nation", "Metro", "Business"})}
    }


@pytest.mark.parametrize("distributed", [False, True])
def test_an_ingest_cuts_learned_title_sections(tmp_path: Path, distributed: bool) -> None:
    raw = _write(tmp_path / "raw")
    cfg = Config(dataset="star", out=tmp_path / "out", workers=2, distributed=distributed)
    result = pipeline.ingest([raw], cfg)
    titles = [
        t for p in sorted((result.version_dir / "data").glob("*.parquet"))
        for t in pq.read_table(p, columns=["title"]).column("title").to_pylist()
    ]  # fmt: skip
    assert sorted(titles) == [f"Berita tempatan nombor {k} hari ini" for k in range(1, 8)]
