"""Scale-up corpus for the dedup benchmark: N articles from real sentences, with known near-dups.

    uv run python benchmarks/dedup/generate.py N OUT_DIR [--dup-rate 0.1] [--seed 0]

Writes ``OUT_DIR/articles.jsonl`` (id, url, publisher, title, published, text) and
``OUT_DIR/truth.tsv`` (dup_id, original_id, kind). Output goes to /tmp or similar, never into
the repository (it is built from ../shared/corpora, which must not be copied in).

Originals: every article is 10-18 sentences drawn at random from the sentence pool of the real
corpora (news-id-2019, news-id-2025, BBC), ~3 KB like a real news body; two originals share
a sentence now and then, as real articles do, but not enough to be near-duplicates. A share
``--dup-rate`` of the output are injected copies of an earlier original, in three kinds:

* ``edit``: 1-4% of the words replaced or dropped, a sentence added at the end (heavier edits
  fall below Jaccard 0.8 of word 3-grams: each changed word breaks three shingles);
* ``reheadline``: a new title, a new lead sentence, the body otherwise the same;
* ``truncation``: the first 60-90% of the sentences (a feed that cut the story short).

Deterministic for a given N, seed and corpora.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")
KINDS = ("edit", "reheadline", "truncation")


def real_bodies() -> Iterator[str]:
    """Bodies of the shared real corpora (read only, in a fixed order)."""
    csv.field_size_limit(1 << 30)
    for folder in ("news-id-2019", "news-id-2025"):
        for path in sorted((CORPORA / folder).glob("*.csv")):
            with path.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    text = row.get("content") or row.get("isi_berita") or ""
                    if text:
                        yield text
    bbc = CORPORA / "dedup-en" / "bbc_news.jsonl"
    if bbc.exists():
        with bbc.open(encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)["text"].partition("\n")[2]


def sentence_pool() -> list[str]:
    """Distinct sentences of 6+ words from the real bodies."""
    seen: set[str] = set()
    pool = []
    for body in real_bodies():
        for sentence in _SENTENCE.split(body.replace("\n", " ")):
            sentence = sentence.strip(" ,")
            if len(sentence.split()) >= 6 and sentence not in seen:
                seen.add(sentence)
                pool.append(sentence)
    return pool


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dup-rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--id-prefix", default="a", help="id/url prefix (distinct per batch)")
    parser.add_argument(
        "--copy-from",
        type=Path,
        help="articles.jsonl of an earlier batch whose articles copies may copy",
    )
    args = parser.parse_args(argv)
    if not CORPORA.is_dir():
        print(f"{CORPORA} not present", file=sys.stderr)
        return 2
    pool = sentence_pool()
    rnd = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    originals: list[tuple[str, list[str]]] = []
    if args.copy_from:  # an incremental batch: copies of already published articles too
        with args.copy_from.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if not row["title"].startswith("Copy "):
                    originals.append((row["id"], _SENTENCE.split(row["text"])))
                if len(originals) >= 50_000:
                    break
    publishers = [f"pub{i}.example" for i in range(20)]
    with (
        (args.out / "articles.jsonl").open("w", encoding="utf-8") as out,
        (args.out / "truth.tsv").open("w", encoding="utf-8") as truth,
    ):
        truth.write("dup_id\toriginal_id\tkind\n")
        for i in range(args.n):
            aid = f"{args.id_prefix}{i:08d}"
            day = 1 + rnd.randrange(28)
            if originals and rnd.random() < args.dup_rate:
                orig_id, sentences = rnd.choice(originals)
                kind = rnd.choice(KINDS)
                text, title = copy(kind, sentences, pool, rnd), f"Copy {aid} of {orig_id}"
                truth.write(f"{aid}\t{orig_id}\t{kind}\n")
            else:
                sentences = rnd.sample(pool, rnd.randint(10, 18))
                originals.append((aid, sentences))
                if len(originals) > 200_000:  # keep memory flat; copies are of recent stories
                    del originals[: len(originals) // 2]
                text, title = " ".join(sentences), " ".join(sentences[0].split()[:8])
            row = {
                "id": aid,
                "url": f"https://{rnd.choice(publishers)}/read/{aid}",
                "publisher": rnd.choice(publishers),
                "title": title,
                "published": f"2024-03-{day:02d}T{rnd.randrange(24):02d}:00:00+07:00",
                "text": text,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def copy(kind: str, sentences: list[str], pool: list[str], rnd: random.Random) -> str:
    """An injected near-duplicate of an original's sentences."""
    if kind == "truncation":
        keep = max(1, round(len(sentences) * rnd.uniform(0.6, 0.9)))
        return " ".join(sentences[:keep])
    if kind == "reheadline":
        return " ".join([rnd.choice(pool), *sentences[1:]])
    words = " ".join(sentences).split()
    rate = rnd.uniform(0.01, 0.04)
    edited = []
    for w in words:
        r = rnd.random()
        if r < rate / 2:
            continue
        edited.append(rnd.choice(words) if r < rate else w)
    return " ".join(edited) + " " + rnd.choice(pool)


if __name__ == "__main__":
    sys.exit(main())
