from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from customer_unification.lib.normalize.text import ascii_fold, clean_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  hello   world  ", "hello world"),
        ("a\tb\nc\r\nd", "a b c d"),
        ("ｆｕｌｌ　ｗｉｄｔｈ", "full width"),  # NFKC: full-width letters and ideographic space
        ("non\u00a0breaking", "non breaking"),
        ("zero\u200bwidth", "zerowidth"),
        ("\ufeffbom", "bom"),
        ("soft\u00adhyphen", "softhyphen"),
        ("ctrl\x00char", "ctrl char"),
        ("ﬁnance", "finance"),  # ligature
        ("José", "José"),  # accents are kept
        ("line\u2028sep", "line sep"),
        (123, "123"),
        (2125550123.0, "2125550123"),  # spreadsheet float of an integer code
        (12.5, "12.5"),
        (np.int64(7), "7"),
        (Decimal("42"), "42"),
        (b"bytes", "bytes"),
    ],
)
def test_clean_text_cleans(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None, float("nan"), np.nan, pd.NA, pd.NaT, "", "   ", "\u200b", "\u00a0",
        "n/a", "N/A", "na", "NA", "null", "NULL", "none", "None", "-", "--", "?", "unknown", "UNKNOWN",
        " Unknown ", "#N/A", "---", "...", "??", True, [1, 2], {"a": 1}, float("inf"),
    ],
)
def test_clean_text_missing_placeholder_and_unsupported_give_none(value):
    assert clean_text(value) is None


def test_clean_text_keeps_words_that_merely_contain_placeholders():
    assert clean_text("Nancy") == "Nancy"
    assert clean_text("None of the above") == "None of the above"
    assert clean_text("n/a/b") == "n/a/b"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("José Ñúñez", "Jose Nunez"),
        ("Zoë Brontë", "Zoe Bronte"),
        ("Łukasz Żółć", "Lukasz Zolc"),
        ("Straße", "Strasse"),
        ("Øyvind Ærø", "Oyvind AEro"),
        ("Đorđe", "Dorde"),
        ("plain ascii", "plain ascii"),
        ("", ""),
        ("김철수", "김철수"),  # Hangul is recomposed, not turned into jamo
        ("देवी", "देवी"),  # Devanagari vowel signs are not accents
    ],
)
def test_ascii_fold(value, expected):
    assert ascii_fold(value) == expected


@pytest.mark.parametrize("value", [None, float("nan"), 12, b"x"])
def test_ascii_fold_non_string_gives_none(value):
    assert ascii_fold(value) is None
