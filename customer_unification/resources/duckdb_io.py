"""Store asset DataFrames as DuckDB tables named `<layer>.<table>` after the asset key.

Written here rather than taken from dagster-duckdb-pandas because that IO manager deletes rows
and inserts into the existing table (so a source that gains a column breaks the next run) and
skips empty frames (so an empty quarantine leaves no table). This one replaces the table
atomically, whatever its new shape, and writes empty tables too (table_writes.py, which a step
writing several tables together calls itself). A partitioned asset's frame carries its partition
in `_partition`: writing replaces those partitions' rows only (a re-run never duplicates), and
reading returns the partitions asked for. Every column gets the type the asset declares
(column_types.py), whatever the frame held; the materialisation reports the stored table's
column types.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
import pandas as pd

from customer_unification.lib.sources.readers import PARTITION_COLUMN
from customer_unification.resources.column_types import declared_types
from customer_unification.resources.table_writes import TableWrite, write_tables

LOCK_WAIT_SECONDS = 300.0


def refuse_development_secrets() -> None:
    """In production (CU_ENV=production), fail unless CU_SUPPRESSION_KEY is a real secret."""
    from customer_unification import settings
    from customer_unification.lib.governance import suppression_key

    if settings.production():
        suppression_key()  # raises SuppressionKeyError naming what to set


@contextmanager
def connect(path: str, read_only: bool = False,
            wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, waiting while another process holds DuckDB's single-writer lock.

    Steps that run in parallel processes hold the file only while they read or write a table,
    so waiting a moment is enough; a real problem still surfaces after `wait_seconds`.
    """
    deadline, pause = time.monotonic() + wait_seconds, 0.05
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
        if obj is None:  # assets that write SQL themselves (or their tables together) return nothing
            return
        schema, table = self._table(context.asset_key)
        write = TableWrite(schema, table, obj, declared_types(context.definition_metadata),
                           context.asset_partition_keys if context.has_asset_partitions else None)
        with connect(self.path) as con:
            stored = write_tables(con, [write])
        # the types as stored (not the frame's), shown by the UI over the declared ones
        context.add_output_metadata({"dagster/column_schema": stored[f"{schema}.{table}"]})

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

