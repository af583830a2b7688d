"""Seeded mess: typos, case noise, nicknames, accent folding, e-mail and spacing noise.

Every function takes an rng and a rate and returns a new object array; only the selected share
is touched in Python, so the cost stays proportional to the noise, not the data.
"""

import unicodedata

import numpy as np

from customer_unification.lib.demo.data.names import FEMALE_FIRST, MALE_FIRST, NICKNAMES
from customer_unification.lib.demo.data.places import DOMAIN_TYPOS

_ALL_FIRST = set(MALE_FIRST) | set(FEMALE_FIRST)
_nick_owner: dict[str, set[str]] = {}
for _canon, _nicks in NICKNAMES.items():
    for _n in _nicks:
        _nick_owner.setdefault(_n, set()).add(_canon)
# unambiguous nicknames only: one canonical name each, and never a first name in its own right
SAFE_NICKNAMES = {
    canon: [n for n in nicks if len(_nick_owner[n]) == 1 and n not in _ALL_FIRST]
    for canon, nicks in NICKNAMES.items()
}
SAFE_NICKNAMES = {k: v for k, v in SAFE_NICKNAMES.items() if v}

_KEYBOARD_NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj", "i": "uo",
    "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "r": "et", "s": "ad",
    "t": "ry", "u": "yi", "v": "cb", "w": "qe", "y": "tu", "z": "x",
}


def pick(rng: np.random.Generator, n: int, rate: float, eligible: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask choosing about `rate` of n rows (only among `eligible`)."""
    m = rng.random(n) < rate
    return m if eligible is None else m & np.asarray(eligible, dtype=bool)


def _typo_one(s: str, op: int, pos: float, alt: float) -> str:
    if len(s) < 4:
        return s
    i = 1 + int(pos * (len(s) - 2))  # never the first letter
    if op == 0:  # transpose
        return s[:i] + s[i + 1] + s[i] + s[i + 2:] if i + 1 < len(s) else s
    if op == 1:  # drop a letter
        return s[:i] + s[i + 1:]
    if op == 2:  # double a letter
        return s[:i] + s[i] + s[i:]
    c = s[i].lower()  # hit a neighbouring key
    nb = _KEYBOARD_NEIGHBOURS.get(c)
    if not nb:
        return s[:i] + s[i] + s[i:]
    r = nb[int(alt * len(nb))]
    return s[:i] + (r.upper() if s[i].isupper() else r) + s[i + 1:]


def typo(values: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    m = pick(rng, len(out), rate)
    idx = np.flatnonzero(m)
    ops, pos, alt = rng.integers(0, 4, len(idx)), rng.random(len(idx)), rng.random(len(idx))
    for k, i in enumerate(idx):
        if isinstance(out[i], str):
            out[i] = _typo_one(out[i], int(ops[k]), pos[k], alt[k])
    return out


def case_noise(values: np.ndarray, rng: np.random.Generator, upper: float, lower: float) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    r = rng.random(len(out))
    ok = np.array([isinstance(v, str) for v in out], dtype=bool) if out.dtype == object else True
    up, lo = (r < upper) & ok, (r >= upper) & (r < upper + lower) & ok
    if up.any():
        out[up] = np.strings.upper(out[up].astype(str))
    if lo.any():
        out[lo] = np.strings.lower(out[lo].astype(str))
    return out


def fold(values: np.ndarray) -> np.ndarray:
    """Strip accents (José -> Jose), as systems without Unicode support do."""
    vals = np.asarray(values, dtype=object)
    uniq = {v for v in vals if isinstance(v, str)}
    table = {v: "".join(c for c in unicodedata.normalize("NFKD", v) if not unicodedata.combining(c))
             .replace("Ø", "O").replace("ø", "o") for v in uniq}
    return np.array([table.get(v, v) if isinstance(v, str) else v for v in vals], dtype=object)


def fold_some(values: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    m = pick(rng, len(out), rate)
    if m.any():
        out[m] = fold(out[m])
    return out


def nickname(first: np.ndarray, rng: np.random.Generator, rate: float,
             eligible: np.ndarray | None = None) -> np.ndarray:
    """Replace about `rate` of names that have a nickname (Robert -> Bob)."""
    out = np.asarray(first, dtype=object).copy()
    has = np.array([isinstance(v, str) and v in SAFE_NICKNAMES for v in out], dtype=bool)
    m = pick(rng, len(out), rate, has if eligible is None else has & eligible)
    idx = np.flatnonzero(m)
    r = rng.random(len(idx))
    for k, i in enumerate(idx):
        nicks = SAFE_NICKNAMES[out[i]]
        out[i] = nicks[int(r[k] * len(nicks))]
    return out


def email_noise(emails: np.ndarray, rng: np.random.Generator, upper: float = 0.0, title: float = 0.0,
                spaces: float = 0.0, inner_space: float = 0.0, domain_typo: float = 0.0
                ) -> tuple[np.ndarray, np.ndarray]:
    """Case, padding and domain-typo noise. Returns (noisy, had_domain_typo mask)."""
    out = np.asarray(emails, dtype=object).copy()
    n = len(out)
    present = np.array([isinstance(v, str) for v in out], dtype=bool)
    # domain typos first (only for providers with known typos)
    typo_m = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(pick(rng, n, domain_typo, present))
    r = rng.random(len(cand))
    for k, i in enumerate(cand):
        local, _, dom = out[i].partition("@")
        options = DOMAIN_TYPOS.get(dom)
        if options:
            out[i] = f"{local}@{options[int(r[k] * len(options))]}"
            typo_m[i] = True
    up = pick(rng, n, upper, present)
    if up.any():
        out[up] = np.strings.upper(out[up].astype(str))
    ti = pick(rng, n, title, present & ~up)
    for i in np.flatnonzero(ti):
        out[i] = out[i][:1].upper() + out[i][1:]
    sp = np.flatnonzero(pick(rng, n, spaces, present))
    kinds = rng.integers(0, 3, len(sp))
    for k, i in enumerate(sp):
        out[i] = (" " + out[i], out[i] + " ", " " + out[i] + "  ")[kinds[k]]
    ins = np.flatnonzero(pick(rng, n, inner_space, present))
    for i in ins:
        out[i] = out[i].replace("@", " @", 1) if i % 2 else out[i].replace("@", "@ ", 1)
    return out, typo_m
