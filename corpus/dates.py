"""Parse the date forms Indonesian news sites and their scrapers produce into ISO 8601.

Pure string work with compiled regexes (no ``dateparser``): it runs on every article.

Rules, in order of trust:

* An explicit zone wins: ``WIB`` +07:00, ``WITA`` +08:00, ``WIT`` +09:00, ``GMT``/``UTC``/``Z``
  +00:00, or a numeric offset.
* Without a zone, ``default_offset`` is used. The caller passes it only when the publisher is a
  known Indonesian site that publishes in WIB; otherwise the time stays naive (no offset) rather
  than get a guessed one.
* A value with no time of day stays a date (``2019-10-26``), never a made-up midnight. An
  ``00:00:00`` without a zone next to an ISO date is a spreadsheet cell that held only a date, so
  it is treated as "no time" and a separate time column fills it in.
* Numeric dates (``13/09/2019``, ``10-11-2018``, ``13.09.2019``) are read day first, the
  Indonesian and Malaysian convention, unless the caller passes ``order="mdy"``. A column's order
  is a property of the whole column: ``column_order`` infers it from all of its values (any first
  field over 12 settles it), so one file never mixes the two readings.
* Anything that is not a real calendar date or clock time gives ``None``, never a wrong date.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

_FAR_FUTURE = float("inf")

_MONTHS: dict[str, int] = {
    # Indonesian, with the spellings and abbreviations sites use
    "januari": 1,
    "februari": 2,
    "pebruari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "nopember": 11,
    "desember": 12,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "okt": 10,
    "nop": 11,
    "des": 12,
    # English (and abbreviations shared with Indonesian)
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "october": 10,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))  # longest first: "Maret" before "Mar"

_ZONES: dict[str, str] = {
    "WIB": "+07:00",
    "WITA": "+08:00",
    "WIT": "+09:00",
    "GMT": "+00:00",
    "UTC": "+00:00",
    "Z": "+00:00",
}
_ZONE = r"(?P<zone>WITA|WIT|WIB|GMT|UTC|Z(?![A-Za-z])|[+-]\d{2}:?\d{2})"

_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?P<ds>[-/])(?P<m>\d{1,2})(?P=ds)(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?\s*" + _ZONE + r"?)?(?!\d)"
)
# "13/09/2019", "10-11-2018", "13.09.2019": day and month in the order the column uses
_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<ns>[/.-])(?P<b>\d{1,2})(?P=ns)(?P<y>\d{4})(?![\d/.-]|\.\d)"
)
_NAME_DMY = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})\s+(?P<mon>{_MONTH})\b\.?,?\s+(?P<y>\d{{4}})(?![\d.:])",
    re.IGNORECASE,
)
# "10-Sep-19": the only form with a two-digit year, so "5 Mei 20.00" is never read as 2020
_DASHED_DMY = re.compile(
    rf"(?<![\d-])(?P<d>\d{{1,2}})-(?P<mon>{_MONTH})-(?P<y>\d{{4}}|\d{{2}})(?![\d-])",
    re.IGNORECASE,
)
_NAME_MDY = re.compile(
    rf"\b(?P<mon>{_MONTH})\b\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE
)
_DATE_FORMS = (_ISO, _NUMERIC, _NAME_DMY, _DASHED_DMY, _NAME_MDY)
ORDERS = ("dmy", "mdy")

# "17:45 WIB", "23:15:00", "21.29 WIB". A dotted time needs a zone: "13.00" alone may be a number.
_TIME = re.compile(
    r"(?<![\d.:/])(?P<H>\d{1,2})(?P<sep>[:.])(?P<M>\d{2})(?:(?P=sep)(?P<S>\d{2}))?(?![\d])"
    r"(?:\s*" + _ZONE + r")?"
)

# What may surround the date on a line that is only a date ("Rabu, 17 November 2021 - 17:45 WIB",
# "Diperbarui 18 Jun 2025, 14:05 WIB", ", Jurnalis-Rabu, 18 Juni 2025 |18:45 WIB").
_FILLER = re.compile(
    r"(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|diperbarui|dipublikasikan|diterbitkan|diunggah|terbit|published"
    r"|updated|update|posted|jurnalis|pukul|jam|[\s,|\-–—:/])*",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Clock:
    hour: int
    minute: int
    second: int
    offset: str | None
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Found:
    date: dt.date
    clock: _Clock | None  # a time given inside the same ISO token
    span: tuple[int, int]


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # "10-Sep-19": news archives are all from this century
        year += 2000
    return year


def _offset(zone: str | None) -> str | None:
    if not zone:
        return None
    upper = zone.upper()
    if upper in _ZONES:
        return _ZONES[upper]
    sign, digits = zone[0], zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        return None
    return f"{sign}{hours:02d}:{minutes:02d}"


def _clock(hour: str, minute: str, second: str | None, zone: str | None) -> _Clock | None:
    h, m, s = int(hour), int(minute), int(second or 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return _Clock(h, m, s, _offset(zone), (0, 0))


def _day_month(groups: dict[str, str], order: str) -> tuple[int, int]:
    if "a" in groups:  # a numeric date: the column's order says which field is the day
        first, second = int(groups["a"]), int(groups["b"])
        return (first, second) if order == "dmy" else (second, first)
    month = int(groups["m"]) if "m" in groups else _MONTHS[groups["mon"].lower()]
    return int(groups["d"]), month


def _find_date(text: str, order: str = "dmy") -> _Found | None:
    for form in _DATE_FORMS:
        match = form.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        day, month = _day_month(groups, order)
        try:
            date = dt.date(_year(groups["y"]), month, day)
        except ValueError:
            return None  # the first date-shaped token is not a real date: do not guess another
        if not 1900 <= date.year <= 2100:
            return None
        clock = None
        if groups.get("H") is not None:
            clock = _clock(groups["H"], groups["M"], groups["S"], groups["zone"])
            if clock is None:
                return None
            if (clock.hour, clock.minute, clock.second) == (0, 0, 0) and clock.offset is None:
                clock = None  # a spreadsheet date cell, not a time of day
        return _Found(date, clock, match.span())
    return None


def _find_time(text: str, start: int = 0) -> _Clock | None:
    for match in _TIME.finditer(text, start):
        if match["sep"] == "." and not match["zone"]:
            continue
        clock = _clock(match["H"], match["M"], match["S"], match["zone"])
        if clock is not None:
            return _Clock(clock.hour, clock.minute, clock.second, clock.offset, match.span())
    return None


def _iso(date: dt.date, clock: _Clock | None, default_offset: str | None) -> str:
    if clock is None:
        return date.isoformat()
    offset = clock.offset or default_offset or ""
    return f"{date.isoformat()}T{clock.hour:02d}:{clock.minute:02d}:{clock.second:02d}{offset}"


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


def parse_datetime(
    value: str,
    time: str | None = None,
    *,
    default_offset: str | None = None,
    order: str = "dmy",
) -> str | None:
    """ISO 8601 of a raw date (plus an optional separate time value), or None if not a date.

    ``order`` is how a numeric date's first two fields read: ``"dmy"`` or ``"mdy"`` (from
    ``column_order`` over the value's whole column)."""
    parsed = _date_and_clock(value, order)
    if parsed is None:
        return None
    date, clock = parsed
    if time and time.strip():
        separate = _time_of(time)
        if separate is not None and (clock is None or separate.offset is not None):
            clock = separate
    return _iso(date, clock, default_offset)


