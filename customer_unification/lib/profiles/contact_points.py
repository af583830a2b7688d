"""Contact points: every way to reach or recognise a customer, not only the golden winners.

One row per customer, kind and value: e-mail addresses, phone numbers, postal addresses, social
handles, loyalty cards, devices, cookies and CRM ids, with when and where each was seen.
`is_primary` marks the value the golden profile chose (kinds without a golden field: NULL), so
run `build_golden_profiles` first.

Addresses are grouped by the same key survivorship compares them on (case, punctuation and a
unit split onto line 2 do not make a new address) and shown in the spelling of the most trusted,
newest record. Only addresses with a street line count: a postcode alone reaches nobody.
"""

from collections.abc import Mapping

import duckdb

from customer_unification.lib.profiles.config import ProfilesConfig
from customer_unification.lib.profiles.golden_fields import address_key_sql
from customer_unification.lib.profiles.records import customer_records_sql, table_name

_ADDRESS_TEXT = ("concat_ws(', ', address_line1, address_line2, city,"
                 " nullif(concat_ws(' ', region, postcode), ''), country)")

# kind -> (value, detail, candidate condition, golden column it is primary against)
CONTACT_KINDS: dict[str, tuple[str, str, str, str | None]] = {
    "email": ("email", "CASE WHEN email_bounced THEN 'bounced' END", "email IS NOT NULL", "email"),
    "phone": ("phone", "phone_type", "phone IS NOT NULL", "phone"),
    "address": (_ADDRESS_TEXT, "NULL", "address_line1 IS NOT NULL", "address"),
    "social_handle": ("social_handle", "NULL", "social_handle IS NOT NULL", None),
    "loyalty_card": ("loyalty_card", "NULL", "loyalty_card IS NOT NULL", None),
    "device": ("device_id", "NULL", "device_id IS NOT NULL", None),
    "cookie": ("cookie_id", "NULL", "cookie_id IS NOT NULL", None),
    "crm_id": ("crm_id", "NULL", "crm_id IS NOT NULL", None),
}
# Only an address has spellings to choose between; every other value is its own key.
_KEYS = {"address": address_key_sql()}

CONTACT_POINT_COLUMNS: dict[str, str] = {
    "customer_id": "the customer",
    "kind": "email, phone, address, social_handle, loyalty_card, device, cookie or crm_id",
    "value": "the value (an address on one line)",
    "detail": "phone: mobile / landline / voip / unknown; email: 'bounced' when mail to it bounced",
    "first_seen": "earliest record time showing it",
    "last_seen": "latest record time showing it",
    "sources": "sources showing it, sorted",
    "n_records": "records showing it",
    "is_primary": "it is the golden profile's value (NULL for kinds without a golden field)",
}


def build_contact_points(
    con: duckdb.DuckDBPyConnection,
    config: ProfilesConfig,
    source_trust: Mapping[str, int],
    *,
    records: str = "staging.unified_records",
    identity_map: str = "identity.customer_identity_map",
    golden: str = "golden_profiles",
    out: str = "contact_points",
) -> int:
    """Create `out` (one row per customer, kind and value); returns its row count."""
    out, golden = table_name(out), table_name(golden)
    observations = "\nUNION ALL\n".join(
        f"SELECT customer_id, '{kind}' AS kind, {_KEYS.get(kind, value)} AS value_key, "
        f"{value if kind in _KEYS else 'NULL'} AS spelling, {detail} AS detail, source, trust_rank, observed_at "
        f"FROM base WHERE {present}"
        for kind, (value, detail, present, _) in CONTACT_KINDS.items())
    primary = "\n".join(
        f"WHEN '{kind}' THEN coalesce(p.value_key = "
        + (address_key_sql("g.") if column == "address" else f"g.{column}") + ", false)"
        for kind, (*_, column) in CONTACT_KINDS.items() if column)
    con.execute(f"""
CREATE OR REPLACE TABLE {out} AS
WITH base AS MATERIALIZED ({customer_records_sql(records, identity_map, source_trust, config)}),
seen AS ({observations}),
points AS (
  SELECT customer_id, kind, value_key,
         -- an address is shown as the most trusted, newest record wrote it
         arg_min(spelling, struct_pack(t := trust_rank, age := -epoch_us(observed_at), v := spelling))
           FILTER (WHERE spelling IS NOT NULL) AS spelling,
         max(detail) AS detail,  -- a property of the value (phone type, bounced), not of a record
         min(observed_at) AS first_seen, max(observed_at) AS last_seen,
         list_sort(list_distinct(list(source))) AS sources, count(*) AS n_records
  FROM seen GROUP BY customer_id, kind, value_key
)
SELECT p.customer_id, p.kind, coalesce(p.spelling, p.value_key) AS value, p.detail, p.first_seen, p.last_seen,
       p.sources, p.n_records, CASE p.kind {primary} END AS is_primary
FROM points AS p LEFT JOIN {golden} AS g ON g.customer_id = p.customer_id
""")
    return con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0]
