"""The event stream: one event per dated record, only for known customers, by UTC day, with
subscribe/unsubscribe derived from dated consent statements."""

import datetime as dt

import duckdb
import pytest

from customer_unification.lib.profiles.events import (
    EVENT_COLUMNS,
    build_customer_events,
    detail_attribute_tables,
    event_type_catalogue,
)
from customer_unification.lib.sources.contracts import load_contracts

TICKETS = {"tickets": {"issue_type": "attr_issue_type", "satisfaction": "attr_satisfaction"}}

# source, record id, customer (None: not in the identity map), event_ts, channel, event_type,
# order_id, cookie_id, device_id, amount, consent_email, consent_sms, consent_updated_at
RECORDS = [
    ("shop", "o1", "C1", "2026-03-01 10:00:00", "web", "order", "o1", None, None, 25.0, None, None, None),
    ("shop", "o2", "C2", "2026-03-01 23:59:59", "web", "order", "o2", None, None, 40.0, None, None, None),
    ("clicks", "k1", "C1", "2026-03-02 00:00:00", "web", "page_view", None, "ck-1", None, None, None, None, None),
    ("clicks", "k2", "C2", "2026-03-02 08:30:00", "app", "login", None, None, "dv-9", None, None, None, None),
    ("clicks", "k3", None, "2026-03-02 09:00:00", "web", "page_view", None, "ck-7", None, None, None, None, None),
    ("tickets", "t1", "C1", "2026-03-03 00:00:00", "call_centre", "service_ticket", None, None, None, None,
     None, None, None),
    ("tickets", "t2", "C2", "2026-03-03 00:00:00", "call_centre", "service_ticket", None, None, None, None,
     None, None, None),
    # a person source carrying an order but no mapped event type
    ("pos_people", "p1", "C3", "2026-03-04 12:00:00", "store", None, "r-55", None, None, 9.5, None, None, None),
    # person records: consent stated with a date -> events; without a date -> none
    ("esp", "s1", "C1", None, None, None, None, None, None, None, "granted", None, "2026-03-02 07:00:00"),
    ("esp", "s2", "C2", None, None, None, None, None, None, None, "denied", "granted", "2026-03-05 18:00:00"),
    ("crm", "c1", "C1", None, None, None, None, None, None, None, "granted", "denied", None),
    ("crm", "c2", None, None, None, None, None, None, None, None, "granted", None, "2026-03-02 07:00:00"),
]


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA identity")
    con.execute("""CREATE TABLE staging.unified_records (
        source VARCHAR, source_record_id VARCHAR, event_ts TIMESTAMPTZ, channel VARCHAR, event_type VARCHAR,
        order_id VARCHAR, cookie_id VARCHAR, device_id VARCHAR, amount DOUBLE, consent_email VARCHAR,
        consent_sms VARCHAR, consent_updated_at TIMESTAMPTZ)""")
    con.executemany("INSERT INTO staging.unified_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(r[0], r[1], *r[3:]) for r in RECORDS])
    con.execute("CREATE TABLE identity.customer_identity_map "
                "(source VARCHAR, source_record_id VARCHAR, customer_id VARCHAR)")
    # 'k3' and 'c2' are staged but have no customer (one missing, one NULL)
    con.executemany("INSERT INTO identity.customer_identity_map VALUES (?, ?, ?)",
                    [(r[0], r[1], r[2]) for r in RECORDS if r[1] != "k3"])
    con.execute("CREATE TABLE staging.tickets (source VARCHAR, source_record_id VARCHAR, "
                "attr_issue_type VARCHAR, attr_satisfaction VARCHAR)")
    con.execute("INSERT INTO staging.tickets VALUES ('tickets', 't1', 'delivery', '4'), "
                "('tickets', 't2', 'refund', 'n/a')")
    return con


def events(con, table="customer_events"):
    return {r[0]: r for r in con.sql(f"""SELECT event_id, customer_id, event_type, channel, event_date,
        device, device_id, issue_type, satisfaction FROM {table}""").fetchall()}


def test_every_dated_record_of_a_customer_is_one_event(con):
    n = build_customer_events(con, attribute_tables=TICKETS)
    got = events(con)
    touchpoints = {f"{r[0]}:{r[1]}" for r in RECORDS if r[3] is not None and r[2] is not None}
    assert touchpoints <= set(got)
    assert n == len(got) == len(touchpoints) + 3  # plus three dated consent statements
    assert list(con.sql("SELECT * FROM customer_events LIMIT 0").columns) == list(EVENT_COLUMNS)
    assert "clicks:k3" not in got and not any(e.startswith("crm:") for e in got)
    assert con.sql("SELECT count(*) FROM customer_events WHERE customer_id IS NULL").fetchall() == [(0,)]


def test_consent_statements_become_subscribe_and_unsubscribe_events(con):
    build_customer_events(con)
    got = events(con)
    consent = {k: (v[1], v[2], v[3], v[4]) for k, v in got.items() if ":consent_" in k}
    assert consent == {
        "esp:s1:consent_email": ("C1", "subscribe", "email", dt.date(2026, 3, 2)),
        "esp:s2:consent_email": ("C2", "unsubscribe", "email", dt.date(2026, 3, 5)),
        "esp:s2:consent_sms": ("C2", "subscribe", "sms", dt.date(2026, 3, 5)),
    }


def test_details_devices_and_default_event_type(con):
    build_customer_events(con, attribute_tables=TICKETS)
    got = events(con)
    assert got["tickets:t1"][7:] == ("delivery", 4.0)
    assert got["tickets:t2"][7:] == ("refund", None)  # a score that does not parse is NULL
    assert got["clicks:k1"][5:7] == ("web", "ck-1")
    assert got["clicks:k2"][5:7] == ("app", "dv-9")
    assert got["shop:o1"][5:7] == ("web", None)
    assert got["pos_people:p1"][2:4] == ("order", "store")  # has an order id, no mapped type
    assert got["pos_people:p1"][5] is None  # a till has no device


def test_date_range_is_half_open_in_utc_and_partitions_add_up(con):
    con.execute("SET TimeZone = 'America/New_York'")  # the session zone must not shift UTC days
    build_customer_events(con, date_from="2026-03-01", date_to=dt.date(2026, 3, 2), out="day1")
    assert set(events(con, "day1")) == {"shop:o1", "shop:o2"}  # 23:59:59 in, midnight out

    build_customer_events(con, out="everything")
    con.execute("CREATE TABLE rebuilt AS SELECT * FROM everything WHERE false")
    for day in range(1, 7):
        start = dt.date(2026, 3, day)
        build_customer_events(con, date_from=start, date_to=start + dt.timedelta(days=1), out="part")
        assert con.sql("SELECT count(*) FROM part WHERE event_date <> ?", params=[start]).fetchall() == [(0,)]
        con.execute("INSERT INTO rebuilt SELECT * FROM part")
    assert con.sql("SELECT * FROM everything EXCEPT ALL SELECT * FROM rebuilt").fetchall() == []
    assert con.sql("SELECT count(*) FROM rebuilt").fetchall() == con.sql("SELECT count(*) FROM everything").fetchall()


def test_bad_arguments_are_refused(con):
    with pytest.raises(ValueError, match="unknown detail"):
        build_customer_events(con, attribute_tables={"tickets": {"mood": "attr_issue_type"}})
    with pytest.raises(ValueError, match="no column"):
        build_customer_events(con, attribute_tables={"tickets": {"issue_type": "attr_missing"}})
    with pytest.raises(ValueError, match="identifier"):
        build_customer_events(con, out="x; DROP TABLE y")
    with pytest.raises(TypeError):
        build_customer_events(con, date_from=dt.datetime(2026, 3, 1))


def test_catalogue_and_detail_tables_come_from_the_contracts():
    contracts = load_contracts()
    entries = {(e.source, e.channel, e.event_type, e.origin) for e in event_type_catalogue(contracts)}
    assert ("web_events", "app", "page_view", "map") in entries
    assert ("email_events", "email", "email_click", "map") in entries
    assert ("pos_transactions", "store", "store_purchase", "constant") in entries
    assert {("sms_subscribers", "sms", t, "consent") for t in ("subscribe", "unsubscribe")} <= entries
    assert not any(e[0] == "crm_contacts" for e in entries)  # CRM consent has no statement date
    assert detail_attribute_tables(contracts) == {
        "call_centre_tickets": {"issue_type": "attr_issue_type", "satisfaction": "attr_satisfaction"}
    }
