"""Identity resolution end to end: match records, keep customer ids stable, record the lineage.

The one entry point the identity assets and `customer-unification match` share. A full run
re-scores everything; an incremental run (`incremental=True`) links only records the saved state
has not seen. Either way the previous run's ids carry over (stable_ids) and every merge, split,
creation and retirement lands in the lineage.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.engine import (KEY_SEPARATOR, MatchResult, match_new_records,
                                                      match_records, save_run)
from customer_unification.lib.matching.stable_ids import StableIdResult, assign_stable_ids

OVERRIDE_DECISIONS = ("must_link", "must_not_link")


@dataclass
class Resolution:
    identity_map: pd.DataFrame  # key columns, customer_id, match_confidence, matched_by
    match: MatchResult
    ids: StableIdResult


def split_record_key(record_keys: pd.Series, key: list[str]) -> pd.DataFrame:
    """Key columns back from `a|b` record keys (only the last key column may contain '|')."""
    if len(key) == 1:
        return pd.DataFrame({key[0]: record_keys.to_numpy()})
    parts = record_keys.str.split(KEY_SEPARATOR, n=len(key) - 1, expand=True, regex=False)
    parts.columns = key
    return parts


def read_overrides(path: str | Path) -> pd.DataFrame:
    """Steward decisions from CSV: left, right (record keys like `crm_contacts|C1000001`),
    decision (must_link / must_not_link), optional reason. Bad rows are an error naming the line."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    missing = {"left", "right", "decision"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: overrides need columns left, right, decision (missing {sorted(missing)})")
    frame["decision"] = frame["decision"].str.strip().str.lower()
    bad = frame[~frame["decision"].isin(OVERRIDE_DECISIONS) | (frame["left"].str.strip() == "")
                | (frame["right"].str.strip() == "")]
    if not bad.empty:
        line = int(bad.index[0]) + 2  # header is line 1
        raise ValueError(f"{path}: line {line}: decision must be one of {OVERRIDE_DECISIONS} and both "
                         f"records given (got {bad.iloc[0]['decision']!r})")
    return frame


def resolve(con: duckdb.DuckDBPyConnection, source: str, config: MatchConfig, *, run_id: str,
            previous: pd.DataFrame | None = None, state_schema: str | None = None,
            incremental: bool = False, overrides: pd.DataFrame | None = None,
            progress: Callable[[str], None] | None = None) -> Resolution:
    """Match `source`, carry ids over from `previous` (record_key, customer_id), save the state.

    `incremental`: link only records missing from the state saved in `state_schema`.
    """
    if incremental:
        if state_schema is None:
            raise ValueError("an incremental run needs the state of a previous run")
        result = match_new_records(con, source, config, state_schema, overrides=overrides, progress=progress)
    else:
        result = match_records(con, source, config, overrides=overrides, progress=progress)
    clusters = result.assignments[["record_key", "cluster"]]
    ids = assign_stable_ids(clusters, previous, run_id)
    if state_schema is not None:
        save_run(con, config, result, state_schema, incremental=incremental)
    identity = split_record_key(result.assignments["record_key"], config.key)
    identity["customer_id"] = ids.assignments["customer_id"].to_numpy()
    identity["match_confidence"] = result.assignments["match_confidence"].to_numpy()
    identity["matched_by"] = result.assignments["matched_by"].to_numpy()
    return Resolution(identity_map=identity, match=result, ids=ids)


def previous_assignments(identity_map: pd.DataFrame | None, key: list[str]) -> pd.DataFrame | None:
    """(record_key, customer_id) from a saved identity map, for stable ids."""
    if identity_map is None or identity_map.empty:
        return None
    keys = identity_map[key].astype(str)
    record_key = keys[key[0]] if len(key) == 1 else keys.agg(KEY_SEPARATOR.join, axis=1)
    return pd.DataFrame({"record_key": record_key.to_numpy(), "customer_id": identity_map["customer_id"].to_numpy()})
