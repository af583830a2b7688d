"""Metadata every table asset carries: row count, schema and a masked preview (never raw PII)."""

import dagster as dg
import pandas as pd

from customer_unification.lib.quality.masking import masked_preview
from customer_unification.lib.sources.canonical import column_description


def table_metadata(frame: pd.DataFrame, preview_columns: list[str] | None = None) -> dict:
    columns = preview_columns or [c for c in frame.columns if frame[c].notna().any()][:12]
    preview = masked_preview(frame, rows=5, columns=[c for c in columns if c in frame.columns])
    return {
        "dagster/row_count": len(frame),
        "dagster/column_schema": dg.TableSchema(columns=[
            dg.TableColumn(name=str(c), type=_type_name(t), description=column_description(str(c)))
            for c, t in frame.dtypes.items()
        ]),
        "preview (PII masked)": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "(empty)"),
    }


def counts_markdown(counts: dict[str, int], header: tuple[str, str]) -> dg.MetadataValue:
    rows = "\n".join(f"| {k} | {v:,} |" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    return dg.MetadataValue.md(f"| {header[0]} | {header[1]} |\n|---|---:|\n{rows}" if counts else "(none)")


def _type_name(dtype) -> str:
    """Warehouse-style names instead of numpy's ('object' says nothing to a reader)."""
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamp (UTC)" if getattr(dtype, "tz", None) is not None else "date"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "decimal"
    return "text"
