"""Identity tables in the warehouse, and the gates that must pass before anyone uses them.

Tables (schema `identity`):
  customer_identity_map  one row per staged record: source, source_record_id, customer_id,
                         match_confidence, matched_by (the contract downstream layers rely on)
  record_links           every link the run made or refused, with its evidence per comparison
  id_lineage             every id change across runs: old -> new, reason, run (appended)
  match_model            the fitted model: m, u and match weight per comparison level
  limited_identifiers    identifier values that stopped linking on their own (masked), and why

Write-audit-publish (lib/audited_transaction.py): a run writes these tables and its matching state
inside one open warehouse transaction (`Candidate`), audits that candidate with the gates, and
commits only when every gate passed. Until then no other connection sees it (DuckDB's MVCC), so the tables never mix two runs;
a failed gate - or a crash, kill -9 included: an uncommitted transaction is discarded on
recovery - leaves the last good version published and the next run's comparison base
(the map and `identity_state`) unchanged. A refused candidate map is kept in
`identity_rejected.customer_identity_map` for a steward to look at.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from customer_unification.lib.audited_transaction import AuditedTransaction
from customer_unification.lib.matching import oversplit
from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.engine import comparison_specs
from customer_unification.lib.matching.report import model_table
from customer_unification.lib.matching.resolve import Resolution
from customer_unification.lib.quality.expectations import Expectation

SCHEMA = "identity"
REJECTED_SCHEMA = "identity_rejected"  # the last candidate map a gate refused, for inspection
ID_PATTERN = r"^CU[0-9A-F]{14}$"

GATES = {
    "great_expectations": "Great Expectations suite: customer ids present and well formed, one row per "
                          "record key, confidence within [0, 1], a known `matched_by`.",
    "one_customer_per_record": "Every staged record has exactly one customer_id (identity map rows = staged rows).",
    "cluster_size": "No customer is made of more distinct records than clustering.max_cluster_size.",
    "stable_vs_previous_run": "Match rate and merges/splits versus the previous run stay within bounds.",
    "no_over_split": "People are not split: identifier values (email, phone, loyalty card, ...) held by several "
                     "records that ended in different customers, and accepted links clustering refused, stay "
                     "within clustering.over_split of the match config.",
}


@dataclass(frozen=True)
class Gate:
    name: str
    passed: bool
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Bounds:
    max_match_rate_change: float = 0.05  # absolute change in the share of records in multi-record customers
    max_churn: float = 0.05  # merged + split + retired ids, as a share of the previous customers


class Candidate(AuditedTransaction):
    """One run's identity tables, written in a transaction and published only if the gates pass
    (lib/audited_transaction.py).

        with Candidate(con) as candidate:
            ... write the tables and the state, evaluate the gates on them ...
            candidate.decide(gates)        # COMMIT if all passed, else ROLLBACK
    """

    def decide(self, gates: list[Gate]) -> bool:
        return super().decide({g.name: g.passed for g in gates})


def keep_rejected(con: duckdb.DuckDBPyConnection, identity_map: pd.DataFrame, run_id: str,
                  failed: list[str]) -> str:
    """Store a refused candidate map beside the published one (replacing the previous refusal);
    returns its table name. Outside the identity schema, so nothing downstream reads it."""
    table = f"{REJECTED_SCHEMA}.customer_identity_map"
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {REJECTED_SCHEMA}")
    con.register("cu_rejected_out", identity_map.assign(run_id=run_id, failed_gates=", ".join(failed)))
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM cu_rejected_out")
    con.unregister("cu_rejected_out")
    return table


def identity_expectations() -> list[Expectation]:
    return [
        Expectation.of("ExpectColumnValuesToNotBeNull", column="customer_id"),
        Expectation.of("ExpectColumnValuesToMatchRegex", column="customer_id", regex=ID_PATTERN),
        Expectation.of("ExpectColumnValuesToBeBetween", column="match_confidence", min_value=0, max_value=1),
        Expectation.of("ExpectColumnValuesToNotBeNull", column="matched_by"),
        Expectation.of("ExpectColumnValuesToMatchRegex", column="matched_by",
                       regex=r"^(rule:.+|probabilistic|override:must_link|identical record|unmatched)$"),
        Expectation.of("ExpectCompoundColumnsToBeUnique", column_list=("source", "source_record_id")),
    ]


def match_rate(identity_map: pd.DataFrame) -> float:
    """Share of records that belong to a customer with at least one other record."""
    if identity_map.empty:
        return 0.0
    sizes = identity_map.groupby("customer_id")["customer_id"].transform("size")
    return float((sizes > 1).mean())


def write_tables(con: duckdb.DuckDBPyConnection, config: MatchConfig, resolution: Resolution,
                 run_id: str, state_schema: str) -> None:
    """Replace the run's tables; append its lineage. `con` still holds the run's temp tables."""
    now = dt.datetime.now(dt.timezone.utc)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.register("cu_identity_out", resolution.identity_map)
    con.execute(f"CREATE OR REPLACE TABLE {SCHEMA}.customer_identity_map AS SELECT * FROM cu_identity_out")
    con.unregister("cu_identity_out")
    lineage = resolution.ids.lineage.assign(recorded_at=now)
    con.register("cu_lineage_out", lineage)
    con.execute(f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.id_lineage (run_id VARCHAR, old_customer_id VARCHAR,
                    new_customer_id VARCHAR, reason VARCHAR, records BIGINT, recorded_at TIMESTAMPTZ)""")
    con.execute(f"""INSERT INTO {SCHEMA}.id_lineage SELECT run_id, CAST(old_customer_id AS VARCHAR),
                    CAST(new_customer_id AS VARCHAR), reason, records, recorded_at FROM cu_lineage_out""")
    con.unregister("cu_lineage_out")
    specs = comparison_specs(config)
    con.register("cu_model_out", model_table(specs, resolution.match.model).assign(run_id=run_id))
    con.execute(f"CREATE OR REPLACE TABLE {SCHEMA}.match_model AS SELECT * FROM cu_model_out")
    con.unregister("cu_model_out")
    con.register("cu_limited_out", resolution.match.limited.assign(run_id=run_id))
    # typed whatever the frame holds: an empty frame would give DuckDB "NULL"-typed columns
    con.execute(f"""CREATE OR REPLACE TABLE {SCHEMA}.limited_identifiers AS
                    SELECT CAST(rule AS VARCHAR) AS rule, CAST(value_masked AS VARCHAR) AS value_masked,
                           CAST(value_hash AS VARCHAR) AS value_hash, CAST(reason AS VARCHAR) AS reason,
                           CAST(records AS BIGINT) AS records, CAST(run_id AS VARCHAR) AS run_id
                    FROM cu_limited_out""")
    con.unregister("cu_limited_out")
    _write_links(con, specs, resolution, state_schema)


