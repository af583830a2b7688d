"""Attribution models on hand-worked paths: every expected credit is computed in the comments."""

import datetime as dt

import duckdb
import pytest

from customer_unification.lib.analytics.attribution import (
    ATTRIBUTION_COLUMNS, ATTRIBUTION_DEFINITIONS, build_attribution, credits_query,
)
from customer_unification.lib.analytics.config import MODELS, AnalyticsConfig

T = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)  # the conversion in most examples
DAY = dt.timedelta(days=1)


def config(**attribution) -> AnalyticsConfig:
    return AnalyticsConfig.model_validate({
        "key_events": {"purchase": ["order", "store_purchase"], "signup": ["subscribe"]},
        "touch_event_types": ["email_open", "email_click", "sms_click", "social_follow"],
        "attribution": attribution,
    })


def events_table(rows) -> duckdb.DuckDBPyConnection:
    """rows: (customer_id, event_id, event_ts, channel, event_type, campaign_id, amount)."""
    con = duckdb.connect()
    con.execute("CREATE TABLE events (customer_id VARCHAR, event_id VARCHAR, event_ts TIMESTAMPTZ, "
                "channel VARCHAR, event_type VARCHAR, campaign_id VARCHAR, amount DOUBLE)")
    if rows:
        con.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", list(rows))
    return con


def credits(con, model, key_event="purchase", by="channel"):
    """{channel or (channel, campaign): (conversions_credit, revenue_credit)} of one model; rows
    with no credit (in a path, but not credited by this model) left out."""
    rows = con.execute("SELECT channel, campaign_id, conversions_credit, revenue_credit FROM attribution "
                       "WHERE model = ? AND key_event = ?", [model, key_event]).fetchall()
    out: dict = {}
    for channel, campaign, conv, rev in rows:
        key = channel if by == "channel" else (channel, campaign)
        c0, r0 = out.get(key, (0.0, 0.0))
        out[key] = (c0 + conv, r0 + rev)
    return {k: v for k, v in out.items() if v[0] > 0}


def approx(expected: dict) -> dict:
    return {k: (pytest.approx(c, abs=1e-9), pytest.approx(r, abs=1e-6)) for k, (c, r) in expected.items()}


# The worked example: one order of 100 at T, after
#   email_open  of campaign E1 at T - 10 days,
#   sms_click   of campaign S1 at T - 3 days,
#   email_click of campaign E2 at T - 1 day.
WORKED = [
    ("A", "a1", T - 10 * DAY, "email", "email_open", "E1", None),
    ("A", "a2", T - 3 * DAY, "sms", "sms_click", "S1", None),
    ("A", "a3", T - 1 * DAY, "email", "email_click", "E2", None),
    ("A", "a4", T, "web", "order", None, 100.0),
    ("A", "a0", T - 1 * DAY, "email", "email_send", "E2", None),  # a send is not a touch
]


@pytest.fixture
def worked():
    con = events_table(WORKED)
    totals = build_attribution(con, events="events", out="attribution", config=config())
    return con, totals


def test_first_touch_credits_the_earliest_touch(worked):
    con, _ = worked
    # first touch: the email open 10 days before gets all of the conversion and its 100
    assert credits(con, "first_touch", by="campaign") == approx({("email", "E1"): (1, 100)})


def test_last_touch_credits_the_latest_touch(worked):
    con, _ = worked
    # last touch: the email click the day before (the send that day is not a touch)
    assert credits(con, "last_touch", by="campaign") == approx({("email", "E2"): (1, 100)})


def test_uncredited_touches_keep_a_row_showing_they_were_in_the_path(worked):
    con, _ = worked
    rows = con.sql("SELECT campaign_id, conversions_credit, conversions_in_path FROM attribution "
                   "WHERE model = 'last_touch' ORDER BY campaign_id").fetchall()
    assert rows == [("E1", 0.0, 1), ("E2", 1.0, 1), ("S1", 0.0, 1)]


def test_linear_splits_evenly(worked):
    con, _ = worked
    # linear: 1/3 each -> email 2/3 (E1 1/3 + E2 1/3) = 66.67, sms 1/3 = 33.33
    assert credits(con, "linear") == approx({"email": (2 / 3, 200 / 3), "sms": (1 / 3, 100 / 3)})
    assert credits(con, "linear", by="campaign")[("email", "E1")][0] == pytest.approx(1 / 3)


