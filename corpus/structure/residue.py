"""Page residue any site leaves, recognised by its shape rather than by a site's strings.

A share bar (a line made only of share buttons' labels, platform names and counters), what an
embedded post leaves (a tweet's text ending in its picture or short link, the tweet's "— Name
(@handle) date" line, a line of hashtags, a "requires JavaScript" placeholder), a media credit on
its own line ("Video oleh NAME", "Fotobyline NAME"), and a closing note on who the writer is
("NAME ialah pensyarah ...", "Penulis ialah ...", "* The writer is ...").
"""

from __future__ import annotations

import re

from corpus.structure.text import ADDRESS_FORMS

# --------------------------------------------------------------------------- share bars

# what a share bar's buttons say: the verbs and the platforms (case-folded, punctuation
# stripped); a bar may also hold counters ("2.3k") and the page's date ("10/07/18")
_SHARE_VERBS = frozenset(
    [
        "share",
        "shares",
        "bagikan",
        "kongsi",
        "tweet",
        "tutup",
        "close",
        "email",
        "e-mail",
        "print",
        "cetak",
    ]
)
_PLATFORMS = frozenset(
    [
        "facebook",
        "twitter",
        "whatsapp",
        "linkedin",
        "pinterest",
        "telegram",
        "google+",
        "google",
        "reddit",
        "tumblr",
        "messenger",
        "line",
    ]
)
_SHARE_FILLERS = frozenset(["this", "article", "post", "on", "via", "to", "ini", "artikel"])
_COUNTER = re.compile(r"^\d[\d.,]*[kKmM]?$|^\d{1,2}/\d{1,2}/\d{2,4}$|^\d{1,2}[:.]\d{2}$")
_SHARE_BAR_WORDS = 12


def is_share_bar(line: str) -> bool:
    """A line made only of share buttons: "2.3k SHARES Share Tweet Whatsapp", "Bagikan:
    Facebook Twitter Google+", "10/07/18 Bagikan Tutup" (at least one share verb, or two
    platforms; nothing a sentence would hold)."""
    tokens = line.split()
    if not 2 <= len(tokens) <= _SHARE_BAR_WORDS:
        return False
    verbs = platforms = 0
    for raw in tokens:  # a sentence fails on its first word: no list is built
        token = raw.strip(":|·•,").casefold()
        if not token:
            continue
        if token in _SHARE_VERBS:
            verbs += 1
        elif token in _PLATFORMS:
            platforms += 1
        elif not (token in _SHARE_FILLERS or _COUNTER.match(token)):
            return False
    return verbs >= 1 or platforms >= 2


# --------------------------------------------------------------------------- embeds

# A post embedded from a social network, as a scraper flattens it: the post's text ending in its
# picture or short link ("... God Bless! pic.twitter.com/bqjRcWqp"), the "— Name (@handle) July
# 6, 2018" line under it, a line of hashtags only, a player's "requires JavaScript" placeholder.
_POST_LINK = re.compile(r"(?:^|\s)(?:pic\.twitter\.com|https?://t\.co)/\w+$")
_POST_SIGNED = re.compile(
    r"^[—–-]\s*[^()]{1,60}\(@\w{1,30}\)\s+"
    r"(?:[A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})$"
)
_HASHTAGS = re.compile(r"^#\w+(?:\s+#\w+){0,9}$")
_NEEDS_SCRIPT = re.compile(
    r"^(?:Please\s+)?(?:enable|turn on)\s+JavaScript\b.{0,60}$"
    r"|^This\s+(?:slideshow|video|content|page|player)\s+requires\s+JavaScript\.?$",
    re.IGNORECASE,
)
_POST_CHARS = 450  # a post's text (280 characters at most) and its link


def is_embed_residue(line: str) -> bool:
    """What an embedded post or player leaves on a line of its own (needles first: most lines
    hold none of them)."""
    if len(line) > _POST_CHARS:
        return False
    if ("twitter.com/" in line or "t.co/" in line) and _POST_LINK.search(line):
        return True
    if "(@" in line and _POST_SIGNED.match(line):
        return True
    if line.startswith("#"):
        return _HASHTAGS.match(line) is not None
    needle = "avaScript" in line or "avascript" in line or "AVASCRIPT" in line
    return needle and _NEEDS_SCRIPT.match(line) is not None


