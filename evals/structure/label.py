"""Labelling helper for the structure gold set (used by a person, not by CI).

    uv run python evals/structure/label.py sample            # the seeded sample, in order
    uv run python evals/structure/label.py show ID            # one article, segment by segment
    uv run python evals/structure/label.py build NOTES OUT    # hand notes -> gold JSONL
    uv run python evals/structure/label.py heldout           # the held-out sample (issue 11)
    uv run python evals/structure/label.py show-heldout ID... # its articles, segment by segment
    uv run python evals/structure/label.py build-heldout NOTES OUT
    uv run python evals/structure/label.py longtail          # the long-tail test sample (news-ms)
    uv run python evals/structure/label.py show-longtail ID...
    uv run python evals/structure/label.py build-longtail NOTES OUT
    uv run python evals/structure/label.py longtail2         # the second, fresh long-tail draw
    uv run python evals/structure/label.py show-longtail2 ID...
    uv run python evals/structure/label.py build-longtail2 NOTES OUT
    uv run python evals/structure/label.py longtail3         # the third draw: test + dev tiers
    uv run python evals/structure/label.py show-longtail3 ID...
    uv run python evals/structure/label.py build-longtail3 NOTES OUT

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
    editors: Agus Setiawan          # held-out notes only: credited editors ("Editor: ...")
    editor_initials: dil            # held-out notes only: staff codes of "(dil/jpnn)"

Segments not listed under ``bp`` are body.

The held-out sample (``heldout``) draws only rows where ``heldout.is_heldout(file, row)``, from
the publishers no rule was written from (``HELDOUT_GROUPS``); its gold goes to
``gold/news-id-more.jsonl`` and ``gold/news-ms.jsonl``, all in the ``test`` split.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import heldout

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


MS_FILE = "news-ms/malay_news_2013_2018.jsonl.gz"
#: Indonesian outlets of the Malay file (its ``news`` column), drawn as one small group.
MS_INDONESIAN = (
    "Tribunnews",
    "Detikcom (Siaran Pers)",
    "Republika Online",
    "KOMPAS.com",
    "CNN Indonesia",
    "merdeka.com",
    "BBC Indonesia",
)
# Held-out groups of the newer corpora (issue 11): (path under the corpora root, a file or a
# folder ending in "/" for every file in it; outlets kept by the ``news`` column or None; name;
# year for the report group; draws). Free Malaysia Today is left out: its texts are the
# headline repeated, nothing to label.
HELDOUT_GROUPS: list[tuple[str, tuple[str, ...] | None, str, int, int]] = [
    ("news-id-more/antaranews-2023/antaranews_2023.jsonl", None, "antara", 2023, 12),
    ("news-id-more/cnnindonesia-2025/", None, "cnnindonesia", 2025, 12),
    ("news-id-more/jpnn-2023/jpnn_2023.csv", None, "jpnn", 2023, 15),
    ("news-id-more/bisnis-2025/bisnis_2025.json", None, "bisnis", 2025, 13),
    (MS_FILE, ("Utusan Malaysia",), "utusan", 2018, 5),
    (MS_FILE, ("Astro Awani",), "awani", 2018, 5),
    (MS_FILE, ("Sinarharian",), "sinarharian", 2018, 5),
    (MS_FILE, ("Malaysiakini (caruman)",), "malaysiakini", 2018, 5),
    (MS_FILE, ("Kosmo!",), "kosmo", 2018, 5),
    (MS_FILE, ("Harakah Daily",), "harakah", 2018, 5),
    (MS_FILE, ("Harian Metro",), "hmetro", 2018, 5),
    (MS_FILE, MS_INDONESIAN, "indonesian", 2018, 5),
]


def raw_text(record: Any) -> str:
    """The record's body text: the ``text`` field, else its longest unmapped string column.

    The default column mapping has no preset for CNN Indonesia's ``FullText``, so those records
    come without a ``text`` field; the gold hashes the column the body is in.
    """
    text = record.fields.get("text")
    if isinstance(text, str):
        return text
    columns = [v for v in record.extra.values() if isinstance(v, str)]
    return max(columns, key=len, default="")


def _heldout_files(path: str) -> list[str]:
    """The corpora-relative files of one group path (every readable file of a folder)."""
    if not path.endswith("/"):
        return [path]
    from corpus.sources import discover

    dataset, _, sub = path.partition("/")
    files, _skipped = discover([CORPORA / dataset])
    return sorted(f"{dataset}/{f.relpath}" for f in files if f.relpath.startswith(sub))


def heldout_sample() -> Iterator[tuple[str, str, int, Any]]:
    """``(id, file, row, record)`` of the held-out sample, group by group, in draw order.

    Candidates are the group's held-out rows (``heldout.is_heldout``) with a non-empty text,
    sorted by (file, row); ``random.Random(f"{SEED}/{path}/{name}").shuffle`` orders them, and
    the first ``draws`` are taken, skipping a row whose URL (or, without one, whose text) an
    earlier draw of the group already has: the same article scraped again is labelled once. The
    order is a fixed permutation, so more draws keep the earlier ones. The id is
    "<yy>-<name>-<n>" (news-id-more) or "ms-<name>-<n>" (news-ms).
    """
    cache: dict[str, dict[int, Any]] = {}
    for path, outlets, name, year, draws in HELDOUT_GROUPS:
        candidates = []
        for file in _heldout_files(path):
            records = cache.setdefault(file, harness.read_records(CORPORA, file))
            for row, record in sorted(records.items()):
                if not heldout.is_heldout(file, row) or not raw_text(record).strip():
                    continue
                if outlets is None or record.extra.get("news") in outlets:
                    candidates.append((file, row))
        rng = random.Random(f"{harness.SEED}/{path}/{name}")
        rng.shuffle(candidates)
        seen: set[str] = set()
        prefix = "ms" if path == MS_FILE else f"{year % 100}"
        n = 0
        for file, row in candidates:
            record = cache[file][row]
            key = record.fields.get("url") or hashlib.sha1(raw_text(record).encode()).hexdigest()
            if key in seen:
                continue
            seen.add(key)
            n += 1
            yield f"{prefix}-{name}-{n}", file, row, record
            if n == draws:
                break


#: The long-tail test set: held-out news-ms rows of outlets that have no shipped profile and
#: none of whose rows is in ``gold/news-ms.jsonl``; Free Malaysia Today is left out (its texts
#: are the headline repeated). At most ``LONGTAIL_PER_HOST`` draws per URL host, so no outlet
#: dominates; ``LONGTAIL_DRAWS`` in all.
LONGTAIL_EXCLUDED = ("Free Malaysia Today",)
LONGTAIL_PER_HOST = 4
LONGTAIL_DRAWS = 44
LONGTAIL_SPLIT = "longtail"


def _gold_outlets(records: dict[int, Any]) -> set[str]:
    """The ``news`` values and URL hosts of every row already in ``gold/news-ms.jsonl``."""
    rows = set()
    for line in (harness_gold_dir() / "news-ms.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.add(json.loads(line)["row"])
    known = [records[row] for row in rows if row in records]
    return {str(r.extra.get("news")) for r in known} | {_host(r) for r in known}


def harness_gold_dir() -> Path:
    """The committed gold folder."""
    return Path(__file__).resolve().parent / "gold"


def _host(record: Any) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(record.fields.get("url") or "").hostname or "").removeprefix("www.")


def longtail_sample() -> Iterator[tuple[str, str, int, Any]]:
    """``(id, file, row, record)`` of the long-tail test sample, in draw order.

    Candidates are the news-ms rows with ``heldout.is_heldout`` and a non-empty text whose URL
    host no shipped profile matches and whose outlet (``news``) has no row in the existing
    gold, sorted by row; ``random.Random(f"{SEED}/{MS_FILE}/longtail").shuffle`` orders them,
    and draws are taken in that order, skipping a URL already drawn and a host that already has
    ``LONGTAIL_PER_HOST`` draws, up to ``LONGTAIL_DRAWS``. The id is "lt-<n>".
    """
    from corpus.structure import load_profiles

    profiles = load_profiles()
    records = harness.read_records(CORPORA, MS_FILE)
    excluded = _gold_outlets(records) | set(LONGTAIL_EXCLUDED)
    candidates = [
        row
        for row, record in sorted(records.items())
        if heldout.is_heldout(MS_FILE, row)
        and raw_text(record).strip()
        and str(record.extra.get("news")) not in excluded
        and _host(record) not in excluded
        and not any(p.matches_host(_host(record)) for p in profiles)
    ]
    rng = random.Random(f"{harness.SEED}/{MS_FILE}/longtail")
    rng.shuffle(candidates)
    seen: set[str] = set()
    per_host: dict[str, int] = {}
    n = 0
    for row in candidates:
        record = records[row]
        url, host = record.fields.get("url") or "", _host(record)
        if url in seen or per_host.get(host, 0) >= LONGTAIL_PER_HOST:
            continue
        seen.add(url)
        per_host[host] = per_host.get(host, 0) + 1
        n += 1
        yield f"lt-{n}", MS_FILE, row, record
        if n == LONGTAIL_DRAWS:
            break


def show_longtail(article_ids: list[str]) -> None:
    """Print long-tail articles' raw fields and the harness's segments for a person to label."""
    _show(longtail_sample(), article_ids)


def build_longtail(notes_path: Path, out_dir: Path) -> None:
    """Write ``out_dir/news-ms-longtail.jsonl`` from the notes (split ``longtail``)."""
    notes = parse_notes(notes_path.read_text(encoding="utf-8"))
    rows = []
    for aid, file, row, record in longtail_sample():
        if aid in notes:
            gold = build_one(
                aid, file, row, record, notes.pop(aid), ("longtail", 2018, LONGTAIL_SPLIT)
            )
            gold["outlet"] = record.extra.get("news")
            rows.append(json.dumps(gold, ensure_ascii=False))
    if notes:
        raise SystemExit(f"notes for articles not in the long-tail sample: {sorted(notes)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "news-ms-longtail.jsonl"
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{out}: {len(rows)} articles")


#: The second long-tail test set (issue 11, fourth pass), drawn before any rule change of that
#: pass: news-ms outlets with no shipped profile and no row in any earlier gold file (compared by
#: registered domain, so ``sp.beritasatu.com`` is out with ``beritasatu.com``), and none whose
#: rows the shipped rules or their tests name (``LONGTAIL2_NAMED``: a rule was written from
#: them). Held-out rows come first; there are too few of them (18), so dev rows of the same
#: kind of outlet follow, each gold line saying which (``tier``). At most ``LONGTAIL2_PER_SITE``
#: draws per registered domain.
LONGTAIL2_NAMED = (
    "bharian.com.my",
    "bintang.com",
    "poskotanews.com",
    "illinoisstate.edu",
    "inilahkoran.com",
    "bernama.com",
    "gesuri.id",
)
LONGTAIL2_PER_SITE = 2
LONGTAIL2_DRAWS = 42
LONGTAIL2_SPLIT = "longtail2"
#: second-level labels under which a country's sites register (``bharian.com.my``)
_SECOND_LEVEL = {"co", "com", "or", "ac", "go", "net", "web", "org", "edu", "gov", "my", "sch"}


def site(host: str) -> str:
    """The registered domain of a URL host: ``sp.beritasatu.com`` gives ``beritasatu.com``."""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _labelled_sites(records: dict[int, Any]) -> set[str]:
    """The ``news`` values and registered domains of every news-ms row in the gold files."""
    rows = set()
    for name in ("news-ms.jsonl", "news-ms-longtail.jsonl"):
        for line in (harness_gold_dir() / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.add(json.loads(line)["row"])
    known = [records[row] for row in rows if row in records]
    return {str(r.extra.get("news")) for r in known} | {site(_host(r)) for r in known}


def longtail2_sample() -> Iterator[tuple[str, str, int, Any, str]]:
    """``(id, file, row, record, tier)`` of the second long-tail sample, in draw order.

    Candidates are news-ms rows with a non-empty text whose URL host no shipped profile
    matches, whose outlet and registered domain have no row in ``gold/news-ms*.jsonl``, and
    whose domain is not in ``LONGTAIL2_NAMED``; sorted by row, the held-out ones
    (``tier`` "heldout") before the dev ones ("dev-row"), each part shuffled with
    ``random.Random(f"{SEED}/{MS_FILE}/longtail2/<tier>")``. Draws are taken in that order,
    skipping a URL already drawn and a domain with ``LONGTAIL2_PER_SITE`` draws, up to
    ``LONGTAIL2_DRAWS``. The id is "lt2-<n>".
    """
    from corpus.structure import load_profiles

    profiles = load_profiles()
    records = harness.read_records(CORPORA, MS_FILE)
    excluded = _labelled_sites(records) | set(LONGTAIL_EXCLUDED) | set(LONGTAIL2_NAMED)
    tiers: dict[str, list[int]] = {"heldout": [], "dev-row": []}
    for row, record in sorted(records.items()):
        host = _host(record)
        if (
            raw_text(record).strip()
            and str(record.extra.get("news")) not in excluded
            and site(host) not in excluded
            and not any(p.matches_host(host) for p in profiles)
        ):
            tiers["heldout" if heldout.is_heldout(MS_FILE, row) else "dev-row"].append(row)
    seen: set[str] = set()
    per_site: dict[str, int] = {}
    n = 0
    for tier, rows in tiers.items():
        random.Random(f"{harness.SEED}/{MS_FILE}/longtail2/{tier}").shuffle(rows)
        for row in rows:
            record = records[row]
            url, domain = record.fields.get("url") or "", site(_host(record))
            if url in seen or per_site.get(domain, 0) >= LONGTAIL2_PER_SITE:
                continue
            seen.add(url)
            per_site[domain] = per_site.get(domain, 0) + 1
            n += 1
            yield f"lt2-{n}", MS_FILE, row, record, tier
            if n == LONGTAIL2_DRAWS:
                return


def show_longtail2(article_ids: list[str]) -> None:
    """Print the second long-tail sample's articles for a person to label."""
    _show(((aid, f, row, rec) for aid, f, row, rec, _tier in longtail2_sample()), article_ids)


