"""The consent ledger: one state per customer and channel (email, sms, phone, mail, social).

Statements come from records - a `consent_<channel>` value of granted/denied, dated by
`consent_updated_at`, else the record's time - and from unsubscribe events (config
`consent.unsubscribe_events`). They merge by one rule: the most restrictive state wins. A denial
anywhere beats a grant elsewhere, unless the grant is newer *and* comes from a source allowed to
grant that channel (`grant_permissions`: the channels its contract maps, narrowed by
`consent_grants`). A grant from any other source is ignored. No statement: 'unknown', which is
never consent.

The ledger is re-derived from record-level statements on every run, so when identity splits a
customer each part keeps only its own records' statements.
"""

from collections.abc import Iterable, Mapping

import duckdb

from customer_unification.lib.profiles.config import ProfilesConfig
from customer_unification.lib.profiles.records import customer_records_sql, sql_text, table_name
from customer_unification.lib.sources.canonical import CONSENT_CHANNELS
from customer_unification.lib.sources.contracts import SourceContract

LEDGER_COLUMNS: dict[str, str] = {
    "customer_id": "the customer",
    "channel": "email, sms, phone, mail or social",
    "state": "granted, denied or unknown (no usable statement: never consent)",
    "decided_at": "time of the deciding statement",
    "source": "source of the deciding statement",
    "source_record_id": "record of the deciding statement",
    "reason": "why it won: 'newest statement', 'denial wins over older grant', 'newer grant overrides "
              "older denial', 'grant from source not allowed to grant ignored' or 'no statement'",
    "n_statements": "statements for this customer and channel, ignored ones included",
}
STATEMENT_COLUMNS: dict[str, str] = {
    "customer_id": "the customer the record belongs to now",
    "channel": "email, sms, phone, mail or social",
    "state": "granted or denied",
    "stated_at": "consent_updated_at, else the record time",
    "source": "source of the record",
    "source_record_id": "the record",
    "origin": "consent_<channel> column, or 'event <event_type>' for an unsubscribe event",
    "may_grant": "the source may grant this channel (a grant from it counts)",
}


def grant_permissions(contracts: Iterable[SourceContract]) -> dict[str, frozenset[str]]:
    """Source -> consent channels it may grant: those it maps, narrowed by `consent_grants`."""
    allowed = {}
    for contract in contracts:
        mapped = {ch for ch in CONSENT_CHANNELS if f"consent_{ch}" in contract.fields}
        if contract.consent_grants is not None:
            mapped &= set(contract.consent_grants)
        allowed[contract.name] = frozenset(mapped)
    return allowed


def _permissions_values(may_grant: Mapping[str, Iterable[str]]) -> str:
    rows = ", ".join(f"({sql_text(src)}, {sql_text(ch)})" for src, chans in may_grant.items() for ch in chans)
    return f"(VALUES {rows}) AS pg(source, channel)" if rows else \
        "(SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS channel WHERE false) AS pg"


def statements_sql(config: ProfilesConfig, may_grant: Mapping[str, Iterable[str]], records_sql: str) -> str:
    """Every consent statement of every mapped record, one row each (`records_sql`: see records.py)."""
    from_columns = "\nUNION ALL\n".join(
        f"SELECT customer_id, '{ch}' AS channel, consent_{ch} AS state,"
        f" coalesce(consent_updated_at, observed_at) AS stated_at, source, source_record_id,"
        f" 'consent_{ch}' AS origin FROM base WHERE consent_{ch} IN ('granted', 'denied')"
        for ch in CONSENT_CHANNELS)
    unsubscribes = config.consent.unsubscribe_events
    from_events = ""
    if unsubscribes:
        mapping = ", ".join(f"({sql_text(t)}, {sql_text(ch) if ch else 'NULL'})" for t, ch in unsubscribes.items())
        channels = ", ".join(sql_text(ch) for ch in CONSENT_CHANNELS)
        from_events = f"""
UNION ALL
SELECT b.customer_id, coalesce(u.channel, b.channel) AS channel, 'denied' AS state, b.observed_at AS stated_at,
       b.source, b.source_record_id, 'event ' || b.event_type AS origin
FROM base AS b JOIN (VALUES {mapping}) AS u(event_type, channel) ON u.event_type = b.event_type
WHERE coalesce(u.channel, b.channel) IN ({channels})"""
    return f"""
WITH base AS MATERIALIZED ({records_sql})
SELECT s.customer_id, s.channel, s.state, s.stated_at, s.source, s.source_record_id, s.origin,
       (pg.source IS NOT NULL) AS may_grant
FROM ({from_columns}{from_events}) AS s
LEFT JOIN {_permissions_values(may_grant)} ON pg.source = s.source AND pg.channel = s.channel
"""


