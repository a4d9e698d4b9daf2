"""URL keys: the same page under another scheme, ``www.``, fragment or tracking parameters.

The key is made once per article, and ``urlsplit`` alone costs more than the rest of it: URLs of
the usual shape (``http(s)://host[:port]/path[?query][#fragment]``, a plain ASCII host, no
userinfo) are taken apart by one regex, and anything else by the reference, ``_normalize_slow``.
The fast path must give exactly the reference's key, or its error, for every URL (tests/test_urls).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import xxhash

_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|yclid|igshid)$")


def normalize_url(url: str | None) -> str | None:
    """A URL without scheme, ``www.``, fragment, tracking parameters or trailing slash; None
    when there is none or it cannot be parsed ("http://[::1", a port not in 0-65535)."""
    try:
        return _normalize(url)
    except ValueError:  # urlsplit's, or urlencode's UnicodeEncodeError on a lone surrogate
        return None


# [scheme:]//host[:port][/?#rest] as urlsplit splits it, with a host that its hostname only
# lower-cases (no userinfo, bracket, percent sign, or non-ASCII letter, which urlsplit checks
# under NFKC), and no tab or line break anywhere (urlsplit removes those first)
_USUAL = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//([A-Za-z0-9._-]+)(?::([0-9]{0,5}))?([/?#][^\t\n\r]*)?"
)
# a query that parse_qsl splits on "&" and "=" and decodes to itself, and that urlencode gives
# back as it was but for a "=" inside a value (unreserved characters only: no "+" or "%")
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9_.~&=-]*")


def _normalize(url: str | None) -> str | None:
    """``_normalize_slow(url)``: its key, or its error (by the reference, for unusual URLs)."""
    if not url:
        return None
    stripped = url.strip()
    usual = _USUAL.fullmatch(stripped if "//" in stripped else "//" + stripped)
    if usual is None:
        return _normalize_slow(url)
    host, port, rest = usual.groups()
    host = host.lower().removeprefix("www.")
    number = int(port) if port else 0  # ":" alone is no port, as ":0" is
    if number > 65535:
        return _normalize_slow(url)  # its ValueError
    if number:
        host = f"{host}:{number}"
    path, _, query = (rest or "").partition("#")[0].partition("?")
    if not query:
        return host + path.rstrip("/")
    if not _PLAIN_QUERY.fullmatch(query):
        return _normalize_slow(url)
    pairs = sorted(
        (key, value)
        for key, _, value in (pair.partition("=") for pair in query.split("&") if pair)
        if not _TRACKING.match(key)
    )
    encoded = "&".join(f"{key}={value.replace('=', '%3D')}" for key, value in pairs)
    return host + path.rstrip("/") + (f"?{encoded}" if encoded else "")


def _normalize_slow(url: str | None) -> str | None:
    """The reference form of the key, by ``urlsplit`` and ``parse_qsl``."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip() if "//" in url else "//" + url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port:
        host = f"{host}:{parts.port}"
    query = (
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)
        )
        if parts.query  # most news URLs have none: no parse
        else []
    )
    path = parts.path.rstrip("/") or ""
    return host + path + (f"?{urlencode(query)}" if query else "")


def url_hash(url: str | None) -> int:
    """64-bit hash of the normalized URL; 0 when there is none or it cannot be parsed."""
    norm = normalize_url(url)
    if norm is None:
        return 0
    return xxhash.xxh3_64_intdigest(norm.encode("utf-8", "surrogatepass")) or 1
