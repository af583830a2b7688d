from __future__ import annotations

import random

import numpy as np
import phonenumbers
import pytest

from customer_unification.lib.normalize.phones import PhoneResult, normalize_phone

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
