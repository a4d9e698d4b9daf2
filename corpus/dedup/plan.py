"""Phase one of dedup: every article's fate, decided from fingerprints (and, for candidate
pairs only, exact shingle sets), keyed by record key.

1. **Same URL** (normalized): the newest copy represents the URL; older copies are re-scrapes
   (``same_url``, same body) or revisions (``superseded_revision``). A URL already published
   stays with the published row (published versions are never changed).
2. **Content**: one node per distinct body (its earliest, then longest copy). LSH band keys
   propose node pairs, the estimate drops hopeless ones, the rest are decided on exact shingle
   sets (``verify``). Nodes are visited in the base order -- earliest published, publisher
   priority, input order -- and each joins the first survivor it is itself verified against
   (never a survivor's duplicate: A~B~C chains do not merge A and C); a node verified against
   a published article is its duplicate.
3. **Fuller text survives**: when a member of a cluster contains its survivor (at least
   ``containment`` of the survivor's shingles) and adds to it (>= 10% and >= 10 more
   shingles), it becomes the survivor; the former survivor and the members verified against
   it point to it, the others keep pointing at the article they were compared with.
4. **Clusters**: every duplicate's ``cluster_id`` is the article its chain of targets ends at.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from corpus.config import Config
from corpus.dedup.candidates import band_pairs
from corpus.dedup.clusters import Edges, cluster_of, greedy, promote
from corpus.dedup.fingerprints import Fingerprints, record_key
from corpus.dedup.index import DedupIndex
from corpus.dedup.judge import Judge, LocalJudge, Texts, sizes_of
from corpus.dedup.minhash import I64, among
from corpus.dedup.verify import DedupError, Rule
from corpus.executor import default_workers
from corpus.records import Article

log = logging.getLogger(__name__)

# Reasons, in the order of the plan's ``kind`` codes (0 = survivor).
REASONS = ("unique", "exact", "near", "same_url", "superseded_revision")
_UNIQUE, _EXACT, _NEAR, _SAME_URL, _REVISION = range(5)
#: A member "adds to" the survivor it contains when it has this share more shingles ...
FULLER_SHARE = 0.10
#: ... and at least this many more (an edited copy adds a few; an update adds paragraphs).
FULLER_MIN = 10


@dataclass(frozen=True, slots=True)
class DedupSettings:
    """Dedup's slice of the configuration."""

    threshold: float = 0.8
    containment: float = 0.8
    ngram: int = 3
    publisher_priority: tuple[str, ...] = ()
    threads: int = 1  # band partitions worked out in parallel (the result is the same)

    @classmethod
    def of(cls, cfg: Config) -> DedupSettings:
        """The dedup settings of a run's config."""
        return cls(
            cfg.dedup_threshold,
            cfg.dedup_containment,
            cfg.dedup_ngram,
            tuple(cfg.dedup_publisher_priority),
            cfg.workers or default_workers(),
        )


@dataclass(frozen=True, slots=True)
class Keep:
    """The article stays; how many duplicates it absorbed in this run, and from where."""

    duplicate_count: int = 0
    also_seen_at: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DuplicateOf:
    """The article goes to ``duplicates/``."""

    duplicate_of: str
    cluster_id: str
    reason: str
    similarity: float  # exact Jaccard of the word shingles (1.0 for the same body)


Fate = Keep | DuplicateOf


