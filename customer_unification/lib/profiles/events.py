"""The unified event stream: every touchpoint of every customer, one row each, in one table.

`build_customer_events` turns staged records into events with set-based DuckDB SQL:

* a staged record with an `event_ts` is one event (event sources, and person sources that carry
  an order or activity), typed by its mapped `event_type` (an unmapped type falls back to
  `order` when the record has an `order_id`, else `activity`);
* a dated consent statement (a record with `consent_updated_at` and a `consent_<channel>` of
  granted/denied) is one `subscribe` / `unsubscribe` event on that channel. Consent flags without
  a statement date (e.g. a CRM export's opt-in column) are states, not events: the consent ledger
  holds them.

Only records the identity map assigns to a customer become events. Source-specific details
(issue type, satisfaction) come from per-source staged tables named by the caller in
`attribute_tables`, so no source name lives in this module; `detail_attribute_tables` derives
that mapping from the source contracts.

`event_type_catalogue` lists, from the contracts alone, which event types each source emits on
which channel (for the README and for checks on the event stream).
"""

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from customer_unification.lib.sources.canonical import CONSENT_CHANNELS
from customer_unification.lib.sources.contracts import SourceContract, SourcesConfig

# Typed detail columns of the event stream: name -> SQL type. Always present (NULL when no
# source provides them) so daily partitions share one schema.
EVENT_DETAILS: dict[str, str] = {
    "issue_type": "VARCHAR",
    "satisfaction": "DOUBLE",
}

EVENT_COLUMNS: dict[str, str] = {
    "customer_id": "the customer the source record belongs to (identity.customer_identity_map)",
    "event_id": "stable id: source:source_record_id, plus :consent_<channel> for consent events",
    "event_ts": "when it happened (TIMESTAMPTZ, UTC)",
    "event_date": "UTC calendar date of event_ts; the partition key",
    "channel": "web, app, email, sms, store, call_centre, social, mail or phone",
    "event_type": "order, store_purchase, email_open, page_view, service_ticket, subscribe, ... "
                  "(see event_type_catalogue)",
    "source": "the source the event came from",
    "source_record_id": "the source record's key",
    "product_category": "product category (several joined with '|' for multi-item orders)",
    "amount": "order / purchase value",
    "currency": "ISO currency of amount",
    "quantity": "units, where the source gives them",
    "campaign_id": "campaign that caused the touchpoint (e-mail, SMS)",
    "device": "platform class of a digital touchpoint: 'app' or 'web' (NULL off-line and for "
              "messages, where the device is unknown)",
    "device_id": "the concrete device: the app's device_id, else the browser cookie_id",
    "issue_type": "service ticket: the issue category",
    "satisfaction": "service ticket: satisfaction score the customer gave (e.g. 1-5)",
}

SUBSCRIBE, UNSUBSCRIBE = "subscribe", "unsubscribe"

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")

# Staged columns an event may use, with their type; missing ones read as NULL so a caller's own
# record table only needs the keys and event_ts.
_RECORD_COLUMNS: dict[str, str] = {
    "event_ts": "TIMESTAMPTZ",
    "channel": "VARCHAR",
    "event_type": "VARCHAR",
    "order_id": "VARCHAR",
    "product_category": "VARCHAR",
    "amount": "DOUBLE",
    "currency": "VARCHAR",
    "quantity": "BIGINT",
    "campaign_id": "VARCHAR",
    "device_id": "VARCHAR",
    "cookie_id": "VARCHAR",
    "consent_updated_at": "TIMESTAMPTZ",
    **{f"consent_{ch}": "VARCHAR" for ch in CONSENT_CHANNELS},
}


