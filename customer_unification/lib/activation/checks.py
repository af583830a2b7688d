"""Independent re-checks of built audiences: what the blocking gates of the activation assets verify.

Deliberately not reusing the builder's SQL: each gate restates the rule from the ledger, the
suppression list and the audience table, so a bug in the builder cannot also hide itself here.
"""

import duckdb

from customer_unification.lib.activation.audiences import AUDIENCE_MEMBERS
from customer_unification.lib.activation.config import CHANNELS, ActivationConfig
from customer_unification.lib.activation.suppression import SUPPRESSION_LIST, table_exists
from customer_unification.lib.governance import IdentifierHasher, check_key, suppression_key
from customer_unification.lib.normalize.emails import email_match_key


def audience_gates(con: duckdb.DuckDBPyConnection, config: ActivationConfig,
                   ledger: str = "profiles.consent_ledger",
                   contact_points: str = "profiles.contact_points") -> dict[str, tuple[bool, dict]]:
    """gate name -> (passed, metadata) for one_row_per_person, consent_respected, no_forgotten_person."""
    duplicates = con.sql(f"""SELECT count(*) FROM (SELECT audience, customer_id FROM {AUDIENCE_MEMBERS}
                             GROUP BY ALL HAVING count(*) > 1)""").fetchall()[0][0]
    opt_in = [ch for ch in CHANNELS if getattr(config.channels, ch).consent == "granted"]
    violations = con.sql(f"""
        SELECT a.channel, count(*) FROM {AUDIENCE_MEMBERS} a
        LEFT JOIN {ledger} l ON l.customer_id = a.customer_id AND l.channel = a.channel
        WHERE l.state = 'denied' OR (a.channel IN (SELECT unnest(?::VARCHAR[])) AND coalesce(l.state, '') <> 'granted')
        GROUP BY 1""", params=[opt_in]).fetchall()
    forgotten = _forgotten_in_audiences(con, contact_points)
    return {
        "one_row_per_person": (duplicates == 0, {"duplicated_people": duplicates}),
        "consent_respected": (not violations, {"violations_by_channel": str(dict(violations)) if violations else "none"}),
        "no_forgotten_person": (forgotten == 0, {"forgotten_people_in_audiences": forgotten}),
    }


def _forgotten_in_audiences(con: duckdb.DuckDBPyConnection, contact_points: str) -> int:
    if not table_exists(con, SUPPRESSION_LIST) or not con.sql(f"SELECT count(*) FROM {SUPPRESSION_LIST}").fetchall()[0][0]:
        return 0
    hasher = IdentifierHasher(suppression_key())
    check_key(con, hasher)  # under another key nobody would be found: the gate would pass for nothing
    listed = {h for (h,) in con.sql(f"SELECT identifier_hash FROM {SUPPRESSION_LIST}").fetchall()}
    values = con.sql(f"""SELECT DISTINCT a.customer_id, c.kind, c.value FROM {AUDIENCE_MEMBERS} a
                         JOIN {contact_points} c USING (customer_id) WHERE c.kind IN ('email', 'phone')""").fetchall()
    # governance hashes what staging stores: the email's match key, the E.164 phone
    staged = {"email": email_match_key, "phone": lambda v: v}
    return len({cid for cid, kind, value in values if hasher.hash(kind, staged[kind](value) or "") in listed})
