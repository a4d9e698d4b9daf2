"""Candidate pairs from LSH band keys: each band is a partition of its own.

A band's buckets (articles with the same key in that band) are worked out independently, in
parallel threads here (numpy's sorting releases the GIL) and, later, in parallel tasks of a
cluster; the bands' pairs are merged in band order, so the result never depends on the number
of threads or tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from corpus.dedup.minhash import I64, U32

#: Buckets up to this size give every pair; bigger ones (boilerplate-like bodies) stay linear.
SMALL_BUCKET = 32


def by_band(pairs_in_band: Callable[[int], I64], bands: int, threads: int) -> I64:
    """The pairs of every band, concatenated in band order, whatever ``threads`` is."""
    if threads <= 1:
        found = [pairs_in_band(j) for j in range(bands)]
    else:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="dedup-band") as pool:
            found = list(pool.map(pairs_in_band, range(bands)))
    found = [f for f in found if len(f)]
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.concatenate(found)


def band_pairs(bands: U32, members: I64, threads: int = 1) -> I64:
    """Candidate pairs (ordinals, sorted, unique) among ``members`` sharing a band key: all
    pairs of a small bucket; in a big one, each member with the bucket's first and its
    neighbour."""

    def in_band(j: int) -> I64:
        keys = bands[members, j]
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        same = np.flatnonzero(sk[1:] == sk[:-1]) + 1
        if not len(same):
            return np.zeros((0, 2), dtype=np.int64)
        is_start = np.ones(len(sk), dtype=bool)
        is_start[same] = False
        start = np.maximum.accumulate(np.where(is_start, np.arange(len(sk)), 0))
        m = members[order]
        found = [
            np.stack([m[start[same]], m[same]], axis=1),
            np.stack([m[same - 1], m[same]], axis=1),
        ]
        size = np.diff(np.append(np.flatnonzero(is_start), len(sk)))
        small = (size >= 3) & (size <= SMALL_BUCKET)
        for s0, k in zip(
            np.flatnonzero(is_start)[small].tolist(), size[small].tolist(), strict=True
        ):
            bucket = m[s0 : s0 + k]
            left, right = np.triu_indices(k, 1)
            found.append(np.stack([bucket[left], bucket[right]], axis=1))
        return np.concatenate(found).astype(np.int64)

    pairs = by_band(in_band, bands.shape[1], threads)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs.sort(axis=1)
    return np.unique(pairs, axis=0)


def cross_band_pairs(bands: U32, members: I64, other: U32, threads: int = 1) -> I64:
    """Candidate pairs (member, row of ``other``) sharing a band key, sorted and unique."""

    def in_band(j: int) -> I64:
        keys = bands[members, j]
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        theirs = other[:, j]
        pos = np.searchsorted(sk, theirs)
        pos_ok = np.minimum(pos, len(sk) - 1)
        hit = np.flatnonzero((pos < len(sk)) & (sk[pos_ok] == theirs))
        return np.stack([members[order[pos_ok[hit]]], hit], axis=1).astype(np.int64)

    if not len(members) or not len(other):
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(by_band(in_band, bands.shape[1], threads), axis=0)


def match_sorted(new_vals: np.ndarray, members: I64, old_vals: np.ndarray) -> dict[int, int]:
    """For members whose (non-zero) value occurs in ``old_vals``: member -> first such row."""
    if not len(members) or not len(old_vals):
        return {}
    rows = np.argsort(old_vals, kind="stable")  # equal values keep row order: first is lowest
    ordered = old_vals[rows]
    vals = new_vals[members]
    pos = np.minimum(np.searchsorted(ordered, vals), len(ordered) - 1)
    hit = (ordered[pos] == vals) & (vals != 0)
    return dict(zip(members[hit].tolist(), rows[pos[hit]].tolist(), strict=True))
