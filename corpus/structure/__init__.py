"""The structure stage: split a raw article into body, boilerplate and metadata.

The rules are layered, each one a small table an auditor can read:

1. **Paragraphs.** Text with line breaks is split on them (blank lines collapse). A text with no
   line break whose paragraphs a scraper joined with commas (``"...massal.,Seusai ..."``) is split
   on a comma that directly follows sentence-final punctuation, never on any other comma.
2. **Publisher** from the URL's domain, else the ``source`` field, else a text marker; each
   publisher is a profile in ``corpus/profiles/*.toml`` (data, not code).
3. **Header** (texts without a title field): a headline-like first line is the title; a line that
   is only a date gives ``published_at``; short non-sentence lines right after it are captions.
   With a title field, a first line that repeats it (an HTML page's headline) is header too.
4. **Boilerplate**, in layers; every removed line keeps the name of the rule that removed it
   (``Article.boilerplate_rules``, parallel to ``Article.boilerplate``):
   generic line rules (``GENERIC_BOILERPLATE``: ``read_more``, ``advertisement``, ...), the
   profile's (``profile:<name>``), a profile "tail start" after which the rest of the page is
   footer (``tail:<name>``), text the article repeats (``repeated_paragraph``, ``glued_repeat``:
   republika's scraper wrote the body glued into one line next to its paragraphs), reviewed
   learned rules (``learned``, ``corpus.boilerplate``), and fragments inside a paragraph
   (``inline_read_more`` for a glued "Baca juga: <headline>", cut at the glue points so the body
   on both sides stays; ``profile_inline:<name>``). When unsure a line stays in the body:
   removing body text is worse than keeping boilerplate, and no line goes for being short.
5. **Lead-in** of the first body paragraph: the profile's (``"JAKARTA, KOMPAS.com -"``), an
   upper-case place (``"SEOUL - "``), or a lead-in whose place the scraper lost (``" , - "``).
   The place becomes ``dateline``; the lead-in leaves the body.
6. **Trailer**: editor initials ``"(esn)"`` closing the body become ``editor_initials``; for a
   profile with ``caps_credit``, reporters in capitals (``"ANDITA RAHMA | FRISKI RIANA"``) become
   ``authors`` and one-word outlets ``cited_sources``.
7. **Cited sources** (``"seperti dikutip dari Yonhap"``) are read from the body, which keeps them.
   "Sumber: Antara" credits add to them; "Artikel ini telah tayang di X" gives ``syndicated_from``.
   Bylines ("Laporan Wartawan Tribunnews.com, Name", "Penulis: Name") give ``authors`` when the
   author column is empty; a profile's author suffix may name the ``desk`` ("-detikFinance").
8. **published_at** from the date fields, else the header's date line (``corpus.dates``). A time
   without zone gets the profile's ``timezone`` (WIB for the Indonesian sites) and stays naive for
   an unknown publisher. A day/month swap is corrected only when the URL's ``/YYYY/MM/DD/`` shows
   exactly that swap (a spreadsheet read "10/09/2019" month first). A value marked "Diperbarui"
   or "Updated" is also ``updated_at``.

``run`` yields one ``Article`` per record; ``run_with_rejects`` yields, in input order, one
``Article`` or ``Rejected`` per record: a body left with nothing to read is an ``empty_body``
reject (raw text kept). Both count what each rule did under ``structure/<name>`` (``published_at_parsed``,
``published_at_unparsed``, ``dateline``, ``boilerplate_lines``, ``lead_in_<rule>``, ...).
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

STAGE = "structure"


@dataclass(frozen=True, slots=True)
class StructureHints:
    """What a pre-pass over whole files knows and one record cannot: per input file (the
    record's ``provenance.path``), the day/month order of its date column (``"dmy"`` or
    ``"mdy"``, from ``dates.column_order`` over all of the file's date values)."""

    date_orders: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path, order in self.date_orders.items():
            if order not in ORDERS:
                raise ConfigError(
                    f"StructureHints: date order {order!r} for {path!r} is not one of {ORDERS}"
                )
        object.__setattr__(self, "date_orders", dict(self.date_orders))


def file_date_order(values: Iterable[str | None]) -> ColumnOrder:
    """The day/month order of one file's date values (``dates.column_order``): the answer the
    pre-pass puts in ``StructureHints.date_orders`` when ``order`` is not None."""
    return column_order(values)


def structure(record: RawRecord) -> Article:
    """Split one raw record into body, boilerplate and metadata (pure, deterministic)."""
    return structure_record(record, load_profiles(), RuleSet()).article


def structure_with(
    record: RawRecord, profiles: Sequence[Profile], rules: RuleSet, date_order: str | None = None
) -> Article:
    """``structure`` with explicit profiles, learned boilerplate rules and date order."""
    return structure_record(record, profiles, rules, date_order).article


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
    for record in records:
        outcome = structure_record(record, profiles, rules, orders.get(record.provenance.path))
        stats.count(STAGE, "articles")
        for name, n in sorted(outcome.notes.items()):
            stats.count(STAGE, name, n)
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
    "empty_body",
    "file_date_order",
    "is_person",
    "load_profiles",
    "parse_profile",
    "rules_for",
    "run",
    "run_with_rejects",
    "structure",
    "structure_with",
    "url_date",
]