def _write_links(con: duckdb.DuckDBPyConnection, specs, resolution: Resolution, state_schema: str) -> None:
    """Links between representative records (one per distinct identity), with per-field levels."""
    con.register("cu_refused_out", resolution.match.refused.astype({"l": "int64", "r": "int64"}))
    levels = ", ".join(f"g.g_{s.name} AS {s.name}_level" for s in specs)
    con.execute(f"""
        CREATE OR REPLACE TABLE {SCHEMA}.record_links AS
        WITH rep AS (SELECT nid, min(record_key) AS record_key FROM {state_schema}.match_records GROUP BY nid),
        links AS (
          SELECT l, r, link, weight, probability, 'accepted' AS status, NULL AS refused_because
          FROM {state_schema}.match_links
          UNION ALL
          SELECT f.l, f.r, f.link, s.match_weight, s.match_probability, 'refused', f.reason
          FROM cu_refused_out f LEFT JOIN cu_scores s ON s.l = f.l AND s.r = f.r)
        SELECT a.record_key AS left_record, b.record_key AS right_record, k.link AS linked_by, k.status,
               k.refused_because,
               CASE WHEN k.link = 'probabilistic' THEN round(k.weight, 3) END AS match_weight,
               round(k.probability, 6) AS match_probability, {levels}
        FROM links k JOIN rep a ON a.nid = k.l JOIN rep b ON b.nid = k.r
        LEFT JOIN cu_gammas g ON g.l = k.l AND g.r = k.r""")
    con.unregister("cu_refused_out")


def structural_gates(con: duckdb.DuckDBPyConnection, config: MatchConfig, resolution: Resolution,
                     staged_records: int, state_schema: str, previous_map: pd.DataFrame | None,
                     bounds: Bounds = Bounds()) -> list[Gate]:
    identity = resolution.identity_map
    nulls = int(identity["customer_id"].isna().sum())
    dupes = int(identity.duplicated(["source", "source_record_id"]).sum())
    gates = [Gate("one_customer_per_record", len(identity) == staged_records and nulls == 0 and dupes == 0,
                  {"staged_records": staged_records, "identity_map_rows": len(identity),
                   "records_without_customer": nulls, "records_with_two_rows": dupes})]
    largest = con.sql(f"SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n "
                      f"FROM {state_schema}.match_node_labels GROUP BY cluster)").fetchall()[0][0]
    limit = config.clustering.max_cluster_size
    gates.append(Gate("cluster_size", largest <= limit,
                      {"largest_customer_distinct_records": int(largest), "max_cluster_size": limit}))
    rate = match_rate(identity)
    if previous_map is None or previous_map.empty:
        gates.append(Gate("stable_vs_previous_run", True, {"match_rate": round(rate, 4),
                                                            "note": "first run: nothing to compare"}))
    else:
        before = match_rate(previous_map)
        stats = resolution.ids.stats
        churn = (stats["merged"] + stats["split"] + stats["retired"]) / max(previous_map["customer_id"].nunique(), 1)
        passed = abs(rate - before) <= bounds.max_match_rate_change and churn <= bounds.max_churn
        gates.append(Gate("stable_vs_previous_run", passed, {
            "match_rate": round(rate, 4), "previous_match_rate": round(before, 4),
            "max_match_rate_change": bounds.max_match_rate_change, "churn": round(churn, 4),
            "max_churn": bounds.max_churn, **{f"ids_{k}": v for k, v in stats.items()}}))
    return gates


def over_split_gate(con: duckdb.DuckDBPyConnection, config: MatchConfig, records: str) -> Gate:
    """`no_over_split` from the tables write_tables wrote and the staged `records` (see oversplit.py)."""
    result = oversplit.measure(con, config, records=records, identity_map=f"{SCHEMA}.customer_identity_map",
                               limited=f"{SCHEMA}.limited_identifiers", links=f"{SCHEMA}.record_links")
    return Gate("no_over_split", result.passed, oversplit.gate_metadata(result))
