"""One raw record to one Article: the layers of the stage, in order (see the package docstring)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus.boilerplate import RuleSet
from corpus.dates import parse_date_line, parse_datetime
from corpus.records import Article, RawRecord, canonical_json, stable_id
from corpus.structure.edges import (
    NAMED_LEAD_INS,
    after_title,
    caps_credit,
    holds_title,
    is_caption,
    is_caption_above,
    is_headline,
    labelled,
    lead_in,
    lead_in_below,
    signature,
    signed_off_by,
    site_title,
    trailer,
)
from corpus.structure.metadata import (
    Credits,
    byline_author,
    cited_sources,
    credited,
    date_line_credits,
    editor_of,
    header_byline,
    host_labels,
    is_person,
    label_credit,
    people,
    place_byline,
    published,
    syndicated,
)
from corpus.structure.paragraphs import repeats, split_paragraphs
from corpus.structure.profiles import Profile, find_publisher
from corpus.structure.residue import writer_bio, writer_code, writer_editor
from corpus.structure.rules import (
    INLINE_PROMPT,
    LEADING_PROMPT,
    boilerplate_rule,
    split_byline,
    split_credits,
    strip_inline,
    strip_read_more,
    tail_start,
)
from corpus.structure.text import alnum, site_names, text_value, words
from corpus.structure.titles import strip_section

_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Outcome:
    """A structured article and the rule outcomes to count under ``structure/<name>``."""

    article: Article
    notes: Counter[str]


@dataclass(slots=True)
class _Header:
    title: str | None
    start: int  # index of the first paragraph after the header
    date_line: str | None = None
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)  # "Penulis: Name" sharing the date line


@dataclass(slots=True)
class _Body:
    body: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (line, rule) in order
    bylines: list[str] = field(default_factory=list)  # names from credit lines
    signed: list[str] = field(default_factory=list)  # writers a dated sign-off names
    editors: list[str] = field(default_factory=list)  # names from "Editor: ..." lines
    sourced: list[str] = field(default_factory=list)  # outlets from "Sumber: ..." credits
    captions: list[str] = field(default_factory=list)  # photo captions inside the body


def _header(
    paragraphs: list[str], title: str | None, blank_after_first: bool, profile: Profile | None
) -> _Header:
    """Title (when the record has none), a date line, captions: what stands above the body."""
    head = _Header(title, 0)
    if (
        title is None
        and len(paragraphs) > 1
        and is_headline(paragraphs[0])
        and header_byline(paragraphs[0]) is None  # "Writer | Editor <date> <time>": no headline
        and (blank_after_first or parse_date_line(paragraphs[1]) is not None)
    ):
        head.title, head.start = paragraphs[0], 1
    elif title is not None and len(paragraphs) > 1 and holds_title(paragraphs[0], title):
        # the page's headline above the body (HTML pages): the title, not body; it may be the
        # fuller form ("In Picture: ..." where the meta title dropped the kicker)
        head.title, head.start = paragraphs[0], 1
    elif title is not None and paragraphs and (rest := after_title(paragraphs[0], title)):
        # the headline glued to the standfirst under it ("Wanita hina Agong dijel 8 bulan Suri
        # rumah mengaku ..."): the headline is the title, the standfirst stays
        paragraphs[0] = rest
    dated, credits = (
        date_line_credits(paragraphs[head.start]) if head.start < len(paragraphs) else ("", [])
    )
    if head.start < len(paragraphs) and parse_date_line(dated) is not None:
        head.date_line, head.credits = paragraphs[head.start], credits
        head.start += 1
        while head.start < len(paragraphs) - 1 and is_caption(paragraphs[head.start], profile):
            head.captions.append(paragraphs[head.start])
            head.start += 1
    return head


def _segments(paragraphs: Sequence[str]) -> list[tuple[str, str | None]]:
    """The paragraphs with the rule of each that repeats the article (or None), plus what only
    a dropped glued copy held, put in where it stood to be judged like any paragraph."""
    repeated, residue = repeats(paragraphs)
    out: list[tuple[str, str | None]] = []
    for k in range(len(paragraphs) + 1):
        # a residue opening with a read-more prompt is the related headlines, nothing else: the
        # body around them is in the other paragraphs
        if k in residue:
            out.extend(
                (piece, "read_more" if LEADING_PROMPT.match(piece) else None)
                for piece in residue[k]
            )
        if k < len(paragraphs):
            rule = repeated.get(k)
            pieces = split_credits(paragraphs[k])
            if len(pieces) == 1:  # most paragraphs: no generator for one item
                out.append((pieces[0], rule))
            else:
                out.extend((piece, rule) for piece in pieces)
    return out


def _credit_names(out: _Body, line: str, rule: str) -> None:
    """Names and outlets a removed credit line holds, kept in their fields."""
    if rule in ("credit_line", "byline"):
        name = byline_author(line)
        if name:
            out.bylines.append(name)
        out.editors.extend(editor_of(line))
    elif rule == "source_credit":
        # a source credit naming a person by shape ("Sumber: Tommy Abdullah", a press
        # release's sender) credits that person with the writer; outlets stay sources
        for source in credited(line):
            person = len(source.split()) >= 2 and is_person(source)
            (out.signed if person else out.sourced).append(source)
    elif rule == "photo_caption":
        out.captions.append(line)


def _paragraph(
    out: _Body, paragraph: str, repeat: str | None, profile: Profile | None, learned: Any
) -> None:
    """Judge one paragraph: removed whole, split, trimmed of inline furniture, or kept."""
    rule = boilerplate_rule(paragraph, profile) or repeat
    if rule == "read_more" and repeat is None:
        rest, cut = strip_read_more(paragraph)
        if rest and cut and not INLINE_PROMPT.fullmatch(cut[0]):
            # "Baca juga: <headline>" glued to body text: the headline goes, the body stays
            out.removed.append((cut[0], rule))
            paragraph, rule = rest, None
    if rule == "byline":
        # "Laporan wartawan X, <news sentence>": the credit goes, the sentence stays; a name
        # followed by a lower-case word is a sentence about a report, all body
        credit, rest = split_byline(paragraph)
        if not credit:
            rule = None
        elif rest:
            out.removed.append((credit, rule))
            _credit_names(out, credit, rule)
            paragraph, rule = rest, None
    if rule is None and learned is not None and learned(paragraph):
        rule = "learned"
    if rule is not None:
        out.removed.append((paragraph, rule))
        _credit_names(out, paragraph, rule)
        return
    paragraph, inline = strip_inline(paragraph, profile)
    out.removed.extend(inline)
    for fragment, name in inline:
        _credit_names(out, fragment, name)
    if inline and paragraph and (rule := boilerplate_rule(paragraph, profile)) is not None:
        out.removed.append((paragraph, rule))  # what is left is furniture too ("sumber : Antara")
        _credit_names(out, paragraph, rule)
        return
    if paragraph:
        out.body.append(paragraph)


def _body(
    paragraphs: list[str], start: int, profile: Profile | None, learned: Any, notes: Counter[str]
) -> _Body:
    """The body paragraphs between header and footer, with every removed line and its rule."""
    out = _Body()
    end = len(paragraphs)
    tail = tail_start(paragraphs, start, profile)
    if tail is not None and profile is not None:
        end = tail
        notes["tail_cut"] += 1
    for paragraph, repeat in _segments(paragraphs[start:end]):
        _paragraph(out, paragraph, repeat, profile, learned)
    if profile is not None:
        out.removed.extend((line, f"tail:{profile.name}") for line in paragraphs[end:])
    for _, rule in out.removed:
        notes[f"boilerplate_{rule.split(':')[0]}"] += 1
    return out


def _date_line_credits(out: _Body, credits: list[str], date_line: str | None = None) -> None:
    """Credits sharing the header's date line ("Sabtu, 26 November 2016 | 15:55 WIB |
    Penulis: Dera", or names before it: "Writer | Editor Selasa, 20 November 2018 | 14:00
    WIB"): the writer goes to bylines, an editor to editors."""
    found = header_byline(date_line) if date_line else None
    if found is not None:
        out.bylines.append(found[0])
        if found[1] is not None:
            out.editors.append(found[1])
    for part in credits:
        out.removed.append((part, "credit_line"))
        name = byline_author(part)
        if name:
            out.bylines.append(name)
        out.editors.extend(editor_of(part))


