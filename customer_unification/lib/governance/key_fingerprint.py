"""Which key hashed the suppression list: a fingerprint of it, stored beside the list, checked on every use.

The list holds only keyed hashes, so a list read with another key matches nobody: forgotten people
would silently come back (a development install that made its list with the old public default key
and now uses its generated key; a production deployment whose CU_SUPPRESSION_KEY was rotated). The
raw identifiers are gone, so the list cannot be re-hashed under a new key: the platform fails closed
instead, and says which key the list needs.

The fingerprint is the key's own hash of a fixed label (`governance.suppression_key_fingerprint`),
never the key: it tells keys apart and reveals nothing an entry of the list does not. The public
development key's fingerprint is known, so a list made with it is named as such.
"""

import datetime as dt
import os
from collections.abc import Callable

import duckdb

from customer_unification.lib.governance.identifiers import KEY_ENV, LOCAL_KEY, IdentifierHasher, SuppressionKeyError

SCHEMA = "governance"
LIST_TABLE = f"{SCHEMA}.suppression_list"
FINGERPRINT_TABLE = f"{SCHEMA}.suppression_key_fingerprint"
ADOPT_COMMAND = "customer-unification suppression-key --adopt"
_LABEL = ("key_fingerprint", "customer-unification suppression list")
_SHOWN = 16  # hex digits of a fingerprint shown in messages

HashIdentifier = Callable[[str, str], str]


class SuppressionKeyMismatch(SuppressionKeyError):
    """The key in use is not the one the suppression list was hashed with (or that one is unknown)."""


def fingerprint(hasher: IdentifierHasher | HashIdentifier) -> str:
    """The key's fingerprint: its HMAC of a fixed label (hex)."""
    hash_identifier = hasher.hash if isinstance(hasher, IdentifierHasher) else hasher
    return hash_identifier(*_LABEL)


PUBLIC_KEY_FINGERPRINT = fingerprint(IdentifierHasher(LOCAL_KEY.encode()))


def recorded_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    if not _exists(con, FINGERPRINT_TABLE):
        return None
    rows = con.execute(f"SELECT fingerprint FROM {FINGERPRINT_TABLE} ORDER BY recorded_at LIMIT 1").fetchall()
    return rows[0][0] if rows else None


def listed_entries(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"SELECT count(*) FROM {LIST_TABLE}").fetchall()[0][0] if _exists(con, LIST_TABLE) else 0


def check_key(con: duckdb.DuckDBPyConnection, hasher: IdentifierHasher | HashIdentifier) -> None:
    """Raise SuppressionKeyMismatch unless the list is empty or was hashed with this key."""
    entries = listed_entries(con)
    if not entries:
        return
    recorded, in_use = recorded_fingerprint(con), fingerprint(hasher)
    if recorded is None:
        raise SuppressionKeyMismatch(_unknown_key(con, entries))
    if recorded != in_use:
        raise SuppressionKeyMismatch(_other_key(entries, recorded, in_use))


def record_key(con: duckdb.DuckDBPyConnection, hasher: IdentifierHasher | HashIdentifier) -> None:
    """Before hashes are added: the list must be this key's (checked), and says so from its first entry."""
    check_key(con, hasher)
    if recorded_fingerprint(con) is None:
        _store(con, fingerprint(hasher))


def adopt_key(con: duckdb.DuckDBPyConnection, hasher: IdentifierHasher | HashIdentifier) -> str:
    """Declare that a list from before fingerprints was hashed with the key in use (the operator knows
    it was). Refuses a list whose recorded fingerprint is another key's. Returns what was done."""
    recorded, in_use = recorded_fingerprint(con), fingerprint(hasher)
    if recorded == in_use:
        return f"the suppression list is already recorded as hashed with this key ({in_use[:_SHOWN]}…)"
    if recorded is not None:
        raise SuppressionKeyMismatch(_other_key(listed_entries(con), recorded, in_use))
    _store(con, in_use)
    return (f"recorded: the suppression list's {listed_entries(con):,} entries are hashed with the key from "
            f"{key_origin()} (fingerprint {in_use[:_SHOWN]}…)")


def key_origin() -> str:
    """Where the key in use comes from, for messages (never the key itself)."""
    from customer_unification import settings

    if os.environ.get(KEY_ENV):
        return KEY_ENV
    return f"this install's key file {settings.suppression_key_file()}"


def _store(con: duckdb.DuckDBPyConnection, value: str) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {FINGERPRINT_TABLE} (fingerprint VARCHAR NOT NULL, "
                "recorded_at TIMESTAMPTZ NOT NULL)")
    con.execute(f"DELETE FROM {FINGERPRINT_TABLE}")
    con.execute(f"INSERT INTO {FINGERPRINT_TABLE} VALUES (?, ?)", [value, dt.datetime.now(dt.timezone.utc)])


def _other_key(entries: int, recorded: str, in_use: str) -> str:
    if recorded == PUBLIC_KEY_FINGERPRINT:
        made_with = "the public development key (the default before installs generated their own)"
        fix = (f"set {KEY_ENV}={LOCAL_KEY} to keep suppressing them (development only: a production run "
               "refuses that key, and moving off it means forgetting those people again under the new key)")
    else:
        made_with = f"another key (fingerprint {recorded[:_SHOWN]}…)"
        fix = f"set {KEY_ENV} to the key the list was made with (its fingerprint starts {recorded[:_SHOWN]})"
    return (f"governance.suppression_list ({entries:,} entries) was hashed with {made_with}, not with the key "
            f"in use now (from {key_origin()}, fingerprint {in_use[:_SHOWN]}…): with it no forgotten person would "
            f"be recognised and they would come back. Nothing was read or written. To go on, {fix}. The list "
            "cannot be re-hashed: it holds no identifiers, only their hashes.")


def _unknown_key(con: duckdb.DuckDBPyConnection, entries: int) -> str:
    return (f"governance.suppression_list ({entries:,} entries) was written before the key that hashes it was "
            "recorded, so it is unknown whether the key in use now "
            f"(from {key_origin()}) still matches it; if it does not, forgotten people would come back. "
            "Nothing was read or written. If the list was made with this key, run "
            f"`{ADOPT_COMMAND}`. If this install ran without {KEY_ENV} before installs generated their own key, "
            f"it was made with the public development key: set {KEY_ENV}={LOCAL_KEY}, then run "
            f"`{ADOPT_COMMAND}`.{_key_file_hint(con)}")


def _key_file_hint(con: duckdb.DuckDBPyConnection) -> str:
    """When the install's key file is newer than the list's first entry, that key cannot have made it."""
    from customer_unification import settings

    if os.environ.get(KEY_ENV):
        return ""
    path = settings.suppression_key_file()
    first = con.execute(f"SELECT min(added_at) FROM {LIST_TABLE}").fetchall()[0][0]
    if first is None or not path.exists():
        return ""
    created = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
    if created > first:
        return (f" The list's first entry ({first:%Y-%m-%d %H:%M} UTC) is older than this install's key file "
                f"({created:%Y-%m-%d %H:%M} UTC): that key did not make it.")
    return ""


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                       [schema, name]).fetchall()[0][0] > 0
