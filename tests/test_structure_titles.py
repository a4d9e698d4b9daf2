"""Section suffixes of page titles learned from a whole file (issue 11, fourth pass). Fixtures
are written here, shaped like the news-ms rows (a site whose template appends its section, a
site that appends the person quoted)."""

from __future__ import annotations

from corpus.boilerplate import RuleSet
from corpus.records import Provenance, RawRecord
from corpus.stats import Stats
from corpus.structure import StructureHints, file_title_suffixes, load_profiles, run, structure_with
from corpus.structure.titles import learn_title_suffixes, strip_section, title_suffix

_BODY = "The ministry said the plan would be reviewed next week by the state committee."


def _template_site() -> list[tuple[str, str, str]]:
    """A site whose every title ends with its section (a few values, repeated)."""
    rows = []
    for i in range(8):
        rows.append((f"https://www.dailypaper.my/news/{i}", f"Floods hit town {i} - Nation", _BODY))
    rows.append(("https://www.dailypaper.my/news/7", "Readers on tolls - Letters", _BODY))
    rows.append(("https://www.dailypaper.my/news/8", "Tolls to stay - Letters", _BODY))
    rows.append(("https://www.dailypaper.my/biz/9", "Ringgit firms - Business News", _BODY))
    return rows


def _quoting_site() -> list[tuple[str, str, str]]:
    """A site whose titles name the person quoted: many values, each in its story."""
    names = ["Najib", "Anwar", "Khairy", "Azmin", "Mahathir", "Rafizi", "Nurul", "Zahid"]
    rows = [
        (f"https://tvnews.my/{i}", f"Economy will grow - {name}", f"{name} said it. {_BODY}")
        for i, name in enumerate(names)
    ]
    rows += [(f"https://tvnews.my/x{i}", f"Plain headline {i}", _BODY) for i in range(4)]
    return rows


def test_a_templated_site_gives_its_sections_and_a_quoting_site_none() -> None:
    learned = learn_title_suffixes([*_template_site(), *_quoting_site()])
    assert learned == {"dailypaper.my": frozenset({"Nation", "Letters", "Business News"})}


def test_a_rare_suffix_the_story_names_is_no_section() -> None:
    rows = _template_site()
    rows.append(
        ("https://www.dailypaper.my/news/10", "We will act - Hamzah", f"Hamzah said. {_BODY}")
    )
    learned = learn_title_suffixes(rows)
    assert "Hamzah" not in learned["dailypaper.my"]


def test_too_few_titles_learn_nothing() -> None:
    assert learn_title_suffixes(_template_site()[:3]) == {}


def test_strip_section_cuts_only_a_learned_suffix_of_that_site() -> None:
    learned = {"dailypaper.my": frozenset({"Nation"})}
    url = "https://www.dailypaper.my/news/1"
    assert strip_section("Floods hit town - Nation", url, learned) == "Floods hit town"
    assert strip_section("Floods hit town - Najib", url, learned) == "Floods hit town - Najib"
    other = "https://othersite.my/1"
    assert strip_section("Floods hit town - Nation", other, learned) == "Floods hit town - Nation"
    assert title_suffix("Nation") is None


def _record(url: str, title: str, path: str = "a.jsonl") -> RawRecord:
    provenance = Provenance(path, 1, 2, "0" * 64, "jsonl")
    return RawRecord({"text": _BODY, "url": url, "title": title}, {}, provenance, _BODY)


def test_the_stage_takes_the_learned_suffixes_from_its_hints() -> None:
    records = [_record(u, t) for u, t, _ in _template_site()]
    learned = file_title_suffixes(records)
    assert learned["dailypaper.my"] >= {"Nation"}
    article = structure_with(records[0], load_profiles(), RuleSet(), None, learned)
    assert article.title == "Floods hit town 0"
    hints = StructureHints(title_suffixes={"a.jsonl": learned})
    titles = [a.title for a in run(records, Stats(), hints=hints)]
    assert titles[:2] == ["Floods hit town 0", "Floods hit town 1"]
    # without the file's hints a record keeps its title as read
    assert (
        structure_with(records[0], load_profiles(), RuleSet()).title == "Floods hit town 0 - Nation"
    )
