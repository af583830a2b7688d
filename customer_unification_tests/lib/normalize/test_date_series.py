from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from customer_unification.lib.normalize.dates import (
    DateParseError,
    parse_date,
    parse_date_series,
    parse_timestamp,
    parse_timestamp_series,
)

NaT = pd.NaT


def scalar_dates(values, fmt, **kwargs):
    """The scalar parser's verdicts in the vectorised shape: (Timestamp or NaT, reason or None)."""
    out = []
    for value in values:
        try:
            parsed = parse_date(value, fmt, **kwargs)
            out.append((NaT if parsed is None else pd.Timestamp(parsed), None))
        except DateParseError as error:
            out.append((NaT, error.reason))
    return out


def scalar_timestamps(values, fmt, **kwargs):
    out = []
    for value in values:
        try:
            parsed = parse_timestamp(value, fmt, **kwargs)
            out.append((NaT if parsed is None else pd.Timestamp(parsed), None))
        except DateParseError as error:
            out.append((NaT, error.reason))
    return out


def as_pairs(parsed, errors):
    return list(zip(parsed.tolist(), errors.tolist()))


def test_mixed_series_alignment_and_missing_is_not_an_error():
    index = pd.Index([10, 3, 7, 1, 99, 5, 42, 8, 0, 6, 2, 11], name="row")
    values = pd.Series(
        [
            "03/12/1985",  # 10
            None,  # 3
            "  03/12/1985 ",  # 7: padding (fixed-width export)
            "n/a",  # 1: placeholder -> missing
            "13/45/1985",  # 99: bad
            "",  # 5: blank -> missing
            "０２/２９/２０００",  # 42: full-width digits
            float("nan"),  # 8
            "02/29/2001",  # 0: no such day
            dt.datetime(2020, 1, 1, 5),  # 6: an xlsx datetime
            "garbage",  # 2
            pd.NaT,  # 11
        ],
        index=index,
        name="date_of_birth",
    )
    parsed, errors = parse_date_series(values, "%m/%d/%Y")
    assert parsed.dtype == "datetime64[ns]" and errors.dtype == object
    assert parsed.index.equals(index) and errors.index.equals(index)
    assert parsed.name == errors.name == "date_of_birth"
    expected = {
        10: (pd.Timestamp("1985-03-12"), None),
        3: (NaT, None),
        7: (pd.Timestamp("1985-03-12"), None),
        1: (NaT, None),
        99: (NaT, "unparseable"),
        5: (NaT, None),
        42: (pd.Timestamp("2000-02-29"), None),
        8: (NaT, None),
        0: (NaT, "unparseable"),
        6: (pd.Timestamp("2020-01-01"), None),
        2: (NaT, "unparseable"),
        11: (NaT, None),
    }
    for label, (date, error) in expected.items():
        assert (parsed[label] is NaT if date is NaT else parsed[label] == date), label
        assert errors[label] == error, label
    # Missing and bad are both NaT, told apart by the error column only.
    assert parsed.isna().sum() == 8  # 5 missing + 3 bad
    assert errors.notna().sum() == 3


def test_auto_series_reports_ambiguous_per_value():
    values = pd.Series(["3/4/85", "13/4/85", "4/13/1985", "3/4/1985", "12 Mar 1985", "1985-03-12", None, "x", 31047])
    parsed, errors = parse_date_series(values, "auto")
    assert errors.tolist() == ["ambiguous", None, None, "ambiguous", None, None, None, "unparseable", "unparseable"]
    assert parsed.tolist()[1:3] == [pd.Timestamp("1985-04-13")] * 2
    parsed, errors = parse_date_series(values, "auto", dayfirst=True)
    assert parsed[0] == pd.Timestamp("1985-04-03") and errors[0] is None


def test_two_digit_year_pivot_in_series():
    values = pd.Series(["3/4/85", "3/4/30", "3/4/31", "02/29/00", "1/1/68", "1/1/69"])
    parsed, errors = parse_date_series(values, "%m/%d/%y", pivot=30)
    assert parsed.dt.year.tolist() == [1985, 2030, 1931, 2000, 1968, 1969]
    assert errors.isna().all()
    default, _ = parse_date_series(pd.Series(["3/4/85"]), "%m/%d/%y")
    assert default[0] == pd.Timestamp("1985-03-04")


