"""Birth dates written as text, read the way staging reads them (lib/normalize/dates.py).

Staged records carry real dates; a table handed straight to the engine (`match`, the identity
suite) may hold `3/1/2001`, `27/12/1981`, `12 Mar 1985` or `1981-12-27` in one column. Read
as digits, `12/01/2003` became `12012003`, never equal to `2003-01-12`, and a year of 1201.
The text values DuckDB cannot cast to a date are parsed once each (format "auto"); a day-month
order the value itself does not settle (`03/04/1985`) follows the column's own majority among
values that do settle it (`27/12/1981` is day-first) - a mixed US/UK column still lands the rest
on the "day and month swapped" level. Values no format reads keep their digits, as before, so
a typo stays comparable.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from customer_unification.lib.normalize.dates import DateParseError, parse_date

TABLE = "cu_dob_text"  # (cu_dob_raw, cu_dob_ymd)
_NUMERIC = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")


def register_text_birth_dates(con: duckdb.DuckDBPyConnection, source: str, column: str) -> bool:
    """Create `cu_dob_text (cu_dob_raw, cu_dob_ymd YYYYMMDD)` for the values of `column` (quoted)
    that are text DuckDB cannot cast to a date and are not 8 digits already; False when none."""
    raw = con.sql(f"""
        SELECT DISTINCT CAST({column} AS VARCHAR) AS v FROM {source}
        WHERE {column} IS NOT NULL AND try_cast({column} AS DATE) IS NULL
          AND NOT regexp_full_match(trim(CAST({column} AS VARCHAR)), '[0-9]{{8}}')""").fetchnumpy()["v"]
    if not len(raw):
        return False
    dayfirst = day_first(raw)
    parsed = {value: _ymd(value, dayfirst) for value in raw}
    con.register("cu_dob_text_in", pd.DataFrame({"cu_dob_raw": list(parsed), "cu_dob_ymd": list(parsed.values())},
                                                dtype=object))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {TABLE} AS SELECT * FROM cu_dob_text_in WHERE cu_dob_ymd IS NOT NULL")
    con.unregister("cu_dob_text_in")
    return True


def day_first(values) -> bool:
    """Whether the column writes day before month: the majority of the a/b/year values whose
    order is settled (a > 12: day-first, b > 12: month-first); day-first when nothing settles it."""
    first = second = 0
    for value in values:
        match = _NUMERIC.match(str(value))
        if match:
            a, b = int(match.group(1)), int(match.group(2))
            first += a > 12 >= b
            second += b > 12 >= a
    return first >= second


def _ymd(value: str, dayfirst: bool) -> str | None:
    try:
        parsed = parse_date(value, "auto", dayfirst=dayfirst)
    except DateParseError:
        return None
    return None if parsed is None else parsed.strftime("%Y%m%d")
