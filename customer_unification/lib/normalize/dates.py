"""Dates and timestamps in the formats source systems produce, one value at a time or a column at once.

``fmt`` is the format a source contract declares for a column:

- a ``strptime`` pattern such as "%m/%d/%y" or "%Y%m%d";
- "iso": YYYY-MM-DD with an optional time and offset (see ``_date_rules.ISO_PATTERN``);
- "epoch_s" / "epoch_ms": seconds / milliseconds since 1970-01-01 UTC;
- "excel": a serial day number (1900 date system), or the datetime an xlsx reader produced;
- "auto": ISO, then textual months ("12 Mar 1985", "March 12, 1985"), then numeric a/b/yyyy, where
  a day-month order that the value itself does not settle needs ``dayfirst``.

Whatever ``fmt`` says, datetime/date objects (from xlsx or parquet) are taken as they are. Missing
values (None, NaN, NaT, blanks, placeholders like "n/a", zero dates like "0000-00-00") give None, and
values that cannot be read raise ``DateParseError`` with ``reason`` "unparseable" or "ambiguous".

Two-digit years use ``pivot``: yy <= pivot -> 20yy, otherwise 19yy. The default pivot is this
year's, so "3/4/85" is 1985 and a birth date never lands in the future.

Timestamps are returned tz-aware in UTC. An explicit offset or Z in the value is respected; naive
values are wall-clock time in ``tz``. A wall time that occurs twice when clocks go back resolves to
the first (daylight-saving) occurrence; one that does not exist when clocks go forward is read with
the offset in force before the change (02:30 on New York's spring-forward night is 02:30 EST =
07:30 UTC). Both are what ``zoneinfo`` does with fold=0.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from . import _date_series
from ._date_rules import (
    AMBIGUOUS,
    AUTO,
    BEYOND_NS,
    EXCEL,
    ISO,
    ISO_RE,
    NUMERIC_FORMATS,
    UNPARSEABLE,
    UTC,
    ZERO_DATE_RE,
    century_for,
    epoch_to_naive_utc,
    excel_serial_to_naive,
    localize,
    resolve_pivot,
)
from ._values import as_text, is_missing
from .text import clean_text

__all__ = [
    "BEYOND_NS",
    "DateParseError",
    "parse_date",
    "parse_timestamp",
    "parse_date_series",
    "parse_timestamp_series",
]


class DateParseError(ValueError):
    """A value that cannot be read as a date; ``reason`` is "unparseable" or "ambiguous"."""

    REASONS = (UNPARSEABLE, AMBIGUOUS)

    def __init__(self, value: Any = None, fmt: str | None = None, reason: str = UNPARSEABLE) -> None:
        if reason not in self.REASONS:
            raise ValueError(f"reason must be one of {self.REASONS}, got {reason!r}")
        self.value = value
        self.fmt = fmt
        self.reason = reason
        hint = " (day and month could be either way round: declare dayfirst)" if reason == AMBIGUOUS else ""
        super().__init__(f"{reason} date {value!r} for format {fmt!r}{hint}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle their args by default, which would lose the keyword-style reason.
        return (type(self), (self.value, self.fmt, self.reason))


# --- textual and numeric grammars for "auto" -----------------------------------------------------

_TIME_PATTERN = (
    r"(?:[T ]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?"
    r" ?(?P<ampm>[AaPp]\.?[Mm]\.?)?"
    r" ?(?P<offset>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?"
)
_YEAR_FIRST_RE = re.compile(r"(?P<a>\d{4})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,2})" + _TIME_PATTERN, re.I)
_COMPACT_RE = re.compile(r"(?P<a>(?:19|20)\d{2})(?P<b>\d{2})(?P<c>\d{2})")  # YYYYMMDD
_NUMERIC_RE = re.compile(r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2})" + _TIME_PATTERN, re.I)
_TEXTUAL_TIME_RE = re.compile(
    r"(?:^|[\s,T]+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?"
    r" ?(?P<ampm>[ap]\.?m\.?)? ?(?P<offset>z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?$",
    re.I,
)
_ORDINAL_RE = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.I)
_TEXTUAL_SPLIT_RE = re.compile(r"[\s,./-]+")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_IGNORED_WORDS = frozenset(
    {"mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs", "thursday",
     "fri", "friday", "sat", "saturday", "sun", "sunday", "of", "the"}
)
_NUMBER_TEXT_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _offset_tzinfo(offset: str | None) -> dt.tzinfo | None:
    if not offset:
        return None
    if offset.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def _time_parts(match: re.Match[str]) -> tuple[int, int, int, int, dt.tzinfo | None]:
    """(hour, minute, second, microsecond, tzinfo) from the named time groups; raises ValueError."""
    if match.group("hour") is None:
        return 0, 0, 0, 0, None
    hour = int(match.group("hour"))
    ampm = match.groupdict().get("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError("hour out of range for am/pm")
        hour = hour % 12 + (12 if ampm[0].lower() == "p" else 0)
    fraction = match.group("fraction") or ""
    microsecond = int(fraction[:6].ljust(6, "0")) if fraction else 0  # truncated, like the vector path
    return hour, int(match.group("minute")), int(match.group("second") or 0), microsecond, _offset_tzinfo(match.group("offset"))


def _build(year: int, month: int, day: int, match: re.Match[str] | None) -> dt.datetime:
    hour, minute, second, microsecond, tzinfo = _time_parts(match) if match else (0, 0, 0, 0, None)
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=tzinfo)


def _year(token: str, pivot: int) -> int:
    return century_for(int(token), pivot) if len(token) == 2 else int(token)


def _parse_textual(text: str, pivot: int) -> dt.datetime | None:
    """'12 Mar 1985', 'March 12, 1985', 'Tue 12th of March 85 10:30 pm', '1985 Mar 12'. None if not this shape."""
    lowered = text.lower()
    time_match = _TEXTUAL_TIME_RE.search(lowered)
    date_part = lowered[: time_match.start()] if time_match and time_match.group("hour") else lowered
    tokens = [t for t in _TEXTUAL_SPLIT_RE.split(_ORDINAL_RE.sub("", date_part)) if t and t not in _IGNORED_WORDS]
    if len(tokens) != 3:
        return None
    month_positions = [i for i, token in enumerate(tokens) if token in _MONTHS]
    if len(month_positions) != 1 or not all(t.isdigit() for i, t in enumerate(tokens) if i != month_positions[0]):
        return None
    position = month_positions[0]
    month = _MONTHS[tokens[position]]
    if position == 0:  # March 12 1985
        day, year = tokens[1], tokens[2]
    elif position == 1 and len(tokens[0]) == 4:  # 1985 Mar 12
        year, day = tokens[0], tokens[2]
    elif position == 1:  # 12 Mar 1985
        day, year = tokens[0], tokens[2]
    else:
        return None
    if len(day) > 2 or len(year) not in (2, 4):
        return None
    return _build(_year(year, pivot), month, int(day), time_match if time_match and time_match.group("hour") else None)


def _parse_auto(text: str, dayfirst: bool | None, pivot: int) -> dt.datetime | str:
    match = ISO_RE.fullmatch(text)
    if match:
        return _from_iso_match(match)
    match = _YEAR_FIRST_RE.fullmatch(text)
    if match:
        return _build(int(match.group("a")), int(match.group("b")), int(match.group("c")), match)
    match = _COMPACT_RE.fullmatch(text)
    if match:
        return _build(int(match.group("a")), int(match.group("b")), int(match.group("c")), None)
    match = _NUMERIC_RE.fullmatch(text)
    if not match:
        parsed = _parse_textual(text, pivot)
        return parsed if parsed is not None else UNPARSEABLE
    a, b, year = int(match.group("a")), int(match.group("b")), _year(match.group("c"), pivot)
    if a > 12 and b > 12:
        return UNPARSEABLE
    if a > 12:  # only day-first reads it
        day, month = a, b
    elif b > 12:  # only month-first reads it
        month, day = a, b
    elif a == b:
        day = month = a
    elif dayfirst is None:
        return AMBIGUOUS
    else:
        day, month = (a, b) if dayfirst else (b, a)
    return _build(year, month, day, match)


def _from_iso_match(match: re.Match[str]) -> dt.datetime:
    return _build(int(match.group("year")), int(match.group("month")), int(match.group("day")), match)


def _parse_number(number: float, fmt: str) -> dt.datetime | str:
    if not math.isfinite(number):
        return UNPARSEABLE
    if fmt == EXCEL:
        parsed = excel_serial_to_naive(number)
    else:
        naive_utc = epoch_to_naive_utc(number, fmt)
        parsed = naive_utc.replace(tzinfo=UTC) if naive_utc is not None else None
    return parsed if parsed is not None else UNPARSEABLE


@lru_cache(maxsize=65536)
def _parse_text(text: str, fmt: str, dayfirst: bool | None, pivot: int) -> dt.datetime | str:
    """Parse one cleaned string: a datetime (naive = wall clock, aware = instant) or a failure reason.

    Failures are returned, not raised, so that lru_cache remembers them too.
    """
    try:
        if fmt in NUMERIC_FORMATS:
            if _NUMBER_TEXT_RE.fullmatch(text):
                return _parse_number(float(text), fmt)
            if fmt != EXCEL:
                return UNPARSEABLE
            fmt = ISO  # an xlsx column may hold dates typed as text; read those as ISO
        if fmt == ISO:
            match = ISO_RE.fullmatch(text)
            return _from_iso_match(match) if match else UNPARSEABLE
        if fmt == AUTO:
            return _parse_auto(text, dayfirst, pivot)
        parsed = dt.datetime.strptime(text, fmt)
        if "%y" in fmt:
            parsed = parsed.replace(year=century_for(parsed.year % 100, pivot))
        return parsed
    except (ValueError, OverflowError):
        return UNPARSEABLE


def _parse_any(value: Any, fmt: str, dayfirst: bool | None, pivot: int | None) -> dt.datetime | None:
    """Dispatch on the value's type; None for missing; raises DateParseError."""
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime(warn=False)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).to_pydatetime(warn=False)
    if isinstance(value, (bool, np.bool_)):
        raise DateParseError(value, fmt, UNPARSEABLE)
    if fmt in NUMERIC_FORMATS and isinstance(value, (int, float, np.integer, np.floating, Decimal)):
        parsed = _parse_number(float(value), fmt)
    else:
        raw = as_text(value)  # numbers become text for patterns like "%Y%m%d"
        if raw is None:
            raise DateParseError(value, fmt, UNPARSEABLE)  # a list, a dict ...
        text = clean_text(raw)
        if text is None or ZERO_DATE_RE.fullmatch(text):
            return None
        parsed = _parse_text(text, fmt, dayfirst, resolve_pivot(pivot))
    if isinstance(parsed, str):
        raise DateParseError(value, fmt, parsed)
    return parsed


