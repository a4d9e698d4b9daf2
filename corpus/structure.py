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

from corpus.boilerplate import RuleSet, load_rules
from corpus.config import Config
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
    # the author column lists the editor last ("Writer, Editor" on kompas.com)
    author_column_editor_last: bool = False
    # the body closes with reporters or sources in capitals ("ANDITA RAHMA | FRISKI RIANA")
    caps_credit: bool = False

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
        "author_column_editor_last",
        "caps_credit",
    }
)
_OFFSET = re.compile(r"^[+-](?:0\d|1[0-4]):[0-5]\d$")


def _strings(data: Mapping[str, Any], key: str, origin: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: {key!r} must be a list of strings")
    return tuple(value)


def _flag(data: Mapping[str, Any], key: str, origin: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{origin}: {key!r} must be true or false")
    return value


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
        author_column_editor_last=_flag(data, "author_column_editor_last", origin),
        caps_credit=_flag(data, "caps_credit", origin),
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
    # "Artikel ini telah diubah pada Jumat 20 September 2019, Pukul 21.05 WIB, untuk ...": an
    # editor's note; its time is ``updated_at``
    (
        "correction_note",
        re.compile(
            r"^(?:Artikel|Berita) ini (?:telah |sudah )?(?:diubah|diperbarui|diperbaharui|diralat"
            r"|dikoreksi|mengalami perubahan)\b.{0,300}$"
        ),
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
        re.compile(
            r"^(?:Editor|Penulis|Reporter|Pewarta|Redaktur|Penyunting|Wartawan|Rep|Red)\s*:\s*\S.{0,60}$",
            re.IGNORECASE,
        ),
    ),
    # "Laporan Wartawan Tribunnews.com, Danang Triatmojo": the byline (its name goes to authors)
    (
        "byline",
        re.compile(
            r"^Laporan\s+(?:Wartawan|Reporter|Koresponden|Kontributor)\b[^,]{0,60},\s*\S.{0,60}$",
            re.IGNORECASE,
        ),
    ),
    # "sumber : Antara", "Sumber: Reuters, AFP" closing a body (the outlets go to cited_sources)
    ("source_credit", re.compile(r"^(?:Sumber|SUMBER|sumber)\s*:\s*[A-Z][\w.&' ,/-]{1,60}$")),
)
# the name in a credit or byline line that goes to ``authors``
_BYLINE_AUTHOR = re.compile(
    r"^(?:(?:Penulis|Reporter|Pewarta|Wartawan|Rep)\s*:\s*|Laporan\s+\w+\b[^,]{0,60},\s*)(?P<name>\S.*)$",
    re.IGNORECASE,
)
_SOURCE_CREDIT = re.compile(r"^(?:Sumber|SUMBER|sumber)\s*:\s*(?P<src>.+)$")
# "Artikel ini telah tayang di Kompas.com dengan judul ...": the outlet is ``syndicated_from``
_SYNDICATED = re.compile(
    r"\b(?:tayang|terbit|naik|dimuat|diterbitkan|dipublikasikan)\s+(?:di|pada|dalam)\s*"
    r"(?![Bb]ahasa\b)(?P<outlet>[A-Za-z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2}?)(?=\s+dengan\b|\s*[,:;(]|\.?\s*$|\.\s)"
)

# Fragments inside a paragraph that are furniture: removed and kept in ``boilerplate``. Each comes
# with its rule name and a substring it needs, checked first because most paragraphs have none.
GENERIC_INLINE_BOILERPLATE: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    # "(Baca juga: <headline>)"
    ("inline_read_more", "uga", re.compile(r"\s*\((?:Baca|Lihat)\s+[Jj]uga\s*:[^()]*\)")),
    # a bracket whose link text the scraper removed, closing a paragraph: "(,: ,)"
    ("empty_link", ")", re.compile(r"\s*\((?:[\s,.:;]|¬†)*\)\s*$")),
    # a source credit glued to the end of the last sentence: "...nasional.sumber : Antara"
    (
        "source_credit",
        "umber",
        re.compile(r"(?<=[.!?\"”’])\s*(?:[Ss]umber|SUMBER)\s*:\s*[A-Z][\w.&' /-]{1,40}$"),
    ),
)

