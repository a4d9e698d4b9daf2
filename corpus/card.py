"""The dataset card: ``DATASET_CARD.md`` (a Jinja template) rendered with a version's manifest
and statistics, through ``huggingface_hub.DatasetCard``.

The YAML front matter is the Hub's dataset card metadata (``DatasetCardData``); its ``configs``
make ``load_dataset(version_dir)`` give ``train`` by default and ``duplicates`` / ``rejects`` as
named configs. The card never names the folder it was built in: locally it shows a path relative
to the folder holding the dataset, on the Hub the repo id and the version's tag.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpus.config import resource
from corpus.records import ARTICLE_SCHEMA, DUPLICATE_SCHEMA, REJECTED_SCHEMA

if TYPE_CHECKING:
    import pyarrow as pa

    from corpus import storage

TABLES = (
    ("default", "data", ARTICLE_SCHEMA),
    ("duplicates", "duplicates", DUPLICATE_SCHEMA),
    ("rejects", "rejects", REJECTED_SCHEMA),
)
HUB = "https://huggingface.co"
_MIN_LANGUAGE_SHARE = 0.01  # languages below 1% of rows are noise for the card's metadata
_MONTH = re.compile(r"^(\d{4}-\d{2})")
#: Body-length buckets of the card, in words: (upper bound exclusive, label).
WORD_BUCKETS = (
    (50, "< 50"),
    (100, "50-99"),
    (200, "100-199"),
    (400, "200-399"),
    (800, "400-799"),
    (1600, "800-1,599"),
)
_BAR_WIDTH = 20
_FIELD_DOCS = {
    "id": "stable hash of the raw record's mapped fields",
    "url": "the article's URL, as scraped",
    "publisher": "publisher name (from the URL, the source column or the text)",
    "title": "headline",
    "published_at": "ISO 8601 with the source's UTC offset; a date alone stays a date",
    "dateline": "place named at the start of the body (e.g. JAKARTA)",
    "authors": "authors from the author column or byline",
    "editor_initials": "editor initials such as (esn)",
    "cited_sources": "agencies/outlets the text cites (dikutip dari Yonhap)",
    "captions": "photo captions found in the text",
    "category": "section/category from the source",
    "text": "the body: paragraphs separated by a blank line",
    "boilerplate": "lines removed from the body, for audit",
    "boilerplate_rules": "for each `boilerplate` line, the rule that removed it (`read_more`, "
    "`profile:<publisher>`, `learned`, `glued_repeat`, ...)",
    "updated_at": "ISO 8601 of a time the source marks as an update (Diperbarui/Updated)",
    "desk": "the publisher's desk or channel (detikFinance)",
    "syndicated_from": "outlet that first ran the article (Artikel ini telah tayang di ...)",
    "language": "ISO 639-1 code from langdetect (None when too short to tell)",
    "language_score": "langdetect's probability for `language`",
    "language_share": "share of the body's letters in sentences in `language` (low = mixed body)",
    "language_alternatives": "close languages langdetect cannot tell from `language` that a "
    "second opinion points to (`ms`, `jv`, `su` for `id`): filter on it to exclude possible Malay",
    "n_words": "number of words in `text`",
    "extra": "JSON object of source columns that map to no field",
    "source": "provenance: input file, row, line, sha256 of the raw bytes, format",
    "duplicate_count": "duplicates of this article removed in this version (see `duplicates`)",
    "also_seen_at": "other publishers those duplicates came from",
}


def size_category(n: int) -> str:
    """The Hub's size bucket for ``n`` rows."""
    bounds = [
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
    ]
    for bound, label in bounds:
        if n < bound:
            return label
    return "1M<n<10M" if n < 10_000_000 else "n>10M"


