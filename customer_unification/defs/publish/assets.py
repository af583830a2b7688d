"""Golden profiles, segment membership and audience members published to PostgreSQL (CU_PUBLISH_URL)."""

import dagster as dg

from customer_unification.defs.pools import PUBLISH_POOL
from customer_unification.defs.publish.resources import PostgresTarget
from customer_unification.lib.publish import DEFAULT_SCHEMA, PUBLISHED_TABLES
from customer_unification.lib.publish.postgres import published_columns
from customer_unification.lib.table_types import table_types
from customer_unification.resources.warehouse import DuckDBWarehouse

KEY = dg.AssetKey(["activation", "postgres_publish"])
SKIPPED = "not published: CU_PUBLISH_URL is not set (set CU_PUBLISH_URL to a PostgreSQL URL to publish)"


def published_schema(types_by_source, schema: str = DEFAULT_SCHEMA) -> dg.TableSchema:
    """The published tables' columns, `<table>.<column>` in their PostgreSQL types."""
    return dg.TableSchema(columns=[dg.TableColumn(name, type=kind, description=where)
                                   for name, kind, where in published_columns(types_by_source, schema)])


@dg.asset(
    pool=PUBLISH_POOL,
    key=KEY, group_name="activation", kinds={"postgres", "duckdb"}, owners=["team:crm-marketing"],
    deps=[dg.AssetKey(spec.source.split(".")) for spec in PUBLISHED_TABLES],
    output_required=False,
    # declared from the source tables' declared types; a publish reports the types it created
    metadata={"dagster/column_schema": published_schema(table_types())},
    description="profiles.golden_profiles, segments.segment_membership and activation.audience_members copied "
                "into the PostgreSQL database CU_PUBLISH_URL (schema customer_unification), all three swapped "
                "in one transaction so readers never see a missing or half-loaded table. Skipped - no "
                "materialization, an observation saying why - when CU_PUBLISH_URL is not set.",
)
def postgres_publish(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse, publish_target: PostgresTarget):
    if not publish_target.enabled:
        context.log.info(SKIPPED)
        yield dg.AssetObservation(asset_key=KEY, metadata={"skipped": SKIPPED})
        return
    with warehouse.connect() as con:
        published = publish_target.publish(con, run_id=context.run_id)
        stored = {spec.source: {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {spec.source}").fetchall()}
                  for spec in PUBLISHED_TABLES}
    rows = {p.table: p.rows for p in published}
    yield dg.MaterializeResult(metadata={
        "target": publish_target.masked_url, "schema": publish_target.target_schema,
        "dagster/row_count": rows[f"{publish_target.target_schema}.golden_profiles"],
        "dagster/column_schema": published_schema(stored, publish_target.target_schema),
        "rows": dg.MetadataValue.json(rows),
        "seconds": dg.MetadataValue.json({p.table: round(p.seconds, 2) for p in published}),
    })
