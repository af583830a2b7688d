"""Metadata every table asset carries: row count, schema and a masked preview (never raw PII)."""

from collections.abc import Callable

import dagster as dg
import duckdb
import pandas as pd

from customer_unification.lib.quality.masking import masked_preview
from customer_unification.lib.sources.canonical import column_description
from customer_unification.lib.sources.readers import PARTITION_COLUMN
from customer_unification.resources.column_types import described_schema


def table_metadata(frame: pd.DataFrame, preview_columns: list[str] | None = None) -> dict:
    columns = preview_columns or [c for c in frame.columns if frame[c].notna().any()][:12]
    preview = masked_preview(frame, rows=5, columns=[c for c in columns if c in frame.columns])
    return {
        "dagster/row_count": len(frame),
        # the types DuckDB gives the frame; the IO manager replaces them with the stored table's
        "dagster/column_schema": frame_schema(frame),
        "preview (PII masked)": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "(empty)"),
    }


def frame_schema(frame: pd.DataFrame) -> dg.TableSchema:
    """The frame's columns in DuckDB's types (what a table created from it holds), described."""
    with duckdb.connect() as con:
        con.register("frame", frame)
        return described_schema(con.execute("DESCRIBE frame").fetchall(), column_description)


def counts_markdown(counts: dict[str, int], header: tuple[str, str]) -> dg.MetadataValue:
    rows = "\n".join(f"| {k} | {v:,} |" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    return dg.MetadataValue.md(f"| {header[0]} | {header[1]} |\n|---|---:|\n{rows}" if counts else "(none)")


def per_partition(context: dg.AssetExecutionContext, key: dg.AssetKey, frames: dict[str, pd.DataFrame],
                  build: Callable[..., dict]) -> None:
    """Each day partition of a run gets metadata built from its own rows (`build(**slices)`, the
    frames cut to the partition by their `_partition` column). Output metadata alone would give
    every partition of a multi-day run the totals of the whole range."""
    groups = {name: dict(tuple(frame.groupby(PARTITION_COLUMN, sort=False))) if len(frame) else {}
              for name, frame in frames.items()}
    for partition in context.partition_keys:
        slices = {name: groups[name].get(partition, frame.iloc[0:0]) for name, frame in frames.items()}
        metadata = build(**slices)
        metadata.pop("dagster/column_schema", None)  # the table's, as stored (IO manager): not a slice's guess
        context.add_asset_metadata(metadata, asset_key=key, partition_key=partition)


def table_value(frame: pd.DataFrame) -> dg.MetadataValue:
    """A small frame as table metadata (rendered as a table in the UI, typed columns)."""
    schema = frame_schema(frame)
    records = [dg.TableRecord({k: (None if v is None or v != v else v.item() if hasattr(v, "item") else v)
                               for k, v in row.items()}) for row in frame.to_dict("records")]
    return dg.MetadataValue.table(records=records, schema=schema)
