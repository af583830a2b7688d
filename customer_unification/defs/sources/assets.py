"""One raw asset per declared source: the records exactly as delivered, every value as text."""

import dagster as dg
import pandas as pd

from customer_unification.defs.contracts import current_contracts
from customer_unification.defs.metadata import table_metadata
from customer_unification.lib.sources.contracts import SourceContract, SourcesConfig
from customer_unification.lib.sources.readers import read_source


def build_source_asset(config: SourcesConfig, contract: SourceContract) -> dg.AssetsDefinition:
    where = config.sql_url(contract).split("://")[0] + "://…" if contract.format == "sql" else contract.location

    @dg.asset(
        key=["sources", contract.name],
        group_name="sources",
        description=f"{contract.description or contract.name} — raw records as delivered ({contract.format}).",
        kinds={contract.format, "duckdb"},
        owners=contract.owners,
        tags={"system": contract.system or contract.name, "format": contract.format},
        metadata={"location": str(where), "record_key": ", ".join(contract.record_key),
                  "trust_rank": contract.trust_rank},
    )
    def source(context: dg.AssetExecutionContext) -> dg.Output[pd.DataFrame]:
        raw = read_source(config, contract)
        unparseable = int(raw["_error"].notna().sum())
        context.log.info(f"{contract.name}: read {len(raw):,} records ({unparseable} unparseable)")
        data_columns = [c for c in raw.columns if not c.startswith("_")]
        return dg.Output(raw, metadata={
            **table_metadata(raw, preview_columns=data_columns[:10]),
            "files": sorted(raw["_file"].dropna().unique().tolist()),
            "unparseable_records": unparseable,
        })

    return source


@dg.definitions
def defs() -> dg.Definitions:
    config = current_contracts()
    return dg.Definitions(assets=[build_source_asset(config, c) for c in config.sources])
