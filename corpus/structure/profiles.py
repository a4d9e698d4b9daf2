"""Publisher profiles: rules as data (``corpus/profiles/*.toml``), and finding the publisher."""

from __future__ import annotations

import functools
import importlib.resources
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from corpus.errors import ConfigError
from corpus.structure.patterns import ignores_case, line_anchored, needle
from corpus.structure.text import DASH, SP, text_value, url_hostname


@dataclass(frozen=True, slots=True)
class Profile:
    """One publisher's rules, loaded from ``corpus/profiles/<name>.toml``."""

    name: str  # canonical display name, e.g. "SINDOnews"
    domains: tuple[str, ...]  # "sindonews.com" also matches "daerah.sindonews.com"
    markers: tuple[
        re.Pattern[str], ...
    ]  # text that identifies the site when URL and source are absent
    timezone: str | None  # offset assumed for a time given without zone
    lead_ins: tuple[re.Pattern[str], ...]  # site lead-ins; group "place" is the dateline
    not_datelines: frozenset[str]  # upper-case labels that are not places ("INFO NASIONAL")
    boilerplate: tuple[re.Pattern[str], ...]  # whole lines that are site furniture
    inline_boilerplate: tuple[re.Pattern[str], ...]  # furniture glued inside a paragraph
    tail_start: tuple[re.Pattern[str], ...]  # a line from which the rest of the page is footer
    author_suffix: tuple[re.Pattern[str], ...]  # removed from each author ("-detikOto")
    # the author column lists the editor last ("Writer, Editor" on kompas.com)
    author_column_editor_last: bool = False
    # the body closes with reporters or sources in capitals ("ANDITA RAHMA | FRISKI RIANA")
    caps_credit: bool = False

    @property
    def short_names(self) -> frozenset[str]:
        """The publisher's short names, lower case: domain stems ("jpnn") and its name."""
        return _short_names(self.domains, self.name)

    def matches_host(self, host: str) -> bool:
        """Whether a URL host belongs to this publisher."""
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def matches_source(self, source: str) -> bool:
        """Whether a ``source`` field value ("Kompas.com", "sindonews.com") names this publisher."""
        value = source.strip().lower()
        if value.startswith("www."):
            value = value[4:]
        if value == self.name.lower():
            return True
        return any(value == d or value == d.split(".", 1)[0] for d in self.domains)


@functools.lru_cache(maxsize=1024)
def _short_names(domains: tuple[str, ...], name: str) -> frozenset[str]:
    """``Profile.short_names`` (asked twice an article, of a handful of profiles: cached)."""
    return frozenset({*(d.split(".", 1)[0] for d in domains), name.casefold()})


_PROFILE_KEYS = frozenset(
    {
        "name",
        "domains",
        "markers",
        "timezone",
        "lead_ins",
        "not_datelines",
        "boilerplate",
        "inline_boilerplate",
        "tail_start",
        "author_suffix",
        "author_column_editor_last",
        "caps_credit",
    }
)
_OFFSET = re.compile(r"^[+-](?:0\d|1[0-4]):[0-5]\d$")


