"""Boilerplate rules: whole lines that are furniture, fragments glued inside a paragraph, footers."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

from corpus.structure.patterns import first_char
from corpus.structure.profiles import Profile
from corpus.structure.residue import MEDIA_CREDIT, is_embed_residue, is_share_bar
from corpus.structure.text import words

_SHORT_RESIDUE = 120  # characters: a share bar or a media credit is shorter

# --------------------------------------------------------------------------- generic rules

#: an upper-case site name and a comma before a by-line ("REPUBLIKA.CO.ID, Oleh: ...")
SITE_PREFIX = r"(?:[A-Z][A-Z0-9-]*\.(?:CO\.ID|COM|ID|MY|NET)\s*,\s*)"
# a by-line's role after the name: ", wartawan Republika.co.id", ", koresponden di Kairo"
_ROLE_TAIL = (
    r",\s*(?i:wartawan|reporter|koresponden|kontributor|jurnalis|penulis|staff writer"
    r"|correspondent)\b[^,;!?]{0,50}"
)

# Whole lines that are page furniture on any site, by name (the name says why it is not body).
GENERIC_BOILERPLATE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "read_more",
        re.compile(
            # "Baca juga, <headline>" (Republika), a lower-case "baca juga:" line
            r"^(?:[Bb]aca|[Ll]ihat)\s+[Jj]uga\s*(?:[:,].*)?$|^(?:BACA|LIHAT) JUGA\b.*$"
            # "Baca: <headline>" (Tribunnews, Malaysian papers), "Baca:" whose link was dropped,
            # "Baca juga artikel terkait <topic>"
            r"|^(?:Baca|BACA|Lihat|LIHAT)\s*:(?:\s*[\"“'‘A-Z0-9].{0,200})?$"
            r"|^(?:Baca|Lihat)\s+[Jj]uga\s+(?:artikel|berita|tulisan)\b.{0,200}$"
        ),
    ),
    # the English prompts: "Read also: <headline>", "ALSO READ"
    (
        "read_more",
        re.compile(r"^(?:Also [Rr]ead|Read [Aa]lso|ALSO READ|READ ALSO)\b\s*:?.{0,250}$"),
    ),
    # "[Baca berita penuh]", "[Read more]": a link whose target the scraper dropped
    ("read_more", re.compile(r"^\[(?:Baca|Read|Lihat)\b[^\]]{0,60}\]$")),
    # a label over related links: "Berita berkaitan", "Artikel Terkait", "Berita Lainnya:"
    (
        "related_label",
        re.compile(
            r"^(?:Berita|Artikel|Bacaan|Video)\s+(?:[Bb]erkaitan|[Tt]erkait|[Ll]ainnya|[Pp]ilihan)"
            r"\s*:?$|^Related\s+(?:[Ss]tor(?:y|ies)|[Aa]rticles?|[Nn]ews)\s*:?$"
            # "Tajuk Berita Terkini", "Latest News": a list of the site's other headlines
            r"|^(?:Tajuk\s+)?Berita\s+(?:Terkini|Terbaru|Popular|Populer)\s*:?$"
            r"|^(?:Latest|Most Popular|Trending)\s+(?:News|Stories|Articles)\s*:?$"
            r"|^(?:You [Mm](?:ay|ight) [Aa]lso [Ll]ike|YOU M(?:AY|IGHT) ALSO LIKE)\s*:?$"
        ),
    ),
    # a font-size widget: "A- A+ (Ubah saiz teks)", "A+ A-"; a share widget label: "Bagikan :"
    (
        "page_widget",
        re.compile(
            r"^(?:A[-+−]\s*){2}(?:\([^()]{0,40}\))?$"
            r"|^(?:Bagikan|Share)(?:\s+(?:melalui|ke|via|on|this))?\s*:?$"
        ),
    ),
    # an e-mail form's labels ("To: Cc: Subject: <headline>"), a time stamp relative to the
    # crawl ("26minit lalu", "3 hours ago"), a reaction poll's items ("Ngakak! 7%", "Marah 30%
    # Share This Article"); a video carousel's item is a ``NEEDLED`` rule
    (
        "page_widget",
        re.compile(
            r"^To:\s*Cc:\s*Subject:.{0,200}$"
            r"|^\d{1,3}\s*(?:minit|menit|jam|hari|saat|detik|mins?|minutes?|hours?|days?)"
            r"\s+(?:yang\s+)?(?:lalu|ago)$"
            r"|^[A-Z][a-z]+(?:!\s*\d{1,3}%|\s+\d{1,3}%\s+Share This (?:Article|Post))$"
        ),
    ),
    # a widget's placeholder left where a script would have loaded: "Loading...", "Memuat…"
    ("page_widget", re.compile(r"^(?:Loading|LOADING|Memuat)\s*(?:\.{2,}|…)$")),
    # share buttons' labels: "Click to share on Twitter (Opens in new window)", "You can share
    # this post!"
    (
        "page_widget",
        re.compile(
            r"^Click to (?:share|email|print)\b.{0,60}\(Opens in new window\)$"
            r"|^You can share this (?:post|article)!?$"
        ),
    ),
    # a photo's credit and caption as BBC pages print them: "Hak atas foto Getty Images Image
    # caption <caption>", "Image copyright Reuters Image caption <caption>"
    ("photo_caption", re.compile(r"^(?:Hak atas foto|Image copyright)\b.{0,300}$")),
    # "Tulisan ini tidak semestinya mencerminkan pendirian rasmi Malaysiakini.": an opinion
    # page's disclaimer
    (
        "disclaimer",
        re.compile(
            r"^(?:\*+\)?\s*)?(?:Rencana|Tulisan|Artikel|Pandangan|Kolom|Opini|Views|The views|This"
            r"|Isi|Tulisan ini)\b.{0,150}\b(?:tidak semestinya|tidak selalu|belum tentu|tidak"
            r" mewakili|tidak mencerminkan|(?:does|do) not necessarily)\b.{0,200}$",
            re.IGNORECASE,
        ),
    ),
    # The Conversation's disclosure heading and licence prompt under each piece (the
    # disclosure itself is a ``NEEDLED`` rule)
    (
        "disclaimer",
        re.compile(r"^Disclosure statement$|^Republish our articles for free\b.{0,200}$"),
    ),
    # "PERINGATAN: AgendaDaily tidak bertanggungjawab terhadap komentar ...": the comment
    # section's notice under the story
    (
        "disclaimer",
        re.compile(
            r"^(?:PERINGATAN|Peringatan|Perhatian|PERHATIAN|Disclaimer|DISCLAIMER|Penafian)\s*:"
            r".{0,80}\b(?:tidak bertanggung\s?jawab|not responsible)\b.{0,400}$"
        ),
    ),
    # "Feature Image Credit: ...", "Sumber gambar: allesandrobenetton": a picture's credit
    (
        "media_credit",
        re.compile(
            r"^(?:(?:Featured?|Header|Cover|Top)\s+)?(?:[Ii]mage|[Pp]hoto|[Pp]icture)\s+[Cc]redits?\b"
            r".{0,150}$|^(?:Sumber|Kredit|SUMBER)\s+(?:[Gg]ambar|[Ff]oto|[Ii]lustrasi)\s*:.{1,100}$"
        ),
    ),
    # the comment box under a story ("Komentar Anda", "Tulis Komentar", "Leave a Reply"), a
    # reaction poll ("Apa Reaksi Anda ? 100% Suka 0% Lucu ..."); a view counter is ``NEEDLED``
    (
        "page_widget",
        re.compile(
            r"^(?:Komentar Anda|Tulis [Kk]omentar|Berikan [Kk]omentar|Leave a ([Cc]omment|[Rr]eply))"
            r"\s*:?$|^(?:Apa |Pilih )?Reaksi (?:Anda|Kamu)\b.{0,120}$"
        ),
    ),
    ("advertisement", re.compile(r"^(?:Advertisement|ADVERTISEMENT)$")),
    ("scroll_prompt", re.compile(r"^SCROLL TO CONTINUE WITH CONTENT$", re.IGNORECASE)),
    ("embed_placeholder", re.compile(r"^\[Gambas:[^\]]*\]$")),
    (
        "video_promo",
        re.compile(
            r"^(?:Simak|Lihat|Tonton|Saksikan)(?:\s+juga)?\s+[Vv]ideo\b.{0,250}$"
            # "Saksikan cuplikan pertandingan ... dengan kualitas HD di sini": a link to video
            r"|^(?:Saksikan|Tonton)\b.{0,200}\bdi sini\.?$"
        ),
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
    (
        "syndication",
        re.compile(r"^(?:Artikel|Berita) ini (?:telah|sudah|pertama kali|lebih dulu)\b.{0,250}$"),
    ),
    (
        "continue_prompt",
        re.compile(
            r"^(?:Baca|Simak)(?:\s+berita)?\s+selengkapnya"
            r"(?:\s*(?:di|pada|melalui|dalam)\b.{0,60})?[.!:]?$"
            # "Ikuti berita selanjutnya di KOSMO! hari ini.": the print edition's teaser
            r"|^(?:Ikuti|Baca|Dapatkan)\s+(?:berita|laporan|kisah)\s+(?:selanjutnya|penuh|lanjut|"
            r"lengkap)(?:nya)?\b.{0,60}$"
        ),
    ),
    (
        "channel_prompt",
        re.compile(
            r"^(?:Ikuti|Follow|Gabung|Bergabung(?:lah)?|Simak|Dapatkan|Klik|Yuk|Daftar(?:kan)?"
            r"|Berlangganan|Langganan|Subscribe|Sign up|Cek)\b.{0,250}"
            r"\b(?:WhatsApp|Google News|Telegram|newsletter|buletin|inbox|kotak masuk)\b.{0,150}$",
            re.IGNORECASE,
        ),
    ),
    ("social_embed", re.compile(r"^(?:A post shared by|View this post on Instagram)\b.*$")),
    (
        "credit_line",
        re.compile(
            r"^(?:Editor|Penulis|Reporter|Pewarta|Redaktur|Penyunting|Wartawan|Rep|Red|Publisher)"
            r"(?:\s*[/&]\s*Editor)?\s*:\s*\S.{0,60}$",
            re.IGNORECASE,
        ),
    ),
    # "Oleh: Toto Sugiarto", "OLEH NOOR HASILAH", "By Name (The Quint)": a byline on its own
    # line (its name goes to authors); never "Oleh itu, ..." ("therefore"): a name is capitalized
    (
        "credit_line",
        re.compile(
            # (maybe behind the site's lead-in: "REPUBLIKA.CO.ID, Oleh: Name, wartawan ...")
            rf"^{SITE_PREFIX}?(?:Oleh|OLEH|By|BY)\s*:?\s+[A-Z][\w.'’-]*"
            r"(?:\s+(?:[A-Z][\w.'’-]*|bin|binti|bt))"
            rf"{{0,5}}(?:\s*\([^()]{{1,40}}\)|{_ROLE_TAIL})?$"
        ),
    ),
    # "Mohammad Akbar, wartawan Republika.co.id": the writer's name and role on their own line
    (
        "credit_line",
        re.compile(rf"^[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|bin|binti|bt)){{1,4}}{_ROLE_TAIL}$"),
    ),
    # "Laporan Wartawan Tribunnews.com, Danang Triatmojo": the byline (its name goes to authors)
    (
        "byline",
        re.compile(
            r"^(?i:Laporan\s+(?:Wartawan|Reporter|Koresponden|Kontributor))\b[^,]{0,60},\s*[A-Z]"
        ),
    ),
    # "sumber : Antara", "Sumber: Reuters, AFP" closing a body (the outlets go to cited_sources)
    # also the English "Source: Lowyat" and a bracketed "(sumber: Portal Rasmi Fatwa Malaysia)."
    (
        "source_credit",
        re.compile(
            r"^(?:Sumber|SUMBER|sumber)\s*:\s*[A-Z][\w.&' ,/-]{1,60}$"
            r"|^\(?(?:Sumber|SUMBER|sumber|Source|SOURCE)\s*:\s*[A-Z][\w.&' ,/-]{1,60}\)\.?$"
            r"|^(?:Source|SOURCE)\s*:\s*[A-Z][\w.&' ,/-]{1,60}$"
        ),
    ),
    # a bare "Sumber" label whose linked source the scraper dropped
    ("source_credit", re.compile(r"^(?:Sumber|SUMBER|Source)\s*:?$")),
)
# Fragments inside a paragraph that are furniture: removed and kept in ``boilerplate``. Each comes
# with its rule name and a substring it needs, checked first because most paragraphs have none.
GENERIC_INLINE_BOILERPLATE: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    # page furniture a scraper glued between two sentences of a flattened paragraph ("...
    # Senin (30/6). ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT Walid menambahkan ..."): cut
    # out, the sentences on both sides stay (joined by one space)
    (
        "inline_ad",
        "SCROLL",
        re.compile(r"[ \xa0]*(?:ADVERTISEMENT[ \xa0]+)?SCROLL TO CONTINUE WITH CONTENT[ \xa0]*"),
    ),
    ("inline_embed", "[Gambas", re.compile(r"[ \xa0]*\[Gambas:[^\]]{0,80}\][ \xa0]*")),
    # "(Baca juga: <headline>)", "(baca juga : <headline>)", "(Baca pula: <headline>)"
    (
        "inline_read_more",
        "uga",
        re.compile(r"\s*\((?:[Bb]aca|[Ll]ihat)\s+[Jj]uga\s*:[^()]*\)"),
    ),
    ("inline_read_more", "aca pula", re.compile(r"\s*\([Bb]aca\s+pula\s*:[^()]*\)")),
    # "... dari Inggris. Penulis: rzn/yf (dari berbagai sumber)": a credit glued after the
    # paragraph's last sentence (desk codes or a name, maybe its sources in brackets)
    *(
        (
            "credit_line",
            label,
            re.compile(
                rf"(?<=[.!?\"”’])\s*{label}\s*:\s*(?:[a-z]{{2,5}}\d{{0,3}}(?:\s*/\s*[a-z]{{2,5}}\d{{0,3}})*"
                r"|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})(?:\s*\([^()]{0,60}\))?$"
            ),
        )
        for label in ("Penulis", "Reporter", "Pewarta", "Editor")
    ),
    # "...(Nur Ika Anisa), Artikel ini telah tayang di surya.co.id dengan judul ...": the
    # syndication note a comma join glued after a credit or a sentence
    (
        "syndication",
        "tayang",
        re.compile(
            r"(?<=[.!?\"”’)\]])[\s,]*(?:Artikel|Berita) ini (?:telah |sudah )?tayang (?:di|pada)\b"
            r".{0,300}$"
        ),
    ),
    # "(Baca: <Headline>)", "(Baca lagi: http...)": a capitalized "Baca" and a headline or a
    # link (the idiom "(baca: polisi)", "that is", is lower case and stays)
    (
        "inline_read_more",
        "(Baca",
        re.compile(r"\s*\(Baca(?:\s+lagi)?\s*:\s*(?:[A-Z0-9\"“‘']|https?:)[^()]*\)"),
    ),
    # "(lihat klasemen)": a link's prompt in brackets
    ("inline_read_more", "(lihat ", re.compile(r"\s*\(lihat\s+[^()]{1,40}\)")),
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
INLINE_PROMPT = re.compile(
    r"(?:^|(?<=[.!?,;\"”’')\]])|(?<=[a-z0-9]))[ \xa0]*"
    r"(?:Baca|BACA|Lihat|LIHAT)[ \xa0]+(?:[Jj]uga|JUGA)(?:[ \xa0]*[:;])?[ \xa0,]*"
)
# Where one glued headline ends and the next text starts: a lower-case word of 4+ letters (or a
# digit, "!", "?") directly followed by a capitalized word or an opening quote ("TikusAdapun").
_GLUE = re.compile(r"(?:(?<=[a-z]{4})|(?<=[0-9!?]))(?=[A-Z][a-z]|[\"“‘])")
LEADING_PROMPT = re.compile(r"^(?:Baca|BACA|Lihat|LIHAT)[ \xa0]*(?:[Jj]uga|JUGA)")
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


# Rules whose pattern can match a line of any length; every other generic rule is bounded
# (a prompt, a label, a credit), so a long paragraph skips them.
_UNBOUNDED = frozenset({"read_more", "byline", "social_embed"})
_LONG = 600  # characters: longer than any bounded generic rule matches


def _combined(rules: Sequence[tuple[str, re.Pattern[str]]]) -> re.Pattern[str]:
    """One pattern trying the rules in order (``g<i>`` is rule i): one match call a line."""
    parts = []
    for i, (_, pattern) in enumerate(rules):
        body = f"(?i:{pattern.pattern})" if pattern.flags & re.IGNORECASE else pattern.pattern
        parts.append(f"(?P<g{i}>{body})")
    return re.compile("|".join(parts))


_BOUNDLESS = tuple((n, p) for n, p in GENERIC_BOILERPLATE if n in _UNBOUNDED)
# the characters each rule's match can open on (None: any), from its parse tree
_OPENINGS = {id(p): first_char(p) for _, p in GENERIC_BOILERPLATE}


@functools.lru_cache(maxsize=4096)
def _rules_opening(char: str, long: bool) -> tuple[tuple[str, ...], re.Pattern[str] | None]:
    """The generic rules that can match a line opening on ``char`` (longer than ``_LONG`` or
    not), in order, as names and one combined pattern (None when no rule can): a line's first
    character rules out most of them, where the full combined pattern tried every one."""
    rules = tuple(
        (name, p)
        for name, p in (_BOUNDLESS if long else GENERIC_BOILERPLATE)
        if (opens := _OPENINGS[id(p)]) is None or opens.fullmatch(char)
    )
    return tuple(name for name, _ in rules), (_combined(rules) if rules else None)


def _generic_rule(line: str) -> str | None:
    names, combined = _rules_opening(line[:1], len(line) > _LONG)
    match = combined.match(line) if combined is not None else None
    if match is None:
        return None
    # the rule's own group closes last, after any group inside it: it is ``lastgroup``
    return names[int(str(match.lastgroup)[1:])]


# A photo's caption with its credit glued on: "Ilustrasi militer AS. (Foto: Pixabay)",
# "Petugas memeriksa kendaraan di Jakarta. ANTARA FOTO/Aditya Pradana" (goes to captions). Matched
# at the line's end, only on short lines that name a photo (a needle check first).
_PHOTO_CAPTION = re.compile(
    r"(?:[(\[](?:Foto|FOTO|Photo|Dok|DOK|Sumber [Ff]oto)\s*[:/.]\s*[^()\[\]]{1,80}[)\]]"
    r"|(?<![a-z] )\b(?:[A-Z]+ )?(?:FOTO|Foto|Photo)\s*/\s*[A-Z][\w .'’-]{1,60})\.?$"
)
# Malaysian papers: "... hari ini. - Foto Bernama", "-Foto Sinar Harian oleh X", "- Gambar
# hiasan", "... hari ini. FOTO Zulfadhli Zulkifli", "Foto oleh ROY AZIS", "Foto: Name", "...
# bantuan. Gambar hiasan"; or the credit or "file photo" on a line of its own ("Gambar fail")
_PHOTO_CREDIT = re.compile(
    r"(?:(?:(?<=[.!?\"”’)])|\s)\s*[-–—]\s?(?:Foto|FOTO|Gambar|GAMBAR)\b[^.!?()]{1,70}"
    r"|(?<=[.!?\"”’])\s+(?:(?:Foto|FOTO)(?:\s*[:-]\s*|\s+oleh\s+|\s+)[A-Z][\w.'’/ -]{1,60}"
    r"|Gambar\s+(?:hiasan|fail)|Gambar\s*(?:oleh|:)\s*[A-Z][\w.'’/ -]{1,60})"
    r"|^(?:(?:Foto|FOTO)\s*:\s*[A-Z][\w.'’/ -]{1,60}|(?:Gambar|Foto)\s+(?:hiasan|fail)))\.?$"
)
_PHOTO_TAIL = 180  # every credit form is shorter: search the line's end only


# a caption closed by its credit in brackets: the photographer and the site ("Ustaz Solmed
# (Galih W. Satria/bintang.com)", "(DI: Name/Bintang.com)"), the platform it was taken from
# ("(Instagram/dimasandnadine)", "(Facebook)"), or its source site ("[Sumber: persib.co.id]")
_DOMAIN_END = r"[\w-]+(?:\.[\w-]+)*\.(?:com|co\.id|id|net|org|my)"
_PLATFORMS = r"(?:Instagram|Facebook|Twitter|YouTube|Youtube)"
_CREDITED_PHOTO = re.compile(
    r"[(\[](?:[A-Z]{2,5}\s*:\s*)?"
    # the photographer has two words at least: "(Antara/jpnn.com)" is a story's source credit
    rf"(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{1,4}}\s*/\s*{_DOMAIN_END}"
    rf"|{_PLATFORMS}\s*/\s*@?[\w.]+"
    rf"|(?:Sumber|Source)\s*:\s*{_DOMAIN_END})[)\]]$"
    # the platform alone after a caption's full stop ("... Bhutan. (Facebook)"); a list item's
    # "Family and Consumer Sciences (Instagram)" names the platform as body
    rf"|(?<=[.!?] )[(\[]{_PLATFORMS}[)\]]$"
)
_CREDITED_PHOTO_WORDS = 25
_QUOTES = ('"', "“", "”")


def _photo_caption(line: str) -> bool:
    if len(line) > 330:
        return False
    if (
        line.endswith((")", "]"))
        and len(line.split()) <= _CREDITED_PHOTO_WORDS
        and not any(q in line for q in _QUOTES)  # a quote is a story's sentence, no caption
    ):
        tail = max(0, len(line) - 90)
        if _CREDITED_PHOTO.search(line, tail) is not None:
            return True
    # needles first (plain ``in`` checks: most lines name no photo)
    photo = "oto" in line or "OTO" in line
    if (photo or "Dok" in line or "DOK" in line) and _PHOTO_CAPTION.search(line) is not None:
        return True
    if photo or "Gambar" in line or "GAMBAR" in line:
        return _PHOTO_CREDIT.search(line, max(0, len(line) - _PHOTO_TAIL)) is not None
    return False


# Whole-line rules whose words stand mid-line: each checked only when its needle is in the line
# (a plain ``in``), so the combined pattern above stays anchored and cheap.
NEEDLED: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    # The Conversation: "<Name> does not work for, consult, own shares in or receive funding
    # from any company or organisation that would benefit from this article, ..."
    (
        "disclaimer",
        "not work for, consult",
        re.compile(
            r"^.{2,120}\b(?:does|do) not work for, consult, own shares in or receive funding"
            r" from\b.{0,400}$"
        ),
    ),
    # "https://www.brilio.net/... SEND": a link the page printed, maybe with its button
    ("link_residue", "http", re.compile(r"^https?://\S+(?:\s+[A-Z]{2,10})?$")),
    # "Ryan Denham can be reached at rmdenha@IllinoisState.edu.": the writer's contact line
    (
        "contact_line",
        "reached at",
        re.compile(
            r"^[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3}\s+(?:can|may)\s+be\s+reached\s+at"
            r"\s+\S+@\S+?\.?$"
        ),
    ),
    # a video carousel's item: "<headline> <standfirst> More Videos"
    ("page_widget", "More Videos", re.compile(r"^.{0,300}\sMore Videos$")),
    ("page_widget", "Video Lainnya", re.compile(r"^.{0,300}\sVideo Lainnya$")),
    # a view counter after the date: "Rabu, 11 Jul 2018 | 17:00 WIB Dibaca: 208 Pengunjung"
    *(
        (
            "page_widget",
            word,
            re.compile(rf"^.{{0,60}}\b{word}\s*:?\s*[\d.,]+\s*(?:kali|[Pp]engunjung|orang)?$"),
        )
        for word in ("Dibaca", "Dilihat")
    ),
    # "Questions? Contact Ryan Denham, UMC’s online communications coordinator.": who to ask
    ("contact_line", "Contact", re.compile(r"^Questions\?\s+Contact\b.{0,150}$")),
    # "Fifa World Cup Wartawan: Mia Fahrani": a section's label, then the writer's credit on
    # one line (the name goes to authors); a label and a name in title case, nothing else
    *(
        (
            "credit_line",
            word,
            re.compile(
                rf"^(?:[A-Z][\w&.-]*\s+){{1,4}}{word}\s*:\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,4}}$"
            ),
        )
        for word in ("Wartawan", "Penulis", "Reporter", "Pewarta")
    ),
)


# a letter or digit: ``[^\W_]`` is exactly ``str.isalnum`` (the engine's word class is isalnum or
# "_"), one C scan instead of a generator over the line's characters
_ALNUM = re.compile(r"[^\W_]")


def boilerplate_rule(line: str, profile: Profile | None) -> str | None:
    """The name of the rule that makes a whole line furniture, or None when it is body."""
    if _ALNUM.search(line) is None:
        return "separator"  # "***", "--------": nothing to read
    name = _generic_rule(line)
    if name is not None:
        return name
    for rule, needle, pattern in NEEDLED:
        if needle in line and pattern.match(line):
            return rule
    if _photo_caption(line):
        return "photo_caption"
    if len(line) <= _SHORT_RESIDUE:
        if is_share_bar(line):
            return "share_bar"
        if MEDIA_CREDIT.match(line):
            return "media_credit"
    if is_embed_residue(line):
        return "social_embed"
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


def strip_read_more(paragraph: str) -> tuple[str, list[str]]:
    """Cut glued "Baca juga: <headline>..." prompts out of a paragraph, keeping both sides."""
    removed: list[str] = []
    pos = 0
    while (match := INLINE_PROMPT.search(paragraph, pos)) is not None:
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


def _join(match: re.Match[str]) -> str:
    """What replaces a fragment cut from a paragraph: a space where it stood between two words
    it had its own spaces from ("kata dia. ADVERTISEMENT ... Walid"), else nothing."""
    text = match.group(0)
    return " " if text[:1].isspace() and text[-1:].isspace() else ""


def _may_hold(needle: str, paragraph: str) -> bool:
    """A second test where the needle is common ("juga" holds "uga", most paragraphs hold a
    ")"): "(Baca juga: ...)" needs its opening, an empty link closes the paragraph. Checked on
    the paragraph as the rules before have left it, like the search it saves."""
    if needle == "uga":
        return "(Baca" in paragraph or "(Lihat" in paragraph or "(baca" in paragraph
    if needle == ")":
        return paragraph.rstrip().endswith(")")
    return True


def strip_inline(paragraph: str, profile: Profile | None) -> tuple[str, list[tuple[str, str]]]:
    removed: list[tuple[str, str]] = []
    rules = [
        (name, needle, p) for name, needle, p in GENERIC_INLINE_BOILERPLATE if needle in paragraph
    ]
    if profile is not None:
        rules.extend((f"profile_inline:{profile.name}", "", p) for p in profile.inline_boilerplate)
    for name, needle, pattern in rules:
        if _may_hold(needle, paragraph) and pattern.search(paragraph):
            removed.extend((m.group(0).strip(), name) for m in pattern.finditer(paragraph))
            paragraph = pattern.sub(_join, paragraph).strip()
    if "Baca" in paragraph or "Lihat" in paragraph or "BACA" in paragraph or "LIHAT" in paragraph:
        paragraph, prompts = strip_read_more(paragraph)
        removed.extend((p, "inline_read_more") for p in prompts)
    return paragraph, removed


def tail_start(paragraphs: Sequence[str], start: int, profile: Profile | None) -> int | None:
    """Index of the profile's footer start, if every line from there on looks like footer."""
    if profile is None or not profile.tail_start:
        return None
    for i in range(start + 1, len(paragraphs)):
        if any(p.match(paragraphs[i]) for p in profile.tail_start):
            # a long paragraph after the marker means it was not the footer: keep everything
            if all(words(line) < 30 for line in paragraphs[i + 1 :]):
                return i
            return None
    return None


