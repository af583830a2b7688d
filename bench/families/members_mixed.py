"""members_mixed: a held-out family -- a US/UK gym chain and its partner apps, merged into one table.

Specification (fixed before looking at any output; every record is an independent corrupted copy
of its person, drawn with `random.Random(seed)` only):

People and households (US 60% / UK 40%, a household shares a country and city):
  single 38%, couple 24% (opposite sex 90%; 65% of married-style couples share his surname, the
  woman keeping a maiden name), roommates 2-3 with different surnames 9%, parent(s) + 1-2 adult
  children of one surname 14%, twins 6% (same dob and address; names 1/3 same initial, 1/3
  similar like Daniel/Danielle, 1/3 unrelated), father/son with the same full name 5% ("Jr"/"Sr"
  written in the surname field on 30% of their records; 60% still living together).
  Namesakes: 12% of household heads get one of a short list of very common full names
  ("John Smith", "Emma Smith", ...), in random cities with their own dobs; surnames are Zipf-weighted.
  35% of people have an employer (about one per 30 people of a city); colleagues share its office.
Records per person: 1:15% 2:25% 3:28% 4:18% 5:9% 6:5% (mean ~2.96).
Sources (weights): front desk 25, app 20, class booking 15, payment 17, PT CRM 10, corporate 13
  (corporate only for people with an employer; otherwise redrawn).
Names: typos per name field 0:78% 1:18% 2:4% (front desk 0:66% 1:26% 2:8%, 70% of its typos being
  handwriting confusions a/o u/v n/h e/c i/l r/n m/n g/q rn/m cl/d); nickname use: PT 50%, app 35%,
  booking 15%, front desk 10%, corporate 8%, payment 5%; app gives first name only 40%; PT gives a
  surname 35% (half as an initial); card names: initial + surname 45%, first + middle initial 25%,
  first + surname 30%, upper case; maiden name on 15% and hyphenated maiden-married on 8% of a
  married woman's records; middle initial appended to the first name on 5% of front-desk records.
  Case: app lower 70%, payment upper, front desk upper 20%, corporate upper 10%.
Date of birth (missing: front desk 5%, app 60%, booking 75%, payment 100%, PT 85%, corporate 45%):
  US sources m/d/yyyy (zero padded 30%), UK dd/mm/yyyy, app ISO; 6% mis-keyed (day/month swapped
  when both <= 12, else a wrong year digit 40% / off by one day 60%).
Emails: 1 personal (20%: 2), name-based local parts, unique per person (namesakes get look-alikes);
  work email at the employer domain; 40% of couples have a family email used on 35% of their records;
  domain typo 4%; missing: front desk 30%, app 0%, booking 0%, payment 50%, PT 70%, corporate 0% (work).
Phones: US +1 (415) 555-0123 / 415.555.0123 / (415) 555-0123 / 4155550123 / 415-555-0123, UK
  07700 900123 / +44 7700 900123 / 07700900123 / 020 7946 0123; one wrong digit 3%; 10% of people
  changed number (old one on 45% of records); 35% of couples share a landline (on 40% of records);
  missing: front desk 10%, app 70%, booking 60%, payment 80%, PT 0%, corporate 100%.
Addresses: street type full/abbreviated/abbreviated with dot, US direction prefixes, apartment/flat
  present 70% of the time when there is one, 15% of households moved (old address on 40% of
  records), street typo 4%, city variant 8%/typo 2%; US ZIP (ZIP+4 20%), UK postcodes with space
  75% / without 20% / lower case 5%; missing address: front desk 5%, app 85%, booking 80%,
  payment 55% (postcode kept 85%), PT 95%, corporate 0% (employer's office).
"""
from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

COLUMNS = ["record_id", "source", "first_name", "last_name", "dob", "email", "phone",
           "street", "city", "postcode", "country", "employer", "true_person"]

