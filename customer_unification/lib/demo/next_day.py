"""A new day of event files for the landing zone, made from each event source's own records.

For the demo and the incremental benchmark: a share of the latest file of every file-based event
source, given new record keys and timestamps on `day`, written in the source's own format into
`<landing>/<source>/`, under a temporary name first and renamed when complete (the convention
the landing-zone sensor relies on). Sources keyed by an identifier (a social handle) are left out:
a new key would be a new identity, not a new event.
"""

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from customer_unification.lib.sources.contracts import SourceContract, SourcesConfig


def land_next_day(config: SourcesConfig, landing: Path, day: dt.date, share: float = 0.005,
                  seed: int = 1) -> dict[str, int]:
    """Write one day's new files; returns the records written per source."""
    rng = np.random.default_rng(seed)
    written = {}
    for contract in config.sources:
        if contract.kind != "event" or contract.format not in _FORMATS or _keyed_by_an_identifier(contract):
            continue
        path = config.paths(contract)[-1]
        records = _FORMATS[contract.format].read(path)
        sample = records.sample(n=max(1, round(len(records) * share)), random_state=rng.integers(2**31))
        sample = _as_new_events(sample, contract, day, rng)
        target = Path(landing) / contract.name / f"{contract.name}_{day:%Y-%m-%d}{path.suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        _FORMATS[contract.format].write(sample, partial)
        partial.rename(target)
        written[contract.name] = len(sample)
    return written


def _keyed_by_an_identifier(contract: SourceContract) -> bool:
    identifier_columns = {contract.fields[name].column for name in contract.identifiers if name in contract.fields}
    return any(key in identifier_columns for key in contract.record_key)


def _as_new_events(sample: pd.DataFrame, contract: SourceContract, day: dt.date,
                   rng: np.random.Generator) -> pd.DataFrame:
    out = sample.copy()
    key = contract.record_key[0]
    out[key] = out[key].astype(str) + f"-{day:%Y%m%d}"
    spec = contract.fields["event_ts"]
    seconds = rng.integers(0, 86_400, len(out))
    moments = pd.Timestamp(day, tz="UTC") + pd.to_timedelta(np.sort(seconds), unit="s")
    out[spec.column] = _render(moments, spec.format or contract.conventions.timestamp_format,
                               contract.conventions.timezone)
    return out


def _render(moments: pd.DatetimeIndex, fmt: str, tz: str) -> list:
    if fmt == "epoch_s":
        return [int(m.timestamp()) for m in moments]
    if fmt == "epoch_ms":
        return [int(m.timestamp() * 1000) for m in moments]
    if fmt == "iso":
        return [m.strftime("%Y-%m-%dT%H:%M:%SZ") for m in moments]
    return [m.tz_convert(tz).strftime(fmt) for m in moments]


class _Csv:
    read = staticmethod(lambda path: pd.read_csv(path, dtype=str, keep_default_na=False))
    write = staticmethod(lambda frame, path: frame.to_csv(path, index=False))


class _Parquet:
    read = staticmethod(pd.read_parquet)
    write = staticmethod(lambda frame, path: frame.to_parquet(path, index=False))


class _Jsonl:
    @staticmethod
    def read(path: Path) -> pd.DataFrame:
        # one column per top-level key: nested objects stay whole and are written back as they were
        return pd.DataFrame([json.loads(line) for line in path.read_text().splitlines() if line.strip()])

    @staticmethod
    def write(frame: pd.DataFrame, path: Path) -> None:
        rows = frame.to_dict(orient="records")
        path.write_text("".join(json.dumps({k: v for k, v in r.items() if _present(v)}) + "\n" for r in rows))


def _present(value) -> bool:
    return not (isinstance(value, float) and np.isnan(value))


_FORMATS = {"csv": _Csv, "parquet": _Parquet, "jsonl": _Jsonl}