# the credit part of a byline: "Laporan Wartawan Tribunnews.com, Danang Triatmojo"
_BYLINE_CREDIT = re.compile(
    r"^(?i:Laporan\s+(?:Wartawan|Reporter|Koresponden|Kontributor))\b[^,]{0,60},\s*"
    r"[A-Z](?:[a-z][\w'’-]*|\.)(?: [A-Z](?:[a-z][\w'’-]*|\.)){0,4}"
)


def split_byline(paragraph: str) -> tuple[str, str]:
    """(byline, body text after it) of a paragraph opening with a byline.

    A name followed by a lower-case word is a sentence about a report ("Laporan wartawan
    Okezone, Puteranegara yang tengah berada di lokasi"): no byline, all body ``("", paragraph)``.
    """
    match = _BYLINE_CREDIT.match(paragraph)
    if match is None:
        return "", paragraph
    rest = paragraph[match.end() :].strip()
    if rest[:1].islower():
        return "", paragraph
    return paragraph[: match.end()].strip(), rest.lstrip(" ,")


# a credit label glued after other text on one line: "Baca juga:  Pewarta: Aditya Ramadhan"
_GLUED_CREDIT = re.compile(
    r"(?<=\S)[ \t\xa0]+(?=(?:Pewarta|Editor|Penulis|Reporter|Redaktur|Penyunting|Fotografer)"
    r"\s*:\s*[A-Z])"
)


_LABELS = ("Pewarta", "Editor", "Penulis", "Reporter", "Redaktur", "Penyunting", "Fotografer")
_CREDIT_LABEL = re.compile(
    r"^(?:Pewarta|Editor|Penulis|Reporter|Redaktur|Penyunting|Fotografer)\s*:"
)


def split_credits(paragraph: str) -> list[str]:
    """A line split before each credit label glued inside it, when every piece from the first
    label on is short: "Baca juga:  Pewarta: X" -> ["Baca juga:", "Pewarta: X"]."""
    if ":" not in paragraph or not any(label in paragraph for label in _LABELS):
        return [paragraph]
    pieces = _GLUED_CREDIT.split(paragraph)
    if len(pieces) == 1 or any(len(piece) > 80 for piece in pieces[1:]):
        return [paragraph]
    # after a prompt or a sentence ("Baca juga:", "...kata dia.") or another credit; never
    # inside a label ("Pilihan Editor: <headline>")
    head = pieces[0].rstrip()
    if not (head.endswith((":", ".", "!", "?", ")", "]")) or _CREDIT_LABEL.match(head)):
        return [paragraph]
    return [piece.strip() for piece in pieces if piece.strip()]
