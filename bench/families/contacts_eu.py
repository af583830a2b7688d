"""contacts_eu: a held-out identity-resolution family - marketing contacts of one European /
Australian brand (Ireland, Germany, Australia, some UK) merged from several lists, one table.

Written independently of the engine, the demo generator and the other generated families; its
noise model was fixed before any score on it was seen and is not to be tuned to one.

    .venv/bin/python bench/families/contacts_eu.py [--people 4000] [--seed 5] [--out contacts.csv] [--stats]

Columns: record_id, given_name, family_name, birth_date (ISO text `YYYY-MM-DD`, or only `YYYY`),
email, mobile, street, town, postcode, country, true_person. At people=4000 there are ~12k records.

Population (one true person = one `true_person`)
- countries: IE 35 %, DE 35 %, AU 20 %, UK 10 % (of households).
- households: single 40 %, couple 28 %, couple with 1-3 adult children 22 %, single parent with
  1-3 children 6 %, flat share of 2-3 unrelated adults 4 %. A partner shares the family name 75 %
  (in DE 8 % of partners carry a double name "Müller-Schmidt"); children carry the first adult's.
  Adults born 1942-2002; children 22-38 years after their parent, not after 2009.
- every household has one address (street, number, town, postcode; IE/UK/AU 8 % in an apartment
  "Apt 3, 45 Pearse Street" / AU "3/45 Smith Street"); 55 % a landline (DE 65 %, AU 40 %);
  households of >=2 people 20 % a family email ("the.obriens@eircom.net", "familie.mueller@gmx.de").
- hard negatives:
  - household members share family name (mostly), street, postcode, town, landline and family
    email, with different given names and birth dates;
  - twins: a household with >=2 children has twins 12 % of the time (same birth date, different
    given names, 35 % of twin pairs with the same initial);
  - parent/child with the same given name: a father's first son is named after him (given and family
    name) 18 % (DE 10 %), a mother's first daughter after her 5 %; same household, decades apart; "Jr."/"Sr." (DE
    "jun."/"sen.") appended to the family name on 10 % / 5 % of their records;
  - same-name strangers: 6 % of households (after the first 50) start with an adult who copies the
    given and family name (and sex) of an existing adult of the same country, in a different town,
    with an independent birth date; plus the natural collisions of small name lists.
- movers: 15 % of households moved together (one previous address for all), 5 % of the other
  people moved alone; previous addresses are in the same country (90 %), the same town 40 %.
- emails: 90 % of people have a personal address derived from their name (first.last, firstlast,
  f.last, first_last, last.first, first.last + 2-digit year, first + last initial + digits) at a
  country-typical domain, ASCII-folded (ä -> ae 80 % / a 20 %, fadas dropped, apostrophes dropped);
  15 % also an older personal address; adults 22-66 a work address 22 % of the time.
- mobiles: 88 % of people have one (IE 08x, DE 015x/016x/017x, AU 04xx, UK 07xxx).

Records per person: 1: 15 %, 2: 25 %, 3: 25 %, 4: 18 %, 5: 10 %, 6: 7 % (mean 3.04). Every record
is an independent corruption of the person's true attributes:
- given name: nickname / short form with the person's propensity (70 % of people 5 %, 30 % 60 %);
  transliteration (umlaut kept 55 %, ue/ae/oe 30 %, dots dropped 15 %; ß -> ss; a fada dropped
  40 %); double given names written hyphenated / spaced / joined / first part only; missing 1.5 %,
  initial only 3 %.
- family name: the same transliteration; O'Brien as O'Brien 70 % / OBrien 10 % / O Brien 10 % /
  O'brien 5 % / O’Brien 5 %; Mc names "Mc Carthy" 10 %; double names: either part 10 % each or
  spaced 10 %; missing 1 %.
- both names: typos 0 (85 %), 1 (12 %), 2 (3 %) (keyboard-neighbour substitution, deletion,
  doubling, transposition; the first letter is spared 90 % of the time); all capitals 6 %, all
  lower case 3 %; given and family swapped 2 %.
- birth_date: missing 30 %, only the year 8 %; of the full dates: day off by 1-3 4 %, month off
  by 1 3 %, year off by 1 (or 10) 3 %, day and month transposed 3 % (when the day is <= 12).
- email: missing 30 %; else the work address 12 % (if any), the family email 6 % (if any), else
  the personal one (the older one 10 % if there is one; a person without a personal address
  falls back to work / family or none); a typo 4 % (one local-part edit or a misspelt domain
  "gmial.com"); capitalised "Sean.Murphy@..." 5 %. (~35 % of records end up without an email.)
- phone (`mobile` column): missing 35 %; the household landline instead 12 % when the address
  has one (a person without a mobile: the landline 50 %, else none); formats uniformly among the
  country's national spaced / compact / international "+353 87 ..." / "+49 (0)176 ..." /
  "0049 176 ..." / "(04) ..." forms; a digit typo 2 %. (~40 % of records end up without one.)
- address: the previous address 35 % of a mover's records; street missing 20 %, town 12 %,
  postcode 22 %, country 10 %. Streets abbreviated 35 % (Hauptstraße -> Hauptstr. / Hauptstrasse
  / Hauptstr; Street -> St, Road -> Rd, Avenue -> Ave ...); a street typo 5 %; the house number missing 5 %; town variants
  (München / Muenchen / Munchen / Munich, Dublin 4 / Dublin / D4, St Kilda / Saint Kilda) 25 %;
  postcode format variants 25 % (Eircode "D02X285" / "d02 x285", PLZ "D-80331" or the leading zero
  lost "1067", AU "NSW 2000", UK "SW111AB"), a postcode typo 2 %; country as code or name in the
  list's language (IE / Ireland / Irland / Éire ...).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# ---------------------------------------------------------------- rates (fixed; see the docstring)
COUNTRY_WEIGHTS = {"IE": 0.35, "DE": 0.35, "AU": 0.20, "UK": 0.10}
HOUSEHOLD_KINDS = {"single": 0.40, "couple": 0.28, "family": 0.22, "single_parent": 0.06, "flatshare": 0.04}
PARTNER_SAME_FAMILY = 0.75
DE_DOUBLE_NAME = 0.08
APARTMENT = 0.08
LANDLINE = {"IE": 0.55, "DE": 0.65, "AU": 0.40, "UK": 0.55}
FAMILY_EMAIL = 0.20
TWINS = 0.12
TWIN_SAME_INITIAL = 0.35
JR_FATHER = {"IE": 0.18, "DE": 0.10, "AU": 0.18, "UK": 0.18}
JR_MOTHER = 0.05
JR_SUFFIX, SR_SUFFIX = 0.10, 0.05
NAMESAKE_HOUSEHOLD = 0.06
MOVED_HOUSEHOLD, MOVED_ALONE = 0.15, 0.05
MOVE_SAME_COUNTRY, MOVE_SAME_TOWN = 0.90, 0.40
PERSONAL_EMAIL, OLD_EMAIL, WORK_EMAIL = 0.90, 0.15, 0.22
MOBILE = 0.88
RECORDS_PER_PERSON = {1: 0.15, 2: 0.25, 3: 0.25, 4: 0.18, 5: 0.10, 6: 0.07}
NICK_PROPENSITY = ((0.70, 0.05), (0.30, 0.60))
UMLAUT_FORMS = {"keep": 0.55, "e": 0.30, "drop": 0.15}
FADA_DROP = 0.40
GIVEN_MISSING, GIVEN_INITIAL = 0.015, 0.03
FAMILY_MISSING = 0.01
TYPOS = {0: 0.85, 1: 0.12, 2: 0.03}
TYPO_SPARE_FIRST = 0.90
UPPER, LOWER, SWAP_NAMES = 0.06, 0.03, 0.02
DOB_MISSING, DOB_YEAR_ONLY = 0.30, 0.08
DOB_DAY_OFF, DOB_MONTH_OFF, DOB_YEAR_OFF, DOB_TRANSPOSED = 0.04, 0.03, 0.03, 0.03
EMAIL_MISSING, EMAIL_WORK, EMAIL_FAMILY, EMAIL_OLD = 0.30, 0.12, 0.06, 0.10
EMAIL_TYPO, EMAIL_CAPITALISED = 0.04, 0.05
MOBILE_MISSING, MOBILE_LANDLINE, PHONE_TYPO = 0.35, 0.12, 0.02
OLD_ADDRESS = 0.35
STREET_MISSING, TOWN_MISSING, POSTCODE_MISSING, COUNTRY_MISSING = 0.20, 0.12, 0.22, 0.10
STREET_ABBREV, STREET_TYPO, TOWN_VARIANT, POSTCODE_VARIANT, POSTCODE_TYPO = 0.35, 0.05, 0.25, 0.25, 0.02
REFERENCE_YEAR = 2026

# ---------------------------------------------------------------- hand-written lists
IE_MALE = ["Seán", "Ciarán", "Pádraig", "Eoin", "Cian", "Oisín", "Darragh", "Colm", "Declan", "Fionn",
           "Conor", "Liam", "Patrick", "Michael", "John", "James", "Brendan", "Kevin", "Niall", "Dónal",
           "Cathal", "Ronan", "Aidan", "Thomas", "Daniel", "William", "Joseph", "Rory", "Shane", "Diarmuid"]
IE_FEMALE = ["Siobhán", "Aoife", "Niamh", "Máire", "Caoimhe", "Róisín", "Sinéad", "Clodagh", "Gráinne",
             "Orla", "Saoirse", "Mary", "Catherine", "Margaret", "Bridget", "Eileen", "Emma", "Sarah",
             "Ciara", "Aisling", "Deirdre", "Áine", "Elizabeth", "Nuala", "Fiona", "Sorcha", "Eimear"]
IE_FAMILY = ["Murphy", "Kelly", "O'Sullivan", "Walsh", "Smith", "O'Brien", "Byrne", "Ryan", "O'Connor",
             "O'Neill", "O'Reilly", "Doyle", "McCarthy", "Gallagher", "O'Doherty", "Kennedy", "Lynch",
             "Murray", "Quinn", "Moore", "McLoughlin", "O'Carroll", "Connolly", "Daly", "O'Connell",
             "Dunne", "Brennan", "Burke", "Collins", "Fitzgerald", "Maguire", "Nolan", "Flynn",
             "O'Callaghan", "O'Donnell", "Duffy", "O'Mahony", "Boyle", "Healy", "O'Shea", "Sweeney",
             "Kavanagh", "Power", "McGrath", "Moran", "Brady", "Foley", "Fitzpatrick", "O'Leary",
             "McNamara", "Donnelly", "Whelan", "Keane", "Maher", "McKenna", "Hogan", "O'Keeffe",
             "O'Rourke", "Buckley", "O'Dwyer", "Cullen", "Sheehan", "Geraghty", "Ó Súilleabháin"]
DE_MALE = ["Jürgen", "Jörg", "Günter", "Björn", "Sören", "Johannes", "Maximilian", "Alexander", "Wolfgang",
           "Friedrich", "Christian", "Andreas", "Thomas", "Matthias", "Stefan", "Michael", "Lukas", "Felix",
           "Jonas", "Tobias", "Klaus", "Hans-Peter", "Karl-Heinz", "Dieter", "Uwe", "Frank", "Sebastian",
           "Mehmet", "Florian", "Moritz", "Niklas"]
DE_FEMALE = ["Katharina", "Elisabeth", "Margarete", "Christina", "Stefanie", "Susanne", "Franziska",
             "Dorothea", "Bärbel", "Käthe", "Jana", "Anna-Lena", "Sabine", "Petra", "Claudia", "Julia",
             "Lena", "Sophie", "Hannah", "Leonie", "Ursula", "Renate", "Monika", "Özlem", "Anja",
             "Birgit", "Jutta", "Heike", "Marie", "Lea"]
DE_FAMILY = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
             "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
             "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner",
             "Schmitz", "Krause", "Meier", "Lehmann", "Köhler", "Herrmann", "König", "Walter", "Huber",
             "Kaiser", "Fuchs", "Peters", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Keller",
             "Günther", "Berger", "Roth", "Beck", "Lorenz", "Baumann", "Böhm", "Krämer", "Jäger", "Groß",
             "Seidel", "Brandt", "Kühn", "Pohl", "Engel", "Busch", "Voigt", "Pfeiffer", "Yılmaz", "Öztürk"]
EN_MALE = ["Jack", "Oliver", "William", "Noah", "Thomas", "James", "Lachlan", "Cooper", "Liam", "Ethan",
           "Joshua", "Samuel", "Riley", "Mitchell", "Bradley", "Darren", "Craig", "Shane", "Wayne", "Glenn",
           "Bruce", "Harry", "George", "Alfie", "Archie", "Gareth", "Rhys", "Callum", "Nigel", "Graham",
           "Matthew", "Nicholas", "Benjamin", "Christopher", "Anthony", "Robert", "Edward", "Stephen"]
EN_FEMALE = ["Kylie", "Chloe", "Charlotte", "Olivia", "Emily", "Ruby", "Sophie", "Isabella", "Mia", "Grace",
             "Jessica", "Sarah", "Rebecca", "Amy", "Tahlia", "Sharon", "Michelle", "Karen", "Nicole",
             "Elizabeth", "Matilda", "Zoe", "Hannah", "Megan", "Amelia", "Isla", "Poppy", "Florence",
             "Fiona", "Claire", "Helen", "Tracey", "Victoria", "Jennifer", "Deborah", "Katherine"]
EN_FAMILY = ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin",
             "Anderson", "Thompson", "Nguyen", "Thomas", "Walker", "Harris", "Lee", "Ryan", "Robinson",
             "Kelly", "King", "Davis", "Wright", "Evans", "Roberts", "Green", "Hall", "Wood", "Jackson",
             "Clarke", "Patel", "Khan", "Lewis", "Mitchell", "Davies", "Morgan", "Campbell", "Chen", "Tran",
             "Singh", "Papadopoulos", "Russo", "McDonald", "MacKenzie", "O'Neill", "Hughes", "Edwards"]
NAMES = {"IE": (IE_MALE, IE_FEMALE, IE_FAMILY), "DE": (DE_MALE, DE_FEMALE, DE_FAMILY),
         "AU": (EN_MALE, EN_FEMALE, EN_FAMILY), "UK": (EN_MALE, EN_FEMALE, EN_FAMILY)}

NICKNAMES = {
    "Patrick": ["Pat", "Paddy"], "Pádraig": ["Pádraic", "Paudie"], "Michael": ["Mick", "Mike", "Micheál"],
    "Margaret": ["Maggie", "Peggy", "Mags"], "Catherine": ["Kate", "Cathy", "Katie"],
    "Elizabeth": ["Liz", "Lizzie", "Beth"], "William": ["Bill", "Will", "Liam"], "James": ["Jim", "Jimmy"],
    "John": ["Johnny", "Jack", "Seán"], "Bridget": ["Bridie", "Biddy"], "Daniel": ["Dan", "Danny"],
    "Thomas": ["Tom", "Tommy"], "Joseph": ["Joe", "Joey"], "Robert": ["Rob", "Bob", "Bobby"],
    "Christopher": ["Chris"], "Jennifer": ["Jenny", "Jen"], "Rebecca": ["Becky", "Bec"],
    "Matthew": ["Matt"], "Nicholas": ["Nick"], "Alexander": ["Alex"], "Benjamin": ["Ben"],
    "Samuel": ["Sam"], "Jessica": ["Jess"], "Charlotte": ["Charlie", "Lottie"], "Victoria": ["Vicky"],
    "Anthony": ["Tony"], "Edward": ["Ed", "Ted", "Eddie"], "Stephen": ["Steve"], "Deborah": ["Debbie"],
    "Katherine": ["Kate", "Kathy"], "Mary": ["Molly", "Mamie"], "Diarmuid": ["Dermot"],
    "Dónal": ["Donal", "Don"], "Aidan": ["Aodhán"], "Eileen": ["Eily"], "Deirdre": ["Dee"],
    "Lachlan": ["Lachie"], "Mitchell": ["Mitch"], "Bradley": ["Brad"], "Oliver": ["Ollie"],
    "Harry": ["Harold"], "Archie": ["Archibald"], "Isabella": ["Bella", "Izzy"], "Amelia": ["Millie"],
    "Matilda": ["Tilly"], "Florence": ["Flo"], "Olivia": ["Liv"],
    "Katharina": ["Kathi", "Katja", "Käthe"], "Johannes": ["Hannes", "Jo"], "Maximilian": ["Max"],
    "Wolfgang": ["Wolf"], "Friedrich": ["Fritz"], "Elisabeth": ["Lisa", "Elli", "Sissi"],
    "Margarete": ["Grete", "Margit"], "Christian": ["Chris"], "Christina": ["Tina"],
    "Stefanie": ["Steffi"], "Susanne": ["Susi"], "Andreas": ["Andi"], "Franziska": ["Franzi"],
    "Dorothea": ["Doro", "Thea"], "Matthias": ["Matze"], "Sebastian": ["Basti"], "Tobias": ["Tobi"],
    "Florian": ["Flo"], "Niklas": ["Nick"], "Hans-Peter": ["Hans", "HP"], "Karl-Heinz": ["Kalle"],
    "Jürgen": ["Jogi"], "Stefan": ["Steffen"],
}

# (town, postcode routing keys / codes, landline area code, written variants)
IE_TOWNS = [("Dublin 2", ["D02"], "01", ["Dublin", "Dublin 02", "D2"]),
            ("Dublin 4", ["D04"], "01", ["Dublin", "Dublin 04", "D4", "Ballsbridge"]),
            ("Dublin 6", ["D06"], "01", ["Dublin", "Rathmines", "D6"]),
            ("Dublin 8", ["D08"], "01", ["Dublin", "D8"]),
            ("Dublin 15", ["D15"], "01", ["Dublin", "Blanchardstown", "D15"]),
            ("Cork", ["T12", "T23"], "021", ["Cork City", "Co. Cork", "Corcaigh"]),
            ("Galway", ["H91"], "091", ["Galway City", "Co. Galway", "Gaillimh"]),
            ("Limerick", ["V94"], "061", ["Limerick City", "Co. Limerick"]),
            ("Waterford", ["X91"], "051", ["Waterford City", "Co. Waterford"]),
            ("Kilkenny", ["R95"], "056", ["Co. Kilkenny", "Kilkenny City"]),
            ("Sligo", ["F91"], "071", ["Co. Sligo"]), ("Athlone", ["N37"], "090", ["Co. Westmeath"]),
            ("Drogheda", ["A92"], "041", ["Co. Louth"]), ("Dundalk", ["A91"], "042", ["Co. Louth"]),
            ("Ennis", ["V95"], "065", ["Co. Clare"]), ("Tralee", ["V92"], "066", ["Co. Kerry"])]
DE_TOWNS = [("Berlin", ["10115", "10243", "10437", "10999", "12043", "13353"], "030", ["BERLIN", "Berlin-Mitte"]),
            ("Hamburg", ["20095", "20357", "22085", "22767"], "040", ["HAMBURG"]),
            ("München", ["80331", "80469", "80797", "81541", "81667"], "089", ["Muenchen", "Munchen", "Munich"]),
            ("Köln", ["50667", "50823", "50933", "51063"], "0221", ["Koeln", "Koln", "Cologne"]),
            ("Frankfurt am Main", ["60311", "60316", "60487", "60594"], "069",
             ["Frankfurt", "Frankfurt a.M.", "Frankfurt/Main"]),
            ("Stuttgart", ["70173", "70176", "70372"], "0711", ["STUTTGART"]),
            ("Düsseldorf", ["40210", "40219", "40477"], "0211", ["Duesseldorf", "Dusseldorf"]),
            ("Leipzig", ["04103", "04109", "04275"], "0341", ["LEIPZIG"]),
            ("Dresden", ["01067", "01099", "01307"], "0351", ["DRESDEN"]),
            ("Nürnberg", ["90402", "90429", "90459"], "0911", ["Nuernberg", "Nurnberg", "Nuremberg"]),
            ("Freiburg im Breisgau", ["79098", "79102", "79110"], "0761", ["Freiburg", "Freiburg i. Br."]),
            ("Münster", ["48143", "48147", "48155"], "0251", ["Muenster", "Munster"]),
            ("Bremen", ["28195", "28203", "28209"], "0421", ["BREMEN"]),
            ("Hannover", ["30159", "30161", "30173"], "0511", ["Hanover"])]
AU_TOWNS = [("Sydney", ["2000"], "02", ["Sydney NSW", "Sydney CBD"]), ("Surry Hills", ["2010"], "02", ["Surry Hills NSW"]),
            ("Bondi", ["2026"], "02", ["Bondi Beach"]), ("Parramatta", ["2150"], "02", ["Parramatta NSW"]),
            ("Manly", ["2095"], "02", ["Manly NSW"]), ("Newcastle", ["2300"], "02", ["Newcastle NSW"]),
            ("Melbourne", ["3000"], "03", ["Melbourne VIC", "Melb"]), ("St Kilda", ["3182"], "03", ["Saint Kilda", "St. Kilda"]),
            ("Fitzroy", ["3065"], "03", ["Fitzroy VIC"]), ("Geelong", ["3220"], "03", ["Geelong VIC"]),
            ("Brisbane", ["4000"], "07", ["Brisbane City", "Brisbane QLD"]),
            ("Fortitude Valley", ["4006"], "07", ["Fortitude Vly", "The Valley"]),
            ("Surfers Paradise", ["4217"], "07", ["Gold Coast"]), ("Perth", ["6000"], "08", ["Perth WA"]),
            ("Fremantle", ["6160"], "08", ["Freo"]), ("Adelaide", ["5000"], "08", ["Adelaide SA"]),
            ("Hobart", ["7000"], "03", ["Hobart TAS"]), ("Canberra", ["2601"], "02", ["Canberra ACT"])]
AU_STATES = {"2": "NSW", "3": "VIC", "4": "QLD", "5": "SA", "6": "WA", "7": "TAS"}
UK_TOWNS = [("London", ["SW11", "N1", "E8", "SE15", "NW3", "W4"], "020", ["LONDON", "Greater London"]),
            ("Manchester", ["M1", "M14", "M20"], "0161", ["Greater Manchester"]),
            ("Birmingham", ["B1", "B13", "B29"], "0121", ["B'ham"]), ("Leeds", ["LS1", "LS6"], "0113", ["LEEDS"]),
            ("Bristol", ["BS1", "BS6"], "0117", ["BRISTOL"]), ("Belfast", ["BT1", "BT7", "BT9"], "028", ["Co. Antrim"]),
            ("Glasgow", ["G1", "G12"], "0141", ["GLASGOW"]), ("Liverpool", ["L1", "L17"], "0151", ["L'pool"]),
            ("Edinburgh", ["EH1", "EH10"], "0131", ["Edinburgh City"])]
TOWNS = {"IE": IE_TOWNS, "DE": DE_TOWNS, "AU": AU_TOWNS, "UK": UK_TOWNS}

DE_STREETS = ["Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße", "Dorfstraße", "Bergstraße",
              "Lindenstraße", "Kirchstraße", "Goethestraße", "Schillerstraße", "Friedrichstraße", "Am Markt",
              "Mühlenweg", "Ringstraße", "Rosenweg", "Birkenweg", "Waldstraße", "Mozartstraße", "Poststraße",
              "Karl-Marx-Straße", "Königsallee", "Lessingstraße", "Kastanienallee", "Blumenstraße",
              "Feldstraße", "Brückenstraße", "Münchner Straße", "Schloßstraße", "Jahnstraße", "Talstraße"]
IE_STREETS = ["Main Street", "Church Road", "Station Road", "Pearse Street", "O'Connell Street",
              "Griffith Avenue", "Ranelagh Road", "Grove Park", "Castle View", "Oak Lawn", "Seaview Terrace",
              "Mill Lane", "Patrick Street", "Shop Street", "College Road", "Ashfield Drive", "Woodbrook Close",
              "Beech Grove", "Willow Park", "Fitzwilliam Place", "Strand Road", "Clontarf Road", "Bóthar na Trá"]
AU_STREETS = ["George Street", "Pitt Street", "Smith Street", "Bridge Road", "Victoria Parade", "High Street",
              "Beach Road", "Ocean Street", "Wattle Avenue", "Banksia Crescent", "Jacaranda Drive",
              "Kookaburra Close", "Queen Street", "King Street", "Military Road", "Railway Parade",
              "Anzac Parade", "Elizabeth Street", "Collins Street", "Flinders Lane", "Brunswick Street"]
UK_STREETS = ["High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane", "Manor Road",
              "Park Avenue", "Queens Road", "Kings Road", "New Road", "Mill Lane", "The Crescent",
              "Albert Road", "London Road", "Castle Street", "Springfield Drive"]
STREETS = {"IE": IE_STREETS, "DE": DE_STREETS, "AU": AU_STREETS, "UK": UK_STREETS}
EN_ABBREV = {"Street": ["St", "St.", "Str"], "Road": ["Rd", "Rd."], "Avenue": ["Ave", "Av."], "Terrace": ["Tce", "Terr."],
             "Drive": ["Dr", "Dve"], "Place": ["Pl", "Pl."], "Lane": ["Ln", "La."], "Close": ["Cl", "Cl."],
             "Crescent": ["Cres", "Cr."], "Parade": ["Pde", "Pde."], "Grove": ["Gr", "Gro."], "Park": ["Pk"]}

EMAIL_DOMAINS = {"IE": ["gmail.com", "eircom.net", "hotmail.com", "yahoo.ie", "outlook.ie", "icloud.com"],
                 "DE": ["gmx.de", "web.de", "t-online.de", "gmail.com", "posteo.de", "freenet.de", "gmx.net"],
                 "AU": ["gmail.com", "bigpond.com", "optusnet.com.au", "hotmail.com", "outlook.com.au"],
                 "UK": ["gmail.com", "btinternet.com", "hotmail.co.uk", "yahoo.co.uk", "sky.com"]}
WORK_DOMAINS = {"IE": ["brennanfoods.ie", "liffeysoft.ie", "corribhealth.ie", "shannonair-services.ie"],
                "DE": ["rheinwerk-logistik.de", "alpen-versicherung.de", "nordlicht-energie.de", "bayernbau.de"],
                "AU": ["harbourbridge.com.au", "southerncross-health.com.au", "wattle-mining.com.au"],
                "UK": ["thamesgate.co.uk", "pennine-engineering.co.uk", "clydeside.co.uk"]}
DOMAIN_TYPOS = {"gmail.com": ["gmial.com", "gmail.co", "gmai.com"], "hotmail.com": ["hotmial.com", "hotmail.cm"],
                "gmx.de": ["gmx.dee", "gmx.d"], "web.de": ["wep.de", "web.d"], "eircom.net": ["eircom.ie", "eircon.net"],
                "bigpond.com": ["bigpond.com.au", "bigpon.com"], "t-online.de": ["tonline.de", "t-onlin.de"]}
COUNTRY_FORMS = {"IE": ["IE", "Ireland", "IRL", "Irland", "Éire", "Republic of Ireland"],
                 "DE": ["DE", "Germany", "Deutschland", "GER", "D"],
                 "AU": ["AU", "Australia", "AUS", "Australien"],
                 "UK": ["GB", "UK", "United Kingdom", "England", "Großbritannien"]}
MOBILE_PREFIX = {"IE": ["83", "85", "86", "87", "89"],
                 "DE": ["151", "152", "157", "160", "162", "170", "171", "172", "176", "177", "178", "179"],
                 "AU": ["4"], "UK": ["7"]}
DIAL = {"IE": "353", "DE": "49", "AU": "61", "UK": "44"}
QWERTY = "qwertyuiop asdfghjkl zxcvbnm"
EIRCODE_CHARS = "ACDEFHKNPRTVWXY0123456789"
UK_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
FOLD = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}


# ---------------------------------------------------------------- the population
@dataclass
class Address:
    country: str
    town_index: int
    street: str
    number: str
    unit: str  # apartment, "" if none
    postcode: str
    landline: str  # national digits, "" if none

    @property
    def town(self) -> str:
        return TOWNS[self.country][self.town_index][0]


@dataclass
class Person:
    pid: str
    household: int
    country: str
    sex: str
    given: str
    family: str
    dob: dt.date
    address: Address
    old_address: Address | None = None
    mobile: str = ""  # national digits
    emails: list = field(default_factory=list)  # personal, newest first
    work_email: str = ""
    family_email: str = ""
    nick_rate: float = 0.05
    suffix: str = ""  # "jr" / "sr" for a parent and child of the same given name
    twin: bool = False
    namesake_of: str = ""


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def ascii_fold(text: str, umlaut_e: bool = True) -> str:
    out = "".join(FOLD.get(c, c) for c in text) if umlaut_e else text.replace("ß", "ss")
    out = unicodedata.normalize("NFKD", out.replace("ı", "i"))
    return "".join(c for c in out if not unicodedata.combining(c))


def new_address(rng: random.Random, country: str, town_index: int | None = None) -> Address:
    towns = TOWNS[country]
    ti = rng.randrange(len(towns)) if town_index is None else town_index
    town, codes, area, _ = towns[ti]
    code = rng.choice(codes)
    if country == "IE":
        postcode = code + " " + "".join(rng.choice(EIRCODE_CHARS) for _ in range(4))
    elif country == "UK":
        postcode = f"{code} {rng.randrange(1, 10)}{rng.choice(UK_INWARD)}{rng.choice(UK_INWARD)}"
    else:
        postcode = code
    number = str(rng.randrange(1, 140 if country != "DE" else 90))
    if country == "DE" and rng.random() < 0.08:
        number += rng.choice("abc")
    unit = str(rng.randrange(1, 30)) if country != "DE" and rng.random() < APARTMENT else ""
    landline = ""
    if rng.random() < LANDLINE[country]:
        length = {"IE": 7, "DE": 10 - len(area) + 1, "AU": 8, "UK": 11 - len(area)}[country]
        landline = area + str(rng.randrange(2, 10)) + "".join(str(rng.randrange(10)) for _ in range(length - 1))
    return Address(country, ti, rng.choice(STREETS[country]), number, unit, postcode, landline)


def new_mobile(rng: random.Random, country: str) -> str:
    prefix = rng.choice(MOBILE_PREFIX[country])
    rest = {"IE": 7, "DE": 7 if prefix.startswith("16") else 8, "AU": 8, "UK": 9}[country]
    return "0" + prefix + "".join(str(rng.randrange(10)) for _ in range(rest))


def random_dob(rng: random.Random, first: int, last: int) -> dt.date:
    start, end = dt.date(first, 1, 1).toordinal(), dt.date(last, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def email_local(rng: random.Random, given: str, family: str, dob: dt.date) -> str:
    umlaut_e = rng.random() < 0.8
    g = ascii_fold(given, umlaut_e).lower().replace("'", "").replace("’", "").replace(" ", "")
    f = ascii_fold(family, umlaut_e).lower().replace("'", "").replace("’", "").replace(" ", "")
    pattern = rng.randrange(7)
    return [f"{g}.{f}", f"{g}{f}", f"{g[0]}.{f}", f"{g}_{f}", f"{f}.{g}", f"{g}.{f}{dob.year % 100:02d}",
            f"{g}{f[0]}{rng.randrange(1, 999)}"][pattern]


def population(people: int = 4000, seed: int = 5) -> list[Person]:
    """The true people, household by household (deterministic for a seed)."""
    rng = random.Random(seed)
    persons: list[Person] = []
    household = 0

    def add(country, sex, given, family, dob, address, **kw) -> Person:
        p = Person(f"P{len(persons) + 1:05d}", household, country, sex, given, family, dob, address, **kw)
        persons.append(p)
        return p

    def name(country, sex):
        male, female, _ = NAMES[country]
        return rng.choice(male if sex == "M" else female)

    while len(persons) < people:
        household += 1
        country = pick(rng, COUNTRY_WEIGHTS)
        kind = pick(rng, HOUSEHOLD_KINDS)
        families = NAMES[country][2]
        family = rng.choice(families)
        address = new_address(rng, country)
        members: list[Person] = []
        sex = rng.choice("MF")
        given = name(country, sex)
        namesake = ""
        if household > 50 and rng.random() < NAMESAKE_HOUSEHOLD:
            other = rng.choice([p for p in persons if p.country == country and p.suffix != "jr"])
            sex, given, family, namesake = other.sex, other.given, other.family, other.pid
            towns = [i for i in range(len(TOWNS[country])) if TOWNS[country][i][0] != other.address.town]
            address = new_address(rng, country, rng.choice(towns))
        has_kids = kind in ("family", "single_parent")
        first_dob = random_dob(rng, 1945, 1980) if has_kids else random_dob(rng, 1942, 2002)
        first = add(country, sex, given, family, first_dob, address, namesake_of=namesake)
        members.append(first)
        if kind in ("couple", "family"):
            psex = "F" if sex == "M" else "M"
            if rng.random() < 0.04:
                psex = sex
            pfamily = family if rng.random() < PARTNER_SAME_FAMILY else rng.choice(families)
            if country == "DE" and rng.random() < DE_DOUBLE_NAME:
                pfamily = f"{pfamily}-{rng.choice(families)}" if pfamily != family else f"{family}-{rng.choice(families)}"
            year = min(max(first_dob.year + rng.randint(-6, 6), 1940), 2003)
            members.append(add(country, psex, name(country, psex), pfamily, random_dob(rng, year, year), address))
        if kind == "flatshare":
            for _ in range(rng.randint(1, 2)):
                s = rng.choice("MF")
                year = min(max(first_dob.year + rng.randint(-4, 4), 1940), 2003)
                members.append(add(country, s, name(country, s), rng.choice(families),
                                   random_dob(rng, year, year), address))
        if has_kids:
            father = next((m for m in members if m.sex == "M"), None)
            mother = next((m for m in members if m.sex == "F"), None)
            n_kids = rng.randint(1, 3)
            twins = n_kids >= 2 and rng.random() < TWINS
            jr_done = False
            kid_dob = None
            for k in range(n_kids):
                ksex = rng.choice("MF")
                if not (twins and k == 1):
                    lo = first_dob.year + 22
                    kid_dob = random_dob(rng, min(lo, 2009), min(first_dob.year + 38, 2009))
                kgiven = name(country, ksex)
                kfamily = family
                suffix = ""
                if twins and k == 1:
                    prev = members[-1].given
                    if rng.random() < TWIN_SAME_INITIAL:
                        same = [n for n in (NAMES[country][0] if ksex == "M" else NAMES[country][1])
                                if ascii_fold(n)[0] == ascii_fold(prev)[0] and n != prev]
                        kgiven = rng.choice(same) if same else kgiven
                    while kgiven == prev:
                        kgiven = name(country, ksex)
                elif not jr_done and ksex == "M" and father and rng.random() < JR_FATHER[country]:
                    kgiven, suffix, jr_done = father.given, "jr", True
                    kfamily = father.family
                    father.suffix = "sr"
                elif not jr_done and ksex == "F" and mother and rng.random() < JR_MOTHER:
                    kgiven, suffix, jr_done = mother.given, "jr", True
                    kfamily = mother.family
                    mother.suffix = "sr"
                kid = add(country, ksex, kgiven, kfamily, kid_dob, address, suffix=suffix,
                          twin=twins and k in (0, 1))
                members.append(kid)
        if rng.random() < MOVED_HOUSEHOLD:
            old = moved_from(rng, address)
            for m in members:
                m.old_address = old
        if len(members) >= 2 and rng.random() < FAMILY_EMAIL:
            f = ascii_fold(family.split("-")[0]).lower().replace("'", "").replace(" ", "")
            local = rng.choice([f"the.{f}s", f"{f}family", f"{f}.family", f"{f}s"]) \
                if country != "DE" else rng.choice([f"familie.{f}", f"fam.{f}", f"{f}.familie", f"{f}-family"])
            fam_email = f"{local}@{rng.choice(EMAIL_DOMAINS[country])}"
            for m in members:
                m.family_email = fam_email
        for m in members:
            if m.old_address is None and rng.random() < MOVED_ALONE:
                m.old_address = moved_from(rng, address)
            m.mobile = new_mobile(rng, country) if rng.random() < MOBILE else ""
            if rng.random() < PERSONAL_EMAIL:
                m.emails.append(f"{email_local(rng, m.given, m.family, m.dob)}@{rng.choice(EMAIL_DOMAINS[country])}")
                if rng.random() < OLD_EMAIL:
                    m.emails.append(f"{email_local(rng, m.given, m.family, m.dob)}@"
                                    f"{rng.choice(EMAIL_DOMAINS[country])}")
            age = REFERENCE_YEAR - m.dob.year
            if 22 <= age <= 66 and rng.random() < WORK_EMAIL:
                g, f = (ascii_fold(x).lower().replace("'", "").replace(" ", "") for x in (m.given, m.family))
                m.work_email = f"{rng.choice([f'{g}.{f}', f'{g[0]}.{f}', f'{g[0]}{f}'])}@" \
                               f"{rng.choice(WORK_DOMAINS[country])}"
            m.nick_rate = rng.choices([r for _, r in NICK_PROPENSITY], weights=[w for w, _ in NICK_PROPENSITY])[0]
    return persons[:people]


def moved_from(rng: random.Random, address: Address) -> Address:
    country = address.country
    if rng.random() > MOVE_SAME_COUNTRY:
        country = rng.choice([c for c in COUNTRY_WEIGHTS if c != address.country])
        return new_address(rng, country)
    return new_address(rng, country, address.town_index if rng.random() < MOVE_SAME_TOWN else None)


# ---------------------------------------------------------------- corruption
def typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    lo = 1 if rng.random() < TYPO_SPARE_FIRST else 0
    i = rng.randrange(lo, len(text))
    op = rng.randrange(4)
    c = text[i]
    if op == 0 and c.lower() in QWERTY and c.isalpha():
        rows = QWERTY.split(" ")
        row = next(r for r in rows if c.lower() in r)
        j = row.index(c.lower())
        near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
        new = rng.choice(near)
        return text[:i] + (new.upper() if c.isupper() else new) + text[i + 1:]
    if op == 1:
        return text[:i] + text[i + 1:]
    if op == 2:
        return text[:i] + c + text[i:]
    if i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + text[i + 1:]


def transliterate(rng: random.Random, text: str) -> str:
    if any(c in FOLD for c in text):
        form = pick(rng, UMLAUT_FORMS)
        if form == "e":
            text = "".join(FOLD.get(c, c) for c in text)
        elif form == "drop":
            text = ascii_fold(text.replace("ß", "ss"), umlaut_e=False)
    if any(c in "áéíóúÁÉÍÓÚı" for c in text) and rng.random() < FADA_DROP:
        text = ascii_fold(text)
    return text


def write_name(rng: random.Random, text: str) -> str:
    for _ in range(pick(rng, TYPOS)):
        text = typo(rng, text)
    return text


def record_given(rng: random.Random, p: Person) -> str:
    g = p.given
    if g in NICKNAMES and rng.random() < p.nick_rate:
        g = rng.choice(NICKNAMES[g])
    if "-" in g:
        g = rng.choice([g, g, g.replace("-", " "), g.replace("-", "").capitalize(), g.split("-")[0]])
    g = write_name(rng, transliterate(rng, g))
    if rng.random() < GIVEN_INITIAL:
        g = g[0] + rng.choice(["", "."])
    return g


def record_family(rng: random.Random, p: Person) -> str:
    f = p.family
    if "-" in f:
        r = rng.random()
        f = f.split("-")[0] if r < 0.10 else f.split("-")[1] if r < 0.20 else f.replace("-", " ") if r < 0.30 else f
    if f.startswith("O'"):
        f = rng.choices([f, "O" + f[2:], "O " + f[2:], "O'" + f[2:].lower(), "O’" + f[2:]],
                        weights=[70, 10, 10, 5, 5])[0]
    elif f.startswith("Mc") and rng.random() < 0.10:
        f = "Mc " + f[2:]
    f = write_name(rng, transliterate(rng, f))
    if p.suffix == "jr" and rng.random() < JR_SUFFIX:
        f += " jun." if p.country == "DE" else " Jr."
    elif p.suffix == "sr" and rng.random() < SR_SUFFIX:
        f += " sen." if p.country == "DE" else " Sr."
    return f


def record_dob(rng: random.Random, d: dt.date) -> str | None:
    r = rng.random()
    if r < DOB_MISSING:
        return None
    if r < DOB_MISSING + DOB_YEAR_ONLY:
        return str(d.year)
    r = rng.random()
    if r < DOB_DAY_OFF:
        d = d + dt.timedelta(days=rng.choice([-3, -2, -1, 1, 2, 3]))
    elif r < DOB_DAY_OFF + DOB_MONTH_OFF:
        month = d.month + rng.choice([-1, 1])
        month = 2 if month < 1 or month > 12 else month
        d = d.replace(month=month, day=min(d.day, 28))
    elif r < DOB_DAY_OFF + DOB_MONTH_OFF + DOB_YEAR_OFF:
        d = d.replace(year=d.year + rng.choice([-1, 1, -10, 1, -1, 10]), day=min(d.day, 28))
    elif r < DOB_DAY_OFF + DOB_MONTH_OFF + DOB_YEAR_OFF + DOB_TRANSPOSED and d.day <= 12:
        d = d.replace(month=d.day, day=d.month)
    return d.isoformat()


def record_email(rng: random.Random, p: Person) -> str | None:
    if rng.random() < EMAIL_MISSING:
        return None
    r = rng.random()
    email = None
    if r < EMAIL_WORK and p.work_email:
        email = p.work_email
    elif r < EMAIL_WORK + EMAIL_FAMILY and p.family_email:
        email = p.family_email
    elif p.emails:
        email = p.emails[1] if len(p.emails) > 1 and rng.random() < EMAIL_OLD else p.emails[0]
    email = email or p.work_email or p.family_email
    if not email:
        return None
    if rng.random() < EMAIL_TYPO:
        local, domain = email.split("@")
        if domain in DOMAIN_TYPOS and rng.random() < 0.5:
            domain = rng.choice(DOMAIN_TYPOS[domain])
        else:
            local = typo(rng, local)
        email = f"{local}@{domain}"
    if rng.random() < EMAIL_CAPITALISED:
        local, domain = email.split("@")
        email = ".".join(part.capitalize() for part in local.split(".")) + "@" + domain
    return email


def format_phone(rng: random.Random, digits: str, country: str, landline: bool) -> str:
    area = next((t[2] for t in TOWNS[country] if digits.startswith(t[2])), digits[:3]) if landline else ""
    if rng.random() < PHONE_TYPO:
        i = rng.randrange(max(2, len(area)), len(digits))
        digits = digits[:i] + str(rng.randrange(10)) + digits[i + 1:]
    body = digits[1:]  # without the national 0
    if landline:
        rest = digits[len(area):]
        forms = [f"{area} {rest}", digits, f"+{DIAL[country]} {area[1:]} {rest}"]
        if country == "AU":
            forms += [f"({area}) {rest[:4]} {rest[4:]}"]
        if country == "DE":
            forms += [f"{area}/{rest}", f"{area}-{rest}"]
        return rng.choice(forms)
    if country == "IE":
        forms = [f"{digits[:3]} {digits[3:6]} {digits[6:]}", digits, f"+353 {body[:2]} {body[2:5]} {body[5:]}",
                 f"+353{body}", f"00353 {body[:2]} {body[2:]}", f"({digits[:3]}) {digits[3:]}"]
    elif country == "DE":
        p = 4
        forms = [f"{digits[:p]} {digits[p:]}", digits, f"{digits[:p]}/{digits[p:]}", f"{digits[:p]}-{digits[p:]}",
                 f"+49 {body[:3]} {body[3:]}", f"+49 (0){body[:3]} {body[3:]}", f"+49{body}", f"0049 {body[:3]} {body[3:]}"]
    elif country == "AU":
        forms = [f"{digits[:4]} {digits[4:7]} {digits[7:]}", digits, f"+61 {body[:3]} {body[3:6]} {body[6:]}",
                 f"+61{body}", f"(04) {digits[2:6]} {digits[6:]}"]
    else:
        forms = [f"{digits[:5]} {digits[5:]}", digits, f"+44 {body[:4]} {body[4:]}", f"+44{body}",
                 f"+44 (0){body[:4]} {body[4:]}"]
    return rng.choice(forms)


def record_phone(rng: random.Random, p: Person, address: Address) -> str | None:
    if rng.random() < MOBILE_MISSING:
        return None
    if address.landline and (rng.random() < MOBILE_LANDLINE or not p.mobile):
        if not p.mobile and rng.random() < 0.5:
            return None
        return format_phone(rng, address.landline, address.country, landline=True)
    if not p.mobile:
        return None
    return format_phone(rng, p.mobile, p.country, landline=False)


def abbreviate(rng: random.Random, street: str, country: str) -> str:
    if country == "DE":
        for full in ("straße", "Straße", "strasse"):
            if full in street:
                short = {"straße": ["str.", "strasse", "str", "strase"], "Straße": ["Str.", "Strasse", "Str"]}[full]
                return street.replace(full, rng.choice(short))
        if street.endswith("weg"):
            return street[:-3] + "-Weg" if rng.random() < 0.3 else street.replace("weg", "wg.")
        if street.endswith("allee"):
            return street.replace("allee", "al.")
        return street
    words = street.split(" ")
    for i, w in enumerate(words):
        if w in EN_ABBREV and i > 0:
            words[i] = rng.choice(EN_ABBREV[w])
            break
    return " ".join(words)


def record_street(rng: random.Random, a: Address) -> str:
    street = a.street
    if rng.random() < STREET_ABBREV:
        street = abbreviate(rng, street, a.country)
    if a.country == "DE":
        street = transliterate(rng, street) if rng.random() < 0.3 else street
    elif any(c in street for c in "áéíóú") and rng.random() < FADA_DROP:
        street = ascii_fold(street)
    if rng.random() < STREET_TYPO:
        street = typo(rng, street)
    number = a.number
    if a.country == "DE":
        if number[-1].isalpha() and rng.random() < 0.3:
            number = number[:-1] + " " + number[-1].upper()
        text = f"{street} {number}" if rng.random() < 0.95 else f"{street}"
    elif a.unit:
        if a.country == "AU":
            text = rng.choice([f"{a.unit}/{number} {street}", f"Unit {a.unit}, {number} {street}",
                               f"{number} {street}"])
        else:
            text = rng.choice([f"Apt {a.unit}, {number} {street}", f"Apartment {a.unit}, {number} {street}",
                               f"Flat {a.unit}, {number} {street}", f"{number} {street}"])
    else:
        text = f"{number} {street}" if rng.random() < 0.95 else (f"{number}, {street}" if rng.random() < 0.5 else street)
    return text


def record_town(rng: random.Random, a: Address) -> str:
    town, _, _, variants = TOWNS[a.country][a.town_index]
    if rng.random() < TOWN_VARIANT:
        return rng.choice(variants + [town.upper(), town.lower()])
    return town


def record_postcode(rng: random.Random, a: Address) -> str:
    pc = a.postcode
    if rng.random() < POSTCODE_TYPO:
        i = rng.randrange(1, len(pc))
        if pc[i] != " ":
            pc = pc[:i] + (str(rng.randrange(10)) if pc[i].isdigit() else rng.choice(EIRCODE_CHARS)) + pc[i + 1:]
    if rng.random() >= POSTCODE_VARIANT:
        return pc
    if a.country in ("IE", "UK"):
        return rng.choice([pc.replace(" ", ""), pc.lower(), pc.replace(" ", "").lower()])
    if a.country == "DE":
        return rng.choice([f"D-{pc}", f"D {pc}", pc.lstrip("0") if pc.startswith("0") else f"D-{pc}"])
    return f"{AU_STATES.get(pc[0], 'NSW')} {pc}"


def records_for(rng: random.Random, p: Person, n: int) -> list[dict]:
    rows = []
    for _ in range(n):
        address = p.old_address if p.old_address is not None and rng.random() < OLD_ADDRESS else p.address
        given = None if rng.random() < GIVEN_MISSING else record_given(rng, p)
        family = None if rng.random() < FAMILY_MISSING else record_family(rng, p)
        r = rng.random()
        if r < UPPER:
            given, family = (x.upper() if x else x for x in (given, family))
        elif r < UPPER + LOWER:
            given, family = (x.lower() if x else x for x in (given, family))
        if rng.random() < SWAP_NAMES:
            given, family = family, given
        rows.append({
            "given_name": given, "family_name": family, "birth_date": record_dob(rng, p.dob),
            "email": record_email(rng, p), "mobile": record_phone(rng, p, address),
            "street": None if rng.random() < STREET_MISSING else record_street(rng, address),
            "town": None if rng.random() < TOWN_MISSING else record_town(rng, address),
            "postcode": None if rng.random() < POSTCODE_MISSING else record_postcode(rng, address),
            "country": None if rng.random() < COUNTRY_MISSING else rng.choice(COUNTRY_FORMS[address.country]),
            "true_person": p.pid,
        })
    return rows


COLUMNS = ["record_id", "given_name", "family_name", "birth_date", "email", "mobile", "street", "town",
           "postcode", "country", "true_person"]


def generate(people: int = 4000, seed: int = 5) -> pd.DataFrame:
    """One row per record, in a shuffled order; `true_person` is the truth."""
    persons = population(people, seed)
    rng = random.Random(seed * 7919 + 1)
    rows = []
    for p in persons:
        rows.extend(records_for(rng, p, pick(rng, RECORDS_PER_PERSON)))
    rng.shuffle(rows)
    for i, row in enumerate(rows):
        row["record_id"] = f"C{i + 1:06d}"
    return pd.DataFrame(rows, columns=COLUMNS).astype(object).where(lambda f: f.notna(), None)


def stats(frame: pd.DataFrame, persons: list[Person]) -> dict:
    per = frame.groupby("true_person").size()
    households = pd.Series([p.household for p in persons]).value_counts()
    return {
        "records": len(frame), "people": int(frame["true_person"].nunique()),
        "records_per_person": {int(k): int(v) for k, v in per.value_counts().sort_index().items()},
        "households": int(households.size), "households_2plus": int((households >= 2).sum()),
        "twins": sum(p.twin for p in persons), "jr": sum(p.suffix == "jr" for p in persons),
        "namesakes": sum(bool(p.namesake_of) for p in persons),
        "movers": sum(p.old_address is not None for p in persons),
        "countries": pd.Series([p.country for p in persons]).value_counts().to_dict(),
        "missing": {c: round(float(frame[c].isna().mean()), 3) for c in COLUMNS[1:-1]},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path, help="write the records (.csv or .parquet)")
    parser.add_argument("--stats", action="store_true", help="print counts of the population and records")
    args = parser.parse_args(argv)
    frame = generate(args.people, args.seed)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(args.out, index=False) if args.out.suffix == ".parquet" else frame.to_csv(args.out, index=False)
        print(f"{len(frame):,} records of {frame['true_person'].nunique():,} people -> {args.out}", file=sys.stderr)
    if args.stats or not args.out:
        import json
        print(json.dumps(stats(frame, population(args.people, args.seed)), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
