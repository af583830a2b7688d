"""The true population: households, people, twins, movers, maiden names, contact details.

Everything a source later renders (with mess) comes from here; `people_frame` is the ground truth.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_unification.lib.demo.common import (
    ANCHOR_DAY, choice_w, date_s, fmt_date, rng_for, zipf_weights,
)
from customer_unification.lib.demo.data.names import FEMALE_FIRST, MALE_FIRST, SURNAMES
from customer_unification.lib.demo.data.places import (
    CITIES, COMPANIES, EMAIL_DOMAINS, ORDINAL_STREETS, STREET_NAMES, STREET_TYPE_WEIGHTS, STREET_TYPES,
)
from customer_unification.lib.demo.formats import e164, street_line, zip5
from customer_unification.lib.demo.noise import fold
from customer_unification.lib.normalize.emails import email_match_key

SURNAME_LIST = np.array(list(dict.fromkeys(SURNAMES)), dtype=object)
MALE = np.array(MALE_FIRST, dtype=object)
FEMALE = np.array(FEMALE_FIRST, dtype=object)
CITY_NAME = np.array([c[0] for c in CITIES], dtype=object)
CITY_STATE = np.array([c[1] for c in CITIES], dtype=object)
CITY_OFFSET = np.array([c[5] for c in CITIES], dtype=np.int64)
CITY_WEIGHT = np.array([c[6] for c in CITIES], dtype=float)
ALL_AREA_CODES = np.array(sorted({a for c in CITIES for a in c[2]}), dtype=np.int64)
STREET_POOL = np.array(STREET_NAMES + ORDINAL_STREETS, dtype=object)
_STREET_W = np.r_[np.full(len(STREET_NAMES), 1.0), np.full(len(ORDINAL_STREETS), 1.5)]

HOUSEHOLD_SIZES = (1, 2, 3, 4, 5)
HOUSEHOLD_P = (0.28, 0.34, 0.17, 0.14, 0.07)


@dataclass
class Population:
    """Column arrays, one row per person (index = position), plus household address tables.

    `addr` holds 2*H addresses: rows [0, H) are each household's current address, rows
    [H, 2H) its previous one (meaningful only for households that moved).
    """

    n: int
    n_households: int
    person_id: np.ndarray
    household: np.ndarray  # household index per person
    hh_pos: np.ndarray  # 0 = head, 1 = partner/housemate, 2+ = children
    hh_size: np.ndarray
    gender: np.ndarray
    first: np.ndarray
    middle: np.ndarray  # None when no middle name
    last: np.ndarray
    maiden: np.ndarray  # None unless married into the surname
    dob: np.ndarray  # datetime64[D]
    email: np.ndarray  # personal, lower case, unique; None for ~7%
    work_email: np.ndarray  # None for most
    mobile: np.ndarray  # int64 10-digit, 0 = none; unique
    landline: np.ndarray  # household landline, 0 = none
    is_twin: np.ndarray
    moved: np.ndarray
    move_s: np.ndarray  # epoch seconds of the move (0 if not moved)
    addr: dict

    @property
    def cur_addr(self) -> np.ndarray:
        return self.household

    @property
    def prev_addr(self) -> np.ndarray:
        return self.household + self.n_households

    @property
    def phone(self) -> np.ndarray:
        """The person's best phone: own mobile, else the household landline (0 = none)."""
        return np.where(self.mobile > 0, self.mobile, self.landline)

    def address_at(self, persons: np.ndarray, ts_s: np.ndarray) -> np.ndarray:
        """Address row valid for each person at each time (previous address before a move)."""
        before = self.moved[persons] & (np.asarray(ts_s) < self.move_s[persons])
        return np.where(before, self.prev_addr[persons], self.cur_addr[persons])

    def city_of(self, addr_idx: np.ndarray) -> np.ndarray:
        return self.addr["city"][addr_idx]

    def people_frame(self) -> pd.DataFrame:
        """The ground truth of who everyone is (current details)."""
        cur = self.cur_addr
        prev = self.prev_addr
        canon = street_line(self.addr, cur, 0)
        prev_street = street_line(self.addr, prev, 0)
        city = self.addr["city"]
        ph = self.phone
        return pd.DataFrame({
            "person_id": self.person_id,
            "household_id": np.char.add("H", np.char.zfill((self.household + 1).astype(str), 7)),
            "gender": self.gender,
            "first_name": self.first,
            "middle_name": self.middle,
            "last_name": self.last,
            "maiden_name": self.maiden,
            "date_of_birth": fmt_date(self.dob, "%Y-%m-%d"),
            "email": self.email,
            "work_email": self.work_email,
            "phone": e164(ph),
            "mobile": e164(self.mobile),
            "landline": e164(self.landline),
            "address_line1": canon,
            "city": CITY_NAME[city[cur]],
            "region": CITY_STATE[city[cur]],
            "postcode": zip5(self.addr["zip"][cur]),
            "country": "US",
            "is_twin": self.is_twin,
            "moved": self.moved,
            "moved_on": np.where(self.moved, fmt_date(
                (self.move_s // 86400).astype("datetime64[D]"), "%Y-%m-%d"), None),
            "previous_address_line1": np.where(self.moved, prev_street, None),
            "previous_city": np.where(self.moved, CITY_NAME[city[prev]], None),
            "previous_region": np.where(self.moved, CITY_STATE[city[prev]], None),
            "previous_postcode": np.where(self.moved, zip5(self.addr["zip"][prev]), None),
        })


def _dedupe(key_fn, redraw_fn, rng, max_rounds: int = 50) -> None:
    """Redraw rows whose key repeats an earlier row until all keys are unique."""
    for _ in range(max_rounds):
        dup = pd.Series(key_fn()).duplicated().to_numpy()
        if not dup.any():
            return
        redraw_fn(np.flatnonzero(dup))
    raise RuntimeError("could not make keys unique")


def _addresses(rng: np.random.Generator, h: int, city: np.ndarray | None = None) -> dict:
    if city is None:
        city = rng.choice(len(CITIES), size=h, p=CITY_WEIGHT / CITY_WEIGHT.sum())
    lo = np.array([c[3] for c in CITIES])[city]
    hi = np.array([c[4] for c in CITIES])[city]
    small = rng.random(h) < 0.7
    number = np.where(small, rng.integers(1, 400, h), rng.integers(100, 9999, h))
    predir = np.where(rng.random(h) < 0.15, rng.integers(1, 5, h), 0)
    sname = choice_w(rng, STREET_POOL, _STREET_W, h)
    types = list(STREET_TYPES)
    stype = rng.choice(len(types), size=h, p=np.array([STREET_TYPE_WEIGHTS[t] for t in types]) / sum(STREET_TYPE_WEIGHTS.values()))
    has_unit = rng.random(h) < 0.25
    utype = np.where(has_unit, np.where(rng.random(h) < 0.8, 1, 2), 0)
    unit_no = np.where(has_unit, rng.integers(1, 60, h), 0)
    zipc = rng.integers(lo, hi + 1)
    return {"number": number, "predir": predir, "sname": sname, "stype": stype, "utype": utype,
            "unit_no": unit_no, "city": city, "zip": zipc}


def _unique_phones(rng: np.random.Generator, area: np.ndarray, taken: set | None = None) -> np.ndarray:
    n = len(area)

    def draw(k):
        ex = rng.integers(200, 1000, k)
        bad = (ex % 100 == 11) | (ex == 555) | (ex == 950) | (ex == 958) | (ex == 959) | (ex == 976)
        ex = np.where(bad, ex + 1, ex)
        return ex * 10_000 + rng.integers(0, 10_000, k)

    num = area * 10_000_000 + draw(n)
    taken_arr = np.array(sorted(taken), dtype=np.int64) if taken else np.zeros(0, np.int64)
    for _ in range(50):
        dup = pd.Series(num).duplicated().to_numpy() | np.isin(num, taken_arr)
        if not dup.any():
            return num
        num[dup] = area[dup] * 10_000_000 + draw(int(dup.sum()))
    raise RuntimeError("could not draw unique phone numbers")


def _email_local(first_l, last_l, dob_y, pattern, rng):
    n = len(first_l)
    yy = np.char.zfill((dob_y % 100).astype(str), 2)
    nn = rng.integers(1, 100, n).astype(str)
    f0 = np.array([s[:1] for s in first_l], dtype=object).astype(str)
    fl, ll = first_l.astype(str), last_l.astype(str)
    options = [
        np.char.add(np.char.add(fl, "."), ll),
        np.char.add(fl, ll),
        np.char.add(np.char.add(fl, "_"), ll),
        np.char.add(f0, ll),
        np.char.add(np.char.add(np.char.add(fl, "."), ll), yy),
        np.char.add(np.char.add(fl, ll), nn),
        np.char.add(fl, dob_y.astype(str)),
        np.char.add(np.char.add(ll, "."), fl),
        np.char.add(np.char.add(np.char.add(f0, "."), ll), nn),
    ]
    out = np.empty(n, dtype=object)
    for k, opt in enumerate(options):
        m = pattern == k
        out[m] = opt[m]
    return out


def _ascii_lower(values: np.ndarray) -> np.ndarray:
    folded = fold(values)
    table = {v: "".join(ch for ch in v.lower() if ch.isalnum()) for v in set(folded)}
    return np.array([table[v] for v in folded], dtype=object)


def build_population(people: int, seed: int) -> Population:
    rng = rng_for(seed, "population")
    n = int(people)

    # households
    sizes = rng.choice(HOUSEHOLD_SIZES, size=n // 2 + 16, p=HOUSEHOLD_P)
    ends = np.cumsum(sizes)
    h = int(np.searchsorted(ends, n) + 1)
    sizes = sizes[:h].copy()
    sizes[-1] -= int(ends[h - 1] - n)
    household = np.repeat(np.arange(h), sizes)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    pos = np.arange(n) - starts[household]
    size = sizes[household]

    # roles, ages, twins
    partner = (pos == 1) & (rng.random(n) < 0.85)  # else a housemate
    head_age = np.where(sizes >= 3, rng.integers(44, 81, h), rng.integers(21, 89, h))
    age = head_age[household].astype(float)
    age = np.where(pos == 1, np.where(partner, age + rng.normal(0, 3.5, n), rng.integers(20, 60, n)), age)
    child_age = age - rng.uniform(21, 38, n)
    child_age = np.where(child_age < 18, 18 + rng.uniform(0, 5, n), child_age)
    age = np.where(pos >= 2, child_age, np.maximum(age, 19))
    dob = ANCHOR_DAY - (age * 365.25).astype(np.int64) - rng.integers(0, 365, n)
    twin_hh = (sizes >= 4) & (rng.random(h) < 0.18)
    is_twin = twin_hh[household] & ((pos == 2) | (pos == 3))
    twin2 = twin_hh[household] & (pos == 3)
    dob[twin2] = dob[np.flatnonzero(twin2) - 1]
    dob = dob.astype("datetime64[D]")

    # gender and first names (distinct within a household)
    head_male = rng.random(h) < 0.5
    male = rng.random(n) < 0.5
    male = np.where(pos == 0, head_male[household], male)
    male = np.where((pos == 1) & partner, np.where(rng.random(n) < 0.96, ~head_male[household], head_male[household]), male)
    wm, wf = zipf_weights(len(MALE), 8), zipf_weights(len(FEMALE), 8)
    first = np.where(male, MALE[rng.choice(len(MALE), n, p=wm)], FEMALE[rng.choice(len(FEMALE), n, p=wf)])

    def redraw_first(idx):
        mi = male[idx]
        first[idx] = np.where(mi, MALE[rng.choice(len(MALE), len(idx), p=wm)],
                              FEMALE[rng.choice(len(FEMALE), len(idx), p=wf)])

    # distinct within a household even once accents are stripped (José / Jose, Zoë / Zoe)
    folded = dict(zip(np.r_[MALE, FEMALE], np.char.lower(fold(np.r_[MALE, FEMALE]).astype(str))))
    _dedupe(lambda: pd.Series(household).astype(str) + "|" + pd.Series(first).map(folded), redraw_first, rng)
    gender = np.where(male, "male", "female").astype(object)
    middle_draw = np.where(male, MALE[rng.choice(len(MALE), n, p=wm)], FEMALE[rng.choice(len(FEMALE), n, p=wf)])
    middle = np.where((rng.random(n) < 0.55) & (middle_draw != first), middle_draw, None)

    # surnames, maiden names
    ws = zipf_weights(len(SURNAME_LIST), 10)
    hh_surname = SURNAME_LIST[rng.choice(len(SURNAME_LIST), h, p=ws)]
    own_surname = SURNAME_LIST[rng.choice(len(SURNAME_LIST), n, p=ws)]
    last = hh_surname[household].copy()
    same_name_couple = (partner & (rng.random(n) < 0.78))
    keeps_own = (pos == 1) & ~same_name_couple
    last[keeps_own] = own_surname[keeps_own]
    couple_hh = np.zeros(h, dtype=bool)
    couple_hh[household[same_name_couple]] = True
    married_in = couple_hh[household] & (pos <= 1) & ~male & (rng.random(n) < 0.5)
    maiden = np.where(married_in & (own_surname != last), own_surname, None)

    # addresses (current; previous for movers) -- unique per household
    cur = _addresses(rng, h)

    def addr_key(a):
        return (pd.Series(a["number"]).astype(str) + " " + pd.Series(a["predir"]).astype(str) + " "
                + pd.Series(a["sname"]) + " " + pd.Series(a["stype"]).astype(str) + " "
                + pd.Series(a["unit_no"]).astype(str) + " " + pd.Series(a["city"]).astype(str))

    def redraw_addr(a):
        def f(idx):
            a["number"][idx] = rng.integers(1, 9999, len(idx))
        return f

    _dedupe(lambda: addr_key(cur), redraw_addr(cur), rng)
    moved_hh = rng.random(h) < 0.09
    prev_city = np.where(rng.random(h) < 0.6, cur["city"], rng.choice(len(CITIES), h, p=CITY_WEIGHT / CITY_WEIGHT.sum()))
    prev = _addresses(rng, h, prev_city)
    addr = {k: np.concatenate([cur[k], prev[k]]) for k in cur}
    move_s = np.where(moved_hh, rng.integers(date_s("2023-06-01"), date_s("2026-09-30"), h), 0)

    # phones: unique mobiles (90%), household landlines (35%)
    city = cur["city"][household]
    city_codes = [np.array(c[2]) for c in CITIES]
    local_code = np.array([city_codes[c][i % len(city_codes[c])] for c, i in
                           zip(city, rng.integers(0, 1000, n))], dtype=np.int64)
    area = np.where(rng.random(n) < 0.75, local_code, ALL_AREA_CODES[rng.integers(0, len(ALL_AREA_CODES), n)])
    has_mobile = rng.random(n) < 0.9
    mobile_all = _unique_phones(rng, area)
    mobile = np.where(has_mobile, mobile_all, 0)
    hh_code = np.array([city_codes[c][0] for c in cur["city"]], dtype=np.int64)
    landline_hh = _unique_phones(rng, hh_code, set(mobile_all.tolist()))
    landline_hh = np.where(rng.random(h) < 0.35, landline_hh, 0)
    landline = landline_hh[household]

    # e-mails: personal (93%, unique), work (15% of working-age people, unique)
    first_l, last_l = _ascii_lower(first), _ascii_lower(last)
    mail_last = np.where((maiden != None) & (rng.random(n) < 0.5), _ascii_lower(np.where(maiden != None, maiden, last)), last_l)  # noqa: E711
    dob_y = dob.astype("datetime64[Y]").astype(np.int64) + 1970
    pattern = rng.choice(9, n, p=[.22, .14, .06, .12, .1, .12, .08, .06, .1])
    local = _email_local(first_l, mail_last, dob_y, pattern, rng)
    domains = list(EMAIL_DOMAINS)
    dom = np.array(domains, dtype=object)[rng.choice(len(domains), n, p=np.array(list(EMAIL_DOMAINS.values())) / sum(EMAIL_DOMAINS.values()))]
    email = (pd.Series(local) + "@" + pd.Series(dom)).to_numpy(dtype=object)

    def redraw_email(idx, draws=rng):
        email[idx] = (pd.Series(local[idx]) + pd.Series(draws.integers(2, 1000, len(idx)).astype(str))
                      + "@" + pd.Series(dom[idx])).to_numpy(dtype=object)

    _dedupe(lambda: email, redraw_email, rng)
    # One mailbox, one person: gmail ignores dots, so j.smith@ and jsmith@gmail.com are the same
    # address and cannot belong to two people. Redrawn from a stream of their own, so the rest of
    # the estate stays as it was.
    mailbox_draws = rng_for(seed, "mailboxes")
    _dedupe(lambda: [email_match_key(e) for e in email], lambda idx: redraw_email(idx, mailbox_draws), mailbox_draws)
    email = np.where(rng.random(n) < 0.93, email, None)

    works = (age >= 23) & (age <= 66) & (rng.random(n) < 0.16)
    company = np.array(COMPANIES, dtype=object)[rng.integers(0, len(COMPANIES), n)]
    work = (pd.Series(first_l) + "." + pd.Series(last_l) + "@" + pd.Series(company) + ".com").to_numpy(dtype=object)
    work = np.where(works, work, None)

    def redraw_work(idx):
        live = np.array([w is not None for w in work[idx]])
        idx = idx[live]
        work[idx] = (pd.Series(first_l[idx]) + "." + pd.Series(last_l[idx])
                     + pd.Series(rng.integers(2, 100, len(idx)).astype(str)) + "@"
                     + pd.Series(company[idx]) + ".com").to_numpy(dtype=object)

    _dedupe(lambda: np.where(work == None, np.arange(n).astype(str), work), redraw_work, rng)  # noqa: E711

    return Population(
        n=n, n_households=h,
        person_id=np.char.add("P", np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(object),
        household=household, hh_pos=pos, hh_size=size, gender=gender, first=first.astype(object),
        middle=middle, last=last.astype(object), maiden=maiden, dob=dob, email=email,
        work_email=work, mobile=mobile, landline=landline, is_twin=is_twin,
        moved=moved_hh[household], move_s=move_s[household], addr=addr,
    )
