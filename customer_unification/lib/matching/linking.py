"""From scored pairs to people: the links to follow, clustering with the anti-chaining guard,
and each record's customer, confidence and evidence.

Works on the run's temp tables (`cu_nodes`, `cu_rule_edges`, `cu_scores`, `cu_records`).
"""

import duckdb
import numpy as np
import pandas as pd

from customer_unification.lib.matching import clustering, scoring
from customer_unification.lib.matching.comparisons import ComparisonSpec, one_edit_sql
from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.conflicts import find_contradictions, find_household_pairs, find_two_names
from customer_unification.lib.matching.em import FittedModel


def collect_edges(con: duckdb.DuckDBPyConnection, config: MatchConfig, must_link: pd.DataFrame,
                  cannot_link: set[tuple[int, int]], specs: list[ComparisonSpec], model: FittedModel) -> None:
    """`cu_edges (l, r, weight, probability, link)`: rule links, accepted scores and must-links,
    less the links a must-not-link forbids (`cu_cannot_link`) or two contradicting records refuse."""
    threshold = config.clustering.threshold
    rule_rank = {r.name: i for i, r in enumerate(config.rules)}
    rank_case = " ".join(f"WHEN '{name}' THEN {1000 - i}" for name, i in rule_rank.items()) or "WHEN '' THEN 0"
    con.register("cu_must_link", must_link.astype("int64"))
    con.register("cu_cannot_link_in", pd.DataFrame(sorted(cannot_link), columns=["l", "r"], dtype="int64"))
    con.execute("CREATE OR REPLACE TEMP TABLE cu_cannot_link AS SELECT * FROM cu_cannot_link_in")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_edges AS
        SELECT least(l, r) AS l, greatest(l, r) AS r, CAST(CASE rule {rank_case} END AS DOUBLE) AS weight,
               1.0 AS probability, 'rule:' || rule AS link FROM cu_rule_edges
        UNION ALL
        SELECT l, r, match_weight, match_probability, 'probabilistic' FROM cu_scores
        WHERE match_probability >= {threshold}
        UNION ALL
        SELECT l, r, 'inf'::DOUBLE, 1.0, 'override:must_link' FROM cu_must_link""")
    con.execute("DELETE FROM cu_edges e USING cu_cannot_link c WHERE e.l = c.l AND e.r = c.r")
    con.unregister("cu_must_link")
    con.unregister("cu_cannot_link_in")
    refuse_contradicting_links(con, config, specs, model)
    if not config.clustering.link_on_place_alone:
        refuse_place_alone_links(con, specs)


def refuse_contradicting_links(con: duckdb.DuckDBPyConnection, config: MatchConfig,
                               specs: list[ComparisonSpec], model: FittedModel) -> None:
    """Refuse the links of `cu_edges` between two records that contradict each other
    (`cu_refused_direct`), in one set-based pass; clustering then only guards against chains.
    With `conflict_tolerance_bits`, a pair whose own fields favour a match by that much stands."""
    con.execute("CREATE OR REPLACE TEMP TABLE cu_edge_pairs AS SELECT l, r, link FROM cu_edges "
                "WHERE link <> 'override:must_link'")
    find_contradictions(con, specs, model, config.clustering.contradiction_bits,
                        pairs="cu_edge_pairs", out="cu_refused_direct")
    _tolerate(con, config, specs, model, "cu_refused_direct")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cu_refused_direct AS
        SELECT l, r, link, 'the two records contradict each other (first names, birth dates or Sr/Jr, '
               || round(-against, 1) || ' bits against)' AS reason FROM cu_refused_direct;
        DELETE FROM cu_edges e USING cu_refused_direct d WHERE e.l = d.l AND e.r = d.r;
        DROP TABLE cu_edge_pairs""")


# a place is shared by a household, flatmates, the colleagues at a company address, a care home
PLACE_KINDS = ("address", "postcode", "city")
PLACE_ALONE_REASON = "the two records share a place (address, postcode or city) and nothing personal"


def refuse_place_alone_links(con: duckdb.DuckDBPyConnection, specs: list[ComparisonSpec]) -> None:
    """Refuse the probabilistic links of `cu_edges` whose two records share a place and nothing
    personal (place_alone_sql), judged on their levels in `cu_gammas`. Appends to `cu_refused_direct`."""
    condition = place_alone_sql(specs)
    if condition is None:
        return
    con.execute(f"""
        INSERT INTO cu_refused_direct
        SELECT e.l, e.r, e.link, '{PLACE_ALONE_REASON}'
        FROM cu_edges e JOIN cu_gammas g ON g.l = e.l AND g.r = e.r
        JOIN cu_nodes l ON l.nid = e.l JOIN cu_nodes r ON r.nid = e.r
        WHERE e.link = 'probabilistic' AND {condition};
        DELETE FROM cu_edges e USING cu_refused_direct d WHERE e.l = d.l AND e.r = d.r""")


