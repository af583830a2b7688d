"""Rules shared by the scalar and the vectorised date parsers, so both read values identically."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

ISO = "iso"
EPOCH_S = "epoch_s"
EPOCH_MS = "epoch_ms"
EXCEL = "excel"
AUTO = "auto"
NUMERIC_FORMATS = frozenset({EPOCH_S, EPOCH_MS, EXCEL})

UNPARSEABLE = "unparseable"
AMBIGUOUS = "ambiguous"
# A real date the column type cannot hold (datetime64[ns]: 1677-09-21..2262-04-11), e.g. year 2999:
# the vectorised parsers report it so, for staging to call it out of range rather than unreadable.
BEYOND_NS = "beyond_datetime64"

# The "iso" grammar: YYYY-MM-DD, optionally with a time (T or one space), optional fraction
# (up to 9 digits; kept to microseconds) and optional Z / +hh / +hhmm / +hh:mm offset.
# Deliberately strict: pandas' ISO8601 parser also takes "1985", "1985-03" or "19850312"; the
# vectorised path gates on this pattern so scalar and vectorised parses accept the same strings.
ISO_PATTERN = (
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:\.(?P<fraction>\d{1,9}))?)?"
    r" ?(?P<offset>Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?"
)
ISO_RE = re.compile(ISO_PATTERN)
# Regexes for pyarrow (RE2) that the vectorised path runs in C++ over a whole column: the same
# grammar anchored (RE2's \d is ASCII-only, so it accepts a subset of what ISO_RE accepts, and the
# rest falls back to the scalar parser), and the offset at the end of a string that passed it.
ISO_GATE_RE2 = "^(?:" + ISO_PATTERN + ")$"
ISO_OFFSET_RE2 = r":\d\d(?:\.\d+)? ?(?:Z|[+-]\d\d(?::?\d\d)?)$"  # after a time, not the "-12" of a date
ISO_OFFSET_TAIL_RE2 = r"(?P<offset> ?(?:Z|[+-]\d\d(?::?\d\d)?))$"  # run on the last 7 characters

# MySQL-style zero dates ("0000-00-00", "00/00/0000 00:00:00") mean "no date", not a bad one.
ZERO_DATE_RE = re.compile(r"0{2,4}[-/.]0{1,2}[-/.]0{2,4}(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?")

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1)
_US_PER_UNIT = {EPOCH_S: 1_000_000, EPOCH_MS: 1_000}
# Largest |microseconds since 1970| that datetime64[ns] can hold; beyond it a value is unparseable
# in the vectorised path, and the scalar path applies the same bound so they agree.
MAX_EPOCH_US = 9_223_372_036_854_775

# Excel's 1900 date system: serial 1 = 1900-01-01, and serial 60 is the fictional 1900-02-29 that
# Excel kept for Lotus 1-2-3 compatibility, so serials below 61 are one day off the others.
EXCEL_BASE = dt.datetime(1899, 12, 30)
EXCEL_BASE_BEFORE_LEAP_BUG = dt.datetime(1899, 12, 31)
EXCEL_FAKE_LEAP_DAY = 60
EXCEL_MIN_SERIAL = 1
EXCEL_MAX_SERIAL = 2_958_466  # exclusive: 9999-12-31 is 2958465
MS_PER_DAY = 86_400_000


def resolve_pivot(pivot: int | None) -> int:
    """Two-digit-year pivot: yy <= pivot -> 20yy else 19yy; by default this year, so no future dates."""
    if pivot is None:
        return dt.date.today().year % 100
    if not 0 <= pivot <= 99:
        raise ValueError(f"pivot must be between 0 and 99, got {pivot}")
    return pivot


def century_for(two_digit_year: int, pivot: int) -> int:
    return 2000 + two_digit_year if two_digit_year <= pivot else 1900 + two_digit_year


def epoch_to_naive_utc(number: float, fmt: str) -> dt.datetime | None:
    """Epoch seconds/milliseconds to naive UTC, rounded to microseconds; None when out of range."""
    micros = round(number * _US_PER_UNIT[fmt])
    if abs(micros) > MAX_EPOCH_US:
        return None
    return EPOCH + dt.timedelta(microseconds=micros)


def excel_serial_to_naive(serial: float) -> dt.datetime | None:
    """Excel serial (fraction = time of day, rounded to ms) to a naive datetime; None when invalid."""
    if not EXCEL_MIN_SERIAL <= serial < EXCEL_MAX_SERIAL or int(serial) == EXCEL_FAKE_LEAP_DAY:
        return None
    base = EXCEL_BASE_BEFORE_LEAP_BUG if serial < EXCEL_FAKE_LEAP_DAY else EXCEL_BASE
    return base + dt.timedelta(milliseconds=round(serial * MS_PER_DAY))


def us_per_unit(fmt: str) -> int:
    return _US_PER_UNIT[fmt]


@lru_cache(maxsize=64)
def zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def localize(naive: dt.datetime, tz: str) -> dt.datetime:
    """Wall-clock time in ``tz`` to aware UTC. fold=0: a repeated wall time is its first (DST)
    occurrence; a skipped one is read with the offset in force before the clocks changed."""
    return naive.replace(tzinfo=zone(tz), fold=0).astimezone(UTC)


def to_epoch_ns(naive: dt.datetime) -> int | None:
    """Naive datetime to int nanoseconds since 1970, or None outside datetime64[ns]."""
    micros = (naive - EPOCH) // dt.timedelta(microseconds=1)
    return micros * 1000 if abs(micros) <= MAX_EPOCH_US else None