# A read-more prompt glued inside a paragraph: "...lalu.Baca juga: KPK Lelang AsetBerdasarkan ...",
# "...kepolisian.Baca JugaTertimbun Longsor, ...DievakuasiIni Kronologi ...Adapun kedua korban".
# It must follow a sentence end, a comma or a glued word (never a mid-sentence "lihat juga").
_INLINE_PROMPT = re.compile(
    r"(?:^|(?<=[.!?,;\"”’')\]])|(?<=[a-z0-9]))[ \xa0]*"
    r"(?:Baca|BACA|Lihat|LIHAT)[ \xa0]+(?:[Jj]uga|JUGA)(?:[ \xa0]*[:;])?[ \xa0,]*"
)
# Where one glued headline ends and the next text starts: a lower-case word of 4+ letters (or a
# digit, "!", "?") directly followed by a capitalized word or an opening quote ("TikusAdapun").
_GLUE = re.compile(r"(?:(?<=[a-z]{4})|(?<=[0-9!?]))(?=[A-Z][a-z]|[\"“‘])")
_LEADING_PROMPT = re.compile(r"^(?:Baca|BACA|Lihat|LIHAT)[ \xa0]*(?:[Jj]uga|JUGA)")
_TITLE_SMALL_WORDS = frozenset(
    [
        "di",
        "ke",
        "dari",
        "dan",
        "atau",
        "yang",
        "untuk",
        "dengan",
        "pada",
        "ini",
        "itu",
        "vs",
        "jadi",
        "usai",
        "soal",
        "bagi",
        "dalam",
        "oleh",
        "akan",
        "saat",
        "hingga",
        "sebagai",
        "tak",
        "tidak",
        "baru",
        "lagi",
        "juga",
        "si",
        "sang",
        "para",
        "kian",
        "makin",
        "bisa",
        "jelang",
        "the",
        "of",
        "and",
        "in",
        "to",
        "a",
        "for",
        "on",
        "at",
        "by",
    ]
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
# Also "(Tribunnews.com/Danang Triatmojo)": the outlet, then the reporter's name.
_CREDIT = (
    r"\(\s*(?P<credit>[a-z]{2,5}\d{0,3}(?:\s*/\s*[A-Za-z0-9][\w.\-]*){0,3}"
    r"|[A-Za-z][a-z]+(?:\s+[A-Za-z][a-z]+){1,3}"
    r"|[A-Z][\w-]*\.(?:com|co\.id|id)\s*/\s*[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*){0,3})\s*\)"
)
_CREDIT_LINE = re.compile(rf"^{_CREDIT}$")
_CREDIT_END = re.compile(rf"(?<=[.!?\"”’])\s*{_CREDIT}$")
_NOT_CREDIT_WORDS = frozenset(
    {"foto", "ilustrasi", "video", "bersambung", "tamat", "selesai", "dok", "sumber", "gambar"}
)
_NAME_WITH_INITIAL = re.compile(r"^[A-Z][a-z]+(?: [A-Z]\.?)+$|^(?:[A-Z]\. ?)+[A-Z][a-z]+")
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
# an outlet or a team in the author column ("Tempo.co", "Tim Kompas.com", "Redaksi"), no person
_NOT_A_PERSON = re.compile(
    r"^(?:(?:Tim|Team)\s+\S.*|Redaksi|Admin|[\w-]+\.(?:com|co|id|net|co\.id)(?:\s+\w+)?)$",
    re.IGNORECASE,
)
# Reporters' names (or sources) in capitals closing a tempo body: "ANDITA RAHMA | FRISKI RIANA"
# words that make a capitalized credit an outlet, not a person ("DAILY MAIL", "LIVE SCIENCE")
_OUTLET_WORDS = frozenset(
    {
        "THE",
        "TIMES",
        "POST",
        "MAIL",
        "NEWS",
        "DAILY",
        "HERALD",
        "JOURNAL",
        "TODAY",
        "TV",
        "PRESS",
        "REUTERS",
        "INDONESIA",
        "LIGA",
        "ARENA",
        "MAGAZINE",
        "WEEKLY",
        "TRIBUNE",
        "GAZETTE",
        "GUARDIAN",
        "AGENCY",
        "MEDIA",
        "ONLINE",
        "DIGITAL",
        "CHANNEL",
        "NETWORK",
        "SCIENCE",
        "LETTERS",
        "REVIEW",
        "SCENE",
        "ROOM",
        "WIRE",
        "INSIDER",
    }
)
_CAPS_NAME = r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}"
_CAPS_CREDIT_LINE = re.compile(rf"^(?P<names>{_CAPS_NAME}(?:\s*\|\s*{_CAPS_NAME})*)$")
_CAPS_CREDIT_END = re.compile(
    rf"(?<=[.!?\"”’])[\s,]+(?P<names>{_CAPS_NAME}(?:\s*\|\s*{_CAPS_NAME})+)$"
)
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