def place_alone_sql(specs: list[ComparisonSpec]) -> str | None:
    """SQL on a pair's levels `g` and its nodes `l`, `r`: the two records agree on a place and on
    nothing personal - no comparison but address, postcode and city agrees at any level, and
    neither record's first name or surname is (but for a typo) a name of the other's, whichever
    field holds it (Lucy Clarke ~ Bkows Lucy). However strongly a model weighs a shared address,
    it says where someone lives or works, not who they are. None: the comparisons hold no place."""
    personal = [s for s in specs if s.kind not in PLACE_KINDS]
    if len(personal) == len(specs):
        return None
    nothing_personal = " AND ".join(f"g.g_{s.name} <= 0" for s in personal) or "true"
    # every node has fn and ln (features.build_features), NULL where a record has none
    names_cross = (f"l.fn IS NOT NULL AND r.fn IS NOT NULL AND l.ln IS NOT NULL AND r.ln IS NOT NULL AND ("
                   f"{one_edit_sql('l.fn', 'r.ln')} OR {one_edit_sql('l.ln', 'r.fn')})")
    return f"{nothing_personal} AND NOT coalesce({names_cross}, false)"


def _tolerate(con: duckdb.DuckDBPyConnection, config: MatchConfig, specs: list[ComparisonSpec],
              model: FittedModel, table: str) -> None:
    """Drop from `table` (l, r, ...) the contradicting pairs whose own comparison favours a match
    by clustering.conflict_tolerance_bits (log2 Bayes factor, prior excluded), if that is set."""
    tolerance = config.clustering.conflict_tolerance_bits
    if tolerance is None or not con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]:
        return
    con.execute(f"CREATE OR REPLACE TEMP TABLE cu_extra_pairs AS SELECT DISTINCT l, r FROM {table}")
    scoring.add_node_frequencies(con, specs, "cu_extra_pairs")  # blocking may never have proposed them
    scoring.build_gammas(con, specs, candidates="cu_extra_pairs", out="cu_extra_gammas")
    scoring.score_pairs(con, specs, model, gammas="cu_extra_gammas", out="cu_extra_scores")
    con.execute(f"""
        DELETE FROM {table} t USING cu_extra_scores s
        WHERE t.l = s.l AND t.r = s.r AND s.match_weight >= {model.prior_weight + tolerance};
        DROP TABLE cu_extra_pairs; DROP TABLE cu_extra_gammas; DROP TABLE cu_extra_scores""")


def scope_to_touched(con: duckdb.DuckDBPyConnection, saved: str) -> None:
    """Incremental runs: `cu_scope (nid)`, the nodes of every component this run can change, and
    `cu_edges` widened from the links derived this run to all links among those nodes.

    On entry `cu_edges` holds what this run derived again: the rule links of identifier values
    new records carry (from the nodes in `cu_reexamined`, see rules.deterministic_links), the
    links of pairs scored for new records, and the must-links. They replace the saved links of
    the same kind (`cu_rederived`); new nodes and both ends of a link that appeared or disappeared
    are touched. A path from a touched node only leaves its saved component over a changed link,
    whose ends are touched, so the saved components of the touched nodes plus the new nodes hold
    every component that can differ - and every link of theirs. Everything else keeps its saved
    links, clusters and assignments as they are.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_rederived AS
        SELECT l, r, link FROM {saved}.match_links WHERE link = 'override:must_link'
        UNION SELECT e.l, e.r, e.link FROM {saved}.match_links e JOIN cu_cannot_link c USING (l, r)
        UNION SELECT e.l, e.r, e.link FROM {saved}.match_links e
          JOIN cu_reexamined x ON x.nid = e.l AND e.link = 'rule:' || x.rule""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cu_touched AS
        WITH changed AS (
          (SELECT l, r, link FROM cu_edges EXCEPT SELECT l, r, link FROM cu_rederived)
          UNION ALL
          (SELECT l, r, link FROM cu_rederived EXCEPT SELECT l, r, link FROM cu_edges))
        SELECT nid FROM cu_new_nodes UNION SELECT l FROM changed UNION SELECT r FROM changed""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_scope AS
        SELECT nid FROM {saved}.match_node_labels WHERE comp IN (
          SELECT comp FROM {saved}.match_node_labels WHERE nid IN (SELECT nid FROM cu_touched))
        UNION ALL SELECT nid FROM cu_new_nodes""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_edges AS
        SELECT e.l, e.r, e.weight, e.probability, e.link FROM {saved}.match_links e
        ANTI JOIN cu_rederived USING (l, r, link)
        WHERE e.l IN (SELECT nid FROM cu_scope)
        UNION ALL SELECT * FROM cu_edges WHERE l IN (SELECT nid FROM cu_scope)""")


