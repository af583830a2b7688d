from __future__ import annotations

import random

import numpy as np
import phonenumbers
import pytest

from customer_unification.lib.normalize import phones
from customer_unification.lib.normalize.phones import PhoneResult, normalize_phone
from customer_unification.lib.normalize.text import clean_text

NY = "+12127365000"  # a valid NANP number (phonenumbers.is_valid_number)


@pytest.mark.parametrize(
    "value",
    [
        "(212) 736-5000", "212.736.5000", "212 736 5000", "2127365000", "+1 212 736 5000", "+1-212-736-5000",
        "1-212-736-5000", "1 (212) 736-5000", "001 212 736 5000", "011 1 212 736 5000", "tel:+1-212-736-5000",
        "212-736-5000 x123", "212-736-5000 ext. 12", "(212) 736-5000 extension 4", "+1 212 736 5000#99",
        "2127365000.0", "2.127365E+09", 2127365000, 2127365000.0, np.int64(2127365000),
        "２１２－７３６－５０００", " \u00a0(212)\u200b736-5000 ",
    ],
)
def test_us_number_formats(value):
    assert normalize_phone(value) == PhoneResult(NY, "unknown", None)


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ("+44 (0)20 7946 0958", "US", PhoneResult("+442079460958", "landline", None)),
        ("+44 20 7946 0958", "US", PhoneResult("+442079460958", "landline", None)),
        ("0044 20 7946 0958", "US", PhoneResult("+442079460958", "landline", None)),
        ("020 7946 0958", "GB", PhoneResult("+442079460958", "landline", None)),
        ("020 7946 0958", "gb", PhoneResult("+442079460958", "landline", None)),
        ("07911 123456", "GB", PhoneResult("+447911123456", "mobile", None)),
        ("+44 7911 123456", "US", PhoneResult("+447911123456", "mobile", None)),
        ("+1 800 253 0000", "US", PhoneResult("+18002530000", "toll_free", None)),
        ("1-800-253-0000", "US", PhoneResult("+18002530000", "toll_free", None)),
        ("+49 30 901820", "US", PhoneResult("+4930901820", "landline", None)),
        ("+44 56 1234 5678", "US", PhoneResult("+445612345678", "voip", None)),
    ],
)
def test_international_numbers_and_types(value, region, expected):
    assert normalize_phone(value, default_region=region) == expected


@pytest.mark.parametrize(
    "value",
    [
        "000-000-0000", "0000000000", "999-999-9999", "(555) 555-5555", "1-999-999-9999", "+1 222 222 2222",
        "1234567890", "123-456-7890", "0123456789", "9876543210", "000 000 0000 x12", 1111111111,
    ],
)
def test_placeholder_phones(value):
    assert normalize_phone(value) == PhoneResult(None, None, "placeholder_phone")


@pytest.mark.parametrize(
    "value",
    ["(555) 123-4567", "123", "12", "call me", "212-736-500", "+999 1234 5678", "07911 123456", "+44 0000 000000"],
)
def test_invalid_phones(value):
    # "07911 123456" is a valid UK mobile, but not in the default US region.
    assert normalize_phone(value) == PhoneResult(None, None, "invalid_phone")


def test_number_without_plus_needs_a_region():
    assert normalize_phone("2127365000", default_region=None) == PhoneResult(None, None, "invalid_phone")
    assert normalize_phone("+12127365000", default_region=None) == PhoneResult(NY, "unknown", None)


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), "n/a", "-", "none"])
def test_empty_phone_is_not_an_error(value):
    assert normalize_phone(value) == PhoneResult(None, None, None)


def test_validity_matches_libphonenumber():
    """We read validity off number_type(); check that it agrees with is_valid_number()."""
    rng = random.Random(7)
    for _ in range(2000):
        text = f"({rng.randint(200, 999)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
        number = phonenumbers.parse(text, "US")
        result = normalize_phone(text)
        if result.error == "placeholder_phone":
            continue
        assert (result.error is None) == phonenumbers.is_valid_number(number), text


# --- digit keys, the direct NANP parse and the main-region type check agree with libphonenumber -----

_REFERENCE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE: "landline",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
}


def _reference_normalize_phone(value, default_region="US"):
    """normalize_phone as it was before keys and shortcuts: parse() and number_type() on every spelling."""
    text = clean_text(value)
    if text is None:
        return PhoneResult(None, None, None)
    text = phones._from_spreadsheet_float(text)
    if text.startswith("00"):
        text = "+" + text[2:]
    region = default_region.upper() if isinstance(default_region, str) else None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    placeholder, invalid = PhoneResult(None, None, "placeholder_phone"), PhoneResult(None, None, "invalid_phone")
    if number is None or phones._is_placeholder_digits(str(number.national_number)):
        return placeholder if number is not None or phones._looks_like_placeholder(text) else invalid
    number_type = phonenumbers.number_type(number)
    if number_type == phonenumbers.PhoneNumberType.UNKNOWN:
        return placeholder if phones._looks_like_placeholder(text) else invalid
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return PhoneResult(e164, _REFERENCE_TYPES.get(number_type, "unknown"), None)


NANP_REGIONS = sorted(phonenumbers.phonenumberutil.COUNTRY_CODE_TO_REGION_CODE[1])
# US, Canadian, Caribbean/Pacific territories, toll-free, premium, personal/5XX, and unassigned/invalid codes.
AREA_CODES = [
    212, 213, 305, 312, 415, 646, 702, 808, 907, 917, 989, 201, 999, 555, 100, 199, 211, 911, 370, 960,
    204, 226, 236, 249, 250, 289, 306, 343, 365, 403, 416, 418, 437, 438, 450, 506, 514, 519, 579, 581, 587,
    604, 613, 639, 647, 705, 709, 778, 780, 782, 807, 819, 825, 867, 873, 902, 905,
    242, 246, 264, 268, 284, 340, 345, 441, 473, 649, 658, 664, 670, 671, 684, 721, 758, 767, 784, 787, 809,
    829, 849, 868, 869, 876, 939,
    800, 833, 844, 855, 866, 877, 888, 900, 500, 521, 533, 544, 566, 577, 588, 600, 700, 710,
]


