"""Store asset DataFrames as DuckDB tables named `<layer>.<table>` after the asset key.

Written here rather than taken from dagster-duckdb-pandas because that IO manager deletes rows
and inserts into the existing table (so a source that gains a column breaks the next run) and
skips empty frames (so an empty quarantine leaves no table). This one replaces the table
atomically, whatever its new shape, and writes empty tables too.
"""

import dagster as dg
import duckdb
import pandas as pd


class DuckDBFrameIOManager(dg.ConfigurableIOManager):
    """pandas in and out of the warehouse file; the schema is the asset key's first part."""

    path: str

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        if obj is None:  # assets that write SQL themselves return nothing
            return
        schema, table = self._table(context.asset_key)
        con = duckdb.connect(self.path)
        try:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            con.register("frame", obj)
            con.execute(f'CREATE OR REPLACE TABLE "{schema}"."{table}" AS SELECT * FROM frame')
            con.unregister("frame")
        finally:
            con.close()

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        schema, table = self._table(context.asset_key)
        con = duckdb.connect(self.path, read_only=False)
        try:
            return con.execute(f'SELECT * FROM "{schema}"."{table}"').df()
        finally:
            con.close()

    @staticmethod
    def _table(key: dg.AssetKey) -> tuple[str, str]:
        if len(key.path) != 2:
            raise dg.DagsterInvariantViolationError(f"asset key {key.to_user_string()} is not [layer, table]")
        return key.path[0], key.path[1]
