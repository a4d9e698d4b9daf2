"""Publishing a version: to the Hugging Face Hub as one commit plus a tag, or to any fsspec target.

A version is validated before it leaves (``check_version``), its card is rendered for where it
goes (the Hub repo and tag, or a path relative to the copy), and nothing is ever written
outside the target. ``huggingface_hub`` and ``fsspec`` are imported where used.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import re
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from corpus.errors import CorpusError
from corpus.lease import TIMEOUT, Lease
from corpus.manifest import FileEntry, Manifest, json_bytes
from corpus.storage import is_url
from corpus.versions import MANIFEST, Version, read_manifest

log = logging.getLogger(__name__)

T = TypeVar("T")
TABLE_FOLDERS = ("data", "duplicates", "rejects")
CARD = "README.md"
_RETRIES = 4
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")  # as corpus.config checks dataset names
_SKIPPED_IN_DRY_RUN = "skipped in a dry run (it works offline, from the version alone)"


class PublishError(CorpusError):
    """A version could not be published (refused, or the target failed)."""


@dataclass(frozen=True, slots=True)
class PublishPlan:
    """What a publish will do: the files it uploads, those it removes, the tag it creates."""

    target: str
    tag: str | None  # the Hub tag; None for a folder (the version's folder name says it)
    upload: tuple[str, ...]  # paths relative to the version folder (and the repo root)
    delete: tuple[str, ...] = ()
    commit_message: str = ""
    checks: tuple[str, ...] = ()  # what was checked, or skipped, before uploading


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What a publish did."""

    plan: PublishPlan
    commit: str | None = None  # the Hub commit id, when publishing to the Hub
    url: str | None = None
    dry_run: bool = False


def version_files(version_dir: Path) -> tuple[str, ...]:
    """The files of a version that are published: card, manifest and every shard, sorted."""
    listed = [path for path, _, _ in Manifest.read(version_dir).files() if path != CARD]
    files = [CARD, MANIFEST, *listed]
    missing = [f for f in files if not (version_dir / f).is_file()]
    if missing:
        raise PublishError(f"{version_dir} is incomplete: missing {', '.join(missing)}")
    unsafe = [f for f in files if f.startswith("/") or ".." in f.split("/")]
    if unsafe:
        raise PublishError(f"{version_dir}/{MANIFEST} lists paths outside the version: {unsafe}")
    return tuple(sorted(files))


def checked_manifest(version_dir: Path) -> dict[str, Any]:
    """The manifest of a version that may be published: safe names, and it validates."""
    from corpus.audit import check_version

    manifest = read_manifest(version_dir)
    dataset, version = str(manifest.get("dataset", "")), str(manifest.get("version", ""))
    if not _NAME.match(dataset) or ".." in dataset:
        raise PublishError(
            f"{version_dir}/{MANIFEST}: dataset name {dataset!r} is not a plain folder name "
            "(letters, digits, '.', '_', '-'); refusing to publish it"
        )
    Version.parse(version)  # a VersionError names the bad value
    report = check_version(version_dir, load=False)
    if not report.ok:
        first = report.findings[0]
        raise PublishError(
            f"{version_dir} does not validate ({len(report.findings)} problem(s); first: "
            f"{first.file}: {first.message}); see `corpus validate {version_dir}`"
        )
    return manifest


def rendered_for(
    version_dir: Path,
    manifest: dict[str, Any],
    *,
    repo_id: str | None = None,
    endpoint: str | None = None,
) -> dict[str, bytes]:
    """The card rendered for the destination, and the manifest that lists that card (sealed
    again), so the published copy validates as the version does."""
    from corpus import card

    data = [version_dir / s["path"] for s in manifest["shards"].get("data", [])]
    text = card.render(manifest, repo_id=repo_id, endpoint=endpoint, stats=card.statistics(data))
    card_bytes = text.encode("utf-8")
    entry = FileEntry(CARD, len(card_bytes), hashlib.sha256(card_bytes).hexdigest())
    relisted = Manifest.read(version_dir).evolve(card=entry).to_dict()
    return {CARD: card_bytes, MANIFEST: json_bytes(relisted)}


# --------------------------------------------------------------------------- Hub


