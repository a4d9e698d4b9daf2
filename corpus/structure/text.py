"""Shared primitives of the structure stage: dash and space classes, field text, word counts."""

from __future__ import annotations

import functools
import re
import string
from typing import Any
from urllib.parse import urlsplit

# Dash and space classes for lead-ins. Scrapes carry mojibake ("‚Äì" is an en dash read as Mac
# Roman, "¬†" a no-break space); the rules recognise those forms without repairing them.
DASH = r"(?:-{1,2}|–|—|‚Äì|‚Äî)"
SP = r"(?:\s|¬†)"
LEADING_JUNK = re.compile(r"^(?:[\s,]|¬†)+")


def text_value(value: Any) -> str | None:
    """A field's stripped text, or None when it is not a non-blank string."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


# the characters of a plain host name: urlsplit's hostname of "http(s)://<these>/..." is them
# lower-cased (none of them is a delimiter, an IPv6 bracket, a port, user or zone separator,
# or a tab or line break, which urlsplit removes first)
_HOST_CHARS = string.ascii_letters + string.digits + ".-_"


def url_hostname(url: str) -> str | None:
    """``urlsplit(url).hostname`` (which raises ValueError on some malformed URLs)."""
    # by str methods for the usual "http(s)://host/...": urlsplit costs ~20x as much, and the
    # survey and the structure stage ask for the host of every record
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("https", "http"):
        host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        if host and not host.strip(_HOST_CHARS):
            return host.lower()
    return urlsplit(url).hostname


def words(text: str) -> int:
    """Whitespace-separated words of a text."""
    return len(text.split())


# Forms of address before a name ("YB", "Dato' Seri", "Ustaz", "Dr."): not part of the name.
ADDRESS_FORMS = (
    r"(?:YB|YAB|YBhg|Yang Berhormat|Dato['’]?(?: Seri)?|Datuk(?: Seri)?|Datin|Tan Sri|Tun|Dr\.?"
    r"|Prof\.?|Profesor|Madya|Ustaz|Ustazah|Haji|Hajah|Hj\.?|Ir\.?|Tuan Guru|Tuan|Puan|Sheikh)"
)
# host labels that never name a site: the top-level and generic second-level domains, and
# hosts' service prefixes ("www", "m", "english")
_NOT_SITE_TEXT = (
    "www m ww1 www1 com co id my net org or ac go sch web biz info tv news berita online english"
    " mobile amp"
)
_NOT_SITE = frozenset(_NOT_SITE_TEXT.split())


def site_names(url: str | None, names: frozenset[str] = frozenset()) -> frozenset[str]:
    """What a site calls itself, case-folded letters and digits only: the labels of its URL's
    host ("cnnindonesia" of www.cnnindonesia.com, "wartakota" and "tribunnews" of
    wartakota.tribunnews.com) and the publisher's short ``names`` (its profile's)."""
    host = ""
    if url:
        host = (url.partition("://")[2] or url).split("/", 1)[0].split(":", 1)[0].lower()
    return _site_names(host, names)


@functools.lru_cache(maxsize=4096)
def _site_names(host: str, names: frozenset[str]) -> frozenset[str]:
    """``site_names`` of one host (a corpus has few hosts and many articles: cached)."""
    labels = {label for label in host.split(".") if label not in _NOT_SITE}
    labels |= {n.casefold() for n in names}
    return frozenset(k for k in (alnum(label) for label in labels) if len(k) >= 3)


_NOT_ALNUM = re.compile(r"[\W_]+")


def alnum(text: str) -> str:
    """The letters and digits of a text, case-folded: how a name is compared with a site's."""
    return _NOT_ALNUM.sub("", text.casefold())
