"""guests_intl: merged guest records of an international hotel group and its airline partner.

A held-out identity-resolution family. `generate(people, seed)` builds `people` real persons in
households, then writes ~3 records per person, each an independently corrupted copy of that person
as one source system saw them. The rates below are the specification; they were fixed before any
output was looked at, and the constants in this module are exactly these numbers.

Population
- Home country: UK 30%, Australia 20%, Singapore 10%, India 10%, Ireland 8%, Germany 8%,
  New Zealand 7%, France 7%. Addresses, postcodes (UK "SW1A 1AA", Irish Eircode "D02 X285",
  AU/NZ 4 digits, SG/IN 6 digits, DE/FR 5 digits) and phones follow the country's format.
- Name culture by country: UK anglo 85 / indian 10 / chinese 5; IE irish 90 / anglo 10;
  AU anglo 78 / chinese 12 / indian 10; NZ anglo 85 / chinese 8 / indian 7; SG chinese 75 /
  malay 15 / indian 10; IN indian; DE german; FR french.
- Middle name: anglo, irish, german, french 35%, indian 15%. Chinese persons carry an English name
  (Jason, Michelle) 50% in Singapore, 30% elsewhere. Anglo surnames are double-barrelled 4%.
- Households: single 42%, couple 30%, couple + 1-2 adult children 12%, parent + adult child 4%,
  adult twins (+ a parent 50%) 5%, father and son with the same full name (born 20-40 years
  apart, + mother 50%, son at the same address 50%; anglo/irish ones carry Sr and Jr or II) 7%.
  Spouses are born within 6 years of each other, adult children 20-40 years after the head
  (a child who would be born after 2005 is left out).
  Household members share the address and, in 60% of households, a landline. Spouses share the
  surname 75% (Chinese/Malay: never; anglo: 10% double-barrelled), and 30% of couples share a
  family email. Twins share the birth date and surname; 40% of twin pairs share the initial.
- Namesakes: 4% of the heads of single, couple and family households are renamed to one of their culture's commonest names
  ("John Smith", "Priya Sharma", "Wei Zhang", ...), so unrelated people share a full name.
- Movers: 12% of persons have an old address (same city 60%); each record uses it with p=0.35.
- Changed mobile: 10% of persons have an old mobile; each record uses it with p=0.35.
- Corporate travellers: 30% of persons born 1957-2001. Each works for a company of their country
  (one per ~40 persons, at least 2 per country) and is always booked by the same booker: the
  travel desk 40%, else one of the company's 1-3 assistants (phone: office landline 60%, mobile
  40%). Colleagues therefore share the booker's email and phone, and the company's office address.
  Company domains end in .com 30%, else the country's domain.
- Reference year 2024 (no current date is read); birth dates 1945-2005.

Records per person: 1: 15%, 2: 25%, 3: 25%, 4: 18%, 5: 10%, 6: 7% (mean 3.04).
Source per record: front-desk PMS 30%, OTA 20%, loyalty app 15%, airline partner 12%,
corporate travel 10% (corporate travellers only; others redraw), spa/restaurant 13%.

Per-source field presence and habits (P = probability per record):
  source     dob  email phone addr  nick  swap(chinese) title-in-first  diacritics keep/translit/strip
  pms        .55  .70   .85   .85   .12   .03 (.20)    .05             .60/.20/.20
  ota        .10  .85   .75   .30   .20   .10 (.30)    .05             .50/.20/.30
  loyalty    .90  1.0   .95   .80   .10   .01 (.05)    0               .80/.10/.10
  airline    .90  .50   .60   .10   0     0   (0)      .20 ("JOHN MR") 0/.70/.30
  corporate  .30  .95   .90   .70   .15   .03 (.15)    .05             .50/.20/.30
  spa        .05  .20   .95   0     .25   .02 (.20)    0               .40/.20/.40
- Spa records carry a last name 40% of the time; every other source 100%. City without address:
  OTA 50%, airline 10%.
- Airline: names upper-case, given names as on the passport (middle names shown 80%), apostrophes
  dropped, hyphens dropped or spaced (50/50), title column "MR"/"MRS"/"MS"; one OCR confusion
  (rn<->m, l/I->1, O->0) per name field with p=0.10.
- Case: PMS writes a record all upper-case 8%; spa writes the first name lower-case 5%.
- Title column: PMS, loyalty and airline only. Title inside the first-name field at the rate above.

Name noise (per record, per field unless said):
- Typos per name field: 0 typos 75%, 1 typo 20%, 2 typos 5%; a typo is a QWERTY-neighbour
  substitution 40%, deletion 25%, doubled letter 15%, transposition 20%. Applied after every other
  name transformation, so nicknames and swapped names get typos too.
- Nickname (Liz/Elizabeth, Bill/William, Sandy/Alexander, Kate/Catherine, ...) at the source's rate
  when the given name has one. Chinese persons' English name is used instead of the Chinese given
  name 60% (airline 10%); "Jason Wei Ming" 15% of those.
- Middle name (when the person has one): airline 80% full; loyalty 30% full; PMS 20% full, 10%
  initial; other sources 10% full.
- Compound given names: hyphenated (Jean-Pierre) kept 60%, first part 20% (Jean), initials 10% (JP),
  spaced 10%; space-separated (Venkata Subramanian, Wei Ming, Nur Aisyah) kept 70%, joined 10%,
  hyphenated 10%, first part only 10% (Chinese: hyphenated 20% instead of first part).
  Indian names written as initial + surname ("R. Krishnan") 8% (not airline).
- Surnames: double-barrelled kept 60%, spaced 15%, second part 15%, first part 10%; O'Neill kept 70%,
  ONeill 15%, O Neill 10%, Oneill 5%; Mc/Mac kept 80%, lower-cased after the prefix 12%, spaced 8%;
  Malay patronymic written with bin/binti 40%. Son's suffix (Jr, Jr., II) shown 35%, father's Sr 15%.
- Given/family swapped at the source's swap rate (Chinese persons at the bracketed rate).

Date of birth (when present): correct 85%; day and month swapped 5% (only when both <= 12);
off by one day 3%; year off by one 3%; year only 4%. Written ISO "1980-03-14" in OTA, loyalty,
airline, corporate; day-first "14/03/1980" in PMS and spa ("14.03.1980" for German persons).

Email (when present): personal by default. PMS: work 10% (corporate travellers), family email 15%
(when the household has one); OTA: family 15%, OTA relay alias unique to the booking 15%;
loyalty: work 10%; corporate: booker 60%, work 35%, personal 5%. Mistyped 4% (gmial.com,
hotmial.com, .con, a dropped dot, a doubled letter); capitalised first letter 5%.

Phone (when present): mobile by default. PMS: household landline 20%, the property's switchboard 5%;
OTA: landline 5%; corporate: booker's phone 55%; spa: landline 10%, the property's switchboard 10%.
Formatted international (+44 7911 123456) 40% / national (07911 123456) 60% (0044 prefix 5% of
international); separators space 55%, none 20%, dash 15%, dot 5%, mixed 5%; AU/NZ landline
national in parentheses 30%; Indian mobiles without trunk 0 70% of national. One digit wrong 3%.

Address (when present): corporate records use the company office 45% / home 55%. Unit/flat part
shown 80%. Each abbreviable word (Road/Rd, Street/St, Flat/Apt, Straße/Str., rue/r., ...) is
abbreviated or swapped 40%. One typo in the line 5%; all upper-case 5% (airline always).
City shown with the address 95%; an alias (Munich, Bangalore, Dublin 2) 30%; diacritics as the
record's source treats them (drawn afresh); one typo 3%.
Postcode shown with the address 92%; one character wrong 4%; format variants (no space 10%,
lower-case 5% for UK/IE; "400 050" 15% for India).
Country column shown 80%, as one of the country's names (United Kingdom, UK, GB, ...).
"""
from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

