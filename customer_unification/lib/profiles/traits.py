"""Customer traits: one row per customer, computed from the event stream with one SQL statement.

`build_traits` reads the unified event stream (events at or before `as_of` only, so a past date
gives the traits as they were), the consent ledger (current state per customer and channel) and
optionally the churn scores of `churn.score_churn`, and writes `customer_traits`. Every column
is described in `TRAIT_DEFINITIONS`; every threshold and weight is a field of `TraitParams`.

Conventions: times are UTC; "purchases" are the event types in `TraitParams.purchase_event_types`
(orders and store purchases); "engagement" is anything the customer did (opens, clicks, logins,
page views, purchases, calls, follows, subscriptions), never what was sent to them. Amounts are
summed as they are: no currency conversion.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import duckdb

from customer_unification.lib.profiles.events import SUBSCRIBE

TRAIT_DEFINITIONS: dict[str, str] = {
    "customer_id": "the customer",
    "as_of": "the moment the traits describe (UTC); only events up to it were used",
    "n_orders": "number of purchases (web orders and store purchases)",
    "lifetime_value": "sum of purchase amounts (0 without purchases; no currency conversion)",
    "average_order_value": "mean amount of the purchases that carry an amount",
    "first_order_at": "time of the first purchase",
    "last_order_at": "time of the latest purchase",
    "days_since_last_order": "whole days from the latest purchase to as_of",
    "recency_score": "RFM recency quintile among purchasers, 1 (longest ago) to 5 (most recent)",
    "frequency_score": "RFM frequency quintile among purchasers, 1 (fewest purchases) to 5 (most)",
    "monetary_score": "RFM monetary quintile among purchasers, 1 (lowest lifetime value) to 5 (highest); "
                      "ties share the lower quintile",
    "rfm_segment": "recency, frequency and monetary scores as one string, e.g. '545'",
    "median_days_between_orders": "median gap between consecutive purchases, in days (2+ purchases)",
    "purchase_cadence": "weekly / monthly / quarterly / occasional from the median gap (thresholds in "
                        "TraitParams); one-off with a single purchase; NULL without purchases",
    "top_category": "product category with the highest affinity: each purchase 3, add to cart 2, "
                    "click 1, view or open 0.5 per listed category (TraitParams.category_weights)",
    "top_category_share": "the top category's share of the customer's total category affinity (0-1)",
    "preferred_channel": "the consented channel (consent ledger state 'granted') with the most "
                         "engagement (call-centre calls count for phone); without engagement on any "
                         "consented channel, the first consented one in TraitParams.channel_fallback_order; "
                         "NULL when nothing is consented",
    "most_engaged_channel": "the channel with the most engagement, consent aside (web, app, store, ...); "
                            "ties here and in the next three go to the one used most recently",
    "preferred_device": "'app' or 'web': the platform of most digital engagement",
    "best_contact_hour": "UTC hour of day (0-23) with the most engagement; date-only timestamps "
                         "(exactly midnight) are ignored",
    "best_contact_weekday": "day of the week (Monday..Sunday, UTC) with the most engagement",
    "n_service_tickets": "number of service tickets ever opened",
    "open_service_issues": "service tickets of the last TraitParams.open_issue_days days with no "
                           "satisfaction score on them or on any later ticket (the sources have no "
                           "resolution status; a score is taken as the case being closed)",
    "last_issue_type": "issue type of the latest service ticket that has one",
    "last_satisfaction": "the latest satisfaction score given on a service ticket",
    "first_seen_at": "time of the customer's first event of any kind",
    "last_engaged_at": "time of the customer's latest engagement",
    "journey_stage": "prospect (no purchase); new (first seen < new_days ago); lapsed (last purchase "
                     "> lapsed_days ago); at_risk (last purchase at_risk_days..lapsed_days ago); loyal "
                     "(>= loyal_min_orders purchases, recent); active (recent purchaser) -- first match wins",
    "churn_risk": "probability of no purchase in the next churn horizon (churn.score_churn); "
                  "NULL for customers without a purchase or when no churn scores were given",
}


@dataclass(frozen=True)
class TraitParams:
    purchase_event_types: tuple[str, ...] = ("order", "store_purchase")
    engagement_event_types: tuple[str, ...] = (
        "email_open", "email_click", "sms_click", "login", "page_view", "add_to_cart",
        "order", "store_purchase", "service_ticket", "social_follow", SUBSCRIBE,
    )
    service_event_types: tuple[str, ...] = ("service_ticket",)
    # category affinity weight per event type: purchase 3, add to cart 2, click 1, view/open 0.5
    category_weights: dict[str, float] = field(default_factory=lambda: {
        "order": 3.0, "store_purchase": 3.0, "add_to_cart": 2.0,
        "email_click": 1.0, "sms_click": 1.0, "page_view": 0.5, "email_open": 0.5,
    })
    # event channel -> the consent channel a message would use; web, app and store are not contactable
    contact_channels: dict[str, str] = field(default_factory=lambda: {
        "email": "email", "sms": "sms", "social": "social", "mail": "mail",
        "phone": "phone", "call_centre": "phone",
    })
    channel_fallback_order: tuple[str, ...] = ("email", "sms", "mail", "phone", "social")
    # purchase cadence: median gap in days at most ...
    weekly_max_days: float = 10
    monthly_max_days: float = 45
    quarterly_max_days: float = 120
    # journey stages
    new_days: int = 30
    at_risk_days: int = 90
    lapsed_days: int = 180
    loyal_min_orders: int = 4
    open_issue_days: int = 30


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")
_WEEKDAYS = "['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']"


def build_traits(
    con: duckdb.DuckDBPyConnection,
    *,
    events: str = "customer_events",
    consent: str = "consent_ledger",
    customers: str = "golden_profiles",
    as_of: dt.datetime,
    out: str = "customer_traits",
    params: TraitParams = TraitParams(),
    churn_scores: str | None = None,
) -> int:
    """Create (replace) table `out`: one row per customer of `customers`, columns as in
    TRAIT_DEFINITIONS; return the row count.

    `consent` needs (customer_id, channel, state) with one current row per customer and channel;
    `churn_scores` is the (customer_id, churn_risk) table of `churn.score_churn` (None: churn_risk
    is NULL).
    """
    for name in (events, consent, customers, out, *([churn_scores] if churn_scores else [])):
        if not _IDENT.match(name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")
    con.execute(_traits_sql(events, consent, customers, utc_literal(as_of), out, params, churn_scores))
    return con.sql(f"SELECT count(*) FROM {out}").fetchall()[0][0]


def _traits_sql(events: str, consent: str, customers: str, as_of: str, out: str,
                p: TraitParams, churn_scores: str | None) -> str:
    churn_join = f"LEFT JOIN {churn_scores} ch ON ch.customer_id = c.customer_id" if churn_scores else ""
    churn_risk = "CAST(ch.churn_risk AS DOUBLE)" if churn_scores else "NULL::DOUBLE"
    columns = ",\n           ".join(f"{expr} AS {name}" for name, expr in _final_columns(as_of, p, churn_risk).items())
    return f"""
    CREATE OR REPLACE TABLE {out} AS
    WITH
    cust AS (SELECT DISTINCT customer_id FROM {customers} WHERE customer_id IS NOT NULL),
    ev AS (
        SELECT customer_id, event_ts, channel, event_type, product_category, amount, device,
               issue_type, satisfaction
        FROM {events} WHERE event_ts <= {as_of}
    ),
    {_purchase_ctes(p)},
    {_category_ctes(p)},
    {_engagement_ctes(consent, p)},
    {_service_ctes(as_of, p)}
    SELECT {columns}
    FROM cust c
    LEFT JOIN orders o ON o.customer_id = c.customer_id
    LEFT JOIN rfm r ON r.customer_id = c.customer_id
    LEFT JOIN cadence cd ON cd.customer_id = c.customer_id
    LEFT JOIN top_category tc ON tc.customer_id = c.customer_id
    LEFT JOIN preferred pc ON pc.customer_id = c.customer_id
    LEFT JOIN most_engaged me ON me.customer_id = c.customer_id
    LEFT JOIN preferred_device pd ON pd.customer_id = c.customer_id
    LEFT JOIN best_hour bh ON bh.customer_id = c.customer_id
    LEFT JOIN best_weekday bw ON bw.customer_id = c.customer_id
    LEFT JOIN service s ON s.customer_id = c.customer_id
    LEFT JOIN seen sn ON sn.customer_id = c.customer_id
    {churn_join}
    """


def _final_columns(as_of: str, p: TraitParams, churn_risk: str) -> dict[str, str]:
    days_since = f"CAST(floor((epoch({as_of}) - epoch(o.last_order_at)) / 86400) AS INTEGER)"
    cols = {
        "customer_id": "c.customer_id",
        "as_of": as_of,
        "n_orders": "coalesce(o.n_orders, 0)",
        "lifetime_value": "round(coalesce(o.lifetime_value, 0), 2)",
        "average_order_value": "round(o.average_order_value, 2)",
        "first_order_at": "o.first_order_at",
        "last_order_at": "o.last_order_at",
        "days_since_last_order": days_since,
        "recency_score": "r.recency_score",
        "frequency_score": "r.frequency_score",
        "monetary_score": "r.monetary_score",
        "rfm_segment": "r.recency_score::VARCHAR || r.frequency_score::VARCHAR || r.monetary_score::VARCHAR",
        "median_days_between_orders": "round(cd.median_gap_days, 1)",
        "purchase_cadence": f"""CASE WHEN o.n_orders IS NULL THEN NULL
                WHEN o.n_orders = 1 THEN 'one-off'
                WHEN cd.median_gap_days <= {p.weekly_max_days} THEN 'weekly'
                WHEN cd.median_gap_days <= {p.monthly_max_days} THEN 'monthly'
                WHEN cd.median_gap_days <= {p.quarterly_max_days} THEN 'quarterly'
                ELSE 'occasional' END""",
        "top_category": "tc.top_category",
        "top_category_share": "round(tc.top_category_share, 3)",
        "preferred_channel": "pc.preferred_channel",
        "most_engaged_channel": "me.most_engaged_channel",
        "preferred_device": "pd.preferred_device",
        "best_contact_hour": "bh.best_contact_hour",
        "best_contact_weekday": "bw.best_contact_weekday",
        "n_service_tickets": "coalesce(s.n_service_tickets, 0)",
        "open_service_issues": "coalesce(s.open_service_issues, 0)",
        "last_issue_type": "s.last_issue_type",
        "last_satisfaction": "s.last_satisfaction",
        "first_seen_at": "sn.first_seen_at",
        "last_engaged_at": "sn.last_engaged_at",
        "journey_stage": f"""CASE WHEN o.n_orders IS NULL THEN 'prospect'
                WHEN sn.first_seen_at > {as_of} - INTERVAL {int(p.new_days)} DAY THEN 'new'
                WHEN {days_since} > {int(p.lapsed_days)} THEN 'lapsed'
                WHEN {days_since} >= {int(p.at_risk_days)} THEN 'at_risk'
                WHEN o.n_orders >= {int(p.loyal_min_orders)} THEN 'loyal'
                ELSE 'active' END""",
        "churn_risk": churn_risk,
    }
    assert list(cols) == list(TRAIT_DEFINITIONS), "every trait column is documented, in order"
    return cols


def _purchase_ctes(p: TraitParams) -> str:
    # RFM quintiles by rank: 1 + floor(5 * percent_rank), so ties share the lower score and the
    # result does not depend on row order (NTILE would split ties arbitrarily).
    def quintile(order_by: str) -> str:
        return f"CAST(least(5, 1 + floor(5 * percent_rank() OVER (ORDER BY {order_by}))) AS INTEGER)"

    return f"""
    purchases AS (
        SELECT customer_id, event_ts, amount FROM ev WHERE event_type IN ({_sql_list(p.purchase_event_types)})
    ),
    orders AS (
        SELECT customer_id, count(*) AS n_orders, coalesce(sum(amount), 0) AS lifetime_value,
               avg(amount) AS average_order_value, min(event_ts) AS first_order_at,
               max(event_ts) AS last_order_at
        FROM purchases GROUP BY customer_id
    ),
    rfm AS (
        SELECT customer_id, {quintile("last_order_at")} AS recency_score,
               {quintile("n_orders")} AS frequency_score, {quintile("lifetime_value")} AS monetary_score
        FROM orders
    ),
    gaps AS (
        SELECT customer_id,
               (epoch(event_ts) - epoch(lag(event_ts) OVER (PARTITION BY customer_id ORDER BY event_ts)))
                   / 86400.0 AS gap_days
        FROM purchases
    ),
    cadence AS (
        SELECT customer_id, median(gap_days) AS median_gap_days
        FROM gaps WHERE gap_days IS NOT NULL GROUP BY customer_id
    )"""


def _category_ctes(p: TraitParams) -> str:
    weights = ", ".join(f"({_q(t)}, {float(w)})" for t, w in p.category_weights.items())
    return f"""
    category_weights(event_type, weight) AS (VALUES {weights}),
    category_items AS (
        SELECT customer_id, trim(unnest(string_split(product_category, '|'))) AS category, weight
        FROM ev JOIN category_weights USING (event_type)
        WHERE product_category IS NOT NULL
    ),
    category_scores AS (
        SELECT customer_id, category, sum(weight) AS score
        FROM category_items WHERE category <> '' GROUP BY customer_id, category
    ),
    top_category AS (
        -- highest score; ties go to the first category alphabetically
        SELECT customer_id, arg_min(category, (-score, category)) AS top_category,
               max(score) / sum(score) AS top_category_share
        FROM category_scores GROUP BY customer_id
    )"""


def _engagement_ctes(consent: str, p: TraitParams) -> str:
    channel_map = ", ".join(f"({_q(ch)}, {_q(to)})" for ch, to in p.contact_channels.items())
    fallback = ", ".join(f"({_q(ch)}, {i})" for i, ch in enumerate(p.channel_fallback_order))

    def mode(cte: str, column: str, expr: str, where: str = "TRUE") -> str:
        # the most frequent value per customer; a tie goes to the value used most recently (a
        # smallest-value rule would push the many one- and two-event customers to Monday / 0 h)
        return f"""{cte} AS (
        SELECT customer_id, arg_min(value, (-n, -latest, value)) AS {column}
        FROM (SELECT customer_id, {expr} AS value, count(*) AS n, max(epoch(event_ts)) AS latest
              FROM engagement WHERE {expr} IS NOT NULL AND {where} GROUP BY ALL)
        GROUP BY customer_id
    )"""

    return f"""
    engagement AS MATERIALIZED (
        -- UTC hour and ISO weekday by arithmetic on epoch seconds (1970-01-01 was a Thursday):
        -- no time-zone library per row, and independent of the session's TimeZone
        SELECT customer_id, event_ts, channel, device,
               CAST(floor(epoch(event_ts)) AS BIGINT) - 86400 * CAST(floor(epoch(event_ts) / 86400) AS BIGINT)
                   AS second_of_day,
               CAST(((floor(epoch(event_ts) / 86400) + 3) % 7 + 7) % 7 + 1 AS INTEGER) AS weekday
        FROM ev WHERE event_type IN ({_sql_list(p.engagement_event_types)})
    ),
    contact_channel_map(channel, contact_channel) AS (VALUES {channel_map}),
    channel_fallback(contact_channel, priority) AS (VALUES {fallback}),
    contact_engagement AS (
        SELECT customer_id, contact_channel, count(*) AS n
        FROM engagement JOIN contact_channel_map USING (channel) GROUP BY ALL
    ),
    consented AS (SELECT DISTINCT customer_id, channel AS contact_channel FROM {consent} WHERE state = 'granted'),
    preferred AS (
        -- most engagement; then the fallback order; then the name
        SELECT g.customer_id,
               arg_min(g.contact_channel, (-coalesce(e.n, 0), coalesce(f.priority, 1000000), g.contact_channel))
                   AS preferred_channel
        FROM consented g
        LEFT JOIN contact_engagement e USING (customer_id, contact_channel)
        LEFT JOIN channel_fallback f USING (contact_channel)
        GROUP BY g.customer_id
    ),
    {mode("most_engaged", "most_engaged_channel", "channel")},
    {mode("preferred_device", "preferred_device", "device")},
    -- exactly midnight is a date-only timestamp (e.g. tickets): it says nothing about the hour
    {mode("best_hour", "best_contact_hour", "CAST(second_of_day // 3600 AS INTEGER)", "second_of_day <> 0")},
    {mode("best_weekday_number", "weekday", "weekday")},
    best_weekday AS (
        SELECT customer_id, {_WEEKDAYS}[weekday] AS best_contact_weekday FROM best_weekday_number
    ),
    seen AS (
        SELECT customer_id, min(event_ts) AS first_seen_at,
               max(event_ts) FILTER (WHERE event_type IN ({_sql_list(p.engagement_event_types)}))
                   AS last_engaged_at
        FROM ev GROUP BY customer_id
    )"""


def _service_ctes(as_of: str, p: TraitParams) -> str:
    return f"""
    tickets AS (
        SELECT customer_id, event_ts, issue_type, satisfaction
        FROM ev WHERE event_type IN ({_sql_list(p.service_event_types)})
    ),
    last_scored AS (
        SELECT customer_id, max(event_ts) AS last_scored_at
        FROM tickets WHERE satisfaction IS NOT NULL GROUP BY customer_id
    ),
    service AS (
        SELECT t.customer_id, count(*) AS n_service_tickets,
               count(*) FILTER (WHERE t.satisfaction IS NULL
                                  AND t.event_ts > {as_of} - INTERVAL {int(p.open_issue_days)} DAY
                                  AND (ls.last_scored_at IS NULL OR ls.last_scored_at <= t.event_ts))
                   AS open_service_issues,
               -- the value breaks a tie of two tickets at one moment: the same answer every run
               arg_max(t.issue_type, (t.event_ts, t.issue_type)) FILTER (WHERE t.issue_type IS NOT NULL)
                   AS last_issue_type,
               arg_max(t.satisfaction, (t.event_ts, t.satisfaction)) FILTER (WHERE t.satisfaction IS NOT NULL)
                   AS last_satisfaction
        FROM tickets t LEFT JOIN last_scored ls USING (customer_id)
        GROUP BY t.customer_id
    )"""


def utc_literal(moment: dt.datetime) -> str:
    """A datetime as a TIMESTAMPTZ SQL literal; a naive datetime is taken to be UTC."""
    if not isinstance(moment, dt.datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return f"TIMESTAMPTZ '{aware.astimezone(dt.timezone.utc).isoformat(sep=' ')}'"


def _q(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _sql_list(values) -> str:
    return ", ".join(_q(v) for v in values) or "NULL"
