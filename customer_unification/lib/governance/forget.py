"""Right to be forgotten: remove a person from every table of the warehouse and suppress them.

1. Find the person: a customer_id, or the staged records carrying an email / phone, then every
   record of their customer(s) in `identity.customer_identity_map`.
2. Collect their identifier values from the staged tables. Values also carried by another
   customer's records (a household phone) are *shared*: not suppressed, or forgetting one person
   would drop the other's future records.
3. Delete from every base table, found through information_schema (so new layers are covered
   without a change here), by whatever key the table has: customer ids, (source, source_record_id),
   record lineage (source, source_file, source_line), matching record keys and node ids, raw
   `sources.<source>` rows by (_file, _line). Quarantined rows are matched on their raw record.
4. Add the exclusive identifiers and the keys of the person's source records, hashed, to
   `governance.suppression_list`; write an audit row without personal data to `governance.forget_audit`.
5. Erase the copies the platform wrote outside the warehouse (`copies`: audience export folders,
   SQL destinations, copies.py - by customer id, earlier ids merged into theirs, and exclusive
   email / phone; the landing zone's files, landed.py - by their record keys and exclusive
   identifiers) before the warehouse commits, so a failure there leaves the request repeatable.

Everything in the warehouse runs in one transaction: an error, or `dry_run`, leaves it unchanged
(and a dry run counts the copies' rows without touching them).
"""

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import duckdb
import pandas as pd

from customer_unification.lib.governance.copies import Person
from customer_unification.lib.governance.identifiers import (IDENTIFIER_COLUMNS, KEY_SEPARATOR, RECORD_KIND,
                                                            IdentifierHasher, normalized, record_key)
from customer_unification.lib.governance.quarantine import quarantine_identifiers
from customer_unification.lib.governance.suppression import SCHEMA, Suppression, add_to_list, create_tables
from customer_unification.lib.sources.contracts import SourceContract

AUDIT_TABLE = f"{SCHEMA}.forget_audit"
IDENTITY_MAP = "identity.customer_identity_map"
_EMAIL_LIKE = re.compile(r"\S@\S")
_TEMP = ("fg_staged", "fg_map", "fg_seed", "fg_customers", "fg_records", "fg_ids", "fg_hits", "fg_suppress",
         "fg_lines", "fg_keys", "fg_nids")


class ForgetError(ValueError):
    """The request cannot be carried out; the message holds no personal data."""


@dataclass(frozen=True)
class ForgetRequest:
    """Exactly one of customer_id / email / phone. `reason` and `requested_by` go to the audit as
    given, so they must not hold personal data: a text with an email or the request's own identifier
    in it is refused."""

    customer_id: str | None = None
    email: str | None = None
    phone: str | None = None
    reason: str | None = None
    requested_by: str | None = None
    phone_region: str = "US"  # for a phone given without +country code

    def __post_init__(self):
        given = [x for x in (self.customer_id, self.email, self.phone) if x and x.strip()]
        if len(given) != 1:
            raise ForgetError("give exactly one of a customer id, an email or a phone number")
        phone_digits = re.sub(r"\D", "", self.phone or "")[-7:]
        for name in ("reason", "requested_by"):
            text = getattr(self, name) or ""
            if (_EMAIL_LIKE.search(text) or (self.customer_id and self.customer_id.strip() in text)
                    or (len(phone_digits) == 7 and phone_digits in re.sub(r"\D", "", text)) or len(text) > 500):
                raise ForgetError(f"{name} is kept in the audit: it must not contain the person's email, phone "
                                  "or customer id (nor be over 500 characters)")


