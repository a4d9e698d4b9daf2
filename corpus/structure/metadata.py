"""Metadata read from fields and body: authors, dates, cited and credited sources."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from corpus.dates import column_order, parse_datetime
from corpus.structure.profiles import Profile
from corpus.structure.text import ADDRESS_FORMS, alnum, text_value

logger = logging.getLogger(__name__)

# the name in a credit or byline line that goes to ``authors``
_BYLINE_AUTHOR = re.compile(
    # a section's label may stand before the credit on its line ("Fifa World Cup Wartawan: X")
    r"^(?:(?-i:(?:[A-Z][\w&.-]*\s+){1,4})(?=(?-i:Wartawan|Penulis|Reporter|Pewarta)\s*:))?"
    r"(?:(?:Penulis|Reporter|Pewarta|Wartawan|Rep|Oleh|By)(?:\s*[/&]\s*Editor)?\s*:\s*"
    r"|(?:Oleh|By)\s+"
    r"|Laporan\s+\w+\b[^,]{0,60},\s*)(?P<name>\S.*)$",
    re.IGNORECASE,
)
# "Name (The Quint)": the outlet a byline adds in brackets is not part of the name
_BRACKETED_TAIL = re.compile(r"\s*\([^()]*\)$")
_SOURCE_CREDIT = re.compile(
    r"^\(?(?:Sumber|SUMBER|sumber|Source|SOURCE)\s*:\s*(?P<src>[^()]+?)\)?\.?$"
)
# "Artikel ini telah tayang di Kompas.com dengan judul ...": the outlet is ``syndicated_from``
_SYNDICATED = re.compile(
    r"\b(?:tayang|terbit|naik|dimuat|diterbitkan|dipublikasikan)\s+(?:di|pada|dalam)\s*"
    r"(?![Bb]ahasa\b)(?P<outlet>[A-Za-z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2}?)(?=\s+dengan\b|\s*[,:;(]|\.?\s*$|\.\s)"
)

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
_ADDRESS = re.compile(r"\.(?:com|net|org|my|co|id)\b", re.IGNORECASE)
# a desk glued to the name without a profile to say so: "Femi Diah -detikTravel"
_GENERIC_SUFFIX = (re.compile(r"\s+-\s?(?P<desk>[a-z]+[A-Z][A-Za-z]+)$"),)
# "A, B", "A & B", "A dan B" (also "A Dan B": a crawler title-cases every word)
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;]|\s&\s|\s[Dd]an\s|\sand\s)\s*")
# an outlet or a team in the author column ("Tempo.co", "Tim Kompas.com", "Redaksi"), no person
_NOT_A_PERSON = re.compile(
    r"^(?:(?:Tim|Team)\s+\S.*|Redaksi|Admin|[\w-]+\.(?:com|co|id|net|co\.id)(?:\s+\w+)?)$",
    re.IGNORECASE,
)
# Reporters' names (or sources) in capitals closing a tempo body: "ANDITA RAHMA | FRISKI RIANA"
# words that make a capitalized credit an outlet, not a person ("DAILY MAIL", "LIVE SCIENCE")
# "Editor: Name", "Penyunting: Name", "Redaktur: Name": the editor, kept in ``editors``
_EDITOR_CREDIT = re.compile(
    r"^(?:(?:Penulis|Reporter|Pewarta|Wartawan)\s*[/&]\s*)?"
    r"(?:Editor|Penyunting|Redaktur|Editor\s+Bahasa)\s*:\s*(?P<name>\S.{0,60})$",
    re.IGNORECASE,
)
# words that make a credited name an organisation, a team, a placeholder or an address
_NOT_NAME_TEXT = (
    "pt tbk cv media group grup corp inc ltd sdn bhd pemprov pemkab pemkot kementerian"
    " kemendagri sekretariat humas dinas badan bank polri polda foto tim team reporters"
    " redaksi editorial online studios production wartawan info news https http www via"
    " channel tv network digital agency daily harian sinar utusan antara reuters afp ap"
    " terbitan admin penulis kontributor"
    # a role or a page's label where the name should be ("Metrotvnews Developer", "Afp Photo",
    # "Published A.M. ...", "Updated Months Ago", "Illinois State University Staff")
    " developer photo photos published posted updated contributor correspondent staff"
    " webmaster"
    # a platform or a browser's notice read as a credit ("Facebook Presiden ...", "Adblock Plus")
    " facebook twitter instagram youtube whatsapp google adblock firefox"
    # an organisation's unit ("Bahagian Komunikasi Korporat ...", "Pusat Media ...")
    " bahagian jabatan pusat institut institute universiti university persatuan majlis"
    " pejabat syarikat berhad yayasan lembaga suruhanjaya korporat"
    # a form's placeholder ("Please Enter Your Name Here")
    " please enter your teks"
    # an organisation's head word ("Perhimpunan Pelajar Indonesia", "Dewan Muslimat ...",
    # "Asosiasi ...") or a newspaper's ("Mingguan Malaysia"); a role standing for a name
    # ("Saudara Pengarang": a letter's "Dear Editor", "Non Koresponden")
    " perhimpunan asosiasi ikatan himpunan komunitas dewan partai parti pertubuhan gabungan"
    " koalisi kesatuan organisasi mingguan tribun pengarang koresponden press portal rasmi"
    " official laman situs website"
)
# function words: a "name" holding one is a phrase a crawler title-cased ("Sedang Menjemur
# Pakaian Di Belakang Rumah", "Baharom Mahusin Melaporkan Dari Beijing", "Dr. Tan Berkata")
_FUNCTION_TEXT = (
    "di dari ke yang untuk bagi pada dengan itu ini dalam akan telah sedang bahawa bahwa adalah"
    " ialah berkata melaporkan kata katanya dan and the of for in on at from with is are was"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
# function words that never open a name either: a crawler's fragment of a sentence it cut at
# commas and "dan" ("Juga Sejarah Perkembangan Sepakbola"); "Dan", "Di", "Ke" may be names
_NOT_FIRST_WORDS = frozenset(
    (_FUNCTION_TEXT + " juga serta atau pula hingga namun tetapi menulis melalui").split()
) - {"dan", "di", "ke"}
# a word holding "media" names a company ("Grahanusa Mediatama", "Multimedia Nusantara")
_MEDIA_WORD = re.compile(r"media", re.IGNORECASE)
# a writer's role after the name in a crawler's author field: "Dylan Montz Staff Writer
# Dmontz Amestrib.Com", "Khairulanuar Yahaya Juruvideo": the name is what stands before it
_ROLE_TAIL = re.compile(
    r"\s+(?:(?:Senior\s+|Staff\s+|Sports\s+)?(?:Writer|Reporter|Correspondent|Editor)"
    r"|Juruvideo|Jurugambar|Wartawan|Koresponden|Kontributor|Pemberita)\b.*$"
)
_NOT_NAME_WORDS = frozenset(_NOT_NAME_TEXT.split())
# a credited "name" made only of these is a date or a weekday
_DATE_TEXT = (
    "senin selasa rabu kamis jumat sabtu minggu ahad monday tuesday wednesday thursday"
    " friday saturday sunday januari februari maret april mei juni juli agustus september"
    " oktober november desember january february march may june july august october december"
    " mac jun julai ogos disember wib wita wit pukul"
    # a month's abbreviation a crawler split off a date ("Rizki Akbar Hasan", "Jul")
    " jan feb mar apr jul ags agu aug sep sept okt oct nov des dis dec ogo"
)
_DATE_WORDS = frozenset(_DATE_TEXT.split())
_CREDIT_WORDS = frozenset({"oleh", "by", "editor", "reporter", "penulis", "pewarta", "tim"})
_NAME_PARTICLES = frozenset(
    {"bin", "binti", "bt", "b.", "van", "von", "de", "der", "da", "dos", "al", "el", "la", "a/l"}
)
_NAME_LIKE = re.compile(r"^[^\W\d_][\w.'’()-]*(?: [\w.'’()-]+){0,5}$")
# what stands before a name in a credit but is not part of it: "Oleh Fazrik Kamarudin", "By:
# Name", and forms of address ("Yb Siti Zailah ...", "Ustaz Kamaruddin Sidek", "Dr. Siva")
_NAME_PREFIX = re.compile(
    rf"^(?:(?:Oleh|By|Susunan|Daripada|Laporan|Teks(?:\s+(?:dan|&)\s+Foto)?)\s*:?\s+"
    rf"|(?:Seri\s+)?{ADDRESS_FORMS}\s+)+",
    re.IGNORECASE,
)
# a form of address alone: "Dato" of "Dato' Seri ..." that a crawler split at the apostrophe
_ADDRESS_ONLY = re.compile(rf"^(?:{ADDRESS_FORMS}|Seri)['’.]?$", re.IGNORECASE)


def bare_name(name: str) -> str:
    """A credited name without a credit word or forms of address before it."""
    match = _NAME_PREFIX.match(name)
    rest = name[match.end() :].strip() if match else name
    return rest if rest[:1].isupper() else name


def cited_sources(body: Iterable[str]) -> list[str]:
    """Outlets the body quotes ("seperti dikutip dari Yonhap"); a name ends at a sentence end
    ("dilansir The Guardian. Dalam ...": a flattened paragraph runs on)."""
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
                if word.endswith((".", ",")) and word.count(".") == 1:
                    break  # "Guardian." closes the sentence; "Antaranews.com" does not
            name = _NYA.sub("", " ".join(words)).rstrip(".,:;'’-")
            if name and words[0].strip(".,") not in _NOT_OUTLET:
                found.append(name)
    return found


@dataclass(frozen=True, slots=True)
class Credits:
    """The people an article credits: writers, editors, and the desk an author suffix names."""

    authors: tuple[str, ...]
    editors: tuple[str, ...]
    desk: str | None


def _split_names(value: Any, profile: Profile | None) -> tuple[list[str], str | None]:
    """The names of an author field (a string or a list), and the desk a suffix names."""
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    items = items[: _bio_start(items)]
    out: list[str] = []
    desk = None
    for item in items:
        if not isinstance(item, str) or not item.strip():
            continue
        name = _without_role(item.strip())
        for suffix in profile.author_suffix if profile else _GENERIC_SUFFIX:
            match = suffix.search(name)
            if match is None:
                continue
            if "desk" in suffix.groupindex and match.group("desk") and desk is None:
                desk = match.group("desk")
            name = (name[: match.start()] + name[match.end() :]).strip() or name
        parts = [p.strip() for p in _AUTHOR_SPLIT.split(name)]
        # split "A, B" / "A dan B" only when every part reads as a name on its own (a "Dan"
        # between two full names: "Statistik Dan Liga" is a phrase)
        full = " Dan " not in name or all(len(p.split()) >= 2 for p in parts)
        if len(parts) > 1 and full and all(p and _NAME_LIKE.match(p) and _opens(p) for p in parts):
            out.extend(bare_name(p) for p in parts)
        else:
            out.append(bare_name(name))
    return out, desk


_BIO_MIN_WORDS = 4  # "Samantha Is A Walking ...": longer than a name that shares its first word
# what a bio's sentence holds and a name never does ("... Is A Walking ...", "... Pada Di ...");
# not "Dan": "Rabiatul Adawiyah Dan Koh Abdullah" is two names
_BIO_WORDS = (_FUNCTION_WORDS - {"dan", "and"}) | {
    "a",
    "an",
    "was",
    "has",
    "her",
    "his",
    "she",
    "he",
}


def _bio_start(items: Sequence[Any]) -> int:
    """Where a crawler's author list turns into the writer's bio, which it split at commas and
    "and" ("Samantha Khor", "Samantha Is A Walking ...", "Fan Fiction", "A Million Other
    Things."): the first item that opens with an earlier name's first word and runs on longer
    than a name. That item and every one after it are pieces of the bio, no people."""
    firsts: set[str] = set()
    for k, item in enumerate(items):
        parts = item.split() if isinstance(item, str) else []
        if (
            k
            and parts
            and parts[0] in firsts
            and len(parts) >= _BIO_MIN_WORDS
            and any(p.casefold() in _BIO_WORDS for p in parts[1:])
        ):
            return k
        if parts:
            firsts.add(parts[0])
    return len(items)


def _without_role(name: str) -> str:
    """A crawler's author field without the role written after the name ("Dylan Montz Staff
    Writer Dmontz ..." -> "Dylan Montz"), when a name of two words or more stands before it."""
    match = _ROLE_TAIL.search(name)
    if match is None or len(name[: match.start()].split()) < 2:
        return name
    return name[: match.start()]


def _opens(part: str) -> bool:
    """Whether a part's first word can open a name (not "Juga", "Yang", "Untuk" ...)."""
    return part.split()[0].casefold() not in _NOT_FIRST_WORDS


def is_person(name: str, dateline: str | None = None, site: frozenset[str] = frozenset()) -> bool:
    """Whether a credited name can be a person: never an outlet, team or organisation, a
    handle or address, a placeholder sentence ("Penulis tidak ditemukan"), a place (the
    article's dateline), a date or weekday, an acronym ("AFP"), or a credit word ("Oleh").
    ``site`` holds the site's own names (``text.site_names``): a name that opens with one is
    the outlet ("Cnn Indonesia", "Kompas Cyber Media", "Metrotvnews Developer")."""
    if _NOT_A_PERSON.match(name) or any(ch.isdigit() for ch in name) or "@" in name:
        return False
    if site and _names_site(name, site):
        return False
    if _ADDRESS_ONLY.match(name):
        return False
    last = name.split()[-1] if name.split() else ""
    if last.endswith(".") and len(last.rstrip(".")) >= 5:
        return False  # "A Million Other Things.": a sentence, not a name
    if _ADDRESS.search(name):
        return False  # "Mhusni Hmetro.Com.My": an e-mail address split by the scraper
    if "/" in name.replace("A/L", "").replace("a/l", ""):
        return False  # "CNN Indonesia/Adi Ibrahim": a photo credit, outlet and photographer
    # words only: a dash or a bar a crawler left between a month and a zone ("Oktober - Wib")
    parts = [p for p in name.replace(".", ". ").split() if any(ch.isalnum() for ch in p)]
    if (
        not parts
        or len(parts) > 6
        or not _opens(name)
        or _MEDIA_WORD.search(name) is not None
        or _initials_site(parts, site)
        or _abbreviates_site(parts, site)
        or any(p.strip(".,").casefold() in _NOT_NAME_WORDS for p in parts)
        or any(p.strip(".,").casefold() in _FUNCTION_WORDS for p in parts[1:])
    ):
        return False
    if dateline is not None and name.casefold() == dateline.casefold():
        return False
    if len(parts) == 1 and (name.isupper() or name.casefold() in _CREDIT_WORDS):
        return False  # "REUTERS", "AFP", "Oleh": an acronym or a word, not a name
    if all(p.strip(",.").casefold() in _DATE_WORDS for p in parts):
        return False  # "Rabu", "Selasa, Juni"
    # a name opens with a capital; two lower-case words make it a phrase ("Penulis tidak
    # ditemukan"), one may be a surname typed in lower case ("Stevy maradona")
    lower = [p for p in parts if p[:1].islower() and p.casefold() not in _NAME_PARTICLES]
    return name[:1].isupper() and len(lower) < 2


_CODE_LETTERS = 4  # a desk's code: "Brl", "Lin", "Del"


def _abbreviates_site(parts: list[str], site: frozenset[str]) -> bool:
    """Whether a "name" of short words is a desk's code whose first word abbreviates the site
    ("Brl Lin", "Brl Del" on brilio.net: "brl" is "brilio" without vowels): every word of four
    letters at most, the first one's letters found in order in a longer site name that opens
    with the same letter."""
    if not site or not 2 <= len(parts) <= 3 or any(len(p) > _CODE_LETTERS for p in parts):
        return False
    code = parts[0].casefold()
    if len(code) < 3:
        return False
    for label in site:
        if len(label) > len(code) and label[0] == code[0] and not label.startswith(code):
            rest = iter(label)
            if all(ch in rest for ch in code):  # each letter found after the one before
                return True
    return False


def _initials_site(parts: list[str], site: frozenset[str]) -> bool:
    """Whether the initials of a name of two or three words spell one of the site's names
    ("Deutsche Welle" on dw.com, "Nahdlatul Ulama Online" on nu.or.id)."""
    if not site or not 2 <= len(parts) <= 3:
        return False
    return "".join(p[0] for p in parts).casefold() in site


def _names_site(name: str, site: frozenset[str]) -> bool:
    """Whether the first word(s) of a name spell one of the site's names ("Bbc Indonesia" on
    bbc.com, "Cnn Indonesia" on cnnindonesia.com): whole words only ("Hotman" is no "hot")."""
    key = ""
    for word in name.split()[:3]:
        key += alnum(word)
        if key in site:
            return True
    # the whole name opening a site's name: "Galamedia" on galamedianews.com
    whole = alnum(name)
    return len(whole) >= 5 and any(label.startswith(whole) for label in site)


# a newspaper's head word: "Tribun Manado", "Harian Jogja", "Radar Bogor" (the paper: the head
# word and the place it serves)
_PAPER_HEADS = frozenset({"tribun", "harian", "radar", "pos", "serambi", "mingguan", "suara"})
_PAPER_WORDS = 2


def _after_outlet(name: str, dateline: str | None, site: frozenset[str]) -> str:
    """A crawler's "Tribun Manado Arthur Rompis" (the regional paper, then its reporter): the
    person after the paper's name, when the name alone is no person; else the name as given."""
    parts = name.split()
    if (
        len(parts) < _PAPER_WORDS + 2
        or parts[0].casefold() not in _PAPER_HEADS
        or is_person(name, dateline, site)
    ):
        return name
    person = parts[_PAPER_WORDS:]
    if any(p.casefold() in _DATE_WORDS for p in person):
        return name  # "Mingguan Malaysia Muka Depan Jun": the paper's page and its date
    return " ".join(person) if is_person(" ".join(person), dateline, site) else name


def editor_of(line: str) -> list[str]:
    """The editor an "Editor: Name" (or "Penyunting:", "Redaktur:") credit line names."""
    match = _EDITOR_CREDIT.match(line)
    if match is None:
        return []
    name = match.group("name").strip(" .,")
    return [name] if _NAME_LIKE.match(name) and is_person(name) else []


def people(
    field: Any,
    bylines: Sequence[str],
    editors: Sequence[str],
    profile: Profile | None,
    dateline: str | None,
    notes: Counter[str],
    site: frozenset[str] = frozenset(),
    signed: Sequence[str] = (),
    sourced: Sequence[str] = (),
) -> Credits:
    """Writers and editors from the author field, then from credit lines in the text.

    The author column of a profile with ``author_column_editor_last`` lists the editor last
    ("Writer, Editor" on kompas.com): that name is an editor. That is the form of one text
    value; a list of names (a crawler's guesses from the page) has no such order. Bylines in
    the text add writers when the column names none; writers who ``signed`` the story in the
    text ("- OLEH NAME") are added to the column's. ``site``: see ``is_person``.

    No credited name is dropped: a writer the text also credits as editor is kept in both
    roles (who wrote the piece edited it), except in a story the text credits to another
    outlet (``sourced``: "Sumber: Reuters"), where the column's name is the editor's only.
    """
    names, desk = _split_names(field, profile)
    column_editors: list[str] = []
    if (
        profile is not None
        and profile.author_column_editor_last
        and isinstance(field, str)
        and len(names) > 1
    ):
        column_editors, names = names[-1:], names[:-1]
    names = [_after_outlet(n, dateline, site) for n in names]
    writers = [n for n in names if is_person(n, dateline, site)]
    dropped = len(names) - len(writers)
    notes["author_not_a_person"] += dropped
    if not writers and bylines:
        found, _ = _split_names(list(bylines), profile)
        writers = [n for n in found if is_person(n, dateline, site)]
        notes["authors_from_byline"] += bool(writers)
    writers += [n for n in signed if is_person(n, dateline, site)]
    edited = [n for n in [*column_editors, *editors] if is_person(n, dateline, site)]
    editors_t = tuple(dict.fromkeys(edited))
    if sourced and column_editors == [] and not bylines:
        # a wire story: the column names the desk editor who ran it, not a writer
        edited_keys = {alnum(n) for n in editors_t}
        writers = [n for n in writers if alnum(n) not in edited_keys]
    writers_t = tuple(dict.fromkeys(writers))
    notes["editors"] += bool(editors_t)
    return Credits(writers_t, editors_t, desk)


# "/2025/06/17/" (kompas, okezone, tempo) and "/20250701/" or "/20250702130846-" (bisnis, CNN
# Indonesia: the date opens a numeric id)
_URL_DATES = (
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?=/|$)"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})(?:\d{6})?(?=[-/_]|$)"),
)


