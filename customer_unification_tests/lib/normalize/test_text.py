from __future__ import annotations

import random
import re
import unicodedata
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from customer_unification.lib.normalize._values import as_text
from customer_unification.lib.normalize.text import PLACEHOLDERS, ascii_fold, clean_free_text, clean_text


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


@pytest.mark.parametrize(("value", "expected"), [
    ("/", "/"), (" / ", "/"), ("//", "//"), ("\\", "\\"), ("./", "./"), ("\uff0f", "/"),  # paths: the home page, a folder
    ("/p/SKU-000123", "/p/SKU-000123"), ("https://shop.example/", "https://shop.example/"),
    ("---", None), ("...", None), ("??", None), ("*", None),  # filler is filler in free text too
    ("n/a", None), ("NULL", None), ("-", None), ("", None), (None, None),  # as are placeholder words and blanks
])
def test_clean_free_text_keeps_a_path_made_of_punctuation(value, expected):
    assert clean_free_text(value) == expected


@pytest.mark.parametrize("value", ["/", "//", "\\", "---", "-/-"])
def test_clean_text_still_treats_filler_as_no_value_in_person_fields(value):
    assert clean_text(value) is None  # a name "/" on a form means "none", not a person called "/"


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


# --- the ASCII fast path of clean_text agrees with the general path --------------------------------

_REF_INVISIBLE_RE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_REF_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")
_REF_FILLER_ONLY_RE = re.compile(r"[-?._*/\\]+")


def _reference_clean_text(value):
    """clean_text as it was before the ASCII fast path: every value through NFKC/control/whitespace rules."""
    text = as_text(value)
    if text is None:
        return None
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = _REF_INVISIBLE_RE.sub("", text)
    text = _REF_CONTROL_RE.sub(" ", text)
    text = " ".join(text.split())
    if not text or text.casefold() in PLACEHOLDERS or _REF_FILLER_ONLY_RE.fullmatch(text):
        return None
    return text


class _Str(str):
    pass


def _clean_text_corpus():
    rng = random.Random(11)
    pieces = [
        "a", "Bob", "SMITH", "o'neil", "123", "x", "n/a", "N/A", "na", "NA", "null", "None", "unknown", "UNKNOWN",
        "#n/a", "(null)", "<NULL>", "n.a.", "-", "--", "?", "...", "*", "/", "\\", "_", "-?", "José", "Straße",
        "ＳＭＩＴＨ", "\u200b", "\ufeff", "\u00a0", "\u3000", "\u2028", "\x00", "\x1f", "\x7f", "\x85", "\t", "\n",
        "\r\n", "\x0b", "\x0c", "\x1c", " ", "  ", "ǅ", "ﬁ", "İ", "ß", "ẞ", "Ǆ", "①", "Ⅳ",
    ]
    values = list(pieces)
    for _ in range(4000):
        values.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 5))))
    values += [None, float("nan"), pd.NA, 12, 12.0, 2.5, Decimal("7"), b"bytes \xff", True, [1], _Str(" a  b "),
               _Str("plain"), _Str("N/A")]
    return values


def test_clean_text_fast_path_matches_general_path():
    corpus = _clean_text_corpus()
    fast_path_hits = 0
    for value in corpus:
        expected = _reference_clean_text(value)
        assert clean_text(value) == expected, repr(value)
        assert type(clean_text(value)) is type(expected) or expected is None, repr(value)
        fast_path_hits += isinstance(value, str) and value.isascii() and value.isprintable()
    assert fast_path_hits > 500  # the comparison really exercised the fast path
