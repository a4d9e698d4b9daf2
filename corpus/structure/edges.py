"""The body's edges: headline and captions at the top, the lead-in and dateline, closing credits."""

from __future__ import annotations

import re

from corpus.dates import parse_date_line
from corpus.structure.profiles import Profile
from corpus.structure.rules import boilerplate_rule
from corpus.structure.text import ADDRESS_FORMS, DASH, LEADING_JUNK, SP, alnum, words

_NOT_DATELINES = frozenset(
    {"INFO", "FOTO", "VIDEO", "ADVERTORIAL", "BREAKING NEWS", "HEADLINE", "BACA", "LIHAT", "SIMAK"}
)

_MONTH_WORDS = (
    "(?:Januari|Februari|Mac|Maret|April|Mei|Jun|Juni|Julai|Juli|Ogos|Agustus|September|Oktober"
    "|November|Disember|Desember|January|February|March|May|June|July|August|October|December"
    "|Jan|Feb|Mar|Apr|Jul|Ogo|Ags|Aug|Sep|Sept|Okt|Oct|Ok|Nov|Dis|Des|Dec)\\.?"
)
# the day after the place, in any case and maybe with the year or a comma ("KUALA LUMPUR 1
# JuLAI -", "SEREMBAN28 DIS. -" whose space the scraper lost, "YANGON, 15 Dis. -", "KUALA
# LUMPUR 27 Ogos 2017 -"), or month first ("KUALA LUMPUR, Oct 2 --")
_DAY_MONTH = (
    rf"(?:{SP}*,)?{SP}*\d{{1,2}}{SP}*(?i:{_MONTH_WORDS})(?:{SP}+(?:19|20)\d{{2}})?"
    rf"|(?:{SP}*,)?{SP}+(?i:{_MONTH_WORDS}){SP}+\d{{1,2}}"
)
# the country or state after a foreign place: "TIJUANA, Mexico - ", "JINAN, CHINA 23 Feb. -"
_REGION_NAME = r"[A-Z][A-Za-z'’.]+(?: [A-Z][A-Za-z'’.]+){0,2}"
_REGION = rf"(?:{SP}*,{SP}*{_REGION_NAME}|{SP}*\({SP}*{_REGION_NAME}{SP}*\))"
# "SEOUL - ", "JAKARTA- ", "MIAMI– ", "NEW DELHI- ", and glued "JAKARTA-Pemerintah" (one word
# only: "PS TIRA-Persikabo" is a club; never "TEKA-TEKI", whose dash joins two capitals).
_CAPS_DATELINE = re.compile(
    rf"^(?:(?P<place>[A-Z][A-Z'’.]+(?: [A-Z][A-Z'’.]+){{0,2}})(?:{_REGION})?(?:{_DAY_MONTH})?"
    rf"(?:{SP}*{DASH}{SP}+|{SP}+{DASH}{SP}*)"
    rf"|(?P<glued>[A-Z][A-Z'’.]{{2,}}){DASH}(?=[A-Z][a-z]|[\"“‘']))"
)

