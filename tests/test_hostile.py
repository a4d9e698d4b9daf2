"""Hostile input never sinks a run: every problem is a reject or a listed skip, with its reason.

A fixed folder holds one of each known problem and goes through a whole ingest; Hypothesis then
builds random folders from the same ingredients (and random bytes) and checks the invariants:
no exception escapes, every record read comes back as a RawRecord or a Rejected, nothing from
outside the input folder is read, and everything is storable (valid UTF-8, strict JSON).
"""

from __future__ import annotations

import gzip
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import pipeline, sources, validate
from corpus.config import Config
from corpus.records import RawRecord, Rejected
from corpus.sources import discover, limits
from corpus.stats import Stats
from tests.test_dedup import story

SECRET = "SECRET-OUTSIDE-THE-INPUT-FOLDER"
DEEP = "[" * 100_000 + "]" * 100_000


def nul_csv(rows: int = 100, bad: int = 7) -> bytes:
    """A CSV of ``rows`` rows, one NUL byte inside row ``bad`` (in the first 8 KB)."""
    lines = ["title,text"] + [f'judul {i},"isi berita nomor {i} hari ini"' for i in range(rows)]
    data = ("\n".join(lines) + "\n").encode()
    cut = data.index(f"nomor {bad} ".encode())
    return data[:cut] + b"\x00" + data[cut:]


def hostile_folder(base: Path) -> Path:
    """One of each problem, plus the outside files the links point at."""
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (outside / "folder").mkdir()
    (outside / "folder" / "more.txt").write_text(SECRET)
    raw = base / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "deep.json").write_text(DEEP)
    (raw / "deep.jsonl").write_text('{"text": ' + DEEP + '}\n{"text": "baris kedua baik"}\n')
    Path(os.fsdecode(os.fsencode(raw) + b"/caf\xe9.jsonl")).write_bytes(b'{"text": "latin-1"}\n')
    (raw / "nul.csv").write_bytes(nul_csv())
    (raw / "dup.csv").write_text("title,text,title\nA,isi berita satu,B\nC,isi berita dua,D\n")
    (raw / "quote.csv").write_text(
        'title,text\nok,"isi baik"\nbad,"tak pernah ditutup\nnext,"isi ketiga"\n'
    )
    (raw / "nan.jsonl").write_text('{"text": "isi", "score": NaN, "hi": Infinity}\n')
    (raw / ".hidden.csv").write_text("text\nrahasia\n")
    (raw / "passwd.txt").symlink_to("/etc/passwd")
    (raw / "sub" / "secret.txt").symlink_to(outside / "secret.txt")
    (raw / "linked").symlink_to(outside / "folder")
    os.mkfifo(raw / "pipe.csv")
    with gzip.open(raw / "bomb.jsonl.gz", "wb") as packed:
        for _ in range(2000):
            packed.write(b'{"text": "' + b"a" * 2000 + b'"}\n')
    return raw


def test_a_hostile_folder_is_ingested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = hostile_folder(tmp_path)
    # the bomb expands 4 MB; cap it at 1 MB here (the real cap is 64 MiB or 20x)
    monkeypatch.setattr(limits, "MIN_EXPANSION_BYTES", 1 << 20)
    cfg = Config(dataset="hostile", out=tmp_path / "out", workers=1)
    result = pipeline.ingest([raw], cfg, created_at=datetime(2026, 1, 1, tzinfo=UTC))
    counts = result.counts
    assert counts["read"] == counts["accepted"] + counts["duplicates"] + counts["rejected"]
    skipped = {s.relpath: s.reason for s in result.skipped}
    assert skipped == {
        ".hidden.csv": "hidden file (its name starts with '.')",
        "linked/": "symbolic link to a folder; links to folders are not followed",
        "passwd.txt": "symbolic link to a file outside the input folder; not read",
        "pipe.csv": "not a regular file (a FIFO, socket or device)",
        "sub/secret.txt": "symbolic link to a file outside the input folder; not read",
    }
    tables = {
        name: [
            row
            for f in sorted((result.version_dir / name).glob("*.parquet"))
            for row in pq.read_table(f).to_pylist()
        ]
        for name in ("data", "rejects")
    }
    everything = json.dumps(tables, default=str)
    assert SECRET not in everything and "root:x:0:0" not in everything
    paths = {row["source"]["path"] for rows in tables.values() for row in rows}
    assert "caf\\xe9.jsonl" in paths
    nul_rows = [r for r in tables["data"] if r["source"]["path"] == "nul.csv"]
    assert len(nul_rows) == 99
    reasons = {(r["source"]["path"], r["reason"]) for r in tables["rejects"]}
    assert {
        ("deep.json", "too_deep"),
        ("deep.jsonl", "too_deep"),
        ("nul.csv", "binary"),
        ("quote.csv", "csv"),
        ("bomb.jsonl.gz", "too_large"),
    } <= reasons
    for row in tables["data"]:
        json.loads(row["extra"], parse_constant=pytest.fail)  # strict JSON: no NaN/Infinity


