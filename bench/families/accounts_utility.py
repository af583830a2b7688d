"""accounts_utility: a held-out family -- a UK / Irish / Canadian energy + broadband + mobile utility.

Specification (fixed before looking at any output; every record is an independent corrupted copy
of its person, drawn with `random.Random(seed)` only):

People and households (UK 50% / IE 25% / CA 25%; a household shares country, city, address and,
when it has one, a landline -- UK 45%, IE 35%, CA 55%, +20 points for families, 15% for flatmates):
  single 36%, couple 25% (opposite sex 88%; 60% "married": she takes his surname 70% in UK/IE and
  English Canada, 10% in French Quebec; her maiden name is kept on the person), flatmates 2-4 with
  different surnames aged 20-35 in a shared house or flat 10%, parent(s) + 1-2 adult children of
  one surname 17%, twins 6% (same dob, surname and address; first names 1/3 same initial, 1/3
  similar like Louis/Louise or Sean/Shane, 1/3 unrelated; with a parent 50%), father/son with the
  same first and last name 6% (60% living together, "Snr"/"Jnr" (UK/IE) or "Sr"/"Jr" (CA) written
  into the surname on 25% of their records). Namesakes: 10% of household heads get one of a short
  list of very common names for their country ("John Murphy", "John Smith", "Marc Tremblay", ...);
  cities are strongly weighted (London, Dublin, Toronto, Montreal) so namesakes share a city;
  surnames are Zipf-weighted. Canadian people are French-named by city (Quebec City 90%, Montreal
  65%, Laval 70%, Gatineau 60%, Ottawa 20%, elsewhere 5%).
  Housing: rented 45% of singles, 30% couples, 95% flatmates, 15% families, 20% twins/father-son;
  flats: 65% of rented and 20% of owned homes (Dublin/Montreal more). Flats live in buildings shared
  with other households: UK converted houses (2-3 flats: "Ground Floor Flat"/"GFF" or "Flat A"/"10A")
  and blocks (4-30 flats, sometimes named: "Flat 12, Kestrel House, 40 Station Rd"), Irish
  apartment complexes ("Apartment 4, Riverside Court, Bridge Street"), Canadian units ("4B-123 Main
  St", "Apt 304, ...", "1234, rue Saint-Denis, app. 2"). 8% of Irish non-Dublin homes are named
  houses in a townland ("Rose Cottage, Ballyvolane"), no number.
  Movers: 15% of households moved (70% within their city); 30% of vacated homes are re-let to a
  later household (old address of one = current address of another).
  Landlords: in each city about one owner-occupier head per 4 rented homes is a landlord of those
  homes; 70% of rented homes are managed by one of 2-3 letting agents per city (office address,
  office phone, lettings@ email).
  Phones: mobile 95% of people; 12% changed mobile (old one on 40% of records).
  Emails: one personal (15%: a second, used on 30%), name-based local parts, unique per person;
  35% of couples/families share a household email ("theoneills@", "johnandmary@") on 40% of their
  records.
Records per person: 1:18% 2:24% 3:25% 4:16% 5:10% 6:5% 7:2% (mean ~3.0).
Sources (weights): billing 28, smart_app 18, installer 12, dd_mandate 14, crm 16, moving 6 (movers
  only), letting 6 (tenants of an agent-managed home and landlords only); ineligible sources are
  simply left out of the draw for that person.
Missingness (dob / email / phone / street / postcode):
  billing 30/25/10/0/2, smart_app 55/0/35/20/8 (postcode kept when street dropped 60%),
  installer 95/60/5/0/15, dd_mandate 100/70/60/10/5, crm 60/50/5/40/30, moving 40/10/15/0/5,
  letting 80/40/30/0/5; IE Eircode additionally missing 35% (billing 20%); city missing 5%
  (crm 20%) when a postcode is present; smart_app last name missing 5%; crm first name given
  as a bare title ("Mrs") 4%.
Names: typos per name field 0:82% 1:15% 2:3% (crm 0:65/1:27/2:8 keyboard: transposition, drop,
  double, neighbour key; installer 0:62/1:28/2:10, 80% of them OCR confusions O/0 I/1 S/5 B/8 Z/2
  G/6 U/V E/F M/N rn/m cl/d on upper-cased text); upper case: installer 85%, dd_mandate 100%,
  letting 30%, billing 10% (plus naive capitalisation "Mcdonald"/"O'neill" 20%); smart_app lower 25%.
  Nicknames (Liam/William, Paddy/Patrick, JF/Jean-Francois, Nuala/Fionnuala, ...): crm 40%,
  app 30%, installer 20%, letting 15%, moving 10%, billing 8%, dd 0%. Phonetic spellings of Irish
  names by agents (Niamh->Neve, Siobhan->Shivaun, Caoimhe->Keeva): crm 30%, letting 20%,
  installer 20%. Accents stripped: installer/dd 100%, crm 60%, billing 30%, app 10%.
  Surname forms: O'/D' kept 60%, "O Neill" 15%, "ONeill" 20%, "O`Neill" 5%; Mac/Mc swapped 8%,
  "Mc Carthy" 5%; "St-Pierre"/"St Pierre"/"Saint-Pierre"/"StPierre"; hyphenated first names
  "Jean-Francois"/"Jean Francois"/"Jeanfrancois"/"Jean". Maiden name on 15% (dd 25%) of a married
  woman's records, double-barrelled maiden-married 5%. Middle name in the first-name field: billing 6%,
  app 3%. Titles in the first-name field: billing 5%. First/last swapped: letting 6%, installer 5%,
  crm 4%, others 1%. Direct-debit holder names (BACS-style, 18 characters, surname truncated to fit):
  "MR J P" 35%, "J P"/"J" 20%, "JOHN P" 25%, "MR JOHN" 10%, joint "MR J & MRS M" 10% (couples
  sharing a surname, otherwise "MR J P"); apostrophes dropped by the bank 30%.
Date of birth: UK/IE billing dd/mm/yyyy, app yyyy-mm-dd, installer d/m/yy, crm dd/mm/yyyy 60% /
  dd/mm/yy 25% / dd-mm-yyyy 15%, moving "12 Mar 1985" 50% / dd/mm/yyyy, letting dd/mm/yyyy or
  dd.mm.yyyy; CA billing yyyy-mm-dd, app ISO, installer mm/dd/yy, crm mm/dd/yyyy (dd/mm/yyyy for
  French-named people), moving "Mar 12, 1985" 50% / ISO, letting mm/dd/yyyy. Mis-keyed 5% (crm and
  installer 8%): day/month swapped when both <= 12 40%, off by one day 25%, off by one year 20%,
  two year digits transposed 15%. Billing legacy placeholder 01/01/1900 on 1% of records.
Emails: domains by country (btinternet, sky, eircom, videotron, sympatico, ...); domain typo 3%
  (installer 8%: gmial.com, gmail.con, hotmail.co.uk->hotmail.com, eircom.com, ...), local-part typo
  crm 5% / installer 6%; installer upper case 50%; letting: agent's office email 15%.
Phones: UK 07xxx xxxxxx / +44 7xxx xxxxxx / 447... / 0044 ... / 020 7946 0123 / +44 (0)161 ...,
  IE 087 123 4567 / +353 87 ... / 00353... / (01) 234 5678, CA (514) 555-0123 / 514-555-0123 /
  514 555-0123 / 514.555.0123 / +1 514 ... / 1-514-...; landline used on 25% of records when the
  household has one; wrong digit 2%, crm transposition 4%, installer OCR digit (1/7 3/8 0/6 4/9 5/6)
  6%, dropped digit 1%; letting: agent's office phone 25%.
Addresses: street types full 50% / abbreviated 35% / with dot or alt 15% (billing standardised
  abbreviation 70%); flat/unit shown 80% when there is one (installer 90, dd 65, app 75, crm 70);
  movers: old address on 35% of records (billing 40%, app 15%, dd 40%, moving 50%, letting 20%);
  street typo 2% (crm 5%, installer OCR 8%); UK postcodes shared by ~16 neighbouring numbers of a
  street, with space 75% / no space 18% / lower case 5% / OCR 8% on installer; Eircodes unique per
  dwelling (flats included), "D08 X2Y3" 65% / no space 30% / lower 5%; CA postal codes shared by a
  street block, "H2X 1Y4" 60% / "H2X1Y4" 30% / lower 10%. City: variants (Dublin 8/D8/Co. Dublin,
  Montreal/Montreal (accented)/MTL, Newcastle upon Tyne/Newcastle) 12%, CA province appended 15%,
  upper case on installer, typo 2%. Letting feed: agent office address 8% of tenant records;
  landlord records are at a let property ("void" billing) 45% / agent office 25% / own home 30%.
Extra columns (no role): country.
"""

from __future__ import annotations

import random

import pandas as pd

COLUMNS = ["record_id", "source", "first_name", "last_name", "dob", "email", "phone", "street", "city",
           "postcode", "true_person", "country"]

# ----------------------------------------------------------------------------------- name pools
UK_M = ("James John David Michael Robert William Thomas Richard Paul Mark Daniel Christopher Andrew "
        "Stephen Matthew Peter Anthony Joseph Edward Alexander Benjamin Samuel Oliver Harry Jack "
        "George Charlie Jacob Mohammed Ryan Liam Connor Gareth Rhys Dylan Callum Jamie Craig Stuart "
        "Gary Kevin Simon Ian Neil Graham Arjun Rajesh Francis Philip").split()