def build_customer_events(
    con: duckdb.DuckDBPyConnection,
    *,
    records: str = "staging.unified_records",
    identity_map: str | None = "identity.customer_identity_map",
    out: str = "customer_events",
    date_from: dt.date | str | None = None,
    date_to: dt.date | str | None = None,
    attribute_tables: dict[str, dict[str, str]] | None = None,
) -> int:
    """Create (replace) table `out` with the events dated in [date_from, date_to) UTC; return its row count.

    `attribute_tables` maps a staged table (unqualified names take the schema of `records`) to
    {detail column: its column}, e.g. {"call_centre_tickets": {"satisfaction": "attr_satisfaction"}};
    detail columns are those of `EVENT_DETAILS`. To rebuild one daily partition, call with that
    day's range and delete-then-insert it into the stream. With `identity_map=None` every record
    counts and customer_id stays NULL, for a log that attaches customers at read time.
    """
    for name in (records, identity_map or records, out):
        _check_identifier(name)
    lower, upper = _utc_bound(date_from), _utc_bound(date_to)
    available = _columns(con, records)
    missing = {"source", "source_record_id"} - available
    if missing:
        raise ValueError(f"{records} lacks required column(s) {sorted(missing)}")
    col = {c: (f"CAST(r.{c} AS {t})" if c in available else f"NULL::{t}") for c, t in _RECORD_COLUMNS.items()}
    consent_cols = [ch for ch in CONSENT_CHANNELS if f"consent_{ch}" in available]

    details_sql = _details_sql(con, attribute_tables or {}, default_schema=_schema_of(records))
    in_range = _range_predicate("{ts}", lower, upper)
    detail_cols = ", ".join(f"d.{name}" for name in EVENT_DETAILS)
    null_details = ", ".join(f"NULL::{t} AS {name}" for name, t in EVENT_DETAILS.items())
    # one row per (record, consent channel) stated with a date
    consent_values = ", ".join(f"('{ch}', r.consent_{ch})" for ch in consent_cols) or "(NULL, NULL)"

    identity_join = (f"JOIN {identity_map} m ON m.source = r.source AND m.source_record_id = r.source_record_id "
                     "AND m.customer_id IS NOT NULL" if identity_map else "")
    sql = f"""
    CREATE OR REPLACE TABLE {out} AS
    WITH recs AS (
        SELECT {"m.customer_id" if identity_map else "NULL::VARCHAR AS customer_id"}, r.source, r.source_record_id,
               {", ".join(f"{expr} AS {c}" for c, expr in col.items())}
        FROM {records} r
        {identity_join}
        WHERE ({in_range.format(ts=col["event_ts"])} OR {in_range.format(ts=col["consent_updated_at"])})
    ),
    details AS ({details_sql}),
    touchpoints AS (
        SELECT r.customer_id, r.source || ':' || r.source_record_id AS event_id, r.event_ts, r.channel,
               coalesce(r.event_type, CASE WHEN r.order_id IS NOT NULL THEN 'order' ELSE 'activity' END)
                   AS event_type,
               r.source, r.source_record_id, r.product_category, r.amount, r.currency, r.quantity,
               r.campaign_id, r.device_id, r.cookie_id, {detail_cols}
        FROM recs r
        LEFT JOIN details d ON d.source = r.source AND d.source_record_id = r.source_record_id
        WHERE {in_range.format(ts="r.event_ts")}
    ),
    consent_statements AS (
        SELECT r.customer_id, r.source || ':' || r.source_record_id || ':consent_' || c.channel AS event_id,
               r.consent_updated_at AS event_ts, c.channel,
               CASE c.state WHEN 'granted' THEN '{SUBSCRIBE}' ELSE '{UNSUBSCRIBE}' END AS event_type,
               r.source, r.source_record_id, NULL::VARCHAR AS product_category, NULL::DOUBLE AS amount,
               NULL::VARCHAR AS currency, NULL::BIGINT AS quantity, r.campaign_id,
               NULL::VARCHAR AS device_id, NULL::VARCHAR AS cookie_id, {null_details}
        FROM recs r, LATERAL (VALUES {consent_values}) AS c(channel, state)
        WHERE {in_range.format(ts="r.consent_updated_at")} AND c.state IN ('granted', 'denied')
    ),
    combined AS (SELECT * FROM touchpoints UNION ALL SELECT * FROM consent_statements)
    SELECT customer_id, event_id, event_ts, CAST(timezone('UTC', event_ts) AS DATE) AS event_date,
           channel, event_type, source, source_record_id, product_category, amount, currency, quantity,
           campaign_id,
           CASE WHEN channel IN ('web', 'app') THEN channel
                WHEN device_id IS NOT NULL THEN 'app'
                WHEN cookie_id IS NOT NULL THEN 'web' END AS device,
           coalesce(device_id, cookie_id) AS device_id,
           {", ".join(EVENT_DETAILS)}
    FROM combined
    ORDER BY event_ts  -- keeps zone maps tight for date-range scans and partition deletes
    """
    con.execute(sql)
    return con.sql(f"SELECT count(*) FROM {out}").fetchall()[0][0]


def detail_attribute_tables(contracts: SourcesConfig) -> dict[str, dict[str, str]]:
    """The `attribute_tables` argument from the contracts: every source declaring an attribute
    named like an event detail (e.g. `satisfaction`) provides it from its `attr_<name>` column."""
    found: dict[str, dict[str, str]] = {}
    for source in contracts.sources:
        provided = {d: f"attr_{d}" for d in EVENT_DETAILS if d in source.attributes}
        if provided:
            found[source.name] = provided
    return found


