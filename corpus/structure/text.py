"""Shared primitives of the structure stage: dash and space classes, field text, word counts."""

from __future__ import annotations

import re
from typing import Any

# Dash and space classes for lead-ins. Scrapes carry mojibake ("‚Äì" is an en dash read as Mac
# Roman, "¬†" a no-break space); the rules recognise those forms without repairing them.
DASH = r"(?:-{1,2}|–|—|‚Äì|‚Äî)"
SP = r"(?:\s|¬†)"
LEADING_JUNK = re.compile(r"^(?:[\s,]|¬†)+")


def text_value(value: Any) -> str | None:
    """A field's stripped text, or None when it is not a non-blank string."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def words(text: str) -> int:
    """Whitespace-separated words of a text."""
    return len(text.split())