UK_F = ("Sarah Emma Claire Laura Rebecca Charlotte Emily Sophie Jessica Hannah Lucy Amy Katherine "
        "Elizabeth Margaret Susan Helen Karen Julie Alison Rachel Victoria Louise Jennifer Nicola "
        "Joanne Gemma Olivia Amelia Isla Ava Chloe Megan Bethan Catrin Fiona Kirsty Priya Fatima "
        "Aisha Zoe Jane Mary Patricia Deborah Michelle Frances").split()
IE_M = ("Seán Patrick Pádraig Michael John Conor Ciarán Eoin Oisín Cian Darragh Niall Declan Dermot "
        "Donal Fergal Colm Cathal Ronan Shane Kevin Brian Gerard Liam Aidan Fionn Tadhg Diarmuid "
        "Eamon Eoghan Killian Thomas James David Mark Stephen Noel Brendan Cillian Paul").split()
IE_F = ("Siobhán Niamh Aoife Caoimhe Saoirse Róisín Gráinne Sinéad Orla Clodagh Ciara Áine Deirdre "
        "Fionnuala Bríd Sadhbh Emer Aisling Eimear Mairéad Mary Margaret Catherine Bernadette Sarah "
        "Emma Laura Anne Louise Sorcha Nuala Maeve Méabh Éabha Michelle").split()
CA_M = ("Michael David James Robert John Christopher Daniel Matthew Ryan Tyler Brandon Justin Kyle "
        "Ethan Logan Andrew Kevin Jason Steven Mark Paul Wei Jun Raj Gurpreet Hardeep Minh Liam "
        "Connor Eric Simon Alexander").split()
CA_F = ("Jennifer Sarah Ashley Jessica Amanda Megan Stephanie Samantha Kayla Emily Madison Lauren "
        "Nicole Michelle Rebecca Laura Heather Mei Ling Harpreet Simran Emma Olivia Erica Julie "
        "Christine Paula").split()
FR_M = ("Jean Jean-François Jean-Philippe Marc-André Pierre-Luc Mathieu Sébastien Stéphane François "
        "Étienne Guillaume Olivier Maxime Alexandre Luc Michel Réjean Gilles Benoît Frédéric Louis "
        "Philippe Simon Nicolas Jérôme Yves Denis André Marc Julien").split()
FR_F = ("Marie Marie-Ève Marie-Claude Anne-Marie Geneviève Isabelle Chantal Josée Nathalie Sylvie "
        "Mélanie Catherine Émilie Valérie Julie Audrey Camille Stéphanie Véronique Sophie Manon "
        "Louise Jeanne Élise Annie Caroline Simone").split()

UK_S = ("Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Roberts Johnson Lewis Walker "
        "Robinson Wood Thompson White Watson Jackson Wright Green Harris Cooper King Lee Martin Clarke "
        "James Morgan Hughes Edwards Hill Moore Clark Harrison Scott Young Morris Hall Ward Turner "
        "Carter Phillips Mitchell Patel Khan Ahmed Singh MacDonald McLean Campbell Stewart Murray "
        "Fraser Anderson MacLeod McKenzie O'Neill Kaur Ali Hussain Begum Shah Price Bennett Griffiths "
        "Lloyd Ellis Fox D'Souza Baker Russell Knight").split()
IE_S = ("Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor O'Neill O'Reilly Doyle McCarthy "
        "Gallagher O'Doherty Kennedy Lynch Murray Quinn Moore McLoughlin O'Carroll Connolly Daly "
        "O'Connell Wilson Dunne Brennan Burke Collins Campbell Clarke Johnston Hughes O'Farrell "
        "Fitzgerald Brown Martin Maguire Nolan Flynn Thompson O'Callaghan O'Donnell Duffy Mahony "
        "MacNamara McGrath Ní Bhriain Ó Sé D'Arcy Power Whelan Kavanagh McDonagh Fitzpatrick").split(" ")
CA_S = ("Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier "
        "Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier "
        "Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin St-Pierre Saint-Onge D'Amours "
        "Smith Brown Martin Wilson MacDonald Taylor Campbell Anderson Lee Wong Nguyen Singh Patel "
        "Leung Chen Li Kim MacKenzie Thompson Johnson Williams O'Brien McNeil Wang").split()
FR_S = set("Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier "
           "Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier "
           "Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin St-Pierre Saint-Onge D'Amours "
           "Martin".split())
IE_S = [s for s in IE_S if s]
IE_S = [("Ní Bhriain" if s == "Ní" else s) for s in IE_S if s not in ("Bhriain", "Sé")]
IE_S = [("Ó Sé" if s == "Ó" else s) for s in IE_S]

COMMON = {
    "UK": [("John", "Smith", "M"), ("David", "Jones", "M"), ("Sarah", "Williams", "F"),
           ("James", "Brown", "M"), ("Emma", "Taylor", "F"), ("Michael", "Wilson", "M"),
           ("Mohammed", "Khan", "M"), ("Mohammed", "Ali", "M"), ("Claire", "Evans", "F")],
    "IE": [("John", "Murphy", "M"), ("Mary", "Kelly", "F"), ("Patrick", "Walsh", "M"),
           ("Michael", "O'Brien", "M"), ("Seán", "Ryan", "M"), ("Mary", "Byrne", "F"),
           ("Siobhán", "Murphy", "F"), ("Michael", "Kelly", "M")],
    "CA": [("Marc", "Tremblay", "M"), ("Marie", "Tremblay", "F"), ("Michael", "Smith", "M"),
           ("Jennifer", "Brown", "F"), ("Jean", "Gagnon", "M"), ("David", "Lee", "M"),
           ("Wei", "Wang", "M"), ("Sarah", "Wilson", "F")],
}

NICK = {
    "william": ["Bill", "Will", "Liam", "Billy"], "patrick": ["Pat", "Paddy"], "pádraig": ["Paddy", "Pat"],
    "margaret": ["Peggy", "Maggie", "Mags"], "elizabeth": ["Liz", "Beth", "Lizzie"],
    "james": ["Jim", "Jimmy", "Jamie"], "robert": ["Rob", "Bob", "Robbie"],
    "michael": ["Mike", "Mick", "Mikey"], "thomas": ["Tom", "Tommy"], "catherine": ["Kate", "Cathy"],
    "katherine": ["Kate", "Kathy", "Katie"], "jennifer": ["Jen", "Jenny"], "anthony": ["Tony"],
    "christopher": ["Chris"], "daniel": ["Dan", "Danny"], "david": ["Dave"],
    "edward": ["Ed", "Eddie", "Ted"], "joseph": ["Joe"], "richard": ["Rich", "Rick"],
    "stephen": ["Steve"], "steven": ["Steve"], "andrew": ["Andy", "Drew"], "alexander": ["Alex"],
    "jean-françois": ["JF"], "jean-philippe": ["JP"], "marie-ève": ["Marie"], "marc-andré": ["Marc"],
    "pierre-luc": ["PL"], "sébastien": ["Seb"], "mathieu": ["Matt"], "nicolas": ["Nic", "Nico"],
    "isabelle": ["Isa"], "philippe": ["Phil"], "geneviève": ["Gen"], "deirdre": ["Dee"],
    "bernadette": ["Bernie"], "gerard": ["Ger", "Gerry"], "declan": ["Dec"],
    "fionnuala": ["Nuala", "Finola"], "kevin": ["Kev"], "matthew": ["Matt"], "samuel": ["Sam"],
    "benjamin": ["Ben"], "victoria": ["Vicky", "Tori"], "rebecca": ["Becky", "Becca"],
    "jessica": ["Jess"], "charlotte": ["Charlie", "Lottie"], "nicola": ["Nicky"], "susan": ["Sue"],
    "deborah": ["Debbie", "Deb"], "patricia": ["Pat", "Trish"], "samantha": ["Sam"],
    "stephanie": ["Steph"], "christine": ["Chris", "Tina"], "frances": ["Fran"], "francis": ["Frank"],
    "philip": ["Phil"], "peter": ["Pete"], "jacob": ["Jake"], "mohammed": ["Mo"],
    "alexandre": ["Alex"], "frédéric": ["Fred"], "valérie": ["Val"], "cathal": ["Cal"],
    "eamon": ["Ned"], "mary": ["Molly"], "amanda": ["Mandy"], "jonathan": ["Jon"],
}
PHONETIC = {
    "niamh": ["Neve", "Neeve"], "siobhán": ["Shivaun", "Chevonne", "Shevaun"], "caoimhe": ["Keeva", "Keva"],
    "saoirse": ["Seersha", "Sersha"], "aoife": ["Eefa", "Eva"], "sadhbh": ["Sive"], "oisín": ["Osheen"],
    "sinéad": ["Shinade", "Sinead"], "gráinne": ["Grania", "Graunya"], "róisín": ["Rosheen"],
    "mairéad": ["Maraid", "Moira"], "méabh": ["Maeve"], "éabha": ["Ava"], "tadhg": ["Tige", "Teague"],
    "diarmuid": ["Dermot", "Dermod"], "eoghan": ["Owen", "Eoin"], "eoin": ["Owen"],
    "cillian": ["Killian"], "ciarán": ["Kieran"], "pádraig": ["Padraic", "Porick"], "seán": ["Shaun", "Shawn"],
    "darragh": ["Dara"], "bríd": ["Breed", "Bridget"], "clodagh": ["Cloda"], "mohammed": ["Muhammad", "Mohamed"],
}
TWIN_SIMILAR = [("Daniel", "Danielle"), ("Louis", "Louise"), ("Jean", "Jeanne"), ("Ciarán", "Ciara"),
                ("Seán", "Shane"), ("Michael", "Michelle"), ("Paul", "Paula"), ("Christopher", "Christine"),
                ("Francis", "Frances"), ("Simon", "Simone"), ("Eric", "Erica"), ("Julien", "Julie"),
                ("Alexander", "Alexandra"), ("Aidan", "Aoife"), ("Marc", "Marie")]
