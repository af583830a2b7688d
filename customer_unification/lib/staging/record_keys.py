"""The key of each raw record: its `record_key` columns, or else its `fallback_key`.

`record_key` is the source's own id (composite keys joined with '|'), kept as written. A row
without one (a hand-kept sheet's row typed without its number, or every row of a source that has
no ids at all) is keyed by the columns of `fallback_key`, e.g. [last_name, first_name, zip]:

    fallback-<16 hex digits>   a SHA-256 digest of the values, each trimmed, accents folded and
                               case folded, so the same row gives the same key in every delivery

The digest, never the values: a key made of a name and a postcode would put them in every table,
log and UI page that shows a record key. Two rows with the same values get the same key (the second
is quarantined as `duplicate_record_key`, as a repeated id is); a row missing any fallback value has
no key (`missing_record_key`). Dagster-free.
"""

import hashlib
from dataclasses import dataclass

import pandas as pd

from customer_unification.lib.normalize import ascii_fold, clean_text
from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.staging import limits
from customer_unification.lib.staging.extract import map_distinct

KEY_SEPARATOR = "|"
FALLBACK_PREFIX = "fallback-"
FALLBACK_DIGITS = 16  # 64 bits: a chance collision needs billions of rows in one source
_PART_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class RecordKeys:
    key: pd.Series  # the key as text; None where the row has none (missing or too long)
    missing: pd.Series  # no record_key value and no complete fallback key
    too_long: pd.Series  # a record_key value longer than limits.FIELD_LIMIT (never cut)
    fallback: pd.Series  # the key is the fallback one

    @property
    def fallback_rows(self) -> int:
        return int((self.fallback & self.key.notna()).sum())


def record_keys(raw: pd.DataFrame, contract: SourceContract) -> RecordKeys:
    """Every raw row's key (see module docstring); `raw` has the contract's key columns."""
    index = raw.index
    natural = _joined([trimmed(raw[c]) for c in contract.record_key], KEY_SEPARATOR, index) if contract.record_key \
        else pd.Series([None] * len(index), index=index, dtype=object)
    too_long = pd.Series(False, index=index)
    for column in contract.record_key:
        too_long |= limits.too_long(trimmed(raw[column]), limits.FIELD_LIMIT)
    key = natural.where(~too_long, None)
    fallback = pd.Series(False, index=index)
    if contract.fallback_key:
        needed = natural.isna() & ~too_long
        if needed.any():
            parts = [map_distinct(raw.loc[needed, c], fallback_part) for c in contract.fallback_key]
            digests = _joined(parts, _PART_SEPARATOR, needed[needed].index).map(_digest, na_action="ignore")
            key = key.astype(object)
            key.loc[digests.index] = digests
            fallback.loc[digests.index] = digests.notna()
    missing = key.isna() & ~too_long
    return RecordKeys(key=key.astype(object).where(key.notna(), None), missing=missing, too_long=too_long,
                      fallback=fallback)


def fallback_key(values: list) -> str | None:
    """The fallback key of one row's fallback values (in fallback_key's order); None if one is empty."""
    parts = [fallback_part(v) for v in values]
    return None if any(p is None for p in parts) else _digest(_PART_SEPARATOR.join(parts))


def fallback_part(value) -> str | None:
    """A fallback value as it is digested: cleaned, accents and case folded ('  JOSÉ ' -> 'jose')."""
    text = clean_text(value)
    return None if text is None else ascii_fold(text).casefold()


def describe(contract: SourceContract) -> str:
    """How the key is declared, for reasons and metadata: `id`, `NAME+ZIP`, `No., else fallback Name+Email`."""
    natural = "+".join(contract.record_key)
    fallback = "+".join(contract.fallback_key)
    if not fallback:
        return natural
    return f"{natural}, else fallback {fallback}" if natural else f"fallback {fallback}"


def trimmed(values: pd.Series) -> pd.Series:
    """A record_key value: whitespace trimmed, empty -> None (vectorised: keys are mostly distinct)."""
    text = values.astype(object).where(values.isna(), values.astype(str).str.strip())
    return text.where(text.notna() & (text != ""), None)


def _joined(parts: list[pd.Series], separator: str, index: pd.Index) -> pd.Series:
    """Parts joined row by row; None where any part is None."""
    missing = pd.concat([p.isna() for p in parts], axis=1).any(axis=1)
    joined = parts[0].astype(object)
    for part in parts[1:]:
        joined = joined + separator + part
    return joined.where(~missing, None).reindex(index)


def _digest(joined: str) -> str:
    return FALLBACK_PREFIX + hashlib.sha256(joined.encode("utf-8")).hexdigest()[:FALLBACK_DIGITS]
