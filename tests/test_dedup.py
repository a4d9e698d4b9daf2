from __future__ import annotations

import dataclasses
import hashlib
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus import dedup
from corpus.config import Config
from corpus.dedup import candidates
from corpus.errors import VersionError
from corpus.records import Article, Duplicate, Provenance
from corpus.stats import Stats


def art(
    id: str,
    text: str,
    published: str | None = None,
    *,
    url: str | None = None,
    publisher: str | None = None,
) -> Article:
    return Article(
        id,
        url,
        publisher,
        None,
        published,
        None,
        (),
        (),
        (),
        (),
        None,
        text,
        (),
        None,
        None,
        len(text.split()),
        "{}",
        Provenance(id, 1, 1, "0", "txt"),
    )


def route(
    articles: list[Article], cfg: Config | None = None, index: dedup.DedupIndex | None = None
) -> list[Article | Duplicate]:
    return list(dedup.run(articles, cfg or Config(), Stats(), index=index))


def test_normalize_nfkc_casefold_whitespace() -> None:
    assert dedup.normalize("  Ｈａｌｏ\u00a0 DUNIA\n\tlagi ") == "halo dunia lagi"
    assert dedup.body_hash("Halo   dunia") == dedup.body_hash("halo dunia")


def test_earliest_published_survives_whatever_the_input_order() -> None:
    late = art("late", "Sama persis.", "2021-11-17T17:45:00+07:00")
    early = art("early", "sama  PERSIS.", "2021-11-17T10:00:00+00:00")  # 17:00 WIB, 45 min earlier
    for order in ([late, early], [early, late]):
        out = route(order)
        survivors = [a.id for a in out if isinstance(a, Article)]
        dups = [(d.article.id, d.duplicate_of, d.reason) for d in out if isinstance(d, Duplicate)]
        assert survivors == ["early"]
        assert dups == [("late", "early", "exact")]
        assert [a.duplicate_count for a in out if isinstance(a, Article)] == [1]


def test_then_longest_then_input_order() -> None:
    short, long = art("s", "Teks yang sama."), art("l", "Teks  yang\n\nsama.")
    assert [type(x).__name__ for x in route([short, long])] == ["Duplicate", "Article"]
    a, b = art("a", "Teks yang sama."), art("b", "Teks yang sama.")
    assert [type(x).__name__ for x in route([a, b])] == ["Article", "Duplicate"]
    dated, undated = art("d", "X y z.", "2020-01-01"), art("u", "x y z.")
    out = route([undated, dated])
    assert [x.id for x in out if isinstance(x, Article)] == ["d"]  # unknown dates sort last


def test_output_keeps_input_order_and_counts() -> None:
    stats = Stats()
    items = [art("1", "a b c"), art("2", "d e f"), art("3", "A B C")]
    out = list(dedup.run(items, Config(), stats))
    assert [x.id if isinstance(x, Article) else x.article.id for x in out] == ["1", "2", "3"]
    assert stats.stage("dedup") == {"exact": 1, "unique": 2}


bodies = st.lists(
    st.sampled_from(["satu dua", "Satu  dua", "tiga", "empat lima", "TIGA"]), max_size=20
)


@given(bodies, st.randoms())
def test_dedup_is_conservative_idempotent_and_order_free(texts: list[str], rnd: object) -> None:
    articles = [art(str(i), t, f"2021-01-{1 + i:02d}") for i, t in enumerate(texts)]
    out = route(articles)
    assert len(out) == len(articles)  # conservation
    survivors = [a for a in out if isinstance(a, Article)]
    assert len(survivors) == len({dedup.normalize(t) for t in texts})
    assert route(survivors) == survivors  # idempotent
    shuffled = list(articles)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert {a.id for a in route(shuffled) if isinstance(a, Article)} == {a.id for a in survivors}


# --------------------------------------------------------------------------- near-duplicates

WORDS = [f"kata{i}" for i in range(3000)]


def story(seed: int, n: int = 400) -> str:
    """A pseudo-article of ``n`` words; different seeds share almost no 3-word shingle."""
    rnd = random.Random(seed)
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def edited(text: str, every: int, seed: int = 0) -> str:
    """``text`` with one word in ``every`` replaced (a light edit)."""
    rnd = random.Random(seed)
    words = text.split()
    for i in range(0, len(words), every):
        words[i] = rnd.choice(WORDS) + "x"
    return " ".join(words)


