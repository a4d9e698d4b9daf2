"""The key graph's components (``corpus.distributed.components``): the numpy union-find agrees
with a breadth-first search, partition forests join into the whole graph's components, and the
packing keeps components whole, in jobs of about the same size."""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest

from corpus.distributed import components


def _reference(count: int, a: list[int], b: list[int]) -> list[int]:
    """Each node's least connected node, by breadth-first search."""
    near: dict[int, list[int]] = {}
    for x, y in zip(a, b, strict=True):
        near.setdefault(x, []).append(y)
        near.setdefault(y, []).append(x)
    out = [-1] * count
    for start in range(count):
        if out[start] >= 0:
            continue
        seen, todo = {start}, deque([start])
        while todo:
            for y in near.get(todo.popleft(), ()):
                if y not in seen:
                    seen.add(y)
                    todo.append(y)
        for x in seen:
            out[x] = min(seen)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_labels_agree_with_a_search(seed: int) -> None:
    rnd = np.random.default_rng(seed)
    count = int(rnd.integers(1, 400))
    edges = int(rnd.integers(0, count * 2))
    a, b = rnd.integers(0, count, edges), rnd.integers(0, count, edges)
    got = components.labels(count, a.astype(np.int64), b.astype(np.int64))
    assert got.tolist() == _reference(count, a.tolist(), b.tolist())


def test_a_long_path_in_any_order_is_one_component() -> None:
    rnd = np.random.default_rng(7)
    order = rnd.permutation(5_000).astype(np.int64)
    got = components.labels(len(order), order[:-1], order[1:])
    assert (got == 0).all()


def test_partition_forests_join_into_the_key_graphs_components() -> None:
    """Nodes (published ones negative) with random keys; the keys are split into partitions,
    each partition's forest is made alone, and their join gives the components of the graph
    where every two nodes sharing a key are connected."""
    rnd = np.random.default_rng(3)
    nodes = rnd.integers(-50, 300, 2_000).astype(np.int64)
    keys = rnd.integers(0, 900, 2_000).astype(np.uint64)
    pairs = np.unique(np.stack([nodes, keys.astype(np.int64)], 1), axis=0)
    nodes, keys = pairs[:, 0], pairs[:, 1].astype(np.uint64)
    a, b = [], []
    for part in range(4):
        mine = keys % np.uint64(4) == part
        got, least = components.forest(nodes[mine], keys[mine])
        assert (least <= got).all() and np.isin(least, got).all()
        a.append(got)
        b.append(least)
    joined, least = components.join(np.concatenate(a), np.concatenate(b))
    # the reference: every pair of nodes sharing a key, over compact ids
    ids = np.unique(nodes)
    x, y = [], []
    for key in np.unique(keys).tolist():
        members = np.searchsorted(ids, np.unique(nodes[keys == key])).tolist()
        x.extend(members[:1] * (len(members) - 1))
        y.extend(members[1:])
    want = np.array(_reference(len(ids), x, y))
    linked = np.flatnonzero(np.bincount(np.array(x + y, np.int64), minlength=len(ids)) > 0)
    assert joined.tolist() == ids[linked].tolist()  # the nodes sharing a key, no other
    assert least.tolist() == ids[want[linked]].tolist()