# --- reference data -------------------------------------------------------------------------
US_CITIES = [  # city, variants, zip prefix, area codes
    ("New York", ["NYC", "New York City"], "100", ["212", "646", "917"]),
    ("Brooklyn", ["Bklyn"], "112", ["718", "347"]),
    ("Los Angeles", ["LA", "Los Angeles CA"], "900", ["213", "323", "310"]),
    ("Chicago", ["Chicago IL", "Chgo"], "606", ["312", "773"]),
    ("Houston", ["Houston TX"], "770", ["713", "281"]),
    ("Phoenix", ["Phoenix AZ"], "850", ["602", "480"]),
    ("San Francisco", ["SF", "San Fran"], "941", ["415", "628"]),
    ("Seattle", ["Seattle WA"], "981", ["206"]),
    ("Boston", ["Boston MA"], "021", ["617", "857"]),
    ("Denver", ["Denver CO"], "802", ["303", "720"]),
    ("Atlanta", ["Atl"], "303", ["404", "678"]),
    ("Saint Louis", ["St. Louis", "St Louis"], "631", ["314"]),
    ("Austin", ["Austin TX"], "787", ["512"]),
    ("Portland", ["Portland OR"], "972", ["503"]),
]
UK_CITIES = [  # city, variants, postcode districts, area codes
    ("London", ["Greater London", "Londn"], ["SW1", "SE15", "N7", "E8", "NW3", "W12"], ["020"]),
    ("Manchester", ["Manc", "Gtr Manchester"], ["M1", "M14", "M20"], ["0161"]),
    ("Birmingham", ["B'ham", "Brum"], ["B1", "B15", "B29"], ["0121"]),
    ("Leeds", ["Leeds LS"], ["LS1", "LS6", "LS11"], ["0113"]),
    ("Bristol", ["Bristol City"], ["BS1", "BS6", "BS8"], ["0117"]),
    ("Glasgow", ["Glasgow City"], ["G1", "G12", "G41"], ["0141"]),
    ("Liverpool", ["L'pool"], ["L1", "L8", "L17"], ["0151"]),
    ("Edinburgh", ["Edinburgh City", "Edinbrugh"], ["EH1", "EH6", "EH10"], ["0131"]),
]
US_STREETS = ["Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park",
              "Sunset", "Lincoln", "Jackson", "Highland", "Madison", "Franklin", "Church", "Walnut",
              "Spring", "Ridge", "Willow", "Broadway", "Market", "Center", "Jefferson", "Riverside"]
UK_STREETS = ["High", "Station", "Church", "Victoria", "Park", "London", "Mill", "Queens", "Kings",
              "Albert", "Manor", "Green", "Chapel", "Springfield", "Grange", "Windsor", "York", "Orchard"]
US_TYPES = [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Boulevard", "Blvd"), ("Drive", "Dr"),
            ("Lane", "Ln"), ("Court", "Ct"), ("Place", "Pl")]
UK_TYPES = [("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Lane", "Ln"), ("Close", "Cl"),
            ("Gardens", "Gdns"), ("Crescent", "Cres"), ("Terrace", "Ter")]
DIRS = [("North", "N"), ("South", "S"), ("East", "E"), ("West", "W")]

MALE = ["James", "John", "Michael", "David", "Robert", "William", "Thomas", "Christopher", "Daniel",
        "Matthew", "Joseph", "Andrew", "Joshua", "Anthony", "Steven", "Stephen", "Richard", "Mark",
        "Kevin", "Brian", "Jonathan", "Benjamin", "Samuel", "Nicholas", "Edward", "Alexander", "Eric",
        "Patrick", "Peter", "Oliver", "Harry", "Jack", "George", "Charles", "Timothy", "Gregory",
        "Jacob", "Ryan", "Aaron", "Luis", "Carlos", "Mohammed", "Raj", "Wei", "Kwame", "Liam", "Noah"]
FEMALE = ["Mary", "Jennifer", "Jessica", "Sarah", "Emma", "Elizabeth", "Emily", "Katherine", "Ashley",
          "Amanda", "Stephanie", "Nicole", "Rebecca", "Laura", "Michelle", "Christina", "Rachel",
          "Olivia", "Sophie", "Charlotte", "Hannah", "Lucy", "Victoria", "Samantha", "Danielle",
          "Alexandra", "Patricia", "Margaret", "Susan", "Karen", "Lisa", "Amy", "Megan", "Erica",
          "Maria", "Ana", "Priya", "Mei", "Grace", "Chloe", "Isabella", "Abigail", "Natalie", "Jacqueline"]
SURNAMES = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson",
            "Taylor", "Anderson", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
            "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
            "Scott", "Hill", "Green", "Adams", "Baker", "Evans", "Roberts", "Turner", "Phillips",
            "Campbell", "Parker", "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers",
            "Morgan", "Cooper", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Wood",
            "Watson", "Brooks", "Bennett", "Gray", "Hughes", "Price", "Patel", "Khan", "Singh", "Davies",
            "O'Brien", "Walsh", "Kowalski", "Nguyen", "Kim", "Chen", "Okafor", "Hall", "Rodriguez",
            "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez", "McDonald", "MacLeod", "Fitzgerald"]