@dataclass(frozen=True, slots=True)
class Plan:
    """Every article's fate, by record key (``fingerprints.record_key``)."""

    keys: npt.NDArray[np.bytes_]  # input order
    kind: npt.NDArray[np.int8]  # index into REASONS
    target: I64  # ordinal, or -row-1 for a published row
    cluster: I64
    similarity: npt.NDArray[np.float32]
    count: npt.NDArray[np.int32]
    seen_at: dict[int, tuple[str, ...]]
    names: dict[int, str]  # target/cluster code -> article id
    order: I64 = field(repr=False)  # argsort of keys
    pairs_checked: int = 0  # candidate pairs decided on exact shingle sets (for reports)
    sets_read: int = 0  # shingle sets materialized for them

    def __len__(self) -> int:
        return len(self.keys)

    def position(self, key: bytes) -> int:
        """The row of a record key; ``DedupError`` when the plan does not know it."""
        at = int(np.searchsorted(self.keys, key, sorter=self.order))
        if at < len(self.keys) and self.keys[self.order[at]] == key:
            return int(self.order[at])
        raise DedupError(f"record key {key.hex()} is not in the dedup plan")

    def fate_at(self, row: int) -> Fate:
        """The fate of a row."""
        k = int(self.kind[row])
        if k == _UNIQUE:
            return Keep(int(self.count[row]), self.seen_at.get(row, ()))
        return DuplicateOf(
            self.names[int(self.target[row])],
            self.names[int(self.cluster[row])],
            REASONS[k],
            round(float(self.similarity[row]), 4),
        )

    def fate(self, article: Article) -> Fate:
        """The fate of an article."""
        return self.fate_at(self.position(record_key(article)))

    def share(self, start: int, stop: int) -> tuple[tuple[bytes, ...], tuple[Fate, ...]]:
        """The record keys and fates of rows ``start:stop`` (a stretch of the input, in order)."""
        return (
            tuple(self.keys[start:stop].tolist()),
            tuple(self.fate_at(row) for row in range(start, stop)),
        )

    def kept(self) -> I64:
        """Ordinals of the survivors (what the index adds)."""
        return np.flatnonzero(self.kind == _UNIQUE).astype(np.int64)

    def reasons(self) -> dict[str, int]:
        """Articles per reason."""
        counts = np.bincount(self.kind, minlength=len(REASONS))
        return {r: int(c) for r, c in zip(REASONS, counts, strict=True) if c}


# --------------------------------------------------------------------------- planning


def plan(
    fps: Fingerprints,
    index: DedupIndex,
    settings: DedupSettings,
    texts: Texts | None = None,
    *,
    judge: Judge | None = None,
) -> Plan:
    """Decide every article's fate (see the module docstring); ``index`` is not changed.

    Pairs are measured by ``judge`` (default: a ``LocalJudge`` over ``texts``)."""
    index.check(settings.ngram)
    if judge is None:
        if texts is None:
            raise TypeError("plan() needs the run's texts or a judge")
        judge = LocalJudge(fps, index, texts, settings.ngram)
    n = len(fps)
    kind = np.zeros(n, dtype=np.int8)
    target = np.arange(n, dtype=np.int64)
    sim = np.ones(n, dtype=np.float32)
    revisions = _by_url(fps, index, kind, target)
    g = _content_graph(fps, index, kind, settings, judge)
    rule = Rule(settings.threshold, settings.containment)
    try:
        judge.prepare((revisions, g.pairs, g.old_pairs))
        edges, old_edges, old_match = _verify(fps, index, g, judge, rule)
        joined = greedy(g.position, edges, old_match)
        fuller_rule = (settings.containment, FULLER_SHARE, FULLER_MIN)
        promote(joined, g.position, edges, fps.size, fuller_rule)
        _assign(fps, index, g, joined, (edges, old_edges), (kind, target, sim))
        if len(revisions):
            sim[revisions[:, 0]] = judge.measure(revisions)[0]
        checked = len(g.pairs) + len(g.old_pairs) + len(revisions)
        read = int(getattr(judge, "sets_read", 0))
    finally:
        judge.close()
    log.info("dedup: %d pairs checked on exact shingle sets (%d sets read)", checked, read)
    return replace(_finish(fps, index, kind, target, sim), pairs_checked=checked, sets_read=read)


