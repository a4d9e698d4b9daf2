"""Run configuration: frozen, explicit, checked before any input is read.

Building a ``Config`` checks its values and touches no file; ``Config.checked`` then checks and
reads what it names on disk (the reviewed rules file, whose content is part of the
fingerprint). ``load_config`` does both; so does ``pipeline.ingest`` for a Config built by hand.

Each field says what it is to a version (``field(metadata=_role(...))``): a setting that makes
the rows (hashed into the fingerprint, recorded in the manifest), a label (recorded, not hashed),
or how the run was carried out (neither).
"""

from __future__ import annotations

import codecs
import dataclasses
import enum
import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from corpus.errors import ConfigError
from corpus.executor import EXECUTORS
from corpus.lease import TIMEOUT as LEASE_TIMEOUT
from corpus.records import canonical_json

#: Column names recognised without configuration, per raw-schema field. Matching ignores case,
#: a BOM, surrounding spaces, and treats "-", " " and "_" alike.
COLUMN_PRESETS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "text": ("text", "content", "body", "isi", "isi_berita", "article", "konten", "berita"),
        "title": ("title", "judul", "headline", "judul_berita"),
        "url": ("url", "link", "tautan", "permalink"),
        "published": (
            "published",
            "date",
            "tanggal",
            "tanggal_publikasi",
            "published_at",
            "publish_date",
            "pubdate",
            "datetime",
            "waktu",
        ),
        "published_time": ("time", "jam", "published_time"),
        "author": ("author", "authors", "penulis", "byline", "reporter", "wartawan"),
        "source": ("source", "sumber", "publisher", "media", "site"),
        "category": ("category", "kategori", "section", "rubrik", "kanal"),
        "subcategory": ("sub_category", "subcategory", "sub_kategori", "subkategori"),
        "language": ("language", "lang", "bahasa"),
        "fetched_at": ("fetched_at", "scraped_at", "crawled_at", "crawl_date"),
    }
)

RAW_FIELDS = frozenset(COLUMN_PRESETS)
#: Reviewed learned-boilerplate rules used when the configuration names none (if the file exists).
DEFAULT_BOILERPLATE_RULES = Path("rules/boilerplate.toml")
_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class Role(enum.Enum):
    """What a Config field is to the version a run makes."""

    OUTPUT = "output"  # changes the rows: in the fingerprint and in the manifest's config
    LABEL = "label"  # in the manifest's config, but changes no row (a name, a batch size, a path)
    HOW = "how"  # how the run was carried out (where, which number, how many workers): neither
    DERIVED = "derived"  # read by ``Config.checked``; enters the fingerprint in another's name


def _role(kind: Role) -> Mapping[str, Role]:
    """A Config field's metadata giving its role (a field without one is ``Role.OUTPUT``)."""
    return MappingProxyType({"role": kind})


def _role_of(f: dataclasses.Field[Any]) -> Role:
    """The role of a Config field."""
    kind: Role = f.metadata.get("role", Role.OUTPUT)
    return kind


def normalize_column(name: str) -> str:
    """The form column names are compared in: ``" Tanggal-Publikasi"`` -> ``tanggal_publikasi``."""
    return re.sub(r"[\s\-_]+", "_", name.strip().lstrip("\ufeff").strip().lower())


