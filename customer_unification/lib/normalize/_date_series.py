"""Vectorised date parsing for whole columns; the scalar parser in ``dates`` defines the semantics.

The work is done once per distinct value (factorize, parse the uniques, expand by codes). Strings in
a fixed format go through pandas' C parsers; whatever they cannot read (blanks, placeholders,
full-width digits, bad values) falls back to the scalar parser, so a value gets the same answer
here as from ``parse_date``/``parse_timestamp``; only dates outside datetime64[ns] (1677-2262)
differ: they are NaT with the error ``BEYOND_NS`` (readable, but not representable).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._date_rules import (
    AUTO,
    BEYOND_NS,
    EPOCH,
    EPOCH_MS,
    EPOCH_S,
    EXCEL,
    EXCEL_BASE,
    EXCEL_BASE_BEFORE_LEAP_BUG,
    EXCEL_FAKE_LEAP_DAY,
    EXCEL_MAX_SERIAL,
    EXCEL_MIN_SERIAL,
    ISO,
    ISO_GATE_RE2,
    ISO_OFFSET_RE2,
    ISO_OFFSET_TAIL_RE2,
    MAX_EPOCH_US,
    MS_PER_DAY,
    NUMERIC_FORMATS,
    UNPARSEABLE,
    localize,
    to_epoch_ns,
    us_per_unit,
)

# The scalar parser as seen from here: a naive datetime (wall date in date mode, UTC instant in
# timestamp mode), None for a missing value, or the failure reason as a string.
Scalar = Callable[[Any], "dt.datetime | str | None"]

NAT = np.datetime64("NaT", "ns")
_NAT_INT = np.iinfo(np.int64).min


def _ms_since_epoch(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(milliseconds=1)


_EXCEL_BASE_MS = _ms_since_epoch(EXCEL_BASE)
_EXCEL_BASE_BEFORE_LEAP_BUG_MS = _ms_since_epoch(EXCEL_BASE_BEFORE_LEAP_BUG)


def _numbers_to_ns(numbers: np.ndarray, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """Float array -> (datetime64[ns] naive: UTC for epochs, wall time for Excel; ok mask).

    Same arithmetic as ``_date_rules.epoch_to_naive_utc`` / ``excel_serial_to_naive``.
    """
    # Integer arithmetic once the float is rounded: float64 is exact only up to 2**53.
    with np.errstate(invalid="ignore", over="ignore"):
        finite = np.isfinite(numbers)
        if fmt == EXCEL:
            ok = finite & (numbers >= EXCEL_MIN_SERIAL) & (numbers < EXCEL_MAX_SERIAL)
            ok &= np.floor(numbers) != EXCEL_FAKE_LEAP_DAY
            ms = np.where(ok, np.round(numbers * MS_PER_DAY), 0).astype(np.int64)
            base = np.where(numbers < EXCEL_FAKE_LEAP_DAY, _EXCEL_BASE_BEFORE_LEAP_BUG_MS, _EXCEL_BASE_MS)
            micros = (base + ms) * 1000
        else:
            rounded = np.round(numbers * us_per_unit(fmt))
            ok = finite & (np.abs(rounded) <= MAX_EPOCH_US)
            micros = np.where(ok, rounded, 0).astype(np.int64)
        ok &= np.abs(micros) <= MAX_EPOCH_US
        ns = np.where(ok, micros, 0) * 1000
    return np.where(ok, ns, _NAT_INT).view("M8[ns]"), ok


def _localize(naive: np.ndarray, tz: str) -> np.ndarray:
    """Wall-clock datetime64[ns] in ``tz`` -> naive UTC datetime64[ns], with ``_date_rules.localize``'s
    DST rules: pandas resolves repeated times to DST; skipped times (NaT here) go through zoneinfo."""
    if tz == "UTC" or len(naive) == 0:
        return naive
    index = pd.DatetimeIndex(naive)
    localized = index.tz_localize(tz, ambiguous=np.ones(len(index), dtype=bool), nonexistent="NaT")
    out = localized.tz_convert("UTC").tz_localize(None).to_numpy(dtype="M8[ns]", copy=True)
    for i in np.flatnonzero(localized.isna() & ~index.isna()):
        instant = localize(index[i].to_pydatetime(warn=False), tz).replace(tzinfo=None)
        ns = to_epoch_ns(instant)
        out[i] = NAT if ns is None else np.datetime64(ns, "ns")
    return out


def _apply_pivot(parsed: pd.Series, pivot: int) -> pd.Series:
    """Move two-digit years to the pivot's century (pandas, like strptime, uses 69 as its pivot)."""
    year = parsed.dt.year
    two_digit = year % 100
    target = two_digit.where(two_digit > pivot, two_digit + 100) + 1900
    change = parsed.notna() & (target != year)
    if not change.any():
        return parsed
    moved = parsed[change]
    rebuilt = pd.to_datetime(
        pd.DataFrame({"year": target[change], "month": moved.dt.month, "day": moved.dt.day}), errors="coerce"
    ) + (moved - moved.dt.normalize())
    out = parsed.copy()
    out[change] = rebuilt
    return out


