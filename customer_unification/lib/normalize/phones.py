"""Phone numbers to E.164 with a coarse line type, via Google's libphonenumber port."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from .text import clean_text


class PhoneResult(NamedTuple):
    e164: str | None
    phone_type: str | None
    error: str | None


INVALID_PHONE = "invalid_phone"
PLACEHOLDER_PHONE = "placeholder_phone"

_EMPTY = PhoneResult(None, None, None)
_INVALID = PhoneResult(None, None, INVALID_PHONE)
_PLACEHOLDER = PhoneResult(None, None, PLACEHOLDER_PHONE)

# FIXED_LINE_OR_MOBILE (every NANP number), PAGER, UAN, ... carry no usable signal: "unknown".
_PHONE_TYPES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.TOLL_FREE: "toll_free",
}

# Spreadsheets store numbers as floats: "2125550123.0", "2.125550123E+09".
_FLOAT_TEXT_RE = re.compile(r"\+?\d+(?:\.0+)?|\d(?:\.\d+)?[eE]\+?\d+")
# The extension, if any, is dropped before placeholder checks so "x123" cannot disguise one.
_EXTENSION_RE = re.compile(r"(?i)\s*(?:#|x|ext\.?|extension)\s*\d+\s*$")
_NON_DIGIT_RE = re.compile(r"\D")
_ASCENDING = "01234567890123"
_DESCENDING = "98765432109876"


def _from_spreadsheet_float(text: str) -> str:
    if _FLOAT_TEXT_RE.fullmatch(text) and ("." in text or "e" in text.lower()):
        plus = "+" if text.startswith("+") else ""
        try:
            # Decimal, not float: a 15+ digit international number must keep every digit.
            return plus + str(int(Decimal(text.lstrip("+"))))
        except (InvalidOperation, ValueError):
            return text
    return text


def _is_placeholder_digits(digits: str) -> bool:
    """All one digit (000-000-0000) or a run like 1234567890 / 0123456789 / 9876543210."""
    if len(digits) < 6:
        return False
    return len(set(digits)) == 1 or (len(digits) >= 7 and (digits in _ASCENDING or digits in _DESCENDING))


def _looks_like_placeholder(text: str) -> bool:
    digits = _NON_DIGIT_RE.sub("", _EXTENSION_RE.sub("", text))
    # Also test without a leading trunk/country "1" or "0": "1-999-999-9999", "0 000 000 000".
    return _is_placeholder_digits(digits) or _is_placeholder_digits(digits[1:])


def normalize_phone(value: Any, default_region: str = "US") -> PhoneResult:
    """Parse to E.164 (extensions dropped); "invalid_phone" unless libphonenumber deems it valid.

    Numbers without "+" are read in ``default_region``; an international "00" prefix is accepted
    everywhere (libphonenumber only knows each region's own exit code, e.g. "011" for the US).
    """
    text = clean_text(value)  # NFKC also turns full-width digits into ASCII ones
    if text is None:
        return _EMPTY
    text = _from_spreadsheet_float(text)
    if text.startswith("00"):
        text = "+" + text[2:]
    region = default_region.upper() if isinstance(default_region, str) else None
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        number = None
    if number is None or _is_placeholder_digits(str(number.national_number)):
        # The raw-digit check only runs off the happy path: it is what catches "000-000-0000",
        # which libphonenumber rejects before a placeholder test on its parse could see it.
        return _PLACEHOLDER if number is not None or _looks_like_placeholder(text) else _INVALID
    # number_type() is UNKNOWN exactly when is_valid_number() is False (both resolve the region and
    # match the same metadata), so one call gives validity and type; resolving a +1 region walks
    # ~25 NANP territories, which is most of the cost, so doing it once matters.
    number_type = phonenumbers.number_type(number)
    if number_type == PhoneNumberType.UNKNOWN:
        return _PLACEHOLDER if _looks_like_placeholder(text) else _INVALID
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return PhoneResult(e164, _PHONE_TYPES.get(number_type, "unknown"), None)
