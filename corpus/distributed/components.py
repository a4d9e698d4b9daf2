"""Dedup's key graph cut into connected components, and the components packed into plan jobs.

The nodes are the linked articles: this run's ordinals (``>= 0``) and published index rows
(``-row - 1``); two articles sharing a URL hash or a band key are joined. ``dedup.plan``
decides within a component only: same-URL groups share the URL key; copies of one body share
every band key; candidate pairs share a band key; greedy joining, the fuller-text promotion
and cluster ids follow verified pairs, which are candidate pairs. So planning each component
apart gives every fate the whole plan gives, and components can be planned in parallel tasks.

A linking task sees one hash partition of the keys: it answers with a spanning forest of its
part of the graph (each linked node and the least node of its component there). The forests of
all partitions join into the whole graph's components (``join``): at most one pair per linked
node per partition, instead of every shared key.
"""

from __future__ import annotations

import numpy as np

from corpus.dedup.minhash import I64, U64


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
        la, lb = la[differ], lb[differ]
        low = np.minimum(la, lb)
        np.minimum.at(label, la, low)
        np.minimum.at(label, lb, low)
        while True:
            up = label[label]
            if np.array_equal(up, label):
                break
            label = up


def join(a: I64, b: I64) -> tuple[I64, I64]:
    """The nodes the edges ``(a[i], b[i])`` touch (sorted) and each one's component: the
    least node it is connected to."""
    nodes = np.unique(np.concatenate([a, b]))
    at_a, at_b = np.searchsorted(nodes, a), np.searchsorted(nodes, b)
    return nodes, nodes[labels(len(nodes), at_a, at_b)]


def forest(nodes: I64, keys: U64) -> tuple[I64, I64]:
    """The nodes that share a key with another among ``(nodes[i], keys[i])`` (sorted), and
    each one's component over those shared keys (its least connected node): members of a
    key's group are chained in node order, the chains joined."""
    order = np.lexsort((nodes, keys))
    node, key = nodes[order], keys[order]
    same = key[1:] == key[:-1]
    return join(node[:-1][same], node[1:][same])


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
