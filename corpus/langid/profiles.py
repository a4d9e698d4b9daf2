"""langdetect's 55 profiles as the arrays ``detector.Model`` reads, built once per machine.

``build`` reads langdetect's profile files straight into numpy: the matrix langdetect's
``DetectorFactory.load_profile`` fills (each n-gram's ``count / n_words[len(gram) - 1]`` per
language, the same float64 division, so the same bits), its rows numbered as the n-grams sort,
its columns as the languages sort, every n-gram packed into an int64 key (``detector._pack``).
It costs ~0.5 CPU s; ``tables`` saves what it built as ``.npy`` files in the user's cache
directory (``$XDG_CACHE_HOME/corpus``, else ``~/.cache/corpus``) and later processes memory-map
them (~0.01 s, and workers share the pages). The cache is keyed by a digest of everything the
arrays depend on (the profile files, this module's code, the langdetect, numpy and Unicode
versions); when it cannot be written, the arrays are built in memory.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, fields
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from langdetect.detector_factory import PROFILES_DIRECTORY

from corpus.errors import CorpusError

log = logging.getLogger(__name__)

# Detector._ALPHA / Detector._BASE_FREQ: langdetect's smoothing, in the naive-Bayes weights.
_SMOOTHING = 0.5 / 10_000
_BMP = 0x10000
_CACHE_VERSION = 1  # bump when the saved layout changes


class ProfileError(CorpusError):
    """A langdetect profile file is not what langdetect ships (reinstall langdetect)."""


@dataclass(frozen=True, slots=True)
class Tables:
    """What ``detector.Model`` is built from (every array read-only when memory-mapped)."""

    languages: npt.NDArray[np.str_]  # the profiles' languages, sorted: the matrix's columns
    keys: npt.NDArray[np.int64]  # every n-gram packed (``detector._pack``), sorted
    key_rows: npt.NDArray[np.int32]  # the matrix row of each of ``keys``
    probs: npt.NDArray[np.float64]  # row 1 + i: the i-th n-gram (as strings sort) per language
    log_probs: npt.NDArray[np.float32]  # log(probs + langdetect's smoothing)
    is_upper: npt.NDArray[np.bool_]  # str.isupper of each code point of the BMP
    is_alpha: npt.NDArray[np.bool_]  # str.isalpha of each code point of the BMP


def tables() -> Tables:
    """The tables, from the user's cache when it holds them, else built (and cached)."""
    files = _profile_files()
    home = cache_home() / f"langid-{_digest(files)}"
    if home.is_dir():
        try:
            return _load(home)
        except (OSError, ValueError) as error:
            log.warning(
                "langid: cannot read the cached profiles in %s (%s): rebuilding", home, error
            )
    built = build(files)
    try:
        _save(built, home)
    except OSError as error:
        log.info("langid: cannot cache the profiles in %s (%s): built in memory", home, error)
    return built


@cache
def digest() -> str:
    """The key of the tables of langdetect's shipped profiles (see ``_digest``)."""
    return _digest(_profile_files())


