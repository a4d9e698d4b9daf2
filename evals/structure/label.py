"""Labelling helper for the structure gold set (used by a person, not by CI).

    uv run python evals/structure/label.py sample            # the seeded sample, in order
    uv run python evals/structure/label.py show ID            # one article, segment by segment
    uv run python evals/structure/label.py build NOTES OUT    # hand notes -> gold JSONL

``show`` prints the raw fields and the harness's segments of one sampled article for the
labeller to read; it never prints what ``corpus.structure`` makes of it, so the labels do not
copy the tool. ``build`` turns the labeller's notes (kept outside the repository, since they
quote split points from the text) into gold lines holding only offsets, labels and hashes.

Notes format, one block per article::

    [25-detik-1]
    split: 3 | Baca juga           # split base segment 3 before each quoted marker
    bp: 0.0=lead_in 2=scroll 3.1=read_more 9-11=related
    published_at: 2025-06-03T13:39:00+07:00
    dateline: JAKARTA               # or null
    authors: Rangga Rahadiansyah; Muchamad Sholihin
    title: =                        # = the title column, as read; or the title; or null

Segments not listed under ``bp`` are body.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"

# (file, publisher filter on the record's source field or None, report name, year, sample size)
GROUPS = [
    ("news-id-2025/scrapping_news_2025-06-18.csv", "liputan6.com", "liputan6", 2025),
    ("news-id-2025/scrapping_news_2025-06-18.csv", "detik.com", "detik", 2025),
    ("news-id-2025/scrapping_news_2025-06-18.csv", "okezone.com", "okezone", 2025),
    ("news-id-2025/scrapping_news_2025-06-18.csv", "tempo.co", "tempo", 2025),
    ("news-id-2025/scrapping_news_2025-06-18.csv", "kompas.com", "kompas", 2025),
    ("news-id-2025/scrapping_news_2025-06-18.csv", "republika.co.id", "republika", 2025),
    ("news-id-2019/sindonews.csv", None, "sindonews", 2019),
    ("news-id-2019/okezone.csv", None, "okezone", 2019),
    ("news-id-2019/tempo.csv", None, "tempo", 2019),
    ("news-id-2019/kompas.csv", None, "kompas", 2019),
    ("news-id-2019/tribunnews.csv", None, "tribunnews", 2019),
]
SAMPLE_SIZE = 12  # drawn per group, labelled in draw order (see DEV_SIZE)
# the first draws of each group are the dev split; later labelled draws are the held-out test split
DEV_SIZE = {2025: 8, 2019: 10}


def sample() -> Iterator[tuple[str, str, int, Any]]:
    """``(id, file, row, record)`` of the seeded sample, group by group, in sample order.

    Candidates are the group's records that pass schema validation (what reaches the structure
    stage), sorted by row; ``random.Random(f"{SEED}/{file}/{publisher}").sample`` draws
    ``SAMPLE_SIZE`` of them. The id is "<yy>-<publisher>-<n>" with n the position in the draw.
    """
    from corpus.validate import check

    cache: dict[str, dict[int, Any]] = {}
    for file, source, name, year in GROUPS:
        records = cache.setdefault(file, harness.read_records(CORPORA, file))
        rows = sorted(
            row
            for row, record in records.items()
            if (source is None or record.fields.get("source") == source) and not check(record)
        )
        rng = random.Random(f"{harness.SEED}/{file}/{name}")
        for n, row in enumerate(rng.sample(rows, min(SAMPLE_SIZE, len(rows))), 1):
            yield f"{year % 100}-{name}-{n}", file, row, records[row]


def show(article_id: str) -> None:
    """Print one sampled article's fields and segments for a person to label."""
    for aid, file, row, record in sample():
        if aid != article_id:
            continue
        print(f"== {aid}  {file} row {row}")
        for key, value in record.fields.items():
            if key != "text":
                print(f"  {key}: {value!r}")
        for i, seg in enumerate(harness.base_segments(record.fields["text"])):
            print(f"[{i}] {seg}")
        return
    raise SystemExit(f"no sampled article {article_id!r}")


_BLOCK = re.compile(r"^\[(?P<id>[^\]]+)\]\s*$")


def parse_notes(text: str) -> dict[str, dict[str, str]]:
    """Blocks of ``key: value`` lines under ``[id]`` headers (``#`` starts a comment)."""
    notes: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        match = _BLOCK.match(line)
        if match:
            current = notes.setdefault(match.group("id"), {})
            continue
        if current is None:
            raise SystemExit(f"notes: a line before any [id]: {line!r}")
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "split":
            current["split"] = current.get("split", "") + "\n" + value.strip()
        else:
            current[key] = value.strip()
    return notes


