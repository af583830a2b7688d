"""KPIs on a hand-built event set: every count and rate is worked out in the comments."""

import datetime as dt

import duckdb
import pytest

from customer_unification.lib.analytics.config import load_analytics_config
from customer_unification.lib.analytics.kpis import (
    CAMPAIGN_KPI_COLUMNS, CHANNEL_KPI_COLUMNS, ENGAGEMENT_COLUMNS, KPI_DEFINITIONS,
    build_campaign_kpis, build_channel_kpis, build_engagement_by_hour,
)

T0 = dt.datetime(2026, 9, 1, 10, 0, tzinfo=dt.UTC)  # a Tuesday
H, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
CONFIG = load_analytics_config()  # purchase = order/store_purchase; last touch; 30-day window

EVENTS = [
    # campaign E1 (email) sent to A, B, C, D at T0, and sent to A a second time an hour later: 5 sends
    *((c, f"send-{c}", T0, "email", "email_send", "E1", None) for c in "ABCD"),
    ("A", "send-A2", T0 + H, "email", "email_send", "E1", None),
    # A opens twice (one unique open), clicks, and orders 50 two days later -> converter, last touch email
    ("A", "open-A1", T0 + 2 * H, "email", "email_open", "E1", None),
    ("A", "open-A2", T0 + 3 * H, "email", "email_open", "E1", None),
    ("A", "click-A", T0 + 4 * H, "email", "email_click", "E1", None),
    ("A", "order-A", T0 + 2 * DAY, "web", "order", None, 50.0),
    # B opens, orders 40 forty days later: outside the 30-day window -> not a converter, direct
    ("B", "open-B", T0 + 5 * H, "email", "email_open", "E1", None),
    ("B", "order-B", T0 + 40 * DAY, "web", "order", None, 40.0),
    # C never opens the email (a send is not a touch) but clicks SMS S1 a day later and orders 30
    ("C", "sms-C", T0 + DAY, "sms", "sms_click", "S1", None),
    ("C", "order-C", T0 + 3 * DAY, "store", "store_purchase", None, 30.0),
    # D follows on social (no campaign) and never buys
    ("D", "follow-D", T0 + 10 * DAY, "social", "social_follow", None, None),
    # E is never reached and buys in store for 20 -> direct
    ("E", "order-E", T0 + 4 * DAY, "store", "store_purchase", None, 20.0),
]


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE TABLE events (customer_id VARCHAR, event_id VARCHAR, event_ts TIMESTAMPTZ, "
                "channel VARCHAR, event_type VARCHAR, campaign_id VARCHAR, amount DOUBLE)")
    con.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", EVENTS)
    return con


def rows_by(con, table: str, key: str) -> dict:
    cur = con.sql(f"FROM {table}")
    names = [d[0] for d in cur.description]
    return {row[names.index(key)]: dict(zip(names, row)) for row in cur.fetchall()}


def test_channel_kpis_worked_example(con):
    assert build_channel_kpis(con, events="events", out="channel_kpis", config=CONFIG) == 4
    got = rows_by(con, "channel_kpis", "channel")
    # email: reach A, B, C, D = 4; sent 5; unique opens A, B = 2; unique clicks A = 1;
    # open rate 2/5 = 0.4, click rate 1/5 = 0.2; touches = 3 opens + 1 click = 4;
    # converters: A only (B's order is 39 days after its open) -> 1/4 = 0.25;
    # last touch: A's order (50) -> revenue per contact 50/4 = 12.5
    assert got["email"] == {
        "channel": "email", "reach": 4, "sent": 5, "opens": 2, "clicks": 1, "open_rate": 0.4, "click_rate": 0.2,
        "touches": 4, "converters": 1, "conversion_rate": 0.25, "attributed_conversions": 1.0,
        "attributed_revenue": 50.0, "revenue_per_contact": 12.5}
    # sms: reach C; nothing sent -> rates NULL; C converts 2 days after the click: 1/1; 30 revenue
    assert got["sms"] == {
        "channel": "sms", "reach": 1, "sent": 0, "opens": 0, "clicks": 1, "open_rate": None, "click_rate": None,
        "touches": 1, "converters": 1, "conversion_rate": 1.0, "attributed_conversions": 1.0,
        "attributed_revenue": 30.0, "revenue_per_contact": 30.0}
    # social: D follows, never buys
    assert got["social"] == {
        "channel": "social", "reach": 1, "sent": 0, "opens": 0, "clicks": 0, "open_rate": None, "click_rate": None,
        "touches": 1, "converters": 0, "conversion_rate": 0.0, "attributed_conversions": 0.0,
        "attributed_revenue": 0.0, "revenue_per_contact": 0.0}
    # direct: B's 40 and E's 20; no activity, so no rates
    assert (got["direct"]["reach"], got["direct"]["attributed_conversions"], got["direct"]["attributed_revenue"],
            got["direct"]["revenue_per_contact"]) == (0, 2.0, 60.0, None)
    # the table reconciles: 4 conversions, 140 of revenue
    assert con.sql("SELECT sum(attributed_conversions), sum(attributed_revenue) FROM channel_kpis").fetchall() == [
        (4.0, 140.0)]
    assert [d[0] for d in con.sql("FROM channel_kpis").description] == list(CHANNEL_KPI_COLUMNS)
    assert con.sql("SELECT channel FROM channel_kpis").fetchall()[-1] == ("direct",)  # last row