# A file's date and time columns repeat their values (the 2019 corpus: 33 distinct dates and
# 3,349 distinct times over 16,920 rows, in 12,974 pairs): each value is read once per process,
# the date and the time apart, and only the cheap ISO formatting runs per record. Bounded, so
# a long run with ever new values keeps a fixed size.
@functools.lru_cache(maxsize=8192)
def _date_and_clock(value: str, order: str) -> tuple[dt.date, _Clock | None] | None:
    """The date a value holds and its time of day, if any (``parse_datetime`` of one value)."""
    found = _find_date(value, order)
    if found is None:
        return None
    clock = found.clock
    if clock is None:
        # the time may sit after the date in the same value ("18 Jun 2025, 14:05 WIB")
        clock = _find_time(_blank(value, found.span))
    return found.date, clock


@functools.lru_cache(maxsize=8192)
def _time_of(value: str) -> _Clock | None:
    """The time of day a separate time value holds (``_find_time``, cached per value)."""
    return _find_time(value)


def parse_date_line(line: str, *, default_offset: str | None = None) -> str | None:
    """Like ``parse_datetime``, but only for a line that holds nothing except a date and time."""
    if len(line) > 80 or not any(ch.isdigit() for ch in line):
        return None
    found = _find_date(line)
    if found is None:
        return None
    rest = _blank(line, found.span)
    clock = found.clock
    if clock is None:
        clock = _find_time(rest)
        if clock is not None:
            rest = _blank(rest, clock.span)
    if _FILLER.fullmatch(rest) is None:
        return None
    return _iso(found.date, clock, default_offset)