def cache_home() -> Path:
    """The user's cache directory for corpus: ``$XDG_CACHE_HOME/corpus`` or ``~/.cache/corpus``."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "corpus"


def build(files: list[Path] | None = None) -> Tables:
    """The tables from langdetect's profile files (``files``: all of them by default)."""
    profiles = sorted(map(_read_profile, files or _profile_files()), key=lambda p: p["name"])
    names = [p["name"] for p in profiles]
    if len(set(names)) != len(names):
        raise ProfileError(f"langdetect profiles in {PROFILES_DIRECTORY}: a language twice")
    grams = sorted(set().union(*(p["freq"] for p in profiles)))
    index = dict(zip(grams, range(1, len(grams) + 1), strict=True))
    lengths = np.fromiter(map(len, grams), dtype=np.intp, count=len(grams))
    if len(grams) and (lengths.min() < 1 or lengths.max() > 3):
        raise ProfileError(f"langdetect profiles in {PROFILES_DIRECTORY}: an n-gram not of 1-3")
    probs = np.zeros((len(grams) + 1, len(profiles)), dtype=np.float64)  # row 0 is never used
    for column, profile in enumerate(profiles):
        freq: dict[str, int] = profile["freq"]
        rows = np.fromiter(map(index.__getitem__, freq), dtype=np.intp, count=len(freq))
        counts = np.fromiter(freq.values(), dtype=np.float64, count=len(freq))
        sizes = np.fromiter(map(len, freq), dtype=np.intp, count=len(freq))
        n_words = np.array(profile["n_words"], dtype=np.float64)
        probs[rows, column] = counts / n_words[sizes - 1]  # langdetect's 1.0 * count / n_words
    keys = _packed(grams, lengths)
    order = np.argsort(keys, kind="stable")
    codes = [chr(c) for c in range(_BMP)]
    return Tables(
        languages=np.array(names, dtype=np.str_),
        keys=keys[order],
        key_rows=(order + 1).astype(np.int32),
        probs=probs,
        log_probs=np.log(probs + _SMOOTHING).astype(np.float32),
        is_upper=np.fromiter(map(str.isupper, codes), dtype=bool, count=_BMP),
        is_alpha=np.fromiter(map(str.isalpha, codes), dtype=bool, count=_BMP),
    )


def _packed(grams: list[str], lengths: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    """``detector._pack`` of each n-gram: its characters right-aligned in three places, the
    places before it "no character" (-1)."""
    raw = "".join(grams).encode("utf-32-le", "surrogatepass")
    codes = np.frombuffer(raw, dtype="<u4").astype(np.int64)
    places = np.full((len(grams), 3), -1, dtype=np.int64)
    ends = np.cumsum(lengths)
    column = (
        np.arange(len(codes)) - np.repeat(ends - lengths, lengths) + np.repeat(3 - lengths, lengths)
    )
    places[np.repeat(np.arange(len(grams)), lengths), column] = codes
    packed: npt.NDArray[np.int64] = (places[:, 2] + 1) | ((places[:, 1] + 1) << 21)
    packed |= (places[:, 0] + 1) << 42
    return packed


def _profile_files() -> list[Path]:
    """langdetect's profile files, as its ``load_profile`` finds them (no dot files)."""
    directory = Path(PROFILES_DIRECTORY)
    return sorted(p for p in directory.iterdir() if not p.name.startswith(".") and p.is_file())


def _read_profile(path: Path) -> dict[str, Any]:
    """One profile: ``name``, ``freq`` (n-gram -> count) and ``n_words`` (per n-gram length)."""
    try:
        profile: dict[str, Any] = json.loads(path.read_bytes())
        if not isinstance(profile, dict) or not {"name", "freq", "n_words"} <= profile.keys():
            raise ValueError("not a JSON object with name, freq and n_words")
    except (OSError, ValueError) as error:
        raise ProfileError(f"langdetect profile {path}: {error}; reinstall langdetect") from error
    return profile


def _digest(files: list[Path]) -> str:
    """What the tables depend on, hashed: the profiles, this code, the libraries' versions."""
    h = hashlib.blake2b(digest_size=12)
    versions = (
        _CACHE_VERSION,
        metadata.version("langdetect"),
        np.__version__,
        sys.version_info[:2],
        unicodedata.unidata_version,
    )
    h.update(repr(versions).encode())
    h.update(Path(__file__).read_bytes())
    for path in files:
        h.update(path.name.encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def _save(built: Tables, home: Path) -> None:
    """Write the tables to ``home`` atomically: into a fresh directory beside it, renamed."""
    home.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{home.name}-", dir=home.parent))
    try:
        for field in fields(Tables):
            np.save(scratch / f"{field.name}.npy", getattr(built, field.name))
        try:
            scratch.rename(home)
        except OSError:
            if not home.is_dir():  # not another process's cache written meanwhile
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _load(home: Path) -> Tables:
    """The tables saved in ``home``, memory-mapped (read-only, shared by the processes)."""
    arrays = {
        field.name: np.load(home / f"{field.name}.npy", mmap_mode="r").view(np.ndarray)
        for field in fields(Tables)
    }
    return Tables(**arrays)
