"""Why a segment member is left out of an audience: consent, the forget list, the frequency cap.

Reasons, checked in this order (a person gets the first that applies, so counts add up):
  forgotten         an identifier of theirs (email, phone, social handle, loyalty card, CRM id,
                    device, cookie, or a source record key) is on `governance.suppression_list`
  no_consent        the channel's consent is denied, or unknown where the channel needs an opt-in
  no_valid_contact  nothing to reach them with on the channel (see audiences.py)
  duplicate_contact another customer in the same audience has the same email, mobile, phone,
                    name at the same postal address, or hashed identifier: one message per contact
                    even where identity resolution left one person as two customers
  frequency_cap     they already had max_contacts messages in the last window_days
                    (`activation.contact_history` + this run's earlier audiences, in priority order);
                    a send is one audience's message to a person on one day, however often exported
"""

from collections.abc import Callable

import duckdb
import pandas as pd

from customer_unification.lib.activation.config import CHANNELS, ConsentRule, FrequencyCap
from customer_unification.lib.governance import IdentifierHasher, suppression_key
from customer_unification.lib.governance.identifiers import KEY_SEPARATOR, RECORD_KIND
from customer_unification.lib.normalize.emails import email_match_key

REASONS = ("forgotten", "no_consent", "no_valid_contact", "duplicate_contact", "frequency_cap")
SUPPRESSION_LIST = "governance.suppression_list"
CONTACT_HISTORY = "activation.contact_history"
CONTACT_HISTORY_COLUMNS = {
    "customer_id": "VARCHAR NOT NULL",
    "audience": "VARCHAR NOT NULL",
    "channel": "VARCHAR NOT NULL",
    "campaign": "VARCHAR",
    "contacted_at": "TIMESTAMPTZ NOT NULL",
    "run_id": "VARCHAR NOT NULL",  # the run that first sent it; a re-send the same day adds no row
}
# contact point kind -> suppression list kind (governance names the staged column's identifier)
_LISTED_KINDS = {"email": "email", "phone": "phone", "social_handle": "social_handle",
                 "loyalty_card": "loyalty_card", "crm_id": "crm_id", "device": "device_id", "cookie": "cookie_id"}
# the staged form governance hashed; contact points hold staged values, emails need their match key
_STAGED_FORM: dict[str, Callable[[str], str | None]] = {"email": email_match_key}

HashIdentifier = Callable[[str, str], str]


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    schema, _, table = name.rpartition(".")
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                       [schema or "main", table]).fetchall()[0][0] > 0


def consent_ok_sql(rule: ConsentRule, state: str) -> str:
    """SQL: does consent `state` ('granted'/'denied'/'unknown'/NULL = no ledger row) let a person in?"""
    if rule == "granted":
        return f"coalesce({state} = 'granted', false)"
    return f"coalesce({state}, 'unknown') <> 'denied'"


def consent_states_sql(ledger: str, people: str) -> str:
    """SQL: one row per person of `people` with the consent state of each channel (NULL: no row).

    The ledger has one row per customer and channel; should a channel appear twice, the newest
    decision wins and a denial breaks a tie.
    """
    newest = "first(state ORDER BY decided_at DESC NULLS LAST, state = 'denied' DESC)"
    states = ", ".join(f"{newest} FILTER (channel = '{ch}') AS consent_{ch}" for ch in CHANNELS)
    return f"""SELECT customer_id, {states} FROM {ledger}
        WHERE customer_id IN (SELECT customer_id FROM {people}) GROUP BY customer_id"""


def resolve_hasher(hasher: IdentifierHasher | HashIdentifier | None) -> HashIdentifier:
    """The governance hash `(kind, value) -> hex`: an IdentifierHasher, any callable, or the configured key."""
    if hasher is None:
        hasher = IdentifierHasher(suppression_key())
    return hasher.hash if isinstance(hasher, IdentifierHasher) else hasher


def load_listed_hashes(con: duckdb.DuckDBPyConnection, table: str = SUPPRESSION_LIST) -> dict[str, frozenset[str]]:
    """kind -> identifier hashes on the forget list; empty when the table does not exist (nobody forgotten)."""
    if not table_exists(con, table):
        return {}
    listed: dict[str, set[str]] = {}
    for kind, digest in con.execute(f"SELECT kind, identifier_hash FROM {table}").fetchall():
        listed.setdefault(kind, set()).add(digest)
    return {k: frozenset(v) for k, v in listed.items()}