def _strings(data: Mapping[str, Any], key: str, origin: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: {key!r} must be a list of strings")
    return tuple(value)


def _flag(data: Mapping[str, Any], key: str, origin: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{origin}: {key!r} must be true or false")
    return value


def _patterns(data: Mapping[str, Any], key: str, origin: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for source in _strings(data, key, origin):
        expanded = source.replace("{DASH}", DASH).replace("{SP}", SP)
        try:
            compiled.append(re.compile(expanded))
        except re.error as exc:
            raise ConfigError(
                f"{origin}: {key} pattern {source!r} is not a valid regex: {exc}"
            ) from None
    return tuple(compiled)


def parse_profile(text: str, origin: str = "<profile>") -> Profile:
    """A Profile from the text of a profile TOML file; a malformed file is a ConfigError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    unknown = set(data) - _PROFILE_KEYS
    if unknown:
        raise ConfigError(
            f"{origin}: unknown key(s) {sorted(unknown)}; known: {sorted(_PROFILE_KEYS)}"
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{origin}: 'name' must be a non-empty string")
    timezone = data.get("timezone")
    if timezone is not None and (not isinstance(timezone, str) or not _OFFSET.match(timezone)):
        raise ConfigError(
            f"{origin}: 'timezone' must be an offset like \"+07:00\", got {timezone!r}"
        )
    lead_ins = _patterns(data, "lead_ins", origin)
    for pattern in lead_ins:
        if "place" not in pattern.groupindex:
            raise ConfigError(f"{origin}: lead_in {pattern.pattern!r} needs a (?P<place>...) group")
    return Profile(
        name=name,
        domains=tuple(d.lower() for d in _strings(data, "domains", origin)),
        markers=_patterns(data, "markers", origin),
        timezone=timezone,
        lead_ins=lead_ins,
        not_datelines=frozenset(_strings(data, "not_datelines", origin)),
        boilerplate=_patterns(data, "boilerplate", origin),
        inline_boilerplate=_patterns(data, "inline_boilerplate", origin),
        tail_start=_patterns(data, "tail_start", origin),
        author_suffix=_patterns(data, "author_suffix", origin),
        author_column_editor_last=_flag(data, "author_column_editor_last", origin),
        caps_credit=_flag(data, "caps_credit", origin),
    )


#: Set to "off" to ingest with no shipped profile (how a publisher nobody profiled is met; the
#: held-out marker eval, ``evals/structure/markers.py``, runs ``corpus ingest`` with it).
PROFILES_ENV = "CORPUS_PROFILES"


@functools.cache
def load_profiles() -> tuple[Profile, ...]:
    """The publisher profiles shipped in ``corpus/profiles``, in file-name order (none when
    ``CORPUS_PROFILES=off``)."""
    if os.environ.get(PROFILES_ENV, "").strip().lower() == "off":
        return ()
    folder = importlib.resources.files("corpus").joinpath("profiles")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    return tuple(parse_profile(f.read_text(encoding="utf-8"), f"profiles/{f.name}") for f in files)


@functools.lru_cache(maxsize=4096)
def _shipped_profile_for_host(host: str) -> Profile | None:
    return next((p for p in load_profiles() if p.matches_host(host)), None)


def find_publisher(
    fields: Mapping[str, Any], text: str, profiles: Sequence[Profile]
) -> tuple[Profile | None, str | None, str]:
    """(profile, publisher name, how it was found)."""
    url = text_value(fields.get("url"))
    try:
        host = (url_hostname(url) or "") if url else ""
    except ValueError:  # an unparseable URL ("http://[::1") names no publisher
        host = ""
    if host:
        if profiles is load_profiles():
            profile = _shipped_profile_for_host(host)
        else:
            profile = next((p for p in profiles if p.matches_host(host)), None)
        if profile is not None:
            return profile, profile.name, "url"
    source = text_value(fields.get("source"))
    if source:
        for profile in profiles:
            if profile.matches_source(source):
                return profile, profile.name, "source"
    starts = _line_starts(text) if any(p.markers for p in profiles) else []
    hits = [p for p in profiles if any(_marks(m, text, starts) for m in p.markers)]
    if len(hits) == 1:  # several sites' markers: say nothing rather than guess
        return hits[0], hits[0].name, "marker"
    fallback = source or (host.removeprefix("www.") if host else None)
    return None, fallback, "unknown"


@functools.lru_cache(maxsize=1024)
def _marker_plan(marker: re.Pattern[str]) -> tuple[str, re.Pattern[str] | None, bool]:
    """(a literal every match holds, the same as a case-blind pattern when the marker ignores
    case, whether matches start only at line starts)."""
    literal = needle(marker)
    if literal and ignores_case(marker):
        # the marker's own flags: the literal's letters match as they do inside the marker
        return "", re.compile(re.escape(literal), marker.flags), line_anchored(marker)
    return literal, None, line_anchored(marker)


def _marks(marker: re.Pattern[str], text: str, starts: list[int]) -> bool:
    """``marker.search(text) is not None``, cheaper: a text without the marker's literal is
    passed over (a plain ``in``, or a case-blind search of the literal alone: the engine skips
    to its first letter, which a leading ``\\b`` stops it doing), and a ``(?m)^`` marker is
    tried at the line starts only (a search tries it at every character: ~30 us on a 3 KB text
    that names no known site)."""
    literal, folded, anchored = _marker_plan(marker)
    if literal not in text or (folded is not None and folded.search(text) is None):
        return False
    if anchored:
        return any(marker.match(text, at) for at in starts)
    return marker.search(text) is not None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts
