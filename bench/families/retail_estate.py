"""retail_estate: a multi-source retail estate, the identity suite's held-out proxy for other brands.

Written independently of the platform's matching engine and demo generator (it reads neither): a
brand selling in the UK, the US and Canada whose eight systems each keep people their own way.

    .venv/bin/python bench/families/retail_estate.py --out DIR [--people 4000] [--seed 11] [--stats]

`generate(out_dir, people, seed)` writes into `out_dir`:
- the source files (one per system, below), `sources.yaml` declaring them (base_dir: the directory);
- `_truth/record_person.parquet`: `source, source_record_id, person_id`, one row per record.

Systems (name: format, convention):
- crm_contacts: CSV, `;`-delimited, cp1252; "Last, First [Middle]" in one column, sometimes a
  title; dd/mm/yyyy birth dates; UK / US / Canadian addresses; phones in the UK national format
  (`07700 900123`, `020 7946 0123`), North American numbers written `+1 (613) 555-0199`.
- webshop_orders: JSON lines, one record per order (a person has 1 + Geometric(0.45) - 1 orders),
  nested `customer.{email,first,last}` and a `shipping` object; 12% guest checkouts with the
  work email; 10% of orders of people living with others are gifts shipped to another household
  member's name at the same address (the record still belongs to the buyer).
- esp_subscribers: CSV, email + first name only; 12% of first names in ALL CAPS.
- loyalty_cards: XLSX, card number, "First Last" name (20% with a title), phone, postcode,
  m/d/yy birth date (two-digit year), the programme's country (UK / US / CA).
- call_centre_tickets: CSV, the caller's name as an agent typed it, phone in whatever form it was
  said, postcode 35% of the time, the country line called; 1-3 tickets per caller.
- social_followers: CSV, handle (`@kneal1985`, `k.neal_85`, `kellyneal`, `kelly_n22`, or an
  unrelated `sunnyfox_77`), display name 55% of the time, no email.
- postal_mailing_list: CSV, UPPER CASE, `TITLE INITIAL/FORENAME SURNAME`, street types abbreviated
  (ST, RD, AVE), flat numbers on their own line; a stale list: movers keep their old address.
- sms_subscribers: CSV from the in-store POS sign-up, msisdn (E.164, `+447700900123`) + first name.

People and hard negatives (rates per person unless said otherwise):
- countries: UK 50%, US 38%, Canada 12%; age 18-85 on 2026-11-01.
- households: sizes 1/2/3/4/5 with 44/32/13/8/3%. Members share the address and the landline
  (70% of households have one); couples: 80% share the surname (the wife's maiden name is kept
  and used by some systems), 40% of multi-person households share a family email used by every
  member in some records; children are 18+ adults 20-40 years younger than the parents,
  different first names and birth dates. Twins: 25% of households with two or more children
  have a pair born the same day (same surname, address, birth date, different first names).
- same-name strangers: first names and surnames are drawn with Zipf-like weights (Smith, Jones,
  John, Mary ... are common), and 3% of household founders are forced to one of 10 very common
  full names ("John Smith", "David Jones", ...), living in different cities.
- movers: 12% of people moved; their old address survives in postal (70% of their records),
  loyalty (45%), call centre (30%) and CRM (15%) records.
- systems per person: 25% are in one system, 35% in 2-3, 40% in 4-8; each system has its own
  reach (web shop 50%, ESP 45%, loyalty 40%, CRM 40%, SMS 30%, postal 30%, social 25%, call
  centre 20%, renormalised for the sampled count).

Noise per record (independent draws; rates are per record of a system unless said otherwise):
- typos per name part: 0/1/2 with 82/15/3% (call centre 55/32/13%, CRM 92/7/1%): keyboard-adjacent
  substitution, deletion, insertion, transposition, doubled letter;
- OCR confusions (rn<->m, l<->1, O<->0, cl<->d, S<->5, e<->c): postal list 8% of records, loyalty 3%;
- nicknames (then typos on top): call centre 30%, SMS 25%, social 25%, web 15%, ESP 15%, loyalty 10%,
  CRM 5%;
- middle name written: CRM 30%, postal 15%, web 5%; titles: loyalty 20%, postal 70%, CRM 10%;
- first and last name swapped: call centre 4%, loyalty 3%, web 2%;
- married women under their maiden name: loyalty 40%, postal 35%, call centre 20%, CRM 10%;
- birth dates wrong in 6% of dated records: a day off 30%, a month off 20%, a year off or a year
  digit typo 25%, day and month swapped 25% (only when the day is <= 12, so it stays a date);
- emails: 3% typos (a dropped/doubled letter, gmial.com), 10% in a different case;
- phones: 2% with one digit wrong; formats vary per system;
- postcodes: 3% with one character wrong, 10% without the space or in lower case;
- missing fields: per system, e.g. CRM birth date 25% missing, call-centre postcode 65%,
  loyalty phone 15%, web shipping phone 50%;
- broken rows, left in on purpose: 1% of call-centre tickets have no name and no phone (staging
  quarantines them: no identifying field).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import string
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

AS_OF = dt.date(2026, 11, 1)

# ---------------------------------------------------------------- name lists (hand-written)
MALE = """John 40 David 35 Michael 34 James 33 Robert 30 William 26 Richard 20 Thomas 22 Daniel 20
Christopher 18 Matthew 18 Andrew 17 Joseph 16 Mark 15 Paul 15 Steven 13 Kevin 12 Brian 10
George 11 Edward 10 Peter 11 Anthony 10 Jonathan 8 Stephen 9 Timothy 7 Patrick 7 Gary 6 Ian 5
Alexander 8 Benjamin 8 Samuel 7 Nicholas 7 Jacob 6 Nathan 5 Ryan 7 Adam 6 Luke 5 Oliver 6
Harry 5 Jack 6 Charles 8 Henry 5 Frederick 3 Raymond 4 Gregory 4 Douglas 3 Kenneth 4 Ronald 3
Leonard 2 Arthur 3 Albert 2 Gordon 2 Graham 3 Neil 3 Callum 2 Connor 2 Declan 2 Aidan 2 Rhys 2
Owen 3 Dylan 3 Tyler 3 Brandon 3 Austin 2 Jordan 3 Marcus 2 Darren 2 Wayne 2 Lee 2 Craig 2
Stuart 2 Alistair 2 Hamish 1 Fraser 1 Angus 1 Ewan 1 Niall 1 Cian 1 Tomasz 1 Piotr 1 Rajesh 1
Arjun 1 Vikram 1 Mohammed 3 Ahmed 2 Omar 1 Jose 2 Luis 2 Carlos 2 Miguel 1 Juan 2 Diego 1
Chen 1 Wei 1 Hiroshi 1 Kwame 1 Tobias 1 Mathieu 1 Jean-Luc 1 Francois 1 Etienne 1 Rene 1"""
FEMALE = """Mary 30 Patricia 18 Jennifer 25 Linda 15 Elizabeth 25 Barbara 12 Susan 18 Jessica 18
Sarah 25 Karen 15 Nancy 9 Lisa 16 Margaret 15 Sandra 10 Ashley 10 Emily 16 Donna 8 Michelle 14
Carol 8 Amanda 12 Melissa 10 Deborah 9 Stephanie 10 Rebecca 12 Laura 13 Helen 11 Sharon 8
Cynthia 5 Kathleen 7 Amy 10 Angela 9 Anna 9 Emma 12 Olivia 8 Sophie 8 Charlotte 9 Hannah 8
Grace 6 Lucy 7 Chloe 6 Katherine 9 Catherine 8 Victoria 7 Rachel 8 Claire 6 Joanne 5 Nicola 5
Gemma 5 Kelly 6 Louise 5 Fiona 4 Siobhan 3 Aoife 2 Niamh 2 Isla 3 Eilidh 1 Morag 1 Kirsty 3
Megan 5 Lauren 5 Bethany 3 Abigail 4 Madison 3 Brittany 3 Kayla 2 Tiffany 2 Heather 4 Dorothy 4
Joan 4 Irene 2 Maureen 3 Brenda 3 Janet 5 Valerie 3 Christine 7 Julie 6 Alison 4 Theresa 4
Priya 2 Anjali 1 Fatima 2 Aisha 2 Maria 6 Ana 2 Sofia 3 Lucia 2 Mei 1 Yuki 1 Zoe 4 Chantal 1
Genevieve 1 Isabelle 2 Nathalie 1 Sylvie 1 Agnieszka 1 Ewa 1 Abena 1 Ingrid 1 Marguerite 1"""
SURNAMES = """Smith 60 Jones 40 Williams 35 Brown 35 Taylor 25 Johnson 30 Davies 18 Miller 16
Wilson 20 Evans 14 Thomas 13 Roberts 12 Walker 12 Wright 11 Robinson 10 Thompson 12 White 11
Hughes 9 Edwards 9 Green 10 Hall 9 Wood 8 Harris 9 Lewis 9 Martin 10 Jackson 9 Clarke 8
Clark 8 Turner 7 Hill 8 Scott 8 Cooper 7 Morris 7 Ward 7 Moore 9 King 8 Watson 6 Baker 7
Harrison 6 Morgan 7 Patel 9 Young 7 Allen 7 Mitchell 6 James 6 Anderson 8 Phillips 5 Lee 7
Bell 5 Parker 6 Davis 12 Garcia 8 Rodriguez 6 Martinez 6 Hernandez 5 Lopez 5 Gonzalez 4
Moore 3 Taylor 3 Thomas 2 Campbell 6 Stewart 5 Murray 5 Macdonald 4 MacLeod 2 Fraser 3 Reid 4
Kennedy 4 Murphy 6 Kelly 6 O'Brien 4 O'Connor 3 Byrne 3 Ryan 4 Walsh 4 Doyle 3 Quinn 3
Neal 2 Fox 3 Hayes 3 Ellis 4 Knight 3 Chapman 3 Mason 3 Webb 3 Owen 3 Lloyd 3 Price 4
Bennett 4 Gray 4 Grey 1 Shaw 4 Palmer 3 Holmes 3 Rogers 4 Stevens 3 Hunt 3 Fisher 3 Dixon 3
Sutherland 2 Ferguson 3 Henderson 3 Sinclair 2 Armstrong 3 Barker 2 Barnes 3 Pearson 3
Fletcher 2 Gardner 2 Harvey 3 Lawrence 2 Russell 3 Spencer 3 Marshall 3 Hart 2 Pearce 2
Tremblay 4 Gagnon 3 Roy 3 Cote 2 Bouchard 2 Gauthier 2 Morin 2 Lavoie 2 Fortin 2 Pelletier 2
Nguyen 4 Tran 2 Chen 3 Wang 3 Li 3 Zhang 2 Kim 3 Park 2 Singh 5 Kaur 3 Khan 5 Ahmed 4 Ali 4
Shah 3 Sharma 2 Kowalski 2 Nowak 2 Novak 1 Schmidt 2 Muller 2 Becker 1 Rossi 2 Russo 1
Costa 1 Silva 2 Santos 2 Okafor 1 Mensah 1 Adeyemi 1 Osei 1 Cohen 2 Levy 1 Friedman 1
Sanderson 1 Whitfield 1 Ashworth 1 Blackwood 1 Hargreaves 1 Pemberton 1 Thistlewood 1
Featherstone 1 Montgomery 2 Fitzgerald 2 Donaldson 2 Drummond 1 Abernethy 1 Carmichael 1
Kirkpatrick 1 Underwood 1 Whitaker 2 Cartwright 1 Rowbotham 1 Sidebottom 1 Higginbotham 1
Smith-Jones 1 Lloyd-Davies 1 Bowes-Lyon 1 Vaughan-Williams 1 Van_Dyke 1 De_Souza 2 St._Clair 1
McCarthy 3 McKenzie 2 McAllister 1 McGregor 1 MacDonald 2 Dubois 1 Leblanc 2 Bergeron 1"""
COMMON_FULL = [("John", "Smith", "M"), ("David", "Jones", "M"), ("Michael", "Brown", "M"),
               ("James", "Williams", "M"), ("Mary", "Smith", "F"), ("Sarah", "Jones", "F"),
               ("Robert", "Johnson", "M"), ("Jennifer", "Brown", "F"), ("David", "Smith", "M"),
               ("Elizabeth", "Taylor", "F")]
NICKNAMES = {
    "John": ["Johnny", "Jack", "Jon"], "David": ["Dave", "Davey"], "Michael": ["Mike", "Mick", "Mikey"],
    "James": ["Jim", "Jimmy", "Jamie"], "Robert": ["Bob", "Rob", "Bobby", "Robbie"],
    "William": ["Bill", "Will", "Billy", "Liam"], "Richard": ["Rick", "Dick", "Rich"],
    "Thomas": ["Tom", "Tommy"], "Daniel": ["Dan", "Danny"], "Christopher": ["Chris", "Kit"],
    "Matthew": ["Matt"], "Andrew": ["Andy", "Drew"], "Joseph": ["Joe", "Joey"], "Steven": ["Steve"],
    "Stephen": ["Steve"], "Edward": ["Ed", "Eddie", "Ted"], "Peter": ["Pete"], "Anthony": ["Tony"],
    "Jonathan": ["Jon", "Jonny"], "Timothy": ["Tim"], "Patrick": ["Pat", "Paddy"],
    "Alexander": ["Alex", "Sandy", "Xander"], "Benjamin": ["Ben", "Benny"], "Samuel": ["Sam", "Sammy"],
    "Nicholas": ["Nick", "Nicky"], "Nathan": ["Nate"], "Charles": ["Charlie", "Chuck"],
    "Henry": ["Harry", "Hank"], "Frederick": ["Fred", "Freddie"], "Raymond": ["Ray"],
    "Gregory": ["Greg"], "Douglas": ["Doug"], "Kenneth": ["Ken", "Kenny"], "Ronald": ["Ron", "Ronnie"],
    "Leonard": ["Len", "Leo"], "Albert": ["Al", "Bert"], "Gordon": ["Gordie"], "Mohammed": ["Mo"],
    "Jose": ["Pepe"], "Mary": ["Molly", "Polly", "Mae"], "Patricia": ["Pat", "Patty", "Trish"],
    "Jennifer": ["Jen", "Jenny"], "Elizabeth": ["Liz", "Beth", "Betty", "Lizzie", "Eliza"],
    "Barbara": ["Barb", "Babs"], "Susan": ["Sue", "Susie"], "Jessica": ["Jess", "Jessie"],
    "Margaret": ["Maggie", "Peggy", "Meg", "Madge"], "Sandra": ["Sandy"], "Deborah": ["Debbie", "Deb"],
    "Stephanie": ["Steph"], "Rebecca": ["Becky", "Becca"], "Katherine": ["Kate", "Kathy", "Katie", "Kat"],
    "Catherine": ["Cathy", "Cat", "Kate"], "Victoria": ["Vicky", "Tori"], "Cynthia": ["Cindy"],
    "Kathleen": ["Kathy", "Kath"], "Amanda": ["Mandy"], "Melissa": ["Mel", "Missy"],
    "Christine": ["Chris", "Chrissie", "Tina"], "Abigail": ["Abby", "Gail"], "Dorothy": ["Dot", "Dottie"],
    "Theresa": ["Tess", "Terri"], "Valerie": ["Val"], "Alison": ["Ali"], "Nicola": ["Nicky"],
    "Joanne": ["Jo"], "Sophie": ["Soph"], "Charlotte": ["Lottie", "Charlie"], "Olivia": ["Liv"],
    "Emily": ["Em", "Emmy"], "Lucy": ["Lou"], "Louise": ["Lou"], "Madison": ["Maddie"],
    "Isabelle": ["Izzy", "Belle"], "Genevieve": ["Gen"], "Marguerite": ["Maggie"],
}
MIDDLE = {"F": ["Ann", "Marie", "Louise", "Jane", "Elizabeth", "Rose", "May", "Grace", "Lynn", "Claire"],
          "M": ["James", "John", "Edward", "Alan", "Lee", "Michael", "Paul", "Robert", "Francis", "Joseph"]}

# ---------------------------------------------------------------- places (hand-written)
# UK: town, county, postcode areas, landline area code (national, with the trunk 0)
UK_TOWNS = [("London", "Greater London", ["SW", "SE", "N", "E", "W", "NW"], "020", 30),
            ("Manchester", "Greater Manchester", ["M"], "0161", 8), ("Birmingham", "West Midlands", ["B"], "0121", 8),
            ("Leeds", "West Yorkshire", ["LS"], "0113", 5), ("Glasgow", "Lanarkshire", ["G"], "0141", 5),
            ("Edinburgh", "Midlothian", ["EH"], "0131", 4), ("Bristol", "Bristol", ["BS"], "0117", 4),
            ("Cardiff", "South Glamorgan", ["CF"], "029", 3), ("Liverpool", "Merseyside", ["L"], "0151", 4),
            ("Nottingham", "Nottinghamshire", ["NG"], "0115", 3), ("Sheffield", "South Yorkshire", ["S"], "0114", 3),
            ("Oxford", "Oxfordshire", ["OX"], "01865", 2), ("Cambridge", "Cambridgeshire", ["CB"], "01223", 2),
            ("Brighton", "East Sussex", ["BN"], "01273", 2), ("Newcastle upon Tyne", "Tyne and Wear", ["NE"], "0191", 3),
            ("York", "North Yorkshire", ["YO"], "01904", 1), ("Bath", "Somerset", ["BA"], "01225", 1),
            ("Norwich", "Norfolk", ["NR"], "01603", 1), ("Exeter", "Devon", ["EX"], "01392", 1),
            ("Aberdeen", "Aberdeenshire", ["AB"], "01224", 1)]
# US: city, state, ZIP prefixes (3 digits), area codes
US_CITIES = [("New York", "NY", ["100", "101", "102"], ["212", "646", "917"], 14),
             ("Brooklyn", "NY", ["112"], ["718", "347"], 6), ("Chicago", "IL", ["606"], ["312", "773"], 8),
             ("Los Angeles", "CA", ["900"], ["213", "310", "323"], 10), ("Houston", "TX", ["770"], ["713", "832"], 6),
             ("Phoenix", "AZ", ["850"], ["602", "480"], 4), ("Philadelphia", "PA", ["191"], ["215", "267"], 4),
             ("San Antonio", "TX", ["782"], ["210"], 3), ("San Diego", "CA", ["921"], ["619", "858"], 3),
             ("Dallas", "TX", ["752"], ["214", "972"], 4), ("Seattle", "WA", ["981"], ["206"], 4),
             ("Boston", "MA", ["021"], ["617", "857"], 4), ("Denver", "CO", ["802"], ["303", "720"], 3),
             ("Atlanta", "GA", ["303"], ["404", "678"], 4), ("Miami", "FL", ["331"], ["305", "786"], 3),
             ("Portland", "OR", ["972"], ["503", "971"], 3), ("Minneapolis", "MN", ["554"], ["612"], 2),
             ("Springfield", "IL", ["627"], ["217"], 1), ("Springfield", "MA", ["011"], ["413"], 1),
             ("Portland", "ME", ["041"], ["207"], 1), ("Columbus", "OH", ["432"], ["614"], 2),
             ("Nashville", "TN", ["372"], ["615"], 2)]
# Canada: city, province, FSA first letters, area codes
CA_CITIES = [("Toronto", "ON", "M", ["416", "647"], 10), ("Ottawa", "ON", "K", ["613"], 4),
             ("Montreal", "QC", "H", ["514", "438"], 7), ("Vancouver", "BC", "V", ["604", "778"], 6),
             ("Calgary", "AB", "T", ["403", "587"], 4), ("Edmonton", "AB", "T", ["780"], 3),
             ("Winnipeg", "MB", "R", ["204"], 2), ("Halifax", "NS", "B", ["902"], 2),
             ("Quebec City", "QC", "G", ["418"], 2), ("Hamilton", "ON", "L", ["905"], 2)]
STREETS = ["Acacia", "Oak", "Maple", "Elm", "Cedar", "Willow", "Birch", "Church", "High", "Station",
           "Mill", "Park", "Victoria", "Albert", "King", "Queen", "Manor", "Grange", "Chestnut", "Meadow",
           "Riverside", "Hillside", "Lakeview", "Sunset", "Washington", "Lincoln", "Jefferson", "Madison",
           "Franklin", "Jackson", "Highland", "Orchard", "Greenfield", "Fairview", "Kingsway", "Wellington",
           "Cromwell", "Gladstone", "Stanley", "Beech", "Ash", "Holly", "Rowan", "Laurel", "Poplar",
           "Spruce", "Pine", "Bay", "Harbour", "Bridge", "Mount Pleasant", "Prospect", "Spring", "Water",
           "Market", "North", "South", "West", "East", "Cherry", "Primrose", "Heather", "Thornton",
           "St. John's", "Windsor", "York", "Cambridge", "Oxford", "Broadway", "Dundas", "Bloor",
           "Sherbrooke", "Granville", "Portage", "Jasper", "Rideau", "Bank", "Elgin", "Carling"]
STREET_TYPES = [("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Lane", "Ln"), ("Drive", "Dr"),
                ("Close", "Cl"), ("Crescent", "Cres"), ("Court", "Ct"), ("Place", "Pl"), ("Gardens", "Gdns"),
                ("Terrace", "Ter"), ("Way", "Way"), ("Boulevard", "Blvd")]
MAIL_DOMAINS_UK = ["gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com", "icloud.com",
                   "sky.com", "live.co.uk"]
MAIL_DOMAINS_NA = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com",
                   "comcast.net", "shaw.ca", "rogers.com", "sympatico.ca"]
EMPLOYERS = ["acmecorp.com", "northwind.co.uk", "globex.com", "initech.com", "umbrella-group.com",
             "contoso.ca", "hooli.com", "brightwave.co.uk", "lakeside-health.org", "cityuni.ac.uk",
             "stark-ind.com", "wayne-ent.com", "maplebank.ca", "fjordlogistics.com", "oceanic.net"]
HANDLE_WORDS = ["sunny", "fox", "wolf", "pixel", "coffee", "travel", "yoga", "garden", "vintage", "retro",
                "ocean", "moon", "star", "shadow", "lucky", "happy", "urban", "wild", "cosy", "bookish"]
TITLES_M = ["Mr", "Mr.", "Dr", "MR"]
TITLES_F = ["Mrs", "Ms", "Miss", "Mrs.", "Dr", "Ms."]

SYSTEMS = ("crm_contacts", "webshop_orders", "esp_subscribers", "loyalty_cards", "call_centre_tickets",
           "social_followers", "postal_mailing_list", "sms_subscribers")
REACH = {"webshop_orders": 0.50, "esp_subscribers": 0.45, "loyalty_cards": 0.40, "crm_contacts": 0.40,
         "sms_subscribers": 0.30, "postal_mailing_list": 0.30, "social_followers": 0.25,
         "call_centre_tickets": 0.20}
KEYBOARD = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm",
            ["wa", "qes", "wrd", "etf", "ryg", "tuh", "yij", "uok", "ipl", "ol", "qsz", "awdx", "sefc",
             "drgv", "fthb", "gyjn", "hukm", "jil", "kop", "asx", "zdc", "xfv", "cgb", "vhn", "bjm", "nk"])}
OCR = [("rn", "m"), ("m", "rn"), ("l", "1"), ("O", "0"), ("o", "0"), ("cl", "d"), ("S", "5"), ("e", "c"),
       ("I", "1"), ("B", "8"), ("h", "b")]


def _weighted(text: str) -> tuple[list[str], list[float]]:
    toks = text.split()
    return [t.replace("_", " ") for t in toks[0::2]], [float(w) for w in toks[1::2]]


# ---------------------------------------------------------------- the people
@dataclass
class Address:
    country: str  # GB, US, CA
    number: str
    street: str  # e.g. "Acacia"
    stype: int  # index into STREET_TYPES
    flat: str  # "" or the flat / apt number
    city: str
    region: str
    postcode: str
    area_code: str  # landline area code


@dataclass
class Person:
    pid: str
    first: str
    middle: str
    last: str
    maiden: str
    gender: str
    dob: dt.date
    address: Address
    old_address: Address | None
    landline: str  # digits, national (GB with trunk 0) / 10 digits (NANP); "" if none
    mobile: str
    email: str
    work_email: str
    family_email: str
    household: list = field(default_factory=list)  # the other members (Person)
    systems: list = field(default_factory=list)


class Estate:
    def __init__(self, people: int, seed: int):
        self.r = random.Random(seed)
        self.n = people
        self.male = _weighted(MALE)
        self.female = _weighted(FEMALE)
        self.surnames = _weighted(SURNAMES)
        self.used_mobiles: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_addresses: set[tuple] = set()
        self.people: list[Person] = []
        self._build()

    # --- draws
    def first_name(self, gender: str) -> str:
        names, w = self.male if gender == "M" else self.female
        return self.r.choices(names, w)[0]

    def surname(self) -> str:
        return self.r.choices(*self.surnames)[0]

    def place(self, country: str | None = None):
        r = self.r
        country = country or r.choices(["GB", "US", "CA"], [50, 38, 12])[0]
        if country == "GB":
            town = r.choices(UK_TOWNS, [t[-1] for t in UK_TOWNS])[0]
            return country, town
        if country == "US":
            return country, r.choices(US_CITIES, [t[-1] for t in US_CITIES])[0]
        return country, r.choices(CA_CITIES, [t[-1] for t in CA_CITIES])[0]

    def address(self, country: str | None = None) -> Address:
        r = self.r
        while True:
            country, town = self.place(country)
            street, stype = r.choice(STREETS), r.randrange(len(STREET_TYPES))
            number = str(r.choice([r.randint(1, 120), r.randint(1, 400), r.randint(100, 9999)]))
            if country == "GB":
                city, region, areas, area_code, _ = town
                area = r.choice(areas)
                district = str(r.randint(1, 20 if len(area) == 1 else 12))
                if area in ("SW", "W", "EC") and r.random() < 0.15:
                    district = f"{r.randint(1, 2)}{r.choice('ABCDEFGHJKPSTVWXY')}"
                inward = f"{r.randint(0, 9)}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                postcode = f"{area}{district} {inward}"
                flat = str(r.randint(1, 24)) if r.random() < 0.25 else ""
            elif country == "US":
                city, region, zips, codes, _ = town
                postcode = f"{r.choice(zips)}{r.randint(0, 99):02d}"
                area_code = r.choice(codes)
                flat = str(r.choice([r.randint(1, 30), r.randint(100, 1800)])) if r.random() < 0.2 else ""
            else:
                city, region, letter, codes, _ = town
                L = "ABCEGHJKLMNPRSTVWXYZ"
                postcode = f"{letter}{r.randint(0, 9)}{r.choice(L)} {r.randint(0, 9)}{r.choice(L)}{r.randint(0, 9)}"
                area_code = r.choice(codes)
                flat = str(r.randint(100, 2400)) if r.random() < 0.3 else ""
            addr = Address(country, number, street, stype, flat, city, region, postcode, area_code)
            key = (country, number, street, stype, flat, postcode)
            if key not in self.used_addresses:
                self.used_addresses.add(key)
                return addr

    def landline(self, a: Address) -> str:
        r = self.r
        if a.country == "GB":
            rest = 10 - len(a.area_code.lstrip("0"))
            first = {"020": r.choice("378")}.get(a.area_code, "2")
            return a.area_code + first + "".join(r.choice(string.digits) for _ in range(rest - 1))
        return a.area_code + str(r.randint(200, 989)) + f"{r.randint(0, 9999):04d}"

    def mobile(self, a: Address) -> str:
        r = self.r
        while True:
            if a.country == "GB":
                num = "07" + r.choice("1234579") + "".join(r.choice(string.digits) for _ in range(8))
            else:
                codes = next(c[3] for c in (US_CITIES if a.country == "US" else CA_CITIES) if c[0] == a.city)
                num = r.choice(codes) + str(r.randint(201, 989)) + f"{r.randint(0, 9999):04d}"
            if num not in self.used_mobiles and (a.country == "GB" or (not num[3:6].endswith("11") and num[3:6] != "555")):
                self.used_mobiles.add(num)
                return num

    def personal_email(self, first: str, last: str, dob: dt.date, country: str) -> str:
        r = self.r
        f, l = _ascii(first).lower(), _ascii(last).lower().replace(" ", "").replace("'", "")
        yy, yyyy = f"{dob.year % 100:02d}", str(dob.year)
        patterns = [f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{f[0]}{l}{yy}", f"{f}.{l}{yyyy}", f"{f}_{l}",
                    f"{l}.{f}", f"{f}{r.randint(1, 999)}", f"{f}{l[0]}{yy}", f"{r.choice(HANDLE_WORDS)}{f}"]
        domains = MAIL_DOMAINS_UK if country == "GB" else MAIL_DOMAINS_NA
        for _ in range(20):
            e = f"{r.choice(patterns)}@{r.choice(domains)}"
            if e not in self.used_emails:
                self.used_emails.add(e)
                return e
        e = f"{f}.{l}{r.randint(1000, 99999)}@{r.choice(domains)}"
        self.used_emails.add(e)
        return e

    def dob(self, lo_age: int, hi_age: int) -> dt.date:
        start = AS_OF.replace(year=AS_OF.year - hi_age - 1) + dt.timedelta(days=1)
        end = AS_OF.replace(year=AS_OF.year - lo_age)
        return start + dt.timedelta(days=self.r.randrange((end - start).days))

    # --- households
    def _build(self) -> None:
        r = self.r
        hh_no = 0
        while len(self.people) < self.n:
            hh_no += 1
            size = min(r.choices([1, 2, 3, 4, 5], [44, 32, 13, 8, 3])[0], self.n - len(self.people))
            addr = self.address()
            landline = self.landline(addr) if r.random() < 0.70 else ""
            members: list[Person] = []
            # founder
            if r.random() < 0.03:
                first, last, g = r.choice(COMMON_FULL)
            else:
                g = r.choice("MF")
                first, last = self.first_name(g), self.surname()
            family_email = ""
            if size > 1 and r.random() < 0.40:
                fam = f"the{_ascii(last).lower().replace(' ', '').replace(chr(39), '')}s"
                family_email = f"{fam}{r.randint(1, 99) if r.random() < 0.5 else ''}@" \
                               f"{r.choice(MAIL_DOMAINS_UK if addr.country == 'GB' else MAIL_DOMAINS_NA)}"
                if family_email in self.used_emails:
                    family_email = ""
                self.used_emails.add(family_email)
            kids = 0
            if size == 1:
                parent_ages = [(18, 85)]
            else:
                couple = r.random() < 0.8
                kids = size - (2 if couple else 1)
                lo = 40 if kids else 22
                parent_ages = [(lo, 85)] * (2 if couple else 1)
            founder_dob = self.dob(*parent_ages[0])
            members.append(self._person(hh_no, len(members), first, last, "", g, founder_dob, addr, landline,
                                        family_email))
            if len(parent_ages) == 2:
                pg = "F" if g == "M" else "M"
                if r.random() < 0.05:
                    pg = g
                pfirst = self.first_name(pg)
                while pfirst == first:
                    pfirst = self.first_name(pg)
                age = (AS_OF - founder_dob).days // 365 + r.randint(-6, 6)
                age = max(lo, min(85, age))
                pdob = self.dob(age, age)
                plast, maiden = last, ""
                roll = r.random()
                if pg == "F" and g == "M":
                    if roll < 0.8:
                        maiden = self.surname()
                    else:
                        plast = self.surname()
                elif roll > 0.8:
                    plast = self.surname()
                members.append(self._person(hh_no, len(members), pfirst, plast, maiden, pg, pdob, addr, landline,
                                            family_email))
            if kids:
                youngest_age_parent = (AS_OF - max(p.dob for p in members)).days // 365
                kid_hi = max(18, youngest_age_parent - 20)
                kid_lo = max(18, youngest_age_parent - 40)
                twins = kids >= 2 and r.random() < 0.25
                firsts = {p.first for p in members}
                twin_dob = None
                for k in range(kids):
                    kg = r.choice("MF")
                    kfirst = self.first_name(kg)
                    while kfirst in firsts:
                        kfirst = self.first_name(kg)
                    firsts.add(kfirst)
                    if twins and k < 2:
                        twin_dob = twin_dob or self.dob(kid_lo, max(kid_lo, kid_hi))
                        kdob = twin_dob
                    else:
                        kdob = self.dob(kid_lo, max(kid_lo, kid_hi))
                    members.append(self._person(hh_no, len(members), kfirst, last, "", kg, kdob, addr, landline,
                                                family_email))
            for p in members:
                p.household = [q for q in members if q is not p]
            self.people.extend(members)
        for p in self.people:
            self._pick_systems(p)

    def _person(self, hh, k, first, last, maiden, g, dob, addr, landline, family_email) -> Person:
        r = self.r
        pid = f"P{len(self.people) + k + 1:06d}"
        middle = r.choice(MIDDLE[g]) if r.random() < 0.4 else ""
        old = None
        if r.random() < 0.12:
            old = self.address(addr.country if r.random() < 0.85 else None)
        mobile = self.mobile(addr) if r.random() < 0.9 else ""
        email = self.personal_email(first, last, dob, addr.country) if r.random() < 0.88 else ""
        work = ""
        if r.random() < 0.25:
            work = f"{_ascii(first).lower()}.{_ascii(last).lower().replace(' ', '').replace(chr(39), '')}" \
                   f"@{r.choice(EMPLOYERS)}"
            if work in self.used_emails:
                work = work.replace("@", f"{r.randint(2, 9)}@")
            self.used_emails.add(work)
        return Person(pid, first, middle, last, maiden, g, dob, addr, old, landline, mobile, email, work,
                      family_email)

    def _pick_systems(self, p: Person) -> None:
        r = self.r
        roll = r.random()
        k = 1 if roll < 0.25 else (r.randint(2, 3) if roll < 0.60 else r.randint(4, 8))
        pool = list(SYSTEMS)
        chosen = []
        while len(chosen) < k:
            s = r.choices(pool, [REACH[x] for x in pool])[0]
            chosen.append(s)
            pool.remove(s)
        if "sms_subscribers" in chosen and not p.mobile:
            chosen.remove("sms_subscribers")
        if "esp_subscribers" in chosen and not (p.email or p.work_email or p.family_email):
            chosen.remove("esp_subscribers")
        if not chosen:
            chosen = ["loyalty_cards"]
        p.systems = chosen


# ---------------------------------------------------------------- noise
def _ascii(s: str) -> str:
    return s.replace("'", "").replace("ë", "e").replace("é", "e").replace("è", "e").replace("ç", "c")


def typo(r: random.Random, s: str) -> str:
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 2:
        return s
    i = r.choice(letters)
    c = s[i]
    kind = r.choice(["sub", "del", "ins", "swap", "double"])
    if kind == "sub":
        n = r.choice(KEYBOARD.get(c.lower(), "e"))
        return s[:i] + (n.upper() if c.isupper() else n) + s[i + 1:]
    if kind == "del" and len(s) > 3:
        return s[:i] + s[i + 1:]
    if kind == "ins":
        return s[:i + 1] + r.choice(KEYBOARD.get(c.lower(), "e")) + s[i + 1:]
    if kind == "swap" and i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + c + s[i:]


def typos(r: random.Random, s: str, dist=(0.82, 0.15, 0.03)) -> str:
    if not s:
        return s
    n = r.choices([0, 1, 2], dist)[0]
    for _ in range(n):
        s = typo(r, s)
    return s


def ocr(r: random.Random, s: str) -> str:
    options = [(a, b) for a, b in OCR if a in s]
    if not options:
        return s
    a, b = r.choice(options)
    i = s.index(a)
    return s[:i] + b + s[i + len(a):]


def nickname(r: random.Random, first: str) -> str:
    return r.choice(NICKNAMES[first]) if first in NICKNAMES else first


def bad_dob(r: random.Random, d: dt.date) -> dt.date:
    kind = r.choices(["day", "month", "year", "swap"], [30, 20, 25, 25])[0]
    try:
        if kind == "day":
            return d + dt.timedelta(days=r.choice([-1, 1]))
        if kind == "month":
            return d.replace(month=min(12, max(1, d.month + r.choice([-1, 1]))))
        if kind == "year":
            if r.random() < 0.5:
                return d.replace(year=d.year + r.choice([-1, 1]))
            y = str(d.year)
            return d.replace(year=int(y[:3] + str((int(y[3]) + r.randint(1, 9)) % 10)))
        if d.day <= 12 and d.day != d.month:
            return d.replace(day=d.month, month=d.day)
    except ValueError:
        pass
    return d + dt.timedelta(days=1)


def email_noise(r: random.Random, e: str) -> str:
    if not e:
        return e
    if r.random() < 0.03:
        local, domain = e.split("@")
        if r.random() < 0.5 and "gmail" in domain:
            domain = domain.replace("gmail", r.choice(["gmial", "gmal", "gmail"]))
        elif len(local) > 3:
            i = r.randrange(1, len(local) - 1)
            local = local[:i] + local[i + 1:] if r.random() < 0.5 else local[:i] + local[i] + local[i:]
        e = f"{local}@{domain}"
    if r.random() < 0.10:
        local, domain = e.split("@")
        e = (local.title() if r.random() < 0.7 else local.upper()) + "@" + domain
    return e


def digit_typo(r: random.Random, digits: str) -> str:
    if r.random() >= 0.02 or len(digits) < 6:
        return digits
    i = r.randrange(3, len(digits))
    return digits[:i] + str((int(digits[i]) + r.randint(1, 9)) % 10) + digits[i + 1:]


def postcode_noise(r: random.Random, pc: str) -> str:
    if r.random() < 0.03:
        chars = [i for i, c in enumerate(pc) if c.isalnum()]
        i = r.choice(chars[1:])
        c = pc[i]
        new = str(r.randint(0, 9)) if c.isdigit() else r.choice("ABDEFGHJLNPRSTWXY")
        pc = pc[:i] + new + pc[i + 1:]
    if r.random() < 0.10:
        pc = pc.replace(" ", "") if r.random() < 0.5 else pc.lower()
    return pc


def fmt_phone(r: random.Random, digits: str, country: str, home: str, style: str = "national") -> str:
    """A phone as a system writes it. `home`: the system's phone region (GB or US); numbers of the
    other region are written internationally."""
    if not digits:
        return ""
    digits = digit_typo(r, digits)
    if country == "GB":
        if home != "GB" or style == "e164":
            return "+44" + digits[1:] if style == "e164" or r.random() < 0.5 else "+44 " + digits[1:5] + " " + digits[5:]
        if digits.startswith("07"):
            return r.choice([f"{digits[:5]} {digits[5:]}", digits, f"{digits[:5]} {digits[5:8]} {digits[8:]}",
                             f"+44 {digits[1:5]} {digits[5:]}", f"(0){digits[1:5]} {digits[5:]}"])
        if digits.startswith("020") or digits.startswith("029"):
            return r.choice([f"{digits[:3]} {digits[3:7]} {digits[7:]}", digits, f"({digits[:3]}) {digits[3:7]} {digits[7:]}"])
        n = 4 if digits[:4] in {"0161", "0121", "0113", "0141", "0131", "0117", "0151", "0115", "0114", "0191"} else 5
        return r.choice([f"{digits[:n]} {digits[n:]}", digits, f"({digits[:n]}) {digits[n:]}"])
    if home != "US" or style == "e164":
        return "+1" + digits if style == "e164" or r.random() < 0.5 else f"+1 ({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return r.choice([f"({digits[:3]}) {digits[3:6]}-{digits[6:]}", f"{digits[:3]}-{digits[3:6]}-{digits[6:]}",
                     f"{digits[:3]}.{digits[3:6]}.{digits[6:]}", digits, f"1-{digits[:3]}-{digits[3:6]}-{digits[6:]}"])


def street_line(a: Address, abbreviate: bool, upper: bool = False, flat_inline: bool = True) -> tuple[str, str]:
    full, short = STREET_TYPES[a.stype]
    line1 = f"{a.number} {a.street} {short if abbreviate else full}"
    line2 = ""
    if a.flat:
        flat = (f"Flat {a.flat}" if a.country == "GB" else f"Apt {a.flat}")
        if flat_inline and a.country != "GB":
            line1 = f"{line1} {flat}" if a.country == "US" else f"{a.flat}-{line1}"
        elif flat_inline:
            line1 = f"{flat}, {line1}"
        else:
            line2 = flat
    if upper:
        line1, line2 = line1.upper(), line2.upper()
    return line1, line2


# ---------------------------------------------------------------- one record's name, per system
@dataclass
class Noise:
    typo: tuple = (0.82, 0.15, 0.03)
    nick: float = 0.1
    middle: float = 0.0
    title: float = 0.0
    swap: float = 0.0
    maiden: float = 0.0
    ocr: float = 0.0
    mover: float = 0.0
    dob_bad: float = 0.06


NOISE = {
    "crm_contacts": Noise(typo=(0.92, 0.07, 0.01), nick=0.05, middle=0.30, title=0.10, maiden=0.10, mover=0.15),
    "webshop_orders": Noise(nick=0.15, middle=0.05, swap=0.02),
    "esp_subscribers": Noise(nick=0.15),
    "loyalty_cards": Noise(nick=0.10, title=0.20, swap=0.03, maiden=0.40, ocr=0.03, mover=0.45),
    "call_centre_tickets": Noise(typo=(0.55, 0.32, 0.13), nick=0.30, swap=0.04, maiden=0.20, mover=0.30),
    "social_followers": Noise(nick=0.25),
    "postal_mailing_list": Noise(middle=0.15, title=0.70, maiden=0.35, ocr=0.08, mover=0.70),
    "sms_subscribers": Noise(nick=0.25),
}


@dataclass
class Name:
    title: str
    first: str
    middle: str
    last: str
    swapped: bool


def record_name(r: random.Random, p: Person, n: Noise, who: Person | None = None) -> Name:
    p = who or p
    first = nickname(r, p.first) if r.random() < n.nick else p.first
    last = p.maiden if p.maiden and r.random() < n.maiden else p.last
    middle = p.middle if p.middle and r.random() < n.middle else ""
    first, last = typos(r, first, n.typo), typos(r, last, n.typo)
    if r.random() < n.ocr:
        if r.random() < 0.5:
            first = ocr(r, first)
        else:
            last = ocr(r, last)
    title = ""
    if r.random() < n.title:
        title = r.choice(TITLES_M if p.gender == "M" else TITLES_F)
    swapped = r.random() < n.swap
    return Name(title, first, middle, last, swapped)


def record_dob(r: random.Random, p: Person, n: Noise) -> dt.date:
    return bad_dob(r, p.dob) if r.random() < n.dob_bad else p.dob


def record_address(r: random.Random, p: Person, n: Noise) -> Address:
    return p.old_address if p.old_address and r.random() < n.mover else p.address


# ---------------------------------------------------------------- writers
def _write_csv(path: Path, header: list[str], rows: list[list], delimiter=",", encoding="utf-8") -> None:
    with open(path, "w", newline="", encoding=encoding, errors="replace") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)


def _ts(r: random.Random, start_year=2019) -> dt.datetime:
    start = dt.datetime(start_year, 1, 1)
    return start + dt.timedelta(seconds=r.randrange(int((dt.datetime(2026, 10, 31) - start).total_seconds())))


def build_records(estate: Estate, seed: int) -> dict[str, tuple[list[str], list[list], list[str]]]:
    """source -> (header, rows, person_id per row); the webshop's rows are dicts (JSON lines)."""
    r = random.Random(seed * 7919 + 1)
    out: dict[str, tuple[list, list, list]] = {s: ([], [], []) for s in SYSTEMS}
    people = estate.people
    order = list(people)
    r.shuffle(order)  # records are not in person order

    # CRM --------------------------------------------------------------
    crm_rows, crm_pid = [], []
    for p in order:
        if "crm_contacts" not in p.systems:
            continue
        n = NOISE["crm_contacts"]
        nm = record_name(r, p, n)
        first = f"{nm.first} {nm.middle}".strip()
        full = f"{nm.last}, {(nm.title + ' ') if nm.title else ''}{first}"
        if nm.title and r.random() < 0.5:
            full = f"{nm.last}, {first}"
        a = record_address(r, p, n)
        line1, line2 = street_line(a, abbreviate=r.random() < 0.4, flat_inline=False)
        dob = record_dob(r, p, n)
        phone_digits = p.mobile if p.mobile and (not p.landline or r.random() < 0.6) else p.landline
        email = p.email or p.work_email or (p.family_email if r.random() < 0.5 else "")
        if r.random() < 0.15 and p.family_email:
            email = p.family_email
        crm_rows.append([
            f"C-{len(crm_rows) + 100001}", full,
            email_noise(r, email) if r.random() > 0.08 else "",
            fmt_phone(r, phone_digits, p.address.country, "GB") if r.random() > 0.10 else "",
            dob.strftime("%d/%m/%Y") if r.random() > 0.25 else "",
            line1, line2, a.city, a.region, postcode_noise(r, a.postcode),
            {"GB": r.choice(["GB", "GB", "UK"]), "US": r.choice(["US", "USA"]), "CA": r.choice(["CA", "Canada"])}[a.country],
            r.choice(["Y", "N", ""]), _ts(r, 2015).strftime("%Y-%m-%d %H:%M:%S")])
        crm_pid.append(p.pid)
    out["crm_contacts"] = (["contact_id", "full_name", "email", "phone", "dob", "address_1", "address_2", "town",
                            "county_state", "postcode", "country", "email_opt_in", "created"], crm_rows, crm_pid)

    # web shop orders ----------------------------------------------------
    web_rows, web_pid = [], []
    for p in order:
        if "webshop_orders" not in p.systems:
            continue
        n_orders = 1
        while r.random() < 0.55 and n_orders < 12:
            n_orders += 1
        account = f"A{r.randint(100000, 999999)}"
        for _ in range(n_orders):
            n = NOISE["webshop_orders"]
            nm = record_name(r, p, n)
            guest = r.random() < 0.12 and bool(p.work_email)
            email = p.work_email if guest else (p.email or p.work_email or p.family_email)
            if not guest and p.family_email and r.random() < 0.2:
                email = p.family_email
            a = record_address(r, p, Noise(mover=0.1))
            first, last = (nm.last, nm.first) if nm.swapped else (nm.first, nm.last)
            ship_name = f"{p.first} {p.last}"
            if p.household and r.random() < 0.10:
                other = r.choice(p.household)
                ship_name = f"{other.first} {other.last}"
            line1, line2 = street_line(a, abbreviate=r.random() < 0.5, flat_inline=r.random() < 0.5)
            items = [{"sku": f"SKU{r.randint(1000, 9999)}", "qty": r.randint(1, 3),
                      "price": round(r.uniform(4, 120), 2)} for _ in range(r.randint(1, 4))]
            rec = {
                "order_id": f"WO{len(web_rows) + 5000001}",
                "placed_at": _ts(r, 2021).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "account_id": None if guest else account,
                "guest": guest,
                "customer": {"email": email_noise(r, email) or None, "first": first or None, "last": last or None},
                "shipping": {"name": ship_name, "line1": line1, "line2": line2 or None, "city": a.city,
                             "region": a.region, "postcode": postcode_noise(r, a.postcode), "country": a.country,
                             "phone": fmt_phone(r, p.mobile, p.address.country, "US", "e164") if p.mobile and r.random() < 0.5 else None},
                "items": items,
            }
            web_rows.append(rec)
            web_pid.append(p.pid)
    out["webshop_orders"] = ([], web_rows, web_pid)

    # ESP -----------------------------------------------------------------
    esp_rows, esp_pid, seen = [], [], set()
    for p in order:
        if "esp_subscribers" not in p.systems:
            continue
        email = p.email or p.work_email or p.family_email
        if p.family_email and r.random() < 0.3:
            email = p.family_email
        if email.lower() in seen:
            email = p.email or p.work_email
        if not email or email.lower() in seen:
            continue
        seen.add(email.lower())
        nm = record_name(r, p, NOISE["esp_subscribers"])
        first = nm.first.upper() if r.random() < 0.12 else nm.first
        if r.random() < 0.15:
            first = ""
        esp_rows.append([f"{900000 + len(esp_rows) * 7 + r.randint(0, 6)}", email_noise(r, email), first,
                         _ts(r, 2018).strftime("%Y-%m-%d %H:%M:%S"), r.choice(["subscribed"] * 8 + ["unsubscribed", "cleaned"])])
        esp_pid.append(p.pid)
    out["esp_subscribers"] = (["subscriber_id", "email_address", "first_name", "optin_time", "status"], esp_rows, esp_pid)

    # loyalty -------------------------------------------------------------
    loy_rows, loy_pid = [], []
    for p in order:
        if "loyalty_cards" not in p.systems:
            continue
        n = NOISE["loyalty_cards"]
        nm = record_name(r, p, n)
        a, b = (nm.last, nm.first) if nm.swapped else (nm.first, nm.last)
        name = " ".join(x for x in (nm.title, a, b) if x)
        dob = record_dob(r, p, n)
        addr = record_address(r, p, n)
        phone = p.mobile or p.landline
        if p.landline and r.random() < 0.3:
            phone = p.landline
        home = "GB"  # a UK brand's system: North American numbers are written +1
        loy_rows.append([f"{r.choice(['6301', '6302'])}{len(loy_rows) * 37 + 10000013:011d}", name,
                         fmt_phone(r, phone, p.address.country, home) if r.random() > 0.15 else "",
                         postcode_noise(r, addr.postcode) if r.random() > 0.05 else "",
                         f"{dob.month}/{dob.day}/{dob.year % 100:02d}" if r.random() > 0.10 else "",
                         r.choice(["Bronze", "Silver", "Gold"]), _ts(r, 2016).strftime("%Y-%m-%d"),
                         {"GB": "UK", "US": "US", "CA": "CA"}[addr.country]])
        loy_pid.append(p.pid)
    out["loyalty_cards"] = (["Card No", "Name", "Phone", "Postcode", "DOB", "Tier", "Joined", "Programme"], loy_rows, loy_pid)

    # call centre -----------------------------------------------------------
    cc_rows, cc_pid = [], []
    for p in order:
        if "call_centre_tickets" not in p.systems:
            continue
        for _ in range(r.choices([1, 2, 3], [65, 25, 10])[0]):
            n = NOISE["call_centre_tickets"]
            nm = record_name(r, p, n)
            a, b = (nm.last, nm.first) if nm.swapped else (nm.first, nm.last)
            style = r.random()
            if style < 0.6:
                name = f"{a} {b}"
            elif style < 0.75:
                name = f"{a} {b}".lower()
            elif style < 0.85:
                name = f"{b}, {a}"
            elif style < 0.93:
                name = a  # first name only
            else:
                name = f"{nm.title or ('Mr' if p.gender == 'M' else 'Mrs')} {b}"
            addr = record_address(r, p, n)
            phone = p.mobile if p.mobile and (not p.landline or r.random() < 0.55) else p.landline
            if r.random() < 0.01:  # a broken ticket: nothing identifying (quarantined)
                name, phone = "", ""
            cc_rows.append([f"T-{len(cc_rows) + 1:07d}", _ts(r, 2022).strftime("%d/%m/%Y %H:%M"), name,
                            fmt_phone(r, phone, p.address.country, "GB") if r.random() > 0.08 else "",
                            postcode_noise(r, addr.postcode) if r.random() < 0.35 else "",
                            r.choice(["delivery", "refund", "product question", "account", "complaint", "loyalty points"]),
                            {"GB": "UK", "US": "US", "CA": "CA"}[addr.country]])
            cc_pid.append(p.pid)
    out["call_centre_tickets"] = (["ticket_id", "opened", "caller", "phone", "postcode", "reason", "line"], cc_rows, cc_pid)

    # social ----------------------------------------------------------------
    so_rows, so_pid, handles = [], [], set()
    for p in order:
        if "social_followers" not in p.systems:
            continue
        nm = record_name(r, p, NOISE["social_followers"])
        f = _ascii(nm.first).lower().replace(" ", "")
        l = _ascii(p.last).lower().replace(" ", "").replace("-", "")
        yy, yyyy = f"{p.dob.year % 100:02d}", str(p.dob.year)
        for _ in range(10):
            h = r.choice([f"{f[0]}{l}{yyyy}", f"{f[0]}.{l}_{yy}", f"{f}{l}", f"{f}_{l[0]}{r.randint(1, 99)}",
                          f"{f}.{l}", f"{l}{f[0]}{yy}", f"{r.choice(HANDLE_WORDS)}{r.choice(HANDLE_WORDS)}_{r.randint(1, 99)}",
                          f"{r.choice(HANDLE_WORDS)}_{f}"])
            if h not in handles:
                break
            h = f"{h}{r.randint(1, 9)}"
        if h in handles:
            continue
        handles.add(h)
        disp_roll = r.random()
        if disp_roll < 0.35:
            display = f"{nm.first} {nm.last}"
        elif disp_roll < 0.45:
            display = f"{nm.first} {nm.last[0]}."
        elif disp_roll < 0.55:
            display = nm.first
        else:
            display = ""
        so_rows.append([f"F{r.randint(10**9, 10**10 - 1)}", "@" + h if r.random() < 0.6 else h, display,
                        r.choice(["instagram", "tiktok", "x"]), _ts(r, 2020).strftime("%Y-%m-%dT%H:%M:%S")])
        so_pid.append(p.pid)
    out["social_followers"] = (["follower_id", "handle", "display_name", "platform", "followed_at"], so_rows, so_pid)

    # postal ------------------------------------------------------------------
    po_rows, po_pid = [], []
    for p in order:
        if "postal_mailing_list" not in p.systems:
            continue
        n = NOISE["postal_mailing_list"]
        nm = record_name(r, p, n)
        a = record_address(r, p, n)
        line1, line2 = street_line(a, abbreviate=r.random() < 0.85, upper=True, flat_inline=False)
        if r.random() < n.ocr:
            line1 = ocr(r, line1)
        forename = nm.first if r.random() < 0.6 else nm.first[:1]
        if nm.middle and len(forename) > 1:
            forename = f"{forename} {nm.middle[0]}"
        po_rows.append([f"{len(po_rows) + 300001}", nm.title.upper().rstrip("."), forename.upper(), nm.last.upper(),
                        line2, line1, a.city.upper(), a.region.upper() if a.country != "GB" else "",
                        postcode_noise(r, a.postcode).upper(), {"GB": "UNITED KINGDOM", "US": "USA", "CA": "CANADA"}[a.country]])
        po_pid.append(p.pid)
    out["postal_mailing_list"] = (["URN", "TITLE", "FORENAME", "SURNAME", "ADDR1", "ADDR2", "TOWN", "STATE",
                                   "POSTCODE", "COUNTRY"], po_rows, po_pid)

    # SMS / POS ------------------------------------------------------------------
    sm_rows, sm_pid = [], []
    for p in order:
        if "sms_subscribers" not in p.systems or not p.mobile:
            continue
        nm = record_name(r, p, NOISE["sms_subscribers"])
        msisdn = fmt_phone(r, p.mobile, p.address.country, "US", "e164")
        sm_rows.append([f"S{len(sm_rows) + 70001}", msisdn, nm.first if r.random() > 0.1 else "",
                        f"store-{r.randint(1, 60):03d}", _ts(r, 2022).strftime("%Y-%m-%d %H:%M")])
        sm_pid.append(p.pid)
    out["sms_subscribers"] = (["sub_id", "msisdn", "first_name", "store", "joined"], sm_rows, sm_pid)
    return out


