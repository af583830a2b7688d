"""The identifiers a person can be recognised by, normalised as staging stores them, and their keyed hash."""

import hashlib
import os
import secrets
import tempfile
from pathlib import Path

from customer_unification.lib.matching.engine import KEY_SEPARATOR  # record keys: source|source_record_id
from customer_unification.lib.normalize import clean_text, normalize_email, normalize_handle, normalize_phone

KEY_ENV = "CU_SUPPRESSION_KEY"
# The key earlier versions used when none was set. It is public (it is in this file), so anyone could
# recompute its hashes: a production run (CU_ENV=production) refuses it, and a development install
# generates a key of its own instead. Never change a key once the list has entries: old hashes would
# stop matching and forgotten people would come back.
LOCAL_KEY = "customer-unification-local-suppression-key"

# identifier kind -> the staged column holding it, normalised as staging normalises it
IDENTIFIER_COLUMNS = {
    "email": "email_match_key", "phone": "phone", "social_handle": "social_handle",
    "loyalty_card": "loyalty_card", "crm_id": "crm_id", "device_id": "device_id", "cookie_id": "cookie_id",
}
KINDS = tuple(IDENTIFIER_COLUMNS)
# A forgotten source record, by its key: catches a re-delivered record even when its only
# identifiers are shared with someone else (a family computer's cookie).
RECORD_KIND = "record"
_MIN_PHONE_DIGITS = 7  # when guessing: shorter tokens (years, counts) are not phone numbers


class SuppressionKeyError(RuntimeError):
    """No usable secret to hash the suppression list with."""


def suppression_key() -> bytes:
    """CU_SUPPRESSION_KEY; in production it must be set and not the public key; elsewhere, when
    unset, the install's own generated key (settings.suppression_key_file)."""
    from customer_unification import settings

    key = os.environ.get(KEY_ENV, "")
    if settings.production():
        if not key or key == LOCAL_KEY:
            said = "is not set" if not key else "is the public development key: anyone can recompute its hashes"
            raise SuppressionKeyError(
                f"CU_ENV=production and {KEY_ENV} {said}. Set {KEY_ENV} to a long random secret (e.g. "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`) and keep it for as long as the "
                "suppression list is used.")
        return key.encode()
    return key.encode() if key else install_key(settings.suppression_key_file())


def install_key(path: Path) -> bytes:
    """The key stored in `path`, created once (random, 256 bits, readable by its owner only).
    Written beside and linked into place, so a concurrent process never reads half a key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".suppression_key.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            os.unlink(tmp)
    return path.read_text().strip().encode()


class IdentifierHasher:
    """HMAC-SHA256 (RFC 2104) of `kind:value` under a secret key; hex digests.

    Keyed, so the list cannot be reversed by hashing a dictionary of emails or phone numbers without
    the key. The pads are hashed once and copied per value: 1.4 s per million values here, against
    2.3 s for `hmac.new(...).copy()` and 1.9 s for HMAC written in DuckDB SQL with `sha256` - so
    staging hashes in Python, and only distinct values of the kinds on the list.
    """

    def __init__(self, key: bytes):
        key = hashlib.sha256(key).digest() if len(key) > 64 else key
        key = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def hash(self, kind: str, value: str) -> str:
        inner = self._inner.copy()
        inner.update(f"{kind}:{value}".encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


def record_key(source: str, source_record_id: str) -> str:
    return f"{source}{KEY_SEPARATOR}{source_record_id}"


def normalized(kind: str, raw, region: str, guessing: bool = False) -> str | None:
    """The staged form of a raw identifier (what staging would store in the kind's column)."""
    if raw is None or isinstance(raw, (dict, list)):
        return None
    text = str(raw)
    if kind == "email":
        return normalize_email(text).match_key if "@" in text else None
    if kind == "phone":
        if guessing and sum(c.isdigit() for c in text) < _MIN_PHONE_DIGITS:
            return None
        return normalize_phone(text, default_region=region).e164
    if kind == "social_handle":
        return normalize_handle(text)
    return clean_text(text)
