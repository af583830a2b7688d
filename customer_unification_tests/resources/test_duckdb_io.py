import subprocess
import sys
import time

import dagster as dg
import duckdb
import pandas as pd
import pytest

from customer_unification.resources.column_types import column_schema
from customer_unification.resources.duckdb_io import DuckDBFrameIOManager, connect

HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
open(sys.argv[2], "w").close()
time.sleep(1.5)
con.close()
"""


def test_connect_waits_for_another_process_holding_the_lock(tmp_path):
    path, ready = tmp_path / "w.duckdb", tmp_path / "ready"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), str(ready)])
    try:
        while not ready.exists():
            time.sleep(0.05)
        with pytest.raises(duckdb.IOException):  # plain DuckDB refuses at once ...
            duckdb.connect(str(path))
        started = time.monotonic()
        with connect(str(path)) as con:  # ... connect() waits its turn
            assert con.execute("SELECT 42").fetchall() == [(42,)]
        assert time.monotonic() - started > 0.3
    finally:
        holder.wait(timeout=10)


def test_io_manager_replaces_tables_whatever_their_shape(tmp_path):
    path = str(tmp_path / "w.duckdb")

    @dg.asset(key=["staging", "things"])
    def things(context: dg.AssetExecutionContext) -> pd.DataFrame:
        return frames.pop(0)

    frames = [pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"a": [3], "b": ["new column"]}),
              pd.DataFrame({"a": pd.Series([], dtype="int64")})]
    io_manager = DuckDBFrameIOManager(path=path)
    seen = []
    for _ in range(3):
        assert dg.materialize([things], resources={"io_manager": io_manager}).success
        with connect(path) as con:
            seen.append(con.execute("SELECT * FROM staging.things").df().to_dict("list"))
    assert seen == [{"a": [1, 2]}, {"a": [3], "b": ["new column"]}, {"a": []}]


def test_partitions_are_replaced_and_a_first_empty_partition_does_not_type_the_key(tmp_path):
    manager = DuckDBFrameIOManager(path=str(tmp_path / "w.duckdb"))
    days = dg.DailyPartitionsDefinition(start_date="2026-11-01")
    key = dg.AssetKey(["quarantine", "clicks"])

    def write(frame: pd.DataFrame, day: str) -> None:
        manager.handle_output(dg.build_output_context(asset_key=key, partition_key=day, asset_partitions_def=days), frame)

    empty = pd.DataFrame({"rule": pd.Series(dtype="string"), "_partition": pd.Series(dtype="float64")})
    write(empty, "2026-11-01")  # a full run where nothing was quarantined
    day = pd.DataFrame({"rule": ["invalid_timestamp"], "_partition": ["2026-11-05"]})
    write(day, "2026-11-05")
    write(day, "2026-11-05")  # the same day again: replaced, not duplicated
    with connect(str(tmp_path / "w.duckdb")) as con:
        assert con.sql("SELECT _partition, count(*) FROM quarantine.clicks GROUP BY 1").fetchall() == [("2026-11-05", 1)]


DECLARED = {"_error": "VARCHAR", "dq_flags": "VARCHAR", "date_of_birth": "DATE", "event_ts": "TIMESTAMPTZ",
            "quantity": "BIGINT", "amount": "DOUBLE", "skus": "VARCHAR[]", "_partition": "VARCHAR"}


def write_day(manager: DuckDBFrameIOManager, frame: pd.DataFrame, day: str, declared: dict | None = DECLARED) -> None:
    days = dg.DailyPartitionsDefinition(start_date="2026-11-01")
    metadata = {"dagster/column_schema": column_schema(declared)} if declared else {}
    manager.handle_output(dg.build_output_context(asset_key=["sources", "orders"], partition_key=day,
                                                  asset_partitions_def=days, definition_metadata=metadata), frame)


def day_frame(day: str, **values) -> pd.DataFrame:
    """One record of `day`; every declared column null unless given."""
    row = {c: None for c in DECLARED} | {"_partition": day} | values
    return pd.DataFrame([row], dtype=object)


def column_types(path, table: str) -> dict[str, str]:
    with connect(str(path)) as con:
        return {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()}


def test_a_first_delivery_with_no_values_still_creates_the_declared_types(tmp_path):
    """Issue 14, defect 1: a column all-null on the first day was typed "NULL" and refused later values."""
    manager = DuckDBFrameIOManager(path=str(tmp_path / "w.duckdb"))
    write_day(manager, day_frame("2026-11-01"), "2026-11-01")
    assert column_types(tmp_path / "w.duckdb", "sources.orders") == {
        "_error": "VARCHAR", "dq_flags": "VARCHAR", "date_of_birth": "DATE", "event_ts": "TIMESTAMP WITH TIME ZONE",
        "quantity": "BIGINT", "amount": "DOUBLE", "skus": "VARCHAR[]", "_partition": "VARCHAR"}
    later = day_frame("2026-11-02", _error="invalid_json: Unterminated string starting at: line 1 column 51",
                      dq_flags="email:invalid_syntax", date_of_birth=pd.Timestamp("1980-02-29"),
                      event_ts=pd.Timestamp("2026-11-02T10:00:00Z"), quantity=2, amount=39.99, skus=["A", "B"])
    write_day(manager, later, "2026-11-02")
    with connect(str(tmp_path / "w.duckdb")) as con:
        rows = con.execute("SELECT _partition, _error, dq_flags, CAST(date_of_birth AS VARCHAR), quantity, skus "
                           "FROM sources.orders ORDER BY 1").fetchall()
    assert rows == [("2026-11-01", None, None, None, None, None),
                    ("2026-11-02", "invalid_json: Unterminated string starting at: line 1 column 51",
                     "email:invalid_syntax", "1980-02-29", 2, ["A", "B"])]


def test_a_table_written_before_types_were_declared_is_repaired_on_the_next_write(tmp_path):
    """A warehouse from before the fix holds "NULL"-typed columns: the next write gives them their type."""
    path = tmp_path / "w.duckdb"
    with connect(str(path)) as con:
        con.execute("CREATE SCHEMA sources")
        con.execute("CREATE TABLE sources.orders AS SELECT NULL AS _error, NULL AS drifted, "
                    "TIMESTAMP '1980-02-29' AS date_of_birth, '2026-11-01' AS _partition")
    assert column_types(path, "sources.orders")["_error"] == '"NULL"'
    manager = DuckDBFrameIOManager(path=str(path))
    write_day(manager, day_frame("2026-11-02", _error="malformed_row: expected 5 fields, found 3", drifted="x"),
              "2026-11-02")
    types = column_types(path, "sources.orders")
    assert (types["_error"], types["drifted"], types["date_of_birth"]) == ("VARCHAR", "VARCHAR", "DATE")
    with connect(str(path)) as con:
        assert con.execute("SELECT count(*), count(_error), count(date_of_birth) FROM sources.orders").fetchall() \
            == [(2, 1, 1)], "nothing lost: the old day is kept, the new one added"


def test_an_undeclared_column_with_no_value_yet_is_text(tmp_path):
    path = tmp_path / "w.duckdb"
    manager = DuckDBFrameIOManager(path=str(path))
    write_day(manager, day_frame("2026-11-01", attr_note=None), "2026-11-01", declared=None)
    assert column_types(path, "sources.orders")["attr_note"] == "VARCHAR"
    write_day(manager, day_frame("2026-11-02", attr_note="gift"), "2026-11-02", declared=None)
    with connect(str(path)) as con:
        assert con.execute("SELECT attr_note FROM sources.orders ORDER BY _partition").fetchall() == [(None,), ("gift",)]

    # a snapshot (unpartitioned) table too
    @dg.asset(key=["staging", "snapshot"], metadata={"dagster/column_schema": column_schema({"dq_flags": "VARCHAR"})})
    def snapshot() -> pd.DataFrame:
        return pd.DataFrame({"dq_flags": [None], "attr_note": [None], "n": [1]}, dtype=object)

    assert dg.materialize([snapshot], resources={"io_manager": manager}).success
    assert column_types(path, "staging.snapshot") == {"dq_flags": "VARCHAR", "attr_note": "VARCHAR", "n": "INTEGER"}
