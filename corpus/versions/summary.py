"""The manifest's ``summary`` of the accepted articles, gathered while they are written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from corpus.dates import timestamp

if TYPE_CHECKING:
    from corpus import storage
from corpus.manifest import Summary


@dataclass(slots=True)
class SummaryBuilder:
    """Counts languages and publishers and tracks the date range of the rows added to it."""

    languages: Counter[str] = field(default_factory=Counter)
    publishers: Counter[str] = field(default_factory=Counter)
    bounds: list[tuple[float, str]] = field(default_factory=list)  # (min, max) once seen
    missing: int = 0

    def add(self, language: str | None, publisher: str | None, published_at: str | None) -> None:
        """Count one accepted article."""
        self.languages[language or "unknown"] += 1
        self.publishers[publisher or "unknown"] += 1
        if published_at:
            self._bound(published_at)
        else:
            self.missing += 1

    def absorb(self, earlier: Summary) -> None:
        """Add an earlier version's summary (its rows are carried into this version)."""
        self.languages.update(earlier.languages)
        self.publishers.update(earlier.publishers)
        self.missing += earlier.published_missing
        for bound in (earlier.published_min, earlier.published_max):
            if bound:
                self._bound(bound)

    def _bound(self, value: str) -> None:
        key = (timestamp(value), value)
        if not self.bounds:
            self.bounds = [key, key]
        else:
            self.bounds = [min(self.bounds[0], key), max(self.bounds[1], key)]

    def build(self) -> Summary:
        """The frozen summary."""
        return Summary(
            languages=dict(sorted(self.languages.items())),
            publishers=dict(sorted(self.publishers.items())),
            published_min=self.bounds[0][1] if self.bounds else None,
            published_max=self.bounds[1][1] if self.bounds else None,
            published_missing=self.missing,
        )


def summarize(data_shards: Iterable[storage.Source]) -> Summary:
    """The summary of some data shards (after rows were removed from a version)."""
    from corpus import storage

    builder = SummaryBuilder()
    for shard in data_shards:
        table = storage.read_table(shard, columns=["language", "publisher", "published_at"])
        for row in table.to_pylist():
            builder.add(row["language"], row["publisher"], row["published_at"])
    return builder.build()
