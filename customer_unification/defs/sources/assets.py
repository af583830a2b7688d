"""One raw asset per declared source: the records exactly as delivered, every value as text.

Event sources are partitioned by the day of the event (defs/partitions.py); the others (CRM,
lists, sign-up sheets) are snapshots: each run replaces the table with what the source holds now.
"""

import hashlib
from pathlib import Path

import dagster as dg
import pandas as pd

from customer_unification.defs.pools import pool_for
from customer_unification.defs.contracts import current_contracts
from customer_unification.defs.metadata import counts_markdown, per_partition, table_metadata
from customer_unification import settings
from customer_unification.defs.partitions import EVENT_DAYS, day_bounds
from customer_unification.lib.landing import LandingZone
from customer_unification.lib.landing.zone import PENDING
from customer_unification.lib.sources.contracts import SourceContract, SourcesConfig
from customer_unification.lib.sources.partitioning import event_days
from customer_unification.lib.sources.preflight import source_problems
from customer_unification.lib.sources.readers import PARTITION_COLUMN, read_source
from customer_unification.lib.staging.record_keys import describe as describe_key
from customer_unification.lib.staging.schema import raw_column_types
from customer_unification.resources.column_types import column_schema
from customer_unification.resources.warehouse import DuckDBWarehouse

PENDING_READ = "landing_files_pending"  # metadata: the pending landed files a materialisation read


def location_value(config: SourcesConfig, contract: SourceContract) -> dg.MetadataValue:
    """Where the source is read from: a file source's path or glob, absolute (a path the UI shows as
    one, with a copy button); a SQL source's dialect only (its URL may hold a password)."""
    if contract.format == "sql":
        return dg.MetadataValue.text(config.sql_url(contract).split("://")[0] + "://…")
    location = Path(contract.location)
    return dg.MetadataValue.path(str(location if location.is_absolute() else config.base_dir / location))


def build_source_asset(config: SourcesConfig, contract: SourceContract) -> dg.AssetsDefinition:
    where = location_value(config, contract)
    partitioned = contract.kind == "event"

    @dg.asset(
        pool=pool_for("sources"),
        key=["sources", contract.name],
        group_name="sources",
        description=f"{contract.description or contract.name} — raw records as delivered ({contract.format}); "
                    + ("partitioned by event day." if partitioned else "a snapshot, replaced on every run."),
        kinds={contract.format, "duckdb"},
        owners=contract.owners,
        tags={"system": contract.system or contract.name, "format": contract.format},
        metadata={"location": where, "record_key": describe_key(contract),
                  "trust_rank": contract.trust_rank,
                  "dagster/column_schema": column_schema(raw_column_types(contract))},
        partitions_def=EVENT_DAYS if partitioned else None,
        backfill_policy=dg.BackfillPolicy.single_run() if partitioned else None,
    )
    def source(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse) -> dg.Output[pd.DataFrame]:
        landed = LandingZone(settings.landing_dir(), config).admitted_files(contract.name)
        problems = source_problems(config, contract, landed)
        if problems:  # the reason, before anything is read or written (not a reader's traceback)
            raise dg.Failure(description="; ".join(problems), allow_retries=False)
        raw = read_source(config, contract, landed=landed)
        raw, suppressed = _without_forgotten(raw, contract, warehouse)
        files = sorted(raw["_file"].dropna().unique().tolist())
        # the landed files still waiting for a successful run: they count as loaded once this run succeeds
        metadata = {"location": where, "files": files, "suppressed_rows": suppressed, PENDING_READ: [f"{contract.name}/{p.name}" for p in landed
                                                   if p.parent.name == PENDING]}
        data_columns = [c for c in raw.columns if not c.startswith("_")]

        def counts(records: pd.DataFrame) -> dict:
            return {**table_metadata(records, preview_columns=data_columns[:10]),
                    "unparseable_records": int(records["_error"].notna().sum())}

        if partitioned:
            raw[PARTITION_COLUMN] = event_days(raw, contract, *day_bounds(), landed=landed)
            read = len(raw)
            raw = raw[raw[PARTITION_COLUMN].isin(context.partition_keys)].reset_index(drop=True)
            # what the run read, on every day it wrote; each day's own counts come from per_partition
            metadata["run_records_read"] = read
            metadata["run_records_by_day"] = counts_markdown(
                raw[PARTITION_COLUMN].value_counts().head(31).to_dict(), ("day", "records"))
            per_partition(context, context.assets_def.key, {"records": raw}, counts)
        else:
            metadata["snapshot_fingerprint"] = _fingerprint(raw)
        unparseable = int(raw["_error"].notna().sum())
        context.log.info(f"{contract.name}: {len(raw):,} records ({unparseable} unparseable)")
        return dg.Output(raw, metadata={**counts(raw), **metadata})

    return source


def _without_forgotten(raw: pd.DataFrame, contract: SourceContract,
                       warehouse: DuckDBWarehouse) -> tuple[pd.DataFrame, int]:
    """The records without those of people on the suppression list (right to be forgotten): the raw
    layer is personal data too, so a re-delivered record of theirs is never stored, not even here."""
    from customer_unification.lib.governance import IdentifierHasher, load_suppression, suppression_key
    from customer_unification.lib.governance.suppression import suppressed_raw_rows

    with warehouse.connect() as con:
        suppression = load_suppression(con, IdentifierHasher(suppression_key()))
    forgotten = suppressed_raw_rows(raw, suppression, contract)
    if not forgotten.any():
        return raw, 0
    return raw[~forgotten.to_numpy()].reset_index(drop=True), int(forgotten.sum())


def _fingerprint(raw: pd.DataFrame) -> str:
    """A digest of the snapshot's content: equal digests mean nothing changed at the source."""
    rows = pd.util.hash_pandas_object(raw.drop(columns=["_file"]), index=False).to_numpy()
    return hashlib.sha256(rows.tobytes()).hexdigest()[:16]


@dg.definitions
def defs() -> dg.Definitions:
    config = current_contracts()
    return dg.Definitions(assets=[build_source_asset(config, c) for c in config.sources])
