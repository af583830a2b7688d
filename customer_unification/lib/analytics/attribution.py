"""Multi-touch attribution: which marketing touches earned each conversion, under five models.

For every conversion (an event of a key event's types), the touches of the same customer in
[conversion_ts - lookback, conversion_ts) form its path; each model shares the conversion (1) and
its revenue (the event's amount) over that path. `build_attribution` writes all models side by
side, per key event, channel and campaign; conversions with no touch in the window go to the
`unattributed_channel` ('direct'). The rules are spelled out in `ATTRIBUTION_DEFINITIONS`, which
the README includes. One set-based SQL statement (a range join and window functions), so it runs
on DuckDB in seconds for millions of events and would port to Spark or Trino.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from customer_unification.lib.analytics.config import MODELS, AnalyticsConfig, load_analytics_config
from customer_unification.lib.profiles.traits import utc_literal

ATTRIBUTION_DEFINITIONS = """\
### Attribution: definitions

- **Conversion**: one event of a key event's types (default key event `purchase` = `order`,
  `store_purchase`). A customer who buys twice converts twice. Its **revenue** is the event's
  `amount` (0 when missing; amounts are summed as they are, no currency conversion).
- **Touch**: one event of `touch_event_types` (default `email_open`, `email_click`, `sms_click`,
  `social_follow`) of the same customer. Sends are not touches (delivery is no evidence of influence,
  and nearly everyone is mailed); page views, logins and carts are not touches either (they are the
  purchase journey itself, with no campaign behind them). An email opened and then clicked is two
  touches. A touch's channel and `campaign_id` (NULL for touches without a campaign, e.g. social
  follows) are the event's own.
- **Path**: the touches with `conversion_ts - lookback_days <= touch_ts < conversion_ts` (default 30
  days), ordered by time (then event id). The lookback edge is **included**: a touch exactly 30 days
  before still counts. The conversion instant is **excluded**: a touch at the same moment as the
  conversion, or after it, never counts (its order cannot be known, or it came too late).
