"""The structure stage: split a raw article into body, boilerplate and metadata.

A package whose modules name the jobs: ``profiles`` (publisher rules as data,
``corpus/profiles/*.toml``), ``paragraphs`` (splitting, repeats, junk-only bodies), ``rules``
(whole-line and inline furniture), ``edges`` (header, lead-in and dateline, closing credits),
``metadata`` (people, dates, sources), ``article`` (one record through the layers). The layers,
each a small table an auditor can read; every removed line keeps the rule that removed it
(``Article.boilerplate_rules``, parallel to ``Article.boilerplate``):

1. **Paragraphs.** Line breaks split; a text whose scraper joined paragraphs with commas
   (``"...massal.,Seusai"``) splits on a comma right after sentence-final punctuation.
2. **Publisher** from the URL's domain, the ``source`` field, or a text marker (its profile).
3. **Header**: a headline-like first line (an ellipsis may close it) is the title when the record
   has none; a date-only line gives ``published_at``; short lines after it are captions.
4. **Boilerplate.** Generic line rules (``GENERIC_BOILERPLATE``: prompts, widgets, labels,
   disclaimers, credits, captions with photo credits), then the profile's, a profile footer
   (``tail:<name>``), repeats (``repeated_paragraph`` only for a block repeated in the same
   context, never a sentence the story uses twice; ``glued_repeat``), reviewed learned rules,
   and fragments inside a paragraph (``inline_read_more``, ``inline_ad``, ``inline_embed``: the
   sentences on both sides stay). A byline that carries body text is split, not dropped. When
   unsure a line stays: removing body is worse than keeping boilerplate.
5. **Lead-in** of the first paragraph: the profile's, then forms sites share (an outlet's
   domain "jpnn.com, JAKARTA -", an agency "Jakarta (ANTARA) -", "Jakarta, CNN Indonesia --", an
   upper-case place "SEOUL - ", "KUALA LUMPUR 11 Mei -", "PUTRAJAYA:", a lost lead-in " , - ").
   The place becomes ``dateline``.
6. **Closing furniture**, peeled off the end: editor codes in () or [] (``editor_initials``), end
   marks "(*)", sign-offs ("- UTUSAN ONLINE", "-- BERNAMA": ``cited_sources``), advertorial
   labels, view counters, authors' notes; for a ``caps_credit`` profile, reporters in capitals.
7. **People**: ``authors`` are writers, ``editors`` editors (a "Writer, Editor" column, "Editor:"
   lines); organisations, handles, addresses, places, dates and placeholders are no people.
8. **published_at** from the date field read in its file's day/month order
   (``StructureHints.date_orders``, from ``dates.column_order`` over the whole column; day first
   without a hint, counted as ``published_at_order_assumed``), else the header's date line, else
   the date the URL encodes; ``published_at_source`` says which (column, html, text, url).

``run`` yields one ``Article`` per record; ``run_with_rejects`` yields, in input order, one
``Article`` or ``Rejected`` per record: a body with nothing to read (empty, or only widgets and
prompts) is an ``empty_body`` reject with its raw text. Both count what each rule did under
``structure/<name>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from corpus.boilerplate import RuleSet, load_rules
from corpus.config import Config
from corpus.dates import ORDERS, ColumnOrder, column_order
from corpus.errors import ConfigError
from corpus.records import Article, Issue, RawRecord, Rejected
from corpus.stats import Stats
from corpus.structure.article import Outcome, structure_record
from corpus.structure.metadata import is_person, url_date
from corpus.structure.paragraphs import is_junk_body
from corpus.structure.profiles import Profile, load_profiles, parse_profile
from corpus.structure.rules import GENERIC_BOILERPLATE, GENERIC_INLINE_BOILERPLATE
from corpus.structure.text import text_value
from corpus.structure.titles import TitleSuffixes

STAGE = "structure"


@dataclass(frozen=True, slots=True)
class StructureHints:
    """What a pre-pass over whole files knows and one record cannot: per input file (the
    record's ``provenance.path``), the day/month order of its date column (``"dmy"`` or
    ``"mdy"``, from ``dates.column_order`` over all of the file's date values)."""

    date_orders: Mapping[str, str] = field(default_factory=dict)
    # per input file, per URL host: the section suffixes its titles carry (file_title_suffixes)
    title_suffixes: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path, order in self.date_orders.items():
            if order not in ORDERS:
                raise ConfigError(
                    f"StructureHints: date order {order!r} for {path!r} is not one of {ORDERS}"
                )
        object.__setattr__(self, "date_orders", dict(self.date_orders))
        object.__setattr__(self, "title_suffixes", dict(self.title_suffixes))


def file_date_order(values: Iterable[str | None]) -> ColumnOrder:
    """The day/month order of one file's date values (``dates.column_order``): the answer the
    pre-pass puts in ``StructureHints.date_orders`` when ``order`` is not None."""
    return column_order(values)


def file_title_suffixes(records: Iterable[RawRecord]) -> dict[str, frozenset[str]]:
    """Per URL host, the section suffixes of one file's page titles (" - Nation"), learned
    over all its records (``titles.TitleSuffixes``): the answer the pre-pass puts in
    ``StructureHints.title_suffixes`` for the file."""
    learner = TitleSuffixes()
    for record in records:
        see_title(learner, record)
    return learner.learned()


def see_title(learner: TitleSuffixes, record: RawRecord) -> None:
    """Count one record's title towards its file's suffixes (``file_title_suffixes``, a
    record at a time)."""
    fields = record.fields
    learner.see(
        text_value(fields.get("url")),
        text_value(fields.get("title")),
        text_value(fields.get("text")),
    )


def structure(record: RawRecord) -> Article:
    """Split one raw record into body, boilerplate and metadata (pure, deterministic)."""
    return structure_record(record, load_profiles(), RuleSet()).article


def structure_with(
    record: RawRecord,
    profiles: Sequence[Profile],
    rules: RuleSet,
    date_order: str | None = None,
    title_suffixes: Mapping[str, frozenset[str]] | None = None,
) -> Article:
    """``structure`` with explicit profiles, learned boilerplate rules, date order and the
    title suffixes learned from the record's file."""
    return structure_record(record, profiles, rules, date_order, title_suffixes).article


def rules_for(cfg: Config | None) -> RuleSet:
    """The reviewed learned-boilerplate rules a config names (none when it names no file)."""
    if cfg is None or cfg.boilerplate_rules is None:
        return RuleSet()
    return load_rules(cfg.boilerplate_rules)


def empty_body(article: Article, record: RawRecord) -> Rejected:
    """The reject for a record whose body is nothing but furniture: its raw text is kept."""
    return Rejected(
        id=article.id,
        stage=STAGE,
        reason="empty_body",
        issues=(Issue("/text", "no body text is left after removing boilerplate", "empty_body"),),
        raw=record.raw,
        source=record.provenance,
    )


def _outcomes(
    records: Iterable[RawRecord], stats: Stats, cfg: Config | None, hints: StructureHints | None
) -> Iterator[tuple[RawRecord, Outcome]]:
    profiles = load_profiles()
    rules = rules_for(cfg)
    orders = hints.date_orders if hints is not None else {}
    suffixes = hints.title_suffixes if hints is not None else {}
    for record in records:
        path = record.provenance.path
        outcome = structure_record(record, profiles, rules, orders.get(path), suffixes.get(path))
        # straight into the counter (one method call per note cost ~2 % of the stage)
        counts = stats.counts
        counts[(STAGE, "articles")] += 1
        for name, n in sorted(outcome.notes.items()):
            counts[(STAGE, name)] += n
        yield record, outcome


def run(
    records: Iterable[RawRecord],
    stats: Stats,
    cfg: Config | None = None,
    hints: StructureHints | None = None,
) -> Iterator[Article]:
    """Structure every record (one Article each), counting rule outcomes under
    ``structure/<name>``."""
    for _, outcome in _outcomes(records, stats, cfg, hints):
        yield outcome.article


def run_with_rejects(
    records: Iterable[RawRecord],
    stats: Stats,
    cfg: Config | None = None,
    hints: StructureHints | None = None,
) -> Iterator[Article | Rejected]:
    """Like ``run``, but a record whose body is empty or only furniture (a widget, a prompt:
    ``paragraphs.is_junk_body``) comes out as an ``empty_body`` Rejected, counted under
    ``structure/empty_body``. One item per record, in input order."""
    for record, outcome in _outcomes(records, stats, cfg, hints):
        if is_junk_body(outcome.article.text):
            stats.count(STAGE, "empty_body")
            yield empty_body(outcome.article, record)
        else:
            yield outcome.article


__all__ = [
    "GENERIC_BOILERPLATE",
    "GENERIC_INLINE_BOILERPLATE",
    "STAGE",
    "Profile",
    "StructureHints",
    "TitleSuffixes",
    "empty_body",
    "file_date_order",
    "file_title_suffixes",
    "is_person",
    "load_profiles",
    "parse_profile",
    "rules_for",
    "run",
    "run_with_rejects",
    "see_title",
    "structure",
    "structure_with",
    "url_date",
]
