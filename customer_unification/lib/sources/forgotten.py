"""Raw rows of forgotten people, for a source whose rows may be keyed by a fallback key.

The suppression list holds forgotten records as `source|record key`. lib/governance's
suppressed_raw_rows makes a raw row's key from its `record_key` columns only, so it cannot make
a fallback key (a digest, lib/staging/record_keys.py) and has nothing to join for a source without
`record_key`. For a source with a `fallback_key`, the record keys are made here - exactly as staging
makes them - and everything else (identifiers, unparsed lines) is tested by suppressed_raw_rows.
Dagster-free.
"""

import dataclasses

import pandas as pd

from customer_unification.lib.governance.identifiers import KEY_SEPARATOR, RECORD_KIND
from customer_unification.lib.governance.suppression import Suppression, suppressed_raw_rows
from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.staging.record_keys import record_keys


def forgotten_raw_rows(raw: pd.DataFrame, suppression: Suppression, contract: SourceContract) -> pd.Series:
    """True for the raw rows of people on the suppression list (by record key, fallback key or identifier)."""
    if not contract.fallback_key:
        return suppressed_raw_rows(raw, suppression, contract)
    others = dataclasses.replace(suppression, hashes={k: v for k, v in suppression.hashes.items() if k != RECORD_KIND})
    by_identifier = suppressed_raw_rows(raw, others, contract)
    if not suppression.hashes.get(RECORD_KIND) or raw.empty:
        return by_identifier
    keys = contract.name + KEY_SEPARATOR + record_keys(raw, contract).key
    return by_identifier | suppression.matches(RECORD_KIND, keys).fillna(False).astype(bool)