def build_one(aid: str, file: str, row: int, record: Any, note: dict[str, str]) -> dict[str, Any]:
    """One gold line from an article and its notes."""
    text = record.fields["text"]
    base = harness.base_segments(text)
    cuts: dict[int, list[int]] = {}
    for spec in filter(None, note.get("split", "").split("\n")):
        index, _, markers = spec.partition("|")
        seg = int(index)
        for marker in (m.strip() for m in markers.split("|")):
            at = base[seg].find(marker, (cuts.get(seg) or [0])[-1] + 1 if seg in cuts else 0)
            if at <= 0:
                raise SystemExit(f"{aid}: marker {marker!r} not found in segment {seg}")
            cuts.setdefault(seg, []).append(at)
    kinds: dict[str, str | None] = {}
    for item in note.get("bp", "").split():
        ref, _, kind = item.partition("=")
        if "-" in ref and "." not in ref:
            lo, hi = (int(x) for x in ref.split("-"))
            for k in range(lo, hi + 1):
                kinds[str(k)] = kind or None
        else:
            kinds[ref] = kind or None
    segments = []
    for i, seg in enumerate(base):
        bounds = [0, *cuts.get(i, []), len(seg)]
        for j in range(len(bounds) - 1):
            ref = f"{i}.{j}" if i in cuts else str(i)
            start, end = bounds[j], bounds[j + 1]
            label = harness.BOILERPLATE if ref in kinds else harness.BODY
            segments.append(
                {
                    "seg": i,
                    "start": start,
                    "end": end,
                    "label": label,
                    "h": harness.short_hash(seg[start:end]),
                }
                | ({"kind": kinds[ref]} if kinds.get(ref) else {})
            )
    unknown = set(kinds) - {
        (f"{s['seg']}.{k}" if s["seg"] in cuts else str(s["seg"]))
        for s in segments
        for k in range(len(cuts.get(s["seg"], [])) + 1)
    }
    if unknown:
        raise SystemExit(f"{aid}: bp refers to unknown segments {sorted(unknown)}")
    title = note.get("title", "=")
    if title == "=":
        title = record.fields.get("title")
    elif title == "null":
        title = None
    authors = [a.strip() for a in note.get("authors", "").split(";") if a.strip()]
    dateline = note.get("dateline", "null")
    published = note.get("published_at", "null")
    name = aid.split("-")[1]
    year = 2000 + int(aid.split("-")[0])
    split = "dev" if int(aid.rsplit("-", 1)[1]) <= DEV_SIZE[year] else "test"
    return {
        "id": aid,
        "file": file,
        "row": row,
        "url": record.fields.get("url"),
        "publisher": name,
        "year": year,
        "split": split,
        "text_h": harness.short_hash(text),
        "expected": {
            "published_at": None if published == "null" else published,
            "dateline": None if dateline == "null" else dateline,
            "authors": authors,
            "title_h": harness.title_hash(title),
        },
        "segments": segments,
    }


def build(notes_path: Path, out_dir: Path) -> None:
    """Write ``out_dir/news-id-<year>.jsonl`` from the notes, in sample order."""
    notes = parse_notes(notes_path.read_text(encoding="utf-8"))
    lines: dict[int, list[str]] = {}
    done = set()
    for aid, file, row, record in sample():
        if aid in notes:
            gold = build_one(aid, file, row, record, notes[aid])
            lines.setdefault(gold["year"], []).append(json.dumps(gold, ensure_ascii=False))
            done.add(aid)
    missing = set(notes) - done
    if missing:
        raise SystemExit(f"notes for articles not in the sample: {sorted(missing)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for year, rows in sorted(lines.items()):
        (out_dir / f"news-id-{year}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
        print(f"{out_dir / f'news-id-{year}.jsonl'}: {len(rows)} articles")


def main(argv: list[str]) -> None:
    """Entry point."""
    if argv[:1] == ["sample"]:
        for aid, file, row, record in sample():
            print(aid, file, row, record.fields.get("url"))
    elif argv[:1] == ["show"] and len(argv) == 2:
        show(argv[1])
    elif argv[:1] == ["build"] and len(argv) == 3:
        build(Path(argv[1]), Path(argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