def host_labels(url: str | None) -> frozenset[str]:
    """The labels of a URL's host, short ones included ("dw" of www.dw.com): what an outlet's
    initials may spell (``site_names`` keeps labels of three letters or more)."""
    if not url:
        return frozenset()
    host = (url.partition("://")[2] or url).split("/", 1)[0].split(":", 1)[0].casefold()
    return frozenset(
        label for label in host.split(".")[:-1] if label.isalpha() and label not in _GENERIC_LABELS
    )


# a host's generic labels, no outlet's initials: "www", "co" of .co.id, "or" of .or.id
_GENERIC_TEXT = "www m co or ac go sch web gov edu com net org biz"
_GENERIC_LABELS = frozenset(_GENERIC_TEXT.split())


def url_date(url: str | None) -> str | None:
    """The publication date a publisher encodes in its URL path, if it is a real date."""
    if not url:
        return None
    for pattern in _URL_DATES:
        match = pattern.search(url)
        if match is None:
            continue
        try:
            return dt.date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            return None
    return None


# A file's date column repeats its values (one day's stories share "13/09/2019"): parsing is
# pure, so each distinct value (with its time, offset and order) is parsed once per process.
_parse_datetime = functools.lru_cache(maxsize=4096)(parse_datetime)


@functools.lru_cache(maxsize=4096)
def _numeric(raw: str) -> bool:
    """Whether a date value is a numeric day-month one (its order matters)."""
    return bool(column_order([raw]).numeric)


