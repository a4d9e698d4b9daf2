"""Speed changes of the structure stage and fingerprints give the same output as the plain forms.

The plain form of each step is written out here (as it was before the shortcut) and compared
on pieces chosen to reach every branch of the shortcut.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.dedup.urls import _TRACKING, normalize_url
from corpus.stats import Stats
from corpus.structure import paragraphs, run
from corpus.structure.text import LEADING_JUNK, url_hostname
from tests.test_structure import record


def _plain_split(text: str) -> list[str]:
    """``split_paragraphs`` of a comma-joined text with a regex call on every piece."""
    pieces = paragraphs._COMMA_JOIN.split(text.strip())
    out = []
    for k in range(0, len(pieces), 2):
        piece = pieces[k] + (pieces[k + 1] if k + 1 < len(pieces) else "")
        piece = LEADING_JUNK.sub("", piece) if k else piece
        while (match := paragraphs._COMMA_PROMPT.match(piece)) is not None:
            out.append(match.group(1))
            piece = piece[match.end() :]
        if piece.strip():
            out.append(piece.strip())
    return out


# a piece opens on what follows a joining comma: never whitespace itself (the join needs a
# non-space after the comma), but junk runs that hold it
OPENINGS = [
    "",
    ", ,",
    ",\u3000",
    ",\xa0 ",
    "¬†",
    "¬ tanda",
    "Baca juga:,",
    "Baca Juga ,",
    "Lihat juga:",
    "Simak selengkapnya di ,",
    "Baca berita selengkapnya ,",
    "Bacaan ringan",
    "Simak video",
]


@pytest.mark.parametrize("opening", OPENINGS)
def test_comma_joined_pieces_split_as_with_a_regex_call_each(opening: str) -> None:
    text = f"Hujan turun deras.,{opening}Warga diminta waspada.,{opening}Banjir surut."
    found, _, joined = paragraphs.split_paragraphs(text)
    assert joined
    assert found == _plain_split(text)


def _plain_normalize_url(url: str) -> str:
    parts = urlsplit(url.strip() if "//" in url else "//" + url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    )
    return host + (parts.path.rstrip("/") or "") + (f"?{urlencode(query)}" if query else "")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.kompas.com/read/2019/09/10/1/judul",
        "https://kompas.com/read/1/?",
        "https://kompas.com/read/1/?utm_source=x",
        "https://kompas.com/read/1?page=2&utm_medium=y#top",
        "kompas.com/read/1?a=&b=2",
    ],
)
def test_url_without_query_normalizes_as_when_parsed(url: str) -> None:
    assert normalize_url(url) == _plain_normalize_url(url)


def test_notes_counted_as_the_positive_counts_of_each_record() -> None:
    records = [
        record("JAKARTA - Hujan turun deras sejak pagi di banyak wilayah kota.", title="a"),
        record("Baca juga: Banjir\nWarga diminta waspada karena hujan masih turun.", title="b"),
    ]
    stats = Stats()
    articles = list(run(records, stats))
    assert stats.get("structure", "articles") == 2
    counted = Counter({name: n for name, n in stats.stage("structure").items()})
    assert all(n > 0 for n in counted.values())
    assert counted["boilerplate_read_more"] == 1
    assert articles[0].dateline == "JAKARTA"


def _plain_hostname(url: str) -> str | type[ValueError] | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return ValueError


def _hostname(url: str) -> str | type[ValueError] | None:
    try:
        return url_hostname(url)
    except ValueError:
        return ValueError


@pytest.mark.parametrize(
    "url",
    [
        "https://www.Kompas.com/read/2019/09/10/1/judul",
        "http://news.detik.com?x=1",
        "https://sindonews.com#top",
        "https://kompas.com.",
        "https://a_b-c.id/x",
        "https://kompas.com:8080/x",
        "https://user@kompas.com/x",
        "https://[::1]/x",
        "https://[::1/x",  # urlsplit raises
        "https://ko\tmpas.com/x",  # urlsplit drops the tab first
        "https://kompas.com\n/x",
        " https://kompas.com/x",
        "HTTPS://kompas.com/x",
        "https:///x",
        "https://",
        "ftp://kompas.com/x",
        "kompas.com/read/1",
        "//kompas.com/read/1",
        "https://bücher.de/x",
        "https://kompas.com%25Zone/",  # a zone keeps its case
    ],
)
def test_url_host_by_str_methods_is_urlsplit_s(url: str) -> None:
    assert _hostname(url) == _plain_hostname(url)


_URL_PIECES = st.lists(
    st.one_of(
        st.sampled_from(["https://", "http://", "www.", "Kompas", ".com", ":80", "@", "/", "?"]),
        st.sampled_from(["#", "[", "]", "%", "_", "-", ".", " ", "\t", "\n", "ü", "ｘ", "\x00"]),
        st.characters(),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_URL_PIECES)
def test_any_url_s_host_by_str_methods_is_urlsplit_s(url: str) -> None:
    assert _hostname(url) == _plain_hostname(url)
