"""The matching engine: records in, one cluster per person out, with the evidence for every link.

    features -> nodes -> deterministic links (with limits) -> blocking -> comparison levels
    -> EM (Fellegi-Sunter m/u) -> match weights -> constrained clustering -> record assignments

All set work runs in SQL on one DuckDB connection; Python only fits EM on pattern counts and
rebuilds the few components that hold contradicting evidence. Dagster-free: the identity assets
and `customer-unification match` both call `match_records`.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from customer_unification.lib.matching import blocking, clustering, features, rules, scoring, state
from customer_unification.lib.matching.comparisons import ComparisonSpec, build_spec
from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.conflicts import conflict_sql
from customer_unification.lib.matching.em import FittedModel
from customer_unification.lib.matching.training import fit_model

Progress = Callable[[str], None]
KEY_SEPARATOR = "|"


@dataclass
class MatchResult:
    """Record assignments plus everything needed to explain and audit them."""

    assignments: pd.DataFrame  # record_key, cluster, match_confidence, matched_by
    model: FittedModel
    limited: pd.DataFrame  # identifier values that stopped being links, masked
    refused: pd.DataFrame  # links the anti-chaining guard did not follow
    stats: dict = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


class _Timer:
    def __init__(self, progress: Progress | None):
        self.progress, self.timings, self._last = progress, {}, time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._last, 3)
        self._last = now
        if self.progress:
            self.progress(f"{name}: {self.timings[name]:.1f}s")


def comparison_specs(config: MatchConfig) -> list[ComparisonSpec]:
    return [build_spec(c) for c in config.comparisons]


def record_key_sql(config: MatchConfig) -> str:
    parts = [f'coalesce("{k}", \'\')' for k in config.key]
    return parts[0] if len(parts) == 1 else f"concat_ws('{KEY_SEPARATOR}', {', '.join(parts)})"


def _separate_overridden(con: duckdb.DuckDBPyConnection, config: MatchConfig,
                         overrides: pd.DataFrame | None) -> None:
    """Records a steward declared different people get nodes of their own, even when their
    identity fields are identical (a father and son sharing name and email)."""
    if overrides is None or overrides.empty:
        return
    apart = overrides[overrides["decision"] == "must_not_link"]
    keys = pd.DataFrame({"record_key": pd.concat([apart["left"], apart["right"]]).astype(str).unique()})
    con.register("cu_apart", keys)
    con.execute(f"UPDATE cu_features SET sig = hash(sig, rid) WHERE {record_key_sql(config)} IN "
                "(SELECT record_key FROM cu_apart)")
    con.unregister("cu_apart")


def _overrides_to_nodes(con: duckdb.DuckDBPyConnection, config: MatchConfig,
                        overrides: pd.DataFrame | None) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    """Steward decisions (left/right record keys) as node pairs: must-link edges, must-not-link set."""
    if overrides is None or overrides.empty:
        return pd.DataFrame(columns=["l", "r"]), set()
    con.register("cu_overrides_in", overrides[["left", "right", "decision"]].astype(str))
    pairs = con.sql("""
        SELECT least(a.nid, b.nid) AS l, greatest(a.nid, b.nid) AS r, o.decision
        FROM cu_overrides_in o
        JOIN cu_records a ON a.record_key = o."left" JOIN cu_records b ON b.record_key = o."right"
        WHERE a.nid <> b.nid""").df()
    con.unregister("cu_overrides_in")
    must = pairs[pairs["decision"] == "must_link"][["l", "r"]]
    cannot = {(int(l), int(r)) for l, r in pairs[pairs["decision"] == "must_not_link"][["l", "r"]].itertuples(index=False)}
    return must, cannot


def _collect_edges(con: duckdb.DuckDBPyConnection, config: MatchConfig, must_link: pd.DataFrame,
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


def _cluster(con: duckdb.DuckDBPyConnection, config: MatchConfig, cannot_link: set[tuple[int, int]],
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


def _node_doubt(con: duckdb.DuckDBPyConnection, kept: str | None = None) -> None:
    """`cu_doubt (nid, p)`: the best match probability each node had with any candidate."""
    previous = f"UNION ALL SELECT nid, p FROM {kept}" if kept else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_doubt AS
        SELECT nid, max(p) AS p FROM (
          SELECT l AS nid, match_probability AS p FROM cu_scores
          UNION ALL SELECT r, match_probability FROM cu_scores {previous})
        GROUP BY nid""")


def _assignments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
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


