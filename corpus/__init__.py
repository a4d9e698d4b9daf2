"""corpus: raw scraped news articles in, a versioned, deduplicated, documented dataset out.

The Python API mirrors the CLI::

    import corpus
    result = corpus.ingest("raw/", dataset="news-id")   # -> IngestResult
    report = corpus.validate_raw("raw/")                  # -> validate.Report
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _package_version
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:
    __version__ = _package_version("corpus")
except PackageNotFoundError:  # a bare checkout, not installed
    __version__ = "0+unknown"

from corpus.config import Config, load_config
from corpus.errors import CorpusError

if TYPE_CHECKING:
    from corpus.pipeline import IngestResult
    from corpus.validate import Report


def _paths(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    if isinstance(paths, str | Path):
        return [Path(paths)]
    return [Path(p) for p in paths]


def ingest(
    paths: str | Path | Sequence[str | Path],
    *,
    config: str | Path | None = None,
    **settings: Any,
) -> IngestResult:
    """Ingest raw files into the next version; ``settings`` are ``Config`` fields
    (``dataset``, ``out``, ``column_map``, ``version``, ...), overriding ``corpus.toml``."""
    from corpus.pipeline import ingest as run_ingest

    cfg = load_config(Path(config) if config else None, **settings)
    return run_ingest(_paths(paths), cfg)


def validate_raw(paths: str | Path | Sequence[str | Path], **settings: Any) -> Report:
    """Validate raw files against the raw schema without ingesting them."""
    from corpus.validate import check_paths

    return check_paths(_paths(paths), load_config(None, **settings))


__all__ = [
    "Config",
    "CorpusError",
    "IngestResult",
    "Report",
    "__version__",
    "ingest",
    "validate_raw",
]