def _as_bool(mask: pa.Array) -> np.ndarray:
    return mask.to_numpy(zero_copy_only=False).astype(bool)


@lru_cache(maxsize=1024)
def _offset_ns(offset: str) -> int:
    """"Z", "+05", "+0530", "-05:30" -> offset in nanoseconds (the grammar has already checked it)."""
    if offset == "Z":
        return 0
    digits = offset[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return (-1 if offset[0] == "-" else 1) * minutes * 60_000_000_000


class _UniqueParser:
    """Parses an array of distinct raw values into (datetime64[ns], error reason) arrays."""

    def __init__(self, fmt: str, scalar: Scalar, pivot: int, tz: str | None) -> None:
        self.fmt = fmt
        self.scalar = scalar
        self.pivot = pivot
        self.tz = tz  # None: date mode (wall-clock dates)

    def parse(self, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.out = np.full(len(uniques), NAT, dtype="M8[ns]")
        self.errors = np.full(len(uniques), None, dtype=object)
        strings, datetimes, numbers, others = self._classify(uniques)
        if len(strings):
            self._strings(uniques, strings)
        if len(datetimes):
            self._datetime_objects(uniques, datetimes)
        if len(numbers):
            if self.fmt in NUMERIC_FORMATS:
                values = np.array([float(v) for v in uniques[numbers]], dtype=float)
                ns, ok = _numbers_to_ns(values, self.fmt)
                self._store(numbers[ok], ns[ok], aware=self.fmt != EXCEL)
                self._scalar(uniques, numbers[~ok])
            else:
                self._scalar(uniques, numbers)
        self._scalar(uniques, others)
        return self.out, self.errors

    @staticmethod
    def _classify(uniques: np.ndarray) -> tuple[np.ndarray, ...]:
        if pd.api.types.infer_dtype(uniques, skipna=True) == "string":  # the common case, decided in C
            is_string = pd.notna(uniques)
            empty = np.array([], dtype=np.intp)
            return np.flatnonzero(is_string), empty, empty, np.flatnonzero(~is_string)
        kinds = np.array([_kind(v) for v in uniques], dtype=np.int8)
        return tuple(np.flatnonzero(kinds == k) for k in range(4))

    def _store(self, positions: np.ndarray, naive: np.ndarray, *, aware: bool) -> None:
        """Store parsed values: ``aware`` means they are already UTC, otherwise wall-clock time."""
        if self.tz is not None and not aware:
            naive = _localize(naive, self.tz)
        self.out[positions] = naive

    def _scalar(self, uniques: np.ndarray, positions: np.ndarray) -> None:
        for i in positions:
            parsed = self.scalar(uniques[i])
            if isinstance(parsed, str):
                self.errors[i] = parsed
                continue
            if parsed is None:
                continue
            ns = to_epoch_ns(parsed)
            if ns is None:
                self.errors[i] = BEYOND_NS  # a real date, but outside datetime64[ns]
            else:
                self.out[i] = np.datetime64(ns, "ns")

    def _strings(self, uniques: np.ndarray, positions: np.ndarray) -> None:
        fmt = self.fmt
        if fmt in (AUTO, EXCEL) or "%z" in fmt or "%Z" in fmt:
            self._scalar(uniques, positions)
            return
        # Plain list comprehensions: pandas' .str methods cost several times more per element.
        text = [value.strip() for value in uniques[positions]]
        if fmt == ISO:
            parsed, aware = self._iso_strings(text)
        elif fmt in (EPOCH_S, EPOCH_MS):
            numbers = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce").to_numpy(dtype=float)
            parsed, ok = _numbers_to_ns(numbers, fmt)
            aware = np.ones(len(text), dtype=bool)
        else:
            wall = pd.to_datetime(pd.Series(text, dtype=object), format=fmt, errors="coerce")
            if "%y" in fmt:
                wall = _apply_pivot(wall, self.pivot)
            parsed, aware = wall.to_numpy(dtype="M8[ns]"), np.zeros(len(text), dtype=bool)
        ok = ~np.isnat(parsed)
        for is_aware in (False, True):
            chosen = ok & (aware == is_aware)
            if chosen.any():
                self._store(positions[chosen], parsed[chosen], aware=is_aware)
        self._scalar(uniques, positions[~ok])  # anything pandas could not read gets the scalar's verdict

    def _iso_strings(self, text: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Gate on the scalar parser's grammar (with pyarrow's C++ regex), then let pandas parse what passed.

        Offsets are split off and applied here: pandas' own offset handling is several times slower
        than its naive ISO parser, and a column has only a handful of distinct offsets.
        """
        parsed = np.full(len(text), NAT, dtype="M8[ns]")
        aware = np.zeros(len(text), dtype=bool)
        strings = pa.array(text, type=pa.string())
        gated = np.flatnonzero(_as_bool(pc.match_substring_regex(strings, ISO_GATE_RE2)))
        if not len(gated):
            return parsed, aware
        strings = strings.take(pa.array(gated))
        if self.tz is None:  # a date is the wall-clock date as written, whatever the time or offset
            dates = pd.Series(pc.utf8_slice_codeunits(strings, 0, 10).to_numpy(zero_copy_only=False), dtype=object)
            parsed[gated] = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce").to_numpy(dtype="M8[ns]")
            return parsed, aware
        has_offset = _as_bool(pc.match_substring_regex(strings, ISO_OFFSET_RE2))
        walls = strings.to_numpy(zero_copy_only=False)
        shifts = np.zeros(len(walls), dtype=np.int64)
        if has_offset.any():
            # An offset is at most 7 characters (" +05:30"); reading it from the tail is far cheaper
            # than a regex over the whole string, and slicing per distinct offset avoids a Python loop.
            rows = np.flatnonzero(has_offset)
            with_offset = strings.take(pa.array(rows))
            tails = pc.utf8_slice_codeunits(with_offset, -7)
            offsets = pc.dictionary_encode(pc.extract_regex(tails, ISO_OFFSET_TAIL_RE2).field("offset"))
            codes = offsets.indices.to_numpy(zero_copy_only=False)
            for code, offset in enumerate(offsets.dictionary.to_pylist()):
                chosen = np.flatnonzero(codes == code)
                sliced = pc.utf8_slice_codeunits(with_offset.take(pa.array(chosen)), 0, -len(offset))
                walls[rows[chosen]] = sliced.to_numpy(zero_copy_only=False)
                shifts[rows[chosen]] = _offset_ns(offset.strip())
        wall = pd.to_datetime(pd.Series(walls, dtype=object), format="ISO8601", errors="coerce")
        wall_ns = wall.dt.floor("us").to_numpy(dtype="M8[ns]")  # the scalar path keeps microseconds
        wall_ns = wall_ns - shifts.view("m8[ns]")  # NaT stays NaT
        aware[gated[has_offset]] = True
        parsed[gated] = wall_ns
        return parsed, aware

    def _datetime_objects(self, uniques: np.ndarray, positions: np.ndarray) -> None:
        values = uniques[positions]
        is_aware = np.array([getattr(v, "tzinfo", None) is not None for v in values], dtype=bool)
        for aware in (False, True):
            chosen = positions[is_aware == aware]
            if not len(chosen):
                continue
            group = uniques[chosen]
            if aware and self.tz is None:  # date mode keeps the wall-clock date
                group = np.array([v.replace(tzinfo=None) for v in group], dtype=object)
                aware = False
            parsed = pd.to_datetime(pd.Series(group, dtype=object), errors="coerce", utc=aware)
            if aware:
                parsed = parsed.dt.tz_localize(None)
            ok = parsed.notna().to_numpy()
            self._store(chosen[ok], parsed.to_numpy(dtype="M8[ns]")[ok], aware=aware)
            self._scalar(uniques, chosen[~ok])


def _kind(value: Any) -> int:
    """0 string, 1 datetime-like, 2 number, 3 anything else (missing, bool, junk)."""
    if isinstance(value, str):
        return 0
    if isinstance(value, (dt.date, np.datetime64)) and not pd.isna(value):
        return 1
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        return 2 if not pd.isna(value) else 3
    return 3


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) with code -1 for missing values."""
    try:
        return pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable junk (lists, dicts): treat every value as distinct
        codes = np.arange(len(values), dtype=np.intp)
        codes[pd.isna(values)] = -1
        return codes, values


def parse_series(
    values: pd.Series, fmt: str, *, scalar: Scalar, pivot: int, tz: str | None
) -> tuple[pd.Series, pd.Series]:
    """Shared body of ``parse_date_series`` (tz None) and ``parse_timestamp_series``."""
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    out, errors = _parse_values(values, fmt, scalar, pivot, tz)
    parsed = pd.Series(out, index=values.index, name=values.name, dtype="M8[ns]")
    if tz is None:
        parsed = parsed.dt.normalize()
    else:
        parsed = parsed.dt.tz_localize("UTC")
    return parsed, pd.Series(errors, index=values.index, name=values.name, dtype=object)


def _parse_values(
    values: pd.Series, fmt: str, scalar: Scalar, pivot: int, tz: str | None
) -> tuple[np.ndarray, np.ndarray]:
    dtype = values.dtype
    no_errors = np.full(len(values), None, dtype=object)
    if isinstance(dtype, pd.DatetimeTZDtype):
        wall_or_utc = values.dt.tz_localize(None) if tz is None else values.dt.tz_convert("UTC").dt.tz_localize(None)
        return wall_or_utc.to_numpy(dtype="M8[ns]"), no_errors
    if pd.api.types.is_datetime64_dtype(dtype):
        try:
            naive = values.to_numpy(dtype="M8[ns]")
        except (OverflowError, pd.errors.OutOfBoundsDatetime):  # datetime64[us] beyond 1677-2262
            naive = None
        if naive is not None:
            return (naive if tz is None else _localize(naive, tz)), no_errors
    is_number = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    if is_number and fmt in NUMERIC_FORMATS:
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        ns, ok = _numbers_to_ns(numbers, fmt)
        errors = np.where(ok | np.isnan(numbers), None, UNPARSEABLE).astype(object)
        if tz is not None and fmt == EXCEL:
            ns = _localize(ns, tz)  # Excel serials are wall-clock time
        return ns, errors
    raw = values.to_numpy(dtype=object)
    codes, uniques = _factorize(raw)
    unique_out, unique_errors = _UniqueParser(fmt, scalar, pivot, tz).parse(np.asarray(uniques, dtype=object))
    missing = codes < 0
    safe_codes = np.where(missing, 0, codes)
    if len(unique_out):
        out = np.where(missing, NAT, unique_out[safe_codes])
        errors = np.where(missing, None, unique_errors[safe_codes]).astype(object)
    else:
        out, errors = np.full(len(raw), NAT, dtype="M8[ns]"), no_errors
    return out, errors
