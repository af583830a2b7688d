"""The customer's records as profiles see them: staged records joined to their customer.

Survivorship, contact points and the consent ledger all start from the same SELECT: every staged
record the identity map assigns to a customer, with its source's trust rank, the time it speaks
for (`observed_at`), an effective phone type and whether its email bounced. Keeping it in one
place means the three tables agree on what a record says and when.
"""

import re
from collections.abc import Iterable, Mapping

from customer_unification.lib.profiles.config import ProfilesConfig

# Sources missing from the trust map rank after every declared source (contracts allow 1..100).
UNRANKED = 1000

# The time a record speaks for: its last update, else its consent statement, event, creation, load.
RECORD_TIME = "coalesce(r.updated_at, r.consent_updated_at, r.event_ts, r.created_at, r.loaded_at)"

# Staged columns profiles read, with the type they are read as (a view may type an all-NULL
# column as NULL, so every column is cast).
RECORD_COLUMN_TYPES: dict[str, str] = {
    "crm_id": "VARCHAR", "loyalty_card": "VARCHAR", "cookie_id": "VARCHAR", "device_id": "VARCHAR",
    "social_handle": "VARCHAR",
    "title": "VARCHAR", "first_name": "VARCHAR", "middle_name": "VARCHAR", "last_name": "VARCHAR",
    "first_name_canonical": "VARCHAR", "gender": "VARCHAR", "date_of_birth": "DATE",
    "email": "VARCHAR", "phone": "VARCHAR",
    "address_line1": "VARCHAR", "address_line2": "VARCHAR", "city": "VARCHAR", "region": "VARCHAR",
    "postcode": "VARCHAR", "country": "VARCHAR",
    "consent_email": "VARCHAR", "consent_sms": "VARCHAR", "consent_phone": "VARCHAR",
    "consent_mail": "VARCHAR", "consent_social": "VARCHAR",
    "consent_updated_at": "TIMESTAMPTZ",
    "channel": "VARCHAR", "event_type": "VARCHAR", "dq_flags": "VARCHAR",
}

_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")


def table_name(name: str) -> str:
    """A (schema-qualified) table name, checked before it is pasted into SQL."""
    if not _TABLE_NAME.match(name):
        raise ValueError(f"not a plain table name: {name!r}")
    return name


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_text_list(values: Iterable[str]) -> str:
    """`('a', 'b')` for IN; `(NULL)` when empty so the SQL stays valid and matches nothing."""
    items = [sql_text(v) for v in values]
    return "(" + (", ".join(items) or "NULL") + ")"


def trust_values(source_trust: Mapping[str, int]) -> str:
    """The trust map as an inline VALUES table (source, trust_rank)."""
    rows = ", ".join(f"({sql_text(s)}, {int(rank)})" for s, rank in source_trust.items())
    return f"(VALUES {rows}) AS t(source, trust_rank)" if rows else \
        "(SELECT NULL::VARCHAR AS source, NULL::INTEGER AS trust_rank WHERE false) AS t"


def customer_records_sql(records: str, identity_map: str, source_trust: Mapping[str, int],
                         config: ProfilesConfig) -> str:
    """SELECT of every mapped record: customer_id, source, source_record_id, trust_rank,
    observed_at, phone_type (effective), email_bounced, and the RECORD_COLUMN_TYPES."""
    records, identity_map = table_name(records), table_name(identity_map)
    columns = ",\n  ".join(f"CAST(r.{c} AS {t}) AS {c}" for c, t in RECORD_COLUMN_TYPES.items())
    mobile_channels = sql_text_list(config.mobile_evidence_channels)
    bounce_types = sql_text_list(config.bounce_event_types)
    # Numbers and addresses are global facts: a number that took an SMS is a mobile, an address
    # that bounced is undeliverable, whoever the record belongs to.
    return f"""
WITH mobile_evidence AS (
  SELECT DISTINCT CAST(phone AS VARCHAR) AS phone FROM {records}
  WHERE phone IS NOT NULL AND CAST(channel AS VARCHAR) IN {mobile_channels}
), bounced AS (
  SELECT DISTINCT CAST(email AS VARCHAR) AS email FROM {records}
  WHERE email IS NOT NULL AND CAST(event_type AS VARCHAR) IN {bounce_types}
)
SELECT
  m.customer_id, r.source, r.source_record_id,
  coalesce(t.trust_rank, {UNRANKED}) AS trust_rank,
  CAST({RECORD_TIME} AS TIMESTAMPTZ) AS observed_at,
  CASE WHEN r.phone IS NULL THEN NULL
       WHEN coalesce(CAST(r.phone_type AS VARCHAR), 'unknown') = 'unknown' AND me.phone IS NOT NULL THEN 'mobile'
       ELSE coalesce(CAST(r.phone_type AS VARCHAR), 'unknown') END AS phone_type,
  (b.email IS NOT NULL) AS email_bounced,
  {columns}
FROM {records} AS r
JOIN {identity_map} AS m ON m.source = r.source AND m.source_record_id = r.source_record_id
LEFT JOIN {trust_values(source_trust)} ON t.source = r.source
LEFT JOIN mobile_evidence AS me ON me.phone = CAST(r.phone AS VARCHAR)
LEFT JOIN bounced AS b ON b.email = CAST(r.email AS VARCHAR)
"""
