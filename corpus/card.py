"""The dataset card: ``DATASET_CARD.md`` rendered with a version's manifest.

The YAML front matter follows the Hugging Face Hub's dataset card metadata; its ``configs``
make ``load_dataset(version_dir)`` give ``train`` by default and ``duplicates`` / ``rejects``
as named configs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from corpus.config import resource
from corpus.records import ARTICLE_SCHEMA, DUPLICATE_SCHEMA, REJECTED_SCHEMA

TABLES = (
    ("default", "data", ARTICLE_SCHEMA),
    ("duplicates", "duplicates", DUPLICATE_SCHEMA),
    ("rejects", "rejects", REJECTED_SCHEMA),
)
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_MIN_LANGUAGE_SHARE = 0.01  # languages below 1% of rows are noise for the card's metadata

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


def _dataset_info(name: str, schema: Any, shards: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The Hub's ``dataset_info`` entry of one table: features, row count, sizes.

    Besides documenting the table, it makes ``load_dataset`` check the row count, and it keeps
    datasets' cache apart: without it two local versions with the same folder name (``v1.0.0``
    of two datasets) hash alike and the second load returns the first one's cached rows.
    Sizes are the Parquet bytes on disk (the Hub's ``num_bytes`` is Arrow bytes, unknown here).
    """
    from datasets import Features  # heavy import, only needed when a card is rendered

    rows = sum(int(s["rows"]) for s in shards)
    size = sum(int(s["bytes"]) for s in shards)
    return {
        "config_name": name,
        "features": Features.from_arrow_schema(schema)._to_yaml_list(),
        "splits": [{"name": "train", "num_bytes": size, "num_examples": rows}],
        "download_size": size,
        "dataset_size": size,
    }


def render(manifest: Mapping[str, Any], load_path: str) -> str:
    """The card's Markdown for one version."""
    counts, summary = manifest["counts"], manifest["summary"]
    values = {
        "front_matter": yaml.safe_dump(
            front_matter(manifest), sort_keys=False, allow_unicode=True
        ).strip(),
        "pretty_name": f"{manifest['dataset']} v{manifest['version']}",
        "summary": (
            f"A deduplicated news corpus of {counts['accepted']:,} articles built from "
            f"{len(manifest['inputs']):,} raw file(s) by `corpus ingest`."
        ),
        "code_version": manifest["code_version"],
        "load_path": load_path,
        "changelog": _changelog(manifest),
        "conservation": _conservation(counts, manifest.get("removals", [])),
        "accepted": f"{counts['accepted']:,}",
        "duplicates": f"{counts['duplicates']:,}",
        "rejected": f"{counts['rejected']:,}",
        "languages_table": _count_table("language", summary["languages"]),
        "publishers_table": _count_table("publisher", summary["publishers"]),
        "date_range": _date_range(summary),
        "processing": _processing(manifest),
        "fields_table": _fields_table(),
        "inputs_table": _inputs_table(manifest["inputs"]),
        "version": manifest["version"],
        "parent": manifest.get("parent") or "none",
        "created_at": manifest["created_at"],
        "config_hash": manifest["config_hash"],
        "schema_fingerprint": manifest["schema_fingerprint"],
    }
    template = resource("DATASET_CARD.md").read_text(encoding="utf-8")
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


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


def _count_table(label: str, counts: Mapping[str, int], limit: int = 30) -> str:
    if not counts:
        return "_none_"
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = [f"| {label} | articles | share |", "|---|---:|---:|"]
    lines += [f"| {name} | {n:,} | {n / total:.1%} |" for name, n in ranked[:limit]]
    if len(ranked) > limit:
        rest = sum(n for _, n in ranked[limit:])
        lines.append(f"| {len(ranked) - limit} others | {rest:,} | {rest / total:.1%} |")
    return "\n".join(lines)


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
        "3. **structure**: body, boilerplate and metadata split by publisher profiles and generic rules.",
        "4. **langid**: langdetect's profiles and answers (seeded, deterministic) on the body; "
        "`language_share` is the share of the body's letters in that language; "
        "`language_alternatives` flags possible Malay/Javanese/Sundanese"
        + (
            f"; target languages {', '.join(config['languages'])}, others "
            + ("kept" if config.get("other_languages") == "keep" else "rejected")
            if config.get("languages")
            else ""
        )
        + ".",
        "5. **dedup**: same URL (older copies are `same_url` re-scrapes or "
        "`superseded_revision`s of the newest), exact bodies (NFKC, case-folded, whitespace "
        f"collapsed), near-duplicates (MinHash-LSH on word {dd['ngram']}-grams of the body, "
        f"verified: estimated Jaccard >= {dd['threshold']} or the shorter body >= "
        f"{dd['containment']:.0%} inside the longer), against this "
        "run and every earlier version; survivor = earliest published, then longest, then "
        "publisher priority, then input order; every removed row is in `duplicates` with "
        "`duplicate_of`, `cluster_id`, `reason`, `similarity`: "
        + ", ".join(f"{k} {v:,}" for k, v in stages.get("dedup", {}).items())
        + ".",
    ]
    return "\n".join(lines)


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
