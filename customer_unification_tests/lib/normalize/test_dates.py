from __future__ import annotations

import datetime as dt
import pickle

import numpy as np
import pandas as pd
import pytest

from customer_unification.lib.normalize.dates import DateParseError, parse_date, parse_timestamp

UTC = dt.timezone.utc
D = dt.date


def reason_of(value, fmt, **kwargs):
    with pytest.raises(DateParseError) as excinfo:
        parse_date(value, fmt, **kwargs)
    return excinfo.value.reason


# --- DateParseError ------------------------------------------------------------------------------


def test_date_parse_error_carries_value_format_and_reason():
    with pytest.raises(DateParseError) as excinfo:
        parse_date("3/4/1985", "auto")
    error = excinfo.value
    assert isinstance(error, ValueError)
    assert (error.reason, error.value, error.fmt) == ("ambiguous", "3/4/1985", "auto")
    assert "3/4/1985" in str(error) and "auto" in str(error) and "ambiguous" in str(error)


def test_date_parse_error_can_be_raised_by_callers_and_pickled():
    error = DateParseError(reason="ambiguous")
    assert error.reason == "ambiguous"
    restored = pickle.loads(pickle.dumps(DateParseError("x", "%Y", reason="unparseable")))
    assert (restored.value, restored.fmt, restored.reason) == ("x", "%Y", "unparseable")
    with pytest.raises(ValueError):
        DateParseError("x", "iso", reason="bogus")


# --- missing values ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NaT, pd.NA, np.datetime64("NaT"), "", "   ",
                                   "n/a", "NULL", "unknown", "-", "0000-00-00", "00/00/0000", "0000-00-00 00:00:00"])
@pytest.mark.parametrize("fmt", ["iso", "auto", "%m/%d/%Y", "excel", "epoch_s"])
def test_missing_values_give_none(value, fmt):
    assert parse_date(value, fmt) is None
    assert parse_timestamp(value, fmt) is None


# --- fixed formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("1985-03-12", "iso", D(1985, 3, 12)),
        (" 1985-03-12 ", "iso", D(1985, 3, 12)),
        ("1985-03-12T10:30:00", "iso", D(1985, 3, 12)),
        ("1985-03-12 10:30", "iso", D(1985, 3, 12)),
        ("1985-03-12T23:30:00-05:00", "iso", D(1985, 3, 12)),  # the date as written, not the UTC date
        ("1985-03-12T10:30:00.123456789Z", "iso", D(1985, 3, 12)),
        ("１９８５-０３-１２", "iso", D(1985, 3, 12)),  # full-width digits (NFKC)
        ("2000-02-29", "iso", D(2000, 2, 29)),
        ("03/12/1985", "%m/%d/%Y", D(1985, 3, 12)),
        ("3/2/1985", "%m/%d/%Y", D(1985, 3, 2)),
        ("12/03/1985", "%d/%m/%Y", D(1985, 3, 12)),
        ("19850312", "%Y%m%d", D(1985, 3, 12)),
        (19850312, "%Y%m%d", D(1985, 3, 12)),  # an int column
        (19850312.0, "%Y%m%d", D(1985, 3, 12)),  # ... that Excel turned into floats
        ("12-Mar-1985", "%d-%b-%Y", D(1985, 3, 12)),
        ("03/12/1985 14:05", "%m/%d/%Y %H:%M", D(1985, 3, 12)),
        (dt.datetime(1985, 3, 12, 23, 59), "%m/%d/%Y", D(1985, 3, 12)),  # objects are taken as they are
        (dt.date(1985, 3, 12), "iso", D(1985, 3, 12)),
        (pd.Timestamp("1985-03-12 10:00", tz="Asia/Tokyo"), "iso", D(1985, 3, 12)),
        (np.datetime64("1985-03-12T10:00"), "iso", D(1985, 3, 12)),
    ],
)
def test_fixed_formats(value, fmt, expected):
    assert parse_date(value, fmt) == expected


