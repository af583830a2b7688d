"""Pull each declared field out of a raw table, following the contract's column paths."""

import json

import pandas as pd

from customer_unification.lib.sources.contracts import FieldSpec


def extract_field(raw: pd.DataFrame, spec: FieldSpec) -> pd.Series:
    """The raw text values of one field: a column, a constant, or every element of an array path."""
    if spec.value is not None:
        return pd.Series(str(spec.value), index=raw.index, dtype=object)
    column = spec.column or ""
    if "[]" not in column:
        return raw[column]
    array_column, _, item_path = column.partition("[].")
    return raw[array_column].map(lambda text: _join_items(text, item_path, spec.join), na_action="ignore")


def _join_items(text: str, item_path: str, sep: str) -> str | None:
    """Distinct values (first-seen order) of `item_path` over a JSON array's elements."""
    try:
        items = json.loads(text)
    except ValueError:
        return None
    values: dict[str, None] = {}
    for item in items if isinstance(items, list) else []:
        for part in item_path.split(".") if item_path else []:
            item = item.get(part) if isinstance(item, dict) else None
        if item is not None and str(item).strip():
            values.setdefault(str(item).strip(), None)
    return sep.join(values) if values else None


def map_distinct(series: pd.Series, func) -> pd.Series:
    """Apply `func` once per distinct non-null value (values repeat a lot in customer data)."""
    present = series.dropna()
    if present.empty:
        return nulls(series.index)
    lookup = {value: func(value) for value in present.unique()}
    return series.map(lookup, na_action="ignore").astype(object).where(series.notna(), None)


def nulls(index: pd.Index) -> pd.Series:
    """An all-None object column (`pd.Series(None, dtype=object)` would hold NaN)."""
    return pd.Series([None] * len(index), index=index, dtype=object)