def test_campaign_kpis_worked_example(con):
    assert build_campaign_kpis(con, events="events", out="campaign_kpis", config=CONFIG) == 2
    got = rows_by(con, "campaign_kpis", "campaign_id")
    assert set(got) == {"E1", "S1"}  # the social follow has no campaign
    e1 = got["E1"]
    assert (e1["channel"], e1["first_event_at"], e1["last_event_at"]) == ("email", T0, T0 + 5 * H)
    assert (e1["reach"], e1["sent"], e1["opens"], e1["clicks"], e1["open_rate"], e1["click_rate"]) == (
        4, 5, 2, 1, 0.4, 0.2)
    assert (e1["converters"], e1["attributed_conversions"], e1["attributed_revenue"]) == (1, 1.0, 50.0)
    assert (got["S1"]["reach"], got["S1"]["attributed_revenue"], got["S1"]["revenue_per_contact"]) == (1, 30.0, 30.0)
    assert [d[0] for d in con.sql("FROM campaign_kpis").description] == list(CAMPAIGN_KPI_COLUMNS)


def test_revenue_model_linear_shares_a_mixed_path(con):
    # A also clicks SMS S1 a day after the email click: A's path = open, open, click (email), sms click
    con.execute("INSERT INTO events VALUES ('A', 'sms-A', ?, 'sms', 'sms_click', 'S1', NULL)", [T0 + DAY])
    linear = CONFIG.model_copy(update={"kpis": CONFIG.kpis.model_copy(update={"revenue_model": "linear"})})
    build_channel_kpis(con, events="events", out="channel_kpis", config=linear)
    got = rows_by(con, "channel_kpis", "channel")
    # linear: A's 50 over 4 touches -> email 3/4 (37.5), sms 1/4 (12.5); C's 30 all sms
    assert (got["email"]["attributed_conversions"], got["email"]["attributed_revenue"]) == (0.75, 37.5)
    assert (got["sms"]["attributed_conversions"], got["sms"]["attributed_revenue"]) == (1.25, 42.5)
    # sms reach A and C; both converted after an sms click
    assert (got["sms"]["reach"], got["sms"]["converters"], got["sms"]["revenue_per_contact"]) == (2, 2, 21.25)


def test_period_bounds_activity_and_conversions(con):
    # from T0 + 1 day: the email activity (all on T0) is outside, C's sms click (exactly T0 + 1 day) inside.
    # Conversions inside: A (T0+2d, credited to email's click before the period), C, E, B (T0+40d).
    build_channel_kpis(con, events="events", out="channel_kpis", config=CONFIG, since=T0 + DAY)
    got = rows_by(con, "channel_kpis", "channel")
    assert set(got) == {"email", "sms", "social", "direct"}
    assert (got["email"]["reach"], got["email"]["sent"], got["email"]["open_rate"]) == (0, 0, None)
    assert got["email"]["attributed_revenue"] == 50.0  # earned in the period from an earlier touch
    assert (got["sms"]["reach"], got["sms"]["converters"]) == (1, 1)
    # until T0 + 3 days (exclusive): C's order at T0+3d is outside, so sms is credited nothing; but
    # converters look forward from the click in the period (an order within 30 days): still 1
    build_channel_kpis(con, events="events", out="channel_kpis", config=CONFIG, since=T0 + DAY, until=T0 + 3 * DAY)
    got = rows_by(con, "channel_kpis", "channel")
    assert (got["sms"]["converters"], got["sms"]["attributed_conversions"]) == (1, 0.0)
    assert set(got) == {"email", "sms"}  # no direct conversion in [T0+1d, T0+3d)