@dataclass(frozen=True)
class ForgetSummary:
    """What a request removed (or would remove, for a dry run): counts only, no personal data."""

    request_id: str
    customers: int
    records: int  # the person's staged source records
    quarantined: int  # their quarantined rows
    removed: dict[str, int] = field(default_factory=dict)  # schema.table -> rows deleted
    identifiers_suppressed: int = 0
    identifiers_shared: int = 0
    records_suppressed: int = 0  # source record keys listed
    dry_run: bool = False
    elsewhere: dict[str, int] = field(default_factory=dict)  # copy outside the warehouse -> rows deleted

    def lines(self) -> list[str]:
        verb = "would remove" if self.dry_run else "removed"
        out = [f"forget request {self.request_id}{' (dry run)' if self.dry_run else ''}: "
               f"{self.customers} customer(s), {self.records} staged + {self.quarantined} quarantined source records",
               f"  suppressed: {self.identifiers_suppressed} identifiers (+{self.identifiers_shared} shared with "
               f"other customers, not suppressed) and {self.records_suppressed} record keys",
               f"  rows {verb}: {sum(self.removed.values())}"]
        width = max((len(t) for t in self.removed), default=0)
        out += [f"    {table:<{width}}  {n:>8,}" for table, n in sorted(self.removed.items())]
        out.append(f"  rows {verb} outside the warehouse: {sum(self.elsewhere.values())}")
        width = max((len(t) for t in self.elsewhere), default=0)
        out += [f"    {where:<{width}}  {n:>8,}" for where, n in sorted(self.elsewhere.items())]
        return out