def _nanp_digits(rng):
    return f"{rng.choice(AREA_CODES)}{rng.randint(0, 9999999):07d}"


def _spellings(rng, digits):
    area, exchange, line = digits[:3], digits[3:6], digits[6:]
    return [
        digits, "1" + digits, "+1" + digits, f"({area}) {exchange}-{line}", f"{area}.{exchange}.{line}",
        f"{area} {exchange} {line}", f"1-{area}-{exchange}-{line}", f"+1 {area} {exchange} {line}",
        f"001 {area} {exchange} {line}", f"011 1 {area} {exchange} {line}", f"+1 ({area}) {exchange}-{line}",
        f"{area}/{exchange}-{line}", f"{area}-{exchange}-{line} x12", f"{area} {exchange} {line} ext. 3",
        f"({area}){exchange}{line}.", f"  {area} -- {exchange} .. {line} ", f"+({area}) {exchange}-{line}",
    ]


def test_normalize_phone_matches_the_plain_libphonenumber_path_for_nanp_numbers():
    rng = random.Random(13)
    regions = ["US", "CA", "JM", "PR", "AG", "DO", "GB", "DE", None]
    checked = 0
    for _ in range(2500):
        digits = _nanp_digits(rng)
        region = rng.choice(regions)
        for text in rng.sample(_spellings(rng, digits), 4):
            assert normalize_phone(text, default_region=region) == _reference_normalize_phone(text, region), (
                text, region)
            checked += 1
    assert checked == 10000


def test_normalize_phone_matches_the_plain_libphonenumber_path_for_other_inputs():
    rng = random.Random(17)
    values = [
        "1-800-FLOWERS", "1-800-356-9377", "800 FLOWERS", "12", "1.2", "1-2", "+12", "+1", "+", "(+1) 212 736 5000",
        "++1 212 736 5000", "212+736+5000", "2127365000#12", "212 736 5000,,12", "212 736 5000;ext=3",
        "212 736 5000 ~ 12", "212-736-5000 / x 12", "tel:+1-212-736-5000", "+44 (0)20 7946 0958", "020 7946 0958",
        "0044 20 7946 0958", "+44 7911 123456", "07911 123456", "+7 495 123-45-67", "8 (495) 123-45-67",
        "+358 40 1234567", "+39 06 1234 5678", "+61 2 9876 5432", "+262 262 12 34 56", "+590 590 27 12 34",
        "(0) 000 0000", "1" * 30, "2" * 251, "1234567890", "+1 222 222 2222", "123", "٢١٢٧٣٦٥٠٠٠", "(212)",
        "212-736-500", "21273650001", "+12127365000", "0012127365000", "+1 212 736 50000", "2.127365E+09",
        "2127365000.0", "+4930901820", "030 901820",
    ]
    for _ in range(1500):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(3, 15)))
        punctuated = "".join(ch + rng.choice(["", "", " ", "-", ".", "(", ")", "/"]) for ch in digits)
        values.append(rng.choice(["", "+", "00", "0"]) + punctuated)
    for value in values:
        for region in ["US", "GB", "DE", "RU", "CA", None]:
            assert normalize_phone(value, default_region=region) == _reference_normalize_phone(value, region), (
                value, region)


def test_digit_key_parses_exactly_like_the_punctuated_text():
    rng = random.Random(19)
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 16)))
        separators = ["", " ", "-", ".", "(", ")", "/", " - "]
        text = rng.choice(["", "+"]) + "".join(ch + rng.choice(separators) for ch in digits)
        text = " ".join(text.split())
        key = phones._phone_key(text)
        if key is None:
            continue
        for region in ["US", "GB", "AG", None]:
            outcomes = []
            for candidate in (text, key):
                try:
                    outcomes.append(phonenumbers.parse(candidate, region))
                except phonenumbers.NumberParseException as error:
                    outcomes.append(error.error_type)
            assert outcomes[0] == outcomes[1], (text, key, region)


def test_direct_nanp_number_is_what_parse_returns():
    rng = random.Random(23)
    for _ in range(3000):
        digits = _nanp_digits(rng)
        if not phones._NANP_KEY_RE.fullmatch(digits):
            continue
        region = rng.choice(NANP_REGIONS)
        expected = phonenumbers.PhoneNumber(country_code=1, national_number=int(digits))
        for key in (digits, "1" + digits, "+1" + digits):
            assert phonenumbers.parse(key, region) == expected, (key, region)
        assert phonenumbers.parse("+1" + digits, rng.choice(["GB", "DE", None])) == expected


def test_main_region_type_check_matches_number_type():
    rng = random.Random(29)
    numbers = [phonenumbers.PhoneNumber(country_code=1, national_number=int(_nanp_digits(rng))) for _ in range(4000)]
    for country_code, length in [(44, 10), (7, 10), (47, 8), (61, 9), (39, 10), (590, 9), (262, 9), (358, 9)]:
        for _ in range(300):
            national = rng.randint(10 ** (length - 1), 10**length - 1)
            numbers.append(phonenumbers.PhoneNumber(country_code=country_code, national_number=national))
    valid = 0
    for number in numbers:
        expected = phonenumbers.number_type(number)
        assert phones._number_type(number, phonenumbers.national_significant_number(number)) == expected, number
        valid += expected != phonenumbers.PhoneNumberType.UNKNOWN
    assert valid > 1000