REFERENCE_YEAR = 2024

# ------------------------------------------------------------------ specification constants
COUNTRY_WEIGHTS = {"UK": .30, "AU": .20, "SG": .10, "IN": .10, "IE": .08, "DE": .08, "NZ": .07, "FR": .07}
CULTURE_MIX = {
    "UK": {"anglo": .85, "indian": .10, "chinese": .05},
    "IE": {"irish": .90, "anglo": .10},
    "AU": {"anglo": .78, "chinese": .12, "indian": .10},
    "NZ": {"anglo": .85, "chinese": .08, "indian": .07},
    "SG": {"chinese": .75, "malay": .15, "indian": .10},
    "IN": {"indian": 1.0},
    "DE": {"german": 1.0},
    "FR": {"french": 1.0},
}
MIDDLE_NAME_RATE = {"anglo": .35, "irish": .35, "german": .35, "french": .35, "indian": .15}
ENGLISH_NAME_RATE, ENGLISH_NAME_RATE_ELSEWHERE = {"SG": .50}, .30
DOUBLE_BARREL_RATE = .04
HOUSEHOLD_TYPES = {"single": .42, "couple": .30, "family": .12, "parent_child": .04,
                   "twins": .05, "father_son": .07}
LANDLINE_RATE, FAMILY_EMAIL_RATE, SPOUSE_SURNAME_RATE, SPOUSE_DOUBLE_BARREL = .60, .30, .75, .10
TWIN_SAME_INITIAL, NAMESAKE_RATE = .40, .04
MOVER_RATE, OLD_MOBILE_RATE, OLD_VALUE_USE = .12, .10, .35
CORPORATE_RATE, PEOPLE_PER_COMPANY, DESK_BOOKER = .30, 40, .40
RECORDS_PER_PERSON = {1: .15, 2: .25, 3: .25, 4: .18, 5: .10, 6: .07}
NAME_TYPOS = {0: .75, 1: .20, 2: .05}
TYPO_KINDS = {"neighbour": .40, "delete": .25, "double": .15, "transpose": .20}
OCR_RATE = .10
DOB_ERRORS = {"none": .85, "swap": .05, "day": .03, "year": .03, "year_only": .04}
EMAIL_TYPO, EMAIL_CAPITALISED, PHONE_TYPO = .04, .05, .03
ADDRESS_UNIT, ABBREVIATE, ADDRESS_TYPO, ADDRESS_UPPER = .80, .40, .05, .05
CITY_SHOWN, CITY_ALIAS, CITY_TYPO = .95, .30, .03
POSTCODE_SHOWN, POSTCODE_TYPO, COUNTRY_SHOWN = .92, .04, .80


@dataclass(frozen=True)
class Source:
    name: str
    weight: float
    dob: float
    email: float
    phone: float
    address: float
    nickname: float
    swap: float
    swap_chinese: float
    title_in_first: float
    diacritics: tuple[float, float, float]   # keep, transliterate, strip
    last_name: float = 1.0
    city_only: float = 0.0


SOURCES = (
    Source("pms", .30, .55, .70, .85, .85, .12, .03, .20, .05, (.60, .20, .20)),
    Source("ota", .20, .10, .85, .75, .30, .20, .10, .30, .05, (.50, .20, .30), city_only=.50),
    Source("loyalty", .15, .90, 1.0, .95, .80, .10, .01, .05, 0, (.80, .10, .10)),
    Source("airline", .12, .90, .50, .60, .10, 0, 0, 0, .20, (0, .70, .30), city_only=.10),
    Source("corporate", .10, .30, .95, .90, .70, .15, .03, .15, .05, (.50, .20, .30)),
    Source("spa", .13, .05, .20, .95, 0, .25, .02, .20, 0, (.40, .20, .40), last_name=.40),
)

# ------------------------------------------------------------------ names
GIVEN = {
    ("anglo", "M"): "James John Robert Michael William David Richard Thomas Christopher Daniel Matthew "
                    "Andrew Edward Joseph Anthony Stephen Nicholas Alexander Benjamin Samuel Oliver Henry "
                    "George Charles Peter Paul Mark Simon Jonathan Timothy",
    ("anglo", "F"): "Elizabeth Catherine Margaret Sarah Emma Jennifer Rebecca Samantha Victoria Charlotte "
                    "Sophie Hannah Lucy Emily Jessica Rachel Laura Helen Susan Deborah Patricia Alexandra "
                    "Olivia Amelia Grace Chloe Megan Amy Claire Louise",
    ("irish", "M"): "Seán Patrick Liam Conor Ciarán Declan Eoin Niall Cian Darragh Oisín Pádraig Michael "
                    "John Brendan Kevin Colm Dónal Fergal Ronan",
    ("irish", "F"): "Siobhán Aoife Niamh Sinéad Ciara Orla Róisín Áine Caoimhe Saoirse Mary Bridget Maeve "
                    "Clodagh Gráinne Deirdre Catherine Margaret Eimear Sorcha",
    ("indian", "M"): "Rahul Amit Arjun Vikram Sanjay Rajesh Suresh Anil Ramesh Krishnan Venkata_Subramanian "
                     "Srinivasan Karthik Aditya Rohan Nikhil Pradeep Manoj Deepak Vijay Ganesh Harish "
                     "Sai_Krishna Mohammed Imran",
    ("indian", "F"): "Priya Anjali Divya Kavya Lakshmi Deepa Sunita Meera Pooja Neha Shreya Ananya Swati "
                     "Radha Padmavathi Sri_Lakshmi Aishwarya Nandini Revathi Fatima",
    ("malay", "M"): "Muhammad_Faizal Ahmad Hafiz Iskandar Rizwan Syed_Ali Muhammad_Hakim Azman Firdaus Khairul",
    ("malay", "F"): "Nur_Aisyah Siti_Nurhaliza Farah Nurul_Huda Aminah Nur_Syafiqah Zarina Haslinda Aisyah Noraini",
    ("german", "M"): "Jürgen Jörg Björn Günther Thomas Michael Andreas Stefan Markus Tobias Florian "
                     "Sebastian Klaus Wolfgang Johannes Matthias Lukas Maximilian Felix Uwe",
    ("german", "F"): "Anna Katharina Sabine Ursula Jutta Brigitte Monika Claudia Julia Lena Käthe Hannelore "
                     "Petra Susanne Stefanie Annelie Lea Mia Bärbel Dörte",
    ("french", "M"): "Jean-Pierre Jean-Luc Jean-Marc Jean-François François Frédéric Sébastien Jérôme "
                     "Stéphane Nicolas Pierre Olivier Thierry Benoît Gaël Loïc Mathieu Antoine Julien Éric Hervé",
    ("french", "F"): "Marie-Claire Anne-Sophie Marie-Hélène Hélène Céline Élodie Chloé Léa Amélie Sophie "
                     "Isabelle Nathalie Aurélie Camille Manon Émilie Françoise Géraldine Agnès Inès",
}
FAMILY = {
    "anglo": "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson "
             "Wright Walker White Edwards Hughes Green Hall Wood Harris Lewis Martin Jackson Clarke Turner Hill "
             "Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Young Allen Mitchell Anderson "
             "Campbell Stewart MacDonald McKenzie Fraser Kelly Bennett Carter Phillips Parker Cook Murray",
    "irish": "O'Neill O'Brien O'Sullivan O'Connor O'Reilly O'Donnell O'Mahony McCarthy McGrath MacNamara "
             "McLoughlin MacMahon Murphy Kelly Walsh Byrne Ryan Doyle Kennedy Lynch Murray Quinn Moore "
             "Gallagher Doherty Fitzgerald Brennan Burke Nolan Daly",
    "indian": "Sharma Verma Gupta Patel Shah Mehta Iyer Iyengar Krishnan Subramanian Reddy Rao Naidu Nair "
              "Menon Pillai Kumar Singh Chopra Kapoor Malhotra Banerjee Chatterjee Mukherjee Das Joshi Desai "
              "Kulkarni Agarwal Venkatesan",
    "chinese": "Tan Lim Lee Ng Ong Wong Goh Chua Chan Koh Teo Ang Yeo Tay Ho Low Toh Sim Chong Chia Zhang "
               "Wang Li Chen Liu Huang Zhou Wu Lin Yang",
    "malay": "Ahmad Abdullah Ismail Hassan Rahman Osman Yusof Salleh Ibrahim Hamid",
    "german": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer "
              "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange "
              "Schmitt Werner Krause Köhler Weiß Groß Jäger Böhm Strauß",
    "french": "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre "
              "Michel Garcia David Bertrand Roux Vincent Fournier Girard Bonnet Dupont Lambert Fontaine "
              "Rousseau Mercier Blanc Guérin Faure Chevalier Hébert Gauthier Perrin Clément Lemaître",
}
CHINESE_SYLLABLES = "Wei Ming Jia Hui Xin Yi Jun Hao Li Mei Ling Kai Jie Zhi Yong Qing Wen Xiao Hong Yu Shu Han Min Yan".split()
ENGLISH_NAMES = {"M": "Jason Kelvin Benjamin Daniel Marcus Edwin Terence Desmond Alvin Gabriel".split(),
                 "F": "Michelle Jasmine Rachel Grace Cheryl Joanne Vivian Jocelyn Felicia Serene".split()}
