"""Issue 14 defect 7: tables written together are swapped together (write_tables: one transaction)."""

import duckdb
import pandas as pd
import pytest

from customer_unification.resources.table_writes import TableWrite, write_tables

DECLARED = {"id": "BIGINT", "amount": "DOUBLE"}


def _tables(con) -> dict:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("staging.orders", "quarantine.orders")}


def _first_version(con) -> None:
    write_tables(con, [TableWrite("staging", "orders", pd.DataFrame({"id": [1, 2], "amount": [9.5, 3.0]}), DECLARED),
                       TableWrite("quarantine", "orders", pd.DataFrame({"id": [3], "amount": [None]}), DECLARED)])


def test_a_failure_writing_the_second_table_leaves_both_as_they_were():
    con = duckdb.connect()
    _first_version(con)
    before = _tables(con)
    # the staged table is written, then its quarantine cannot be (a value that is not a number)
    with pytest.raises(duckdb.ConversionException):
        write_tables(con, [
            TableWrite("staging", "orders", pd.DataFrame({"id": [7], "amount": [1.0]}), DECLARED),
            TableWrite("quarantine", "orders", pd.DataFrame({"id": ["not a number"], "amount": [None]}), DECLARED)])
    assert _tables(con) == before == {"staging.orders": [(1, 9.5), (2, 3.0)], "quarantine.orders": [(3, None)]}
    # and the connection is usable: the next write goes through whole
    write_tables(con, [TableWrite("staging", "orders", pd.DataFrame({"id": [7], "amount": [1.0]}), DECLARED),
                       TableWrite("quarantine", "orders", pd.DataFrame({"id": [8], "amount": [2.0]}), DECLARED)])
    assert _tables(con) == {"staging.orders": [(7, 1.0)], "quarantine.orders": [(8, 2.0)]}


def test_a_failed_partition_write_keeps_the_other_tables_partitions_too():
    con = duckdb.connect()
    day = {**DECLARED, "_partition": "VARCHAR"}
    write_tables(con, [
        TableWrite("staging", "orders", pd.DataFrame({"id": [1], "amount": [1.0], "_partition": ["2026-11-01"]}),
                   day, ["2026-11-01"]),
        TableWrite("quarantine", "orders", pd.DataFrame({"id": [2], "amount": [2.0], "_partition": ["2026-11-01"]}),
                   day, ["2026-11-01"])])
    before = _tables(con)
    with pytest.raises(duckdb.ConversionException):
        write_tables(con, [
            TableWrite("staging", "orders", pd.DataFrame({"id": [5], "amount": [5.0], "_partition": ["2026-11-01"]}),
                       day, ["2026-11-01"]),
            TableWrite("quarantine", "orders", pd.DataFrame({"id": ["x"], "amount": [6.0], "_partition": ["2026-11-01"]}),
                       day, ["2026-11-01"])])
    assert _tables(con) == before


def test_a_crash_mid_write_leaves_the_file_with_the_previous_versions(tmp_path):
    """What kill -9 does: the process ends between the two tables; the uncommitted transaction is gone."""
    import subprocess
    import sys

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        _first_version(con)
        before = _tables(con)
    crash = f"""
import os, duckdb, pandas as pd
from customer_unification.resources import table_writes
con = duckdb.connect({str(path)!r})
real = table_writes._store
def store_then_die(con, write):
    real(con, write)
    if write.schema == "staging":
        os._exit(9)  # no rollback, no close: as if killed
table_writes._store = store_then_die
table_writes.write_tables(con, [
    table_writes.TableWrite("staging", "orders", pd.DataFrame({{"id": [7], "amount": [1.0]}}), {DECLARED!r}),
    table_writes.TableWrite("quarantine", "orders", pd.DataFrame({{"id": [8], "amount": [2.0]}}), {DECLARED!r})])
"""
    assert subprocess.run([sys.executable, "-c", crash]).returncode == 9
    with duckdb.connect(str(path), read_only=True) as con:
        assert _tables(con) == before


def test_a_candidate_is_published_only_when_every_gate_passed():
    """Issue 14 defect 4: write-audit-publish - a refused candidate leaves the last good tables."""
    from customer_unification.resources.table_writes import Candidate

    con = duckdb.connect()
    _first_version(con)
    before = _tables(con)
    with Candidate(con) as candidate:
        candidate.write([TableWrite("staging", "orders", pd.DataFrame({"id": [7], "amount": [1.0]}), DECLARED),
                         TableWrite("quarantine", "orders", pd.DataFrame({"id": [8], "amount": [2.0]}), DECLARED)])
        # the gates see the candidate
        assert con.sql("SELECT count(*) FROM staging.orders").fetchall() == [(1,)]
        assert candidate.decide({"rows_reconcile": True, "reject_rate": False}) is False
    assert candidate.failed == ["reject_rate"]
    assert _tables(con) == before
    with Candidate(con) as candidate:  # undecided (an error in a gate): rolled back as well
        candidate.write([TableWrite("staging", "orders", pd.DataFrame({"id": [7], "amount": [1.0]}), DECLARED)])
    assert candidate.published is None and _tables(con) == before
    with Candidate(con) as candidate:
        candidate.write([TableWrite("staging", "orders", pd.DataFrame({"id": [7], "amount": [1.0]}), DECLARED)])
        assert candidate.decide({"rows_reconcile": True}) is True
    assert _tables(con)["staging.orders"] == [(7, 1.0)]