@pytest.mark.parametrize(
    ("value", "fmt"),
    [
        ("1985-02-30", "iso"), ("1985-13-01", "iso"), ("1985-3-12x", "iso"), ("12/03/1985", "iso"), ("1985", "iso"),
        ("1985-03", "iso"), ("19850312", "iso"), ("1985-03-12T25:00", "iso"), ("1985-03-12T10", "iso"),
        ("13/12/1985", "%m/%d/%Y"), ("1985-03-12", "%m/%d/%Y"), ("garbage", "%d/%m/%Y"), (True, "iso"),
        ([1985, 3, 12], "iso"), ({"y": 1985}, "auto"), (1985, "iso"), (31047, "auto"),
    ],
)
def test_fixed_formats_unparseable(value, fmt):
    assert reason_of(value, fmt) == "unparseable"


# --- two-digit years -----------------------------------------------------------------------------


def test_two_digit_year_default_pivot_never_gives_a_future_year():
    this_year = dt.date.today().year
    yy = this_year % 100
    assert parse_date(f"01/01/{yy:02d}", "%m/%d/%y") == D(this_year, 1, 1)
    if yy < 99:  # next year's two digits read as last century
        assert parse_date(f"01/01/{yy + 1:02d}", "%m/%d/%y") == D(1900 + yy + 1, 1, 1)
        assert parse_date(f"01/01/{yy + 1:02d}", "auto", dayfirst=True) == D(1900 + yy + 1, 1, 1)
    assert parse_date("3/4/85", "%m/%d/%y") == D(1985, 3, 4)  # a birth date, not 2085
    assert parse_date("3/4/00", "%m/%d/%y") == D(2000, 3, 4)


@pytest.mark.parametrize(
    ("value", "pivot", "expected"),
    [
        ("3/4/30", 30, D(2030, 3, 4)),
        ("3/4/31", 30, D(1931, 3, 4)),
        ("3/4/69", 99, D(2069, 3, 4)),
        ("3/4/68", 0, D(1968, 3, 4)),  # strptime alone would say 2068
        ("3/4/00", 0, D(2000, 3, 4)),
        ("2/29/00", 10, D(2000, 2, 29)),
    ],
)
def test_two_digit_year_explicit_pivot(value, pivot, expected):
    assert parse_date(value, "%m/%d/%y", pivot=pivot) == expected
    assert parse_date(value, "auto", pivot=pivot, dayfirst=False) == expected


def test_pivot_must_be_two_digits():
    with pytest.raises(ValueError):
        parse_date("3/4/85", "%m/%d/%y", pivot=100)


# --- epochs and Excel serials --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (479433600, "epoch_s", D(1985, 3, 12)),
        ("479433600", "epoch_s", D(1985, 3, 12)),
        (479433600.9, "epoch_s", D(1985, 3, 12)),
        (-86400, "epoch_s", D(1969, 12, 31)),  # before 1970: birth dates
        (0, "epoch_s", D(1970, 1, 1)),
        (479433600000, "epoch_ms", D(1985, 3, 12)),
        ("479433600000", "epoch_ms", D(1985, 3, 12)),
        (479519999999, "epoch_ms", D(1985, 3, 12)),  # last millisecond of the UTC day
        (31047, "excel", D(1984, 12, 31)),
        ("31047", "excel", D(1984, 12, 31)),
        ("31047.0", "excel", D(1984, 12, 31)),
        (31047.99, "excel", D(1984, 12, 31)),
        (1, "excel", D(1900, 1, 1)),
        (59, "excel", D(1900, 2, 28)),
        (61, "excel", D(1900, 3, 1)),  # Excel's fictional 1900-02-29 (serial 60) is skipped
        (45000, "excel", D(2023, 3, 15)),
        (dt.datetime(1985, 3, 12, 8), "excel", D(1985, 3, 12)),  # openpyxl gives datetimes
        ("1985-03-12", "excel", D(1985, 3, 12)),  # and text cells stay text
    ],
)
def test_epoch_and_excel(value, fmt, expected):
    assert parse_date(value, fmt) == expected


