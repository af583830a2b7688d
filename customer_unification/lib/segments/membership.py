"""Segment membership history: who was in which segment when, with entry and exit times.

`update_membership` compares this run's members with the open rows of the history table:

* a new member gets a row with entered_at = as_of (exited_at NULL while they stay);
* a continuing member keeps their row untouched (its definition_version is the one they entered
  under; the snapshot table shows the version of every run);
* a member who left gets exited_at = as_of and an exit_reason: 'left_segment'; 'identity_changed'
  when their customer_id no longer exists (merged into another customer, who enters in their own
  right); 'segment_removed' when the segment is no longer defined;
* someone who comes back after leaving gets a new row (re-entry).

Runs are applied in time order. Running the same as_of again first undoes what that as_of
recorded, so a re-materialisation is idempotent; an earlier as_of (a run dated back after one
dated ahead) undoes what that as_of and every later one recorded, and says so (`rewound_from`):
history is rebuilt from that moment, never refused for ever. `segment_snapshot` gets one row per segment
and run: sizes over time, with the definition version in force.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import duckdb
import pandas as pd

from customer_unification.lib.profiles.traits import utc_literal
from customer_unification.lib.segments.config import SegmentDefinition, SegmentsConfig

MEMBERSHIP_COLUMNS: dict[str, str] = {
    "customer_id": "VARCHAR",
    "segment": "VARCHAR",
    "entered_at": "TIMESTAMPTZ",  # as_of of the run that first found them in the segment
    "exited_at": "TIMESTAMPTZ",  # as_of of the first run that no longer did; NULL while a member
    "exit_reason": "VARCHAR",  # left_segment, identity_changed or segment_removed; NULL while a member
    "identity_run_id": "VARCHAR",  # identity run of the entry
    "exit_identity_run_id": "VARCHAR",  # identity run of the exit
    "definition_version": "VARCHAR",  # hash of the segment's definition at entry
}
SNAPSHOT_COLUMNS: dict[str, str] = {
    "segment": "VARCHAR",
    "as_of": "TIMESTAMPTZ",
    "members": "BIGINT",
    "entered": "BIGINT",
    "exited": "BIGINT",
    "identity_run_id": "VARCHAR",
    "definition_version": "VARCHAR",
}
LEFT_SEGMENT, IDENTITY_CHANGED, SEGMENT_REMOVED = "left_segment", "identity_changed", "segment_removed"

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")


@dataclass(frozen=True)
class MembershipUpdate:
    """What one run changed, per segment (for asset metadata)."""

    as_of: str
    members: dict[str, int] = field(default_factory=dict)
    entered: dict[str, int] = field(default_factory=dict)
    exited: dict[str, int] = field(default_factory=dict)
    identity_changed: int = 0  # open rows closed because their customer_id disappeared
    replaced_run: bool = False  # this as_of had been recorded before and was redone
    rewound_from: str | None = None  # history ran past this as_of (to this time): the later runs were undone
    runs_undone: int = 0  # later as_of values whose entries, exits and snapshots were undone

    def as_metadata(self) -> dict:
        return asdict(self)


def update_membership(
    con: duckdb.DuckDBPyConnection,
    current: str | duckdb.DuckDBPyRelation | pd.DataFrame,
    as_of: dt.datetime,
    identity_run_id: str,
    definitions: SegmentsConfig | Iterable[SegmentDefinition],
    *,
    out: str = "segments.segment_membership",
    snapshot_out: str = "segments.segment_snapshot",
    customers: str | None = None,
) -> MembershipUpdate:
    """Apply this run's members (`current`: customer_id, segment) to the history table `out` and
    append the run's sizes to `snapshot_out`; both are created when missing.

    `customers` names a relation with a `customer_id` column listing every customer that exists
    now (e.g. profiles.customer_traits): a member whose id is not in it left because of an identity
    change. Without it, every exit is 'left_segment'. Runs in one transaction.
    """
    tables = [out, snapshot_out, *([customers] if customers else []), *([current] if isinstance(current, str) else [])]
    for name in tables:
        if not _IDENT.match(name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")
    segments = list(definitions.segments if isinstance(definitions, SegmentsConfig) else definitions)
    at = utc_literal(as_of)
    source = current if isinstance(current, str) else "cu_segment_current_input"
    if not isinstance(current, str):
        con.register(source, current)
    try:
        _create_tables(con, out, snapshot_out)
        con.execute("BEGIN TRANSACTION")
        try:
            update = _apply(con, source, at, identity_run_id, segments, out, snapshot_out, customers)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        if not isinstance(current, str):
            con.unregister(source)
        con.execute("DROP TABLE IF EXISTS cu_segment_current")
        con.execute("DROP TABLE IF EXISTS cu_segment_versions")
    return update


def _create_tables(con: duckdb.DuckDBPyConnection, out: str, snapshot_out: str) -> None:
    for table, columns in ((out, MEMBERSHIP_COLUMNS), (snapshot_out, SNAPSHOT_COLUMNS)):
        if "." in table:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.rsplit('.', 1)[0]}")
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{c} {t}' for c, t in columns.items())})")


def _apply(con, source: str, at: str, run_id: str, segments: list[SegmentDefinition], out: str,
           snapshot_out: str, customers: str | None) -> MembershipUpdate:
    latest = con.sql(f"SELECT max(greatest(entered_at, coalesce(exited_at, entered_at))) FROM {out}").fetchall()[0][0]
    latest_snapshot = con.sql(f"SELECT max(as_of) FROM {snapshot_out}").fetchall()[0][0]
    newest = max((t for t in (latest, latest_snapshot) if t is not None), default=None)
    as_of_value = con.sql(f"SELECT {at}").fetchall()[0][0]
    replaced = newest is not None and as_of_value == newest
    rewound = newest is not None and as_of_value < newest
    undone = con.sql(f"SELECT count(DISTINCT as_of) FROM {snapshot_out} WHERE as_of > {at}").fetchall()[0][0]
    if replaced or rewound:  # redo from this as_of: forget what it and every later run recorded
        con.execute(f"DELETE FROM {out} WHERE entered_at >= {at}")
        con.execute(f"UPDATE {out} SET exited_at = NULL, exit_reason = NULL, exit_identity_run_id = NULL "
                    f"WHERE exited_at >= {at}")
        con.execute(f"DELETE FROM {snapshot_out} WHERE as_of >= {at}")

    run = _q(run_id)
    versions = ", ".join(f"({_q(s.name)}, {_q(s.version)})" for s in segments) or "(NULL, NULL)"
    con.execute(f"CREATE OR REPLACE TEMP TABLE cu_segment_versions(segment, definition_version) AS VALUES {versions}")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cu_segment_current AS
                    SELECT DISTINCT CAST(customer_id AS VARCHAR) AS customer_id, CAST(segment AS VARCHAR) AS segment
                    FROM {source} WHERE customer_id IS NOT NULL""")
    undefined = [r[0] for r in con.sql("SELECT DISTINCT segment FROM cu_segment_current c WHERE NOT EXISTS "
                                       "(SELECT 1 FROM cu_segment_versions v WHERE v.segment = c.segment) "
                                       "ORDER BY 1").fetchall()]
    if undefined:
        raise ValueError(f"members given for undefined segment(s) {undefined}")

    exists = (f"customer_id IN (SELECT customer_id FROM {customers} WHERE customer_id IS NOT NULL)"
              if customers else "TRUE")
    con.execute(f"""
        UPDATE {out} AS m SET exited_at = {at}, exit_identity_run_id = {run},
            exit_reason = CASE WHEN NOT EXISTS (SELECT 1 FROM cu_segment_versions v WHERE v.segment = m.segment)
                                   THEN '{SEGMENT_REMOVED}'
                               WHEN NOT ({exists}) THEN '{IDENTITY_CHANGED}'
                               ELSE '{LEFT_SEGMENT}' END
        WHERE m.exited_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM cu_segment_current c
                          WHERE c.customer_id = m.customer_id AND c.segment = m.segment)""")
    con.execute(f"""
        INSERT INTO {out} ({', '.join(MEMBERSHIP_COLUMNS)})
        SELECT c.customer_id, c.segment, {at}, NULL, NULL, {run}, NULL, v.definition_version
        FROM cu_segment_current c JOIN cu_segment_versions v USING (segment)
        WHERE NOT EXISTS (SELECT 1 FROM {out} m WHERE m.exited_at IS NULL
                          AND m.customer_id = c.customer_id AND m.segment = c.segment)""")
    con.execute(f"""
        INSERT INTO {snapshot_out} ({', '.join(SNAPSHOT_COLUMNS)})
        SELECT v.segment, {at},
               (SELECT count(*) FROM {out} m WHERE m.segment = v.segment AND m.exited_at IS NULL),
               (SELECT count(*) FROM {out} m WHERE m.segment = v.segment AND m.entered_at = {at}),
               (SELECT count(*) FROM {out} m WHERE m.segment = v.segment AND m.exited_at = {at}),
               {run}, v.definition_version
        FROM cu_segment_versions v WHERE v.segment IS NOT NULL""")
    rows = con.sql(f"SELECT segment, members, entered, exited FROM {snapshot_out} WHERE as_of = {at}").fetchall()
    removed = dict(con.sql(f"SELECT segment, count(*) FROM {out} WHERE exited_at = {at} "
                           f"AND exit_reason = '{SEGMENT_REMOVED}' GROUP BY segment").fetchall())
    identity_changed = con.sql(f"SELECT count(*) FROM {out} WHERE exited_at = {at} "
                               f"AND exit_reason = '{IDENTITY_CHANGED}'").fetchall()[0][0]
    return MembershipUpdate(
        as_of=str(as_of_value.isoformat()),
        members={s: m for s, m, _, _ in rows}, entered={s: e for s, _, e, _ in rows},
        exited={**{s: x for s, _, _, x in rows}, **removed},
        identity_changed=identity_changed, replaced_run=replaced,
        rewound_from=newest.isoformat() if rewound else None, runs_undone=undone)


