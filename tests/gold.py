"""Shared by the structure gold's shape tests: where the gold lives, its rows, a URL's host,
and the eval scripts' own modules (``label``, ``heldout``), imported as the scripts import them."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

EVAL_DIR = Path(__file__).resolve().parents[1] / "evals" / "structure"
MS_FILE = "news-ms/malay_news_2013_2018.jsonl.gz"


def lines(name: str) -> list[dict[str, object]]:
    """The rows of ``evals/structure/gold/<name>``."""
    text = (EVAL_DIR / "gold" / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def host(url: object) -> str:
    """A URL's host without "www."."""
    return (urlsplit(str(url)).hostname or "").removeprefix("www.")


def evals(module: str) -> ModuleType:
    """A module of ``evals/structure`` (the scripts import each other from their folder)."""
    if str(EVAL_DIR) not in sys.path:
        sys.path.insert(0, str(EVAL_DIR))
    return importlib.import_module(module)
