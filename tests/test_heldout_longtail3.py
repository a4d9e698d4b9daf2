"""The third long-tail gold (evals/structure/gold/news-ms-longtail3*.jsonl; issue 11).

Shape only: the test tier (``longtail3``) and the dev tier (``longtail3-dev``) are news-ms rows
of sites (registered domains) no earlier gold file holds and no shipped profile matches; no
site is in both tiers; the test tier never holds a site a rule was written from
(``label.LONGTAIL3_NAMED``). Scoring needs ../shared and is the CI gate's job.
"""

from __future__ import annotations

from corpus.structure import load_profiles
from tests import gold
from tests.gold import MS_FILE

label = gold.evals("label")


def _earlier() -> list[dict[str, object]]:
    names = sorted(p.name for p in (gold.EVAL_DIR / "gold").glob("*.jsonl"))
    return [g for n in names if not n.startswith("news-ms-longtail3") for g in gold.lines(n)]


def test_longtail3_tiers_are_unseen_sites_and_never_share_one():
    test, dev = gold.lines("news-ms-longtail3.jsonl"), gold.lines("news-ms-longtail3-dev.jsonl")
    earlier = _earlier()
    earlier_sites = {label.site(gold.host(g["url"])) for g in earlier if g.get("url")}
    earlier_rows = {(g["file"], g["row"]) for g in earlier}
    profiles = load_profiles()
    assert len(test) >= 50 and len(dev) >= 30
    sites = {"test": set(), "dev": set()}
    for tier, lines in (("test", test), ("dev", dev)):
        for g in lines:
            assert g["file"] == MS_FILE and g["tier"] == tier, g["id"]
            assert g["split"] == label.LONGTAIL3_SPLITS[tier] == g["publisher"], g["id"]
            assert (g["file"], g["row"]) not in earlier_rows, g["id"]
            site = label.site(gold.host(g["url"]))
            assert site not in earlier_sites, g["id"]
            assert not any(p.matches_host(gold.host(g["url"])) for p in profiles), g["id"]
            expected = g["expected"]
            assert isinstance(expected, dict)
            assert {"editors", "editor_initials"} <= set(expected), g["id"]
            sites[tier].add(site)
    assert not sites["test"] & sites["dev"]
    assert not sites["test"] & set(label.LONGTAIL3_NAMED)


def test_longtail3_test_tier_spreads_over_many_sites():
    per_site: dict[str, int] = {}
    for g in gold.lines("news-ms-longtail3.jsonl"):
        site = label.site(gold.host(g["url"]))
        per_site[site] = per_site.get(site, 0) + 1
    assert len(per_site) >= 20
    assert max(per_site.values()) <= label.LONGTAIL3_PER_SITE


def test_longtail3_is_in_the_hidden_splits():
    import run

    assert "longtail3" in run.HIDDEN_SPLITS
    assert "longtail3-dev" not in run.HIDDEN_SPLITS
