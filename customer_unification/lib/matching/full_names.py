"""A whole name in one column ("Kelly Neal", "Neal, Kelly", "MR J P O'NEILL", "John Smith Jr"),
split the way staging splits it (lib/normalize/names.py), for a table handed straight to the
engine with a `full_name` role. Each distinct value is parsed once; a record's own first-name,
surname or suffix column, where mapped and filled, wins over the split.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from customer_unification.lib.normalize.names import parse_full_name

TABLE = "cu_full_names"  # (cu_full_raw, cu_full_first, cu_full_last, cu_full_suffix)


def register_full_names(con: duckdb.DuckDBPyConnection, source: str, column: str) -> None:
    """Create `cu_full_names` for the distinct values of `column` (quoted) in `source`."""
    raw = con.sql(f"SELECT DISTINCT CAST({column} AS VARCHAR) AS v FROM {source} "
                  f"WHERE {column} IS NOT NULL").fetchnumpy()["v"]
    parts = [parse_full_name(value) for value in raw]
    con.register("cu_full_names_in", pd.DataFrame({
        "cu_full_raw": list(raw), "cu_full_first": [p.first for p in parts],
        "cu_full_last": [p.last for p in parts], "cu_full_suffix": [p.suffix for p in parts]}, dtype=object))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {TABLE} AS SELECT * FROM cu_full_names_in")
    con.unregister("cu_full_names_in")
