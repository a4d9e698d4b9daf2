"""Learned cross-document boilerplate: learning, the rules file, review, applying at ingest."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpus import boilerplate
from corpus.boilerplate import (
    LearnedRule,
    LearnResult,
    RuleSet,
    load_rules,
    normalize_line,
    render_rules,
    write_rules,
)
from corpus.cli import app
from corpus.config import Config, load_config
from corpus.errors import ConfigError
from corpus.learn import learn_rules
from corpus.records import Article, Provenance, RawRecord
from corpus.stats import Stats
from corpus.structure import load_profiles, run, structure_with

PROMO = "Dengarkan podcast terbaru kami setiap Senin di aplikasi SuaraKita."


def record(text: str, n: int = 1, **fields: Any) -> RawRecord:
    provenance = Provenance("sample.csv", n, n + 1, "0" * 64, "csv")
    return RawRecord({"text": text, **fields}, {}, provenance, text)


def site_articles(n: int = 10) -> list[RawRecord]:
    """``n`` different okezone stories that all carry the same promo line mid-body."""
    cities = ["Medan", "Padang", "Bogor", "Solo", "Malang", "Ambon", "Palu", "Kupang", "Jambi"]
    cities += ["Bima", "Garut", "Blitar"]
    return [
        record(
            f"Berita tentang banjir di {cities[i]}.\n{PROMO}\n"
            f"Warga {cities[i]} mengungsi ke tempat aman.",
            i,
            title=f"Judul {i}",
            url=f"https://news.okezone.com/read/2019/09/1{i % 9}/{i}/x",
        )
        for i in range(n)
    ]


def learn(records: list[RawRecord], **kw: Any) -> LearnResult:
    """``boilerplate.learn`` over the records structured without learned rules (as the CLI does)."""
    profiles = load_profiles()
    articles: list[Article] = [structure_with(r, profiles, RuleSet()) for r in records]
    return boilerplate.learn(articles, **kw)


def test_normalize_line() -> None:
    assert (
        normalize_line("  Ikuti  Kami di\u00a0Google News 2025! ")
        == "ikuti kami di google news 0000!"
    )
    assert normalize_line("ＡＢＣ") == "abc"  # NFKC


def test_learn_finds_a_line_recurring_in_varied_contexts() -> None:
    result = learn(site_articles(), min_share=0.5, min_articles=5)
    assert result.records == 10
    assert result.articles == {"Okezone": 10}
    (rule,) = result.rules
    assert rule.publisher == "Okezone"
    assert rule.line == normalize_line(PROMO)
    assert rule.action == "review"  # nothing is applied before a curator says so
    assert (rule.articles, rule.share, rule.contexts) == (10, 1.0, 10)
    assert rule.example == PROMO


def test_learn_skips_a_story_repeated_word_for_word() -> None:
    # the same three lines in five articles: a near duplicate, not furniture (one context)
    same = "Pertama.\nKalimat yang sama persis di setiap salinan berita ini.\nTerakhir."
    records = [record(same, i, title="t", url=f"https://okezone.com/{i}") for i in range(5)]
    assert learn(records, min_share=0.5, min_articles=5).rules == ()


def test_learn_needs_enough_articles_and_share() -> None:
    assert learn(site_articles(4), min_share=0.5, min_articles=5).rules == ()
    with pytest.raises(ConfigError, match="min_share"):
        learn([], min_share=0)
    with pytest.raises(ConfigError, match="min_articles"):
        learn([], min_articles=1)


def test_rules_file_round_trip_and_review_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "rules" / "boilerplate.toml"
    write_rules(learn(site_articles(), min_share=0.5, min_articles=5), path)
    text = path.read_text(encoding="utf-8")
    assert 'action = "review"' in text
    assert tomllib.loads(text)["format"] == 1
    assert load_rules(path).drops == {}  # "review" is not applied
    path.write_text(text.replace('action = "review"', 'action = "drop"'), encoding="utf-8")
    reviewed = load_rules(path)
    assert reviewed.drops == {"Okezone": frozenset({normalize_line(PROMO)})}
    again = learn(site_articles(), min_share=0.5, min_articles=5, previous=reviewed)
    assert [r.action for r in again.rules] == ["drop"]


def test_render_escapes_toml_strings(tmp_path: Path) -> None:
    rule = LearnedRule("P", 'say "hi" \\ \u0007', "keep", 5, 0.5, 5, 'say "hi"')
    path = tmp_path / "r.toml"
    path.write_text(render_rules(LearnResult((rule,), {"P": 10}, 10)), encoding="utf-8")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["rule"][0]["line"] == 'say "hi" \\ \u0007'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format = 1\nfoo = 1", "unknown key"),
        ('[[rule]]\npublisher = "P"\nline = "x"\naction = "maybe"', "not one of"),
        ('[[rule]]\npublisher = "P"\nline = "X  y"\naction = "drop"', "not normalized"),
        ('[[rule]]\npublisher = "P"\naction = "drop"', "'line'"),
        ('[[rule]]\npublisher = "P"\nline = "x"\naction = "drop"\nwhy = 1', "unknown key"),
        ("rule = 3", "array of tables"),
        ("format = ", "not valid TOML"),
    ],
)
def test_bad_rules_file_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_rules(path)


def test_missing_rules_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_rules(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match=r"boilerplate_rules: .*nope\.toml is not a file"):
        Config(boilerplate_rules=tmp_path / "nope.toml").checked()


def test_reviewed_rule_removes_the_line_and_names_itself(tmp_path: Path) -> None:
    rules = RuleSet.of([LearnedRule("Okezone", normalize_line(PROMO), "drop")])
    article = structure_with(site_articles(1)[0], load_profiles(), rules)
    assert PROMO not in article.text
    assert article.boilerplate == (PROMO,)
    assert article.boilerplate_rules == ("learned",)
    # another publisher's article keeps the same line
    other = record(f"Isi berita.\n{PROMO}", title="t", url="https://www.tempo.co/x")
    assert PROMO in structure_with(other, load_profiles(), rules).text
    # a "keep" decision is not applied
    kept = RuleSet.of([LearnedRule("Okezone", normalize_line(PROMO), "keep")])
    assert PROMO in structure_with(site_articles(1)[0], load_profiles(), kept).text


def test_ingest_config_applies_the_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    result = learn(site_articles(), min_share=0.5, min_articles=5)
    write_rules(result, path)
    path.write_text(
        path.read_text(encoding="utf-8").replace('"review"', '"drop"'), encoding="utf-8"
    )
    cfg = Config(boilerplate_rules=path).checked()
    stats = Stats()
    articles = list(run(site_articles(), stats, cfg))
    assert all(PROMO not in a.text for a in articles)
    assert stats.get("structure", "boilerplate_learned") == 10
    # the rules' content, not their path, is part of the config hash
    before = cfg.fingerprint
    path.write_text(path.read_text(encoding="utf-8").replace('"drop"', '"keep"'), encoding="utf-8")
    assert Config(boilerplate_rules=path).checked().fingerprint != before


def test_load_config_defaults_to_rules_file_when_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None).boilerplate_rules is None
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "boilerplate.toml").write_text("format = 1\n", encoding="utf-8")
    assert load_config(None).boilerplate_rules == Path("rules/boilerplate.toml")
    assert load_config(None).public()["boilerplate_rules"] == "rules/boilerplate.toml"
    other = tmp_path / "other.toml"
    other.write_text("format = 1\n", encoding="utf-8")
    assert load_config(None, boilerplate_rules=str(other)).boilerplate_rules == other


def test_cli_learn_writes_a_reviewable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for r in site_articles():
        name = f"{r.provenance.row:02d}.txt"
        # plain text has no url: the okezone marker names the publisher
        (raw / name).write_text(
            r.fields["text"] + "\nIkuti berita Okezone di Google News", encoding="utf-8"
        )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        app, ["boilerplate", "learn", str(raw), "--min-share", "0.5", "--min-articles", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote rules/boilerplate.toml: 1 rule from 10 records, 1 to review" in result.stdout
    assert "Okezone: 10 articles, 1 rule" in result.stdout
    assert load_rules(Path("rules/boilerplate.toml")).rules[0].line == normalize_line(PROMO)
    bad = runner.invoke(app, ["boilerplate", "learn", str(raw), "--min-share", "2"])
    assert bad.exit_code != 0
    assert "min_share" in bad.output


def test_keep_rules_are_indexed() -> None:
    rules = RuleSet.of(
        [
            LearnedRule("Okezone", normalize_line(PROMO), "keep"),
            LearnedRule("Okezone", "baca juga", "drop"),
            LearnedRule("Okezone", "ikuti kami", "review"),
        ]
    )
    assert rules.keeps_line("Okezone", PROMO.upper())
    assert not rules.drops_line("Okezone", PROMO)
    assert rules.drops_line("Okezone", "Baca Juga")
    assert not rules.keeps_line("Tempo", PROMO)
    assert not rules.keeps_line(None, PROMO)
    assert not rules.keeps_line("Okezone", "Ikuti kami")  # "review" is neither


def test_nothing_found_writes_no_file(tmp_path: Path) -> None:
    path = tmp_path / "rules" / "boilerplate.toml"
    empty = learn(site_articles(3), min_share=0.5, min_articles=5)
    assert empty.rules == ()
    assert write_rules(empty, path) is False
    assert not path.exists()
    # through the transitional reader too, and the CLI's summary can say so
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Satu berita saja tanpa apa-apa.", encoding="utf-8")
    result = learn_rules([raw], Config(), path)
    assert (result.written, result.rules) == (False, ())
    assert not path.exists()


def test_relearning_keeps_the_curators_comments_and_decisions(tmp_path: Path) -> None:
    path = tmp_path / "boilerplate.toml"
    assert write_rules(learn(site_articles(), min_share=0.5, min_articles=5), path) is True
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Boilerplate rules learned by `corpus boilerplate learn`")
    edited = text.replace(
        '\naction = "review"', '\n# podcast promo, checked by hand on 10 pages\naction = "drop"'
    )
    path.write_text(edited + "\n# end of the reviewed rules\n", encoding="utf-8")
    again = learn(site_articles(12), min_share=0.5, min_articles=5, previous=load_rules(path))
    assert write_rules(again, path) is True  # the counts changed: 10 -> 12 articles
    after = path.read_text(encoding="utf-8")
    assert "# podcast promo, checked by hand on 10 pages" in after
    assert "# end of the reviewed rules" in after
    (rule,) = load_rules(path).rules
    assert (rule.action, rule.articles) == ("drop", 12)
    # the same result again changes nothing, so nothing is written
    assert write_rules(again, path) is False