@pytest.mark.parametrize(
    ("value", "fmt"),
    [(60, "excel"), (0, "excel"), (-5, "excel"), (3_000_000, "excel"), ("12/03/1985", "excel"), ("abc", "epoch_s"),
     (float("inf"), "epoch_s"), (1e300, "epoch_ms"), ("1e400", "epoch_s"), (True, "epoch_s")],
)
def test_epoch_and_excel_unparseable(value, fmt):
    assert reason_of(value, fmt) == "unparseable"


# --- auto ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1985-03-12", D(1985, 3, 12)),
        ("1985-03-12T10:00:00Z", D(1985, 3, 12)),
        ("1985/03/12", D(1985, 3, 12)),
        ("1985.3.12", D(1985, 3, 12)),
        ("19850312", D(1985, 3, 12)),
        ("12 Mar 1985", D(1985, 3, 12)),
        ("12 March 1985", D(1985, 3, 12)),
        ("March 12, 1985", D(1985, 3, 12)),
        ("Mar 12 1985", D(1985, 3, 12)),
        ("MARCH 12TH, 1985", D(1985, 3, 12)),
        ("Tue, 12th of March 1985", D(1985, 3, 12)),
        ("12-Mar-85", D(1985, 3, 12)),
        ("12-mar-1985 10:30 pm", D(1985, 3, 12)),
        ("1985 Mar 12", D(1985, 3, 12)),
        ("Sept 1, 2001", D(2001, 9, 1)),
        ("13/4/1985", D(1985, 4, 13)),  # only day-first reads it
        ("4/13/1985", D(1985, 4, 13)),  # only month-first reads it
        ("13-04-1985", D(1985, 4, 13)),
        ("13.04.85", D(1985, 4, 13)),
        ("4/4/1985", D(1985, 4, 4)),  # same either way
        ("12/31/1999 23:59:59", D(1999, 12, 31)),
    ],
)
def test_auto_unambiguous(value, expected):
    assert parse_date(value, "auto") == expected


@pytest.mark.parametrize("value", ["3/4/1985", "03/04/1985", "3-4-85", "3.4.1985", "01/02/2003 10:00"])
def test_auto_ambiguous_raises_unless_dayfirst_is_declared(value):
    assert reason_of(value, "auto") == "ambiguous"
    day_first = parse_date(value, "auto", dayfirst=True)
    month_first = parse_date(value, "auto", dayfirst=False)
    assert (day_first.day, day_first.month) == (month_first.month, month_first.day)
    assert day_first != month_first


def test_auto_dayfirst_does_not_override_what_the_value_says():
    assert parse_date("4/13/1985", "auto", dayfirst=True) == D(1985, 4, 13)
    assert parse_date("13/4/1985", "auto", dayfirst=False) == D(1985, 4, 13)


@pytest.mark.parametrize(
    "value",
    ["13/13/1985", "32/1/1985", "2/30/1985", "12 Foo 1985", "March 1985", "12 Mar", "Mar 12 1985 12", "1/2/3/4",
     "garbage", "12/03-1985", "1985-13-45", "12 Mar 123"],
)
def test_auto_unparseable(value):
    assert reason_of(value, "auto") == "unparseable"


# --- timestamps ----------------------------------------------------------------------------------


def ts(*args, tz=UTC):
    return dt.datetime(*args, tzinfo=tz)