COMMON_NAMES = {
    "anglo": {"M": [("John", "Smith"), ("David", "Jones")], "F": [("Sarah", "Williams"), ("Emma", "Smith")]},
    "irish": {"M": [("Seán", "Kelly"), ("Patrick", "Murphy")], "F": [("Mary", "Murphy"), ("Aoife", "Byrne")]},
    "indian": {"M": [("Rahul", "Kumar"), ("Amit", "Patel")], "F": [("Priya", "Sharma"), ("Pooja", "Patel")]},
    "chinese": {"M": [("Wei", "Zhang"), ("Wei Ming", "Tan")], "F": [("Hui Min", "Lim"), ("Li", "Wang")]},
    "malay": {"M": [("Muhammad Faizal", "Abdullah")], "F": [("Nur Aisyah", "Ahmad")]},
    "german": {"M": [("Thomas", "Müller"), ("Michael", "Schmidt")], "F": [("Anna", "Müller"), ("Sabine", "Schmidt")]},
    "french": {"M": [("Nicolas", "Martin"), ("Pierre", "Dubois")], "F": [("Marie-Claire", "Martin"), ("Sophie", "Bernard")]},
}
NICKNAMES = {
    "Elizabeth": ["Liz", "Beth", "Lizzie"], "William": ["Bill", "Will", "Liam"], "Alexander": ["Alex", "Sandy"],
    "Catherine": ["Kate", "Cathy", "Kath"], "Robert": ["Rob", "Bob", "Bobby"], "Margaret": ["Maggie", "Peggy", "Meg"],
    "James": ["Jim", "Jamie"], "Richard": ["Rick", "Dick", "Rich"], "Thomas": ["Tom", "Tommy"],
    "Michael": ["Mike", "Mick"], "Christopher": ["Chris"], "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"],
    "Andrew": ["Andy", "Drew"], "Edward": ["Ed", "Ted", "Eddie"], "Joseph": ["Joe"], "Anthony": ["Tony"],
    "Stephen": ["Steve"], "Nicholas": ["Nick"], "Benjamin": ["Ben"], "Samuel": ["Sam"], "Timothy": ["Tim"],
    "Jonathan": ["Jon"], "Peter": ["Pete"], "Henry": ["Harry"], "Jennifer": ["Jen", "Jenny"],
    "Rebecca": ["Becky", "Bec"], "Samantha": ["Sam"], "Victoria": ["Vicky", "Tori"], "Charlotte": ["Charlie"],
    "Alexandra": ["Alex", "Sandy"], "Susan": ["Sue", "Susie"], "Deborah": ["Deb", "Debbie"],
    "Patricia": ["Pat", "Trish"], "Jessica": ["Jess"], "Patrick": ["Paddy", "Pat"], "Pádraig": ["Paddy"],
    "Venkata Subramanian": ["Venkat"], "Sai Krishna": ["Sai"], "Mohammed": ["Mohd", "Md"],
    "Padmavathi": ["Padma"], "Muhammad Faizal": ["Faizal"], "Muhammad Hakim": ["Hakim"],
    "Johannes": ["Hans"], "Katharina": ["Kathi", "Katja"], "Maximilian": ["Max"], "Stefanie": ["Steffi"],
    "Susanne": ["Susi"], "Andreas": ["Andi"], "Tobias": ["Tobi"], "Jean-Pierre": ["JP"],
}
TITLES = {"M": {"Mr": .90, "Dr": .08, "Prof": .02}, "F": {"Mrs": .45, "Ms": .35, "Miss": .12, "Dr": .08}}

# ------------------------------------------------------------------ places
UK_LETTERS, EIR_CHARS = "ABDEFGHJLNPQRSTUWXYZ", "0123456789ACDEFHKNPRTVWXY"
ANGLO_STREETS = ("Acacia Victoria Church Park Station High Mill King Queen George Albert Oxford Cambridge Elm "
                 "Oak Willow Beech Chestnut Manor Grange Orchard Meadow River Hill").split()
ANGLO_TYPES = "Road Street Avenue Lane Drive Close Crescent Place Terrace".split()
SG_AREAS = "Ang_Mo_Kio Bedok_North Tampines Jurong_West Toa_Payoh Yishun Clementi Bukit_Batok Hougang Pasir_Ris".split()
SG_CONDO_ROADS = "Holland Bukit_Timah Orchard Tanglin Newton Meyer Amber Balmoral".split()
IN_BUILDINGS = "Lakeview Green_Park Sai_Krupa Shanti Sunrise Royal_Palms Gokul Prestige_Shantiniketan".split()
IN_BUILDING_KINDS = "Apartments Residency Towers Enclave".split()
IN_STREETS = ("MG_Road Linking_Road Anna_Salai Park_Street Brigade_Road Hill_Road Station_Road "
              "Nehru_Nagar_Main_Road Gandhi_Road Church_Street").split()
DE_STREETS = ("Hauptstraße Bahnhofstraße Gartenstraße Schulstraße Kirchweg Lindenallee Goethestraße "
              "Schillerstraße Mozartstraße Berliner_Straße Friedrichstraße Münchener_Straße Rosenweg "
              "Schlossallee Am_Marktplatz").split()
FR_TYPES = {"rue": .60, "avenue": .15, "boulevard": .10, "place": .05, "allée": .10}
FR_STREETS = ("de_la_Paix Victor_Hugo de_la_République Jean_Jaurès des_Lilas du_Moulin Pasteur de_Rivoli "
              "Voltaire Gambetta des_Écoles Émile_Zola").split()
