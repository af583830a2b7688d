"""A tiny warehouse with two people, Ann and Bob, in every layer, built the way the pipeline builds it.

Raw rows go through the real `standardize` (so staged and quarantined rows are what staging would
write); identity, matching state, profiles and segments are hand-made with the same keys.
Ann: crm C1 (+ C3, quarantined: bad date), web events E1, E2 and E5 (E5 staged after the last
matching run, so not in the identity map). Bob: crm C2 (+ C4, quarantined), web E3, E4.
E2 (Ann) and E3 (Bob) share a family computer's cookie.
"""

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.staging.standardize import standardize

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
ANN, BOB = "CU00000000000A11", "CU00000000000B0B"
ANN_EMAIL, ANN_PHONE = "Ann.Lee@gmail.com", "(212) 736-5001"
# every spelling of Ann's personal data that must be gone afterwards (compared case-insensitively)
ANN_PII = ("ann.lee", "annlee", "a.n.n.lee", "7365001", "736-5001", "lee, ann", "ck-ann", "ck-new")
BOB_PII = ("bob.stone", "7365002", "ck-bob")

CRM = SourceContract.model_validate({
    "name": "crm", "format": "csv", "location": "crm.csv", "record_key": "id",
    "conventions": {"date_format": "%m/%d/%Y", "phone_region": "US", "country": "US"},
    "fields": {"crm_id": "id", "full_name": "name", "email": "email", "phone": "phone", "date_of_birth": "dob"},
})
WEB = SourceContract.model_validate({
    "name": "web", "format": "csv", "location": "web.csv", "record_key": "event_id", "kind": "event",
    "fields": {"cookie_id": "cookie", "email": "email", "event_ts": "ts", "event_type": "event",
               "channel": {"value": "web"}},
})
CONTRACTS = {"crm": CRM, "web": WEB}


def raw_crm() -> pd.DataFrame:
    return _raw("crm.csv", [
        {"id": "C1", "name": "Lee, Ann", "email": ANN_EMAIL, "phone": ANN_PHONE, "dob": "01/02/1980"},
        {"id": "C2", "name": "Stone, Bob", "email": "bob.stone@yahoo.com", "phone": "212-736-5002",
         "dob": "05/06/1975"},
        {"id": "C3", "name": "Ann Lee", "email": "ANN.LEE@GMAIL.COM", "phone": None, "dob": "02/30/1980"},
        {"id": "C4", "name": "Bob Stone", "email": "bob.stone@yahoo.com", "phone": None, "dob": "13/45/1975"},
    ])


def raw_web() -> pd.DataFrame:
    ts = "2026-10-01T10:00:00Z"
    return _raw("web.csv", [
        {"event_id": "E1", "cookie": "ck-ann", "email": "a.n.n.lee+shop@gmail.com", "ts": ts, "event": "page_view"},
        {"event_id": "E2", "cookie": "ck-family", "email": None, "ts": ts, "event": "page_view"},
        {"event_id": "E3", "cookie": "ck-family", "email": None, "ts": ts, "event": "page_view"},
        {"event_id": "E4", "cookie": "ck-bob", "email": "bob.stone@yahoo.com", "ts": ts, "event": "purchase"},
        {"event_id": "E5", "cookie": "ck-new", "email": "ann.lee@gmail.com", "ts": ts, "event": "page_view"},
    ])


def _raw(file: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, dtype=object)
    frame = frame.astype(object).where(frame.notna(), None)
    frame.insert(0, "_raw", None)
    frame.insert(0, "_error", None)
    frame.insert(0, "_line", range(2, len(rows) + 2))
    frame.insert(0, "_file", file)
    return frame


