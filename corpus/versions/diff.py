"""What changed between two versions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus import storage
from corpus.manifest import Manifest


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """What changed in ``data`` between two versions. An article whose URL is in both but whose
    id differs (its content changed) is *changed*, not added plus removed."""

    old: str
    new: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[tuple[str, str], ...]  # (old id, new id)
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able form, for ``--format json``."""
        return {
            "old": self.old,
            "new": self.new,
            "counts": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
            },
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [{"old": o, "new": n} for o, n in self.changed],
        }


def data_ids(version_dir: Path, where: storage.Where = Path) -> dict[str, str | None]:
    """``{id: url}`` of every accepted article of a version (reads two columns only; ``where``
    says where a shard is read, e.g. on the URL a staged version stands for)."""
    ids: dict[str, str | None] = {}
    for shard in Manifest.read(version_dir).shards.get("data", ()):
        table = storage.read_table(where(version_dir / shard.path), ["id", "url"])
        ids.update(
            zip(table.column("id").to_pylist(), table.column("url").to_pylist(), strict=True)
        )
    return ids


def diff(old_dir: Path, new_dir: Path, where: storage.Where = Path) -> VersionDiff:
    """Added, removed and changed articles from ``old_dir`` to ``new_dir`` (their shards read
    where ``where`` says: see ``data_ids``)."""
    old, new = data_ids(old_dir, where), data_ids(new_dir, where)
    gone = {i: u for i, u in old.items() if i not in new}
    came = {i: u for i, u in new.items() if i not in old}
    new_by_url = {u: i for i, u in sorted(came.items()) if u}
    changed = []
    for old_id, url in sorted(gone.items()):
        if url and url in new_by_url:
            changed.append((old_id, new_by_url.pop(url)))
    changed_old = {o for o, _ in changed}
    changed_new = {n for _, n in changed}
    return VersionDiff(
        old=Manifest.read(old_dir).version,
        new=Manifest.read(new_dir).version,
        added=tuple(sorted(i for i in came if i not in changed_new)),
        removed=tuple(sorted(i for i in gone if i not in changed_old)),
        changed=tuple(changed),
        unchanged=len(old.keys() & new.keys()),
    )