def _by_url(fps: Fingerprints, index: DedupIndex, kind: np.ndarray, target: I64) -> I64:
    """Same-URL decisions (in place); returns the (article, code) pairs of revisions, whose
    similarity is still to be measured."""
    ordinals = np.arange(len(fps), dtype=np.int64)
    with_url = ordinals[fps.url != 0]
    # the newest copy represents the URL; unknown dates count as oldest, then input order
    when = np.where(np.isinf(fps.when), -np.inf, fps.when)
    order = with_url[np.lexsort((with_url, when[with_url], fps.url[with_url]))]
    pairs = [np.zeros((0, 2), dtype=np.int64)]
    if len(order):
        last = np.ones(len(order), dtype=bool)
        last[:-1] = fps.url[order[1:]] != fps.url[order[:-1]]
        group_end = np.flatnonzero(last)
        rep = order[group_end[np.searchsorted(group_end, np.arange(len(order)))]]
        older = order != rep
        o, r = order[older], rep[older]
        target[o] = r
        same = fps.exact[o] == fps.exact[r]
        kind[o] = np.where(same, _SAME_URL, _REVISION)
        pairs.append(np.stack([o[~same], r[~same]], axis=1))
    rest = ordinals[kind == _UNIQUE]
    for m, row in sorted(index.match_url(fps.url, rest).items()):
        same = bool(fps.exact[m] == index.exact[row])
        kind[m], target[m] = (_SAME_URL if same else _REVISION), -row - 1
        if not same:
            pairs.append(np.array([[m, -row - 1]], dtype=np.int64))
    return np.concatenate(pairs)


@dataclass(frozen=True, slots=True)
class _Graph:
    """The content step's nodes and plausible candidate pairs."""

    rest: I64  # articles left after the URL step
    node_of: I64  # article -> its body's best copy (-1 outside ``rest``)
    position: I64  # node -> place in the base order (len(fps) for non-nodes)
    pairs: I64  # plausible node pairs (a < b)
    old_pairs: I64  # plausible (node, -row - 1) pairs with published rows
    old_exact: dict[int, int]  # node -> published row with the same body


def _content_graph(
    fps: Fingerprints, index: DedupIndex, kind: np.ndarray, settings: DedupSettings, judge: Judge
) -> _Graph:
    """Nodes (one per distinct body) in the base order, and their plausible candidate pairs."""
    n = len(fps)
    rest = np.flatnonzero(kind == _UNIQUE).astype(np.int64)
    rank = {p: i for i, p in enumerate(settings.publisher_priority)}
    pub_rank = np.array([rank.get(p, len(rank)) for p in fps.publishers], np.int64)
    pub_rank = pub_rank[fps.publisher] if n else np.zeros(0, np.int64)
    # among copies of one body, the earliest, then the longest raw text, represents it
    by_copy = rest[np.lexsort((rest, pub_rank[rest], -fps.length[rest], fps.when[rest]))]
    _, first, group = np.unique(fps.exact[by_copy], return_index=True, return_inverse=True)
    node_of = np.full(n, -1, dtype=np.int64)
    node_of[by_copy] = by_copy[first[group]]
    nodes = np.sort(by_copy[first])
    in_order = nodes[np.lexsort((nodes, pub_rank[nodes], fps.when[nodes]))]
    position = np.full(n, n, dtype=np.int64)
    position[in_order] = np.arange(len(in_order))
    rule = Rule(settings.threshold, settings.containment)
    pairs = band_pairs(fps.bands, nodes, settings.threads)
    pairs = pairs[_plausible(fps, index, pairs, rule, judge)]
    old_exact = index.match_exact(fps.exact, nodes)
    searched = nodes[~among(nodes, np.fromiter(old_exact, np.int64, len(old_exact)))]
    old = index.band_pairs(fps.bands, searched, settings.threads)
    old[:, 1] = -old[:, 1] - 1
    old = old[_plausible(fps, index, old, rule, judge)]
    return _Graph(rest, node_of, position, pairs, old, old_exact)


def _smaller(fps: Fingerprints, index: DedupIndex, pairs: I64) -> npt.NDArray[np.int64]:
    return np.minimum(sizes_of(fps, index, pairs[:, 0]), sizes_of(fps, index, pairs[:, 1]))


def _plausible(
    fps: Fingerprints, index: DedupIndex, pairs: I64, rule: Rule, judge: Judge
) -> npt.NDArray[np.bool_]:
    return rule.plausible(judge.estimate(pairs), _smaller(fps, index, pairs))


