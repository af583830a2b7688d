"""Campaign KPIs per channel and per campaign, and engagement by hour of day and day of week.

Plain SQL over the unified event stream (`profiles.customer_events`), one statement per table:

- `build_channel_kpis` -> `analytics.channel_kpis`, one row per channel with marketing activity or
  attributed conversions, and a 'direct' row for unattributed ones (so attributed_revenue adds up
  to the revenue of the period's conversions);
- `build_campaign_kpis` -> `analytics.campaign_kpis`, one row per campaign (and channel) with
  activity or attributed conversions;
- `build_engagement_by_hour` -> `analytics.engagement_by_hour`, channel x weekday x hour counts.

Every column is described in CHANNEL_KPI_COLUMNS / CAMPAIGN_KPI_COLUMNS / ENGAGEMENT_COLUMNS.
Conventions: times are UTC; "marketing activity" is a send, open, click or touch event (event
types from the analytics config); a "message" is a customer's campaign (an event without a
campaign is a message of its own), so an email opened three times is one open; rates are per send
and NULL when nothing was sent (SMS sources here record clicks but no sends). Converters are
anchored on touches (a touch in the period followed by the customer's conversion within the
attribution lookback); attributed conversions and revenue are anchored on conversions (those in
the period, credited by `kpis.revenue_model`, see attribution.py).
"""

import datetime as dt

import duckdb

from customer_unification.lib.analytics.attribution import (
    checked_name, credits_query, period_condition, sql_string, sql_strings,
)
from customer_unification.lib.analytics.config import AnalyticsConfig, load_analytics_config

_SHARED_COLUMNS: dict[str, str] = {
    "reach": "distinct customers with marketing activity (a send, open, click or touch) in the period",
    "sent": "send events (email_send); 0 where the source records no sends",
    "opens": "unique opens: distinct customer x campaign with an open event",
    "clicks": "unique clicks: distinct customer x campaign with a click event (email or SMS)",
    "open_rate": "opens / sent (NULL when nothing was sent)",
    "click_rate": "clicks / sent (NULL when nothing was sent)",
    "touches": "touch events (the events attribution credits: opens, clicks, follows by default)",
    "converters": "distinct customers with a touch here followed by their conversion (key event "
                  "kpis.key_event) within attribution.lookback_days after it",
    "conversion_rate": "converters / reach (NULL when reach is 0)",
    "attributed_conversions": "conversions of the period credited here by kpis.revenue_model "
                              "(default last touch; fractional for shared models)",
    "attributed_revenue": "revenue of those conversions credited here (credit x amount)",
    "revenue_per_contact": "attributed_revenue / reach (NULL when reach is 0)",
}
CHANNEL_KPI_COLUMNS: dict[str, str] = {
    "channel": "the channel (email, sms, social, ...); a last row 'direct' holds the conversions of the "
               "period with no touch in their window (its activity columns are 0)",
    **_SHARED_COLUMNS,
}
CAMPAIGN_KPI_COLUMNS: dict[str, str] = {
    "campaign_id": "the campaign",
    "channel": "the channel its events came through",
    "first_event_at": "first marketing event of the campaign in the period (usually its first send)",
    "last_event_at": "last marketing event of the campaign in the period",
    **_SHARED_COLUMNS,
}
ENGAGEMENT_COLUMNS: dict[str, str] = {
    "channel": "the channel",
    "weekday": "ISO day of the week, UTC: 1 = Monday .. 7 = Sunday",
    "weekday_name": "Monday .. Sunday",
    "hour": "hour of day, UTC, 0-23",
    "events": "engagement events (kpis.engagement_event_types) in that hour; exactly-midnight "
              "timestamps (date-only sources) left out unless kpis.skip_midnight_timestamps is false",
    "customers": "distinct customers behind them",
}


def _markdown_columns(title: str, columns: dict[str, str]) -> str:
    return f"**{title}**\n\n" + "\n".join(f"- `{name}`: {text}" for name, text in columns.items())