SOURCES_YAML = """\
# retail_estate (bench/families/retail_estate.py): eight systems of one retail brand.
base_dir: .
defaults:
  conventions: {phone_region: GB, timezone: Europe/London, country: GB}
  max_reject_rate: 0.05
sources:
  - name: crm_contacts
    description: CRM contacts, semicolon CSV, "Last, First" names, dd/mm/yyyy birth dates
    system: crm
    format: csv
    location: crm/contacts.csv
    options: {delimiter: ";", encoding: cp1252}
    record_key: contact_id
    trust_rank: 1
    conventions: {phone_region: GB}
    fields:
      crm_id: contact_id
      full_name: full_name
      email: email
      phone: phone
      date_of_birth: {column: dob, format: "%d/%m/%Y"}
      address_line1: address_1
      address_line2: address_2
      city: town
      region: county_state
      postcode: postcode
      country: country
      consent_email: {column: email_opt_in, granted: [Y], denied: [N]}
      created_at: {column: created, format: "%Y-%m-%d %H:%M:%S"}
    identifiers: [crm_id, email, phone]
    required: [crm_id]
  - name: webshop_orders
    description: web shop orders, one JSON line per order
    system: webshop
    format: jsonl
    location: webshop/orders.jsonl
    record_key: order_id
    trust_rank: 2
    conventions: {phone_region: US}
    fields:
      order_id: order_id
      email: customer.email
      first_name: customer.first
      last_name: customer.last
      phone: shipping.phone
      address_line1: shipping.line1
      address_line2: shipping.line2
      city: shipping.city
      region: shipping.region
      postcode: shipping.postcode
      country: shipping.country
      created_at: {column: placed_at, format: iso}
    attributes: {account_id: account_id, ship_to_name: shipping.name}
    identifiers: [email]
  - name: esp_subscribers
    description: email service provider list
    system: esp
    format: csv
    location: esp/subscribers.csv
    record_key: subscriber_id
    trust_rank: 4
    fields:
      email: email_address
      first_name: first_name
      created_at: {column: optin_time, format: "%Y-%m-%d %H:%M:%S"}
    attributes: {status: status}
    identifiers: [email]
  - name: loyalty_cards
    description: loyalty card holders (spreadsheet export)
    system: loyalty
    format: xlsx
    location: loyalty/cards.xlsx
    record_key: Card No
    trust_rank: 3
    conventions: {two_digit_year_pivot: 10}
    fields:
      loyalty_card: Card No
      full_name: {column: Name, last_first: false}
      phone: Phone
      postcode: Postcode
      date_of_birth: {column: DOB, format: "%m/%d/%y"}
      country: Programme
    attributes: {tier: Tier}
    identifiers: [loyalty_card, phone]
  - name: call_centre_tickets
    description: call-centre tickets, caller details as typed by the agent
    system: service
    format: csv
    location: service/tickets.csv
    record_key: ticket_id
    trust_rank: 6
    fields:
      full_name: caller
      phone: phone
      postcode: postcode
      country: line
      created_at: {column: opened, format: "%d/%m/%Y %H:%M"}
    attributes: {reason: reason}
    identifiers: [phone]
  - name: social_followers
    description: social media followers
    system: social
    format: csv
    location: social/followers.csv
    record_key: follower_id
    trust_rank: 7
    fields:
      social_handle: handle
      full_name: {column: display_name, last_first: false}
      created_at: {column: followed_at, format: iso}
    attributes: {platform: platform}
    identifiers: [social_handle]
  - name: postal_mailing_list
    description: postal mailing list (bureau file, upper case)
    system: mail
    format: csv
    location: mail/mailing_list.csv
    record_key: URN
    trust_rank: 5
    fields:
      title: TITLE
      first_name: FORENAME
      last_name: SURNAME
      address_line1: ADDR2
      address_line2: ADDR1
      city: TOWN
      region: STATE
      postcode: POSTCODE
      country: COUNTRY
    identifiers: [last_name]
  - name: sms_subscribers
    description: SMS club sign-ups at the tills
    system: pos
    format: csv
    location: pos/sms_subscribers.csv
    record_key: sub_id
    trust_rank: 6
    conventions: {phone_region: US}
    fields:
      phone: msisdn
      first_name: first_name
      created_at: {column: joined, format: "%Y-%m-%d %H:%M"}
    attributes: {store: store}
    identifiers: [phone]
"""

