"""Golden profiles, segment membership and audience members published to PostgreSQL (CU_PUBLISH_URL)."""

import dagster as dg

from customer_unification.defs.pools import PUBLISH_POOL
from customer_unification.defs.publish.resources import PostgresTarget
from customer_unification.lib.publish import PUBLISHED_TABLES
from customer_unification.resources.warehouse import DuckDBWarehouse

KEY = dg.AssetKey(["activation", "postgres_publish"])
SKIPPED = "not published: CU_PUBLISH_URL is not set (set CU_PUBLISH_URL to a PostgreSQL URL to publish)"


@dg.asset(
    pool=PUBLISH_POOL,
    key=KEY, group_name="activation", kinds={"postgres", "duckdb"}, owners=["team:crm-marketing"],
    deps=[dg.AssetKey(spec.source.split(".")) for spec in PUBLISHED_TABLES],
    output_required=False,
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
    rows = {p.table: p.rows for p in published}
    yield dg.MaterializeResult(metadata={
        "target": publish_target.masked_url, "schema": publish_target.target_schema,
        "dagster/row_count": rows[f"{publish_target.target_schema}.golden_profiles"],
        "rows": dg.MetadataValue.json(rows),
        "seconds": dg.MetadataValue.json({p.table: round(p.seconds, 2) for p in published}),
    })
