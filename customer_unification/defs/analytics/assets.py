"""Campaign KPIs and multi-touch attribution over the unified event stream."""

import dagster as dg

from customer_unification.defs.pools import pool_for
from customer_unification import settings
from customer_unification.lib.analytics import charts
from customer_unification.defs.metadata import table_value
from customer_unification.lib.analytics.campaign_credit import campaign_credit
from customer_unification.lib.analytics.attribution import ATTRIBUTION_COLUMNS, build_attribution
from customer_unification.lib.analytics.config import load_analytics_config
from customer_unification.lib.analytics.kpis import (CAMPAIGN_KPI_COLUMNS, CHANNEL_KPI_COLUMNS, ENGAGEMENT_COLUMNS,
                                                     build_campaign_kpis, build_channel_kpis, build_engagement_by_hour)
from customer_unification.resources.column_types import warehouse_schema
from customer_unification.resources.warehouse import DuckDBWarehouse

KINDS = {"duckdb", "sql"}
OWNERS = ["team:crm-analytics"]
EVENTS = dg.AssetKey(["profiles", "customer_events"])


def _spec(table: str, description: str, columns: dict[str, str]) -> dg.AssetSpec:
    return dg.AssetSpec(["analytics", table], group_name="analytics", kinds=KINDS, owners=OWNERS, deps=[EVENTS],
                        description=description, metadata={"dagster/column_schema": dg.TableSchema(
                            columns=[dg.TableColumn(name, description=text) for name, text in columns.items()])})


@dg.multi_asset(
    pool=pool_for("analytics"),
    name="campaign_analytics",
    specs=[
        _spec("channel_kpis", "Per channel: reach, sends, opens, clicks and their rates, converters, attributed "
                              "conversions and revenue, revenue per contact (plus a 'direct' row).", CHANNEL_KPI_COLUMNS),
        _spec("campaign_kpis", "The same measures per campaign.", CAMPAIGN_KPI_COLUMNS),
        _spec("engagement_by_hour", "Engagement events per channel x weekday x hour (UTC).", ENGAGEMENT_COLUMNS),
        _spec("attribution", "Credit for every conversion under five models side by side (first touch, last "
                             "touch, linear, time decay, position-based), per channel and campaign.",
              ATTRIBUTION_COLUMNS),
    ],
)
def campaign_analytics(warehouse: DuckDBWarehouse):
    config = load_analytics_config(settings.analytics_config_path())
    with warehouse.connect() as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS analytics")
        con.execute("CREATE OR REPLACE TEMP TABLE cu_events AS SELECT * FROM profiles.customer_events")
        channels = build_channel_kpis(con, events="cu_events", out="analytics.channel_kpis", config=config)
        campaigns = build_campaign_kpis(con, events="cu_events", out="analytics.campaign_kpis", config=config)
        hours = build_engagement_by_hour(con, events="cu_events", out="analytics.engagement_by_hour", config=config)
        totals = build_attribution(con, events="cu_events", out="analytics.attribution", config=config)
        funnel = con.sql("SELECT channel, coalesce(sent, 0), coalesce(opens, 0), coalesce(clicks, 0), "
                         "coalesce(attributed_conversions, 0) FROM analytics.channel_kpis "
                         "WHERE channel <> 'direct' ORDER BY channel").fetchall()
        by_model = con.sql("SELECT model, channel, sum(conversions_credit) FROM analytics.attribution "
                           "GROUP BY ALL ORDER BY ALL").fetchall()
        by_campaign = campaign_credit(con, "analytics.attribution")
        kpi_table = con.sql("SELECT * FROM analytics.channel_kpis").df()
        columns = {table: {"dagster/column_schema": warehouse_schema(con, f"analytics.{table}")}
                   for table in ("channel_kpis", "campaign_kpis", "engagement_by_hour", "attribution")}
    report = settings.warehouse_path().parent / "reports" / "campaign_analytics.html"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(charts.html_report("Campaign analytics", [
        ("Channel funnel", charts.funnel_svg(funnel)),
        ("Attribution by model", charts.attribution_svg(by_model)),
    ]))
    yield dg.MaterializeResult(asset_key=["analytics", "channel_kpis"], metadata={
        "dagster/row_count": channels, **columns["channel_kpis"], "kpis": dg.MetadataValue.md(kpi_table.to_markdown(index=False)),
        "funnel": dg.MetadataValue.md(charts.funnel_markdown(funnel)), "report": dg.MetadataValue.path(str(report))})
    yield dg.MaterializeResult(asset_key=["analytics", "campaign_kpis"], metadata={"dagster/row_count": campaigns,
                                                                                       **columns["campaign_kpis"]})
    yield dg.MaterializeResult(asset_key=["analytics", "engagement_by_hour"], metadata={"dagster/row_count": hours,
                                                                                            **columns["engagement_by_hour"]})
    yield dg.MaterializeResult(asset_key=["analytics", "attribution"], metadata={
        "dagster/row_count": len(by_model), **columns["attribution"],
        **{f"{t.key_event}_conversions": t.conversions for t in totals},
        **{f"{t.key_event}_attributed_share": round(t.attributed_share, 4) for t in totals},
        # per channel the models nearly agree (credit moves between a channel's own campaigns)
        "credit_by_campaign (models disagree most first)": table_value(by_campaign),
        "report": dg.MetadataValue.path(str(report))})
