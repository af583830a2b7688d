"""Channel audiences per segment, suppression with reasons, and exports to files and SQL.

The audiences are write-audit-publish: written in one transaction, published (committed) only
when every blocking gate passed on them, so nothing is exported from audiences a gate refused."""

import datetime as dt
import json

import dagster as dg

from customer_unification.defs.pools import pool_for
from customer_unification import settings
from customer_unification.defs.segments.assets import identity_run_id
from customer_unification.lib.activation import (audience_overlap, audience_sizes, build_audiences, export_files,
                                                 export_to_sql, load_activation_config, overlap_markdown,
                                                 record_contacts, suppression_counts)
from customer_unification.defs.metadata import table_value
from customer_unification.defs.publishing import gate_result, refused
from customer_unification.lib.activation.checks import audience_gates
from customer_unification.lib.activation.preview import member_preview
from customer_unification.lib.activation.truth import audience_truth
from customer_unification.lib.segments import load_segments_config
from customer_unification.resources.column_types import warehouse_schema
from customer_unification.resources.table_writes import Candidate
from customer_unification.resources.warehouse import DuckDBWarehouse

KINDS = {"duckdb", "sql"}
OWNERS = ["team:crm-marketing"]
EVALUATION = "activation.audience_evaluation"
MEMBERS = dg.AssetKey(["activation", "audience_members"])
UPSTREAM = [dg.AssetKey(["segments", "segment_members"]), dg.AssetKey(["profiles", "golden_profiles"]),
            dg.AssetKey(["profiles", "contact_points"]), dg.AssetKey(["profiles", "consent_ledger"]),
            dg.AssetKey(["profiles", "customer_traits"])]
GATES = {
    "counts_reconcile": "Per audience: segment members = audience rows + suppressed rows.",
    "one_row_per_person": "No audience holds a customer twice.",
    "consent_respected": "Re-checked against the consent ledger: nobody in an opt-in channel's audience "
                         "lacks a grant, nobody anywhere has a denial for the audience's channel.",
    "no_forgotten_person": "Nobody whose identifiers are on the suppression list is in an audience.",
}