def _above_lead_in(out: _Body, k: int, title: str | None, notes: Counter[str]) -> int:
    """The paragraphs above a lead-in found below the first: the headline again and captions
    go (captions to ``captions``), a standfirst stays body. Returns the lead-in's new index."""
    kept = []
    for line in out.body[:k]:
        if title is not None and holds_title(line, title):
            out.removed.append((line, "headline"))
        elif is_caption_above(line):
            out.removed.append((line, "caption_above_lead_in"))
            out.captions.append(line)
        else:
            kept.append(line)
    notes["lead_in_below_captions"] += 1
    out.body[:k] = kept
    return len(kept)


def _header_byline(out: _Body) -> None:
    """A page's "Writer [| Editor] <date> <time>" header opening the body: the names go to
    their fields, the header to the removed lines; what follows it on the line stays."""
    found = header_byline(out.body[0]) if out.body else None
    if found is None:
        return
    writer, editor, end = found
    out.bylines.append(writer)
    if editor is not None:
        out.editors.append(editor)
    out.removed.append((out.body[0][:end], "byline"))
    rest = out.body[0][end:].strip()
    if rest:
        out.body[0] = rest
    else:
        out.body.pop(0)


_CAPS_LABEL = re.compile(r"[A-Z]{4,12}")
_LABEL_CREDIT_AT = 4  # the closing lines a "ROLE" / "Name" credit pair is looked for in