_UPDATED = re.compile(r"\b(?:diperbarui|diupdate|update|updated|pembaruan)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Dates:
    """``published_at`` with where it came from, ``updated_at``, and the rule outcomes."""

    value: str | None
    updated_at: str | None
    source: str | None  # column | text | url | html
    notes: Counter[str]


def _first_date(
    fields: Mapping[str, Any], date_line: str | None, offset: str | None, order: str
) -> tuple[str | None, str | None, str | None, Counter[str]]:
    """(value, the raw text it came from, where, notes) from the date field, else the text."""
    notes: Counter[str] = Counter()
    raw = text_value(fields.get("published"))
    if raw is not None:
        time = text_value(fields.get("published_time"))
        value = _parse_datetime(raw, time, default_offset=offset, order=order)
        if value is not None:
            return value, raw, "column", notes
        notes["published_field_unparsed"] += 1
        logger.debug("unparsed date %r", raw)
    if date_line is not None:
        value = _parse_datetime(date_line, default_offset=offset, order=order)
        if value is not None:
            notes["published_at_from_text"] += 1
            return value, date_line, "text", notes
    notes["published_at_unparsed" if raw or date_line else "published_at_missing"] += 1
    return None, None, None, notes


def published(
    fields: Mapping[str, Any],
    date_line: str | None,
    url: str | None,
    offset: str | None,
    *,
    order: str | None = None,
    html: bool = False,
) -> Dates:
    """``published_at`` from the date field, else the text's date line, else the URL.

    ``order`` is the day/month order of the file's date column (``dates.column_order``); without
    one, day first. A value marked "Diperbarui"/"Updated" is also the update time (liputan6
    shows no other). A day/month swap is corrected from the URL only when the URL shows exactly
    that swap (an xlsx export that stored "10/09/2019" month first as 2019-10-09).
    """
    value, raw, source, notes = _first_date(fields, date_line, offset, order or "dmy")
    if order is None and source == "column" and raw and _numeric(raw):
        # a numeric day-month read day first without the file's order (no pre-pass hint):
        # counted, so a run can say how many dates rest on the locale's convention
        notes["published_at_order_assumed"] += 1
    in_url = url_date(url)
    if value is None:
        if in_url is None:
            return Dates(None, None, None, notes)
        notes["published_at_from_url"] += 1
        return Dates(in_url, None, "url", notes)
    if source == "column" and html:
        source = "html"  # the reader took it from the page's markup
    # A spreadsheet that read "10/09/2019" month first stored 2019-10-09; the URL's date path
    # (/2019/09/10/) shows the day and month swapped.
    year, month, day = value[:4], value[5:7], value[8:10]
    if in_url and in_url != value[:10] and in_url == f"{year}-{day}-{month}":
        value = in_url + value[10:]
        notes["published_at_dmy_swapped"] += 1
    notes["published_at_parsed"] += 1
    notes["published_at_date_only"] += len(value) == 10
    updated = value if raw and _UPDATED.search(raw) else None
    notes["updated_at"] += updated is not None
    return Dates(value, updated, source, notes)


def credited(line: str) -> list[str]:
    """Outlets of a "Sumber: Antara, Reuters" credit."""
    match = _SOURCE_CREDIT.match(line)
    if match is None:
        return []
    return [s.strip(" .") for s in re.split(r"[,/]| dan ", match["src"]) if s.strip(" .")]


# a credit sharing a header's date line: "Sabtu, 26 November 2016 | 15:55 WIB | Penulis: Dera"
_CREDIT_PART = re.compile(
    r"^(?:Penulis|Reporter|Pewarta|Wartawan|Editor|Penyunting|Redaktur|Oleh|By)\b\s*:",
    re.IGNORECASE,
)


def date_line_credits(line: str) -> tuple[str, list[str]]:
    """(the line without its credits, the credits) of a "<date> | <time> | Penulis: Name"
    header line, split at its bars."""
    if "|" not in line:
        return line, []
    parts = [part.strip() for part in line.split("|")]
    credits = [part for part in parts if _CREDIT_PART.match(part)]
    return " | ".join(part for part in parts if part not in credits), credits


_MONTH_NAMES = (
    r"(?:Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
    r"|January|February|March|May|June|July|August|October|December|Mac|Julai|Ogos|Disember"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Agu|Ags|Aug|Sep|Sept|Okt|Oct|Nov|Des|Dec)\.?"
)
_WEEKDAYS = (
    r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu|Ahad|Isnin|Khamis|Monday|Tuesday"
    r"|Wednesday|Thursday|Friday|Saturday|Sunday)"
)
_HEAD_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,4}"
# "Eko Wahyu Putradinata 03 November 2017 16:34 <headline> ...", "Stephanus Aranditio |
# Andiarsa Nata Selasa, 20 November 2018 | 14:00 WIB": a page's header as the scraper flattened
# it, the writer (and the editor after a bar) then the date and time of the story; the time
# is required, so a sentence naming someone and a day ("Presiden Joko Widodo 17 Agustus ...")
# is no byline
# An opinion page's "Fuad Fachruddin/ Divisi Penjaminan Mutu ... 12 Jul 2018 - 7:00 422": the
# writer's affiliation after a slash, and the page's view count after the time.
_HEADER_BYLINE = re.compile(
    rf"^(?P<writer>{_HEAD_NAME})(?:\s*\|\s*(?P<editor>{_HEAD_NAME})|\s*/\s*[^|/\d]{{2,80}}?)?"
    rf"\s+(?:{_WEEKDAYS},?\s+)?\d{{1,2}}\s+{_MONTH_NAMES}\s+\d{{4}}\s*[|,-]?\s*\d{{1,2}}[:.]\d{{2}}"
    r"(?:\s*(?:WIB|WITA|WIT)\b)?(?:\s+\d{1,7}(?=\s*$))?"
)


