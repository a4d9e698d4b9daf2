"""corpus: raw scraped news articles in, a versioned, deduplicated, documented dataset out.

The Python API mirrors the CLI::

    import corpus
    result = corpus.ingest("raw/", dataset="news-id")   # -> IngestResult
    report = corpus.validate_raw("raw/")                  # -> validate.Report

Importing the package is cheap: ``Config``, ``load_config`` and the stages load on first use
(``corpus --help`` must not pay for pyarrow or datasets).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.errors import CorpusError

if TYPE_CHECKING:
    from corpus.config import Config, load_config
    from corpus.validate import Report
    from corpus.versions import IngestResult

#: Names loaded on first access (PEP 562), from the module that defines them.
_LAZY = {
    "Config": "corpus.config",
    "load_config": "corpus.config",
    "IngestResult": "corpus.versions",
    "Report": "corpus.validate",
}


def __getattr__(name: str) -> Any:
    """Load ``Config``, ``load_config``, ``IngestResult``, ``Report``, ``__version__`` when used."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("corpus")
        except PackageNotFoundError:  # a bare checkout, not installed
            return "0+unknown"
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'corpus' has no attribute {name!r}")


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
    from corpus.config import load_config
    from corpus.pipeline import ingest as run_ingest

    cfg = load_config(Path(config) if config else None, **settings)
    return run_ingest(_paths(paths), cfg)


def validate_raw(paths: str | Path | Sequence[str | Path], **settings: Any) -> Report:
    """Validate raw files against the raw schema without ingesting them."""
    from corpus.config import load_config
    from corpus.validate import check_paths

    return check_paths(_paths(paths), load_config(None, **settings))


__all__ = [
    "Config",
    "CorpusError",
    "IngestResult",
    "Report",
    "__version__",
    "ingest",
    "load_config",
    "validate_raw",
]