@pytest.mark.parametrize(
    ("value", "fmt", "tz", "expected"),
    [
        ("2024-07-01T12:00:00Z", "iso", "America/New_York", ts(2024, 7, 1, 12)),  # Z wins over tz
        ("2024-07-01T12:00:00+02:00", "iso", "America/New_York", ts(2024, 7, 1, 10)),
        ("2024-07-01T12:00:00-0530", "iso", "UTC", ts(2024, 7, 1, 17, 30)),
        ("2024-07-01T12:00+05", "iso", "UTC", ts(2024, 7, 1, 7)),
        ("2024-07-01 12:00:00", "iso", "America/New_York", ts(2024, 7, 1, 16)),  # EDT
        ("2024-01-15 12:00:00", "iso", "America/New_York", ts(2024, 1, 15, 17)),  # EST
        ("2024-07-01", "iso", "Europe/London", ts(2024, 6, 30, 23)),  # midnight BST
        ("2024-07-01T12:00:00.123456789Z", "iso", "UTC", ts(2024, 7, 1, 12, 0, 0, 123456)),  # truncated to µs
        # DST: a wall time that happens twice resolves to the first (daylight) occurrence ...
        ("2024-11-03 01:30", "iso", "America/New_York", ts(2024, 11, 3, 5, 30)),
        ("2024-10-27 01:30", "iso", "Europe/London", ts(2024, 10, 27, 0, 30)),
        # ... and one that never happens is read with the offset before the change.
        ("2024-03-10 02:30", "iso", "America/New_York", ts(2024, 3, 10, 7, 30)),
        ("2024-03-31 01:30", "iso", "Europe/London", ts(2024, 3, 31, 1, 30)),
        (1700000000123, "epoch_ms", "America/New_York", ts(2023, 11, 14, 22, 13, 20, 123000)),  # epochs are UTC
        ("1700000000", "epoch_s", "Asia/Tokyo", ts(2023, 11, 14, 22, 13, 20)),
        (-1, "epoch_s", "UTC", ts(1969, 12, 31, 23, 59, 59)),
        (45000.5, "excel", "America/Chicago", ts(2023, 3, 15, 17)),  # Excel serials are wall-clock time
        ("01/02/2024 13:45:00", "%d/%m/%Y %H:%M:%S", "Europe/Berlin", ts(2024, 2, 1, 12, 45)),
        ("2024-01-02T13:45:00+0530", "%Y-%m-%dT%H:%M:%S%z", "America/New_York", ts(2024, 1, 2, 8, 15)),
        ("March 12, 1985 10:30pm", "auto", "UTC", ts(1985, 3, 12, 22, 30)),
        ("12 Mar 1985 10:30 UTC", "auto", "America/New_York", ts(1985, 3, 12, 10, 30)),
        ("13/3/1985 12:00 AM", "auto", "UTC", ts(1985, 3, 13, 0)),
        ("13/3/1985 12:15 PM", "auto", "UTC", ts(1985, 3, 13, 12, 15)),
        (dt.datetime(2024, 7, 1, 12), "iso", "America/New_York", ts(2024, 7, 1, 16)),  # naive object: local
        (pd.Timestamp("2024-01-01 12:00", tz="Asia/Tokyo"), "iso", "America/New_York", ts(2024, 1, 1, 3)),
        (dt.date(2024, 1, 1), "iso", "Europe/Paris", ts(2023, 12, 31, 23)),
    ],
)
def test_parse_timestamp(value, fmt, tz, expected):
    result = parse_timestamp(value, fmt, tz=tz)
    assert result == expected
    assert result.utcoffset() == dt.timedelta(0)


def test_parse_timestamp_dayfirst_and_errors():
    assert parse_timestamp("3/4/2024 10:30 PM", "auto", tz="Europe/London", dayfirst=True) == ts(2024, 4, 3, 21, 30)
    with pytest.raises(DateParseError) as excinfo:
        parse_timestamp("3/4/2024 10:30", "auto")
    assert excinfo.value.reason == "ambiguous"
    with pytest.raises(DateParseError) as excinfo:
        parse_timestamp("13:30 PM 3/14/2024", "auto")
    assert excinfo.value.reason == "unparseable"
    with pytest.raises(DateParseError) as excinfo:
        parse_timestamp("3/14/2024 13:30 PM", "auto")
    assert excinfo.value.reason == "unparseable"