def header_byline(line: str) -> tuple[str, str | None, int] | None:
    """(writer, editor or None, where the header ends) of a paragraph opening with the page's
    "Writer [| Editor] <date> <time>" header, or None."""
    match = _HEADER_BYLINE.match(line)
    if match is None:
        return None
    writer = _without_date_words(match.group("writer"))
    editor = match.group("editor")
    if not is_person(writer):
        return None
    editor = _without_date_words(editor) if editor else None
    return writer, editor if editor and is_person(editor) else None, match.end()


def _without_date_words(name: str) -> str:
    """A name without the weekday a header glued after it ("Andiarsa Nata Selasa")."""
    parts = name.split()
    while len(parts) > 1 and parts[-1].strip(",").casefold() in _DATE_WORDS:
        parts.pop()
    return " ".join(parts)


# "AINUR ROHMAN, Moskow": a feature's by-line, the writer in capitals and the place they
# filed from (Jawa Pos and its regional papers), on a line of its own near the top
_PLACE_BYLINE = re.compile(
    r"^(?P<name>[A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+){1,3}),\s*"
    r"(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})$"
)


def place_byline(line: str) -> tuple[str, str] | None:
    """(writer, place) of a "NAME IN CAPITALS, Place" by-line, or None."""
    match = _PLACE_BYLINE.match(line)
    if match is None:
        return None
    name = match.group("name").title()
    place = match.group("place")
    if not is_person(name) or place.casefold() in _DATE_WORDS:
        return None
    return name, place.upper()


