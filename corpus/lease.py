"""One writer per dataset on an fsspec output: a lease object on the URL.

A run's local lock (``runs``: an OS lock) does not reach another machine: two drivers on two
machines pointed at one ``s3://`` dataset would both run, sweep each other's task files and
upload over each other. So an ingest to a URL takes the dataset's lease before it writes there:
``<dataset>/.lease`` (beside ``.runs/``, which sweeps remove, whatever the run key), a JSON
object naming its owner (host, pid, a random part) and when it was last renewed.

- **Taken** by an exclusive create (on S3 a PUT with ``If-None-Match: *``: of two drivers
  racing, one wins). A lease not renewed for ``timeout`` seconds is stale (its driver died), as
  is one of a process gone on this same host, and is taken over (its age is judged on the
  storage's clock where it has one: the lease's modified time against a probe's, ``now``;
  ``GRAIN`` more for the storage's rounding): on S3 by a PUT conditional on the stale object's
  ETag (``If-Match``), so of two drivers taking over one stale lease, one wins. Where the file
  system has no conditional write, the lease is written and read back after ``SETTLE`` seconds,
  and must still be ours: a race window, see docs/scaling.md.
- **Live** lease of another owner: ``LeaseError`` naming it and when it was last renewed.
- **Renewed** by a thread every ``timeout / 4`` (each renewal checks the owner is still this
  driver; one that lost its lease stops at its next step or write on the URL: ``check``),
  **released** (removed, if still ours) when the ingest ends, however it ends.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from corpus.errors import VersionError

log = logging.getLogger(__name__)

NAME = ".lease"
#: Seconds after its last renewal that a lease is stale (``Config.lease_timeout``'s default).
TIMEOUT = 300.0
#: Seconds a lease written where there is no conditional write is left before it is read back.
SETTLE = 2.0
#: Seconds a storage's modified time may be off (S3 dates objects to the second): a lease is
#: taken over only when older than its timeout by this much more, never early.
GRAIN = 1.0


class LeaseError(VersionError):
    """Another driver holds the dataset's lease on the URL, or this one lost it."""


@dataclass(frozen=True, slots=True)
class Holder:
    """What a lease object says: who holds it, and when it was last renewed (epoch seconds)."""

    owner: str
    renewed: float

    def encode(self) -> bytes:
        return json.dumps({"owner": self.owner, "renewed": self.renewed}).encode()

    @classmethod
    def decode(cls, data: bytes) -> Holder:
        """A lease object's holder; an unreadable one is nobody's, renewed never (stale)."""
        try:
            found = json.loads(data)
            return cls(str(found["owner"]), float(found["renewed"]))
        except (ValueError, KeyError, TypeError):
            return cls("(unreadable lease)", 0.0)

    def since(self) -> str:
        """When it was last renewed, for messages."""
        return datetime.fromtimestamp(self.renewed, UTC).isoformat(timespec="seconds")

    def stale(self, timeout: float, now: float) -> bool:
        """Whether its driver is gone: not renewed for ``timeout`` seconds, or a process of this
        host that is not running any more."""
        if now - self.renewed > timeout:
            return True
        host, pid = _host_and_pid(self.owner)
        return host == socket.gethostname() and pid is not None and not _running(pid)