def build_consent_ledger(
    con: duckdb.DuckDBPyConnection,
    config: ProfilesConfig,
    may_grant: Mapping[str, Iterable[str]],
    *,
    records: str = "staging.unified_records",
    identity_map: str = "identity.customer_identity_map",
    out: str = "consent_ledger",
    history_out: str = "consent_statements",
) -> dict[str, int]:
    """Create `history_out` (every statement) and `out` (customer x channel); returns state counts.

    `may_grant` maps source -> channels it may grant (see `grant_permissions`); a source missing
    from it can only deny.
    """
    out, history_out = table_name(out), table_name(history_out)
    records_sql = customer_records_sql(records, identity_map, {}, config)
    con.execute(f"CREATE OR REPLACE TABLE {history_out} AS {statements_sql(config, may_grant, records_sql)}")
    channels = ", ".join(f"({sql_text(ch)})" for ch in CONSENT_CHANNELS)
    # Newest first (undated last); at equal times a denial first, the most restrictive reading.
    newest = ("struct_pack(age := -epoch_us(stated_at), grant_first := state = 'granted', "
              "source := source, id := source_record_id)")
    con.execute(f"""
CREATE OR REPLACE TABLE {out} AS
WITH grid AS (
  SELECT c.customer_id, ch.channel
  FROM (SELECT DISTINCT customer_id FROM {table_name(identity_map)} WHERE customer_id IS NOT NULL) AS c
  CROSS JOIN (VALUES {channels}) AS ch(channel)
), summary AS (
  SELECT customer_id, channel, count(*) AS n_statements,
         arg_min(struct_pack(at := stated_at, source := source, id := source_record_id), {newest})
           FILTER (WHERE state = 'denied') AS last_denial,
         arg_min(struct_pack(at := stated_at, source := source, id := source_record_id), {newest})
           FILTER (WHERE state = 'granted' AND may_grant) AS last_grant,
         max(stated_at) FILTER (WHERE state = 'granted' AND NOT may_grant) AS ignored_grant_at
  FROM {history_out} GROUP BY customer_id, channel
), decided AS (
  SELECT *,
    CASE WHEN last_grant IS NOT NULL AND (last_denial IS NULL OR last_grant.at > last_denial.at) THEN 'granted'
         WHEN last_denial IS NOT NULL THEN 'denied'
         ELSE 'unknown' END AS state
  FROM summary
)
SELECT g.customer_id, g.channel, coalesce(d.state, 'unknown') AS state,
       CASE d.state WHEN 'granted' THEN d.last_grant.at WHEN 'denied' THEN d.last_denial.at END AS decided_at,
       CASE d.state WHEN 'granted' THEN d.last_grant.source WHEN 'denied' THEN d.last_denial.source END AS source,
       CASE d.state WHEN 'granted' THEN d.last_grant.id WHEN 'denied' THEN d.last_denial.id END AS source_record_id,
       CASE
         WHEN d.customer_id IS NULL THEN 'no statement'
         WHEN d.ignored_grant_at IS NOT NULL AND (d.state = 'unknown' OR d.ignored_grant_at > d.last_denial.at)
           AND d.state <> 'granted' THEN 'grant from source not allowed to grant ignored'
         WHEN d.state = 'denied' AND d.last_grant IS NOT NULL THEN 'denial wins over older grant'
         WHEN d.state = 'granted' AND d.last_denial IS NOT NULL THEN 'newer grant overrides older denial'
         ELSE 'newest statement'
       END AS reason,
       coalesce(d.n_statements, 0) AS n_statements
FROM grid AS g
LEFT JOIN decided AS d ON d.customer_id = g.customer_id AND d.channel = g.channel
""")
    return dict(con.execute(f"SELECT state, count(*) FROM {out} GROUP BY state ORDER BY state").fetchall())
