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
import pandas as pd

from customer_unification.lib.matching import (blocking, blocking_budget, features, labels as steward_labels, linking,
                                               rules, scoring, state)
from customer_unification.lib.matching.comparisons import ComparisonSpec, build_spec
from customer_unification.lib.matching.config import MatchConfig
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
    blocking: pd.DataFrame | None = None  # blocking.blocking_report of a full run


class _Timer:
    def __init__(self, progress: Progress | None):
        self.progress, self.timings, self._last = progress, {}, time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._last, 3)
        self._last = now
        if self.progress:
            self.progress(f"{name}: {self.timings[name]:.1f}s")


# Refits after limiting identifier values shared by different people. Each costs ~4 s at 1M;
# refitting until nothing new is limited traded recall for precision on retail_estate
# (P 0.923 -> 0.963, R 0.680 -> 0.649, F1 0.783 -> 0.776) and changed no other family.
MAX_REFITS = 1


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


def _records_table(con: duckdb.DuckDBPyConnection, config: MatchConfig, name: str = "cu_records") -> None:
    """`name (rid, record_key, sig, nid)` for the records of `cu_features`."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {name} AS
        SELECT f.rid, {record_key_sql(config)} AS record_key, f.sig, rn.nid
        FROM cu_features f JOIN cu_record_node rn USING (rid)""")


def _stats(con: duckdb.DuckDBPyConnection, refused: pd.DataFrame, rebuilt: int, limited: pd.DataFrame,
           proposed: dict[str, int], rule_links: str = "cu_rule_edges", links: str = "cu_edges",
           labels: str = "cu_labels") -> dict:
    stats = con.sql(f"""SELECT (SELECT count(*) FROM cu_records) AS records,
                               (SELECT count(*) FROM cu_nodes) AS distinct_records,
                               (SELECT count(*) FROM cu_candidates) AS candidate_pairs,
                               (SELECT count(*) FROM {rule_links}) AS rule_links,
                               (SELECT count(*) FROM {links} WHERE link = 'probabilistic') AS probabilistic_links,
                               (SELECT count(DISTINCT cluster) FROM {labels}) AS clusters
                     """).df().iloc[0].to_dict()
    stats = {k: int(v) for k, v in stats.items()}
    stats.update(rebuilt_components=rebuilt, refused_links=len(refused), limited_values=len(limited),
                 pairs_by_blocking_rule=proposed)
    return stats


def overrides_with_labels(overrides: pd.DataFrame | None, labels: pd.DataFrame | None) -> pd.DataFrame | None:
    """Overrides plus the labels that bind (see labels.as_overrides); an override wins a clash."""
    bound = steward_labels.as_overrides(labels)
    if bound is None:
        return overrides
    if overrides is None or overrides.empty:
        return bound
    return pd.concat([overrides[["left", "right", "decision"]], bound], ignore_index=True).drop_duplicates(
        ["left", "right"], keep="first")


