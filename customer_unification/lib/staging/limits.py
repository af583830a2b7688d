"""The longest value a staged field may hold.

No real name, identifier, contact point or address part is longer than FIELD_LIMIT; a longer value
is a runaway quote that swallowed its neighbours, a pasted document or an attack, and a database
column or an export downstream would cut it silently. Such a value is dropped from its row and
flagged `<field>:longer_than_<limit>` (the row is kept); a record key is never cut or dropped,
so a longer one quarantines the row. Parsed kinds (dates, amounts, codes) have no limit here:
their own rules already reject what they cannot read.
"""

import re

import numpy as np
import pandas as pd

from customer_unification.lib.sources.canonical import FieldKind

FIELD_LIMIT = 255
TEXT_LIMIT = 1_000  # free text (an order's categories joined) and source-specific attributes
_PARSED = {FieldKind.DATE, FieldKind.TIMESTAMP, FieldKind.AMOUNT, FieldKind.INTEGER, FieldKind.CONSENT,
           FieldKind.ENUM}


def limit_for(kind: FieldKind | None) -> int | None:
    """Characters a field of `kind` may hold (None: an attribute); None for parsed kinds."""
    if kind is None or kind is FieldKind.TEXT:
        return TEXT_LIMIT
    return None if kind in _PARSED else FIELD_LIMIT


def too_long(values: pd.Series, limit: int) -> pd.Series:
    """True where a text value has more than `limit` characters (a plain loop: 4x pandas' .str.len)."""
    lengths = np.fromiter((len(v) if type(v) is str else 0 for v in values.to_numpy()), dtype=np.int64,
                          count=len(values))
    return pd.Series(lengths > limit, index=values.index)


def flag(field: str, limit: int) -> str:
    return f"{field}:longer_than_{limit}"


# C0 and C1 control characters and DEL, but tab, line feed and carriage return (multi-line
# addresses and notes have those): staging turns them into spaces, so the value it keeps differs
# from the one delivered - flagged `<field>:control_characters`, never changed silently.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(values: pd.Series) -> pd.Series:
    """True where a text value holds a control character. One regex pass over all the values
    joined settles the common case (none at all) in C; only then are values looked at one by one."""
    texts = [v for v in values.to_numpy() if type(v) is str]
    if not texts or _CONTROL.search("\n".join(texts)) is None:
        return pd.Series(False, index=values.index)
    found = np.fromiter((type(v) is str and _CONTROL.search(v) is not None for v in values.to_numpy()),
                        dtype=bool, count=len(values))
    return pd.Series(found, index=values.index)


def control_flag(field: str) -> str:
    return f"{field}:control_characters"