SIMILAR_SEX = {"Danielle": "F", "Louise": "F", "Jeanne": "F", "Ciara": "F", "Shane": "M", "Michelle": "F",
               "Paula": "F", "Christine": "F", "Frances": "F", "Simone": "F", "Erica": "F", "Julie": "F",
               "Alexandra": "F", "Aoife": "F", "Marie": "F"}

# ----------------------------------------------------------------------------------- places
CITIES = {
    "UK": [("London", 30), ("Manchester", 12), ("Birmingham", 10), ("Leeds", 8), ("Glasgow", 8),
           ("Bristol", 6), ("Cardiff", 5), ("Belfast", 5), ("Edinburgh", 6), ("Liverpool", 6),
           ("Newcastle upon Tyne", 4)],
    "IE": [("Dublin", 45), ("Cork", 18), ("Galway", 10), ("Limerick", 8), ("Waterford", 5),
           ("Kilkenny", 4), ("Sligo", 3), ("Athlone", 3)],
    "CA": [("Toronto", 25), ("Montréal", 22), ("Vancouver", 12), ("Ottawa", 10), ("Calgary", 8),
           ("Québec", 6), ("Halifax", 5), ("Winnipeg", 4), ("Laval", 4), ("Gatineau", 4)],
}
COUNTRY_W = [("UK", 50), ("IE", 25), ("CA", 25)]
FRENCH_SHARE = {"Québec": 0.9, "Montréal": 0.65, "Laval": 0.7, "Gatineau": 0.6, "Ottawa": 0.2}
PROVINCE = {"Toronto": "ON", "Ottawa": "ON", "Montréal": "QC", "Québec": "QC", "Laval": "QC",
            "Gatineau": "QC", "Vancouver": "BC", "Calgary": "AB", "Halifax": "NS", "Winnipeg": "MB"}
CITY_VARIANTS = {
    "Newcastle upon Tyne": ["Newcastle", "Newcastle-upon-Tyne", "Newcastle Upon Tyne"],
    "London": ["Greater London", "London"], "Glasgow": ["Glasgow City"],
    "Cork": ["Cork City", "Co. Cork", "Co Cork"], "Galway": ["Galway City", "Co. Galway"],
    "Limerick": ["Limerick City", "Co. Limerick"], "Waterford": ["Co. Waterford"],
    "Kilkenny": ["Co. Kilkenny"], "Sligo": ["Co. Sligo"], "Athlone": ["Athlone, Co. Westmeath"],
    "Montréal": ["Montreal", "MTL", "Montréal (QC)"], "Québec": ["Quebec", "Quebec City", "Ville de Québec"],
    "Gatineau": ["Hull"], "Laval": ["Chomedey", "Laval QC"], "Toronto": ["North York", "Scarborough"],
    "Vancouver": ["Van"], "Ottawa": ["Nepean"],
}
UK_OUT = {"London": ["SW11", "E14", "N7", "SE15", "NW6", "W12", "E17", "N16"], "Manchester": ["M14", "M20", "M4", "M16"],
          "Birmingham": ["B15", "B29", "B13"], "Leeds": ["LS6", "LS11", "LS8"], "Glasgow": ["G12", "G41", "G3"],
          "Bristol": ["BS6", "BS3", "BS7"], "Cardiff": ["CF24", "CF11", "CF14"], "Belfast": ["BT9", "BT7", "BT4"],
          "Edinburgh": ["EH6", "EH9", "EH11"], "Liverpool": ["L17", "L8", "L15"], "Newcastle upon Tyne": ["NE6", "NE2", "NE4"]}
IE_KEY = {"Cork": ["T12", "T23"], "Galway": ["H91"], "Limerick": ["V94"], "Waterford": ["X91"], "Kilkenny": ["R95"],
          "Sligo": ["F91"], "Athlone": ["N37"]}
CA_FSA = {"Toronto": ["M5V", "M4C", "M6G", "M6P", "M4L"], "Montréal": ["H2X", "H2J", "H3A", "H1N", "H2T"],
          "Vancouver": ["V6B", "V5K", "V5L"], "Ottawa": ["K1N", "K2P", "K1S"], "Calgary": ["T2P", "T3A"],
          "Québec": ["G1R", "G1K"], "Halifax": ["B3H", "B3K"], "Winnipeg": ["R3C", "R2M"], "Laval": ["H7N", "H7T"],
          "Gatineau": ["J8X", "J9H"]}
UK_AREA = {"London": "20", "Manchester": "161", "Birmingham": "121", "Leeds": "113", "Glasgow": "141",
           "Bristol": "117", "Cardiff": "29", "Belfast": "28", "Edinburgh": "131", "Liverpool": "151",
           "Newcastle upon Tyne": "191"}
IE_AREA = {"Dublin": "1", "Cork": "21", "Galway": "91", "Limerick": "61", "Waterford": "51", "Kilkenny": "56",
           "Sligo": "71", "Athlone": "90"}
CA_AREA = {"Toronto": ["416", "647", "437"], "Montréal": ["514", "438"], "Vancouver": ["604", "778"],
           "Ottawa": ["613", "343"], "Calgary": ["403", "587"], "Québec": ["418", "581"], "Halifax": ["902"],
           "Winnipeg": ["204"], "Laval": ["450"], "Gatineau": ["819", "873"]}

UK_STREETS = ("High Church Station Victoria Park Queen's Mill King Green Manor Albert Grange Springfield "
              "Chapel Windsor York Beech Elm Oak Cedar Willow Meadow Richmond Cromwell Stanley Wellington "
              "Clarence Hamilton Albany Kingsley Hawthorn Orchard Brook Castle Abbey Moor Heath").split()
UK_TYPES = ["Street", "Road", "Avenue", "Lane", "Close", "Drive", "Crescent", "Place", "Terrace", "Gardens",
            "Grove", "Way"]
IE_STREETS = ("Main Church Bridge Castle Patrick O'Connell Parnell Dominick Abbey Seaview Ashgrove Glenview "
              "Oakpark Ashfield Beechwood Cherry Orchard Hazelwood Millbrook Woodlawn Kilmore Ballinteer "
              "Rathmore Clonard Greenfield Mount Eagle Willow").split()
IE_TYPES = ["Street", "Road", "Avenue", "Park", "Drive", "Lawn", "Grove", "Court", "Crescent", "Close",
            "Heights", "View"]
IE_BLOCKS = ["The Maltings", "Riverside Court", "Harbour View", "The Granary", "Millbrook Apartments",
             "Custom House Square", "The Elms", "Beacon Court", "Dockside", "Canal View"]
IE_HOUSES = ["Rose Cottage", "The Willows", "Ard na Gréine", "Hillview", "Shalom", "Tír na nÓg", "Glenbeigh",
             "The Orchard", "Cois Abhann", "Sunnyside"]
IE_TOWNLANDS = ["Ballyvolane", "Knocknacarra", "Rahoon", "Ballincollig", "Gortnacloy", "Killeen", "Drumcliff",
                "Carrowmore", "Castletroy", "Dunmore"]
UK_BLOCKS = ["Kestrel House", "Victoria Court", "Albion Mansions", "Regent House", "Riverside Point",
             "Maple Court", "Sovereign House", "The Foundry", "Clock Tower Mews", "Park View"]
CA_STREETS_EN = ("Main King Queen Yonge Bay Maple Oak Elm Cedar Pine Birch Church Victoria Wellington Dundas "
                 "Bloor Spadina Bathurst Sherbrooke Portage Jasper Granville Elgin Bank St. Clair").split()
CA_STREETS_EN = [("St. Clair" if s == "St." else s) for s in CA_STREETS_EN if s != "Clair"]
CA_TYPES = ["Street", "Avenue", "Road", "Drive", "Boulevard", "Crescent", "Court"]
CA_STREETS_FR = [("rue", "Saint-Denis"), ("rue", "Sainte-Catherine"), ("boulevard", "René-Lévesque"),
                 ("avenue", "du Parc"), ("rue", "Sherbrooke"), ("rue", "de la Montagne"),
                 ("chemin", "de la Côte-des-Neiges"), ("rue", "Notre-Dame"), ("rue", "Principale"),
                 ("rue", "des Érables"), ("avenue", "Laurier"), ("avenue", "Papineau"), ("rue", "Saint-Hubert"),
                 ("boulevard", "Saint-Laurent"), ("rue", "Fleury"), ("avenue", "Christophe-Colomb")]
TYPE_ABBR = {"Street": ["St", "St."], "Road": ["Rd", "Rd."], "Avenue": ["Ave", "Ave.", "Av"], "Lane": ["Ln"],
             "Drive": ["Dr", "Dr."], "Crescent": ["Cres", "Cresc"], "Place": ["Pl"], "Terrace": ["Terr", "Tce"],
             "Gardens": ["Gdns"], "Grove": ["Gr"], "Court": ["Ct", "Crt"], "Close": ["Cl"], "Park": ["Pk"],
             "Way": ["Way"], "Boulevard": ["Blvd", "Blvd."], "Heights": ["Hts"], "Lawn": ["Lawn"], "View": ["Vw"],
             "rue": ["r."], "boulevard": ["boul.", "bd"], "avenue": ["av."], "chemin": ["ch."]}
AGENTS = {"UK": ["Hunters", "Bradley & Co", "Castle Lettings", "Northwood", "Belvoir", "Leaders"],
          "IE": ["Sherry FitzGerald", "DNG", "Lisney", "Hooke & MacDonald", "Quillsen"],
          "CA": ["Royal LePage Rentals", "Gestion Laurier", "Minto", "Greenwin", "Skyline Living"]}
