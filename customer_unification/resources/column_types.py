"""The warehouse type of every column the IO manager writes: declared, never guessed from one frame.

An asset declares its columns' types in its definition metadata (`dagster/column_schema`, also
shown in the UI). A column it does not declare keeps its frame's type, except that a column with
no value yet (DuckDB's "NULL" type, which would refuse every later value) is text.
"""

from collections.abc import Callable, Mapping, Sequence

import dagster as dg
import duckdb

from customer_unification.lib.sources.readers import PARTITION_COLUMN

NULL_TYPE, TEXT = '"NULL"', "VARCHAR"


def column_schema(types: Mapping[str, str], descriptions: Mapping[str, str] | None = None) -> dg.TableSchema:
    """Definition metadata declaring these column types (DuckDB type names)."""
    descriptions = descriptions or {}
    return dg.TableSchema(columns=[dg.TableColumn(name=c, type=t, description=descriptions.get(c))
                                   for c, t in types.items()])


def described_schema(described: Sequence[tuple], describe: Callable[[str], str | None] | None = None
                     ) -> dg.TableSchema:
    """A column schema from DuckDB's DESCRIBE rows (name, type, ...), in DuckDB's type names."""
    return dg.TableSchema(columns=[dg.TableColumn(name=name, type=kind, description=describe(name) if describe else None)
                                   for name, kind, *_ in described])


def warehouse_schema(con: duckdb.DuckDBPyConnection, table: str,
                     describe: Callable[[str], str | None] | None = None) -> dg.TableSchema:
    """The columns of a warehouse table or view (`schema.table`) as stored: the schema shown on a
    materialisation, so the UI tells the types the warehouse really holds."""
    return described_schema(con.execute(f"DESCRIBE {table}").fetchall(), describe)


def declared_types(metadata: Mapping | None) -> dict[str, str]:
    schema = (metadata or {}).get("dagster/column_schema")
    if isinstance(schema, dg.TableSchemaMetadataValue):
        schema = schema.schema
    return {c.name: c.type for c in schema.columns} if isinstance(schema, dg.TableSchema) else {}


class ColumnTypes:
    """The target type of each column of the registered frame `frame`, in DuckDB's spelling."""

    def __init__(self, con: duckdb.DuckDBPyConnection, declared: Mapping[str, str]):
        self._con = con
        spelling = {t: self.spelled(t) for t in set(declared.values())}  # a handful of distinct types
        self.declared = {c: spelling[t] for c, t in declared.items()}
        self.declared.setdefault(PARTITION_COLUMN, TEXT)  # partition keys are text, whatever a frame held
        self.frame = {name: kind for name, kind, *_ in con.execute("DESCRIBE frame").fetchall()}

    def spelled(self, kind: str) -> str:
        """DuckDB's own name of a type ('TIMESTAMPTZ' -> 'TIMESTAMP WITH TIME ZONE'), as DESCRIBE says it."""
        return self._con.execute(f"SELECT typeof(CAST(NULL AS {kind}))").fetchall()[0][0]

    def of(self, column: str) -> str:
        """A column's target type: declared, else its frame's type, else (no value anywhere yet) text."""
        kind = self.declared.get(column) or self.frame.get(column, TEXT)
        return TEXT if kind == NULL_TYPE else kind

    def select(self) -> str:
        """The frame with every column in its target type."""
        return "SELECT " + ", ".join(
            f"CAST({quoted(c)} AS {self.of(c)}) AS {quoted(c)}" if self.of(c) != kind else quoted(c)
            for c, kind in self.frame.items()) + " FROM frame"

    def repairs(self, table: dict[str, str]) -> dict[str, str]:
        """Columns of an existing table (name -> type) to retype: NULL-typed ones (written before types
        were declared) and declared ones of another type."""
        return {c: self.of(c) for c, kind in table.items()
                if (kind == NULL_TYPE or c in self.declared) and kind != self.of(c)}


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