def _verify(
    fps: Fingerprints, index: DedupIndex, g: _Graph, judge: Judge, rule: Rule
) -> tuple[Edges, dict[tuple[int, int], float], dict[int, int]]:
    """Verified node pairs, verified (node, published code) pairs with their Jaccard, and
    node -> the published row it duplicates (the first such row)."""
    edges: Edges = {}
    if len(g.pairs):
        jac, con = judge.measure(g.pairs)
        ok = rule.holds(jac, con, _smaller(fps, index, g.pairs))
        for (a, b), j, c in zip(g.pairs[ok].tolist(), jac[ok], con[ok], strict=True):
            edges[(a, b)] = (float(j), float(c))
    old_edges = {(m, -row - 1): 1.0 for m, row in g.old_exact.items()}
    old_match = dict(g.old_exact)
    if len(g.old_pairs):
        jac, con = judge.measure(g.old_pairs)
        ok = rule.holds(jac, con, _smaller(fps, index, g.old_pairs))
        for (m, code), j in zip(g.old_pairs[ok].tolist(), jac[ok], strict=True):
            old_edges[(m, code)] = float(j)
            old_match[m] = min(-code - 1, old_match.get(m, -code - 1))
    return edges, old_edges, old_match


def _assign(
    fps: Fingerprints,
    index: DedupIndex,
    g: _Graph,
    joined: dict[int, int],
    edges: tuple[Edges, dict[tuple[int, int], float]],
    out: tuple[np.ndarray, I64, np.ndarray],
) -> None:
    """Write the content step's targets, reasons and similarities into ``out`` (in place)."""
    kind, target, sim = out
    new_edges, old_edges = edges
    final = np.arange(len(fps), dtype=np.int64)  # node -> itself, the node it joins, or -row-1
    for m, to in joined.items():
        final[m] = to
    t = final[g.node_of[g.rest]]
    moved = t != g.rest
    members, t = g.rest[moved], t[moved]
    target[members] = t
    other = np.zeros(len(t), dtype=np.uint64)
    other[t >= 0] = fps.exact[t[t >= 0]]
    other[t < 0] = index.exact[-t[t < 0] - 1]
    same = fps.exact[members] == other
    kind[members] = np.where(same, _EXACT, _NEAR)
    for m, tt in zip(members[~same].tolist(), t[~same].tolist(), strict=True):
        node = int(g.node_of[m])
        if tt >= 0:
            sim[m] = new_edges[(min(node, tt), max(node, tt))][0]
        else:
            sim[m] = old_edges[(node, tt)]


def _finish(
    fps: Fingerprints, index: DedupIndex, kind: np.ndarray, target: I64, sim: np.ndarray
) -> Plan:
    """Clusters, survivor counts, names of every target; the plan."""
    n = len(fps)
    survives = kind == _UNIQUE
    cluster = cluster_of(target, survives)
    count = np.zeros(n, dtype=np.int32)
    seen: dict[int, set[str]] = {}
    dups = np.flatnonzero(~survives)
    for m, c in zip(dups.tolist(), cluster[dups].tolist(), strict=True):
        if c >= 0:
            count[c] += 1
            seen.setdefault(c, set()).add(fps.publisher_of(m))
    seen_at = {
        c: tuple(sorted(p for p in ps if p and p != fps.publisher_of(c))) for c, ps in seen.items()
    }
    codes = np.unique(np.concatenate([target[dups], cluster[dups]]))
    names = {c: (fps.ids[c].decode() if c >= 0 else index.id(-c - 1)) for c in codes.tolist()}
    order = np.argsort(fps.keys, kind="stable").astype(np.int64)
    ordered = fps.keys[order]
    twice = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(twice):
        row = int(order[twice[0]])
        raise DedupError(
            f"article {fps.ids[row].decode()} is in the fingerprints twice (same raw record)"
        )
    return Plan(fps.keys, kind, target, cluster, sim, count, seen_at, names, order)
