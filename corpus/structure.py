"""The structure stage: split a raw article into body, boilerplate and metadata.

The rules are layered, each one a small table an auditor can read:

1. **Paragraphs.** Text with line breaks is split on them (blank lines collapse). A text with no
   line break whose paragraphs a scraper joined with commas (``"...massal.,Seusai ..."``) is split
   on a comma that directly follows sentence-final punctuation, never on any other comma.
2. **Publisher** from the URL's domain, else the ``source`` field, else a text marker; each
   publisher is a profile in ``corpus/profiles/*.toml`` (data, not code).
3. **Header** (texts without a title field): a headline-like first line is the title; a line that
   is only a date gives ``published_at``; short non-sentence lines right after it are captions.
4. **Boilerplate**: generic line rules (below) plus the profile's, a profile "tail start" after
   which the rest of the page is footer, and inline fragments. When unsure a line stays in the
   body: removing body text is worse than keeping boilerplate, and no line goes for being short.
5. **Lead-in** of the first body paragraph: the profile's (``"JAKARTA, KOMPAS.com -"``), an
   upper-case place (``"SEOUL - "``), or a lead-in whose place the scraper lost (``" , - "``).
   The place becomes ``dateline``; the lead-in leaves the body.
6. **Trailer**: editor initials ``"(esn)"`` closing the body become ``editor_initials``.
7. **Cited sources** (``"seperti dikutip dari Yonhap"``) are read from the body, which keeps them.
8. **published_at** from the date fields, else the header's date line (``corpus.dates``). A time
   without zone gets the profile's ``timezone`` (WIB for the Indonesian sites) and stays naive for
   an unknown publisher. A day/month swap is corrected only when the URL's ``/YYYY/MM/DD/`` shows
   exactly that swap (a spreadsheet read "10/09/2019" month first).

``run`` counts what each rule did under ``structure/<name>`` (``published_at_parsed``,
``published_at_unparsed``, ``dateline``, ``boilerplate_lines``, ``lead_in_<rule>``, ...).
"""

from __future__ import annotations

import functools
import importlib.resources
import logging
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from corpus.dates import parse_date_line, parse_datetime
from corpus.errors import ConfigError
from corpus.records import Article, RawRecord, canonical_json, stable_id
from corpus.stats import Stats

logger = logging.getLogger(__name__)

STAGE = "structure"

# Dash and space classes for lead-ins. Scrapes carry mojibake ("‚Äì" is an en dash read as Mac
# Roman, "¬†" a no-break space); the rules recognise those forms without repairing them.
_DASH = r"(?:-{1,2}|–|—|‚Äì|‚Äî)"
_SP = r"(?:\s|¬†)"

# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True, slots=True)
class Profile:
    """One publisher's rules, loaded from ``corpus/profiles/<name>.toml``."""

    name: str  # canonical display name, e.g. "SINDOnews"
    domains: tuple[str, ...]  # "sindonews.com" also matches "daerah.sindonews.com"
    markers: tuple[
        re.Pattern[str], ...
    ]  # text that identifies the site when URL and source are absent
    timezone: str | None  # offset assumed for a time given without zone
    lead_ins: tuple[re.Pattern[str], ...]  # site lead-ins; group "place" is the dateline
    not_datelines: frozenset[str]  # upper-case labels that are not places ("INFO NASIONAL")
    boilerplate: tuple[re.Pattern[str], ...]  # whole lines that are site furniture
    inline_boilerplate: tuple[re.Pattern[str], ...]  # furniture glued inside a paragraph
    tail_start: tuple[re.Pattern[str], ...]  # a line from which the rest of the page is footer
    author_suffix: tuple[re.Pattern[str], ...]  # removed from each author ("-detikOto")

    def matches_host(self, host: str) -> bool:
        """Whether a URL host belongs to this publisher."""
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def matches_source(self, source: str) -> bool:
        """Whether a ``source`` field value ("Kompas.com", "sindonews.com") names this publisher."""
        value = source.strip().lower()
        if value.startswith("www."):
            value = value[4:]
        if value == self.name.lower():
            return True
        return any(value == d or value == d.split(".", 1)[0] for d in self.domains)


