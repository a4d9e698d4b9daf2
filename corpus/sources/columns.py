"""Which source column holds which raw-schema field: explicit mapping, presets, then content.

1. Explicit mapping (``--map``, ``[map]`` in corpus.toml) wins.
2. Presets (``config.COLUMN_PRESETS``) match column names (``judul`` -> title).
3. Inference: a role still unmapped (url, published, text, title) is given to the column whose
   values, over the first ``SAMPLE_RECORDS`` records of the file, look like it: web addresses
   (url), dates (published), the longest values (text), short distinct lines (title).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus.config import COLUMN_PRESETS, normalize_column

#: Records of a file that inference looks at (it decides before the first record is emitted).
SAMPLE_RECORDS = 1000
#: Roles inference may fill, in the order it fills them.
INFERRED_ROLES = ("url", "published", "text", "title")
_SHARE = 0.9  # of a column's non-empty values that must look like the role
_URL = re.compile(r"(?:https?://|www\.)[^\s/]+\.[^\s]*\Z", re.IGNORECASE)
_MEDIA = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|bmp|mp4|mp3|webm|pdf|ico)(?:[?#]\S*)?\Z", re.I)


@dataclass(frozen=True, slots=True)
class ColumnRole:
    """One source column mapped onto a field, and why (explicit, preset or inferred)."""

    column: str
    field: str
    how: str  # "explicit" | "preset" | "inferred"
    evidence: str = ""  # for inferred roles: what in the values decided it

    def describe(self) -> str:
        """``url <- source_url (inferred: 100% of 12 values are web addresses)``."""
        why = f"{self.how}: {self.evidence}" if self.evidence else self.how
        return f"{self.field} <- {self.column} ({why})"


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """The mapping used for one file: mapped columns, and those kept in ``extra``."""

    relpath: str
    roles: tuple[ColumnRole, ...]
    unmapped: tuple[str, ...]

    def describe(self) -> str:
        """One line for the CLI's "mapping used"."""
        mapped = "; ".join(role.describe() for role in self.roles) or "no column maps to a field"
        extra = f"; kept in extra: {', '.join(self.unmapped)}" if self.unmapped else ""
        return f"{self.relpath}: {mapped}{extra}"


