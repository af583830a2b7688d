"""Clustering accepted links into people, guarded against chaining.

Most connected components are clean - every record agrees on who the person is - and are taken
as they are (connected components in numpy: a million nodes in well under a second). Components
that hold contradicting evidence (two birth dates no typo explains, clearly different first
names), a must-not-link pair or too many records are rebuilt greedily instead: strongest link
first, and a link is refused when it would join contradicting records. Two people joined only
through a shared phone thus come apart, while typo variants of one person still merge.
"""


import numpy as np
import pandas as pd

from customer_unification.lib.matching.conflicts import Evidence

MUST_LINK_WEIGHT = float("inf")


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


def rebuild(nodes: pd.DataFrame, edges: pd.DataFrame, cannot_link: set[tuple[int, int]],
            supported: set[tuple[int, int]], *, max_size: int
            ) -> tuple[dict[int, int], list[tuple], set[tuple[int, int]]]:
    """Greedy constrained clustering of one or more suspect components.

    nodes: nid, fn, fn_canon, ln, dob, byear. edges: l, r, weight, link (strongest first wins).
    supported: record pairs (l < r) allowed to contradict each other because their own comparison
    favours a match (see Clustering.conflict_tolerance_bits); any other contradiction is refused,
    whether the link is direct or a chain.
    Returns nid -> smallest nid of its cluster, the refused links (l, r, link, reason) and the
    conflicting record pairs that caused refusals without being in `supported`.
    """
    position = {nid: i for i, nid in enumerate(nodes["nid"].tolist())}
    evidence = [Evidence(*row) for row in
                nodes[["nid", "fn", "fn_canon", "ln", "dob", "byear"]].itertuples(index=False, name=None)]
    # must-not-link as signed tags: a cluster holding +t can never absorb one holding -t
    tags: list[set[int]] = [set() for _ in position]
    for t, (a, b) in enumerate(sorted(cannot_link), start=1):
        if a in position and b in position:
            tags[position[a]].add(t)
            tags[position[b]].add(-t)
    uf = _UnionFind(len(position))
    refused, unsupported = [], set()
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
            else:
                blocking_pair = next((pair for pair in evidence[a].conflicting_pairs(evidence[b])
                                      if pair not in supported), None)
                if blocking_pair:
                    reason = "would join records with conflicting names or birth dates that do not match each other"
                    unsupported.add(blocking_pair)
            if reason:
                refused.append((l, r, link, reason))
                continue
        root = uf.union(a, b)
        other = b if root == a else a
        evidence[root].absorb(evidence[other])
        tags[root] |= tags[other]
    nid_list = nodes["nid"].tolist()
    root_min: dict[int, int] = {}
    for i, nid in enumerate(nid_list):
        root = uf.find(i)
        root_min[root] = min(root_min.get(root, nid), nid)
    return {nid: root_min[uf.find(i)] for i, nid in enumerate(nid_list)}, refused, unsupported
