"""Hand-built traits and events for segment tests, in an in-memory DuckDB."""

import datetime as dt

import duckdb

AS_OF = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
SIX_MONTHS_AGO = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)  # as_of minus 6 calendar months


def ago(days: float = 0, seconds: float = 0) -> dt.datetime:
    return AS_OF - dt.timedelta(days=days, seconds=seconds)


def trait(customer, n_orders=0, cadence=None, top_category=None, churn_risk=None):
    return (customer, n_orders, cadence, top_category, churn_risk)


def event(customer, when, event_type="order", category=None, channel="web"):
    return (customer, when, event_type, category, channel)


def warehouse(traits: list[tuple], events: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A connection with `traits` (customer_id, n_orders, purchase_cadence, top_category, churn_risk)
    and `events` (customer_id, event_ts, event_type, product_category, channel)."""
    con = duckdb.connect()
    con.execute("CREATE TABLE traits (customer_id VARCHAR, n_orders INTEGER, purchase_cadence VARCHAR, "
                "top_category VARCHAR, churn_risk DOUBLE)")
    con.execute("CREATE TABLE events (customer_id VARCHAR, event_ts TIMESTAMPTZ, event_type VARCHAR, "
                "product_category VARCHAR, channel VARCHAR)")
    if traits:
        con.executemany("INSERT INTO traits VALUES (?, ?, ?, ?, ?)", traits)
    if events:
        con.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", events)
    return con
