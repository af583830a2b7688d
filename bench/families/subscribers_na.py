"""subscribers_na: the merged customer table of a North-American subscription / meal-kit brand.

A held-out benchmark family. One table merged from six intake channels; `true_person` is the truth.
Everything below is the specification; the rates were fixed before any output was looked at.

Columns (exactly, see COLUMNS): record_id, first_name, last_name, dob, email, phone, street, unit,
city, region, postal_code, channel, true_person.  `dob` is always ISO `YYYY-MM-DD` text or missing;
the channels' date-format habits show up as *value* errors (month/day swaps etc.), never as format.

Population (`population(people, seed)`)
---------------------------------------
Households are drawn until `people` persons exist (the last one is truncated).  Country per
household: USA 75 %, Canada 25 %.  Household types:
  single 46 % (1 adult 18-85) | couple 22 % | parents + 1-2 adult children 12 % |
  roommates 10 % (2-3 unrelated adults 20-35, always an apartment unit) |
  twins 5 % (a twin pair 18-40, same dob, different given names, 35 % of pairs share the first
  initial; half live with one parent) | Jr/Sr 5 % (father "sr" and son "jr", same given and family
  name, son born 20-40 years later; half with the mother).
Couples: 5 % same-sex (no name change).  Otherwise, when the wife is not Hispanic, 55 % of wives
carry the husband's surname and keep their `maiden` name (marriage name change); the rest keep their
own surname.  Hispanic couples keep their names; children take father's first + mother's first
surname.  Couples/families: 15 % a joint email ("smithfamily@...", "thesmiths@...").
Landline: 35 % of multi-adult family households (couple, family, Jr/Sr), 10 % of others; shared by the
household.  Mobile: 95 % of persons.  Personal email: 97 %.  Work email: 40 % of persons.
Movers: 12 % of households have an old address (60 % in the same city).  New phone: 15 % of persons
with a mobile also have an older mobile number.
Cultures (country USA / Canada-outside-QC / Québec city):
  Anglo 58/55/12, Hispanic 24/4/3, East-Asian 9/18/8, South-Asian 9/17/7, French-Canadian 0/6/70 %.
  Hispanic: 55 % carry a double surname ("García López").  East-Asian: 50 % also go by an English
  given name (`alias`, "Wei" / "David").  French-Canadian given names are often hyphenated.
Names are drawn with Zipf-like weights (1/rank^0.9) so common names collide naturally.  In addition
5 % of non-child adults are explicit namesakes: they copy the given+family name (and sex, culture) of
an earlier adult living in a different city, with an independent dob (`namesake_of`).
Ages as of 2024-06-01.

Records per person: 1-7 with weights 1:30 2:20 3:16 4:13 5:10 6:7 7:4 (mean ~2.9).
Channel per record: web 30 %, app 22 %, phone order 13 %, gift 10 %, retail partner 12 %,
legacy CRM 13 %.

Field presence per channel (web / app / phone / gift / retail / legacy):
  email       99 / 97 / 35 / 100(purchaser's) / 50 / 40 %
  phone       70 / 85 / 98 / 40(purchaser's) / 60 / 80 %
  address     90 / 15 / 95 / 100(recipient's) / 95 / 95 %   (app without address: billing postal
              code only, 30 %)
  dob         60 / 40 / 30 / 3 / 20 / 70 %
  first/last name missing 1 % each, in every channel.
Gift records: the name and shipping address are the recipient's (the record's true person); the email
(and the phone, when present) is the purchaser's: a household member 40 %, otherwise a random other
person; the purchaser's work email is used 50 % of the time when they have one.  Own records use the
work email 5 % (web only), the joint email 40 % when the household has one.
Old address (movers): legacy 70 %, retail 40 %, others 25 %.  Old mobile: legacy 70 %, others 30 %.
Landline instead of mobile: phone channel 50 %, others 15 % (when the household has one).

Per-record corruption (independent per record)
----------------------------------------------
Names:
  nickname / short form (when one exists, own list incl. ambiguous Chris, Alex, Sam, Pat):
    web 15, app 20, phone 12, gift 25, retail 10, legacy 5 %;
  initial only ("J." or "J"): retail 6, legacy 8, others 2 %;
  East-Asian English alias instead of the given name: 35 % (if any);
  East-Asian first/last order swapped: phone/gift/retail/legacy 25 %, web/app 8 %;
  Hispanic double surname written: both 40 %, hyphenated 15 %, first only 35 %, second only 10 %;
  hyphenated given names: hyphen 60 %, space 25 %, first part only 15 %;
  maiden surname instead of married one: legacy 50 %, others 25 %;  Jr/Sr suffix appended to the
  last name ("Smith Jr."): 10 % for jr, 5 % for sr;
  accents dropped: legacy 100, retail 80, phone 60, gift 40, web 30, app 20 %;
  typos per name field: 0/1/2 with 85/12/3 % (phone channel 70/22/8 %): keyboard neighbour 35,
    drop 25, transposition 25, doubled letter 15 %;
  legacy OCR: 30 % of legacy records get an OCR pass over names, street, email: each rn->m, m->rn,
    l->1, O->0, I->l, S->5, B->8 occurrence flips with 25 %;
  case: legacy UPPER 50 %, app lower 10 %, web lower 3 %, else as written.
dob (when present): off by one day 2 %; month/day swapped (only when both <= 12) web 4, app 2,
  phone 6, retail 8, legacy 8 % (doubled for Canadian households); year off by one 2 %; year off by ten
  1 %; legacy placeholder 1900-01-01 0.5 %.
Email: upper case (all or first letter) 8 %; gmail dots added/removed 15 % (gmail only); +tag 6 %
  (gmail/outlook/icloud); typo 4 % (half domain typo like gmial.com, half local-part typo).
Phone formats per channel (weights): web (AAA) EEE-LLLL 25, AAA-EEE-LLLL 30, AAA.EEE.LLLL 5,
  +1 AAA EEE LLLL 10, digits 25, 1-AAA-EEE-LLLL 5; app +1AAAEEELLLL 45, digits 35, +1 AAA EEE LLLL 20;
  phone (AAA) 60, dash 30, digits 10; gift (AAA) 30, dash 40, dot 10, digits 20; retail digits 70,
  dash 30; legacy dot 40, dash 30, (AAA) 20, 1-dash 10.  One digit replaced 3 % (phone/legacy 5 %),
  two adjacent digits swapped 1 %.
Address: street type Street/St/St. style full 40, abbr 45, abbr. 15 %; directional full 40, abbr 60 %;
  ordinal streets written as a word ("Fifth Avenue") 30 %; French street types rue/boul./av./ch.
  full or abbreviated, Saint-/St- 50 %;  unit (when the home has one): unit column 55 %, inside the
  street field 35 % (Canada: "305-1234 Main St" prefix 30 % of those), dropped 10 %; unit label Apt 35,
  Apartment 15, # 25, Unit 20, Suite 5 %;  street UPPER in legacy 50 %.
  ZIP+4 20 %; US ZIP with a leading 0 loses it in retail/legacy 30 %; Canadian postal code without
  the space 30 %, lower case 15 %.  City: alias (NYC, Montreal, ...) 8 %, one typo 4 %, missing 4 %,
  UPPER in legacy 50 %.  Region: code 75 %, full name 20 %, missing 5 %.

Deterministic for a given (people, seed): only `random.Random(seed)`.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

import pandas as pd

COLUMNS = ["record_id", "first_name", "last_name", "dob", "email", "phone", "street", "unit", "city",
           "region", "postal_code", "channel", "true_person"]

AS_OF = date(2024, 6, 1)
CHANNELS = ["web", "app", "phone", "gift", "retail", "legacy"]
CHANNEL_WEIGHTS = [30, 22, 13, 10, 12, 13]
RECORD_COUNTS = [1, 2, 3, 4, 5, 6, 7]
RECORD_WEIGHTS = [30, 20, 16, 13, 10, 7, 4]

P_EMAIL = dict(web=0.99, app=0.97, phone=0.35, gift=1.0, retail=0.50, legacy=0.40)
P_PHONE = dict(web=0.70, app=0.85, phone=0.98, gift=0.40, retail=0.60, legacy=0.80)
P_ADDRESS = dict(web=0.90, app=0.15, phone=0.95, gift=1.0, retail=0.95, legacy=0.95)
P_DOB = dict(web=0.60, app=0.40, phone=0.30, gift=0.03, retail=0.20, legacy=0.70)
P_NICK = dict(web=0.15, app=0.20, phone=0.12, gift=0.25, retail=0.10, legacy=0.05)
P_INITIAL = dict(web=0.02, app=0.02, phone=0.02, gift=0.02, retail=0.06, legacy=0.08)
P_SWAP = dict(web=0.08, app=0.08, phone=0.25, gift=0.25, retail=0.25, legacy=0.25)
P_ASCII = dict(web=0.30, app=0.20, phone=0.60, gift=0.40, retail=0.80, legacy=1.0)
P_MDSWAP = dict(web=0.04, app=0.02, phone=0.06, gift=0.04, retail=0.08, legacy=0.08)
PHONE_FORMATS = {
    "web": [("paren", 25), ("dash", 30), ("dot", 5), ("plus_space", 10), ("digits", 25), ("one_dash", 5)],
    "app": [("e164", 45), ("digits", 35), ("plus_space", 20)],
    "phone": [("paren", 60), ("dash", 30), ("digits", 10)],
    "gift": [("paren", 30), ("dash", 40), ("dot", 10), ("digits", 20)],
    "retail": [("digits", 70), ("dash", 30)],
    "legacy": [("dot", 40), ("dash", 30), ("paren", 20), ("one_dash", 10)],
}

# ------------------------------------------------------------------ name lists (written for this family)
ANGLO_M = ["James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
           "Christopher", "Daniel", "Matthew", "Anthony", "Steven", "Andrew", "Joshua", "Kevin", "Brian",
           "Timothy", "Jonathan", "Patrick", "Samuel", "Alexander", "Benjamin", "Nicholas", "Gregory",
           "Edward", "Ronald", "Jeffrey", "Ryan", "Tyler", "Kyle", "Scott", "Eric", "Jacob"]
ANGLO_F = ["Mary", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
           "Patricia", "Nancy", "Lisa", "Margaret", "Emily", "Michelle", "Amanda", "Melissa", "Rebecca",
           "Katherine", "Christine", "Samantha", "Alexandra", "Deborah", "Stephanie", "Victoria",
           "Abigail", "Jacqueline", "Ashley", "Laura", "Heather", "Megan", "Rachel", "Hannah"]
ANGLO_S = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
           "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
           "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green",
           "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Campbell", "Parker", "Evans",
           "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper",
           "Peterson", "Reed", "Bailey", "Kelly", "Howard", "Ward", "Richardson", "Watson", "Brooks",
           "Bennett", "Gray", "Hughes", "Sanders", "Myers", "Ross", "Foster", "O'Brien", "MacDonald",
           "McCarthy", "Sullivan", "Fitzgerald", "Schmidt", "Olson", "Larson"]
HISP_M = ["José", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Alejandro", "Francisco", "Antonio",
          "Manuel", "Jesús", "Ricardo", "Fernando", "Eduardo", "Javier", "Roberto", "Sergio", "Raúl",
          "Andrés", "Diego", "Óscar", "Héctor"]
HISP_F = ["María", "Guadalupe", "Ana", "Rosa", "Carmen", "Sofía", "Isabel", "Gabriela", "Verónica",
          "Elena", "Lucía", "Adriana", "Mariana", "Alejandra", "Daniela", "Leticia", "Teresa", "Yolanda",
          "Beatriz", "Patricia", "Mónica", "Claudia"]
HISP_S = ["García", "López", "Martínez", "Rodríguez", "Hernández", "González", "Pérez", "Sánchez",
          "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Reyes", "Cruz", "Morales", "Ortiz",
          "Gutiérrez", "Chávez", "Ramos", "Vargas", "Castillo", "Jiménez", "Moreno", "Romero", "Herrera",
          "Medina", "Aguilar", "Vásquez", "Mendoza", "Castro"]
EA_M = ["Wei", "Jun", "Hao", "Lei", "Ming", "Jian", "Tao", "Yong", "Qiang", "Bo", "Min-jun", "Ji-hoon",
        "Hyun-woo", "Minh", "Duc", "Thanh", "Hiroshi", "Takeshi", "Kenji", "Zhiwei", "Xiaoming"]
EA_F = ["Mei", "Ling", "Xiu", "Yan", "Fang", "Hui", "Jing", "Na", "Xin", "Ji-woo", "Seo-yeon", "Min-ji",
        "Huong", "Lan", "Linh", "Thu", "Yuki", "Akiko", "Yumi", "Haruka", "Xiaoling"]
EA_S = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
        "Zhu", "Hu", "Lin", "Guo", "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Nguyen", "Tran", "Le",
        "Pham", "Hoang", "Sato", "Suzuki", "Tanaka", "Watanabe", "Wong", "Chan", "Cheung"]
EA_ALIAS_M = ["David", "Kevin", "Michael", "Eric", "Jason", "Daniel", "Tony", "Vincent", "Andy", "Peter",
              "Jack", "Alex"]
EA_ALIAS_F = ["Jenny", "Grace", "Amy", "Cindy", "Helen", "Vivian", "Tina", "Annie", "Lily", "Sandy",
              "Christina", "Alex"]
SA_M = ["Rahul", "Amit", "Vikram", "Arjun", "Sanjay", "Rajesh", "Anil", "Suresh", "Ravi", "Deepak",
        "Pranav", "Rohan", "Harpreet", "Gurpreet", "Venkatesh", "Karthik", "Nikhil", "Aditya"]
SA_F = ["Priya", "Anjali", "Deepa", "Kavita", "Sunita", "Pooja", "Neha", "Divya", "Lakshmi", "Meera",
        "Aishwarya", "Shreya", "Simran", "Harpreet", "Swati", "Ananya"]
SA_S = ["Patel", "Shah", "Singh", "Sharma", "Kumar", "Gupta", "Reddy", "Rao", "Iyer", "Nair", "Desai",
        "Mehta", "Joshi", "Chopra", "Kapoor", "Gill", "Sandhu", "Dhillon", "Malhotra", "Venkataraman",
        "Subramanian", "Krishnan", "Bhatt", "Agarwal"]
FR_M = ["Jean-François", "Jean-Philippe", "Marc-André", "Pierre-Luc", "Jean-Sébastien", "Luc", "Étienne",
        "Mathieu", "Sébastien", "François", "Benoît", "Stéphane", "Guillaume", "Olivier", "Réjean",
        "Jean-Guy", "Martin", "Simon", "Alexandre", "Louis-Philippe"]
FR_F = ["Marie-Ève", "Marie-Claude", "Anne-Marie", "Geneviève", "Isabelle", "Julie", "Mélanie", "Nathalie",
        "Chantal", "Sylvie", "Josée", "Véronique", "Catherine", "Émilie", "Hélène", "Marie-Josée",
        "Stéphanie", "Valérie", "Caroline", "Marie-Pier"]
FR_S = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné",
        "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard",
        "Simard", "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "St-Pierre", "Deschênes",
        "Thériault", "Lefebvre", "Bourassa"]
NAMES = {
    "anglo": (ANGLO_M, ANGLO_F, ANGLO_S),
    "hispanic": (HISP_M, HISP_F, HISP_S),
    "east_asian": (EA_M, EA_F, EA_S),
    "south_asian": (SA_M, SA_F, SA_S),
    "french": (FR_M, FR_F, FR_S),
}
NICKNAMES = {
    "William": ["Will", "Bill", "Billy", "Liam"], "Robert": ["Rob", "Bob", "Bobby", "Robbie"],
    "Richard": ["Rick", "Rich", "Dick"], "James": ["Jim", "Jimmy", "Jamie"], "John": ["Johnny", "Jack"],
    "Michael": ["Mike", "Mikey"], "Joseph": ["Joe", "Joey"], "Thomas": ["Tom", "Tommy"],
    "Christopher": ["Chris", "Topher"], "Christine": ["Chris", "Chrissy", "Tina"], "Daniel": ["Dan", "Danny"],
    "Matthew": ["Matt"], "Anthony": ["Tony"], "Steven": ["Steve"], "Andrew": ["Andy", "Drew"],
    "Joshua": ["Josh"], "Timothy": ["Tim", "Timmy"], "Jonathan": ["Jon", "Johnny"], "Patrick": ["Pat", "Paddy"],
    "Patricia": ["Pat", "Patty", "Trish"], "Samuel": ["Sam", "Sammy"], "Samantha": ["Sam", "Sammy"],
    "Alexander": ["Alex", "Al", "Xander"], "Alexandra": ["Alex", "Lexi", "Sandra"], "Benjamin": ["Ben", "Benny"],
    "Nicholas": ["Nick", "Nicky"], "Gregory": ["Greg"], "Edward": ["Ed", "Eddie", "Ted"], "Ronald": ["Ron", "Ronnie"],
    "Jeffrey": ["Jeff"], "Jacob": ["Jake"], "Elizabeth": ["Liz", "Beth", "Betty", "Lizzie"],
    "Jennifer": ["Jen", "Jenny"], "Margaret": ["Maggie", "Peggy", "Meg"], "Katherine": ["Kate", "Katie", "Kathy"],
    "Rebecca": ["Becky", "Becca"], "Victoria": ["Vicky", "Tori"], "Deborah": ["Deb", "Debbie"],
    "Stephanie": ["Steph"], "Jessica": ["Jess", "Jessie"], "Susan": ["Sue", "Susie"], "Barbara": ["Barb"],
    "Abigail": ["Abby"], "Jacqueline": ["Jackie"], "Amanda": ["Mandy"], "Melissa": ["Missy", "Mel"],
    "Michelle": ["Shelly"], "Emily": ["Em", "Emmy"], "Kevin": ["Kev"], "Megan": ["Meg"], "Hannah": ["Annie"],
    "José": ["Pepe"], "Francisco": ["Paco", "Pancho", "Frank"], "Guadalupe": ["Lupe"], "Alejandro": ["Alex"],
    "Alejandra": ["Alex", "Ale"], "Jesús": ["Chuy"], "Roberto": ["Beto"], "Eduardo": ["Lalo"],
    "Manuel": ["Manny"], "Antonio": ["Tony", "Toño"], "María": ["Mari"], "Fernando": ["Nando"],
    "Jean-François": ["JF"], "Jean-Philippe": ["JP"], "Catherine": ["Cathy", "Cat"], "Alexandre": ["Alex"],
    "Rajesh": ["Raj"], "Vikram": ["Vik"], "Venkatesh": ["Venkat"], "Aishwarya": ["Aish"],
    "Karthik": ["Karthi"], "Nikhil": ["Nik"],
}

# ------------------------------------------------------------------ geography (written for this family)
US_CITIES = [  # city, state code, ZIP prefix, area codes, weight
    ("New York", "NY", "100", ["212", "646", "917"], 8), ("Brooklyn", "NY", "112", ["718", "347"], 5),
    ("Los Angeles", "CA", "900", ["213", "323", "310"], 8), ("San Francisco", "CA", "941", ["415", "628"], 4),
    ("San Diego", "CA", "921", ["619", "858"], 4), ("San Jose", "CA", "951", ["408", "669"], 3),
    ("Chicago", "IL", "606", ["312", "773"], 6), ("Houston", "TX", "770", ["713", "832"], 5),
    ("Dallas", "TX", "752", ["214", "469", "972"], 4), ("San Antonio", "TX", "782", ["210"], 3),
    ("Austin", "TX", "787", ["512", "737"], 3), ("Phoenix", "AZ", "850", ["602", "480"], 4),
    ("Philadelphia", "PA", "191", ["215", "267"], 4), ("Pittsburgh", "PA", "152", ["412"], 2),
    ("Seattle", "WA", "981", ["206"], 3), ("Portland", "OR", "972", ["503", "971"], 2),
    ("Portland", "ME", "041", ["207"], 1), ("Denver", "CO", "802", ["303", "720"], 3),
    ("Boston", "MA", "021", ["617", "857"], 3), ("Springfield", "MA", "011", ["413"], 1),
    ("Springfield", "IL", "627", ["217"], 1), ("Atlanta", "GA", "303", ["404", "678"], 3),
    ("Miami", "FL", "331", ["305", "786"], 3), ("Orlando", "FL", "328", ["407"], 2),
    ("Minneapolis", "MN", "554", ["612"], 2), ("Detroit", "MI", "482", ["313"], 2),
    ("Albuquerque", "NM", "871", ["505"], 1), ("Charlotte", "NC", "282", ["704", "980"], 2),
    ("Nashville", "TN", "372", ["615"], 2), ("Columbus", "OH", "432", ["614"], 2),
    ("Newark", "NJ", "071", ["973", "862"], 2), ("Hartford", "CT", "061", ["860"], 1),
]
CA_CITIES = [  # city, province code, postal prefix, area codes, weight
    ("Toronto", "ON", "M", ["416", "647", "437"], 9), ("Mississauga", "ON", "L5", ["905", "289"], 3),
    ("Ottawa", "ON", "K1", ["613", "343"], 3), ("Montréal", "QC", "H", ["514", "438"], 7),
    ("Laval", "QC", "H7", ["450", "579"], 2), ("Québec", "QC", "G1", ["418", "581"], 3),
    ("Gatineau", "QC", "J8", ["819", "873"], 1), ("Vancouver", "BC", "V6", ["604", "778"], 4),
    ("Surrey", "BC", "V3", ["604", "778"], 2), ("Calgary", "AB", "T2", ["403", "587"], 3),
    ("Edmonton", "AB", "T5", ["780", "587"], 3), ("Winnipeg", "MB", "R3", ["204"], 2),
    ("Halifax", "NS", "B3", ["902"], 1),
]
REGION_NAMES = {
    "NY": "New York", "CA": "California", "IL": "Illinois", "TX": "Texas", "AZ": "Arizona",
    "PA": "Pennsylvania", "WA": "Washington", "OR": "Oregon", "ME": "Maine", "CO": "Colorado",
    "MA": "Massachusetts", "GA": "Georgia", "FL": "Florida", "MN": "Minnesota", "MI": "Michigan",
    "NM": "New Mexico", "NC": "North Carolina", "TN": "Tennessee", "OH": "Ohio", "NJ": "New Jersey",
    "CT": "Connecticut", "ON": "Ontario", "QC": "Québec", "BC": "British Columbia", "AB": "Alberta",
    "MB": "Manitoba", "NS": "Nova Scotia",
}
CITY_ALIASES = {
    "New York": ["NYC", "New York City", "NY"], "Los Angeles": ["LA", "L.A."], "San Francisco": ["SF", "San Fran"],
    "Montréal": ["Montreal", "Mtl"], "Québec": ["Quebec City", "Ville de Québec", "Quebec"],
    "Philadelphia": ["Phila", "Philly"], "Brooklyn": ["New York", "Bklyn"], "Saint Paul": ["St Paul"],
    "Mississauga": ["Missisauga"], "Washington": ["DC"], "Las Vegas": ["Vegas"],
}
STREET_NAMES = ["Main", "Maple", "Oak", "Washington", "Park", "Elm", "Cedar", "Lake", "Hill", "Sunset",
                "Lincoln", "Jackson", "Highland", "Church", "Pine", "Ridge", "Willow", "Mill", "Spring",
                "River", "Forest", "Madison", "Franklin", "Chestnut", "Walnut", "Meadow", "Jefferson",
                "Victoria", "King", "Queen", "Dundas", "College", "Bloor", "Broadway", "Cherry", "Hickory",
                "Magnolia", "Evergreen", "Lakeview", "Fairview", "Orchard", "Valley", "Summit", "Grove"]
ORDINALS = [("1st", "First"), ("2nd", "Second"), ("3rd", "Third"), ("4th", "Fourth"), ("5th", "Fifth"),
            ("6th", "Sixth"), ("7th", "Seventh"), ("8th", "Eighth"), ("9th", "Ninth"), ("10th", "Tenth")]
STREET_TYPES = [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"), ("Lane", "Ln"),
                ("Boulevard", "Blvd"), ("Court", "Ct"), ("Place", "Pl"), ("Way", "Way"),
                ("Crescent", "Cres"), ("Terrace", "Ter"), ("Circle", "Cir")]
DIRECTIONS = [("North", "N"), ("South", "S"), ("East", "E"), ("West", "W")]
FR_STREETS = ["Saint-Denis", "Sherbrooke", "des Érables", "Sainte-Catherine", "Saint-Laurent", "Papineau",
              "de la Montagne", "Beaubien", "Jean-Talon", "Saint-Hubert", "des Pins", "René-Lévesque",
              "Sainte-Foy", "du Lac", "Notre-Dame", "de l'Église"]
FR_TYPES = [("rue", "rue"), ("boulevard", "boul."), ("avenue", "av."), ("chemin", "ch.")]
UNIT_LABELS = [("Apt", 35), ("Apartment", 15), ("#", 25), ("Unit", 20), ("Suite", 5)]
POSTAL_LETTERS = "ABCEGHJKLMNPRSTVXY"
US_DOMAINS = [("gmail.com", 45), ("yahoo.com", 15), ("hotmail.com", 8), ("outlook.com", 8), ("aol.com", 4),
              ("icloud.com", 10), ("comcast.net", 5), ("att.net", 5)]
CA_DOMAINS = [("gmail.com", 40), ("hotmail.com", 12), ("yahoo.ca", 8), ("outlook.com", 8),
              ("videotron.ca", 5), ("sympatico.ca", 5), ("shaw.ca", 5), ("rogers.com", 7), ("icloud.com", 10)]
EMPLOYERS = ["acmecorp", "northwind", "globex", "initech", "umbrella-health", "contoso", "stark-ind",
             "wayneenterprises", "hooli", "piedpiper", "vandelay", "dundermifflin", "cyberdyne", "soylent",
             "blueharbor", "maplesoft", "lakeshorebank", "pinecrestmed"]
DOMAIN_TYPOS = {"gmail.com": ["gmial.com", "gmail.con", "gmai.com", "gnail.com", "gmail.co"],
                "yahoo.com": ["yaho.com", "yahooo.com", "yahoo.con"], "hotmail.com": ["hotmial.com", "hotmail.co"],
                "outlook.com": ["outlok.com", "outlook.co"], "icloud.com": ["icoud.com", "icloud.con"]}
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
OCR_PAIRS = [("rn", "m"), ("m", "rn"), ("l", "1"), ("O", "0"), ("I", "l"), ("S", "5"), ("B", "8")]


def _neighbours():
    out = {}
    for r, row in enumerate(KEYBOARD):
        for c, ch in enumerate(row):
            near = []
            for dr in (-1, 0, 1):
                rr = r + dr
                if 0 <= rr < len(KEYBOARD):
                    for dc in (-1, 0, 1):
                        cc = c + dc
                        if (dr or dc) and 0 <= cc < len(KEYBOARD[rr]):
                            near.append(KEYBOARD[rr][cc])
            out[ch] = near
    return out


NEIGHBOURS = _neighbours()


# ------------------------------------------------------------------ population
@dataclass
class Address:
    number: int
    street: str            # the base street name ("Main", "5th", "Saint-Denis")
    street_type: tuple     # (full, abbr)
    direction: tuple | None
    french: bool
    unit: str | None
    city: str
    region: str
    postal: str            # ZIP5 or "A1A 1A1"
    plus4: str | None
    country: str
    area_codes: list


@dataclass
class Person:
    pid: str
    household: str
    role: str              # single, spouse, parent, child, roommate, twin, sr, jr
    sex: str
    culture: str
    given: str
    family: str
    dob: date
    country: str
    address: Address
    second_family: str | None = None   # Hispanic maternal surname
    maiden: str | None = None          # birth surname when `family` is a married name
    alias: str | None = None           # East-Asian English given name
    twin: bool = False
    suffix: str = ""                   # "jr" / "sr"
    namesake_of: str | None = None
    old_address: Address | None = None
    email: str | None = None
    work_email: str | None = None
    joint_email: str | None = None
    phone: str | None = None
    old_phone: str | None = None
    landline: str | None = None
    records: int = 1
    extra: dict = field(default_factory=dict)


def _zipf_pick(rng, items):
    weights = [1.0 / (i + 1) ** 0.9 for i in range(len(items))]
    return rng.choices(items, weights=weights)[0]


def _wpick(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _ascii(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _dob_for_age(rng, lo, hi):
    start = AS_OF.replace(year=AS_OF.year - hi - 1) + timedelta(days=1)
    end = AS_OF.replace(year=AS_OF.year - lo)
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def _shift_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


class _Builder:
    def __init__(self, rng):
        self.rng = rng
        self.persons: list[Person] = []
        self.emails: set[str] = set()
        self.phones: set[str] = set()
        self.hh = 0

    # -- pieces
    def city(self, country):
        table = US_CITIES if country == "US" else CA_CITIES
        c = self.rng.choices(table, weights=[t[4] for t in table])[0]
        return c

    def culture(self, country, region):
        r = self.rng
        if country == "US":
            opts = [("anglo", 58), ("hispanic", 24), ("east_asian", 9), ("south_asian", 9)]
        elif region == "QC":
            opts = [("anglo", 12), ("hispanic", 3), ("east_asian", 8), ("south_asian", 7), ("french", 70)]
        else:
            opts = [("anglo", 55), ("hispanic", 4), ("east_asian", 18), ("south_asian", 17), ("french", 6)]
        return _wpick(r, opts)

    def postal(self, country, prefix):
        r = self.rng
        if country == "US":
            return prefix + f"{r.randint(0, 99):02d}", f"{r.randint(1, 9999):04d}"
        pattern = "LDLDLD"
        chars = list(prefix)
        for i in range(len(chars), 6):
            chars.append(r.choice(POSTAL_LETTERS) if pattern[i] == "L" else str(r.randint(0, 9)))
        s = "".join(chars)
        return s[:3] + " " + s[3:], None

    def address(self, country, city_row=None, apartment=None):
        r = self.rng
        city, region, prefix, areas, _ = city_row or self.city(country)
        french = region == "QC" and r.random() < 0.7
        if apartment is None:
            apartment = r.random() < 0.35
        unit = None
        if apartment:
            unit = r.choice([str(r.randint(1, 30)) + r.choice("ABCD"), str(r.randint(101, 2415)),
                             str(r.randint(1, 12))])
        if french:
            street, stype, direction = r.choice(FR_STREETS), r.choice(FR_TYPES), None
        else:
            street = r.choice(STREET_NAMES) if r.random() < 0.8 else r.choice(ORDINALS)[0]
            stype = r.choice(STREET_TYPES if country == "CA" else STREET_TYPES[:9] + STREET_TYPES[10:])
            direction = r.choice(DIRECTIONS) if r.random() < 0.15 else None
        postal, plus4 = self.postal(country, prefix)
        return Address(r.randint(1, 9899), street, stype, direction, french, unit, city, region, postal,
                       plus4, country, areas)

    def phone_number(self, areas):
        r = self.rng
        while True:
            n = r.choice(areas) + str(r.randint(201, 989)) + f"{r.randint(0, 9999):04d}"
            if n not in self.phones:
                self.phones.add(n)
                return n

    def unique_email(self, local, domain):
        local = _ascii(local).lower().replace("'", "").replace(" ", "")
        cand = f"{local}@{domain}"
        while cand in self.emails:
            cand = f"{local}{self.rng.randint(1, 999)}@{domain}"
        self.emails.add(cand)
        return cand

    def personal_email(self, p):
        r = self.rng
        g = _ascii(p.alias if p.alias and r.random() < 0.5 else p.given).lower().replace("-", "")
        f = _ascii(p.family.split(" ")[0]).lower().replace("-", "").replace("'", "")
        pattern = _wpick(r, [("f.l", 30), ("fl", 20), ("il", 15), ("f_l", 5), ("fN", 15), ("l.f", 5), ("nick", 10)])
        yy = f"{p.dob.year % 100:02d}" if r.random() < 0.5 else str(r.randint(1, 99))
        local = {"f.l": f"{g}.{f}", "fl": f"{g}{f}", "il": f"{g[0]}{f}", "f_l": f"{g}_{f}", "fN": f"{g}{yy}",
                 "l.f": f"{f}.{g}", "nick": f"{g}{f[:3]}{r.randint(1, 9)}"}[pattern]
        domains = US_DOMAINS if p.country == "US" else CA_DOMAINS
        return self.unique_email(local, _wpick(r, domains))

    def new_person(self, hh, role, sex, culture, country, address, age=(18, 85), family=None, second=None):
        r = self.rng
        males, females, surnames = NAMES[culture]
        given = _zipf_pick(r, males if sex == "M" else females)
        if family is None:
            family = _zipf_pick(r, surnames)
            if culture == "hispanic" and r.random() < 0.55:
                second = _zipf_pick(r, [s for s in surnames if s != family])
        p = Person(pid=f"P{len(self.persons) + 1:06d}", household=hh, role=role, sex=sex, culture=culture,
                   given=given, family=family, second_family=second, dob=_dob_for_age(r, *age),
                   country=country, address=address)
        if culture == "east_asian" and r.random() < 0.5:
            p.alias = r.choice(EA_ALIAS_M if sex == "M" else EA_ALIAS_F)
        self.persons.append(p)
        return p

    def maybe_namesake(self, p):
        r = self.rng
        if r.random() >= 0.05:
            return
        pool = [q for q in self.persons[-400:]
                if q.role not in ("child", "jr") and q.sex == p.sex and q.address.city != p.address.city
                and q.household != p.household and q.suffix == ""]
        if not pool:
            return
        q = r.choice(pool)
        p.given, p.family, p.second_family, p.sex, p.culture, p.alias = (q.given, q.family, q.second_family,
                                                                        q.sex, q.culture, q.alias)
        p.maiden = None
        p.namesake_of = q.pid

    def household(self, remaining):
        r = self.rng
        self.hh += 1
        hh = f"H{self.hh:06d}"
        country = "US" if r.random() < 0.75 else "CA"
        city_row = self.city(country)
        kind = _wpick(r, [("single", 46), ("couple", 22), ("family", 12), ("roommates", 10), ("twins", 5), ("jrsr", 5)])
        address = self.address(country, city_row, apartment=True if kind == "roommates" else None)
        culture = self.culture(country, city_row[1])
        members: list[Person] = []
        sex = lambda: "M" if r.random() < 0.5 else "F"  # noqa: E731

        def couple(age):
            same_sex = r.random() < 0.05
            a = self.new_person(hh, "spouse", "M" if not same_sex else sex(), culture, country, address, age)
            b_culture = culture if r.random() < 0.85 else self.culture(country, city_row[1])
            b_sex = a.sex if same_sex else "F"
            b = self.new_person(hh, "spouse", b_sex, b_culture, country, address, (max(18, age[0] - 3), age[1]))
            self.maybe_namesake(a)
            if not same_sex and b_culture != "hispanic" and r.random() < 0.55:
                b.maiden, b.family, b.second_family = b.family, a.family.split(" ")[0], None
            else:
                self.maybe_namesake(b)
            return a, b

        if kind == "single":
            p = self.new_person(hh, "single", sex(), culture, country, address)
            self.maybe_namesake(p)
            members = [p]
        elif kind == "couple":
            members = list(couple((22, 85)))
        elif kind == "family":
            a, b = couple((42, 80))
            members = [a, b]
            for _ in range(r.choice([1, 1, 2])):
                if culture == "hispanic":
                    fam, sec = a.family.split(" ")[0], b.family.split(" ")[0]
                    if a.second_family or b.second_family or r.random() < 0.5:
                        fam, sec = a.family, (b.maiden or b.family)
                    if sec == fam:
                        sec = None
                else:
                    fam, sec = a.family, None
                kid = self.new_person(hh, "child", sex(), culture, country, address, family=fam, second=sec)
                kid.culture = a.culture
                males, females, _ = NAMES[a.culture]
                kid.given = _zipf_pick(r, males if kid.sex == "M" else females)
                lo = max(b.dob, a.dob).year + 20
                kid.dob = date(min(lo + r.randint(0, 18), AS_OF.year - 18), r.randint(1, 12), r.randint(1, 28))
                members.append(kid)
        elif kind == "roommates":
            for _ in range(r.choice([2, 2, 3])):
                rc = self.culture(country, city_row[1])
                p = self.new_person(hh, "roommate", sex(), rc, country, address, (20, 35))
                self.maybe_namesake(p)
                members.append(p)
        elif kind == "twins":
            t1 = self.new_person(hh, "twin", sex(), culture, country, address, (18, 40))
            males, females, _ = NAMES[culture]
            t2 = self.new_person(hh, "twin", sex(), culture, country, address, family=t1.family,
                                 second=t1.second_family)
            t2.dob = t1.dob
            same_initial = r.random() < 0.35
            for _ in range(50):
                g = _zipf_pick(r, males if t2.sex == "M" else females) if not same_initial else r.choice(
                    males if t2.sex == "M" else females)
                if g != t1.given and (not same_initial or g[0] == t1.given[0]):
                    break
            else:
                g = r.choice([n for n in (males if t2.sex == "M" else females) if n != t1.given])
            t2.given = g
            t1.twin = t2.twin = True
            members = [t1, t2]
            if r.random() < 0.5:
                parent = self.new_person(hh, "parent", sex(), culture, country, address, family=t1.family,
                                         second=t1.second_family)
                parent.dob = _dob_for_age(r, AS_OF.year - t1.dob.year + 20, AS_OF.year - t1.dob.year + 40)
                members.append(parent)
        else:  # jr / sr
            sr = self.new_person(hh, "sr", "M", culture, country, address, (45, 82))
            jr = self.new_person(hh, "jr", "M", culture, country, address, family=sr.family, second=sr.second_family)
            jr.given, jr.alias = sr.given, sr.alias
            jr.dob = date(sr.dob.year + r.randint(20, 40), r.randint(1, 12), r.randint(1, 28))
            if jr.dob > AS_OF.replace(year=AS_OF.year - 18):
                jr.dob = date(AS_OF.year - 18 - r.randint(0, 2), jr.dob.month, jr.dob.day)
            sr.suffix, jr.suffix = "sr", "jr"
            members = [sr, jr]
            if r.random() < 0.5:
                mom = self.new_person(hh, "spouse", "F", culture, country, address, (40, 82))
                if culture != "hispanic":
                    mom.maiden, mom.family = mom.family, sr.family
                members.append(mom)

        # trim to the people still needed
        while len(members) > remaining:
            drop = members.pop()
            self.persons.remove(drop)
        # household-level life: landline, joint email, move
        landline = None
        if r.random() < (0.35 if kind in ("couple", "family", "jrsr") else 0.10):
            landline = self.phone_number(address.area_codes)
        joint = None
        if kind in ("couple", "family") and len(members) >= 2 and r.random() < 0.15:
            fam = _ascii(members[0].family.split(" ")[0]).lower().replace("'", "").replace("-", "")
            local = r.choice([f"{fam}family", f"the{fam}s", f"{fam}household"])
            joint = self.unique_email(local, _wpick(r, US_DOMAINS if country == "US" else CA_DOMAINS))
        old = None
        if r.random() < 0.12:
            old_city = city_row if r.random() < 0.6 else self.city(country)
            old = self.address(country, old_city)
        for p in members:
            p.landline, p.old_address = landline, old
            if p.role in ("spouse", "parent", "sr") or kind == "couple":
                p.joint_email = joint
            if r.random() < 0.97:
                p.email = self.personal_email(p)
            if r.random() < 0.40:
                comp = r.choice(EMPLOYERS)
                g = _ascii(p.given).lower().replace("-", "")
                f = _ascii(p.family.split(" ")[0]).lower().replace("-", "").replace("'", "")
                p.work_email = self.unique_email(r.choice([f"{g}.{f}", f"{g[0]}{f}"]), f"{comp}.com")
            if r.random() < 0.95:
                p.phone = self.phone_number(address.area_codes)
                if r.random() < 0.15:
                    areas = r.choice([address.area_codes, old.area_codes if old else address.area_codes])
                    p.old_phone = self.phone_number(areas)
        return members


def population(people: int, seed: int) -> list[Person]:
    """The true persons (deterministic for (people, seed))."""
    return _population(Random(seed), people)


def _population(rng, people):
    b = _Builder(rng)
    while len(b.persons) < people:
        b.household(people - len(b.persons))
    for p in b.persons:
        p.records = rng.choices(RECORD_COUNTS, weights=RECORD_WEIGHTS)[0]
    return b.persons


# ------------------------------------------------------------------ corruption
def _typo(rng, s):
    idx = [i for i, c in enumerate(s) if c.isalpha()]
    if not idx:
        return s
    op = _wpick(rng, [("sub", 35), ("drop", 25), ("swap", 25), ("double", 15)])
    i = rng.choice(idx)
    if op == "sub":
        c = s[i]
        near = NEIGHBOURS.get(c.lower())
        if not near:
            return s
        n = rng.choice(near)
        return s[:i] + (n.upper() if c.isupper() else n) + s[i + 1:]
    if op == "drop" and len(idx) > 2:
        return s[:i] + s[i + 1:]
    if op == "swap" and i + 1 < len(s) and s[i + 1].isalpha():
        a, b = s[i], s[i + 1]
        if i == 0:
            return (b.upper() if a.isupper() else b) + a.lower() + s[2:]
        return s[:i] + b + a + s[i + 2:]
    return s[:i + 1] + s[i].lower() + s[i + 1:]


def _typos(rng, s, channel):
    if not s:
        return s
    k = _wpick(rng, [(0, 70), (1, 22), (2, 8)] if channel == "phone" else [(0, 85), (1, 12), (2, 3)])
    for _ in range(k):
        s = _typo(rng, s)
    return s


def _ocr(rng, s):
    if not s:
        return s
    for a, b in OCR_PAIRS:
        if a in s:
            parts = s.split(a)
            out = parts[0]
            for part in parts[1:]:
                out += (b if rng.random() < 0.25 else a) + part
            s = out
    return s


def _case(rng, s, channel):
    if not s:
        return s
    if channel == "legacy" and rng.random() < 0.5:
        return s.upper()
    if channel == "app" and rng.random() < 0.10:
        return s.lower()
    if channel == "web" and rng.random() < 0.03:
        return s.lower()
    return s


def _given_form(rng, p, channel):
    g = p.given
    if p.alias and rng.random() < 0.35:
        g = p.alias
    elif g in NICKNAMES and rng.random() < P_NICK[channel]:
        g = rng.choice(NICKNAMES[g])
    if "-" in g and g.upper() not in ("JF", "JP"):
        form = _wpick(rng, [("hyphen", 60), ("space", 25), ("first", 15)])
        if form == "space":
            g = g.replace("-", " ")
        elif form == "first":
            g = g.split("-")[0]
    if rng.random() < P_INITIAL[channel]:
        g = g[0] + ("." if rng.random() < 0.5 else "")
    return g


def _family_form(rng, p, channel):
    f = p.family
    if p.maiden and rng.random() < (0.5 if channel == "legacy" else 0.25):
        f = p.maiden
    if p.second_family and f == p.family:
        form = _wpick(rng, [("both", 40), ("hyphen", 15), ("first", 35), ("second", 10)])
        f = {"both": f"{p.family} {p.second_family}", "hyphen": f"{p.family}-{p.second_family}",
             "first": p.family, "second": p.second_family}[form]
    if p.suffix == "jr" and rng.random() < 0.10:
        f += rng.choice([" Jr.", " Jr", " JR"])
    elif p.suffix == "sr" and rng.random() < 0.05:
        f += rng.choice([" Sr.", " Sr"])
    return f


def _dob_text(rng, p, channel):
    if rng.random() >= P_DOB[channel]:
        return None
    if channel == "legacy" and rng.random() < 0.005:
        return "1900-01-01"
    d = p.dob
    if rng.random() < 0.02:
        d = d + timedelta(days=rng.choice([-1, 1]))
    swap = P_MDSWAP[channel] * (2 if p.country == "CA" else 1)
    if d.month <= 12 and d.day <= 12 and d.month != d.day and rng.random() < swap:
        d = date(d.year, d.day, d.month)
    if rng.random() < 0.02:
        d = _shift_years(d, rng.choice([-1, 1]))
    if rng.random() < 0.01:
        d = _shift_years(d, rng.choice([-10, 10]))
    return d.isoformat()


def _email_text(rng, email):
    if not email:
        return None
    local, domain = email.split("@")
    if domain == "gmail.com" and rng.random() < 0.15:
        if "." in local:
            local = local.replace(".", "")
        elif len(local) > 3:
            i = rng.randint(1, len(local) - 1)
            local = local[:i] + "." + local[i:]
    if domain in ("gmail.com", "outlook.com", "icloud.com") and rng.random() < 0.06:
        local += "+" + rng.choice(["mealkit", "promo", "subs", "food", "deals", "2023"])
    if rng.random() < 0.04:
        if rng.random() < 0.5 and domain in DOMAIN_TYPOS:
            domain = rng.choice(DOMAIN_TYPOS[domain])
        else:
            local = _typo(rng, local)
    out = f"{local}@{domain}"
    if rng.random() < 0.08:
        out = out.upper() if rng.random() < 0.5 else out[0].upper() + out[1:]
    return out


def _phone_text(rng, digits, channel):
    if not digits:
        return None
    d = list(digits)
    if rng.random() < (0.05 if channel in ("phone", "legacy") else 0.03):
        i = rng.randint(3, 9)
        d[i] = rng.choice([c for c in "0123456789" if c != d[i]])
    if rng.random() < 0.01:
        i = rng.randint(3, 8)
        d[i], d[i + 1] = d[i + 1], d[i]
    s = "".join(d)
    a, e, l = s[:3], s[3:6], s[6:]  # noqa: E741
    fmt = _wpick(rng, PHONE_FORMATS[channel])
    return {"paren": f"({a}) {e}-{l}", "dash": f"{a}-{e}-{l}", "dot": f"{a}.{e}.{l}",
            "plus_space": f"+1 {a} {e} {l}", "digits": s, "one_dash": f"1-{a}-{e}-{l}",
            "e164": f"+1{s}"}[fmt]


def _street_text(rng, a: Address, channel):
    num = str(a.number)
    if a.french:
        full, abbr = a.street_type
        t = full if rng.random() < 0.5 else abbr
        if rng.random() < 0.3:
            t = t.capitalize()
        name = a.street
        if rng.random() < 0.5:
            name = name.replace("Sainte-", "Ste-").replace("Saint-", "St-")
        s = f"{num} {t} {name}" if rng.random() < 0.85 else f"{num} {name}"
        s = s if rng.random() >= P_ASCII[channel] else _ascii(s)
    else:
        name = a.street
        for short, word in ORDINALS:
            if name == short and rng.random() < 0.3:
                name = word
        full, abbr = a.street_type
        style = _wpick(rng, [("full", 40), ("abbr", 45), ("dot", 15)])
        t = {"full": full, "abbr": abbr, "dot": abbr + ("." if abbr != full else "")}[style]
        parts = [num]
        if a.direction:
            parts.append(a.direction[0] if rng.random() < 0.4 else a.direction[1])
        parts += [name, t]
        s = " ".join(parts)
    return s


def _unit_parts(rng, a: Address, street):
    """(street, unit column) with the unit placed per record."""
    if not a.unit:
        return street, None
    where = _wpick(rng, [("column", 55), ("street", 35), ("drop", 10)])
    label = _wpick(rng, UNIT_LABELS)
    text = f"#{a.unit}" if label == "#" else f"{label} {a.unit}"
    if where == "column":
        return street, (text if rng.random() < 0.7 else a.unit)
    if where == "street":
        if a.country == "CA" and rng.random() < 0.3:
            return f"{a.unit}-{street}", None
        return f"{street} {text}" if rng.random() < 0.8 else f"{street}, {text}", None
    return street, None


def _postal_text(rng, a: Address, channel):
    if a.country == "US":
        z = a.postal
        if a.plus4 and rng.random() < 0.20:
            z = f"{z}-{a.plus4}"
        if z.startswith("0") and channel in ("retail", "legacy") and rng.random() < 0.30:
            z = z[1:]
        return z
    z = a.postal
    if rng.random() < 0.30:
        z = z.replace(" ", "")
    if rng.random() < 0.15:
        z = z.lower()
    return z


def _city_text(rng, a: Address, channel):
    if rng.random() < 0.04:
        return None
    c = a.city
    if c in CITY_ALIASES and rng.random() < 0.08:
        c = rng.choice(CITY_ALIASES[c])
    elif rng.random() < 0.04:
        c = _typo(rng, c)
    if rng.random() < P_ASCII[channel]:
        c = _ascii(c)
    if channel == "legacy" and rng.random() < 0.5:
        c = c.upper()
    return c


def _region_text(rng, a: Address, channel):
    u = rng.random()
    if u < 0.05:
        return None
    if u < 0.25:
        name = REGION_NAMES[a.region]
        return _ascii(name) if rng.random() < P_ASCII[channel] else name
    return a.region


def _record(rng, p: Person, channel, persons, by_household):
    # names
    given = _given_form(rng, p, channel)
    family = _family_form(rng, p, channel)
    if rng.random() < P_ASCII[channel]:
        given, family = _ascii(given), _ascii(family)
    given, family = _typos(rng, given, channel), _typos(rng, family, channel)
    if p.culture == "east_asian" and rng.random() < P_SWAP[channel]:
        given, family = family, given
    ocr = channel == "legacy" and rng.random() < 0.30
    if ocr:
        given, family = _ocr(rng, given), _ocr(rng, family)
    given, family = _case(rng, given, channel), _case(rng, family, channel)
    if rng.random() < 0.01:
        given = None
    if rng.random() < 0.01:
        family = None
    dob = _dob_text(rng, p, channel)

    # contact
    if channel == "gift":
        mates = [q for q in by_household[p.household] if q is not p]
        if mates and rng.random() < 0.4:
            buyer = rng.choice(mates)
        else:
            buyer = p
            while buyer is p:
                buyer = rng.choice(persons)
        email = buyer.work_email if buyer.work_email and rng.random() < 0.5 else (buyer.email or buyer.work_email)
        phone = (buyer.phone or buyer.landline) if rng.random() < P_PHONE[channel] else None
    else:
        email = None
        if rng.random() < P_EMAIL[channel]:
            if p.joint_email and rng.random() < 0.4:
                email = p.joint_email
            elif p.work_email and channel == "web" and rng.random() < 0.05:
                email = p.work_email
            else:
                email = p.email
        phone = None
        if rng.random() < P_PHONE[channel]:
            if p.landline and rng.random() < (0.5 if channel == "phone" else 0.15):
                phone = p.landline
            elif p.old_phone and rng.random() < (0.7 if channel == "legacy" else 0.3):
                phone = p.old_phone
            else:
                phone = p.phone or p.landline
    email = _email_text(rng, email)
    if ocr and email:
        email = _ocr(rng, email)
    phone = _phone_text(rng, phone, channel)

    # address
    street = unit = city = region = postal = None
    addr = p.address
    if p.old_address and rng.random() < {"legacy": 0.7, "retail": 0.4}.get(channel, 0.25):
        addr = p.old_address
    if rng.random() < P_ADDRESS[channel]:
        street = _street_text(rng, addr, channel)
        street, unit = _unit_parts(rng, addr, street)
        if ocr:
            street = _ocr(rng, street)
        if channel == "legacy" and rng.random() < 0.5:
            street = street.upper()
            unit = unit.upper() if unit else unit
        city = _city_text(rng, addr, channel)
        region = _region_text(rng, addr, channel)
        postal = _postal_text(rng, addr, channel)
    elif channel == "app" and rng.random() < 0.30:
        postal = _postal_text(rng, addr, channel)
    return dict(first_name=given, last_name=family, dob=dob, email=email, phone=phone, street=street,
                unit=unit, city=city, region=region, postal_code=postal, channel=channel, true_person=p.pid)


def generate(people: int = 4000, seed: int = 23) -> pd.DataFrame:
    """One merged customer table with a `true_person` column (deterministic for (people, seed))."""
    rng = Random(seed)
    persons = _population(rng, people)
    by_household: dict[str, list[Person]] = {}
    for p in persons:
        by_household.setdefault(p.household, []).append(p)
    rows = []
    for p in persons:
        for _ in range(p.records):
            channel = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]
            rows.append(_record(rng, p, channel, persons, by_household))
    rng.shuffle(rows)
    for i, row in enumerate(rows, 1):
        row["record_id"] = f"S{i:07d}"
    return pd.DataFrame(rows, columns=COLUMNS)


def _stats(frame: pd.DataFrame) -> str:
    lines = [f"records {len(frame)}  persons {frame['true_person'].nunique()}  "
             f"records/person {len(frame) / max(1, frame['true_person'].nunique()):.2f}"]
    lines.append("channels: " + ", ".join(f"{k} {v}" for k, v in frame["channel"].value_counts().items()))
    lines.append("missing: " + ", ".join(f"{c} {frame[c].isna().mean():.0%}" for c in COLUMNS if frame[c].isna().any()))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--out", help="write the table here (.csv or .parquet)")
    ap.add_argument("--stats", action="store_true", help="print a short summary")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    frame = generate(people=args.people, seed=args.seed)
    elapsed = time.perf_counter() - t0
    if args.out:
        if args.out.endswith(".parquet"):
            frame.to_parquet(args.out, index=False)
        else:
            frame.to_csv(args.out, index=False)
    if args.stats or not args.out:
        print(_stats(frame))
        print(f"generated in {elapsed:.2f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