@functools.lru_cache(maxsize=4096)
def _shipped_profile_for_host(host: str) -> Profile | None:
    return next((p for p in load_profiles() if p.matches_host(host)), None)


def _publisher(
    fields: Mapping[str, Any], text: str, profiles: Sequence[Profile]
) -> tuple[Profile | None, str | None, str]:
    """(profile, publisher name, how it was found)."""
    url = _text(fields.get("url"))
    host = (urlsplit(url).hostname or "") if url else ""
    if host:
        if profiles is load_profiles():
            profile = _shipped_profile_for_host(host)
        else:
            profile = next((p for p in profiles if p.matches_host(host)), None)
        if profile is not None:
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
                return f"profile:{profile.name}"
    return None


def _title_like(segment: str) -> bool:
    """A glued related-article headline: short, no sentence break, every main word capitalized."""
    words = segment.split()
    if not 1 <= len(words) <= 20 or ". " in segment:
        return False
    for word in words:
        first = word.lstrip("\"“‘'(")[:1]
        if first.isalpha() and not first.isupper() and word.lower() not in _TITLE_SMALL_WORDS:
            return False
    return True


def _strip_read_more(paragraph: str) -> tuple[str, list[str]]:
    """Cut glued "Baca juga: <headline>..." prompts out of a paragraph, keeping both sides."""
    removed: list[str] = []
    pos = 0
    while (match := _INLINE_PROMPT.search(paragraph, pos)) is not None:
        if match.end() == len(paragraph) or paragraph[match.end()] == ",":
            end = match.end()  # the link was dropped: the prompt alone
        else:
            # headlines run from one glue point to the next; the first is always a headline when
            # it is headline-like, later ones only while they are; body text resumes after them
            end = match.end()
            for k, glue in enumerate(_iter_glue(paragraph, match.end())):
                if not _title_like(paragraph[end:glue]):
                    if k == 0:
                        end = -1
                    break
                end = glue
            else:
                tail = paragraph[end:]
                if _title_like(tail) and not tail.rstrip().endswith((".", ":")):
                    end = len(paragraph)
                elif end == match.end():
                    end = -1
            if end < 0:
                # no headline found: a prompt only when it says so ("Baca juga:") or is glued
                # to the next word; "Baca juga buku panduan ..." is a sentence
                prompt = match.group(0).rstrip(" \xa0,")
                glued = not match.group(0)[-1:].isspace()
                end = match.end() if prompt.endswith((":", ";")) or glued else -1
            if end < 0:
                pos = match.end()
                continue
        fragment = paragraph[match.start() : end].strip(" \xa0,")
        if not fragment:
            pos = match.end()
            continue
        removed.append(fragment)
        before = paragraph[: match.start()].rstrip(" \xa0,")
        after = paragraph[end:].lstrip(" \xa0,")
        joiner = " " if before and after else ""
        paragraph = before + joiner + after
        pos = len(before)
    return paragraph.strip(), removed


def _iter_glue(paragraph: str, start: int) -> Iterator[int]:
    for glue in _GLUE.finditer(paragraph, start + 1):
        yield glue.start()


