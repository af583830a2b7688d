"""Synthetic person records with ground truth, for identity-resolution benchmarks.

    .venv/bin/python bench/synth_people.py --records 1000000 --seed 1 --out bench/out/people_1m.parquet

One table of already standardised (post-staging) records: ~n/2.5 true people, each appearing 1-6
times (skewed towards 1). Every person's first record is clean; later copies are corrupted, each
corruption with modest probability: name typos, nicknames, dob day/month swaps and digit typos,
missing fields, a later address (movers), a married surname, a second email address.

Hard negatives come from the population itself: households share surname, address and landline;
twins also share a date of birth; Zipf-weighted names give many same-name people per city.

Everything is vectorised: 1M records take ~10 s. Same seed -> identical frame.
"""

from __future__ import annotations

import argparse
import csv
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from customer_unification.lib.demo.common import cat, zipf_weights
from customer_unification.lib.demo.data.names import FEMALE_FIRST, MALE_FIRST, SURNAMES
from customer_unification.lib.demo.data.places import (
    CITIES, EMAIL_DOMAINS, ORDINAL_STREETS, STREET_NAMES, STREET_TYPE_WEIGHTS,
)

VERSION = 1  # bump when the output changes: bench_identity caches tables by (records, seed, VERSION)
NICKNAMES_CSV = (Path(__file__).resolve().parents[1]
                 / "customer_unification/lib/normalize/data/nicknames.csv")
ANCHOR = np.datetime64("2026-11-01", "D")  # "today": every dob is before it

MALE = np.array(list(dict.fromkeys(MALE_FIRST)))
FEMALE = np.array(list(dict.fromkeys(FEMALE_FIRST)))
SURNAME = np.array(list(dict.fromkeys(SURNAMES)))
SURNAME_P = zipf_weights(len(SURNAME), 30)  # Smith ~0.9% of people, as in the US
CITY_NAME = np.array([c[0] for c in CITIES])
CITY_P = np.array([c[6] for c in CITIES], dtype=float) / sum(c[6] for c in CITIES)
CITY_ZIP_LO = np.array([c[3] for c in CITIES])
CITY_ZIP_HI = np.array([c[4] for c in CITIES])
CITY_N_CODES = np.array([len(c[2]) for c in CITIES])
CITY_CODES = np.array([list(c[2]) + [0] * (CITY_N_CODES.max() - len(c[2])) for c in CITIES])
STREETS = np.array(STREET_NAMES + ORDINAL_STREETS)
STREET_TYPE = np.array(list(STREET_TYPE_WEIGHTS))
STREET_TYPE_P = np.array(list(STREET_TYPE_WEIGHTS.values())) / sum(STREET_TYPE_WEIGHTS.values())
DOMAIN = np.array(list(EMAIL_DOMAINS))
DOMAIN_P = np.array(list(EMAIL_DOMAINS.values()), dtype=float) / sum(EMAIL_DOMAINS.values())
LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))
DIGITS = np.array(list("0123456789"))

COPIES = np.arange(1, 7)
COPIES_P = np.array([0.36, 0.22, 0.16, 0.12, 0.08, 0.06])  # mean 2.52 records per person
HOUSEHOLD_SIZES = np.arange(1, 6)
HOUSEHOLD_P = np.array([0.45, 0.28, 0.13, 0.10, 0.04])

# Corruption probabilities, applied independently to each duplicate (not to first records).
P_FIRST_TYPO, P_LAST_TYPO, P_NICKNAME = 0.05, 0.04, 0.12
P_DOB_SWAP, P_DOB_DIGIT = 0.03, 0.03
P_NO_EMAIL, P_NO_PHONE, P_NO_DOB, P_NO_ADDRESS = 0.12, 0.12, 0.05, 0.06
P_NEW_ADDRESS, P_NEW_SURNAME, P_ALT_EMAIL = 0.5, 0.5, 0.4  # for people who moved/married/have one