# A credit for a video, photo or graphic on a line of its own: "Video oleh ASWAD YAHYA", "Video
# ihsan PEMBACA UTUSAN", "Fotobyline NIZAM YATIM", "Foto Ghazali Kori", "Photo by Jane Doe"
MEDIA_CREDIT = re.compile(
    r"^(?:Video|Foto|Fotobyline|Photo|Gambar|Grafik|Infografik|Infographic)"
    r"(?:\s+(?:oleh|ihsan|by|courtesy\s+of|kredit)\b\s*:?|\s*:)?"
    r"\s+[A-Z][\w.'’@/-]*(?:\s+(?:[A-Z][\w.'’@/-]*|bin|binti|bt|a/l|a/p)){0,6}\.?$"
)

# --------------------------------------------------------------------------- a writer's bio

_ADDRESS = re.compile(rf"^(?:(?:{ADDRESS_FORMS}|Emeritus)\s+)+", re.IGNORECASE)
_CAPS_WORD = r"[A-Z][A-Z'’.@/-]*"
# how a bio goes on after the name: "is", "a", "former", "or" (a pen name), "child of", or the
# role itself; a report goes on with a verb ("DPP KNPI juga menegaskan ...")
_WHO = (
    r"ialah|adalah|merupakan|seorang|bekas|mantan|atau|anak|kini|is|was|a|an|the|former"
    r"|penulis|pembaca|pensyarah|wartawan|ketua|ahli|felo|pengarah|penganalisis|aktivis"
)
# "DR. AHMAD ZAHARUDDIN SANI AHMAD SABRI ialah Pengarah ...", "AL-ABROR MOHD YUSUF ialah
# wartawan Malaysiakini.", "MOHD MUSTAQIM MURADI anak Sarawak dan pembaca Malaysiakini.": the
# Malaysian opinion page's closing line, the writer's name in capitals, then who they are
_CAPS_BIO = re.compile(
    rf"^(?:\*+\)?\s*)?(?P<name>{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{1,8}})\s+(?:{_WHO})\b[^\"“”]*$"
)
# "Penulis ialah Pensyarah Kanan ...", "PENULIS ialah ...", "* The writer is Astro AWANI's
# Business Desk Editor.": the same note without the name
_WRITER_BIO = re.compile(
    r"^(?:\*+\)?\s*)?(?:Penulis|PENULIS|The writer|The author|The columnist)\s+"
    r"(?:ialah|adalah|merupakan|is|was)\b[^\"“”]*$"
)
# "M. Fakhru Riza, penulis adalah pegiat di ...", "Jane Doe, the writer is ...": the note with
# the name in title case, then a comma and "the writer is"
_NAMED_BIO = re.compile(
    r"^(?:\*+\)?\s*)?(?P<name>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|bin|binti)){1,5}),\s+"
    r"(?i:penulis|the writer|the author|pengarang)\s+(?i:ialah|adalah|merupakan|is|was)\b[^\"“”]*$"
)
# what follows a name in a bio, never in a report ("AHMAD berkata ...")
_SAID = re.compile(r"\b(?:berkata|katanya|said|says|memberitahu|told)\b")
_BIO_WORDS = 45  # a bio is a line or two; a report's closing paragraph can be as short
_BIO_NAME_LETTERS = 6


def _bio_name(line: str) -> tuple[bool, str | None]:
    """Whether ``line`` is a closing note on the writer, and the writer's name it gives."""
    # the anchored forms first: most closing paragraphs fail on their first characters
    writer = _WRITER_BIO.match(line)
    match = None if writer else _CAPS_BIO.match(line) or _NAMED_BIO.match(line)
    if (writer is None and match is None) or len(line.split()) > _BIO_WORDS or _SAID.search(line):
        return False, None
    if match is None:
        return True, None
    raw = match.group("name")
    name = _ADDRESS.sub("", raw.title() if raw.isupper() else raw).strip(" .,")
    # a name, not an acronym pair ("BN PAS"): two words, letters enough
    words = name.split()
    if len(words) < 2 or sum(ch.isalpha() for ch in name) < _BIO_NAME_LETTERS:
        return False, None
    return True, name