- **Repeat conversions** reuse touches: every conversion looks back over its own full window, so a
  touch can earn credit for several conversions (with `reset_after_conversion: true` a path starts
  at the customer's previous conversion of the same key event instead: touches at or after it only).
- **Unattributed**: a conversion with an empty path is credited in full, under every model, to the
  channel `direct` (`unattributed_channel`) with no campaign.
- **Models** (the credits of one conversion always add up to 1; revenue credit = credit x revenue):
  - `first_touch`: all credit to the earliest touch of the path.
  - `last_touch`: all credit to the latest touch before the conversion.
  - `linear`: 1/n to each of the n touches.
  - `time_decay`: touch i weighs `2 ** (-d_i / half_life_days)`, d_i = days from the touch to the
    conversion (exact, fractional), default half-life 7 days; weights are normalised to sum to 1.
    A touch one half-life older than another gets half its credit.
  - `position_based` (U-shaped): 40% to the first touch, 40% to the last, the remaining 20% spread
    evenly over the touches in between (`position_based: {first, last}`). One touch takes 100%;
    with two touches there is no middle, so its share is split evenly between them (50/50).
- **Table** `analytics.attribution`: one row per key event, model, channel and campaign:
  `conversions_credit` (sum of credit: fractional conversions), `revenue_credit` (sum of credit x
  revenue) and `conversions_in_path` (conversions whose path contains the channel/campaign at all,
  the same under every model: a channel in paths that a model does not credit, e.g. an opener under
  last touch, keeps a row with credit 0). Per key event and model, `conversions_credit` adds up to
  the number of conversions and `revenue_credit` to their revenue.
"""

ATTRIBUTION_COLUMNS: dict[str, str] = {
    "key_event": "the key event (conversion type) credited, e.g. purchase",
    "model": "attribution model: first_touch, last_touch, linear, time_decay or position_based",
    "channel": "channel of the credited touches; 'direct' for conversions without a touch in the window",
    "campaign_id": "campaign of the credited touches (NULL: touches without a campaign, or direct)",
    "conversions_credit": "fractional conversions credited (sums to the conversions per key event and model)",
    "revenue_credit": "revenue credited: sum of credit x conversion amount",
    "conversions_in_path": "conversions with this channel/campaign among their touches (any model)",
}

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")


@dataclass(frozen=True)
class KeyEventTotals:
    """Conversions of one key event, for run metadata (read back from the attribution table)."""

    key_event: str
    conversions: int
    unattributed: int
    revenue: float
    unattributed_revenue: float

    @property
    def attributed_share(self) -> float | None:
        return None if not self.conversions else 1 - self.unattributed / self.conversions


def build_attribution(
    con: duckdb.DuckDBPyConnection,
    *,
    events: str = "customer_events",
    out: str = "attribution",
    config: AnalyticsConfig | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    credits_out: str | None = None,
) -> list[KeyEventTotals]:
    """Create (replace) table `out` (columns as in ATTRIBUTION_COLUMNS) for the conversions with
    `since <= conversion_ts < until` (either bound optional; touches may precede `since` by the
    lookback). `credits_out`, if given, also gets one row per conversion, touch and model
    (key_event, model, conversion_key, customer_id, conversion_ts, revenue, channel, campaign_id,
    touch_ts, credit) to explain single conversions. Returns the totals per key event.
    """
    config = config or load_analytics_config()
    for name in (events, out, *([credits_out] if credits_out else [])):
        checked_name(name)
    credits = credits_query(events, config, since=since, until=until)
    if credits_out:
        con.execute(f"CREATE OR REPLACE TABLE {credits_out} AS {credits}")
        credits = f"SELECT * FROM {credits_out}"
    model_order = "CASE model " + " ".join(f"WHEN '{m}' THEN {i}" for i, m in enumerate(MODELS)) + " END"
    con.execute(f"""
    CREATE OR REPLACE TABLE {out} AS
    SELECT key_event, model, channel, campaign_id,
           sum(credit) AS conversions_credit,
           sum(credit * revenue) AS revenue_credit,
           count(DISTINCT conversion_key) AS conversions_in_path
    FROM ({credits}) AS credits
    GROUP BY key_event, model, channel, campaign_id
    ORDER BY key_event, {model_order}, conversions_credit DESC, channel, campaign_id
    """)
    return attribution_totals(con, out, config.attribution.unattributed_channel)


def attribution_totals(con: duckdb.DuckDBPyConnection, table: str, unattributed_channel: str = "direct"
                       ) -> list[KeyEventTotals]:
    """Conversions, unattributed conversions and revenue per key event of an attribution table."""
    checked_name(table)
    rows = con.execute(f"""
        SELECT key_event,
               round(sum(conversions_credit))::BIGINT,
               coalesce(sum(conversions_credit) FILTER (WHERE channel = ?), 0)::BIGINT,
               coalesce(sum(revenue_credit), 0),
               coalesce(sum(revenue_credit) FILTER (WHERE channel = ?), 0)
        FROM {table}
        WHERE model = (SELECT min(model) FROM {table})  -- every model carries the same totals
        GROUP BY key_event ORDER BY key_event
    """, [unattributed_channel, unattributed_channel]).fetchall()
    return [KeyEventTotals(*row) for row in rows]


def credits_query(
    events: str,
    config: AnalyticsConfig,
    *,
    key_events: Iterable[str] | None = None,
    models: Iterable[str] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> str:
    """A SELECT with one row per conversion, path touch and model: key_event, model, conversion_key,
    customer_id, conversion_ts, revenue, channel, campaign_id, touch_ts, credit. A conversion
    without touches has one row per model, channel = the unattributed channel, touch_ts NULL,
    credit 1. Defaults: every configured key event and model."""
    checked_name(events)
    settings = config.attribution
    key_events = list(config.key_events if key_events is None else key_events)
    models = list(settings.models if models is None else models)
    unknown = [k for k in key_events if k not in config.key_events] + [m for m in models if m not in MODELS]
    if unknown or not key_events or not models:
        raise ValueError(f"unknown or no key events / models: {unknown or 'none given'}")
    key_types = ", ".join(f"({sql_string(k)}, {sql_string(t)})" for k in key_events for t in config.key_events[k])
    period = period_condition("conversion_ts", since, until)
    lookback_us = round(settings.lookback_days * 86_400_000_000)
    half_life = settings.half_life_days
    first, last = settings.position_based.first, settings.position_based.last
    middle = 1.0 - first - last
    path_start = ("AND (c.previous_conversion_ts IS NULL OR t.touch_ts >= c.previous_conversion_ts)"
                  if settings.reset_after_conversion else "")
    direct = sql_string(settings.unattributed_channel)
    model_columns = ", ".join(models)
    return f"""
    WITH
    key_types(key_event, event_type) AS (VALUES {key_types}),
    all_conversions AS (
        SELECT k.key_event, e.customer_id, e.event_id, e.event_ts AS conversion_ts,
               coalesce(e.amount, 0) AS revenue,
               lag(e.event_ts) OVER (PARTITION BY k.key_event, e.customer_id ORDER BY e.event_ts, e.event_id)
                   AS previous_conversion_ts
        FROM {events} e JOIN key_types k ON k.event_type = e.event_type
        WHERE e.customer_id IS NOT NULL AND e.event_ts IS NOT NULL
    ),
    conversions AS (
        SELECT row_number() OVER (ORDER BY key_event, customer_id, conversion_ts, event_id) AS conversion_key, *
        FROM all_conversions WHERE {period}
    ),
    touches AS (
        SELECT customer_id, event_id AS touch_id, event_ts AS touch_ts, coalesce(channel, 'unknown') AS channel,
               campaign_id
        FROM {events}
        WHERE event_type IN ({sql_strings(config.touch_event_types)})
          AND customer_id IS NOT NULL AND event_ts IS NOT NULL
    ),
    paths AS (
        -- the lookback edge is inclusive, the conversion instant exclusive (ATTRIBUTION_DEFINITIONS)
        SELECT c.key_event, c.conversion_key, c.customer_id, c.conversion_ts, c.revenue,
               t.touch_id, t.touch_ts, coalesce(t.channel, {direct}) AS channel, t.campaign_id,
               row_number() OVER conv_path AS position,
               count(t.touch_id) OVER (PARTITION BY c.conversion_key) AS n_touches,
               (epoch_us(c.conversion_ts) - epoch_us(t.touch_ts)) / 86400000000.0 AS days_before
        FROM conversions c
        LEFT JOIN touches t
          ON t.customer_id = c.customer_id
         AND t.touch_ts >= c.conversion_ts - to_microseconds({lookback_us})
         AND t.touch_ts < c.conversion_ts
         {path_start}
        WINDOW conv_path AS (PARTITION BY c.conversion_key ORDER BY t.touch_ts, t.touch_id)
    ),
    decay AS (
        -- relative to the newest touch (weight 1): the same shares after normalising, and no
        -- underflow to 0/0 however long the lookback or short the half-life
        SELECT *, CASE WHEN n_touches = 0 THEN 1.0 ELSE
                  pow(2.0, -(days_before - min(days_before) OVER (PARTITION BY conversion_key)) / {half_life!r})
                  END AS decay_weight
        FROM paths
    ),
    weights AS (
        SELECT key_event, conversion_key, customer_id, conversion_ts, revenue, channel, campaign_id, touch_ts,
               CASE WHEN position = 1 THEN 1.0 ELSE 0.0 END AS first_touch,
               CASE WHEN position = greatest(n_touches, 1) THEN 1.0 ELSE 0.0 END AS last_touch,
               1.0 / greatest(n_touches, 1) AS linear,
               decay_weight / sum(decay_weight) OVER (PARTITION BY conversion_key) AS time_decay,
               CASE WHEN n_touches <= 1 THEN 1.0
                    WHEN n_touches = 2 THEN (CASE WHEN position = 1 THEN {first!r} ELSE {last!r} END) + {middle!r} / 2
                    WHEN position = 1 THEN {first!r}
                    WHEN position = n_touches THEN {last!r}
                    ELSE {middle!r} / (n_touches - 2) END AS position_based
        FROM decay
    )
    SELECT key_event, model, conversion_key, customer_id, conversion_ts, revenue, channel, campaign_id,
           touch_ts, CAST(credit AS DOUBLE) AS credit
    FROM (UNPIVOT (SELECT key_event, conversion_key, customer_id, conversion_ts, revenue, channel, campaign_id,
                          touch_ts, {model_columns} FROM weights)
          ON {model_columns} INTO NAME model VALUE credit) AS long_credits
    """


def period_condition(column: str, since: dt.datetime | None, until: dt.datetime | None) -> str:
    """SQL for `since <= column < until`, either bound optional (naive datetimes are UTC)."""
    bounds = ([f"{column} >= {utc_literal(since)}"] if since is not None else []) + (
        [f"{column} < {utc_literal(until)}"] if until is not None else [])
    return " AND ".join(bounds) or "TRUE"


def checked_name(name: str) -> str:
    """A table name as given, if it is a plain (optionally schema-qualified) SQL identifier."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def sql_string(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def sql_strings(values: Iterable[str]) -> str:
    return ", ".join(sql_string(v) for v in values) or "NULL"