@dataclass(frozen=True, slots=True)
class ColumnOrder:
    """How a column's numeric dates read, inferred from all of its values."""

    order: str | None  # "dmy" | "mdy", or None when the values do not settle it
    reason: str  # first_field_over_12 | second_field_over_12 | ambiguous | conflict | no_numeric
    numeric: int  # values holding a numeric day-month date
    first_over_12: int  # of those, values whose first field can only be a day
    second_over_12: int  # values whose second field can only be a day


def timestamp(value: str | None) -> float:
    """Seconds since the epoch of an ISO date or date/time, for ordering (a date is its
    midnight, a time without an offset is UTC); missing or unreadable sorts last (``inf``)."""
    if not value:
        return _FAR_FUTURE
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
        except ValueError:
            return _FAR_FUTURE
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


def column_order(values: Iterable[str | None]) -> ColumnOrder:
    """The day/month order of a column's numeric dates ("10/07/2025" is 10 July or 7 October).

    One value whose first field is over 12 settles the column as day first, one whose second
    field is over 12 as month first. A column with both kinds is ``conflict`` and one with
    neither ``ambiguous``: both give ``order=None``, and the caller uses the publisher's
    locale and says so. Values in other forms (ISO, month names) do not vote.
    """
    numeric = first = second = 0
    for value in values:
        if not value:
            continue
        match = _NUMERIC.search(value)
        if match is None or _ISO.search(value) is not None:
            continue
        a, b = int(match["a"]), int(match["b"])
        if not (1 <= a <= 31 and 1 <= b <= 31):
            continue
        numeric += 1
        first += a > 12
        second += b > 12
    return _decided(numeric, first, second)


def joined_order(parts: Iterable[ColumnOrder]) -> ColumnOrder:
    """The order of a column read in parts (a big file's slices): their values' votes summed."""
    parts = list(parts)
    return _decided(
        sum(p.numeric for p in parts),
        sum(p.first_over_12 for p in parts),
        sum(p.second_over_12 for p in parts),
    )


def _decided(numeric: int, first: int, second: int) -> ColumnOrder:
    if first and second:
        return ColumnOrder(None, "conflict", numeric, first, second)
    if first:
        return ColumnOrder("dmy", "first_field_over_12", numeric, first, second)
    if second:
        return ColumnOrder("mdy", "second_field_over_12", numeric, first, second)
    return ColumnOrder(None, "ambiguous" if numeric else "no_numeric", numeric, 0, 0)


__all__ = [
    "ORDERS",
    "ColumnOrder",
    "column_order",
    "joined_order",
    "parse_date_line",
    "parse_datetime",
    "timestamp",
]
