"""Hand-built staged records for profile tests: the full staged schema, only the named values set."""

import duckdb

from customer_unification.lib.sources.canonical import INPUT_FIELDS, STAGED_COLUMNS, FieldKind

_TYPES = {FieldKind.DATE: "DATE", FieldKind.TIMESTAMP: "TIMESTAMPTZ", FieldKind.AMOUNT: "DOUBLE",
          FieldKind.INTEGER: "BIGINT"}
COLUMN_TYPES = {c: _TYPES.get(INPUT_FIELDS.get(c), "VARCHAR") for c in STAGED_COLUMNS}
COLUMN_TYPES.update(loaded_at="TIMESTAMPTZ", source_file="VARCHAR", source_line="BIGINT")

LOADED_AT = "2026-06-01 00:00:00+00"


def stage(con: duckdb.DuckDBPyConnection, rows: list[dict], *, records: str = "records",
          identity_map: str = "identity_map") -> None:
    """Create `records` (staged schema) and `identity_map` from rows.

    Each row names `source`, `id` (source_record_id), `customer` and any staged columns.
    """
    con.execute(f"CREATE OR REPLACE TABLE {records} ("
                + ", ".join(f"{c} {t}" for c, t in COLUMN_TYPES.items()) + ")")
    con.execute(f"CREATE OR REPLACE TABLE {identity_map} (source VARCHAR, source_record_id VARCHAR, "
                "customer_id VARCHAR, match_confidence DOUBLE, matched_by VARCHAR)")
    for row in rows:
        values = {k: v for k, v in row.items() if k not in ("id", "customer")}
        values["source_record_id"] = row["id"]
        values.setdefault("loaded_at", LOADED_AT)
        unknown = set(values) - set(COLUMN_TYPES)
        assert not unknown, f"not staged columns: {unknown}"
        cols = list(values)
        con.execute(f"INSERT INTO {records} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [values[c] for c in cols])
        if row.get("customer") is not None:
            con.execute(f"INSERT INTO {identity_map} VALUES (?, ?, ?, 1.0, 'test')",
                        [row["source"], row["id"], row["customer"]])


def remap(con: duckdb.DuckDBPyConnection, mapping: dict[tuple[str, str], str], *,
          identity_map: str = "identity_map") -> None:
    """Move records to other customers (an identity split or merge)."""
    for (source, record_id), customer in mapping.items():
        con.execute(f"UPDATE {identity_map} SET customer_id = ? WHERE source = ? AND source_record_id = ?",
                    [customer, source, record_id])