def forget(con: duckdb.DuckDBPyConnection, request: ForgetRequest, hasher: IdentifierHasher, *,
           contracts: Mapping[str, SourceContract] | None = None, state_schema: str = "identity_state",
           dry_run: bool = False, now: dt.datetime | None = None, copies: Sequence = ()) -> ForgetSummary:
    """Forget one person (see module docstring). Raises ForgetError, changing nothing, if they are unknown.

    `contracts` (by source name) say which raw columns of quarantined records hold identifiers;
    `state_schema` is where matching keeps its state (settings.IDENTITY_STATE_SCHEMA); `copies`
    (copies.ExportFolders, copies.SqlDestination, ...) are erased too.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    tables = _base_tables(con)
    con.execute("BEGIN TRANSACTION")
    try:
        summary = _forget(con, tables, request, hasher, contracts or {}, state_schema, dry_run, now, copies)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("ROLLBACK" if dry_run else "COMMIT")
    finally:
        for name in _TEMP:  # temp objects survive a commit; drop them so the connection stays clean
            con.execute(f"DROP VIEW IF EXISTS temp.{name}" if name in ("fg_staged", "fg_map")
                        else f"DROP TABLE IF EXISTS temp.{name}")
    return summary


def _forget(con, tables: dict[tuple[str, str], set[str]], request: ForgetRequest, hasher: IdentifierHasher,
            contracts: Mapping[str, SourceContract], state_schema: str, dry_run: bool,
            now: dt.datetime, copies: Sequence = ()) -> ForgetSummary:
    _staged_view(con, tables)
    has_map = ("identity", "customer_identity_map") in tables
    con.execute("CREATE OR REPLACE TEMP VIEW fg_map AS " + (
        f"SELECT source, source_record_id, customer_id FROM {IDENTITY_MAP}" if has_map else
        "SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS source_record_id, NULL::VARCHAR AS customer_id WHERE false"))
    _seed(con, request)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fg_customers AS
          SELECT DISTINCT m.customer_id FROM fg_map m JOIN fg_seed s USING (source, source_record_id);
        CREATE OR REPLACE TEMP TABLE fg_records AS
          SELECT source, source_record_id FROM fg_seed UNION
          SELECT source, source_record_id FROM fg_map WHERE customer_id IN (SELECT customer_id FROM fg_customers)""")
    _identifiers(con)
    quarantined = _quarantine_lines(con, tables, contracts)
    records = [record_key(*k) for k in con.sql("SELECT source, source_record_id FROM fg_records").fetchall()]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fg_keys AS
          SELECT DISTINCT concat_ws('{KEY_SEPARATOR}', source, source_record_id) AS record_key FROM fg_records;
        CREATE OR REPLACE TEMP TABLE fg_nids (nid BIGINT)""")
    for (schema, table), columns in tables.items():  # matching nodes of the records, wherever they are kept
        if schema == state_schema and {"record_key", "nid"} <= columns:
            con.execute(f'INSERT INTO fg_nids SELECT DISTINCT nid FROM "{schema}"."{table}" '
                        "WHERE record_key IN (SELECT record_key FROM fg_keys)")

    person = _person(con, tables)  # before the deletes: id_lineage knows their earlier ids
    removed = {}
    for (schema, table), columns in sorted(tables.items()):
        where = _predicates(schema, table, columns, state_schema)
        if schema != SCHEMA and where:
            n = con.execute(f'DELETE FROM "{schema}"."{table}" AS t WHERE {" OR ".join(where)}').fetchall()[0][0]
            if n:
                removed[f"{schema}.{table}"] = int(n)

    request_id = str(uuid.uuid4())
    identifiers = con.sql("SELECT kind, value FROM fg_suppress").df()
    keys = sorted(set(records) | {record_key(s, r) for s, r in quarantined if pd.notna(r)})
    listed = pd.concat([identifiers, pd.DataFrame({"kind": RECORD_KIND, "value": keys})])
    add_to_list(con, hasher, listed, request_id, now)
    person = replace(person, suppression=Suppression.of(hasher, listed))  # their raw records, e.g. landed files
    customers = sorted(c for (c,) in con.sql("SELECT customer_id FROM fg_customers").fetchall())
    summary = ForgetSummary(
        request_id=request_id, customers=len(customers), records=len(records), quarantined=len(quarantined),
        removed=removed, identifiers_suppressed=len(identifiers),
        identifiers_shared=con.sql("SELECT count(*) FROM fg_ids").fetchall()[0][0] - len(identifiers),
        records_suppressed=len(keys), dry_run=dry_run,
        elsewhere=_erase_copies(copies, person, dry_run))
    _audit(con, summary, request, now, ",".join(hasher.hash("customer_id", c) for c in customers))
    return summary


def _erase_copies(copies: Sequence, person: Person, dry_run: bool) -> dict[str, int]:
    removed = {}
    for copy in copies:
        try:
            removed.update(copy.erase(person, dry_run))
        except Exception as e:  # the warehouse then rolls back: the request can be repeated as is
            raise ForgetError(f"cannot erase the copies in {copy.label} ({type(e).__name__}): nothing "
                              "changed in the warehouse; repeat the request once it is reachable") from e
    return removed


def _person(con, tables) -> Person:
    """The person as copies outside the warehouse know them: current customer ids and the ids merged
    into them (id_lineage; a split's old id stays with the other part), exclusive emails and phones."""
    ids = {c for (c,) in con.sql("SELECT customer_id FROM fg_customers").fetchall()}
    if ("identity", "id_lineage") in tables:
        merged = con.sql("SELECT old_customer_id, new_customer_id FROM identity.id_lineage "
                         "WHERE reason = 'merged' AND old_customer_id IS NOT NULL").fetchall()
        while more := {old for old, new in merged if new in ids} - ids:
            ids |= more
    values = con.sql("SELECT kind, value FROM fg_suppress WHERE kind IN ('email', 'phone')").fetchall()
    return Person(frozenset(ids), frozenset(v for k, v in values if k == "email"),
                  frozenset(v for k, v in values if k == "phone"))


def _base_tables(con) -> dict[tuple[str, str], set[str]]:
    """(schema, table) -> column names of every base table of the database (views follow their tables)."""
    rows = con.execute("""
        SELECT t.table_schema, t.table_name, list(c.column_name)
        FROM information_schema.tables t JOIN information_schema.columns c
          ON c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema AND c.table_name = t.table_name
        WHERE t.table_type = 'BASE TABLE' AND t.table_catalog = current_database()
        GROUP BY ALL""").fetchall()
    return {(schema, table): set(columns) for schema, table, columns in rows}


def _staged_view(con, tables) -> None:
    """fg_staged: key, lineage and identifier columns of every staged table, in one relation."""
    parts = []
    for (schema, table), columns in sorted(tables.items()):
        if schema == "staging" and {"source", "source_record_id"} <= columns:
            wanted = {"source_file": "VARCHAR", "source_line": "BIGINT",
                      **{c: "VARCHAR" for c in IDENTIFIER_COLUMNS.values()}}
            parts.append("SELECT source, source_record_id, " + ", ".join(
                (f'CAST("{c}" AS {kind})' if c in columns else f"NULL::{kind}") + f" AS {c}"
                for c, kind in wanted.items()) + f' FROM staging."{table}"')
    if not parts:
        raise ForgetError("the warehouse has no staged records: nothing to forget")
    con.execute("CREATE OR REPLACE TEMP VIEW fg_staged AS " + " UNION ALL ".join(parts))


def _seed(con, request: ForgetRequest) -> None:
    """fg_seed: the records the request names directly."""
    if request.customer_id:
        what, value, column, relation = "customer id", request.customer_id.strip(), "customer_id", "fg_map"
    elif request.email:
        what, column, relation = "email", "email_match_key", "fg_staged"
        value = normalized("email", request.email, request.phone_region)
    else:
        what, column, relation = "phone number", "phone", "fg_staged"
        value = normalized("phone", request.phone, request.phone_region)
    if value is None:
        raise ForgetError(f"not a valid {what}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE fg_seed AS SELECT DISTINCT source, source_record_id "
                f"FROM {relation} WHERE {column} = ?", [value])
    if not con.sql("SELECT count(*) FROM fg_seed").fetchall()[0][0]:
        raise ForgetError(f"no records with this {what} in the warehouse: nothing changed")


def _identifiers(con) -> None:
    """fg_ids: the person's identifier values; fg_suppress: those no other customer carries.

    A staged record carrying an exclusive value but not yet in the identity map (staged since the
    last matching run) is the person's too: added to fg_records, and its identifiers looked at in turn.
    """
    while _identifier_pass(con):
        pass


def _identifier_pass(con) -> int:
    """One round of `_identifiers`; returns how many records it added."""
    kinds = list(IDENTIFIER_COLUMNS.items())
    con.execute("CREATE OR REPLACE TEMP TABLE fg_ids AS " + " UNION ".join(
        f"SELECT '{kind}' AS kind, s.{col} AS value FROM fg_staged s "
        f"JOIN fg_records r USING (source, source_record_id) WHERE s.{col} IS NOT NULL" for kind, col in kinds))
    con.execute("CREATE OR REPLACE TEMP TABLE fg_hits AS SELECT h.*, m.customer_id FROM (" + " UNION ALL ".join(
        f"SELECT source, source_record_id, '{kind}' AS kind, {col} AS value FROM fg_staged "
        f"WHERE {col} IN (SELECT value FROM fg_ids WHERE kind = '{kind}')" for kind, col in kinds)
        + ") h LEFT JOIN fg_map m USING (source, source_record_id)")
    con.execute("""CREATE OR REPLACE TEMP TABLE fg_suppress AS
        SELECT kind, value FROM fg_ids EXCEPT
        SELECT kind, value FROM fg_hits WHERE customer_id NOT IN (SELECT customer_id FROM fg_customers)""")
    return con.execute("""INSERT INTO fg_records
        SELECT source, source_record_id FROM fg_hits JOIN fg_suppress USING (kind, value) WHERE customer_id IS NULL
        EXCEPT SELECT source, source_record_id FROM fg_records""").fetchall()[0][0]


def _quarantine_lines(con, tables, contracts: Mapping[str, SourceContract]) -> list[tuple]:
    """fg_lines (source, file, line): the raw rows behind the person's staged and quarantined records.

    Quarantined rows are the person's if their key is one of the person's records (a duplicate) or
    their raw record carries an identifier being suppressed. Returns their (source, source_record_id).
    """
    con.execute("""CREATE OR REPLACE TEMP TABLE fg_lines AS
        SELECT DISTINCT s.source, s.source_file AS file, s.source_line AS line
        FROM fg_staged s JOIN fg_records USING (source, source_record_id)""")
    suppress = set(con.sql("SELECT kind, value FROM fg_suppress").fetchall())
    records = set(con.sql("SELECT source, source_record_id FROM fg_records").fetchall())
    quarantined = []
    for (schema, table), columns in sorted(tables.items()):
        if schema != "quarantine" or not {"source", "source_record_id", "source_file", "source_line",
                                          "raw_record"} <= columns:
            continue
        rows = con.sql("SELECT source, source_record_id, source_file, source_line, raw_record "
                       f'FROM quarantine."{table}"').df()
        found = quarantine_identifiers(rows, contracts.get(table))
        hit = {row for row, kind, value in found.itertuples(index=False) if (kind, value) in suppress}
        mine = rows[[i in hit or (s, r) in records
                     for i, (s, r) in enumerate(zip(rows["source"], rows["source_record_id"]))]]
        if len(mine):
            quarantined += list(zip(mine["source"], mine["source_record_id"]))
            lines = pd.DataFrame({"source": mine["source"], "file": mine["source_file"],
                                  "line": mine["source_line"].astype("int64")})
            con.register("fg_quarantine_lines", lines)
            con.execute("INSERT INTO fg_lines SELECT * FROM fg_quarantine_lines")
            con.unregister("fg_quarantine_lines")
    return quarantined


def _predicates(schema: str, table: str, columns: set[str], state_schema: str) -> list[str]:
    """SQL conditions (on alias t) selecting the person's rows in a table, from the keys it has."""
    lines = "EXISTS (SELECT 1 FROM fg_lines l WHERE l.source = {source} AND l.file IS NOT DISTINCT FROM t.{file} " \
            "AND l.line = t.{line})"
    where = []
    if schema == "sources" and {"_file", "_line"} <= columns:  # raw rows: the table is named after its source
        where.append(lines.format(source="'" + table.replace("'", "''") + "'", file="_file", line="_line"))
    if {"source", "source_record_id"} <= columns:
        where.append("EXISTS (SELECT 1 FROM fg_records r WHERE r.source = t.source "
                     "AND r.source_record_id = t.source_record_id)")
    if {"source", "source_file", "source_line"} <= columns:
        where.append(lines.format(source="t.source", file="source_file", line="source_line"))
    for col in ("customer_id", "old_customer_id", "new_customer_id"):
        if col in columns:
            where.append(f"t.{col} IN (SELECT customer_id FROM fg_customers)")
    for col in ("record_key", "left_record", "right_record"):
        if col in columns:
            where.append(f"t.{col} IN (SELECT record_key FROM fg_keys)")
    if schema == state_schema:  # matching nodes and the links between them
        where += [f"t.{col} IN (SELECT nid FROM fg_nids)" for col in ("nid", "l", "r") if col in columns]
    return where


def _audit(con, summary: ForgetSummary, request: ForgetRequest, now: dt.datetime, customer_hashes: str) -> None:
    create_tables(con)
    con.execute(f"""CREATE TABLE IF NOT EXISTS {AUDIT_TABLE} (
        request_id VARCHAR NOT NULL, requested_at TIMESTAMPTZ NOT NULL, requested_by VARCHAR, reason VARCHAR,
        customer_id_hash VARCHAR, n_records_removed JSON, identifiers_suppressed INTEGER,
        identifiers_shared INTEGER)""")
    con.execute(f"INSERT INTO {AUDIT_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
        summary.request_id, now, request.requested_by, request.reason, customer_hashes,
        json.dumps(summary.removed, sort_keys=True), summary.identifiers_suppressed, summary.identifiers_shared])