@dg.multi_asset(
    pool=pool_for("activation"),
    name="build_audiences",
    specs=[
        # skippable: audiences the gates refuse are not published, so the run materialises nothing
        dg.AssetSpec(MEMBERS, group_name="activation", kinds=KINDS, owners=OWNERS, deps=UPSTREAM, skippable=True,
                     description="One row per person per audience (segment x channel) with the contact to use: "
                                 "email, E.164 mobile, postal address, or SHA-256-hashed email/phone for social "
                                 "custom audiences (no raw PII there)."),
        dg.AssetSpec(["activation", "suppressed"], group_name="activation", kinds=KINDS, owners=OWNERS,
                     deps=UPSTREAM, skippable=True,
                     description="Segment members left out of an audience, with the reason: "
                                 "forgotten, no_consent, no_valid_contact, frequency_cap."),
    ],
    check_specs=[dg.AssetCheckSpec(name, asset=MEMBERS, blocking=True, description=text)
                 for name, text in GATES.items()],
)
def build_audiences_asset(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    config = load_activation_config(settings.activation_config_path())
    segments = load_segments_config(settings.segments_config_path()).segments
    with warehouse.connect() as con:
        # write-audit-publish: both tables in one transaction, audited there, committed only if every
        # gate passed; otherwise the last good audiences stay, and nothing is exported
        with Candidate(con) as candidate:
            build = build_audiences(con, "segments.segment_members", segments, config, run_id=context.run_id,
                                    identity_run_id=identity_run_id(context), transaction=False)
            problems = build.reconciliation_problems()
            gates = {"counts_reconcile": (not problems, {"problems": "; ".join(problems) or "none"}),
                     **audience_gates(con, config)}
            published = candidate.decide({name: passed for name, (passed, _) in gates.items()})
        if not published:
            yield from refused(context, [spec.key for spec in context.assets_def.specs], candidate.failed,
                               "audiences")
            for name, (passed, metadata) in gates.items():
                yield gate_result(MEMBERS, name, passed, metadata, published)
            return
        sizes = audience_sizes(con)
        suppressed = suppression_counts(con)
        overlap = overlap_markdown(audience_overlap(con))
        preview = member_preview(con)
        columns = {table: warehouse_schema(con, f"activation.{table}") for table in ("audience_members", "suppressed")}
    yield dg.MaterializeResult(asset_key=MEMBERS, metadata={
        "dagster/row_count": int(sizes["rows"].sum()) if len(sizes) else 0,
        "dagster/column_schema": columns["audience_members"],
        "audience_sizes": table_value(sizes),
        "members_preview (PII masked)": table_value(preview),
        "overlap": dg.MetadataValue.md(overlap or "(none)"),
        "forgotten_people_in_segments": build.forgotten_people, "identity_run": build.identity_run_id})
    yield dg.MaterializeResult(asset_key=["activation", "suppressed"], metadata={
        "dagster/row_count": int(suppressed.drop(columns=["audience"], errors="ignore").sum(numeric_only=True).sum()),
        "dagster/column_schema": columns["suppressed"],
        "by_reason": dg.MetadataValue.md(suppressed.to_markdown(index=False) if len(suppressed) else "(none)")})
    for name, (passed, metadata) in gates.items():
        yield gate_result(MEMBERS, name, passed, metadata, published)


@dg.asset(
    pool=pool_for("activation"),
    key=["activation", "audience_exports"], group_name="activation", kinds={"csv", "parquet", "sql"},
    owners=OWNERS, deps=[MEMBERS],
    description="Every audience as CSV and Parquet files with a manifest (`data/exports/<run_id>/`), and in the SQL "
                "destination CU_ACTIVATION_SQL_URL (idempotent per audience); then the new sends are recorded "
                "in activation.contact_history for the frequency cap (a member already sent the same audience "
                "today, e.g. by a retry or re-run, is not a new send).",
)
def audience_exports(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse) -> dg.MaterializeResult:
    now = dt.datetime.now(dt.UTC)
    folder = settings.exports_dir() / context.run_id
    url = settings.activation_sql_url()
    with warehouse.connect() as con:
        manifest = export_files(con, folder, run_id=context.run_id, created_at=now)
        written = export_to_sql(con, url, exported_at=now)
        recorded = record_contacts(con, contacted_at=now)
        rows = con.sql("SELECT count(*) FROM activation.audience_members").fetchall()[0][0]
        # what the files and the SQL destination hold: the audience members' rows
        columns = warehouse_schema(con, "activation.audience_members")
    return dg.MaterializeResult(metadata={
        "folder": dg.MetadataValue.path(str(folder)), "dagster/column_schema": columns, "manifest": dg.MetadataValue.json(json.loads(json.dumps(manifest, default=str))),
        "sql_destination": settings.masked_url(url), "rows_written_to_sql": sum(written.values()),
        "contacts_recorded": recorded, "already_sent_today": rows - recorded})


@dg.asset(
    pool=pool_for("activation"),
    key=["activation", "audience_evaluation"], group_name="activation", kinds={"duckdb", "pandas"}, owners=OWNERS,
    deps=[MEMBERS],
    description="Per audience, against the ground truth next to CU_IDENTITY_TRUTH: true people reached and "
                "how many were reached twice (two customer_ids of one person). Empty without truth.",
)
def audience_evaluation(warehouse: DuckDBWarehouse) -> dg.MaterializeResult:
    truth = settings.identity_truth_path()
    with warehouse.connect() as con:
        if truth is None:
            con.execute("CREATE OR REPLACE TABLE activation.audience_evaluation (audience VARCHAR, rows BIGINT, "
                        "true_people BIGINT, people_reached_twice BIGINT)")
            return dg.MaterializeResult(metadata={"note": "no ground truth found (set CU_IDENTITY_TRUTH)",
                                                  "dagster/column_schema": warehouse_schema(con, EVALUATION)})
        scores = audience_truth(con, truth.parent)
        con.register("scores", scores)
        con.execute("CREATE OR REPLACE TABLE activation.audience_evaluation AS SELECT * FROM scores")
        columns = warehouse_schema(con, EVALUATION)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(scores), "dagster/column_schema": columns, "people_reached_twice": int(scores["people_reached_twice"].sum()),
        "per_audience": dg.MetadataValue.md(scores.to_markdown(index=False) if len(scores) else "(none)")})