ABBREVIATIONS = {
    "Road": ["Rd", "Rd."], "Street": ["St", "St."], "Avenue": ["Ave", "Av."], "Lane": ["Ln"], "Drive": ["Dr"],
    "Close": ["Cl"], "Crescent": ["Cres"], "Place": ["Pl"], "Terrace": ["Tce"], "Flat": ["Apt", "Apartment"],
    "Apartment": ["Apt", "Flat"], "Unit": ["U"], "Blk": ["Block"], "Apartments": ["Apts"], "Towers": ["Twrs"],
    "rue": ["r."], "avenue": ["av.", "ave"], "boulevard": ["bd", "bvd"], "allée": ["all."], "place": ["pl."],
    "Straße": ["Str.", "Strasse"], "Main": ["Mn"],
}
GERMAN_SUFFIXES = {"straße": ["str.", "strasse"], "allee": ["allee"], "weg": ["weg"]}


@dataclass(frozen=True)
class City:
    name: str
    aliases: tuple[str, ...]
    area: str                                   # landline area code, without trunk prefix
    postcode: Callable[[random.Random], str]


@dataclass(frozen=True)
class Address:
    unit: str | None
    street: str
    city: City
    postcode: str
    unit_last: bool = False                     # Singapore "#05-12" follows the street


@dataclass(frozen=True)
class Phone:
    country: str
    nsn: str                                    # national significant number
    groups: tuple[int, ...]
    mobile: bool


@dataclass(frozen=True)
class Booker:
    email: str
    phone: Phone


@dataclass
class Company:
    domain: str
    office: Address
    bookers: list[Booker]                       # [0] is the travel desk


@dataclass
class Person:
    pid: str
    country: str
    culture: str
    sex: str
    given: str
    family: str
    dob: date
    home: Address
    title: str
    middle: str | None = None
    english: str | None = None
    suffix: str | None = None
    old_home: Address | None = None
    mobile: Phone | None = None
    old_mobile: Phone | None = None
    landline: Phone | None = None
    email: str = ""
    family_email: str | None = None
    work_email: str | None = None
    company: Company | None = None
    booker: Booker | None = None


def _postcode_uk(outwards: str) -> Callable[[random.Random], str]:
    return lambda r: f"{r.choice(outwards.split())} {r.randint(1, 9)}{r.choice(UK_LETTERS)}{r.choice(UK_LETTERS)}"


def _postcode_ie(keys: str) -> Callable[[random.Random], str]:
    return lambda r: f"{r.choice(keys.split())} {r.choice(EIR_CHARS[10:])}{''.join(r.choice(EIR_CHARS) for _ in range(3))}"


def _postcode_range(low: int, high: int, width: int) -> Callable[[random.Random], str]:
    return lambda r: str(r.randint(low, high)).zfill(width)


def _postcode_sg(r: random.Random) -> str:
    return f"{r.randint(1, 82):02d}{r.randint(0, 9999):04d}"


def _postcode_in(prefix: int, last: int) -> Callable[[random.Random], str]:
    return lambda r: f"{prefix}{r.randint(1, last):03d}"


CITIES = {
    "UK": [(City("London", ("London", "Greater London"), "20", _postcode_uk("SW1A SE15 N7 E14 W2 NW3 EC1V SW11")), .45),
           (City("Manchester", ("Manchester", "Gtr Manchester"), "161", _postcode_uk("M1 M14 M20")), .12),
           (City("Birmingham", ("B'ham",), "121", _postcode_uk("B15 B13 B17")), .12),
           (City("Leeds", (), "113", _postcode_uk("LS6 LS1 LS17")), .08),
           (City("Glasgow", (), "141", _postcode_uk("G12 G3 G41")), .08),
           (City("Edinburgh", ("Edinburgh City",), "131", _postcode_uk("EH3 EH10 EH6")), .08),
           (City("Bristol", (), "117", _postcode_uk("BS8 BS6 BS3")), .07)],
    "IE": [(City("Dublin", ("Dublin 2", "Co. Dublin", "Baile Átha Cliath"), "1", _postcode_ie("D02 D04 D06 D08 D6W")), .55),
           (City("Cork", ("Co. Cork", "Cork City"), "21", _postcode_ie("T12 T23")), .20),
           (City("Galway", ("Co. Galway",), "91", _postcode_ie("H91")), .13),
           (City("Limerick", ("Co. Limerick",), "61", _postcode_ie("V94")), .12)],
    "AU": [(City("Sydney", ("Sydney NSW", "North Sydney"), "2", _postcode_range(2000, 2234, 4)), .38),
           (City("Melbourne", ("Melbourne VIC",), "3", _postcode_range(3000, 3207, 4)), .32),
           (City("Brisbane", ("Brisbane QLD",), "7", _postcode_range(4000, 4179, 4)), .14),
           (City("Perth", ("Perth WA",), "8", _postcode_range(6000, 6199, 4)), .10),
           (City("Adelaide", ("Adelaide SA",), "8", _postcode_range(5000, 5199, 4)), .06)],
    "NZ": [(City("Auckland", ("Auckland City",), "9", _postcode_range(600, 2699, 4)), .50),
           (City("Wellington", ("Wellington City",), "4", _postcode_range(6011, 6037, 4)), .22),
           (City("Christchurch", ("Chch",), "3", _postcode_range(8011, 8083, 4)), .18),
           (City("Hamilton", (), "7", _postcode_range(3200, 3216, 4)), .10)],
    "SG": [(City("Singapore", ("SINGAPORE", "Republic of Singapore"), "", _postcode_sg), 1.0)],
    "IN": [(City("Mumbai", ("Bombay", "Navi Mumbai"), "22", _postcode_in(400, 104)), .25),
           (City("New Delhi", ("Delhi",), "11", _postcode_in(110, 96)), .22),
           (City("Bengaluru", ("Bangalore",), "80", _postcode_in(560, 100)), .20),
           (City("Chennai", ("Madras",), "44", _postcode_in(600, 119)), .13),
           (City("Hyderabad", ("Secunderabad",), "40", _postcode_in(500, 96)), .12),
           (City("Pune", ("Poona",), "20", _postcode_in(411, 62)), .08)],
    "DE": [(City("Berlin", (), "30", _postcode_range(10115, 14199, 5)), .30),
           (City("München", ("Munich", "Muenchen"), "89", _postcode_range(80331, 81929, 5)), .22),
           (City("Hamburg", (), "40", _postcode_range(20095, 22769, 5)), .20),
           (City("Köln", ("Cologne", "Koeln"), "221", _postcode_range(50667, 51149, 5)), .14),
           (City("Frankfurt am Main", ("Frankfurt", "Frankfurt a.M."), "69", _postcode_range(60306, 60599, 5)), .14)],
    "FR": [(City("Paris", ("Paris Cedex",), "1", _postcode_range(75001, 75020, 5)), .50),
           (City("Lyon", (), "4", _postcode_range(69001, 69009, 5)), .16),
           (City("Marseille", ("Marseilles",), "4", _postcode_range(13001, 13016, 5)), .14),
           (City("Toulouse", (), "5", _postcode_range(31000, 31500, 5)), .10),
           (City("Nice", (), "4", _postcode_range(6000, 6300, 5)), .10)],
}
COUNTRY_NAMES = {"UK": ("United Kingdom", "UK", "GB", "England", "Great Britain"),
                 "IE": ("Ireland", "IE", "Republic of Ireland", "Éire"),
                 "AU": ("Australia", "AU", "AUS"), "NZ": ("New Zealand", "NZ", "NZL"),
                 "SG": ("Singapore", "SG", "SGP"), "IN": ("India", "IN", "IND"),
                 "DE": ("Germany", "DE", "Deutschland", "DEU"), "FR": ("France", "FR", "FRA")}
