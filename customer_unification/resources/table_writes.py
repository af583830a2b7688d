"""Write DataFrames into warehouse tables, several at once in one transaction: all of them or none.

A step whose tables belong together (a source's staged table and its quarantine) hands them
to `write_tables` together: a failure - an error while writing the second, a crash, kill -9 -
leaves every one of them as it was, so the warehouse never holds one table of this run beside
its twin from the run before. DuckDB hides the uncommitted tables from every other connection.

Each table is replaced whole, whatever its new shape, or - for a partitioned asset, whose frame
carries its partition in `_partition` - only the partitions written (a re-run never duplicates).
Every column gets its declared type (column_types.py), whatever the frame held.

Write-audit-publish (`Candidate`): a step whose tables are gated writes them in the open
transaction, evaluates its gates on what it wrote (the transaction sees its own writes), and
commits only when every blocking gate passed; otherwise it rolls back, and the last good version
stays published for everything downstream (and for the next run's comparisons).
"""

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dagster as dg
import duckdb
import pandas as pd

from customer_unification.lib.audited_transaction import AuditedTransaction
from customer_unification.lib.sources.readers import PARTITION_COLUMN
from customer_unification.resources.column_types import ColumnTypes, quoted, warehouse_schema

_FRAME = "frame"  # the name ColumnTypes reads the registered frame under


@dataclass(frozen=True)
class TableWrite:
    """One table to write: `schema.table` gets `frame`, its columns typed as `declared`."""

    schema: str
    table: str
    frame: pd.DataFrame
    declared: Mapping[str, str]
    partitions: Sequence[str] | None = None  # replace these partitions' rows only (None: the whole table)

    @property
    def name(self) -> str:
        return f"{quoted(self.schema)}.{quoted(self.table)}"


class Candidate(AuditedTransaction):
    """One step's tables, written in one transaction and published only if its gates pass
    (lib/audited_transaction.py).

        with Candidate(con) as candidate:
            stored = candidate.write([TableWrite(...), ...])   # and/or any SQL on `con`
            gates = ...                                         # evaluated on the written tables
            candidate.decide({name: passed, ...})               # COMMIT if all passed, else ROLLBACK
    """

    def write(self, writes: Sequence[TableWrite]) -> dict[str, dg.TableSchema]:
        """Write the tables inside the candidate; returns each one's stored column schema (by `schema.table`)."""
        stored = {}
        for write in writes:
            _store(self._con, write)
            stored[f"{write.schema}.{write.table}"] = warehouse_schema(self._con, write.name)
        self._con.unregister(_FRAME)  # after an error: once rolled back (an aborted transaction refuses it)
        return stored

    def _discard(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self._con.unregister(_FRAME)


def write_tables(con: duckdb.DuckDBPyConnection, writes: Sequence[TableWrite]) -> dict[str, dg.TableSchema]:
    """Write every table in one transaction (ungated); returns each table's stored column schema.

    An exception rolls all of them back and is raised again."""
    with Candidate(con) as candidate:
        stored = candidate.write(writes)
        candidate.decide({})
    return stored


def _store(con: duckdb.DuckDBPyConnection, write: TableWrite) -> None:
    """One table, inside the caller's transaction."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted(write.schema)}")
    con.register(_FRAME, write.frame)  # replaces the previous table's; unregistered by write_tables
    types = ColumnTypes(con, write.declared)
    if write.partitions is None:
        con.execute(f"CREATE OR REPLACE TABLE {write.name} AS {types.select()}")
    else:
        _replace_partitions(con, write.name, list(write.partitions), types)


def _replace_partitions(con: duckdb.DuckDBPyConnection, table: str, keys: list[str], types: ColumnTypes) -> None:
    """Delete the partitions' rows and insert the frame's; new columns are added, and columns of an
    older table that lack their declared type get it."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS {types.select()} LIMIT 0")
    present = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()}
    for name, kind in types.repairs(present).items():
        con.execute(f"ALTER TABLE {table} ALTER COLUMN {quoted(name)} SET DATA TYPE {kind}")
    for name in types.frame:
        if name not in present:  # a source that gained a column keeps its earlier partitions
            con.execute(f"ALTER TABLE {table} ADD COLUMN {quoted(name)} {types.of(name)}")
    con.execute(f"DELETE FROM {table} WHERE {PARTITION_COLUMN} IN (SELECT unnest(?))", [keys])
    con.execute(f"INSERT INTO {table} BY NAME {types.select()}")