def forgotten_customers(con: duckdb.DuckDBPyConnection, people: str, *, hash_identifier: HashIdentifier,
                        listed: dict[str, frozenset[str]], contact_points: str, golden: str,
                        identity_map: str | None) -> set[str]:
    """Customers of `people` with any identifier on the forget list.

    Hashes only kinds the list holds, each distinct value once, so the usual empty list costs nothing.
    A forgotten person is deleted from the warehouse; one who is here again came back through
    re-ingested data, possibly under a new customer id - their identifiers still give them away.
    """
    if not any(listed.values()):
        return set()
    hits: set[str] = set()
    for cp_kind, kind in _LISTED_KINDS.items():
        if not listed.get(kind):
            continue
        golden_values = {"email": ["email"], "phone": ["phone", "mobile", "landline"]}.get(cp_kind, [])
        sources = [f"SELECT customer_id, value FROM {contact_points} WHERE kind = '{cp_kind}'"]
        sources += [f"SELECT customer_id, {col} FROM {golden}" for col in golden_values]
        pairs = con.sql(f"""SELECT DISTINCT customer_id, value FROM ({' UNION ALL '.join(sources)}) v
                            WHERE value IS NOT NULL AND customer_id IN (SELECT customer_id FROM {people})""").df()
        hits |= _listed(pairs, kind, listed[kind], hash_identifier, _STAGED_FORM.get(cp_kind))
    if listed.get(RECORD_KIND) and identity_map and table_exists(con, identity_map):
        pairs = con.sql(f"""SELECT DISTINCT customer_id, source || '{KEY_SEPARATOR}' || source_record_id AS value
                            FROM {identity_map} WHERE customer_id IN (SELECT customer_id FROM {people})""").df()
        hits |= _listed(pairs, RECORD_KIND, listed[RECORD_KIND], hash_identifier, None)
    return hits


def _listed(pairs: pd.DataFrame, kind: str, wanted: frozenset[str], hash_identifier: HashIdentifier,
            staged_form: Callable[[str], str | None] | None) -> set[str]:
    values = pairs["value"].astype(str)
    if staged_form is not None:
        values = values.map(staged_form)
    on_list = {v for v in values.dropna().unique() if hash_identifier(kind, v) in wanted}
    return set(pairs.loc[values.isin(on_list), "customer_id"])


def create_contact_history(con: duckdb.DuckDBPyConnection, table: str = CONTACT_HISTORY) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.rpartition('.')[0] or 'main'}")
    columns = ", ".join(f"{name} {kind}" for name, kind in CONTACT_HISTORY_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")


def send_day_sql(timestamp: str) -> str:
    """SQL: the UTC day of a contact. One audience sends a person at most one message a day, so
    (audience, campaign, customer_id, day) identifies a send, whichever run exported it."""
    return f"CAST(timezone('UTC', {timestamp}) AS DATE)"


def frequency_capped_sql(candidates: str, cap: FrequencyCap, history: str | None) -> str:
    """SQL (parameter $1: now): the (audience, customer_id) rows of `candidates` over the cap.

    `candidates` holds this run's still-eligible rows with segment_rank / channel_rank. Contacts
    are counted as distinct sends, not history rows: a candidate the history already holds for
    the same audience and campaign today is that send again (a retry or a re-run with unchanged
    data), so it neither counts as an earlier contact nor loses its place to a new audience.
    Other sends in the window count first; this run's new audiences then take the remaining
    allowance in priority order: segment_rank, channel_rank, audience.
    """
    channels = ", ".join(f"'{c}'" for c in cap.channels)
    if history is None:
        sent = "SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS audience, NULL::VARCHAR AS campaign, " \
               "NULL::DATE AS day WHERE $1 IS NULL"
    else:
        sent = f"""SELECT DISTINCT customer_id, audience, campaign, {send_day_sql('contacted_at')} AS day
            FROM {history} WHERE contacted_at > CAST($1 AS TIMESTAMPTZ) - to_days({cap.window_days})
              AND contacted_at <= CAST($1 AS TIMESTAMPTZ) AND channel IN ({channels})"""
    return f"""
        WITH sent AS ({sent}),
        eligible AS (
          SELECT c.*, EXISTS (SELECT 1 FROM sent s WHERE s.customer_id = c.customer_id AND s.audience = c.audience
                                AND s.campaign IS NOT DISTINCT FROM c.campaign
                                AND s.day = {send_day_sql('CAST($1 AS TIMESTAMPTZ)')}) AS already_sent
          FROM {candidates} c WHERE c.reason IS NULL AND c.channel IN ({channels})),
        earlier AS (  -- sends in the window that this run does not repeat
          SELECT customer_id, count(*) AS n FROM sent s WHERE NOT EXISTS (
            SELECT 1 FROM eligible e WHERE e.already_sent AND e.customer_id = s.customer_id
              AND e.audience = s.audience AND e.campaign IS NOT DISTINCT FROM s.campaign
              AND s.day = {send_day_sql('CAST($1 AS TIMESTAMPTZ)')})
          GROUP BY customer_id),
        ranked AS (
          SELECT e.audience, e.customer_id, coalesce(x.n, 0) + row_number() OVER (
                   PARTITION BY e.customer_id
                   ORDER BY e.already_sent DESC, e.segment_rank, e.channel_rank, e.audience) AS nth
          FROM eligible e LEFT JOIN earlier x USING (customer_id))
        SELECT audience, customer_id FROM ranked WHERE nth > {cap.max_contacts}"""