def match_records(con: duckdb.DuckDBPyConnection, source: str, config: MatchConfig, *,
                  overrides: pd.DataFrame | None = None, model: FittedModel | None = None,
                  labels: pd.DataFrame | None = None, progress: Progress | None = None) -> MatchResult:
    """Resolve the records in table/view `source` (on `con`) into clusters.

    `model`: reuse fitted m/u (skip EM), e.g. to score with a model trained on a bigger run.
    `overrides`: steward decisions with columns left, right (record keys), decision
    (`must_link` / `must_not_link`).
    `labels`: a steward's labelled pairs (labels.read_labels): they bind like overrides and
    correct the fitted model; stats["labels"] holds their cross-validated precision and recall.
    """
    timer = _Timer(progress)
    specs = comparison_specs(config)
    overrides = overrides_with_labels(overrides, labels)
    state.drop_overlays(con)
    feature_cols = features.build_features(con, config, source)
    _separate_overridden(con, config, overrides)
    features.build_nodes(con, feature_cols, features.phonetic_features(config))
    _records_table(con, config)
    timer.step("features")
    limited = rules.deterministic_links(con, config, specs)
    timer.step("deterministic rules")
    proposed = blocking.build_candidates(con, config.blocking)
    timer.step("blocking")
    scoring.build_term_frequencies(con, specs)
    judged = blocking_budget.judge_rules(con, config, specs) if model is None else None
    if judged is not None:
        timer.step("measured blocking")
    scoring.build_gammas(con, specs)
    timer.step("comparisons")
    if model is None:
        reused = {"u": judged.u, "rule_m": judged.rule_m} if judged else {}  # the judging fit's, if any
        model = fit_model(con, config, specs, **reused)
        found = contradicting = rules.limit_contradicting(con, config, specs, model)
        for _ in range(MAX_REFITS):
            if not len(found):
                break
            # their pairs taught m as matches: learn again without them, which sharpens the
            # judgement of the values still linking
            model = fit_model(con, config, specs, u=model.u)
            found = rules.limit_contradicting(con, config, specs, model)
            contradicting = pd.concat([contradicting, found], ignore_index=True)
        timer.step("EM training")
    else:
        contradicting = rules.limit_contradicting(con, config, specs, model)
    label_report = None
    if labels is not None and not labels.empty:
        model, label_report = steward_labels.learn_from_labels(con, specs, model, labels, config.clustering.threshold)
        contradicting = pd.concat([contradicting, rules.limit_contradicting(con, config, specs, model)],
                                  ignore_index=True)
        timer.step("learning from labels")
    limited = pd.concat([limited, contradicting], ignore_index=True)
    scoring.score_pairs(con, specs, model)
    timer.step("scoring")
    blocking_report = blocking.blocking_report(con, config.blocking, config.clustering.threshold,
                                              judged.rules if judged else None)
    must_link, cannot_link = _overrides_to_nodes(con, config, overrides)
    linking.collect_edges(con, config, must_link, cannot_link, specs, model)
    refused, rebuilt = linking.cluster_nodes(con, config, cannot_link, specs, model)
    timer.step("clustering")
    linking.best_links(con)
    linking.node_doubt(con)
    assignments = linking.assignments(con)
    timer.step("assignments")
    stats = _stats(con, refused, rebuilt, limited, proposed)
    if label_report is not None:
        stats["labels"] = label_report.as_stats()
    if judged is not None:
        stats["blocking_rules_dropped"] = judged.rules.loc[judged.rules["dropped"], "rule"].tolist()
    return MatchResult(assignments=assignments, model=model, limited=limited, refused=refused,
                       stats=stats, timings=timer.timings, blocking=blocking_report)