def generate(n_records: int, seed: int) -> pd.DataFrame:
    """`n_records` shuffled person records; `true_person` is the ground truth."""
    rng = np.random.default_rng(seed)
    counts = _copies_per_person(rng, n_records)
    people = _people(rng, len(counts))
    person = np.repeat(np.arange(len(counts)), counts)
    copy_no = np.arange(n_records) - np.repeat(np.cumsum(counts) - counts, counts)
    records = _records(rng, people, person, copy_no)
    order = rng.permutation(n_records)  # no engine should profit from duplicates being adjacent
    frame = pd.DataFrame({k: v[order] for k, v in records.items()})
    frame.insert(0, "record_id", _ids("R", n_records, 8))
    frame["true_person"] = _ids("P", len(counts), 7)[person[order]]
    frame["date_of_birth"] = _as_date32(frame["date_of_birth"].to_numpy())
    return frame


def _copies_per_person(rng: np.random.Generator, n_records: int) -> np.ndarray:
    """Records per person (1-6, skewed), trimmed so they add up to exactly n_records."""
    counts = rng.choice(COPIES, size=int(n_records / 2.3) + 10, p=COPIES_P)
    total = np.cumsum(counts)
    k = int(np.searchsorted(total, n_records)) + 1
    counts = counts[:k].copy()
    counts[-1] -= total[k - 1] - n_records
    return counts


# ---------------------------------------------------------------- people
def _people(rng: np.random.Generator, n: int) -> dict:
    """One row per true person: household-shared values plus each person's own."""
    sizes = rng.choice(HOUSEHOLD_SIZES, size=n, p=HOUSEHOLD_P)
    h = int(np.searchsorted(np.cumsum(sizes), n)) + 1
    sizes = sizes[:h]
    hh = np.repeat(np.arange(h), sizes)[:n]
    pos = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)[:n]

    home = _addresses(rng, h)
    phones = _phones(rng, np.r_[home["city"], home["city"][hh]])  # landlines, then mobiles
    twin_hh = (np.bincount(hh, minlength=h) >= 4) & (rng.random(h) < 0.25)
    landline = np.where((rng.random(h) < 0.4) | twin_hh, phones[:h], "")  # twins' homes have one

    male = rng.random(n) < 0.5
    first = _first_names(rng, male)
    _redraw_household_duplicates(rng, hh, male, first)
    last = SURNAME[rng.choice(len(SURNAME), h, p=SURNAME_P)][hh]
    own_name = (pos == 1) & (rng.random(n) < 0.25)  # partners who kept their own surname
    last[own_name] = SURNAME[rng.choice(len(SURNAME), own_name.sum(), p=SURNAME_P)]

    dob = _dates_of_birth(rng, hh, pos)
    is_twin = twin_hh[hh] & (pos == 3)
    dob[is_twin] = dob[np.flatnonzero(is_twin) - 1]  # born the same day as the sibling before
    is_twin[np.flatnonzero(is_twin) - 1] = True

    moved = rng.random(n) < 0.18
    new_home = _addresses(rng, n, city=np.where(rng.random(n) < 0.6, home["city"][hh], -1))
    married = ~male & (pos <= 1) & (rng.random(n) < 0.15)
    new_last = SURNAME[rng.choice(len(SURNAME), n, p=SURNAME_P)]
    email = _emails(rng, first, last, dob)
    alt_email = _emails(rng, first, np.where(married, new_last, last), dob, taken=email)
    return {
        "first": first, "last": last, "dob": dob, "male": male, "is_twin": is_twin,
        "email": np.where(rng.random(n) < 0.08, "", email),
        "alt_email": np.where(rng.random(n) < 0.25, alt_email, ""),
        "mobile": np.where(rng.random(n) < 0.10, "", phones[h:]),
        "landline": landline[hh],
        "line1": home["line1"][hh], "city": home["city"][hh], "zip": home["zip"][hh],
        "moved": moved, "new_line1": new_home["line1"], "new_city": new_home["city"],
        "new_zip": new_home["zip"], "married": married, "new_last": new_last,
    }


