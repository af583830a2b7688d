"""Traits on hand-built timelines: every value is worked out by hand in the comments."""

import datetime as dt

import duckdb
import pytest

from customer_unification.lib.profiles.traits import TRAIT_DEFINITIONS, TraitParams, build_traits

AS_OF = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)  # a Sunday


def ago(days: float, hour: int = 0, minute: int = 0) -> dt.datetime:
    return (AS_OF - dt.timedelta(days=days)).replace(hour=hour, minute=minute)


def ev(customer, when, event_type, channel, category=None, amount=None, device=None, issue=None, score=None):
    return (customer, when, channel, event_type, category, amount, device, issue, score)


def order(customer, days, amount, category=None, channel="web"):
    return ev(customer, ago(days), "order", channel, category, amount)


TIMELINE = [
    # W: weekly shopper, 6 orders of 10 seven days apart; one order after as_of must be ignored
    *(order("W", d, 10.0, "books") for d in (10, 17, 24, 31, 38, 45)),
    order("W", -1, 999.0, "books"),
    *(ev("W", ago(12), "page_view", "web", "toys") for _ in range(4)),
    # M: monthly, 3 orders of 50 thirty days apart; categories: home 3+0.5+0.5=4, toys 3+2=5
    order("M", 80, 50.0, "home|toys"), order("M", 50, 50.0), ev("M", ago(20), "store_purchase", "store", None, 50.0),
    ev("M", ago(30), "add_to_cart", "web", "toys"),
    *(ev("M", ago(31), "page_view", "web", "home") for _ in range(2)),
    # O: a single order of 500, 120 days ago
    order("O", 120, 500.0),
    # L: two orders of 20, 300 and 200 days ago
    order("L", 300, 20.0), order("L", 200, 20.0),
    # N: first seen 10 days ago, one order of 30 five days ago
    ev("N", ago(10), "login", "web"), order("N", 5, 30.0),
    # P: page views only (app twice, web once); toys 1.5, home 0.5
    *(ev("P", ago(40 + i), "page_view", "app", "toys", device="app") for i in range(2)),
    ev("P", ago(43), "page_view", "web", "toys", device="web"), ev("P", ago(44), "page_view", "web", "home"),
    # E and E2: email clicks at 19:05, 19:40 (Wed), 08:00 and one SMS click at 19:10; sends are not engagement.
    # Two date-only tickets (midnight) must not make 0 the best hour.
    *(ev(c, ago(46, h, m), "email_click", "email") for c in ("E", "E2") for h, m in ((19, 5), (19, 40))),
    *(ev(c, ago(47, 8), "email_click", "email") for c in ("E", "E2")),
    *(ev(c, ago(48, 19, 10), "sms_click", "sms") for c in ("E", "E2")),
    *(ev(c, ago(d, 3), "email_send", "email") for c in ("E", "E2") for d in range(5)),
    *(ev(c, ago(d, 0), "service_ticket", "call_centre") for c in ("E", "E2") for d in (60, 61)),
    # S: tickets 60d (scored 2, refund), 20d (unscored, delivery), 10d (unscored, no type): 2 open
    ev("S", ago(60), "service_ticket", "call_centre", issue="refund", score=2.0),
    ev("S", ago(20), "service_ticket", "call_centre", issue="delivery"),
    ev("S", ago(10), "service_ticket", "call_centre"),
    # S2: 40d unscored (too old to be open), 20d unscored but closed by a later score of 5 at 5d
    ev("S2", ago(40), "service_ticket", "call_centre", issue="billing"),
    ev("S2", ago(20), "service_ticket", "call_centre", issue="account"),
    ev("S2", ago(5), "service_ticket", "call_centre", issue="account", score=5.0),
    # T: one login on a Friday at 10:00, a later one on a Wednesday at 15:00: a tie goes to the latest
    ev("T", ago(9, 10), "login", "web"), ev("T", ago(4, 15), "login", "web"),
]

CONSENT = [
    ("E", "email", "granted"), ("E", "sms", "granted"),
    ("E2", "email", "denied"), ("E2", "sms", "granted"),
    ("X", "mail", "granted"), ("X", "sms", "granted"), ("X", "email", "unknown"),
    ("S", "phone", "granted"), ("S", "email", "granted"),
    ("W", "sms", "denied"),
]
CUSTOMERS = ["W", "M", "O", "L", "N", "P", "E", "E2", "S", "S2", "T", "X"]


@pytest.fixture(scope="module")
def traits():
    con = duckdb.connect()
    con.execute("""CREATE TABLE customer_events (customer_id VARCHAR, event_ts TIMESTAMPTZ, channel VARCHAR,
        event_type VARCHAR, product_category VARCHAR, amount DOUBLE, device VARCHAR, issue_type VARCHAR,
        satisfaction DOUBLE)""")
    con.executemany("INSERT INTO customer_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", TIMELINE)
    con.execute("CREATE TABLE consent_ledger (customer_id VARCHAR, channel VARCHAR, state VARCHAR)")
    con.executemany("INSERT INTO consent_ledger VALUES (?, ?, ?)", CONSENT)
    con.execute("CREATE TABLE golden_profiles AS SELECT unnest(?::VARCHAR[]) AS customer_id", [CUSTOMERS])
    con.execute("CREATE TABLE churn_scores AS SELECT 'W' AS customer_id, 0.125 AS churn_risk")
    n = build_traits(con, as_of=AS_OF, churn_scores="churn_scores")
    assert n == len(CUSTOMERS)
    frame = con.sql("SELECT * FROM customer_traits").df()
    assert list(frame.columns) == list(TRAIT_DEFINITIONS)
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return {r["customer_id"]: r for r in rows}