_PROFILE_KEYS = frozenset(
    {
        "name",
        "domains",
        "markers",
        "timezone",
        "lead_ins",
        "not_datelines",
        "boilerplate",
        "inline_boilerplate",
        "tail_start",
        "author_suffix",
    }
)
_OFFSET = re.compile(r"^[+-](?:0\d|1[0-4]):[0-5]\d$")


def _strings(data: Mapping[str, Any], key: str, origin: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: {key!r} must be a list of strings")
    return tuple(value)


def _patterns(data: Mapping[str, Any], key: str, origin: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for source in _strings(data, key, origin):
        expanded = source.replace("{DASH}", _DASH).replace("{SP}", _SP)
        try:
            compiled.append(re.compile(expanded))
        except re.error as exc:
            raise ConfigError(
                f"{origin}: {key} pattern {source!r} is not a valid regex: {exc}"
            ) from None
    return tuple(compiled)


def parse_profile(text: str, origin: str = "<profile>") -> Profile:
    """A Profile from the text of a profile TOML file; a malformed file is a ConfigError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    unknown = set(data) - _PROFILE_KEYS
    if unknown:
        raise ConfigError(
            f"{origin}: unknown key(s) {sorted(unknown)}; known: {sorted(_PROFILE_KEYS)}"
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{origin}: 'name' must be a non-empty string")
    timezone = data.get("timezone")
    if timezone is not None and (not isinstance(timezone, str) or not _OFFSET.match(timezone)):
        raise ConfigError(
            f"{origin}: 'timezone' must be an offset like \"+07:00\", got {timezone!r}"
        )
    lead_ins = _patterns(data, "lead_ins", origin)
    for pattern in lead_ins:
        if "place" not in pattern.groupindex:
            raise ConfigError(f"{origin}: lead_in {pattern.pattern!r} needs a (?P<place>...) group")
    return Profile(
        name=name,
        domains=tuple(d.lower() for d in _strings(data, "domains", origin)),
        markers=_patterns(data, "markers", origin),
        timezone=timezone,
        lead_ins=lead_ins,
        not_datelines=frozenset(_strings(data, "not_datelines", origin)),
        boilerplate=_patterns(data, "boilerplate", origin),
        inline_boilerplate=_patterns(data, "inline_boilerplate", origin),
        tail_start=_patterns(data, "tail_start", origin),
        author_suffix=_patterns(data, "author_suffix", origin),
    )


@functools.cache
def load_profiles() -> tuple[Profile, ...]:
    """The publisher profiles shipped in ``corpus/profiles``, in file-name order."""
    folder = importlib.resources.files("corpus").joinpath("profiles")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    return tuple(parse_profile(f.read_text(encoding="utf-8"), f"profiles/{f.name}") for f in files)


# --------------------------------------------------------------------------- generic rules

# Whole lines that are page furniture on any site, by name (the name says why it is not body).
GENERIC_BOILERPLATE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("read_more", re.compile(r"^(?:Baca|Lihat)\s+[Jj]uga\s*(?::.*)?$|^(?:BACA|LIHAT) JUGA\b.*$")),
    ("advertisement", re.compile(r"^(?:Advertisement|ADVERTISEMENT)$")),
    ("scroll_prompt", re.compile(r"^SCROLL TO CONTINUE WITH CONTENT$", re.IGNORECASE)),
    ("embed_placeholder", re.compile(r"^\[Gambas:[^\]]*\]$")),
    (
        "video_promo",
        re.compile(r"^(?:Simak|Lihat|Tonton|Saksikan)(?:\s+juga)?\s+[Vv]ideo\b.{0,250}$"),
    ),
    ("syndication", re.compile(r"^Artikel ini (?:telah|sudah|pertama kali|lebih dulu)\b.{0,250}$")),
    (
        "continue_prompt",
        re.compile(
            r"^(?:Baca|Simak)(?:\s+berita)?\s+selengkapnya"
            r"(?:\s*(?:di|pada|melalui|dalam)\b.{0,60})?[.!:]?$"
        ),
    ),
    (
        "channel_prompt",
        re.compile(
            r"^(?:Ikuti|Follow|Gabung|Bergabung(?:lah)?|Simak|Dapatkan|Klik|Yuk)\b.{0,250}"
            r"\b(?:WhatsApp|Google News|Telegram)\b.{0,150}$",
            re.IGNORECASE,
        ),
    ),
    ("social_embed", re.compile(r"^(?:A post shared by|View this post on Instagram)\b.*$")),
    (
        "credit_line",
        re.compile(r"^(?:Editor|Penulis|Reporter|Pewarta|Redaktur|Penyunting)\s*:\s*\S.{0,60}$"),
    ),
)

# Fragments inside a paragraph that are furniture: removed and kept in ``boilerplate``. Each comes
# with a substring it needs, checked first because most paragraphs have none.
GENERIC_INLINE_BOILERPLATE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("uga", re.compile(r"\s*\((?:Baca|Lihat)\s+[Jj]uga\s*:[^()]*\)")),  # "(Baca juga: <headline>)"
    # a bracket whose link text the scraper removed, closing a paragraph: "(,: ,)"
    (")", re.compile(r"\s*\((?:[\s,.:;]|¬†)*\)\s*$")),
)

_NOT_DATELINES = frozenset({"INFO", "FOTO", "VIDEO", "ADVERTORIAL", "BREAKING NEWS", "HEADLINE"})

# "SEOUL - ", "JAKARTA- ", "MIAMI– ", "NEW DELHI- ", and glued "JAKARTA-Pemerintah" (one word
# only: "PS TIRA-Persikabo" is a club; never "TEKA-TEKI", whose dash joins two capitals).
_CAPS_DATELINE = re.compile(
    rf"^(?:(?P<place>[A-Z][A-Z'’.]+(?: [A-Z][A-Z'’.]+){{0,2}})(?:{_SP}*{_DASH}{_SP}+|{_SP}+{_DASH}{_SP}*)"
    rf"|(?P<glued>[A-Z][A-Z'’.]{{2,}}){_DASH}(?=[A-Z][a-z]|[\"“‘']))"
)
# An upper-case "place" that is an outlet's domain ("TRIBUNNEWS.COM - "): a lead-in, no dateline.
_OUTLET_PLACE = re.compile(r"\.(?:COM|CO|ID|NET)\b", re.IGNORECASE)
# A lead-in whose publisher and place were links the scraper dropped: " , - ", ", , -¬†", "‚Äì",
# sometimes doubled (", , -¬†,, ,-¬†") or behind a rule ("-----------, - ").
_LOST_LEAD_IN = re.compile(rf"^(?:(?:{_SP}|,)*(?:-+|–|—|‚Äì|‚Äî))+(?:(?:{_SP}|,)+|(?=[A-Z\"“‘'(]))")
_LEADING_JUNK = re.compile(r"^(?:[\s,]|¬†)+")
_JUNK_CHARS = " ,\t\n\r\xa0\u3000"
_JUNK_SUFFIXES = ("¬†", "_x000D_")  # mojibake no-break space; an escaped CR from xlsx

# Paragraphs joined by "," after sentence-final punctuation (then optionally a closing quote and a
# bracket such as "(esn)" or "(Baca juga: ...)"), but not a comma that closes a quotation
# ('"Ibu ada keluhan apa?," tanya dokter') nor one after an initial ("B.J.,"). A colon directly
# before the comma ("Simak video ...:,") ended a prompt whose embed was dropped.
_COMMA_JOIN = re.compile(
    r"(?=[.!?:])((?:[!?]|(?<!\b[A-Z])\.)(?:[\"”’']|‚Äù|‚Äô)?(?:\s*\([^()]{0,200}\))?|(?<=\w):(?:\s|¬†)*)"
    r"[ \xa0]?,(?=\S)(?![\"”’]\s|‚Äù\s|‚Äô\s)"
)
# "Baca juga:,,Ia pun ...", "Baca selengkapnya di , , Kesehatan ...": a prompt whose link was
# dropped, glued to the next paragraph; the prompt is split off and the paragraph kept
_COMMA_PROMPT = re.compile(
    r"^((?:Baca|Lihat)\s+[Jj]uga\s*:|(?:Baca|Lihat)\s+[Jj]uga(?=\s*,)"
    r"|(?:Baca|Simak)(?:\s+berita)?\s+selengkapnya(?:\s+di(?:\s*sini)?)?(?=\s*,))[\s,]*"
)

# Editor credit closing the body: "(esn)", "(cr30/tribun-medan.com)", "(hp/ts)", "(Andi Pratama )".
_CREDIT = (
    r"\(\s*(?P<credit>[a-z]{2,5}\d{0,3}(?:\s*/\s*[A-Za-z0-9][\w.\-]*){0,3}"
    r"|[A-Za-z][a-z]+(?:\s+[A-Za-z][a-z]+){1,3})\s*\)"
)
_CREDIT_LINE = re.compile(rf"^{_CREDIT}$")
_CREDIT_END = re.compile(rf"(?<=[.!?\"”’])\s*{_CREDIT}$")
_NOT_CREDIT_WORDS = frozenset(
    {"foto", "ilustrasi", "video", "bersambung", "tamat", "selesai", "dok", "sumber", "gambar"}
)
_INITIALS = re.compile(r"^[a-z]{2,5}\d{0,3}$")
_ADVERTORIAL = re.compile(r"(?:^|(?<=[.!?\"”’])\s*)\(\s*[Aa]dv\s*\)$")  # advertorial label

_DAYS_MONTHS = (
    "Senin Selasa Rabu Kamis Jumat Sabtu Minggu Ahad Januari Februari Maret April Mei Juni Juli"
    " Agustus September Oktober November Desember"
)
_NOT_OUTLET = frozenset(
    (
        _DAYS_MONTHS + " Presiden Wakil Menteri Ketua Kepala Direktur Gubernur Bupati Wali Juru"
        " Sekretaris Kapolri Kapolda Kapolres Pak Bu Ibu Bapak Dr Prof Seperti Dari"
    ).split()
)
# "seperti dikutip dari Yonhap", "dilansir dari CNN International", "mengutip Antara"
_CITED = re.compile(
    r"\b(?:[Dd]ikutip|[Dd]ilansir|[Mm]engutip|[Mm]elansir)(?:\s+dari)?"
    r"(?:\s+(?:laman|situs|media|kantor berita|akun|portal|laporan|surat kabar|harian|majalah))?"
    r"\s*(?P<src>[A-Z][\w.&'’-]*(?:\s+(?:of\s+)?[A-Z][\w.&'’-]*){0,3})"
)

_NYA = re.compile(r"-nya$")  # "akun Twitter-nya": the possessive is not part of the name
_URL_DATE = re.compile(r"/(20\d{2})/(\d{2})/(\d{2})/")
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;]|\s&\s|\sdan\s)\s*")
_NAME_LIKE = re.compile(r"^[^\W\d_][\w.'’()-]*(?: [\w.'’()-]+){0,5}$")
_SENTENCE_END = (".", "!", "?", '"', "”", "’", ":", ";", ",")


# --------------------------------------------------------------------------- the stage


@dataclass(frozen=True, slots=True)
class _Outcome:
    article: Article
    notes: Counter[str]  # rule outcomes, counted into Stats by run()


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _words(text: str) -> int:
    return len(text.split())


def _rstrip_junk(text: str) -> str:
    # a loop, not a regex anchored at $: that would be retried from every space in the text
    while True:
        stripped = text.rstrip(_JUNK_CHARS)
        for suffix in _JUNK_SUFFIXES:
            stripped = stripped.removesuffix(suffix)
        if stripped == text:
            return text
        text = stripped


def _split_paragraphs(text: str) -> tuple[list[str], bool, bool]:
    """(paragraphs, first line followed by a blank line, paragraphs were comma-joined)."""
    text = _rstrip_junk(text.replace("\r\n", "\n").replace("\r", "\n"))
    if "\n" in text.strip():
        lines = text.split("\n")
        paragraphs = [s for s in (line.strip() for line in lines) if s]
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        blank_after_first = first + 1 < len(lines) and not lines[first + 1].strip()
        return paragraphs, blank_after_first, False
    text = text.strip()
    pieces = _COMMA_JOIN.split(text)
    if len(pieces) == 1:
        return ([text] if text else []), False, False
    paragraphs = []
    for k in range(0, len(pieces), 2):
        piece = pieces[k] + (pieces[k + 1] if k + 1 < len(pieces) else "")
        piece = _LEADING_JUNK.sub("", piece) if k else piece  # the first keeps its lead-in
        while (match := _COMMA_PROMPT.match(piece)) is not None:
            paragraphs.append(match.group(1))
            piece = piece[match.end() :]
        if piece.strip():
            paragraphs.append(piece.strip())
    return paragraphs, False, True


def _publisher(
    fields: Mapping[str, Any], text: str, profiles: Sequence[Profile]
) -> tuple[Profile | None, str | None, str]:
    """(profile, publisher name, how it was found)."""
    url = _text(fields.get("url"))
    host = (urlsplit(url).hostname or "") if url else ""
    if host:
        for profile in profiles:
            if profile.matches_host(host):
                return profile, profile.name, "url"
    source = _text(fields.get("source"))
    if source:
        for profile in profiles:
            if profile.matches_source(source):
                return profile, profile.name, "source"
    hits = [p for p in profiles if any(m.search(text) for m in p.markers)]
    if len(hits) == 1:  # several sites' markers: say nothing rather than guess
        return hits[0], hits[0].name, "marker"
    fallback = source or (host.removeprefix("www.") if host else None)
    return None, fallback, "unknown"


def _boilerplate_rule(line: str, profile: Profile | None) -> str | None:
    if not any(ch.isalnum() for ch in line):
        return "separator"  # "***", "--------": nothing to read
    for name, pattern in GENERIC_BOILERPLATE:
        if pattern.match(line):
            return name
    if profile is not None:
        for pattern in profile.boilerplate:
            if pattern.match(line):
                return "profile"
    return None


def _strip_inline(paragraph: str, profile: Profile | None) -> tuple[str, list[str]]:
    removed: list[str] = []
    patterns = [p for needle, p in GENERIC_INLINE_BOILERPLATE if needle in paragraph]
    patterns.extend(profile.inline_boilerplate if profile else ())
    for pattern in patterns:
        if pattern.search(paragraph):
            removed.extend(m.group(0).strip() for m in pattern.finditer(paragraph))
            paragraph = pattern.sub("", paragraph).strip()
    return paragraph, removed


def _is_headline(line: str) -> bool:
    return (
        2 <= _words(line) <= 30
        and len(line) <= 250
        and not line.endswith((".", ",", ";", ":"))
        and _boilerplate_rule(line, None) is None
        and parse_date_line(line) is None
    )


def _is_caption(line: str, profile: Profile | None) -> bool:
    return (
        _words(line) <= 12
        and len(line) <= 100
        and not line.endswith(_SENTENCE_END)
        and _boilerplate_rule(line, profile) is None
        and _lead_in(line, profile)[2] == "none"
    )


def _tail_start(paragraphs: Sequence[str], start: int, profile: Profile | None) -> int | None:
    """Index of the profile's footer start, if every line from there on looks like footer."""
    if profile is None or not profile.tail_start:
        return None
    for i in range(start + 1, len(paragraphs)):
        if any(p.match(paragraphs[i]) for p in profile.tail_start):
            # a long paragraph after the marker means it was not the footer: keep everything
            if all(_words(line) < 30 for line in paragraphs[i + 1 :]):
                return i
            return None
    return None


def _lead_in(paragraph: str, profile: Profile | None) -> tuple[str, str | None, str]:
    """(paragraph without its lead-in, dateline, which rule matched)."""
    not_places = _NOT_DATELINES | (profile.not_datelines if profile else frozenset())
    for pattern in profile.lead_ins if profile else ():
        match = pattern.match(paragraph)
        if match:
            place = (match.group("place") or "").strip(" ,.") or None
            return paragraph[match.end() :].strip(), place, "profile"
    match = _CAPS_DATELINE.match(paragraph)
    if match:
        place = (match.group("place") or match.group("glued")).strip(" .")
        if _OUTLET_PLACE.search(place):
            return paragraph[match.end() :].strip(), None, "outlet_lead_in"
        if sum(ch.isalpha() for ch in place) >= 3 and place not in not_places:
            return paragraph[match.end() :].strip(), place, "caps_dateline"
    match = _LOST_LEAD_IN.match(paragraph)
    if match and paragraph[match.end() :].strip():
        return paragraph[match.end() :].strip(), None, "lost_lead_in"
    cleaned = _LEADING_JUNK.sub("", paragraph)
    return cleaned, None, ("leading_junk" if cleaned != paragraph else "none")


def _credit(credit: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(editor initials or name, credited outlets) of a trailing "(...)" credit, or None."""
    credit = " ".join(credit.split())
    if any(word.lower() in _NOT_CREDIT_WORDS for word in credit.split()):
        return None
    if "/" not in credit:
        return (credit,), ()
    parts = [p.strip() for p in credit.split("/") if p.strip()]
    initials = tuple(p for p in parts if _INITIALS.match(p))
    outlets = tuple(p for p in parts if "." in p)
    return initials, outlets


def _trailer(body: list[str]) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """Editor credit and advertorial label closing the body: (initials, outlets, removed)."""
    if not body:
        return (), (), []
    last = body[-1]
    advertorial = _ADVERTORIAL.search(last)
    if advertorial:
        body[-1] = last[: advertorial.start()].strip()
        if not body[-1]:
            body.pop()
        return (), (), [advertorial.group(0).strip()]
    match = _CREDIT_LINE.match(last) or _CREDIT_END.search(last)
    if match is None:
        return (), (), []
    credit = _credit(match.group("credit"))
    if credit is None:
        return (), (), []
    body[-1] = last[: match.start()].strip()
    if not body[-1]:
        body.pop()
    return credit[0], credit[1], []


def _cited_sources(body: Iterable[str]) -> list[str]:
    found: list[str] = []
    for paragraph in body:
        if "utip" not in paragraph and "lansir" not in paragraph:
            continue  # cheaper than the regex; "utip" is in both "dikutip" and "mengutip"
        for match in _CITED.finditer(paragraph):
            words = []
            for word in match.group("src").split():
                if word.strip(".,") in _NOT_OUTLET:
                    break
                words.append(word)
            name = _NYA.sub("", " ".join(words)).rstrip(".,:;'’-")
            if name and words[0].strip(".,") not in _NOT_OUTLET:
                found.append(name)
    return found


def _authors(value: Any, profile: Profile | None) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            continue
        name = item.strip()
        for suffix in profile.author_suffix if profile else ():
            name = suffix.sub("", name).strip() or name
        parts = [p.strip() for p in _AUTHOR_SPLIT.split(name)]
        # split "A, B" / "A dan B" only when every part reads as a name on its own
        if len(parts) > 1 and all(p and _NAME_LIKE.match(p) for p in parts):
            out.extend(parts)
        else:
            out.append(name)
    return tuple(dict.fromkeys(out))


def _url_date(url: str | None) -> str | None:
    match = _URL_DATE.search(url or "")
    return "-".join(match.groups()) if match else None


def _published(
    fields: Mapping[str, Any], date_line: str | None, url: str | None, offset: str | None
) -> tuple[str | None, Counter[str]]:
    notes: Counter[str] = Counter()
    raw = _text(fields.get("published"))
    value = None
    if raw is not None:
        value = parse_datetime(raw, _text(fields.get("published_time")), default_offset=offset)
    if value is None and raw is not None:
        notes["published_field_unparsed"] += 1
        logger.debug("unparsed date %r", raw)
    if value is None and date_line is not None:
        value = parse_datetime(date_line, default_offset=offset)
        notes["published_at_from_text"] += value is not None
    if value is None:
        notes["published_at_unparsed" if raw or date_line else "published_at_missing"] += 1
        return None, notes
    # A spreadsheet that read "10/09/2019" month first stored 2019-10-09; the URL's date path
    # (/2019/09/10/) shows the day and month swapped. Only an exact swap is corrected.
    in_url = _url_date(url)
    year, month, day = value[:4], value[5:7], value[8:10]
    if in_url and in_url != value[:10] and in_url == f"{year}-{day}-{month}":
        value = in_url + value[10:]
        notes["published_at_dmy_swapped"] += 1
    notes["published_at_parsed"] += 1
    if len(value) == 10:
        notes["published_at_date_only"] += 1
    return value, notes


def _structure(record: RawRecord, profiles: Sequence[Profile]) -> _Outcome:
    fields = record.fields
    text = fields["text"]
    notes: Counter[str] = Counter()
    profile, publisher, found_by = _publisher(fields, text, profiles)
    notes[f"publisher_from_{found_by}"] += 1
    offset = profile.timezone if profile else None
    paragraphs, blank_after_first, comma_joined = _split_paragraphs(text)
    notes["comma_joined"] += comma_joined

    # header: title (when the record has none), date line, captions
    start = 0
    title = _text(fields.get("title"))
    if (
        title is None
        and len(paragraphs) > 1
        and _is_headline(paragraphs[0])
        and (blank_after_first or parse_date_line(paragraphs[1]) is not None)
    ):
        title, start = paragraphs[0], 1
        notes["title_from_text"] += 1
    date_line = None
    captions: list[str] = []
    if start < len(paragraphs) and parse_date_line(paragraphs[start]) is not None:
        date_line, start = paragraphs[start], start + 1
        while start < len(paragraphs) - 1 and _is_caption(paragraphs[start], profile):
            captions.append(paragraphs[start])
            start += 1

    # boilerplate, kept in document order
    boilerplate: list[str] = []
    end = len(paragraphs)
    tail = _tail_start(paragraphs, start, profile)
    if tail is not None:
        end = tail
        notes["tail_cut"] += 1
    body: list[str] = []
    for paragraph in paragraphs[start:end]:
        if _boilerplate_rule(paragraph, profile) is not None:
            boilerplate.append(paragraph)
            continue
        paragraph, removed = _strip_inline(paragraph, profile)
        boilerplate.extend(removed)
        if paragraph:
            body.append(paragraph)
    boilerplate_tail = paragraphs[end:]

    # lead-in and dateline
    dateline = None
    if body:
        first, dateline, rule = _lead_in(body[0], profile)
        notes[f"lead_in_{rule}"] += rule != "none"
        if first:
            body[0] = first
        else:
            body.pop(0)

    editor_initials, outlets, removed = _trailer(body)
    boilerplate.extend(removed)
    boilerplate.extend(boilerplate_tail)
    cited = tuple(dict.fromkeys([*_cited_sources(body), *outlets]))

    published_at, date_notes = _published(fields, date_line, _text(fields.get("url")), offset)
    notes.update(date_notes)
    body_text = "\n\n".join(body)
    notes["dateline"] += dateline is not None
    notes["editor_initials"] += bool(editor_initials)
    notes["captions"] += bool(captions)
    notes["cited_sources"] += bool(cited)
    notes["boilerplate_lines"] += len(boilerplate)
    notes["body_empty"] += not body_text
    article = Article(
        id=stable_id(dict(fields)),
        url=_text(fields.get("url")),
        publisher=publisher,
        title=title,
        published_at=published_at,
        dateline=dateline,
        authors=_authors(fields.get("author"), profile),
        editor_initials=editor_initials,
        cited_sources=cited,
        captions=tuple(captions),
        category=_text(fields.get("category")),
        text=body_text,
        boilerplate=tuple(boilerplate),
        language=None,
        language_score=None,
        n_words=_words(body_text),
        extra=canonical_json(dict(record.extra)),
        source=record.provenance,
    )
    return _Outcome(article, +notes)


def structure(record: RawRecord) -> Article:
    """Split one raw record into body, boilerplate and metadata (pure, deterministic)."""
    return _structure(record, load_profiles()).article


def run(records: Iterable[RawRecord], stats: Stats) -> Iterator[Article]:
    """Structure every record, counting rule outcomes under ``structure/<name>``."""
    profiles = load_profiles()
    for record in records:
        outcome = _structure(record, profiles)
        stats.count(STAGE, "articles")
        for name, n in sorted(outcome.notes.items()):
            stats.count(STAGE, name, n)
        yield outcome.article


__all__ = [
    "GENERIC_BOILERPLATE",
    "GENERIC_INLINE_BOILERPLATE",
    "STAGE",
    "Profile",
    "load_profiles",
    "parse_profile",
    "run",
    "structure",
]
