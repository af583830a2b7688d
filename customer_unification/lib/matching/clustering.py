"""Clustering accepted links into people, guarded against chaining.

Most connected components are clean - no two records in them contradict each other - and are
taken as they are (connected components in numpy: a million nodes in well under a second).
Components holding two contradicting records (the model's evidence against them on first names
and birth dates, two members of one household, or two different first names each written on two
of the component's records: see conflicts.py), a must-not-link pair or too many records are rebuilt greedily
instead: strongest link first, and a link is refused when it would put contradicting records in
one cluster. Two people joined only through a shared phone thus come apart, while typo and
nickname variants of one person still merge.
"""


import numpy as np
import pandas as pd


MUST_LINK_WEIGHT = float("inf")
# a refusal that is the guard's positive judgement of two people, not a doubt (oversplit.py)
TWO_NAMES_APART = "would join two first names each written on two or more records (two people)"


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        return a


def connected(nids: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per node, the position of the smallest node of its connected component (positions in
    `nids`, which must be sorted; edges `left`-`right` are nids).

    Hook and jump in numpy, about as fast as scipy's connected components, without the half
    second scipy takes to import (an incremental run pays it in every process): each edge whose
    ends have different roots hangs the larger root under the smaller, then every node jumps to
    its root. A component's smallest node is never hung under another, so it ends as the root.
    """
    li, ri = np.searchsorted(nids, left), np.searchsorted(nids, right)
    root = np.arange(len(nids))
    while True:
        a, b = root[li], root[ri]
        apart = a != b
        if not apart.any():
            return root
        np.minimum.at(root, np.maximum(a[apart], b[apart]), np.minimum(a[apart], b[apart]))
        while not np.array_equal(jumped := root[root], root):
            root = jumped


def rebuild(nids: list[int], edges: pd.DataFrame, cannot_link: set[tuple[int, int]],
            contradicting: set[tuple[int, int]], *, max_size: int,
            named_apart: set[tuple[int, int]] = frozenset()) -> tuple[dict[int, int], list[tuple]]:
    """Greedy constrained clustering of one or more suspect components.

    edges: l, r, weight, link (strongest first wins). contradicting: node pairs (l < r) that must
    never share a cluster, whether linked directly or through a chain (see conflicts.py);
    named_apart: the same for the records of two first names each written twice.
    Returns nid -> smallest nid of its cluster, and the refused links (l, r, link, reason).
    """
    position = {nid: i for i, nid in enumerate(nids)}
    members: list[set[int]] = [{nid} for nid in nids]
    against: list[set[int]] = [set() for _ in nids]  # nodes some member contradicts
    apart: list[set[int]] = [set() for _ in nids]  # nodes some member is named apart from
    for pairs, sets in ((contradicting, against), (named_apart, apart)):
        for a, b in pairs:
            if a in position and b in position:
                sets[position[a]].add(b)
                sets[position[b]].add(a)
    # must-not-link as signed tags: a cluster holding +t can never absorb one holding -t
    tags: list[set[int]] = [set() for _ in nids]
    for t, (a, b) in enumerate(sorted(cannot_link), start=1):
        if a in position and b in position:
            tags[position[a]].add(t)
            tags[position[b]].add(-t)
    uf = _UnionFind(len(nids))
    refused = []
    ordered = edges.sort_values(["weight", "l", "r"], ascending=[False, True, True], kind="stable")
    for l, r, weight, link in ordered[["l", "r", "weight", "link"]].itertuples(index=False, name=None):
        a, b = uf.find(position[l]), uf.find(position[r])
        if a == b:
            continue
        if weight != MUST_LINK_WEIGHT:
            reason = None
            if any(-t in tags[b] for t in tags[a]):
                reason = "must-not-link override"
            elif uf.size[a] + uf.size[b] > max_size:
                reason = f"cluster would exceed {max_size} distinct records"
            elif not against[a].isdisjoint(members[b]):
                reason = ("would join records that contradict each other (first names, birth dates or Sr/Jr, "
                          "or two members of one household)")
            elif not apart[a].isdisjoint(members[b]):
                reason = TWO_NAMES_APART
            if reason:
                refused.append((l, r, link, reason))
                continue
        root = uf.union(a, b)
        other = b if root == a else a
        members[root] |= members[other]
        against[root] |= against[other]
        apart[root] |= apart[other]
        tags[root] |= tags[other]
    root_min: dict[int, int] = {}
    for i, nid in enumerate(nids):
        root = uf.find(i)
        root_min[root] = min(root_min.get(root, nid), nid)
    return {nid: root_min[uf.find(i)] for i, nid in enumerate(nids)}, refused