# Malaysian papers put the day after the place ("KOTA KINABALU 11 Mei -") or use a colon
# ("PUTRAJAYA: "); a colon after one or two upper-case words, then a capitalized word
_CAPS_COLON_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z'’.]{{2,}}(?: [A-Z][A-Z'’.]+){{0,2}})(?:{_REGION})?:{SP}+(?=[A-Z\"“‘])"
)
# Latin letters with accents after the capital: "Köthen", "Bogotá" (one class: fast)
_PLACE = r"[A-Z][A-Za-zÀ-ÖØ-öø-ÿ'’.]*(?: [A-Z][A-Za-zÀ-ÖØ-öø-ÿ'’.]*){0,2}"
_DOMAIN = r"[A-Za-z][\w-]*\.(?i:com|co\.id|co|id|net|my)\b"
# a space, or a direction mark a page left after the comma ("REPUBLIKA.CO.ID,\u200e Jakarta --")
_SP_MARKS = rf"(?:{SP}|[\u200e\u200f])"
# Lead-ins news sites share, by name; group "place" is the dateline (None when absent)
_OUTLET_LEAD_INS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "jpnn.com, JAKARTA -", "Liputan6.com, Jakarta -", "TRIBUNNEWS.COM -", "JAKARTA, KOMPAS.com -"
    (
        "outlet_lead_in",
        re.compile(
            rf"^(?:(?P<pre>[A-Z][A-Z'’.]+(?: [A-Z][A-Z'’.]+){{0,2}}){SP}*,{SP}*)?{_DOMAIN}"
            rf"(?:{SP}*,{_SP_MARKS}*(?P<place>{_PLACE}))?{SP}*{DASH}{SP}*"
        ),
    ),
    # "REPUBLIKA.CO.ID, Kemunculan ...": the site's name in capitals and a comma, no place and
    # no dash (an upper-case domain opens no sentence)
    (
        "outlet_lead_in",
        re.compile(
            rf"^(?P<place>)[A-Z][A-Z0-9-]*\.(?:COM|CO\.ID|ID|NET|MY){SP}*,{_SP_MARKS}*(?=[A-Z\"“])"
        ),
    ),
    # "Liputan6.com, JakartaKita ...": a flattening scraper dropped the dash and the space, so
    # the place is glued to the first word; the seam is the case change inside the word (a
    # capital after lower-case letters), and the story opens with a word, an acronym or a quote
    (
        "outlet_lead_in",
        re.compile(
            rf"^{_DOMAIN}{SP}*,{SP}*(?P<place>[A-Z][a-z]{{3,}}(?: [A-Z][a-z]{{2,}}){{0,2}})"
            r"(?=[A-Z][a-z]{2}|[A-Z]{2,}\b|[\"“‘])"
        ),
    ),
    # "Bintang.com, Jakarta Hilda Vitria ...": the dash lost, a one-word place before the body
    (
        "outlet_lead_in",
        re.compile(rf"^{_DOMAIN}{SP}*,{SP}*(?P<place>[A-Z][a-z]{{2,}}){SP}+(?=[A-Z][a-z])"),
    ),
    # "Jakarta (ANTARA) -", "Mataram, NTB (ANTARA News) -", "London (Reuters) -"
    (
        "agency_lead_in",
        re.compile(
            rf"^(?P<place>{_PLACE})(?:{SP}*,{SP}*{_PLACE})?{SP}*"
            rf"\((?:[A-Z]{{2,}}|[A-Z][a-z]+)(?: News)?\){SP}*{DASH}{SP}*"
        ),
    ),
    # "Jakarta, CNN Indonesia --": a place, an outlet, a double or long dash
    (
        "place_outlet_lead_in",
        re.compile(
            rf"^(?P<place>{_PLACE}){SP}*,{SP}*(?:CNN|[A-Z][A-Za-z]+)(?: [A-Z][A-Za-z]+)?{SP}*(?:--|—|–){SP}*"
        ),
    ),
)
# An upper-case "place" that is an outlet's domain ("TRIBUNNEWS.COM - "): a lead-in, no dateline.
_OUTLET_PLACE = re.compile(r"\.(?:COM|CO|ID|NET)\b", re.IGNORECASE)
# A lead-in whose publisher and place were links the scraper dropped: " , - ", ", , -¬†", "‚Äì",
# sometimes doubled (", , -¬†,, ,-¬†") or behind a rule ("-----------, - ").
_LOST_LEAD_IN = re.compile(
    rf"^(?:(?:{SP}|,)*(?:-+|–|—|‚Äì|‚Äî))+(?:(?:{SP}|,)+|(?=[A-Z\"“‘'(]))"
    # ": Suruhanjaya ...": a "PUTRAJAYA: " lead-in whose place was lost
    rf"|^(?:{SP}|,)*:{SP}+(?=[A-Z\"“‘])"
)
_CREDIT = (
    # lower-case codes, maybe behind an end mark ("(*/c11/ttg)"); an upper-case desk code of
    # two to four characters after the last sentence's end ("(ABE)", "(REN)", "(T2)")
    r"\(\s*(?P<credit>(?:\*{1,3}\s*/\s*)?(?:[a-z]{2,5}\d{0,3}|[a-z]\d{1,3})"
    r"(?:\s*/\s*[A-Za-z0-9][\w.\-]*){0,3}"
    r"|(?=[A-Z0-9]{2,4}\s*\))[A-Z]+\d{0,2}"
    r"|[A-Za-z][a-z]+(?:\s+[A-Za-z][a-z]+){1,3}"
    r"|[A-Z][\w-]*\.(?:com|co\.id|id)\s*/\s*[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*){0,3})\s*\)"
)
# the credit in round or square brackets ("(esn)", "[ant]"), alone or closing the last sentence
_CREDITS = tuple(
    re.compile(rf"(?:^|(?<=[.!?\"”’]))\s*{form}$")
    for form in (_CREDIT, _CREDIT.replace(r"\(", r"\[").replace(r"\)", r"\]"))
)
_NOT_CREDIT_WORDS = frozenset(
    {"foto", "ilustrasi", "video", "bersambung", "tamat", "selesai", "dok", "sumber", "gambar"}
)
_NAME_WITH_INITIAL = re.compile(r"^[A-Z][a-z]+(?: [A-Z]\.?)+$|^(?:[A-Z]\. ?)+[A-Z][a-z]+")
_INITIALS = re.compile(r"^(?:[a-z]{2,5}\d{0,3}|[a-z]\d{1,3})$")
_AFTER_SENTENCE = r"(?:^|(?<=[.!?\"”’)\]]))\s*"
# Furniture that closes a body, by name; peeled off the end one after another.
_END_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("advertorial", re.compile(_AFTER_SENTENCE + r"\(\s*[Aa]dv\s*\)$")),
    # "... daerah. (*)", "[**]": the story's end mark
    ("end_marker", re.compile(_AFTER_SENTENCE + r"(?:\(\s*\*{1,3}\s*\)|\[\s*\*{1,3}\s*\])$")),
    # "... hari ini. - UTUSAN ONLINE", "-- BERNAMA", "– HARAKAHDAILY 4/5/2018": an outlet's
    # sign-off in capitals (or one capitalized word) after a dash, maybe with a date
    (
        "sign_off",
        re.compile(
            r"(?<=[.!?\"”’:])\s*(?:-{1,2}|–|—)\s*(?P<outlet>[A-Z][A-Z!]+(?: [A-Z][A-Z!]+){0,2}"
            r"|[A-Z][a-z]+)(?:\s+\d{1,2}/\d{1,2}/\d{2,4})?$"
        ),
    ),
    # "... di www.facebook.com/bkkmhq - UTUSAN ONLINE", "... e-mel di x@y.my - BERNAMA": the
    # sign-off after a link or an address that closes the last sentence (no full stop after
    # it); only the ``cut`` group goes, the link stays with its sentence
    (
        "sign_off",
        re.compile(
            r"(?:https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[email\s*protected\])"
            r"(?P<cut>\s+(?:-{1,2}|–|—)\s*(?P<outlet>[A-Z][A-Z!]+(?: [A-Z][A-Z!]+){0,2}))$"
        ),
    ),
    # "habis." / "-TAMAT-": the story's end mark on its own closing line (an agency's
    # sign-off may stand above it: "... itu. - AFP" then "habis.")
    (
        "end_marker",
        re.compile(r"^[\s(\[*–—-]*(?:[Hh]abis|HABIS|[Tt]amat|TAMAT)[\s)\]*–—-]*\.?$"),
    ),
    # "... 3 Zulkaedah 1439 – HARAKAHDAILY 4/5/2018": a sign-off in capitals with its date
    (
        "sign_off",
        re.compile(
            r"\s+(?:-{1,2}|–|—)\s*(?P<outlet>[A-Z]{3,}[A-Z!]*(?: [A-Z][A-Z!]+){0,2})"
            r"\s+\d{1,2}/\d{1,2}/\d{2,4}$"
        ),
    ),
    # (the author's note that closes an opinion piece is ``residue.writer_bio``: it names the
    # writer)
    # "... katanya.- 16/8/2016- OLEH NOOR HASILAH ISMAIL", "... mati- 30/4/2018": the day of
    # the story after a dash closing the body, maybe with the writer's byline
    (
        "dated_sign_off",
        re.compile(
            r"(?<=\S)\s*-\s*\d{1,2}/\d{1,2}/(?:19|20)\d{2}"
            r"(?:\s*-\s*(?:OLEH|Oleh)\s+(?P<by>[A-Z][A-Za-z.'’ ]{2,60}))?$"
        ),
    ),
    # "(Visited 9 times, 1 visits today)": a page-view counter
    ("view_counter", re.compile(r"\s*\((?:Visited )?[\d,.]+ times?, [\d,.]+ visits? today\)$")),
)

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DASHES = ("-", "–", "—")
# Per end rule, what every match has, so most paragraphs skip its search: the characters the
# match can end on (None: any) and strings one of which it holds. Kept next to _END_RULES:
# a rule added there needs its entry here (building _END_CHECKS fails on import without it).
_END_NEEDS: dict[str, list[tuple[str | None, tuple[str, ...]]]] = {
    "advertorial": [(")", ("dv",))],
    "end_marker": [(")]", ("*",)), (None, ("abis", "ABIS", "amat", "AMAT"))],
    # the outlet in capitals ("!" in "HARAKAHDAILY!"), a capitalized word, or the date after it
    "sign_off": [
        (_LETTERS + "!0123456789", _DASHES),
        (_LETTERS + "!", ("www.", "http", "@", "protected]")),
        ("0123456789", ("/",)),
    ],
    # the date, or the writer's name after "OLEH"
    "dated_sign_off": [(_LETTERS + "0123456789.'’ ", ("/",))],
    "view_counter": [(")", ("today)",))],
}
_END_CHECKS = tuple(
    (rule, pattern, *_END_NEEDS[rule][sum(1 for r, _ in _END_RULES[:k] if r == rule)])
    for k, (rule, pattern) in enumerate(_END_RULES)
)

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
_SENTENCE_END = (".", "!", "?", '"', "”", "’", ":", ";", ",")