def parquet_rows(folder: Path) -> list[dict[str, object]]:
    """The rows of every Parquet file in ``folder``."""
    return [row for f in sorted(folder.glob("*.parquet")) for row in pq.read_table(f).to_pylist()]


def test_an_unparseable_url_keeps_its_article_without_a_url_key(tmp_path: Path) -> None:
    # urlsplit raises ValueError on each of these; the schema's URL pattern lets them through
    bad = ["http://[::1", "http://host:abc/", "http://host:99999/", "https://ex\u2100ample.com/x"]
    same = ["https://www.kompas.com/read/1/", "http://kompas.com/read/1"]  # one URL key
    urls = [*bad, bad[1], *same]
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = [
        json.dumps({"url": u, "title": f"Judul {i}", "text": story(i)}) for i, u in enumerate(urls)
    ]
    (raw / "urls.jsonl").write_text("\n".join(lines) + "\n")
    cfg = Config(dataset="urls", out=tmp_path / "out", workers=1)
    result = pipeline.ingest([raw], cfg, created_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert result.counts["read"] == len(urls)
    data, dups = (parquet_rows(result.version_dir / name) for name in ("data", "duplicates"))
    # every article with a bad URL kept, its URL as given; the two with the same bad URL are
    # not one page revised (no URL key), the two spellings of one good URL are
    kept = [r["url"] for r in data]
    assert sorted(u for u in kept if u not in same) == sorted([*bad, bad[1]])
    assert len(dups) == 1 and {dups[0]["url"], *kept} >= set(same)
    assert len(kept) == len(urls) - 1


def test_an_unreadable_file_is_listed_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked.csv").write_text("text\nisi\n")
    (tmp_path / "open.csv").write_text("text\nisi\n")
    real_open = os.open

    def deny(path: os.PathLike[str] | str, flags: int, *args: int) -> int:
        # tests run as root, where chmod 000 does not stop reading: deny it the way the OS would
        if Path(path).name == "locked.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", deny)
    files, skipped = discover([tmp_path])
    assert [f.relpath for f in files] == ["open.csv"]
    assert [(s.relpath, s.reason) for s in skipped] == [
        ("locked.csv", "cannot be read (Permission denied); check its permissions")
    ]


def test_a_folder_that_cannot_be_listed_is_listed_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "a.txt").write_text("isi")
    (tmp_path / "b.txt").write_text("isi")
    real_scandir = os.scandir

    def deny(path: str) -> object:
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    files, skipped = discover([tmp_path])
    assert [f.relpath for f in files] == ["b.txt"]
    assert [(s.relpath, s.reason) for s in skipped] == [
        ("closed/", "cannot list this folder (Permission denied); its files were not read")
    ]


def test_a_file_gone_before_reading_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "gone.jsonl"
    path.write_text('{"text": "x"}\n')
    files, _ = discover([tmp_path])
    path.unlink()
    (item,) = list(sources.run(files, Config(), Stats()))
    assert isinstance(item, Rejected) and item.reason == "unreadable"
    assert item.source.path == "gone.jsonl" and "No such file" in item.issues[0].message


def test_a_symlink_inside_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Isi berita asli.")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    files, skipped = discover([tmp_path])
    assert [f.relpath for f in files] == ["a.txt", "b.txt"] and skipped == []


def test_a_gzip_bomb_stops_at_the_cap_and_keeps_what_came_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MIN_EXPANSION_BYTES", 1 << 20)
    path = tmp_path / "bomb.jsonl.gz"
    line = b'{"text": "' + b"kata " * 200 + b'"}\n'  # 1,013 bytes
    path.write_bytes(gzip.compress(line * 3000))  # 3 MB from a few KB
    items = read_all(path)
    records = [i for i in items if isinstance(i, RawRecord)]
    assert 1000 <= len(records) <= 1036  # 1 MiB of whole lines
    last = items[-1]
    assert isinstance(last, Rejected) and last.reason == "too_large"
    assert last.source.path == "bomb.jsonl.gz"
    assert "expands beyond 1,048,576 bytes" in last.issues[0].message
    assert "decompress the file to read it whole" in last.issues[0].message


def test_a_line_over_the_record_limit_is_consumed_not_held() -> None:
    import io

    stream = io.BytesIO(b"x" * 5000 + b"\nnext\n")
    head, size = limits.read_line(stream, limit=100)
    assert (len(head), size) == (100, 5001)
    assert limits.read_line(stream, limit=100) == (b"next\n", 5)


