"""Clusters from verified pairs: greedy joining in the base order, then the fuller text up."""

from __future__ import annotations

import numpy as np

from corpus.dedup.minhash import I64, U32

#: Verified pair of nodes (smaller code first) -> (exact Jaccard, containment of the smaller set).
Edges = dict[tuple[int, int], tuple[float, float]]


def neighbours_of(edges: Edges) -> dict[int, list[int]]:
    """node -> nodes it has a verified pair with."""
    out: dict[int, list[int]] = {}
    for a, b in sorted(edges):
        out.setdefault(a, []).append(b)
        out.setdefault(b, []).append(a)
    return out


def greedy(position: I64, edges: Edges, old_match: dict[int, int]) -> dict[int, int]:
    """node -> what it joins: a node of this run, or ``-row - 1`` for a published row.

    Nodes are visited in ``position`` order; a node verified against a published article is
    its duplicate; else it joins the best-placed survivor before it that it is verified
    against; else it survives (absent from the result).
    """
    neighbours = neighbours_of(edges)
    linked = np.array(sorted(neighbours.keys() | old_match.keys()), dtype=np.int64)
    joined: dict[int, int] = {}
    for m in linked[np.argsort(position[linked], kind="stable")].tolist():
        if m in old_match:
            joined[m] = -old_match[m] - 1
            continue
        kept = [y for y in neighbours.get(m, ()) if y not in joined and position[y] < position[m]]
        if kept:
            joined[m] = min(kept, key=lambda y: int(position[y]))
    return joined


def fuller(
    m: int, s: int, edges: Edges, size: U32, containment: float, share: float, least: int
) -> bool:
    """Whether node ``m`` contains node ``s`` and adds to it."""
    pair = edges.get((min(m, s), max(m, s)))
    if pair is None:
        return False
    small, big = int(size[s]), int(size[m])
    return big >= small + max(least, share * small) and pair[1] >= containment


def promote(
    joined: dict[int, int],
    position: I64,
    edges: Edges,
    size: U32,
    rule: tuple[float, float, int],
) -> None:
    """Make a member that contains its survivor and adds to it the survivor (in place).

    ``rule`` = (containment, share, least). Repeated while a member is fuller than the current
    survivor; every step raises the survivor's size, so it ends.
    """
    containment, share, least = rule
    members: dict[int, list[int]] = {}
    for m, s in sorted(joined.items()):
        if s >= 0:
            members.setdefault(s, []).append(m)
    for s in sorted(members, key=lambda x: int(position[x])):
        current, cluster = s, set(members[s])
        while True:
            better = [
                m for m in cluster if fuller(m, current, edges, size, containment, share, least)
            ]
            if not better:
                break
            best = max(better, key=lambda m: (int(size[m]), -int(position[m])))
            del joined[best]
            joined[current] = best
            for m in sorted(cluster - {best}):
                if joined.get(m) == current and (min(m, best), max(m, best)) in edges:
                    joined[m] = best
            cluster.discard(best)
            cluster.add(current)
            current = best


def cluster_of(target: I64, survives: np.ndarray) -> I64:
    """Follow each row's target until an article that stays (or a published row, < 0)."""
    cluster = target.copy()
    for _ in range(len(target) + 1):
        inner = cluster >= 0
        step = inner.copy()
        step[inner] = ~survives[cluster[inner]]
        if not step.any():
            return cluster
        cluster[step] = target[cluster[step]]
    raise AssertionError("dedup targets form a cycle")