def front_matter(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The YAML metadata block of the card."""
    counts = manifest["counts"]
    languages = manifest["summary"]["languages"]
    accepted = max(counts["accepted"], 1)
    langs = sorted(
        code.split("-")[0]
        for code, n in languages.items()
        if code != "unknown" and n / accepted >= _MIN_LANGUAGE_SHARE
    )
    configs, infos = [], []
    for name, folder, schema in TABLES:
        shards = manifest["shards"].get(folder)
        if not shards:
            continue  # datasets cannot load an empty split; an empty table has no config
        config: dict[str, Any] = {
            "config_name": name,
            "data_files": [{"split": "train", "path": f"{folder}/train-*.parquet"}],
        }
        if name == "default":
            config["default"] = True
        configs.append(config)
        infos.append(_dataset_info(name, schema, shards))
    return {
        "pretty_name": manifest["dataset"],
        "language": sorted(set(langs)) or ["und"],
        "license": "other",
        "task_categories": ["text-generation", "text-classification"],
        "size_categories": [size_category(counts["accepted"])],
        "tags": ["news", "deduplicated", "corpus"],
        "configs": configs,
        "dataset_info": infos,
    }


def _dataset_info(name: str, schema: pa.Schema, shards: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The Hub's ``dataset_info`` entry of one table: features, row count, sizes.

    Besides documenting the table, it makes ``load_dataset`` check the row count, and it keeps
    datasets' cache apart: without it two local versions with the same folder name (``v1.0.0``
    of two datasets) hash alike and the second load returns the first one's cached rows.
    Sizes are the Parquet bytes on disk (the Hub's ``num_bytes`` is Arrow bytes, unknown here).
    """
    rows = sum(int(s["rows"]) for s in shards)
    size = sum(int(s["bytes"]) for s in shards)
    return {
        "config_name": name,
        "features": features_yaml(schema),
        "splits": [{"name": "train", "num_bytes": size, "num_examples": rows}],
        "download_size": size,
        "dataset_size": size,
    }


#: Arrow type names whose ``datasets`` dtype is spelled differently.
_DTYPES = {"double": "float64", "float": "float32", "halffloat": "float16"}


def features_yaml(schema: pa.Schema) -> list[dict[str, Any]]:
    """An Arrow schema as the Hub's YAML ``features`` list (``{name, dtype | list | struct}``)."""
    return [{"name": f.name, **_feature(f.type)} for f in schema]


def _feature(arrow_type: pa.DataType) -> dict[str, Any]:
    import pyarrow as pa

    if pa.types.is_struct(arrow_type):
        return {"struct": [{"name": f.name, **_feature(f.type)} for f in arrow_type]}
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        inner = _feature(arrow_type.value_type)
        return {"list": inner.get("dtype", inner.get("struct", inner))}
    name = str(arrow_type)
    return {"dtype": _DTYPES.get(name, name)}


# --------------------------------------------------------------------------- statistics


@dataclass(frozen=True, slots=True)
class Statistics:
    """What the card plots: articles per publisher, month, language and body length."""

    articles: int
    publishers: tuple[tuple[str, int], ...]  # most articles first
    months: tuple[tuple[str, int], ...]  # YYYY-MM, oldest first
    undated: int
    languages: tuple[tuple[str, int], ...]  # most articles first
    words: tuple[tuple[str, int], ...]  # WORD_BUCKETS labels, shortest first
    words_median: int


@dataclass(frozen=True, slots=True)
class Tally:
    """The card's counts over some ``data`` shards (``tally``); tallies add up."""

    publishers: Counter[str] = field(default_factory=Counter)
    months: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    words: Counter[int] = field(default_factory=Counter)
    undated: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.publishers + other.publishers,
            self.months + other.months,
            self.languages + other.languages,
            self.words + other.words,
            self.undated + other.undated,
        )


def tally(shard: storage.Source) -> Tally:
    """Count one ``data`` shard's articles by publisher, month, language and body length,
    reading four small columns a row group at a time."""
    from corpus import storage

    publishers: Counter[str] = Counter()
    months: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    words: Counter[int] = Counter()
    undated = 0
    columns = ["publisher", "published_at", "language", "n_words"]
    # One thread: on columns this small the reader's threads add memory (their allocator
    # arenas, ~0.1 KB per article read), not speed.
    batches = storage.parquet_file(shard).iter_batches(
        columns=columns, batch_size=8_192, use_threads=False
    )
    for batch in batches:
        rows = batch.to_pydict()
        publishers.update(p or "unknown" for p in rows["publisher"])
        languages.update(lang or "unknown" for lang in rows["language"])
        words.update(int(n or 0) for n in rows["n_words"])
        for published in rows["published_at"]:
            match = _MONTH.match(published or "")
            if match:
                months[match.group(1)] += 1
            else:
                undated += 1
    return Tally(publishers, months, languages, words, undated)


