"""Traits per customer (orders, RFM, cadence, affinity, preferred channel, journey stage, ...)
and the churn-risk model they include: written together, in one transaction, and published (committed)
only when the blocking gate passes on them (write-audit-publish)."""

import datetime as dt

import dagster as dg

from customer_unification.defs.pools import pool_for
from customer_unification import settings
from customer_unification.defs.metadata import counts_markdown
from customer_unification.defs.publishing import gate_result, refused
from customer_unification.lib.profiles.churn import score_churn
from customer_unification.lib.profiles.traits import TRAIT_DEFINITIONS, build_traits
from customer_unification.resources.column_types import warehouse_schema
from customer_unification.resources.table_writes import Candidate
from customer_unification.resources.warehouse import DuckDBWarehouse

KINDS = {"duckdb", "sql"}
OWNERS = ["team:crm-analytics"]
TRAITS_KEY = dg.AssetKey(["profiles", "customer_traits"])


class TraitsConfig(dg.Config):
    as_of: str = ""  # UTC date (YYYY-MM-DD) the traits describe; default CU_TRAITS_AS_OF, else now


def _as_of(config: TraitsConfig) -> dt.datetime:
    text = config.as_of or settings.traits_as_of()
    if not text:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), dt.UTC)


def _mix(con, column: str) -> dg.MetadataValue:
    rows = con.sql(f"SELECT coalesce(CAST({column} AS VARCHAR), '(none)'), count(*) FROM profiles.customer_traits "
                   "GROUP BY 1 ORDER BY 2 DESC").fetchall()
    total = sum(n for _, n in rows) or 1
    return dg.MetadataValue.md(f"| {column} | customers | share |\n|---|---:|---|\n" + "\n".join(
        f"| {value} | {n:,} | {'█' * round(20 * n / total)} {n / total:.1%} |" for value, n in rows))


@dg.multi_asset(
    pool=pool_for("profiles"),
    name="compute_traits",
    specs=[
        # skippable: a candidate the gate refuses is not published, so the run materialises nothing
        dg.AssetSpec(TRAITS_KEY, group_name="profiles", kinds=KINDS, owners=OWNERS, skippable=True,
                     deps=[["profiles", "churn_scores"], ["profiles", "customer_events"],
                           ["profiles", "consent_ledger"], ["profiles", "golden_profiles"]],
                     description="One row per customer: the traits campaigns are built on (definitions in "
                                 "the column schema and the README).",
                     metadata={"dagster/column_schema": dg.TableSchema(columns=[
                         dg.TableColumn(name, description=text) for name, text in TRAIT_DEFINITIONS.items()])}),
        dg.AssetSpec(["profiles", "churn_scores"], group_name="profiles", kinds={"duckdb", "scikit-learn"},
                     owners=OWNERS, skippable=True,
                     deps=[["profiles", "customer_events"], ["profiles", "golden_profiles"]],
                     description="Churn risk per customer (probability of no purchase in the next 90 days) "
                                 "from a logistic regression trained on the event history; holdout quality "
                                 "in the metadata."),
    ],
    check_specs=[dg.AssetCheckSpec("one_row_per_customer", asset=TRAITS_KEY, blocking=True,
                                   description="Exactly one trait row per golden profile.")],
)
def compute_traits(context: dg.AssetExecutionContext, config: TraitsConfig, warehouse: DuckDBWarehouse):
    as_of = _as_of(config)
    with warehouse.connect() as con:
        # the events and profiles are read once into the session: traits scan them many times
        con.execute("CREATE OR REPLACE TEMP TABLE cu_events AS SELECT * FROM profiles.customer_events")
        # write-audit-publish: the churn scores and the traits in one transaction, committed only if
        # the blocking gate passed on them; otherwise both keep the last good version
        with Candidate(con) as candidate:
            report = score_churn(con, events="cu_events", customers="profiles.golden_profiles", as_of=as_of,
                                 out="profiles.churn_scores")
            rows = build_traits(con, events="cu_events", consent="profiles.consent_ledger",
                                customers="profiles.golden_profiles", as_of=as_of, out="profiles.customer_traits",
                                churn_scores="profiles.churn_scores")
            profiles, distinct = con.sql("SELECT (SELECT count(*) FROM profiles.golden_profiles), "
                                         "count(DISTINCT customer_id) FROM profiles.customer_traits").fetchall()[0]
            gate = (rows == distinct == profiles, {"trait_rows": rows, "distinct_customers": distinct,
                                                   "profiles": profiles})
            published = candidate.decide({"one_row_per_customer": gate[0]})
        if not published:
            yield from refused(context, [spec.key for spec in context.assets_def.specs], candidate.failed, "traits")
            yield gate_result(TRAITS_KEY, "one_row_per_customer", *gate, published)
            return
        churn_columns = warehouse_schema(con, "profiles.churn_scores")
        metadata = {"dagster/row_count": rows, "as_of": as_of.isoformat(),
                    "dagster/column_schema": warehouse_schema(con, "profiles.customer_traits"),
                    "journey_stage": _mix(con, "journey_stage"),
                    "preferred_channel": _mix(con, "preferred_channel"),
                    "purchase_cadence": _mix(con, "purchase_cadence"),
                    "top_category": _mix(con, "top_category")}
    context.log.info(f"traits as of {as_of:%Y-%m-%d} for {rows:,} customers")
    yield dg.MaterializeResult(asset_key=["profiles", "churn_scores"], metadata={
        "dagster/column_schema": churn_columns,
        **{f"model_{k}": v for k, v in report.as_metadata().items() if isinstance(v, (int, float, str, bool))},
        "model_coefficients": counts_markdown({k: round(v, 3) for k, v in report.coefficients.items()},
                                              ("standardised feature", "coefficient")),
    })
    yield dg.MaterializeResult(asset_key=TRAITS_KEY, metadata=metadata)
    yield gate_result(TRAITS_KEY, "one_row_per_customer", *gate, published)