def writer_bio(body: list[str]) -> tuple[str | None, list[str]]:
    """A closing note on who wrote the piece, cut from the end of ``body``: (name or None, the
    lines). The note may run over two lines ("Penulis ialah Pensyarah Kanan" + "Fakulti ...");
    only the last two paragraphs are looked at, and never the body's only paragraph."""
    if len(body) < 2:
        return None, []
    for back in (1, 2):
        is_bio, name = _bio_name(body[-back])
        if not is_bio:
            continue
        if back == 2 and len(body[-1].split()) > 20:
            return None, []  # a story paragraph after it: the line is the story's
        lines = body[-back:]
        del body[-back:]
        return name, lines
    return None, []


# --------------------------------------------------------------------------- writer/editor

# "... kata Maulana. (Syamsul Hadi/Abdullah Alawi)": the writer and the editor in brackets
# closing the story, full names (an editor's code, "(dil/jpnn)", is the trailer's); the writer
# has two words at least, so "(Reuters/AFP)" (sources) is no credit of people
_NAME_WORD = r"[A-Z][a-z'’]+\.?"
_WRITER_EDITOR = re.compile(
    rf"(?:^|(?<=[.!?\"”’)\]]))\s*\((?P<writer>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})\s*/\s*"
    rf"(?P<editor>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})\)$"
)


def writer_editor(body: list[str]) -> tuple[str, str, str] | None:
    """(writer, editor, the credit) of a closing "(Writer Name/Editor Name)" credit, cut from
    the end of the body's last paragraph (the paragraph goes when nothing else is left)."""
    if not body or not body[-1].endswith(")"):
        return None
    match = _WRITER_EDITOR.search(body[-1])
    if match is None:
        return None
    rest = body[-1][: match.start()].rstrip()
    if rest:
        body[-1] = rest
    else:
        body.pop()
    return match.group("writer"), match.group("editor"), match.group().strip()


# "... tandas dia. (Yendhi/b)", "... (Hardianto/balipost)": the writer's name and the desk's
# code (or the outlet) in brackets closing the story; "... ujarnya. (Joko)": a short name alone,
# the desk's code for the writer (never an agency: "(Antara)", "(Reuters)" are sources). The
# scraper may have cut the closing bracket ("(Yendhi/b").
_WRITER_CODE = re.compile(
    r"(?:^|(?<=[.!?\"”’]))\s*\((?P<writer>[A-Z][a-z'’]{3,}(?:\s+[A-Z][a-z'’]+){0,2})"
    r"(?:\s*/\s*(?P<code>[a-z][a-z0-9.-]{0,15})\)?|\))$"
)
# an agency ("(Antara)" is a source), the story's own end mark ("(Bersambung)") or a photo's
# label ("(Foto Ilustrasi)"): no writer and no code
_NOT_WRITER = frozenset(
    {"antara", "reuters", "bernama", "xinhua", "kyodo", "yonhap", "sumber", "foto", "ilustrasi"}
    | {"video", "gambar", "dok", "bersambung", "tamat", "selesai", "habis", "end", "update"}
)


def writer_code(body: list[str]) -> tuple[str | None, str, str] | None:
    """(writer or None, the desk's code, the credit) of a closing "(Name/code)" or "(Name)"
    credit, cut from the end of the body's last paragraph (never the body's only paragraph).
    "(Name/code)": the name is the writer's; "(Name)" alone is the code a desk signs with."""
    if len(body) < 2 or "(" not in body[-1][-40:]:
        return None
    match = _WRITER_CODE.search(body[-1])
    if match is None:
        return None
    names = match.group("writer").casefold().split()
    if any(word in _NOT_WRITER for word in names) or (match.group("code") is None and names[1:]):
        return None  # a code alone is one word: "(Joko)", never "(Foto Ilustrasi)"
    rest = body[-1][: match.start()].rstrip()
    if rest:
        body[-1] = rest
    else:
        body.pop()
    writer, code = match.group("writer"), match.group("code")
    if code is None:
        return None, writer, match.group().strip()
    return writer, code, match.group().strip()


__all__ = [
    "MEDIA_CREDIT",
    "is_embed_residue",
    "is_share_bar",
    "writer_bio",
    "writer_code",
    "writer_editor",
]
