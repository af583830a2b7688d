"""Phone numbers to E.164 with a coarse line type, via Google's libphonenumber port.

Parsing costs ~20 µs and typing a +1 number ~10 µs, and the same number arrives in many spellings
("(212) 736-5000", "212.736.5000", "+1 212 736 5000"), so:
- text made only of ASCII digits, spaces and ``()-./`` (with at most a leading "+") is reduced to a
  key, "+" and digits, which libphonenumber provably reads the same way (it drops exactly those
  characters, and none of them can start an extension or a second number), and results are cached
  per key;
- a NANP key ("+1" / "1" / "" + ten digits starting 2-9, the last two only in a NANP default
  region) is turned into its PhoneNumber directly: that is what parse() returns for those shapes,
  since no NANP region strips a national prefix or carrier code from such numbers;
- the type of a number whose calling code spans several regions is first computed against the
  calling code's main region (US for +1); number_type() resolves the region by trying that region
  first anyway, so when the number is valid there the answer is identical and the walk over the
  other ~24 territories is skipped.
Tests compare all of this with the plain parse()/number_type() path.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumber, PhoneNumberFormat, PhoneNumberType
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

try:  # private, so optional: without it validity and type come from phonenumbers.number_type() alone
    from phonenumbers.phonenumberutil import _number_type_helper
except ImportError:  # pragma: no cover - depends on the phonenumbers version
    _number_type_helper = None

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


# Only these characters may be reduced to a digits key: libphonenumber strips each of them as
# punctuation, and without letters, "#", "," ";" or "~" no extension or second number can start.
_KEYABLE_RE = re.compile(r"\+?[0-9 ().\-/]*")
_MAX_PARSE_LENGTH = 250  # phonenumbers rejects longer input outright; the key would be shorter
_NANP_KEY_RE = re.compile(r"(?:\+1|1)?([2-9][0-9]{9})")
_NANP_REGIONS = frozenset(COUNTRY_CODE_TO_REGION_CODE.get(1, ()))


def _main_region_metadata(country_code: int) -> Any:
    """Metadata of the region number_type() tries first for this calling code, when trying it is a full check."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if _number_type_helper is None or not regions or len(regions) < 2:
        return None
    metadata = PhoneMetadata.metadata_for_region(regions[0].upper(), None)
    return metadata if metadata is not None and metadata.leading_digits is None else None


_MAIN_REGION_METADATA = {code: _main_region_metadata(code) for code in COUNTRY_CODE_TO_REGION_CODE}


def _number_type(number: PhoneNumber) -> int:
    """phonenumbers.number_type(), skipping the region walk when the main region of the code matches."""
    metadata = _MAIN_REGION_METADATA.get(number.country_code)
    if metadata is not None:
        # region_code_for_number() returns this region exactly when this check passes, and
        # number_type() then repeats the very same check.
        number_type = _number_type_helper(phonenumbers.national_significant_number(number), metadata)
        if number_type != PhoneNumberType.UNKNOWN:
            return number_type
    return phonenumbers.number_type(number)


def _classify(number: PhoneNumber) -> PhoneResult | None:
    """Result for a parsed number; None when libphonenumber deems it invalid."""
    if _is_placeholder_digits(str(number.national_number)):
        return _PLACEHOLDER
    # number_type() is UNKNOWN exactly when is_valid_number() is False (both resolve the region and
    # match the same metadata), so one call gives validity and type.
    number_type = _number_type(number)
    if number_type == PhoneNumberType.UNKNOWN:
        return None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return PhoneResult(e164, _PHONE_TYPES.get(number_type, "unknown"), None)


@lru_cache(maxsize=262144)
def _classify_nanp(national_number: int) -> PhoneResult | None:
    return _classify(PhoneNumber(country_code=1, national_number=national_number))


def _parse(text: str, region: str | None) -> PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _result(text: str, number: PhoneNumber | None, classified: PhoneResult | None) -> PhoneResult:
    if classified is not None:
        return classified
    # The raw-digit check only runs off the happy path: it is what catches "000-000-0000",
    # which libphonenumber rejects before a placeholder test on its parse could see it.
    return _PLACEHOLDER if _looks_like_placeholder(text) else _INVALID


def _normalize_phone_text(text: str, region: str | None) -> PhoneResult:
    number = _parse(text, region)
    return _result(text, number, None if number is None else _classify(number))


@lru_cache(maxsize=262144)
def _normalize_phone_key(key: str, region: str | None) -> PhoneResult:
    nanp = _NANP_KEY_RE.fullmatch(key)
    if nanp is not None and (key.startswith("+") or region in _NANP_REGIONS):
        return _result(key, None, _classify_nanp(int(nanp.group(1))))
    return _normalize_phone_text(key, region)


def _phone_key(text: str) -> str | None:
    """"+" (if leading) and the digits, for text that libphonenumber reads exactly as that; else None."""
    if len(text) > _MAX_PARSE_LENGTH or not _KEYABLE_RE.fullmatch(text):
        return None
    digits = _NON_DIGIT_RE.sub("", text)
    # Fewer than three digits with punctuation between them is not even "viable" to libphonenumber.
    if len(digits) < 3 and len(digits) != len(text):
        return None
    return "+" + digits if text.startswith("+") else digits


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
    key = _phone_key(text)
    if key is not None:
        return _normalize_phone_key(key, region)
    return _normalize_phone_text(text, region)