def holds_title(line: str, title: str) -> bool:
    """Whether a first line is the headline: the title, or the title behind a short kicker."""
    line_n, title_n = " ".join(line.split()).casefold(), " ".join(title.split()).casefold()
    return line_n == title_n or (
        len(line) <= 250 and line_n.endswith(title_n) and len(line_n) - len(title_n) <= 30
    )


# " - ANTARA News", " | Republika Online", " – KOMPAS.com": the site's name after the headline
_TITLE_SUFFIX = re.compile(r"\s+[-|–—:]\s+(?P<site>[^-|–—]{2,40})$")
# "Tragedi cuti sekolah [METROTV]", "... [VIDEO]": a channel or format tag in brackets
_TITLE_TAG = re.compile(r"\s*\[[A-Z0-9][A-Z0-9 !.&+-]{1,20}\]$")
_TITLE_SEPARATORS = (" - ", " | ", " – ", " — ", " : ")
_NOT_SITE_LABELS = frozenset({"www", "com", "news", "berita", "online", "m"})


def _site_labels(url: str | None) -> list[str]:
    """The words of a URL's host that can name the site ("antaranews" of www.antaranews.com)."""
    if not url:
        return []
    host = url.partition("://")[2] or url
    host = host.split("/", 1)[0].split(":", 1)[0].lower()
    return [label for label in host.split(".") if len(label) >= 4 and label not in _NOT_SITE_LABELS]