FILES = {"crm_contacts": "crm/contacts.csv", "webshop_orders": "webshop/orders.jsonl",
         "esp_subscribers": "esp/subscribers.csv", "loyalty_cards": "loyalty/cards.xlsx",
         "call_centre_tickets": "service/tickets.csv", "social_followers": "social/followers.csv",
         "postal_mailing_list": "mail/mailing_list.csv", "sms_subscribers": "pos/sms_subscribers.csv"}
KEY_COLUMN = {"crm_contacts": 0, "esp_subscribers": 0, "loyalty_cards": 0, "call_centre_tickets": 0,
              "social_followers": 0, "postal_mailing_list": 0, "sms_subscribers": 0}


def generate(out_dir, people: int = 4000, seed: int = 11) -> dict:
    """Write the estate into `out_dir`; returns stats (records per source, people, households)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    estate = Estate(people, seed)
    records = build_records(estate, seed)
    truth = []
    for source, (header, rows, pids) in records.items():
        path = out / FILES[source]
        path.parent.mkdir(parents=True, exist_ok=True)
        if source == "webshop_orders":
            with open(path, "w", encoding="utf-8") as f:
                for rec in rows:
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            keys = [rec["order_id"] for rec in rows]
        elif source == "loyalty_cards":
            _write_xlsx(path, header, rows)
            keys = [row[0] for row in rows]
        else:
            _write_csv(path, header, rows, delimiter=";" if source == "crm_contacts" else ",",
                       encoding="cp1252" if source == "crm_contacts" else "utf-8")
            keys = [row[KEY_COLUMN[source]] for row in rows]
        truth += [(source, str(k), pid) for k, pid in zip(keys, pids)]
    (out / "sources.yaml").write_text(SOURCES_YAML)
    (out / "_truth").mkdir(exist_ok=True)
    frame = pd.DataFrame(truth, columns=["source", "source_record_id", "person_id"])
    frame.to_parquet(out / "_truth/record_person.parquet", index=False)
    sizes = Counter(len(p.household) + 1 for p in estate.people)
    return {"people": len(estate.people), "records": len(frame),
            "per_source": {s: len(v[1]) for s, v in records.items()},
            "people_per_system_count": dict(sorted(Counter(len(p.systems) for p in estate.people).items())),
            "people_by_household_size": dict(sorted(sizes.items())),
            "movers": sum(p.old_address is not None for p in estate.people),
            "twins": sum(1 for p in estate.people for q in p.household if q.dob == p.dob) // 2}


def _write_xlsx(path: Path, header: list[str], rows: list[list]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Cardholders"
    ws.append(header)
    for row in rows:
        ws.append([str(v) for v in row])  # all text: card numbers and dates as typed
    wb.save(path)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Generate the retail_estate benchmark family.")
    parser.add_argument("--out", required=True)
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--stats", action="store_true", help="print records per source and people stats")
    args = parser.parse_args(argv)
    stats = generate(args.out, args.people, args.seed)
    if args.stats:
        json.dump(stats, sys.stdout, indent=2)
        print()
    else:
        print(f"{stats['records']} records of {stats['people']} people written to {args.out}")


if __name__ == "__main__":
    main()