def build_longtail2(notes_path: Path, out_dir: Path) -> None:
    """Write ``out_dir/news-ms-longtail2.jsonl`` from the notes (split ``longtail2``)."""
    notes = parse_notes(notes_path.read_text(encoding="utf-8"))
    rows = []
    for aid, file, row, record, tier in longtail2_sample():
        if aid in notes:
            # the publisher names the tier, so the report has a row for each
            group = (f"longtail2-{tier}", 2018, LONGTAIL2_SPLIT)
            gold = build_one(aid, file, row, record, notes.pop(aid), group)
            gold["outlet"] = record.extra.get("news")
            gold["tier"] = tier
            rows.append(json.dumps(gold, ensure_ascii=False))
    if notes:
        raise SystemExit(f"notes for articles not in the second long-tail sample: {sorted(notes)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "news-ms-longtail2.jsonl"
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{out}: {len(rows)} articles")


#: The third long-tail draw (issue 11, sixth pass), taken before any rule change of that pass.
#: Candidates are news-ms rows of sites (registered domains) that no gold file of any split
#: holds, no shipped profile matches and no rule or test names (``LONGTAIL3_NAMED``: the
#: second draw's list plus a site named in a rule since). Sites are ordered by a seeded shuffle;
#: the test tier takes up to ``LONGTAIL3_PER_SITE`` rows of each site in that order until
#: ``LONGTAIL3_TEST`` rows; the dev tier takes the remaining sites the same way, then the rows
#: of the named sites (rules were written from them, so they may only ever be dev).
LONGTAIL3_NAMED = (*LONGTAIL2_NAMED, "galamedianews.com")
LONGTAIL3_PER_SITE = 2
LONGTAIL3_NAMED_PER_SITE = 4
LONGTAIL3_TEST = 50
LONGTAIL3_SPLITS = {"test": "longtail3", "dev": "longtail3-dev"}


def _all_gold_sites() -> set[str]:
    """The registered domain of every URL in every gold file (``longtail3*`` files aside)."""
    from urllib.parse import urlsplit

    sites = set()
    for path in sorted(harness_gold_dir().glob("*.jsonl")):
        if path.name.startswith("news-ms-longtail3"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and json.loads(line).get("url"):
                host = urlsplit(json.loads(line)["url"]).hostname or ""
                sites.add(site(host.removeprefix("www.")))
    return sites


def longtail3_sample() -> Iterator[tuple[str, str, int, Any, str]]:
    """``(id, file, row, record, tier)`` of the third long-tail sample (tier "test" or "dev").

    Rows with a non-empty text of news-ms sites no gold file, profile or rule knows (see
    ``LONGTAIL3_NAMED``), de-duplicated by URL; ``random.Random(f"{SEED}/{MS_FILE}/longtail3")``
    shuffles the sorted sites, and each site's sorted rows. Ids are "lt3-<n>" (test) and
    "lt3d-<n>" (dev), ``n`` the position in the tier.
    """
    from corpus.structure import load_profiles

    profiles = load_profiles()
    records = harness.read_records(CORPORA, MS_FILE)
    excluded = _all_gold_sites() | _labelled_sites(records) | set(LONGTAIL_EXCLUDED)
    by_site: dict[str, list[int]] = {}
    named: dict[str, list[int]] = {}
    seen: set[str] = set()
    for row, record in sorted(records.items()):
        host, url = _host(record), record.fields.get("url") or ""
        domain = site(host)
        if (
            not raw_text(record).strip()
            or url in seen
            or domain in excluded
            or str(record.extra.get("news")) in excluded
            or any(p.matches_host(host) for p in profiles)
        ):
            continue
        seen.add(url)
        (named if domain in LONGTAIL3_NAMED else by_site).setdefault(domain, []).append(row)
    rng = random.Random(f"{harness.SEED}/{MS_FILE}/longtail3")
    order = sorted(by_site)
    rng.shuffle(order)
    n = {"test": 0, "dev": 0}
    tier = "test"
    for domain in [*order, *sorted(named)]:
        rows = (by_site.get(domain) or named[domain])[:]
        rng.shuffle(rows)
        cap = LONGTAIL3_NAMED_PER_SITE if domain in named else LONGTAIL3_PER_SITE
        if tier == "test" and n["test"] + min(cap, len(rows)) > LONGTAIL3_TEST:
            tier = "dev"  # a site never straddles the tiers
        for row in rows[:cap]:
            n[tier] += 1
            prefix = "lt3" if tier == "test" else "lt3d"
            yield f"{prefix}-{n[tier]}", MS_FILE, row, records[row], tier


def show_longtail3(article_ids: list[str]) -> None:
    """Print the third long-tail sample's articles for a person to label."""
    _show(((aid, f, row, rec) for aid, f, row, rec, _tier in longtail3_sample()), article_ids)


def build_longtail3(notes_path: Path, out_dir: Path) -> None:
    """Write ``news-ms-longtail3.jsonl`` (test) and ``news-ms-longtail3-dev.jsonl`` (dev)."""
    notes = parse_notes(notes_path.read_text(encoding="utf-8"))
    lines: dict[str, list[str]] = {"test": [], "dev": []}
    for aid, file, row, record, tier in longtail3_sample():
        if aid in notes:
            split = LONGTAIL3_SPLITS[tier]
            gold = build_one(aid, file, row, record, notes.pop(aid), (split, 2018, split))
            gold["outlet"] = record.extra.get("news")
            gold["tier"] = tier
            lines[tier].append(json.dumps(gold, ensure_ascii=False))
    if notes:
        raise SystemExit(f"notes for articles not in the third long-tail sample: {sorted(notes)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for tier, rows in lines.items():
        if rows:
            out = out_dir / f"news-ms-{LONGTAIL3_SPLITS[tier].replace('-dev', '')}"
            out = out.with_name(out.name + ("-dev" if tier == "dev" else "") + ".jsonl")
            out.write_text("\n".join(rows) + "\n", encoding="utf-8")
            print(f"{out}: {len(rows)} articles")


def show_heldout(article_ids: list[str]) -> None:
    """Print held-out articles' raw fields and the harness's segments for a person to label."""
    _show(heldout_sample(), article_ids)


def _show(drawn: Iterator[tuple[str, str, int, Any]], article_ids: list[str]) -> None:
    wanted = set(article_ids)
    for aid, file, row, record in drawn:
        if aid not in wanted:
            continue
        wanted.discard(aid)
        print(f"== {aid}  {file} row {row}")
        for key, value in record.fields.items():
            if key != "text":
                print(f"  {key}: {value!r}")
        for key, value in record.extra.items():
            if value != raw_text(record) and key not in ("summary", "top-image", "keyword"):
                print(f"  extra {key}: {value!r}")
        for i, seg in enumerate(harness.base_segments(raw_text(record))):
            print(f"[{i}] {seg}")
    if wanted:
        raise SystemExit(f"no drawn article {sorted(wanted)}")


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


def build_one(
    aid: str,
    file: str,
    row: int,
    record: Any,
    note: dict[str, str],
    group: tuple[str, int, str] | None = None,
) -> dict[str, Any]:
    """One gold line from an article and its notes (``group``: publisher, year, split)."""
    text = raw_text(record)
    base = harness.base_segments(text)
    cuts: dict[int, list[int]] = {}
    for spec in filter(None, note.get("split", "").split("\n")):
        index, _, markers = spec.partition("|")
        seg = int(index)
        for marker in (m.strip() for m in markers.split("|")):
            # a cut at 0 would leave an empty piece: the first search starts after it, so a
            # marker can name a later copy of text that also opens the segment
            at = base[seg].find(marker, cuts[seg][-1] + 1 if seg in cuts else 1)
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
    if group is None:
        name = aid.split("-")[1]
        year = 2000 + int(aid.split("-")[0])
        split = "dev" if int(aid.rsplit("-", 1)[1]) <= DEV_SIZE[year] else "test"
        people: dict[str, list[str]] = {}
    else:
        name, year, split = group
        people = {
            key: [a.strip() for a in note.get(key, "").split(";") if a.strip()]
            for key in ("editors", "editor_initials")
        }
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
        }
        | people,
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


def build_heldout(notes_path: Path, out_dir: Path) -> None:
    """Write ``out_dir/news-id-more.jsonl`` and ``out_dir/news-ms.jsonl`` from the notes."""
    notes = parse_notes(notes_path.read_text(encoding="utf-8"))
    names = {name: year for _path, _outlets, name, year, _draws in HELDOUT_GROUPS}
    lines: dict[str, list[str]] = {}
    done = set()
    for aid, file, row, record in heldout_sample():
        if aid in notes:
            name = aid.split("-", 1)[1].rsplit("-", 1)[0]
            group = (name, names[name], "heldout")
            gold = build_one(aid, file, row, record, notes[aid], group)
            dataset = file.split("/", 1)[0]
            lines.setdefault(dataset, []).append(json.dumps(gold, ensure_ascii=False))
            done.add(aid)
    missing = set(notes) - done
    if missing:
        raise SystemExit(f"notes for articles not in the held-out sample: {sorted(missing)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for dataset, rows in sorted(lines.items()):
        (out_dir / f"{dataset}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
        print(f"{out_dir / f'{dataset}.jsonl'}: {len(rows)} articles")


def main(argv: list[str]) -> None:
    """Entry point."""
    if argv[:1] == ["sample"]:
        for aid, file, row, record in sample():
            print(aid, file, row, record.fields.get("url"))
    elif argv[:1] == ["show"] and len(argv) == 2:
        show(argv[1])
    elif argv[:1] == ["build"] and len(argv) == 3:
        build(Path(argv[1]), Path(argv[2]))
    elif argv[:1] == ["heldout"]:
        for aid, file, row, record in heldout_sample():
            print(aid, file, row, record.fields.get("url"))
    elif argv[:1] == ["show-heldout"] and len(argv) >= 2:
        show_heldout(argv[1:])
    elif argv[:1] == ["build-heldout"] and len(argv) == 3:
        build_heldout(Path(argv[1]), Path(argv[2]))
    elif argv[:1] == ["longtail"]:
        for aid, file, row, record in longtail_sample():
            print(aid, file, row, record.extra.get("news"), record.fields.get("url"))
    elif argv[:1] == ["show-longtail"] and len(argv) >= 2:
        show_longtail(argv[1:])
    elif argv[:1] == ["build-longtail"] and len(argv) == 3:
        build_longtail(Path(argv[1]), Path(argv[2]))
    elif argv[:1] == ["longtail2"]:
        for aid, file, row, record, tier in longtail2_sample():
            print(aid, file, row, tier, record.extra.get("news"), record.fields.get("url"))
    elif argv[:1] == ["show-longtail2"] and len(argv) >= 2:
        show_longtail2(argv[1:])
    elif argv[:1] == ["build-longtail2"] and len(argv) == 3:
        build_longtail2(Path(argv[1]), Path(argv[2]))
    elif argv[:1] == ["longtail3"]:
        for aid, file, row, record, tier in longtail3_sample():
            print(aid, file, row, tier, record.extra.get("news"), record.fields.get("url"))
    elif argv[:1] == ["show-longtail3"] and len(argv) >= 2:
        show_longtail3(argv[1:])
    elif argv[:1] == ["build-longtail3"] and len(argv) == 3:
        build_longtail3(Path(argv[1]), Path(argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