def site_title(
    title: str | None, url: str | None, names: frozenset[str] = frozenset()
) -> str | None:
    """The headline without what the page title appended: the site's own name (its letters
    open with a word of the URL's host or one of the publisher's ``names``: " - ANTARA News"
    on antaranews.com) or a channel tag in brackets ("[METROTV]")."""
    if title is None:
        return None
    if title.endswith("]"):
        title = _TITLE_TAG.sub("", title).strip() or title
    cut = max(title.rfind(sep) for sep in _TITLE_SEPARATORS)
    if cut <= 0 or len(title) - cut > 45:
        return title  # no separator near the end: no suffix (cheaper than the regex)
    match = _TITLE_SUFFIX.search(title, cut)
    if match is None or match.start() == 0:
        return title
    site = "".join(ch for ch in match.group("site").casefold() if ch.isalnum())
    labels = [*_site_labels(url), *(n.casefold() for n in names if len(n) >= 4)]
    if site and any(site.startswith(label) for label in labels):
        return title[: match.start()].strip()
    return title


def after_title(line: str, title: str) -> str | None:
    """What follows the headline when a first line opens with the whole title and goes on in a
    standfirst (at least three more words, no sentence break between them), else None."""
    title_words = title.split()
    if len(title_words) < 3 or not line.startswith(title_words[0]):
        return None
    line_words = line.split(None, len(title_words))
    if len(line_words) <= len(title_words):
        return None
    if [w.casefold() for w in line_words[:-1]] != [w.casefold() for w in title_words]:
        return None
    rest = line_words[-1].strip()
    return rest if words(rest) >= 3 and rest[:1].isupper() else None


def is_headline(line: str) -> bool:
    """Whether a first line reads as a headline: short, no closing punctuation (an ellipsis is
    a headline the site cut short: "Megawati Ungkap Orang Luar Tak Bisa...")."""
    cut = line.rstrip(" .…") if line.endswith(("...", "…")) else line
    return (
        2 <= words(line) <= 30
        and len(line) <= 250
        and not cut.endswith((".", ",", ";", ":"))
        and boilerplate_rule(line, None) is None
        and parse_date_line(line) is None
    )


def is_caption(line: str, profile: Profile | None) -> bool:
    return (
        words(line) <= 12
        and len(line) <= 100
        and not line.endswith(_SENTENCE_END)
        and boilerplate_rule(line, profile) in (None, "photo_caption")
        and lead_in(line, profile)[2] == "none"
    )


def _generic_lead_in(paragraph: str) -> tuple[str, str | None, str] | None:
    """An outlet's lead-in in one of the forms news sites share, or None."""
    for rule, pattern in _OUTLET_LEAD_INS:
        match = pattern.match(paragraph)
        if match is not None and paragraph[match.end() :].strip():
            place = match.group("place") or match.groupdict().get("pre")
            place = place.strip(" ,.") if place and not _OUTLET_PLACE.search(place) else None
            return paragraph[match.end() :].strip(), place, rule
    return None


def _caps_place(paragraph: str, not_places: frozenset[str]) -> tuple[str, str | None, str] | None:
    """An upper-case dateline ("SEOUL - ", "KUALA LUMPUR 11 Mei -", "PUTRAJAYA: "), or None."""
    match = _CAPS_DATELINE.match(paragraph) or _CAPS_COLON_DATELINE.match(paragraph)
    if match is None:
        return None
    place = (match.group("place") or match.groupdict().get("glued") or "").strip(" .")
    if _OUTLET_PLACE.search(place):
        return paragraph[match.end() :].strip(), None, "outlet_lead_in"
    if sum(ch.isalpha() for ch in place) >= 3 and place not in not_places:
        return paragraph[match.end() :].strip(), place, "caps_dateline"
    return None


# The separator closing a lead-in of no known form: a dash with a space on one side at least
# ("Jakarta - ", "WowKeren -", "JAKARTA (Pos Kota) –") or a colon ("Kuala Lumpur: ")
# the site's name closed by a full stop before the story: "RMOLSumsel. Setelah ..."
_SITE_STOP = re.compile(r"^([A-Za-z][\w.]{2,30}?)\.\s+(?=[A-Z])")
_LEAD_SEP = re.compile(rf"{SP}*(?:--|—|–|-|:){SP}+|{SP}+(?:--|—|–|-){SP}*(?=[A-Z\"“‘])")
# a lead-in's parts: "INILAH, Bandung", "JAKARTA (Pos Kota)", "SURYA.co.id | SURABAYA"
_LEAD_PARTS = re.compile(r"\s*[,|()\[\]]\s*")
_PLACE_WORDS = re.compile(r"^[A-Z][A-Za-z'’.-]*(?: [A-Z][A-Za-z'’.-]*){0,2}$")
_DATED_PLACE = re.compile(rf"^(?P<place>.+?)(?:{_DAY_MONTH})$")
# words that make a "Word: " opening a label, not a place: an interview's, a photo's, a
# link's, a credit's, a rubric's ("Jawapan: ...", "Foto: ...", "Berita Terbaru – ...")
_LABEL_TEXT = (
    "soalan jawapan tanya jawab foto gambar pic photo video baca juga lihat simak oleh by editor"
    " penulis pewarta reporter sumber source berita terbaru terkini update kemaskini"
    " dikemaskini breaking info keputusan catatan nota kata firman sabda ulasan berkaitan opini"
    " kolum pengumuman iklan advertorial disclaimer peringatan perhatian keterangan ilustrasi"
    " tips cara langkah q a"
)
_LABEL_WORDS = frozenset(_LABEL_TEXT.split())
#: the lead-ins of no known form (``_named_lead_in``)
NAMED_LEAD_INS = frozenset({"site_lead_in", "place_lead_in"})
_QUOTE_OPENERS = ('"', "“", "‘", "'")
_PLACE_LEAD_WORDS = 8  # a place's lead-in opens a story's paragraph, never a short line
_STORY_END = (".", "!", '"', "”", "’", "'", ")")


