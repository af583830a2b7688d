"""The suppression list: keyed hashes of the identifiers of people who asked to be forgotten.

`governance.suppression_list` holds only `kind` + HMAC-SHA256 of the normalised identifier, so it
contains no personal data, yet staging can recognise a re-delivered record of a forgotten person
and drop it before it is stored (`drop_suppressed`). The list is only read or extended with the
key that hashed it (its fingerprint is stored beside it: key_fingerprint.py); any other key fails.
"""

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from customer_unification.lib.governance.identifiers import (IDENTIFIER_COLUMNS, KEY_SEPARATOR, RECORD_KIND,
                                                            IdentifierHasher, normalized)
from customer_unification.lib.governance.key_fingerprint import check_key, record_key
from customer_unification.lib.governance.quarantine import quarantine_identifiers
from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.staging.standardize import StagingResult

SCHEMA = "governance"
SUPPRESSION_TABLE = f"{SCHEMA}.suppression_list"


@dataclass(frozen=True)
class Suppression:
    """The suppression list in memory: kind -> identifier hashes (small: one entry per identifier)."""

    hasher: IdentifierHasher
    hashes: dict[str, frozenset[str]]

    @classmethod
    def of(cls, hasher: IdentifierHasher, identifiers: pd.DataFrame) -> "Suppression":
        """A list of these (kind, value) rows only (one person's, say), hashed as the stored list is."""
        hashes: dict[str, set[str]] = {}
        for kind, value in zip(identifiers["kind"], identifiers["value"]):
            hashes.setdefault(str(kind), set()).add(hasher.hash(str(kind), str(value)))
        return cls(hasher, {k: frozenset(v) for k, v in hashes.items()})

    @property
    def empty(self) -> bool:
        return not any(self.hashes.values())

    def matches(self, kind: str, values: pd.Series) -> pd.Series:
        """Which `values` (normalised identifiers of `kind`) are on the list; each distinct value hashed once."""
        wanted = self.hashes.get(kind)
        if not wanted:
            return pd.Series(False, index=values.index)
        hits = [v for v in values.dropna().unique() if self.hasher.hash(kind, str(v)) in wanted]
        return values.isin(hits)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(f"""CREATE TABLE IF NOT EXISTS {SUPPRESSION_TABLE} (
        kind VARCHAR NOT NULL, identifier_hash VARCHAR NOT NULL, request_id VARCHAR NOT NULL,
        added_at TIMESTAMPTZ NOT NULL)""")


