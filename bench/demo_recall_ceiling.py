"""How much pairwise recall can ANY classifier reach on the demo estate at precision >= 0.995?

    .venv/bin/python bench/demo_recall_ceiling.py [--warehouse data/warehouse.duckdb]
                                                  [--truth data/demo/_truth/record_person.parquet]

The engine reaches ~0.997 precision / ~0.944 recall over record pairs on the demo estate; a target
asks for recall >= 0.97 at precision >= 0.995. This script measures whether that is attainable
from the evidence in the data, or whether it sits above the ceiling (namesakes: an email-only
subscriber whose address spells "isabellamartin" next to several postal Isabella Martins).

Every method links the engine's nodes (identical records collapse into one node) over the same
candidate pairs blocking proposed, plus the deterministic rule links (always accepted, right or
wrong, as the engine does), and is scored over RECORD pairs against the truth file:

1. the engine as it is;
2. an oracle that accepts every candidate pair of one true person (the blocking ceiling);
3. the Bayes-optimal classifier over the engine's comparison levels: candidate pairs with the
   same vector of levels are indistinguishable to it, so patterns are ranked by their share of
   true pairs (cross-fitted over persons; the in-sample ranking is shown too, and is optimistic);
4. a gradient-boosted classifier on richer pair features (the engine's levels and weights plus
   name frequencies and namesake counts, source systems, competing candidates, the engine's
   clusters' contents, birth years spelled in e-mails, sign-up ages...), cross-fitted so no pair
   is scored by a model that saw its label (person-disjoint folds, repeated over seeds and
   averaged), and with a guard that refuses merges of two clusters when a cross pair is a
   confident non-match; plus ablations by feature group.

Methods 3-4 accept pairs best-first and take connected components (or guarded merges); the cut
is swept over every distinct score and the best recall with precision >= 0.995 is reported. The
cut (and the guard) is chosen on the same data it is scored on, so those rows are slightly
optimistic; the scores themselves are out-of-fold. Then: what the best method still loses at that
precision, by the source composition of the smaller fragment and by its best evidence pattern;
and the rule links that join two true persons (their wrong pairs come out of every method's
error budget), with the best recall if the truth counted each such pair of persons as one.

About 4 minutes on 2 cores (DuckDB and the models are kept to one thread); `--ablation full`
(one model per feature group, in and out) takes about 10 more minutes with `--seeds 1`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # sklearn's OpenMP: leave the other core alone

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from customer_unification.lib.matching.config import load_match_config  # noqa: E402
from customer_unification.lib.matching.conflicts import Evidence, conflict_sql  # noqa: E402
from customer_unification.lib.matching.engine import match_records  # noqa: E402
from customer_unification.lib.matching.evaluate import pairwise_scores  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MIN_PRECISION = 0.995
TARGET_RECALL = 0.97
FOLDS = 5
SEED = 20261122


# ------------------------------------------------------------------ the estate and the engine run
@dataclass
class Estate:
    con: duckdb.DuckDBPyConnection  # holds the engine's cu_* temp tables
    staged: pd.DataFrame  # staging.unified_records
    records: pd.DataFrame  # record_key, nid, person, source, engine_cluster
    nodes: pd.DataFrame  # nid (sorted), person (mode), records, sources
    pairs: pd.DataFrame  # candidate node pairs: l, r, rules, g_*, tfb_*, match_weight, probability, same, person_l/r
    rule_edges: pd.DataFrame  # l, r, rule
    gamma_cols: list[str]
    engine: dict  # the engine's own pairwise scores


def load_estate(warehouse: Path, truth_path: Path) -> Estate:
    """Run the engine on a private copy of the warehouse and attach the truth to its nodes."""
    with tempfile.TemporaryDirectory(prefix="recall_ceiling_") as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copyfile(warehouse, copy)  # a concurrent writer cannot lock us out
        with duckdb.connect(str(copy), read_only=True) as src:
            staged = src.sql("SELECT * FROM staging.unified_records").df()
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.register("staged", staged)
    config = load_match_config()
    res = match_records(con, "staged", config)

    truth = pd.read_parquet(truth_path)
    truth = truth[truth["defect"] == ""].copy()
    truth["record_key"] = truth["source"] + "|" + truth["source_record_id"]
    records = con.sql("SELECT record_key, nid FROM cu_records ORDER BY rid").df()
    records = records.merge(truth[["record_key", "person_id"]], on="record_key", how="left", validate="1:1")
    missing = int(records["person_id"].isna().sum())
    if missing:
        raise SystemExit(f"{missing} staged records have no truth row")
    records = records.rename(columns={"person_id": "person"})
    records["source"] = records["record_key"].str.split("|", n=1).str[0]
    records = records.merge(res.assignments[["record_key", "cluster"]].rename(columns={"cluster": "engine_cluster"}),
                            on="record_key", validate="1:1")
    engine = pairwise_scores(records["engine_cluster"], records["person"])

    nodes = (records.groupby("nid")
             .agg(person=("person", lambda s: s.mode().iloc[0]), records=("record_key", "size"),
                  sources=("source", lambda s: "+".join(sorted(set(s)))))
             .reset_index().sort_values("nid", ignore_index=True))

    gammas = con.sql("""SELECT g.*, s.match_weight, s.match_probability AS probability
                        FROM cu_gammas g JOIN cu_scores s USING (l, r) ORDER BY l, r""").df()
    gamma_cols = [c for c in gammas.columns if c.startswith("g_")]
    person = nodes.set_index("nid")["person"]
    gammas["same"] = (person.loc[gammas["l"]].to_numpy() == person.loc[gammas["r"]].to_numpy())
    gammas["person_l"] = person.loc[gammas["l"]].to_numpy()
    gammas["person_r"] = person.loc[gammas["r"]].to_numpy()
    rule_edges = con.sql("SELECT least(l, r) AS l, greatest(l, r) AS r, rule FROM cu_rule_edges").df()
    return Estate(con, staged, records, nodes, gammas, rule_edges, gamma_cols, engine)


def person_folds(pairs: pd.DataFrame, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Person-disjoint cross-fitting: (train, test) masks per fold. Every person gets a random
    fold; a pair is scored in the fold of its left node's person, by a model trained only on
    pairs touching no person of that fold (neither side). So no pair - and no node of a person -
    is ever scored by a model that saw its label."""
    persons = np.unique(np.r_[pairs["person_l"].to_numpy(), pairs["person_r"].to_numpy()])
    fold = pd.Series(np.random.default_rng(seed).permutation(len(persons)) % FOLDS, index=persons)
    fl, fr = fold.loc[pairs["person_l"]].to_numpy(), fold.loc[pairs["person_r"]].to_numpy()
    return [((fl != k) & (fr != k), fl == k) for k in range(FOLDS)]


