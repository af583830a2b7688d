"""Phone numbers to E.164 with a coarse line type, via Google's libphonenumber port.

Parsing costs ~20 µs and typing a +1 number ~10 µs, and the same number arrives in many spellings
("(212) 736-5000", "212.736.5000", "+1 212 736 5000"), so:
- text made only of ASCII digits, spaces and ``()-./`` (with at most a leading "+") is reduced to a
  key, "+" and digits, which libphonenumber provably reads the same way (it drops exactly those
  characters, and none of them can start an extension or a second number), and parse results are
  cached per key;
- a NANP key ("+1" / "1" / "" + ten digits starting 2-9, the last two only in a NANP default
  region) is not parsed at all: parse() returns PhoneNumber(country_code=1, national_number=those
  ten digits) for those shapes, since no NANP region strips a national prefix or carrier code from
  such numbers, so its E.164 form is "+1" and the digits;
- the type of a number whose calling code spans several regions is first computed against the
  calling code's main region (US for +1), with that region's patterns compiled once; number_type()
  resolves the region by trying that region first anyway, so when the number is valid there the
  answer is identical and the walk over the other ~24 territories is skipped.
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
    return digits.count(digits[0]) == len(digits) or (
        len(digits) >= 7 and (digits in _ASCENDING or digits in _DESCENDING)
    )


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


# The order in which number_type() tries the number-type descriptions of a region's metadata.
_TYPE_ORDER = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)


def _desc_matcher(desc: Any) -> tuple[frozenset[int], Any] | None:
    """(allowed lengths, or empty for any; compiled fullmatch) for a PhoneNumberDesc; None if it matches nothing.

    Mirrors phonenumbers' _is_number_matching_desc(): no description or no pattern never matches, a
    length outside a non-empty possible_length list does not match, otherwise the pattern decides
    (its match-then-fullmatch test is a fullmatch).
    """
    if desc is None or not desc.national_number_pattern:
        return None
    return frozenset(desc.possible_length), re.compile(desc.national_number_pattern).fullmatch


def _matches(matcher: tuple[frozenset[int], Any] | None, nsn: str) -> bool:
    if matcher is None:
        return False
    lengths, fullmatch = matcher
    return (not lengths or len(nsn) in lengths) and fullmatch(nsn) is not None


class _RegionTyper:
    """phonenumbers' number-type check (_number_type_helper) for one region, its patterns compiled once."""

    def __init__(self, metadata: Any) -> None:
        self.general = _desc_matcher(metadata.general_desc)
        # Descriptions that match nothing are left out: the first one that matches decides.
        matchers = ((_desc_matcher(getattr(metadata, name)), number_type) for name, number_type in _TYPE_ORDER)
        self.types = [(*matcher, number_type) for matcher, number_type in matchers if matcher is not None]
        self.fixed_line = _desc_matcher(metadata.fixed_line)
        self.mobile = _desc_matcher(metadata.mobile)
        self.same_mobile_and_fixed_line = bool(metadata.same_mobile_and_fixed_line_pattern)

    def __call__(self, nsn: str) -> int:
        if not _matches(self.general, nsn):
            return PhoneNumberType.UNKNOWN
        length = len(nsn)
        for lengths, fullmatch, number_type in self.types:
            if (not lengths or length in lengths) and fullmatch(nsn) is not None:
                return number_type
        if _matches(self.fixed_line, nsn):
            if self.same_mobile_and_fixed_line or _matches(self.mobile, nsn):
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        if not self.same_mobile_and_fixed_line and _matches(self.mobile, nsn):
            return PhoneNumberType.MOBILE
        return PhoneNumberType.UNKNOWN


@lru_cache(maxsize=None)
def _main_region_typer(country_code: int) -> _RegionTyper | None:
    """Type check for the region number_type() tries first for this calling code, if that try is a full check.

    For a calling code shared by several regions (+1: US, CA, 23 Caribbean territories ...),
    region_code_for_number() tries them in a fixed order, the first (US for +1) by a full type
    check when it has no leading-digits rule; number_type() then repeats that check for the region
    found. So when the first region's check succeeds, its answer is number_type()'s answer.
    """
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions or len(regions) < 2:
        return None
    metadata = PhoneMetadata.metadata_for_region(regions[0].upper(), None)
    if metadata is None or metadata.leading_digits is not None:
        return None
    return _RegionTyper(metadata)


def _number_type(number: PhoneNumber, nsn: str) -> int:
    """phonenumbers.number_type(number), skipping the region walk when the code's main region matches."""
    typer = _main_region_typer(number.country_code)
    if typer is not None:
        number_type = typer(nsn)
        if number_type != PhoneNumberType.UNKNOWN:
            return number_type
    return phonenumbers.number_type(number)


def _classify(number: PhoneNumber) -> PhoneResult | None:
    """Result for a parsed number; None when libphonenumber deems it invalid."""
    if _is_placeholder_digits(str(number.national_number)):
        return _PLACEHOLDER
    # number_type() is UNKNOWN exactly when is_valid_number() is False (both resolve the region and
    # match the same metadata), so one call gives validity and type.
    number_type = _number_type(number, phonenumbers.national_significant_number(number))
    if number_type == PhoneNumberType.UNKNOWN:
        return None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return PhoneResult(e164, _PHONE_TYPES.get(number_type, "unknown"), None)


def _classify_nanp(national_number: str) -> PhoneResult | None:
    """_classify(PhoneNumber(country_code=1, national_number=int(national_number))) for ten digits starting 2-9.

    Such a number has no leading zeros, so its national significant number is the digits themselves
    and its E.164 form is "+1" and the digits; the PhoneNumber is only built if the region walk is needed.
    """
    if _is_placeholder_digits(national_number):
        return _PLACEHOLDER
    typer = _main_region_typer(1)
    number_type = typer(national_number) if typer is not None else PhoneNumberType.UNKNOWN
    if number_type == PhoneNumberType.UNKNOWN:
        number_type = phonenumbers.number_type(PhoneNumber(country_code=1, national_number=int(national_number)))
        if number_type == PhoneNumberType.UNKNOWN:
            return None
    return PhoneResult("+1" + national_number, _PHONE_TYPES.get(number_type, "unknown"), None)


def _parse(text: str, region: str | None) -> PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _result(text: str, classified: PhoneResult | None) -> PhoneResult:
    if classified is not None:
        return classified
    # The raw-digit check only runs off the happy path: it is what catches "000-000-0000",
    # which libphonenumber rejects before a placeholder test on its parse could see it.
    return _PLACEHOLDER if _looks_like_placeholder(text) else _INVALID


def _normalize_phone_text(text: str, region: str | None) -> PhoneResult:
    number = _parse(text, region)
    return _result(text, None if number is None else _classify(number))


# Parsing is the expensive step, so it runs once per key rather than once per spelling.
_normalize_phone_key_parsed = lru_cache(maxsize=1 << 20)(_normalize_phone_text)


def _normalize_phone_key(key: str, region: str | None) -> PhoneResult:
    nanp = _NANP_KEY_RE.fullmatch(key)
    if nanp is not None and (key.startswith("+") or region in _NANP_REGIONS):
        return _result(key, _classify_nanp(nanp.group(1)))  # a couple of µs: not worth caching
    return _normalize_phone_key_parsed(key, region)


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
