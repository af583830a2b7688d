"""Shared constants and small vectorised helpers: seeded RNG streams, string concat, dates."""

import zlib

import numpy as np

ANCHOR_DATE = "2026-11-01"  # the generated estate's "today"; nothing is dated on or after it
ANCHOR_DAY = np.datetime64(ANCHOR_DATE, "D")
ANCHOR_S = int(ANCHOR_DAY.astype("datetime64[s]").astype(np.int64))
DAY_S = 86_400

# zero-padded lookup tables: indexing is much faster than formatting per value
PAD2 = np.array([f"{i:02d}" for i in range(100)])
PAD3 = np.array([f"{i:03d}" for i in range(1000)])
PAD4 = np.array([f"{i:04d}" for i in range(10000)])
NUM = np.array([str(i) for i in range(10000)])


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """An independent generator per (seed, stream): tuning one source never shifts another."""
    return np.random.default_rng([int(seed), zlib.crc32(stream.encode())])


def cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays and scalars (numpy string ufuncs)."""
    out = None
    for p in parts:
        p = np.asarray(p)
        if p.dtype == object:
            p = p.astype(str)
        out = p if out is None else np.strings.add(out, p)
    return out


def choice_w(rng: np.random.Generator, values, weights, size: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return np.asarray(values)[rng.choice(len(w), size=size, p=w / w.sum())]


def zipf_weights(n: int, offset: float, power: float = 1.0) -> np.ndarray:
    w = 1.0 / (np.arange(1, n + 1) + offset) ** power
    return w / w.sum()


def date_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.asarray(days, dtype="datetime64[D]")
    months = d.astype("datetime64[M]")
    y = months.astype("datetime64[Y]").astype(np.int64) + 1970
    m = months.astype(np.int64) % 12 + 1
    dd = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, dd


def fmt_date(days: np.ndarray, pattern: str) -> np.ndarray:
    """Format dates with a strftime-like pattern: %Y %y %m %d, and %-m %-d (no zero padding)."""
    y, m, d = date_parts(days)
    tokens = {"%Y": PAD4[y % 10000], "%y": PAD2[y % 100], "%m": PAD2[m], "%d": PAD2[d],
              "%-m": NUM[m], "%-d": NUM[d]}
    parts, i = [], 0
    while i < len(pattern):
        for tok in ("%-m", "%-d", "%Y", "%y", "%m", "%d"):
            if pattern.startswith(tok, i):
                parts.append(tokens[tok])
                i += len(tok)
                break
        else:
            parts.append(pattern[i])
            i += 1
    return cat(*parts)


def iso_seconds(ts_s: np.ndarray, offset_h: np.ndarray | int | None = None, suffix: str = "") -> np.ndarray:
    """Epoch seconds -> 'YYYY-MM-DDTHH:MM:SS' (local time + '+HH:00' when an offset is given)."""
    ts = np.asarray(ts_s, dtype=np.int64)
    if offset_h is None:
        return cat(np.datetime_as_string(ts.astype("datetime64[s]"), unit="s"), suffix)
    off = np.broadcast_to(np.asarray(offset_h, dtype=np.int64), ts.shape)
    local = np.datetime_as_string((ts + off * 3600).astype("datetime64[s]"), unit="s")
    sign = np.where(off < 0, "-", "+")
    return cat(local, sign, PAD2[np.abs(off)], ":00")


def days_to_s(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[s]").astype(np.int64)


def uniform_ts(rng: np.random.Generator, lo_s, hi_s, size: int | None = None) -> np.ndarray:
    """Uniform epoch seconds in [lo, hi) (arrays broadcast)."""
    lo = np.asarray(lo_s, dtype=np.int64)
    hi = np.maximum(np.asarray(hi_s, dtype=np.int64), lo + 1)
    shape = size if size is not None else np.broadcast(lo, hi).shape
    return lo + (rng.random(shape) * (hi - lo)).astype(np.int64)


def date_s(iso: str) -> int:
    return int(np.datetime64(iso, "s").astype(np.int64))


def none_where(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Object array with None where mask is true (a missing value in every writer)."""
    out = np.asarray(values).astype(object)
    out[np.asarray(mask, dtype=bool)] = None
    return out