def parse_date(
    value: Any, fmt: str = "iso", *, dayfirst: bool | None = None, pivot: int | None = None
) -> dt.date | None:
    """One value to a calendar date (the wall-clock date as written, ignoring any offset)."""
    parsed = _parse_any(value, fmt, dayfirst, pivot)
    return None if parsed is None else parsed.date()  # epochs parse as UTC, so theirs is the UTC date


def parse_timestamp(
    value: Any, fmt: str = "iso", *, tz: str = "UTC", dayfirst: bool | None = None
) -> dt.datetime | None:
    """One value to a tz-aware UTC datetime; naive values are wall-clock time in ``tz``."""
    parsed = _parse_any(value, fmt, dayfirst, None)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return localize(parsed, tz)
    return parsed.astimezone(UTC)


def parse_date_series(
    values: pd.Series, fmt: str = "iso", *, dayfirst: bool | None = None, pivot: int | None = None
) -> tuple[pd.Series, pd.Series]:
    """Vectorised ``parse_date``: (datetime64[ns] dates at midnight, error reasons or None), same index.

    Missing values give NaT with error None; bad ones NaT with "unparseable"/"ambiguous". Fixed
    formats are parsed by pandas over the distinct values; "auto"/"excel" text goes through
    ``parse_date`` once per distinct value. Real dates outside datetime64[ns] (1677-2262, e.g. year
    2999) give NaT with "beyond_datetime64" (``BEYOND_NS``): ``parse_date`` reads them.
    """

    def scalar(value: Any) -> dt.datetime | str | None:
        try:
            parsed = parse_date(value, fmt, dayfirst=dayfirst, pivot=pivot)
        except DateParseError as error:
            return error.reason
        return None if parsed is None else dt.datetime(parsed.year, parsed.month, parsed.day)

    return _date_series.parse_series(values, fmt, scalar=scalar, pivot=resolve_pivot(pivot), tz=None)


def parse_timestamp_series(
    values: pd.Series, fmt: str = "iso", *, tz: str = "UTC", dayfirst: bool | None = None
) -> tuple[pd.Series, pd.Series]:
    """Vectorised ``parse_timestamp``: (datetime64[ns, UTC] values, error reasons or None), same index."""

    def scalar(value: Any) -> dt.datetime | str | None:
        try:
            parsed = parse_timestamp(value, fmt, tz=tz, dayfirst=dayfirst)
        except DateParseError as error:
            return error.reason
        return None if parsed is None else parsed.replace(tzinfo=None)  # naive UTC

    return _date_series.parse_series(values, fmt, scalar=scalar, pivot=resolve_pivot(None), tz=tz)
