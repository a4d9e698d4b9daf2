"""Deciding candidate pairs on their exact shingle sets, not on the MinHash estimate.

LSH proposes candidates and the 128-value estimate drops the hopeless ones (``plausible``, with
a wide margin: the estimate's error is about +-0.045 at Jaccard 0.5); the rest are decided on
the true Jaccard and containment of their word-shingle sets. The sets are materialized only for
the articles of such pairs, from their texts (this run's articles, or published rows' texts),
into an unlinked temporary file, so memory holds offsets, not sets.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from corpus.dedup.minhash import F64, I64, U32, shingle_sets
from corpus.errors import CorpusError

log = logging.getLogger(__name__)

#: Texts whose shingle sets are worked out at once (``collect``).
_BATCH = 256

#: Containment is noise on tiny bodies (a 5-word line is "inside" many articles).
MIN_CONTAINED_SHINGLES = 20
#: Containment counts only between bodies at most ~2x apart in size (Jaccard >= 0.5): a short
#: article "inside" a long one that is mostly something else is not its copy.
MIN_CONTAINMENT_JACCARD = 0.5
#: How far below a threshold an estimate may be and still be checked exactly (> 3 standard
#: errors of a 128-value estimate at Jaccard 0.5).
MARGIN = 0.15


class DedupError(CorpusError):
    """Dedup's inputs disagree (a text that does not match its fingerprint, an article the
    plan does not know): a bug upstream; no version is written."""


@dataclass(frozen=True, slots=True)
class Rule:
    """When two shingle sets are duplicates."""

    threshold: float  # Jaccard at or above
    containment: float  # or: this share of the smaller set inside the other (see above)

    def holds(
        self, jaccard: F64, contained: F64, smaller: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.bool_]:
        """Whether pairs with these exact values are duplicates."""
        ok: npt.NDArray[np.bool_] = (jaccard >= self.threshold) | (
            (smaller >= MIN_CONTAINED_SHINGLES)
            & (jaccard >= MIN_CONTAINMENT_JACCARD)
            & (contained >= self.containment)
        )
        return ok

    def plausible(self, estimate: F64, smaller: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Whether pairs with this estimated Jaccard are worth an exact check."""
        floor = np.where(
            smaller >= MIN_CONTAINED_SHINGLES,
            min(self.threshold, MIN_CONTAINMENT_JACCARD),
            self.threshold,
        )
        ok: npt.NDArray[np.bool_] = estimate >= floor - MARGIN
        return ok


class ShingleSets:
    """Exact shingle sets by a node code (an ordinal of this run, or ``-row - 1`` for a
    published row), stored in an unlinked temporary file."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="corpus-shingles-")  # noqa: SIM115 (closed by close)
        self._where: dict[int, tuple[int, int]] = {}
        self._at = 0
        self._map: U32 | None = None

    def add(self, code: int, values: U32) -> None:
        """Store the set of ``code`` (sorted, distinct)."""
        if code in self._where:
            return
        self._file.write(np.ascontiguousarray(values, dtype=np.uint32).tobytes())
        self._where[code] = (self._at, len(values))
        self._at += len(values)

    def __contains__(self, code: int) -> bool:
        return code in self._where

    def __len__(self) -> int:
        return len(self._where)

    def __getitem__(self, code: int) -> U32:
        return self.get(code)

    def get(self, code: int) -> U32:
        """The set of ``code``."""
        if self._map is None:
            self._file.flush()
            self._map = np.memmap(self._file, np.uint32, mode="r", shape=(max(self._at, 1),))
        start, n = self._where[code]
        return self._map[start : start + n]

    def close(self) -> None:
        """Release the file (and the memory map)."""
        self._map = None
        self._file.close()


def collect(
    sets: ShingleSets,
    wanted: Mapping[Any, int],
    texts: Iterable[tuple[Any, str]],
    sizes: dict[int, int],
    ngram: int,
) -> None:
    """Add to ``sets`` the shingle set of each text whose key is in ``wanted`` (key -> code);
    each set's size must be the one its fingerprint counted (``sizes``: code -> size). The
    sets are worked out ``_BATCH`` texts at a time (``shingle_sets``)."""
    batch: dict[int, tuple[Any, str]] = {}
    for key, text in texts:
        code = wanted.get(key)
        if code is None or code in sets or code in batch:
            continue
        batch[code] = (key, text)
        if len(batch) >= _BATCH:
            _add_sets(sets, batch, sizes, ngram)
            batch = {}
    _add_sets(sets, batch, sizes, ngram)


def _add_sets(
    sets: ShingleSets, batch: Mapping[int, tuple[Any, str]], sizes: dict[int, int], ngram: int
) -> None:
    found = shingle_sets([text for _, text in batch.values()], ngram) if batch else []
    for (code, (key, _)), values in zip(batch.items(), found, strict=True):
        if len(values) != sizes[code]:
            raise DedupError(
                f"the text of article {key!r} has {len(values)} shingles, its fingerprint "
                f"{sizes[code]}: fingerprints and texts come from different runs or settings"
            )
        sets.add(code, values)


def measure(
    pairs: I64, sets: ShingleSets | Mapping[int, U32]
) -> tuple[F64, F64, npt.NDArray[np.int64]]:
    """Exact Jaccard, containment (of the smaller set) and smaller set size of code pairs."""
    jac = np.zeros(len(pairs))
    con = np.zeros(len(pairs))
    smaller = np.zeros(len(pairs), dtype=np.int64)
    for k, (a, b) in enumerate(pairs.tolist()):
        sa, sb = sets[a], sets[b]
        inter = len(np.intersect1d(sa, sb, assume_unique=True))
        union = len(sa) + len(sb) - inter
        small = min(len(sa), len(sb))
        jac[k] = inter / union if union else 1.0
        con[k] = inter / small if small else 1.0
        smaller[k] = small
    return jac, con, smaller