def _records_table(con: duckdb.DuckDBPyConnection, config: MatchConfig) -> None:
    """`cu_records (rid, record_key, sig, nid)` for the records of this run."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_records AS
        SELECT f.rid, {record_key_sql(config)} AS record_key, f.sig, rn.nid
        FROM cu_features f JOIN cu_record_node rn USING (rid)""")


def _stats(con: duckdb.DuckDBPyConnection, labels: pd.DataFrame, refused: pd.DataFrame, rebuilt: int,
           limited: pd.DataFrame, proposed: dict[str, int]) -> dict:
    stats = con.sql("""SELECT (SELECT count(*) FROM cu_records) AS records,
                              (SELECT count(*) FROM cu_nodes) AS distinct_records,
                              (SELECT count(*) FROM cu_candidates) AS candidate_pairs,
                              (SELECT count(*) FROM cu_rule_edges) AS rule_links,
                              (SELECT count(*) FROM cu_edges WHERE link = 'probabilistic') AS probabilistic_links
                    """).df().iloc[0].to_dict()
    stats = {k: int(v) for k, v in stats.items()}
    stats.update(clusters=int(labels["cluster"].nunique()), rebuilt_components=rebuilt,
                 refused_links=len(refused), limited_values=len(limited), pairs_by_blocking_rule=proposed)
    return stats


def match_records(con: duckdb.DuckDBPyConnection, source: str, config: MatchConfig, *,
                  overrides: pd.DataFrame | None = None, model: FittedModel | None = None,
                  progress: Progress | None = None) -> MatchResult:
    """Resolve the records in table/view `source` (on `con`) into clusters.

    `model`: reuse fitted m/u (skip EM), e.g. to score with a model trained on a bigger run.
    `overrides`: steward decisions with columns left, right (record keys), decision
    (`must_link` / `must_not_link`).
    """
    timer = _Timer(progress)
    specs = comparison_specs(config)
    feature_cols = features.build_features(con, config, source)
    _separate_overridden(con, config, overrides)
    features.build_nodes(con, feature_cols)
    timer.step("features")
    limited = rules.deterministic_links(con, config)
    timer.step("deterministic rules")
    proposed = blocking.build_candidates(con, config.blocking)
    timer.step("blocking")
    scoring.build_term_frequencies(con, specs)
    scoring.build_gammas(con, specs)
    timer.step("comparisons")
    if model is None:
        model = fit_model(con, config, specs)
        timer.step("EM training")
    scoring.score_pairs(con, specs, model)
    timer.step("scoring")
    _records_table(con, config)
    must_link, cannot_link = _overrides_to_nodes(con, config, overrides)
    _collect_edges(con, config, must_link, cannot_link)
    labels, refused, rebuilt = _cluster(con, config, cannot_link, specs, model)
    timer.step("clustering")
    _node_doubt(con)
    assignments = _assignments(con)
    timer.step("assignments")
    return MatchResult(assignments=assignments, model=model, limited=limited, refused=refused,
                       stats=_stats(con, labels, refused, rebuilt, limited, proposed), timings=timer.timings)


