"""Staging: one standardised table + one quarantine table per source, written together in one
transaction and published (committed) only when the blocking gates pass on them (write-audit-publish)."""

import datetime as dt
from collections.abc import Iterator

import dagster as dg
import pandas as pd

from customer_unification.defs.pools import pool_for
from customer_unification.defs.contracts import current_contracts
from customer_unification.defs.metadata import counts_markdown, per_partition, table_metadata
from customer_unification.defs.partitions import EVENT_DAYS
from customer_unification.defs.publishing import gate_result, refused
from customer_unification.defs.staging.arrival_checks import arrival_check_specs, arrival_checks
from customer_unification.lib.governance import IdentifierHasher, drop_suppressed, load_suppression, suppression_key
from customer_unification.lib.sources.canonical import STAGED_COLUMNS, column_description
from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.staging.gates import GATES, evaluate_gates, staging_suite
from customer_unification.lib.staging.schema import quarantine_column_types, staged_column_types
from customer_unification.lib.staging.standardize import LINEAGE_COLUMNS, count_flags, rejects_by_rule, standardize
from customer_unification.resources.column_types import column_schema, warehouse_schema
from customer_unification.resources.quality import GreatExpectationsRunner
from customer_unification.resources.table_writes import Candidate, TableWrite
from customer_unification.resources.warehouse import DuckDBWarehouse

PREVIEW_COLUMNS = ["source_record_id", "first_name", "last_name", "email", "phone", "date_of_birth",
                   "city", "region", "postcode", "event_ts", "event_type", "dq_flags"]


def build_staging_asset(contract: SourceContract) -> dg.AssetsDefinition:
    clean_key = dg.AssetKey(["staging", contract.name])
    quarantine_key = dg.AssetKey(["quarantine", contract.name])
    partitioned = contract.kind == "event"  # follows its source's day partitions
    common = {"owners": contract.owners, "tags": {"system": contract.system or contract.name}}

    @dg.multi_asset(
        pool=pool_for("staging"),
        name=f"stage_{contract.name}",
        ins={"raw": dg.AssetIn(key=["sources", contract.name])},
        outs={
            # not required: a delivery the gates refuse is not published (no Output)
            "clean": dg.AssetOut(
                key=clean_key, is_required=False, kinds={"pandas", "duckdb"}, group_name="staging", **common,
                metadata={"dagster/column_schema": _declared(staged_column_types(contract))},
                description=f"{contract.name} standardised to the canonical schema (names, emails, "
                            "E.164 phones, addresses, UTC dates); only rows that passed every hard rule."),
            "quarantine": dg.AssetOut(
                # its own group: the rejected rows and the warnings on them, apart from the clean tables
                key=quarantine_key, is_required=False, kinds={"pandas", "duckdb"}, group_name="quarantine", **common,
                metadata={"dagster/column_schema": _declared(quarantine_column_types(contract))},
                description=f"{contract.name} rows that failed a hard rule, with the rule, the reasons "
                            "and the raw record: nothing is lost."),
        },
        check_specs=[*(dg.AssetCheckSpec(name, asset=clean_key, blocking=True, description=text)
                       for name, text in GATES.items()), *arrival_check_specs(quarantine_key)],
        partitions_def=EVENT_DAYS if partitioned else None,
        backfill_policy=dg.BackfillPolicy.single_run() if partitioned else None,
    )
    def stage(context: dg.AssetExecutionContext, raw: pd.DataFrame, quality: GreatExpectationsRunner,
              warehouse: DuckDBWarehouse) -> Iterator:
        now = dt.datetime.now(dt.timezone.utc)
        with warehouse.connect() as con:
            suppression = load_suppression(con, IdentifierHasher(suppression_key()))
        # forgotten people are dropped before anything is stored (not even in quarantine)
        result, suppressed = drop_suppressed(standardize(raw, contract, loaded_at=now), suppression, contract)
        suite = quality.submit(result.clean, *staging_suite(contract, now))  # runs while we write
        context.log.info(f"{contract.name}: {len(raw):,} raw -> {len(result.clean):,} staged + "
                         f"{len(result.quarantine):,} quarantined + {suppressed:,} suppressed")
        # write-audit-publish: the staged table and its quarantine are written in one transaction, the
        # blocking gates are evaluated on that candidate, and it is committed only if all of them passed.
        # A failed gate, an error or a kill -9 leaves both as the last good run wrote them.
        days = context.partition_keys if partitioned else None
        with warehouse.connect() as con, Candidate(con) as candidate:
            stored = candidate.write([
                TableWrite("staging", contract.name, result.clean, staged_column_types(contract), days),
                TableWrite("quarantine", contract.name, result.quarantine, quarantine_column_types(contract), days)])
            gates = evaluate_gates(len(raw), result, contract, now, suite=suite.result(), suppressed=suppressed)
            published = candidate.decide({gate.name: gate.passed for gate in gates})
        if published:
            if partitioned:  # each day its own counts, not the run's totals
                frames = {"raw": raw, "clean": result.clean, "quarantine": result.quarantine}
                per_partition(context, clean_key, frames, _clean_metadata)
                per_partition(context, quarantine_key, frames, _quarantine_metadata)
            # written above: the IO manager has nothing left to store (it skips None)
            yield dg.Output(None, output_name="clean", metadata={
                **_clean_metadata(raw, result.clean, result.quarantine, suppressed),
                "dagster/column_schema": stored[f"staging.{contract.name}"]})
            yield dg.Output(None, output_name="quarantine", metadata={
                **_quarantine_metadata(raw, result.clean, result.quarantine),
                "dagster/column_schema": stored[f"quarantine.{contract.name}"]})
        else:  # no Output: the tables did not change, and what reads them is skipped
            yield from refused(context, [clean_key, quarantine_key], candidate.failed, f"staging.{contract.name}")
        for gate in gates:
            yield gate_result(clean_key, gate.name, gate.passed, gate.metadata, published)
        # WARN, non-blocking: what arrived, whether or not it was published
        yield from arrival_checks(context, quarantine_key, result.rejects_by_rule, result.field_issues)

    return stage


