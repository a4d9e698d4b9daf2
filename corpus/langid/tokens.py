"""The machine's token cache: what ``detector.Model`` learned of its frequent tokens, kept on disk.

A token's first sight costs ~20 us (its n-grams' profile rows, letters, sentence end, naive-Bayes
and regional weights); a warm token costs a dict lookup. A process that has read enough text
(``Model`` decides when: see ``detector.Model._offer``) saves the tokens it saw at least twice,
with everything a fresh ``Model`` needs to be warm for them, in one file in the user's cache
directory (``profiles.cache_home``); every later ``Model`` on the machine, the forkserver's
included (its workers then share the pages), starts from it. Answers are the same with or
without it: the file holds exactly the numbers the model would compute (tests check it).

The file is keyed by a digest of everything those numbers depend on (the profile tables' key,
the code of ``detector``, ``regional`` and this module, the regional model), written to a
temporary file and renamed over (two processes writing at once are both safe: each rename is
whole), checked by a checksum when read (a damaged or unreadable file is ignored with a log
line). ``CORPUS_LANGID_CACHE=off`` neither reads nor writes it; ``clear()`` removes it. When a
file is written, ``langid-*`` entries of other digests unused for ``STALE_DAYS`` are pruned
(not at once: another checkout of other code may be using its own).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import struct
import time
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from corpus.langid import profiles

log = logging.getLogger(__name__)

#: Set to ``off`` (or 0, no, false) to neither read nor write the machine's token cache.
ENV = "CORPUS_LANGID_CACHE"
STALE_DAYS = 7  # other digests' cache entries unused this long are removed when one is written
_MAGIC = b"CORPUS-LANGID-TOKENS-1\n"
_HEAD = struct.Struct("<Q")  # the JSON header's length, after the magic
_ALIGN = 64
_ARRAYS = ("text", "keys", "rows", "sizes", "facts", "weights", "regional")


@dataclass(frozen=True, slots=True)
class Tokens:
    """Tokens and their learned numbers, token i in row i of each array (closed tokens first:
    those followed by whitespace; then open ones, a text's last token)."""

    words: list[str]
    keys: list[str]  # each token's n-grams' key (``detector._shared_keys``): shared by others
    closed: int  # how many of ``words`` (the first ones) are closed tokens
    rows: npt.NDArray[np.int32]  # each token's n-gram profile rows, one token after another
    sizes: npt.NDArray[np.int64]  # how many rows each token has
    facts: npt.NDArray[np.int64]  # (tokens, 3): letters if known, ends a sentence, words
    weights: npt.NDArray[np.float32]  # (tokens, languages): summed naive-Bayes weights
    regional: npt.NDArray[np.float32]  # (tokens, classes): the regional model's weights
    checksum: str = ""  # of the file it was read from (``stored``)


def enabled() -> bool:
    """Whether the machine's token cache is read and written (see ``ENV``)."""
    return os.environ.get(ENV, "").strip().lower() not in {"off", "0", "no", "false"}


def path() -> Path:
    """Where this code's token cache lives (its name carries the digest)."""
    return profiles.cache_home() / f"langid-tokens-{_digest()}.bin"


def load() -> Tokens | None:
    """The machine's token cache, memory-mapped; ``None`` when absent, switched off or damaged."""
    if not enabled():
        return None
    where = path()
    try:
        return _read(where)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        log.warning(
            "langid: ignoring the token cache %s (%s): remove it if this persists", where, error
        )
        return None


def stored() -> tuple[int, str]:
    """How many tokens the machine's token cache holds, and its checksum (its header only;
    0 and "" when there is none)."""
    try:
        header = _header(path())[0]
        return int(header["count"]), str(header["xxh3"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0, ""


def save(tokens: Tokens) -> bool:
    """Write ``tokens`` as the machine's token cache, atomically; whether it was written."""
    if not enabled():
        return False
    where = path()
    scratch = where.with_name(f".{where.name}.{os.getpid()}.tmp")
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        _write(tokens, scratch)
        os.replace(scratch, where)
    except OSError as error:
        log.info("langid: cannot write the token cache %s (%s)", where, error)
        scratch.unlink(missing_ok=True)
        return False
    log.info("langid: wrote %d tokens to the token cache %s", len(tokens.words), where)
    prune(keep=(where.name, f"langid-{profiles.digest()}"))
    return True


def clear() -> int:
    """Remove every token cache of the machine (any digest); how many files were removed."""
    home = profiles.cache_home()
    removed = 0
    for entry in home.glob("langid-tokens-*") if home.is_dir() else ():
        entry.unlink(missing_ok=True)
        removed += 1
    return removed


def prune(keep: tuple[str, ...], days: float = STALE_DAYS) -> list[Path]:
    """Remove ``langid-*`` entries of the cache directory (profile tables, token caches) not
    named in ``keep`` and unused for ``days``; the ones removed."""
    home = profiles.cache_home()
    cutoff = time.time() - days * 86_400
    removed: list[Path] = []
    for entry in sorted(home.glob("langid-*")):
        try:
            if entry.name in keep or _last_use(entry) > cutoff:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        except OSError as error:  # another process removing it too, or not ours to remove
            log.info("langid: cannot prune %s (%s)", entry, error)
    return removed


def _last_use(entry: Path) -> float:
    """When ``entry`` (or, for a directory, its newest file) was last read or written."""
    found = entry.stat()
    stamps = [found.st_atime, found.st_mtime]
    if entry.is_dir():
        for child in entry.iterdir():
            found = child.stat()
            stamps += [found.st_atime, found.st_mtime]
    return max(stamps)


@cache
def _digest() -> str:
    """What the cached numbers depend on: the profile tables' key, this package's code that
    computes them, and the regional model."""
    h = hashlib.blake2b(digest_size=12)
    h.update(profiles.digest().encode())
    package = resources.files("corpus.langid")
    for name in ("detector.py", "regional.py", "tokens.py", "regional.json"):
        h.update(name.encode() + b"\0")
        h.update(package.joinpath(name).read_bytes())
    return h.hexdigest()


def _write(tokens: Tokens, scratch: Path) -> None:
    """``tokens`` into ``scratch``: the magic, a JSON header (counts, each array's place,
    dtype and shape, the payload's checksum), then the arrays, each 64-byte aligned."""
    text = "\n".join(tokens.words).encode("utf-8", "surrogatepass")
    keys = "\n".join(tokens.keys).encode("utf-8", "surrogatepass")
    arrays = {
        "text": np.frombuffer(text, dtype=np.uint8),
        "keys": np.frombuffer(keys, dtype=np.uint8),
        "rows": tokens.rows,
        "sizes": tokens.sizes,
        "facts": tokens.facts,
        "weights": tokens.weights,
        "regional": tokens.regional,
    }
    places: dict[str, list[object]] = {}
    at = 0
    for name in _ARRAYS:
        array = np.ascontiguousarray(arrays[name])
        places[name] = [at, array.dtype.str, list(array.shape)]
        at += -(-array.nbytes // _ALIGN) * _ALIGN
    checksum = xxhash.xxh3_64()
    payload = []
    for name in _ARRAYS:
        raw = np.ascontiguousarray(arrays[name]).tobytes()
        raw += bytes(-len(raw) % _ALIGN)
        checksum.update(raw)
        payload.append(raw)
    header = {
        "count": len(tokens.words),
        "closed": tokens.closed,
        "arrays": places,
        "xxh3": checksum.hexdigest(),
    }
    head = json.dumps(header).encode()
    start = len(_MAGIC) + _HEAD.size + len(head)
    head += b" " * (-start % _ALIGN)  # the payload starts aligned
    with scratch.open("wb") as out:
        out.write(_MAGIC + _HEAD.pack(len(head)) + head)
        for raw in payload:
            out.write(raw)


def _header(where: Path) -> tuple[dict[str, Any], int]:
    """The header of a token cache file and where its payload starts."""
    with where.open("rb") as file:
        opening = file.read(len(_MAGIC) + _HEAD.size)
        if len(opening) < len(_MAGIC) + _HEAD.size or not opening.startswith(_MAGIC):
            raise ValueError("not a token cache (no magic)")
        (size,) = _HEAD.unpack(opening[len(_MAGIC) :])
        header: dict[str, Any] = json.loads(file.read(size))
    return header, len(opening) + size


def _read(where: Path) -> Tokens:
    """A token cache file, its arrays memory-mapped read-only, checked against its checksum."""
    header, start = _header(where)
    places: dict[str, list[Any]] = header["arrays"]
    whole = np.memmap(where, dtype=np.uint8, mode="r")
    payload = whole[start:]
    if xxhash.xxh3_64_hexdigest(payload.data) != header["xxh3"]:
        raise ValueError("its checksum does not match: damaged")
    arrays: dict[str, npt.NDArray[np.generic]] = {}
    for name in _ARRAYS:
        at, dtype, shape = places[name]
        size = int(np.prod(shape)) * np.dtype(dtype).itemsize
        arrays[name] = payload[at : at + size].view(np.dtype(dtype)).reshape(shape)
    count = int(header["count"])
    words, keys = (
        bytes(arrays[name]).decode("utf-8", "surrogatepass").split("\n") if count else []
        for name in ("text", "keys")
    )
    sizes = arrays["sizes"]
    closed = int(header["closed"])
    agree = (
        len(words) == len(keys) == count
        and 0 <= closed <= count
        and int(sizes.sum()) == len(arrays["rows"])
    )
    if not agree or any(
        len(arrays[name]) != count for name in ("sizes", "facts", "weights", "regional")
    ):
        raise ValueError("its arrays do not agree with its token count: damaged")
    return Tokens(
        words=words,
        keys=keys,
        closed=closed,
        rows=arrays["rows"].view(np.ndarray),
        sizes=arrays["sizes"].view(np.ndarray),
        facts=arrays["facts"].view(np.ndarray),
        weights=arrays["weights"].view(np.ndarray),
        regional=arrays["regional"].view(np.ndarray),
        checksum=str(header["xxh3"]),
    )