def _strip_inline(paragraph: str, profile: Profile | None) -> tuple[str, list[tuple[str, str]]]:
    removed: list[tuple[str, str]] = []
    rules = [(name, p) for name, needle, p in GENERIC_INLINE_BOILERPLATE if needle in paragraph]
    if profile is not None:
        rules.extend((f"profile_inline:{profile.name}", p) for p in profile.inline_boilerplate)
    for name, pattern in rules:
        if pattern.search(paragraph):
            removed.extend((m.group(0).strip(), name) for m in pattern.finditer(paragraph))
            paragraph = pattern.sub("", paragraph).strip()
    if "Baca" in paragraph or "Lihat" in paragraph or "BACA" in paragraph or "LIHAT" in paragraph:
        paragraph, prompts = _strip_read_more(paragraph)
        removed.extend((p, "inline_read_more") for p in prompts)
    return paragraph, removed


def _holds_title(line: str, title: str) -> bool:
    """Whether a first line is the headline: the title, or the title behind a short kicker."""
    line_n, title_n = " ".join(line.split()).casefold(), " ".join(title.split()).casefold()
    return line_n == title_n or (
        len(line) <= 250 and line_n.endswith(title_n) and len(line_n) - len(title_n) <= 30
    )


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
    outlets = tuple(p for p in parts if "." in p and not _NAME_WITH_INITIAL.match(p))
    names = tuple(p for p in parts if p not in initials and p not in outlets)
    return initials + names, outlets


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


def _name_case(name: str) -> str:
    """ "FIKRI ARIGI" -> "Fikri Arigi"; initials stay ("KARANA WW" -> "Karana WW")."""
    return " ".join(
        w if len(w) <= 3 and not set(w.lower()) & set("aeiou") else w.title() for w in name.split()
    )


