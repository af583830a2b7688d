"""The warehouse as a resource: SQL on the embedded DuckDB file (schemas are layers)."""

from contextlib import contextmanager
from collections.abc import Iterator

import dagster as dg
import duckdb
import pandas as pd

from customer_unification.resources.duckdb_io import connect, refuse_development_secrets


class DuckDBWarehouse(dg.ConfigurableResource):
    """SQL access to the warehouse file that the IO manager writes tables into."""

    path: str

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        refuse_development_secrets()  # a production run stops here, before its first write

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.path, read_only=read_only) as con:
            yield con

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def row_count(self, schema: str, table: str) -> int:
        with self.connect() as con:
            return con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchall()[0][0]