def match_new_records(con: duckdb.DuckDBPyConnection, source: str, config: MatchConfig, state_schema: str, *,
                      overrides: pd.DataFrame | None = None, progress: Progress | None = None) -> MatchResult:
    """Link the records in `source` that the saved state does not know yet; keep everything else.

    Only pairs touching a new record are proposed and scored (with the saved model); links
    accepted before are reused; clustering then runs over all links, so a new record can join,
    bridge or stay apart from existing customers. Assignments cover all records, old and new.
    """
    timer = _Timer(progress)
    specs = comparison_specs(config)
    model, saved_config = state.load_model(con, state_schema)
    if saved_config != config.model_dump_json():
        raise ValueError("the match configuration changed since the saved run: run a full match instead")
    feature_cols = features.build_features(con, config, source)
    offset = con.sql(f"SELECT coalesce(max(rid), -1) + 1 FROM {state_schema}.match_records").fetchall()[0][0]
    con.execute(f"UPDATE cu_features SET rid = rid + {offset}")
    con.execute(f"""DELETE FROM cu_features WHERE {record_key_sql(config)} IN
                    (SELECT record_key FROM {state_schema}.match_records)""")
    _separate_overridden(con, config, overrides)
    features.build_nodes(con, feature_cols)
    # records identical to a known one join its node; the rest form new nodes
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_known_sigs AS
        SELECT sig, min(nid) AS nid FROM {state_schema}.match_records GROUP BY sig;
        CREATE OR REPLACE TEMP TABLE cu_record_node AS
        SELECT rn.rid, coalesce(k.nid, rn.nid) AS nid
        FROM cu_record_node rn JOIN cu_features f USING (rid) LEFT JOIN cu_known_sigs k USING (sig);
        CREATE OR REPLACE TEMP TABLE cu_new_nodes AS
        SELECT n.* FROM cu_nodes n JOIN cu_features f ON f.rid = n.nid
        WHERE f.sig NOT IN (SELECT sig FROM cu_known_sigs);
        CREATE OR REPLACE TEMP TABLE cu_nodes AS
        SELECT o.* REPLACE (o.records + coalesce(a.added, 0) AS records)
        FROM {state_schema}.match_nodes o
        LEFT JOIN (SELECT nid, count(*) AS added FROM cu_record_node GROUP BY nid) a USING (nid)
        UNION ALL SELECT * FROM cu_new_nodes""")
    _records_table(con, config)
    con.execute(f"INSERT INTO cu_records SELECT rid, record_key, sig, nid FROM {state_schema}.match_records")
    timer.step("features")
    limited = _incremental_rule_links(con, config, state_schema)
    timer.step("deterministic rules")
    proposed = blocking.build_candidates(con, config.blocking, left="cu_new_nodes")
    timer.step("blocking")
    state.load_term_frequencies(con, state_schema)
    scoring.build_node_frequencies(con, specs)
    scoring.build_gammas(con, specs)
    scoring.score_pairs(con, specs, model)
    timer.step("scoring")
    must_link, cannot_link = _overrides_to_nodes(con, config, overrides)
    _collect_edges(con, config, must_link, cannot_link, kept_links=f"{state_schema}.match_links")
    # touched: new nodes and both ends of every link that appeared or disappeared since the last run
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_touched AS
        WITH changed AS (
          (SELECT l, r, link FROM cu_edges EXCEPT SELECT l, r, link FROM {state_schema}.match_links)
          UNION ALL
          (SELECT l, r, link FROM {state_schema}.match_links EXCEPT SELECT l, r, link FROM cu_edges))
        SELECT nid FROM cu_new_nodes UNION SELECT l FROM changed UNION SELECT r FROM changed""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cu_previous_labels AS
                    SELECT DISTINCT nid, cluster FROM {state_schema}.match_records""")
    labels, refused, rebuilt = _cluster(con, config, cannot_link, specs, model, previous="cu_previous_labels")
    timer.step("clustering")
    _node_doubt(con, kept=f"{state_schema}.match_node_doubt")
    assignments = _assignments(con)
    timer.step("assignments")
    stats = _stats(con, labels, refused, rebuilt, limited, proposed)
    stats["new_records"] = int(con.sql("SELECT count(*) FROM cu_features").fetchall()[0][0])
    return MatchResult(assignments=assignments, model=model, limited=limited, refused=refused,
                       stats=stats, timings=timer.timings)


def _incremental_rule_links(con: duckdb.DuckDBPyConnection, config: MatchConfig, state_schema: str) -> pd.DataFrame:
    """Rule links and limits for the identifier values new records carry; the saved ones for the rest."""
    limited = rules.deterministic_links(con, config, only_values_of="cu_new_nodes")
    affected = set()
    for rule in config.rules:
        col = f"r_{rule.name}"
        con.execute(f"""
            INSERT INTO cu_rule_edges SELECT e.l, e.r, '{rule.name}' FROM {state_schema}.match_links e
            JOIN cu_nodes n ON n.nid = e.l
            WHERE e.link = 'rule:{rule.name}'
              AND n.{col} NOT IN (SELECT {col} FROM cu_new_nodes WHERE {col} IS NOT NULL)""")
        affected |= {(rule.name, rules.value_hash(v)) for (v,) in con.sql(
            f"SELECT DISTINCT {col} FROM cu_new_nodes WHERE {col} IS NOT NULL").fetchall()}
    saved = state.load_limited(con, state_schema)
    keep = [(r, h) not in affected for r, h in zip(saved["rule"], saved["value_hash"])]
    return pd.concat([saved[keep], limited], ignore_index=True)


def save_run(con: duckdb.DuckDBPyConnection, config: MatchConfig, result: MatchResult, state_schema: str,
             incremental: bool = False) -> None:
    """Keep this run's nodes, links and model for the next incremental run and for `explain`."""
    if incremental:  # the model and frequencies are the saved ones; add what is new
        state.update_state(con, state_schema, result.limited)
    else:
        state.save_state(con, state_schema, result.model, config.model_dump_json(), result.limited)
