"""CSV files of record pairs a steward decided on: overrides (resolve.py) and labels (labels.py)."""

from collections.abc import Callable
from pathlib import Path

import pandas as pd


def read_pair_csv(path: str | Path, column: str, allowed: tuple[str, ...], what: str,
                  spelled: Callable[[pd.Series], pd.Series] = lambda values: values) -> pd.DataFrame:
    """Rows of left, right (record keys) and `column` (one of `allowed`, lower-cased, then
    `spelled`: e.g. non-match read as non_match); bad rows are an error naming the line. `what`
    names the file's kind in messages."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    missing = {"left", "right", column} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: {what} need columns left, right, {column} (missing {sorted(missing)})")
    frame[column] = spelled(frame[column].str.strip().str.lower())
    bad = frame[~frame[column].isin(allowed) | (frame["left"].str.strip() == "")
                | (frame["right"].str.strip() == "")]
    if not bad.empty:
        line = int(bad.index[0]) + 2  # header is line 1
        raise ValueError(f"{path}: line {line}: {column} must be one of {allowed} and both "
                         f"records given (got {bad.iloc[0][column]!r})")
    return frame
