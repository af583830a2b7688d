"""Email addresses: clean, fix well-known provider typos, validate, flag placeholders, key for matching.

Validation is email_validator's (~35 µs an address). Ordinary addresses -- an ASCII dot-atom local
part at a plain ASCII host name -- are accepted by an equivalent check first (~2 µs); anything
unusual (Unicode, quoting, IP literals, Punycode, special-use names, odd lengths) still goes to
email_validator, and a test compares the two over a large corpus.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple, overload

import email_validator
from email_validator import EmailNotValidError, validate_email

from .text import clean_text


class EmailResult(NamedTuple):
    email: str | None
    match_key: str | None
    domain: str | None
    error: str | None


INVALID_EMAIL = "invalid_email"
PLACEHOLDER_EMAIL = "placeholder_email"

_EMPTY = EmailResult(None, None, None, None)
_INVALID = EmailResult(None, None, None, INVALID_EMAIL)
_PLACEHOLDER = EmailResult(None, None, None, PLACEHOLDER_EMAIL)

# Exact misspellings of the big consumer providers only. No fuzzy guessing: "gmai.com" is a typo,
# but "gmx.com" or "mail.com" are real providers that a similarity rule would "fix".
DOMAIN_TYPOS: dict[str, str] = {
    **dict.fromkeys(
        [
            "gmial.com", "gmal.com", "gmai.com", "gamil.com", "gnail.com", "gmaill.com", "gmail.con",
            "gmail.co", "gmail.cm", "gmail.om", "gmail.comm", "gmail.cmo", "gmail.ocm", "gmail.vom",
            "gmail.xom", "gmailcom", "gmail.c",
        ],
        "gmail.com",
    ),
    **dict.fromkeys(
        ["hotmial.com", "hotmal.com", "hotmai.com", "hotmil.com", "hotamil.com", "hotmaill.com",
         "hotmail.con", "hotmail.co", "hotmail.cm", "hotmail.comm", "hotmailcom"],
        "hotmail.com",
    ),
    **dict.fromkeys(
        ["yahoo.co", "yaho.com", "yahooo.com", "yhoo.com", "yahho.com", "yahoo.con", "yahoo.cm",
         "yahoo.comm", "yahoocom"],
        "yahoo.com",
    ),
    **dict.fromkeys(
        ["outlok.com", "outloo.com", "outlook.co", "outlook.con", "outlook.cm", "oulook.com", "outllok.com"],
        "outlook.com",
    ),
    **dict.fromkeys(["icloud.con", "icloud.co", "iclod.com", "icoud.com", "icloud.cm"], "icloud.com"),
    **dict.fromkeys(["aol.con", "aol.co", "aol.cm"], "aol.com"),
}

_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

# Local parts that mean "no address" whatever the domain.
_PLACEHOLDER_LOCALS = frozenset(
    {
        "none", "noemail", "no-email", "no_email", "noemailaddress", "nomail", "no-mail", "no", "null",
        "unknown", "n/a", "dummy", "fake", "invalid", "declined", "refused", "nobody", "noaddress",
    }
)
# Domains that only ever appear as fillers in customer data.
_PLACEHOLDER_DOMAINS = frozenset(
    {
        "none.com", "noemail.com", "nomail.com", "no-email.com", "noemail.net", "test.com", "example.com",
        "example.org", "example.net", "domain.com", "email.invalid", "fake.com", "dummy.com", "nowhere.com",
    }
)
_DO_NOT_REPLY_RE = re.compile(r"^(?:do[-_.]?not[-_.]?reply|no[-_.]?reply)")
_SAME_CHAR_RE = re.compile(r"^(.)\1{2,}$")  # "xxx", "aaaa"
# Words that make "word@word.com" a filler (a@a.com, na@na.com, test@test.com).
_PLACEHOLDER_SELF_DOMAIN_WORDS = frozenset({"test", "none", "na", "email", "mail", "abc", "asdf", "xxx", "no"})

_MAILTO_RE = re.compile(r"^mailto:", re.IGNORECASE)
_ANGLE_ADDRESS_RE = re.compile(r"<([^<>]*)>")
_WRAPPING_CHARS = "<>\"'`()[] "
_TRAILING_JUNK = ".,;:"


def _extract_address(text: str) -> str:
    """Strip mailto:, a display name ("Jane <jane@x.com>"), wrapping quotes/brackets and all whitespace."""
    angle = _ANGLE_ADDRESS_RE.search(text)
    if angle and "@" in angle.group(1):
        text = angle.group(1)
    text = _MAILTO_RE.sub("", text.strip(_WRAPPING_CHARS))
    text = "".join(text.split()).strip(_WRAPPING_CHARS).rstrip(_TRAILING_JUNK)
    return text.split("?", 1)[0] if "?" in text else text  # mailto:...?subject=


def _is_placeholder(local: str, domain: str) -> bool:
    base_local = local.split("+", 1)[0]
    domain_label = domain.split(".", 1)[0]
    return (
        base_local in _PLACEHOLDER_LOCALS
        or domain in _PLACEHOLDER_DOMAINS
        or bool(_DO_NOT_REPLY_RE.match(base_local))
        or bool(_SAME_CHAR_RE.match(base_local))
        or (base_local == domain_label and (len(base_local) <= 2 or base_local in _PLACEHOLDER_SELF_DOMAIN_WORDS))
    )


@overload
def email_match_key(email: str) -> str: ...
@overload
def email_match_key(email: Any) -> str | None: ...
def email_match_key(email: Any) -> str | None:
    """Key under which one mailbox's spellings agree: gmail ignores dots and +tags; others only +tags.

    googlemail.com is folded into gmail.com. Non-str input gives None.
    """
    if not isinstance(email, str):
        return None
    local, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return email.strip().lower()
    base_local = local.split("+", 1)[0] or local  # "+tag@x.com" has no base: keep it whole
    if domain in _GMAIL_DOMAINS:
        return f"{base_local.replace('.', '') or base_local}@gmail.com"
    return f"{base_local}@{domain}"


# RFC 5322 atext, lower case only (addresses are lower-cased before validation), as dot-atom.
_FAST_LOCAL_RE = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
# Two or more LDH labels of 1-63 characters without edge hyphens, the last alphabetic.
_FAST_DOMAIN_RE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_FAST_LOCAL_MAX_LENGTH = 64
_EMAIL_MAX_LENGTH = 254


def _is_special_use_domain(domain: str) -> bool:
    # Read at call time, as email_validator does, so a changed list is honoured by both paths.
    # "a.b.test" is special when any label-suffix ("test", "b.test", "a.b.test") is listed.
    names = email_validator.SPECIAL_USE_DOMAIN_NAMES
    labels = domain.split(".")
    return any(".".join(labels[i:]) in names for i in range(len(labels)))


def _fast_validate(local: str, domain: str) -> tuple[str, str] | None:
    """(normalized address, domain) exactly as email_validator would give them, or None to ask it.

    For an ASCII dot-atom local part and an LDH host name email_validator changes nothing (no
    Unicode or IDNA normalisation applies, the RFC 2142 lower-casing is moot on lower-case input)
    and its remaining checks are the ones below; every other input returns None.
    """
    if (
        len(local) > _FAST_LOCAL_MAX_LENGTH
        or len(local) + 1 + len(domain) > _EMAIL_MAX_LENGTH
        or _FAST_LOCAL_RE.fullmatch(local) is None
        or _FAST_DOMAIN_RE.fullmatch(domain) is None
        # "ab--cd" labels are invalid unless they are Punycode, which needs IDNA decoding.
        or "--" in domain
        or _is_special_use_domain(domain)
    ):
        return None
    return f"{local}@{domain}", domain


def _validate_with_library(local: str, domain: str) -> tuple[str, str] | None:
    """(normalized lower-cased address, lower-cased domain) from email_validator; None if invalid."""
    try:
        validated = validate_email(f"{local}@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return None
    return validated.normalized.lower(), validated.domain.lower()


def _validate(local: str, domain: str) -> tuple[str, str] | None:
    fast = _fast_validate(local, domain)
    return fast if fast is not None else _validate_with_library(local, domain)


@lru_cache(maxsize=1 << 20)  # large: the same addresses recur across sources
def _normalize_cleaned_email(text: str) -> EmailResult:
    candidate = _extract_address(text).lower()
    if not candidate:
        return _EMPTY
    local, at, domain = candidate.rpartition("@")
    if not at or not local or not domain:
        return _INVALID
    domain = DOMAIN_TYPOS.get(domain, domain)
    # Placeholders are judged before syntax so "none@none" is reported as a filler, not a typo.
    if _is_placeholder(local, domain):
        return _PLACEHOLDER
    validated = _validate(local, domain)
    if validated is None:
        return _INVALID
    email, domain = validated
    return EmailResult(email, email_match_key(email), domain, None)


def normalize_email(value: Any) -> EmailResult:
    """Clean and validate an email. Empty -> all None; bad syntax -> "invalid_email"; filler -> "placeholder_email"."""
    text = clean_text(value)
    return _EMPTY if text is None else _normalize_cleaned_email(text)