def read_all(path: Path, cfg: Config | None = None) -> list[RawRecord | Rejected]:
    files, _ = discover([path])
    return list(sources.run(files, cfg or Config(), Stats()))


# --------------------------------------------------------------------------- Hypothesis

NAMES = st.one_of(
    st.text(st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=8),
    st.binary(min_size=1, max_size=6).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_")),
)
SUFFIXES = st.sampled_from(
    [".csv", ".jsonl", ".json", ".txt", ".html", ".csv.gz", ".jsonl.gz", ".md"]
)
CSV_LINES = st.sampled_from(
    [
        "title,text\n",
        "title,text,title\n",
        'ok,"isi baik"\n',
        'bad,"tak ditutup\n',
        'x,"a""b"\n',
        "a,b,c\n",
        "\n",
        "judul,\x00isi\n",
        'q,"baris\nlanjut"\n',
    ]
)
JSON_LINES = st.sampled_from(
    [
        '{"text": "isi"}\n',
        '{"text": "isi", "x": NaN}\n',
        '{"text": "\\ud800"}\n',
        '{"text": ' + "[" * 3000 + "]" * 3000 + "}\n",
        "[1, 2]\n",
        "{broken\n",
        '{"source_url": "https://a.id/x", "body": "' + "kata " * 60 + '"}\n',
    ]
)


@st.composite
def contents(draw: st.DrawFn, suffix: str) -> bytes:
    """Bytes for a file: random, or lines built from the hostile ingredients."""
    if draw(st.booleans()):
        data = draw(st.binary(max_size=300))
    elif ".csv" in suffix:
        data = "".join(draw(st.lists(CSV_LINES, max_size=8))).encode()
    elif suffix == ".json":
        items = draw(st.lists(JSON_LINES, max_size=4))
        data = ("[" + ",".join(i.strip() for i in items) + "]").encode()
    else:
        data = "".join(draw(st.lists(JSON_LINES, max_size=6))).encode()
    encoding = draw(st.sampled_from(["utf-8", "cp1252-ish", "nul"]))
    if encoding == "cp1252-ish":
        data = data.replace(b"i", b"\xe9", 1)
    elif encoding == "nul" and data:
        data = data[:1] + b"\x00" + data[1:]
    return gzip.compress(data) if suffix.endswith(".gz") else data


@st.composite
def folders(draw: st.DrawFn) -> list[tuple[bytes, str, bytes]]:
    """Entries ``(name, kind, content)``: files, links out of the folder, hidden files, FIFOs."""
    entries = []
    for index in range(draw(st.integers(1, 6))):
        name = os.fsencode(f"{index}-") + os.fsencode(draw(NAMES))
        suffix = draw(SUFFIXES)
        kind = draw(st.sampled_from(["file", "file", "file", "link_out", "hidden", "fifo"]))
        entries.append((name + suffix.encode(), kind, draw(contents(suffix))))
    return entries


@settings(max_examples=60)
@given(entries=folders(), encoding=st.sampled_from(["utf-8", "auto", "cp1252"]))
def test_hostile_folders_never_raise_and_conserve(
    tmp_path_factory: pytest.TempPathFactory,
    entries: list[tuple[bytes, str, bytes]],
    encoding: str,
) -> None:
    base = tmp_path_factory.mktemp("hostile")
    (base / "secret.txt").write_text(SECRET)
    raw = base / "raw"
    raw.mkdir()
    root = os.fsencode(raw)
    for name, kind, data in entries:
        target = root + b"/" + (b"." + name if kind == "hidden" else name)
        if kind == "link_out":
            os.symlink(os.fsencode(base / "secret.txt"), target)
        elif kind == "fifo":
            os.mkfifo(target)
        else:
            Path(os.fsdecode(target)).write_bytes(data)
    files, skipped = discover([raw])
    assert len(files) + len(skipped) == len(entries)
    cfg = Config(encoding=encoding)
    stats = Stats()
    out = list(validate.run(sources.run(files, cfg, stats), cfg, stats))
    assert stats.get("read", "records") == len(out)
    assert all(isinstance(i, RawRecord | Rejected) for i in out)
    assert stats.get("validate", "valid") == sum(isinstance(i, RawRecord) for i in out)
    names = {f.relpath for f in files}
    for item in out:
        path = item.source.path if isinstance(item, Rejected) else item.provenance.path
        assert path in names
        text = json.dumps(
            [item.raw, getattr(item, "fields", None), getattr(item, "extra", None)],
            allow_nan=False,
            ensure_ascii=False,
        )
        text.encode("utf-8")  # storable in Parquet: no lone surrogates
        assert SECRET not in text
    for f in files:  # every readable file yields at least one item
        assert any(
            (i.source.path if isinstance(i, Rejected) else i.provenance.path) == f.relpath
            for i in out
        )
