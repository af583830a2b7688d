"""The declared warehouse column types of a source's three tables: raw, staged and quarantined.

Tables are created from these types, never from the first frame written: DuckDB types a column
that held no value yet as "NULL", and such a column refuses every later value (an event source's
first day with no unparseable line would refuse the `_error` of any later day).
"""

from customer_unification.lib.sources.canonical import INPUT_FIELDS, STAGED_COLUMNS, FieldKind
from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.sources.readers import META_COLUMNS, PARTITION_COLUMN
from customer_unification.lib.staging.standardize import QUARANTINE_COLUMNS

TEXT, BIGINT, DOUBLE, DATE, TIMESTAMPTZ = "VARCHAR", "BIGINT", "DOUBLE", "DATE", "TIMESTAMPTZ"

_KIND_TYPES = {FieldKind.DATE: DATE, FieldKind.TIMESTAMP: TIMESTAMPTZ, FieldKind.AMOUNT: DOUBLE,
               FieldKind.INTEGER: BIGINT}


def raw_column_types(contract: SourceContract) -> dict[str, str]:
    """Raw records are text; only the line number is a number. Columns a file brings beyond the
    declared ones are text too (the IO manager's default)."""
    types = {c: TEXT for c in META_COLUMNS} | {"_line": BIGINT}
    declared = contract.key_columns + [spec.column.split("[]", 1)[0]
                                            for spec in contract.source_fields.values() if spec.column]
    types |= {c: TEXT for c in declared if c not in types}
    return _with_partition(types, contract)


def staged_column_types(contract: SourceContract) -> dict[str, str]:
    """The canonical schema's types (canonical.py), the contract's attributes as text."""
    types = _canonical_types() | {f"attr_{name}": TEXT for name in sorted(contract.attributes)}
    return _with_partition(types | _LINEAGE_TYPES, contract)


def unified_column_types() -> dict[str, str]:
    """staging.unified_records: every staged table's canonical columns and lineage (no attributes)."""
    return _canonical_types() | _LINEAGE_TYPES


_LINEAGE_TYPES = {"source_file": TEXT, "source_line": BIGINT}


def _canonical_types() -> dict[str, str]:
    return {c: _KIND_TYPES.get(INPUT_FIELDS.get(c), TEXT) for c in STAGED_COLUMNS} | {"loaded_at": TIMESTAMPTZ}


def quarantine_column_types(contract: SourceContract) -> dict[str, str]:
    types = {c: TEXT for c in QUARANTINE_COLUMNS} | {"source_line": BIGINT, "quarantined_at": TIMESTAMPTZ}
    return _with_partition(types, contract)


def _with_partition(types: dict[str, str], contract: SourceContract) -> dict[str, str]:
    return types | {PARTITION_COLUMN: TEXT} if contract.kind == "event" else types
