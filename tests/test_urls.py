"""URL keys (``corpus.dedup.urls``): the key dedup matches pages by, and its agreement with the
reference form (``_normalize_slow``, by ``urlsplit``) on awkward, generated and real URLs."""

from __future__ import annotations

import csv
import random
import sys
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.dedup import urls
from tests.conftest import shared_path

# Written for this test: every shape the brief of the fast path named, and more: case, www.,
# ports, userinfo, IPv6, no scheme, slashes, queries, percent-encoding, fragments, whitespace,
# non-ASCII, other schemes, garbage. Some make urlsplit raise (ValueError, or
# UnicodeEncodeError from urlencode on a lone surrogate).
AWKWARD = [
    # scheme and host case, www.
    "HTTPS://WWW.Kompas.COM/Read/1",
    "https://WWW.kompas.com/read/1",
    "https://www.www.kompas.com/read/1",
    "https://wwwkompas.com/read/1",
    "https://www/read/1",
    "https://www./read/1",
    "hTtP://m.detik.com/news/1",
    "ftp://kompas.com/read/1",
    "git+ssh://kompas.com/read/1",
    # ports
    "http://kompas.com:80/read/1",
    "https://kompas.com:443/read/1",
    "https://kompas.com:8080/read/1",
    "https://kompas.com:08080/read/1",
    "https://kompas.com:0/read/1",
    "https://kompas.com:/read/1",
    "https://kompas.com:65535/x",
    "https://kompas.com:65536/x",
    "http://host:99999/",
    "http://host:abc/",
    "http://host:\uff18\uff10/",
    "http://host:-1/",
    "http://host: 80/",
    "https://kompas.com:80:80/x",
    # userinfo
    "https://user:pw@kompas.com/read/1",
    "https://user@WWW.kompas.com:8080/read/1",
    "https://a@b@kompas.com/x",
    "https://user:pw@/x",
    "http://@/x",
    # IPv6 and brackets
    "http://[::1]:8080/x",
    "http://[::1]/x",
    "http://[FE80::1%25Eth0]/x",
    "http://[v1.fe]/x",
    "http://[::1",
    "http://::1]/x",
    "http://[not-ipv6]/x",
    "http://[::1]junk:80/x",
    "http://a[::1]/x",
    "http://[::1]:abc/x",
    # no scheme, relative, empty parts
    "example.com/a",
    "www.example.com/a/",
    "//example.com/a",
    "//www.example.com",
    "example.com:8080/a",
    "example.com:8080/a//b",
    "localhost:8080",
    "example.com/a?utm_source=x&b=1",
    "example.com",
    "/relative/path",
    "relative/path",
    "../up/one",
    "?q=1",
    "#frag",
    "//",
    "///",
    "http://",
    "http:///path",
    "http://:80/x",
    "https:",
    # trailing slashes and // in paths, empty path
    "https://kompas.com/read/1/",
    "https://kompas.com/read/1///",
    "https://kompas.com//read//1",
    "https://kompas.com/",
    "https://kompas.com",
    "https://kompas.com//",
    "https://kompas.com/./a/../b",
    # queries: tracking parameters, order, repeated keys, blank values, encodings
    "https://kompas.com?",
    "https://kompas.com/?",
    "https://kompas.com/?page=2",
    "https://kompas.com?page=2",
    "https://kompas.com/read/1?b=2&a=1",
    "https://kompas.com/read/1?a=2&a=1&a=",
    "https://kompas.com/read/1?utm_source=x&id=7&fbclid=abc&utm_medium=y",
    "https://kompas.com/read/1?utm_source=x",
    "https://kompas.com/read/1?UTM_SOURCE=x&Gclid=1",
    "https://kompas.com/read/1?utm_=&_ga=1&_gac=2&mc_cid=3&igshid=4&yclid=5",
    "https://kompas.com/read/1?a=&b",
    "https://kompas.com/read/1?&&a=1&&",
    "https://kompas.com/read/1?=x&=",
    "https://kompas.com/read/1?a=b=c",
    "https://kompas.com/read/1?q=a+b&r=a%20b&s=a%2Bb",
    "https://kompas.com/read/1?q=%E2%82%AC&r=\u20ac&s=%zz&t=%",
    "https://kompas.com/read/1?a=1;b=2",
    "https://kompas.com/read/1?a[]=1&a[]=2",
    "https://kompas.com/read/1?x=~._-&Y=Z",
    "https://kompas.com/read/1?q=%ed%a0%80",
    "https://kompas.com/read/1?q=\ud800",
    "https://kompas.com/read/1?utm_source=\ud800",
    "https://kompas.com/read/1??a=1",
    "https://kompas.com/read/1?a=1?b=2",
    # percent-encoding and other characters in paths, ;params, backslashes
    "https://kompas.com/read/a%20b/c+d",
    "https://kompas.com/read/%7Euser/%2F",
    "https://kompas.com/read/a b",
    "https://kompas.com/read/\ud800",
    "https://kompas.com/berita/pemilu-2019-\u2014-hasil",
    "https://kompas.com/\u200b",
    "https://kompas.com/read/1;jsessionid=ABC",
    "https://kompas.com/read;v=1/x;y?a=1",
    "https://kompas.com\\read\\1",
    "https://kompas.com/read\\1/",
    "http:\\\\kompas.com\\read",
    # fragments
    "https://kompas.com/read/1#top",
    "https://kompas.com/read/1#top?page=2",
    "https://kompas.com/read/1?page=2#top?x=1",
    "https://kompas.com#x",
    "https://kompas.com?a=1#b?c=2",
    "https://kompas.com/read/1#",
    "https://kompas.com/read/1/#/",
    # whitespace around and inside, control characters
    "  https://kompas.com/read/1  ",
    "\thttps://kompas.com/read/1\n",
    "\u3000https://kompas.com/read/1\xa0",
    "https://kom\tpas.com/read/1",
    "https://kompas.com/re\nad/\r1",
    "https://kompas.com/read/1\t?a=1",
    "http:/\t/kompas.com/read",
    "\x00https://kompas.com/read/1",
    "\x1bhttps://kompas.com/read/1",
    "\x7fhttps://kompas.com/read/1",
    "https://kompas.com/read/1\x00",
    "",
    "   ",
    "\n\t",
    # non-ASCII hosts and paths (NFKC forms of "/" or "a/c" in a host make urlsplit raise)
    "https://m\xfcnchen.de/stra\xdfe",
    "https://M\xdcNCHEN.DE/Stra\xdfe",
    "https://xn--mnchen-3ya.de/",
    "https://b\xfccher.example/\u0131/\u0130",
    "https://\u0130stanbul.example/",
    "https://ex\u2100ample.com/x",
    "https://ex\uff0fample.com/x",
    "https://kompas\u3002com/x",
    "https://berita.\u4f8b\u3048.jp/\u8a18\u4e8b",
    # other schemes, garbage, odd hosts
    "mailto:redaksi@kompas.com",
    "mailto://redaksi@kompas.com",
    "javascript:void(0)",
    "javascript://kompas.com/%0aalert(1)",
    "data:text/html,<b>x</b>",
    "tel:+62-21-123",
    "urn:isbn:0451450523",
    "about:blank",
    "not a url",
    "::::",
    "1http://kompas.com/x",
    "h_ttp://kompas.com/x",
    "http//kompas.com/x",
    "https:/kompas.com/x",
    "https:kompas.com/x",
    "https://kompas.com%2F/x",
    "https://kompas.com%3A80/x",
    "https://-kompas-.com_/x",
    "https://kompas.com./read/1",
    "https://www.kompas.com./",
    "https://kompas..com/x",
    "https://.kompas.com/x",
    "https://192.168.0.1:8000/x",
]