def test_time_decay_halves_per_half_life(worked):
    con, _ = worked
    # half-life 7 days, weight 2^(-days/7):
    #   E1 (10 d): 2^(-10/7) = 0.3714986    S1 (3 d): 2^(-3/7) = 0.7429971    E2 (1 d): 2^(-1/7) = 0.9057237
    #   sum 2.0202194 -> shares E1 0.1838902, S1 0.3677804, E2 0.4483294
    #   (E1 is exactly one half-life older than S1: exactly half its share)
    #   email = 0.1838902 + 0.4483294 = 0.6322196 -> revenue 63.22196; sms 0.3677804 -> 36.77804
    weights = {"E1": 2 ** (-10 / 7), "S1": 2 ** (-3 / 7), "E2": 2 ** (-1 / 7)}
    total = sum(weights.values())
    got = credits(con, "time_decay", by="campaign")
    assert got == approx({("email", "E1"): (weights["E1"] / total, 100 * weights["E1"] / total),
                          ("sms", "S1"): (weights["S1"] / total, 100 * weights["S1"] / total),
                          ("email", "E2"): (weights["E2"] / total, 100 * weights["E2"] / total)})
    assert got[("email", "E1")][0] == pytest.approx(0.1838902, abs=1e-7)
    assert got[("sms", "S1")][0] == pytest.approx(2 * got[("email", "E1")][0])
    assert credits(con, "time_decay")["email"][0] == pytest.approx(0.6322196, abs=1e-7)


def test_position_based_is_u_shaped(worked):
    con, _ = worked
    # three touches: first (E1) 40%, last (E2) 40%, the one in between (S1) the remaining 20%
    assert credits(con, "position_based", by="campaign") == approx({
        ("email", "E1"): (0.4, 40), ("sms", "S1"): (0.2, 20), ("email", "E2"): (0.4, 40)})


def test_position_based_with_one_and_two_touches_and_many():
    con = events_table([
        # B: one touch -> 100%
        ("B", "b1", T - 2 * DAY, "sms", "sms_click", "S1", None), ("B", "b2", T, "web", "order", None, 10.0),
        # C: two touches -> 50/50 (no middle: its 20% is split evenly)
        ("C", "c1", T - 5 * DAY, "email", "email_open", "E1", None),
        ("C", "c2", T - 4 * DAY, "social", "social_follow", None, None), ("C", "c3", T, "web", "order", None, 10.0),
        # D: five touches -> 0.4, 0.2/3, 0.2/3, 0.2/3, 0.4 (first email, three sms, last social)
        ("D", "d1", T - 9 * DAY, "email", "email_open", "E1", None),
        *(("D", f"d{i}", T - (9 - i) * DAY, "sms", "sms_click", "S1", None) for i in (2, 3, 4)),
        ("D", "d5", T - 1 * DAY, "social", "social_follow", None, None), ("D", "d6", T, "web", "order", None, 30.0),
    ])
    build_attribution(con, events="events", out="attribution", config=config())
    rows = dict(((cust, ch), (c, r)) for cust, ch, c, r in con.sql("""
        SELECT customer_id, channel, sum(credit), sum(credit * revenue) FROM ({q}) GROUP BY ALL
    """.format(q=credits_query("events", config(), models=["position_based"]))).fetchall())
    assert rows == {("B", "sms"): (pytest.approx(1.0), pytest.approx(10.0)),
                    ("C", "email"): (pytest.approx(0.5), pytest.approx(5.0)),
                    ("C", "social"): (pytest.approx(0.5), pytest.approx(5.0)),
                    ("D", "email"): (pytest.approx(0.4), pytest.approx(12.0)),
                    ("D", "sms"): (pytest.approx(0.2), pytest.approx(6.0)),  # 3 x 0.2/3
                    ("D", "social"): (pytest.approx(0.4), pytest.approx(12.0))}


def test_position_shares_are_configurable_and_two_touches_split_the_middle():
    # first 0.3, last 0.5, middle 0.2: with two touches 0.3 + 0.1 = 0.4 and 0.5 + 0.1 = 0.6
    con = events_table([
        ("C", "c1", T - 5 * DAY, "email", "email_open", "E1", None),
        ("C", "c2", T - 4 * DAY, "social", "social_follow", None, None), ("C", "c3", T, "web", "order", None, 10.0),
    ])
    build_attribution(con, events="events", out="attribution",
                      config=config(position_based={"first": 0.3, "last": 0.5}))
    assert credits(con, "position_based") == approx({"email": (0.4, 4), "social": (0.6, 6)})