COMMON_FULL = [("John", "Smith", "M"), ("Emma", "Smith", "F"), ("Sarah", "Williams", "F"),
               ("Michael", "Brown", "M"), ("Jessica", "Jones", "F"), ("David", "Jones", "M"),
               ("James", "Johnson", "M"), ("Jennifer", "Davis", "F"), ("Robert", "Williams", "M"),
               ("Emily", "Taylor", "F"), ("Chris", "Miller", "M"), ("Mary", "Smith", "F")]
NICK = {"Michael": ["Mike", "Mikey", "Mick"], "Christopher": ["Chris", "Topher"], "Christina": ["Chris", "Tina", "Christy"],
        "Elizabeth": ["Liz", "Beth", "Lizzie", "Betsy"], "Stephen": ["Steve"], "Steven": ["Steve"],
        "Katherine": ["Kate", "Katie", "Kathy", "Kat"], "David": ["Dave", "Davey"], "Jennifer": ["Jen", "Jenny"],
        "Thomas": ["Tom", "Tommy"], "James": ["Jim", "Jimmy", "Jamie"], "John": ["Johnny", "Jack"],
        "Robert": ["Rob", "Bob", "Bobby"], "William": ["Will", "Bill", "Billy"], "Daniel": ["Dan", "Danny"],
        "Matthew": ["Matt"], "Joseph": ["Joe", "Joey"], "Andrew": ["Andy", "Drew"], "Joshua": ["Josh"],
        "Anthony": ["Tony"], "Richard": ["Rick", "Rich", "Dick"], "Jonathan": ["Jon", "Jonny"],
        "Benjamin": ["Ben", "Benny"], "Samuel": ["Sam"], "Samantha": ["Sam", "Sammy"], "Nicholas": ["Nick"],
        "Edward": ["Ed", "Eddie", "Ted"], "Alexander": ["Alex", "Xander"], "Alexandra": ["Alex", "Lexi", "Sandra"],
        "Patrick": ["Pat", "Paddy"], "Patricia": ["Pat", "Patty", "Trish"], "Peter": ["Pete"],
        "Charles": ["Charlie", "Chuck"], "Timothy": ["Tim"], "Gregory": ["Greg"], "Jacob": ["Jake"],
        "Rebecca": ["Becky", "Becca"], "Victoria": ["Vicky", "Tori"], "Margaret": ["Maggie", "Peggy", "Meg"],
        "Susan": ["Sue", "Suzy"], "Stephanie": ["Steph"], "Amanda": ["Mandy"], "Nicole": ["Nikki"],
        "Jessica": ["Jess", "Jessie"], "Abigail": ["Abby"], "Natalie": ["Nat"], "Jacqueline": ["Jackie"],
        "Danielle": ["Dani"], "Olivia": ["Liv"], "Charlotte": ["Lottie", "Charlie"], "Emily": ["Em"],
        "Harry": ["Haz"], "Mohammed": ["Mo"], "Oliver": ["Ollie"], "Megan": ["Meg"], "Erica": ["Rica"]}
SIMILAR_TWINS = [("Daniel", "Danielle"), ("Eric", "Erica"), ("Christopher", "Christina"), ("Samuel", "Samantha"),
                 ("Alexander", "Alexandra"), ("Patrick", "Patricia"), ("Michael", "Michelle"), ("Stephen", "Stephanie")]
EMP_A = ["Apex", "Blue", "Summit", "Harbor", "North", "Bright", "Iron", "Silver", "Crown", "Vertex", "Oak", "Nova"]
EMP_B = ["Logistics", "Health", "Capital", "Systems", "Media", "Foods", "Insurance", "Analytics", "Partners", "Energy"]
US_DOMAINS = [("gmail.com", 45), ("yahoo.com", 15), ("hotmail.com", 8), ("outlook.com", 10), ("icloud.com", 12),
              ("aol.com", 4), ("comcast.net", 3)]
UK_DOMAINS = [("gmail.com", 35), ("hotmail.co.uk", 15), ("yahoo.co.uk", 10), ("outlook.com", 10), ("icloud.com", 10),
              ("btinternet.com", 8), ("sky.com", 5), ("live.co.uk", 5)]
