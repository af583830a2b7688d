"""Shared coercions for raw cell values: what counts as missing, and how a non-string becomes text.

Source cells arrive as str, int, float (Excel turns codes into floats), Decimal, numpy scalars,
pandas NA markers or bytes. Every normaliser funnels its input through here so they all agree on
what "missing" means.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd


def is_missing(value: Any) -> bool:
    """True for None, NaN (float, numpy, Decimal), pd.NA and NaT. Blank strings are not missing here."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):  # includes np.float64
        return math.isnan(value)
    if isinstance(value, np.floating):
        return bool(np.isnan(value))
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def as_text(value: Any) -> str | None:
    """Coerce a raw cell to str without cleaning; None for missing or unsupported types.

    Integral floats lose their ".0" (2125550123.0 -> "2125550123") because that is how spreadsheets
    mangle codes, phone numbers and ZIPs; bools and containers are not text and give None.
    """
    if isinstance(value, str):
        return value
    if is_missing(value) or isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating, Decimal)):
        if not math.isfinite(value):
            return None
        if value == int(value):
            return str(int(value))
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return None
