"""The built-in segments on hand-built timelines: every boundary is checked on both sides."""

import datetime as dt

import pytest

from customer_unification.lib.segments.compile import compile_segment, compile_segments, evaluate_segments
from customer_unification.lib.segments.config import load_segments_config

from .timelines import AS_OF, SIX_MONTHS_AGO, ago, event, trait, warehouse

CONFIG = load_segments_config()
DAY = dt.timedelta(days=1)


def members(con, name, as_of=AS_OF) -> set[str]:
    sql = compile_segment(CONFIG.get(name), as_of=as_of, traits="traits", events="events")
    return {row[0] for row in con.sql(sql).fetchall()}


def test_lapsed_boundary_is_six_calendar_months_inclusive():
    con = warehouse(
        [trait(c, n_orders=1) for c in ("AT", "DAY_LESS", "DAY_MORE", "SECOND_MORE", "OLD_AND_FUTURE")]
        + [trait("NEVER"), trait("ONLY_FUTURE")],
        [event("AT", SIX_MONTHS_AGO),  # exactly 6 months ago: inside the window, not lapsed
         event("DAY_LESS", SIX_MONTHS_AGO + DAY),
         event("DAY_MORE", SIX_MONTHS_AGO - DAY, "store_purchase"),
         event("SECOND_MORE", SIX_MONTHS_AGO - dt.timedelta(seconds=1)),
         event("OLD_AND_FUTURE", ago(400)), event("OLD_AND_FUTURE", AS_OF + DAY),  # after as_of: ignored
         event("NEVER", ago(10), "page_view"),
         event("ONLY_FUTURE", AS_OF + DAY)])
    assert members(con, "lapsed") == {"DAY_MORE", "SECOND_MORE", "OLD_AND_FUTURE"}


def test_loyal_customers_need_four_purchases_and_one_in_six_months():
    con = warehouse(
        [trait("LOYAL", 4), trait("THREE", 3), trait("GONE_QUIET", 9), trait("EDGE", 4)],
        [event("LOYAL", ago(10)), event("THREE", ago(10)), event("GONE_QUIET", SIX_MONTHS_AGO - DAY),
         event("EDGE", SIX_MONTHS_AGO, "store_purchase")])
    assert members(con, "loyal_customers") == {"LOYAL", "EDGE"}


def test_weekly_shoppers_are_weekly_and_bought_in_30_days():
    con = warehouse(
        [trait("WEEKLY", 8, "weekly"), trait("WEEKLY_30", 8, "weekly"), trait("WEEKLY_31", 8, "weekly"),
         trait("MONTHLY", 8, "monthly")],
        [event("WEEKLY", ago(3)), event("WEEKLY_30", ago(30)), event("WEEKLY_31", ago(31)), event("MONTHLY", ago(3))])
    assert members(con, "weekly_shoppers") == {"WEEKLY", "WEEKLY_30"}


def test_recent_service_problem_is_a_ticket_in_30_days():
    con = warehouse(
        [trait(c) for c in ("T29", "T30", "T31", "ORDER")],
        [event("T29", ago(29), "service_ticket", channel="call_centre"),
         event("T30", ago(30), "service_ticket", channel="call_centre"),
         event("T31", ago(31), "service_ticket", channel="call_centre"), event("ORDER", ago(1))])
    assert members(con, "recent_service_problem") == {"T29", "T30"}


def test_recent_laptop_buyers_89_90_91_days_and_multi_item_orders():
    con = warehouse(
        [trait(c, 1) for c in ("D89", "D90", "D91", "MULTI", "STORE", "CART", "BOOKS", "SPACED")],
        [event("D89", ago(89), category="laptops"), event("D90", ago(90), category="laptops"),
         event("D91", ago(91), category="laptops"),
         event("MULTI", ago(10), category="menswear|laptops"),
         event("STORE", ago(10), "store_purchase", category="laptops", channel="store"),
         event("CART", ago(10), "add_to_cart", category="laptops"),  # not a purchase
         event("BOOKS", ago(10), category="books"),
         event("SPACED", ago(10), category="books | laptops ")])
    assert members(con, "recent_laptop_buyers") == {"D89", "D90", "MULTI", "STORE", "SPACED"}


def test_category_affinity_by_top_category_or_two_purchases_in_a_year():
    con = warehouse(
        [trait("TOP_MEN", 1, top_category="menswear"), trait("TWO_MEN", 2, top_category="books"),
         trait("ONE_MEN", 1, top_category="books"), trait("OLD_MEN", 2, top_category="books"),
         trait("TOP_WOMEN", 3, top_category="womenswear")],
        [event("TWO_MEN", ago(20), category="menswear"), event("TWO_MEN", ago(300), category="menswear|books"),
         event("ONE_MEN", ago(20), category="menswear"),
         event("OLD_MEN", ago(20), category="menswear"), event("OLD_MEN", ago(400), category="menswear"),
         event("TOP_WOMEN", ago(5), category="menswear"), event("TOP_WOMEN", ago(6), category="menswear")])
    assert members(con, "menswear_affinity") == {"TOP_MEN", "TWO_MEN", "TOP_WOMEN"}
    assert members(con, "womenswear_affinity") == {"TOP_WOMEN"}