EMAIL_DOMAINS = {"UK": "gmail.com outlook.com hotmail.co.uk yahoo.co.uk btinternet.com icloud.com",
                 "IE": "gmail.com eircom.net hotmail.com yahoo.ie outlook.ie",
                 "AU": "gmail.com bigpond.com outlook.com optusnet.com.au hotmail.com",
                 "NZ": "gmail.com xtra.co.nz outlook.com hotmail.co.nz",
                 "SG": "gmail.com singnet.com.sg hotmail.com yahoo.com.sg",
                 "IN": "gmail.com rediffmail.com yahoo.co.in outlook.com",
                 "DE": "gmail.com gmx.de web.de t-online.de outlook.de",
                 "FR": "gmail.com orange.fr free.fr laposte.net hotmail.fr"}
COMPANY_TLD = {"UK": ".co.uk", "IE": ".ie", "AU": ".com.au", "NZ": ".co.nz", "SG": ".com.sg", "IN": ".co.in",
               "DE": ".de", "FR": ".fr"}
COMPANY_WORDS = ("Harbour Summit Northgate Bluewater Crestline Ironbark Kestrel Meridian Oakridge Pinnacle "
                 "Silverline Westbrook Clearview Redfern Lakeside Brightpath Stonebridge Evergreen Highland "
                 "Riverbend").split(), "Capital Consulting Logistics Partners Holdings Analytics Engineering Pharma Systems Advisory".split()
CALLING_CODES = {"UK": "44", "IE": "353", "AU": "61", "NZ": "64", "SG": "65", "IN": "91", "DE": "49", "FR": "33"}
EMAIL_DOMAIN_TYPOS = {"gmail": ["gmial", "gmai", "gnail"], "hotmail": ["hotmial", "hotmal"],
                      "outlook": ["outlok", "outloo"], "yahoo": ["yaho", "yahooo"]}
QWERTY = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm", (
    "wa qase wsdr edft rfgy tghu yhji ujko iklp ol qwsz awedxz serfcx drtgvc ftyhbv gyujnb huikmn jiolm kop "
    "asx zsdc xdfv cfgb vghn bhjm njk").split())}
TRANSLITERATE = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}


# ------------------------------------------------------------------ small helpers
def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _random_date(rng: random.Random, low: date, high: date) -> date:
    return date.fromordinal(rng.randint(low.toordinal(), high.toordinal()))


def _add_years(d: date, years: int) -> date:
    return d.replace(year=d.year + years, day=min(d.day, 28) if d.month == 2 else d.day)


def _words(text: str) -> list[str]:
    """A space-separated list whose underscores stand for spaces inside one item."""
    return [w.replace("_", " ") for w in text.split()]


def _strip_accents(text: str) -> str:
    text = text.replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _transliterate(text: str) -> str:
    return _strip_accents("".join(TRANSLITERATE.get(c, c) for c in text))


def _ascii_token(text: str) -> str:
    return "".join(c for c in _transliterate(text).lower() if c.isalnum())


# ------------------------------------------------------------------ phones
def _split_rest(n: int) -> tuple[int, ...]:
    return (4, 4) if n == 8 else (3, 4) if n == 7 else (n,)


def _mobile(rng: random.Random, country: str) -> Phone:
    nsn, groups = {
        "UK": ("7" + _digits(rng, 9), (4, 6)),
        "IE": ("8" + rng.choice("35679") + _digits(rng, 7), (2, 3, 4)),
        "AU": ("4" + _digits(rng, 8), (3, 3, 3)),
        "NZ": ("2" + rng.choice("127") + _digits(rng, 7), (2, 3, 4)),
        "SG": (rng.choice("89") + _digits(rng, 7), (4, 4)),
        "IN": (rng.choice(["98", "99", "97", "70", "81", "91"]) + _digits(rng, 8), (5, 5)),
        "DE": ("1" + rng.choice(["51", "52", "57", "60", "62", "70", "71", "72", "76"]) + _digits(rng, 7), (3, 7)),
        "FR": (rng.choice("67") + _digits(rng, 8), (1, 2, 2, 2, 2)),
    }[country]
    return Phone(country, nsn, groups, True)


def _landline(rng: random.Random, country: str, city: City) -> Phone:
    length = {"UK": 10, "IE": 8, "AU": 9, "NZ": 8, "SG": 8, "IN": 10, "DE": 10, "FR": 9}[country]
    area = "6" if country == "SG" else city.area
    nsn = area + _digits(rng, length - len(area))
    if country == "FR":
        groups = (1, 2, 2, 2, 2)
    elif country == "SG":
        groups = (4, 4)
    else:
        groups = (len(area),) + _split_rest(length - len(area))
    return Phone(country, nsn, groups, False)


def _format_phone(rng: random.Random, phone: Phone) -> str:
    parts, pos = [], 0
    for size in phone.groups:
        parts.append(phone.nsn[pos:pos + size])
        pos += size
    sep = _pick(rng, {" ": .55, "": .20, "-": .15, ".": .05, "mixed": .05})
    lead, inner = (" ", "-") if sep == "mixed" else (sep, sep)   # after the first group, between the rest
    if rng.random() < .40:
        prefix = ("00" if rng.random() < .05 else "+") + CALLING_CODES[phone.country]
        text = prefix + (" " if sep else "") + inner.join(parts)
    else:
        trunk = "" if phone.country == "SG" or (phone.country == "IN" and phone.mobile and rng.random() < .70) else "0"
        first = trunk + parts[0]
        if phone.country in ("AU", "NZ") and not phone.mobile and rng.random() < .30:
            first = f"({first})"
        text = first + lead + inner.join(parts[1:])
    if rng.random() < PHONE_TYPO:
        slots = [i for i, c in enumerate(text) if c.isdigit()]
        i = rng.choice(slots[-6:])
        text = text[:i] + str((int(text[i]) + rng.randint(1, 9)) % 10) + text[i + 1:]
    return text


# ------------------------------------------------------------------ addresses
def _street(rng: random.Random, country: str) -> tuple[str | None, str, bool]:
    """(unit, street line, unit written after the street) in the country's canonical long form."""
    n = rng.randint(1, 220)
    if country in ("UK", "IE", "AU", "NZ"):
        unit_word, unit_rate = {"UK": ("Flat", .15), "IE": ("Apartment", .10), "AU": ("Unit", .20),
                                "NZ": ("Flat", .10)}[country]
        unit = f"{unit_word} {rng.randint(1, 24)}" if rng.random() < unit_rate else None
        return unit, f"{n} {rng.choice(ANGLO_STREETS)} {rng.choice(ANGLO_TYPES)}", False
    if country == "SG":
        unit = f"#{rng.randint(2, 25):02d}-{rng.randint(1, 180):02d}"
        if rng.random() < .75:
            return unit, f"Blk {rng.randint(100, 799)} {rng.choice(_words(' '.join(SG_AREAS)))} Avenue {rng.randint(1, 10)}", True
        return unit, f"{n} {rng.choice(_words(' '.join(SG_CONDO_ROADS)))} Road", True
    if country == "IN":
        street = rng.choice(_words(" ".join(IN_STREETS)))
        if rng.random() < .70:
            return f"Flat {rng.randint(1, 18)}{rng.randint(1, 8):02d}", \
                f"{rng.choice(_words(' '.join(IN_BUILDINGS)))} {rng.choice(IN_BUILDING_KINDS)}, {street}", False
        return None, f"{n}, {street}", False
    if country == "DE":
        return None, f"{rng.choice(_words(' '.join(DE_STREETS)))} {rng.randint(1, 120)}", False
    return None, f"{n} {_pick(rng, FR_TYPES)} {rng.choice(_words(' '.join(FR_STREETS)))}", False


def _address(rng: random.Random, country: str, city: City | None = None) -> Address:
    city = city or _pick(rng, dict(CITIES[country]))
    unit, street, unit_last = _street(rng, country)
    return Address(unit, street, city, city.postcode(rng), unit_last)