DOMAIN_TYPOS = {"gmail.com": ["gmial.com", "gmail.con", "gmal.com", "gmail.co", "gnail.com"],
                "yahoo.com": ["yaho.com", "yahoo.con", "yahooo.com"], "hotmail.com": ["hotmial.com", "hotmail.con", "hotmal.com"],
                "outlook.com": ["outlok.com", "outlook.con"], "icloud.com": ["iclod.com", "icloud.con", "icoud.com"],
                "hotmail.co.uk": ["hotmail.co", "hotmial.co.uk", "hotmail.com"], "yahoo.co.uk": ["yahoo.co", "yaho.co.uk"]}
HAND = {"a": "o", "o": "a", "u": "v", "v": "u", "n": "h", "h": "n", "e": "c", "c": "e", "i": "l", "l": "i",
        "r": "n", "m": "n", "g": "q", "q": "g", "t": "f"}
KEYS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]

SOURCES = [("frontdesk", 25), ("app", 20), ("booking", 15), ("payment", 17), ("pt", 10), ("corporate", 13)]
NICK_P = {"pt": .50, "app": .35, "booking": .15, "frontdesk": .10, "corporate": .08, "payment": .05}
DOB_MISS = {"frontdesk": .05, "app": .60, "booking": .75, "payment": 1.0, "pt": .85, "corporate": .45}
EMAIL_MISS = {"frontdesk": .30, "app": 0., "booking": 0., "payment": .50, "pt": .70, "corporate": 0.}
PHONE_MISS = {"frontdesk": .10, "app": .70, "booking": .60, "payment": .80, "pt": 0., "corporate": 1.0}
ADDR_MISS = {"frontdesk": .05, "app": .85, "booking": .80, "payment": .55, "pt": .95, "corporate": 0.}


def _wchoice(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


def _zipf(rng, items, s=1.0):
    return _wchoice(rng, [(it, 1.0 / (i + 1) ** s) for i, it in enumerate(items)])


# --- noise primitives -------------------------------------------------------------------------
def _neighbour(ch, rng):
    for row in KEYS:
        i = row.find(ch.lower())
        if i >= 0:
            cands = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            out = rng.choice(cands)
            return out.upper() if ch.isupper() else out
    return ch


def _typo(s, rng, hand=False):
    if len(s) < 2:
        return s
    if hand and rng.random() < .7:
        low = s.lower()
        if "rn" in low and rng.random() < .2:
            i = low.index("rn")
            return s[:i] + ("M" if s[i].isupper() else "m") + s[i + 2:]
        pos = [i for i, c in enumerate(low) if c in HAND]
        if pos:
            i = rng.choice(pos)
            rep = HAND[low[i]]
            return s[:i] + (rep.upper() if s[i].isupper() else rep) + s[i + 1:]
    i = rng.randrange(1, len(s)) if len(s) > 2 else 1
    op = rng.random()
    if op < .35:
        return s[:i] + _neighbour(s[i], rng) + s[i + 1:]
    if op < .60:
        return s[:i] + s[i + 1:]
    if op < .80:
        return s[:i] + s[i - 1] + s[i:]
    if i < len(s) - 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i:] + s[-1]


def _n_typos(rng, source):
    x = rng.random()
    if source == "frontdesk":
        return 0 if x < .66 else 1 if x < .92 else 2
    return 0 if x < .78 else 1 if x < .96 else 2


def _noisy_name(s, rng, source):
    for _ in range(_n_typos(rng, source)):
        s = _typo(s, rng, hand=source == "frontdesk")
    return s