def _caps_credit(body: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Reporters or sources in capitals closing the body: (authors, sources, removed).

    A part of two or more words is a person ("ANDITA RAHMA" -> "Andita Rahma"), a one-word part
    an outlet ("LIVEMINT", "ANTARA"). A credit line never is the whole body.
    """
    if not body:
        return [], [], []
    last = body[-1]
    match = _CAPS_CREDIT_LINE.match(last)
    if match is not None and "|" not in last and (len(body) < 2 or len(last.split()) > 4):
        match = None
    if match is None:
        match = _CAPS_CREDIT_END.search(last)
    if match is None:
        return [], [], []
    parts = [p.strip() for p in match.group("names").split("|") if p.strip()]
    if any(w.lower().strip(".") in _NOT_CREDIT_WORDS for p in parts for w in p.split()):
        return [], [], []  # "BERSAMBUNG", "SELESAI": the story's own end mark
    body[-1] = last[: match.start()].strip() if match.start() else ""
    if not body[-1]:
        body.pop()
    is_person = [len(p.split()) >= 2 and not _OUTLET_WORDS & set(p.split()) for p in parts]
    people = [_name_case(p) for p, person in zip(parts, is_person, strict=True) if person]
    outlets = [p for p, person in zip(parts, is_person, strict=True) if not person]
    return people, outlets, [match.group("names")]


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


def _authors(value: Any, profile: Profile | None) -> tuple[tuple[str, ...], str | None]:
    """(authors, desk): a profile's author suffix may name the desk ("-detikFinance")."""
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    out: list[str] = []
    desk = None
    for item in items:
        if not isinstance(item, str) or not item.strip():
            continue
        name = item.strip()
        for suffix in profile.author_suffix if profile else ():
            match = suffix.search(name)
            if match is None:
                continue
            if "desk" in suffix.groupindex and match.group("desk") and desk is None:
                desk = match.group("desk")
            name = (name[: match.start()] + name[match.end() :]).strip() or name
        parts = [p.strip() for p in _AUTHOR_SPLIT.split(name)]
        # split "A, B" / "A dan B" only when every part reads as a name on its own
        if len(parts) > 1 and all(p and _NAME_LIKE.match(p) for p in parts):
            out.extend(parts)
        else:
            out.append(name)
    people = [name for name in out if not _NOT_A_PERSON.match(name)]
    if profile is not None and profile.author_column_editor_last and len(out) > 1:
        people = [name for name in out[:-1] if not _NOT_A_PERSON.match(name)]
    return tuple(dict.fromkeys(people)), desk


def _url_date(url: str | None) -> str | None:
    match = _URL_DATE.search(url or "")
    return "-".join(match.groups()) if match else None


_UPDATED = re.compile(r"\b(?:diperbarui|diupdate|update|updated|pembaruan)\b", re.IGNORECASE)


def _published(
    fields: Mapping[str, Any], date_line: str | None, url: str | None, offset: str | None
) -> tuple[str | None, str | None, Counter[str]]:
    """(published_at, updated_at, notes). A value marked "Diperbarui"/"Updated" is the update
    time; it is also ``published_at`` when the page gives no other time (liputan6)."""
    notes: Counter[str] = Counter()
    raw = _text(fields.get("published"))
    value = None
    if raw is not None:
        value = parse_datetime(raw, _text(fields.get("published_time")), default_offset=offset)
    source = raw if value is not None else date_line
    if value is None and raw is not None:
        notes["published_field_unparsed"] += 1
        logger.debug("unparsed date %r", raw)
    if value is None and date_line is not None:
        value = parse_datetime(date_line, default_offset=offset)
        notes["published_at_from_text"] += value is not None
    if value is None:
        notes["published_at_unparsed" if raw or date_line else "published_at_missing"] += 1
        return None, None, notes
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
    updated = value if source and _UPDATED.search(source) else None
    notes["updated_at"] += updated is not None
    return value, updated, notes


def _repeats(paragraphs: Sequence[str]) -> tuple[dict[int, str], dict[int, list[str]]]:
    """Paragraphs that repeat text the article already holds: ({index: rule}, residue).

    ``repeated_paragraph``: an exact repeat (8+ words; short list items may repeat on purpose) of
    an earlier paragraph. ``glued_repeat``: a paragraph that is other paragraphs of the article
    glued together (a page whose scraper emitted every nesting level, as republika's and
    okezone's did), found when two or more of them cover at least 70% of it. The text of a glued
    copy that no paragraph holds (a subheading, a glued "Baca juga") is its residue: returned as
    {index: pieces} to go in as paragraphs of their own before that index, where the normal rules
    judge them, so dropping the copy loses no body text.
    """
    drop: dict[int, str] = {}
    residue: dict[int, list[str]] = {}
    first: dict[str, int] = {}
    for i, paragraph in enumerate(paragraphs):
        if paragraph in first:
            if paragraph.count(" ") >= 7:
                drop[i] = "repeated_paragraph"
        else:
            first[paragraph] = i
    if len(paragraphs) < 3:
        return drop, residue
    for i, paragraph in enumerate(paragraphs):
        if len(paragraph) < 60 or i in drop:
            continue
        # a glued copy holds a neighbour (the scraper writes the levels next to each other);
        # checking that first keeps this linear in the number of paragraphs
        neighbours = [*paragraphs[max(i - 1, 0) : i], *paragraphs[i + 1 : i + 2]]
        if not any(30 <= len(n) < len(paragraph) and n in paragraph for n in neighbours):
            continue
        spans: list[tuple[int, int, int]] = []
        for j, other in enumerate(paragraphs):
            if j == i or j in drop or not 30 <= len(other) < len(paragraph):
                continue
            at = paragraph.find(other)
            if at >= 0:
                spans.append((at, at + len(other), j))
        if not spans:
            continue
        covered, reach = 0, 0
        gaps: list[tuple[str, int]] = []  # (uncovered text, index of the paragraph after it)
        for lo, hi, j in sorted(spans):
            if lo > reach:
                gaps.append((paragraph[reach:lo], j))
            lo = max(lo, reach)
            if hi > lo:
                covered += hi - lo
                reach = hi
        if covered < 0.7 * len(paragraph):
            continue
        if len(spans) >= 2:
            drop[i] = "glued_repeat"
            last = max(spans, key=lambda span: span[1])[2]
            gaps.append((paragraph[reach:], last + 1))
            for text, before in gaps:
                if sum(ch.isalnum() for ch in text) >= 3:
                    residue.setdefault(before, []).append(text.strip())
        else:
            # one paragraph inside another: drop the copy that is contained, so no text is lost
            drop[spans[0][2]] = "repeated_paragraph"
    return drop, residue


def _credited(line: str) -> list[str]:
    """Outlets of a "Sumber: Antara, Reuters" credit."""
    match = _SOURCE_CREDIT.match(line)
    if match is None:
        return []
    return [s.strip(" .") for s in re.split(r"[,/]| dan ", match["src"]) if s.strip(" .")]


def _byline_author(line: str) -> str | None:
    match = _BYLINE_AUTHOR.match(line)
    if match is None:
        return None
    name = match.group("name").strip(" .,")
    return name if _NAME_LIKE.match(name) else None


def _syndicated(lines: Iterable[str]) -> str | None:
    for line in lines:
        match = _SYNDICATED.search(line)
        if match:
            return match.group("outlet").rstrip(".")
    return None


def _structure(record: RawRecord, profiles: Sequence[Profile], rules: RuleSet) -> _Outcome:
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
    elif title is not None and len(paragraphs) > 1 and _holds_title(paragraphs[0], title):
        # the page's headline above the body (HTML pages): the title, not body; it may be the
        # fuller form ("In Picture: ..." where the meta title dropped the kicker)
        title, start = paragraphs[0], 1
        notes["title_in_text"] += 1
    date_line = None
    captions: list[str] = []
    if start < len(paragraphs) and parse_date_line(paragraphs[start]) is not None:
        date_line, start = paragraphs[start], start + 1
        while start < len(paragraphs) - 1 and _is_caption(paragraphs[start], profile):
            captions.append(paragraphs[start])
            start += 1

    # boilerplate, kept in document order with the rule that removed each line
    removed: list[tuple[str, str]] = []
    end = len(paragraphs)
    tail = _tail_start(paragraphs, start, profile)
    if tail is not None:
        end = tail
        notes["tail_cut"] += 1
    repeats, residue = _repeats(paragraphs[start:end])
    body: list[str] = []
    bylines: list[str] = []
    sourced: list[str] = []
    learned = bool(rules.drops) and publisher in rules.drops
    # what only a dropped glued copy held goes in where it stood, judged like any paragraph
    segment: list[tuple[str, str | None]] = []
    for k in range(end - start + 1):
        # a residue opening with a read-more prompt is the related headlines, nothing else: the
        # body around them is in the other paragraphs
        segment.extend(
            (piece, "read_more" if _LEADING_PROMPT.match(piece) else None)
            for piece in residue.get(k, ())
        )
        if start + k < end:
            segment.append((paragraphs[start + k], repeats.get(k)))
    for paragraph, repeat in segment:
        rule = _boilerplate_rule(paragraph, profile) or repeat
        if rule == "read_more" and repeat is None:
            rest, cut = _strip_read_more(paragraph)
            if rest and cut and not _INLINE_PROMPT.fullmatch(cut[0]):
                # "Baca juga: <headline>" glued to body text: the headline goes, the body stays
                removed.append((cut[0], rule))
                notes["boilerplate_read_more"] += 1
                paragraph, rule = rest, None
        if rule is None and learned and rules.drops_line(publisher, paragraph):
            rule = "learned"
        if rule is not None:
            removed.append((paragraph, rule))
            notes[f"boilerplate_{rule.split(':')[0]}"] += 1
            if rule in ("credit_line", "byline"):
                name = _byline_author(paragraph)
                if name:
                    bylines.append(name)
            elif rule == "source_credit":
                sourced.extend(_credited(paragraph))
            continue
        paragraph, inline = _strip_inline(paragraph, profile)
        removed.extend(inline)
        for fragment, rule in inline:
            if rule == "source_credit":
                sourced.extend(_credited(fragment))
        if inline and paragraph and (rule := _boilerplate_rule(paragraph, profile)) is not None:
            removed.append((paragraph, rule))  # what is left is furniture too ("sumber : Antara")
            if rule == "source_credit":
                sourced.extend(_credited(paragraph))
            continue
        if paragraph:
            body.append(paragraph)
    tail_lines = [(line, f"tail:{profile.name}") for line in paragraphs[end:] if profile]

    # lead-in and dateline
    dateline = None
    if body:
        first, dateline, rule = _lead_in(body[0], profile)
        notes[f"lead_in_{rule}"] += rule != "none"
        if first:
            body[0] = first
        else:
            body.pop(0)

    editor_initials, outlets, trailer = _trailer(body)
    removed.extend((line, "advertorial") for line in trailer)
    credited, credited_outlets, credit_lines = (
        _caps_credit(body) if profile is not None and profile.caps_credit else ([], [], [])
    )
    removed.extend((line, "caps_credit") for line in credit_lines)
    sourced.extend(credited_outlets)
    bylines.extend(credited)
    removed.extend(tail_lines)
    cited = tuple(dict.fromkeys([*_cited_sources(body), *outlets, *sourced]))
    syndicated = _syndicated(line for line, rule in removed if rule == "syndication")

    published_at, updated_at, date_notes = _published(
        fields, date_line, _text(fields.get("url")), offset
    )
    notes.update(date_notes)
    if updated_at is None:
        for line, rule in removed:
            if rule == "correction_note":
                updated_at = parse_datetime(line, default_offset=offset)
                notes["updated_at_from_note"] += updated_at is not None
                break
    authors, desk = _authors(fields.get("author"), profile)
    if not authors and bylines:
        authors, _ = _authors(bylines, profile)
        notes["authors_from_byline"] += 1
    body_text = "\n\n".join(body)
    notes["dateline"] += dateline is not None
    notes["editor_initials"] += bool(editor_initials)
    notes["captions"] += bool(captions)
    notes["cited_sources"] += bool(cited)
    notes["syndicated_from"] += syndicated is not None
    notes["desk"] += desk is not None
    notes["boilerplate_lines"] += len(removed)
    notes["body_empty"] += not body_text
    article = Article(
        id=stable_id(dict(fields)),
        url=_text(fields.get("url")),
        publisher=publisher,
        title=title,
        published_at=published_at,
        dateline=dateline,
        authors=authors,
        editor_initials=editor_initials,
        cited_sources=cited,
        captions=tuple(captions),
        category=_text(fields.get("category")),
        text=body_text,
        boilerplate=tuple(line for line, _ in removed),
        language=None,
        language_score=None,
        n_words=_words(body_text),
        extra=canonical_json(dict(record.extra)),
        source=record.provenance,
        updated_at=updated_at,
        desk=desk,
        syndicated_from=syndicated,
        boilerplate_rules=tuple(rule for _, rule in removed),
    )
    return _Outcome(article, +notes)


def structure(record: RawRecord) -> Article:
    """Split one raw record into body, boilerplate and metadata (pure, deterministic)."""
    return _structure(record, load_profiles(), RuleSet()).article


def structure_with(record: RawRecord, profiles: Sequence[Profile], rules: RuleSet) -> Article:
    """``structure`` with explicit profiles and learned boilerplate rules."""
    return _structure(record, profiles, rules).article


def rules_for(cfg: Config | None) -> RuleSet:
    """The reviewed learned-boilerplate rules a config names (none when it names no file)."""
    if cfg is None or cfg.boilerplate_rules is None:
        return RuleSet()
    return load_rules(cfg.boilerplate_rules)


def run(records: Iterable[RawRecord], stats: Stats, cfg: Config | None = None) -> Iterator[Article]:
    """Structure every record, counting rule outcomes under ``structure/<name>``."""
    profiles = load_profiles()
    rules = rules_for(cfg)
    for record in records:
        outcome = _structure(record, profiles, rules)
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
    "rules_for",
    "run",
    "structure",
    "structure_with",
]
