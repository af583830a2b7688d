"""Segment membership with entry/exit history, pinned to the identity run that produced it."""

import datetime as dt

import dagster as dg

from customer_unification.defs.pools import pool_for
from customer_unification import settings
from customer_unification.lib.analytics.charts import segment_sizes_svg
from customer_unification.lib.segments import evaluate_segments, load_segments_config, update_membership
from customer_unification.resources.column_types import warehouse_schema
from customer_unification.resources.warehouse import DuckDBWarehouse

KINDS = {"duckdb", "sql"}
OWNERS = ["team:crm-marketing"]
EVALUATION = "segments.segment_evaluation"
MEMBERSHIP = dg.AssetKey(["segments", "segment_membership"])
IDENTITY_MAP = dg.AssetKey(["identity", "customer_identity_map"])
UPSTREAM = [dg.AssetKey(["profiles", "customer_traits"]), dg.AssetKey(["profiles", "customer_events"])]


def identity_run_id(context: dg.AssetExecutionContext) -> str:
    """The run that last materialised the identity map: memberships are pinned to it."""
    event = context.instance.get_latest_materialization_event(IDENTITY_MAP)
    return event.run_id if event else "unknown"


def traits_as_of(con) -> dt.datetime:
    """Segments are evaluated as of the moment the traits describe, so both agree."""
    value = con.sql("SELECT max(as_of) FROM profiles.customer_traits").fetchall()[0][0]
    return value if value is not None else dt.datetime.now(dt.UTC)


@dg.multi_asset(
    pool=pool_for("segments"),
    name="build_segments",
    specs=[
        dg.AssetSpec(["segments", "segment_members"], group_name="segments", kinds=KINDS, owners=OWNERS,
                     deps=UPSTREAM, description="Current members: one row per customer and segment (definitions: "
                                                "CU_SEGMENTS_CONFIG, default lib/segments/default_segments.yaml)."),
        dg.AssetSpec(MEMBERSHIP, group_name="segments", kinds=KINDS, owners=OWNERS,
                     deps=[["segments", "segment_members"]],
                     description="Membership history: customer_id, segment, entered_at, exited_at (NULL while a "
                                 "member), exit_reason, the identity run and definition version at entry."),
        dg.AssetSpec(["segments", "segment_snapshot"], group_name="segments", kinds=KINDS, owners=OWNERS,
                     deps=[MEMBERSHIP], description="Segment sizes per run (members, entered, exited): sizes over time."),
    ],
)
def build_segments(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    definitions = load_segments_config(settings.segments_config_path())
    run_id = identity_run_id(context)
    with warehouse.connect() as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS segments")
        as_of = traits_as_of(con)
        sizes = evaluate_segments(con, definitions, as_of=as_of, traits="profiles.customer_traits",
                                  events="profiles.customer_events", out="segments.segment_members")
        update = update_membership(con, "segments.segment_members", as_of, run_id, definitions,
                                   customers="profiles.customer_traits")
        if update.rewound_from:
            context.log.warning(f"segment history ran to {update.rewound_from}, later than as_of {update.as_of}: "
                                f"{update.runs_undone} later run(s) undone, history rebuilt from {update.as_of}")
        history = con.sql("SELECT segment, as_of, members FROM segments.segment_snapshot ORDER BY as_of, segment").fetchall()
        history_rows = con.sql("SELECT count(*) FROM segments.segment_membership").fetchall()[0][0]
        columns = {table: {"dagster/column_schema": warehouse_schema(con, f"segments.{table}")}
                   for table in ("segment_members", "segment_membership", "segment_snapshot")}
    table = "| segment | members | entered | exited |\n|---|---:|---:|---:|\n" + "\n".join(
        f"| {s} | {n:,} | {update.entered.get(s, 0):,} | {update.exited.get(s, 0):,} |" for s, n in sizes.items())
    report = settings.warehouse_path().parent / "reports" / "segment_sizes.html"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(f"<!doctype html><meta charset='utf-8'><title>Segment sizes</title>{segment_sizes_svg(history)}")
    yield dg.MaterializeResult(asset_key=["segments", "segment_members"], metadata={
        "dagster/row_count": sum(sizes.values()), **columns["segment_members"], "as_of": as_of.isoformat(), "identity_run": run_id,
        "segments": dg.MetadataValue.md(table)})
    yield dg.MaterializeResult(asset_key=MEMBERSHIP, metadata={
        "dagster/row_count": history_rows, **columns["segment_membership"], "identity_changed_exits": update.identity_changed,
        "replaced_same_as_of": update.replaced_run, "identity_run": run_id,
        "rewound_from": update.rewound_from or "", "later_runs_undone": update.runs_undone})
    yield dg.MaterializeResult(asset_key=["segments", "segment_snapshot"], metadata={
        "dagster/row_count": len(history), **columns["segment_snapshot"], "sizes_over_time": dg.MetadataValue.path(str(report))})


@dg.asset(
    pool=pool_for("segments"),
    key=["segments", "segment_evaluation"], group_name="segments", kinds={"duckdb", "pandas"}, owners=OWNERS,
    deps=[["segments", "segment_members"]],
    description="Per segment: membership computed from the true people (ground truth next to "
                "CU_IDENTITY_TRUTH) against the platform's, as precision and recall. Empty without truth.",
)
def segment_evaluation(warehouse: DuckDBWarehouse) -> dg.MaterializeResult:
    from customer_unification.lib.segments.truth import segment_truth  # loads scikit-learn

    truth = settings.identity_truth_path()
    with warehouse.connect() as con:
        if truth is None:
            con.execute("CREATE OR REPLACE TABLE segments.segment_evaluation (segment VARCHAR, precision DOUBLE, recall DOUBLE)")
            return dg.MaterializeResult(metadata={"note": "no ground truth found (set CU_IDENTITY_TRUTH)",
                                                  "dagster/column_schema": warehouse_schema(con, EVALUATION)})
        scores = segment_truth(con, load_segments_config(settings.segments_config_path()), truth.parent,
                               traits="profiles.customer_traits", events="profiles.customer_events")
        con.register("scores", scores)
        con.execute("CREATE OR REPLACE TABLE segments.segment_evaluation AS SELECT * FROM scores")
        columns = warehouse_schema(con, EVALUATION)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(scores), "dagster/column_schema": columns,
        "per_segment": dg.MetadataValue.md(scores.to_markdown(index=False)),
        "min_precision": float(scores["precision"].min()), "min_recall": float(scores["recall"].min()),
    })