def _label_credits(out: _Body) -> None:
    """A credit split over two closing lines, the role then the name ("EDITOR" / "Adi
    Sunaryo"), maybe above the page's labels, one word in capitals each ("TAGS", "KOMENTAR"):
    the name goes to its field, the lines to the removed ones. Only labels below such a credit
    go: a closing "ANTARA" alone is a source's credit, the trailer's."""
    for k in range(max(1, len(out.body) - _LABEL_CREDIT_AT), len(out.body) - 1):
        role = label_credit(out.body[k], out.body[k + 1])
        below = out.body[k + 2 :]
        if role is None or not all(_CAPS_LABEL.fullmatch(line) for line in below):
            continue
        name = out.body[k + 1]
        (out.editors if role == "editor" else out.bylines).append(name)
        out.removed.extend([(out.body[k], "credit_line"), (name, "credit_line")])
        out.removed.extend((line, "widget_label") for line in below)
        del out.body[k:]
        return


_PLACE_BYLINE_AT = 3  # the by-line stands under a standfirst at most two paragraphs long


def _place_byline(out: _Body) -> str | None:
    """The place of a "NAME, Place" by-line among the first paragraphs (the writer goes to
    the bylines, the line to the removed ones), or None."""
    for k, line in enumerate(out.body[:_PLACE_BYLINE_AT]):
        found = place_byline(line) if len(line) < 60 else None
        if found is not None:
            out.bylines.append(found[0])
            out.removed.append((out.body.pop(k), "byline"))
            return found[1]
    return None


