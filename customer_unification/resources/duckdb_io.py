"""Store asset DataFrames as DuckDB tables named `<layer>.<table>` after the asset key.

Written here rather than taken from dagster-duckdb-pandas because that IO manager deletes rows
and inserts into the existing table (so a source that gains a column breaks the next run) and
skips empty frames (so an empty quarantine leaves no table). This one replaces the table
atomically, whatever its new shape, and writes empty tables too. A partitioned asset's frame
carries its partition in `_partition`: writing replaces those partitions' rows only (a re-run
never duplicates), and reading returns the partitions asked for. Every column gets the type the
asset declares (column_types.py), whatever the frame held; the materialisation reports the
stored table's column types.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
import pandas as pd

from customer_unification.lib.sources.readers import PARTITION_COLUMN
from customer_unification.resources.column_types import ColumnTypes, declared_types, quoted, warehouse_schema

LOCK_WAIT_SECONDS = 300.0


def refuse_development_secrets() -> None:
    """In production (CU_ENV=production), fail unless CU_SUPPRESSION_KEY is a real secret."""
    from customer_unification import settings
    from customer_unification.lib.governance import suppression_key

    if settings.production():
        suppression_key()  # raises SuppressionKeyError naming what to set


@contextmanager
def connect(path: str, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, waiting while another process holds DuckDB's single-writer lock.

    Steps that run in parallel processes hold the file only while they read or write a table,
    so waiting a moment is enough; a real problem still surfaces after LOCK_WAIT_SECONDS.
    """
    deadline, pause = time.monotonic() + LOCK_WAIT_SECONDS, 0.05
    while True:
        try:
            con = duckdb.connect(path, read_only=read_only)
            break
        except duckdb.IOException as e:
            if "lock" not in str(e).lower() or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
    try:
        yield con
    finally:
        con.close()


class DuckDBFrameIOManager(dg.ConfigurableIOManager):
    """pandas in and out of the warehouse file; the schema is the asset key's first part."""

    path: str

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        refuse_development_secrets()  # a production run stops here, before its first write

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        if obj is None:  # assets that write SQL themselves return nothing
            return
        schema, table = self._table(context.asset_key)
        with connect(self.path) as con:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            con.register("frame", obj)
            types = ColumnTypes(con, declared_types(context.definition_metadata))
            if context.has_asset_partitions:
                _replace_partitions(con, f'"{schema}"."{table}"', context.asset_partition_keys, types)
            else:
                con.execute(f'CREATE OR REPLACE TABLE "{schema}"."{table}" AS {types.select()}')
            con.unregister("frame")
            # the types as stored (not the frame's), shown by the UI over the declared ones
            context.add_output_metadata({"dagster/column_schema": warehouse_schema(con, f'"{schema}"."{table}"')})

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        schema, table = self._table(context.asset_key)
        with connect(self.path) as con:
            if context.has_asset_partitions:
                return con.execute(f'SELECT * FROM "{schema}"."{table}" WHERE {PARTITION_COLUMN} IN '
                                   '(SELECT unnest(?))', [list(context.asset_partition_keys)]).df()
            return con.execute(f'SELECT * FROM "{schema}"."{table}"').df()

    @staticmethod
    def _table(key: dg.AssetKey) -> tuple[str, str]:
        if len(key.path) != 2:
            raise dg.DagsterInvariantViolationError(f"asset key {key.to_user_string()} is not [layer, table]")
        return key.path[0], key.path[1]


def _replace_partitions(con: duckdb.DuckDBPyConnection, table: str, keys: list[str], types: ColumnTypes) -> None:
    """Delete the partitions' rows and insert the frame's, in one transaction; new columns are added,
    and columns of an older table that lack their declared type get it."""
    con.execute("BEGIN")
    try:
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS {types.select()} LIMIT 0")
        present = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()}
        for name, kind in types.repairs(present).items():
            con.execute(f"ALTER TABLE {table} ALTER COLUMN {quoted(name)} SET DATA TYPE {kind}")
        for name in types.frame:
            if name not in present:  # a source that gained a column keeps its earlier partitions
                con.execute(f"ALTER TABLE {table} ADD COLUMN {quoted(name)} {types.of(name)}")
        con.execute(f"DELETE FROM {table} WHERE {PARTITION_COLUMN} IN (SELECT unnest(?))", [list(keys)])
        con.execute(f"INSERT INTO {table} BY NAME {types.select()}")
    except Exception:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