def pick(row, *names):
    return tuple(row[n] for n in names)


def test_orders_and_revenue(traits):
    assert pick(traits["W"], "n_orders", "lifetime_value", "average_order_value", "days_since_last_order") == (
        6, 60.0, 10.0, 10)
    assert traits["W"]["first_order_at"] == ago(45) and traits["W"]["last_order_at"] == ago(10)
    assert pick(traits["M"], "n_orders", "lifetime_value") == (3, 150.0)  # a store purchase counts
    assert pick(traits["P"], "n_orders", "lifetime_value", "average_order_value", "last_order_at") == (
        0, 0.0, None, None)


def test_rfm_quintiles_on_five_purchasers(traits):
    # recency (last order days ago): L 200, O 120, M 20, W 10, N 5 -> 1..5
    # frequency: O 1, N 1 (tie: both 1), L 2 -> 3, M 3 -> 4, W 6 -> 5
    # monetary: N 30, L 40, W 60, M 150, O 500 -> 1..5
    assert {c: traits[c]["rfm_segment"] for c in "WMOLN"} == {
        "W": "453", "M": "344", "O": "215", "L": "132", "N": "511"}
    assert pick(traits["W"], "recency_score", "frequency_score", "monetary_score") == (4, 5, 3)
    assert traits["P"]["rfm_segment"] is None and traits["P"]["recency_score"] is None


def test_purchase_cadence(traits):
    assert pick(traits["W"], "median_days_between_orders", "purchase_cadence") == (7.0, "weekly")
    assert pick(traits["M"], "median_days_between_orders", "purchase_cadence") == (30.0, "monthly")
    assert pick(traits["L"], "median_days_between_orders", "purchase_cadence") == (100.0, "quarterly")
    assert pick(traits["O"], "median_days_between_orders", "purchase_cadence") == (None, "one-off")
    assert traits["P"]["purchase_cadence"] is None


def test_category_affinity(traits):
    assert pick(traits["W"], "top_category", "top_category_share") == ("books", 0.9)  # 18 of 18 + 4 * 0.5
    assert pick(traits["M"], "top_category", "top_category_share") == ("toys", 0.556)  # 5 of 9
    assert pick(traits["P"], "top_category", "top_category_share") == ("toys", 0.75)  # 1.5 of 2
    assert traits["O"]["top_category"] is None


def test_preferred_channel_respects_consent(traits):
    assert traits["E"]["preferred_channel"] == "email"  # 3 email clicks beat 1 SMS click
    assert traits["E2"]["preferred_channel"] == "sms"  # e-mail denied
    assert traits["E2"]["most_engaged_channel"] == "email"  # consent aside
    assert traits["S"]["preferred_channel"] == "phone"  # calls to the call centre count for phone
    assert traits["X"]["preferred_channel"] == "sms"  # no engagement: first consented in fallback order
    assert traits["W"]["preferred_channel"] is None  # nothing granted; web is not contactable
    assert traits["W"]["most_engaged_channel"] == "web"


def test_device_hour_and_weekday(traits):
    assert traits["P"]["preferred_device"] == "app"
    assert traits["E"]["best_contact_hour"] == 19  # midnight tickets and 03:00 sends do not count
    assert traits["E"]["best_contact_weekday"] == ago(46).strftime("%A")
    assert traits["X"]["best_contact_hour"] is None
    assert pick(traits["T"], "best_contact_hour", "best_contact_weekday") == (15, "Wednesday")


def test_service_issues(traits):
    assert pick(traits["S"], "n_service_tickets", "open_service_issues", "last_issue_type", "last_satisfaction") == (
        3, 2, "delivery", 2.0)
    assert pick(traits["S2"], "n_service_tickets", "open_service_issues", "last_issue_type", "last_satisfaction") == (
        3, 0, "account", 5.0)
    assert pick(traits["W"], "n_service_tickets", "open_service_issues") == (0, 0)


def test_journey_stage(traits):
    assert {c: traits[c]["journey_stage"] for c in ("W", "M", "O", "L", "N", "P", "X")} == {
        "W": "loyal", "M": "active", "O": "at_risk", "L": "lapsed", "N": "new", "P": "prospect", "X": "prospect"}
    assert traits["N"]["first_seen_at"] == ago(10)
    assert traits["W"]["last_engaged_at"] == ago(10)  # the order after as_of is invisible


def test_churn_risk_is_joined_when_given(traits):
    assert traits["W"]["churn_risk"] == 0.125 and traits["M"]["churn_risk"] is None


def test_thresholds_are_parameters():
    con = duckdb.connect()
    con.execute("CREATE TABLE ev (customer_id VARCHAR, event_ts TIMESTAMPTZ, channel VARCHAR, event_type VARCHAR, "
                "product_category VARCHAR, amount DOUBLE, device VARCHAR, issue_type VARCHAR, satisfaction DOUBLE)")
    con.executemany("INSERT INTO ev VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [order("A", d, 5.0) for d in (100, 93)])
    con.execute("CREATE TABLE cl (customer_id VARCHAR, channel VARCHAR, state VARCHAR)")
    con.execute("CREATE TABLE cu AS SELECT 'A' AS customer_id")
    build_traits(con, events="ev", consent="cl", customers="cu", as_of=AS_OF, out="t")
    assert con.sql("SELECT purchase_cadence, journey_stage FROM t").fetchall() == [("weekly", "at_risk")]
    strict = TraitParams(weekly_max_days=5, at_risk_days=120)
    build_traits(con, events="ev", consent="cl", customers="cu", as_of=AS_OF, out="t", params=strict)
    assert con.sql("SELECT purchase_cadence, journey_stage FROM t").fetchall() == [("monthly", "active")]
