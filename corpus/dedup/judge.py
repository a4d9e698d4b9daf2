"""How planning measures a candidate pair: the judge it asks (estimate, then exact values).

Planning (``plan``) decides which pairs to look at; a ``Judge`` tells how similar they are:
``estimate`` from the compact MinHash signatures, ``measure`` on the exact word-shingle sets
(after ``prepare`` was told every pair it will be asked about, so that texts are read once).
Codes are the plan's: an ordinal of this run's fingerprints, or ``-row - 1`` for a row of the
index. ``LocalJudge`` reads signatures and texts in this process; a distributed run's judge
asks tasks on the workers, where the texts are (corpus/distributed/judge.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from corpus.dedup.fingerprints import Fingerprints, record_key
from corpus.dedup.index import DedupIndex
from corpus.dedup.minhash import F64, I64, jaccard
from corpus.dedup.verify import DedupError, ShingleSets, collect, measure
from corpus.records import Article

log = logging.getLogger(__name__)
_STEP = 50_000


class Judge(Protocol):
    """What planning asks about candidate pairs of codes."""

    def estimate(self, pairs: I64) -> F64:
        """Estimated Jaccard of each pair (from MinHash signatures)."""
        ...

    def prepare(self, pair_lists: Iterable[I64]) -> None:
        """Every pair ``measure`` will be asked about (read what they need once)."""
        ...

    def measure(self, pairs: I64) -> tuple[F64, F64]:
        """Exact Jaccard and containment (of the smaller set) of prepared pairs; estimated
        where a published text is gone (e.g. taken down)."""
        ...

    def close(self) -> None:
        """Release what ``prepare`` read."""
        ...


def _no_published(ids: Collection[str]) -> Iterable[tuple[str, str]]:
    return ()


@dataclass(frozen=True, slots=True)
class Texts:
    """Where a local judge reads the bodies of candidate pairs: ``run()`` iterates this run's
    articles (any order; matched by record key), ``published(ids)`` yields ``(id, text)`` of
    published articles. ``wanted(keys)``, when given, is used instead of ``run``: it yields
    ``(record key, text)`` of the run's articles whose keys ``keys`` holds (key -> ordinal), for
    a caller that finds them faster than by reading every article (the embedded ingest: the
    units that hold them, read on its workers)."""

    run: Callable[[], Iterable[Article]]
    published: Callable[[Collection[str]], Iterable[tuple[str, str]]] = _no_published
    wanted: Callable[[Mapping[bytes, int]], Iterable[tuple[bytes, str]]] | None = None


def sizes_of(fps: Fingerprints, index: DedupIndex, codes: I64) -> npt.NDArray[np.int64]:
    """Shingle counts of codes (this run's ordinals or ``-row - 1``)."""
    new = codes >= 0
    out = np.zeros(len(codes), dtype=np.int64)
    out[new] = fps.size[codes[new]]
    out[~new] = index.size[-codes[~new] - 1]
    return out


def containment_of_estimate(
    est: F64, small: npt.NDArray[np.int64], big: npt.NDArray[np.int64]
) -> F64:
    """The containment a Jaccard estimate implies for sets of these sizes."""
    small_f = small.astype(np.float64)
    out: F64 = est * (small_f + big) / (1.0 + est) / np.maximum(small_f, 1.0)
    return out


class LocalJudge:
    """Signatures from the fingerprints (a memory map) and the index; shingle sets from the
    texts, materialized for the prepared pairs only, in an unlinked temporary file."""

    def __init__(self, fps: Fingerprints, index: DedupIndex, texts: Texts, ngram: int) -> None:
        self.fps, self.index, self.texts, self.ngram = fps, index, texts, ngram
        self.sets = ShingleSets()

    def estimate(self, pairs: I64) -> F64:
        """Estimated Jaccard of code pairs (second code a node or a published row)."""
        out = np.zeros(len(pairs))
        for lo in range(0, len(pairs), _STEP):
            a, b = pairs[lo : lo + _STEP, 0], pairs[lo : lo + _STEP, 1]
            sa = np.asarray(self.fps.sigs[a])
            sb = np.empty_like(sa)
            new = b >= 0
            sb[new] = np.asarray(self.fps.sigs[b[new]])
            if (~new).any():
                sb[~new] = self.index.signatures(-b[~new] - 1)
            out[lo : lo + _STEP] = jaccard(sa, sb)
        return out

    def prepare(self, pair_lists: Iterable[I64]) -> None:
        """Read the exact shingle sets of every article in the pairs."""
        fps, index, sets = self.fps, self.index, self.sets
        codes = np.unique(np.concatenate([np.zeros(0, np.int64), *(p.ravel() for p in pair_lists)]))
        new, old = codes[codes >= 0], codes[codes < 0]
        sizes = dict(zip(codes.tolist(), sizes_of(fps, index, codes).tolist(), strict=True))
        if len(new):
            wanted: dict[bytes, int] = dict(zip(fps.keys[new].tolist(), new.tolist(), strict=True))
            if self.texts.wanted is not None:
                run = self.texts.wanted(wanted)
            else:
                run = ((record_key(a), a.text) for a in self.texts.run())
            collect(sets, wanted, run, sizes, self.ngram)
            missing = [int(c) for c in new if int(c) not in sets]
            if missing:
                raise DedupError(
                    f"{len(missing)} articles of this run were not among the texts given to "
                    f"dedup (first: id {fps.ids[missing[0]].decode()}); pass every article of "
                    "the run"
                )
        if len(old):
            by_id: dict[str, int] = {index.id(-c - 1): c for c in old.tolist()}
            collect(sets, by_id, self.texts.published(list(by_id)), sizes, self.ngram)
            lost = sum(c not in sets for c in old.tolist())
            if lost:  # e.g. taken down: what is left of them is the index's signature
                log.warning(
                    "dedup: %d published texts not found; their pairs use the estimate", lost
                )

    def measure(self, pairs: I64) -> tuple[F64, F64]:
        """Exact values where both sets were read, else derived from the estimate."""
        sets = self.sets
        known = np.array([a in sets and b in sets for a, b in pairs.tolist()], dtype=bool)
        jac = np.zeros(len(pairs))
        con = np.zeros(len(pairs))
        if known.any():
            jac[known], con[known], _ = measure(pairs[known], sets)
        if (~known).any():
            est = self.estimate(pairs[~known])
            a = sizes_of(self.fps, self.index, pairs[~known, 0])
            b = sizes_of(self.fps, self.index, pairs[~known, 1])
            jac[~known] = est
            con[~known] = containment_of_estimate(est, np.minimum(a, b), np.maximum(a, b))
        return jac, con

    @property
    def sets_read(self) -> int:
        """Shingle sets materialized so far (for reports)."""
        return len(self.sets)

    def close(self) -> None:
        """Drop the temporary file of shingle sets."""
        self.sets.close()