def _abbreviate(rng: random.Random, line: str) -> str:
    words = []
    for word in line.split(" "):
        core, tail = (word[:-1], ",") if word.endswith(",") else (word, "")
        if core in ABBREVIATIONS and rng.random() < ABBREVIATE:
            core = rng.choice(ABBREVIATIONS[core])
        else:
            for suffix, options in GERMAN_SUFFIXES.items():
                if core.endswith(suffix) and core != suffix and rng.random() < ABBREVIATE:
                    core = core[:-len(suffix)] + rng.choice(options)
        words.append(core + tail)
    return " ".join(words)


def _render_address(rng: random.Random, address: Address, upper: bool) -> str:
    line = _abbreviate(rng, address.street)
    if address.unit and rng.random() < ADDRESS_UNIT:
        unit = _abbreviate(rng, address.unit)
        line = f"{line} {unit}" if address.unit_last else f"{unit}, {line}"
    if rng.random() < ADDRESS_TYPO:
        line = _typo(rng, line)
    return line.upper() if upper or rng.random() < ADDRESS_UPPER else line


def _render_postcode(rng: random.Random, country: str, code: str) -> str:
    if country in ("UK", "IE"):
        style = _pick(rng, {"plain": .85, "nospace": .10, "lower": .05})
        code = code.replace(" ", "") if style == "nospace" else code.lower() if style == "lower" else code
    elif country == "IN" and rng.random() < .15:
        code = f"{code[:3]} {code[3:]}"
    if rng.random() < POSTCODE_TYPO:
        slots = [i for i, c in enumerate(code) if c.isalnum()]
        i = rng.choice(slots)
        new = str(rng.randint(0, 9)) if code[i].isdigit() else rng.choice(UK_LETTERS)
        code = code[:i] + new + code[i + 1:]
    return code


# ------------------------------------------------------------------ name noise
def _typo(rng: random.Random, text: str) -> str:
    slots = [i for i, c in enumerate(text) if c.isalpha()]
    if not slots:
        return text
    i = rng.choice(slots)
    c = text[i]
    kind = _pick(rng, TYPO_KINDS)
    if kind == "neighbour" and c.lower() in QWERTY:
        n = rng.choice(QWERTY[c.lower()])
        return text[:i] + (n.upper() if c.isupper() else n) + text[i + 1:]
    if kind == "delete" and len(slots) > 2:
        return text[:i] + text[i + 1:]
    if kind == "transpose" and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + c + text[i + 2:]
    return text[:i] + c + text[i:]


def _typos(rng: random.Random, text: str) -> str:
    for _ in range(_pick(rng, NAME_TYPOS)):
        text = _typo(rng, text)
    return text


def _ocr(rng: random.Random, text: str) -> str:
    options = [(a, b) for a, b in (("RN", "M"), ("M", "RN"), ("L", "1"), ("I", "1"), ("O", "0")) if a in text]
    if not options:
        return text
    a, b = rng.choice(options)
    starts = [i for i in range(len(text)) if text.startswith(a, i)]
    i = rng.choice(starts)
    return text[:i] + b + text[i + len(a):]


def _compound(rng: random.Random, name: str, culture: str) -> str:
    if "-" in name:
        style = _pick(rng, {"keep": .60, "first": .20, "initials": .10, "spaced": .10})
        parts = name.split("-")
        return {"keep": name, "first": parts[0], "initials": "".join(p[0] for p in parts),
                "spaced": " ".join(parts)}[style]
    if " " in name:
        style = _pick(rng, {"keep": .70, "joined": .10, "hyphen": .10, "first": .10})
        if style == "first" and culture == "chinese":
            style = "hyphen"
        parts = name.split(" ")
        return {"keep": name, "joined": parts[0] + "".join(p.lower() for p in parts[1:]),
                "hyphen": "-".join(parts), "first": parts[0]}[style]
    return name


def _surname(rng: random.Random, p: Person) -> str:
    family = p.family
    if "-" in family:
        first, second = family.split("-", 1)
        family = _pick(rng, {family: .60, f"{first} {second}": .15, second: .15, first: .10})
    elif family.startswith("O'"):
        rest = family[2:]
        family = _pick(rng, {family: .70, "O" + rest: .15, "O " + rest: .10, "O" + rest.lower(): .05})
    elif family.startswith(("Mc", "Mac")) and len(family) > 4 and family[len("Mac" if family.startswith("Mac") else "Mc")].isupper():
        cut = 3 if family.startswith("Mac") else 2
        family = _pick(rng, {family: .80, family[:cut] + family[cut:].lower(): .12, family[:cut] + " " + family[cut:]: .08})
    if p.culture == "malay" and rng.random() < .40:
        family = ("bin " if p.sex == "M" else "binti ") + family
    if p.suffix and rng.random() < (.35 if p.suffix != "Sr" else .15):
        family = f"{family} {rng.choice(['Jr', 'Jr.']) if p.suffix == 'Jr' else p.suffix}"
    return family


def _given(rng: random.Random, p: Person, source: Source) -> str:
    airline = source.name == "airline"
    if p.english and rng.random() < (.10 if airline else .60):
        return f"{p.english} {p.given}" if rng.random() < .15 else p.english
    if p.given in NICKNAMES and rng.random() < source.nickname:
        return rng.choice(NICKNAMES[p.given])
    if p.culture == "indian" and not airline and rng.random() < .08:
        return p.given[0] + "."
    given = p.given if airline else _compound(rng, p.given, p.culture)
    if p.middle:
        full, initial = {"airline": (.80, 0), "loyalty": (.30, 0), "pms": (.20, .10)}.get(source.name, (.10, 0))
        u = rng.random()
        given = f"{given} {p.middle}" if u < full else f"{given} {p.middle[0]}." if u < full + initial else given
    return given


def _apply_diacritics(rng: random.Random, source: Source, *texts: str | None) -> list[str | None]:
    mode = _pick(rng, dict(zip(("keep", "translit", "strip"), source.diacritics)))
    fn = {"keep": str, "translit": _transliterate, "strip": _strip_accents}[mode]
    return [None if t is None else fn(t) for t in texts]


def _names(rng: random.Random, p: Person, source: Source) -> tuple[str, str | None, str | None]:
    """(first_name, last_name, title column) as this source writes them."""
    airline = source.name == "airline"
    first, last = _given(rng, p, source), _surname(rng, p)
    if rng.random() < (source.swap_chinese if p.culture == "chinese" else source.swap):
        first, last = last, first
    title = p.title
    if rng.random() < source.title_in_first:
        first = f"{first} {title.upper()}" if airline else f"{rng.choice([title, title + '.'])} {first}"
    if rng.random() >= source.last_name:
        last = None
    first, last = _apply_diacritics(rng, source, first, last)
    if airline:
        hyphen = rng.choice(["", " "])
        first, last = [None if t is None else t.replace("'", "").replace("-", hyphen).replace(".", "").upper()
                       for t in (first, last)]
    first, last = [None if t is None else _typos(rng, t) for t in (first, last)]
    if airline:
        first, last = [t if t is None or rng.random() >= OCR_RATE else _ocr(rng, t) for t in (first, last)]
    elif source.name == "pms" and rng.random() < .08:
        first, last = [None if t is None else t.upper() for t in (first, last)]
    elif source.name == "spa" and rng.random() < .05:
        first = first.lower()
    title_col = {"pms": title, "loyalty": title, "airline": title.upper()}.get(source.name)
    return first, last, title_col


# ------------------------------------------------------------------ dates, emails, phones per record
EMAIL_KINDS = {"pms": {"personal": .75, "work": .10, "family": .15},
               "ota": {"personal": .70, "family": .15, "relay": .15},
               "loyalty": {"personal": .90, "work": .10},
               "corporate": {"booker": .60, "work": .35, "personal": .05}}
