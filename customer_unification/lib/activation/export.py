"""Exports of built audiences: files with a manifest, a SQL table, and the contact history.

- `export_files`: one CSV and one Parquet per audience (customer_id + the channel's contact columns,
  ordered by customer_id) into a folder, and `manifest.json` with rows, suppression counts by reason,
  file names and their SHA-256. Files of an audience are replaced on a re-run.
- `export_to_sql`: `audience_members` rows into a SQLAlchemy database. Idempotent per audience: one
  transaction deletes the audience's rows and inserts the new ones, so a reader sees either the old
  or the new audience, and a re-run gives the same rows.
- `record_contacts`: appends the new sends to `activation.contact_history` (the frequency cap's
  memory). A send is (audience, campaign, customer, UTC day): retries and re-runs - each a new
  Dagster run id - with the same members add nothing; a changed audience adds its new members.
"""

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import duckdb
import sqlalchemy as sa

from customer_unification.lib.activation.audiences import AUDIENCE_MEMBER_COLUMNS, CHANNEL_COLUMNS, SCHEMA
from customer_unification.lib.activation.suppression import (CONTACT_HISTORY, REASONS, create_contact_history,
                                                             send_day_sql)

MANIFEST = "manifest.json"
FORMATS = ("csv", "parquet")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def file_stem(audience: str) -> str:
    """A file name for an audience: anything but letters, digits, '_', '.', '-' becomes '_'."""
    return _UNSAFE.sub("_", audience).strip("._") or "audience"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _audiences(con: duckdb.DuckDBPyConnection, schema: str) -> list[tuple[str, str, str, str | None]]:
    """(audience, segment, channel, campaign) of every built audience, empty ones included."""
    return con.sql(f"""SELECT audience, any_value(segment), any_value(channel), any_value(campaign) FROM (
        SELECT audience, segment, channel, campaign FROM {schema}.audience_members
        UNION ALL SELECT audience, segment, channel, campaign FROM {schema}.suppressed)
        GROUP BY audience ORDER BY audience""").fetchall()


def export_files(con: duckdb.DuckDBPyConnection, folder: str | Path, *, run_id: str | None = None,
                 schema: str = SCHEMA, formats: tuple[str, ...] = FORMATS,
                 created_at: dt.datetime | None = None) -> dict:
    """Write each audience to `folder` (created if missing) and return the manifest also written there.

    An audience where everyone was suppressed still gets its (header-only) files, so a downstream
    sync sees it emptied rather than missing.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown export format(s) {unknown}; choose from {list(FORMATS)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    created_at = created_at or dt.datetime.now(dt.timezone.utc)
    suppressed: dict[str, dict[str, int]] = {}
    counts = con.sql(f"SELECT audience, reason, count(*) FROM {schema}.suppressed GROUP BY ALL").fetchall()
    for audience, reason, n in counts:
        suppressed.setdefault(audience, {})[reason] = n
    rows = dict(con.sql(f"SELECT audience, count(*) FROM {schema}.audience_members GROUP BY ALL").fetchall())
    entries, stems = [], {}
    for audience, segment, channel, campaign in _audiences(con, schema):
        stem = file_stem(audience)
        if stem in stems:
            raise ValueError(f"audiences {stems[stem]!r} and {audience!r} would share the file name {stem!r}")
        stems[stem] = audience
        columns = ", ".join(("customer_id", *CHANNEL_COLUMNS[channel]))
        query = (f"SELECT {columns} FROM {schema}.audience_members WHERE audience = {_literal(audience)} "
                 "ORDER BY customer_id")
        files = {}
        for fmt in formats:
            path = folder / f"{stem}.{fmt}"
            options = "FORMAT csv, HEADER true" if fmt == "csv" else "FORMAT parquet"
            con.execute(f"COPY ({query}) TO {_literal(str(path))} ({options})")
            files[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        entries.append({
            "audience": audience, "segment": segment, "channel": channel, "campaign": campaign,
            "rows": rows.get(audience, 0),
            "suppressed": {reason: suppressed.get(audience, {}).get(reason, 0) for reason in REASONS},
            "files": sorted(files), "sha256": files,
        })
    manifest = {"run_id": run_id, "created_at": created_at.isoformat(), "audiences": entries}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def audience_table(metadata: sa.MetaData, name: str = "audience_members", schema: str | None = None) -> sa.Table:
    """The destination table: audience_members' columns plus when the audience was exported."""
    columns = [sa.Column(c, sa.String(64) if c in ("run_id", "identity_run_id", "channel") else sa.Text,
                         nullable=c not in ("audience", "customer_id", "channel"))
               for c in AUDIENCE_MEMBER_COLUMNS]
    return sa.Table(name, metadata, *columns, sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Index(f"ix_{name}_audience", "audience"), schema=schema)