# What the key is (None: no key): the behaviour dedup relies on, pinned
KEYS = {
    "HTTPS://WWW.Kompas.COM/Read/1": "kompas.com/Read/1",  # the path keeps its case
    "https://www.www.kompas.com/read/1": "www.kompas.com/read/1",  # one www. goes
    "http://kompas.com:80/read/1": "kompas.com:80/read/1",  # a port is kept, default or not
    "https://kompas.com:08080/read/1": "kompas.com:8080/read/1",
    "https://kompas.com:0/read/1": "kompas.com/read/1",
    "https://user@WWW.kompas.com:8080/read/1": "kompas.com:8080/read/1",
    "http://[::1]:8080/x": "::1:8080/x",
    "example.com/a": "example.com/a",
    "//www.example.com": "example.com",
    "https://kompas.com//read//1": "kompas.com//read//1",
    "https://kompas.com//": "kompas.com",
    "https://kompas.com/read/1?a=2&a=1&a=": "kompas.com/read/1?a=&a=1&a=2",
    "https://kompas.com/read/1?utm_source=x&id=7&fbclid=abc&utm_medium=y": "kompas.com/read/1?id=7",
    "https://kompas.com/read/1?a=&b": "kompas.com/read/1?a=&b=",
    "https://kompas.com/read/1?q=a+b&r=a%20b&s=a%2Bb": "kompas.com/read/1?q=a+b&r=a+b&s=a%2Bb",
    "https://kompas.com/read/1?page=2#top?x=1": "kompas.com/read/1?page=2",
    "\u3000https://kompas.com/read/1\xa0": "kompas.com/read/1",
    "https://kom\tpas.com/read/1": "kompas.com/read/1",
    "https://M\xdcNCHEN.DE/Stra\xdfe": "m\xfcnchen.de/Stra\xdfe",
    "https://www.kompas.com./": "kompas.com.",
    "https://kompas.com/read/1;jsessionid=ABC": "kompas.com/read/1;jsessionid=ABC",
    "   ": None,
    # unparseable: no key (the reference raises on each)
    "http://[::1": None,
    "http://host:abc/": None,
    "http://host:99999/": None,
    "https://ex\u2100ample.com/x": None,
    "https://kompas.com/read/1?q=\ud800": None,
    "javascript:void(0)": None,
}