# a credit's role on a line of its own, the name on the next ("EDITOR" / "Adi Sunaryo")
_ROLE_LABELS = {
    "editor": "editor",
    "penyunting": "editor",
    "redaktur": "editor",
    "penulis": "writer",
    "reporter": "writer",
    "pewarta": "writer",
    "wartawan": "writer",
}
_LABEL_NAME_WORDS = 5


def label_credit(label: str, name: str) -> str | None:
    """The role ("writer" or "editor") a "ROLE" line gives the name on the line under it, when
    that line is a person's name; else None."""
    role = _ROLE_LABELS.get(label.strip(" :").casefold())
    if role is None or len(name.split()) > _LABEL_NAME_WORDS or not _NAME_LIKE.match(name):
        return None
    return role if is_person(name) else None


_SITE_PREFIX = re.compile(r"^[A-Z][A-Z0-9-]*\.(?:CO\.ID|COM|ID|MY|NET)\s*,\s*(?=Oleh|OLEH|By|BY)")
# the role after a by-line's name: "Mohammad Akbar, wartawan Republika.co.id"
_BYLINE_ROLE = re.compile(
    r",\s*(?:wartawan|reporter|koresponden|kontributor|jurnalis|penulis|staff writer"
    r"|correspondent)\b.*$",
    re.IGNORECASE,
)


def byline_author(line: str) -> str | None:
    line = _SITE_PREFIX.sub("", line)  # "REPUBLIKA.CO.ID, Oleh: Name": the lead-in is no name
    match = _BYLINE_AUTHOR.match(line)
    role = _BYLINE_ROLE.search(line) if match is None else None
    if match is None and role is None:
        return None
    name = match.group("name") if match is not None else line[: role.start()] if role else ""
    name = _BYLINE_ROLE.sub("", _BRACKETED_TAIL.sub("", name)).strip(" .,")
    return name if _NAME_LIKE.match(name) else None


def syndicated(lines: Iterable[str]) -> str | None:
    for line in lines:
        match = _SYNDICATED.search(line)
        if match:
            return match.group("outlet").rstrip(".")
    return None