def test_engagement_by_hour_counts_utc_hours_and_weekdays(con):
    con.execute("SET TimeZone = 'America/New_York'")  # the session zone must not shift hours
    con.execute("INSERT INTO events VALUES ('A', 'ticket', TIMESTAMPTZ '2026-09-02 00:00:00+00', 'call_centre', "
                "'login', NULL, NULL)")  # exactly midnight: a date-only record, skipped
    rows = build_engagement_by_hour(con, events="events", out="engagement", config=CONFIG)
    # engagement (sends are not engagement): email opens/click on Tue 12:00, 13:00, 14:00, 15:00 UTC;
    # sms click Wed 10:00; social follow Fri 11 Sep 10:00; orders/store purchases: web Thu 3 Sep 10:00
    # and Sun 11 Oct 10:00, store Fri 4 Sep 10:00 and Sat 5 Sep 10:00.
    # channels email, sms, social, web, store -> 5 x 7 x 24 cells (call_centre's only event is skipped)
    assert rows == 5 * 7 * 24
    cells = {(ch, wd, h): (n, c) for ch, wd, h, n, c in con.sql(
        "SELECT channel, weekday, hour, events, customers FROM engagement WHERE events > 0").fetchall()}
    assert cells == {
        ("email", 2, 12): (1, 1), ("email", 2, 13): (1, 1), ("email", 2, 14): (1, 1), ("email", 2, 15): (1, 1),
        ("sms", 3, 10): (1, 1), ("social", 5, 10): (1, 1),
        ("web", 4, 10): (1, 1), ("web", 7, 10): (1, 1), ("store", 5, 10): (1, 1), ("store", 6, 10): (1, 1),
    }
    assert con.sql("SELECT DISTINCT weekday_name FROM engagement WHERE weekday = 2").fetchall() == [("Tuesday",)]
    assert [d[0] for d in con.sql("FROM engagement").description] == list(ENGAGEMENT_COLUMNS)
    # counting midnight too: the call-centre login appears at hour 0 on Wednesday
    keep_midnight = CONFIG.model_copy(update={"kpis": CONFIG.kpis.model_copy(update={
        "skip_midnight_timestamps": False, "engagement_event_types": ["login"]})})
    build_engagement_by_hour(con, events="events", out="engagement", config=keep_midnight)
    assert con.sql("SELECT channel, weekday, hour FROM engagement WHERE events > 0").fetchall() == [
        ("call_centre", 3, 0)]


def test_weekday_and_hour_agree_with_duckdb_calendar_functions():
    con = duckdb.connect()
    con.execute("CREATE TABLE events AS SELECT 'X' AS customer_id, 'e' || i AS event_id, "
                "TIMESTAMPTZ '2025-12-28 00:30:00+00' + INTERVAL (i * 7) HOUR AS event_ts, 'web' AS channel, "
                "'login' AS event_type, NULL AS campaign_id, NULL AS amount FROM range(100) r(i)")
    build_engagement_by_hour(con, events="events", out="engagement", config=CONFIG)
    con.execute("SET TimeZone = 'UTC'")
    expected = con.sql("SELECT isodow(event_ts), hour(event_ts), count(*) FROM events "
                       "GROUP BY ALL ORDER BY 1, 2").fetchall()
    got = con.sql("SELECT weekday, hour, events FROM engagement WHERE events > 0 ORDER BY 1, 2").fetchall()
    assert got == expected and sum(n for *_, n in got) == 100


def test_no_events_gives_empty_tables():
    con = duckdb.connect()
    con.execute("CREATE TABLE events (customer_id VARCHAR, event_id VARCHAR, event_ts TIMESTAMPTZ, "
                "channel VARCHAR, event_type VARCHAR, campaign_id VARCHAR, amount DOUBLE)")
    assert build_channel_kpis(con, events="events", out="a", config=CONFIG) == 0
    assert build_campaign_kpis(con, events="events", out="b", config=CONFIG) == 0
    assert build_engagement_by_hour(con, events="events", out="c", config=CONFIG) == 0


def test_definitions_cover_every_column():
    for name in (*CHANNEL_KPI_COLUMNS, *CAMPAIGN_KPI_COLUMNS, *ENGAGEMENT_COLUMNS):
        assert f"`{name}`" in KPI_DEFINITIONS, name
