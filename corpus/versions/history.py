"""What a new version builds on: the latest version, if the new one may extend it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from corpus import __version__, report, runs, sources, storage
from corpus.config import Config
from corpus.errors import VersionError
from corpus.manifest import Counts, Manifest
from corpus.versions.layout import Version, list_versions
from corpus.versions.writer import Provenance


@dataclass(frozen=True, slots=True)
class Previous:
    """The latest version an incremental ingest extends: its folder and manifest."""

    version_dir: Path
    manifest: Manifest

    @property
    def version(self) -> str:
        """The previous version's number."""
        return self.manifest.version


def previous_for_ingest(
    dataset_dir: Path, config_hash: str, code_digest: str, *, rebuild: bool, allow_mixed: bool
) -> Previous | None:
    """The version a new ingest extends, or None for a full build (first version, ``rebuild``).

    Rows made under another configuration, or by other code or rules, would make one version
    the product of two rule sets and nothing would say so: a changed configuration always needs
    ``--rebuild``; changed code needs ``--rebuild`` or ``--allow-mixed`` (recorded in the
    manifest's ``mixed`` and in the card).
    """
    existing = list_versions(dataset_dir)
    if not existing or rebuild:
        return None
    latest = dataset_dir / existing[-1].dirname
    manifest = Manifest.read(latest)
    if manifest.config_hash != config_hash:
        raise VersionError(
            f"the configuration changed since v{manifest.version} (config hash "
            f"{manifest.config_hash} -> {config_hash}): rerun with --rebuild to reprocess "
            "every input under the new configuration"
        )
    if manifest.code_digest != code_digest and not allow_mixed:
        raise VersionError(
            f"v{manifest.version} was made by other code or rules (digest "
            f"{manifest.code_digest[:12] or 'unknown'} -> {code_digest[:12]}): rerun with "
            "--rebuild to reprocess every input with this code, or with --allow-mixed to add the "
            "new inputs anyway (the manifest and the card will say the version is mixed)"
        )
    return Previous(latest, manifest)


def provenance(
    cfg: Config,
    previous: Previous | None,
    parent: Manifest | None,
    created_at: datetime | None = None,
) -> Provenance:
    """What the manifest says about how an ingest's version was made: a full build, or one
    that extends ``previous`` (``parent`` is the version it follows either way)."""
    digest = runs.code_digest()
    mixed: tuple[str, ...] = ()
    if previous is not None:  # rows of earlier code carried in (allowed by --allow-mixed)
        earlier = {*previous.manifest.mixed, previous.manifest.code_digest} - {digest}
        mixed = tuple(sorted(earlier))
    return Provenance(
        build="incremental" if previous else "full",
        parent=parent,
        created_at=(created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        code_version=__version__,
        code_digest=digest,
        config_hash=cfg.fingerprint,
        config=cfg.recorded(),
        mixed=mixed,
    )


@dataclass(frozen=True, slots=True)
class IngestPlan:
    """What an ingest is to make, settled before any record is read: the new files (and their
    sha256), the version it writes, what it extends, and how the manifest will describe it."""

    cfg: Config
    files: list[sources.InputFile]
    hashes: dict[str, str]
    skipped: list[sources.Skipped]
    previous: Previous | None  # the version this ingest extends (None: a full build)
    parent: Manifest | None  # the latest version (its takedowns hold), extended or not
    version: Version
    facts: Provenance
    times: report.RunTimes
    mirror: storage.Mirror | None = None  # the output is on an fsspec URL, staged in cfg.out

    @property
    def dataset_dir(self) -> Path:
        """The dataset's folder (on an fsspec output, its staging folder)."""
        return self.cfg.out / self.cfg.dataset

    def published_shards(self) -> Sequence[storage.Source]:
        """The data shards of the version this ingest extends, where they are read (on an
        fsspec output, on the URL: a staged version holds no shards)."""
        if self.previous is None:
            return []
        folder = self.previous.version_dir
        if self.mirror is None:
            return sorted(folder.glob("data/**/*.parquet"))
        shards = self.previous.manifest.shards.get("data", ())
        return [self.mirror.remote(folder / s.path) for s in shards]

    @property
    def published(self) -> Path | None:
        """The folder of the version this ingest extends."""
        return self.previous.version_dir if self.previous else None


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What an ingest produced: the new version and its counts."""

    version_dir: Path
    version: str
    counts: dict[str, int]
    languages: dict[str, int]
    skipped: list[sources.Skipped]
    seconds: float
    created: bool = True  # False when every input was already in the latest version
    totals: dict[str, int] = field(default_factory=dict)  # the version's counts, all ingests
    units: int = 0  # work units of this ingest
    units_reused: int = 0  # of which an interrupted run had finished
    url: str | None = None  # the version's URL, on an fsspec output (version_dir stages it)

    @classmethod
    def made(
        cls,
        version_dir: Path,
        manifest: Manifest,
        counts: Counts,
        languages: dict[str, int],
        plan: IngestPlan,
        url: str | None = None,
    ) -> IngestResult:
        """The result of an ingest that made a version."""
        return cls(
            version_dir=version_dir,
            version=manifest.version,
            counts=counts.as_dict(),
            languages=languages,
            skipped=plan.skipped,
            seconds=time.perf_counter() - plan.times.started,
            totals=manifest.counts.as_dict(),
            units=plan.times.units,
            units_reused=plan.times.units_reused,
            url=url,
        )

    @classmethod
    def nothing_new(
        cls,
        previous: Previous,
        skipped: list[sources.Skipped],
        times: report.RunTimes,
        url: str | None = None,
    ) -> IngestResult:
        """The result of an ingest whose every input the latest version has read already."""
        return cls(
            version_dir=previous.version_dir,
            version=previous.version,
            counts=Counts().as_dict(),
            languages={},
            skipped=skipped,
            seconds=time.perf_counter() - times.started,
            created=False,
            totals=previous.manifest.counts.as_dict(),
            url=url,
        )
