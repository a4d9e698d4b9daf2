"""The structure evaluation harness (evals/structure): segmentation, alignment, metrics, gate.

Synthetic articles only; the real gold set is checked for shape (and for holding no article
text), never scored here: scoring needs ../shared and is the CI gate's job.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EVAL_DIR = Path(__file__).resolve().parents[1] / "evals" / "structure"


def _load(name: str) -> ModuleType:
    if str(EVAL_DIR) not in sys.path:
        sys.path.insert(0, str(EVAL_DIR))
    spec = importlib.util.spec_from_file_location(name, EVAL_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


harness = _load("harness")
run = _load("run")


def gold_for(text: str, labels: list[tuple[int, int, int, str, str | None]], **expected: Any):
    """A GoldArticle over ``text`` with segments (seg, start, end, label, kind)."""
    base = harness.base_segments(text)
    segments = tuple(
        harness.GoldSegment(seg, start, end, label, kind, harness.short_hash(base[seg][start:end]))
        for seg, start, end, label, kind in labels
    )
    exp = {"published_at": None, "dateline": None, "authors": [], "title_h": None} | expected
    return harness.GoldArticle(
        "t-x-1", "d/f.csv", 1, None, "x", 2025, harness.short_hash(text), segments, exp
    )


def prediction(body: str, **fields: Any):
    values = {
        "boilerplate": (),
        "published_at": None,
        "dateline": None,
        "authors": (),
        "title": None,
    } | fields
    return harness.Prediction(body=body, **values)


# --------------------------------------------------------------------------- segmentation


def test_lines_are_segments_and_blank_lines_vanish():
    assert harness.base_segments("Satu.\r\n\r\n  Dua  \nBaca Juga\n") == [
        "Satu.",
        "Dua",
        "Baca Juga",
    ]


def test_comma_joined_paragraphs_split_after_sentence_end_only():
    text = ' , - Ia datang.,Lalu pergi, kata dia.,"Saya lelah.", Ucapnya lagi!,,,Selesai'
    assert harness.base_segments(text) == [
        ", - Ia datang.",
        "Lalu pergi, kata dia.",
        '"Saya lelah."',
        "Ucapnya lagi!",
        "Selesai",
    ]


def test_a_comma_closing_a_quotation_is_not_a_paragraph_break():
    assert harness.base_segments('"Ibu ada keluhan apa?," tanya dokter.') == [
        '"Ibu ada keluhan apa?," tanya dokter.'
    ]


def test_tokens_fold_case_and_width():
    assert harness.tokens("JAKARTA, Kompas.com – Ｒp 5") == ["jakarta", "kompas", "com", "rp", "5"]


# --------------------------------------------------------------------------- alignment


def test_pieces_found_in_body_are_body_and_missing_ones_are_removed():
    pieces = ["Liputan6.com, Jakarta -", "Harga naik lagi hari ini.", "Baca Juga", "Advertisement"]
    body = "Harga naik lagi hari ini."
    assert harness.predict(pieces, body) == ["boilerplate", "body", "boilerplate", "boilerplate"]


def test_a_small_edit_inside_a_paragraph_does_not_flip_it():
    pieces = ["Presiden meresmikan jembatan baru di Kutai pada Senin pagi. (esn)"]
    body = "Presiden meresmikan jembatan baru di Kutai pada Senin pagi."
    assert harness.matched_fraction(pieces, body)[0] == pytest.approx(9 / 10)
    assert harness.predict(pieces, body) == ["body"]


def test_a_piece_without_words_counts_as_present():
    assert harness.matched_fraction([", , -"], "") == [1.0]


def test_alignment_is_in_order_so_a_duplicate_is_credited_once():
    pieces = ["Hujan deras di kota.", "Hujan deras di kota."]
    assert harness.predict(pieces, "Hujan deras di kota.") == ["body", "boilerplate"]


def test_a_repeat_is_kept_only_when_the_body_holds_the_text_twice():
    whole = "Paragraf satu di sini. Paragraf dua di sana."
    pieces = [whole, "Paragraf satu di sini.", "Paragraf dua di sana."]
    repeats = [True, False, False]
    # the tool kept the glued copy instead of the two paragraphs: still one copy, no loss
    assert harness.predict(pieces, whole, repeats) == ["boilerplate", "body", "body"]
    # the tool kept both the glued copy and the paragraphs: the repeat was kept
    both = whole + "\n\nParagraf satu di sini.\n\nParagraf dua di sana."
    assert harness.predict(pieces, both, repeats) == ["body", "body", "body"]


# --------------------------------------------------------------------------- metrics


def test_score_article_counts_segments_and_fields():
    text = (
        "JAKARTA - Banjir merendam desa.\nBaca Juga: Banjir lain\nWarga mengungsi ke masjid.\nIklan"
    )
    gold = gold_for(
        text,
        [
            (0, 0, 10, "boilerplate", "lead_in"),
            (0, 10, 31, "body", None),
            (1, 0, 22, "boilerplate", "read_more"),
            (2, 0, 26, "body", None),
            (3, 0, 5, "boilerplate", "ad"),
        ],
        published_at="2025-06-18T10:00:00+07:00",
        dateline="JAKARTA",
        authors=["Budi Santoso"],
        title_h=harness.title_hash("Banjir  di Desa"),
    )
    pieces = harness.segment_texts(gold, text)
    assert pieces == [
        "JAKARTA - ",
        "Banjir merendam desa.",
        "Baca Juga: Banjir lain",
        "Warga mengungsi ke masjid.",
        "Iklan",
    ]
    got = prediction(
        "Banjir merendam desa.\n\nIklan",  # lost a body paragraph, kept the ad
        boilerplate=("Baca Juga: Banjir lain",),
        published_at="2025-06-18T10:00:00+07:00",
        dateline="Jakarta",
        authors=("budi  santoso",),
        title="Banjir di Desa",
    )
    result = harness.score_article(gold, pieces, got)
    c = result.counts
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 1, 1, 1)
    assert result.field_misses == {}
    assert [(e["seg"], e["gold"]) for e in result.errors] == [(2, "body"), (3, "boilerplate")]
    scores = c.scores()
    assert scores["boilerplate_precision"] == pytest.approx(2 / 3)
    assert scores["boilerplate_recall"] == pytest.approx(2 / 3)
    assert scores["boilerplate_f1"] == pytest.approx(2 / 3)
    assert scores["body_recall"] == pytest.approx(1 / 2)
    assert scores["body_token_recall"] == pytest.approx(3 / 7)  # 3 of 3 + 0 of 4 words
    assert scores["published_at"] == 1.0
    assert (c.removed, c.audited) == (1, 1)  # the read-more line; the lead-in is not audited


def test_field_misses_name_the_field_and_both_values():
    gold = gold_for(
        "Isi.",
        [(0, 0, 4, "body", None)],
        published_at="2019-09-10",
        dateline=None,
        authors=[],
        title_h=harness.title_hash("Judul"),
    )
    got = prediction(
        "Isi.", published_at="2019-09-10T00:00:00+07:00", dateline="INFO", authors=("Tempo.co",)
    )
    misses = harness.score_article(gold, ["Isi."], got).field_misses
    assert misses["published_at"] == ("2019-09-10", "2019-09-10T00:00:00+07:00")
    assert misses["dateline"] == (None, "INFO")
    assert misses["authors"] == ([], ["Tempo.co"])
    assert misses["people"] == ([], ["Tempo.co"])  # no "editors" in the gold: writers only
    assert set(misses) == {"published_at", "dateline", "authors", "people", "title"}


def test_people_counts_editors_only_when_the_gold_names_them():
    base = {"published_at": None, "dateline": None, "title_h": None}
    got = prediction("Isi.", authors=("Ani Lestari",), editors=("Jessi Carina",))
    old = harness.field_matches({**base, "authors": ["Ani Lestari"]}, got)
    assert "people" not in old and "authors" not in old
    new = harness.field_matches({**base, "authors": ["Ani Lestari"], "editors": []}, got)
    assert new["people"] == (["Ani Lestari"], ["Ani Lestari", "Jessi Carina"])
    both = {**base, "authors": ["Ani Lestari"], "editors": ["jessi  carina"]}
    assert "people" not in harness.field_matches(both, got)


def test_scores_are_none_when_there_is_nothing_to_measure():
    scores = harness.Counts(tn=3, articles=1).scores()
    assert scores["boilerplate_precision"] is None
    assert scores["boilerplate_recall"] is None
    assert scores["boilerplate_f1"] is None
    assert scores["body_recall"] == 1.0


def test_aggregate_sums_groups_and_overall():
    a = gold_for("A b.", [(0, 0, 4, "body", None)])
    r1 = harness.score_article(a, ["A b."], prediction("A b."))
    r2 = harness.score_article(a, ["A b."], prediction(""))
    groups = harness.aggregate([r1, r2])
    assert list(groups) == ["2025 x", "overall"]
    assert (groups["overall"].tn, groups["overall"].fp, groups["overall"].articles) == (1, 1, 2)


def test_aggregate_adds_a_row_per_split_when_there_are_several():
    a = gold_for("A b.", [(0, 0, 4, "body", None)])
    b = harness.GoldArticle(**{**{f: getattr(a, f) for f in a.__slots__}, "split": "test"})
    results = [harness.score_article(g, ["A b."], prediction("A b.")) for g in (a, b)]
    assert list(harness.aggregate(results)) == ["2025 x", "split dev", "split test", "overall"]


def test_gate_lists_every_metric_below_its_minimum():
    scores = {"boilerplate_f1": 0.9, "body_recall": 0.995, "dateline": None}
    pinned = {"boilerplate_f1": 0.95, "body_recall": 0.99, "dateline": 0.5}
    assert harness.gate(scores, pinned) == [
        "boilerplate_f1 0.9000 < pinned minimum 0.9500",
        "dateline n/a < pinned minimum 0.5000",
    ]
    assert harness.gate({"body_recall": 0.99}, {"body_recall": 0.99}) == []


# --------------------------------------------------------------------------- gold records


def test_gold_json_round_trips_and_detects_drift():
    text = "Satu.\nDua."
    gold = gold_for(text, [(0, 0, 5, "body", None), (1, 0, 4, "boilerplate", "ad")])
    again = harness.gold_from_json(json.loads(json.dumps(harness.gold_to_json(gold))))
    assert again == gold
    assert harness.segment_texts(gold, text) == ["Satu.", "Dua."]
    assert "text changed" in harness.segment_texts(gold, "Satu.\nTiga.")


def test_unknown_label_is_refused():
    obj = harness.gold_to_json(gold_for("A.", [(0, 0, 2, "body", None)]))
    obj["segments"][0]["label"] = "maybe"
    with pytest.raises(ValueError, match="unknown label"):
        harness.gold_from_json(obj)


def test_committed_gold_set_covers_every_publisher_and_holds_no_text():
    gold = harness.load_gold(EVAL_DIR / "gold")
    assert len(gold) >= 60
    assert len({g.id for g in gold}) == len(gold)
    per_group: dict[str, int] = {}
    for g in gold:
        per_group[g.group] = per_group.get(g.group, 0) + 1
        assert g.segments, g.id
        assert {s.label for s in g.segments} <= {"body", "boilerplate"}
    assert set(per_group) >= {
        *(f"2025 {p}" for p in ("liputan6", "detik", "okezone", "tempo", "kompas", "republika")),
        *(f"2019 {p}" for p in ("sindonews", "okezone", "tempo", "kompas", "tribunnews")),
    }
    assert min(per_group.values()) >= 5
    splits = {"dev", "test", "heldout", "longtail", "longtail2", "longtail3", "longtail3-dev"}
    assert {g.split for g in gold} == splits
    assert sum(g.split == "dev" for g in gold) >= 60
    # only keys, offsets, labels, hashes and short metadata: no string could be article text
    for path in (EVAL_DIR / "gold").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            strings = [v for k, v in _walk(obj) if isinstance(v, str) and k not in ("url", "file")]
            assert max(len(s) for s in strings) <= 60, obj["id"]


def _walk(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)
    else:
        yield key, value


def test_thresholds_hold_pinned_and_target_for_the_same_metrics():
    data = json.loads((EVAL_DIR / "thresholds.json").read_text(encoding="utf-8"))
    notes = data.pop("_notes")  # what each key gates, for a reader of the file
    gated = {"pinned", "target", "lopo", "longtail", "longtail2", "longtail3", "longtail3-dev"}
    assert set(data) == {key for key, _ in run.GATES} == gated == set(notes)
    scores = harness.Counts().scores()
    for key in data:
        for name, minimum in data[key].items():
            assert name in scores, name  # a gated name the harness does not compute never gates
            assert 0.0 <= minimum <= 1.0
    # the held-out test split is gated at the issue's absolute targets, not at today's values
    assert data["target"]["boilerplate_f1"] == 0.97 and data["target"]["people"] == 0.95
    assert data["lopo"] == {"boilerplate_f1": 0.85}
    # the long-tail splits are gated at the same absolute targets (titles: the issue's 99%), on
    # the metrics they meet, never at a lower value
    issue = {**data["target"], "title": 0.99}
    for key in ("longtail", "longtail2", "longtail3", "longtail3-dev"):
        assert data[key] and all(v == issue[k] for k, v in data[key].items()), key


def test_gate_checks_the_test_split_dev_split_and_leave_one_out_separately():
    good = harness.Counts(tp=9, tn=9, articles=1)
    bad = harness.Counts(tp=1, fn=9, tn=9, articles=1)  # boilerplate F1 0.18
    thresholds = {
        "target": {"boilerplate_f1": 0.97},
        "pinned": {},
        "lopo": {"boilerplate_f1": 0.85},
    }
    groups = {"split dev": good, "split test": bad, "overall": good}
    lopo = {"lopo detik": good, "lopo overall": good}
    failures = run.gate_all(groups, lopo, thresholds)
    assert len(failures) == 1 and failures[0].startswith("split test: boilerplate_f1")
    failures = run.gate_all({**groups, "split test": good}, {"lopo overall": bad}, thresholds)
    assert len(failures) == 1 and failures[0].startswith("lopo overall:")
    assert "split test (target)" in run.gate_summary(groups, lopo, thresholds)


def test_column_maps_apply_to_their_folder_only():
    assert harness.column_map("news-id-more/cnnindonesia-2025/x.csv") == {"text": "FullText"}
    assert harness.column_map("news-id-more/jpnn-2023/jpnn_2023.csv") == {}


def test_run_skips_cleanly_without_the_corpora(tmp_path, capsys):
    assert run.main(["--corpora", str(tmp_path / "absent"), "--gate"]) == 0
    assert "skipped" in capsys.readouterr().out


def test_table_has_a_row_per_group_and_overall():
    counts = harness.Counts(tp=1, tn=1, articles=1)
    out = run.table({"2025 x": counts, "overall": counts})
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["group", "articles", "segs"]
    assert lines[2].startswith("2025 x") and lines[-1].startswith("overall")


def _tiny_corpus(root: Path, text: str) -> None:
    (root / "ds").mkdir(parents=True, exist_ok=True)
    body = text.replace('"', '""')
    (root / "ds" / "f.csv").write_text(
        f'title,url,text\nJudul Satu,https://news.detik.com/berita/d-1/judul,"{body}"\n',
        encoding="utf-8",
    )


def test_run_scores_a_tiny_corpus_read_like_ingest_and_gates_on_drift(tmp_path, capsys):
    text = (
        "Isi berita pertama di sini.\nSCROLL TO CONTINUE WITH CONTENT\nParagraf kedua juga penting."
    )
    _tiny_corpus(tmp_path / "corpora", text)
    gold = gold_for(
        text,
        [(0, 0, 27, "body", None), (1, 0, 31, "boilerplate", "scroll"), (2, 0, 28, "body", None)],
        title_h=harness.title_hash("Judul Satu"),
    )
    gold = harness.GoldArticle(
        "25-detik-1",
        "ds/f.csv",
        1,
        "https://news.detik.com/berita/d-1/judul",
        "detik",
        2025,
        gold.text_hash,
        gold.segments,
        gold.expected,
    )
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "g.jsonl").write_text(json.dumps(harness.gold_to_json(gold)) + "\n")
    thresholds = tmp_path / "t.json"
    thresholds.write_text(
        json.dumps({"pinned": {"body_recall": 0.5}, "target": {"body_recall": 0.5}, "lopo": {}})
    )
    args = ["--corpora", str(tmp_path / "corpora"), "--gold", str(tmp_path / "gold")]
    args += ["--thresholds", str(thresholds)]

    assert run.main([*args, "--gate"]) == 0
    out = capsys.readouterr().out
    assert "2025 detik" in out and "overall" in out

    assert run.main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["groups"]["overall"]["articles"] == 1
    assert report["lopo"]["lopo overall"]["articles"] == 1  # detik with its profile disabled
    assert report["problems"] == []

    _tiny_corpus(tmp_path / "corpora", text.replace("pertama", "kedua"))
    assert run.main([*args, "--gate"]) == 1
    err = capsys.readouterr().err
    assert "text changed" in err and "could not be scored" in err


def test_date_order_is_the_files_answer_from_all_its_rows():
    class Row:
        def __init__(self, published):
            self.fields = {"published": published}

    assert harness.date_order([Row("10-11-2018"), Row("12-31-2017"), Row(None)]) == "mdy"
    assert harness.date_order([Row("01-10-2023"), Row("31-01-2023")]) == "dmy"
    assert harness.date_order([Row("2023-01-31")]) is None


def test_read_records_reads_gzipped_jsonl_with_provenance_rows(tmp_path):
    import gzip

    folder = tmp_path / "ds" / "sub"
    folder.mkdir(parents=True)
    lines = [
        {"url": f"https://x.com/{i}", "text": f"Isi berita {i}.", "date": "10-25-2018"}
        for i in range(3)
    ]
    with gzip.open(folder / "f.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps(line) for line in lines) + "\n")
    records = harness.read_records(tmp_path, "ds/sub/f.jsonl.gz")
    assert sorted(records) == [1, 2, 3]
    assert records[2].fields["text"] == "Isi berita 1."
    assert harness.date_order(records.values()) == "mdy"


_TOPICS = ("banjir", "pemilu", "sepakbola", "harga beras", "kereta cepat", "vaksin", "pajak")


def _furniture_corpus(root: Path) -> str:
    """Seven stories of one publisher, each with the same furniture line no rule knows."""
    (root / "ds").mkdir(parents=True, exist_ok=True)
    rows = ["title,url,text"]
    texts = []
    for i, topic in enumerate(_TOPICS):
        text = (
            f"Warga membahas {topic} di balai desa sejak pagi hari.\n"
            "Kedai Contoh Sejahtera menaja ruangan ini\n"
            f"Kepala desa berjanji menindaklanjuti soal {topic} pekan depan."
        )
        texts.append(text)
        rows.append(f'Judul {topic},https://www.contoh-berita.com/a/{i},"{text}"')
    (root / "ds" / "f.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return texts[0]


def test_the_ingest_path_applies_boilerplate_learned_from_the_whole_dataset(tmp_path, capsys):
    text = _furniture_corpus(tmp_path / "corpora")
    labels = [(0, 0, 51, "body", None), (1, 0, 40, "boilerplate", "widget")]
    labels.append((2, 0, 61, "body", None))
    gold = gold_for(text, labels, title_h=harness.title_hash("Judul banjir"))
    gold = harness.GoldArticle(
        "25-contoh-1",
        "ds/f.csv",
        1,
        "https://www.contoh-berita.com/a/0",
        "contoh",
        2025,
        gold.text_hash,
        gold.segments,
        gold.expected,
    )
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "g.jsonl").write_text(json.dumps(harness.gold_to_json(gold)) + "\n")
    args = ["--corpora", str(tmp_path / "corpora"), "--gold", str(tmp_path / "gold"), "--json"]
    assert run.main(args) == 0
    report = json.loads(capsys.readouterr().out)
    # the stage alone keeps the line; the ingest path (and its leave-one-out) learns it from
    # the seven records of the publisher, although only one of them is gold
    assert report["groups"]["overall"]["boilerplate_recall"] == 0.0
    assert report["lopo_stage"]["lopo overall"]["boilerplate_recall"] == 0.0
    assert report["groups_learned"]["overall"]["boilerplate_recall"] == 1.0
    assert report["groups_learned"]["overall"]["body_recall"] == 1.0
    assert report["lopo"]["lopo overall"]["boilerplate_recall"] == 1.0


def test_gate_checks_both_paths_and_names_them():
    good = harness.Counts(tp=9, tn=9, articles=1)
    bad = harness.Counts(tp=1, fn=9, tn=9, articles=1)
    thresholds = {"target": {"boilerplate_f1": 0.97}, "pinned": {}, "lopo": {}}
    groups = {"split dev": good, "split test": bad, "overall": good}
    failures = run.gate_all(groups, {}, thresholds, run.STAGE_GATES, label="stage ")
    assert failures == [
        f"stage split test: {harness.gate(bad.scores(), {'boilerplate_f1': 0.97})[0]}"
    ]