def _edges(
    out: _Body,
    profile: Profile | None,
    notes: Counter[str],
    title: str | None = None,
    site: frozenset[str] = frozenset(),
) -> tuple[str | None, tuple[str, ...], list[str]]:
    """Lead-in (-> dateline) and closing credits of the body: (dateline, initials, people)."""
    dateline = None
    _header_byline(out)
    if out.body:
        at = 0
        first, dateline, rule = lead_in(out.body[0], profile, site)
        if rule in NAMED_LEAD_INS and labelled(out.body[1:]):
            # "Hassan: ..." above more "Name: " paragraphs: an interview's label, no lead-in
            first, dateline, rule = out.body[0], None, "none"
        below = lead_in_below(out.body, profile, site) if rule in ("none", "leading_junk") else None
        if below is not None:
            at = _above_lead_in(out, below[0], title, notes)
            first, dateline, rule = below[1]
        notes[f"lead_in_{rule}"] += rule != "none"
        if first:
            out.body[at] = first
        else:
            out.body.pop(at)
    if dateline is None:
        dateline = _place_byline(out)
    _label_credits(out)
    own = profile.short_names if profile else _NONE
    credit = writer_editor(out.body)
    if credit is not None:
        out.bylines.append(credit[0])
        out.editors.append(credit[1])
        out.removed.append((credit[2], "credit_line"))
    editor_initials, outlets, closing = trailer(out.body, own)
    if not editor_initials and credit is None and (coded := writer_code(out.body)) is not None:
        # "(Yendhi/b)": the writer goes to the bylines, the desk's code (not the outlet's
        # name: "(Hardianto/balipost)") to the editor's initials
        if alnum(coded[1]) not in site:
            editor_initials = (coded[1],)
        if coded[0] is not None:  # a code alone goes to the initials only, as the trailer's
            out.bylines.append(coded[0])
            out.removed.append((coded[2], "credit_line"))
    # the writer's note closes an opinion piece, maybe under an editor's code or a sign-off
    # that closes the story above it: those are peeled off after the note
    writer, bio = writer_bio(out.body)
    if bio:
        initials_above, outlets_above, above = trailer(out.body, own)
        editor_initials = editor_initials or initials_above
        outlets = (*outlets_above, *outlets)
        closing = [*above, *((line, "author_bio") for line in bio), *closing]
    if writer is not None:
        out.bylines.append(writer)
    # the editor credit goes to ``editor_initials``, not to the audit lines
    out.removed.extend(item for item in closing if item[1] != "editor_initials")
    out.signed.extend(signed_off_by(closing))
    signer, signed = signature(out.body)
    out.removed.extend((line, "signature") for line in signed)
    if signer is not None:
        out.bylines.append(signer)
    named, named_outlets, credit_lines = (
        caps_credit(out.body) if profile is not None and profile.caps_credit else ([], [], [])
    )
    out.removed.extend((line, "caps_credit") for line in credit_lines)
    out.sourced.extend(outlets)
    out.sourced.extend(named_outlets)
    return dateline, editor_initials, named