def _clean_metadata(raw: pd.DataFrame, clean: pd.DataFrame, quarantine: pd.DataFrame,
                    suppressed: int | None = None) -> dict:
    """What a staging table (or one of its day partitions) holds. Every raw row is staged,
    quarantined or suppressed (forgotten people), so a partition's suppressed rows are the rest."""
    if suppressed is None:
        suppressed = len(raw) - len(clean) - len(quarantine)
    return {
        **table_metadata(clean, PREVIEW_COLUMNS),
        "raw_rows": len(raw),
        "quarantined_rows": len(quarantine),
        "suppressed_rows": suppressed,
        "field_issues (values set to NULL)": counts_markdown(count_flags(clean["dq_flags"]), ("issue", "rows")),
    }


def _quarantine_metadata(raw: pd.DataFrame, clean: pd.DataFrame, quarantine: pd.DataFrame) -> dict:
    return {
        **table_metadata(quarantine, ["source_record_id", "rule", "reasons", "source_file", "source_line"]),
        "rejects_by_rule": counts_markdown(rejects_by_rule(quarantine), ("rule", "rows")),
    }


def _declared(types: dict[str, str]) -> dg.TableSchema:
    """The table's column types (the IO manager creates it with them), described for the UI."""
    return column_schema(types, {c: column_description(c) for c in types})


def build_unified_records(contracts: list[SourceContract]) -> dg.AssetsDefinition:
    tables = [c.name for c in contracts]
    by_day = {c.name for c in contracts if c.kind == "event"}

    @dg.asset(
        pool=pool_for("staging"),
        key=["staging", "unified_records"],
        group_name="staging",
        deps=[dg.AssetKey(["staging", t]) for t in tables],
        kinds={"duckdb", "sql"},
        owners=sorted({owner for c in contracts for owner in c.owners}),
        description="Every staged record of every source in the canonical schema (a view over the "
                    "staging tables): the input of identity resolution. Rebuilt only when every "
                    "source's gates passed, so nothing downstream runs on a failed delivery.",
    )
    def unified_records(warehouse: DuckDBWarehouse) -> dg.MaterializeResult:
        columns = ", ".join(f'"{c}"' for c in STAGED_COLUMNS + LINEAGE_COLUMNS)
        union = "\nUNION ALL ".join(_latest_rows(t, columns) if t in by_day else f'SELECT {columns} FROM staging."{t}"'
                                    for t in tables)
        with warehouse.connect() as con:
            # A view: instant, and never out of step with the staging tables it unions.
            con.execute(f"CREATE OR REPLACE VIEW staging.unified_records AS {union}")
            per_source = dict(con.execute(
                "SELECT source, count(*) FROM staging.unified_records GROUP BY 1").fetchall())
            columns = warehouse_schema(con, "staging.unified_records", column_description)
        return dg.MaterializeResult(metadata={
            "dagster/row_count": sum(per_source.values()), "dagster/column_schema": columns,
            "rows_by_source": counts_markdown(per_source, ("source", "rows")),
        })

    return unified_records


def _latest_rows(table: str, columns: str) -> str:
    """A record delivered again on a later day (an order's update) counts once: its latest version."""
    return (f'SELECT {columns} FROM staging."{table}" QUALIFY row_number() OVER ('
            "PARTITION BY source_record_id ORDER BY _partition DESC, loaded_at DESC, source_line DESC) = 1")


@dg.definitions
def defs() -> dg.Definitions:
    contracts = current_contracts().sources
    return dg.Definitions(assets=[*(build_staging_asset(c) for c in contracts), build_unified_records(contracts)])