def statistics(
    data_shards: Iterable[storage.Source],
    each: Callable[
        [Callable[[storage.Source], Tally], list[storage.Source]], Iterable[Tally]
    ] = map,
) -> Statistics:
    """Count a version's accepted articles by publisher, month, language and body length.

    ``each`` maps ``tally`` over the shards: a distributed ingest passes its executor, so that
    the shards are read where its tasks run, not in its driver."""
    total = sum(each(tally, list(data_shards)), Tally())
    return Statistics(
        articles=sum(total.publishers.values()),
        publishers=_ranked(total.publishers),
        months=tuple(sorted(total.months.items())),
        undated=total.undated,
        languages=_ranked(total.languages),
        words=_buckets(total.words),
        words_median=_median(total.words),
    )


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _buckets(words: Counter[int]) -> tuple[tuple[str, int], ...]:
    counts = dict.fromkeys([label for _, label in WORD_BUCKETS] + ["1,600 or more"], 0)
    for n, k in words.items():
        label = next((lb for bound, lb in WORD_BUCKETS if n < bound), "1,600 or more")
        counts[label] += k
    return tuple(counts.items())


def _median(words: Counter[int]) -> int:
    total, seen = sum(words.values()), 0
    for n in sorted(words):
        seen += words[n]
        if 2 * seen >= total:
            return n
    return 0


def _bar_table(label: str, rows: Iterable[tuple[str, int]], limit: int = 30) -> str:
    """A Markdown table with a share and an inline bar (Unicode blocks) per row."""
    items = list(rows)
    if not items or not sum(n for _, n in items):
        return "_none_"
    total, top = sum(n for _, n in items), max(n for _, n in items)
    if len(items) > limit:
        rest = sum(n for _, n in items[limit:])
        items = [*items[:limit], (f"{len(items) - limit} others", rest)]
    lines = [f"| {label} | articles | share | |", "|---|---:|---:|---|"]
    for name, n in items:
        bar = "█" * round(_BAR_WIDTH * n / top) if n else ""
        lines.append(f"| {name} | {n:,} | {n / total:.1%} | `{bar or '·'}` |")
    return "\n".join(lines)


def _statistics_section(manifest: Mapping[str, Any], stats: Statistics | None) -> str:
    """The card's statistics: tables with inline bars, from the shards when ``stats`` is given,
    else from the manifest's summary (languages, publishers, date range)."""
    summary = manifest["summary"]
    if stats is None:
        ranked = {
            key: tuple(sorted(summary[key].items(), key=lambda kv: (-kv[1], kv[0])))
            for key in ("languages", "publishers")
        }
        return "\n\n".join(
            [
                "### Languages\n\n" + _bar_table("language", ranked["languages"]),
                "### Publishers\n\n" + _bar_table("publisher", ranked["publishers"]),
                "### Publication dates\n\n" + _date_range(summary),
            ]
        )
    months = list(stats.months)
    month_note = (
        f" ({plural_articles(stats.undated)} without a parsed date)" if stats.undated else ""
    )
    return "\n\n".join(
        [
            "### Publishers\n\n" + _bar_table("publisher", stats.publishers),
            f"### Articles per month{month_note}\n\n"
            + _bar_table("month", months, limit=max(len(months), 1)),
            "### Languages\n\n" + _bar_table("language", stats.languages),
            f"### Body length (words; median {stats.words_median:,})\n\n"
            + _bar_table("words", stats.words),
            "### Publication dates\n\n" + _date_range(summary),
        ]
    )


def plural_articles(n: int) -> str:
    """``1 article``, ``2 articles``."""
    return _plural(n, "article")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------- render


def import_in_background() -> None:
    """Start importing what ``render`` needs (huggingface_hub's card, Jinja: ~0.5 s) in a
    thread, while the caller mostly waits on its workers: the card is the ingest's last step,
    where the import would be on the critical path (in the driver's busy route it only moved
    there). ``render`` imports as usual; an import still running there is waited for
    (Python's per-module import locks)."""
    threading.Thread(target=_import_renderer, name="corpus-card-import", daemon=True).start()


def _import_renderer() -> None:
    for name in ("jinja2", "huggingface_hub.repocard"):
        importlib.import_module(name)


