"""Benchmark input: the 2019 corpus as JSONL (text/id/url/title) plus seeded injected near-dups.

    python benchmarks/datatrove/prepare.py OUT_DIR [--raw DIR] [--copies 500] [--seed 0]

Writes ``OUT_DIR/input/part-00000.jsonl`` and ``part-00001.jsonl`` (one JSONL split in two
halves: datatrove's readers shard by file, so a single file would keep one of its two tasks
idle), ``OUT_DIR/articles.jsonl`` (the same lines in one file, for reference) and
``OUT_DIR/truth.tsv`` (copy_id, copy_url, original_id, original_url, edits). Goes to /tmp, never
into the repository (it is built from ../shared/corpora, which must not be copied in).

Injected copies: ``--copies`` articles of 100+ words drawn with ``random.Random(seed)``, each
copied with 2-5 light edits (a word dropped or replaced by a word of another article), a new
title (another article's), a new id and a new URL, appended after the originals. Standard
library only, deterministic for a given seed and corpus.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

DEFAULT_RAW = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "news-id-2019"


def read_corpus(raw: Path) -> list[dict[str, str]]:
    """Every row with a body, in a fixed order (files sorted by name, then row order)."""
    csv.field_size_limit(1 << 30)
    rows: list[dict[str, str]] = []
    for path in sorted(raw.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=1):
                text = (row.get("content") or "").strip()
                if not text:
                    continue
                rows.append(
                    {
                        "text": text,
                        "id": f"{path.stem}-{n:06d}",
                        "url": row.get("url") or "",
                        "title": row.get("title") or "",
                    }
                )
    return rows


def edit(text: str, rng: random.Random, vocabulary: list[str]) -> tuple[str, int]:
    """``text`` with 2-5 words dropped or replaced; returns the new text and the edit count."""
    words = text.split(" ")
    edits = rng.randint(2, 5)
    for _ in range(edits):
        i = rng.randrange(len(words))
        if rng.random() < 0.5:
            del words[i]
        else:
            words[i] = rng.choice(vocabulary)
    return " ".join(words), edits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--raw", type=Path, default=DEFAULT_RAW)
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.raw.is_dir():
        sys.exit(f"{args.raw} not found (the shared corpora live in ../shared/corpora)")

    rows = read_corpus(args.raw)
    rng = random.Random(args.seed)
    eligible = [i for i, r in enumerate(rows) if len(r["text"].split()) >= 100]
    chosen = rng.sample(eligible, args.copies)
    copies: list[dict[str, str]] = []
    truth: list[str] = []
    for k, i in enumerate(chosen):
        original = rows[i]
        other = rows[rng.randrange(len(rows))]
        text, edits = edit(original["text"], rng, other["text"].split())
        copy = {
            "text": text,
            "id": f"injected-{k:05d}",
            "url": f"https://bench.invalid/injected/{k:05d}",
            "title": other["title"],
        }
        copies.append(copy)
        truth.append(
            "\t".join((copy["id"], copy["url"], original["id"], original["url"], str(edits)))
        )

    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in rows + copies]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "articles.jsonl").write_text("".join(lines), encoding="utf-8")
    parts = args.out / "input"
    parts.mkdir(exist_ok=True)
    half = len(lines) // 2
    for n, chunk in enumerate((lines[:half], lines[half:])):
        (parts / f"part-{n:05d}.jsonl").write_text("".join(chunk), encoding="utf-8")
    (args.out / "truth.tsv").write_text(
        "copy_id\tcopy_url\toriginal_id\toriginal_url\tedits\n" + "\n".join(truth) + "\n",
        encoding="utf-8",
    )
    print(f"{len(rows)} articles + {len(copies)} injected copies -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
