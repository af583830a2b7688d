"""Matching a table in a file: what `customer-unification match` runs.

Input: Parquet, CSV or JSON lines. Output: Parquet with the key columns plus customer_id,
match_confidence and matched_by. An optional state file (DuckDB) keeps the run - nodes, links,
model and ids - so the next run keeps customer ids stable and can link new records incrementally.
"""

import time
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb

from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.labels import read_labels
from customer_unification.lib.matching.resolve import (Resolution, previous_assignments, read_overrides, resolve,
                                                       resolve_in_place)

STATE_SCHEMA = "match"
IDENTITY_MAP = f"{STATE_SCHEMA}.identity_map"
_READERS = {".parquet": "read_parquet", ".csv": "read_csv_auto", ".jsonl": "read_json_auto",
            ".json": "read_json_auto", ".ndjson": "read_json_auto"}


def input_view(con: duckdb.DuckDBPyConnection, path: str | Path, name: str = "cu_input") -> str:
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"{path}: unsupported input (use {', '.join(sorted(_READERS))})")
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    quoted = str(path).replace("'", "''")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {reader}('{quoted}')")
    return name


def match_file(input_path: str | Path, config: MatchConfig, output_path: str | Path, *,
               state_path: str | Path | None = None, incremental: bool = False,
               overrides_path: str | Path | None = None, labels_path: str | Path | None = None,
               progress: Callable[[str], None] | None = None) -> Resolution:
    con = duckdb.connect(str(state_path) if state_path else ":memory:")
    try:
        source = input_view(con, input_path)
        has_previous = state_path is not None and con.sql(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'identity_map'",
            params=[STATE_SCHEMA]).fetchall()[0][0] > 0
        overrides = read_overrides(overrides_path) if overrides_path else None
        labels = read_labels(labels_path) if labels_path else None
        run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        if incremental and has_previous:  # rewrites only the rows it changes
            def export() -> None:
                with con.cursor() as cursor:
                    _write_parquet(cursor, IDENTITY_MAP, output_path)

            result = resolve_in_place(con, source, config, run_id=run_id, state_schema=STATE_SCHEMA,
                                      identity_map=IDENTITY_MAP, overrides=overrides, labels=labels, progress=progress,
                                      while_saving=export)
        else:
            previous = (previous_assignments(con.sql(f"SELECT * FROM {IDENTITY_MAP}").df(), config.key)
                        if has_previous else None)
            result = resolve(con, source, config, run_id=run_id, previous=previous,
                             state_schema=STATE_SCHEMA if state_path else None, incremental=incremental,
                             overrides=overrides, labels=labels, progress=progress)
            con.register("cu_identity_out", result.identity_map)
            if state_path:
                con.execute(f"CREATE OR REPLACE TABLE {IDENTITY_MAP} AS SELECT * FROM cu_identity_out")
            _write_parquet(con, IDENTITY_MAP if state_path else "cu_identity_out", output_path)
        if state_path:
            con.execute(f"CREATE TABLE IF NOT EXISTS {STATE_SCHEMA}.id_lineage AS "
                        "SELECT * FROM (SELECT NULL::VARCHAR run_id, NULL::VARCHAR old_customer_id, "
                        "NULL::VARCHAR new_customer_id, NULL::VARCHAR reason, NULL::BIGINT records) WHERE false")
            con.register("cu_lineage_out", result.ids.lineage)
            con.execute(f"INSERT INTO {STATE_SCHEMA}.id_lineage SELECT * FROM cu_lineage_out")
        return result
    finally:
        con.close()


def _write_parquet(con: duckdb.DuckDBPyConnection, table: str, path: str | Path) -> None:
    quoted = str(path).replace("'", "''")
    con.execute(f"COPY (SELECT * FROM {table}) TO '{quoted}' (FORMAT parquet)")