KPI_DEFINITIONS = "\n\n".join([
    "### Campaign KPIs: definitions",
    "Times are UTC. *Marketing activity* is a send, open, click or touch event (event types from the "
    "analytics config). A *message* is a customer's campaign (an event without a campaign is a message "
    "of its own), so an email opened three times is one open. Rates are per send and NULL when nothing "
    "was sent (the SMS sources record clicks, not sends). *Converters* are anchored on touches: a touch "
    "in the period followed by the customer's conversion within the attribution lookback (the window of "
    "attribution seen from the touch: conversion in (touch, touch + lookback]). *Attributed* conversions "
    "and revenue are anchored on conversions: those in the period, credited by `kpis.revenue_model` "
    "(default last touch; see the attribution definitions).",
    _markdown_columns("analytics.channel_kpis", CHANNEL_KPI_COLUMNS),
    _markdown_columns("analytics.campaign_kpis (the same measures per campaign, plus)",
                      {k: v for k, v in CAMPAIGN_KPI_COLUMNS.items() if k not in _SHARED_COLUMNS}),
    _markdown_columns("analytics.engagement_by_hour", ENGAGEMENT_COLUMNS),
]) + "\n"
_WEEKDAYS = "['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']"


def build_channel_kpis(
    con: duckdb.DuckDBPyConnection,
    *,
    events: str = "customer_events",
    out: str = "channel_kpis",
    config: AnalyticsConfig | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> int:
    """Create (replace) `out`, columns as in CHANNEL_KPI_COLUMNS, over marketing activity and
    conversions with `since <= event_ts < until` (either bound optional); return the row count."""
    return _build_kpis(con, events, out, config or load_analytics_config(), since, until, by_campaign=False)


def build_campaign_kpis(
    con: duckdb.DuckDBPyConnection,
    *,
    events: str = "customer_events",
    out: str = "campaign_kpis",
    config: AnalyticsConfig | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> int:
    """Create (replace) `out`, columns as in CAMPAIGN_KPI_COLUMNS (events with a campaign_id
    only), for the period as in `build_channel_kpis`; return the row count."""
    return _build_kpis(con, events, out, config or load_analytics_config(), since, until, by_campaign=True)


def build_engagement_by_hour(
    con: duckdb.DuckDBPyConnection,
    *,
    events: str = "customer_events",
    out: str = "engagement_by_hour",
    config: AnalyticsConfig | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> int:
    """Create (replace) `out`, columns as in ENGAGEMENT_COLUMNS: all 7 x 24 cells for every
    channel with engagement (empty cells 0); return the row count."""
    config = config or load_analytics_config()
    checked_name(events), checked_name(out)
    settings = config.kpis
    # UTC hour and ISO weekday by arithmetic on epoch microseconds (1970-01-01 was a Thursday):
    # independent of the session's TimeZone setting
    day_us = 86_400_000_000
    skip_midnight = f"AND epoch_us(event_ts) % {day_us} <> 0" if settings.skip_midnight_timestamps else ""
    con.execute(f"""
    CREATE OR REPLACE TABLE {out} AS
    WITH engagement AS (
        SELECT coalesce(channel, 'unknown') AS channel, customer_id,
               CAST(((epoch_us(event_ts) // {day_us}) + 3) % 7 + 1 AS INTEGER) AS weekday,
               CAST((epoch_us(event_ts) % {day_us}) // 3600000000 AS INTEGER) AS hour
        FROM {events}
        WHERE event_type IN ({sql_strings(settings.engagement_event_types)})
          AND customer_id IS NOT NULL AND event_ts IS NOT NULL
          AND epoch_us(event_ts) >= 0  -- the arithmetic above assumes dates after 1970
          AND {period_condition('event_ts', since, until)} {skip_midnight}
    ),
    cells AS (
        SELECT c.channel, CAST(d.weekday AS INTEGER) AS weekday, CAST(h.hour AS INTEGER) AS hour
        FROM (SELECT DISTINCT channel FROM engagement) c
        CROSS JOIN range(1, 8) d(weekday) CROSS JOIN range(0, 24) h(hour)
    )
    SELECT cells.channel, cells.weekday, {_WEEKDAYS}[cells.weekday] AS weekday_name, cells.hour,
           count(e.customer_id) AS events, count(DISTINCT e.customer_id) AS customers
    FROM cells LEFT JOIN engagement e
      ON e.channel = cells.channel AND e.weekday = cells.weekday AND e.hour = cells.hour
    GROUP BY cells.channel, cells.weekday, cells.hour
    ORDER BY cells.channel, cells.weekday, cells.hour
    """)
    return con.sql(f"SELECT count(*) FROM {out}").fetchall()[0][0]


def _build_kpis(con, events: str, out: str, config: AnalyticsConfig, since, until, *, by_campaign: bool) -> int:
    checked_name(events), checked_name(out)
    settings = config.kpis
    keys = ["campaign_id", "channel"] if by_campaign else ["channel"]
    key_list = ", ".join(keys)
    join_keys = " AND ".join(f"k.{k} IS NOT DISTINCT FROM {{other}}.{k}" for k in keys)
    marketing_types = list(dict.fromkeys([*settings.send_event_types, *settings.open_event_types,
                                          *settings.click_event_types, *config.touch_event_types]))
    campaign_filter = "AND campaign_id IS NOT NULL" if by_campaign else ""
    campaign_span = ("min(event_ts) AS first_event_at, max(event_ts) AS last_event_at," if by_campaign else "")
    lookback_us = round(config.attribution.lookback_days * 86_400_000_000)
    credits = credits_query(events, config, key_events=[settings.key_event], models=[settings.revenue_model],
                            since=since, until=until)
    message = "customer_id || chr(31) || coalesce(campaign_id, 'event ' || event_id)"
    con.execute(f"""
    CREATE OR REPLACE TABLE {out} AS
    WITH
    marketing AS (
        SELECT customer_id, event_id, event_ts, coalesce(channel, 'unknown') AS channel, event_type, campaign_id
        FROM {events}
        WHERE event_type IN ({sql_strings(marketing_types)})
          AND customer_id IS NOT NULL AND event_ts IS NOT NULL
          AND {period_condition('event_ts', since, until)} {campaign_filter}
    ),
    activity AS (
        SELECT {key_list}, {campaign_span}
               count(DISTINCT customer_id) AS reach,
               count(*) FILTER (WHERE event_type IN ({sql_strings(settings.send_event_types)})) AS sent,
               count(DISTINCT {message}) FILTER (WHERE event_type IN ({sql_strings(settings.open_event_types)}))
                   AS opens,
               count(DISTINCT {message}) FILTER (WHERE event_type IN ({sql_strings(settings.click_event_types)}))
                   AS clicks,
               count(*) FILTER (WHERE event_type IN ({sql_strings(config.touch_event_types)})) AS touches
        FROM marketing GROUP BY {key_list}
    ),
    conversions AS (
        SELECT customer_id, event_ts FROM {events}
        WHERE event_type IN ({sql_strings(config.key_events[settings.key_event])})
          AND customer_id IS NOT NULL AND event_ts IS NOT NULL
    ),
    converted AS (
        -- conversion in (touch_ts, touch_ts + lookback]: the attribution window seen from the touch
        SELECT m.{', m.'.join(keys)}, count(DISTINCT m.customer_id) AS converters
        FROM marketing m
        WHERE m.event_type IN ({sql_strings(config.touch_event_types)})
          AND EXISTS (SELECT 1 FROM conversions c
                      WHERE c.customer_id = m.customer_id AND c.event_ts > m.event_ts
                        AND c.event_ts <= m.event_ts + to_microseconds({lookback_us}))
        GROUP BY {', '.join('m.' + k for k in keys)}
    ),
    attributed AS (
        SELECT {key_list}, sum(credit) AS conversions, sum(credit * revenue) AS revenue
        FROM ({credits}) AS credits {"WHERE campaign_id IS NOT NULL" if by_campaign else ""}
        GROUP BY {key_list}
    ),
    all_keys AS (  -- a channel may earn conversions of the period from touches before it
        SELECT {key_list} FROM activity UNION SELECT {key_list} FROM attributed
    )
    SELECT {', '.join('k.' + k for k in keys)}, {'a.first_event_at, a.last_event_at, ' if by_campaign else ''}
           coalesce(a.reach, 0) AS reach, coalesce(a.sent, 0) AS sent,
           coalesce(a.opens, 0) AS opens, coalesce(a.clicks, 0) AS clicks,
           a.opens / nullif(a.sent, 0) AS open_rate,
           a.clicks / nullif(a.sent, 0) AS click_rate,
           coalesce(a.touches, 0) AS touches,
           coalesce(cv.converters, 0) AS converters,
           coalesce(cv.converters, 0) / nullif(a.reach, 0) AS conversion_rate,
           coalesce(attr.conversions, 0.0) AS attributed_conversions,
           coalesce(attr.revenue, 0.0) AS attributed_revenue,
           coalesce(attr.revenue, 0.0) / nullif(a.reach, 0) AS revenue_per_contact
    FROM all_keys k
    LEFT JOIN activity a ON {join_keys.format(other='a')}
    LEFT JOIN converted cv ON {join_keys.format(other='cv')}
    LEFT JOIN attributed attr ON {join_keys.format(other='attr')}
    ORDER BY k.channel = {sql_string(config.attribution.unattributed_channel)}, {', '.join('k.' + k for k in keys)}
    """)
    return con.sql(f"SELECT count(*) FROM {out}").fetchall()[0][0]