def owner_id() -> str:
    """This driver's name in a lease: host, pid and a random part (a pid is reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Lease:
    """The lease of one dataset on an fsspec file system, held by this driver once ``take``n."""

    def __init__(self, fs: Any, root: str, url: str, timeout: float) -> None:
        self.fs, self.path, self.url = fs, f"{root}/{NAME}", f"{url}/{NAME}"
        self.timeout, self.owner = timeout, owner_id()
        protocols = fs.protocol if isinstance(fs.protocol, tuple | list) else (fs.protocol,)
        self.conditional = bool({"s3", "s3a"} & set(protocols))  # If-None-Match / If-Match
        self.taken = False
        self.lost: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Lease:
        """Hold the lease (if not taken yet) and renew it while in the block."""
        if not self.taken:
            self.take()
        self._thread = threading.Thread(target=self._renewing, name="corpus-lease", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.release()

    def take(self) -> None:
        """Hold the lease: create it, or take over a stale one; ``LeaseError`` if it is live."""
        holder, tag = self.read()
        mine = Holder(self.owner, time.time())
        if holder is not None and not holder.stale(self.timeout + GRAIN, self.now()):
            raise self._held_by(holder)
        try:
            if holder is None:
                self.fs.pipe_file(self.path, mine.encode(), mode="create")
            elif self.conditional and tag:
                self.fs.pipe_file(self.path, mine.encode(), IfMatch=tag)
            else:
                self.fs.pipe_file(self.path, mine.encode())
            if holder is not None:
                log.warning("took over the stale lease %s of %s", self.url, holder.owner)
        except OSError:  # another driver created it, or took it over, first
            found, _ = self.read()
            raise self._held_by(found or holder or mine) from None
        if not (self.conditional and (holder is None or tag)):  # whoever wrote last holds it
            time.sleep(SETTLE)
            found, _ = self.read()
            if found is None or found.owner != self.owner:
                raise self._held_by(found or mine)
        self.taken = True

    def renew(self) -> None:
        """Write a new heartbeat, if the lease is still ours (else ``lost`` says who has it)."""
        holder, tag = self.read()
        if holder is None or holder.owner != self.owner:
            who = f"{holder.owner}, renewed {holder.since()}" if holder else "removed"
            self.lost = f"lost the lease {self.url} ({who})"
            return
        options = {"IfMatch": tag} if self.conditional and tag else {}
        try:
            self.fs.pipe_file(self.path, Holder(self.owner, time.time()).encode(), **options)
        except OSError as error:  # taken over between the read and the write, or a hiccup
            log.warning("could not renew the lease %s: %s", self.url, error)

    def check(self) -> None:
        """``LeaseError`` if another driver took the lease over: this one must stop writing."""
        if self.lost is not None:
            raise LeaseError(
                f"{self.lost}: another driver took over this dataset (this one was not renewing "
                f"it for {self.timeout:g} s); stopped before writing more"
            )

    def release(self) -> None:
        """Remove the lease if it is still ours."""
        try:
            holder, _ = self.read()
            if holder is not None and holder.owner == self.owner:
                self.fs.rm_file(self.path)
            self.taken = False
        except OSError as error:  # it goes stale: the next driver takes it over
            log.warning("could not release the lease %s: %s", self.url, error)

    def read(self) -> tuple[Holder | None, str | None]:
        """The lease on the URL and its ETag (S3); ``(None, None)`` when there is none. Its
        ``renewed`` is the object's modified time, set by the storage at each renewal (the clock
        ``now`` reads), where the file system gives one; else the time its owner wrote in it."""
        self.fs.invalidate_cache(self.path)
        try:
            tag = self.fs.info(self.path).get("ETag") if self.conditional else None
            holder = Holder.decode(self.fs.cat_file(self.path))
            modified = self._modified(self.path)  # read last: a newer write only looks younger
        except FileNotFoundError:
            return None, None
        if modified is not None and holder.renewed:  # (an unreadable lease stays stale)
            holder = dataclasses.replace(holder, renewed=modified)
        return holder, tag

    def now(self) -> float:
        """Now on the clock ``read`` dates the lease by, so that a lease's age never compares
        two machines' clocks: the modified time of a probe written beside it (then removed)
        where the file system gives one, else this machine's clock (as its owner's is read)."""
        probe = f"{self.path}-clock-{secrets.token_hex(4)}"
        self.fs.pipe_file(probe, b"")
        try:
            return self._modified(probe) or time.time()
        finally:
            self.fs.rm_file(probe)

    def _modified(self, path: str) -> float | None:
        """A file's modified time (epoch seconds) as its file system gives it, if it does."""
        try:
            return float(self.fs.modified(path).timestamp())
        except NotImplementedError:
            return None

    def _renewing(self) -> None:
        while not self._stop.wait(self.timeout / 4):
            try:
                self.renew()
            except Exception as error:  # a thread's error would be lost: log it, try again
                log.warning("could not renew the lease %s: %s", self.url, error)

    def _held_by(self, holder: Holder) -> LeaseError:
        after = self.timeout + GRAIN
        return LeaseError(
            f"another driver is writing this dataset: {self.url} is held by {holder.owner}, "
            f"last renewed {holder.since()} (stale {after:g} s after that, at "
            f"{Holder('', holder.renewed + after).since()}, when a run here takes it over); "
            "wait for it to finish or stop it, then run again"
        )


def _host_and_pid(owner: str) -> tuple[str, int | None]:
    host, _, rest = owner.rpartition(":")[0].rpartition(":")
    return host, int(rest) if rest.isdigit() else None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's: running
        return True
    return True