def test_duplicates_are_parsed_once_and_expanded_in_place():
    values = pd.Series(["1985-03-12", "bad", None, "1985-03-12", "bad", "1990-01-01"] * 1000)
    parsed, errors = parse_date_series(values, "iso")
    assert parsed.iloc[:6].tolist() == [pd.Timestamp("1985-03-12"), NaT, NaT, pd.Timestamp("1985-03-12"), NaT,
                                        pd.Timestamp("1990-01-01")]
    assert errors.iloc[:6].tolist() == [None, "unparseable", None, None, "unparseable", None]
    assert parsed.iloc[6:12].tolist() == parsed.iloc[:6].tolist()
    assert errors.iloc[6:12].tolist() == errors.iloc[:6].tolist()
    assert errors.value_counts().to_dict() == {"unparseable": 2000}


MIXED = [
    "1985-03-12", "1985-03-12T23:30:00-05:00", "1985-03-12T10:30:00.123456789Z", "2024-03-10 02:30",
    "2024-11-03 01:30", "2024-07-01 12:00:00.5 Z", "1985-3-12", "1985", "19850312", "12/03/1985", "03/12/1985",
    "3/12/85", "3/4/85", "13/4/1985", "12 Mar 1985", "March 12, 1985 10:30pm", "2/29/2001", "0000-00-00",
    "１９８５-０３-１２", " 1985-03-12 ", "n/a", "", None, float("nan"), pd.NaT, "garbage", 31047, 31047.5, "31047.0",
    60, 479433600, 479433600000, -86400, 19850312, True, dt.datetime(2024, 7, 1, 12), dt.date(1985, 3, 12),
    pd.Timestamp("2024-01-01 12:00", tz="Asia/Tokyo"), np.datetime64("2024-11-03T01:30"), "1500-01-01",
    "2024-07-01T12:00:00+0530", "2024-07-01T12:00+05",
]
FORMATS = ["iso", "auto", "%m/%d/%Y", "%m/%d/%y", "%Y%m%d", "epoch_s", "epoch_ms", "excel", "%Y-%m-%dT%H:%M:%S%z"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dayfirst", [None, True])
def test_date_series_agrees_with_scalar(fmt, dayfirst):
    values = pd.Series(MIXED, dtype=object)
    parsed, errors = parse_date_series(values, fmt, dayfirst=dayfirst)
    expected = scalar_dates(MIXED, fmt, dayfirst=dayfirst)
    for value, got, want in zip(MIXED, as_pairs(parsed, errors), expected):
        if isinstance(value, str) and value == "1500-01-01" and want[0] is not NaT:
            assert got == (NaT, "beyond_datetime64")  # a real date, but outside datetime64[ns]
            continue
        assert got == want, (value, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Europe/London"])
def test_timestamp_series_agrees_with_scalar(fmt, tz):
    values = pd.Series(MIXED, dtype=object)
    parsed, errors = parse_timestamp_series(values, fmt, tz=tz, dayfirst=False)
    assert str(parsed.dtype) == "datetime64[ns, UTC]"
    expected = scalar_timestamps(MIXED, fmt, tz=tz, dayfirst=False)
    for value, got, want in zip(MIXED, as_pairs(parsed, errors), expected):
        if isinstance(value, str) and value == "1500-01-01" and want[0] is not NaT:
            assert got == (NaT, "beyond_datetime64")
            continue
        assert got == want, (value, fmt, tz)


def test_dst_in_timestamp_series():
    values = pd.Series(["2024-03-10 02:30", "2024-11-03 01:30", "2024-11-03 01:30-05:00", "2024-07-01 12:00"])
    parsed, errors = parse_timestamp_series(values, "iso", tz="America/New_York")
    assert parsed.tolist() == [
        pd.Timestamp("2024-03-10 07:30", tz="UTC"),  # skipped hour: offset before the change (EST)
        pd.Timestamp("2024-11-03 05:30", tz="UTC"),  # repeated hour: first, daylight occurrence (EDT)
        pd.Timestamp("2024-11-03 06:30", tz="UTC"),  # explicit offset picks the second occurrence
        pd.Timestamp("2024-07-01 16:00", tz="UTC"),
    ]
    assert errors.isna().all()


def test_numeric_columns_take_the_vector_path():
    epochs = pd.Series([1700000000123, None, 479433600000], dtype="Int64")
    parsed, errors = parse_timestamp_series(epochs, "epoch_ms")
    assert parsed.tolist() == [pd.Timestamp("2023-11-14 22:13:20.123", tz="UTC"), NaT,
                               pd.Timestamp("1985-03-12", tz="UTC")]
    assert errors.tolist() == [None, None, None]

    serials = pd.Series([31047.0, 60.0, 59.5, np.nan, 0.0, 45000.75, 1e12])
    parsed, errors = parse_date_series(serials, "excel")
    assert parsed.tolist() == [pd.Timestamp("1984-12-31"), NaT, pd.Timestamp("1900-02-28"), NaT, NaT,
                               pd.Timestamp("2023-03-15"), NaT]
    assert errors.tolist() == [None, "unparseable", None, None, "unparseable", None, "unparseable"]
    stamps, _ = parse_timestamp_series(serials, "excel", tz="America/Chicago")
    assert stamps[5] == pd.Timestamp("2023-03-15 23:00", tz="UTC")  # 18:00 CDT (DST began 12 March)
    assert [stamps[i] for i in (0, 5)] == [
        pd.Timestamp(parse_timestamp(31047.0, "excel", tz="America/Chicago")),
        pd.Timestamp(parse_timestamp(45000.75, "excel", tz="America/Chicago")),
    ]

    seconds = pd.Series([479433600, -86400, 0])
    parsed, errors = parse_date_series(seconds, "epoch_s")
    assert parsed.tolist() == [pd.Timestamp("1985-03-12"), pd.Timestamp("1969-12-31"), pd.Timestamp("1970-01-01")]


def test_datetime_columns_pass_through():
    naive = pd.Series(pd.to_datetime(["2024-11-03 01:30", "2024-03-10 02:30", None]))
    parsed, errors = parse_timestamp_series(naive, "iso", tz="America/New_York")
    assert parsed.tolist() == [pd.Timestamp("2024-11-03 05:30", tz="UTC"), pd.Timestamp("2024-03-10 07:30", tz="UTC"), NaT]
    assert errors.tolist() == [None, None, None]
    dates, _ = parse_date_series(naive, "iso")
    assert dates.tolist() == [pd.Timestamp("2024-11-03"), pd.Timestamp("2024-03-10"), NaT]

    aware = pd.Series(pd.to_datetime(["2024-01-01 23:30"]).tz_localize("America/New_York"))
    assert parse_timestamp_series(aware)[0][0] == pd.Timestamp("2024-01-02 04:30", tz="UTC")
    assert parse_date_series(aware)[0][0] == pd.Timestamp("2024-01-01")  # the local calendar date


def test_other_input_shapes():
    strings = pd.Series(["1985-03-12", None, "bad"], dtype="string")
    parsed, errors = parse_date_series(strings, "iso")
    assert parsed.tolist() == [pd.Timestamp("1985-03-12"), NaT, NaT]
    assert errors.tolist() == [None, None, "unparseable"]

    categories = pd.Series(["1985-03-12", "1985-03-12", None], dtype="category")
    assert parse_date_series(categories, "iso")[0].tolist() == [pd.Timestamp("1985-03-12")] * 2 + [NaT]

    junk = pd.Series([[1, 2], {"a": 1}, "1985-03-12"], dtype=object)
    parsed, errors = parse_date_series(junk, "iso")
    assert errors.tolist() == ["unparseable", "unparseable", None]

    empty_parsed, empty_errors = parse_timestamp_series(pd.Series([], dtype=object), "iso")
    assert len(empty_parsed) == 0 and str(empty_parsed.dtype) == "datetime64[ns, UTC]" and len(empty_errors) == 0

    all_missing = pd.Series([None, np.nan, ""], dtype=object)
    parsed, errors = parse_date_series(all_missing, "%m/%d/%Y")
    assert parsed.isna().all() and errors.isna().all()

    booleans = pd.Series([True, False])
    assert parse_date_series(booleans, "epoch_s")[1].tolist() == ["unparseable", "unparseable"]

    assert parse_date_series(["1985-03-12"], "iso")[0][0] == pd.Timestamp("1985-03-12")  # a plain list


def test_dates_are_midnight():
    parsed, _ = parse_date_series(pd.Series(["1985-03-12T23:59:59", "1985-03-12 12:00"]), "iso")
    assert (parsed == parsed.dt.normalize()).all()
    parsed, _ = parse_date_series(pd.Series([479433600999]), "epoch_ms")
    assert parsed[0] == pd.Timestamp("1985-03-12")