def _is_site(part: str, site: frozenset[str]) -> bool:
    """Whether a lead-in's part spells one of the site's names ("INILAH" on inilahkoran.com,
    "Pos Kota" on poskotanews.com, "WowKeren")."""
    key = alnum(part)
    return len(key) >= 3 and any(
        key == name or (len(key) >= 4 and len(name) >= 4 and name.startswith(key)) for name in site
    )


def _is_place(part: str) -> bool:
    """Whether a lead-in's part reads as a place: one to three capitalized words, no label."""
    return (
        _PLACE_WORDS.match(part) is not None
        and sum(ch.isalpha() for ch in part) >= 3
        and not any(w.strip(".").casefold() in _LABEL_WORDS for w in part.split())
        and part.upper() not in _NOT_DATELINES
    )


def _named_lead_in(paragraph: str, site: frozenset[str]) -> tuple[str, str | None, str] | None:
    """A lead-in of no known form whose parts are the site's name and a place ("INILAH,
    Bandung - ", "Jakarta, Gesuri.id - ", "WowKeren - "): ``site_lead_in``; or a
    place alone, capitalized, with its date or before a colon or dash ("Kuala Lumpur: ",
    "Jakarta - ", "Kuala Lumpur 26 Okt. – "): ``place_lead_in``, for a story's paragraph only.
    A question after it is an interview's label ("UTUSAN : Apakah ...?"), not a lead-in."""
    sep = _LEAD_SEP.search(paragraph, 0, _LEAD_IN_CHARS)
    if sep is None or sep.start() == 0:
        return None
    head, rest = paragraph[: sep.start()], paragraph[sep.end() :].strip()
    if (
        not rest
        or rest.endswith(("?", ":"))
        or not (rest[0].isupper() or rest[0] in _QUOTE_OPENERS)
    ):
        return None
    parts = [p for p in _LEAD_PARTS.split(head) if p]
    if not parts or len(parts) > 3:
        return None
    # a domain names the site; without one, a part spelling the site's name does (a host's
    # regional label, "surabaya" of surabaya.tribunnews.com, stays a place beside a domain)
    # (a part with a lower-case word is a sentence that names a link: "Maklumat lanjut di
    # www.facebook.com/x - UTUSAN ONLINE" closes a story, it opens none)
    sites = [
        p
        for p in parts
        if re.search(_DOMAIN, p)
        and not any(w[:1].islower() and not re.search(_DOMAIN, w) for w in p.split())
    ] or [p for p in parts if _is_site(p, site)]
    places = []
    dated = False
    for part in parts:
        if part in sites:
            continue
        match = _DATED_PLACE.match(part)
        dated = dated or match is not None
        place = match.group("place").strip(" ,") if match else part
        if not _is_place(place):
            return None
        places.append(place)
    if sites and len(places) <= 1:
        return rest, places[0] if places else None, "site_lead_in"
    if len(places) != 1 or words(rest) < _PLACE_LEAD_WORDS or not rest.endswith(_STORY_END):
        return None  # a place's lead-in opens a story's paragraph, not a headline or a kicker
    if not dated and not places[0].isupper() and len(places[0].split()) > 2:
        return None  # "Peserta Editors Meeting: ...": a title-case place has one or two words
    return rest, places[0], "place_lead_in"


def labelled(paragraphs: list[str]) -> bool:
    """Whether paragraphs open with a "Name: " label: an interview or a list of items, whose
    first label ("Hassan: ...", "Pertahanan: ...") is no place."""
    return any(_LABEL_LINE.match(p) for p in paragraphs)


_LABEL_LINE = re.compile(rf"^[A-Z][\w'’.]*(?: [A-Z][\w'’.]*){{0,2}}{SP}?:{SP}")


# "[KEMASKINI] KUALA LUMPUR - ": an update tag before the lead-in
_UPDATE_TAG = re.compile(r"^\[\s*[A-Z][A-Z ]{2,20}\s*\]\s*")
# marks a scraper left invisible before the lead-in ("\u200eJERANTUT - ")
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\ufeff"


def lead_in(
    paragraph: str, profile: Profile | None, site: frozenset[str] = frozenset()
) -> tuple[str, str | None, str]:
    """(paragraph without its lead-in, dateline, which rule matched): ``_lead_in`` after
    invisible marks and an update tag ("[KEMASKINI] ") that may stand before the lead-in."""
    clean = paragraph.lstrip(_INVISIBLE)
    found = _lead_in(clean, profile, site)
    if found[2] in ("none", "leading_junk") and (tag := _UPDATE_TAG.match(clean)):
        then = _lead_in(clean[tag.end() :], profile, site)
        if then[2] in _STRONG_LEAD_INS:
            return then
    return (paragraph, None, "none") if found[2] == "none" else found