def publish_hub(
    version_dir: Path,
    repo_id: str,
    *,
    token: str | None = None,
    private: bool = False,
    endpoint: str | None = None,
    dry_run: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> PublishResult:
    """Upload a version to a Hub dataset repo as one commit on ``main`` and tag it ``vX.Y.Z``.

    The commit makes the repo's ``main`` equal to this version (shards of an older version that
    this one does not have are deleted in the same commit). A tag that already exists is refused:
    a published version never changes. The commit names its parent, so a retry after a lost
    response cannot commit twice. Only transient errors (connection, 408/425/429/5xx) are
    retried. A dry run plans from the version alone, offline.
    """
    manifest = checked_manifest(version_dir)
    tag = f"v{manifest['version']}"
    files = version_files(version_dir)
    message = f"{manifest['dataset']} {tag}"
    target = f"hf://datasets/{repo_id}"
    validated = f"version validated ({len(files)} files)"
    if dry_run:
        checks = (validated, f"Hub checks (existing tags, stale files): {_SKIPPED_IN_DRY_RUN}")
        return PublishResult(PublishPlan(target, tag, files, (), message, checks), dry_run=True)
    rendered = rendered_for(version_dir, manifest, repo_id=repo_id, endpoint=endpoint)
    hub = _Hub(repo_id, token=token, endpoint=endpoint, sleep=sleep)
    existing_tags, head, remote = hub.state()
    if tag in existing_tags:
        raise PublishError(
            f"{repo_id} already has tag {tag}: a published version is never changed; ingest a new version"
        )
    newer = sorted(t for t in existing_tags if _is_newer(t, tag))
    if newer:
        # main holds the newest release; committing an older one would roll it back
        raise PublishError(
            f"{repo_id} already has the newer tag(s) {', '.join(newer)}; publish versions in order"
        )
    folders = {f.split("/", 1)[0] for f in files if "/" in f} | set(TABLE_FOLDERS)
    stale = sorted(p for p in remote if p.split("/", 1)[0] in folders and p not in files)
    checks = (validated, f"Hub: no tag {tag} or newer; {len(stale)} stale file(s) to delete")
    plan = PublishPlan(target, tag, files, tuple(stale), message, checks)
    hub.create_repo(private)
    commit, url = hub.commit(version_dir, files, stale, rendered, message, parent=head)
    hub.tag(tag, commit, message)
    return PublishResult(plan, commit=commit, url=url)


class _Hub:
    """The few Hub calls a publish makes, each retried on transient errors."""

    def __init__(
        self,
        repo_id: str,
        *,
        token: str | None,
        endpoint: str | None,
        sleep: Callable[[float], None],
    ) -> None:
        try:
            from huggingface_hub import HfApi
        except ImportError:  # pragma: no cover - huggingface_hub comes with datasets
            raise PublishError(
                "publishing to the Hub needs huggingface_hub: uv add huggingface_hub"
            ) from None
        self.api = HfApi(endpoint=endpoint, token=token)
        self.repo_id, self.token, self.sleep = repo_id, token, sleep

    def call(self, what: str, fn: Callable[[], T]) -> T:
        return _with_retries(what, fn, self.token, self.sleep)

    def state(self) -> tuple[set[str], str | None, set[str]]:
        """The repo's tags, the commit ``main`` points at, and its files (empty if no repo)."""
        from huggingface_hub.errors import RepositoryNotFoundError

        api, repo = self.api, self.repo_id
        try:
            refs = self.call(
                "read the repo's tags", lambda: api.list_repo_refs(repo, repo_type="dataset")
            )
            files = self.call(
                "list the repo's files", lambda: api.list_repo_files(repo, repo_type="dataset")
            )
        except RepositoryNotFoundError:
            return set(), None, set()
        head = next((b.target_commit for b in refs.branches if b.name == "main"), None)
        return {t.name for t in refs.tags}, head, set(files)

    def create_repo(self, private: bool) -> None:
        self.call(
            "create the repo",
            lambda: self.api.create_repo(
                self.repo_id, repo_type="dataset", private=private, exist_ok=True
            ),
        )

    def commit(
        self,
        version_dir: Path,
        files: tuple[str, ...],
        stale: list[str],
        rendered: dict[str, bytes],
        message: str,
        *,
        parent: str | None,
    ) -> tuple[str, str | None]:
        """One commit on ``main`` whose parent is ``parent``; a retry whose earlier attempt did
        land (the response was lost) finds that commit instead of making a second one."""
        from huggingface_hub import CommitOperationAdd, CommitOperationDelete

        operations: list[Any] = [CommitOperationDelete(path_in_repo=p) for p in stale]
        operations += [
            CommitOperationAdd(
                path_in_repo=f, path_or_fileobj=rendered.get(f) or str(version_dir / f)
            )
            for f in files
        ]
        attempts = 0

        def attempt() -> tuple[str, str | None]:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                landed = self._landed(parent, message)
                if landed is not None:
                    log.warning(
                        "the earlier attempt's commit %s had landed; not committing again", landed
                    )
                    return landed, None
            info = self.api.create_commit(
                self.repo_id,
                operations,
                commit_message=message,
                repo_type="dataset",
                revision="main",
                parent_commit=parent,
            )
            return info.oid, str(info.commit_url)

        return self.call("upload the commit", attempt)

    def _landed(self, parent: str | None, message: str) -> str | None:
        """The commit on ``main`` made by an attempt whose response was lost, if any."""
        from huggingface_hub.errors import RepositoryNotFoundError

        try:
            commits = self.api.list_repo_commits(self.repo_id, repo_type="dataset")
        except RepositoryNotFoundError:
            return None
        if not commits or commits[0].commit_id == parent or commits[0].title != message:
            return None
        if parent is not None and (len(commits) < 2 or commits[1].commit_id != parent):
            return None  # main moved further: someone else committed; the retry will refuse
        return commits[0].commit_id

    def tag(self, tag: str, commit: str, message: str) -> None:
        self.call(
            "create the tag",
            lambda: self.api.create_tag(
                self.repo_id, tag=tag, revision=commit, repo_type="dataset", tag_message=message
            ),
        )


def _is_newer(tag: str, than: str) -> bool:
    from corpus.errors import VersionError

    try:
        return Version.parse(tag) > Version.parse(than)
    except VersionError:
        return False  # a tag that is not a version of ours


def _with_retries(
    what: str, fn: Callable[[], T], token: str | None, sleep: Callable[[float], None]
) -> T:
    """Run ``fn``; retry transient failures with backoff; never let the token into a message."""
    from huggingface_hub.errors import RepositoryNotFoundError

    for attempt in range(1, _RETRIES + 1):
        try:
            return fn()
        except RepositoryNotFoundError:
            raise
        except Exception as exc:
            if _is_transient(exc) and attempt < _RETRIES:
                delay = 0.5 * 2 ** (attempt - 1)
                log.warning(
                    "could not %s (%s); retrying in %.1f s", what, type(exc).__name__, delay
                )
                sleep(delay)
                continue
            detail = _scrub(str(exc), token).splitlines()[0] if str(exc) else type(exc).__name__
            raise PublishError(f"could not {what}: {detail}") from None
    raise AssertionError("unreachable")  # pragma: no cover


def _is_transient(exc: BaseException) -> bool:
    """A failure worth retrying, by huggingface_hub's own error classes (and its HTTP client's)."""
    from huggingface_hub import utils
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if isinstance(exc, OfflineModeIsEnabled):  # a setting, not a network hiccup
        return False
    if isinstance(exc, HfHubHTTPError):
        status = getattr(exc.response, "status_code", None)
        return status in _TRANSIENT_STATUS
    http = getattr(utils, "httpx", None)  # the HTTP client library huggingface_hub uses
    transport = getattr(http, "TransportError", None)
    if isinstance(transport, type) and isinstance(exc, transport):
        return True  # connection refused/reset, timeouts, protocol errors
    return isinstance(exc, ConnectionError | TimeoutError)


def _scrub(text: str, token: str | None) -> str:
    return text.replace(token, "***") if token else text


# --------------------------------------------------------------------------- fsspec


def publish_fs(
    version_dir: Path, target: str, *, dry_run: bool = False, lease_timeout: float = TIMEOUT
) -> PublishResult:
    """Copy a version to ``<target>/<dataset>/vX.Y.Z`` on any fsspec file system.

    The card is rendered for the copy; the manifest is written last, so a reader that finds
    ``manifest.json`` finds a complete version. An existing version at the target is refused,
    never overwritten, and nothing is written outside the target. A dry run does not touch it.
    On a URL the dataset's lease is held while copying (``LeaseError`` if another driver holds
    it): an ingest there would sweep a copy without its manifest yet, as an upload cut short.
    """
    manifest = checked_manifest(version_dir)
    files = version_files(version_dir)
    name = f"{manifest['dataset']}/v{manifest['version']}"
    shown = f"{target.rstrip('/')}/{name}"
    validated = f"version validated ({len(files)} files)"
    if dry_run:
        checks = (validated, f"target (an existing copy): {_SKIPPED_IN_DRY_RUN}")
        return PublishResult(PublishPlan(shown, None, files, checks=checks), dry_run=True)
    import fsspec

    fs, root = fsspec.core.url_to_fs(target)
    root = root.rstrip("/") or "/"
    dest = posixpath.normpath(posixpath.join(root, name))
    inside = [posixpath.normpath(posixpath.join(dest, f)) for f in files]
    if not all(p.startswith(root.rstrip("/") + "/") for p in [dest, *inside]):
        raise PublishError(f"{name} would be written outside {target}; refusing")
    plan = PublishPlan(shown, None, files, checks=(validated, "target: no copy of this version"))
    dataset = posixpath.dirname(dest)
    lease = Lease(fs, dataset, shown.rsplit("/", 1)[0], lease_timeout) if is_url(target) else None
    with lease or nullcontext():
        if fs.exists(f"{dest}/{MANIFEST}"):
            raise PublishError(f"{shown} already exists: a published version is never changed")
        rendered = rendered_for(version_dir, manifest)
        for rel in [f for f in files if f != MANIFEST] + [MANIFEST]:
            if rel == MANIFEST and lease is not None:
                lease.check()  # another driver took the dataset over: no commit
            fs.makedirs(f"{dest}/{rel}".rsplit("/", 1)[0], exist_ok=True)
            if rel in rendered:
                with fs.open(f"{dest}/{rel}", "wb") as out:
                    out.write(rendered[rel])
            else:
                fs.put_file(str(version_dir / rel), f"{dest}/{rel}")
    return PublishResult(plan, url=shown)


def iter_plan(plan: PublishPlan) -> Iterator[str]:
    """Human-readable lines of a plan, for ``--dry-run``."""
    yield f"target: {plan.target}"
    if plan.tag:
        yield f"tag:    {plan.tag} (on the commit)"
    for check in plan.checks:
        yield f"check:  {check}"
    for f in plan.upload:
        yield f"upload {f}" + (" (card rendered for the target)" if f == CARD else "")
    for f in plan.delete:
        yield f"delete {f}"