def build_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    for schema in ("sources", "staging", "quarantine", "identity", "identity_state", "profiles", "segments"):
        con.execute(f"CREATE SCHEMA {schema}")
    for contract, raw in ((CRM, raw_crm()), (WEB, raw_web())):
        result = standardize(raw, contract, loaded_at=NOW)
        for schema, frame in (("sources", raw), ("staging", result.clean), ("quarantine", result.quarantine)):
            con.register("frame", frame)
            con.execute(f"CREATE TABLE {schema}.{contract.name} AS SELECT * FROM frame")
            con.unregister("frame")
    columns = "source, source_record_id, email, phone, cookie_id"
    con.execute(f"CREATE VIEW staging.unified_records AS SELECT {columns} FROM staging.crm "
                f"UNION ALL SELECT {columns} FROM staging.web")
    con.execute(f"""
        CREATE TABLE identity.customer_identity_map AS SELECT * FROM (VALUES
          ('crm', 'C1', '{ANN}', 1.0, 'rule:email'), ('web', 'E1', '{ANN}', 1.0, 'rule:email'),
          ('web', 'E2', '{ANN}', 0.9, 'probabilistic'), ('crm', 'C2', '{BOB}', 1.0, 'rule:email'),
          ('web', 'E3', '{BOB}', 0.9, 'probabilistic'), ('web', 'E4', '{BOB}', 1.0, 'rule:email'))
          t(source, source_record_id, customer_id, match_confidence, matched_by);
        CREATE TABLE identity.record_links AS SELECT * FROM (VALUES
          ('crm|C1', 'web|E1', 'rule:email', 'accepted'), ('crm|C2', 'web|E4', 'rule:email', 'accepted'))
          t(left_record, right_record, linked_by, status);
        CREATE TABLE identity.id_lineage AS SELECT * FROM (VALUES
          ('run1', 'CU0000000000OLD1', '{ANN}', 'merged', 2), ('run1', NULL, '{BOB}', 'created', 3))
          t(run_id, old_customer_id, new_customer_id, reason, records);
        CREATE TABLE identity.match_evaluation AS SELECT * FROM (VALUES ('precision', 1.0)) t(metric, value);
        CREATE TABLE identity_state.match_records AS SELECT * FROM (VALUES
          (1, 'crm|C1', 1, 10), (2, 'web|E1', 2, 10), (3, 'web|E2', 3, 10),
          (4, 'crm|C2', 4, 20), (5, 'web|E3', 5, 20), (6, 'web|E4', 6, 20)) t(rid, record_key, nid, cluster);
        CREATE TABLE identity_state.match_nodes AS SELECT * FROM (VALUES
          (1, 'ann', 'annlee@gmail.com', '+12127365001'), (2, NULL, 'annlee@gmail.com', NULL),
          (3, NULL, NULL, NULL), (4, 'bob', 'bob.stone@yahoo.com', '+12127365002'), (5, NULL, NULL, NULL),
          (6, NULL, 'bob.stone@yahoo.com', NULL)) t(nid, fn, email, phone);
        CREATE TABLE identity_state.match_links AS
          SELECT * FROM (VALUES (1, 2, 0.99), (4, 6, 0.99)) t(l, r, probability);
        CREATE TABLE profiles.golden_profiles AS SELECT * FROM (VALUES
          ('{ANN}', 'Ann', 'Lee', 'ann.lee@gmail.com', '+12127365001'),
          ('{BOB}', 'Bob', 'Stone', 'bob.stone@yahoo.com', '+12127365002'))
          t(customer_id, first_name, last_name, email, phone);
        CREATE TABLE profiles.contact_points AS SELECT * FROM (VALUES
          ('{ANN}', 'email', 'ann.lee@gmail.com', 'crm', 'C1'), ('{ANN}', 'phone', '+12127365001', 'crm', 'C1'),
          ('{BOB}', 'email', 'bob.stone@yahoo.com', 'crm', 'C2')) t(customer_id, kind, value, source, source_record_id);
        CREATE TABLE profiles.profile_provenance AS SELECT source, source_record_id, customer_id, 'email' AS field
          FROM identity.customer_identity_map;
        CREATE VIEW profiles.customer_events AS SELECT m.customer_id, w.event_ts, w.event_type
          FROM staging.web w JOIN identity.customer_identity_map m USING (source, source_record_id);
        CREATE TABLE segments.segment_membership AS SELECT * FROM (VALUES
          ('{ANN}', 'vip', DATE '2026-01-01'), ('{BOB}', 'vip', DATE '2026-01-01'), ('{BOB}', 'new', DATE '2026-02-01'))
          t(customer_id, segment, entered_on)""")
    con.close()


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """schema.table -> rows, for every table and view."""
    return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchall()[0][0]
            for s, t in con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                                    "WHERE table_catalog = current_database() ORDER BY 1, 2").fetchall()}


def text_hits(con: duckdb.DuckDBPyConnection, needles: tuple[str, ...]) -> list[str]:
    """Every schema.table.column (tables and views) whose text holds one of `needles`, case-insensitively."""
    hits = set()
    for schema, table in con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                                     "WHERE table_catalog = current_database()").fetchall():
        rel = con.sql(f'SELECT * FROM "{schema}"."{table}"')
        for row in rel.fetchall():
            for column, value in zip(rel.columns, row):
                hits.update(f"{schema}.{table}.{column}: {n}" for n in needles if n.lower() in str(value).lower())
    return sorted(hits)