def _first_names(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """Zipf-weighted first names by gender: James and Mary are common, the tail is rare."""
    m = MALE[rng.choice(len(MALE), len(male), p=zipf_weights(len(MALE), 8))]
    f = FEMALE[rng.choice(len(FEMALE), len(male), p=zipf_weights(len(FEMALE), 8))]
    return np.where(male, m, f).astype(object)


def _redraw_household_duplicates(rng, hh, male, first) -> None:
    """Household members (and twins) get distinct first names, as real families do."""
    for _ in range(20):
        dup = pd.DataFrame({"h": hh, "f": first}).duplicated().to_numpy()
        if not dup.any():
            return
        idx = np.flatnonzero(dup)
        first[idx] = _first_names(rng, male[idx])


def _dates_of_birth(rng: np.random.Generator, hh: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Heads 20-90; partners close to them; children 20-40 years younger, adults (customers)."""
    n = len(hh)
    head_age = rng.uniform(20, 90, hh.max() + 1)[hh]
    age = np.where(pos == 0, head_age, head_age + rng.normal(0, 3, n))
    child = head_age - rng.uniform(20, 40, n)
    age = np.where(pos >= 2, np.where(child >= 18, child, rng.uniform(18, 30, n)), age)
    return ANCHOR - 1 - (np.clip(age, 18, 95) * 365.25).astype("timedelta64[D]")


def _addresses(rng: np.random.Generator, k: int, city: np.ndarray | None = None) -> dict:
    """Street line, city and ZIP; city -1 (or None) means draw one by population weight."""
    drawn = rng.choice(len(CITIES), size=k, p=CITY_P)
    city = drawn if city is None else np.where(city < 0, drawn, city)
    number = np.where(rng.random(k) < 0.7, rng.integers(1, 400, k), rng.integers(100, 9999, k))
    predir = np.array(["", "N ", "S ", "E ", "W "])[np.where(rng.random(k) < 0.12, rng.integers(1, 5, k), 0)]
    street = STREETS[rng.integers(0, len(STREETS), k)]
    stype = STREET_TYPE[rng.choice(len(STREET_TYPE), k, p=STREET_TYPE_P)]
    line1 = cat(number.astype(str), " ", predir, street, " ", stype)
    unit = rng.random(k) < 0.2
    line1 = np.where(unit, cat(line1, " Apt ", rng.integers(1, 60, k).astype(str)), line1)
    zipc = rng.integers(CITY_ZIP_LO[city], CITY_ZIP_HI[city] + 1)
    return {"line1": line1.astype(object), "city": city, "zip": np.strings.zfill(zipc.astype(str), 5)}


def _phones(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    """Distinct E.164 US numbers, area code of the city, exchange 201-999 (never N11/555)."""
    pick = (rng.random(len(city)) * CITY_N_CODES[city]).astype(int)
    area = CITY_CODES[city, pick].astype(np.int64)

    def draw(k):
        ex = rng.integers(201, 1000, k)
        ex = np.where((ex % 100 == 11) | (ex == 555), ex + 1, ex)
        return ex * 10_000 + rng.integers(0, 10_000, k)

    number = area * 10_000_000 + draw(len(city))
    for _ in range(20):  # a number belongs to one person (or one household's landline)
        dup = pd.Series(number).duplicated().to_numpy()
        if not dup.any():
            break
        number[dup] = area[dup] * 10_000_000 + draw(dup.sum())
    return cat("+1", number.astype(str))


def _emails(rng, first, last, dob, taken: np.ndarray | None = None) -> np.ndarray:
    """Personal addresses from the name (john.smith, jsmith, john.smith84, ...), made unique."""
    f, l = _ascii_lower(first), _ascii_lower(last)
    n = len(f)
    yy = np.strings.zfill((dob.astype("datetime64[Y]").astype(int) % 100).astype(str), 2)
    num = rng.integers(1, 1000, n).astype(str)
    style = rng.choice(6, n, p=[0.3, 0.15, 0.15, 0.1, 0.15, 0.15])
    local = np.select(
        [style == 0, style == 1, style == 2, style == 3, style == 4],
        [cat(f, ".", l), cat(f, l), cat(np.strings.slice(f, 0, 1), l), cat(f, "_", l), cat(f, ".", l, yy)],
        cat(f, l, num))
    email = pd.Series(cat(local, "@", DOMAIN[rng.choice(len(DOMAIN), n, p=DOMAIN_P)]), dtype=object)
    seen = pd.Series([], dtype=object) if taken is None else pd.Series(taken, dtype=object)
    for _ in range(20):  # an address belongs to one person only
        dup = pd.concat([seen, email], ignore_index=True).duplicated().to_numpy()[len(seen):]
        if not dup.any():
            break
        extra = rng.integers(1, 10_000, dup.sum()).astype(str)
        at = email[dup].str.split("@", n=1, expand=True)
        email[dup] = (at[0] + extra + "@" + at[1]).to_numpy()
    return email.to_numpy()


def _ascii_lower(names: np.ndarray) -> np.ndarray:
    """'José' -> 'jose', "O'Brien" -> 'obrien' (mapped once per distinct name)."""
    uniq, inv = np.unique(names.astype(str), return_inverse=True)
    folded = [unicodedata.normalize("NFKD", u).encode("ascii", "ignore").decode().lower() for u in uniq]
    folded = np.array(["".join(c for c in s if c.isalpha()) for s in folded])
    return folded[inv]


# ---------------------------------------------------------------- records
def _records(rng: np.random.Generator, p: dict, person: np.ndarray, copy_no: np.ndarray) -> dict:
    """Render each record from its person; duplicates (copy_no > 0) get corrupted."""
    n = len(person)
    dup = copy_no > 0

    def chance(prob, where=True):
        return dup & (rng.random(n) < prob) & where

    first = p["first"][person].copy()
    last = np.where(chance(P_NEW_SURNAME, p["married"][person]), p["new_last"][person], p["last"][person])
    nick = _nicknames(rng, first)
    first = np.where(chance(P_NICKNAME, nick != ""), nick, first)
    first = _apply(first, chance(P_FIRST_TYPO), lambda v: _typo(rng, v))
    last = _apply(last, chance(P_LAST_TYPO), lambda v: _typo(rng, v))

    dob = p["dob"][person].copy()
    swap = chance(P_DOB_SWAP)
    dob[swap] = _swap_day_month(dob[swap])
    digit = chance(P_DOB_DIGIT)
    dob[digit] = _dob_digit_typo(rng, dob[digit])
    dob[chance(P_NO_DOB)] = np.datetime64("NaT")

    email = np.where(chance(P_ALT_EMAIL, p["alt_email"][person] != ""), p["alt_email"][person],
                     p["email"][person])
    # Phone: own mobile; the household landline for some records (always when no mobile),
    # for twins mostly the landline, so twins share a phone as well as dob, address, surname.
    landline, mobile = p["landline"][person], p["mobile"][person]
    use_land = (landline != "") & ((mobile == "") | (rng.random(n) < np.where(p["is_twin"][person], 0.7, 0.25)))
    phone = np.where(use_land, landline, mobile)

    moved = chance(P_NEW_ADDRESS, p["moved"][person])
    line1 = np.where(moved, p["new_line1"][person], p["line1"][person])
    city = CITY_NAME[np.where(moved, p["new_city"][person], p["city"][person])]
    zipc = np.where(moved, p["new_zip"][person], p["zip"][person])
    no_addr = chance(P_NO_ADDRESS)
    return {
        "first_name": first.astype(object),
        "last_name": last.astype(object),
        "date_of_birth": dob,
        "email": _null(email, (email == "") | chance(P_NO_EMAIL)),
        "phone": _null(phone, (phone == "") | chance(P_NO_PHONE)),
        "address_line1": _null(line1, no_addr),
        "city": _null(city, no_addr),
        "postcode": _null(zipc, no_addr),
    }


def _apply(values: np.ndarray, mask: np.ndarray, fn) -> np.ndarray:
    out = values.astype(object)
    if mask.any():
        out[mask] = fn(out[mask].astype(str))
    return out


def _null(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = values.astype(object)
    out[mask] = None
    return out


def _typo(rng: np.random.Generator, s: np.ndarray) -> np.ndarray:
    """One substitution, deletion or transposition, never on the first letter (rarely mistyped)."""
    n = len(s)
    length = np.strings.str_len(s)
    pos = 1 + (rng.random(n) * np.maximum(length - 2, 1)).astype(int)  # 1 .. len-2
    head, tail = np.strings.slice(s, 0, pos), np.strings.slice(s, pos + 1, length + 1)
    here, nxt = np.strings.slice(s, pos, pos + 1), np.strings.slice(s, pos + 1, pos + 2)
    sub = cat(head, LETTERS[rng.integers(0, 26, n)], tail)
    delete = cat(head, tail)
    swap = cat(head, nxt, here, np.strings.slice(s, pos + 2, length + 1))
    kind = rng.integers(0, 3, n)
    out = np.where(kind == 0, sub, np.where(kind == 1, delete, swap))
    return np.where((out == s) | (length < 3), cat(s, LETTERS[rng.integers(0, 26, n)]), out)


def _nicknames(rng: np.random.Generator, first: np.ndarray) -> np.ndarray:
    """A random nickname of each first name from nicknames.csv ('' when it has none)."""
    table = _nickname_table()
    uniq, inv = np.unique(first.astype(str), return_inverse=True)
    options = [table.get(u.lower(), []) for u in uniq]
    width = max(map(len, options))
    grid = np.array([o + [""] * (width - len(o)) for o in options], dtype=object)
    n_opts = np.array([len(o) for o in options])[inv]
    pick = (rng.random(len(first)) * np.maximum(n_opts, 1)).astype(int)
    return np.where(n_opts > 0, grid[inv, pick], "")


def _nickname_table() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    with open(NICKNAMES_CSV, newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            table.setdefault(row["canonical"], []).append(row["nickname"].title())
    return table


def _swap_day_month(dob: np.ndarray) -> np.ndarray:
    """1984-03-07 -> 1984-07-03 where the day is a valid month; other dates unchanged."""
    months = dob.astype("datetime64[M]")
    year = months.astype("datetime64[Y]")
    month = months.astype(int) % 12 + 1
    day = (dob - months).astype(int) + 1
    ok = (day <= 12) & (day != month)
    swapped = (year + (day - 1).astype("timedelta64[M]")) + (month - 1).astype("timedelta64[D]")
    return np.where(ok, swapped.astype("datetime64[D]"), dob)


def _dob_digit_typo(rng: np.random.Generator, dob: np.ndarray) -> np.ndarray:
    """One digit of the decade, year, month or day changed; invalid results keep the original."""
    iso = np.datetime_as_string(dob, unit="D")  # YYYY-MM-DD
    pos = np.array([2, 3, 5, 6, 8, 9])[rng.integers(0, 6, len(dob))]
    digit = DIGITS[rng.integers(0, 10, len(dob))]
    typo = cat(np.strings.slice(iso, 0, pos), digit, np.strings.slice(iso, pos + 1, 10))
    parsed = pd.to_datetime(pd.Series(typo), format="%Y-%m-%d", errors="coerce").to_numpy("datetime64[D]")
    valid = ~np.isnat(parsed) & (parsed < ANCHOR)
    return np.where(valid, parsed, dob)


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return cat(prefix, np.strings.zfill(np.arange(n).astype(str), width)).astype(object)


def _as_date32(dob: np.ndarray) -> pd.Series:
    """A real DATE column (Arrow date32), so parquet and DuckDB see DATE, not TIMESTAMP."""
    days = dob.astype("datetime64[D]")
    arr = pa.array(days.astype(np.int64).astype(np.int32), type=pa.date32(), mask=np.isnat(days))
    return pd.Series(pd.arrays.ArrowExtensionArray(arr))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench/out/people_1m.parquet"))
    args = parser.parse_args()
    started = time.perf_counter()
    frame = generate(args.records, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(args.out, index=False)
    print(f"{len(frame):,} records of {frame['true_person'].nunique():,} people -> {args.out} "
          f"({time.perf_counter() - started:.1f}s)")


if __name__ == "__main__":
    main()
