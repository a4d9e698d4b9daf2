"""Structure-stage output identity: a digest of every output field of every article.

    uv run python benchmarks/structure_identity.py OUT.tsv [RAW_DIR ...]
    # default: the 2019 corpus, news-id-2025, news-id-more, news-ms and the HTML pages in ../shared
    uv run python benchmarks/structure_identity.py --diff BASE.tsv NEW.tsv

Runs what an ingest runs per record: the survey over the whole input (line statistics, date
orders, title suffixes), then ``structure.run_with_rejects`` and ``learned.apply`` per record.
Each output line is ``file:row``, then one short hash per Article field (text, boilerplate and its
rules, title, published_at, dateline, people, sources, captions, ...) or the reject's reason, so
a speed change can be checked to change no output (``--diff`` names every differing field);
the last line digests the stage's counters.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from pathlib import Path

from corpus import learned, sources, structure, survey, validate
from corpus.config import DEFAULT_BOILERPLATE_RULES, Config
from corpus.records import Article, RawRecord, Rejected
from corpus.stats import Stats

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
DEFAULTS = ("news-id-2019", "news-id-2025", "news-id-more", "news-ms", "news-id-html")
FIELDS = [f.name for f in dataclasses.fields(Article) if f.name != "source"]


def _h(value: object) -> str:
    return hashlib.sha1(repr(value).encode()).hexdigest()[:12]


def digest(raw: Path) -> list[str]:
    """One line per record of the input folder: its key and a hash of each output field."""
    rules = DEFAULT_BOILERPLATE_RULES if DEFAULT_BOILERPLATE_RULES.is_file() else None
    cfg = Config(boilerplate_rules=rules)
    files, _ = sources.discover([raw])
    found, _ = survey.survey(files, cfg, structure.rules_for(cfg), None)
    records = [
        r
        for r in validate.run(sources.run(files, cfg, Stats()), cfg, Stats())
        if isinstance(r, RawRecord)
    ]
    stats = Stats()
    lines = []
    outcomes = structure.run_with_rejects(records, stats, cfg, found.hints())
    for record, out in zip(records, outcomes, strict=True):
        key = f"{raw.name}/{record.provenance.path}:{record.provenance.row}"
        if isinstance(out, Rejected):
            lines.append(f"{key}\trejected={out.reason}")
            continue
        article = learned.apply(out, found.boilerplate, stats)
        parts = [f"{name}={_h(getattr(article, name))}" for name in FIELDS]
        lines.append("\t".join([key, *parts]))
    counters = sorted(stats.as_dict().items())
    lines.append(f"{raw.name}/#counters\t{_h(counters)}\t{counters!r}")
    return lines


def diff(base: Path, new: Path) -> int:
    """Print every record and field that differs; the number of differing records."""
    old = dict(line.split("\t", 1) for line in base.read_text().splitlines())
    now = dict(line.split("\t", 1) for line in new.read_text().splitlines())
    n = 0
    for key in sorted(old.keys() | now.keys()):
        a, b = old.get(key), now.get(key)
        if a == b:
            continue
        n += 1
        fields_a = dict(p.split("=", 1) for p in (a or "").split("\t") if "=" in p)
        fields_b = dict(p.split("=", 1) for p in (b or "").split("\t") if "=" in p)
        differ = sorted(
            k for k in fields_a.keys() | fields_b.keys() if fields_a.get(k) != fields_b.get(k)
        )
        print(f"{key}\t{','.join(differ) or 'counters'}")
    print(f"{len(old):,} vs {len(now):,} lines: {n} differ")
    return n


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--diff":
        sys.exit(1 if diff(Path(args[1]), Path(args[2])) else 0)
    if not args:
        sys.exit(__doc__)
    out = Path(args[0])
    raws = [Path(a) for a in args[1:]] or [SHARED / name for name in DEFAULTS]
    lines = []
    for raw in raws:
        if not raw.exists():
            sys.exit(f"{raw} not found: pass raw folders (the shared corpora live in ../shared)")
        lines += digest(raw)
        print(f"{raw.name}: {len(lines):,} lines so far", file=sys.stderr)
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
