"""From scored pairs to people: the links to follow, clustering with the anti-chaining guard,
and each record's customer, confidence and evidence.

Works on the run's temp tables (`cu_nodes`, `cu_rule_edges`, `cu_scores`, `cu_records`).
"""

import duckdb
import numpy as np
import pandas as pd

from customer_unification.lib.matching import clustering, scoring
from customer_unification.lib.matching.comparisons import ComparisonSpec
from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.conflicts import conflict_sql
from customer_unification.lib.matching.em import FittedModel


def collect_edges(con: duckdb.DuckDBPyConnection, config: MatchConfig, must_link: pd.DataFrame,
                   cannot_link: set[tuple[int, int]], kept_links: str | None = None) -> None:
    """`cu_edges (l, r, weight, probability, link)`: rule links, accepted scores, must-links, and
    (incremental runs) the probabilistic links accepted before, which are not scored again."""
    threshold = config.clustering.threshold
    rule_rank = {r.name: i for i, r in enumerate(config.rules)}
    rank_case = " ".join(f"WHEN '{name}' THEN {1000 - i}" for name, i in rule_rank.items()) or "WHEN '' THEN 0"
    con.register("cu_must_link", must_link.astype("int64"))
    con.register("cu_cannot_link", pd.DataFrame(sorted(cannot_link), columns=["l", "r"], dtype="int64"))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_edges AS
        SELECT least(l, r) AS l, greatest(l, r) AS r, CAST(CASE rule {rank_case} END AS DOUBLE) AS weight,
               1.0 AS probability, 'rule:' || rule AS link FROM cu_rule_edges
        UNION ALL
        SELECT l, r, match_weight, match_probability, 'probabilistic' FROM cu_scores
        WHERE match_probability >= {threshold}
        UNION ALL
        SELECT l, r, 'inf'::DOUBLE, 1.0, 'override:must_link' FROM cu_must_link
        {f"UNION ALL SELECT l, r, weight, probability, link FROM {kept_links} WHERE link = 'probabilistic'"
         if kept_links else ""}""")
    con.execute("DELETE FROM cu_edges e USING cu_cannot_link c WHERE e.l = c.l AND e.r = c.r")
    con.unregister("cu_must_link")
    con.unregister("cu_cannot_link")
    # Links between two records that contradict each other are refused here, in one set-based
    # pass, unless contradictions may be tolerated; clustering then only guards against chains.
    con.execute("CREATE OR REPLACE TEMP TABLE cu_refused_direct (l BIGINT, r BIGINT, link VARCHAR, reason VARCHAR)")
    if config.clustering.conflict_tolerance_bits is None:
        con.execute(f"""
            INSERT INTO cu_refused_direct
            SELECT e.l, e.r, e.link, 'the two records contradict each other (first names or birth dates)'
            FROM cu_edges e JOIN cu_nodes a ON a.nid = e.l JOIN cu_nodes b ON b.nid = e.r
            WHERE e.link <> 'override:must_link' AND {conflict_sql('a', 'b')}""")
        con.execute("DELETE FROM cu_edges e USING cu_refused_direct d WHERE e.l = d.l AND e.r = d.r")


def _supported_pairs(con: duckdb.DuckDBPyConnection, specs: list[ComparisonSpec], model: FittedModel,
                     pairs: set[tuple[int, int]], tolerance_bits: float) -> set[tuple[int, int]]:
    """Score record pairs blocking never proposed; return those the model thinks may match."""
    con.register("cu_extra_in", pd.DataFrame(sorted(pairs), columns=["l", "r"], dtype="int64"))
    con.execute("CREATE OR REPLACE TEMP TABLE cu_extra_pairs AS SELECT * FROM cu_extra_in")
    con.unregister("cu_extra_in")
    scoring.build_gammas(con, specs, candidates="cu_extra_pairs", out="cu_extra_gammas")
    scoring.score_pairs(con, specs, model, gammas="cu_extra_gammas", out="cu_extra_scores")
    found = {tuple(p) for p in con.sql(
        f"SELECT l, r FROM cu_extra_scores WHERE match_weight >= {model.prior_weight + tolerance_bits}").fetchall()}
    con.execute("DROP TABLE cu_extra_pairs; DROP TABLE cu_extra_gammas; DROP TABLE cu_extra_scores")
    return found


def cluster_nodes(con: duckdb.DuckDBPyConnection, config: MatchConfig, cannot_link: set[tuple[int, int]],
             specs: list[ComparisonSpec], model: FittedModel,
             previous: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Labels per node (`cu_labels`), refused links, and how many components were rebuilt.

    `previous` (incremental runs): a table of the last run's (nid, cluster) and the nodes this run
    touched (`cu_touched`). Components without a touched node keep their clusters as they were.
    """
    nids = con.sql("SELECT nid FROM cu_nodes ORDER BY nid").fetchnumpy()["nid"]
    edges = con.sql("SELECT l, r FROM cu_edges").fetchnumpy()
    comp = clustering.connected(nids, edges["l"], edges["r"])
    con.register("cu_comp_in", pd.DataFrame({"nid": nids, "comp": comp}))
    con.execute("CREATE OR REPLACE TEMP TABLE cu_comp AS SELECT * FROM cu_comp_in")
    con.unregister("cu_comp_in")
    if previous is not None:  # only the touched components are clustered again
        con.execute("""DELETE FROM cu_comp WHERE comp NOT IN (
                         SELECT c.comp FROM cu_comp c JOIN cu_touched t USING (nid))""")
    flagged = {n for pair in cannot_link for n in pair}
    con.register("cu_flagged", pd.DataFrame({"nid": sorted(flagged)}, dtype="int64"))
    # Components to rebuild: those holding two contradicting records (found pairwise among the
    # few that assert names or dates), a must-not-link pair, or too many records. The rest - by
    # far most - are taken whole.
    suspects = con.sql(f"""
        WITH ev AS (
          SELECT c.comp, n.nid, n.fn, n.fn_canon, n.ln, n.dob, n.byear FROM cu_comp c JOIN cu_nodes n USING (nid)
          WHERE n.fn IS NOT NULL OR n.dob IS NOT NULL OR n.byear IS NOT NULL),
        mixed AS (
          SELECT comp FROM ev GROUP BY comp
          HAVING count(DISTINCT fn_canon) > 1 OR count(DISTINCT dob) > 1 OR count(DISTINCT byear) > 1),
        contradicting AS (
          SELECT DISTINCT a.comp FROM ev a JOIN ev b ON a.comp = b.comp AND a.nid < b.nid
          WHERE a.comp IN (SELECT comp FROM mixed) AND {conflict_sql('a', 'b')}),
        other AS (
          SELECT c.comp FROM cu_comp c GROUP BY c.comp
          HAVING count(*) > {config.clustering.max_cluster_size}
              OR bool_or(c.nid IN (SELECT nid FROM cu_flagged)))
        SELECT comp FROM contradicting UNION SELECT comp FROM other""").fetchnumpy()["comp"]
    con.unregister("cu_flagged")
    labels = pd.DataFrame({"nid": nids, "cluster": nids[np.unique(comp, return_index=True)[1]][comp]})
    if previous is not None:
        kept = con.sql(f"""SELECT p.nid, p.cluster FROM {previous} p
                           WHERE p.nid NOT IN (SELECT nid FROM cu_comp)""").df().set_index("nid")["cluster"]
        labels["cluster"] = labels["nid"].map(kept).fillna(labels["cluster"]).astype("int64")
    refused = pd.DataFrame(columns=["l", "r", "link", "reason"])
    if len(suspects):
        con.register("cu_suspects", pd.DataFrame({"comp": suspects}))
        nodes = con.sql("""SELECT n.nid, n.fn, n.fn_canon, n.ln, n.dob, n.byear FROM cu_nodes n
                           JOIN cu_comp c USING (nid) WHERE c.comp IN (SELECT comp FROM cu_suspects)
                           ORDER BY n.nid""").df()
        
        nodes = nodes.astype(object).where(nodes.notna(), None)
        sub_edges = con.sql("""SELECT e.l, e.r, e.weight, e.link FROM cu_edges e JOIN cu_comp c ON c.nid = e.l
                               WHERE c.comp IN (SELECT comp FROM cu_suspects)""").df()
        tolerance = config.clustering.conflict_tolerance_bits
        supported: set[tuple[int, int]] = set()
        if tolerance is not None:
            supported = {tuple(p) for p in con.sql(f"""
                SELECT s.l, s.r FROM cu_scores s JOIN cu_comp c ON c.nid = s.l
                WHERE c.comp IN (SELECT comp FROM cu_suspects)
                  AND s.match_weight >= {model.prior_weight + tolerance}""").fetchall()}
        con.unregister("cu_suspects")
        compared: set[tuple[int, int]] = set()
        for _ in range(3):  # compare the contradicting records the guard asked about, then retry
            mapping, refused_rows, unsupported = clustering.rebuild(
                nodes, sub_edges, cannot_link, supported, max_size=config.clustering.max_cluster_size)
            fresh = unsupported - compared
            if tolerance is None or not fresh:
                break
            compared |= fresh
            supported |= _supported_pairs(con, specs, model, fresh, tolerance)
        rebuilt = labels["nid"].map(mapping)
        labels["cluster"] = rebuilt.fillna(labels["cluster"]).astype("int64")
        refused = pd.DataFrame(refused_rows, columns=["l", "r", "link", "reason"])
    direct = con.sql("SELECT * FROM cu_refused_direct").df()
    refused = pd.concat([direct, refused], ignore_index=True) if len(direct) else refused
    # first-seen order of min nid per component is already the smallest nid (nids sorted)
    con.register("cu_labels_in", labels)
    con.execute("CREATE OR REPLACE TEMP TABLE cu_labels AS SELECT * FROM cu_labels_in")
    con.unregister("cu_labels_in")
    return labels, refused, len(suspects)


