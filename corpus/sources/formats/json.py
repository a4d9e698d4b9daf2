"""``.json``: one object, or an array of objects (one record each); parsed whole.

Also the JSON parsing every JSON reader shares: NaN and Infinity (not JSON, though Python writes
them) are read as null, so ``extra`` stays strict JSON; records nested deeper than
``MAX_DEPTH`` or holding unpaired surrogates (``"\\ud800"``, which no UTF-8 file can store) are
rejected with the JSON pointer of the problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any

from corpus.records import Provenance, Rejected
from corpus.sources.discover import InputFile
from corpus.sources.encoding import Decoder
from corpus.sources.limits import MAX_DEPTH, MAX_DOCUMENT_BYTES, PREVIEW_BYTES, depth, read_capped
from corpus.sources.rejects import Parsed, file_reject, has_surrogates, lossless, reject, sha256

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _missing(_constant: str) -> None:
    """NaN, Infinity and -Infinity: a missing number (the raw record keeps what was written)."""
    return None


def loads(text: str) -> Any:
    """``json.loads`` with NaN/Infinity read as null."""
    return json.loads(text, parse_constant=_missing)


def problem(value: Any, text: str) -> tuple[str, str, str] | None:
    """``(reason, pointer, message)`` when a parsed value cannot be stored, else None."""
    deepest = depth(value)
    if deepest > MAX_DEPTH:
        return (
            "too_deep",
            "",
            f"arrays/objects nest {deepest}+ levels deep; the limit is {MAX_DEPTH}",
        )
    if _SURROGATE_ESCAPE.search(text):
        pointer = _surrogate_pointer(value)
        if pointer is not None:
            message = "holds an unpaired surrogate escape (\\ud800-\\udfff), which is not text"
            return "decode", pointer, message
    return None


def record(text: str, prov: Provenance) -> Parsed | Rejected:
    """One line of JSON parsed into a record, or its reject."""
    try:
        value = loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} at column {exc.colno}"
        return reject(prov, "json", "json", message, text)
    except RecursionError:
        message = f"arrays/objects nest too deeply to parse; the limit is {MAX_DEPTH} levels"
        return reject(prov, "too_deep", "json", message, text)
    found = problem(value, text)
    if found is not None:
        return reject(prov, found[0], "json", found[2], text, found[1])
    return Parsed(value, prov, text)


def _surrogate_pointer(value: Any) -> str | None:
    """JSON pointer of the first string (or key) holding an unpaired surrogate."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, pointer = stack.pop()
        if isinstance(item, str):
            if has_surrogates(item):
                return pointer
        elif isinstance(item, dict):
            for key, child in item.items():
                where = f"{pointer}/{_escape(key)}"
                if has_surrogates(key):
                    return where
                stack.append((child, where))
        elif isinstance(item, list):
            stack.extend((child, f"{pointer}/{i}") for i, child in enumerate(item))
    return None


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def read(f: InputFile, stream: IO[bytes], decoder: Decoder) -> Iterator[Parsed | Rejected]:
    """The document's object, or each element of its array."""
    data, complete = read_capped(stream, MAX_DOCUMENT_BYTES)
    if not complete:
        message = (
            f"the file is larger than {MAX_DOCUMENT_BYTES:,} bytes, the limit for one JSON "
            "document (parsed whole); write it as JSON Lines (.jsonl), one record a line"
        )
        yield file_reject(f, "too_large", message, data[:PREVIEW_BYTES])
        return
    file_prov = Provenance(f.relpath, None, None, sha256(data), f.format)
    try:
        text = decoder.decode(data)
    except UnicodeDecodeError as exc:
        yield reject(file_prov, "decode", "decode", decoder.error(exc), lossless(data))
        return
    try:
        value = loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        yield reject(file_prov, "json", "json", message, text)
        return
    except RecursionError:
        message = f"arrays/objects nest too deeply to parse; the limit is {MAX_DEPTH} levels"
        yield reject(file_prov, "too_deep", "json", message, text)
        return
    if not isinstance(value, list):
        prov = Provenance(f.relpath, 1, 1, file_prov.sha256, f.format)
        found = problem(value, text)
        if found is not None:
            yield reject(prov, found[0], "json", found[2], text, found[1])
        else:
            yield Parsed(value, prov, text)
        return
    for index, item in enumerate(value, start=1):
        yield _element(f, index, item)


def _element(f: InputFile, index: int, item: Any) -> Parsed | Rejected:
    # No byte span per element in a JSON array: the hash is over the element's canonical JSON.
    item_text = json.dumps(item, ensure_ascii=False, sort_keys=True)
    safe = has_surrogates(item_text)
    raw = json.dumps(item, sort_keys=True) if safe else item_text  # \\u escapes: valid UTF-8
    sha = sha256(item_text.encode("utf-8", "surrogatepass"))
    prov = Provenance(f.relpath, index, None, sha, f.format)
    found = problem(item, raw)
    if found is not None:
        return reject(prov, found[0], "json", found[2], raw, found[1])
    return Parsed(item, prov, item_text)


__all__ = ["loads", "problem", "read", "record"]