def _lead_in(
    paragraph: str, profile: Profile | None, site: frozenset[str] = frozenset()
) -> tuple[str, str | None, str]:
    """(paragraph without its lead-in, dateline, which rule matched).

    The profile's lead-ins first, then the forms sites share: an outlet's domain with or
    without a place ("jpnn.com, JAKARTA -", "JAKARTA, KOMPAS.com -"), a place and an agency
    ("Jakarta (ANTARA) -"), a place and an outlet ("Jakarta, CNN Indonesia --"), an upper-case
    place ("SEOUL - ", "KUALA LUMPUR 11 Mei -", "PUTRAJAYA:"), a lead-in whose words were lost.
    A lead-in without a place may be followed by one ("jpnn.com - JAKARTA - "). Then a lead-in
    of no known form that names the site (``site``: ``text.site_names``) or a place
    (``_named_lead_in``).
    """
    not_places = _NOT_DATELINES | (profile.not_datelines if profile else frozenset())
    found: tuple[str, str | None, str] | None = None
    for pattern in profile.lead_ins if profile else ():
        match = pattern.match(paragraph)
        if match:
            place = (match.group("place") or "").strip(" ,.") or None
            found = paragraph[match.end() :].strip(), place, "profile"
            break
    found = found or _generic_lead_in(paragraph)
    if found is not None:
        rest, place, rule = found
        then = _caps_place(rest, not_places) or _dotted_place(rest) if place is None else None
        return (then[0], then[1], rule) if then is not None else found
    named = None
    if any(mark in paragraph[:_LEAD_IN_CHARS] for mark in _LEAD_MARKS):
        named = _named_lead_in(paragraph, site)
        if named is not None and named[2] == "site_lead_in":
            return named  # "INILAH, Bandung - ": the site's name, then the place
    found = _caps_place(paragraph, not_places) or named
    if found is not None:
        return found
    alone = _place_and_site(paragraph, site)
    if alone is not None:
        return alone
    stop = _SITE_STOP.match(paragraph) if site else None
    if stop is not None and _is_site(stop.group(1), site):
        return paragraph[stop.end() :], None, "site_lead_in"  # "RMOLSumsel. Setelah ..."
    match = _LOST_LEAD_IN.match(paragraph)
    if match and paragraph[match.end() :].strip():
        return paragraph[match.end() :].strip(), None, "lost_lead_in"
    cleaned = LEADING_JUNK.sub("", paragraph)
    return cleaned, None, ("leading_junk" if cleaned != paragraph else "none")


# after an outlet's lead-in, a place in capitals closed by a full stop: "KONTAN.CO.ID - NEW
# YORK. Saham AS jatuh ..."
_DOTTED_PLACE = re.compile(
    rf"^(?P<place>[A-Z][A-Z'’]{{2,}}(?: [A-Z][A-Z'’]+){{0,2}})\.{SP}+(?=[A-Z\"“‘])"
)
_ALONE_WORDS = 6  # "Adelaide, NU Online": a place and the site's name, nothing else


def _dotted_place(rest: str) -> tuple[str, str | None, str] | None:
    """(the body, the place) of an upper-case place closed by a full stop, or None."""
    match = _DOTTED_PLACE.match(rest)
    if match is None or not rest[match.end() :].strip():
        return None
    return rest[match.end() :].strip(), match.group("place"), "caps_dateline"


def _place_and_site(paragraph: str, site: frozenset[str]) -> tuple[str, str | None, str] | None:
    """A lead-in standing as its own line, a place and the site's name ("Adelaide, NU Online",
    "Jakarta, NU Online"): ``("", place, "site_lead_in")``, or None."""
    if "," not in paragraph or words(paragraph) > _ALONE_WORDS:
        return None
    parts = [part.strip() for part in paragraph.split(",")]
    if len(parts) != 2 or not all(parts):
        return None
    for place, outlet in (parts, parts[::-1]):
        named = _is_site(outlet, site) or alnum(outlet.split()[0]) in site
        if named and _is_place(place) and not _is_site(place, site):
            return "", place, "site_lead_in"
    return None


#: lead-in rules that name a place or an outlet: strong enough to find below the first paragraph
_STRONG_LEAD_INS = frozenset(
    {
        "profile",
        "outlet_lead_in",
        "agency_lead_in",
        "place_outlet_lead_in",
        "caps_dateline",
        "site_lead_in",
    }
)
_ABOVE_LEAD_IN = 2  # paragraphs that may stand above the lead-in (a photo's caption or two)
_CAPTION_WORDS = 60  # a caption or standfirst above the lead-in is short
_LEAD_IN_CHARS = 80
_LEAD_IN_MARKS = ("-", "–", "—", ":", "Ä")  # "Ä": the mojibake dashes "‚Äì", "‚Äî"
_LEAD_MARKS = ("-", "–", "—", ":")


# who stands where in a photo: "(kiri)", "(dua, kanan)", "(tengah, baju kelabu)"
_POSITION = re.compile(
    r"\((?:[^()]{0,20}\b)?(?:kiri|kanan|tengah|depan|belakang|left|right|centre|center)\b"
    r"[^()]{0,30}\)",
    re.IGNORECASE,
)


