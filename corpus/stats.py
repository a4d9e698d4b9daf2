"""Counters every stage writes to: how many items went where, and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class Stats:
    """Counts keyed ``(stage, name)``; ``stage`` is a module name, ``name`` an outcome or reason."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def count(self, stage: str, name: str, n: int = 1) -> None:
        """Add ``n`` to the counter ``stage/name``."""
        self.counts[(stage, name)] += n

    def merge(self, counts: Counter[tuple[str, str]]) -> None:
        """Add counts gathered elsewhere (a worker process's)."""
        self.counts.update(counts)

    def get(self, stage: str, name: str) -> int:
        """The current value of ``stage/name`` (0 if never counted)."""
        return self.counts[(stage, name)]

    def stage(self, stage: str) -> dict[str, int]:
        """All counters of one stage, sorted by name."""
        return {n: c for (s, n), c in sorted(self.counts.items()) if s == stage}

    def as_dict(self) -> dict[str, dict[str, int]]:
        """``{stage: {name: count}}``, sorted, for the manifest."""
        out: dict[str, dict[str, int]] = {}
        for (s, n), c in sorted(self.counts.items()):
            out.setdefault(s, {})[n] = c
        return out
