"""US places, streets, e-mail domains and retail vocabulary for the demo generator."""

# (city, state, area codes, first zip, last zip, UTC offset in hours (standard time), weight)
CITIES = [
    ("Boston", "MA", (617, 857), 2108, 2136, -5, 6),
    ("Cambridge", "MA", (617, 857), 2138, 2142, -5, 2),
    ("Worcester", "MA", (508, 774), 1601, 1610, -5, 2),
    ("Providence", "RI", (401,), 2903, 2909, -5, 2),
    ("Hartford", "CT", (860, 959), 6101, 6112, -5, 2),
    ("Portland", "ME", (207,), 4101, 4103, -5, 1),
    ("Burlington", "VT", (802,), 5401, 5408, -5, 1),
    ("Manchester", "NH", (603,), 3101, 3109, -5, 1),
    ("Newark", "NJ", (973, 862), 7102, 7114, -5, 2),
    ("Jersey City", "NJ", (201, 551), 7302, 7311, -5, 2),
    ("New York", "NY", (212, 646, 917, 332), 10001, 10040, -5, 12),
    ("Brooklyn", "NY", (718, 347, 929), 11201, 11239, -5, 8),
    ("Buffalo", "NY", (716,), 14201, 14227, -5, 2),
    ("Philadelphia", "PA", (215, 267, 445), 19102, 19154, -5, 6),
    ("Pittsburgh", "PA", (412, 878), 15201, 15237, -5, 3),
    ("Baltimore", "MD", (410, 443, 667), 21201, 21239, -5, 3),
    ("Washington", "DC", (202,), 20001, 20020, -5, 3),
    ("Richmond", "VA", (804,), 23219, 23237, -5, 2),
    ("Charlotte", "NC", (704, 980), 28202, 28277, -5, 3),
    ("Raleigh", "NC", (919, 984), 27601, 27617, -5, 2),
    ("Atlanta", "GA", (404, 470, 678), 30303, 30350, -5, 5),
    ("Miami", "FL", (305, 786), 33125, 33186, -5, 4),
    ("Orlando", "FL", (407, 321, 689), 32801, 32839, -5, 3),
    ("Tampa", "FL", (813, 656), 33602, 33647, -5, 3),
    ("Nashville", "TN", (615, 629), 37201, 37221, -6, 3),
    ("New Orleans", "LA", (504,), 70112, 70131, -6, 2),
    ("Chicago", "IL", (312, 773, 872), 60601, 60661, -6, 9),
    ("Detroit", "MI", (313,), 48201, 48239, -5, 3),
    ("Columbus", "OH", (614, 380), 43201, 43235, -5, 3),
    ("Cleveland", "OH", (216,), 44101, 44135, -5, 2),
    ("Indianapolis", "IN", (317, 463), 46201, 46260, -5, 3),
    ("Milwaukee", "WI", (414,), 53202, 53233, -6, 2),
    ("Minneapolis", "MN", (612,), 55401, 55455, -6, 3),
    ("St. Louis", "MO", (314,), 63101, 63147, -6, 2),
    ("Kansas City", "MO", (816,), 64101, 64158, -6, 2),
    ("Dallas", "TX", (214, 469, 972), 75201, 75254, -6, 6),
    ("Houston", "TX", (713, 281, 832, 346), 77002, 77099, -6, 8),
    ("Austin", "TX", (512, 737), 78701, 78759, -6, 4),
    ("San Antonio", "TX", (210, 726), 78201, 78260, -6, 4),
    ("Denver", "CO", (303, 720), 80202, 80239, -7, 4),
    ("Phoenix", "AZ", (602, 480, 623), 85003, 85054, -7, 5),
    ("Las Vegas", "NV", (702, 725), 89101, 89149, -8, 3),
    ("Salt Lake City", "UT", (801, 385), 84101, 84124, -7, 2),
    ("Seattle", "WA", (206,), 98101, 98199, -8, 5),
    ("Portland", "OR", (503, 971), 97201, 97236, -8, 3),
    ("San Francisco", "CA", (415, 628), 94102, 94134, -8, 5),
    ("Oakland", "CA", (510, 341), 94601, 94621, -8, 2),
    ("San Jose", "CA", (408, 669), 95110, 95148, -8, 3),
    ("Los Angeles", "CA", (213, 310, 323, 424, 818), 90001, 90068, -8, 12),
    ("San Diego", "CA", (619, 858), 92101, 92154, -8, 5),
    ("Sacramento", "CA", (916, 279), 95811, 95838, -8, 2),
]