def export_to_sql(con: duckdb.DuckDBPyConnection, url: str | sa.Engine, *, table: str = "audience_members",
                  target_schema: str | None = None, audiences: list[str] | None = None, schema: str = SCHEMA,
                  exported_at: dt.datetime | None = None, batch_size: int = 10_000) -> dict[str, int]:
    """Replace each audience's rows in the database at `url`; returns audience -> rows written.

    Each audience is one transaction (delete its rows, insert the new ones); other audiences already
    in the table are left alone. `audiences` limits the export (default: all built audiences).
    """
    engine = sa.create_engine(url) if isinstance(url, str) else url
    target = audience_table(sa.MetaData(), table, target_schema)
    target.create(engine, checkfirst=True)
    exported_at = exported_at or dt.datetime.now(dt.timezone.utc)
    names = [a for a, *_ in _audiences(con, schema)]
    if audiences is not None:
        missing = sorted(set(audiences) - set(names))
        if missing:
            raise ValueError(f"no such audience(s) built: {missing}")
        names = [a for a in names if a in audiences]
    written = {}
    columns = list(AUDIENCE_MEMBER_COLUMNS)
    try:
        for audience in names:
            result = con.execute(f"SELECT {', '.join(columns)} FROM {schema}.audience_members "
                                 "WHERE audience = ? ORDER BY customer_id", [audience])
            with engine.begin() as conn:
                conn.execute(target.delete().where(target.c.audience == audience))
                n = 0
                while batch := result.fetchmany(batch_size):
                    conn.execute(target.insert(), [{**dict(zip(columns, row)), "exported_at": exported_at}
                                                   for row in batch])
                    n += len(batch)
            written[audience] = n
    finally:
        if isinstance(url, str):
            engine.dispose()
    return written


def record_contacts(con: duckdb.DuckDBPyConnection, *, contacted_at: dt.datetime, schema: str = SCHEMA,
                    history: str = CONTACT_HISTORY) -> int:
    """Record the built audiences' new sends in the contact history; returns how many were new.

    Call it once the audiences were really sent (after the exports). A member the history already
    holds for the same audience and campaign on contacted_at's UTC day was sent then: not again.
    """
    if contacted_at.tzinfo is None:
        raise ValueError("contacted_at must be timezone-aware")
    runs = [r for (r,) in con.sql(f"SELECT DISTINCT run_id FROM {schema}.audience_members").fetchall()]
    if len(runs) > 1:
        raise ValueError(f"{schema}.audience_members holds {len(runs)} runs; expected one")
    if not runs:
        return 0
    create_contact_history(con, history)
    day = send_day_sql("CAST($1 AS TIMESTAMPTZ)")
    con.execute("BEGIN TRANSACTION")
    try:
        n = con.execute(f"""INSERT INTO {history} (customer_id, audience, channel, campaign, contacted_at, run_id)
            SELECT customer_id, audience, channel, campaign, CAST($1 AS TIMESTAMPTZ), run_id
            FROM {schema}.audience_members m WHERE NOT EXISTS (
                SELECT 1 FROM {history} h WHERE h.customer_id = m.customer_id AND h.audience = m.audience
                  AND h.campaign IS NOT DISTINCT FROM m.campaign AND {send_day_sql('h.contacted_at')} = {day})""",
                        [contacted_at]).fetchall()[0][0]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return n
