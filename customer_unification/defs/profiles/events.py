"""The unified marketing event stream: a partitioned log of touchpoints, and a view that puts
the current customer_id on each.

The log holds no customer_id on purpose: identities merge and split from run to run, and a
customer_id written into last year's partition would go stale. The view joins the log to the
latest identity map, so history never needs rebuilding when identities change.
"""

import datetime as dt
from collections.abc import Iterator

import dagster as dg

from customer_unification.defs.pools import pool_for
from customer_unification.defs.contracts import current_contracts
from customer_unification.defs.metadata import counts_markdown
from customer_unification.defs.partitions import EVENT_DAYS, day_bounds
from customer_unification.defs.publishing import gate_result, refused
from customer_unification.lib.profiles.events import EVENT_COLUMNS, build_customer_events, detail_attribute_tables
from customer_unification.resources.column_types import warehouse_schema
from customer_unification.resources.table_writes import Candidate
from customer_unification.resources.warehouse import DuckDBWarehouse

KINDS = {"duckdb", "sql"}
OWNERS = ["team:crm-analytics"]
LOG = "profiles.event_log"
RECORDS = dg.AssetKey(["staging", "unified_records"])
IDENTITY_MAP = dg.AssetKey(["identity", "customer_identity_map"])
EVENTS_KEY = dg.AssetKey(["profiles", "customer_events"])


def _columns(names) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name, description=EVENT_COLUMNS.get(name, "")) for name in names])


@dg.asset(
    pool=pool_for("profiles"),
    key=["profiles", "event_log"], group_name="profiles", kinds=KINDS, owners=OWNERS, deps=[RECORDS],
    partitions_def=EVENT_DAYS, backfill_policy=dg.BackfillPolicy.single_run(),
    description="Every touchpoint of every source (orders, store purchases, e-mail and SMS engagement, "
                "web/app activity, service tickets, social follows, subscribe/unsubscribe), one row each, "
                "partitioned by the day of the event (UTC; the first day also holds all earlier history). "
                "Rebuilding a day replaces only that day.",
    metadata={"dagster/column_schema": _columns([c for c in EVENT_COLUMNS if c != "customer_id"])},
)
def event_log(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse) -> dg.MaterializeResult:
    start, end = _open_ended(context.partition_time_window)
    with warehouse.connect() as con:
        # no identity join: the customer is attached at read time, by the customer_events view
        build_customer_events(con, identity_map=None, out="cu_new_events", date_from=start,
                              date_to=end, attribute_tables=detail_attribute_tables(current_contracts()))
        con.execute("CREATE SCHEMA IF NOT EXISTS profiles")
        con.execute(f"CREATE TABLE IF NOT EXISTS {LOG} AS SELECT * EXCLUDE (customer_id) FROM cu_new_events LIMIT 0")
        con.execute("BEGIN")
        replaced = con.execute(f"DELETE FROM {LOG} WHERE event_date >= coalesce(?, event_date) "
                               "AND event_date < coalesce(?, event_date + 1)", [start, end]).fetchall()[0][0]
        con.execute(f"INSERT INTO {LOG} BY NAME SELECT * EXCLUDE (customer_id) FROM cu_new_events")
        con.execute("COMMIT")
        added = con.sql("SELECT count(*) FROM cu_new_events").fetchall()[0][0]
        by_type = dict(con.sql("SELECT event_type, count(*) FROM cu_new_events GROUP BY 1 ORDER BY 2 DESC").fetchall())
        total = con.sql(f"SELECT count(*) FROM {LOG}").fetchall()[0][0]
        by_day = _events_by_partition(con, "cu_new_events")
        schema = warehouse_schema(con, LOG, lambda c: EVENT_COLUMNS.get(c))
    # each day partition its own events (the run's totals would be wrong on every day of a range)
    for day in context.partition_keys:
        types = by_day.get(day, {})
        context.add_asset_metadata({"dagster/row_count": sum(types.values()), "events_written": sum(types.values()),
                                    "events_by_type": counts_markdown(types, ("event type", "events"))},
                                   partition_key=day)
    return dg.MaterializeResult(metadata={
        "window": f"{start or 'history'} .. {end or 'latest'}", "run_events_written": added,
        "run_events_replaced": replaced, "log_rows_all_days": total, "dagster/column_schema": schema,
        "run_events_by_type": counts_markdown(by_type, ("event type", "events")),
    })


