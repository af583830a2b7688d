"""Copies of a person the platform wrote outside the warehouse: audience export folders and SQL destinations
(and the landing zone's files: landed.py).

`forget` erases these before it commits the warehouse (so a failure here leaves the person
findable and the request can simply be repeated). A row is the person's when its customer_id is
one of theirs - now or before a merge or split (id_lineage) - or when its email or phone is one
of their exclusive identifiers (an older export may predate their current id). Every erasure
returns location -> rows, for the summary: counts and places, never values.
"""

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

from customer_unification.lib.governance.suppression import Suppression
from customer_unification.lib.normalize import normalize_email

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Person:
    """What recognises the person's rows in a copy."""

    customer_ids: frozenset[str]
    emails: frozenset[str] = frozenset()  # email match keys (as staging stores them)
    phones: frozenset[str] = frozenset()  # E.164
    # their record keys and exclusive identifiers, hashed: what recognises their raw records (landed files)
    suppression: Suppression | None = None

    def rows(self, frame: pd.DataFrame) -> pd.Series:
        """Which rows of an exported frame are the person's."""
        hit = pd.Series(False, index=frame.index)
        if "customer_id" in frame:
            hit |= frame["customer_id"].isin(self.customer_ids)
        if self.emails and "email" in frame:
            keys = frame["email"].dropna().map(lambda e: normalize_email(str(e)).match_key if "@" in str(e) else None)
            hit |= frame.index.isin(keys[keys.isin(self.emails)].index)
        if self.phones and "phone" in frame:
            hit |= frame["phone"].isin(self.phones)
        return hit


@dataclass(frozen=True)
class ExportFolders:
    """`root/<run>/<audience>.csv|.parquet` with a manifest, as activation's export_files writes them."""

    root: Path

    @property
    def label(self) -> str:
        return str(self.root)

    def erase(self, person: Person, dry_run: bool = False) -> dict[str, int]:
        removed = {}
        if not self.root.is_dir():
            return removed
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            changed = {}
            for path in sorted([*folder.glob("*.csv"), *folder.glob("*.parquet")]):
                n = _erase_file(path, person, dry_run)
                if n:
                    removed[f"{self.root.name}/{folder.name}/{path.name}"] = n
                    changed[path.name] = path
            if changed and not dry_run:
                _update_manifest(folder, changed)
        return removed


@dataclass(frozen=True)
class SqlDestination:
    """The audience table of a SQLAlchemy database (activation's export_to_sql)."""

    url: str
    label: str  # how the summary names it (the URL with its password masked)
    table: str = "audience_members"
    schema: str | None = None

    def erase(self, person: Person, dry_run: bool = False) -> dict[str, int]:
        url = sa.engine.make_url(self.url)
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
            return {}  # nothing was ever exported there (and connecting would create the file)
        engine = sa.create_engine(url)
        try:
            if not sa.inspect(engine).has_table(self.table, schema=self.schema):
                return {}
            target = sa.Table(self.table, sa.MetaData(), autoload_with=engine, schema=self.schema)
            mine = sa.or_(*[c.in_(sorted(values)) for c, values in (
                (target.c.get("customer_id"), person.customer_ids), (target.c.get("phone"), person.phones))
                if c is not None and values])
            removed = 0
            with engine.begin() as conn:
                if "customer_id" in target.c or "phone" in target.c:
                    statement = (sa.select(sa.func.count()).select_from(target).where(mine) if dry_run
                                 else target.delete().where(mine))
                    result = conn.execute(statement)
                    removed = result.scalar_one() if dry_run else result.rowcount
                if person.emails and "email" in target.c:  # emails as exported: compare their match keys
                    rows = pd.read_sql(sa.select(target.c.email).where(target.c.email.is_not(None)).distinct(), conn)
                    emails = rows["email"][Person(frozenset(), person.emails).rows(rows)].tolist()
                    if emails:
                        condition = target.c.email.in_(emails)
                        statement = (sa.select(sa.func.count()).select_from(target).where(condition) if dry_run
                                     else target.delete().where(condition))
                        result = conn.execute(statement)
                        removed += result.scalar_one() if dry_run else result.rowcount
            return {f"{self.label} {self.table}": removed} if removed else {}
        finally:
            engine.dispose()


def _erase_file(path: Path, person: Person, dry_run: bool) -> int:
    """Rewrite an export file without the person's rows (written beside, then renamed into place)."""
    with duckdb.connect() as con:
        reader = "read_csv" if path.suffix == ".csv" else "read_parquet"
        options = ", all_varchar = true, header = true" if path.suffix == ".csv" else ""
        frame = con.sql(f"SELECT * FROM {reader}(?{options})", params=[str(path)]).df()
        hit = person.rows(frame)
        n = int(hit.sum())
        if n and not dry_run:
            con.register("kept", frame[~hit])
            tmp = path.with_name(f".{path.name}.erasing")
            fmt = "FORMAT csv, HEADER true" if path.suffix == ".csv" else "FORMAT parquet"
            con.execute(f"COPY (SELECT * FROM kept) TO '{_quoted(tmp)}' ({fmt})")
            os.replace(tmp, path)
    return n


def _update_manifest(folder: Path, changed: dict[str, Path]) -> None:
    """Rows and SHA-256 of the rewritten files, so the manifest still describes the folder."""
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        return
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest.get("audiences", []):
        for name in set(entry.get("files", [])) & set(changed):
            path = changed[name]
            entry.setdefault("sha256", {})[name] = hashlib.sha256(path.read_bytes()).hexdigest()
            if path.suffix == ".parquet":
                with duckdb.connect() as con:
                    entry["rows"] = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchall()[0][0]
    manifest["erased_at"] = dt.datetime.now(dt.timezone.utc).isoformat()
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def platform_copies(exports_dir: Path, sql_url: str, sql_label: str, landing=None) -> list:
    """The copies activation writes - its export folders and its SQL destination - and the landing
    zone's files (`landing`: a landed.LandedFiles), when given."""
    return [ExportFolders(Path(exports_dir)), SqlDestination(sql_url, sql_label), *([landing] if landing else [])]
