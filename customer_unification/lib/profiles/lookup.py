"""Find one customer by id, email or phone and gather their single customer view.

This is the one place PII is shown, and only because a user asked for one person by name.
"""

from dataclasses import dataclass

import duckdb
import pandas as pd

from customer_unification.lib.normalize.emails import normalize_email
from customer_unification.lib.normalize.phones import normalize_phone


@dataclass
class CustomerView:
    customer_id: str
    profile: dict
    provenance: pd.DataFrame
    contact_points: pd.DataFrame
    consent: pd.DataFrame
    traits: dict
    recent_events: pd.DataFrame


class CustomerNotFound(LookupError):
    pass


def find_customer(con: duckdb.DuckDBPyConnection, query: str, phone_region: str = "US") -> str:
    """The customer_id for a customer id, an email address or a phone number."""
    query = query.strip()
    if con.execute("SELECT 1 FROM profiles.golden_profiles WHERE customer_id = ?", [query]).fetchall():
        return query
    candidates = []
    if "@" in query:
        email = normalize_email(query)
        candidates += [("email", v) for v in dict.fromkeys((email.email, email.match_key)) if v]
    else:
        phone = normalize_phone(query, phone_region)
        if phone.e164:
            candidates.append(("phone", phone.e164))
    for kind, value in candidates:
        found = con.execute("SELECT DISTINCT customer_id FROM profiles.contact_points WHERE kind = ? "
                            "AND lower(value) = lower(?)", [kind, value]).fetchall()
        if len(found) == 1:
            return found[0][0]
        if len(found) > 1:
            raise CustomerNotFound(f"{len(found)} customers share that {kind}: "
                                   + ", ".join(sorted(r[0] for r in found)) + " - look one up by customer_id")
    raise CustomerNotFound("no customer has that customer_id, email or phone number")


def customer_view(con: duckdb.DuckDBPyConnection, customer_id: str, events: int = 15) -> CustomerView:
    def frame(sql: str) -> pd.DataFrame:
        return con.execute(sql, [customer_id]).df()

    profile = frame("SELECT * FROM profiles.golden_profiles WHERE customer_id = ?")
    traits = frame("SELECT * FROM profiles.customer_traits WHERE customer_id = ?") if _exists(con, "customer_traits") else pd.DataFrame()
    return CustomerView(
        customer_id=customer_id,
        profile=profile.iloc[0].to_dict() if len(profile) else {},
        provenance=frame("SELECT field, source, source_record_id, observed_at, rule FROM profiles.profile_provenance "
                         "WHERE customer_id = ? ORDER BY field"),
        contact_points=frame("SELECT kind, value, detail, first_seen, last_seen, sources, is_primary "
                             "FROM profiles.contact_points WHERE customer_id = ? ORDER BY kind, is_primary DESC, last_seen DESC"),
        consent=frame("SELECT channel, state, decided_at, source, reason FROM profiles.consent_ledger "
                      "WHERE customer_id = ? ORDER BY channel"),
        traits=traits.iloc[0].to_dict() if len(traits) else {},
        recent_events=frame(f"SELECT event_ts, channel, event_type, source, product_category, amount, campaign_id "
                            f"FROM profiles.customer_events WHERE customer_id = ? ORDER BY event_ts DESC LIMIT {int(events)}"),
    )


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = 'profiles' "
                            "AND table_name = ?", [table]).fetchall())
