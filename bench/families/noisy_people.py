"""noisy_people: a held-out synthetic family of person records for identity resolution.

Written independently of the project's demo generator (customer_unification/lib/demo/,
bench/synth_people.py) and of the matching engine it evaluates (customer_unification/lib/matching/):
none of that code was read while writing this one, so the two noise models share nothing beyond
the field list. The name and place lists in data/ were written by hand for this module.

    generate(people=5000, seed=7) -> DataFrame, one row per record:
        record_id, first_name, last_name, date_of_birth, email, phone, address_line1, city,
        postcode, country, true_person
    python bench/families/noisy_people.py --people 5000 --seed 7 --out records.parquet [--stats]

Noise model (every rate is a module-level constant in the block below; "per record" unless said)

People. 60% GB, 40% US; ages 16-92 on REFERENCE_DATE. Each person has 1-6 records (30/27/18/12/8/5%,
mean 2.56). Every record is an independent corruption of the person's TRUE attributes, never of
another record, so two records of one person are often two edits apart.

Names. Per name field 0/1/2 typos (90/8/2%: keyboard-neighbour substitution, deletion, insertion,
transposition) and OCR confusions (1.5%: rn/m, cl/d, vv/w, l/1/I, O/0). First name: nickname (32%
of the records of people whose name has one, ~15% of all records; people keep a usual nickname),
initial only (3%), middle name appended (6% of the records of people with one), title prefixed
(2%: Mr, Dr, Mrs ...). Last name: missing (5%),
double-barrelled names cut to one part (35%) or unhyphenated (10%), apostrophes dropped (30%),
"Jr"/"Jnr" on the junior's records (20%), former (maiden) name for women whose name changed (35% of
their records). First and last swapped (3%). Case noise on the whole record: UPPER 5%, lower 3%,
Title 3%.

Dates of birth (ISO text): missing 10%, off by a day 4%, month off by one 3%, year off by one or a
digit typo 3%, day/month swapped for 3% of the dates where both are <= 12 (~1% of records), otherwise
exact (~79%).

Email (70% of records before the contact rule below, ~72% after; the propensity is per person): a
unique personal mailbox derived from the name (first.last, flast, firstlast1985, nickname+digits,
...; maiden name for half of the women who changed theirs); 15% of people have a second personal
one and 20% a work one at an employer domain; family mailboxes ("smithfamily@...") in 25% of
households, used in 30% of members' records. Typo 2% (local part, domain such as gmial.com, dots),
capitalised 4%.

Phone (~60%): a unique mobile per person; households (and 45% of singles) have a landline that 25% of
phone-bearing records give instead. Written as typed ("07700 900123", "+44 7700 900123",
"(212) 555-0143", "212.555.0143", "+1 212 555 0143", ...); digit typo 2%.

Address (~75%): "12 Acacia Avenue", "Flat 3, 12 Acacia Ave", "12 Acacia Av."; street type full 55%,
abbreviated otherwise (a quarter with a dot); flat/apartment written in several ways or dropped (15%);
house-number typo 2%, street-name typo 2%. 8% of households MOVED: 40% of their records show the
older address in another town with its own postcode. City: present with 93% of addresses (10% without),
alias (Hull, NYC, St. Albans) 15%, typo 3%, "City, ST" for 5% of US records. Postcode: present with 95%
of addresses (25% without); UK case and spacing noise ("SW1A 1AA", "sw1a1aa"), US ZIP or ZIP+4 (25%),
leading zero lost (15% of ZIPs starting with 0); typo 3%. Every record keeps at least one contact
field (email, phone, address or postcode): a record left with none gets the person's main email.

Hard negatives. Households (15% of people live with 1-3 others: mostly one surname, one address and
landline, different first names and dates of birth), twins (1% of people: surname, date of birth and
address shared; half get similar names such as Ella/Emma), juniors (1%: parent and child with the same
first and last name and address, born 25-35 years apart), namesakes (common names drawn by frequency,
plus 3% of people given another person's first and last name with everything else independent).

Determinism: every draw comes from numpy.random.default_rng(seed), so a seed fixes the output.
20,000 people (~51,000 records) take about 8 s.
"""

import argparse
import bisect
import calendar
import csv
import datetime as dt
import functools
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "data"

# ======================================================================================== noise model
# Rates are per record unless marked "per person" / "per household". All are documented above.
REFERENCE_DATE = dt.date(2024, 6, 30)         # ages count from here, never from today (determinism)
GB_SHARE = 0.60
AGE_MIN, AGE_MAX = 16, 92
RECORDS_PER_PERSON = {1: 0.30, 2: 0.27, 3: 0.18, 4: 0.12, 5: 0.08, 6: 0.05}

# population structure (per person unless marked)
HOUSEHOLD_SHARE = 0.15           # people living with 1-3 others (twins and junior pairs included)
HOUSEHOLD_SIZES = {2: 0.55, 3: 0.28, 4: 0.17}
HOUSEHOLD_SAME_SURNAME = 0.80    # partner shares the head's surname
SINGLE_PARENT = 0.20             # households whose second member is a child, not a partner
TWIN_SHARE = 0.01
TWIN_SIMILAR_NAMES = 0.50        # twin pairs with look-alike names (Ella/Emma)
JUNIOR_SHARE = 0.01              # people in parent/child pairs with one first name
NAMESAKE_SHARE = 0.03            # people given another person's first and last name
MIDDLE_NAME_SHARE = 0.35
DOUBLE_BARREL_SHARE = 0.03       # per family surname
NAME_CHANGE_SPOUSE = 0.40        # woman sharing her partner's surname whose maiden name shows up
NAME_CHANGE_OTHER = 0.08         # other women aged 25+
MOVED_SHARE = 0.08               # per household: an older address in another town
SECOND_EMAIL_SHARE = 0.15
WORK_EMAIL_SHARE = 0.20          # people under 67
FAMILY_EMAIL_SHARE = 0.25        # per household
LANDLINE_SINGLE_SHARE = 0.45     # singles with a landline (households always have one)
FLAT_SHARE = {"GB": 0.15, "US": 0.20}
PROPENSITY_CONCENTRATION = 6.0   # Beta(k*p, k*(1-p)) per person: some people never give an email

# names
NAME_TYPOS = {0: 0.90, 1: 0.08, 2: 0.02}   # per name field
OCR_CONFUSION = 0.015                      # per name field
NICKNAME = 0.32                  # records of people whose first name has a nickname (~15% overall)
PREFERRED_NICKNAME = 0.80        # a nickname record uses the person's usual one
FIRST_INITIAL_ONLY = 0.03
MIDDLE_IN_FIRST = 0.06           # records of people with a middle name
TITLE_PREFIX = 0.02
SURNAME_MISSING = 0.05
DOUBLE_BARREL_ONE_PART = 0.35
DOUBLE_BARREL_SPACE = 0.10
APOSTROPHE_DROP = 0.30
JUNIOR_SUFFIX = 0.20
FORMER_NAME_RECORD = 0.35
NAME_SWAP = 0.03
CASE_NOISE = {"upper": 0.05, "lower": 0.03, "title": 0.03}   # whole record

