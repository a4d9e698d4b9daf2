"""Dedup's key graph cut into connected components, and the components packed into plan jobs.

The nodes are the linked articles: this run's ordinals (``>= 0``) and published index rows
(``-row - 1``); two articles sharing a URL hash or a band key are joined. ``dedup.plan``
decides within a component only: same-URL groups share the URL key; copies of one body share
every band key; candidate pairs share a band key; greedy joining, the fuller-text promotion
and cluster ids follow verified pairs, which are candidate pairs. So planning each component
apart gives every fate the whole plan gives, and components can be planned in parallel tasks.

A linking task sees one hash partition of the keys: it answers with a spanning forest of its
part of the graph (each linked node and the least node of its component there). The forests
of all partitions fold into the whole graph's components (``fold``, in the cut task): at most
one pair per linked node per partition, instead of every shared key.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np

from corpus.dedup.minhash import I64, U64, among


def labels(count: int, a: I64, b: I64) -> I64:
    """For nodes ``0 .. count - 1`` joined by edges ``(a[i], b[i])``: each node's least
    connected node. Union-find in numpy: each round hooks every root onto the least root
    across its edges, then halves paths until every label is a root; roots only decrease, so
    each round merges at least two trees until the edges agree."""
    label = np.arange(count, dtype=np.int64)
    while True:
        la, lb = label[a], label[b]
        differ = la != lb
        if not differ.any():
            return label
        # an edge whose ends agree stays so (trees only merge): the next round skips it
        a, b, la, lb = a[differ], b[differ], la[differ], lb[differ]
        low = np.minimum(la, lb)
        np.minimum.at(label, la, low)
        np.minimum.at(label, lb, low)
        while True:
            up = label[label]
            if np.array_equal(up, label):
                break
            label = up


def compact(values: I64) -> tuple[I64, I64]:
    """The sorted distinct values, and each value's place among them. By a sort: numpy 2.4's
    ``np.unique`` of int64 without ``return_*`` takes a hash-table path measured ~30x slower
    (14 s vs 0.5 s for 800k values), and ``searchsorted`` of scattered values ~5x slower."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    place = np.empty(len(values), np.int64)
    place[order] = np.cumsum(first) - 1
    return ordered[first], place


def join(a: I64, b: I64) -> tuple[I64, I64]:
    """The nodes the edges ``(a[i], b[i])`` touch (sorted) and each one's component: the
    least node it is connected to."""
    nodes, place = compact(np.concatenate([a, b]))
    return nodes, nodes[labels(len(nodes), place[: len(a)], place[len(a) :])]


def forest(nodes: I64, keys: U64) -> tuple[I64, I64]:
    """The nodes that share a key with another among ``(nodes[i], keys[i])`` (sorted), and
    each one's component over those shared keys (its least connected node): members of a
    key's group are chained in node order, the chains joined."""
    order = np.lexsort((nodes, keys))
    node, key = nodes[order], keys[order]
    same = key[1:] == key[:-1]
    return join(node[:-1][same], node[1:][same])


def link(ordinals: I64, keys: U64, old_rows: I64, old_keys: U64) -> tuple[I64, I64]:
    """``forest`` of one partition's (row, key) pairs: this run's articles' (``ordinals``,
    ``keys``) and the published index's (``old_rows``, ``old_keys``) whose key one of this
    run's articles has (a published key no new article has links nothing), published rows
    as ``-row - 1``."""
    if len(old_keys):
        mine = among(old_keys, keys)
        ordinals = np.concatenate([ordinals, -old_rows[mine] - 1])
        keys = np.concatenate([keys, old_keys[mine]])
    return forest(ordinals, keys)


def pack(size: I64, limit: int, least: int) -> I64:
    """The plan job of each component of ``size`` articles: about ``total / jobs`` articles a
    job, with ``jobs = max(least, ceil(total / limit))``, no more than the components. A
    component of that size or more is a job of its own (a component is never cut); the others,
    biggest first, fill the remaining jobs in turn by their running total. A job holds at most
    its share plus its biggest component. Jobs are numbered from 0, the biggest first."""
    total = int(size.sum())
    if not len(size):
        return np.zeros(0, np.int64)
    jobs = min(len(size), max(least, 1, -(-total // max(limit, 1))))
    order = np.argsort(-size, kind="stable")
    ranked = size[order]
    alone = int(np.count_nonzero(ranked >= total / jobs))
    job = np.arange(len(size), dtype=np.int64)  # ranked position -> job (alone: its own)
    rest, left = ranked[alone:], max(jobs - alone, 1)
    if len(rest):
        start = np.cumsum(rest) - rest
        job[alone:] = alone + (start * left) // max(int(rest.sum()), 1)
    out = np.empty(len(size), np.int64)
    out[order] = np.unique(job, return_inverse=True)[1].reshape(-1)
    return out


def fold(forests: Iterable[tuple[I64, I64]]) -> tuple[I64, I64]:
    """The linked articles (sorted) and their components (each one's least connected node),
    from the partitions' forests (``(nodes, least)`` pairs, each a set of edges) one by one:
    folded into one forest whenever the pending ones hold as many entries as it does, so
    ~16 bytes per linked article are held a few times over, not once per partition."""
    nodes, least = np.zeros(0, np.int64), np.zeros(0, np.int64)
    pending: list[tuple[I64, I64]] = []
    held = 0
    for forest in itertools.chain(forests, [None]):
        if forest is not None:
            pending.append(forest)
            held += len(forest[0])
        if pending and (forest is None or held >= len(nodes)):
            nodes, least = join(
                np.concatenate([nodes, *(p[0] for p in pending)]),
                np.concatenate([least, *(p[1] for p in pending)]),
            )
            pending, held = [], 0
    return nodes, least


def jobs(nodes: I64, component: I64, limit: int, least: int) -> list[tuple[I64, I64, int]]:
    """The linked articles (``nodes``: ordinals, published rows as ``-row - 1``) as plan jobs
    of whole components (``pack``): each job's ordinals (sorted), published rows (sorted) and
    how many components it holds."""
    _, label, size = np.unique(component, return_inverse=True, return_counts=True)
    packed = pack(size.astype(np.int64), limit, least)
    held = np.bincount(packed)  # components per job
    job = packed[label.reshape(-1)]
    order = np.lexsort((nodes, job))
    nodes, job = nodes[order], job[order]
    cuts = np.searchsorted(job, np.arange(len(held) + 1))
    out = []
    for j in range(len(held)):
        mine = nodes[cuts[j] : cuts[j + 1]]
        out.append((mine[mine >= 0], np.sort(-mine[mine < 0] - 1), int(held[j])))
    return out