@dataclass(frozen=True)
class EventTypeEntry:
    """One (source, channel, event_type) a source can emit.

    `origin`: constant / map (declared in the contract), column (taken as-is from a column: the
    type is only known from the data, event_type is None), default (no event_type mapped: order
    or activity), consent (subscribe/unsubscribe derived from dated consent statements).
    """

    source: str
    channel: str | None
    event_type: str | None
    origin: str


def event_type_catalogue(contracts: SourcesConfig) -> list[EventTypeEntry]:
    """Every event type each source declares, per channel, from the contracts' field mappings."""
    entries: list[EventTypeEntry] = []
    for source in contracts.sources:
        if "event_ts" in source.fields:
            types = _declared_values(source, "event_type")
            if types is None:
                default = "order" if "order_id" in source.fields else "activity"
                types = [(default, "default")]
            for channel, _ in _declared_values(source, "channel") or [(None, "default")]:
                entries += [EventTypeEntry(source.name, channel, t, origin) for t, origin in types]
        if "consent_updated_at" in source.fields:
            for ch in CONSENT_CHANNELS:
                if f"consent_{ch}" in source.fields:
                    entries += [EventTypeEntry(source.name, ch, t, "consent") for t in (SUBSCRIBE, UNSUBSCRIBE)]
    return sorted(set(entries), key=lambda e: (e.source, e.channel or "", e.event_type or ""))


def _declared_values(source: SourceContract, field: str) -> list[tuple[str | None, str]] | None:
    """(value, origin) pairs a field can take, from a constant or a value map; None if unmapped."""
    spec = source.fields.get(field)
    if spec is None:
        return None
    if spec.value is not None:
        return [(str(spec.value), "constant")]
    if spec.map:
        return [(v, "map") for v in dict.fromkeys(spec.map.values())]
    return [(None, "column")]


def _details_sql(con: duckdb.DuckDBPyConnection, attribute_tables: dict[str, dict[str, str]],
                 default_schema: str | None) -> str:
    """One relation (source, source_record_id, <EVENT_DETAILS>) over every attribute table."""
    parts = []
    for table, mapping in sorted(attribute_tables.items()):
        unknown = sorted(set(mapping) - set(EVENT_DETAILS))
        if unknown:
            raise ValueError(f"attribute_tables[{table!r}]: unknown detail(s) {unknown}; "
                             f"expected some of {sorted(EVENT_DETAILS)}")
        qualified = table if "." in table or not default_schema else f"{default_schema}.{table}"
        _check_identifier(qualified)
        available = _columns(con, qualified)
        exprs = []
        for name, sql_type in EVENT_DETAILS.items():
            column = mapping.get(name)
            if column is not None:
                _check_identifier(column)
                if column not in available:
                    raise ValueError(f"{qualified} has no column {column!r} (for detail {name!r})")
                # staged attributes are text; a value that does not parse is NULL, not an error
                exprs.append(f"TRY_CAST({column} AS {sql_type}) AS {name}")
            else:
                exprs.append(f"NULL::{sql_type} AS {name}")
        parts.append(f"SELECT source, source_record_id, {', '.join(exprs)} FROM {qualified}")
    if not parts:
        empty = ", ".join(f"NULL::{t} AS {n}" for n, t in EVENT_DETAILS.items())
        return f"SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS source_record_id, {empty} WHERE FALSE"
    return "\n        UNION ALL\n        ".join(parts)


def _range_predicate(ts: str, lower: str | None, upper: str | None) -> str:
    conds = [f"{ts} IS NOT NULL"]
    if lower:
        conds.append(f"{ts} >= {lower}")
    if upper:
        conds.append(f"{ts} < {upper}")
    return "(" + " AND ".join(conds) + ")"


def _utc_bound(day: dt.date | str | None) -> str | None:
    """A date (or ISO date string) as a TIMESTAMPTZ literal for UTC midnight."""
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        raise TypeError("date_from / date_to are dates (partition days), not datetimes")
    parsed = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
    return f"TIMESTAMPTZ '{parsed.isoformat()} 00:00:00+00'"


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    return set(con.sql(f"SELECT * FROM {relation} LIMIT 0").columns)


def _schema_of(relation: str) -> str | None:
    parts = relation.split(".")
    return ".".join(parts[:-1]) or None


def _check_identifier(name: str) -> None:
    # names are interpolated into SQL: accept plain (optionally qualified) identifiers only
    if not _IDENT.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