def load_suppression(con: duckdb.DuckDBPyConnection, hasher: IdentifierHasher) -> Suppression:
    """The list as stored; empty (one catalog lookup, nothing else) when nobody was ever forgotten.
    Raises SuppressionKeyMismatch when `hasher`'s key is not the one the list was hashed with."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                         SUPPRESSION_TABLE.split(".")).fetchall()[0][0]
    rows = con.execute(f"SELECT kind, identifier_hash FROM {SUPPRESSION_TABLE}").fetchall() if exists else []
    if rows:
        check_key(con, hasher)  # another key would match nobody: forgotten people would come back
    hashes: dict[str, set[str]] = {}
    for kind, digest in rows:
        hashes.setdefault(kind, set()).add(digest)
    return Suppression(hasher, {k: frozenset(v) for k, v in hashes.items()})


def add_to_list(con: duckdb.DuckDBPyConnection, hasher: IdentifierHasher, identifiers: pd.DataFrame,
                request_id: str, now: dt.datetime) -> int:
    """Add (kind, value) rows as hashes, skipping any already listed; returns how many were new.
    Raises SuppressionKeyMismatch rather than mix hashes of two keys in one list."""
    create_tables(con)
    record_key(con, hasher)
    rows = pd.DataFrame({
        "kind": identifiers["kind"].astype(str),
        "identifier_hash": [hasher.hash(k, str(v)) for k, v in zip(identifiers["kind"], identifiers["value"])],
        "request_id": request_id, "added_at": pd.Timestamp(now),
    }).drop_duplicates(["kind", "identifier_hash"])
    con.register("gov_new_hashes", rows)
    try:
        return con.execute(f"""INSERT INTO {SUPPRESSION_TABLE}
            SELECT * FROM gov_new_hashes n WHERE NOT EXISTS (SELECT 1 FROM {SUPPRESSION_TABLE} s
              WHERE s.kind = n.kind AND s.identifier_hash = n.identifier_hash)""").fetchall()[0][0]
    finally:
        con.unregister("gov_new_hashes")


def suppressed_rows(staged: pd.DataFrame, suppression: Suppression) -> pd.Series:
    """Staged rows (canonical columns) whose record key or any identifier is on the list."""
    mask = _listed_records(staged, suppression)
    for kind, column in IDENTIFIER_COLUMNS.items():
        if column in staged.columns and suppression.hashes.get(kind):
            mask |= suppression.matches(kind, staged[column])
    return mask


def suppressed_quarantine_rows(quarantine: pd.DataFrame, suppression: Suppression,
                               contract: SourceContract | None) -> pd.Series:
    """Quarantined rows whose record key, or an identifier in their raw record, is on the list."""
    found = quarantine_identifiers(quarantine, contract)
    hit = pd.Series(False, index=found.index)
    for kind, values in found.groupby("kind")["value"]:
        hit[values.index] = suppression.matches(str(kind), values)
    rows = set(found.loc[hit, "row"])
    by_identifier = pd.Series([i in rows for i in range(len(quarantine))], index=quarantine.index, dtype=bool)
    return by_identifier | _listed_records(quarantine, suppression)


def suppressed_raw_rows(raw: pd.DataFrame, suppression: Suppression, contract: SourceContract) -> pd.Series:
    """Raw rows (as read, before staging) of forgotten people, so the raw layer never stores them again.

    The same tests staging applies, on the raw columns: the record key as staging makes it (its
    `record_key` columns, else its `fallback_key` digest), and each identifier the contract maps,
    normalised as staging normalises it (each distinct value once, and only kinds on the list); a
    line that could not be parsed (`_raw`) by the tokens of its text, as for quarantined rows.
    """
    # not at import: heavy
    from customer_unification.lib.staging.extract import FieldExtractor, map_distinct
    from customer_unification.lib.staging.record_keys import record_keys

    mask = pd.Series(False, index=raw.index)
    if suppression.empty or raw.empty:
        return mask
    if suppression.hashes.get(RECORD_KIND) and all(k in raw.columns for k in (*contract.record_key, *contract.fallback_key)):
        key = record_keys(raw, contract).key
        mask |= suppression.matches(RECORD_KIND, contract.name + KEY_SEPARATOR + key).fillna(False).astype(bool)
    fields = FieldExtractor(raw)
    region = contract.conventions.phone_region
    for kind in IDENTIFIER_COLUMNS:
        spec = contract.fields.get(kind)
        if spec is None or not suppression.hashes.get(kind) or (spec.column and spec.column.split("[]")[0] not in raw):
            continue
        values = map_distinct(fields.values(spec), lambda v, kind=kind: normalized(kind, v, region))
        mask |= suppression.matches(kind, values)
    if "_raw" in raw.columns and raw["_raw"].notna().any():  # unparsed lines: their text's tokens
        broken = raw.loc[raw["_raw"].notna(), ["_raw"]].rename(columns={"_raw": "raw_record"})
        hit = suppressed_quarantine_rows(broken.reset_index(drop=True), suppression, None)
        mask.loc[broken.index[hit.to_numpy()]] = True
    return mask


def _listed_records(frame: pd.DataFrame, suppression: Suppression) -> pd.Series:
    if not suppression.hashes.get(RECORD_KIND) or "source_record_id" not in frame.columns:
        return pd.Series(False, index=frame.index)
    keys = frame["source"].astype(object) + KEY_SEPARATOR + frame["source_record_id"].astype(object)
    return suppression.matches(RECORD_KIND, keys).fillna(False).astype(bool)


def drop_suppressed(result: StagingResult, suppression: Suppression,
                    contract: SourceContract) -> tuple[StagingResult, int]:
    """`result` without the rows of forgotten people, and how many rows that was.

    Applied before anything is stored, so a re-delivered record can neither rebuild a profile nor
    land in quarantine with its personal data.
    """
    if suppression.empty:  # the usual case: no hashing at all
        return result, 0
    clean = suppressed_rows(result.clean, suppression)
    quarantined = suppressed_quarantine_rows(result.quarantine, suppression, contract)
    dropped = int(clean.sum() + quarantined.sum())
    if not dropped:
        return result, 0
    return StagingResult(clean=result.clean[~clean].reset_index(drop=True),
                         quarantine=result.quarantine[~quarantined].reset_index(drop=True),
                         field_issues=result.field_issues), dropped  # issue counts: all rows read
