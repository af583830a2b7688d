import subprocess
import sys
import time

import dagster as dg
import duckdb
import pandas as pd
import pytest

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