# --- people -----------------------------------------------------------------------------------
class _World:
    def __init__(self, rng):
        self.rng = rng
        self.emails_used: set[str] = set()
        self.phones_used: set[str] = set()
        self.employers: dict[str, list] = {}
        self.people: list[dict] = []

    def phone(self, country, city, mobile=True):
        rng = self.rng
        while True:
            if country == "US":
                p = ("US", rng.choice(city[3]), f"{rng.randint(201, 989)}", f"{rng.randint(0, 9999):04d}")
            elif mobile:
                p = ("UK", "07" + f"{rng.randint(300, 999)}", f"{rng.randint(0, 999999):06d}", "")
            else:
                k = 11 - len(city[3][0]) - 4  # UK numbers have 11 digits
                p = ("UK", city[3][0], f"{rng.randint(2 * 10 ** (k - 1), 9 * 10 ** (k - 1) - 1)}",
                     f"{rng.randint(0, 9999):04d}")
            key = "".join(p)
            if key not in self.phones_used:
                self.phones_used.add(key)
                return p

    def address(self, country, city):
        rng = self.rng
        if country == "US":
            name, typ = rng.choice(US_STREETS), rng.choice(US_TYPES)
            d = rng.choice(DIRS) if rng.random() < .2 else None
            unit = f"{rng.randint(1, 30)}{rng.choice(['', '', 'A', 'B', 'C'])}" if rng.random() < .4 else None
            post = (city[2] + f"{rng.randint(0, 99):02d}", f"{rng.randint(1, 9999):04d}")
        else:
            name, typ, d = rng.choice(UK_STREETS), rng.choice(UK_TYPES), None
            unit = str(rng.randint(1, 12)) if rng.random() < .3 else None
            post = (rng.choice(city[2]), f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                                         f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}")
        return {"num": rng.randint(1, 2999 if country == "US" else 240), "name": name, "type": typ,
                "dir": d, "unit": unit, "post": post, "country": country, "city": city}

    def email(self, first, last, dob, domains, middle=None):
        rng = self.rng
        f, l = first.lower(), last.lower().replace("'", "").replace(" ", "")
        for attempt in range(50):
            pat = rng.randrange(10 if middle else 9)
            local = [f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{f}.{l}{dob.year % 100:02d}", f"{f}{l}{dob.year}",
                     f"{f}_{l}", f"{f}{rng.randint(1, 999)}", f"{l}.{f}", f"{f[0]}.{l}",
                     f"{f}{(middle or f)[0].lower()}{l}"][pat]
            if attempt > 6:
                local += str(rng.randint(1, 99))
            e = f"{local}@{_wchoice(rng, domains)}"
            if e not in self.emails_used:
                self.emails_used.add(e)
                return e
        raise RuntimeError("email space exhausted")

    def employer(self, country, city):
        rng = self.rng
        emps = self.employers.setdefault(city[0], [])
        if not emps or rng.random() < .1:  # ~10 employees per employer (35% of ~30 people)
            nm = f"{rng.choice(EMP_A)} {rng.choice(EMP_B)}"
            if any(e["name"] == nm for e in emps):
                nm += f" {rng.choice(['Group', 'Ltd' if country == 'UK' else 'Inc', 'Co'])}"
            dom = nm.lower().replace(" ", "") + (".co.uk" if country == "UK" and rng.random() < .6 else ".com")
            emps.append({"name": nm, "domain": dom, "addr": self.address(country, city),
                         "style": rng.randrange(3), "used": set()})
        return rng.choice(emps)

    def person(self, hh, first, last, sex, dob, middle=None, maiden=None, suffix=None):
        rng = self.rng
        country, city = hh["country"], hh["city"]
        p = {"id": f"P{len(self.people) + 1:05d}", "first": first, "last": last, "sex": sex, "dob": dob,
             "middle": middle if middle is not None else (rng.choice(MALE if sex == "M" else FEMALE)
                                                          if rng.random() < .6 else None),
             "maiden": maiden, "suffix": suffix, "hh": hh, "country": country,
             "family_email": None, "home_phone": None}
        domains = US_DOMAINS if country == "US" else UK_DOMAINS
        p["emails"] = [self.email(first, last, dob, domains, p["middle"])]
        if rng.random() < .2:
            p["emails"].append(self.email(rng.choice(NICK.get(first, [first])), last, dob, domains))
        p["phone"] = self.phone(country, city)
        p["old_phone"] = self.phone(country, city) if rng.random() < .10 else None
        p["employer"] = self.employer(country, city) if rng.random() < .35 else None
        if p["employer"]:
            emp = p["employer"]
            f, l = first.lower(), last.lower().replace("'", "").replace(" ", "")
            local = [f"{f}.{l}", f"{f[0]}{l}", f"{f}_{l}"][emp["style"]]
            while local in emp["used"]:
                local += str(rng.randint(1, 9))
            emp["used"].add(local)
            p["work_email"] = f"{local}@{emp['domain']}"
        self.people.append(p)
        return p


def _dob(rng, lo=1950, hi=2005):
    return date(lo, 1, 1) + timedelta(days=rng.randrange((date(hi, 12, 31) - date(lo, 1, 1)).days))


def _first(rng, sex):
    return _zipf(rng, MALE if sex == "M" else FEMALE, .6)


