"""What a rendered source looks like, and the bad-row injectors every system shares."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import cat
from customer_unification.lib.demo.population import Population

# defect codes written to the truth file (empty string = a clean record)
MISSING_KEY = "missing_key"
DUPLICATE_KEY = "duplicate_key"
IMPOSSIBLE_DATE = "impossible_date"
NO_IDENTIFIERS = "no_identifiers"
AMBIGUOUS_DATE = "ambiguous_date"


@dataclass
class SourceOutput:
    """One source's rows exactly as written, with who each row really is.

    `person` is the person index per row (-1 for rows that are not records, e.g. blank
    spreadsheet rows); `record_key` names the frame columns forming the contract's key.
    """

    name: str
    fmt: str  # csv | jsonl | xlsx | parquet | sqlite
    path: str  # relative to the estate root
    frame: pd.DataFrame
    person: np.ndarray
    record_key: list[str]
    defect: np.ndarray
    options: dict = field(default_factory=dict)

    @property
    def is_record(self) -> np.ndarray:
        return self.person >= 0

    def record_ids(self) -> np.ndarray:
        """The record key rendered as the raw layer reads it: text, composite keys joined by '|'."""
        parts = [render_text(self.frame[c].to_numpy(dtype=object)) for c in self.record_key]
        out = parts[0]
        for p in parts[1:]:
            out = cat(out, "|", p)
        return np.asarray(out, dtype=object)


def render_text(values: np.ndarray) -> np.ndarray:
    """A value as the raw layer sees it: integral numbers as digits, None as ''."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out[i] = ""
        elif isinstance(v, (bool, np.bool_)):
            out[i] = str(v).lower()
        elif isinstance(v, (int, np.integer)):
            out[i] = str(int(v))
        elif isinstance(v, float) and v.is_integer():
            out[i] = str(int(v))
        else:
            out[i] = str(v)
    return out


def members(rng: np.random.Generator, pop: Population, rate: float, eligible: np.ndarray | None = None) -> np.ndarray:
    m = rng.random(pop.n) < rate
    if eligible is not None:
        m &= eligible
    return np.flatnonzero(m)


def repeat_counts(rng: np.random.Generator, who: np.ndarray, extra_mean: float) -> np.ndarray:
    """Each chosen person 1 + Poisson(extra_mean) times."""
    return np.repeat(who, 1 + rng.poisson(extra_mean, len(who)))


def exact_pick(rng: np.random.Generator, n: int, rate: float, eligible: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask of exactly round(rate * n) rows (among `eligible`): bad-row shares stay
    at their rate even for tiny estates instead of fluctuating."""
    pool = np.arange(n) if eligible is None else np.flatnonzero(eligible)
    want = min(int(round(rate * n)), len(pool))
    mask = np.zeros(n, dtype=bool)
    mask[rng.choice(pool, size=want, replace=False)] = True
    return mask


def add_duplicates(frame: pd.DataFrame, person: np.ndarray, defect: np.ndarray,
                   rng: np.random.Generator, rate: float) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Re-insert copies of `rate` of the rows a little later in the file (same key, same person)."""
    n = len(frame)
    pick = np.flatnonzero(exact_pick(rng, n, rate, (person >= 0) & (defect == "")))
    if len(pick) == 0:
        return frame, person, defect
    dest = np.minimum(pick + rng.integers(1, 50, len(pick)), n - 1)
    order = np.r_[np.arange(n, dtype=float), dest + 0.5]
    new = pd.concat([frame, frame.iloc[pick]], ignore_index=True)
    new_person = np.r_[person, person[pick]]
    new_defect = np.r_[defect, np.full(len(pick), DUPLICATE_KEY, dtype=object)]
    idx = np.argsort(order, kind="stable")
    return new.iloc[idx].reset_index(drop=True), new_person[idx], new_defect[idx]


def mark(defect: np.ndarray, mask: np.ndarray, code: str) -> None:
    defect[mask & (defect == "")] = code


def plant(rng: np.random.Generator, defect: np.ndarray, rate: float, code: str,
          eligible: np.ndarray | None = None) -> np.ndarray:
    """Choose exactly `rate` of the still-clean rows (among `eligible`) to carry defect `code`.

    Returns the mask; the caller breaks those rows the way the defect says.
    """
    clean = defect == ""
    mask = exact_pick(rng, len(defect), rate, clean if eligible is None else clean & eligible)
    mark(defect, mask, code)
    return mask


def impossible_dates(n: int, rng: np.random.Generator, pattern: str, years: np.ndarray) -> np.ndarray:
    """Dates that cannot exist (Feb 30/31, Apr 31, Jun 31) in a %m/%d/%Y-like pattern."""
    md = np.array([(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31)])
    pickd = md[rng.integers(0, len(md), n)]
    y = np.asarray(years)
    out = []
    for (m, d), yy in zip(pickd, y):
        out.append(pattern.replace("%m", f"{m:02d}").replace("%d", f"{d:02d}")
                   .replace("%Y", f"{yy:04d}").replace("%y", f"{yy % 100:02d}"))
    return np.array(out, dtype=object)


def seq_ids(prefix: str, n: int, start: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(start, start + n).astype(str), width)).astype(object)


def adult_since_s(pop: Population, persons: np.ndarray) -> np.ndarray:
    """Epoch seconds of each person's 18th birthday (nobody signs up before it)."""
    dob_s = pop.dob[persons].astype("datetime64[s]").astype(np.int64)
    return dob_s + int(18 * 365.25 * 86_400)
