"""The survey: a first look at the whole input, before any record is structured.

Some facts are about a whole publisher or a whole file, not one record: which lines recur
across a publisher's stories (boilerplate learned at ingest, corpus/learned.py), and what
order a file's dates are written in. The driver reads the inputs once for them, adds what the
parent version learned, and ships the result to every work unit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from corpus import learned, sources
from corpus.boilerplate import RuleSet
from corpus.config import Config
from corpus.dates import column_order
from corpus.records import RawRecord
from corpus.stats import Stats

log = logging.getLogger(__name__)

#: Where a version keeps what its ingests learned (listed in the manifest, checked by audit).
LEARNED_DIR = "learned"


@dataclass(frozen=True, slots=True)
class Survey:
    """What the work units need to know about the whole input."""

    boilerplate: learned.LearnedBoilerplate = field(default_factory=learned.LearnedBoilerplate)
    date_orders: Mapping[str, str] = field(default_factory=dict)  # input path -> dmy | mdy


def survey(
    files: Iterable[sources.InputFile],
    cfg: Config,
    rules: RuleSet,
    parent_dir: Path | None,
) -> tuple[Survey, learned.LineStats]:
    """Read every input once: line statistics (with the parent version's) and date orders."""
    previous = None
    if parent_dir is not None and (parent_dir / LEARNED_DIR).is_dir():
        previous = learned.LineStats.load(parent_dir / LEARNED_DIR)
    orders = _DateOrders()
    records = (r for r in sources.run(files, cfg, Stats()) if isinstance(r, RawRecord))
    stats = learned.learn(map(orders.see, records), previous)
    boilerplate = learned.LearnedBoilerplate.build(stats, rules=rules)
    return Survey(boilerplate, orders.finish()), stats


class _DateOrders:
    """The day/month order of each file's date values (``dates.column_order``), one file at a
    time: records come file by file, so only one file's values are held."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.values: list[str] = []
        self.orders: dict[str, str] = {}

    def see(self, record: RawRecord) -> RawRecord:
        if record.provenance.path != self.path:
            self._settle()
            self.path = record.provenance.path
        value = record.fields.get("published")
        if isinstance(value, str):
            self.values.append(value)
        return record

    def _settle(self) -> None:
        if self.path is not None and self.values:
            found = column_order(self.values)
            if found.order is not None:
                self.orders[self.path] = found.order
            else:  # the publisher's locale decides, record by record (day first here)
                log.info("%s: date order not settled by its values (%s)", self.path, found.reason)
        self.values = []

    def finish(self) -> dict[str, str]:
        self._settle()
        return dict(sorted(self.orders.items()))
