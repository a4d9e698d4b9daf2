"""The second long-tail test gold (evals/structure/gold/news-ms-longtail2.jsonl; issue 11).

Shape only: every article is a news-ms row of an outlet no shipped profile covers, whose
registered domain has no row in the earlier news-ms gold files, in the ``longtail2`` split, with
its tier (held-out rows first) and the editor fields. Scoring needs ../shared and is the CI
gate's job.
"""

from __future__ import annotations

from corpus.structure import load_profiles
from tests import gold
from tests.gold import MS_FILE

heldout = gold.evals("heldout")
label = gold.evals("label")


def _site(url: object) -> str:
    return label.site(gold.host(url))


def test_site_is_the_registered_domain():
    assert label.site("sp.beritasatu.com") == "beritasatu.com"
    assert label.site("www.bharian.com.my") == "bharian.com.my"
    assert label.site("investasi.kontan.co.id") == "kontan.co.id"
    assert label.site("nu.or.id") == "nu.or.id"


def test_longtail2_gold_is_unprofiled_outlets_no_earlier_gold_names():
    lines = gold.lines("news-ms-longtail2.jsonl")
    earlier = gold.lines("news-ms.jsonl") + gold.lines("news-ms-longtail.jsonl")
    earlier_sites = {_site(g["url"]) for g in earlier}
    profiles = load_profiles()
    assert len(lines) >= 40
    assert len({g["id"] for g in lines}) == len(lines)
    assert not {g["row"] for g in lines} & {g["row"] for g in earlier}
    tiers = [g["tier"] for g in lines]
    # held-out rows first, then dev rows; each line says which, and its publisher names it
    assert tiers == sorted(tiers, key=lambda t: t != "heldout")
    for g in lines:
        assert g["file"] == MS_FILE and g["split"] == "longtail2", g["id"]
        assert g["publisher"] == f"longtail2-{g['tier']}", g["id"]
        row = int(str(g["row"]))
        assert heldout.is_heldout(MS_FILE, row) == (g["tier"] == "heldout"), g["id"]
        site = _site(g["url"])
        assert site not in earlier_sites and site not in label.LONGTAIL2_NAMED, g["id"]
        host = gold.host(g["url"])
        assert not any(p.matches_host(host) for p in profiles), g["id"]
        expected = g["expected"]
        assert isinstance(expected, dict)
        assert {"editors", "editor_initials"} <= set(expected), g["id"]


def test_longtail2_gold_spreads_over_many_outlets():
    sites: dict[str, int] = {}
    for g in gold.lines("news-ms-longtail2.jsonl"):
        sites[_site(g["url"])] = sites.get(_site(g["url"]), 0) + 1
    assert len(sites) >= 25
    assert max(sites.values()) <= label.LONGTAIL2_PER_SITE
