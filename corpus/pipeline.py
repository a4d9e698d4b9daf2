"""The ingest pipeline: settles what an ingest makes, then runs it one of two ways.

    read -> [validate -> structure -> langid -> fingerprints] -> dedup -> write

Here: the input files, the version they extend (new files only, by sha256), the next version
number and its provenance (``versions.IngestPlan``). Then the embedded ingest
(corpus/drive.py: worker processes read and run the per-record stages, the driver writes) or
the distributed one (corpus/distributed/: tasks read, process and write; the driver plans
dedup). One set of workers serves every step. The one version writer makes the version.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from corpus import (
    distributed,
    executor,
    report,
    runs,
    sources,
    storage,
    units,
    versions,
)
from corpus.config import Config
from corpus.drive import Progress, embedded
from corpus.errors import InputError
from corpus.versions import IngestResult

log = logging.getLogger(__name__)


def ingest(
    paths: Sequence[Path | str],
    cfg: Config,
    *,
    created_at: datetime | None = None,
    progress: Progress | None = None,
    out: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> IngestResult:
    """Read raw files under ``paths`` and write the next version of ``cfg.dataset``.

    When the dataset has versions (and ``cfg.rebuild`` is off), the new version is the latest
    one plus what the raw files it has not read yet (by sha256) bring, deduplicated against
    everything published through its dedup index; articles taken down stay out. With no new
    file, no version is made (``created`` is False). The version appears only when complete,
    its counts conserved (``Counts.check``), with ``report.json`` beside its manifest.

    ``out``: an fsspec URL (``s3://bucket/processed``) to write the version to instead of
    ``cfg.out``; it is staged locally and uploaded with its manifest last (corpus/storage.py).
    """
    times = report.RunTimes()
    cfg = cfg.checked()  # the rules file is read once: one fingerprint for the whole run
    mirror = None
    if out is not None and storage.is_url(out):
        # a distributed run's tasks write their files on the URL too (corpus/distributed)
        # one writer per dataset on the URL: its lease, taken before anything is written
        mirror = storage.Mirror.open(
            out, cfg.dataset, storage_options, lease_timeout=cfg.lease_timeout
        )
        cfg = dataclasses.replace(cfg, out=mirror.local.parent)
    elif out is not None:
        cfg = dataclasses.replace(cfg, out=Path(out))
    # one set of workers (a process pool, or the Ray connection) for every step of the run:
    # the survey, the units (or a distributed run's tasks)
    with (
        mirror.held() if mirror else contextlib.nullcontext(),
        executor.session(
            cfg.executor,
            workers=cfg.workers or executor.default_workers(),
            address=cfg.address,
            warm_up=functools.partial(units.warm_up, cfg),
        ),
    ):
        return _ingest(paths, cfg, times, created_at, progress, mirror)


def _spread(cfg: Config) -> bool:
    """Whether the run is distributed: workers read, process and write; the driver plans."""
    return cfg.distributed or cfg.executor == "ray"


def _ingest(
    paths: Sequence[Path | str],
    cfg: Config,
    times: report.RunTimes,
    created_at: datetime | None,
    progress: Progress | None,
    mirror: storage.Mirror | None = None,
) -> IngestResult:
    files, skipped = sources.discover(paths)
    if not files:
        where = ", ".join(str(p) for p in paths)
        raise InputError(
            f"no readable files under {where} (supported: {', '.join(sorted(sources.FORMATS))}, optionally .gz)"
        )
    for s in skipped:
        log.warning("skipping %s: %s", s.relpath, s.reason)
    dataset_dir = cfg.out / cfg.dataset
    previous = versions.previous_for_ingest(
        dataset_dir,
        cfg.fingerprint,
        runs.code_digest(),
        rebuild=cfg.rebuild,
        allow_mixed=cfg.allow_mixed,
    )
    hashes = _hashes(files, cfg)
    if previous is not None:
        files = [f for f in files if hashes[f.relpath] not in previous.manifest.input_hashes]
        if not files:
            runs.sweep(dataset_dir)  # what an interrupted run left is of no use any more
            url = mirror.url_of(previous.version_dir) if mirror else None
            return IngestResult.nothing_new(previous, skipped, times, url)
        if mirror is not None:  # its dedup index and learned statistics, read by this ingest
            mirror.fetch_artifacts(previous.version_dir)
    version = versions.next_version(dataset_dir, cfg.version, cfg.bump)
    parent = previous.manifest if previous else versions.latest(dataset_dir)
    facts = versions.provenance(cfg, previous, parent, created_at)
    plan = versions.IngestPlan(
        cfg, files, hashes, skipped, previous, parent, version, facts, times, mirror
    )
    if _spread(cfg):
        manifest, counts, languages = distributed.ingest(plan)
    else:
        manifest, counts, languages = embedded(plan, progress)
    folder = dataset_dir / version.dirname
    url = mirror.url_of(folder) if mirror else None
    return IngestResult.made(folder, manifest, counts, languages, plan, url)


def _sha256(f: sources.InputFile) -> str:
    return f.sha256()


def _hashes(files: list[sources.InputFile], cfg: Config) -> dict[str, str]:
    """sha256 of every input; in a distributed run, by the workers (they read the inputs)."""
    if not _spread(cfg):
        return {f.relpath: f.sha256() for f in files}
    found = executor.map_ordered(
        _sha256,
        [sources.absolute(f) for f in files],
        executor=cfg.executor,
        workers=cfg.workers or executor.default_workers(),
        address=cfg.address,
    )
    return dict(zip((f.relpath for f in files), found, strict=True))