def node_doubt(con: duckdb.DuckDBPyConnection, kept: str | None = None) -> None:
    """`cu_doubt (nid, p)`: the best match probability each node had with any candidate."""
    previous = f"UNION ALL SELECT nid, p FROM {kept}" if kept else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_doubt AS
        SELECT nid, max(p) AS p FROM (
          SELECT l AS nid, match_probability AS p FROM cu_scores
          UNION ALL SELECT r, match_probability FROM cu_scores {previous})
        GROUP BY nid""")


def assignments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per record (`cu_records`): cluster, confidence (the strongest link holding it in, or the
    certainty of standing alone) and what matched it (that link's rule, probabilistic, identical
    record or unmatched)."""
    return con.sql("""
        WITH inside AS (
          SELECT e.*, row_number() OVER (PARTITION BY node ORDER BY e.weight DESC, e.probability DESC) AS k
          FROM (SELECT l AS node, * FROM cu_edges UNION ALL SELECT r AS node, * FROM cu_edges) e
          JOIN cu_labels a ON a.nid = e.l JOIN cu_labels b ON b.nid = e.r
          WHERE a.cluster = b.cluster),
        best AS (SELECT node, probability, link FROM inside WHERE k = 1),
        sizes AS (SELECT nid, count(*) AS records FROM cu_records GROUP BY nid)
        SELECT rec.record_key, lb.cluster,
          CAST(round(coalesce(best.probability, 1 - coalesce(d.p, 0)), 4) AS DOUBLE) AS match_confidence,
          coalesce(best.link, CASE WHEN sz.records > 1 THEN 'identical record' ELSE 'unmatched' END) AS matched_by
        FROM cu_records rec JOIN cu_labels lb ON lb.nid = rec.nid JOIN sizes sz ON sz.nid = rec.nid
        LEFT JOIN best ON best.node = rec.nid LEFT JOIN cu_doubt d ON d.nid = rec.nid
        ORDER BY rec.rid""").df()