def cluster_nodes(con: duckdb.DuckDBPyConnection, config: MatchConfig, cannot_link: set[tuple[int, int]],
                  specs: list[ComparisonSpec], model: FittedModel,
                  nodes: str = "cu_nodes") -> tuple[pd.DataFrame, int]:
    """`cu_clusters (nid, comp, cluster)` for the nodes of table `nodes`; returns the refused links
    and how many components were rebuilt.

    comp and cluster are the smallest nid of the node's connected component and of its cluster.
    `nodes` must hold every node `cu_edges` reaches from one of them: all nodes, or the touched
    components of an incremental run (see scope_to_touched).
    """
    nids = con.sql(f"SELECT nid FROM {nodes} ORDER BY nid").fetchnumpy()["nid"]
    edges = con.sql("SELECT l, r FROM cu_edges").fetchnumpy()
    comp = nids[clustering.connected(nids, edges["l"], edges["r"])]
    labels = pd.DataFrame({"nid": nids, "comp": comp, "cluster": comp})
    con.register("cu_comp_in", labels[["nid", "comp"]])
    con.execute("CREATE OR REPLACE TEMP TABLE cu_comp AS SELECT * FROM cu_comp_in")
    con.unregister("cu_comp_in")
    suspects = _suspect_components(con, config, cannot_link, specs, model)
    refused = pd.DataFrame(columns=["l", "r", "link", "reason"])
    if len(suspects):
        mapping, refused = _rebuild(con, config, cannot_link, suspects)
        labels["cluster"] = labels["nid"].map(mapping).fillna(labels["cluster"]).astype("int64")
    direct = con.sql("SELECT * FROM cu_refused_direct").df()
    refused = pd.concat([direct, refused], ignore_index=True) if len(direct) else refused
    con.register("cu_clusters_in", labels)
    con.execute("CREATE OR REPLACE TEMP TABLE cu_clusters AS SELECT * FROM cu_clusters_in")
    con.unregister("cu_clusters_in")
    return refused, len(suspects)


def _suspect_components(con: duckdb.DuckDBPyConnection, config: MatchConfig, cannot_link: set[tuple[int, int]],
                        specs: list[ComparisonSpec], model: FittedModel) -> np.ndarray:
    """Components of `cu_comp` to rebuild: those holding two contradicting records, a
    must-not-link pair, or too many records. The rest - by far most - are taken whole.

    Contradictions are searched pairwise only among the records asserting a name, a birth date or
    a generation (Sr, Jr) in components where those are not all alike (`cu_comp_contradictions`,
    kept for _rebuild)."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cu_comp_evidence AS
        WITH ev AS (
          SELECT c.comp, n.nid, n.fn_canon, n.dob, n.byear, n.gen FROM cu_comp c JOIN cu_nodes n USING (nid)
          WHERE n.fn IS NOT NULL OR n.dob IS NOT NULL OR n.byear IS NOT NULL OR n.gen IS NOT NULL)
        SELECT * FROM ev WHERE comp IN (
          SELECT comp FROM ev GROUP BY comp
          HAVING count(DISTINCT fn_canon) > 1 OR count(DISTINCT dob) > 1 OR count(DISTINCT byear) > 1
              OR count(DISTINCT gen) > 1)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cu_comp_pairs AS
        SELECT a.comp, a.nid AS l, b.nid AS r FROM cu_comp_evidence a
        JOIN cu_comp_evidence b ON a.comp = b.comp AND a.nid < b.nid""")
    find_contradictions(con, specs, model, config.clustering.contradiction_bits,
                        pairs="cu_comp_pairs", out="cu_comp_contradictions")
    _tolerate(con, config, specs, model, "cu_comp_contradictions")
    # as strong a judgement the other way: two members of one household (households.py)
    find_household_pairs(con, specs, model, config.clustering.contradiction_bits,
                         pairs="cu_comp_pairs", out="cu_comp_households")
    con.execute("""INSERT INTO cu_comp_contradictions BY NAME SELECT comp, l, r, odds AS against
                   FROM cu_comp_households; DROP TABLE cu_comp_households""")
    # and the records of two first names, each written twice in the component (twins, a family)
    con.execute("CREATE OR REPLACE TEMP VIEW cu_comp_name_groups AS SELECT comp AS grp, nid, fn_canon FROM cu_comp_evidence")
    find_two_names(con, specs, groups="cu_comp_name_groups", out="cu_comp_two_names")
    con.execute("DROP VIEW cu_comp_name_groups")
    flagged = {n for pair in cannot_link for n in pair}
    con.register("cu_flagged", pd.DataFrame({"nid": sorted(flagged)}, dtype="int64"))
    suspects = con.sql(f"""
        SELECT comp FROM cu_comp_contradictions UNION SELECT grp FROM cu_comp_two_names
        UNION SELECT c.comp FROM cu_comp c GROUP BY c.comp
        HAVING count(*) > {config.clustering.max_cluster_size} OR bool_or(c.nid IN (SELECT nid FROM cu_flagged))
        """).fetchnumpy()["comp"]
    con.unregister("cu_flagged")
    con.execute("DROP TABLE cu_comp_pairs; DROP TABLE cu_comp_evidence")
    return suspects