def test_lookback_edge_is_inclusive_and_the_conversion_instant_exclusive():
    con = events_table([
        ("A", "in", T - 30 * DAY, "email", "email_open", "EDGE", None),  # exactly 30 days: counts
        ("A", "out", T - 30 * DAY - dt.timedelta(seconds=1), "sms", "sms_click", "OLD", None),  # 1 s too old
        ("A", "same", T, "social", "social_follow", None, None),  # at the conversion instant: no
        ("A", "after", T + dt.timedelta(minutes=5), "email", "email_click", "LATE", None),  # after: no
        ("A", "conv", T, "web", "order", None, 50.0),
    ])
    build_attribution(con, events="events", out="attribution", config=config(lookback_days=30))
    for model in MODELS:  # the only touch in the window takes everything under every model
        assert credits(con, model, by="campaign") == approx({("email", "EDGE"): (1, 50)}), model


def test_a_shorter_lookback_drops_the_touch_to_direct():
    con = events_table([("A", "t", T - 10 * DAY, "email", "email_open", "E1", None),
                        ("A", "c", T, "web", "order", None, 50.0)])
    totals = build_attribution(con, events="events", out="attribution", config=config(lookback_days=7))
    assert credits(con, "linear", by="campaign") == approx({("direct", None): (1, 50)})
    assert totals[0].unattributed == 1 and totals[0].attributed_share == 0


def test_unattributed_conversions_go_to_direct_under_every_model(worked):
    con = events_table([*WORKED, ("Z", "z1", T, "store", "store_purchase", None, 25.0),
                        ("Z", "z2", T + DAY, "web", "order", None, None)])  # no amount: revenue 0
    totals = build_attribution(con, events="events", out="attribution", config=config())
    for model in MODELS:
        got = credits(con, model)
        assert got["direct"] == approx({"d": (2, 25)})["d"], model
        # per model, credit adds up to the conversions (3) and revenue (125)
        assert sum(c for c, _ in got.values()) == pytest.approx(3)
        assert sum(r for _, r in got.values()) == pytest.approx(125)
    purchase = next(t for t in totals if t.key_event == "purchase")
    assert (purchase.conversions, purchase.unattributed, purchase.revenue, purchase.unattributed_revenue) == (
        3, 2, pytest.approx(125), pytest.approx(25))
    direct = con.sql("SELECT campaign_id, conversions_in_path FROM attribution WHERE channel = 'direct' "
                     "AND model = 'last_touch'").fetchall()
    assert direct == [(None, 2)]


def test_a_second_conversion_reuses_the_touches_by_default():
    # touch at T-5d; orders at T (40) and T+2d (60): both look back over 30 days and find the touch
    rows = [("A", "t", T - 5 * DAY, "email", "email_click", "E1", None),
            ("A", "o1", T, "web", "order", None, 40.0), ("A", "o2", T + 2 * DAY, "web", "order", None, 60.0)]
    con = events_table(rows)
    build_attribution(con, events="events", out="attribution", config=config())
    assert credits(con, "last_touch") == approx({"email": (2, 100)})
    assert con.sql("SELECT conversions_in_path FROM attribution WHERE model = 'linear' "
                   "AND channel = 'email'").fetchall() == [(2,)]
    # reset_after_conversion: the second order's path starts at the first order -> direct
    con = events_table(rows)
    build_attribution(con, events="events", out="attribution", config=config(reset_after_conversion=True))
    assert credits(con, "last_touch") == approx({"email": (1, 40), "direct": (1, 60)})


def test_reset_path_keeps_touches_at_or_after_the_previous_conversion():
    con = events_table([
        ("A", "t1", T - 5 * DAY, "email", "email_click", "E1", None),
        ("A", "o1", T, "web", "order", None, 40.0),
        ("A", "t2", T, "sms", "sms_click", "S1", None),  # same instant as o1: too late for o1, in o2's path
        ("A", "o2", T + 2 * DAY, "web", "order", None, 60.0),
    ])
    build_attribution(con, events="events", out="attribution", config=config(reset_after_conversion=True))
    assert credits(con, "linear") == approx({"email": (1, 40), "sms": (1, 60)})


