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
            if spec.split is not None:
                return map_distinct(self.raw[column], lambda text: _part(text, spec.split, spec.part))
            return self.raw[column]
        array_column, _, item_path = column.partition("[]")
        item_path = item_path.removeprefix(".")
        items = self._array(array_column)
        path = item_path.split(".") if item_path else []
        if spec.aggregate is not None:
            times = spec.times.partition("[]")[2].removeprefix(".").split(".") if spec.times else None
            return items.map(lambda elements: _aggregate(elements, path, times, spec.aggregate, spec.join),
                             na_action="ignore")
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


def _at(item, path: list[str]):
    for part in path:
        item = item.get(part) if isinstance(item, dict) else None
    return item


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", "")) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and number == number else None


def _aggregate(items: list | None, path: list[str], times: list[str] | None, how: str, sep: str) -> str | None:
    """One number from the elements (as text, for staging to parse like any amount). An element
    that is not a number (or lacks its quantity) gives the elements' raw values instead, so staging
    flags the field invalid rather than storing a total that leaves something out."""
    if items is None:
        return None
    if how == "count":
        return str(len(items))
    values, raw = [], []
    for item in items:
        value = _at(item, path)
        factor = _at(item, times) if times else 1
        raw.append(f"{value}x{factor}" if times else str(value))
        number, multiplier = _number(value), _number(factor)
        if number is None or multiplier is None:
            return sep.join(raw + ["?"])  # not a number: staging says `<field>:invalid`
        values.append(number * multiplier)
    if not values:
        return None
    result = {"sum": sum, "min": min, "max": max}[how](values)
    return repr(round(result, 10))


def _part(text: str, sep: str, index: int) -> str | None:
    """The index-th part of a value split on `sep`; a value without `sep` is part 0 only."""
    parts = [p.strip() for p in str(text).split(sep)]
    if len(parts) == 1:
        return parts[0] or None if index == 0 else None
    try:
        return parts[index] or None
    except IndexError:
        return None


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