def _rebuild(con: duckdb.DuckDBPyConnection, config: MatchConfig, cannot_link: set[tuple[int, int]],
             suspects: np.ndarray) -> tuple[dict[int, int], pd.DataFrame]:
    """Greedy constrained clustering of the suspect components: nid -> cluster, refused links."""
    con.register("cu_suspects", pd.DataFrame({"comp": suspects}))
    nids = con.sql("SELECT nid FROM cu_comp WHERE comp IN (SELECT comp FROM cu_suspects) ORDER BY nid"
                   ).fetchnumpy()["nid"].tolist()
    sub_edges = con.sql("""SELECT e.l, e.r, e.weight, e.link FROM cu_edges e JOIN cu_comp c ON c.nid = e.l
                           WHERE c.comp IN (SELECT comp FROM cu_suspects)""").df()
    contradicting = set(con.sql("""SELECT l, r FROM cu_comp_contradictions
                                   WHERE comp IN (SELECT comp FROM cu_suspects)""").fetchall())
    named_apart = set(con.sql("SELECT l, r FROM cu_comp_two_names WHERE grp IN (SELECT comp FROM cu_suspects)").fetchall())
    con.unregister("cu_suspects")
    mapping, refused_rows = clustering.rebuild(nids, sub_edges, cannot_link, contradicting,
                                               max_size=config.clustering.max_cluster_size,
                                               named_apart=named_apart)
    return mapping, pd.DataFrame(refused_rows, columns=["l", "r", "link", "reason"])


def best_links(con: duckdb.DuckDBPyConnection) -> None:
    """`cu_labels`: `cu_clusters` plus the strongest link holding each node in its cluster
    (best_probability, best_link; null when it stands alone)."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cu_labels AS
        WITH inside AS (
          SELECT e.node, e.probability, e.link,
                 row_number() OVER (PARTITION BY e.node ORDER BY e.weight DESC, e.probability DESC, e.link) AS k
          FROM (SELECT l AS node, * FROM cu_edges UNION ALL SELECT r AS node, * FROM cu_edges) e
          JOIN cu_clusters a ON a.nid = e.l JOIN cu_clusters b ON b.nid = e.r
          WHERE a.cluster = b.cluster)
        SELECT c.nid, c.comp, c.cluster, i.probability AS best_probability, i.link AS best_link
        FROM cu_clusters c LEFT JOIN inside i ON i.node = c.nid AND i.k = 1""")


def node_doubt(con: duckdb.DuckDBPyConnection, saved: str | None = None) -> None:
    """`cu_doubt (nid, p)`: the best match probability each scored node had with any candidate;
    with `saved` (incremental runs: the saved doubts), also with the candidates of earlier runs."""
    earlier = (f"UNION ALL SELECT nid, p FROM {saved} "
               "WHERE nid IN (SELECT l FROM cu_scores UNION SELECT r FROM cu_scores)" if saved else "")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_doubt AS
        SELECT nid, max(p) AS p FROM (
          SELECT l AS nid, match_probability AS p FROM cu_scores
          UNION ALL SELECT r, match_probability FROM cu_scores {earlier})
        GROUP BY nid""")


def assignments(con: duckdb.DuckDBPyConnection, labels: str = "cu_labels", doubt: str = "cu_doubt",
                nodes: str | None = None) -> pd.DataFrame:
    """Per record (`cu_records`): cluster, confidence (the strongest link holding it in, or the
    certainty of standing alone) and what matched it (that link's rule, probabilistic, identical
    record or unmatched). `labels` and `doubt` as made by best_links and node_doubt.

    `nodes`: a table (nid, ...): only the records of its nodes, with its other columns.
    """
    only = f"JOIN {nodes} only_nodes USING (nid)" if nodes else ""
    return con.sql(f"""
        SELECT rec.record_key, lb.cluster,
          CAST(round(coalesce(lb.best_probability, 1 - coalesce(d.p, 0)), 4) AS DOUBLE) AS match_confidence,
          coalesce(lb.best_link, CASE WHEN n.records > 1 THEN 'identical record' ELSE 'unmatched' END) AS matched_by
          {", only_nodes.* EXCLUDE (nid)" if nodes else ""}
        FROM cu_records rec {only} JOIN {labels} lb USING (nid) JOIN cu_nodes n USING (nid) LEFT JOIN {doubt} d USING (nid)
        ORDER BY rec.rid""").df()
