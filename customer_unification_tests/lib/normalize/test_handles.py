from __future__ import annotations

import pytest

from customer_unification.lib.normalize.handles import normalize_handle


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("@KNeal1985 ", "kneal1985"),
        ("kneal1985", "kneal1985"),
        ("  @@kneal_1985", "kneal_1985"),
        ("https://twitter.com/kneal1985", "kneal1985"),
        ("http://www.twitter.com/KNeal1985?ref=abc", "kneal1985"),
        ("twitter.com/kneal1985", "kneal1985"),
        ("https://x.com/kneal1985/status/123456", "kneal1985"),
        ("instagram.com/kneal1985/", "kneal1985"),
        ("https://www.instagram.com/kneal.1985/#", "kneal.1985"),
        ("https://www.tiktok.com/@kneal1985", "kneal1985"),
        ("ＫＮｅａｌ１９８５", "kneal1985"),  # full-width
        ("a" * 30, "a" * 30),
    ],
)
def test_normalize_handle(value, expected):
    assert normalize_handle(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "a" * 31,  # too long
        "k neal",  # space inside
        "kneal-1985",  # hyphen not allowed
        "kné",  # non-ascii letter
        "@",
        "...",
        "https://instagram.com/p/Cxyz123/",  # a post, not a profile
        "https://twitter.com/intent/tweet",
        "",
        None,
        float("nan"),
        "n/a",
    ],
)
def test_invalid_handles_give_none(value):
    assert normalize_handle(value) is None


def test_numeric_handle_from_spreadsheet_is_text():
    assert normalize_handle(1985) == "1985"
