"""A toy warehouse for the activation tests: golden profiles, contact points, consent, traits, members.

`person(...)` describes one customer; `build_warehouse` writes the profile tables the way the
profiles layer does (every golden email / phone is also a primary contact point).
"""

import datetime as dt

import duckdb
import pandas as pd

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
CHANNELS = ("email", "sms", "phone", "mail", "social")


def person(customer_id: str, *, email: str | None = None, phone: str | None = None, mobile: str | None = None,
           address: bool = True, postcode: str | None = "60659", consent: dict[str, str] | None = None,
           preferred: str | None = None, first_name: str = "Ann", last_name: str = "Lee") -> dict:
    """One customer; `consent` maps channel -> state (channels left out get no ledger row)."""
    return {
        "customer_id": customer_id, "first_name": first_name, "last_name": last_name, "email": email,
        "phone": phone or mobile, "mobile": mobile, "landline": None,
        # one house per customer (C1 lives at 8616): people at one address are a household case
        "address_line1": f"{8615 + int('0' + ''.join(filter(str.isdigit, customer_id)))} Lafayette Ct" if address else None,
        "address_line2": None,
        "city": "Chicago" if address else None, "region": "IL", "postcode": postcode if address else None,
        "country": "US", "consent": consent or {}, "preferred": preferred,
    }


def contact_point(customer_id: str, kind: str, value: str, *, detail: str | None = None, primary: bool = False,
                  last_seen: str = "2026-01-01", n_records: int = 1) -> dict:
    return {"customer_id": customer_id, "kind": kind, "value": value, "detail": detail,
            "first_seen": pd.Timestamp("2020-01-01", tz="UTC"), "last_seen": pd.Timestamp(last_seen, tz="UTC"),
            "sources": ["crm"], "n_records": n_records, "is_primary": primary}


def build_warehouse(con: duckdb.DuckDBPyConnection, people: list[dict], *, extra_contact_points=(),
                    records: list[tuple[str, str, str]] = ()) -> None:
    """profiles.golden_profiles / contact_points / consent_ledger / customer_traits and the identity map."""
    golden_columns = ["customer_id", "first_name", "last_name", "email", "phone", "mobile", "landline",
                      "address_line1", "address_line2", "city", "region", "postcode", "country"]
    golden = pd.DataFrame([{c: p[c] for c in golden_columns} for p in people], columns=golden_columns, dtype=object)
    points = []
    for p in people:
        if p["email"]:
            points.append(contact_point(p["customer_id"], "email", p["email"], primary=True))
        if p["phone"]:
            points.append(contact_point(p["customer_id"], "phone", p["phone"], primary=True,
                                        detail="mobile" if p["mobile"] else "unknown"))
    points += list(extra_contact_points)
    ledger = [{"customer_id": p["customer_id"], "channel": ch, "state": state,
               "decided_at": pd.Timestamp("2025-01-01", tz="UTC"), "source": "crm", "source_record_id": "x",
               "reason": None, "n_statements": 1}
              for p in people for ch, state in p["consent"].items()]
    traits = pd.DataFrame([{"customer_id": p["customer_id"], "preferred_channel": p["preferred"]} for p in people],
                          columns=["customer_id", "preferred_channel"], dtype=object)
    identity = pd.DataFrame(list(records), columns=["source", "source_record_id", "customer_id"], dtype=object)
    con.execute("CREATE SCHEMA IF NOT EXISTS profiles")
    con.execute("CREATE SCHEMA IF NOT EXISTS identity")
    tables = {
        "profiles.golden_profiles": golden,
        "profiles.contact_points": pd.DataFrame(points, columns=list(contact_point("c", "k", "v"))),
        "profiles.consent_ledger": pd.DataFrame(ledger, columns=["customer_id", "channel", "state", "decided_at",
                                                                 "source", "source_record_id", "reason",
                                                                 "n_statements"]),
        "profiles.customer_traits": traits,
        "identity.customer_identity_map": identity,
    }
    types = {"first_seen": "TIMESTAMPTZ", "last_seen": "TIMESTAMPTZ", "decided_at": "TIMESTAMPTZ",
             "sources": "VARCHAR[]", "n_records": "BIGINT", "n_statements": "BIGINT", "is_primary": "BOOLEAN"}
    for name, frame in tables.items():  # typed as the profiles layer types them, even when all NULL
        con.register("toy_frame", frame)
        columns = ", ".join(f'CAST("{c}" AS {types.get(c, "VARCHAR")}) AS "{c}"' for c in frame.columns)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {columns} FROM toy_frame")
        con.unregister("toy_frame")


def set_members(con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]) -> None:
    """The `members` relation (customer_id, segment)."""
    frame = pd.DataFrame(pairs, columns=["customer_id", "segment"], dtype=object)
    con.register("toy_members", frame)
    con.execute("CREATE OR REPLACE TABLE members AS SELECT customer_id::VARCHAR AS customer_id, "
                "segment::VARCHAR AS segment FROM toy_members")
    con.unregister("toy_members")


def rows(con: duckdb.DuckDBPyConnection, audience: str) -> dict[str, dict]:
    """customer_id -> audience_members row, for one audience."""
    frame = con.execute("SELECT * FROM activation.audience_members WHERE audience = ?", [audience]).df()
    return {r["customer_id"]: r for r in frame.astype(object).where(frame.notna(), None).to_dict("records")}


def reasons(con: duckdb.DuckDBPyConnection, audience: str) -> dict[str, str]:
    """customer_id -> suppression reason, for one audience."""
    return dict(con.execute("SELECT customer_id, reason FROM activation.suppressed WHERE audience = ?",
                            [audience]).fetchall())