def render(
    manifest: Mapping[str, Any],
    *,
    repo_id: str | None = None,
    endpoint: str | None = None,
    stats: Statistics | None = None,
) -> str:
    """The card's Markdown for one version: for the Hub when ``repo_id`` is given (load by repo
    and tag), else for a folder (load by a path relative to the folder holding the dataset).

    ``stats`` (from ``statistics``) adds the per-month and body-length tables.
    """
    from huggingface_hub import DatasetCard, DatasetCardData

    counts = manifest["counts"]
    dataset, version = manifest["dataset"], manifest["version"]
    hub = (endpoint or HUB).rstrip("/")
    values = {
        "pretty_name": f"{dataset} v{version}",
        "summary": (
            f"A deduplicated news corpus of {plural_articles(counts['accepted'])} built from "
            f"{_plural(len(manifest['inputs']), 'raw file')} by `corpus ingest`."
        ),
        "code_version": manifest["code_version"],
        "repo_id": repo_id,
        "revision": f"v{version}",
        "local_path": f"{dataset}/v{version}",
        "dataset": dataset,
        "viewer_url": f"{hub}/datasets/{repo_id}/viewer" if repo_id else None,
        "changelog": _changelog(manifest),
        "conservation": _conservation(counts, manifest.get("removals", [])),
        "accepted": f"{counts['accepted']:,}",
        "duplicates": f"{counts['duplicates']:,}",
        "rejected": f"{counts['rejected']:,}",
        "statistics": _statistics_section(manifest, stats),
        "processing": _processing(manifest),
        "made_by": _made_by(manifest),
        "fields_table": _fields_table(),
        "inputs_table": _inputs_table(manifest["inputs"]),
        "version": version,
        "parent": manifest.get("parent") or "none",
        "created_at": manifest["created_at"],
        "config_hash": manifest["config_hash"],
        "schema_fingerprint": manifest["schema_fingerprint"],
    }
    card = DatasetCard.from_template(
        DatasetCardData(**front_matter(manifest)),
        template_path=str(resource("DATASET_CARD.md")),
        **values,
    )
    return str(card).rstrip("\n") + "\n"


def _changelog(manifest: Mapping[str, Any]) -> str:
    """What this version changed from its parent (from the manifest)."""
    version, parent = manifest["version"], manifest.get("parent")
    lines = []
    ingest = manifest.get("ingest_counts")
    if manifest.get("build") == "incremental" and ingest:
        lines.append(
            f"- v{version} adds to v{parent}: {ingest['read']:,} new record(s) read -> "
            f"{ingest['accepted']:,} accepted, {ingest['duplicates']:,} duplicates (of this ingest "
            f"or of earlier versions), {ingest['rejected']:,} rejected; earlier shards are shared, "
            "not rewritten."
        )
    elif ingest or manifest.get("build") == "full":
        base = (
            f"a full build (parent v{parent} is not carried over)"
            if parent
            else "the first version"
        )
        lines.append(f"- v{version} is {base}.")
    removed_here = [r for r in manifest.get("removals", []) if r.get("version") == version]
    if removed_here:
        reasons = sorted({r["reason"] for r in removed_here})
        lines.append(
            f"- v{version} removes {len(removed_here):,} article(s) on request ({'; '.join(reasons)}); "
            "ids and URLs are under `removals` in `manifest.json`."
        )
    return "\n".join(lines) or f"- v{version}."


def _conservation(counts: Mapping[str, int], removals: list[Any]) -> str:
    text = (
        f"Every raw record is in exactly one table: {counts['read']:,} read = "
        f"{counts['accepted']:,} accepted + {counts['duplicates']:,} duplicates + "
        f"{counts['rejected']:,} rejected"
    )
    if counts.get("removed"):
        text += (
            f" + {counts['removed']:,} removed on request (takedowns; ids, URLs and reasons in "
            "`manifest.json` under `removals`)"
        )
    return text + "."


def _date_range(summary: Mapping[str, Any]) -> str:
    if not summary.get("published_min"):
        return "No article has a parsed publication date."
    return (
        f"From {summary['published_min']} to {summary['published_max']}; "
        f"{summary['published_missing']:,} article(s) without a parsed date."
    )


