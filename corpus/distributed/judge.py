"""The distributed run's judge: candidate pairs measured by tasks on the workers, where the
signatures and texts are, in chunks; the driver keeps only the pairs' numbers.

Codes are the plan's: ``c >= 0`` the c-th linked article (its read task and row), ``-r - 1``
row ``r`` of the small published index (its row in the whole published index, its id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from corpus import dedup
from corpus.dedup.index import index_places, signature_rows
from corpus.dedup.judge import containment_of_estimate
from corpus.dedup.minhash import F64, I64, jaccard, shingle_sets
from corpus.dedup.verify import DedupError, measure
from corpus.distributed import parts
from corpus.distributed.tasks import Work

#: Pairs per judge task.
CHUNK = 20_000
#: Texts shingled at once (``_sets``): numpy's cost per call shared, its arrays kept small.
SETS_BATCH = 256
#: ``run(fn, jobs)``: ``fn(work, job)`` for every job on the executor, results in order.
Runner = Callable[[Callable[..., Any], Sequence[Any]], list[Any]]


@dataclass(frozen=True, slots=True)
class Where:
    """Where the codes of one chunk of pairs live."""

    new: dict[int, tuple[int, int]]  # code -> (read task, row)
    old: dict[int, tuple[int, str]]  # code -> (published index row, id)
    sizes: dict[int, int]  # code -> shingle count


@dataclass(frozen=True, slots=True)
class PairJob:
    """A chunk of pairs to estimate (``exact`` False) or measure."""

    pairs: I64
    where: Where
    exact: bool


def _signatures(
    work: Work, where: Where, codes: Iterable[int]
) -> dict[int, npt.NDArray[np.uint16]]:
    by_task: dict[int, list[tuple[int, int]]] = {}
    old: list[tuple[int, int]] = []
    for c in codes:
        if c >= 0:
            task, row = where.new[c]
            by_task.setdefault(task, []).append((c, row))
        else:
            old.append((c, where.old[c][0]))
    out: dict[int, npt.NDArray[np.uint16]] = {}
    for task, items in sorted(by_task.items()):
        rows = np.array([r for _, r in items], np.int64)
        sigs = parts.read_signatures(parts.fingerprints_path(work.units, task), rows)
        out.update(zip((c for c, _ in items), sigs, strict=True))
    if old:
        assert work.published is not None
        places = [s for _, s in index_places(work.published / "dedup")]
        sigs = signature_rows(places, np.array([r for _, r in old], np.int64))
        out.update(zip((c for c, _ in old), sigs, strict=True))
    return out


def _estimate(work: Work, pairs: I64, where: Where) -> F64:
    sigs = _signatures(work, where, np.unique(pairs).tolist())
    if not len(pairs):
        return np.zeros(0)
    a = np.stack([sigs[c] for c in pairs[:, 0].tolist()])
    b = np.stack([sigs[c] for c in pairs[:, 1].tolist()])
    return jaccard(a, b)


def _sets(work: Work, where: Where, ngram: int) -> dict[int, npt.NDArray[np.uint32]]:
    texts: dict[int, str] = {}
    by_task: dict[int, list[tuple[int, int]]] = {}
    for c, (task, row) in where.new.items():
        by_task.setdefault(task, []).append((c, row))
    for task, items in sorted(by_task.items()):
        rows = np.array([r for _, r in items], np.int64)
        got = parts.read_texts(parts.articles_path(work.units, task), rows)
        texts.update(zip((c for c, _ in items), got, strict=True))
    if where.old and work.published is not None:
        by_id = {i: c for c, (_, i) in where.old.items()}
        shards = [p.source() for p in (work.published / "data").files(".parquet")]
        for article_id, text in dedup.published_texts(shards).published(list(by_id)):
            texts[by_id[article_id]] = text
    sets = {}
    codes = list(texts)
    # a few hundred texts at a time: shingling a chunk's ~20k texts at once held ~25 KB of
    # numpy intermediates per text (+512 MB at a plan job's peak, 100k generated articles)
    for lo in range(0, len(codes), SETS_BATCH):
        batch = codes[lo : lo + SETS_BATCH]
        for c, values in zip(batch, shingle_sets([texts[c] for c in batch], ngram), strict=True):
            if len(values) != where.sizes[c]:
                raise DedupError(
                    f"a text has {len(values)} shingles, its fingerprint {where.sizes[c]}: "
                    "fingerprints and texts come from different runs or settings"
                )
            sets[c] = values
    return sets


def judge_pairs(work: Work, job: PairJob) -> tuple[F64, F64]:
    """Estimated Jaccard (and zeros), or exact Jaccard and containment, of a chunk of pairs;
    where a published text is gone, the values its signature implies."""
    if not job.exact:
        return _estimate(work, job.pairs, job.where), np.zeros(len(job.pairs))
    sets = _sets(work, job.where, work.cfg.dedup_ngram)
    jac, con = np.zeros(len(job.pairs)), np.zeros(len(job.pairs))
    known = np.array([a in sets and b in sets for a, b in job.pairs.tolist()], dtype=bool)
    jac[known], con[known], _ = measure(job.pairs[known], sets)
    if not known.all():
        some = job.pairs[~known]
        est = _estimate(work, some, job.where)
        size = np.array([[job.where.sizes[c] for c in p] for p in some.tolist()], np.int64)
        jac[~known] = est
        con[~known] = containment_of_estimate(est, size.min(axis=1), size.max(axis=1))
    return jac, con


class RemoteJudge:
    """A ``dedup.Judge`` whose work runs as tasks (``run``), a chunk of pairs each."""

    def __init__(
        self,
        work: Work,
        run: Runner,
        new: tuple[I64, I64],
        old: tuple[I64, Sequence[str]],
        sizes: tuple[I64, I64],
    ) -> None:
        self.work, self.run = work, run
        self.new_task, self.new_row = new  # per linked article (code)
        self.old_row, self.old_id = old  # per row of the small index
        self.new_size, self.old_size = sizes
        # the measured pairs, sorted by ``_key``, and their (Jaccard, containment): ~32 bytes a
        # pair (a dict of tuples held ~300, and pairs grow faster than articles)
        self._keys = np.zeros(0, np.int64)
        self._values = np.zeros((0, 2), np.float64)
        self._read = 0

    def _packing(self) -> tuple[int, int]:
        """Codes run from ``-len(old)`` to ``len(new) - 1``: shifted by ``len(old)``, a pair
        packs into one int64 as ``a * span + b``."""
        shift = len(self.old_row)
        return shift, len(self.new_task) + shift + 1

    def _key(self, pairs: I64) -> I64:
        """One int64 per pair of codes (codes run from ``-len(old)`` to ``len(new) - 1``)."""
        shift, span = self._packing()
        key: I64 = (pairs[:, 0] + shift) * span + (pairs[:, 1] + shift)
        return key

    def _where(self, pairs: I64) -> Where:
        codes = np.unique(pairs).tolist()
        new = {c: (int(self.new_task[c]), int(self.new_row[c])) for c in codes if c >= 0}
        old = {c: (int(self.old_row[-c - 1]), str(self.old_id[-c - 1])) for c in codes if c < 0}
        sizes = {c: int(self.new_size[c] if c >= 0 else self.old_size[-c - 1]) for c in codes}
        return Where(new, old, sizes)

    def _jobs(self, pairs: I64, exact: bool) -> list[PairJob]:
        return [
            PairJob(chunk, self._where(chunk), exact)
            for chunk in (pairs[lo : lo + CHUNK] for lo in range(0, len(pairs), CHUNK))
        ]

    def estimate(self, pairs: I64) -> F64:
        """Estimated Jaccard, computed by tasks."""
        if not len(pairs):
            return np.zeros(0)
        return np.concatenate([est for est, _ in self.run(judge_pairs, self._jobs(pairs, False))])

    def prepare(self, pair_lists: Iterable[I64]) -> None:
        """Measure every pair by tasks, once."""
        lists = [p for p in pair_lists if len(p)]
        if not lists:
            return
        pairs = np.unique(np.concatenate(lists), axis=0)
        results = self.run(judge_pairs, self._jobs(pairs, True))
        values = np.stack(
            [np.concatenate([j for j, _ in results]), np.concatenate([c for _, c in results])], 1
        )
        keys = np.concatenate([self._keys, self._key(pairs)])
        order = np.argsort(keys, kind="stable")
        self._keys, self._values = keys[order], np.concatenate([self._values, values])[order]
        self._read = len(np.unique(self._codes_of(self._keys)))

    def _codes_of(self, keys: I64) -> I64:
        shift, span = self._packing()
        codes: I64 = np.concatenate([keys // span, keys % span]) - shift
        return codes

    def measure(self, pairs: I64) -> tuple[F64, F64]:
        """The values ``prepare`` measured."""
        keys = self._key(pairs)
        at = np.searchsorted(self._keys, keys)
        if len(keys) and (at.max() >= len(self._keys) or (self._keys[at] != keys).any()):
            raise KeyError("a pair was measured before prepare() was told of it")
        return self._values[at, 0], self._values[at, 1]

    @property
    def sets_read(self) -> int:
        """Articles whose shingle sets the tasks read."""
        return self._read

    def close(self) -> None:
        """Nothing is held but numbers."""
        self._keys, self._values = np.zeros(0, np.int64), np.zeros((0, 2), np.float64)