# date of birth: one outcome per record, the remainder exact
DOB_NOISE = {"missing": 0.10, "day": 0.04, "month": 0.03, "year": 0.03, "swap": 0.03}

# contact fields
EMAIL_PRESENT = 0.70
FAMILY_EMAIL_RECORD = 0.30
EMAIL_TYPO = 0.02
EMAIL_CAPITALISED = 0.04
PHONE_PRESENT = 0.60
LANDLINE_RECORD = 0.25           # phone-bearing records of people with a landline
PHONE_TYPO = 0.02
ADDRESS_PRESENT = 0.75
OLD_ADDRESS_RECORD = 0.40        # records of people who moved
STREET_TYPE_FULL = 0.55
STREET_TYPE_DOT = 0.25           # abbreviated types written with a dot
UNIT_DROPPED = 0.15
HOUSE_NUMBER_TYPO = 0.02
STREET_TYPO = 0.02
CITY_WITH_ADDRESS, CITY_WITHOUT_ADDRESS = 0.93, 0.10
CITY_ALIAS = 0.15
CITY_TYPO = 0.03
CITY_WITH_STATE = 0.05           # US records
POSTCODE_WITH_ADDRESS, POSTCODE_WITHOUT_ADDRESS = 0.95, 0.25
POSTCODE_TYPO = 0.03
ZIP4_RECORD = 0.25
ZIP_LEADING_ZERO_LOST = 0.15     # a spreadsheet read the ZIP as a number

COLUMNS = ["record_id", "first_name", "last_name", "date_of_birth", "email", "phone",
           "address_line1", "city", "postcode", "country", "true_person"]

# small fixed vocabularies (the long lists are the CSV files in data/)
EMAIL_DOMAINS = {
    "GB": {"gmail.com": 30, "hotmail.co.uk": 12, "hotmail.com": 6, "yahoo.co.uk": 10, "outlook.com": 9,
           "icloud.com": 8, "btinternet.com": 7, "live.co.uk": 4, "sky.com": 3, "aol.com": 2,
           "googlemail.com": 2},
    "US": {"gmail.com": 42, "yahoo.com": 15, "hotmail.com": 7, "outlook.com": 9, "icloud.com": 12,
           "aol.com": 6, "comcast.net": 4, "msn.com": 2, "att.net": 2},
}
DOMAIN_TYPOS = {
    "gmail.com": ["gmial.com", "gmail.co", "gmai.com", "gamil.com", "gmail.con"],
    "googlemail.com": ["googlemail.co", "googlemial.com"],
    "hotmail.com": ["hotmial.com", "hotmail.co", "hotmal.com"],
    "hotmail.co.uk": ["hotmail.co", "hotmial.co.uk", "hotmail.co.k"],
    "yahoo.co.uk": ["yahoo.co", "yaho.co.uk", "yahooo.co.uk"],
    "yahoo.com": ["yaho.com", "yahoo.co", "yahooo.com"],
    "outlook.com": ["outlok.com", "outlook.co", "outloook.com"],
    "icloud.com": ["iclod.com", "icloud.co", "icoud.com"],
    "btinternet.com": ["btinternet.co", "btinterent.com", "btinternett.com"],
}
EMPLOYERS = {
    "GB": ["northfield-logistics.co.uk", "harbourbank.co.uk", "nhs.net", "kestrelenergy.co.uk",
           "brightlane.com", "oakmoor.gov.uk", "ashgrove.ac.uk", "meridianlaw.co.uk",
           "pennine-foods.co.uk", "thamesdigital.com"],
    "US": ["lakeshorehealth.org", "summitfinancial.com", "bluepeak.io", "ridgelinesoftware.com",
           "prairiemutual.com", "harborlogistics.com", "cedarviewschools.org", "atlasmfg.com",
           "northgate.edu", "pinecrestmedical.com"],
}
TITLES = {"M": {"Mr": 70, "Mr.": 15, "Dr": 10, "Dr.": 5},
          "F": {"Mrs": 35, "Ms": 25, "Miss": 20, "Mrs.": 8, "Ms.": 5, "Dr": 7}}