def match_new_records(con: duckdb.DuckDBPyConnection, source: str, config: MatchConfig, state_schema: str, *,
                      overrides: pd.DataFrame | None = None, progress: Progress | None = None,
                      only_changed: bool = False) -> MatchResult:
    """Link the records in `source` that the saved state does not know yet; keep everything else.

    Only pairs touching a new record are proposed and scored (with the saved model); links
    accepted before are reused. Only the components a new record or a changed link touches are
    clustered again, so a new record can join, bridge or split existing customers while the rest
    keep their saved clusters. Assignments cover all records, old and new; with `only_changed`,
    only those whose assignment may differ from the saved run's, flagged `regrouped` where their
    cluster may have changed (see _changed_nodes).
    """
    timer = _Timer(progress)
    specs = comparison_specs(config)
    model = _saved_model(con, config, state_schema)
    state.drop_overlays(con)
    feature_cols = features.build_features(con, config, source)
    _keep_unseen_records(con, config, state_schema)
    _separate_overridden(con, config, overrides)
    features.build_nodes(con, feature_cols, features.phonetic_features(config))
    _join_saved_nodes(con, config, state_schema)
    state.node_keys(con, _node_keys(config), nodes="cu_new_nodes", out="cu_new_node_keys")
    state.overlay(con, state_schema, "cu_node_keys")
    timer.step("features")
    limited = _incremental_rule_links(con, config, state_schema)
    timer.step("deterministic rules")
    proposed = blocking.build_new_candidates(con, config.blocking)
    timer.step("blocking")
    state.load_term_frequencies(con, state_schema)
    limited = pd.concat([limited, rules.limit_contradicting(con, config, specs, model)], ignore_index=True)
    scoring.build_node_frequencies(con, specs, pairs="cu_candidates")
    scoring.build_gammas(con, specs)
    scoring.score_pairs(con, specs, model)
    timer.step("scoring")
    must_link, cannot_link = _overrides_to_nodes(con, config, overrides)
    linking.collect_edges(con, config, must_link, cannot_link, specs, model)
    linking.scope_to_touched(con, state_schema)
    refused, rebuilt = linking.cluster_nodes(con, config, cannot_link, specs, model, nodes="cu_scope")
    timer.step("clustering")
    linking.best_links(con)
    linking.node_doubt(con, saved=f"{state_schema}.match_node_doubt")
    state.overlay(con, state_schema, "cu_all_labels", "cu_all_doubt")
    if only_changed:
        _changed_nodes(con)
    assignments = linking.assignments(con, labels="cu_all_labels", doubt="cu_all_doubt",
                                      nodes="cu_changed_nodes" if only_changed else None)
    timer.step("assignments")
    stats = _stats(con, refused, rebuilt, limited, proposed, **_whole_graph(state_schema))
    stats["new_records"] = int(con.sql("SELECT count(*) FROM cu_new_records").fetchall()[0][0])
    return MatchResult(assignments=assignments, model=model, limited=limited, refused=refused,
                       stats=stats, timings=timer.timings)


def _changed_nodes(con: duckdb.DuckDBPyConnection) -> None:
    """`cu_changed_nodes (nid, regrouped)`: the nodes whose records' assignments may differ from
    the saved run's. Regrouped: the whole clusters holding a node clustered again or grown by new
    records; a saved cluster lies inside one saved component, so each is wholly in or out. The
    other nodes only got a new doubt (a new candidate they did not link to).
    """
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cu_changed_nodes AS
        WITH regrouped AS (
          SELECT nid FROM cu_all_labels WHERE cluster IN (
            SELECT cluster FROM cu_all_labels
            WHERE nid IN (SELECT nid FROM cu_labels UNION ALL SELECT nid FROM cu_grown_nodes)))
        SELECT nid, true AS regrouped FROM regrouped
        UNION ALL SELECT nid, false FROM cu_doubt WHERE nid NOT IN (SELECT nid FROM regrouped)""")


def incremental_blocker(con: duckdb.DuckDBPyConnection, config: MatchConfig, state_schema: str) -> str | None:
    """Why new records cannot be linked against the run saved in `state_schema` (None: they can)."""
    return _saved_run(con, config, state_schema)[1]


def _saved_model(con: duckdb.DuckDBPyConnection, config: MatchConfig, state_schema: str) -> FittedModel:
    model, reason = _saved_run(con, config, state_schema)
    if reason:
        raise ValueError(reason)
    return model


def _saved_run(con: duckdb.DuckDBPyConnection, config: MatchConfig,
               state_schema: str) -> tuple[FittedModel | None, str | None]:
    """The saved model, or why there is none to link new records against."""
    if not state.has_state(con, state_schema):
        return None, (f"no complete saved run in schema {state_schema!r} (or one saved by an older version): "
                      "run a full match first")
    model, saved_config = state.load_model(con, state_schema)
    if saved_config != config.model_dump_json():
        return None, "the match configuration changed since the saved run: run a full match instead"
    return model, None


def _keep_unseen_records(con: duckdb.DuckDBPyConnection, config: MatchConfig, state_schema: str) -> None:
    """Drop from `cu_features` the records the state knows; number the rest after the saved ones."""
    offset = con.sql(f"SELECT coalesce(max(rid), -1) + 1 FROM {state_schema}.match_records").fetchall()[0][0]
    con.execute(f"UPDATE cu_features SET rid = rid + {offset}")
    con.execute(f"""DELETE FROM cu_features WHERE {record_key_sql(config)} IN
                    (SELECT record_key FROM {state_schema}.match_records)""")


def _join_saved_nodes(con: duckdb.DuckDBPyConnection, config: MatchConfig, state_schema: str) -> None:
    """New records identical to a known one join its node (`cu_grown_nodes` counts them); the rest
    form `cu_new_nodes`. `cu_nodes` and `cu_records` become views of the saved ones plus these."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_known_sigs AS
        SELECT sig, min(nid) AS nid FROM {state_schema}.match_records
        WHERE sig IN (SELECT sig FROM cu_features) GROUP BY sig;
        CREATE OR REPLACE TEMP TABLE cu_record_node AS
        SELECT rn.rid, coalesce(k.nid, rn.nid) AS nid
        FROM cu_record_node rn JOIN cu_features f USING (rid) LEFT JOIN cu_known_sigs k USING (sig);
        CREATE OR REPLACE TEMP TABLE cu_new_nodes AS
        SELECT n.* FROM cu_nodes n JOIN cu_features f ON f.rid = n.nid
        WHERE f.sig NOT IN (SELECT sig FROM cu_known_sigs);
        CREATE OR REPLACE TEMP TABLE cu_grown_nodes AS
        SELECT nid, count(*) AS added FROM cu_record_node
        WHERE nid IN (SELECT nid FROM cu_known_sigs) GROUP BY nid""")
    _records_table(con, config, "cu_new_records")
    state.overlay(con, state_schema, "cu_nodes", "cu_records")


def _whole_graph(state_schema: str) -> dict[str, str]:
    """_stats sources for an incremental run: the saved links outside the touched components plus
    this run's, and all labels."""
    links = (f"(SELECT link FROM {state_schema}.match_links WHERE l NOT IN (SELECT nid FROM cu_scope) "
             "UNION ALL SELECT link FROM cu_edges)")
    return {"rule_links": f"(SELECT * FROM {links} WHERE link LIKE 'rule:%')", "links": links,
            "labels": "cu_all_labels"}