@dataclass(frozen=True, slots=True)
class Config:
    """Everything an ingest run depends on; its ``fingerprint`` goes into the manifest."""

    dataset: str = field(default="news", metadata=_role(Role.LABEL))
    out: Path = field(default=Path("processed"), metadata=_role(Role.HOW))
    column_map: Mapping[str, str] = field(default_factory=dict)  # raw field -> source column
    batch_size: int = field(default=1000, metadata=_role(Role.LABEL))  # same rows for any size
    shard_max_rows: int = 100_000
    shard_max_bytes: int = 256 * 1024 * 1024  # uncompressed text bytes per shard
    row_group_rows: int = 5_000
    language_seed: int = 0
    max_text_chars: int = 1_000_000
    # explicit X.Y.Z for the new version; default: next minor
    version: str | None = field(default=None, metadata=_role(Role.HOW))
    # which part of the version a new ingest raises: major | minor | patch
    bump: str = field(default="minor", metadata=_role(Role.HOW))
    # reprocess every input instead of adding new ones to the latest version
    rebuild: bool = field(default=False, metadata=_role(Role.HOW))
    # add to a version made by other code/rules (the manifest records it as mixed)
    allow_mixed: bool = field(default=False, metadata=_role(Role.HOW))
    # processes for the per-record stages; 0: one per available core
    workers: int = field(default=0, metadata=_role(Role.HOW))
    # local (worker processes) | ray (Ray tasks; the corpus[ray] extra)
    executor: str = field(default="local", metadata=_role(Role.HOW))
    # Ray cluster to join ("auto", "ray://host:10001"); None: start one
    address: str | None = field(default=None, metadata=_role(Role.HOW))
    # workers read, process and write their own files and the driver holds no articles
    # (corpus/distributed); always so with executor "ray"
    distributed: bool = field(default=False, metadata=_role(Role.HOW))
    # seconds after its last renewal that a dataset's lease on a URL is stale, taken over by
    # another driver (corpus/lease.py): the longest a dead driver's run waits to be resumed
    lease_timeout: float = field(default=LEASE_TIMEOUT, metadata=_role(Role.HOW))
    # reviewed learned-boilerplate rules (corpus/boilerplate.py); load_config defaults it to
    # rules/boilerplate.toml when that file exists. Its content, not its path, makes the rows.
    boilerplate_rules: Path | None = field(default=None, metadata=_role(Role.LABEL))
    dedup_threshold: float = 0.8  # estimated Jaccard of word shingles at or above = near-dup
    dedup_containment: float = 0.8  # or: this share of the shorter body's shingles in the other
    dedup_ngram: int = 3  # words per shingle
    dedup_publisher_priority: tuple[str, ...] = ()  # survivor tie-break, most preferred first
    # target languages (langdetect codes); others go to rejects (reason "language") or are kept
    languages: tuple[str, ...] = ()  # empty: every language is a target
    other_languages: str = "reject"  # reject | keep
    # text encoding of the input files: a Python codec name (utf-8, cp1252, latin-1, utf-16) or
    # "auto" (detected per file by charset-normalizer); ``encodings`` overrides it per file
    encoding: str = "utf-8"
    encodings: Mapping[str, str] = field(default_factory=dict)  # glob on relative path -> encoding
    # sha256 of the boilerplate_rules file, set by ``checked``; not copied by dataclasses.replace,
    # so a changed copy must be checked again before its fingerprint is taken
    rules_sha256: str | None = field(
        default=None, init=False, compare=False, repr=False, metadata=_role(Role.DERIVED)
    )

    def __post_init__(self) -> None:
        if not _NAME.match(self.dataset):
            raise ConfigError(
                f"dataset name {self.dataset!r} is not valid: use letters, digits, '.', '_' or '-'"
            )
        for key in self.column_map:
            if key not in RAW_FIELDS:
                raise ConfigError(
                    f"cannot map onto unknown field {key!r}; known fields: {', '.join(sorted(RAW_FIELDS))}"
                )
        for name in ("batch_size", "shard_max_rows", "shard_max_bytes", "row_group_rows"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("dedup_threshold", "dedup_containment"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ConfigError(f"{name} must be in (0, 1], got {getattr(self, name)}")
        if not 1 <= self.dedup_ngram <= 10:
            raise ConfigError(f"dedup_ngram must be between 1 and 10, got {self.dedup_ngram}")
        object.__setattr__(self, "dedup_publisher_priority", tuple(self.dedup_publisher_priority))
        object.__setattr__(self, "languages", _language_codes(self.languages))
        if self.other_languages not in ("reject", "keep"):
            raise ConfigError(
                f"other_languages must be 'reject' or 'keep', got {self.other_languages!r}"
            )
        if self.bump not in ("major", "minor", "patch"):
            raise ConfigError(f"bump must be major, minor or patch, got {self.bump!r}")
        if not self.lease_timeout > 0:
            raise ConfigError(f"lease_timeout must be > 0 seconds, got {self.lease_timeout}")
        if self.workers < 0:
            raise ConfigError(f"workers must be 0 (one per core) or more, got {self.workers}")
        if self.executor not in EXECUTORS:
            raise ConfigError(
                f"executor must be one of {', '.join(EXECUTORS)}, got {self.executor!r}"
            )
        if self.address is not None and self.executor != "ray":
            raise ConfigError("address is the Ray cluster to use: it needs executor 'ray'")
        if self.version is not None and not _SEMVER.match(self.version):
            raise ConfigError(f"version {self.version!r} is not X.Y.Z (e.g. 1.2.0)")
        object.__setattr__(self, "column_map", dict(self.column_map))  # a private copy
        object.__setattr__(self, "encoding", _encoding(self.encoding, "encoding"))
        object.__setattr__(
            self,
            "encodings",
            {str(k): _encoding(v, f"encodings[{k!r}]") for k, v in dict(self.encodings).items()},
        )
        if self.boilerplate_rules is not None:
            object.__setattr__(self, "boilerplate_rules", Path(self.boilerplate_rules))

    def checked(self) -> Config:
        """This configuration with the files it names checked and read (the rules file: its
        content is part of the fingerprint). Done before any input is read; a ConfigError
        names the setting and how to fix it."""
        copy = dataclasses.replace(self)
        if self.boilerplate_rules is not None:
            rules = self.boilerplate_rules
            if not rules.is_file():
                raise ConfigError(
                    f"boilerplate_rules: {rules} is not a file (write one with `corpus boilerplate learn`)"
                )
            try:
                digest = hashlib.sha256(rules.read_bytes()).hexdigest()
            except OSError as exc:
                raise ConfigError(
                    f"boilerplate_rules: cannot read {rules} ({exc.strerror}); check its permissions"
                ) from None
            object.__setattr__(copy, "rules_sha256", digest)
        return copy

    @property
    def fingerprint(self) -> str:
        """Hash of the settings that change the rows (``Role.OUTPUT``; the rules by content)."""
        values = asdict(self)
        relevant = {f.name: values[f.name] for f in fields(self) if _role_of(f) is Role.OUTPUT}
        # at their defaults the encodings leave the hash of earlier configurations unchanged
        if self.encoding == "utf-8":
            relevant.pop("encoding")
        if not self.encodings:
            relevant.pop("encodings")
        if self.boilerplate_rules is not None:  # the rules' content changes output, not the path
            if self.rules_sha256 is None:
                raise ConfigError(
                    f"boilerplate_rules: {self.boilerplate_rules} has not been read yet; build "
                    "the configuration with load_config() or call Config.checked() first"
                )
            relevant["boilerplate_rules"] = self.rules_sha256
        return hashlib.sha256(canonical_json(relevant).encode()).hexdigest()[:16]

    def public(self) -> dict[str, Any]:
        """Every setting as a plain JSON-able value."""
        values = asdict(self)
        for f in fields(self):
            if _role_of(f) is Role.DERIVED:
                values.pop(f.name)
        values["out"] = str(self.out)
        if self.boilerplate_rules is not None:
            values["boilerplate_rules"] = self.boilerplate_rules.as_posix()
        return values

    def recorded(self) -> dict[str, Any]:
        """The settings a version's manifest records: those that make or label its rows, not
        how the run was carried out (``Role.HOW``)."""
        how = {f.name for f in fields(self) if _role_of(f) is Role.HOW}
        return {k: v for k, v in self.public().items() if k not in how}


def _encoding(value: object, name: str) -> str:
    """A codec name Python knows (canonical form), or "auto"."""
    text = str(value).strip()
    if text.lower() == "auto":
        return "auto"
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise ConfigError(
            f"{name}: unknown encoding {text!r}; use a Python codec name "
            "(utf-8, cp1252, latin-1, utf-16) or auto"
        ) from None


#: Languages the langid stage's regional model answers that langdetect has no profile for
#: (corpus/langid/regional.json's classes; a test keeps the two in step).
REGIONAL_LANGUAGES = ("jv", "ms", "su")
#: langdetect's profiles (its ``profiles/`` folder; a test keeps the two in step): listed here so
#: that building a Config reads no file.
LANGDETECT_LANGUAGES = (
    *("af", "ar", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "fa", "fi"),
    *("fr", "gu", "he", "hi", "hr", "hu", "id", "it", "ja", "kn", "ko", "lt", "lv", "mk", "ml"),
    *("mr", "ne", "nl", "no", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sv", "sw"),
    *("ta", "te", "th", "tl", "tr", "uk", "ur", "vi", "zh-cn", "zh-tw"),
)


def _language_codes(value: Iterable[str] | str) -> tuple[str, ...]:
    """Target languages as a sorted tuple of codes the langid stage answers (``"id,en"``
    accepted)."""
    items = value.split(",") if isinstance(value, str) else value
    codes = tuple(sorted({str(item).strip() for item in items if str(item).strip()}))
    known = sorted({*LANGDETECT_LANGUAGES, *REGIONAL_LANGUAGES})
    for code in codes:
        if code not in known:
            raise ConfigError(
                f"languages: unknown language code {code!r}; langdetect knows {', '.join(known)}"
            )
    return codes


def resource(name: str) -> Path:
    """A project file shipped with the package (``schemas/...``, ``DATASET_CARD.md``): inside
    the wheel under ``corpus/_resources``, or at the repository root in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources" / name, here.parent / name):
        if candidate.exists():
            return candidate
    raise ConfigError(f"cannot find {name} next to the corpus package; is the install complete?")


def parse_map_options(options: Iterable[str]) -> dict[str, str]:
    """``["title=headline"]`` -> ``{"title": "headline"}``; a malformed item is a ConfigError."""
    mapping: dict[str, str] = {}
    for option in options:
        key, sep, column = option.partition("=")
        if not sep or not key.strip() or not column.strip():
            raise ConfigError(f"--map expects FIELD=COLUMN (e.g. title=headline), got {option!r}")
        mapping[key.strip()] = column.strip()
    return mapping


def load_config(path: Path | None, **overrides: Any) -> Config:
    """Build the Config from ``corpus.toml`` (if given or present) plus command-line overrides,
    checked (``Config.checked``).

    ``corpus.toml`` holds ``[ingest]`` (any Config field), ``[map]`` (field = "column") and
    ``[encodings]`` ("glob on the file's relative path" = "encoding").
    """
    values: dict[str, Any] = {}
    column_map: dict[str, str] = {}
    if path is None and Path("corpus.toml").is_file():
        path = Path("corpus.toml")
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} does not exist") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        unknown = set(data) - {"ingest", "map", "encodings"}
        if unknown:
            raise ConfigError(
                f"{path}: unknown section(s) {sorted(unknown)}; use [ingest], [map] and [encodings]"
            )
        values.update(data.get("ingest", {}))
        column_map.update(data.get("map", {}))
        if "encodings" in data:
            values["encodings"] = dict(data["encodings"])
    column_map.update(overrides.pop("column_map", None) or {})
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f for f in Config.__dataclass_fields__}
    unknown_keys = set(values) - known
    if unknown_keys:
        raise ConfigError(f"unknown setting(s) {sorted(unknown_keys)}; known: {sorted(known)}")
    if "out" in values:
        values["out"] = Path(values["out"])
    if "boilerplate_rules" in values:
        values["boilerplate_rules"] = Path(values["boilerplate_rules"])
    elif DEFAULT_BOILERPLATE_RULES.is_file():
        values["boilerplate_rules"] = DEFAULT_BOILERPLATE_RULES
    try:
        cfg = Config(column_map=column_map, **values)
    except TypeError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from None
    return cfg.checked()


__all__ = [
    "COLUMN_PRESETS",
    "Config",
    "Role",
    "load_config",
    "normalize_column",
    "parse_map_options",
]