def _processing(manifest: Mapping[str, Any]) -> str:
    stages = manifest["stages"]
    config = manifest.get("config", {})
    dd = {
        k: config.get(f"dedup_{k}", default)
        for k, default in (("ngram", 3), ("threshold", 0.8), ("containment", 0.8))
    }
    lines = [
        "1. **read**: "
        + ", ".join(f"{k} {v:,}" for k, v in stages.get("read", {}).items())
        + " (csv, jsonl, json, txt, optionally gzip-compressed).",
        "2. **validate** against `raw_article.schema.json`: "
        + ", ".join(f"{k} {v:,}" for k, v in stages.get("validate", {}).items())
        + ".",
        "3. **structure**: body, boilerplate and metadata split by publisher profiles and "
        "general rules at the body's edges and inside paragraphs; each file's date order "
        "(day/month) inferred from all its values: "
        + ", ".join(f"{k} {v:,}" for k, v in stages.get("structure", {}).items())
        + ".",
        "4. **learned boilerplate**: lines (and glued segments) that recur across many stories "
        "of one publisher, in different surroundings, learned at ingest from this run and every "
        "earlier version (`learned/`), removed with the rule `learned:auto`. " + _learned(stages),
        "5. **langid**: langdetect first (seeded; its answer kept in `language_langdetect`); "
        "where it cannot tell Indonesian from Malay, Javanese, Sundanese or Tagalog, a regional "
        "model decides `language`; title and body together; `language_alternatives` lists "
        "close languages it may be in instead"
        + (
            f"; target languages {', '.join(config['languages'])}, others "
            + ("kept" if config.get("other_languages") == "keep" else "rejected")
            if config.get("languages")
            else ""
        )
        + ": "
        + ", ".join(f"{k} {v:,}" for k, v in stages.get("langid", {}).items())
        + ".",
        "6. **dedup**: same URL (older copies are `same_url` re-scrapes or "
        "`superseded_revision`s of the newest), exact bodies (NFKC, case-folded, whitespace "
        f"collapsed), near-duplicates (MinHash-LSH candidates on word {dd['ngram']}-grams of "
        f"the body, verified on the exact shingle sets: Jaccard >= {dd['threshold']}, or "
        f"containment >= {dd['containment']:.0%} for a truncated copy), against this run and "
        "every earlier version; survivor = earliest published, unless a copy holds it and adds "
        "to it (the fuller text survives), then publisher priority, then input order; every "
        "removed row is in `duplicates` with `duplicate_of`, `cluster_id`, `reason`, "
        "`similarity` (exact Jaccard): "
        + ", ".join(f"{k} {v:,}" for k, v in stages.get("dedup", {}).items())
        + ".",
    ]
    return "\n".join(lines)


def _made_by(manifest: Mapping[str, Any]) -> str:
    """Which code made the rows; says so when an ingest mixed in rows of other code."""
    digest = str(manifest.get("code_digest", ""))[:12] or "unknown"
    mixed = [str(d)[:12] for d in manifest.get("mixed", [])]
    if not mixed:
        return f"Every row was made by the same code and rules (digest `{digest}`)."
    return (
        f"**Mixed version**: new rows were made by code `{digest}`, and it carries rows made by "
        f"other code or rules ({', '.join(f'`{d}`' for d in mixed)}; `--allow-mixed`). Rebuild "
        "it (`corpus ingest --rebuild`) for rows all made the same way."
    )


def _learned(stages: Mapping[str, Mapping[str, int]]) -> str:
    """Pieces removed as learned boilerplate, per publisher (or source file)."""
    counts = {k: v for k, v in stages.get("learned", {}).items() if k != "empty_body"}
    if not counts:
        return "Nothing was learned for the publishers of this ingest."
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:30]
    rows = ", ".join(f"{scope} {n:,}" for scope, n in top)
    more = f" (and {len(counts) - len(top)} more)" if len(counts) > len(top) else ""
    return f"Pieces removed per publisher: {rows}{more}."


def _fields_table() -> str:
    lines = ["| field | type | description |", "|---|---|---|"]
    for f in ARTICLE_SCHEMA:
        lines.append(f"| `{f.name}` | `{f.type}` | {_FIELD_DOCS.get(f.name, '')} |")
    return "\n".join(lines)


def _inputs_table(inputs: list[Mapping[str, Any]], limit: int = 50) -> str:
    if not inputs:
        return "_none_"
    lines = ["| file | records | sha256 |", "|---|---:|---|"]
    lines += [
        f"| `{i['path']}` | {i['records']:,} | `{i['sha256'][:16]}…` |" for i in inputs[:limit]
    ]
    if len(inputs) > limit:
        lines.append(f"| … {len(inputs) - limit} more in manifest.json | | |")
    return "\n".join(lines)