def lead_in_below(
    body: list[str], profile: Profile | None, site: frozenset[str] = frozenset()
) -> tuple[int, tuple[str, str | None, str]] | None:
    """(index, ``lead_in`` result) of a lead-in opening the second or third paragraph when what
    stands above it is short: a photo's caption, the headline or a standfirst, set above the
    dateline by the page ("<caption>" then "IPOH - Kerajaan negeri ..."). None otherwise; a
    "lead-in" of a question ("UTUSAN: Apakah ...?") is an interview's label."""
    for k in range(1, min(_ABOVE_LEAD_IN, len(body) - 1) + 1):
        above = body[k - 1]
        if words(above) > _CAPTION_WORDS:
            return None
        if not any(mark in body[k][:_LEAD_IN_CHARS] for mark in _LEAD_IN_MARKS):
            continue  # every strong lead-in has its dash or colon near the start
        found = lead_in(body[k], profile, site)
        # a place alone ("Jakarta - ") is strong enough below what reads as captions only
        strong = found[2] in _STRONG_LEAD_INS or (
            found[2] == "place_lead_in" and all(_caption_only(line) for line in body[:k])
        )
        if strong and found[0] and not found[0].rstrip().endswith("?"):
            return k, found
    return None


def _caption_only(line: str) -> bool:
    """A caption above a place's lead-in, never an interview's question ("DW: ...?")."""
    return is_caption_above(line) and not line.endswith("?") and not _LABEL_LINE.match(line)


def is_caption_above(line: str) -> bool:
    """Whether a short paragraph above the lead-in reads as a caption (a sentence that ends, or
    a photo credit), not a standfirst (a headline-like line without a full stop)."""
    return (
        line.rstrip().endswith((".", "!", "?", ")", '"', "”"))
        or _POSITION.search(line) is not None
        or boilerplate_rule(line, None) == "photo_caption"
    )


