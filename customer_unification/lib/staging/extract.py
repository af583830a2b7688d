"""Pull each declared field out of a raw table, following the contract's column paths."""

import json

import pandas as pd

from customer_unification.lib.sources.contracts import FieldSpec


class FieldExtractor:
    """The raw text values of declared fields: a column, a constant, or every element of an array path.

    JSON arrays (e.g. an order's items) are parsed once per column, however many fields read them.
    """

    def __init__(self, raw: pd.DataFrame):
        self.raw = raw
        self._arrays: dict[str, pd.Series] = {}

    def values(self, spec: FieldSpec) -> pd.Series:
        if spec.value is not None:
            return pd.Series(str(spec.value), index=self.raw.index, dtype=object)
        column = spec.column or ""
        if "[]" not in column:
            return self.raw[column]
        array_column, _, item_path = column.partition("[].")
        items = self._array(array_column)
        path = item_path.split(".") if item_path else []
        return items.map(lambda elements: _join_items(elements, path, spec.join), na_action="ignore")

    def _array(self, column: str) -> pd.Series:
        if column not in self._arrays:
            self._arrays[column] = self.raw[column].map(_json_list, na_action="ignore")
        return self._arrays[column]


def _json_list(text: str) -> list | None:
    try:
        items = json.loads(text)
    except ValueError:
        return None
    return items if isinstance(items, list) else None


def _join_items(items: list | None, path: list[str], sep: str) -> str | None:
    """Every element's value at `path`, in order, joined with `sep`."""
    values = []
    for item in items or []:
        for part in path:
            item = item.get(part) if isinstance(item, dict) else None
        if item is not None and str(item).strip():
            values.append(str(item).strip())
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
