"""The long-tail test gold (evals/structure/gold/news-ms-longtail.jsonl; issue 11).

The first long-tail draw, a dev split since the second (longtail2) was drawn.

Shape only: every article is a held-out news-ms row of an outlet no shipped profile covers and
none of whose rows (nor URL host) is in the first news-ms gold, in the ``longtail`` split, with
the editor fields. Scoring needs ../shared and is the CI gate's job.
"""

from __future__ import annotations

from corpus.structure import load_profiles
from tests import gold
from tests.gold import MS_FILE

heldout = gold.evals("heldout")


def test_longtail_gold_is_heldout_rows_of_unprofiled_outlets_not_labelled_before():
    lines = gold.lines("news-ms-longtail.jsonl")
    earlier = gold.lines("news-ms.jsonl")
    earlier_hosts = {gold.host(g["url"]) for g in earlier}
    profiles = load_profiles()
    assert len(lines) >= 40
    assert len({g["id"] for g in lines}) == len(lines)
    assert not {g["row"] for g in lines} & {g["row"] for g in earlier}
    for g in lines:
        assert g["file"] == MS_FILE and g["split"] == "longtail", g["id"]
        assert heldout.is_heldout(MS_FILE, int(str(g["row"]))), g["id"]
        host = gold.host(g["url"])
        assert host not in earlier_hosts, g["id"]
        assert not any(p.matches_host(host) for p in profiles), g["id"]
        expected = g["expected"]
        assert isinstance(expected, dict)
        assert {"editors", "editor_initials"} <= set(expected), g["id"]


def test_longtail_gold_spreads_over_many_outlets():
    hosts: dict[str, int] = {}
    for g in gold.lines("news-ms-longtail.jsonl"):
        hosts[gold.host(g["url"])] = hosts.get(gold.host(g["url"]), 0) + 1
    assert len(hosts) >= 20
    assert max(hosts.values()) <= 4  # label.LONGTAIL_PER_HOST
