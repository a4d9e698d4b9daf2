"""Section suffixes of page titles, learned from a whole file: " - Nation", " - Letters".

Some sites build every page title as "<headline> - <section>". One title cannot tell a section
(" - Nation") from an attribution (" - Najib", the person quoted): both are a short capitalized
phrase after a dash. A file can: a site whose titles carry such a suffix nearly always, drawn
from a few values, is using a template, and its suffixes are furniture; a site whose suffixes
are many and varied (Astro Awani's " - PM Najib", " - Syed Ali", ...) is quoting people, and
its titles keep them. A suffix of a template site seen once is furniture when the article's
own text never names it (a section is no word of the story; a person quoted is).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from corpus.structure.text import url_hostname

_SUFFIX = re.compile(r"\s(?:-|\||–|—)\s+(?P<suffix>[^-|–—]{2,40})$")
_MIN_TITLES = 5  # a site needs this many titles in the file before its template is judged
_TEMPLATE_SHARE = 0.6  # of a site's titles that carry a suffix
_REPEATED = 2  # a suffix seen this often on a template site is a section on every title
# of a site's suffixed titles, the share whose suffix recurs: a few values, repeated (The Star's
# sections: 1.0 on news-ms), where the people quoted are many (Astro Awani: 0.53)
_REPEATED_SHARE = 0.75


def host_of(url: str | None) -> str:
    """The URL's host without "www." ("" when there is none)."""
    if not url:
        return ""
    try:
        host = url_hostname(url) or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def title_suffix(title: str) -> str | None:
    """The short phrase after the last dash or bar of a title, if any ("Nation")."""
    if len(title) < 8:
        return None
    match = _SUFFIX.search(title, max(0, len(title) - 48))
    if match is None or match.start() == 0:
        return None
    return match.group("suffix").strip()


class TitleSuffixes:
    """``learn_title_suffixes`` a record at a time: the survey sees each file once, for its
    line statistics, date order and title suffixes together."""

    def __init__(self) -> None:
        self.titles: Counter[str] = Counter()
        self.seen: dict[str, Counter[str]] = defaultdict(Counter)
        self.unnamed: dict[str, set[str]] = defaultdict(set)  # suffixes a text never names

    def see(self, url: str | None, title: str | None, text: str | None) -> None:
        """Count one record's title."""
        host = host_of(url)
        if not host or not title:
            return
        self.titles[host] += 1
        suffix = title_suffix(title)
        if suffix is None:
            return
        self.seen[host][suffix] += 1
        if not re.search(rf"\b{re.escape(suffix)}\b", text or ""):
            self.unnamed[host].add(suffix)

    def absorb(self, other: TitleSuffixes) -> None:
        """Add the counts of another part of the same file (a big file's slices, read apart)."""
        self.titles.update(other.titles)
        for host, counts in other.seen.items():
            self.seen[host].update(counts)
        for host, unnamed in other.unnamed.items():
            self.unnamed[host].update(unnamed)

    def learned(self) -> dict[str, frozenset[str]]:
        """Per URL host, the section suffixes of the titles seen (see the module docstring)."""
        found: dict[str, frozenset[str]] = {}
        for host, counts in self.seen.items():
            suffixed = sum(counts.values())
            repeated = sum(n for n in counts.values() if n >= _REPEATED)
            if (
                self.titles[host] < _MIN_TITLES
                or suffixed < _TEMPLATE_SHARE * self.titles[host]
                or repeated < _REPEATED_SHARE * suffixed
            ):
                continue
            found[host] = frozenset(
                s for s, n in counts.items() if n >= _REPEATED or s in self.unnamed[host]
            )
        return dict(sorted(found.items()))


def learn_title_suffixes(
    rows: Iterable[tuple[str | None, str | None, str | None]],
) -> dict[str, frozenset[str]]:
    """Per URL host, the section suffixes its page titles carry, from ``(url, title, text)`` of
    every record of one file (see the module docstring for the test)."""
    learner = TitleSuffixes()
    for url, title, text in rows:
        learner.see(url, title, text)
    return learner.learned()


def strip_section(
    title: str | None, url: str | None, learned: Mapping[str, frozenset[str]]
) -> str | None:
    """The title without a section suffix its site's template adds (``learn_title_suffixes``)."""
    if title is None or not learned:
        return title
    sections = learned.get(host_of(url))
    if not sections:
        return title
    suffix = title_suffix(title)
    if suffix is None or suffix not in sections:
        return title
    return _SUFFIX.sub("", title).strip() or title


__all__ = ["TitleSuffixes", "host_of", "learn_title_suffixes", "strip_section", "title_suffix"]