PHONE_KINDS = {"pms": {"mobile": .75, "landline": .20, "switchboard": .05},
               "ota": {"mobile": .95, "landline": .05},
               "corporate": {"booker": .55, "mobile": .45},
               "spa": {"mobile": .80, "landline": .10, "switchboard": .10}}
CORPORATE_OFFICE_ADDRESS = .45
PERSONAL_EMAIL_PATTERNS = {"first.last": .35, "firstlast": .15, "f.last": .12, "first_last": .08,
                           "first.lastNN": .12, "firstYY": .08, "last.first": .10}
RELAY_DOMAIN = "guest.tripfinder.com"


def _render_dob(rng: random.Random, p: Person, source: Source) -> str | None:
    if rng.random() >= source.dob:
        return None
    d, error = p.dob, _pick(rng, DOB_ERRORS)
    if error == "swap" and d.day <= 12:
        d = date(d.year, d.day, d.month)
    elif error == "day":
        d += timedelta(days=rng.choice([-1, 1]))
    elif error == "year":
        d = _add_years(d, rng.choice([-1, 1]))
    elif error == "year_only":
        return str(d.year)
    if source.name in ("pms", "spa"):
        return d.strftime("%d.%m.%Y" if p.country == "DE" else "%d/%m/%Y")
    return d.isoformat()


def _email_typo(rng: random.Random, email: str) -> str:
    local, domain = email.split("@")
    root = domain.split(".")[0]
    options = ["double"]
    if root in EMAIL_DOMAIN_TYPOS:
        options.append("domain")
    if domain.endswith(".com"):
        options.append("con")
    if "." in local:
        options.append("dot")
    kind = rng.choice(options)
    if kind == "domain":
        domain = rng.choice(EMAIL_DOMAIN_TYPOS[root]) + domain[len(root):]
    elif kind == "con":
        domain = domain[:-1] + "n"
    elif kind == "dot":
        local = local.replace(".", "", 1)
    else:
        i = rng.randrange(len(local))
        local = local[:i] + local[i] + local[i:]
    return f"{local}@{domain}"


def _render_email(rng: random.Random, p: Person, source: Source) -> str | None:
    if rng.random() >= source.email:
        return None
    kind = _pick(rng, EMAIL_KINDS.get(source.name, {"personal": 1.0}))
    if kind == "relay":
        return f"{_ascii_token(p.given)[:8]}{_ascii_token(p.family)[:1]}.{rng.randint(100000, 999999)}@{RELAY_DOMAIN}"
    email = {"work": p.work_email, "family": p.family_email,
             "booker": p.booker.email if p.booker else None}.get(kind) or p.email
    if rng.random() < EMAIL_TYPO:
        email = _email_typo(rng, email)
    return email[0].upper() + email[1:] if rng.random() < EMAIL_CAPITALISED else email


def _render_phone(rng: random.Random, p: Person, source: Source, switchboards: list[Phone]) -> str | None:
    if rng.random() >= source.phone:
        return None
    kind = _pick(rng, PHONE_KINDS.get(source.name, {"mobile": 1.0}))
    phone = {"landline": p.landline, "switchboard": rng.choice(switchboards),
             "booker": p.booker.phone if p.booker else None}.get(kind)
    if phone is None:
        phone = p.old_mobile if p.old_mobile and rng.random() < OLD_VALUE_USE else p.mobile
    return _format_phone(rng, phone)


def _render_city(rng: random.Random, city: City, source: Source) -> str:
    name = rng.choice(city.aliases) if city.aliases and rng.random() < CITY_ALIAS else city.name
    (name,) = _apply_diacritics(rng, source, name)
    if rng.random() < CITY_TYPO:
        name = _typo(rng, name)
    return name.upper() if source.name == "airline" else name


def _record(rng: random.Random, p: Person, source: Source, switchboards: list[Phone]) -> dict:
    first, last, title = _names(rng, p, source)
    address = city = postcode = None
    if rng.random() < source.address:
        if source.name == "corporate" and p.company and rng.random() < CORPORATE_OFFICE_ADDRESS:
            place = p.company.office
        else:
            place = p.old_home if p.old_home and rng.random() < OLD_VALUE_USE else p.home
        address = _render_address(rng, place, source.name == "airline")
        city = _render_city(rng, place.city, source) if rng.random() < CITY_SHOWN else None
        postcode = _render_postcode(rng, p.country, place.postcode) if rng.random() < POSTCODE_SHOWN else None
    elif rng.random() < source.city_only:
        city = _render_city(rng, p.home.city, source)
    country = rng.choice(COUNTRY_NAMES[p.country]) if rng.random() < COUNTRY_SHOWN else None
    return {"true_person": p.pid, "booking_channel": source.name, "title": title,
            "first_name": first, "last_name": last, "dob": _render_dob(rng, p, source),
            "email": _render_email(rng, p, source), "phone": _render_phone(rng, p, source, switchboards),
            "address": address, "city": city, "postcode": postcode, "country": country}


