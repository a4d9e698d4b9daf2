"""``.html``: one page per file; main text and metadata through trafilatura.

Text that sits directly in a container next to its ``<p>`` paragraphs (a lead paragraph written
as ``<div>Lead text...<br><br>More...<p>Second...</p></div>``) is not a paragraph to
trafilatura, which drops it from the main text. Such loose runs of text are wrapped in ``<p>``
elements (split at ``<br>``) before extraction, so the lead reaches ``text``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import IO, Any

from corpus.errors import InputError
from corpus.records import Provenance, Rejected
from corpus.sources.discover import InputFile
from corpus.sources.encoding import Decoder
from corpus.sources.limits import MAX_RECORD_BYTES, PREVIEW_BYTES, read_capped
from corpus.sources.rejects import Parsed, file_reject, lossless, reject, sha256

# Elements that are part of a run of text (everything else ends a run).
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "big",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
    ]
)
# Containers whose loose text may be a paragraph (when they also hold <p> paragraphs).
_CONTAINERS = ("div", "section", "article", "main", "td")

# A time in the page's meta tags ("article:published_time", "publishdate", ...): trafilatura's
# date (htmldate's) is a day only, and the time of day is part of ``published``. htmldate with a
# time in its output format was measured instead (evals/html/dates.py): on the 26 expected pages
# it gives the minute on 9 (it writes midnight when the time is only in the visible date line,
# and reads no time from detik's "2015-11-05 T10:08:58Z"); this scan plus the date line: 25.
_META_DATE = re.compile(
    rb"<meta\b[^>]*?(?:name|property|itemprop)\s*=\s*[\"']?(?P<name>[\w:.-]*(?:publish|pubdate|date)[\w:.-]*)"
    rb"[\"']?[^>]*?content\s*=\s*[\"'](?P<value>[^\"'<>]{6,40})[\"']",
    re.IGNORECASE,
)
_META_DATE_REVERSED = re.compile(
    rb"<meta\b[^>]*?content\s*=\s*[\"'](?P<value>[^\"'<>]{6,40})[\"'][^>]*?"
    rb"(?:name|property|itemprop)\s*=\s*[\"']?(?P<name>[\w:.-]*(?:publish|pubdate|date)[\w:.-]*)",
    re.IGNORECASE,
)
_HAS_TIME = re.compile(r"\d{1,2}[:.]\d{2}")

# Where a page names its own address when it has no canonical link or og:url (trafilatura reads
# those): the ``url`` property of its article in schema.org microdata, the page a Facebook
# comments or like box is about. Standards a page follows, not a site's layout.
_MICRODATA_URL = (
    "//*[@itemscope][contains(@itemtype, 'Article') or contains(@itemtype, 'BlogPosting')]"
    "//*[@itemprop='url']"
)
_PLUGIN_URL = (
    "//*[name()='fb:comments' or name()='fb:like']/@href"
    " | //*[contains(@class, 'fb-comments') or contains(@class, 'fb-like')]/@data-href"
)


def _meta_published(data: bytes) -> str | None:
    """The first meta-tag date that carries a time of day, as written in the page."""
    for pattern in (_META_DATE, _META_DATE_REVERSED):
        for match in pattern.finditer(data, 0, 200_000):
            if b"modified" in match["name"].lower() or b"update" in match["name"].lower():
                continue
            value = match["value"].decode("utf-8", "replace").strip()
            if _HAS_TIME.search(value):
                return value
    return None


_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _page_published(html: str, day: str | None, meta: str | None) -> str | None:
    """The page's own date line with a time ("Rabu, 4 November 2015 | 21:04 WIB") for the day
    trafilatura found; when several lines qualify (related-article lists), the one whose time
    the meta tag repeats, else the first. None when the page shows none."""
    if not day:
        return None
    from corpus.dates import parse_datetime  # the same parser the structure stage uses

    text = _TAG.sub("\n", _SCRIPT.sub(" ", html))
    found = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if not 8 <= len(line) <= 80 or day[:4] not in line:
            continue
        value = parse_datetime(line)
        if value and len(value) > 10 and value.startswith(day):
            found.append((line, value))
    if not found:
        return None
    clock = parse_datetime(meta) if meta else None
    for _line, value in found:
        if clock and len(clock) > 10 and value[11:16] == clock[11:16]:
            # the meta tag's seconds, the visible line's zone (meta zones are often wrong: detik
            # writes WIB times with "Z")
            return value[:17] + clock[17:19] + value[19:]
    return found[0][0]


def _title(title: str | None, sitename: str | None, host: str | None) -> str | None:
    """The headline without a " - Kompas.com Regional" / " | Okezone" site suffix."""
    if not title:
        return None
    names = {n.lower() for n in (sitename, host) if n}
    names |= {n.split(".")[0] for n in names}
    title = title.strip()
    head, found, tail = title.partition(": ")  # "KapanLagi.com: <headline>"
    if found and tail and head.lower() in names | {n + ".com" for n in names}:
        title = tail.strip()
    for sep in (" - ", " | ", " – ", " :: "):
        head, found, tail = title.rpartition(sep)
        if found and head and any(n and n in tail.lower() for n in names):
            return head.strip()
    return title


def wrap_loose_text(tree: Any) -> int:
    """Wrap runs of loose text in containers that also hold ``<p>`` into ``<p>``; how many."""
    wrapped = 0
    for element in list(tree.iter(*_CONTAINERS)):
        if element.find("p") is None or not _has_loose_text(element):
            continue
        wrapped += _wrap_runs(element)
    return wrapped


def _has_loose_text(element: Any) -> bool:
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


def _wrap_runs(element: Any) -> int:
    """Rebuild ``element``'s children with each run of inline content in its own ``<p>``."""
    from lxml import etree

    nodes: list[Any] = [element.text] if element.text else []
    for child in element:
        tail, child.tail = child.tail, None
        nodes.append(child)
        if tail:
            nodes.append(tail)
    element.text = None
    for child in list(element):
        element.remove(child)
    run: list[Any] = []
    wrapped = 0

    def flush() -> None:
        nonlocal wrapped
        has_text = any(isinstance(n, str) and n.strip() for n in run)
        if has_text:
            paragraph = etree.SubElement(element, "p")
            for node in run:
                _append(paragraph, node)
            wrapped += 1
        else:
            for node in run:
                _append(element, node)
        run.clear()

    for node in nodes:
        if isinstance(node, str) or (isinstance(node.tag, str) and node.tag in _INLINE):
            run.append(node)
        else:
            flush()
            element.append(node)
    flush()
    return wrapped