def _credit(
    credit: str, own: frozenset[str] = frozenset()
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(editor initials or name, credited outlets) of a trailing "(...)" credit, or None.

    ``own`` holds the publisher's short names ("jpnn" in "(dil/jpnn)"): a part that is one
    of them names the outlet, not an editor."""
    credit = " ".join(credit.split())
    if any(word.lower() in _NOT_CREDIT_WORDS for word in credit.split()):
        return None
    if "/" not in credit:
        return (credit,), ()
    parts = [p.strip() for p in credit.split("/") if alnum(p)]  # "*/c11/ttg": no end mark
    if any(p.casefold() in own for p in parts[1:]):
        return tuple(p for p in parts if p.casefold() not in own), ()
    initials = tuple(p for p in parts if _INITIALS.match(p))
    outlets = tuple(p for p in parts if "." in p and not _NAME_WITH_INITIAL.match(p))
    names = tuple(p for p in parts if p not in initials and p not in outlets)
    return initials + names, outlets


# "- Bernama", "-- BERNAMA": an agency's sign-off on a line of its own; only after prose (a
# body whose list ends "- Transjakarta" keeps it)
_SIGN_OFF_LINE = re.compile(
    r"^(?:-{1,2}|–|—)\s*(?P<outlet>[A-Z][A-Z!]+(?: [A-Z][A-Z!]+){0,2}|[A-Z][a-z]+)"
    r"(?:\s+\d{1,2}/\d{1,2}/\d{2,4})?$"
)
_LIST_ITEM = ("-", "–", "—", "•", "*")
# a widget's label glued after the editor credit: "(dil/jpnn)Jangan Lewatkan Video Terbaru:"
_AFTER_CREDIT = re.compile(r"(?<=[)\]])[ \t]*[A-Z][^.!?()\[\]\"”]{2,80}$")
_TAIL = 300


def _closing(
    body: list[str], have_credit: bool, own: frozenset[str]
) -> tuple[re.Match[str], str] | None:
    """The furniture closing the last paragraph, with its rule, or None."""
    last = body[-1]
    if len(body) >= 2 and not body[-2].lstrip().startswith(_LIST_ITEM):
        match = _SIGN_OFF_LINE.match(last)
        if match is not None:
            return match, "sign_off"
    # every closing form is short: look at the paragraph's tail only (a whole-paragraph form,
    # such as an author's note, is under _TAIL characters)
    start = max(0, len(last) - _TAIL) if len(last) > 2 * _TAIL else 0
    ends, tail = _ends(last), last[start:]
    for rule, pattern, closers, needles in _END_CHECKS:
        if _may_close(ends, tail, closers, needles):
            match = pattern.search(last, start)
            if match is not None:
                return match, rule
    if have_credit:
        return None
    close = max(last.rfind(")"), last.rfind("]"))
    if 0 <= len(last) - close - 1 <= 82:  # a bracket closes near the end: a label after it?
        widget = _AFTER_CREDIT.search(last, close)
        if widget is not None and any(p.search(last[: widget.start()]) for p in _CREDITS):
            return widget, "widget"
    for pattern, bracket in zip(_CREDITS, ")]", strict=True):
        if bracket not in ends:
            continue
        match = pattern.search(last, start)
        if match is not None and _credit(match.group("credit"), own) is not None:
            return match, "editor_initials"
    return None


def _ends(text: str) -> str:
    """The characters a pattern anchored with ``$`` can end on: the last one, or the one before
    a final newline (where ``$`` also matches)."""
    return text[-2:] if text.endswith("\n") else text[-1:]


def _may_close(ends: str, tail: str, closers: str | None, needles: tuple[str, ...]) -> bool:
    """Whether an end rule can match at all: the text ends on one of the characters its
    pattern ends on, and holds one of the strings every match holds (plain tests, far cheaper
    than a ``$``-anchored search, which the regex engine retries from every position)."""
    if closers is not None and not any(ch in closers for ch in ends):
        return False
    return not needles or any(needle in tail for needle in needles)


_SIGN_OFF_BY = re.compile(r"(?:OLEH|Oleh)\s+(?P<by>[A-Z][A-Za-z.'’ ]{2,60})$")


def signed_off_by(closing: list[tuple[str, str]]) -> list[str]:
    """The writers a dated sign-off names ("- 16/8/2016- OLEH NOOR HASILAH ISMAIL")."""
    found = (_SIGN_OFF_BY.search(text) for text, rule in closing if rule == "dated_sign_off")
    return [_name_case(m.group("by").strip()) for m in found if m is not None]


def trailer(
    body: list[str], own: frozenset[str] = frozenset()
) -> tuple[tuple[str, ...], tuple[str, ...], list[tuple[str, str]]]:
    """What closes the body: editor credit ``(esn)``/``[ant]``, end marks ``(*)``, sign-offs
    (``- UTUSAN ONLINE``), advertorial labels, view counters, peeled off the end one after
    another: (editor initials, credited outlets, removed (text, rule) in document order).
    ``own`` holds the publisher's short names (see ``_credit``)."""
    initials: tuple[str, ...] = ()
    outlets: list[str] = []
    removed: list[tuple[str, str]] = []
    while body:
        last = body[-1]
        found = _closing(body, bool(initials), own)
        if found is None:
            break
        match, rule = found
        if rule == "editor_initials":
            credit = _credit(match.group("credit"), own)
            assert credit is not None  # checked by _closing
            initials, more = credit
            outlets.extend(more)
        elif rule == "sign_off":
            outlets.append(match.group("outlet"))
        # a pattern with a ``cut`` group removes that part only (the link before a sign-off
        # stays with its sentence)
        cut = "cut" if "cut" in match.re.groupindex else 0
        removed.insert(0, (match.group(cut).strip(), rule))
        body[-1] = last[: match.start(cut)].strip()
        if not body[-1]:
            body.pop()
    return initials, tuple(outlets), removed


# A signed statement or letter closes with the signer's block: a name (in capitals, or behind a
# form of address), the post and body they speak for, a date ("8 Ogos 2018 | 26 Zulkaedah
# 1439", "Bertarikh: 28 Januari, 2018"): "NAZMAN CHE IBERAHIM" / "Ketua Penerangan" / "Dewan
# Pemuda PAS Malaysia". Forms of address are not part of the name.
_ADDRESS_FORMS = ADDRESS_FORMS
_SIGNER_TITLED = re.compile(
    rf"^(?P<forms>(?:{_ADDRESS_FORMS}\s+)+)(?P<name>[A-Z][\w'’.@-]*(?:\s+[A-Za-z][\w'’.@/-]*){{1,7}}),?$",
    re.IGNORECASE,
)
_SIGNER_CAPS = re.compile(r"^\(?(?P<name>[A-Z][A-Z'’.@-]*(?:\s+[A-Z][A-Z'’.@/-]*){1,8})\)?,?$")
_YEAR = re.compile(r"\b(?:19|20|14)\d{2}\b")
_SIGNATURE_LINES = 5  # name, post, body, date, place at most
_SIGNATURE_WORDS = 15


def _short_unended(line: str) -> bool:
    """A line of a signature block: short, not a sentence (a date may close with a stop)."""
    if words(line) > _SIGNATURE_WORDS or len(line) > 120:
        return False
    return not line.endswith(("!", "?", '"', "”", ":")) and (
        not line.endswith(".") or _YEAR.search(line) is not None
    )


def _signer(line: str) -> str | None:
    """The name of a signature block's first line, without forms of address, or None."""
    caps = _SIGNER_CAPS.match(line)
    if caps is not None and sum(ch.isalpha() for ch in caps.group("name")) >= 6:
        forms = re.match(rf"^(?:{_ADDRESS_FORMS}\s+)+", caps.group("name"), re.IGNORECASE)
        name = caps.group("name")[forms.end() :] if forms else caps.group("name")
        return _name_case(name) if len(name.split()) >= 2 else None
    titled = _SIGNER_TITLED.match(line)
    if titled is not None and not _YEAR.search(line):
        return titled.group("name").strip(" ,")
    return None


def signature(body: list[str]) -> tuple[str | None, list[str]]:
    """(the signer's name, the lines removed) of a signature block closing the body.

    The block is the name line and every line after it, two to five lines, each short and not
    a sentence; its first line must be a name (in capitals, or behind a form of address), so a
    list closing the body ("vii. Rasau Kertih") is never one. The body keeps a paragraph.
    """
    if len(body) < 3 or len(body[-1]) > 120 or len(body[-2]) > 120:
        return None, []  # most bodies end in prose: no block
    for size in range(2, min(_SIGNATURE_LINES, len(body) - 1) + 1):
        block = body[-size:]
        if not all(_short_unended(line) for line in block):
            return None, []
        name = _signer(block[0])
        if name is not None:
            del body[-size:]
            return name, block
    return None, []


def _name_case(name: str) -> str:
    """ "FIKRI ARIGI" -> "Fikri Arigi"; initials stay ("KARANA WW" -> "Karana WW")."""
    return " ".join(
        w if len(w) <= 3 and not set(w.lower()) & set("aeiou") else w.title() for w in name.split()
    )


def caps_credit(body: list[str]) -> tuple[list[str], list[str], list[str]]:
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