def _household(w: _World, remaining: int):
    rng = w.rng
    country = "US" if rng.random() < .6 else "UK"
    city = rng.choice(US_CITIES if country == "US" else UK_CITIES)
    hh = {"country": country, "city": city, "addr": w.address(country, city)}
    hh["old_addr"] = w.address(country, rng.choice(US_CITIES if country == "US" else UK_CITIES)) \
        if rng.random() < .15 else None
    kind = _wchoice(rng, [("single", 38), ("couple", 24), ("roommates", 9), ("family", 14), ("twins", 6),
                          ("jrsr", 5)])

    def head(sex=None):
        sex = sex or rng.choice("MF")
        if rng.random() < .12:
            cands = [c for c in COMMON_FULL if c[2] == sex]
            f, l, _ = rng.choice(cands)
            return f, l, sex
        return _first(rng, sex), _zipf(rng, SURNAMES, .9), sex

    out = []
    if kind == "single" or remaining < 2:
        f, l, s = head()
        out.append(w.person(hh, f, l, s, _dob(rng)))
    elif kind == "couple":
        f1, l1, _ = head("M")
        s2 = "M" if rng.random() < .1 else "F"
        f2, l2, _ = head(s2)
        d1 = _dob(rng)
        d2 = min(max(d1 + timedelta(days=rng.randint(-2500, 2500)), date(1945, 1, 1)), date(2005, 12, 31))
        a = w.person(hh, f1, l1, "M", d1)
        if s2 == "F" and rng.random() < .65:
            b = w.person(hh, f2, l1, "F", d2, maiden=l2)
        else:
            b = w.person(hh, f2, l2, s2, d2)
        if rng.random() < .40:
            fam = rng.choice([f"{l1.lower()}family", f"the{l1.lower()}s", f"{f1.lower()}and{f2.lower()}",
                              f"{f2.lower()}{f1.lower()}{rng.randint(1, 99)}"]).replace("'", "")
            fam = f"{fam}@{_wchoice(rng, US_DOMAINS if country == 'US' else UK_DOMAINS)}"
            while fam in w.emails_used:
                fam = fam.replace("@", str(rng.randint(0, 9)) + "@")
            w.emails_used.add(fam)
            a["family_email"] = b["family_email"] = fam
        if rng.random() < .35:
            a["home_phone"] = b["home_phone"] = w.phone(country, city, mobile=False)
        out += [a, b]
    elif kind == "roommates":
        for _ in range(min(remaining, rng.choice([2, 2, 3]))):
            f, l, s = head()
            out.append(w.person(hh, f, l, s, _dob(rng, 1985, 2004)))
    elif kind == "family":
        l = _zipf(rng, SURNAMES, .9)
        pd_ = _dob(rng, 1945, 1975)
        n_par = 1 if remaining < 3 or rng.random() < .4 else 2
        n_kid = 1 if remaining - n_par < 2 or rng.random() < .6 else 2
        for i in range(n_par):
            s = "M" if i == 0 and rng.random() < .5 else "F"
            out.append(w.person(hh, _first(rng, s), l, s,
                                pd_ + timedelta(days=rng.randint(-1500, 1500)),
                                maiden=_zipf(rng, SURNAMES) if s == "F" and i == 1 else None))
        for _ in range(n_kid):
            s = rng.choice("MF")
            out.append(w.person(hh, _first(rng, s), l, s,
                                min(pd_ + timedelta(days=rng.randint(22 * 365, 36 * 365)), date(2006, 6, 1))))
    elif kind == "twins":
        l, d = _zipf(rng, SURNAMES, .9), _dob(rng, 1960, 2005)
        mode = rng.randrange(3)
        if mode == 0:
            s = rng.choice("MF")
            pool = MALE if s == "M" else FEMALE
            f1 = rng.choice(pool)
            same = [n for n in pool if n[0] == f1[0] and n != f1]
            f2 = rng.choice(same) if same else rng.choice([n for n in pool if n != f1])
            pair = [(f1, s), (f2, s)]
        elif mode == 1:
            a, b = rng.choice(SIMILAR_TWINS)
            pair = [(a, "M"), (b, "F")]
        else:
            pair = [(_first(rng, "M"), "M"), (_first(rng, "F"), "F")]
            if pair[0][0] == pair[1][0]:
                pair[1] = ("Grace", "F")
        for f, s in pair:
            out.append(w.person(hh, f, l, s, d))
    else:  # jrsr
        f, l, _ = head("M")
        mid = rng.choice(MALE) if rng.random() < .7 else None
        dad = w.person(hh, f, l, "M", _dob(rng, 1945, 1972), middle=mid, suffix="Sr")
        hh2 = hh if rng.random() < .6 else {"country": country, "city": city, "addr": w.address(country, city),
                                            "old_addr": hh["addr"]}
        son = w.person(hh2, f, l, "M", min(dad["dob"] + timedelta(days=rng.randint(22 * 365, 35 * 365)),
                                           date(2005, 12, 1)),
                       middle=mid if rng.random() < .5 else None, suffix="Jr")
        out += [dad, son]
    return out