DOMAINS = {"UK": [("gmail.com", 30), ("hotmail.co.uk", 15), ("yahoo.co.uk", 8), ("btinternet.com", 8),
                  ("outlook.com", 10), ("sky.com", 5), ("virginmedia.com", 5), ("icloud.com", 8), ("live.co.uk", 4)],
           "IE": [("gmail.com", 35), ("hotmail.com", 15), ("eircom.net", 10), ("yahoo.ie", 6),
                  ("outlook.ie", 6), ("icloud.com", 8), ("live.ie", 5)],
           "CA": [("gmail.com", 35), ("hotmail.com", 15), ("yahoo.ca", 8), ("outlook.com", 8),
                  ("videotron.ca", 8), ("sympatico.ca", 6), ("shaw.ca", 5), ("rogers.com", 6), ("icloud.com", 6)]}
DOMAIN_TYPO = {"gmail.com": ["gmial.com", "gmail.con", "gamil.com", "gmail.co", "gmal.com"],
               "hotmail.co.uk": ["hotmail.com", "hotmial.co.uk", "hotmail.co"], "hotmail.com": ["hotmial.com", "hotmail.co", "hotmil.com"],
               "yahoo.co.uk": ["yahoo.com", "yaho.co.uk"], "yahoo.ca": ["yahoo.com", "yahooo.ca"], "yahoo.ie": ["yahoo.com"],
               "btinternet.com": ["btinternet.co.uk", "btinterent.com"], "outlook.com": ["outlok.com", "outlook.co"],
               "eircom.net": ["eircom.com", "eircon.net"], "icloud.com": ["icould.com", "icloud.co"],
               "videotron.ca": ["videotron.com", "videotrom.ca"], "sympatico.ca": ["sympatico.com"],
               "sky.com": ["sky.co.uk"], "virginmedia.com": ["virginmedia.co.uk"], "live.co.uk": ["live.com"],
               "live.ie": ["live.com"], "outlook.ie": ["outlook.com"], "shaw.ca": ["shaw.com"], "rogers.com": ["roger.com"]}
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

SOURCES = [("billing", 28), ("smart_app", 18), ("installer", 12), ("dd_mandate", 14), ("crm", 16),
           ("moving", 6), ("letting", 6)]
# dob, email, phone, street, postcode missing rates
MISSING = {"billing": (0.30, 0.25, 0.10, 0.0, 0.02), "smart_app": (0.55, 0.0, 0.35, 0.20, 0.08),
           "installer": (0.95, 0.60, 0.05, 0.0, 0.15), "dd_mandate": (1.0, 0.70, 0.60, 0.10, 0.05),
           "crm": (0.60, 0.50, 0.05, 0.40, 0.30), "moving": (0.40, 0.10, 0.15, 0.0, 0.05),
           "letting": (0.80, 0.40, 0.30, 0.0, 0.05)}
NICK_P = {"crm": 0.40, "smart_app": 0.30, "installer": 0.20, "letting": 0.15, "moving": 0.10, "billing": 0.08,
          "dd_mandate": 0.0}
PHON_P = {"crm": 0.30, "letting": 0.20, "installer": 0.20}
STRIP_P = {"installer": 1.0, "dd_mandate": 1.0, "crm": 0.6, "billing": 0.3, "smart_app": 0.1, "moving": 0.2,
           "letting": 0.3}
SWAP_P = {"letting": 0.06, "installer": 0.05, "crm": 0.04}
TYPO_W = {"crm": (65, 27, 8), "installer": (62, 28, 10)}
FLAT_SHOW = {"installer": 0.9, "dd_mandate": 0.65, "smart_app": 0.75, "crm": 0.7}
OLD_ADDR_P = {"billing": 0.40, "smart_app": 0.15, "dd_mandate": 0.40, "moving": 0.50, "letting": 0.20}

ACCENTS = str.maketrans("áéíóúÁÉÍÓÚàèìòùâêîôûçÇëïüÉÈÊÎÔÂ", "aeiouAEIOUaeiouaeioucCeiuEEEIOA")
KEYROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
NEIGH: dict[str, str] = {}
for _r, _row in enumerate(KEYROWS):
    for _i, _c in enumerate(_row):
        _n = _row[max(0, _i - 1):_i] + _row[_i + 1:_i + 2]
        NEIGH[_c] = _n
OCR_UP = [("O", "0"), ("0", "O"), ("I", "1"), ("1", "I"), ("S", "5"), ("B", "8"), ("Z", "2"), ("G", "6"),
          ("U", "V"), ("V", "U"), ("E", "F"), ("M", "N"), ("N", "M"), ("RN", "M"), ("CL", "D"), ("O", "D"),
          ("D", "O"), ("C", "G"), ("H", "N"), ("A", "R"), ("L", "I"), ("Q", "O"), ("J", "I")]
OCR_LO = [("o", "0"), ("l", "1"), ("i", "l"), ("rn", "m"), ("m", "rn"), ("cl", "d"), ("u", "v"), ("e", "c"),
          ("a", "o"), ("n", "h"), ("h", "n"), ("g", "q")]
OCR_DIGIT = {"1": "7", "7": "1", "3": "8", "8": "3", "0": "6", "6": "0", "4": "9", "9": "4", "5": "6"}
PC_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
EIR_CHARS = "0123456789ACDEFHKNPRTVWXY"


