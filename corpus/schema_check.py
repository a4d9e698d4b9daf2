"""A JSON Schema compiled to one Python predicate: the fast yes of record validation.

``jsonschema`` walks its schema for every instance and builds an error tree on the way
(~150 us a raw record: more CPU than reading it). Nearly every record is valid, and a valid
one needs only a yes. ``compile_schema`` turns a schema into nested closures that answer
"valid?" with the same meaning as ``jsonschema``'s Draft 2020-12 keywords (its type checker,
``len`` for string lengths, ``re.search`` for patterns); ``validate.check`` asks it first and
asks ``jsonschema`` only for a record it does not accept, so every error message is still
``jsonschema``'s. A keyword this module does not implement makes ``compile_schema`` return
None (the caller then always uses ``jsonschema``): a new keyword in the schema costs speed,
never a wrong answer. The two are checked equal on the test fixtures, on every shared corpus
and on generated records (tests/test_schema_check.py).
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

# Keywords that annotate and never fail an instance.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default"}
)


def _integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


# jsonschema's Draft 2020-12 type checker
_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "boolean": lambda v: isinstance(v, bool),
    "integer": _integer,
    "number": lambda v: isinstance(v, numbers.Number) and not isinstance(v, bool),
}


class _Unsupported(Exception):
    """A keyword or form this compiler does not implement."""


def compile_schema(schema: Mapping[str, Any]) -> Check | None:
    """A predicate true exactly for the instances ``schema`` accepts, or None when the schema
    uses a keyword (or a ``$ref``) this compiler does not implement."""
    try:
        return _compile(schema, schema, ())
    except _Unsupported:
        return None


def _compile(schema: Any, root: Mapping[str, Any], refs: tuple[str, ...]) -> Check:
    if schema is True or schema == {}:
        return lambda _: True
    if schema is False:
        return lambda _: False
    if not isinstance(schema, dict):
        raise _Unsupported(repr(schema))
    checks = [
        _keyword(key, value, schema, root, refs)
        for key, value in schema.items()
        if key not in _ANNOTATIONS
    ]
    return _all_of(checks)


def _all_of(checks: list[Check]) -> Check:
    # nested pairs, not a generator over a list: a record runs ~30 of these checks
    if not checks:
        return lambda _: True
    if len(checks) == 1:
        return checks[0]
    first, rest = checks[0], _all_of(checks[1:])
    return lambda v: first(v) and rest(v)


def _any_of(checks: list[Check]) -> Check:
    if not checks:
        return lambda _: False
    if len(checks) == 1:
        return checks[0]
    first, rest = checks[0], _any_of(checks[1:])
    return lambda v: first(v) or rest(v)


def _keyword(
    key: str, value: Any, schema: Mapping[str, Any], root: Mapping[str, Any], refs: tuple[str, ...]
) -> Check:
    """The check of one keyword; each applies to its instance type only, like jsonschema's."""
    if key == "type":
        kinds = [_TYPES[t] for t in ([value] if isinstance(value, str) else value) if t in _TYPES]
        if len(kinds) != (1 if isinstance(value, str) else len(value)):
            raise _Unsupported(f"type {value!r}")
        return _any_of(kinds)
    if key in ("maxLength", "minLength", "maxItems", "minItems"):
        limit, kind = int(value), (str if key.endswith("Length") else list)
        if key.startswith("max"):
            return lambda v: not isinstance(v, kind) or len(v) <= limit
        return lambda v: not isinstance(v, kind) or len(v) >= limit
    if key == "pattern":
        search = re.compile(value).search
        return lambda v: not isinstance(v, str) or search(v) is not None
    if key == "required":
        names = tuple(value)
        return lambda v: not isinstance(v, dict) or all(name in v for name in names)
    if key == "properties":
        props = {name: _compile(sub, root, refs) for name, sub in value.items()}

        def properties(v: Any) -> bool:
            if isinstance(v, dict):
                for k, item in v.items():
                    sub = props.get(k)
                    if sub is not None and not sub(item):
                        return False
            return True

        return properties
    if key == "additionalProperties":
        if "patternProperties" in schema:
            raise _Unsupported("additionalProperties with patternProperties")
        known = frozenset(schema.get("properties", ()))
        extra = _compile(value, root, refs)
        return lambda v: (
            not isinstance(v, dict) or all(extra(item) for k, item in v.items() if k not in known)
        )
    if key == "items" and "prefixItems" not in schema:
        each = _compile(value, root, refs)
        return lambda v: not isinstance(v, list) or all(each(item) for item in v)
    # only monotone combinations: a check stricter than jsonschema's can then only send a valid
    # record to jsonschema, never pass an invalid one ("not" and "oneOf" would break that)
    if key in ("anyOf", "allOf"):
        subs = [_compile(sub, root, refs) for sub in value]
        return _any_of(subs) if key == "anyOf" else _all_of(subs)
    if key == "$ref":
        return _compile(_resolve(value, root, refs), root, (*refs, value))
    raise _Unsupported(key)


def _resolve(ref: str, root: Mapping[str, Any], refs: tuple[str, ...]) -> Any:
    """A local reference ("#/$defs/name") within the same document (no recursion)."""
    if not ref.startswith("#/") or ref in refs:
        raise _Unsupported(f"$ref {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise _Unsupported(f"$ref {ref!r}")
        node = node[part]
    return node


__all__ = ["Check", "compile_schema"]
