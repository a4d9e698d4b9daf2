"""The real texts the regional language model is trained (dev) and gated (test) on.

Everything is read from ../shared/corpora (never copied into the repository) and split into a
``dev`` half (training and tuning) and a ``test`` half (the gate; never tuned on):

* ``news-ms``: Malaysian outlets' Malay news (``ms``) and Indonesian outlets' news (``id``) of the
  same years and topics. The country comes from the URL: a ``.my`` host, or a host of a Malaysian
  outlet that is not on ``.my`` (``MALAYSIAN_HOSTS``); rows in English (by function words) and
  Free Malaysia Today's (its text is the headline repeated) are left out. Split by URL hash.
* ``langid-nusawrites``: Javanese and Sundanese paragraphs; ``train``/``valid`` = dev, ``test`` =
  test, as the data set's authors split them (by writer and topic).
* ``news-id-2019``, ``news-id-2025``: Indonesian news for false Malay flags; split by URL hash.
* ``langid/sentences/{tl,id}.txt``: Tagalog sentences (the one class the stage must keep
  ``tl``) and Indonesian web sentences; split by line hash.

Articles go through the pipeline's read -> validate -> structure first, as in an ingest.
"""

from __future__ import annotations

import csv
import gzip
import json
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import xxhash

from corpus import sources, structure, validate
from corpus.config import Config
from corpus.records import RawRecord
from corpus.stats import Stats

HERE = Path(__file__).resolve().parent
CORPORA = HERE.parents[1].parent / "shared" / "corpora"
#: Malaysian outlets whose host is not under .my (the labels' source, never a model feature).
MALAYSIAN_HOSTS = (
    "astroawani.com",
    "malaysiakini.com",
    "harakahdaily.net",
    "agendadaily.com",
    "malaysiandigest.com",
    "themalaysianinsight.com",
    "bernama.com",
    "theborneopost.com",
    "therakyatpost.com",
    "says.com",
    "worldofbuzz.com",
    "paultan.org",
    "vulcanpost.com",
)
#: What the regional sets read (the eval skips when one is absent).
NEEDED = ("news-ms", "langid-nusawrites", "news-id-2019", "news-id-2025", "langid")
BROKEN_HOSTS = ("freemalaysiatoday.com",)  # text = the headline repeated (shared/README.md)
_ENGLISH = frozenset(
    ["the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "on", "are", "by", "this"]
)
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class Item:
    """One evaluation text: its true language, split, title and body, and where it is from."""

    language: str
    split: str  # dev | test
    title: str | None
    text: str
    origin: str  # corpus name (and outlet host for news)


def split_of(key: str) -> str:
    """``dev`` or ``test``, from a stable hash of ``key`` (a URL or the text)."""
    return "dev" if xxhash.xxh3_64_intdigest(key.encode("utf-8")) % 2 == 0 else "test"


def english(text: str) -> bool:
    """Whether ``text`` reads as English: >= 8 % of its words are common English function words."""
    words = _WORD.findall(text.lower()[:3000])
    return bool(words) and sum(w in _ENGLISH for w in words) >= 0.08 * len(words)


def country(url: str) -> str | None:
    """``my``, ``id``, or ``None`` (another country, or a broken outlet) for a news-ms URL."""
    host = urlparse(url).netloc.lower()
    if host.endswith(BROKEN_HOSTS) or host.endswith(".edu") or host.endswith(".ro"):
        return None
    if host.endswith(".my") or host.endswith(MALAYSIAN_HOSTS):
        return "my"
    return "id"


def _structured(folder: Path, drop: tuple[str, ...] = ()) -> list[tuple[str | None, str, str]]:
    """``(title, body, url-or-key)`` of each article of ``folder`` after read -> validate ->
    structure. ``drop``: raw fields to ignore (news-ms's ``language`` is the crawler's guess)."""
    cfg, stats = Config(), Stats()
    files, _ = sources.discover([folder])
    records = []
    for record in sources.run(files, cfg, stats):
        if isinstance(record, RawRecord) and drop:
            fields = {k: v for k, v in record.fields.items() if k not in drop}
            record = replace(record, fields=fields)
        records.append(record)
    valid = [r for r in validate.run(iter(records), cfg, stats) if isinstance(r, RawRecord)]
    return [
        (a.title, a.text, a.url or a.text)
        for a in structure.run(valid, stats, cfg)
        if a.text.strip()
    ]


def news_ms() -> Iterator[Item]:
    """Malay (Malaysian outlets) and Indonesian (Indonesian outlets) news of news-ms."""
    for title, text, url in _structured(CORPORA / "news-ms", drop=("language",)):
        where = country(url)
        if where is None or english(text):
            continue
        host = urlparse(url).netloc.lower().removeprefix("www.")
        language = "ms" if where == "my" else "id"
        yield Item(language, split_of(url), title, text, f"news-ms:{host}")


def nusawrites() -> Iterator[Item]:
    """Javanese and Sundanese paragraphs (train/valid = dev, test = test)."""
    for code, language in (("jav", "jv"), ("sun", "su")):
        for part in ("train", "valid", "test"):
            path = CORPORA / "langid-nusawrites" / f"nusa_alinea-topic-{code}-{part}.csv"
            with path.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    split = "test" if part == "test" else "dev"
                    yield Item(language, split, None, row["text"].strip(), "nusawrites")


def indonesian_news() -> Iterator[Item]:
    """Indonesian news of 2019 and 2025."""
    for name in ("news-id-2019", "news-id-2025"):
        for title, text, url in _structured(CORPORA / name):
            host = urlparse(url).netloc.lower().removeprefix("www.")
            yield Item("id", split_of(url), title, text, f"{name}:{host}")


def sentence_files() -> Iterator[Item]:
    """Tagalog (the one class the stage must keep ``tl``) and Indonesian web sentences (text
    that is not news) of the lingua test data. Its ms.txt is left out: it reads as Indonesian."""
    for code in ("tl", "id"):
        path = CORPORA / "langid" / "sentences" / f"{code}.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield Item(code, split_of(line.strip()), None, line.strip(), f"langid:{code}")


def sentences(text: str, min_letters: int = 60) -> list[str]:
    """The sentences of a paragraph with at least ``min_letters`` letters (held-out style)."""
    parts = re.split(r"(?<=[.!?])\s+", text)
    return [p for p in parts if sum(ch.isalpha() for ch in p) >= min_letters]


@cache
def everything() -> list[Item]:
    """All items; cached in /tmp by the shared files' sizes and times (structure takes ~20 s)."""
    stamp = xxhash.xxh3_64_hexdigest(
        json.dumps(
            [
                (str(p), p.stat().st_size, p.stat().st_mtime_ns)
                for p in sorted(CORPORA.rglob("*"))
                if p.is_file()
            ]
            + [Path(__file__).read_text(encoding="utf-8")]
        ).encode("utf-8")
    )
    cached = Path("/tmp") / f"corpus-langid-eval-{stamp}.pkl.gz"
    if cached.exists():
        with gzip.open(cached, "rb") as f:
            items: list[Item] = pickle.load(f)
            return items
    items = [*news_ms(), *nusawrites(), *indonesian_news(), *sentence_files()]
    with gzip.open(cached, "wb") as f:
        pickle.dump(items, f)
    return items
