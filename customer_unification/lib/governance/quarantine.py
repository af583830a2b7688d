"""Identifiers in quarantined rows, which keep only the raw record (`raw_record`), not staged columns.

A parsed record (JSON of raw columns) is read through the source contract: the columns mapped to
identifier fields, normalised exactly as staging normalises them. A line that could not be parsed
(or a source without a contract) has no columns: every token is tried as every kind, which can only
over-match - acceptable for rows that were rejected anyway.
"""

import json
import re

import pandas as pd

from customer_unification.lib.governance.identifiers import KINDS, normalized
from customer_unification.lib.sources.contracts import SourceContract

_TOKEN_SPLIT = re.compile(r'[,;\t|"{}\[\]]+')


def quarantine_identifiers(quarantine: pd.DataFrame, contract: SourceContract | None) -> pd.DataFrame:
    """(row, kind, value): normalised identifier values per quarantined row (row = position)."""
    columns = _identifier_columns(contract)
    region = contract.conventions.phone_region if contract else "US"
    found = []
    for row, text in enumerate(quarantine["raw_record"] if "raw_record" in quarantine else []):
        record = _json_object(text)
        if record is not None and columns:
            pairs = [(kind, _lookup(record, column)) for kind, column in columns.items()]
        else:
            pairs = [(kind, token) for token in _tokens(text, record) for kind in KINDS]
        for kind, raw in pairs:
            value = normalized(kind, raw, region, guessing=not columns or record is None)
            if value:
                found.append((row, kind, value))
    return pd.DataFrame(found, columns=["row", "kind", "value"]).drop_duplicates(ignore_index=True)


def _identifier_columns(contract: SourceContract | None) -> dict[str, str]:
    """kind -> raw column, for identifier fields mapped to a plain column (not a constant or array)."""
    if contract is None:
        return {}
    columns = {}
    for kind in KINDS:
        spec = contract.fields.get(kind)
        if spec is not None and spec.column and "[]" not in spec.column:
            columns[kind] = spec.column
    return columns


def _json_object(text) -> dict | None:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _lookup(record: dict, column: str):
    """A flattened column (`customer.email`) or the same path in a nested record."""
    if column in record:
        return record[column]
    value = record
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _tokens(text, record: dict | None) -> set[str]:
    if record is not None:
        return {str(v).strip() for v in _leaves(record)} - {""}
    return {t.strip(" :") for t in _TOKEN_SPLIT.split(str(text or ""))} - {""}


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    elif value is not None:
        yield value