# ------------------------------------------------------------------ population
class _World:
    """Companies, hotel switchboards and the persons, built household by household."""

    def __init__(self, rng: random.Random, people: int):
        self.rng = rng
        self.people: list[Person] = []
        self.emails: set[str] = set()
        self.company_names = [(a, b) for a in COMPANY_WORDS[0] for b in COMPANY_WORDS[1]]
        rng.shuffle(self.company_names)
        self.companies = {c: [self._company(c) for _ in range(max(2, round(people * w / PEOPLE_PER_COMPANY)))]
                          for c, w in COUNTRY_WEIGHTS.items()}
        self.switchboards = [_landline(rng, c, CITIES[c][0][0]) for c in COUNTRY_WEIGHTS]

    def _unique_email(self, local: str, domain: str) -> str:
        email, n = f"{local}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.emails.add(email)
        return email

    def _company(self, country: str) -> Company:
        rng = self.rng
        a, b = self.company_names.pop()
        domain = (a + b).lower() + (".com" if rng.random() < .30 else COMPANY_TLD[country])
        office = _address(rng, country)
        desk = Booker(f"{rng.choice(['travel', 'traveldesk', 'bookings', 'travel.desk'])}@{domain}",
                      _landline(rng, country, office.city))
        assistants = []
        for _ in range(rng.randint(1, 3)):
            culture, sex = _pick(rng, CULTURE_MIX[country]), rng.choice("MF")
            given, family = self._given_name(culture, sex), self._family_name(culture)
            phone = _landline(rng, country, office.city) if rng.random() < .60 else _mobile(rng, country)
            local = f"{_ascii_token(given.split()[0])}.{_ascii_token(family)}"
            assistants.append(Booker(self._unique_email(local, domain), phone))
        return Company(domain, office, [desk] + assistants)

    def _given_name(self, culture: str, sex: str) -> str:
        if culture == "chinese":
            return " ".join(self.rng.sample(CHINESE_SYLLABLES, 2 if self.rng.random() < .70 else 1))
        return self.rng.choice(_words(GIVEN[culture, sex]))

    def _family_name(self, culture: str) -> str:
        rng = self.rng
        if culture == "anglo" and rng.random() < DOUBLE_BARREL_RATE:
            return "-".join(rng.sample(FAMILY["anglo"].split(), 2))
        return rng.choice(FAMILY[culture].split())

    def _personal_email(self, p: Person) -> str:
        rng = self.rng
        first = p.given if p.given not in NICKNAMES or rng.random() >= .20 else rng.choice(NICKNAMES[p.given])
        f, last = _ascii_token(first.split()[0] if " " in first and rng.random() < .5 else first), _ascii_token(p.family)
        local = {"first.last": f"{f}.{last}", "firstlast": f + last, "f.last": f"{f[0]}.{last}",
                 "first_last": f"{f}_{last}", "first.lastNN": f"{f}.{last}{rng.randint(1, 99)}",
                 "firstYY": f"{f}{p.dob.year % 100:02d}", "last.first": f"{last}.{f}"}[_pick(rng, PERSONAL_EMAIL_PATTERNS)]
        return self._unique_email(local, rng.choice(EMAIL_DOMAINS[p.country].split()))

    def person(self, country: str, culture: str, sex: str, dob: date, home: Address, landline: Phone | None,
               given: str | None = None, family: str | None = None) -> Person:
        rng = self.rng
        p = Person(pid=f"G{len(self.people) + 1:06d}", country=country, culture=culture, sex=sex,
                   given=given or self._given_name(culture, sex), family=family or self._family_name(culture),
                   dob=dob, home=home, title=_pick(rng, TITLES[sex]), landline=landline)
        if rng.random() < MIDDLE_NAME_RATE.get(culture, 0):
            p.middle = rng.choice([g for g in _words(GIVEN[culture, sex]) if g != p.given])
        english_rate = ENGLISH_NAME_RATE.get(country, ENGLISH_NAME_RATE_ELSEWHERE)
        if culture == "chinese" and rng.random() < english_rate:
            p.english = rng.choice(ENGLISH_NAMES[sex])
        if rng.random() < MOVER_RATE:
            p.old_home = _address(rng, country, home.city if rng.random() < .60 else None)
        p.mobile = _mobile(rng, country)
        if rng.random() < OLD_MOBILE_RATE:
            p.old_mobile = _mobile(rng, country)
        p.email = self._personal_email(p)
        if 1957 <= dob.year <= 2001 and rng.random() < CORPORATE_RATE:
            self._employ(p)
        self.people.append(p)
        return p

    def _employ(self, p: Person) -> None:
        rng = self.rng
        p.company = rng.choice(self.companies[p.country])
        p.booker = p.company.bookers[0] if rng.random() < DESK_BOOKER else rng.choice(p.company.bookers[1:])
        p.work_email = self._unique_email(f"{_ascii_token(p.given.split()[0])}.{_ascii_token(p.family)}",
                                          p.company.domain)

    def household(self) -> None:
        rng = self.rng
        country = _pick(rng, COUNTRY_WEIGHTS)
        culture = _pick(rng, CULTURE_MIX[country])
        home = _address(rng, country)
        landline = _landline(rng, country, home.city) if rng.random() < LANDLINE_RATE else None
        kind, sex = _pick(rng, HOUSEHOLD_TYPES), rng.choice("MF")

        def member(sex: str, dob: date, **names) -> Person:
            return self.person(country, culture, sex, dob, home, landline, **names)

        if kind == "twins":
            self._twins(member, sex, culture)
        elif kind == "father_son":
            self._father_son(member, country, culture)
        else:
            names = {}
            if rng.random() < NAMESAKE_RATE:
                names = dict(zip(("given", "family"), rng.choice(COMMON_NAMES[culture][sex])))
            head = member(sex, _random_date(rng, date(1950, 1, 1), date(1998, 12, 31)), **names)
            if kind in ("couple", "family"):
                self._spouse(member, head, culture)
            for _ in range({"family": rng.randint(1, 2), "parent_child": 1}.get(kind, 0)):
                self._child(member, head)

    def _spouse(self, member: Callable[..., Person], head: Person, culture: str) -> None:
        rng = self.rng
        sex = "F" if head.sex == "M" else "M"
        dob = min(_random_date(rng, _add_years(head.dob, -6), _add_years(head.dob, 6)), date(2005, 12, 31))
        own = self._family_name(culture)
        while own == head.family:
            own = self._family_name(culture)
        if culture in ("chinese", "malay"):
            family = own
        else:
            double = SPOUSE_DOUBLE_BARREL if culture == "anglo" else 0
            family = _pick(rng, {head.family: SPOUSE_SURNAME_RATE, f"{own}-{head.family}": double,
                                 own: 1 - SPOUSE_SURNAME_RATE - double})
        spouse = member(sex, dob, family=family)
        if rng.random() < FAMILY_EMAIL_RATE:
            name = _ascii_token(head.family)
            local = rng.choice([f"{name}family", f"the{name}s", f"{name}.home",
                                f"{_ascii_token(head.given.split()[0])}and{_ascii_token(spouse.given.split()[0])}"])
            head.family_email = spouse.family_email = self._unique_email(local, rng.choice(EMAIL_DOMAINS[head.country].split()))

    def _child(self, member: Callable[..., Person], parent: Person) -> None:
        rng = self.rng
        low, high = _add_years(parent.dob, 20), min(_add_years(parent.dob, 40), date(2005, 12, 31))
        if low <= high:
            member(rng.choice("MF"), _random_date(rng, low, high), family=parent.family)

    def _twins(self, member: Callable[..., Person], sex: str, culture: str) -> None:
        rng = self.rng
        parent = member(sex, _random_date(rng, date(1945, 1, 1), date(1975, 12, 31))) if rng.random() < .50 else None
        dob = _add_years(parent.dob, rng.randint(20, 30)) if parent else _random_date(rng, date(1960, 1, 1), date(2000, 12, 31))
        family = parent.family if parent else self._family_name(culture)
        sexes = [rng.choice("MF"), rng.choice("MF")]
        first = member(sexes[0], dob, family=family)
        pool = [g for g in (_words(GIVEN[culture, sexes[1]]) if culture != "chinese" else
                            [self._given_name(culture, sexes[1]) for _ in range(20)]) if g != first.given]
        same_initial = [g for g in pool if g[0] == first.given[0]]
        given = rng.choice(same_initial if same_initial and rng.random() < TWIN_SAME_INITIAL else pool)
        member(sexes[1], dob, family=family, given=given)

    def _father_son(self, member: Callable[..., Person], country: str, culture: str) -> None:
        rng = self.rng
        father = member("M", _random_date(rng, date(1945, 1, 1), date(1980, 12, 31)))
        if rng.random() < .50:
            member("F", min(_random_date(rng, _add_years(father.dob, -5), _add_years(father.dob, 5)),
                            date(2005, 12, 31)), family=father.family)
        low, high = _add_years(father.dob, 20), min(_add_years(father.dob, 40), date(2005, 12, 31))
        if rng.random() < .50:
            son = member("M", _random_date(rng, low, high), given=father.given, family=father.family)
        else:
            son = self.person(country, culture, "M", _random_date(rng, low, high), _address(rng, country), None,
                              given=father.given, family=father.family)
        son.middle = father.middle
        if culture in ("anglo", "irish"):
            father.suffix, son.suffix = "Sr", rng.choice(["Jr", "II"])


def _source(rng: random.Random, p: Person) -> Source:
    candidates = [s for s in SOURCES if p.company or s.name != "corporate"]
    return rng.choices(candidates, weights=[s.weight for s in candidates])[0]


COLUMNS = ["record_id", "true_person", "booking_channel", "title", "first_name", "last_name", "dob", "email",
           "phone", "address", "city", "postcode", "country"]


def generate(people: int = 4000, seed: int = 31) -> pd.DataFrame:
    """One merged guest table: a row per record, `true_person` the person's id, `record_id` unique."""
    rng = random.Random(seed)
    world = _World(rng, people)
    while len(world.people) < people:
        world.household()
    rows = [_record(rng, p, _source(rng, p), world.switchboards)
            for p in world.people[:people] for _ in range(_pick(rng, RECORDS_PER_PERSON))]
    rng.shuffle(rows)
    for i, row in enumerate(rows, 1):
        row["record_id"] = f"R{i:06d}"
    return pd.DataFrame(rows, columns=COLUMNS)