# ----------------------------------------------------------------------------------- helpers
def _w(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _ascii(s):
    return s.translate(ACCENTS)


def _keytypo(s, rng):
    idx = [i for i, c in enumerate(s) if c.isalpha()]
    if len(idx) < 2:
        return s
    i = rng.choice(idx)
    op = rng.random()
    if op < 0.35 and i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if op < 0.65:
        return s[:i] + s[i + 1:]
    if op < 0.75:
        return s[:i] + s[i] + s[i:]
    c = s[i].lower()
    if c in NEIGH and NEIGH[c]:
        r = rng.choice(NEIGH[c])
        r = r.upper() if s[i].isupper() else r
        return s[:i] + r + s[i + 1:]
    return s[:i] + s[i + 1:]


def _ocr(s, rng):
    pairs = OCR_UP if s.upper() == s else OCR_LO
    cands = [(a, b) for a, b in pairs if a in s]
    if not cands:
        return _keytypo(s, rng)
    a, b = rng.choice(cands)
    pos = [i for i in range(len(s)) if s.startswith(a, i)]
    i = rng.choice(pos)
    return s[:i] + b + s[i + len(a):]


def _slug(s):
    return "".join(c for c in _ascii(s).lower() if c.isalnum())


def _title_naive(s):
    # legacy systems: "MCDONALD" -> "Mcdonald", "O'NEILL" -> "O'neill"
    out = []
    for tok in s.split(" "):
        out.append(tok[:1].upper() + tok[1:].lower())
    return " ".join(out)


# ----------------------------------------------------------------------------------- world
class _World:
    def __init__(self, rng):
        self.rng = rng
        self.streets = {}        # city -> list of street dicts
        self.used_num = {}       # (city, street_idx) -> set of numbers
        self.buildings = {}      # city -> list of open buildings
        self.vacated = {}        # city -> list of addresses
        self.pc_memo = {}
        self.eircodes = set()
        self.used_emails = set()
        self.agents = {}

    def city_streets(self, country, city):
        if city in self.streets:
            return self.streets[city]
        rng = self.rng
        lst = []
        fr = FRENCH_SHARE.get(city, 0.0) if country == "CA" else 0.0
        n = 60 if country != "CA" else 50
        seen = set()
        for _ in range(n):
            if country == "CA" and rng.random() < fr:
                typ, name = rng.choice(CA_STREETS_FR)
                st = {"name": name, "type": typ, "fr": True}
            elif country == "CA":
                st = {"name": rng.choice(CA_STREETS_EN), "type": rng.choice(CA_TYPES), "fr": False}
            elif country == "IE":
                st = {"name": rng.choice(IE_STREETS), "type": rng.choice(IE_TYPES), "fr": False}
            else:
                st = {"name": rng.choice(UK_STREETS), "type": rng.choice(UK_TYPES), "fr": False}
            key = (st["name"], st["type"])
            if key in seen:
                continue
            seen.add(key)
            if country == "UK":
                st["out"] = rng.choice(UK_OUT[city])
            elif country == "CA":
                st["out"] = rng.choice(CA_FSA[city])
            lst.append(st)
        self.streets[city] = lst
        return lst

    def postcode(self, country, city, si, number, district):
        rng = self.rng
        st = self.streets[city][si]
        if country == "UK":
            key = (city, si, number // 16)
            if key not in self.pc_memo:
                self.pc_memo[key] = st["out"] + " " + str(rng.randint(1, 9)) + rng.choice(PC_LETTERS) + rng.choice(PC_LETTERS)
            return self.pc_memo[key]
        if country == "CA":
            key = (city, si, number // 30)
            if key not in self.pc_memo:
                self.pc_memo[key] = (st["out"] + " " + str(rng.randint(1, 9)) + rng.choice("ABCEGHJKLMNPRSTVWXYZ")
                                     + str(rng.randint(0, 9)))
            return self.pc_memo[key]
        # Eircode: unique per dwelling
        rk = ("D%02d" % district) if city == "Dublin" else rng.choice(IE_KEY[city])
        while True:
            code = rk + " " + "".join(rng.choice(EIR_CHARS) for _ in range(4))
            if code not in self.eircodes:
                self.eircodes.add(code)
                return code

    def free_number(self, city, si):
        used = self.used_num.setdefault((city, si), set())
        for _ in range(50):
            n = self.rng.randint(1, 240)
            if n not in used:
                used.add(n)
                return n
        n = 241 + len(used)
        used.add(n)
        return n

    def new_address(self, country, city, flat):
        rng = self.rng
        streets = self.city_streets(country, city)
        district = rng.choice([1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 20, 24]) if city == "Dublin" else 0
        if not flat:
            vac = self.vacated.get(city)
            if vac and rng.random() < 0.30:
                return vac.pop(rng.randrange(len(vac)))
            if country == "IE" and city != "Dublin" and rng.random() < 0.08:
                return {"country": country, "city": city, "kind": "named", "house": rng.choice(IE_HOUSES),
                        "townland": rng.choice(IE_TOWNLANDS), "district": 0,
                        "postcode": self.postcode(country, city, 0, 0, 0)}
            si = rng.randrange(len(streets))
            num = self.free_number(city, si)
            return {"country": country, "city": city, "kind": "house", "si": si, "num": num, "district": district,
                    "postcode": self.postcode(country, city, si, num, district)}
        # flat: join an open building or create one
        blds = self.buildings.setdefault(city, [])
        open_b = [b for b in blds if b["free"]]
        if open_b and rng.random() < 0.65:
            b = rng.choice(open_b)
        else:
            si = rng.randrange(len(streets))
            num = self.free_number(city, si)
            if country == "UK":
                style = rng.choices(["floor", "letter", "block"], [30, 25, 45])[0]
            else:
                style = "block"
            if style == "floor":
                labels = ["Ground Floor Flat", "First Floor Flat", "Second Floor Flat"][:rng.randint(2, 3)]
            elif style == "letter":
                labels = list("ABCD")[:rng.randint(2, 4)]
            else:
                size = rng.randint(4, 30)
                if country == "CA" and rng.random() < 0.5:
                    labels = [str(100 * (k // 6 + 1) + k % 6 + 1) for k in range(size)]
                elif country == "CA":
                    labels = [str(k // 4 + 1) + "ABCD"[k % 4] for k in range(size)]
                else:
                    labels = [str(k + 1) for k in range(size)]
            bname = None
            if style == "block" and country == "UK" and rng.random() < 0.4:
                bname = rng.choice(UK_BLOCKS)
            if country == "IE":
                bname = rng.choice(IE_BLOCKS)
            b = {"si": si, "num": num, "style": style, "free": labels[:], "bname": bname, "district": district,
                 "block_letter": rng.choice("ABC") if rng.random() < 0.3 else None}
            blds.append(b)
        lab = b["free"].pop(rng.randrange(len(b["free"])))
        pc = self.postcode(country, city, b["si"], b["num"], b["district"])
        return {"country": country, "city": city, "kind": "flat", "si": b["si"], "num": b["num"], "flat": lab,
                "style": b["style"], "bname": b["bname"], "district": b["district"], "postcode": pc,
                "block_letter": b["block_letter"]}

    def agent(self, country, city):
        if city not in self.agents:
            rng = self.rng
            lst = []
            names = rng.sample(AGENTS[country], rng.randint(2, 3))
            for nm in names:
                addr = self.new_address(country, city, False)
                addr = dict(addr, office=rng.choice(["Unit 3", "Suite 2", "1st Floor", "Office 5"]))
                tld = {"UK": "co.uk", "IE": "ie", "CA": "ca"}[country]
                lst.append({"name": nm, "addr": addr, "phone": _landline(rng, country, city),
                            "email": "lettings@" + _slug(nm)[:14] + "." + tld})
            self.agents[city] = lst
        return self.rng.choice(self.agents[city])


def _mobile(rng, country):
    if country == "UK":
        return ("UK", "7" + str(rng.randint(100, 999)) + "%06d" % rng.randint(0, 999999), 4)
    if country == "IE":
        return ("IE", rng.choice("35679").join(["8", ""]) + "%07d" % rng.randint(0, 9999999), 2)
    return ("CA", None, None)


def _landline(rng, country, city):
    if country == "UK":
        ac = UK_AREA[city]
        rest_len = 10 - len(ac)
        first = rng.choice("3456789") if len(ac) == 2 else rng.choice("2345789")
        return ("UK", ac + first + "".join(str(rng.randint(0, 9)) for _ in range(rest_len - 1)), len(ac))
    if country == "IE":
        ac = IE_AREA[city]
        rest_len = 7 if len(ac) == 1 or ac in ("21", "56", "71") else 6
        return ("IE", ac + rng.choice("2345789") + "".join(str(rng.randint(0, 9)) for _ in range(rest_len - 1)), len(ac))
    return _ca_number(rng, city)


def _ca_number(rng, city):
    npa = rng.choice(CA_AREA[city])
    return ("CA", npa + str(rng.randint(2, 9)) + "%02d" % rng.randint(0, 99) + "%04d" % rng.randint(0, 9999), 3)


def _make_mobile(rng, country, city):
    if country == "CA":
        return _ca_number(rng, city)
    return _mobile(rng, country)


def _fmt_phone(rng, ph, source, is_mobile):
    cc, n, ac = ph
    if cc == "UK":
        if is_mobile:
            opts = [("0" + n[:4] + " " + n[4:], 35), ("0" + n, 25), ("+44 " + n[:4] + " " + n[4:], 15), ("+44" + n, 10),
                    ("0044 " + n[:4] + " " + n[4:], 3), ("44" + n, 4), ("0" + n[:4] + " " + n[4:7] + " " + n[7:], 8)]
        else:
            rest = n[ac:]
            rs = rest[:4] + " " + rest[4:] if len(rest) == 8 else rest[:3] + " " + rest[3:]
            opts = [("0" + n[:ac] + " " + rs, 40), ("(0" + n[:ac] + ") " + rest, 15), ("0" + n, 20),
                    ("+44 " + n[:ac] + " " + rs, 10), ("+44 (0)" + n[:ac] + " " + rs, 10), ("+44" + n, 5)]
        if source == "smart_app":
            opts = [(o, w * (3 if o.startswith("+") else 1)) for o, w in opts]
    elif cc == "IE":
        if is_mobile:
            opts = [("0" + n[:2] + " " + n[2:5] + " " + n[5:], 35), ("0" + n, 25), ("+353 " + n[:2] + " " + n[2:5] + " " + n[5:], 15),
                    ("+353" + n, 10), ("00353" + n, 4), ("+353 (0)" + n[:2] + " " + n[2:], 4), ("0" + n[:2] + "-" + n[2:], 7)]
        else:
            rest = n[ac:]
            opts = [("(0" + n[:ac] + ") " + rest[:3] + " " + rest[3:], 30), ("0" + n[:ac] + " " + rest, 30), ("0" + n, 20),
                    ("+353 " + n[:ac] + " " + rest[:3] + " " + rest[3:], 15), ("00353" + n, 5)]
        if source == "smart_app":
            opts = [(o, w * (3 if o.startswith("+") else 1)) for o, w in opts]
    else:
        a, b, c = n[:3], n[3:6], n[6:]
        opts = [("(%s) %s-%s" % (a, b, c), 30), ("%s-%s-%s" % (a, b, c), 25), ("%s %s-%s" % (a, b, c), 10),
                ("%s.%s.%s" % (a, b, c), 5), (n, 15), ("+1 %s %s %s" % (a, b, c), 7), ("1-%s-%s-%s" % (a, b, c), 4),
                ("+1" + n, 4)]
        if source == "smart_app":
            opts = [(o, w * (4 if o.startswith("+") else 1)) for o, w in opts]
    s = _w(rng, opts)
    digits = [i for i, ch in enumerate(s) if ch.isdigit()]
    r = rng.random()
    if source == "installer" and r < 0.06:
        cand = [i for i in digits[2:] if s[i] in OCR_DIGIT]
        if cand:
            i = rng.choice(cand)
            s = s[:i] + OCR_DIGIT[s[i]] + s[i + 1:]
    elif source == "crm" and r < 0.04:
        i = rng.choice(digits[3:-1])
        j = digits[digits.index(i) + 1]
        s = s[:i] + s[j] + s[i + 1:j] + s[i] + s[j + 1:]
    elif r < 0.08:
        i = rng.choice(digits[3:])
        s = s[:i] + str((int(s[i]) + rng.randint(1, 9)) % 10) + s[i + 1:]
    elif r < 0.09:
        i = rng.choice(digits[3:])
        s = s[:i] + s[i + 1:]
    return s


# ----------------------------------------------------------------------------------- people
def _pick_first(rng, country, sex, french):
    if country == "UK":
        pool = UK_M if sex == "M" else UK_F
    elif country == "IE":
        pool = IE_M if sex == "M" else IE_F
        if rng.random() < 0.2:
            pool = UK_M if sex == "M" else UK_F
    else:
        pool = (FR_M if sex == "M" else FR_F) if french else (CA_M if sex == "M" else CA_F)
    return rng.choice(pool)


def _zipf_choice(rng, pool):
    w = [1.0 / (i + 1) ** 0.9 for i in range(len(pool))]
    return rng.choices(pool, weights=w)[0]


def _pick_surname(rng, country, french):
    if country == "UK":
        return _zipf_choice(rng, UK_S)
    if country == "IE":
        return _zipf_choice(rng, IE_S)
    fr = [s for s in CA_S if s in FR_S]
    en = [s for s in CA_S if s not in FR_S]
    return _zipf_choice(rng, fr if french else en)


def _age_dob(rng, lo, hi):
    age = rng.randint(lo, hi)
    y = 2024 - age
    m = rng.randint(1, 12)
    d = rng.randint(1, 28 if m == 2 else (30 if m in (4, 6, 9, 11) else 31))
    return (y, m, d)


def _new_person(rng, world, hh, sex, age=(18, 85), first=None, last=None, dob=None):
    country, city = hh["country"], hh["city"]
    french = hh["french"]
    p = {"country": country, "city": city, "sex": sex, "french": french, "hh": hh,
         "first": first or _pick_first(rng, country, sex, french),
         "last": last or _pick_surname(rng, country, french),
         "middle": (_pick_first(rng, country, sex, french) if rng.random() < 0.4 else None),
         "dob": dob or _age_dob(rng, *age), "maiden": None, "suffix": None, "married": False,
         "title": None, "properties": [], "landlord": False}
    if p["middle"] == p["first"]:
        p["middle"] = None
    p["mobile"] = _make_mobile(rng, country, city) if rng.random() < 0.95 else None
    p["old_mobile"] = _make_mobile(rng, country, city) if (p["mobile"] and rng.random() < 0.12) else None
    hh["members"].append(p)
    return p


def _marry(rng, husband, wife):
    wife["married"] = True
    husband["married"] = True
    hh = husband["hh"]
    share = 0.10 if (hh["country"] == "CA" and hh["french"]) else 0.70
    if rng.random() < share:
        wife["maiden"] = wife["last"]
        wife["last"] = husband["last"]


def _make_email(rng, world, p):
    f, l = _slug(p["first"]), _slug(p["last"])
    yy = "%02d" % (p["dob"][0] % 100)
    nick = NICK.get(p["first"].lower())
    pat = rng.choices(range(8), [25, 15, 10, 10, 12, 8, 10, 10])[0]
    local = [f + "." + l, f + l, f[0] + l, f + "_" + l, f + l + yy, f[0] + "." + l + str(rng.randint(1, 99)),
             (_slug(rng.choice(nick)) if nick else f) + l, f + yy][pat]
    dom = _w(rng, DOMAINS[p["country"]])
    e = local + "@" + dom
    while e in world.used_emails:
        e = local + str(rng.randint(1, 999)) + "@" + dom
    world.used_emails.add(e)
    return e


def _build_people(rng, world, n):
    persons = []
    households = []

    def new_hh(country=None, city=None):
        country = country or _w(rng, COUNTRY_W)
        city = city or _w(rng, CITIES[country])
        french = country == "CA" and rng.random() < FRENCH_SHARE.get(city, 0.05)
        hh = {"country": country, "city": city, "french": french, "members": [], "rented": False,
              "agent": None, "landlord": None, "old": None, "addr": None, "landline": None,
              "family_email": None, "type": None}
        households.append(hh)
        return hh

    def house(hh, rent_p, landline_bonus=0.0):
        country, city = hh["country"], hh["city"]
        hh["rented"] = rng.random() < rent_p
        fp = 0.65 if hh["rented"] else 0.20
        if city in ("Dublin", "Montréal", "London"):
            fp += 0.10
        flat = rng.random() < fp
        if rng.random() < 0.15:  # mover
            old = world.new_address(country, city, rng.random() < fp)
            hh["old"] = old
            if rng.random() < 0.30:
                city = _w(rng, CITIES[country])
                hh["city"] = city
                for m in hh["members"]:
                    m["city"] = city
            hh["addr"] = world.new_address(country, city, flat)
            if old["kind"] != "flat":
                world.vacated.setdefault(old["city"], []).append(old)
        else:
            hh["addr"] = world.new_address(country, city, flat)
        base = {"UK": 0.45, "IE": 0.35, "CA": 0.55}[country]
        if rng.random() < base + landline_bonus:
            hh["landline"] = _landline(rng, country, hh["city"])
        if hh["rented"] and rng.random() < 0.70:
            hh["agent"] = world.agent(country, hh["city"])

    def common_name(hh, sex_default):
        if rng.random() < 0.10:
            f, l, s = rng.choice(COMMON[hh["country"]])
            return f, l, s
        return None, None, sex_default

    while len(persons) < n:
        t = _w(rng, [("single", 36), ("couple", 25), ("flatmates", 10), ("family", 17), ("twins", 6),
                     ("father_son", 6)])
        hh = new_hh()
        hh["type"] = t
        if t == "single":
            f, l, s = common_name(hh, rng.choice("MF"))
            _new_person(rng, world, hh, s, first=f, last=l)
            house(hh, 0.45)
        elif t == "couple":
            f, l, s = common_name(hh, "M")
            a = _new_person(rng, world, hh, s, first=f, last=l, age=(22, 80))
            s2 = ("F" if s == "M" else "M") if rng.random() < 0.88 else s
            ay = 2024 - a["dob"][0]
            b = _new_person(rng, world, hh, s2, age=(max(18, ay - 8), min(90, ay + 6)))
            if s != s2 and rng.random() < 0.60:
                _marry(rng, a if s == "M" else b, b if s == "M" else a)
            house(hh, 0.30)
        elif t == "flatmates":
            for _ in range(rng.choices([2, 3, 4], [50, 35, 15])[0]):
                _new_person(rng, world, hh, rng.choice("MF"), age=(20, 35))
            house(hh, 0.95, landline_bonus=-0.3)
        elif t == "family":
            f, l, s = common_name(hh, "M")
            dad = _new_person(rng, world, hh, "M" if s == "M" else "F", first=f, last=l, age=(42, 80))
            dy = 2024 - dad["dob"][0]
            if rng.random() < 0.7:
                mum = _new_person(rng, world, hh, "F" if dad["sex"] == "M" else "M", age=(max(38, dy - 6), min(88, dy + 4)))
                if mum["sex"] == "F":
                    _marry(rng, dad, mum)
            for _ in range(rng.choice([1, 1, 2])):
                _new_person(rng, world, hh, rng.choice("MF"), last=dad["last"],
                            age=(max(18, dy - 40), max(18, dy - 20)))
            house(hh, 0.15, landline_bonus=0.2)
        elif t == "twins":
            last = _pick_surname(rng, hh["country"], hh["french"])
            dob = _age_dob(rng, 18, 60)
            r = rng.random()
            if r < 1 / 3:
                s1, s2 = rng.choice("MF"), rng.choice("MF")
                f1 = _pick_first(rng, hh["country"], s1, hh["french"])
                cp = {"UK": (UK_M, UK_F), "IE": (IE_M, IE_F), "CA": ((FR_M, FR_F) if hh["french"] else (CA_M, CA_F))}
                pool = [x for x in cp[hh["country"]][0 if s2 == "M" else 1] if x[0] == f1[0] and x != f1]
                f2 = rng.choice(pool) if pool else _pick_first(rng, hh["country"], s2, hh["french"])
            elif r < 2 / 3:
                f1, f2 = rng.choice(TWIN_SIMILAR)
                s1, s2 = SIMILAR_SEX.get(f1, "M"), SIMILAR_SEX.get(f2, "M")
            else:
                s1, s2 = rng.choice("MF"), rng.choice("MF")
                f1, f2 = _pick_first(rng, hh["country"], s1, hh["french"]), _pick_first(rng, hh["country"], s2, hh["french"])
            _new_person(rng, world, hh, s1, first=f1, last=last, dob=dob)
            _new_person(rng, world, hh, s2, first=f2, last=last, dob=dob)
            if rng.random() < 0.5:
                _new_person(rng, world, hh, rng.choice("MF"), last=last, age=(2024 - dob[0] + 20, min(90, 2024 - dob[0] + 40)))
            house(hh, 0.20, landline_bonus=0.1)
        else:  # father_son
            f, l, s = common_name(hh, "M")
            if s == "F":
                f = None
            first = f or _pick_first(rng, hh["country"], "M", hh["french"])
            last = l or _pick_surname(rng, hh["country"], hh["french"])
            dad = _new_person(rng, world, hh, "M", first=first, last=last, age=(45, 80))
            dy = 2024 - dad["dob"][0]
            dad["suffix"] = "Snr"
            if rng.random() < 0.5:
                mum = _new_person(rng, world, hh, "F", age=(max(40, dy - 6), min(88, dy + 4)))
                _marry(rng, dad, mum)
            together = rng.random() < 0.60
            if together:
                son_hh = hh
            else:
                son_hh = new_hh(hh["country"], hh["city"] if rng.random() < 0.6 else None)
                son_hh["french"] = hh["french"]
                son_hh["type"] = "single"
            son = _new_person(rng, world, son_hh, "M", first=first, last=last, age=(18, max(18, dy - 20)))
            son["suffix"] = "Jnr"
            house(hh, 0.20, landline_bonus=0.1)
            if not together:
                house(son_hh, 0.45)
        for h in households[-2:]:
            for m in h["members"]:
                if "pid" not in m:
                    m["pid"] = "P%06d" % len(persons)
                    persons.append(m)

    # trim to exactly n people (drop the surplus from the last household only)
    for p in persons[n:]:
        p["hh"]["members"].remove(p)
    persons = persons[:n]

    # titles, emails
    for p in persons:
        if rng.random() < 0.03:
            p["title"] = "Dr"
        elif p["hh"]["country"] == "CA" and p["french"] and rng.random() < 0.5:
            p["title"] = "M." if p["sex"] == "M" else "Mme"
        elif p["sex"] == "M":
            p["title"] = "Mr"
        else:
            p["title"] = "Mrs" if p["married"] else rng.choice(["Ms", "Miss", "Ms"])
        p["emails"] = [_make_email(rng, world, p)]
        if rng.random() < 0.15:
            p["emails"].append(_make_email(rng, world, p))
    for hh in households:
        mem = hh["members"]
        if len(mem) >= 2 and hh["type"] in ("couple", "family", "twins", "father_son") and rng.random() < 0.35:
            if rng.random() < 0.5:
                local = "the" + _slug(mem[0]["last"]) + rng.choice(["s", "family", "s1", "house"])
            else:
                local = _slug(mem[0]["first"]) + rng.choice(["and", "&", "+", ""]).replace("&", "and").replace("+", "n") + _slug(mem[1]["first"])
            e = local + "@" + _w(rng, DOMAINS[hh["country"]])
            while e in world.used_emails:
                e = local + str(rng.randint(1, 99)) + "@" + _w(rng, DOMAINS[hh["country"]])
            world.used_emails.add(e)
            hh["family_email"] = e

    # landlords: owner-occupier heads in the same city, about one per 4 rented homes
    by_city = {}
    for hh in households:
        if hh["members"]:
            by_city.setdefault(hh["city"], []).append(hh)
    for city, hhs in by_city.items():
        rented = [h for h in hhs if h["rented"]]
        owners = [h["members"][0] for h in hhs if not h["rented"] and h["type"] != "flatmates"
                  and 2024 - h["members"][0]["dob"][0] >= 30]
        k = min(len(owners) // 3, (len(rented) + 3) // 4)
        if k <= 0:
            continue
        lords = rng.sample(owners, k)
        for lord in lords:
            lord["landlord"] = True
        for h in rented:
            lord = rng.choice(lords)
            h["landlord"] = lord
            lord["properties"].append(h)
    return persons


# ----------------------------------------------------------------------------------- rendering
def _surname_form(rng, last, source):
    s = last
    if s[:2] in ("O'", "D'") and len(s) > 2:
        r = rng.random()
        if r < 0.15:
            s = s[0] + " " + s[2:]
        elif r < 0.35:
            s = s[0] + s[2:]
        elif r < 0.40:
            s = s[0] + "`" + s[2:]
    elif s.startswith("Mac") and len(s) > 3 and s[3].isupper():
        r = rng.random()
        if r < 0.08:
            s = "Mc" + s[3:]
        elif r < 0.13:
            s = "Mac " + s[3:]
    elif s.startswith("Mc") and len(s) > 2 and s[2].isupper():
        r = rng.random()
        if r < 0.08:
            s = "Mac" + s[2:]
        elif r < 0.13:
            s = "Mc " + s[2:]
    if s.startswith(("St-", "Saint-")):
        rest = s.split("-", 1)[1]
        s = _w(rng, [("St-" + rest, 40), ("St " + rest, 15), ("Saint-" + rest, 25), ("St" + rest, 5),
                     ("St. " + rest, 5), ("Saint " + rest, 10)])
    return s


def _first_form(rng, first):
    if "-" in first:
        a, b = first.split("-", 1)
        return _w(rng, [(first, 65), (a + " " + b, 20), (a + b.lower(), 5), (a, 10)])
    return first


def _render_name(rng, p, source, hh):
    first = p["first"]
    key = first.lower()
    if rng.random() < NICK_P[source] and key in NICK:
        first = rng.choice(NICK[key])
    elif rng.random() < PHON_P.get(source, 0.0) and key in PHONETIC:
        first = rng.choice(PHONETIC[key])
    first = _first_form(rng, first)
    last = p["last"]
    if p["maiden"]:
        r = rng.random()
        if r < (0.25 if source == "dd_mandate" else 0.15):
            last = p["maiden"]
        elif r < (0.30 if source == "dd_mandate" else 0.20):
            last = p["maiden"] + "-" + p["last"]
    last = _surname_form(rng, last, source)
    if p["suffix"] and rng.random() < 0.25:
        suf = p["suffix"]
        if p["country"] == "CA":
            suf = {"Snr": "Sr", "Jnr": "Jr"}[suf]
        suf = rng.choice([suf, suf + ".", suf.upper()])
        last = last + rng.choice([" ", ", "]) + suf
    if rng.random() < STRIP_P.get(source, 0.0):
        first, last = _ascii(first), _ascii(last)

    if source == "dd_mandate":
        return _dd_name(rng, p, first, last, hh)

    if source == "billing" and p["middle"] and rng.random() < 0.06:
        first = first + " " + p["middle"]
    elif source == "smart_app" and p["middle"] and rng.random() < 0.03:
        first = first + " " + p["middle"]
    if source == "billing" and rng.random() < 0.05:
        first = p["title"] + " " + first
    if source == "letting" and rng.random() < 0.15:
        first = p["title"] + " " + first[0]

    # typos
    tw = TYPO_W.get(source, (82, 15, 3))
    out = []
    for s in (first, last):
        k = rng.choices([0, 1, 2], tw)[0]
        up = source == "installer" and rng.random() < 0.85
        if up:
            s = s.upper()
        for _ in range(k):
            if source == "installer" and rng.random() < 0.8:
                s = _ocr(s, rng)
            else:
                s = _keytypo(s, rng)
        out.append(s)
    first, last = out

    # case
    r = rng.random()
    if source == "billing":
        if r < 0.10:
            first, last = first.upper(), last.upper()
        elif r < 0.30:
            first, last = _title_naive(first), _title_naive(last)
    elif source == "smart_app" and r < 0.25:
        first, last = first.lower(), last.lower()
    elif source == "letting" and r < 0.30:
        first, last = first.upper(), last.upper()
    elif source == "crm" and r < 0.10:
        first, last = first.lower(), last.lower()

    if rng.random() < SWAP_P.get(source, 0.01):
        first, last = last, first
    if source == "smart_app" and rng.random() < 0.05:
        last = None
    if source == "crm" and rng.random() < 0.04:
        first = p["title"]
    return first, last


def _dd_name(rng, p, first, last, hh):
    title = _ascii(p["title"]).upper().rstrip(".")
    title = {"M": "MR", "MME": "MRS"}.get(title, title)
    fi = _ascii(p["first"])[0].upper()
    mi = _ascii(p["middle"])[0].upper() if p["middle"] else ""
    fm = (fi + " " + mi).strip()
    r = rng.choices(range(5), [35, 20, 25, 10, 10])[0]
    if r == 4:
        partner = [m for m in hh["members"] if m is not p and m["married"] and p["married"]
                   and m["last"] == p["last"] and m["sex"] != p["sex"]]
        if partner:
            q = partner[0]
            qt = {"M": "MR", "MME": "MRS"}.get(_ascii(q["title"]).upper().rstrip("."), _ascii(q["title"]).upper().rstrip("."))
            f = title + " " + fi + " & " + qt + " " + _ascii(q["first"])[0].upper()
        else:
            r = 0
    if r == 0:
        f = title + " " + (fm if rng.random() < 0.6 else fm.replace(" ", ""))
    elif r == 1:
        f = fm if rng.random() < 0.6 else fi
    elif r == 2:
        f = first.upper() + (" " + mi if mi else "")
    elif r == 3:
        f = title + " " + first.upper()
    f = f.upper()
    last = last.upper()
    if rng.random() < 0.30:
        last = last.replace("'", "").replace("`", "")
    if len(f) + 1 + len(last) > 18:
        last = last[:max(1, 18 - len(f) - 1)]
    return f, last


def _fmt_dob(rng, p, source):
    y, m, d = p["dob"]
    er = 0.08 if source in ("crm", "installer") else 0.05
    if rng.random() < er:
        r = rng.random()
        if r < 0.40 and m <= 12 and d <= 12 and m != d:
            m, d = d, m
        elif r < 0.65:
            d = d + 1 if d < 28 else d - 1
        elif r < 0.85:
            y = y + rng.choice([-1, 1])
        else:
            ys = str(y)
            y = int(ys[:2] + ys[3] + ys[2])
    if source == "billing" and rng.random() < 0.01:
        y, m, d = 1900, 1, 1
    c = p["country"]
    iso = "%04d-%02d-%02d" % (y, m, d)
    dmy = "%02d/%02d/%04d" % (d, m, y)
    mdy = "%02d/%02d/%04d" % (m, d, y)
    if c in ("UK", "IE"):
        if source == "billing":
            return dmy
        if source == "smart_app":
            return iso
        if source == "installer":
            return "%d/%d/%02d" % (d, m, y % 100)
        if source == "crm":
            return _w(rng, [(dmy, 60), ("%02d/%02d/%02d" % (d, m, y % 100), 25), ("%02d-%02d-%04d" % (d, m, y), 15)])
        if source == "moving":
            return _w(rng, [("%d %s %d" % (d, MONTHS[m - 1], y), 50), (dmy, 50)])
        return _w(rng, [(dmy, 60), ("%02d.%02d.%04d" % (d, m, y), 40)])
    if source in ("billing", "smart_app"):
        return iso
    if source == "installer":
        return "%02d/%02d/%02d" % (m, d, y % 100)
    if source == "crm":
        return dmy if p["french"] else mdy
    if source == "moving":
        return _w(rng, [("%s %d, %d" % (MONTHS[m - 1], d, y), 50), (iso, 50)])
    return mdy


def _fmt_email(rng, p, source, hh):
    if hh["family_email"] and rng.random() < 0.40:
        e = hh["family_email"]
    elif len(p["emails"]) > 1 and rng.random() < 0.30:
        e = p["emails"][1]
    else:
        e = p["emails"][0]
    local, dom = e.split("@")
    if rng.random() < (0.08 if source == "installer" else 0.03) and dom in DOMAIN_TYPO:
        dom = rng.choice(DOMAIN_TYPO[dom])
    if rng.random() < {"crm": 0.05, "installer": 0.06}.get(source, 0.0):
        local = _keytypo(local, rng) if "." not in local or rng.random() < 0.5 else local.replace(".", "", 1)
    e = local + "@" + dom
    if source == "installer" and rng.random() < 0.5:
        e = e.upper()
    elif source == "smart_app" and rng.random() < 0.05:
        e = local[:1].upper() + local[1:] + "@" + dom.capitalize()
    return e


def _street_type(rng, typ, source):
    ab = TYPE_ABBR.get(typ, [typ])
    if source == "billing" and rng.random() < 0.7:
        return ab[0]
    r = rng.random()
    if r < 0.5:
        return typ
    if r < 0.85:
        return ab[0]
    return ab[-1]


def _saint(rng, name):
    if "Saint-" in name or "Sainte-" in name:
        return _w(rng, [(name, 60), (name.replace("Sainte-", "Ste-").replace("Saint-", "St-"), 25),
                        (name.replace("Sainte-", "Ste ").replace("Saint-", "St "), 15)])
    return name


def _render_address(rng, world, a, source, show_flat):
    """returns (street, city, postcode)"""
    country, city = a["country"], a["city"]
    if a["kind"] == "named":
        street = _w(rng, [(a["house"] + ", " + a["townland"], 60), (a["house"], 20), (a["townland"], 20)])
    else:
        st = world.streets[city][a["si"]]
        typ = _street_type(rng, st["type"], source)
        num = str(a["num"])
        if st.get("fr"):
            nm = _saint(rng, st["name"])
            if rng.random() < 0.15:  # anglicised
                base_num, base_st = num, nm + " " + {"rue": "St", "boulevard": "Blvd", "avenue": "Ave", "chemin": "Rd"}[st["type"]]
            else:
                base_num, base_st = num, typ + " " + nm
            sep = ", " if rng.random() < 0.4 and not base_st[0].isupper() else " "
            street_only = base_st
            house = base_num + sep + base_st
        else:
            street_only = st["name"] + " " + typ
            house = num + " " + street_only
        if a["kind"] == "flat" and show_flat:
            f = a["flat"]
            if country == "UK":
                if a["style"] == "floor":
                    abbr = "".join(w[0] for w in f.split())
                    house = _w(rng, [(f + ", " + house, 55), (abbr + " " + house, 20), (house + " (" + f + ")", 10),
                                     (f.replace(" Flat", "") + " " + house, 15)])
                elif a["style"] == "letter":
                    house = _w(rng, [("Flat " + f + ", " + house, 45), (num + f + " " + street_only, 30),
                                     (num + f.lower() + " " + street_only, 10), ("Flat " + f + " " + house, 15)])
                else:
                    opts = [("Flat " + f + ", " + house, 45), ("Flat " + f + " " + house, 20), (house + ", Flat " + f, 12),
                            ("Apartment " + f + ", " + house, 8), ("Apt " + f + " " + house, 5)]
                    if city in ("Glasgow", "Edinburgh"):
                        opts.append((f + "/" + house, 15))
                    if a["bname"]:
                        opts += [("Flat " + f + ", " + a["bname"] + ", " + house, 30), (f + " " + a["bname"] + ", " + street_only, 20)]
                    house = _w(rng, opts)
            elif country == "IE":
                blk = a["bname"] + (", Block " + a["block_letter"] if a["block_letter"] else "")
                house = _w(rng, [("Apartment " + f + ", " + blk + ", " + street_only, 35), ("Apt " + f + " " + a["bname"], 20),
                                 (f + " " + blk + ", " + street_only, 15), ("Apt. " + f + ", " + blk, 15),
                                 ("Apartment " + f + ", " + house, 15)])
            else:
                opts = [(f + "-" + house, 35), ("Apt " + f + ", " + house, 15), (house + " Apt " + f, 15),
                        (house + " #" + f, 10), ("#" + f + " " + house, 5), ("Unit " + f + ", " + house, 10)]
                if st.get("fr"):
                    opts.append((house + ", app. " + f, 25))
                house = _w(rng, opts)
        elif a["kind"] == "flat" and country == "IE" and rng.random() < 0.5:
            house = a["bname"] + ", " + street_only  # flat number dropped, block name kept
        if a.get("office"):
            house = a["office"] + ", " + house
        street = house
    # street typo
    tp = {"crm": 0.05, "installer": 0.08}.get(source, 0.02)
    if rng.random() < tp:
        street = _ocr(street.upper(), rng) if source == "installer" else _keytypo(street, rng)
    if source == "installer" and rng.random() < 0.85:
        street = street.upper()
    # city
    c = city
    if city == "Dublin":
        dist = a.get("district") or 0
        c = _w(rng, [("Dublin %d" % dist if dist else "Dublin", 55), ("Dublin", 20), ("D%d" % dist if dist else "Dublin", 8),
                     ("Dublin %02d" % dist if dist else "Co. Dublin", 7), ("Co. Dublin", 10)])
    elif rng.random() < 0.12 and city in CITY_VARIANTS:
        c = rng.choice(CITY_VARIANTS[city])
    if country == "CA" and rng.random() < 0.15:
        c = c + rng.choice([", ", " ", " (", ", "]) + PROVINCE[city]
        if "(" in c:
            c += ")"
    if country == "CA" and source in ("crm", "installer", "billing") and rng.random() < 0.5:
        c = _ascii(c)
    if rng.random() < 0.02:
        c = _keytypo(c, rng)
    if source == "installer" and rng.random() < 0.85:
        c = c.upper()
    # postcode
    pc = a["postcode"]
    if country == "UK":
        pc = _w(rng, [(pc, 75), (pc.replace(" ", ""), 18), (pc.lower(), 5), (pc.replace(" ", "  "), 2)])
    elif country == "IE":
        if rng.random() < (0.20 if source == "billing" else 0.35):
            pc = None
        else:
            pc = _w(rng, [(pc, 65), (pc.replace(" ", ""), 30), (pc.lower(), 5)])
    else:
        pc = _w(rng, [(pc, 60), (pc.replace(" ", ""), 30), (pc.lower(), 10)])
    if pc and source == "installer" and rng.random() < 0.08:
        pc = _ocr(pc.upper(), rng)
    return street, c, pc


def _record(rng, world, p, source):
    hh = p["hh"]
    miss = MISSING[source]
    first, last = _render_name(rng, p, source, hh)
    dob = None if rng.random() < miss[0] else _fmt_dob(rng, p, source)
    email = None if rng.random() < miss[1] else _fmt_email(rng, p, source, hh)
    phone = None
    if rng.random() >= miss[2]:
        if hh["landline"] and (rng.random() < 0.25 or not p["mobile"]):
            phone = _fmt_phone(rng, hh["landline"], source, False)
        elif p["mobile"]:
            mob = p["old_mobile"] if (p["old_mobile"] and rng.random() < 0.40) else p["mobile"]
            phone = _fmt_phone(rng, mob, source, True)
    # which address
    addr = hh["addr"]
    if hh["old"] and rng.random() < OLD_ADDR_P.get(source, 0.35):
        addr = hh["old"]
    if source == "letting":
        if p["landlord"] and (not hh["agent"] or p["properties"]) and p["properties"]:
            r = rng.random()
            prop = rng.choice(p["properties"])
            if r < 0.45:
                addr = prop["addr"]
            elif r < 0.70 and prop["agent"]:
                addr = prop["agent"]["addr"]
                if rng.random() < 0.5:
                    phone = _fmt_phone(rng, prop["agent"]["phone"], source, False)
                if rng.random() < 0.4:
                    email = prop["agent"]["email"]
            else:
                addr = hh["addr"]
        elif hh["agent"]:
            if rng.random() < 0.25:
                phone = _fmt_phone(rng, hh["agent"]["phone"], source, False)
            if rng.random() < 0.15:
                email = hh["agent"]["email"]
            if rng.random() < 0.08:
                addr = hh["agent"]["addr"]
    show_flat = rng.random() < FLAT_SHOW.get(source, 0.8)
    street, city, pc = _render_address(rng, world, addr, source, show_flat)
    if rng.random() < miss[3]:
        street = None
        if source == "smart_app" and rng.random() >= 0.60:
            pc = None
    if pc is not None and rng.random() < miss[4]:
        pc = None
    if pc is not None and rng.random() < (0.20 if source == "crm" else 0.05):
        city = None
    return {"source": source, "first_name": first, "last_name": last, "dob": dob, "email": email, "phone": phone,
            "street": street, "city": city, "postcode": pc, "true_person": p["pid"], "country": p["country"]}


def generate(people: int = 4000, seed: int = 53) -> pd.DataFrame:
    rng = random.Random(seed)
    world = _World(rng)
    persons = _build_people(rng, world, people)
    rows = []
    for p in persons:
        hh = p["hh"]
        n = rng.choices([1, 2, 3, 4, 5, 6, 7], [18, 24, 25, 16, 10, 5, 2])[0]
        elig = []
        for s, w in SOURCES:
            if s == "moving" and not hh["old"]:
                continue
            if s == "letting" and not (hh["agent"] or p["landlord"]):
                continue
            elig.append((s, w))
        for _ in range(n):
            rows.append(_record(rng, world, p, _w(rng, elig)))
    rng.shuffle(rows)
    prefix = {"billing": "BIL", "smart_app": "APP", "installer": "INS", "dd_mandate": "DDM", "crm": "CRM",
              "moving": "MOV", "letting": "LET"}
    for i, r in enumerate(rows):
        r["record_id"] = "%s-%06d" % (prefix[r["source"]], i + 1)
    return pd.DataFrame(rows, columns=COLUMNS)