def _incremental_rule_links(con: duckdb.DuckDBPyConnection, config: MatchConfig, state_schema: str) -> pd.DataFrame:
    """Rule links and limits for the identifier values new records carry; the saved limits for the
    rest (their saved links stand, see linking.scope_to_touched). The re-examined values are kept
    as `cu_reexamined_values (rule, value_hash)`, for the state to replace only their limits."""
    limited = rules.deterministic_links(con, config, comparison_specs(config), only=rules.NewValues())
    values = " UNION ".join(f"SELECT '{rule.name}' AS rule, r_{rule.name} AS value FROM cu_new_nodes "
                            f"WHERE r_{rule.name} IS NOT NULL" for rule in config.rules) or \
        "SELECT NULL::VARCHAR AS rule, NULL::VARCHAR AS value WHERE false"
    con.execute(f"CREATE OR REPLACE TEMP TABLE cu_reexamined_values AS "
                f"SELECT rule, {rules.VALUE_HASH_SQL.format(value='value')} AS value_hash FROM ({values})")
    saved = con.sql(f"""SELECT * FROM {state_schema}.match_limited
                        WHERE (rule, value_hash) NOT IN (SELECT rule, value_hash FROM cu_reexamined_values)""").df()
    return pd.concat([saved, limited], ignore_index=True)


def save_run(con: duckdb.DuckDBPyConnection, config: MatchConfig, result: MatchResult, state_schema: str,
             incremental: bool = False) -> None:
    """Keep this run's nodes, links and model for the next incremental run and for `explain`."""
    if incremental:  # the model and frequencies are the saved ones; add what is new
        state.update_state(con, state_schema, result.limited)
    else:
        state.save_state(con, state_schema, result.model, config.model_dump_json(), result.limited,
                         _node_keys(config))


def _node_keys(config: MatchConfig) -> dict[str, str]:
    """The integer keys the state keeps per node, to find the nodes a new record reaches."""
    return {**blocking.key_columns(config.blocking), **rules.key_columns(config)}
