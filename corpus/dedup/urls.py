"""URL keys: the same page under another scheme, ``www.``, fragment or tracking parameters."""

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


def _normalize(url: str | None) -> str | None:
    """``_normalize_slow(url)``, its key or its error (a faster way to it comes here)."""
    return _normalize_slow(url)


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