def test_conversions_of_other_customers_and_key_events_are_separate():
    con = events_table([
        ("A", "t", T - DAY, "email", "email_open", "E1", None),
        ("B", "o", T, "web", "order", None, 10.0),  # B never touched: A's touch does not count
        ("A", "s", T, "email", "subscribe", None, None),  # A's signup: credited to A's open
    ])
    build_attribution(con, events="events", out="attribution", config=config())
    assert credits(con, "first_touch", "purchase") == approx({"direct": (1, 10)})
    assert credits(con, "first_touch", "signup") == approx({"email": (1, 0)})


def test_since_and_until_select_conversions_but_touches_may_precede_them():
    con = events_table([
        ("A", "t", T - 20 * DAY, "email", "email_open", "E1", None),
        ("A", "o0", T - 10 * DAY, "web", "order", None, 5.0),   # before since: left out
        ("A", "o1", T, "web", "order", None, 40.0),             # in [since, until)
        ("A", "o2", T + 5 * DAY, "web", "order", None, 60.0),   # at until: left out (exclusive)
    ])
    totals = build_attribution(con, events="events", out="attribution", config=config(),
                               since=T - DAY, until=T + 5 * DAY)
    assert credits(con, "last_touch") == approx({"email": (1, 40)})
    assert totals[0].conversions == 1


def test_time_decay_survives_a_long_lookback_and_a_tiny_half_life():
    # 2^(-300/0.01) underflows to 0 for both touches; relative to the newest touch it is 1 and
    # the older one 2^(-100) ~ 8e-31: the newest takes everything, and nothing is NaN
    con = events_table([("A", "t1", T - 301 * DAY, "email", "email_open", "E1", None),
                        ("A", "t2", T - 300 * DAY, "sms", "sms_click", "S1", None),
                        ("A", "o", T, "web", "order", None, 10.0)])
    build_attribution(con, events="events", out="attribution",
                      config=config(lookback_days=365, half_life_days=0.01))
    got = credits(con, "time_decay")
    assert got["sms"][0] == pytest.approx(1.0) and got["email"][0] == pytest.approx(0.0, abs=1e-20)


def test_simultaneous_touches_are_ordered_by_event_id():
    con = events_table([("A", "b", T - DAY, "sms", "sms_click", "S1", None),
                        ("A", "a", T - DAY, "email", "email_click", "E1", None),
                        ("A", "o", T, "web", "order", None, 10.0)])
    build_attribution(con, events="events", out="attribution", config=config())
    assert credits(con, "first_touch") == approx({"email": (1, 10)})  # "a" sorts first
    assert credits(con, "last_touch") == approx({"sms": (1, 10)})


def test_only_configured_models_and_the_documented_columns():
    con = events_table(WORKED)
    build_attribution(con, events="events", out="attribution", config=config(models=["linear", "last_touch"]),
                      credits_out="credit_detail")
    assert [d[0] for d in con.sql("FROM attribution").description] == list(ATTRIBUTION_COLUMNS)
    assert {m for (m,) in con.sql("SELECT DISTINCT model FROM attribution").fetchall()} == {"linear", "last_touch"}
    # detail: one row per touch and model (3 touches x 2 models); credits per conversion sum to 1
    detail = con.sql("SELECT model, count(*), sum(credit) FROM credit_detail WHERE key_event = 'purchase' "
                     "GROUP BY model ORDER BY model").fetchall()
    assert detail == [("last_touch", 3, pytest.approx(1.0)), ("linear", 3, pytest.approx(1.0))]


def test_rejects_table_names_that_are_not_identifiers():
    con = events_table([])
    with pytest.raises(ValueError, match="not a plain SQL identifier"):
        build_attribution(con, events="events; DROP TABLE x", out="attribution", config=config())


def test_empty_event_stream_gives_an_empty_table():
    con = events_table([])
    assert build_attribution(con, events="events", out="attribution", config=config()) == []
    assert con.sql("SELECT count(*) FROM attribution").fetchall() == [(0,)]


def test_definitions_document_the_choices():
    for phrase in ("included", "excluded", "reuse", "direct", "2 ** (-d_i / half_life_days)", "50/50", "40%"):
        assert phrase in ATTRIBUTION_DEFINITIONS, phrase
