"""Which daily partition each raw record of an event source belongs to.

A record belongs to the UTC day of its event. Two catch-alls put every record in exactly one
partition, whatever its date:
- an event before the first day belongs to the first day: that partition is the initial load
  of all earlier history (one partition instead of thousands of days of bookkeeping);
- a record whose event time cannot be read, or that lies after the last day, belongs to the
  day its file was delivered, so staging quarantines it there, once: the first day for the files
  of the source's declared location (the initial load), the day a file came through the landing
  zone (its modification time) for the others.
"""

import datetime as dt
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from customer_unification.lib.normalize.dates import parse_timestamp_series
from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.staging.extract import FieldExtractor

KEY_FORMAT = "%Y-%m-%d"


def event_days(raw: pd.DataFrame, contract: SourceContract, first: dt.date, last: dt.date,
               landed: Collection[Path] = ()) -> pd.Series:
    """The partition key (YYYY-MM-DD) of every raw record of an event source; `landed`: the
    source's files that came through the landing zone."""
    spec = contract.fields["event_ts"]
    conv = contract.conventions
    dayfirst = spec.dayfirst if spec.dayfirst is not None else conv.dayfirst
    parsed, _ = parse_timestamp_series(FieldExtractor(raw).values(spec), spec.format or conv.timestamp_format,
                                       tz=conv.timezone, dayfirst=dayfirst)
    day = parsed.dt.floor("D").dt.tz_localize(None)
    first_ts, last_ts = pd.Timestamp(first), pd.Timestamp(last)
    unplaced = day.isna() | (day > last_ts)
    day = day.where(unplaced | (day >= first_ts), first_ts)
    day = day.where(~unplaced, _delivery_days(raw["_file"], first_ts, last_ts, {Path(p).name: Path(p) for p in landed}))
    return day.dt.strftime(KEY_FORMAT)


def _delivery_days(files: pd.Series, first: pd.Timestamp, last: pd.Timestamp, landed: dict[str, Path]) -> pd.Series:
    """The day each file was delivered: the first day for the initial load, the UTC day a landed
    file was written (kept within [first, last]); no file (a SQL source): the last day.
    `files` are names, as the readers record them (`_file`); `landed` maps name -> path."""
    def day_of(name: str | None) -> pd.Timestamp:
        if not isinstance(name, str):
            return last
        if name not in landed or not landed[name].exists():
            return first
        written = pd.Timestamp(landed[name].stat().st_mtime, unit="s").floor("D")
        return min(max(written, first), last)

    by_file = {f: day_of(f) for f in files.dropna().unique()}
    return files.map(by_file).fillna(last).astype("datetime64[ns]")