@pytest.mark.parametrize("seed", range(4))
def test_link_takes_the_published_pairs_whose_key_a_new_article_has(seed: int) -> None:
    """``link`` is the forest of the new pairs and the published pairs sharing a key with
    a new one; a published key no new article has joins nothing, even published rows."""
    rnd = np.random.default_rng(seed)
    ordinals = rnd.integers(0, 200, 600).astype(np.int64)
    keys = rnd.integers(0, 500, 600).astype(np.uint64)
    old_rows = rnd.integers(0, 300, 900).astype(np.int64)
    old_keys = rnd.integers(0, 1_000, 900).astype(np.uint64)
    got, least = components.link(ordinals, keys, old_rows, old_keys)
    mine = np.isin(old_keys, keys)
    want = components.forest(
        np.concatenate([ordinals, -old_rows[mine] - 1]), np.concatenate([keys, old_keys[mine]])
    )
    assert got.tolist() == want[0].tolist() and least.tolist() == want[1].tolist()
    assert (got < 0).any()  # published rows were linked
    unshared = old_rows[~np.isin(old_keys, keys)]
    only_old = np.setdiff1d(-unshared - 1, -old_rows[mine] - 1)
    assert not np.isin(only_old, got).any()
    alone = components.link(ordinals, keys, old_rows[:0], old_keys[:0])
    assert [x.tolist() for x in alone] == [x.tolist() for x in components.forest(ordinals, keys)]


@pytest.mark.parametrize(
    ("size", "limit", "least"),
    [
        ([2] * 40, 10, 1),
        ([2] * 40, 1_000, 3),
        ([60, *([1] * 40)], 1_000, 4),
        ([5, 3, 9, 1, 1, 2, 30, 2, 2, 8], 12, 2),
        ([3, 3], 1, 8),
        ([7], 1, 1),
    ],
)
def test_packing_keeps_components_whole_in_even_jobs(
    size: list[int], limit: int, least: int
) -> None:
    sizes = np.array(size, np.int64)
    job = components.pack(sizes, limit, least)
    jobs = int(job.max()) + 1
    assert sorted(set(job.tolist())) == list(range(jobs))  # numbered from 0, none empty
    total, want = int(sizes.sum()), max(least, -(-int(sizes.sum()) // limit))
    assert jobs >= min(len(sizes), want) - int((sizes >= total / min(len(sizes), want)).sum())
    assert jobs <= min(len(sizes), want)
    load = np.bincount(job, weights=sizes)
    share = total / min(len(sizes), want)
    for j in range(jobs):
        held = sizes[job == j]
        # a component at least a share is alone; others fill up to a share plus one component
        assert len(held) == 1 or load[j] <= share + held.max()
    assert job[int(np.argmax(sizes))] == 0


def test_packing_nothing() -> None:
    assert components.pack(np.zeros(0, np.int64), 10, 2).tolist() == []


def test_the_driver_folds_forests_as_they_come_into_the_same_components() -> None:
    rnd = np.random.default_rng(11)
    forests = []
    for _ in range(9):
        nodes = rnd.integers(-30, 500, 300).astype(np.int64)
        keys = rnd.integers(0, 400, 300).astype(np.uint64)
        forests.append(components.forest(nodes, keys))
    whole = components.join(
        np.concatenate([f[0] for f in forests]), np.concatenate([f[1] for f in forests])
    )
    folded = components.fold(iter(forests))
    assert folded[0].tolist() == whole[0].tolist()
    assert folded[1].tolist() == whole[1].tolist()
    assert [a.tolist() for a in components.fold(iter([]))] == [[], []]


def test_plan_jobs_hold_whole_components_sorted() -> None:
    rnd = np.random.default_rng(5)
    nodes, least = components.forest(
        rnd.integers(-40, 600, 900).astype(np.int64), rnd.integers(0, 700, 900).astype(np.uint64)
    )
    jobs = components.jobs(nodes, least, limit=25, least=2)
    assert len(jobs) > 5
    held = {}
    for j, (new, old, _) in enumerate(jobs):
        assert (np.diff(new) > 0).all() and (np.diff(old) > 0).all() and (old >= 0).all()
        for code in [*new.tolist(), *(-old - 1).tolist()]:
            held[code] = j
    assert sorted(held) == nodes.tolist()  # every linked article in exactly one job
    component_job: dict[int, int] = {}
    for node, c in zip(nodes.tolist(), least.tolist(), strict=True):
        assert component_job.setdefault(c, held[node]) == held[node]  # components whole
    assert sum(c for _, _, c in jobs) == len(component_job)
