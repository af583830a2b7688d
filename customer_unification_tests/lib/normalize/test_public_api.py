"""Staging code is written against these exact signatures: changing one must be deliberate."""

from __future__ import annotations

import inspect

import pytest

import customer_unification.lib.normalize as normalize

# Parameter names, order, kinds and defaults (annotations of the catch-all value/first/email
# parameters are not part of the contract: they accept anything and say so).
EXPECTED_PARAMETERS = {
    "clean_text": "(value)",
    "clean_free_text": "(value)",
    "ascii_fold": "(value)",
    "normalize_name_part": "(value)",
    "parse_full_name": "(value, last_first: bool | None = None)",
    "canonical_first_name": "(first)",
    "name_key": "(value)",
    "normalize_email": "(value)",
    "email_match_key": "(email)",
    "normalize_phone": "(value, default_region: str = 'US')",
    "normalize_street": "(value)",
    "normalize_city": "(value)",
    "normalize_region": "(value, country: str | None = 'US')",
    "normalize_postcode": "(value, country: str | None = 'US')",
    "normalize_country": "(value)",
    "normalize_handle": "(value)",
    "parse_date": "(value, fmt: str = 'iso', *, dayfirst: bool | None = None, pivot: int | None = None)",
    "parse_timestamp": "(value, fmt: str = 'iso', *, tz: str = 'UTC', dayfirst: bool | None = None)",
    "parse_date_series": "(values: pd.Series, fmt: str = 'iso', *, dayfirst: bool | None = None, pivot: int | None = None)",
    "parse_timestamp_series": "(values: pd.Series, fmt: str = 'iso', *, tz: str = 'UTC', dayfirst: bool | None = None)",
}
_CATCH_ALL = {"value", "first", "email"}


def _describe(function) -> str:
    signature = inspect.signature(function)
    parameters = [
        p.replace(annotation=inspect.Parameter.empty) if p.name in _CATCH_ALL else p for p in signature.parameters.values()
    ]
    text = str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))
    # Postponed annotations are strings; compare their text without the quotes around them.
    for parameter in parameters:
        if isinstance(parameter.annotation, str):
            text = text.replace(f"'{parameter.annotation}'", parameter.annotation)
    return text


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED_PARAMETERS.items()))
def test_public_function_signatures(name, expected):
    assert _describe(getattr(normalize, name)) == expected


def test_result_tuples_have_the_agreed_fields():
    assert normalize.ParsedName._fields == ("title", "first", "middle", "last", "suffix")
    assert normalize.EmailResult._fields == ("email", "match_key", "domain", "error")
    assert normalize.PhoneResult._fields == ("e164", "phone_type", "error")
    assert issubclass(normalize.DateParseError, ValueError)


def test_all_exports_exist():
    assert sorted(normalize.__all__) == sorted({*EXPECTED_PARAMETERS, "ParsedName", "EmailResult", "PhoneResult", "DateParseError"})
    for name in normalize.__all__:
        assert hasattr(normalize, name)