def test_cart_abandoners_drop_out_when_they_buy_afterwards():
    con = warehouse(
        [trait(c) for c in ("ABANDONED", "BOUGHT_AFTER", "OLD_CART", "CART_BUY_CART", "SAME_SECOND",
                            "BUYS_TOMORROW", "BOUGHT_BEFORE")],
        [event("ABANDONED", ago(10), "add_to_cart"),
         event("BOUGHT_AFTER", ago(10), "add_to_cart"), event("BOUGHT_AFTER", ago(5), "store_purchase"),
         event("OLD_CART", ago(31), "add_to_cart"),
         event("CART_BUY_CART", ago(20), "add_to_cart"), event("CART_BUY_CART", ago(15)),
         event("CART_BUY_CART", ago(5), "add_to_cart"),
         event("SAME_SECOND", ago(7), "add_to_cart"), event("SAME_SECOND", ago(7)),
         event("BUYS_TOMORROW", ago(3), "add_to_cart"), event("BUYS_TOMORROW", AS_OF + DAY),
         event("BOUGHT_BEFORE", ago(40)), event("BOUGHT_BEFORE", ago(2), "add_to_cart")])
    assert members(con, "cart_abandoners") == {"ABANDONED", "CART_BUY_CART", "BUYS_TOMORROW", "BOUGHT_BEFORE"}
    assert members(con, "recent_buyers_after_cart") == {"BOUGHT_AFTER", "CART_BUY_CART", "SAME_SECOND"}
    # a day later the first abandoner's cart is still in the window; 21 days later it is not
    assert "ABANDONED" in members(con, "cart_abandoners", AS_OF + DAY)
    assert "ABANDONED" not in members(con, "cart_abandoners", AS_OF + 21 * DAY)


def test_high_churn_risk_needs_a_score_of_0_7_and_a_purchase():
    con = warehouse(
        [trait("AT", 1, churn_risk=0.7), trait("BELOW", 1, churn_risk=0.69), trait("HIGH", 5, churn_risk=0.95),
         trait("NO_SCORE", 2), trait("PROSPECT", 0, churn_risk=0.9)], [])
    assert members(con, "high_churn_risk") == {"AT", "HIGH"}


def _timeline():
    return warehouse(
        [trait("A", 4, "weekly", "menswear", 0.8), trait("B", 1, None, "laptops", 0.2), trait("C"),
         trait("D", 2, "monthly", "womenswear", 0.75)],
        [event("A", ago(3)), event("A", ago(4), "add_to_cart"), event("B", ago(200), category="laptops"),
         event("B", ago(2), "add_to_cart"), event("C", ago(1), "service_ticket"),
         event("D", ago(40), category="womenswear"), event("D", ago(50), "store_purchase", category="womenswear")])


def test_all_segments_in_one_query_equal_each_segment_on_its_own():
    con = _timeline()
    together = con.sql(compile_segments(CONFIG, as_of=AS_OF, traits="traits", events="events")).fetchall()
    assert len(together) == len(set(together))
    by_segment = {name: {c for c, s in together if s == name} for name in CONFIG.names}
    assert by_segment == {name: members(con, name) for name in CONFIG.names}
    assert by_segment["lapsed"] == {"B"} and by_segment["cart_abandoners"] == {"B"}
    assert by_segment["womenswear_affinity"] == {"D"} and by_segment["high_churn_risk"] == {"A", "D"}


def test_evaluate_segments_writes_members_and_counts_every_segment():
    con = _timeline()
    counts = evaluate_segments(con, CONFIG, as_of=AS_OF, traits="traits", events="events", out="members")
    assert list(counts) == CONFIG.names
    assert counts["recent_service_problem"] == 1 and counts["recent_laptop_buyers"] == 0
    assert con.sql("SELECT count(*) FROM members").fetchall()[0][0] == sum(counts.values())


def test_results_do_not_depend_on_the_session_time_zone():
    con = warehouse([trait(c, 1) for c in ("AT", "BEFORE")],
                    [event("AT", SIX_MONTHS_AGO), event("BEFORE", SIX_MONTHS_AGO - dt.timedelta(seconds=1))])
    utc = members(con, "lapsed")
    con.execute("SET TimeZone = 'Pacific/Auckland'")
    assert members(con, "lapsed") == utc == {"BEFORE"}


@pytest.mark.parametrize("where, expected", [
    # a missing trait makes a comparison false, and its negation true
    ("{not: {trait: churn_risk, op: '>=', value: 0.5}}", {"LOW", "NONE"}),
    ("{trait: churn_risk, op: is_null}", {"NONE"}),
    ("{trait: churn_risk, op: between, value: [0.2, 0.9]}", {"LOW", "HIGH"}),
    ("{trait: top_category, op: not_in, value: [books]}", {"HIGH"}),
    ("{trait: n_orders, op: in, value: [0, 2]}", {"LOW", "NONE"}),
    ("{event: {types: [page_view], channels: [app], count_at_least: 2}}", {"HIGH"}),
    ("{event: {types: [page_view], within: 1 week}}", {"LOW"}),
    ("{any: [{event: {types: [purchase]}}, {trait: n_orders, op: '!=', value: 0}]}", {"LOW", "HIGH"}),
])
def test_language_operators(tmp_path, where, expected):
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: default\nsegments:\n  - name: probe\n    where: {where}\n")
    segment = load_segments_config(path).get("probe")
    con = warehouse(
        [trait("LOW", 2, None, "books", 0.2), trait("HIGH", 1, None, "menswear", 0.9), trait("NONE", 0)],
        [event("LOW", ago(3), "page_view", channel="app"), event("LOW", ago(100), "order"),
         *(event("HIGH", ago(10 + i), "page_view", channel="app") for i in range(2)),
         event("HIGH", ago(9), "page_view", channel="web")])
    sql = compile_segment(segment, as_of=AS_OF, traits="traits", events="events")
    assert {r[0] for r in con.sql(sql).fetchall()} == expected