# --- rendering --------------------------------------------------------------------------------
def _fmt_dob(d: date, style, rng):
    if rng.random() < .06:  # mis-keyed
        if d.day <= 12 and d.month <= 12 and d.day != d.month:
            d = date(d.year, d.day, d.month)
        elif rng.random() < .4:
            y = str(d.year)
            i = rng.choice([2, 3])
            y = y[:i] + str((int(y[i]) + rng.choice([1, 9])) % 10) + y[i + 1:]
            try:
                d = date(int(y), d.month, d.day)
            except ValueError:
                d = d + timedelta(days=1)
        else:
            d = d + timedelta(days=rng.choice([-1, 1]))
    if style == "iso":
        return d.isoformat()
    if style == "US":
        return f"{d.month:02d}/{d.day:02d}/{d.year}" if rng.random() < .3 else f"{d.month}/{d.day}/{d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _fmt_phone(p, rng):
    digits = list(p[1] + p[2] + p[3])
    if rng.random() < .03:
        i = rng.randrange(3, len(digits))
        digits[i] = str((int(digits[i]) + rng.randint(1, 9)) % 10)
    s = "".join(digits)
    if p[0] == "US":
        a, b, c = s[:3], s[3:6], s[6:]
        return rng.choice([f"+1 ({a}) {b}-{c}", f"{a}.{b}.{c}", f"({a}) {b}-{c}", f"{a}{b}{c}",
                           f"{a}-{b}-{c}", f"1-{a}-{b}-{c}"])
    if s.startswith("07"):
        return rng.choice([f"{s[:5]} {s[5:]}", f"+44 {s[1:5]} {s[5:]}", s, f"+44{s[1:]}", f"(0{s[1:5]}) {s[5:]}"])
    k = len(p[1])
    return rng.choice([f"{s[:k]} {s[k:-4]} {s[-4:]}", s, f"+44 {s[1:k]} {s[k:-4]} {s[-4:]}", f"{s[:k]} {s[k:]}"])


def _fmt_street(a, rng):
    full, abbr = a["type"]
    typ = rng.choice([full, abbr, abbr + "."]) if rng.random() < .85 else full.upper()
    d = ""
    if a["dir"]:
        d = rng.choice(a["dir"]) + " "
    s = f"{a['num']} {d}{a['name']} {typ}"
    if a["unit"] and rng.random() < .7:
        if a["country"] == "US":
            s += rng.choice([f" Apt {a['unit']}", f" #{a['unit']}", f", Apt. {a['unit']}", f" Unit {a['unit']}"])
        else:
            s = rng.choice([f"Flat {a['unit']}, ", f"Flat {a['unit']} ", f"{a['unit']}/"]) + s
    if rng.random() < .04:
        s = _typo(s, rng)
    return s


def _fmt_post(a, rng):
    if a["country"] == "US":
        return f"{a['post'][0]}-{a['post'][1]}" if rng.random() < .2 else a["post"][0]
    x = rng.random()
    s = f"{a['post'][0]} {a['post'][1]}"
    return s if x < .75 else s.replace(" ", "") if x < .95 else s.lower()


def _fmt_city(a, rng):
    name, variants = a["city"][0], a["city"][1]
    x = rng.random()
    if x < .08:
        return rng.choice(variants)
    if x < .10:
        return _typo(name, rng)
    if x < .14:
        return name.upper()
    return name