def _append(parent: Any, node: Any) -> None:
    if not isinstance(node, str):
        if isinstance(node.tag, str) and node.tag == "br" and parent.tag == "p":
            return  # a <br> splits runs; inside one paragraph it would only be a line break
        parent.append(node)
    elif len(parent):
        parent[-1].tail = (parent[-1].tail or "") + node
    else:
        parent.text = (parent.text or "") + node


def _extract(document: bytes | str) -> dict[str, Any]:
    """trafilatura's text and metadata of a page, loose lead text included."""
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    tree = load_html(document)
    source: Any = document
    if tree is not None and wrap_loose_text(tree):
        source = tree
    # precision first (news pages are full of link lists that recall mode takes for text); when
    # that finds next to nothing (under 40 words), the longer of it and trafilatura's default
    page: dict[str, Any] = {}
    for precise in (True, False):
        found = bare_extraction(
            copy.deepcopy(source) if source is tree else source,
            with_metadata=True,
            include_comments=False,
            favor_precision=precise,
            include_tables=not precise,
        )
        if found is None:
            continue
        values = found if isinstance(found, dict) else found.as_dict()
        if len((values.get("text") or "").split()) > len((page.get("text") or "").split()):
            page = values
        if len((page.get("text") or "").split()) >= 40:
            break
    if not page.get("url") and tree is not None:
        page["url"] = _own_url(tree)
    return page


def _own_url(tree: Any) -> str | None:
    """The page's address from its article's microdata, else from a comments or like box
    (``_MICRODATA_URL``, ``_PLUGIN_URL``); an absolute http(s) address only."""
    found = []
    for item in tree.xpath(_MICRODATA_URL):
        scope = item.xpath("ancestor::*[@itemscope][1]")
        kind = scope[0].get("itemtype") or "" if scope else ""
        if "Article" in kind or "BlogPosting" in kind:  # not a person's or a site's url
            found.append(item.get("href") or item.get("content") or item.text_content())
    found += [str(value) for value in tree.xpath(_PLUGIN_URL)]
    for value in found:
        url = (value or "").strip()
        if url.startswith(("http://", "https://")):
            return url
    return None


def read(f: InputFile, stream: IO[bytes], decoder: Decoder) -> Iterator[Parsed | Rejected]:
    """The page as one record: text, title, url, published, author, source, category, ..."""
    try:
        import trafilatura  # noqa: F401
    except ImportError:  # pragma: no cover - trafilatura is a dependency; this names the fix
        raise InputError(
            f"{f.relpath}: reading HTML needs trafilatura: uv add trafilatura lxml_html_clean"
        ) from None
    data, complete = read_capped(stream, MAX_RECORD_BYTES)
    if not complete:
        message = f"the page is larger than {MAX_RECORD_BYTES:,} bytes, the limit for one article"
        yield file_reject(f, "too_large", message, data[:PREVIEW_BYTES])
        return
    prov = Provenance(f.relpath, 1, 1, sha256(data), f.format)
    raw = lossless(data)
    if b"\x00" in data:
        message = f"holds a NUL byte at byte {data.index(0):,} (a damaged or binary file)"
        yield reject(prov, "binary", "binary", message, raw)
        return
    # trafilatura reads the page's own charset declaration; a codec given by the user wins
    named = decoder.setting not in ("utf-8", "auto")
    page = _extract(data.decode(decoder.codec, "replace") if named else data)
    text = (page.get("text") or "").strip()
    if not text:
        yield reject(prov, "no_main_text", "html", "trafilatura found no main text", raw)
        return
    host = page.get("hostname")
    meta = _meta_published(data)
    day = page.get("date")
    row: dict[str, Any] = {
        "text": text,
        "title": _title(page.get("title"), page.get("sitename"), host),
        "url": page.get("url"),
        "published": _page_published(raw, day, meta) or meta or day,
        "author": page.get("author"),
        "source": host,
        "category": ", ".join(page.get("categories") or []) or None,
        "description": page.get("description"),
        "sitename": page.get("sitename"),
    }
    yield Parsed({k: v for k, v in row.items() if v}, prov, raw)


__all__ = ["read", "wrap_loose_text"]