Outcome = str | None | tuple[type[BaseException], str]


def outcome(normalize: Callable[[str], str | None], url: str) -> Outcome:
    """The key, or the type and message of the exception raised instead."""
    try:
        return normalize(url)
    except Exception as error:  # whichever it is: the two forms must raise the same
        return type(error), str(error)


def assert_same(found: list[str]) -> None:
    """``_normalize`` agrees with the reference on every URL (the first few that do not, shown)."""
    differ = [
        (u, a, b)
        for u in found
        if (a := outcome(urls._normalize, u)) != (b := outcome(urls._normalize_slow, u))
    ]
    assert not differ, f"{len(differ)} of {len(found)} differ, such as {differ[:5]}"


def test_awkward_urls_are_distinct() -> None:
    assert len(set(AWKWARD)) == len(AWKWARD)
    assert set(KEYS) <= set(AWKWARD)


@pytest.mark.parametrize("url", AWKWARD)
def test_awkward_url_normalizes_as_the_reference(url: str) -> None:
    assert outcome(urls._normalize, url) == outcome(urls._normalize_slow, url)


@pytest.mark.parametrize(("url", "key"), KEYS.items())
def test_key(url: str, key: str | None) -> None:
    assert urls.normalize_url(url) == key


def test_none_blank_and_unparseable_have_no_key() -> None:
    assert urls.normalize_url(None) is None
    assert urls.url_hash(None) == urls.url_hash("") == urls.url_hash(" \t") == 0
    assert urls.url_hash("http://[::1") == urls.url_hash("http://host:abc/") == 0


# pieces of URLs, combined at random below: each part mostly of the usual kind, so that the
# branches of a fast path meet each other and every odd piece
PARTS = [
    (["https://", "http://", "HTTP://", "//", "", "ftp://"], ["h://", "1h://", "https:/", "h:"]),
    ([""], ["user@", "u:p@", "@", ":@"]),
    (
        ["kompas.com", "www.kompas.com", "WWW.Detik.COM", "a_b-c.id", "kompas.com.", "127.0.0.1"],
        ["m\xfcnchen.de", "[::1]", "", "www", "ex\u2100ample.com", "[::1", "ko mpas", "a%2e"],
    ),
    (["", ":80", ":443", ":8080", ":0", ":", ":007"], [":99999", ":x", ":\uff18", ":0000080"]),
    (
        ["", "/", "/read/1", "/read/1/", "//a//b//", "/a%20b", "/a b", "/berita/\u20ac", "/a;p=1"],
        ["\\x", "/a\tb", "/x\n", "/\ud800", "/a:b", "/a@b", "/a?", "/./", "/a[1]"],
    ),
    (
        [
            "",
            "?",
            "?a=1",
            "?b=2&a=1",
            "?utm_source=x&id=7",
            "?a=&b",
            "?a=1&a=2",
            "?x=a=b",
            "?&a=1&",
        ],
        ["?q=a+b", "?q=%20", "?q=\u20ac", "?a=1;b", "?fbclid=1", "?Q=~._-", "??", "?q=\ud800"],
    ),
    (["", "#", "#top", "#x?y=1", "#/a/"], ["#\t", "#\ud800"]),
]
AROUND = ["", "", "", " ", "\t", "\n", "\xa0", "\x00"]


def generated(n: int, seed: int = 2019) -> list[str]:
    """``n`` URLs made of the pieces above, at random."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        url = "".join(rnd.choice(usual if rnd.random() < 0.85 else odd) for usual, odd in PARTS)
        out.append(rnd.choice(AROUND) + url + rnd.choice(AROUND))
    return out


def test_generated_urls_normalize_as_the_reference() -> None:
    assert_same(generated(5000))


def test_real_urls_normalize_as_the_reference() -> None:
    csv.field_size_limit(sys.maxsize)
    found = []
    for path in sorted(shared_path("news-id-2019").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            found += [row["url"] for row in csv.DictReader(f) if row.get("url")]
    assert len(found) > 17_000
    assert_same(found)


URLISH = "hHtTpPsS:/?#&=%+.-_~[]@ \t\n\xa0wW.kom9\u20ac\\;0:"


@settings(max_examples=500)
@given(st.text(URLISH, max_size=40), st.sampled_from(["", "https://", "//", "http://www."]))
def test_any_urlish_text_normalizes_as_the_reference(text: str, prefix: str) -> None:
    assert outcome(urls._normalize, prefix + text) == outcome(urls._normalize_slow, prefix + text)