def _record(p, source, rng):
    country = p["country"]
    first = p["first"]
    if rng.random() < NICK_P[source] and first in NICK:
        first = rng.choice(NICK[first])
    last = p["last"]
    if p["maiden"]:
        x = rng.random()
        last = p["maiden"] if x < .15 else f"{p['maiden']}-{last}" if x < .23 else last
    first, last = _noisy_name(first, rng, source), _noisy_name(last, rng, source)
    if p["suffix"] and rng.random() < .3:
        last = f"{last} {p['suffix']}" if rng.random() < .7 else f"{last}, {p['suffix']}."
    if source == "frontdesk" and p["middle"] and rng.random() < .05:
        first = f"{first} {p['middle'][0]}"

    if source == "app":
        if rng.random() < .4:
            last = None
    elif source == "pt":
        x = rng.random()
        last = None if x < .65 else last[0] + "." if x < .82 else last
    elif source == "payment":
        x = rng.random()
        if x < .45:
            first = first[0]
        elif x < .70 and p["middle"]:
            first = f"{first} {p['middle'][0]}"
    case = {"app": "lower" if rng.random() < .7 else "title", "payment": "upper",
            "frontdesk": "upper" if rng.random() < .2 else "title",
            "corporate": "upper" if rng.random() < .1 else "title",
            "booking": "lower" if rng.random() < .15 else "title", "pt": "title"}[source]
    conv = {"lower": str.lower, "upper": str.upper, "title": lambda s: s}[case]
    first = conv(first)
    last = conv(last) if last else None

    dob = None
    if rng.random() >= DOB_MISS[source]:
        dob = _fmt_dob(p["dob"], "iso" if source == "app" else country, rng)

    email = None
    if source == "corporate":
        email = p.get("work_email")
    elif rng.random() >= EMAIL_MISS[source]:
        if p["family_email"] and rng.random() < .35:
            email = p["family_email"]
        elif p.get("work_email") and source == "booking" and rng.random() < .2:
            email = p["work_email"]
        else:
            email = rng.choice(p["emails"])
        if rng.random() < .04:
            loc, dom = email.split("@")
            if dom in DOMAIN_TYPOS:
                email = f"{loc}@{rng.choice(DOMAIN_TYPOS[dom])}"
            else:
                email = f"{_typo(loc, rng)}@{dom}"
        if source != "app" and rng.random() < .1:
            email = email[0].upper() + email[1:]

    phone = None
    if rng.random() >= PHONE_MISS[source]:
        ph = p["phone"]
        if p["old_phone"] and rng.random() < .45:
            ph = p["old_phone"]
        elif p["home_phone"] and rng.random() < .4:
            ph = p["home_phone"]
        phone = _fmt_phone(ph, rng)

    street = city = post = None
    employer = None
    if source == "corporate":
        emp = p["employer"]
        employer = emp["name"] if rng.random() < .9 else emp["name"].upper()
        a = emp["addr"]
        street, city, post = _fmt_street(a, rng), _fmt_city(a, rng), _fmt_post(a, rng)
    else:
        hh = p["hh"]
        a = hh["old_addr"] if hh["old_addr"] and rng.random() < .4 else hh["addr"]
        if rng.random() >= ADDR_MISS[source]:
            street, city = _fmt_street(a, rng), _fmt_city(a, rng)
            post = _fmt_post(a, rng) if rng.random() < .92 else None
        elif source == "payment" and rng.random() < .85:
            post = _fmt_post(a, rng)
        elif source == "app" and rng.random() < .3:
            post = _fmt_post(a, rng)
        if source == "app" and street:
            street = street.lower()
    return {"source": source, "first_name": first, "last_name": last, "dob": dob, "email": email,
            "phone": phone, "street": street, "city": city, "postcode": post,
            "country": country if rng.random() < .9 else None, "employer": employer, "true_person": p["id"]}


def generate(people: int = 4000, seed: int = 41) -> pd.DataFrame:
    rng = random.Random(seed)
    w = _World(rng)
    while len(w.people) < people:
        _household(w, people - len(w.people))
    del w.people[people:]
    rows = []
    for p in w.people:
        n = _wchoice(rng, [(1, 15), (2, 25), (3, 28), (4, 18), (5, 9), (6, 5)])
        pool = SOURCES if p["employer"] else SOURCES[:-1]
        for _ in range(n):
            rows.append(_record(p, _wchoice(rng, pool), rng))
    rng.shuffle(rows)
    prefix = {"frontdesk": "FD", "app": "APP", "booking": "BK", "payment": "PAY", "pt": "PT", "corporate": "CW"}
    for i, r in enumerate(rows):
        r["record_id"] = f"{prefix[r['source']]}-{i + 1:06d}"
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype(object).where(frame.notna(), None)