def _events_by_partition(con, table: str) -> dict[str, dict[str, int]]:
    """day partition -> event type -> events; the first and last partition are open-ended."""
    first, last = day_bounds()
    rows = con.execute(f"SELECT strftime(least(greatest(event_date, ?::DATE), ?::DATE), '%Y-%m-%d'), event_type, "
                       f"count(*) FROM {table} GROUP BY ALL", [first, last]).fetchall()
    out: dict[str, dict[str, int]] = {}
    for day, event_type, n in rows:
        out.setdefault(day, {})[event_type] = n
    return out


def _open_ended(window: dg.TimeWindow) -> tuple[dt.date | None, dt.date | None]:
    """[from, to) of the days to rebuild; the first and the last partition are open-ended, as
    their source partitions are (lib/sources/partitioning.py)."""
    first, last = day_bounds()
    start, end = window.start.date(), window.end.date()
    return (None if start <= first else start), (None if end > last else end)


@dg.asset(
    pool=pool_for("profiles"),
    key=EVENTS_KEY, group_name="profiles", kinds=KINDS, owners=OWNERS,
    deps=[event_log, IDENTITY_MAP],
    output_required=False,  # a view the gate refuses is not published (the last good one stays)
    check_specs=[dg.AssetCheckSpec(
        "every_event_has_a_customer", asset=EVENTS_KEY, blocking=True,
        description="Every logged event belongs to a record of the identity map (none is lost by the join).")],
    description="The unified event stream: the event log with the current customer_id of each touchpoint "
                "(a view, so merges and splits of identities apply to all history at once).",
    metadata={"dagster/column_schema": _columns(EVENT_COLUMNS)},
)
def customer_events(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse) -> Iterator:
    columns = ", ".join(f"e.{c}" for c in EVENT_COLUMNS if c != "customer_id")
    with warehouse.connect() as con:
        # write-audit-publish: the new view is committed only if no event is lost by its join
        with Candidate(con) as candidate:
            con.execute(f"""CREATE OR REPLACE VIEW profiles.customer_events AS
                            SELECT m.customer_id, {columns} FROM {LOG} e
                            JOIN identity.customer_identity_map m USING (source, source_record_id)""")
            orphans = con.sql(f"""SELECT count(*) FROM {LOG} e ANTI JOIN identity.customer_identity_map m
                                  USING (source, source_record_id)""").fetchall()[0][0]
            published = candidate.decide({"every_event_has_a_customer": orphans == 0})
        check = gate_result(EVENTS_KEY, "every_event_has_a_customer", orphans == 0,
                            {"events_without_customer": orphans}, published)
        if not published:
            yield from refused(context, [EVENTS_KEY], candidate.failed, "customer_events")
            yield check
            return
        rows, customers = con.sql("SELECT count(*), count(DISTINCT customer_id) "
                                  "FROM profiles.customer_events").fetchall()[0]
        by_channel = dict(con.sql("SELECT channel, count(*) FROM profiles.customer_events "
                                  "GROUP BY 1 ORDER BY 2 DESC").fetchall())
        schema = warehouse_schema(con, "profiles.customer_events", lambda c: EVENT_COLUMNS.get(c))
    yield dg.MaterializeResult(
        metadata={"dagster/row_count": rows, "customers_with_events": customers, "dagster/column_schema": schema,
                  "events_by_channel": counts_markdown(by_channel, ("channel", "events"))})
    yield check