# ------------------------------------------------------------------ record-pair sweep over cuts
class _Clusters:
    """Union-find over nodes that keeps record-pair counts exact as clusters merge."""

    def __init__(self, estate: Estate, guard: str | None = None, cannot: set[tuple[int, int]] | None = None):
        nodes = estate.nodes
        self.nids = nodes["nid"].to_numpy()
        self.pos = {int(n): i for i, n in enumerate(self.nids)}
        n = len(self.nids)
        self.parent = list(range(n))
        self.size = nodes["records"].astype(int).tolist()
        self.persons: list[dict] = [dict() for _ in range(n)]
        for nid, person, cnt in estate.records.groupby(["nid", "person"]).size().reset_index().itertuples(index=False):
            self.persons[self.pos[int(nid)]][person] = int(cnt)
        per_person = estate.records.groupby("person").size().to_numpy()
        self.true_pairs = int((per_person * (per_person - 1) // 2).sum())
        self.predicted = sum(s * (s - 1) // 2 for s in self.size)
        self.correct = sum(c * (c - 1) // 2 for d in self.persons for c in d.values())
        self.clusters = n
        self.guard = guard or ""
        self.neg: list[set[int]] | None = None
        if cannot:
            self.neg = [set() for _ in range(n)]
            for a, b in cannot:
                ia, ib = self.pos[a], self.pos[b]
                self.neg[ia].add(ib)
                self.neg[ib].add(ia)
        self.evidence = None
        if "conflict" in self.guard:
            feats = estate.con.sql("SELECT nid, fn, fn_canon, ln, dob, byear FROM cu_nodes ORDER BY nid").df()
            feats = feats.astype(object).where(feats.notna(), None)
            self.evidence = [Evidence(*row) for row in feats.itertuples(index=False, name=None)]

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def refuses(self, a: int, b: int) -> bool:
        if self.neg is not None:
            small, other = (a, b) if len(self.neg[a]) <= len(self.neg[b]) else (b, a)
            if any(self.find(x) == other for x in self.neg[small]):
                return True
        if self.evidence is not None and next(self.evidence[a].conflicting_pairs(self.evidence[b]), None):
            return True
        return False

    def union(self, x: int, y: int, guarded: bool = True) -> bool:
        a, b = self.find(x), self.find(y)
        if a == b:
            return False
        if guarded and self.refuses(a, b):
            return False
        if self.size[a] < self.size[b]:
            a, b = b, a
        pa, pb = self.persons[a], self.persons[b]
        if len(pa) < len(pb):
            pa, pb = pb, pa
        self.correct += sum(c * pa.get(p, 0) for p, c in pb.items())
        for p, c in pb.items():
            pa[p] = pa.get(p, 0) + c
        self.persons[a], self.persons[b] = pa, {}
        self.predicted += self.size[a] * self.size[b]
        self.size[a] += self.size[b]
        self.parent[b] = a
        self.clusters -= 1
        if self.neg is not None:
            na, nb = self.neg[a], self.neg[b]
            if len(na) < len(nb):
                na, nb = nb, na
            na |= nb
            self.neg[a], self.neg[b] = na, set()
        if self.evidence is not None:
            self.evidence[a].absorb(self.evidence[b])
        return True

    def scores(self) -> tuple[float, float]:
        p = self.correct / self.predicted if self.predicted else 1.0
        return p, self.correct / self.true_pairs

    def labels(self) -> pd.Series:
        """nid -> cluster label (smallest position of its cluster's root)."""
        return pd.Series([self.find(i) for i in range(len(self.nids))], index=self.nids)


def sweep(estate: Estate, score: np.ndarray, *, guard: str | None = None, cannot_below: float | None = None,
          stop_at: float | None = None) -> tuple[pd.DataFrame, _Clusters]:
    """Accept rule links, then candidate pairs best-first; one curve row per distinct score.

    guard: None (connected components), 'nonmatch' (refuse a merge when any candidate pair across
    the two clusters scores below `cannot_below`), 'conflict' (the engine's anti-chaining test:
    conflicting first names / birth dates anywhere across), or 'nonmatch+conflict'.
    stop_at: stop after the group with this score (to rebuild the clustering at a chosen cut).
    """
    pairs = estate.pairs
    cannot = None
    if guard and "nonmatch" in guard:
        low = score < cannot_below
        cannot = set(zip(pairs["l"].to_numpy()[low].tolist(), pairs["r"].to_numpy()[low].tolist()))
    cl = _Clusters(estate, guard, cannot)
    for l, r in estate.rule_edges[["l", "r"]].itertuples(index=False):
        cl.union(cl.pos[l], cl.pos[r], guarded=False)
    p0, r0 = cl.scores()
    rows = [(np.inf, 0, p0, r0, cl.clusters, cl.predicted - cl.correct, cl.true_pairs - cl.correct)]
    order = np.lexsort((pairs["r"].to_numpy(), pairs["l"].to_numpy(), -score))
    li = [cl.pos[x] for x in pairs["l"].to_numpy()[order].tolist()]
    ri = [cl.pos[x] for x in pairs["r"].to_numpy()[order].tolist()]
    s = score[order]
    n = len(order)
    for i in range(n):
        cl.union(li[i], ri[i])
        if i + 1 == n or s[i + 1] != s[i]:
            p, r = cl.scores()
            rows.append((s[i], i + 1, p, r, cl.clusters, cl.predicted - cl.correct, cl.true_pairs - cl.correct))
            if stop_at is not None and s[i] <= stop_at:
                break
    curve = pd.DataFrame(rows, columns=["cut", "accepted", "precision", "recall", "clusters", "wrong", "lost"])
    curve["f1"] = 2 * curve.precision * curve.recall / (curve.precision + curve.recall)
    return curve, cl


def best_cut(curve: pd.DataFrame, min_precision: float = MIN_PRECISION) -> pd.Series:
    ok = curve[curve["precision"] >= min_precision]
    if ok.empty:
        return curve.iloc[0]
    return ok.loc[ok["recall"].idxmax()]


def record_labels(estate: Estate, node_labels: pd.Series) -> pd.Series:
    return estate.records["nid"].map(node_labels)


def verified(estate: Estate, score: np.ndarray, cut: float, **kw) -> tuple[dict, pd.Series]:
    """Rebuild the clustering at `cut` and score it with the project's pairwise_scores."""
    _, cl = sweep(estate, score, stop_at=cut, **kw)
    labels = record_labels(estate, cl.labels())
    return pairwise_scores(labels, estate.records["person"]), labels


# ------------------------------------------------------------------ 3. Bayes-optimal over comparison levels
def pattern_keys(estate: Estate) -> pd.Series:
    return estate.pairs[estate.gamma_cols].astype(str).agg(",".join, axis=1)


def pattern_scores(estate: Estate, cross_fit: bool) -> np.ndarray:
    """Each pair's pattern's share of true pairs.

    Cross-fitted: the share among training pairs (persons of other folds), shrunk towards the
    pattern's mean engine probability with one pseudo-pair (so unseen patterns fall back to the
    engine's model, and the score stays constant within a pattern within a fold)."""
    pairs = estate.pairs
    key = pattern_keys(estate)
    same = pairs["same"].to_numpy().astype(float)
    if not cross_fit:
        share = pd.Series(same).groupby(key.to_numpy()).transform("mean").to_numpy()
        return share
    prior = pairs.groupby(key.to_numpy())["probability"].transform("mean").to_numpy()
    out = np.empty(len(pairs))
    for tr, te in person_folds(pairs, SEED):
        stats = pd.DataFrame({"key": key[tr].to_numpy(), "y": same[tr]}).groupby("key")["y"].agg(["sum", "count"])
        hit = stats.reindex(key[te].to_numpy())
        t, n = hit["sum"].fillna(0).to_numpy(), hit["count"].fillna(0).to_numpy()
        out[te] = (t + prior[te]) / (n + 1.0)
    return out


# ------------------------------------------------------------------ 4. richer pair features
FEATURE_GROUPS: dict[str, list[str]] = {}  # group -> columns, filled by pair_features


def _group(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    FEATURE_GROUPS[name] = list(frame.columns)
    return frame


def node_features(estate: Estate) -> pd.DataFrame:
    """Per node: what it carries, its source, how common its names are, how many other nodes /
    engine clusters spell the same name, raw staged fields, and its engine cluster's contents."""
    con = estate.con
    staged = estate.staged.copy()
    staged["record_key"] = staged["source"] + "|" + staged["source_record_id"]
    raw = staged.merge(estate.records[["record_key", "nid"]], on="record_key")
    raw["title"] = raw["title"].fillna("").str.upper().str.replace(".", "", regex=False)
    raw["middle_initial"] = raw["middle_name"].fillna("").str[:1].str.lower()
    raw["created_year"] = raw["created_at"].dt.year + raw["created_at"].dt.dayofyear / 366.0
    raw["email_domain"] = raw["email_domain"].fillna("")
    rawn = raw.groupby("nid").agg(
        title=("title", "max"), middle_initial=("middle_initial", "max"),
        created_year=("created_year", "min"), email_domain=("email_domain", "max"),
        consent_email=("consent_email", lambda s: s.dropna().iloc[0] if s.notna().any() else ""),
    ).reset_index()
    src = estate.records.groupby("nid")["source"].agg(lambda s: s.mode().iloc[0]).rename("source").reset_index()
    cl = estate.records.groupby("nid")["engine_cluster"].first().rename("cluster").reset_index()
    con.register("cu_x_raw", rawn)
    con.register("cu_x_src", src)
    con.register("cu_x_cl", cl)
    nf = con.sql("""
        WITH n AS (SELECT n.*, s.source, c.cluster, x.title, x.middle_initial, x.created_year, x.email_domain,
                          x.consent_email
                   FROM cu_nodes n JOIN cu_x_src s USING (nid) JOIN cu_x_cl c USING (nid) JOIN cu_x_raw x USING (nid)),
        name_stats AS (SELECT name_stem AS v, count(*) AS nodes, count(DISTINCT cluster) AS clusters
                       FROM n WHERE name_stem IS NOT NULL GROUP BY 1),
        init_stats AS (SELECT initial_stem AS v, count(*) AS nodes, count(DISTINCT cluster) AS clusters
                       FROM n WHERE initial_stem IS NOT NULL GROUP BY 1),
        fn_stats AS (SELECT fn_canon AS v, count(*) AS nodes FROM n WHERE fn_canon IS NOT NULL GROUP BY 1),
        ln_stats AS (SELECT ln AS v, count(*) AS nodes FROM n WHERE ln IS NOT NULL GROUP BY 1),
        dom_stats AS (SELECT email_domain AS v, count(*) AS nodes FROM n WHERE email_domain <> '' GROUP BY 1),
        cl AS (SELECT cluster, count(*) AS cl_nodes, sum(records) AS cl_records,
                      count(DISTINCT email) AS cl_emails, count(DISTINCT phone) AS cl_phones,
                      count(DISTINCT fn_canon) AS cl_fns, count(DISTINCT ln) AS cl_lns,
                      count(DISTINCT byear) AS cl_byears, min(byear) AS cl_byear,
                      count(DISTINCT addr) AS cl_addrs, count(DISTINCT source) AS cl_sources,
                      bool_or(dob IS NOT NULL) AS cl_has_dob, bool_or(addr IS NOT NULL) AS cl_has_addr,
                      bool_or(source = 'postal_mailing_list') AS cl_has_postal,
                      bool_or(source IN ('email_subscribers', 'email_events')) AS cl_has_esp
               FROM n GROUP BY 1)
        SELECT n.nid, n.records, n.source, n.cluster,
               (n.fn IS NOT NULL)::INT AS has_fn, (n.ln IS NOT NULL)::INT AS has_ln,
               (n.dob IS NOT NULL)::INT AS has_dob, (n.byear IS NOT NULL)::INT AS has_byear,
               (n.email IS NOT NULL)::INT AS has_email, (n.phone IS NOT NULL)::INT AS has_phone,
               (n.addr IS NOT NULL)::INT AS has_addr, (n.postcode IS NOT NULL)::INT AS has_postcode,
               (n.city IS NOT NULL)::INT AS has_city, (n.handle IS NOT NULL)::INT AS has_handle,
               fs.nodes AS fn_freq, ls.nodes AS ln_freq, ds.nodes AS domain_freq,
               ns.nodes AS name_nodes, ns.clusters AS name_clusters,
               es.nodes AS email_spells_name_nodes, es.clusters AS email_spells_name_clusters,
               ei.nodes AS email_spells_initial_nodes, ei.clusters AS email_spells_initial_clusters,
               hs.nodes AS handle_spells_name_nodes, hs.clusters AS handle_spells_name_clusters,
               hi.nodes AS handle_spells_initial_nodes, hi.clusters AS handle_spells_initial_clusters,
               length(n.email_stem) AS email_stem_len, n.email_year, n.handle_year, n.byear,
               n.title, n.middle_initial, n.created_year, n.email_domain, n.consent_email,
               cl.* EXCLUDE (cluster)
        FROM n
        LEFT JOIN fn_stats fs ON fs.v = n.fn_canon LEFT JOIN ln_stats ls ON ls.v = n.ln
        LEFT JOIN dom_stats ds ON ds.v = n.email_domain
        LEFT JOIN name_stats ns ON ns.v = n.name_stem
        LEFT JOIN name_stats es ON es.v = n.email_stem LEFT JOIN init_stats ei ON ei.v = n.email_stem
        LEFT JOIN name_stats hs ON hs.v = n.handle_stem LEFT JOIN init_stats hi ON hi.v = n.handle_stem
        LEFT JOIN cl USING (cluster)
        ORDER BY n.nid""").df()
    for t in ("cu_x_raw", "cu_x_src", "cu_x_cl"):
        con.unregister(t)
    return nf


def competition_features(estate: Estate) -> pd.DataFrame:
    """Per pair: how it ranks among each side's candidates, and the margin to the side's best
    other candidate (a namesake competing for the same e-mail)."""
    p = estate.pairs[["l", "r", "match_weight"]].reset_index(names="i")
    sides = pd.concat([p.rename(columns={"l": "node"})[["i", "node", "match_weight"]],
                       p.rename(columns={"r": "node"})[["i", "node", "match_weight"]]], keys=["l", "r"]).reset_index(0, names="side")
    sides = sides.sort_values(["node", "match_weight"], ascending=[True, False], kind="stable")
    g = sides.groupby("node")["match_weight"]
    sides["rank"] = g.cumcount() + 1
    sides["deg"] = g.transform("size")
    top1 = g.transform("max")
    top2 = g.transform(lambda s: s.iloc[1] if len(s) > 1 else np.nan)
    sides["best_other"] = np.where(sides["rank"] == 1, top2, top1)
    sides["margin"] = sides["match_weight"] - sides["best_other"]
    sides["strong_others"] = g.transform(lambda s: (s > 0).sum()) - (sides["match_weight"] > 0)
    # near ties: other candidates of the node within one bit of this pair (several namesakes
    # spelled by one e-mail address score alike)
    w = sides["match_weight"].to_numpy()
    node = sides["node"].to_numpy()
    start = np.searchsorted(node, node, side="left")  # sides are sorted by node, weight desc
    end = np.searchsorted(node, node, side="right")
    neg_w = -w
    close = np.empty(len(w), dtype=np.int64)
    for j in range(len(w)):  # within each node's block, weights are descending
        lo = start[j]
        close[j] = np.searchsorted(neg_w[lo:end[j]], -(w[j] - 1.0), side="right") - 1
    sides["near_ties"] = close
    out = sides.pivot(index="i", columns="side", values=["rank", "deg", "margin", "strong_others", "near_ties"])
    out.columns = [f"{a}_{b}" for a, b in out.columns]
    out = out.sort_index().reset_index(drop=True)
    out["min_margin"] = out[["margin_l", "margin_r"]].min(axis=1)
    out["max_rank"] = out[["rank_l", "rank_r"]].max(axis=1)
    return out


def cluster_pair_features(estate: Estate, nf: pd.DataFrame) -> pd.DataFrame:
    """Per pair: the evidence between the two nodes' engine clusters as wholes - how many
    candidate pairs join them, their best / worst / summed weights, and whether any two records
    across them contradict each other (the engine's conflict test over all record pairs)."""
    pairs = estate.pairs
    cl = nf["cluster"]
    ca, cb = cl.loc[pairs["l"]].to_numpy(), cl.loc[pairs["r"]].to_numpy()
    lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)
    w = pairs["match_weight"].to_numpy().astype(float)
    frame = pd.DataFrame({"lo": lo, "hi": hi, "w": w})
    agg = frame.groupby(["lo", "hi"])["w"].agg(["size", "max", "min", lambda s: s.clip(lower=0).sum()])
    agg.columns = ["xc_pairs", "xc_max_weight", "xc_min_weight", "xc_positive_weight"]
    out = agg.reindex(pd.MultiIndex.from_arrays([lo, hi])).reset_index(drop=True)
    out["xc_same"] = (lo == hi).astype(float)

    feats = estate.con.sql("SELECT nid, fn, fn_canon, ln, dob, byear FROM cu_nodes ORDER BY nid").df()
    feats = feats.astype(object).where(feats.notna(), None)
    evidence: dict[int, Evidence] = {}
    for row, c in zip(feats.itertuples(index=False, name=None), cl.loc[feats["nid"]].to_numpy()):
        e = Evidence(*row)
        if int(c) in evidence:
            evidence[int(c)].absorb(e)
        else:
            evidence[int(c)] = e
    conflict = {}
    for a, b in set(zip(lo.tolist(), hi.tolist())):
        if a != b:
            conflict[(a, b)] = float(next(evidence[a].conflicting_pairs(evidence[b]), None) is not None)
    out["xc_conflict"] = [conflict.get((a, b), 0.0) for a, b in zip(lo.tolist(), hi.tolist())]
    return out


def pair_features(estate: Estate) -> tuple[pd.DataFrame, list[str]]:
    """The feature matrix (one row per candidate pair, in estate.pairs order) and its
    categorical columns."""
    FEATURE_GROUPS.clear()
    pairs = estate.pairs
    nf = node_features(estate).set_index("nid")
    a, b = nf.loc[pairs["l"]].reset_index(drop=True), nf.loc[pairs["r"]].reset_index(drop=True)
    frames = []

    # the engine's evidence
    ev = pairs[estate.gamma_cols + [c for c in pairs.columns if c.startswith("tfb_")] + ["match_weight"]].copy()
    ev = ev.reset_index(drop=True)
    frames.append(_group("engine evidence", ev))
    bits = pd.DataFrame({f"blocked_by_{i}": ((pairs["rules"].to_numpy() >> i) & 1) for i in range(11)})
    frames.append(_group("blocking rules", bits))

    # who the two sides are
    sources = sorted(nf["source"].unique())
    code = {s: i for i, s in enumerate(sources)}
    lo = np.minimum(a["source"].map(code), b["source"].map(code))
    hi = np.maximum(a["source"].map(code), b["source"].map(code))
    src = pd.DataFrame({"source_a": a["source"].map(code), "source_b": b["source"].map(code),
                        "source_pair": lo * len(sources) + hi})
    frames.append(_group("source systems", src))
    has = [c for c in nf.columns if c.startswith("has_")]
    carried = pd.concat([a[has].add_suffix("_a"), b[has].add_suffix("_b"),
                         a[["records"]].add_suffix("_a"), b[["records"]].add_suffix("_b")], axis=1)
    frames.append(_group("fields carried, record counts", carried))

    # how common the names are, how many engine clusters share the spelled name
    freq_cols = ["fn_freq", "ln_freq", "name_nodes", "name_clusters", "email_spells_name_nodes",
                 "email_spells_name_clusters", "email_spells_initial_nodes", "email_spells_initial_clusters",
                 "handle_spells_name_nodes", "handle_spells_name_clusters", "handle_spells_initial_nodes",
                 "handle_spells_initial_clusters", "email_stem_len"]
    freq = pd.concat([a[freq_cols].add_suffix("_a"), b[freq_cols].add_suffix("_b")], axis=1).astype(float)
    frames.append(_group("name frequencies, namesake counts", freq))

    # e-mail domain, birth years spelled in e-mails / handles, raw staged fields
    def year_agree(year, byear):
        y, by = year.astype(float), byear.astype(float)
        m = np.where(y < 100, (by % 100) == y, by == y).astype(float)
        return np.where(np.isnan(y) | np.isnan(by), -1.0, m)

    def both(x, y):
        return (x.notna() & y.notna() & (x != "") & (y != "")).to_numpy()

    created_age = np.fmin((a["created_year"] - b["byear"]).to_numpy(dtype=float),
                          (b["created_year"] - a["byear"]).to_numpy(dtype=float))
    misc = pd.DataFrame({
        "domain_equal": np.where(both(a["email_domain"], b["email_domain"]),
                                 (a["email_domain"] == b["email_domain"]).astype(float), -1.0),
        "domain_freq_a": a["domain_freq"].astype(float), "domain_freq_b": b["domain_freq"].astype(float),
        "email_year_vs_byear_ab": year_agree(a["email_year"], b["byear"]),
        "email_year_vs_byear_ba": year_agree(b["email_year"], a["byear"]),
        "email_year_vs_cluster_byear_ab": year_agree(a["email_year"], b["cl_byear"]),
        "email_year_vs_cluster_byear_ba": year_agree(b["email_year"], a["cl_byear"]),
        "handle_year_vs_byear_ab": year_agree(a["handle_year"], b["byear"]),
        "handle_year_vs_byear_ba": year_agree(b["handle_year"], a["byear"]),
        "has_email_year_a": a["email_year"].notna().astype(float),
        "has_email_year_b": b["email_year"].notna().astype(float),
        "signup_age": created_age,  # sign-up date of one side minus birth year of the other
        "title_equal": np.where(both(a["title"], b["title"]), (a["title"] == b["title"]).astype(float), -1.0),
        "middle_initial_equal": np.where(both(a["middle_initial"], b["middle_initial"]),
                                         (a["middle_initial"] == b["middle_initial"]).astype(float), -1.0),
        "consent_email_equal": np.where(both(a["consent_email"], b["consent_email"]),
                                        (a["consent_email"] == b["consent_email"]).astype(float), -1.0),
    })
    frames.append(_group("e-mail domain, spelled years, raw staged fields", misc))

    # the engine's clusters around the two nodes
    clc = [c for c in nf.columns if c.startswith("cl_")]
    clf = pd.concat([a[clc].add_suffix("_a").astype(float), b[clc].add_suffix("_b").astype(float)], axis=1)
    clf["same_engine_cluster"] = (a["cluster"] == b["cluster"]).astype(float)
    frames.append(_group("engine clusters' contents", clf))

    conflict = estate.con.sql(f"""
        SELECT ({conflict_sql('a', 'b')})::INT AS direct_conflict FROM cu_gammas g
        JOIN cu_nodes a ON a.nid = g.l JOIN cu_nodes b ON b.nid = g.r ORDER BY g.l, g.r""").df()
    frames.append(_group("direct conflict flag", conflict.fillna(0).astype(float)))
    frames.append(_group("competing candidates", competition_features(estate)))
    frames.append(_group("engine cluster vs engine cluster", cluster_pair_features(estate, nf)))

    x = pd.concat(frames, axis=1)
    return x, ["source_a", "source_b", "source_pair"]


def boosted_scores(estate: Estate, x: pd.DataFrame, categorical: list[str], seed: int = SEED) -> np.ndarray:
    """Out-of-fold match probabilities from a gradient-boosted classifier (`seed`: the person
    folds and the model's own randomness)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    pairs = estate.pairs
    y = pairs["same"].to_numpy().astype(int)
    cats = [c for c in categorical if c in x.columns]
    out = np.empty(len(pairs))
    for tr, te in person_folds(pairs, seed):
        model = HistGradientBoostingClassifier(
            max_iter=300, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20, l2_regularization=1.0,
            categorical_features=cats or None, early_stopping=True, validation_fraction=0.1,
            n_iter_no_change=30, random_state=seed)
        model.fit(x[tr], y[tr])
        out[te] = model.predict_proba(x[te])[:, 1]
    return out


# ------------------------------------------------------------------ 5. what is still lost
def describe_pattern(row: pd.Series, gamma_cols: list[str]) -> str:
    parts = [f"{c[2:]}={int(row[c])}" for c in gamma_cols if row[c] >= 0]
    return " ".join(parts) if parts else "(all missing)"


def lost_breakdown(estate: Estate, labels: pd.Series, score: np.ndarray, top: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lost true record pairs, each charged to the smaller of the two fragments it spans.

    A person split over fragments (predicted cluster x person cells) of sizes n1 >= n2 >= ...
    loses n_i * (n1 + ... + n_(i-1)) pairs at fragment i. Each fragment is described by its
    source composition and by the best-scoring candidate pair joining it to the person's larger
    fragments (its comparison levels), or 'no candidate pair' when blocking never proposed one.
    `rival >= true`: the share of those fragments with a candidate pair to ANOTHER person's node
    that scores at least as high as their best pair to their own person (a namesake that looks
    as good: no cut on this score can take the right link without the wrong one).
    """
    rec = estate.records.assign(cluster=labels.to_numpy())
    frag = (rec.groupby(["person", "cluster"])
            .agg(n=("record_key", "size"), sources=("source", lambda s: "+".join(sorted(set(s)))))
            .reset_index())
    frag = frag.sort_values(["person", "n", "cluster"], ascending=[True, False, True], kind="stable")
    frag["before"] = frag.groupby("person")["n"].cumsum() - frag["n"]
    frag["lost"] = frag["n"] * frag["before"]
    frag["rank"] = frag.groupby("person").cumcount()
    lost = frag[frag["lost"] > 0].copy()

    # best candidate pair from each losing fragment to a larger fragment of its person
    node_cluster = rec.groupby("nid")["cluster"].first()
    scored = estate.pairs.assign(score=score, cl=node_cluster.loc[estate.pairs["l"]].to_numpy(),
                                 cr=node_cluster.loc[estate.pairs["r"]].to_numpy())
    wrong = scored[~scored["same"]]
    rival = pd.concat([
        pd.DataFrame({"person": wrong["person_l"], "cluster": wrong["cl"], "rival": wrong["score"]}),
        pd.DataFrame({"person": wrong["person_r"], "cluster": wrong["cr"], "rival": wrong["score"]}),
    ]).groupby(["person", "cluster"])["rival"].max()
    pairs = scored[scored["same"] & (scored["cl"] != scored["cr"])]
    pairs = pairs.assign(person=pairs["person_l"])
    rank = frag.set_index(["person", "cluster"])["rank"]
    both = pd.concat([pairs.assign(small=pairs["cl"], big=pairs["cr"]), pairs.assign(small=pairs["cr"], big=pairs["cl"])])
    both = both[rank.reindex(pd.MultiIndex.from_arrays([both["person"], both["small"]])).to_numpy()
                > rank.reindex(pd.MultiIndex.from_arrays([both["person"], both["big"]])).to_numpy()]
    best = both.sort_values("score", ascending=False).drop_duplicates(["person", "small"])
    best["pattern"] = best.apply(describe_pattern, axis=1, gamma_cols=estate.gamma_cols)
    lost = lost.merge(best[["person", "small", "pattern", "score"]].rename(columns={"small": "cluster"}),
                      on=["person", "cluster"], how="left")
    lost["pattern"] = lost["pattern"].fillna("no candidate pair")
    lost["rival"] = rival.reindex(pd.MultiIndex.from_frame(lost[["person", "cluster"]])).to_numpy()
    lost["outscored"] = np.where(lost["score"].isna(), np.nan, (lost["rival"] >= lost["score"]).astype(float))
    total = lost["lost"].sum()

    def table(by: str) -> pd.DataFrame:
        t = (lost.groupby(by).agg(lost_pairs=("lost", "sum"), fragments=("lost", "size"),
                                  median_score=("score", "median"), **{"rival >= true": ("outscored", "mean")})
             .sort_values("lost_pairs", ascending=False).head(top).reset_index())
        t["share"] = (t["lost_pairs"] / total).round(3)
        return t

    return table("sources"), table("pattern")


# ------------------------------------------------------------------ sensitivity: identifiers the truth splits
def wrong_rule_links(estate: Estate) -> pd.DataFrame:
    """Rule links between nodes of different true persons, with the shared value and the raw
    spellings of it in the two persons' records (e.g. a.b@gmail.com vs ab@gmail.com: one Gmail
    mailbox, which the generator handed to two namesakes)."""
    person = estate.nodes.set_index("nid")["person"]
    edges = estate.rule_edges.assign(person_l=person.loc[estate.rule_edges["l"]].to_numpy(),
                                     person_r=person.loc[estate.rule_edges["r"]].to_numpy())
    bad = edges[edges["person_l"] != edges["person_r"]].copy()
    if bad.empty:
        return bad
    values = estate.con.sql("SELECT * FROM cu_nodes").df().set_index("nid")
    bad["value"] = [values.at[l, f"r_{rule}"] for l, rule in zip(bad["l"], bad["rule"])]
    staged = estate.staged.assign(record_key=estate.staged["source"] + "|" + estate.staged["source_record_id"])
    raw = staged.merge(estate.records[["record_key", "nid"]], on="record_key").groupby("nid")["email"].agg(
        lambda s: "/".join(sorted(set(s.dropna().str.lower()))))
    bad["spellings"] = [f"{raw.get(l, '')} | {raw.get(r, '')}" for l, r in zip(bad["l"], bad["r"])]
    return bad


def merged_persons(estate: Estate, links: pd.DataFrame) -> Estate:
    """The estate with the persons joined by `links` (person_l, person_r) scored as one person."""
    root: dict[str, str] = {}

    def find(p: str) -> str:
        while root.get(p, p) != p:
            p = root[p]
        return p

    for a, b in zip(links["person_l"], links["person_r"]):
        ra, rb = find(a), find(b)
        if ra != rb:
            root[max(ra, rb)] = min(ra, rb)
    remap = {p: find(p) for p in root}
    return Estate(**{**estate.__dict__, "records": estate.records.assign(person=estate.records["person"].replace(remap)),
                     "nodes": estate.nodes.assign(person=estate.nodes["person"].replace(remap))})


# ------------------------------------------------------------------ main
def _row(method: str, s: dict | pd.Series, note: str = "") -> dict:
    """A table row from a curve row or a pairwise_scores dict."""
    if "predicted_clusters" in s:
        s = {**s, "clusters": s["predicted_clusters"], "wrong": s["predicted_pairs"] - s["correct_pairs"],
             "lost": s["true_pairs"] - s["correct_pairs"]}
    return {"method": method, "precision": round(float(s["precision"]), 4), "recall": round(float(s["recall"]), 4),
            "f1": round(float(s["f1"]), 4), "clusters": int(s["clusters"]), "wrong pairs": int(s["wrong"]),
            "lost pairs": int(s["lost"]), "cut": note}


def _best(estate: Estate, score: np.ndarray, minp: float, **kw) -> pd.Series:
    return best_cut(sweep(estate, score, **kw)[0], minp)


GUARDS = (("nonmatch", 0.01, "non-match = p < 0.01"), ("nonmatch", 0.05, "non-match = p < 0.05"),
          ("conflict", None, "engine conflict test"), ("nonmatch+conflict", 0.01, "p < 0.01 or conflict"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data/warehouse.duckdb")
    parser.add_argument("--truth", type=Path, default=ROOT / "data/demo/_truth/record_person.parquet")
    parser.add_argument("--min-precision", type=float, default=MIN_PRECISION)
    parser.add_argument("--seeds", type=int, default=3,
                        help="cross-fitting repeats of the boosted model (person folds and model seed)")
    parser.add_argument("--ablation", choices=["none", "short", "full"], default="short",
                        help="models per feature group: short = the engine-cluster groups only")
    args = parser.parse_args()
    pd.set_option("display.width", 220)
    pd.set_option("display.max_colwidth", 90)
    started = time.perf_counter()
    minp = args.min_precision

    def log(what: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f}s] {what}", flush=True)

    estate = load_estate(args.warehouse, args.truth)
    pairs = estate.pairs
    log(f"records {len(estate.records):,}, nodes {len(estate.nodes):,}, candidate pairs {len(pairs):,} "
        f"({int(pairs['same'].sum()):,} true), rule links {len(estate.rule_edges):,}, "
        f"persons {estate.records['person'].nunique():,}")
    rows, curves = [], {}

    # 1. the engine; rule links alone; 2. the oracle
    rows.append(_row("1. engine as is", estate.engine))
    curve, rule_only = sweep(estate, np.zeros(len(pairs)))
    rows.append(_row("   rule links alone", curve.iloc[0]))
    rule_wrong = int(curve.iloc[0]["wrong"])
    oracle = pairs["same"].to_numpy().astype(float)
    curve, _ = sweep(estate, oracle)
    rows.append(_row("2. oracle: every true candidate pair + rule links", curve[curve["cut"] == 1.0].iloc[0]))

    # the engine's own weights, best cut, without and with its anti-chaining test
    w = pairs["match_weight"].to_numpy().astype(float)
    for guard, label in ((None, "components"), ("conflict", "engine conflict guard")):
        b = _best(estate, w, minp, guard=guard)
        rows.append(_row(f"   engine match_weight, {label}, best cut", b, f"weight >= {b['cut']:.2f}"))

    # 3. Bayes-optimal over the comparison-level patterns
    n_patterns = pattern_keys(estate).nunique()
    for label, cross in (("in-sample (optimistic)", False), ("cross-fitted", True)):
        score = pattern_scores(estate, cross)
        curves[f"3. patterns, {label}"] = curve = sweep(estate, score)[0]
        b = best_cut(curve, minp)
        rows.append(_row(f"3. Bayes over {n_patterns} level patterns, {label}", b, f"share >= {b['cut']:.3f}"))
        b = _best(estate, score, minp, guard="conflict")
        rows.append(_row(f"3. Bayes over level patterns, {label}, conflict guard", b, f"share >= {b['cut']:.3f}"))
    log("engine weights and level patterns swept")

    # 4. gradient boosting on richer features
    x, cats = pair_features(estate)
    groups = dict(FEATURE_GROUPS)
    log(f"{x.shape[1]} pair features in {len(groups)} groups")
    engine_cols = groups["engine evidence"]
    seeds = range(SEED, SEED + args.seeds)

    def averaged(cols: list[str]) -> tuple[np.ndarray, list[pd.Series]]:
        """Mean of the out-of-fold scores over the seeds (each run is out-of-fold, so the mean
        is too), and each seed's own best cut."""
        runs = [boosted_scores(estate, x[cols], cats, seed) for seed in seeds]
        return np.mean(runs, axis=0), [_best(estate, r, minp) for r in runs]

    s, _ = averaged(engine_cols)
    b = _best(estate, s, minp)
    rows.append(_row(f"4. boosted, engine evidence only (levels, tf, weight), mean of {args.seeds} seeds", b,
                     f"p >= {b['cut']:.3f}"))
    engine_only_recall = b["recall"]
    hgb, per_seed = averaged(list(x.columns))
    for seed, b in zip(seeds, per_seed):
        rows.append(_row(f"4. boosted, all features, seed {seed - SEED} alone", b, f"p >= {b['cut']:.3f}"))
    log(f"boosted models fitted ({args.seeds} seeds x {FOLDS} folds, twice)")
    curves["4. boosted, all features, seed-averaged"] = curve = sweep(estate, hgb)[0]
    b = best_cut(curve, minp)
    rows.append(_row(f"4. boosted, all features, mean of {args.seeds} seeds", b, f"p >= {b['cut']:.3f}"))
    all_recall = b["recall"]
    best = {"name": "4. boosted, all features, seed-averaged, components", "kw": {}, "cut": b["cut"], "recall": b["recall"]}
    for guard, low, what in GUARDS:
        kw = {"guard": guard, "cannot_below": low}
        b = _best(estate, hgb, minp, **kw)
        rows.append(_row(f"4. boosted, seed-averaged, guard: {what}", b, f"p >= {b['cut']:.3f}"))
        if b["precision"] >= minp and b["recall"] > best["recall"]:
            best = {"name": f"4. boosted, seed-averaged, guard {what}", "kw": kw, "cut": b["cut"], "recall": b["recall"]}
    log("guarded clusterings swept")

    ablation = []
    if args.ablation != "none":
        cluster_groups = ["engine clusters' contents", "engine cluster vs engine cluster"]
        cluster_cols = [c for g in cluster_groups for c in groups[g]]
        others = [g for g in groups if g != "engine evidence"]
        specs = [("engine evidence + engine-cluster groups", engine_cols + cluster_cols),
                 ("all - engine-cluster groups", [c for c in x.columns if c not in cluster_cols])]
        if args.ablation == "full":
            specs = [(f"engine evidence + {g}", engine_cols + groups[g]) for g in others]
            specs += [(f"all - {g}", [c for c in x.columns if c not in groups[g]]) for g in others]
        ablation.append(("engine evidence only", len(engine_cols), engine_only_recall))
        for name, cols in specs:
            ablation.append((name, len(cols), _best(estate, averaged(cols)[0], minp)["recall"]))
        ablation.append(("all features", x.shape[1], all_recall))
        ablation = [{"features": n, "columns": c, f"recall @ P>={minp}": round(float(r), 4)} for n, c, r in ablation]
        log("ablation done")

    print(f"\nPairwise precision / recall over RECORD pairs ({len(estate.records):,} records, "
          f"{rule_only.true_pairs:,} true pairs). Rows with a cut: the cut with the best recall at "
          f"precision >= {minp}.")
    print(pd.DataFrame(rows).to_string(index=False))
    alone = np.array([float(b["recall"]) for b in per_seed])
    print(f"\nboosted, all features, components, each seed alone: recall @ P>={minp} "
          f"mean {alone.mean():.4f}, min {alone.min():.4f}, max {alone.max():.4f}")

    print("\nBest recall at a few precision floors (rule links always in, connected components):")
    for name in ("3. patterns, cross-fitted", "4. boosted, all features, seed-averaged"):
        c = curves[name]
        picks = []
        for floor in (0.999, 0.998, 0.997, 0.996, 0.995, 0.994, 0.993, 0.99):
            ok = c[c["precision"] >= floor]
            if len(ok):
                pick = ok.loc[ok["recall"].idxmax()].copy()
                pick["precision floor"] = floor
                picks.append(pick)
        print(f"  {name}")
        t = pd.DataFrame(picks)[["precision floor", "cut", "accepted", "precision", "recall", "f1", "clusters"]]
        print(t.round(4).to_string(index=False))
        ok = c[c["recall"] >= TARGET_RECALL]
        if len(ok):
            r = ok.loc[ok["precision"].idxmax()]
            print(f"    highest precision with recall >= {TARGET_RECALL}: {r['precision']:.4f} (cut {r['cut']:.4f})")
        else:
            print(f"    recall never reaches {TARGET_RECALL} (max {c['recall'].max():.4f})")

    if ablation:
        print(f"\nWhich features carry the extra signal (boosted, mean of {args.seeds} seeds, components):")
        print(pd.DataFrame(ablation).to_string(index=False))

    # the project's own scorer on the chosen clusterings, and what the best method loses
    print(f"\nBest method at P >= {minp}: {best['name']} (cut p >= {best['cut']:.4f})")
    check, labels = verified(estate, hgb, best["cut"], **best["kw"])
    print(f"  re-scored with pairwise_scores: precision {check['precision']:.4f} recall {check['recall']:.4f} "
          f"f1 {check['f1']:.4f}, {check['predicted_clusters']:,} clusters; wrong pairs "
          f"{check['predicted_pairs'] - check['correct_pairs']:,} (budget at P={minp}: "
          f"{int(check['predicted_pairs'] * (1 - minp)):,}), lost true pairs "
          f"{check['true_pairs'] - check['correct_pairs']:,} of {check['true_pairs']:,}")
    ocheck, _ = verified(estate, oracle, 1.0)
    print(f"  oracle re-scored with pairwise_scores: precision {ocheck['precision']:.4f} recall {ocheck['recall']:.4f}, "
          f"lost true pairs {ocheck['true_pairs'] - ocheck['correct_pairs']:,} (never proposed by blocking, "
          f"nor reachable through other true pairs); rule links alone make "
          f"{rule_wrong:,} wrong pairs")
    by_source, by_pattern = lost_breakdown(estate, labels, hgb)
    print("\nLost record pairs of the best method, by source composition of the smaller fragment (top 10):")
    print(by_source.round(3).to_string(index=False))
    print("\nLost record pairs of the best method, by the comparison levels of the best candidate pair joining "
          "the smaller fragment to its person's larger fragments (top 10):")
    print(by_pattern.round(3).to_string(index=False))

    bad = wrong_rule_links(estate)
    if len(bad):
        print(f"\nRule links between different true persons: {len(bad)} ({rule_wrong} wrong record pairs, "
              f"{rule_wrong / (check['predicted_pairs'] * (1 - minp)):.0%} of the "
              f"error budget at P={minp}), every classifier inherits them:")
        shown = bad.drop_duplicates(["person_l", "person_r"])[["rule", "value", "person_l", "person_r", "spellings"]]
        print(shown.to_string(index=False))
        merged = merged_persons(estate, bad)
        print("Sensitivity - the same scores, with each such pair of persons scored as one person:")
        for guard, low, what in ((None, None, "components"), ("nonmatch", 0.01, "guard: non-match = p < 0.01")):
            for floor in (minp, round(minp - 0.001, 4)):
                b = best_cut(sweep(merged, hgb, guard=guard, cannot_below=low)[0], floor)
                print(f"  boosted, seed-averaged, {what:28s} precision >= {floor}: recall {b['recall']:.4f} "
                      f"(precision {b['precision']:.4f}, cut {b['cut']:.4f})")
    log("done")


if __name__ == "__main__":
    main()