TWIN_NAME_PAIRS = [  # look-alike names for twins: (name, sex, name, sex)
    ("Ella", "F", "Emma", "F"), ("Mia", "F", "Maya", "F"), ("Lucy", "F", "Lily", "F"),
    ("Ava", "F", "Eva", "F"), ("Lena", "F", "Lina", "F"), ("Amy", "F", "Anna", "F"),
    ("Sophie", "F", "Sophia", "F"), ("Chloe", "F", "Zoe", "F"), ("Ellie", "F", "Millie", "F"),
    ("Hannah", "F", "Holly", "F"), ("Jack", "M", "Jake", "M"), ("Ethan", "M", "Evan", "M"),
    ("Liam", "M", "Luke", "M"), ("Daniel", "M", "David", "M"), ("Harry", "M", "Henry", "M"),
    ("Leo", "M", "Luca", "M"), ("Ryan", "M", "Rhys", "M"), ("Aaron", "M", "Adam", "M"),
    ("Noah", "M", "Nora", "F"), ("Alexander", "M", "Alexandra", "F"), ("Louis", "M", "Louise", "F"),
    ("Daniel", "M", "Danielle", "F"),
]
OCR_SWAPS = [("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("vv", "w"), ("w", "vv"),
             ("l", "1"), ("l", "I"), ("I", "l"), ("O", "0"), ("o", "0")]
UK_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"   # the letters Royal Mail uses in inward codes
KEYBOARD_ROWS = [("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75)]


# ============================================================================================ random
class Dice:
    """One numpy Generator, read through a buffer of uniforms so scalar draws stay cheap."""

    def __init__(self, seed: int, block: int = 1 << 16):
        self.rng = np.random.default_rng(seed)
        self._block = block
        self._next = iter(()).__next__

    def u(self) -> float:
        try:
            return self._next()
        except StopIteration:
            self._next = iter(self.rng.random(self._block).tolist()).__next__
            return self._next()

    def chance(self, p: float) -> bool:
        return self.u() < p

    def int(self, lo: int, hi: int) -> int:
        """Uniform integer in [lo, hi)."""
        return lo + int(self.u() * (hi - lo))

    def pick(self, seq):
        return seq[int(self.u() * len(seq))]

    def beta_mean(self, mean: float, k: float = PROPENSITY_CONCENTRATION) -> float:
        return float(self.rng.beta(k * mean, k * (1 - mean)))


class Table:
    """Items with weights, drawn with a single uniform (bisect on cumulative shares)."""

    def __init__(self, weights: dict):
        self.items = list(weights)
        cum = np.cumsum(np.asarray(list(weights.values()), dtype=float))
        self.cum = (cum / cum[-1]).tolist()

    def draw(self, d: Dice):
        return self.items[min(bisect.bisect_right(self.cum, d.u()), len(self.items) - 1)]


# constant draws, built once
RECORDS_T = Table(RECORDS_PER_PERSON)
HOUSEHOLD_SIZES_T = Table(HOUSEHOLD_SIZES)
NAME_TYPOS_T = Table(NAME_TYPOS)
TITLES_T = {sex: Table(w) for sex, w in TITLES.items()}
EMAIL_DOMAINS_T = {c: Table(w) for c, w in EMAIL_DOMAINS.items()}
WORK_LOCAL_T = Table({"first.last": 0.6, "flast": 0.25, "first_last": 0.1, "first": 0.05})
PHONE_US_T = Table(dict(enumerate([35, 25, 10, 10, 10, 5, 5])))
PHONE_GB_T = Table(dict(enumerate([45, 20, 15, 7, 5, 3, 3, 7])))   # the last: mobiles only
UNIT_GB_T = Table(dict(enumerate([50, 20, 10, 5, 5])))
UNIT_US_T = Table(dict(enumerate([45, 20, 15, 5, 5, 10])))
POSTCODE_GB_T = Table(dict(enumerate([70, 15, 8, 5, 2])))


# ====================================================================================== reference
@dataclass(frozen=True)
class Town:
    name: str
    country: str
    state: str            # US state code; "" in GB
    postal: tuple         # GB outward codes or US 3-digit ZIP prefixes
    phone_codes: tuple    # GB dialling code or US area codes
    aliases: tuple


@dataclass(frozen=True)
class StreetType:
    name: str
    abbreviations: tuple


@dataclass
class Reference:
    first_names: dict     # sex -> Table of names
    surnames: dict        # country -> Table of surnames
    nicknames: dict       # formal name -> tuple of nicknames
    towns: dict           # country -> Table of Town
    streets: dict         # country -> list of street names
    street_types: dict    # country -> Table of StreetType


def _rows(name: str) -> list:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _split(value: str, sep: str = " ") -> tuple:
    return tuple(v for v in (value or "").split(sep) if v)


@functools.lru_cache(maxsize=1)
def reference() -> Reference:
    first = {sex: {} for sex in "FM"}
    for r in _rows("first_names.csv"):
        first[r["sex"]][r["name"]] = float(r["weight"])
    surnames = {}
    for country in ("GB", "US"):
        # a regional name is 3x likelier in its own country and 3x rarer in the other
        surnames[country] = Table({r["name"]: float(r["weight"]) * (
            1.0 if not r["region"] else 3.0 if r["region"] == country else 1 / 3)
            for r in _rows("surnames.csv")})
    towns = {"GB": {}, "US": {}}
    for r in _rows("uk_towns.csv"):
        towns["GB"][Town(r["town"], "GB", "", _split(r["outward_codes"]), (r["dialling_code"],),
                         _split(r["aliases"], "|"))] = float(r["weight"])
    for r in _rows("us_cities.csv"):
        towns["US"][Town(r["city"], "US", r["state"], _split(r["zip_prefixes"]),
                         _split(r["area_codes"]), _split(r["aliases"], "|"))] = float(r["weight"])
    streets = {"GB": [], "US": []}
    for r in _rows("streets.csv"):
        streets[r["country"]].append(r["name"])
    types = {"GB": {}, "US": {}}
    for r in _rows("street_types.csv"):
        types[r["country"]][StreetType(r["type"], _split(r["abbreviations"], "|"))] = float(r["weight"])
    return Reference(
        first_names={sex: Table(w) for sex, w in first.items()},
        surnames=surnames,
        nicknames={r["name"]: _split(r["nicknames"], "|") for r in _rows("nicknames.csv")},
        towns={c: Table(w) for c, w in towns.items()},
        streets=streets,
        street_types={c: Table(w) for c, w in types.items()},
    )


# ========================================================================================== people
@dataclass
class Address:
    country: str
    number: str
    street: str
    street_type: StreetType
    unit: str | None      # "3" (GB flat) or "4B" (US apartment)
    town: Town
    postcode: str         # canonical: "SW1A 1AA" or the 5-digit ZIP
    zip4: str = ""        # US only

    def line1(self) -> str:
        core = f"{self.number} {self.street} {self.street_type.name}".strip()
        if not self.unit:
            return core
        return f"Flat {self.unit}, {core}" if self.country == "GB" else f"{core} Apt {self.unit}"


@dataclass(frozen=True)
class Phone:
    country: str
    digits: str           # national digits: "07700900123", "02079460123", "2125550143"
    split: int            # length of the trunk/area part ("07700", "020", "212")


@dataclass
class Person:
    sex: str
    first: str
    last: str
    dob: dt.date
    country: str
    household: int
    role: str             # single, head, partner, child, housemate, twin, parent, junior
    address: Address
    landline: Phone | None = None
    middle: str | None = None
    former_last: str | None = None
    junior: bool = False
    twin: bool = False
    namesake: bool = False
    old_address: Address | None = None
    nicknames: tuple = ()
    mobile: Phone | None = None
    emails: list = field(default_factory=list)     # [personal, (second), (work)]
    email_weights: Table | None = None
    family_email: str | None = None
    p_email: float = EMAIL_PRESENT
    p_phone: float = PHONE_PRESENT
    p_address: float = ADDRESS_PRESENT
    pid: int = -1


def _clamp_date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


class World:
    """Draws people, addresses and contact points; registries keep identifiers unique."""

    def __init__(self, d: Dice):
        self.d, self.ref = d, reference()
        self.used_addresses: set = set()
        self.used_phones: set = set()
        self.used_emails: set = set()
        self.households = 0

    # ---- names and dates
    def first_name(self, sex: str, avoid: tuple = ()) -> str:
        while True:
            name = self.ref.first_names[sex].draw(self.d)
            if name not in avoid:
                return name

    def surname(self, country: str, allow_double: bool = True) -> str:
        name = self.ref.surnames[country].draw(self.d)
        if allow_double and "-" not in name and self.d.chance(DOUBLE_BARREL_SHARE):
            other = self.surname(country, allow_double=False)
            if other != name and "-" not in other and " " not in other:
                name = f"{name}-{other}"
        return name

    def dob(self, age: int) -> dt.date:
        return REFERENCE_DATE - dt.timedelta(days=int(age * 365.25) + self.d.int(0, 365))

    # ---- places and numbers
    def address(self, country: str, avoid_town: Town | None = None) -> Address:
        d = self.d
        while True:
            town = self.ref.towns[country].draw(d)
            if town == avoid_town:
                continue
            street = d.pick(self.ref.streets[country])
            stype = self.ref.street_types[country].draw(d)
            if country == "GB":
                number = str(1 + int(d.u() ** 2 * 180))   # most houses have small numbers
                unit = str(d.int(1, 31)) if d.chance(FLAT_SHARE["GB"]) else None
                inward = f"{d.int(1, 10)}{d.pick(UK_INWARD_LETTERS)}{d.pick(UK_INWARD_LETTERS)}"
                postcode = f"{d.pick(town.postal)} {inward}"
                zip4 = ""
            else:
                number = str(int(10 ** (2 + 2 * d.u())))   # 100-9999, log-uniform
                unit = (f"{d.int(1, 30)}{d.pick('ABCD')}" if d.chance(0.5) else str(d.int(1, 400))) \
                    if d.chance(FLAT_SHARE["US"]) else None
                postcode = f"{d.pick(town.postal)}{d.int(0, 100):02d}"
                zip4 = f"{d.int(0, 10000):04d}"
            key = (country, town.name, street, stype.name, number, unit)
            if key not in self.used_addresses:   # unrelated people never share an address by accident
                self.used_addresses.add(key)
                return Address(country, number, street, stype, unit, town, postcode, zip4)

    def _unique_phone(self, make) -> Phone:
        while True:
            phone = make()
            if phone.digits not in self.used_phones:
                self.used_phones.add(phone.digits)
                return phone

    def _digits(self, n: int) -> str:
        return f"{self.d.int(0, 10 ** n):0{n}d}"

    def mobile(self, country: str, town: Town) -> Phone:
        d = self.d
        if country == "GB":
            return self._unique_phone(lambda: Phone("GB", f"07{d.int(4, 10)}{self._digits(8)}", 5))
        # a mobile keeps the area code of wherever it was bought
        towns = self.ref.towns["US"]
        return self._unique_phone(lambda: Phone(
            "US", (d.pick(town.phone_codes) if d.chance(0.8) else d.pick(towns.draw(d).phone_codes))
            + f"{d.int(2, 10)}{self._digits(6)}", 3))

    def landline(self, addr: Address) -> Phone:
        d, town = self.d, addr.town
        if addr.country == "GB":
            code = town.phone_codes[0]
            return self._unique_phone(lambda: Phone(
                "GB", code + f"{d.int(2, 10)}{self._digits(10 - len(code))}", len(code)))
        return self._unique_phone(lambda: Phone(
            "US", f"{d.pick(town.phone_codes)}{d.int(2, 10)}{self._digits(6)}", 3))

    # ---- people
    def person(self, sex: str, country: str, age: int, last: str, addr: Address, landline,
               household: int, role: str, first: str | None = None, dob=None) -> Person:
        p = Person(sex=sex, first=first or self.first_name(sex), last=last,
                   dob=dob or self.dob(age), country=country, household=household, role=role,
                   address=addr, landline=landline)
        if self.d.chance(MIDDLE_NAME_SHARE):
            p.middle = self.first_name(sex, avoid=(p.first,))
        return p

    def new_household(self, country: str):
        self.households += 1
        addr = self.address(country)
        return self.households, addr, self.landline(addr)


# ---- household shapes: each returns its members
def single(w: World) -> list:
    country = "GB" if w.d.chance(GB_SHARE) else "US"
    hid, addr, landline = w.new_household(country)
    sex = w.d.pick("FM")
    p = w.person(sex, country, w.d.int(18, AGE_MAX + 1), w.surname(country), addr,
                 landline if w.d.chance(LANDLINE_SINGLE_SHARE) else None, hid, "single")
    if sex == "F" and _age(p) >= 25 and w.d.chance(NAME_CHANGE_OTHER):
        p.former_last = _other_surname(w, country, p.last)
    return [p]


def family(w: World) -> list:
    d = w.d
    country = "GB" if d.chance(GB_SHARE) else "US"
    hid, addr, landline = w.new_household(country)
    size = HOUSEHOLD_SIZES_T.draw(d)
    surname = w.surname(country)
    head_sex, head_age = d.pick("FM"), d.int(25, 86)
    members = [w.person(head_sex, country, head_age, surname, addr, landline, hid, "head")]
    if not d.chance(SINGLE_PARENT):
        sex = ("M" if head_sex == "F" else "F") if d.chance(0.92) else head_sex
        age = min(max(head_age + d.int(-6, 7), 20), AGE_MAX)
        shared = d.chance(HOUSEHOLD_SAME_SURNAME)
        partner = w.person(sex, country, age, surname if shared else w.surname(country), addr,
                           landline, hid, "partner")
        members.append(partner)
        women = [m for m in members if m.sex == "F"]
        if shared and len(women) == 1 and d.chance(NAME_CHANGE_SPOUSE):
            women[0].former_last = _other_surname(w, country, surname)
    parents_age = min(_age(m) for m in members)
    while len(members) < size:
        age = parents_age - d.int(20, 39)
        if age >= AGE_MIN:
            members.append(w.person(d.pick("FM"), country, age, surname, addr, landline, hid, "child"))
        else:  # too young to be a customer: an adult relative or lodger instead
            age = min(max(head_age + d.int(-10, 11), 18), AGE_MAX)
            last = surname if d.chance(0.5) else w.surname(country)
            members.append(w.person(d.pick("FM"), country, age, last, addr, landline, hid, "housemate"))
    return members


def twins(w: World) -> list:
    d = w.d
    country = "GB" if d.chance(GB_SHARE) else "US"
    hid, addr, landline = w.new_household(country)
    surname, age = w.surname(country), d.int(AGE_MIN, 71)
    dob = w.dob(age)
    if d.chance(TWIN_SIMILAR_NAMES):
        a, sa, b, sb = d.pick(TWIN_NAME_PAIRS)
        if d.chance(0.5):
            a, sa, b, sb = b, sb, a, sa
    else:
        sa, sb = d.pick("FM"), d.pick("FM")
        a = w.first_name(sa)
        b = w.first_name(sb, avoid=(a,))
    members = [w.person(s, country, age, surname, addr, landline, hid, "twin", first=n, dob=dob)
               for n, s in ((a, sa), (b, sb))]
    for m in members:
        m.twin = True
    if age < 30 and d.chance(0.5):   # young twins often still live with a parent
        members.append(w.person(d.pick("FM"), country, age + d.int(22, 39), surname, addr, landline,
                                hid, "parent"))
    return members


def juniors(w: World) -> list:
    d = w.d
    country = "GB" if d.chance(GB_SHARE) else "US"
    hid, addr, landline = w.new_household(country)
    sex = "M" if d.chance(0.85) else "F"
    surname, name = w.surname(country), w.first_name(sex)
    child_dob = w.dob(d.int(18, 56))
    # the parent was born 25-35 years before the child
    parent_dob = child_dob - dt.timedelta(days=int(d.int(25, 35) * 365.25) + d.int(0, 365))
    parent = w.person(sex, country, 0, surname, addr, landline, hid, "parent", first=name, dob=parent_dob)
    child = w.person(sex, country, 0, surname, addr, landline, hid, "junior", first=name, dob=child_dob)
    child.junior = True
    members = [parent, child]
    if d.chance(0.5):   # the other parent
        other = w.person("F" if sex == "M" else "M", country, min(_age(parent) + d.int(-5, 6), AGE_MAX),
                         surname, addr, landline, hid, "partner")
        if other.sex == "F" and d.chance(NAME_CHANGE_SPOUSE):
            other.former_last = _other_surname(w, country, surname)
        members.append(other)
    return members


def _age(p: Person) -> int:
    return (REFERENCE_DATE - p.dob).days // 365


def _other_surname(w: World, country: str, surname: str) -> str:
    while True:
        other = w.surname(country)
        if other != surname:
            return other


def build_population(people: int, d: Dice) -> list:
    """All people, their household structure and their true contact points."""
    w = World(d)
    groups = [twins(w) for _ in range(round(people * TWIN_SHARE / 2))]
    groups += [juniors(w) for _ in range(round(people * JUNIOR_SHARE / 2))]
    target = round(people * HOUSEHOLD_SHARE)
    while sum(map(len, groups)) < target:
        groups.append(family(w))
    while sum(map(len, groups)) > people:   # tiny populations: structure cannot fit
        groups.pop()
    groups += [single(w) for _ in range(people - sum(map(len, groups)))]

    members = [p for g in groups for p in g]
    for pid, i in enumerate(d.rng.permutation(len(members))):   # ids say nothing about households
        members[int(i)].pid = pid
    members.sort(key=lambda p: p.pid)

    _add_namesakes(w, members)
    for g in groups:
        _add_contacts(w, g)
    return members


def _add_namesakes(w: World, people: list) -> None:
    """Give some singles the first and last name of someone else; nothing else is shared."""
    d = w.d
    singles = [p for p in people if p.role == "single"]
    for _ in range(round(len(people) * NAMESAKE_SHARE)):
        if not singles:
            return
        p = d.pick(singles)
        for _attempt in range(20):
            q = d.pick(people)
            if q.household != p.household and q.sex == p.sex and (q.country == p.country or d.chance(0.3)):
                p.first, p.last, p.namesake = q.first, q.last, True
                p.middle = None if p.middle == p.first else p.middle
                break


def _add_contacts(w: World, group: list) -> None:
    d = w.d
    if d.chance(MOVED_SHARE):   # the household moved together from another town
        old = w.address(group[0].country, avoid_town=group[0].address.town)
        for p in group:
            p.old_address = old
    family_email = _family_email(w, group) if len(group) > 1 and d.chance(FAMILY_EMAIL_SHARE) else None
    for p in group:
        nicks = w.ref.nicknames.get(p.first, ())
        if nicks:   # a person has a usual nickname; the others appear rarely
            usual = nicks[0] if d.chance(0.5) else d.pick(nicks)
            p.nicknames = (usual,) + tuple(n for n in nicks if n != usual)
        p.mobile = w.mobile(p.country, p.address.town)
        p.emails, weights = _personal_emails(w, p)
        p.email_weights = Table(dict(zip(range(len(weights)), weights)))
        p.family_email = family_email
        p.p_email, p.p_phone, p.p_address = (d.beta_mean(EMAIL_PRESENT), d.beta_mean(PHONE_PRESENT),
                                             d.beta_mean(ADDRESS_PRESENT))


# ========================================================================================== emails
def _clean(s: str) -> str:
    return "".join(c for c in s.lower() if c.isalnum())


def _email_local(d: Dice, first: str, last: str, middle: str | None, nick: str | None,
                 year: int) -> str:
    f, l_ = _clean(first), _clean(last)
    m = _clean(middle or "")
    # (cumulative share, pattern): people pick their address in a handful of habitual shapes
    patterns = (
        (0.25, lambda: f"{f}.{l_}"), (0.35, lambda: f"{f}{l_}"), (0.45, lambda: f"{f[0]}{l_}"),
        (0.53, lambda: f"{f}.{l_}{d.int(1, 100)}"), (0.63, lambda: f"{f}{l_}{year}"),
        (0.68, lambda: f"{f}_{l_}"), (0.73, lambda: f"{f[0]}.{l_}"), (0.77, lambda: f"{l_}.{f}"),
        (0.84, lambda: f"{f}{year % 100:02d}"), (0.92, lambda: f"{_clean(nick or first)}{d.int(1, 1000)}"),
        (0.96 if m else 0.0, lambda: f"{f}.{m[0]}.{l_}"),
    )
    r = d.u()
    for share, pattern in patterns:
        if r < share:
            return pattern()
    return f"{f[0]}{m[:1]}{l_}{d.int(10, 100)}"


def _register_email(w: World, local: str, domain: str) -> str:
    address = f"{local}@{domain}"
    while address in w.used_emails:   # mailboxes are unique, as at real providers
        address = f"{local}{w.d.int(1, 1000)}@{domain}"
    w.used_emails.add(address)
    return address


def _personal_emails(w: World, p: Person):
    d = w.d
    domains = EMAIL_DOMAINS_T[p.country]
    nick = p.nicknames[0] if p.nicknames else None
    # an address opened before a name change still carries the maiden name
    last = p.former_last if p.former_last and d.chance(0.5) else p.last
    main = domains.draw(d)
    emails = [_register_email(w, _email_local(d, p.first, last, p.middle, nick, p.dob.year), main)]
    weights = [0.75]
    if d.chance(SECOND_EMAIL_SHARE):
        other = domains.draw(d)
        emails.append(_register_email(w, _email_local(d, p.first, p.last, p.middle, nick, p.dob.year), other))
        weights.append(0.12)
    if _age(p) < 67 and d.chance(WORK_EMAIL_SHARE):
        f, l_ = _clean(p.first), _clean(p.last)
        local = {"first.last": f"{f}.{l_}", "flast": f"{f[0]}{l_}", "first_last": f"{f}_{l_}",
                 "first": f}[WORK_LOCAL_T.draw(d)]
        emails.append(_register_email(w, local, d.pick(EMPLOYERS[p.country])))
        weights.append(0.13)
    return emails, weights


def _family_email(w: World, group: list) -> str:
    d, p = w.d, group[0]
    s = _clean(p.last.split("-")[0])
    local = d.pick([f"{s}family", f"the{s}s", f"{s}{p.address.number}", f"{s}household",
                    f"{s}s{d.int(1, 100)}"])
    return _register_email(w, local, EMAIL_DOMAINS_T[p.country].draw(d))


# =========================================================================================== noise
def _keyboard() -> dict:
    pos = {c: (r, i + off) for r, (row, off) in enumerate(KEYBOARD_ROWS) for i, c in enumerate(row)}
    return {c: [o for o, (r2, x2) in pos.items() if o != c and abs(r2 - r) <= 1 and abs(x2 - x) <= 1]
            for c, (r, x) in pos.items()}


NEIGHBOURS = _keyboard()


def _near(c: str, d: Dice) -> str:
    if c.isdigit():
        return str((int(c) + d.pick((1, 9))) % 10)   # an adjacent key on the number row
    nb = NEIGHBOURS.get(c.lower())
    if not nb:
        return c
    out = d.pick(nb)
    return out.upper() if c.isupper() else out


def typo(s: str, d: Dice) -> str:
    """One keyboard slip: neighbour substitution, deletion, insertion or transposition."""
    idx = [i for i, c in enumerate(s) if c.isalpha()]
    if len(idx) < 2:
        return s
    i = d.pick(idx)
    c, r = s[i], d.u()
    if r < 0.35:
        return s[:i] + _near(c, d) + s[i + 1:]
    if r < 0.60:
        return s[:i] + s[i + 1:]
    if r < 0.80:   # a fat finger or a doubled letter
        return s[:i + 1] + (_near(c, d) if d.chance(0.5) else c.lower()) + s[i + 1:]
    j = i + 1 if i + 1 < len(s) and s[i + 1].isalpha() else i - 1
    if j < 0 or not s[j].isalpha() or s[j].lower() == c.lower():
        return s[:i] + _near(c, d) + s[i + 1:]
    a, b = min(i, j), max(i, j)
    # the letters swap, the case pattern stays where it was ("John" -> "Jhon")
    x, y = s[b], s[a]
    x = x.upper() if s[a].isupper() else x.lower()
    y = y.upper() if s[b].isupper() else y.lower()
    return s[:a] + x + y + s[b + 1:]


def ocr(s: str, d: Dice) -> str:
    options = [(a, b) for a, b in OCR_SWAPS if a in s]
    if not options:
        return s
    a, b = d.pick(options)
    starts = [i for i in range(len(s)) if s.startswith(a, i)]
    i = d.pick(starts)
    return s[:i] + b + s[i + len(a):]


def digit_typo(s: str, d: Dice, start: int = 0) -> str:
    """Substitute or transpose digits at or after `start`, keeping the length."""
    idx = [i for i, c in enumerate(s) if c.isdigit() and i >= start]
    if not idx:
        return s
    i = d.pick(idx)
    if d.chance(0.7) or i + 1 >= len(s) or not s[i + 1].isdigit() or s[i + 1] == s[i]:
        return s[:i] + _near(s[i], d) + s[i + 1:]
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


def _noisy_name(name: str, d: Dice, ev: Counter, key: str) -> str:
    k = NAME_TYPOS_T.draw(d)
    for _ in range(k):
        name = typo(name, d)
    if k:
        ev[f"{key}_typo"] += 1
    if d.chance(OCR_CONFUSION):
        name = ocr(name, d)
        ev[f"{key}_ocr"] += 1
    return name


# -------------------------------------------------------------------------------------- names
def first_name_field(p: Person, d: Dice, ev: Counter) -> str:
    if d.chance(FIRST_INITIAL_ONLY):
        name = p.first[0] + ("." if d.chance(0.4) else "")
        ev["first_initial"] += 1
    else:
        name = p.first
        if p.nicknames and d.chance(NICKNAME):
            name = p.nicknames[0] if len(p.nicknames) == 1 or d.chance(PREFERRED_NICKNAME) \
                else d.pick(p.nicknames[1:])
            ev["first_nickname"] += 1
        if p.middle and d.chance(MIDDLE_IN_FIRST):
            name = f"{name} {p.middle}"
            ev["first_middle"] += 1
        name = _noisy_name(name, d, ev, "first")
    if d.chance(TITLE_PREFIX):
        name = f"{TITLES_T[p.sex].draw(d)} {name}"
        ev["first_title"] += 1
    return name


def last_name_field(p: Person, d: Dice, ev: Counter) -> str | None:
    if d.chance(SURNAME_MISSING):
        ev["last_missing"] += 1
        return None
    name = p.last
    if p.former_last and d.chance(FORMER_NAME_RECORD):
        name = p.former_last
        ev["last_former"] += 1
    if "-" in name:
        r = d.u()
        if r < DOUBLE_BARREL_ONE_PART:
            parts = name.split("-")
            name = parts[0] if d.chance(0.4) else parts[-1]
            ev["last_one_part"] += 1
        elif r < DOUBLE_BARREL_ONE_PART + DOUBLE_BARREL_SPACE:
            name = name.replace("-", " ")
    if "'" in name and d.chance(APOSTROPHE_DROP):
        name = name.replace("'", "" if d.chance(0.75) else " ")
    name = _noisy_name(name, d, ev, "last")
    if p.junior and d.chance(JUNIOR_SUFFIX):
        name += " Jr" if p.country == "US" else d.pick([" Jnr", " Jr"])
        ev["last_junior_suffix"] += 1
    return name


# --------------------------------------------------------------------------------------- dates
def dob_field(p: Person, d: Dice, ev: Counter) -> str | None:
    dob, r, cut = p.dob, d.u(), 0.0
    outcome = "exact"
    for name, rate in DOB_NOISE.items():
        cut += rate
        if r < cut:
            outcome = name
            break
    if outcome == "missing":
        ev["dob_missing"] += 1
        return None
    if outcome == "day":
        dob += dt.timedelta(days=d.pick((-1, 1)))
    elif outcome == "month":
        m = dob.month - 1 + d.pick((-1, 1))
        dob = _clamp_date(dob.year + m // 12, m % 12 + 1, dob.day)
    elif outcome == "year":
        dob = _year_noise(dob, d)
    elif outcome == "swap":
        if dob.day <= 12 and dob.day != dob.month:   # only a swap that still reads as a date
            dob = dt.date(dob.year, dob.day, dob.month)
        else:
            outcome = "exact"
    ev[f"dob_{outcome}"] += 1
    return dob.isoformat()


def _year_noise(dob: dt.date, d: Dice) -> dt.date:
    y = dob.year
    if d.chance(0.5):
        y += d.pick((-1, 1))
    else:  # a slip on the last two digits: 1985 -> 1958 or 1986
        tens, units = divmod(y % 100, 10)
        if d.chance(0.5) and tens != units:
            y = y - y % 100 + units * 10 + tens
        else:
            y = y - units + int(_near(str(units), d))
    if not 1900 <= y <= REFERENCE_DATE.year or y == dob.year:
        y = dob.year + 1 if dob.year < REFERENCE_DATE.year else dob.year - 1
    return _clamp_date(y, dob.month, dob.day)


# ------------------------------------------------------------------------------------- contact
def email_field(p: Person, d: Dice, ev: Counter) -> str | None:
    if not d.chance(p.p_email):
        return None
    if p.family_email and d.chance(FAMILY_EMAIL_RECORD):
        email = p.family_email
        ev["email_family"] += 1
    else:
        email = p.emails[p.email_weights.draw(d)]
    if d.chance(EMAIL_TYPO):
        email = _email_typo(email, d)
        ev["email_typo"] += 1
    if d.chance(EMAIL_CAPITALISED):
        local, domain = email.split("@")
        email = f"{local[:1].upper()}{local[1:]}@{domain.capitalize()}"
    return email


def _email_typo(email: str, d: Dice) -> str:
    local, domain = email.split("@")
    r = d.u()
    if r < 0.45 or (r < 0.8 and domain not in DOMAIN_TYPOS):
        local = typo(local, d)
    elif r < 0.8:
        domain = d.pick(DOMAIN_TYPOS[domain])
    elif "." in local:
        local = local.replace(".", "", 1)
    else:
        i = d.int(1, max(len(local), 2))
        local = local[:i] + "." + local[i:]
    return f"{local}@{domain}"


def phone_field(p: Person, d: Dice, ev: Counter) -> str | None:
    if not d.chance(p.p_phone):
        return None
    phone = p.mobile
    if p.landline and d.chance(LANDLINE_RECORD):
        phone = p.landline
        ev["phone_landline"] += 1
    digits = phone.digits
    if d.chance(PHONE_TYPO):   # never the trunk 0 / first area-code digit
        digits = digit_typo(digits, d, start=2 if phone.country == "GB" else 1)
        ev["phone_typo"] += 1
    return format_phone(phone.country, digits, phone.split, d)


def format_phone(country: str, digits: str, split: int, d: Dice) -> str:
    if country == "US":
        a, e, n = digits[:3], digits[3:6], digits[6:]
        return [f"({a}) {e}-{n}", f"{a}-{e}-{n}", f"{a}.{e}.{n}", f"+1 {a} {e} {n}", digits,
                f"1-{a}-{e}-{n}", f"+1 ({a}) {e}-{n}"][PHONE_US_T.draw(d)]
    a, b = digits[:split], digits[split:]
    grouped = {8: f"{b[:4]} {b[4:]}", 7: f"{b[:3]} {b[3:]}"}.get(len(b), b)
    options = [f"{a} {grouped}", digits, f"+44 {a[1:]} {grouped}", f"+44{digits[1:]}",
               f"({a}) {grouped}", f"0044 {a[1:]} {grouped}", f"{a}-{b}",
               f"{a} {b[:3]} {b[3:]}" if a.startswith("07") else f"{a} {grouped}"]
    return options[PHONE_GB_T.draw(d)]


# ------------------------------------------------------------------------------------- address
def address_fields(p: Person, d: Dice, ev: Counter):
    addr = p.address
    if p.old_address and d.chance(OLD_ADDRESS_RECORD):
        addr = p.old_address
        ev["address_old"] += 1
    has_line = d.chance(p.p_address)
    line1 = address_line(addr, d, ev) if has_line else None
    city = city_field(addr, d, ev) if d.chance(
        CITY_WITH_ADDRESS if has_line else CITY_WITHOUT_ADDRESS) else None
    postcode = postcode_field(addr, d, ev) if d.chance(
        POSTCODE_WITH_ADDRESS if has_line else POSTCODE_WITHOUT_ADDRESS) else None
    return line1, city, postcode


def address_line(addr: Address, d: Dice, ev: Counter) -> str:
    number, street = addr.number, addr.street
    if d.chance(HOUSE_NUMBER_TYPO):
        number = digit_typo(number, d) if len(number) > 1 or d.chance(0.5) else number + number
        ev["address_number_typo"] += 1
    if d.chance(STREET_TYPO):
        street = typo(street, d)
        ev["address_street_typo"] += 1
    stype = addr.street_type
    kind = stype.name
    if stype.abbreviations and not d.chance(STREET_TYPE_FULL):
        kind = d.pick(stype.abbreviations) + ("." if d.chance(STREET_TYPE_DOT) else "")
        ev["address_abbreviated"] += 1
    core = f"{number}{',' if d.chance(0.03) else ''} {street} {kind}"
    unit = addr.unit
    if not unit or d.chance(UNIT_DROPPED):
        return core
    if addr.country == "GB":
        return [f"Flat {unit}, {core}", f"Flat {unit} {core}", f"{core}, Flat {unit}",
                f"Apartment {unit}, {core}", f"{unit}/{core}"][UNIT_GB_T.draw(d)]
    return [f"{core} Apt {unit}", f"{core} #{unit}", f"{core}, Apt {unit}", f"Apt {unit}, {core}",
            f"{core} Unit {unit}", f"{core} Apt. {unit}"][UNIT_US_T.draw(d)]


def city_field(addr: Address, d: Dice, ev: Counter) -> str:
    town = addr.town
    city = town.name
    if town.aliases and d.chance(CITY_ALIAS):
        city = d.pick(town.aliases)
        ev["city_alias"] += 1
    if d.chance(CITY_TYPO):
        city = typo(city, d)
        ev["city_typo"] += 1
    if addr.country == "US" and d.chance(CITY_WITH_STATE):
        city = f"{city}, {town.state}"
    return city


def postcode_field(addr: Address, d: Dice, ev: Counter) -> str:
    if addr.country == "GB":
        pc = addr.postcode
        if d.chance(POSTCODE_TYPO):
            pc = _postcode_typo(pc, d)
            ev["postcode_typo"] += 1
        return [pc, pc.replace(" ", ""), pc.lower(), pc.lower().replace(" ", ""),
                pc.replace(" ", "  ")][POSTCODE_GB_T.draw(d)]
    pc = addr.postcode
    if d.chance(POSTCODE_TYPO):
        pc = digit_typo(pc, d)
        ev["postcode_typo"] += 1
    if d.chance(ZIP4_RECORD):
        pc = f"{pc}-{addr.zip4}"
    if pc.startswith("0") and d.chance(ZIP_LEADING_ZERO_LOST):
        pc = pc[1:]
        ev["postcode_zero_lost"] += 1
    return pc


def _postcode_typo(pc: str, d: Dice) -> str:
    idx = [i for i, c in enumerate(pc) if c.isalnum()]
    i = d.pick(idx)
    c = pc[i]
    new = _near(c, d) if c.isdigit() else d.pick([x for x in UK_INWARD_LETTERS if x != c])
    return pc[:i] + new + pc[i + 1:]


# -------------------------------------------------------------------------------------- record
def _case(s, mode: str):
    if s is None or mode == "none":
        return s
    return s.upper() if mode == "upper" else s.lower() if mode == "lower" else s.title()


def render_record(p: Person, d: Dice, ev: Counter) -> dict:
    """One independent corruption of the person's true attributes."""
    first, last = first_name_field(p, d, ev), last_name_field(p, d, ev)
    if last is not None and d.chance(NAME_SWAP):
        first, last = last, first
        ev["name_swap"] += 1
    dob = dob_field(p, d, ev)
    email, phone = email_field(p, d, ev), phone_field(p, d, ev)
    line1, city, postcode = address_fields(p, d, ev)
    if not (email or phone or line1 or postcode):   # sources require one contact point
        email = p.emails[0]
        ev["contact_forced"] += 1

    r, mode = d.u(), "none"
    cut = 0.0
    for name, rate in CASE_NOISE.items():
        cut += rate
        if r < cut:
            mode = name
            ev[f"case_{name}"] += 1
            break
    return {"first_name": _case(first, mode), "last_name": _case(last, mode), "date_of_birth": dob,
            "email": email, "phone": phone,
            "address_line1": _case(line1, mode if mode != "title" else "none"),
            "city": _case(city, mode), "postcode": postcode, "country": p.country,
            "true_person": p.pid}


# ============================================================================================= API
@dataclass
class Truth:
    records: pd.DataFrame     # what generate() returns
    people: pd.DataFrame      # one row per true person, with household structure
    events: Counter           # noise applied, by kind


def generate_with_truth(people: int = 5000, seed: int = 7) -> Truth:
    if people < 1:
        raise ValueError("people must be >= 1")
    d = Dice(seed)
    population = build_population(people, d)
    ev: Counter = Counter()
    rows = [render_record(p, d, ev) for p in population for _ in range(RECORDS_T.draw(d))]
    order = d.rng.permutation(len(rows))   # record ids say nothing about the person
    records = pd.DataFrame([rows[int(i)] for i in order])
    records.insert(0, "record_id", [f"R{i + 1:07d}" for i in range(len(records))])
    records = records[COLUMNS]
    for col in COLUMNS[:-1]:
        records[col] = records[col].astype(object).where(records[col].notna(), None)
    records["true_person"] = records["true_person"].astype("int64")
    return Truth(records, _people_frame(population), ev)


def generate(people: int = 5000, seed: int = 7) -> pd.DataFrame:
    """One row per record; columns COLUMNS; strings or None, true_person int."""
    return generate_with_truth(people, seed).records


def _people_frame(population: list) -> pd.DataFrame:
    def line(a):
        return a.line1() if a else None

    return pd.DataFrame([{
        "true_person": p.pid, "household": p.household, "role": p.role, "sex": p.sex,
        "first_name": p.first, "middle_name": p.middle, "last_name": p.last,
        "former_last_name": p.former_last, "nicknames": "|".join(p.nicknames),
        "date_of_birth": p.dob.isoformat(), "country": p.country,
        "address_line1": p.address.line1(), "city": p.address.town.name, "postcode": p.address.postcode,
        "moved": p.old_address is not None, "old_address_line1": line(p.old_address),
        "old_city": p.old_address.town.name if p.old_address else None,
        "old_postcode": p.old_address.postcode if p.old_address else None,
        "mobile": p.mobile.digits, "landline": p.landline.digits if p.landline else None,
        "emails": "|".join(p.emails), "family_email": p.family_email,
        "twin": p.twin, "junior": p.junior, "namesake": p.namesake,
    } for p in population]).sort_values("true_person", ignore_index=True)


# =========================================================================================== stats
def _norm(s) -> str:
    return "" if s is None or (isinstance(s, float) and np.isnan(s)) else str(s).strip().lower()


def noise_stats(truth: Truth) -> dict:
    """Rates measured on the output against the truth (not the counters), for checks and reports."""
    rec, ppl = truth.records, truth.people.set_index("true_person")
    n = len(rec)
    joined = rec.join(ppl, on="true_person", rsuffix="_true")
    per_person = rec.groupby("true_person").size()
    out = {"people": len(ppl), "records": n, "records_per_person": round(per_person.mean(), 3),
           "records_per_person_dist": {int(k): round(v / len(per_person), 3)
                                       for k, v in per_person.value_counts().sort_index().items()},
           "gb_people": round((ppl["country"] == "GB").mean(), 3)}
    out["present"] = {c: round(rec[c].notna().mean(), 3) for c in COLUMNS[1:-2]}

    first = [_norm(x) for x in joined["first_name"]]
    true_first = [_norm(x) for x in joined["first_name_true"]]
    nicks = [set(_norm(x).split("|")) - {""} for x in joined["nicknames"]]
    true_last = [_norm(x) for x in joined["last_name_true"]]
    out["first_name"] = {
        "exact": round(np.mean([a == b for a, b in zip(first, true_first)]), 3),
        "nickname": round(np.mean([a in s for a, s in zip(first, nicks)]), 3),
        "swapped_with_last": round(np.mean([a == b and a != c for a, b, c in
                                            zip(first, true_last, true_first)]), 3),
    }
    last = [_norm(x) for x in joined["last_name"]]
    out["last_name"] = {"exact": round(np.mean([a == b for a, b in zip(last, true_last)]), 3),
                        "missing": round(rec["last_name"].isna().mean(), 3)}

    dob_kind = Counter(_dob_kind(a, b) for a, b in zip(joined["date_of_birth"], joined["date_of_birth_true"]))
    out["date_of_birth"] = {k: round(v / n, 3) for k, v in sorted(dob_kind.items())}

    out["structure"] = {
        "in_households": round((ppl.groupby("household")["role"].transform("size") > 1).mean(), 3),
        "twins": int(ppl["twin"].sum()), "juniors": int(ppl["junior"].sum()),
        "namesakes_injected": int(ppl["namesake"].sum()),
        "name_groups_2plus": int((ppl.groupby(["first_name", "last_name"]).size() > 1).sum()),
        "moved": round(ppl["moved"].mean(), 3),
        "name_changed": int(ppl["former_last_name"].notna().sum()),
        "family_emails": int(ppl.drop_duplicates("household")["family_email"].notna().sum()),
    }
    out["events_per_record"] = {k: round(v / n, 4) for k, v in sorted(truth.events.items())}
    return out


def _dob_kind(got, true: str) -> str:
    if got is None or (isinstance(got, float) and np.isnan(got)):
        return "missing"
    if got == true:
        return "exact"
    g, t = dt.date.fromisoformat(got), dt.date.fromisoformat(true)
    if (g.year, g.month, g.day) == (t.year, t.day, t.month):
        return "swap"
    if (g.month, g.day) == (t.month, t.day):
        return "year"
    if abs((g - t).days) == 1:
        return "day"
    if g.year == t.year or abs(g.year - t.year) == 1:
        return "month"
    return "other"


# ============================================================================================= CLI
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True, help=".parquet or .csv")
    ap.add_argument("--truth", type=Path, help="also write the true people (.parquet or .csv)")
    ap.add_argument("--stats", action="store_true", help="print measured noise rates")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="print the records of N people")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    truth = generate_with_truth(args.people, args.seed)
    elapsed = time.perf_counter() - t0
    _write(truth.records, args.out)
    if args.truth:
        _write(truth.people, args.truth)
    print(f"{len(truth.records)} records of {args.people} people (seed {args.seed}) in {elapsed:.1f} s "
          f"-> {args.out}")
    if args.show:
        pd.set_option("display.width", 250)
        pd.set_option("display.max_columns", 20)
        pd.set_option("display.max_colwidth", 32)
        shown = np.random.default_rng(args.seed).choice(args.people, args.show, replace=False)
        for pid in sorted(shown):
            p = truth.people.iloc[int(pid)]
            print(f"\n# person {pid}: {p.first_name} {p.middle_name or ''} {p.last_name}, {p.date_of_birth}, "
                  f"{p.address_line1}, {p.city} {p.postcode} [{p.role}]")
            print(truth.records[truth.records.true_person == pid].drop(columns="true_person")
                  .to_string(index=False))
    if args.stats:
        import json
        print(json.dumps(noise_stats(truth), indent=1))
    return 0


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)


if __name__ == "__main__":
    sys.exit(main())
