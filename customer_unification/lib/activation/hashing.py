"""Hashed identifiers for ad-platform custom audiences (unkeyed SHA-256, as the platforms require).

Ad platforms match uploaded SHA-256 hex digests against their own users' hashed identifiers, so
the normalisation before hashing must be exactly theirs:
- email: trimmed and lower-cased (Meta and Google alike).
- phone: from E.164; `meta` hashes the digits with country code and no '+' ("15551234567"),
  `google` (Customer Match) hashes the E.164 string with its '+' ("+15551234567").
Each rule exists twice, in Python (for tests and small lookups) and as a DuckDB SQL expression (for
whole audiences); `test_hashing` checks they agree.

Unlike the governance suppression hash (keyed HMAC, so nobody can reverse it), these hashes are
meant to be matched by a third party; they are not anonymisation.
"""

import hashlib
import re
from typing import Literal

PhoneFormat = Literal["meta", "google"]
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def normalized_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    return email.strip().lower()


def normalized_phone(e164: str | None, phone_format: PhoneFormat = "meta") -> str | None:
    """The phone as the platform hashes it; None unless `e164` is an E.164 number."""
    if e164 is None or not _E164.fullmatch(e164.strip()):
        return None
    digits = e164.strip()[1:]
    return digits if phone_format == "meta" else f"+{digits}"


def sha256_hex(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_email(email: str | None) -> str | None:
    return sha256_hex(normalized_email(email))


def hash_phone(e164: str | None, phone_format: PhoneFormat = "meta") -> str | None:
    return sha256_hex(normalized_phone(e164, phone_format))


# --- the same rules in DuckDB SQL (sha256() gives lower-case hex, like hexdigest) ---

def e164_sql(column: str) -> str:
    """`column` when it holds an E.164 number, else NULL."""
    return f"CASE WHEN regexp_full_match(trim({column}), '\\+[1-9][0-9]{{6,14}}') THEN trim({column}) END"


def hash_email_sql(column: str) -> str:
    return f"sha256(nullif(lower(trim({column})), ''))"


def hash_phone_sql(column: str, phone_format: PhoneFormat = "meta") -> str:
    number = e164_sql(column)
    return f"sha256(substr({number}, 2))" if phone_format == "meta" else f"sha256({number})"