def entered_between(con: duckdb.DuckDBPyConnection, segment: str, start: dt.datetime, end: dt.datetime, *,
                    membership: str = "segments.segment_membership") -> duckdb.DuckDBPyRelation:
    """Who entered `segment` in [start, end): customer_id, entered_at, exited_at, exit_reason,
    definition_version (a re-entry in the period counts; one row per entry)."""
    return _history(con, membership, segment, f"entered_at >= {utc_literal(start)} AND entered_at < {utc_literal(end)}")


def exited_between(con: duckdb.DuckDBPyConnection, segment: str, start: dt.datetime, end: dt.datetime, *,
                   membership: str = "segments.segment_membership") -> duckdb.DuckDBPyRelation:
    """Who left `segment` in [start, end), with why (exit_reason)."""
    return _history(con, membership, segment, f"exited_at >= {utc_literal(start)} AND exited_at < {utc_literal(end)}")


def members_at(con: duckdb.DuckDBPyConnection, segment: str, at: dt.datetime, *,
               membership: str = "segments.segment_membership") -> duckdb.DuckDBPyRelation:
    """Who was in `segment` at the moment `at`, by the runs recorded up to then."""
    moment = utc_literal(at)
    return _history(con, membership, segment, f"entered_at <= {moment} AND (exited_at IS NULL OR exited_at > {moment})")


def _history(con, membership: str, segment: str, predicate: str) -> duckdb.DuckDBPyRelation:
    if not _IDENT.match(membership):
        raise ValueError(f"not a plain SQL identifier: {membership!r}")
    return con.sql(f"""SELECT customer_id, entered_at, exited_at, exit_reason, definition_version
                       FROM {membership} WHERE segment = {_q(segment)} AND {predicate}
                       ORDER BY customer_id, entered_at""")


def _q(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"
