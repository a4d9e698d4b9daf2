"""Publishing a version: to the Hugging Face Hub as one commit plus a tag, or to any fsspec target.

``huggingface_hub`` and ``fsspec`` are imported where used: publishing is optional.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from corpus.errors import CorpusError
from corpus.versions import MANIFEST, read_manifest

log = logging.getLogger(__name__)

T = TypeVar("T")
TABLE_FOLDERS = ("data", "duplicates", "rejects")
_RETRIES = 4
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class PublishError(CorpusError):
    """A version could not be published (refused, or the target failed)."""


@dataclass(frozen=True, slots=True)
class PublishPlan:
    """What a publish will do: the files it uploads, those it removes, the tag it creates."""

    target: str
    tag: str
    upload: tuple[str, ...]  # paths relative to the version folder (and the repo root)
    delete: tuple[str, ...] = ()
    commit_message: str = ""


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What a publish did."""

    plan: PublishPlan
    commit: str | None = None  # the Hub commit id, when publishing to the Hub
    url: str | None = None
    dry_run: bool = False


def version_files(version_dir: Path) -> tuple[str, ...]:
    """The files of a version that are published: card, manifest and every shard, sorted."""
    manifest = read_manifest(version_dir)
    shards = [s["path"] for folder in TABLE_FOLDERS for s in manifest["shards"].get(folder, [])]
    files = ["README.md", MANIFEST, *shards]
    missing = [f for f in files if not (version_dir / f).is_file()]
    if missing:
        raise PublishError(f"{version_dir} is incomplete: missing {', '.join(missing)}")
    return tuple(sorted(files))


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
    a published version never changes. Only transient errors (connection, 429, 5xx) are retried.
    """
    try:
        from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
        from huggingface_hub.errors import RepositoryNotFoundError
    except ImportError:  # pragma: no cover - huggingface_hub comes with datasets
        raise PublishError(
            "publishing to the Hub needs huggingface_hub: uv add huggingface_hub"
        ) from None

    manifest = read_manifest(version_dir)
    tag = f"v{manifest['version']}"
    files = version_files(version_dir)
    api = HfApi(endpoint=endpoint, token=token)
    message = f"{manifest['dataset']} {tag}"

    def call(what: str, fn: Callable[[], T]) -> T:
        return _with_retries(what, fn, token, sleep)

    try:
        refs = call(
            "read the repo's tags", lambda: api.list_repo_refs(repo_id, repo_type="dataset")
        )
        existing_tags = {t.name for t in refs.tags}
        remote = set(
            call("list the repo's files", lambda: api.list_repo_files(repo_id, repo_type="dataset"))
        )
    except RepositoryNotFoundError:
        existing_tags, remote = set(), set()
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
    stale = sorted(p for p in remote if p.split("/", 1)[0] in TABLE_FOLDERS and p not in files)
    plan = PublishPlan(f"hf://datasets/{repo_id}", tag, files, tuple(stale), message)
    if dry_run:
        return PublishResult(plan, dry_run=True)

    call(
        "create the repo",
        lambda: api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True),
    )
    operations: list[Any] = [CommitOperationDelete(path_in_repo=p) for p in stale]
    operations += [
        CommitOperationAdd(path_in_repo=f, path_or_fileobj=str(version_dir / f)) for f in files
    ]
    commit = call(
        "upload the commit",
        lambda: api.create_commit(
            repo_id, operations, commit_message=message, repo_type="dataset", revision="main"
        ),
    )
    call(
        "create the tag",
        lambda: api.create_tag(
            repo_id, tag=tag, revision=commit.oid, repo_type="dataset", tag_message=message
        ),
    )
    return PublishResult(plan, commit=commit.oid, url=str(commit.commit_url))


def _is_newer(tag: str, than: str) -> bool:
    from corpus.errors import VersionError
    from corpus.versions import Version

    try:
        return Version.parse(tag) > Version.parse(than)
    except VersionError:
        return False  # a tag that is not a version of ours


def _with_retries(
    what: str, fn: Callable[[], T], token: str | None, sleep: Callable[[float], None]
) -> T:
    """Run ``fn``; retry transient failures with backoff; never let the token into a message."""
    for attempt in range(1, _RETRIES + 1):
        try:
            return fn()
        except Exception as exc:
            if _is_not_found(exc):
                raise
            transient = _is_transient(exc)
            if transient and attempt < _RETRIES:
                delay = 0.5 * 2 ** (attempt - 1)
                log.warning(
                    "could not %s (%s); retrying in %.1f s", what, type(exc).__name__, delay
                )
                sleep(delay)
                continue
            detail = _scrub(str(exc), token).splitlines()[0] if str(exc) else type(exc).__name__
            raise PublishError(f"could not {what}: {detail}") from None
    raise AssertionError("unreachable")  # pragma: no cover


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _is_not_found(exc: BaseException) -> bool:
    return type(exc).__name__ in {"RepositoryNotFoundError"}


def _is_transient(exc: BaseException) -> bool:
    if type(exc).__name__ == "OfflineModeIsEnabled":  # a setting, not a network hiccup
        return False
    status = _status(exc)
    if status is not None:
        return status in _TRANSIENT_STATUS
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(
        names
        & {
            "ConnectionError",
            "ConnectError",
            "TimeoutException",
            "Timeout",
            "RemoteProtocolError",
            "ReadError",
        }
    )


def _scrub(text: str, token: str | None) -> str:
    return text.replace(token, "***") if token else text


# --------------------------------------------------------------------------- fsspec


def publish_fs(version_dir: Path, target: str, *, dry_run: bool = False) -> PublishResult:
    """Copy a version to ``<target>/<dataset>/vX.Y.Z`` on any fsspec file system.

    The manifest is written last: a reader that finds ``manifest.json`` finds a complete version.
    An existing version at the target is refused, never overwritten.
    """
    import fsspec

    manifest = read_manifest(version_dir)
    tag = f"v{manifest['version']}"
    files = version_files(version_dir)
    fs, root = fsspec.core.url_to_fs(target)
    dest = f"{root.rstrip('/')}/{manifest['dataset']}/{tag}"
    plan = PublishPlan(f"{target.rstrip('/')}/{manifest['dataset']}/{tag}", tag, files)
    if fs.exists(f"{dest}/{MANIFEST}"):
        raise PublishError(f"{plan.target} already exists: a published version is never changed")
    if dry_run:
        return PublishResult(plan, dry_run=True)
    ordered = [f for f in files if f != MANIFEST] + [MANIFEST]
    for rel in ordered:
        fs.makedirs(f"{dest}/{rel}".rsplit("/", 1)[0], exist_ok=True)
        fs.put_file(str(version_dir / rel), f"{dest}/{rel}")
    return PublishResult(plan, url=plan.target)


def iter_plan(plan: PublishPlan) -> Iterator[str]:
    """Human-readable lines of a plan, for ``--dry-run``."""
    yield f"target: {plan.target}"
    yield f"tag:    {plan.tag}"
    for f in plan.upload:
        yield f"upload {f}"
    for f in plan.delete:
        yield f"delete {f}"