def by_id(out: list[Article | Duplicate]) -> dict[str, Article | Duplicate]:
    return {x.id if isinstance(x, Article) else x.article.id: x for x in out}


def test_lsh_bands_and_rows_come_from_the_candidate_threshold() -> None:
    assert (dedup.BANDS, dedup.ROWS) == (32, 4)
    assert dedup.lsh_params(0.5, 128, 32) == (25, 5)
    assert dedup.BANDS * dedup.ROWS <= dedup.NUM_PERM


def _lsh_params_by_definition(threshold: float, num_perm: int, max_bands: int) -> tuple[int, int]:
    grid = np.linspace(0.0, 1.0, 1001)
    best: tuple[float, int, int] | None = None
    for bands in range(1, max_bands + 1):
        for rows in range(1, num_perm // bands + 1):
            p = 1.0 - (1.0 - grid**rows) ** bands
            fp = float(np.trapezoid(np.where(grid < threshold, p, 0.0), grid))
            fn = float(np.trapezoid(np.where(grid >= threshold, 1.0 - p, 0.0), grid))
            if best is None or fp + fn < best[0]:
                best = (fp + fn, bands, rows)
    assert best is not None
    return best[1], best[2]


@pytest.mark.parametrize("threshold", [0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95])
@pytest.mark.parametrize(("num_perm", "max_bands"), [(64, 16), (128, 32), (256, 32)])
def test_lsh_params_pick_what_the_loop_over_every_shape_picks(
    threshold: float, num_perm: int, max_bands: int
) -> None:
    assert dedup.lsh_params(threshold, num_perm, max_bands) == _lsh_params_by_definition(
        threshold, num_perm, max_bands
    )


def test_signature_estimates_jaccard() -> None:
    a = story(1)
    b = edited(a, 10)
    sa, sb = (set(dedup.shingles(t, 3).tolist()) for t in (a, b))
    true = len(sa & sb) / len(sa | sb)
    sigs, sizes = dedup.signatures([a, b, story(2)], 3)
    compact = dedup.compact(sigs)
    assert sizes.tolist()[:2] == [len(sa), len(sb)]
    assert abs(float(dedup.jaccard(compact[0], compact[1])) - true) < 0.1
    assert float(dedup.jaccard(compact[0], compact[2])) < 0.05
    again, _ = dedup.signatures([a], 3)
    assert (again[0] == sigs[0]).all()  # deterministic, any process (no Python hash())


def test_near_duplicate_found_verified_and_unrelated_kept() -> None:
    base = story(1)
    out = by_id(
        route(
            [
                art("orig", base, "2021-01-01", publisher="a.com"),
                art("edit", edited(base, 40), "2021-01-02", publisher="b.com"),
                art("trunc", " ".join(base.split()[:260]), "2021-01-03", publisher="c.com"),
                art("other", story(2), "2021-01-01", publisher="d.com"),
                art("far", edited(base, 2), "2021-01-04"),  # half the words changed
            ]
        )
    )
    edit, trunc = out["edit"], out["trunc"]
    assert isinstance(edit, Duplicate) and isinstance(trunc, Duplicate)
    assert (edit.reason, edit.duplicate_of, edit.cluster_id) == ("near", "orig", "orig")
    assert 0.7 < edit.similarity < 1.0
    assert trunc.reason == "near"  # containment: the truncated copy is inside the original
    assert isinstance(out["other"], Article) and isinstance(out["far"], Article)
    orig = out["orig"]
    assert isinstance(orig, Article)
    assert (orig.duplicate_count, orig.also_seen_at) == (2, ("b.com", "c.com"))


def two_phase(
    articles: list[Article], parts: list[list[Article]], threads: int = 1
) -> list[Article | Duplicate]:
    """Fingerprints per batch (as workers make them), joined, planned and routed."""
    with dedup.FingerprintStore() as store:
        for part in parts:
            store.add(dedup.Fingerprints.of(part, 3))
        fps = store.finish()
        settings = dedup.DedupSettings(threads=threads)
        plan = dedup.plan(fps, dedup.DedupIndex(), settings, dedup.Texts(lambda: articles))
        return list(dedup.route(articles, plan))


def test_fingerprints_by_batch_and_threads_give_the_same_routing() -> None:
    base = story(3)
    articles = [
        art("a", base, "2021-01-01"),
        art("b", edited(base, 40), "2021-01-02"),
        art("c", story(4), "2021-01-03"),
        art("d", base, "2021-01-04"),
    ]
    whole = route(articles)
    assert two_phase(articles, [articles]) == whole
    assert two_phase(articles, [articles[:1], articles[1:3], [], articles[3:]], threads=4) == whole
    # the texts may come in any order: they are joined to their fingerprints by key
    fps = dedup.Fingerprints.of(articles, 3)
    texts = dedup.Texts(lambda: reversed(articles))
    plan = dedup.plan(fps, dedup.DedupIndex(), dedup.DedupSettings(), texts)
    assert list(dedup.route(articles, plan)) == whole


def test_route_joins_by_key_and_refuses_strangers_repeats_and_gaps() -> None:
    articles = [art("a", story(1)), art("b", story(2)), art("c", story(1))]
    fps = dedup.Fingerprints.of(articles, 3)
    plan = dedup.plan(fps, dedup.DedupIndex(), dedup.DedupSettings(), dedup.Texts(lambda: ()))
    assert plan.fate(articles[2]) == dedup.DuplicateOf("a", "a", "exact", 1.0)
    assert plan.fate(articles[0]) == dedup.Keep(1, ())
    shuffled = [articles[2], articles[0], articles[1]]
    assert [type(x).__name__ for x in dedup.route(shuffled, plan)] == [
        "Duplicate", "Article", "Article"
    ]  # fmt: skip
    with pytest.raises(dedup.DedupError, match="not in the dedup plan"):
        list(dedup.route([art("x", "y")], plan))
    with pytest.raises(dedup.DedupError, match="routed twice"):
        list(dedup.route([articles[0], articles[0]], plan))
    with pytest.raises(dedup.DedupError, match="2 planned articles never came"):
        list(dedup.route(articles[:1], plan))


def test_a_share_of_the_plan_routes_its_stretch_in_order_and_refuses_anything_else() -> None:
    """A unit's share (``Plan.share``), routed in a worker: the same items as ``route``."""
    articles = [art("a", story(1)), art("b", story(2)), art("c", story(1))]
    fps = dedup.Fingerprints.of(articles, 3)
    plan = dedup.plan(fps, dedup.DedupIndex(), dedup.DedupSettings(), dedup.Texts(lambda: ()))
    shares = [plan.share(0, 2), plan.share(2, 3)]
    routed = [
        item
        for stretch, (keys, fates) in zip((articles[:2], articles[2:]), shares, strict=True)
        for item in dedup.route_share(stretch, keys, fates)
    ]
    assert routed == list(dedup.route(articles, plan))
    keys, fates = plan.share(0, 2)
    with pytest.raises(dedup.DedupError, match="is not the one planned"):
        list(dedup.route_share([articles[1], articles[0]], keys, fates))
    with pytest.raises(dedup.DedupError, match="1 articles came to be routed where the plan has 2"):
        list(dedup.route_share(articles[:1], keys, fates))


def test_two_identical_raw_rows_are_two_records() -> None:
    """The same raw row in two files makes the same id: the record key tells them apart."""
    first = art("same", "Teks yang sama persis.", url="https://x.example/1")
    again = dataclasses.replace(first, source=Provenance("other.csv", 1, 1, "0", "csv"))
    out = route([first, again])
    assert [type(x).__name__ for x in out] == ["Duplicate", "Article"]
    assert dedup.record_key(first) != dedup.record_key(again)


def test_texts_that_do_not_match_their_fingerprints_are_refused() -> None:
    base = story(5)
    articles = [art("a", base), art("b", edited(base, 40))]
    fps = dedup.Fingerprints.of(articles, 3)
    changed = [dataclasses.replace(a, text=a.text + " tambahan kata baru") for a in articles]
    with pytest.raises(dedup.DedupError, match="shingles, its fingerprint"):
        dedup.plan(fps, dedup.DedupIndex(), dedup.DedupSettings(), dedup.Texts(lambda: changed))
    with pytest.raises(dedup.DedupError, match="were not among the texts"):
        dedup.plan(fps, dedup.DedupIndex(), dedup.DedupSettings(), dedup.Texts(lambda: ()))


def test_survivor_order_earliest_longest_publisher_priority_input() -> None:
    text = story(3)
    same = [art("x", text, "2021-01-01", publisher="x.com"), art("y", text, publisher="y.com")]
    cfg = Config(dedup_publisher_priority=("y.com", "x.com"))
    assert [a.id for a in route(same, cfg) if isinstance(a, Article)] == ["x"]  # dates first
    tie = [art("x", text, publisher="x.com"), art("y", text, publisher="y.com")]
    assert [a.id for a in route(tie, cfg) if isinstance(a, Article)] == ["y"]
    assert [a.id for a in route(tie) if isinstance(a, Article)] == ["x"]  # input order


def test_normalize_url_drops_scheme_www_tracking_fragment() -> None:
    a = "https://www.Example.com/read/1/?utm_source=x&id=7&fbclid=abc#top"
    b = "http://example.com/read/1?id=7"
    assert dedup.normalize_url(a) == dedup.normalize_url(b) == "example.com/read/1?id=7"
    assert dedup.url_hash(a) == dedup.url_hash(b) != dedup.url_hash("example.com/read/2")
    assert dedup.url_hash(None) == dedup.url_hash("  ") == 0


def test_same_url_revisions_keep_the_newest() -> None:
    url = "https://news.example/read/9"
    first, updated = story(4), edited(story(4), 5)
    out = by_id(
        route(
            [
                art("v1", first, "2021-01-01T08:00:00+07:00", url=url),
                art("v1-again", first, "2021-01-01T08:00:00+07:00", url=url + "?utm_medium=x"),
                art(
                    "v2", updated, "2021-01-01T09:00:00+07:00", url="http://www.news.example/read/9"
                ),
            ]
        )
    )
    v1, again = out["v1"], out["v1-again"]
    assert isinstance(out["v2"], Article)
    assert isinstance(v1, Duplicate) and isinstance(again, Duplicate)
    assert (v1.reason, v1.duplicate_of) == ("superseded_revision", "v2")
    assert (again.reason, again.duplicate_of) == ("superseded_revision", "v2")


def test_rescrape_of_the_same_url_and_text_is_same_url() -> None:
    url = "https://news.example/read/10"
    out = route([art("a", "Teks sama.", url=url), art("b", "teks  SAMA.", url=url)])
    dup = [d for d in out if isinstance(d, Duplicate)]
    assert [(d.article.id, d.reason, d.duplicate_of) for d in dup] == [("a", "same_url", "b")]


def test_cluster_id_follows_a_revision_into_its_near_duplicate_cluster() -> None:
    base = story(5)
    out = by_id(
        route(
            [
                art("wire", base, "2021-01-01"),
                art("old", edited(base, 30, 1), "2021-01-02", url="https://p.example/1"),
                art("new", edited(base, 30, 2), "2021-01-03", url="https://p.example/1"),
            ]
        )
    )
    old, new = out["old"], out["new"]
    assert isinstance(old, Duplicate) and isinstance(new, Duplicate)
    assert (old.duplicate_of, old.cluster_id, old.reason) == ("new", "wire", "superseded_revision")
    assert (new.duplicate_of, new.cluster_id, new.reason) == ("wire", "wire", "near")


# --------------------------------------------------------------------------- incremental


def test_incremental_dedup_against_a_saved_index(tmp_path: Path) -> None:
    cfg = Config()
    index = dedup.DedupIndex()
    first = [art("p1", story(10), "2021-01-01"), art("p2", story(11), "2021-01-01")]
    assert all(isinstance(x, Article) for x in route(first, cfg, index))
    files = index.save(tmp_path / "v1", cfg.dedup_ngram)
    assert [f.name for f in files] == ["index.parquet", "signatures.npy"]

    loaded = dedup.DedupIndex.load(tmp_path / "v1")
    assert len(loaded) == 2 and loaded.id(1) == "p2"
    second = [
        art("copy", story(10), "2020-01-01"),  # earlier, but p1 is published: p1 stays
        art("near", edited(story(11), 25), "2021-01-02"),
        art("new", story(12), "2021-01-02"),
    ]
    out = by_id(route(second, cfg, loaded))
    copy, near = out["copy"], out["near"]
    assert isinstance(copy, Duplicate) and (copy.duplicate_of, copy.reason) == ("p1", "exact")
    assert isinstance(near, Duplicate) and (near.duplicate_of, near.reason) == ("p2", "near")
    assert isinstance(out["new"], Article)
    loaded.save(tmp_path / "v2", cfg.dedup_ngram)
    again = dedup.DedupIndex.load(tmp_path / "v2")
    assert [again.id(i) for i in range(len(again))] == ["p1", "p2", "new"]  # cumulative
    # a published article coming again is never re-added
    out = route([art("p1", story(10), "2021-01-01")], cfg, again)
    assert isinstance(out[0], Duplicate) and out[0].duplicate_of == "p1"


def test_saved_index_is_byte_identical_for_the_same_input(tmp_path: Path) -> None:
    digests = []
    for name in ("a", "b"):
        index = dedup.DedupIndex()
        route([art("p1", story(10)), art("p2", story(11))], Config(), index)
        files = index.save(tmp_path / name, 3)
        digests.append([hashlib.sha256(f.read_bytes()).hexdigest() for f in files])
    assert digests[0] == digests[1]


def test_index_built_with_other_shingles_is_refused(tmp_path: Path) -> None:
    index = dedup.DedupIndex()
    route([art("p1", story(10))], Config(dedup_ngram=5), index)
    index.save(tmp_path / "v1", 5)
    with pytest.raises(VersionError, match="dedup_ngram=5"):
        route([art("x", "y")], Config(), dedup.DedupIndex.load(tmp_path / "v1"))


near_texts = st.lists(st.integers(0, 5), max_size=12)


@given(near_texts, st.randoms())
def test_near_dedup_conserves_is_idempotent_and_order_free(seeds: list[int], rnd: object) -> None:
    # seeds 0-2 are three stories; 3-5 are light edits of them (near duplicates)
    texts = [story(s) if s < 3 else edited(story(s - 3), 50) for s in seeds]
    articles = [art(str(i), t, f"2021-01-{1 + i:02d}") for i, t in enumerate(texts)]
    out = route(articles)
    assert len(out) == len(articles)
    survivors = [a for a in out if isinstance(a, Article)]
    assert len(survivors) == len({s % 3 for s in seeds})
    plain = [dataclasses.replace(a, duplicate_count=0, also_seen_at=()) for a in survivors]
    assert [a.id for a in route(plain)] == [a.id for a in plain]  # idempotent
    shuffled = list(articles)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert {a.id for a in route(shuffled) if isinstance(a, Article)} == {a.id for a in survivors}


def test_band_partitions_in_parallel_find_the_same_candidates() -> None:
    rng = np.random.default_rng(3)
    # few distinct keys per band, so buckets of every size occur
    bands = rng.integers(0, 50, size=(2_000, dedup.BANDS), dtype=np.uint32)
    members = np.sort(rng.choice(2_000, size=1_500, replace=False)).astype(np.int64)
    old = rng.integers(0, 50, size=(300, dedup.BANDS), dtype=np.uint32)
    serial = candidates.band_pairs(bands, members, threads=1)
    assert len(serial) > 1_000
    assert np.array_equal(serial, candidates.band_pairs(bands, members, threads=4))
    assert np.array_equal(
        candidates.cross_band_pairs(bands, members, old, threads=1),
        candidates.cross_band_pairs(bands, members, old, threads=4),
    )


# --------------------------------------------------------------------------- exact verification


def exact_jaccard_containment(a: str, b: str) -> tuple[float, float]:
    sa, sb = dedup.shingle_set(a, 3), dedup.shingle_set(b, 3)
    inter = len(np.intersect1d(sa, sb))
    return inter / (len(sa) + len(sb) - inter), inter / min(len(sa), len(sb))


def test_a_pair_is_decided_on_exact_shingle_sets_not_the_estimate() -> None:
    base = story(101, 300)
    part = edited(" ".join(base.split()[:240]), 14, 1)
    jac, con = exact_jaccard_containment(base, part)
    assert (round(jac, 3), round(con, 3)) == (0.536, 0.786)  # below both thresholds
    sigs, sizes = dedup.signatures([base, part], 3)
    compact = dedup.compact(sigs)
    est = float(dedup.jaccard(compact[0], compact[1]))
    small, big = float(min(sizes)), float(max(sizes))
    assert est * (small + big) / (1 + est) / small > 0.8  # the estimate would have merged them
    out = route([art("a", base, "2021-01-01"), art("b", part, "2021-01-02")])
    assert all(isinstance(x, Article) for x in out)


def test_similarity_is_the_exact_jaccard() -> None:
    base = story(12)
    copy = edited(base, 40)
    out = by_id(route([art("a", base, "2021-01-01"), art("b", copy, "2021-01-02")]))
    dup = out["b"]
    assert isinstance(dup, Duplicate)
    assert dup.similarity == round(exact_jaccard_containment(base, copy)[0], 4)


# --------------------------------------------------------------------------- survivor rule


def test_a_later_fuller_version_survives_and_takes_the_cluster() -> None:
    first = story(7)
    update = first + " " + story(8, 120)  # the same story with paragraphs added later
    light = edited(first, 50)  # a copy of the first version
    out = by_id(
        route(
            [
                art("first", first, "2021-01-01", publisher="a.com"),
                art("update", update, "2021-01-02", publisher="a.com"),
                art("copy", light, "2021-01-03", publisher="b.com"),
            ]
        )
    )
    kept, old, copy = out["update"], out["first"], out["copy"]
    assert isinstance(kept, Article) and kept.duplicate_count == 2
    assert isinstance(old, Duplicate) and (old.duplicate_of, old.cluster_id) == ("update", "update")
    assert old.similarity == round(exact_jaccard_containment(first, update)[0], 4)
    assert isinstance(copy, Duplicate) and copy.cluster_id == "update"


def test_a_light_edit_is_not_fuller_the_original_stays() -> None:
    """A copy with a few words replaced by longer ones is not "fuller": the longer text does not
    win, the base order does (here input order: no dates, no publisher priority)."""
    base = story(9)
    words = base.split()
    for i in (10, 90, 200):
        words[i] = "penggantikatayangjauhlebihpanjang"
    copy = " ".join(words)
    assert len(copy) > len(base)
    for order in (["orig", "copy"], ["orig", "copy"][::-1]):
        texts = {"orig": base, "copy": copy}
        items = [art(k, texts[k], url=f"https://x.example/{k}") for k in order]
        out = by_id(route(items))
        first, second = order
        assert isinstance(out[first], Article) and isinstance(out[second], Duplicate)


def test_incremental_pairs_are_checked_on_the_published_texts(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cfg = Config()
    index = dedup.DedupIndex()
    first = [art("p1", story(20), "2021-01-01"), art("p2", story(21), "2021-01-01")]
    route(first, cfg, index)
    index.save(tmp_path / "dedup", cfg.dedup_ngram)
    shard = tmp_path / "data.parquet"  # what a version's data/ holds: id and text per row
    pq.write_table(pa.table({"id": [a.id for a in first], "text": [a.text for a in first]}), shard)
    loaded = dedup.DedupIndex.load(tmp_path / "dedup")
    near = edited(story(20), 40)
    part = edited(" ".join(story(21, 300).split()[:240]), 14, 1)  # below both thresholds
    items = [art("near", near, "2021-02-01"), art("part", part, "2021-02-01")]
    out = by_id(list(dedup.run(items, cfg, Stats(), index=loaded, published=[shard])))
    dup = out["near"]
    assert isinstance(dup, Duplicate) and dup.duplicate_of == "p1"
    assert dup.similarity == round(exact_jaccard_containment(story(20), near)[0], 4)
    assert isinstance(out["part"], Article)


@given(
    st.lists(st.integers(0, 40) | st.integers(0, 2**32 - 1), max_size=300),
    st.sampled_from([np.uint32, np.int64]),
)
def test_distinct_is_numpys_unique(values: list[int], dtype: type) -> None:
    array = np.array(values, dtype=dtype)
    found = dedup.minhash.distinct(array)
    assert found.dtype == array.dtype and found.tolist() == np.unique(array).tolist()


@given(
    st.lists(st.integers(0, 40) | st.integers(0, 2**63 - 1), max_size=200),
    st.lists(st.integers(0, 40) | st.integers(0, 2**63 - 1), max_size=200),
    st.booleans(),
)
def test_among_is_numpys_isin(values: list[int], of: list[int], sort_queries: bool) -> None:
    """Both searches (queries as they come, and sorted first as for a big ``of``)."""
    a, b = np.array(values, np.uint64), np.array(of, np.uint64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dedup.minhash, "_SORT_QUERIES", -1 if sort_queries else 1 << 20)
        found = dedup.minhash.among(a, b)
    assert found.dtype == np.bool_ and found.tolist() == np.isin(a, b).tolist()
