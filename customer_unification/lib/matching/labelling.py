"""A labelling session: the records to label, the pairs to ask about, and how a pair is shown.

`customer-unification label` runs the engine with the labels so far, asks about the pairs a
label would teach it most (labels.informative_pairs) and shows each pair side by side, masked
unless the steward asks to see the values.
"""

from pathlib import Path

import duckdb
import pandas as pd

from customer_unification.lib.matching.config import ROLES, MatchConfig
from customer_unification.lib.matching.engine import (KEY_SEPARATOR, MatchResult, comparison_specs, match_records,
                                                      record_key_sql)
from customer_unification.lib.matching.labels import informative_pairs
from customer_unification.lib.quality.masking import mask_value

ANSWERS = {"y": "match", "n": "non_match", "u": "unsure"}


def warehouse_records(con: duckdb.DuckDBPyConnection, warehouse: str | Path,
                      table: str = "staging.unified_records", name: str = "cu_input") -> str:
    """A view of the staged records of the warehouse, attached read-only (a run may be writing)."""
    path = Path(warehouse)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run the pipeline first (make demo), or give --input")
    quoted = str(path).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS cu_warehouse (READ_ONLY)")
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM cu_warehouse.{table}")
    except duckdb.Error as exc:
        raise LookupError(f"cannot read {table} from {path}: {exc}") from exc
    return name


def questions(con: duckdb.DuckDBPyConnection, source: str, config: MatchConfig, labels: pd.DataFrame | None,
              count: int, progress=None) -> tuple[MatchResult, pd.DataFrame]:
    """Run the engine with the labels so far; the next `count` pairs worth asking about."""
    result = match_records(con, source, config, labels=labels, progress=progress)
    asked = informative_pairs(con, comparison_specs(config), config.clustering.threshold, count, labelled=labels)
    return result, asked


def pair_card(con: duckdb.DuckDBPyConnection, source: str, config: MatchConfig, left: str, right: str,
              show: bool = False) -> str:
    """The two records side by side, one mapped role per line (masked unless `show`)."""
    roles = [(role, config.input_column(role)) for role in ROLES if role in config.columns]
    present = set(con.sql(f"SELECT * FROM {source} LIMIT 0").columns)
    roles = [(role, column) for role, column in roles if column in present]
    # dates as dates: a midnight time on a birth date is noise to a reader
    select = ", ".join(f'regexp_replace(CAST("{column}" AS VARCHAR), \' 00:00:00$\', \'\') AS "{role}"'
                       for role, column in roles)
    rows = con.sql(f"SELECT {record_key_sql(config)} AS record_key, {select} FROM {source} "
                   f"WHERE {record_key_sql(config)} IN (?, ?)", params=[left, right]).df()
    by_key = rows.drop_duplicates("record_key").set_index("record_key")
    width = max([len(r) for r, _ in roles] + [6])
    keys = [left, right] if show else [_masked_key(left), _masked_key(right)]
    lines = [f"{'record':<{width}}  {keys[0]:<32}  {keys[1]}"]
    for role, _ in roles:
        values = [by_key.at[key, role] if key in by_key.index else None for key in (left, right)]
        if all(v is None or v != v for v in values):
            continue
        shown = [("" if v is None or v != v else str(v) if show else mask_value(v) or "") for v in values]
        lines.append(f"{role:<{width}}  {shown[0]:<32}  {shown[1]}")
    return "\n".join(lines)


def _masked_key(key: str) -> str:
    """The source in clear, the rest masked: some sources are keyed by a handle or an email."""
    source, separator, rest = key.partition(KEY_SEPARATOR)
    return source + separator + (mask_value(rest) or "") if separator else mask_value(key) or ""
