"""Rules learned for review (``corpus boilerplate learn``): the stages run over raw files,
then ``corpus.boilerplate.learn`` finds the recurring lines and writes them for a curator."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from corpus import sources, structure, validate
from corpus.boilerplate import DEFAULT_RULES, LearnResult, learn, load_rules, write_rules
from corpus.config import Config
from corpus.records import RawRecord
from corpus.stats import Stats


def learn_rules(
    paths: Iterable[Path],
    cfg: Config,
    out: Path | None = None,
    *,
    min_share: float = 0.01,
    min_articles: int = 5,
    min_context_share: float = 0.8,
) -> LearnResult:
    """Read, validate and structure the raw files under ``paths``, learn the lines that recur
    across a publisher's articles, and write them as rules for review (only if any were found
    or the file changes); ``written`` says whether the file was written.
    """
    target = out or cfg.boilerplate_rules or DEFAULT_RULES
    previous = load_rules(target) if target.is_file() else None
    files, _ = sources.discover(list(paths))
    stats = Stats()
    unruled = dataclasses.replace(cfg, boilerplate_rules=None)  # count what the rules drop too
    records = (
        r
        for r in validate.run(sources.run(files, unruled, stats), unruled, stats)
        if isinstance(r, RawRecord)
    )
    result = learn(
        structure.run(records, stats, unruled),
        min_share=min_share,
        min_articles=min_articles,
        min_context_share=min_context_share,
        previous=previous,
    )
    return dataclasses.replace(result, written=write_rules(result, target))
