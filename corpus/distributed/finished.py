"""The records a distributed run's read tasks leave when they finish: what a rerun of the same
run reuses after its driver died (kill -9, a lost node, a power cut).

A read task (``tasks.produce``) writes its articles, fingerprints and reject shards in the run's
folder (``.runs/<key>/units/``: the key covers the inputs, the settings and the code,
``runs.run_key``), then, last, a small record of its result (``produced-T.done``: its
``Produced`` entry, the sizes of the files it wrote, which slice it read and a digest of the
survey it was given), written whole (a temporary name renamed; one PUT on a URL). A task that
died half-way left no record and simply runs again. A rerun's driver lists the folder once,
fetches the records (concurrently on a URL) and reuses a task only if its record is intact
(length and checksum, ``runs.pack``), is for the same slice and the same survey, and every
file it names is there with the size it had; anything else is run again, never an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import pickle
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corpus import runs, sources
from corpus.storage import Place

log = logging.getLogger(__name__)

_RECORD = re.compile(r"^produced-(\d{6})\.done$")
#: What unpickling bytes that passed the checksum may still raise (an old or foreign record).
_UNREADABLE = (pickle.UnpicklingError, AttributeError, EOFError, ImportError, TypeError, ValueError)


@dataclass(frozen=True, slots=True)
class Record:
    """What a finished read task leaves (see the module docstring)."""

    task: int
    piece: tuple[object, ...]  # the slice it read (``identity``)
    context: str  # digest of what it was given besides its slice (``digest``)
    files: tuple[tuple[str, int], ...]  # (path relative to the run's folder, bytes)
    result: object  # its answer to the driver (``tasks.Produced``)


def identity(piece: sources.Slice) -> tuple[object, ...]:
    """Which slice of which input a task read: what its record must match to be reused."""
    return (piece.file.relpath, piece.start, piece.end, piece.rows_before, piece.lines_before)


def digest(value: object) -> str:
    """A hash of ``value``'s content (dataclasses, mappings, sets, sequences, scalars) that is
    the same in every process: sets and mappings sorted, unlike their pickles (1.3-1.7 s of
    CPU for a synthetic survey of 1,000 publishers x 250 lines and runs and 12,000 files)."""
    return hashlib.sha256(repr(_plain(value)).encode("utf-8", "surrogatepass")).hexdigest()


_SCALARS = (int, float, str, bool, type(None))


def _plain(value: object) -> object:
    """``value`` as nested lists and scalars, in an order that does not depend on the process
    (``repr`` of it is then canonical)."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, set | frozenset):
        if all(type(v) is int for v in value) or all(type(v) is str for v in value):
            return sorted(value)
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        if all(isinstance(v, _SCALARS) for v in value):
            return tuple(value)  # as it is: its repr is canonical already
        return [_plain(v) for v in value]
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        return [[name, _plain(getattr(value, name))] for name in fields]
    if isinstance(value, Mapping):
        pairs = [[_plain(k), _plain(v)] for k, v in value.items()]
        return sorted(pairs, key=lambda pair: repr(pair[0]))  # keys are distinct
    return value


def _name(task: int) -> str:
    return f"produced-{task:06d}.done"


def save(folder: Place, record: Record, written: Sequence[Place]) -> None:
    """Record read task ``record.task`` as finished, its files ``written`` (in ``folder``, the
    run's folder) with their sizes now. Call it after every file is written: the record is
    what makes them count."""
    start = len(folder.path) + 1
    files = tuple((p.path[start:], int(p.fs.size(p.path))) for p in written)
    record = dataclasses.replace(record, files=(*record.files, *files))
    (folder / _name(record.task)).write_bytes(runs.pack(pickle.dumps(record)))


def load(folder: Place, pieces: Sequence[sources.Slice], context: str) -> dict[int, object]:
    """The results of the read tasks an earlier attempt at this run finished, by task: only
    those whose record is intact and matches (``usable``)."""
    sizes = folder.sizes()
    names = sorted(n for n in sizes if _RECORD.match(n))
    found: dict[int, object] = {}
    for name, blob in folder.read_each(names).items():
        record = _record(name, blob)
        if record is not None and usable(record, pieces, context, sizes):
            found[record.task] = record.result
        else:
            log.info("%s: not reused (damaged, or of other work); the task runs again", name)
    return found


def _record(name: str, blob: bytes | None) -> Record | None:
    if blob is None:
        return None
    try:
        record = pickle.loads(runs.unpack(blob))
    except (runs.DamagedUnit, *_UNREADABLE):
        return None
    return record if isinstance(record, Record) and _name(record.task) == name else None


def usable(
    record: Record, pieces: Sequence[sources.Slice], context: str, sizes: Mapping[str, int]
) -> bool:
    """Whether a record stands for the task this run would run, and its files are whole."""
    if not 0 <= record.task < len(pieces) or record.piece != identity(pieces[record.task]):
        return False
    if record.context != context:  # another survey: the articles would be structured otherwise
        return False
    return all(sizes.get(path) == size for path, size in record.files)
