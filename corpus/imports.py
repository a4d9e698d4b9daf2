"""Imports a corpus process refuses: pandas, which pyarrow imports only to ask whether a value
is a pandas object.

pyarrow imports pandas (when it is installed, as ``datasets`` needs) the first time it converts
Python objects (``pa.array``, ``Table.from_pylist``): ~0.4 CPU s in every process, on the
ingest's critical path in the driver. corpus never uses pandas, so the processes that run only
its code (the ``ingest`` command, the local workers) refuse the import; pyarrow then treats
pandas as absent and converts the same values to the same arrays. A process that imported
pandas already keeps it.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType

REFUSED = "pandas"


class _Refuse(importlib.abc.MetaPathFinder):
    """A finder that answers ``ModuleNotFoundError`` for one package and its modules."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == self.name or fullname.startswith(self.name + "."):
            raise ModuleNotFoundError(f"{fullname} is not imported by corpus", name=fullname)
        return None


def refuse_pandas() -> None:
    """Refuse pandas for the rest of this process (a worker: it runs only corpus's stages)."""
    if REFUSED not in sys.modules and not _refusing():
        sys.meta_path.insert(0, _Refuse(REFUSED))


@contextmanager
def without_pandas() -> Iterator[None]:
    """Refuse pandas inside the block (a command that runs only corpus's code)."""
    if REFUSED in sys.modules or _refusing():
        yield
        return
    finder = _Refuse(REFUSED)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def _refusing() -> bool:
    return any(isinstance(f, _Refuse) and f.name == REFUSED for f in sys.meta_path)