def structure_record(
    record: RawRecord,
    profiles: Sequence[Profile],
    rules: RuleSet,
    date_order: str | None = None,
    title_suffixes: Mapping[str, frozenset[str]] | None = None,
) -> Outcome:
    """Split one raw record into body, boilerplate and metadata (pure, deterministic).
    ``title_suffixes``: per URL host, the section suffixes learned from the record's whole file
    (``titles.learn_title_suffixes``)."""
    fields = record.fields
    notes: Counter[str] = Counter()
    profile, publisher, found_by = find_publisher(fields, fields["text"], profiles)
    notes[f"publisher_from_{found_by}"] += 1
    offset = profile.timezone if profile else None
    paragraphs, blank_after_first, comma_joined = split_paragraphs(fields["text"])
    notes["comma_joined"] += comma_joined
    names = profile.short_names if profile else _NONE
    url = text_value(fields.get("url"))
    site = site_names(url, names) | host_labels(url)
    title = site_title(text_value(fields.get("title")), url, names)
    if title_suffixes:
        stripped = strip_section(title, url, title_suffixes)
        notes["title_section_cut"] += stripped != title
        title = stripped
    head = _header(paragraphs, title, blank_after_first, profile)
    if head.title is not title:  # a headline taken from the text
        head.title = site_title(head.title, url, names)
    learned = None
    if rules.drops and publisher in rules.drops:
        learned = lambda line: rules.drops_line(publisher, line)  # noqa: E731
    out = _body(paragraphs, head.start, profile, learned, notes)
    _date_line_credits(out, head.credits, head.date_line)
    dateline, editor_initials, named = _edges(out, profile, notes, head.title, site)
    out.bylines.extend(named)
    cited = tuple(dict.fromkeys([*cited_sources(out.body), *out.sourced]))
    dates = published(
        fields,
        head.date_line,
        text_value(fields.get("url")),
        offset,
        order=date_order,
        html=record.provenance.format == "html",
    )
    notes.update(dates.notes)
    updated_at = dates.updated_at or _note_update(out.removed, offset, notes)
    credited_people = _people(fields.get("author"), out, profile, dateline, notes, site)
    _name_lines(out, credited_people.authors)
    body_text = "\n\n".join(out.body)
    removed = out.removed  # header lines went to title, published_at and captions
    syndicated_from = syndicated(line for line, rule in removed if rule == "syndication")
    captions = [*head.captions, *out.captions]
    _count(notes, dateline, editor_initials, captions, cited, syndicated_from, body_text)
    notes["desk"] += credited_people.desk is not None
    notes["boilerplate_lines"] += len(removed)
    article = Article(
        id=stable_id(dict(fields)),
        url=text_value(fields.get("url")),
        publisher=publisher,
        title=head.title,
        published_at=dates.value,
        dateline=dateline,
        authors=credited_people.authors,
        editor_initials=editor_initials,
        cited_sources=cited,
        captions=(*head.captions, *out.captions),
        category=text_value(fields.get("category")),
        text=body_text,
        boilerplate=tuple(line for line, _ in removed),
        language=None,
        language_score=None,
        n_words=words(body_text),
        extra=canonical_json(dict(record.extra)),
        source=record.provenance,
        updated_at=updated_at,
        desk=credited_people.desk,
        syndicated_from=syndicated_from,
        boilerplate_rules=tuple(rule for _, rule in removed),
        published_at_source=dates.source,
        editors=credited_people.editors,
    )
    # the positive notes (``+notes``), copied by dict.update in C instead of a Python loop
    return Outcome(article, Counter({name: n for name, n in notes.items() if n > 0}))


def _name_lines(out: _Body, authors: Sequence[str]) -> None:
    """A writer's name on a line of its own above or below the story ("Lilis Khalisotussurur"
    over an opinion piece): a by-line, removed; only the first two lines and the last."""
    if not authors or len(out.body) < 2:
        return
    names = {alnum(name) for name in authors}
    for k in (0, 1, len(out.body) - 1):
        if k < len(out.body) and len(out.body[k]) < 60 and alnum(out.body[k]) in names:
            out.removed.append((out.body.pop(k), "byline"))
            return


def _people(
    field: Any,
    out: _Body,
    profile: Profile | None,
    dateline: str | None,
    notes: Counter[str],
    site: frozenset[str],
) -> Credits:
    """Writers and editors from the author field and the credits the body held."""
    return people(
        field, out.bylines, out.editors, profile, dateline, notes, site, out.signed, out.sourced
    )


def _note_update(
    removed: Sequence[tuple[str, str]], offset: str | None, notes: Counter[str]
) -> str | None:
    """The time of an editor's correction note ("Artikel ini telah diubah pada ..."), if any."""
    for line, rule in removed:
        if rule == "correction_note":
            updated = parse_datetime(line, default_offset=offset)
            notes["updated_at_from_note"] += updated is not None
            return updated
    return None


def _count(
    notes: Counter[str],
    dateline: str | None,
    initials: tuple[str, ...],
    captions: Sequence[str],
    cited: Sequence[str],
    syndicated_from: str | None,
    body: str,
) -> None:
    notes["dateline"] += dateline is not None
    notes["editor_initials"] += bool(initials)
    notes["captions"] += bool(captions)
    notes["cited_sources"] += bool(cited)
    notes["syndicated_from"] += syndicated_from is not None
    notes["body_empty"] += not body


__all__ = ["Outcome", "structure_record"]