STREET_NAMES = """
Main Oak Maple Cedar Pine Elm Washington Lake Hill Park Walnut Chestnut Spruce Willow Birch Cherry
Highland Jefferson Lincoln Madison Franklin Adams Jackson Church Mill River Spring Center Union
Market Water Prospect Pleasant Summit Forest Ridge Sunset Meadow Valley Woodland Fairview Lakeview
Greenwood Hillcrest Riverside Orchard Broad High School Bridge Academy Liberty Grove Laurel Magnolia
Sycamore Hickory Dogwood Poplar Aspen Cypress Juniper Holly Vine Locust Beech Ash Mulberry Hawthorn
Heritage Colonial Windsor Cambridge Oxford Hamilton Monroe Harrison Grant Sherman Kennedy Roosevelt
Wilson Taylor Clinton Virginia Carolina Georgia Ocean Bay Harbor Canal Railroad Depot Rosewood
Briarwood Quail Cardinal Bluebird Eagle Falcon Heather Jasmine Primrose Lexington Concord Salem
Dartmouth Princeton Yale Columbia Amherst Berkeley Stanford Lafayette Bunker Beacon Commonwealth
Atlantic Pacific Central College Division Garden Green Mountain Pearl Pleasant Royal State Vernon
""".split()
ORDINAL_STREETS = ["1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th", "12th",
                   "14th", "15th", "16th", "18th", "21st", "23rd", "34th", "42nd"]

# USPS abbreviation (canonical, title case) -> spelled-out form
STREET_TYPES = {
    "St": "Street", "Ave": "Avenue", "Rd": "Road", "Blvd": "Boulevard", "Dr": "Drive",
    "Ln": "Lane", "Ct": "Court", "Pl": "Place", "Ter": "Terrace", "Way": "Way", "Cir": "Circle",
    "Pkwy": "Parkway", "Sq": "Square", "Hwy": "Highway",
}
STREET_TYPE_WEIGHTS = {"St": 30, "Ave": 20, "Rd": 12, "Blvd": 4, "Dr": 10, "Ln": 6, "Ct": 5, "Pl": 4,
                       "Ter": 2, "Way": 3, "Cir": 2, "Pkwy": 1, "Sq": 0.5, "Hwy": 0.5}
DIRECTIONS = {"N": "North", "S": "South", "E": "East", "W": "West"}
UNIT_TYPES = {"Apt": "Apartment", "Unit": "Unit", "Ste": "Suite"}

# personal mailbox providers with rough market share, and common typos of them
EMAIL_DOMAINS = {
    "gmail.com": 40, "yahoo.com": 14, "hotmail.com": 9, "outlook.com": 8, "icloud.com": 8,
    "aol.com": 5, "comcast.net": 4, "msn.com": 3, "verizon.net": 2, "protonmail.com": 2,
    "att.net": 2, "me.com": 2, "live.com": 1,
}
DOMAIN_TYPOS = {
    "gmail.com": ["gmial.com", "gmai.com", "gamil.com", "gmail.con", "gnail.com"],
    "yahoo.com": ["yaho.com", "yahooo.com", "yahoo.con"],
    "hotmail.com": ["hotmial.com", "hotmal.com", "hotmail.co"],
    "outlook.com": ["outlok.com", "outloook.com"],
    "icloud.com": ["iclod.com", "icloud.co"],
    "aol.com": ["aol.co", "aoll.com"],
    "comcast.net": ["comcast.com", "comcas.net"],
}

COMPANIES = """
acme globex initech umbrella-corp hooli vandelay wayne-ent stark-ind cyberdyne soylent wonka
gringotts monarch-labs oscorp tyrell massive-dynamic pied-piper aperture blue-sun weyland nakatomi
dunder-mifflin sterling-cooper prestige-ww bluth-co krusty-corp virtucon gekko-co genco-olive
northwind contoso fabrikam tailspin adventure-works litware proseware woodgrove fourth-coffee
""".split()

# Product lines. Positions matter: the generator draws indices, so renaming keeps the estate's
# random streams (and everything else in it) unchanged.
CATEGORIES = ["womenswear", "menswear", "beauty", "home", "laptops", "toys", "grocery", "outdoor",
              "sports", "books", "jewelry", "garden"]
CATEGORY_PRICE = {"womenswear": 45, "menswear": 80, "beauty": 25, "home": 60, "laptops": 650,
                  "toys": 30, "grocery": 12, "outdoor": 90, "sports": 55, "books": 18, "jewelry": 120,
                  "garden": 35}