class ColumnMapper:
    """Maps source column names onto raw-schema fields: explicit mapping, presets, inferred."""

    def __init__(
        self, explicit: Mapping[str, str], inferred: Mapping[str, tuple[str, str]] | None = None
    ) -> None:
        self._given = dict(explicit)
        self._explicit = {fld: normalize_column(col) for fld, col in explicit.items()}
        self.inferred: dict[str, tuple[str, str]] = dict(inferred or {})  # column -> (field, why)
        self._cache: dict[tuple[str, ...], dict[str, str]] = {}

    @property
    def explicit_fields(self) -> set[str]:
        """Fields the user mapped by name (inference never fills them, found or not)."""
        return set(self._explicit)

    def for_file(self, inferred: Mapping[str, tuple[str, str]]) -> ColumnMapper:
        """This mapper plus one file's inferred roles (``{column: (field, evidence)}``)."""
        return self if not inferred else ColumnMapper(self._given, inferred)

    def mapping(self, columns: Sequence[str]) -> dict[str, str]:
        """``{source column: field}`` for the columns that map to a field."""
        key = tuple(columns)
        if key not in self._cache:
            self._cache[key] = {col: fld for col, (fld, _) in self.roles(columns).items()}
        return self._cache[key]

    def roles(self, columns: Sequence[str]) -> dict[str, tuple[str, str]]:
        """``{source column: (field, how)}`` with how = explicit | preset | inferred."""
        by_norm: dict[str, str] = {}
        for col in columns:
            by_norm.setdefault(normalize_column(col), col)
        result: dict[str, tuple[str, str]] = {}
        for fld, norm in self._explicit.items():
            if norm in by_norm:
                result[by_norm[norm]] = (fld, "explicit")
        taken = {fld for fld, _ in result.values()}
        for fld, names in COLUMN_PRESETS.items():
            if fld in taken or fld in self._explicit:
                continue
            for name in names:
                found = by_norm.get(name)
                if found is not None and found not in result:
                    result[found] = (fld, "preset")
                    taken.add(fld)
                    break
        for col, (fld, _) in self.inferred.items():
            if col in columns and col not in result and fld not in taken | self.explicit_fields:
                result[col] = (fld, "inferred")
                taken.add(fld)
        return result

    def split(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(fields, extra)`` of one row; empty CSV cells count as absent.

        A value that a column mapped only by its name (a preset, not the user's mapping) holds
        in a form its field cannot take stays in ``extra``: a crawler's ``language`` column
        saying "INDONESIA" is its guess, not an ISO code, and must not reject the record."""
        mapping = self.mapping(list(row))
        fields: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for col, value in row.items():
            if value == "":
                continue
            fld = mapping.get(col)
            if fld is None or (fld not in self._explicit and not _fits(fld, value)):
                extra[col.lstrip("\ufeff")] = value
            else:
                fields[fld] = value
        return fields, extra

    def report(self, relpath: str, columns: Sequence[str]) -> ColumnMapping:
        """The mapping used for a file whose records have ``columns``."""
        roles = self.roles(columns)
        found = [
            ColumnRole(col, fld, how, self.inferred[col][1] if how == "inferred" else "")
            for col, (fld, how) in roles.items()
        ]
        found.sort(key=lambda role: list(COLUMN_PRESETS).index(role.field))
        unmapped = tuple(col.lstrip("\ufeff") for col in columns if col not in roles)
        return ColumnMapping(relpath, tuple(found), unmapped)


#: Fields whose values have a fixed form (as in schemas/raw_article.schema.json).
_FORMS = {"language": re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")}


def _fits(field: str, value: Any) -> bool:
    form = _FORMS.get(field)
    return form is None or not isinstance(value, str) or form.match(value) is not None


@dataclass(slots=True)
class _Values:
    """What inference needs to know about one column's values in the sample."""

    count: int = 0
    urls: int = 0
    media: int = 0
    dates: int = 0
    single_line: int = 0
    chars: int = 0
    words: list[int] = field(default_factory=list)
    distinct: set[str] = field(default_factory=set)

    def add(self, value: str) -> None:
        from corpus.dates import parse_datetime

        text = value.strip()
        self.count += 1
        self.chars += len(text)
        self.words.append(len(text.split()))
        self.distinct.add(text)
        self.single_line += "\n" not in text
        if _URL.match(text):
            self.urls += 1
            self.media += bool(_MEDIA.search(text))
        elif len(text) <= 60 and any(ch.isdigit() for ch in text) and parse_datetime(text):
            self.dates += 1


def infer(rows: Iterable[Mapping[str, Any]], mapper: ColumnMapper) -> dict[str, tuple[str, str]]:
    """``{column: (field, evidence)}`` for the roles no name gives, from the columns' values."""
    values: dict[str, _Values] = {}
    covered = mapper.explicit_fields
    for row in rows:
        mapping = mapper.mapping(list(row))
        covered.update(mapping.values())
        for col, value in row.items():
            if col not in mapping and isinstance(value, str) and value.strip():
                values.setdefault(col, _Values()).add(value)
    inferred: dict[str, tuple[str, str]] = {}
    for role in INFERRED_ROLES:
        if role in covered:
            continue
        free = {col: v for col, v in values.items() if col not in inferred}
        found = _PICKERS[role](free)
        if found is not None:
            inferred[found[0]] = (role, found[1])
    return inferred


def needs_inference(columns: Iterable[str], mapper: ColumnMapper) -> bool:
    """Whether a record with these columns leaves a role to infer (and a column to infer from)."""
    columns = list(columns)
    mapped = mapper.mapping(columns)
    covered = set(mapped.values()) | mapper.explicit_fields
    return len(mapped) < len(columns) and not set(INFERRED_ROLES) <= covered


def _pick_url(columns: dict[str, _Values]) -> tuple[str, str] | None:
    best: tuple[tuple[float, ...], str, str] | None = None
    for col, v in columns.items():
        share = v.urls / v.count
        if share < _SHARE or v.media > v.urls / 2:
            continue
        named = any(word in normalize_column(col) for word in ("url", "link", "href"))
        score = (float(named), share, len(v.distinct) / v.count)
        if best is None or score > best[0]:
            best = (score, col, f"{share:.0%} of {v.count:,} values are web addresses")
    return (best[1], best[2]) if best else None


def _pick_published(columns: dict[str, _Values]) -> tuple[str, str] | None:
    best: tuple[tuple[float, ...], str, str] | None = None
    for col, v in columns.items():
        share = v.dates / v.count
        if share < _SHARE:
            continue
        score = (share, len(v.distinct) / v.count)
        if best is None or score > best[0]:
            best = (score, col, f"{share:.0%} of {v.count:,} values are dates")
    return (best[1], best[2]) if best else None


def _pick_text(columns: dict[str, _Values]) -> tuple[str, str] | None:
    best: tuple[float, str] | None = None
    for col, v in columns.items():
        mean = v.chars / v.count
        if mean >= 200 and v.urls < v.count / 2 and (best is None or mean > best[0]):
            best = (mean, col)
    if best is None:
        return None
    return best[1], f"the longest values (mean {best[0]:,.0f} characters)"


def _pick_title(columns: dict[str, _Values]) -> tuple[str, str] | None:
    best: tuple[tuple[float, ...], str, str] | None = None
    for col, v in columns.items():
        words = statistics.median(v.words)
        short = sum(2 <= n <= 30 for n in v.words)
        if not (3 < words <= 20 and short >= _SHARE * v.count):
            continue
        if v.urls + v.dates > (1 - _SHARE) * v.count:
            continue
        if v.single_line < _SHARE * v.count:
            continue
        score = (len(v.distinct) / v.count, -words)
        if best is None or score > best[0]:
            best = (score, col, f"short distinct lines (median {words:g} words)")
    return (best[1], best[2]) if best else None


_PICKERS = {
    "url": _pick_url,
    "published": _pick_published,
    "text": _pick_text,
    "title": _pick_title,
}

__all__ = [
    "INFERRED_ROLES",
    "SAMPLE_RECORDS",
    "ColumnMapper",
    "ColumnMapping",
    "ColumnRole",
    "infer",
    "needs_inference",
]
