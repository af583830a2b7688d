"""Postal address parts: street line, city, region (state/province) and postcode.

Street lines are rewritten to USPS Publication 28 abbreviations, but only where a word is in the
position where it acts as that element; everywhere else it is part of the name and is kept:

- the line is split at the first unit designator (Apt, Suite, #, Floor ...): what follows is the unit;
- the street suffix (Street -> St) is the LAST word of the street part, or the word before a final
  directional ("Park Avenue South" -> "Park Ave S"), and only with a name before it
  ("123 Avenue Of The Americas" keeps "Avenue"; "Saint Charles Ave" keeps "Saint");
- a directional (North -> N, South West -> SW) is abbreviated right after the house number when a
  street name still follows it ("123 North Main St" -> "123 N Main St" but "123 North St" keeps
  "North", the name of the street), and as the last word after a suffix ("Main St North" -> "Main St N");
- "Highway"/"Route" followed by a number is abbreviated ("Highway 101" -> "Hwy 101").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pycountry

from ._casing import smart_title
from ._values import as_text
from .countries import normalize_country
from .text import ascii_fold, clean_text

# USPS Publication 28, Appendix C1 (common subset), keyed by every spelling seen in the wild.
_STREET_SUFFIXES: dict[str, str] = {
    **dict.fromkeys(["ALLEY", "ALLEE", "ALLY", "ALY"], "Aly"),
    **dict.fromkeys(["ARCADE", "ARC"], "Arc"),
    **dict.fromkeys(["AVENUE", "AVE", "AV", "AVEN", "AVENU", "AVN", "AVNUE"], "Ave"),
    **dict.fromkeys(["BEACH", "BCH"], "Bch"),
    **dict.fromkeys(["BEND", "BND"], "Bnd"),
    **dict.fromkeys(["BLUFF", "BLF"], "Blf"),
    **dict.fromkeys(["BOULEVARD", "BLVD", "BOUL", "BOULV"], "Blvd"),
    **dict.fromkeys(["BRANCH", "BR", "BRNCH"], "Br"),
    **dict.fromkeys(["BRIDGE", "BRG", "BRDGE"], "Brg"),
    **dict.fromkeys(["BROOK", "BRK"], "Brk"),
    **dict.fromkeys(["BYPASS", "BYP", "BYPA", "BYPAS", "BYPS"], "Byp"),
    **dict.fromkeys(["CANYON", "CYN", "CANYN", "CNYN"], "Cyn"),
    **dict.fromkeys(["CAUSEWAY", "CSWY", "CAUSWA"], "Cswy"),
    **dict.fromkeys(["CENTER", "CTR", "CEN", "CENT", "CENTR", "CENTRE", "CNTER", "CNTR"], "Ctr"),
    **dict.fromkeys(["CIRCLE", "CIR", "CIRC", "CIRCL", "CRCL", "CRCLE"], "Cir"),
    **dict.fromkeys(["CLIFF", "CLF"], "Clf"),
    **dict.fromkeys(["COMMON", "CMN"], "Cmn"),
    **dict.fromkeys(["CORNER", "COR"], "Cor"),
    **dict.fromkeys(["COURSE", "CRSE"], "Crse"),
    **dict.fromkeys(["COURT", "CT", "CRT"], "Ct"),
    **dict.fromkeys(["COURTS", "CTS"], "Cts"),
    **dict.fromkeys(["COVE", "CV"], "Cv"),
    **dict.fromkeys(["CREEK", "CRK"], "Crk"),
    **dict.fromkeys(["CRESCENT", "CRES", "CRSENT", "CRSNT"], "Cres"),
    **dict.fromkeys(["CROSSING", "XING", "CRSSNG"], "Xing"),
    **dict.fromkeys(["DRIVE", "DR", "DRIV", "DRV"], "Dr"),
    **dict.fromkeys(["ESTATE", "EST"], "Est"),
    **dict.fromkeys(["ESTATES", "ESTS"], "Ests"),
    **dict.fromkeys(["EXPRESSWAY", "EXPY", "EXP", "EXPR", "EXPRESS", "EXPW"], "Expy"),
    **dict.fromkeys(["EXTENSION", "EXT", "EXTN", "EXTNSN"], "Ext"),
    **dict.fromkeys(["FALLS", "FLS"], "Fls"),
    **dict.fromkeys(["FERRY", "FRY", "FRRY"], "Fry"),
    **dict.fromkeys(["FIELD", "FLD"], "Fld"),
    **dict.fromkeys(["FIELDS", "FLDS"], "Flds"),
    **dict.fromkeys(["FOREST", "FRST", "FORESTS"], "Frst"),
    **dict.fromkeys(["FORK", "FRK"], "Frk"),
    **dict.fromkeys(["FREEWAY", "FWY", "FREEWY", "FRWAY", "FRWY"], "Fwy"),
    **dict.fromkeys(["GARDEN", "GDN", "GARDN", "GRDEN", "GRDN"], "Gdn"),
    **dict.fromkeys(["GARDENS", "GDNS", "GRDNS"], "Gdns"),
    **dict.fromkeys(["GATEWAY", "GTWY", "GATEWY", "GATWAY", "GTWAY"], "Gtwy"),
    **dict.fromkeys(["GLEN", "GLN"], "Gln"),
    **dict.fromkeys(["GREEN", "GRN"], "Grn"),
    **dict.fromkeys(["GROVE", "GRV", "GROV"], "Grv"),
    **dict.fromkeys(["HARBOR", "HBR", "HARB", "HARBR", "HRBOR"], "Hbr"),
    **dict.fromkeys(["HAVEN", "HVN"], "Hvn"),
    **dict.fromkeys(["HEIGHTS", "HTS", "HT"], "Hts"),
    **dict.fromkeys(["HIGHWAY", "HWY", "HIGHWY", "HIWAY", "HIWY", "HWAY"], "Hwy"),
    **dict.fromkeys(["HILL", "HL"], "Hl"),
    **dict.fromkeys(["HILLS", "HLS"], "Hls"),
    **dict.fromkeys(["HOLLOW", "HOLW", "HLLW", "HOLLOWS", "HOLWS"], "Holw"),
    **dict.fromkeys(["ISLAND", "IS", "ISLND"], "Is"),
    **dict.fromkeys(["JUNCTION", "JCT", "JCTION", "JCTN", "JUNCTN", "JUNCTON"], "Jct"),
    **dict.fromkeys(["KNOLL", "KNL", "KNOL"], "Knl"),
    **dict.fromkeys(["LAKE", "LK"], "Lk"),
    **dict.fromkeys(["LAKES", "LKS"], "Lks"),
    **dict.fromkeys(["LANDING", "LNDG", "LNDNG"], "Lndg"),
    **dict.fromkeys(["LANE", "LN"], "Ln"),
    **dict.fromkeys(["LOOP", "LOOPS"], "Loop"),
    **dict.fromkeys(["MANOR", "MNR"], "Mnr"),
    **dict.fromkeys(["MEADOW", "MDW"], "Mdw"),
    **dict.fromkeys(["MEADOWS", "MDWS", "MEDOWS"], "Mdws"),
    **dict.fromkeys(["MILL", "ML"], "Ml"),
    **dict.fromkeys(["MOTORWAY", "MTWY"], "Mtwy"),
    **dict.fromkeys(["MOUNTAIN", "MTN", "MNTAIN", "MNTN", "MOUNTIN", "MTIN"], "Mtn"),
    **dict.fromkeys(["ORCHARD", "ORCH", "ORCHRD"], "Orch"),
    **dict.fromkeys(["OVAL", "OVL"], "Oval"),
    **dict.fromkeys(["PARKWAY", "PKWY", "PARKWY", "PKWAY", "PKY", "PARKWAYS", "PKWYS"], "Pkwy"),
    **dict.fromkeys(["PLACE", "PL"], "Pl"),
    **dict.fromkeys(["PLAZA", "PLZ", "PLZA"], "Plz"),
    **dict.fromkeys(["POINT", "PT"], "Pt"),
    **dict.fromkeys(["PORT", "PRT"], "Prt"),
    **dict.fromkeys(["RANCH", "RNCH", "RANCHES", "RNCHS"], "Rnch"),
    **dict.fromkeys(["RIDGE", "RDG", "RDGE"], "Rdg"),
    **dict.fromkeys(["RIVER", "RIV", "RVR", "RIVR"], "Riv"),
    **dict.fromkeys(["ROAD", "RD"], "Rd"),
    **dict.fromkeys(["ROUTE", "RTE"], "Rte"),
    **dict.fromkeys(["SHORE", "SHR", "SHOAR"], "Shr"),
    **dict.fromkeys(["SKYWAY", "SKWY"], "Skwy"),
    **dict.fromkeys(["SPRING", "SPG", "SPNG", "SPRNG"], "Spg"),
    **dict.fromkeys(["SPRINGS", "SPGS", "SPNGS", "SPRNGS"], "Spgs"),
    **dict.fromkeys(["SQUARE", "SQ", "SQR", "SQRE", "SQU"], "Sq"),
    **dict.fromkeys(["STATION", "STA", "STATN", "STN"], "Sta"),
    **dict.fromkeys(["STREET", "ST", "STR", "STRT"], "St"),
    **dict.fromkeys(["SUMMIT", "SMT", "SUMIT", "SUMITT"], "Smt"),
    **dict.fromkeys(["TERRACE", "TER", "TERR"], "Ter"),
    **dict.fromkeys(["TRACE", "TRCE", "TRACES"], "Trce"),
    **dict.fromkeys(["TRAIL", "TRL", "TRAILS", "TRLS"], "Trl"),
    **dict.fromkeys(["TUNNEL", "TUNL", "TUNEL", "TUNLS", "TUNNELS", "TUNNL"], "Tunl"),
    **dict.fromkeys(["TURNPIKE", "TPKE", "TRNPK", "TURNPK"], "Tpke"),
    **dict.fromkeys(["VALLEY", "VLY", "VALLY", "VLLY"], "Vly"),
    **dict.fromkeys(["VIADUCT", "VIA", "VDCT", "VIADCT"], "Via"),
    **dict.fromkeys(["VIEW", "VW"], "Vw"),
    **dict.fromkeys(["VILLAGE", "VLG", "VILL", "VILLAG", "VILLG", "VILLIAGE"], "Vlg"),
    **dict.fromkeys(["VISTA", "VIS", "VIST", "VST", "VSTA"], "Vis"),
    **dict.fromkeys(["WALK", "WALKS"], "Walk"),
    **dict.fromkeys(["WAY", "WY"], "Way"),
    # Same spelling in and out, listed so they count as suffixes for position rules.
    **{word: word.title() for word in ("PARK", "PASS", "PATH", "PIKE", "ROW", "RUN", "MALL")},
}
# Words that name a numbered road: abbreviated when a route number follows ("Highway 101").
_NUMBERED_ROAD_WORDS = {"HIGHWAY": "Hwy", "HWY": "Hwy", "ROUTE": "Rte", "RTE": "Rte"}

_DIRECTIONALS: dict[str, str] = {
    **{w: w for w in ("N", "S", "E", "W", "NE", "NW", "SE", "SW")},
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W",
    "NORTHEAST": "NE", "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
    "NORTH-EAST": "NE", "NORTH-WEST": "NW", "SOUTH-EAST": "SE", "SOUTH-WEST": "SW",
}
# "South West" / "N. E." written as two words.
_TWO_WORD_DIRECTIONALS = {
    (north_south, east_west): north_south[0] + east_west[0]
    for north_south in ("NORTH", "SOUTH", "N", "S")
    for east_west in ("EAST", "WEST", "E", "W")
}

_UNIT_DESIGNATORS: dict[str, str] = {
    **dict.fromkeys(["APARTMENT", "APT", "#"], "Apt"),
    **dict.fromkeys(["SUITE", "STE"], "Ste"),
    **dict.fromkeys(["UNIT"], "Unit"),
    **dict.fromkeys(["FLOOR", "FL", "FLR"], "Fl"),
    **dict.fromkeys(["ROOM", "RM"], "Rm"),
    **dict.fromkeys(["BUILDING", "BLDG"], "Bldg"),
    **dict.fromkeys(["DEPARTMENT", "DEPT"], "Dept"),
    **dict.fromkeys(["LOT"], "Lot"),
    **dict.fromkeys(["TRAILER", "TRLR"], "Trlr"),
    **dict.fromkeys(["PENTHOUSE", "PH"], "Ph"),
    **dict.fromkeys(["BASEMENT", "BSMT"], "Bsmt"),
}
_ORDINAL_RE = re.compile(r"\d+(?:ST|ND|RD|TH)", re.IGNORECASE)
_HAS_DIGIT_RE = re.compile(r"\d")
_PO_BOX_RE = re.compile(r"^(?:P\s*O|POST\s+OFFICE)\s*BOX\b|^POBOX\b", re.IGNORECASE)
# Periods and commas are dropped; "#4B" is split so the "#" reads as a unit designator.
_STREET_PUNCT_RE = re.compile(r"[.,;]")
_HASH_RE = re.compile(r"\s*#\s*")


def _case_street_word(word: str) -> str:
    if _ORDINAL_RE.fullmatch(word):
        return word.lower()  # 1st, 42nd
    if _HAS_DIGIT_RE.search(word):
        return word.upper()  # 4B, I-95
    return smart_title(word.lower() if word.isupper() else word)


def _abbreviate_street(words: list[str]) -> list[str]:
    """Apply the position rules from the module docstring to the words of the street part."""
    out: list[str | None] = [_case_street_word(w) for w in words]
    upper = [w.upper() for w in words]
    n = len(words)
    first_name_index = 1 if n and upper[0][:1].isdigit() else 0

    # Post-directional: after a suffix at the very end ("Main St North", "Main St South West").
    end = n
    if n - first_name_index >= 4 and tuple(upper[-2:]) in _TWO_WORD_DIRECTIONALS and upper[-3] in _STREET_SUFFIXES:
        out[-2:] = [_TWO_WORD_DIRECTIONALS[tuple(upper[-2:])], None]
        end = n - 2
    elif n - first_name_index >= 3 and upper[-1] in _DIRECTIONALS and (
        upper[-2] in _STREET_SUFFIXES or (upper[-2][:1].isdigit() and upper[-3] in _NUMBERED_ROAD_WORDS)
    ):
        out[-1] = _DIRECTIONALS[upper[-1]]  # also "Highway 101 North"
        end = n - 1
    # Suffix: the last remaining word, with at least one name word before it.
    name_end = end
    if end - 1 > first_name_index and upper[end - 1] in _STREET_SUFFIXES:
        out[end - 1] = _STREET_SUFFIXES[upper[end - 1]]
        name_end = end - 1
    for i in range(n - 1):
        if upper[i] in _NUMBERED_ROAD_WORDS and upper[i + 1][:1].isdigit():
            out[i] = _NUMBERED_ROAD_WORDS[upper[i]]  # "Highway 101", "Route 66"
    # Pre-directional: first word of the name, only when a name word still follows it.
    p = first_name_index
    if p + 2 < name_end and tuple(upper[p : p + 2]) in _TWO_WORD_DIRECTIONALS:
        out[p : p + 2] = [_TWO_WORD_DIRECTIONALS[tuple(upper[p : p + 2])], None]
    elif p + 1 < name_end and upper[p] in _DIRECTIONALS:
        out[p] = _DIRECTIONALS[upper[p]]
    return [w for w in out if w is not None]


def _format_unit(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        upper = word.upper()
        if upper in _UNIT_DESIGNATORS:
            designator = _UNIT_DESIGNATORS[upper]
            if not (out and out[-1] == designator):  # "Apt #4" -> "Apt 4"
                out.append(designator)
        else:
            out.append(_case_street_word(word))
    return out


def _find_unit_start(words: list[str]) -> int:
    """Index where the unit part begins (len(words) if none): the first unit designator, or the
    ordinal before a trailing floor designator ("2nd Floor")."""
    for i, word in enumerate(words):
        upper = word.upper()
        if upper not in _UNIT_DESIGNATORS:
            continue
        if _UNIT_DESIGNATORS[upper] == "Fl" and i > 0 and _ORDINAL_RE.fullmatch(words[i - 1]):
            return i - 1
        # A designator with nothing after it ("Main St Unit") is a name word, not a unit.
        if i == len(words) - 1 and upper != "#":
            return len(words)
        return i
    return len(words)


@lru_cache(maxsize=1 << 19)
def _normalize_street_text(text: str) -> str | None:
    text = _STREET_PUNCT_RE.sub(" ", text)
    text = _HASH_RE.sub(" # ", text)
    po_box = _PO_BOX_RE.match(text)
    if po_box:
        rest = text[po_box.end() :].split()
        return " ".join(["PO", "Box", *(_case_street_word(w) for w in rest)])
    words = text.split()
    unit_start = _find_unit_start(words)
    street = _abbreviate_street(words[:unit_start])
    unit = _format_unit(words[unit_start:])
    return " ".join(street + unit) or None


def normalize_street(value: Any) -> str | None:
    """USPS-style street line: "123 N MAIN STREET APT 4B" -> "123 N Main St Apt 4B" (rules: module doc)."""
    text = clean_text(value)
    return None if text is None else _normalize_street_text(text)


# --- city ----------------------------------------------------------------------------------------

_CITY_PREFIXES = {"st": "Saint", "ste": "Sainte", "ft": "Fort", "mt": "Mount"}
_CITY_PREFIX_RE = re.compile(r"^(st|ste|ft|mt)(?:\.\s*|\s+)(?=\S)", re.IGNORECASE)
# Small words stay lower-case inside a city name: "Isle of Palms", "Stratford-upon-Avon".
_CITY_LOWER_WORDS = frozenset({"of", "the", "and", "upon", "on"})
_CITY_PUNCT_RE = re.compile(r"[.,;]")


@lru_cache(maxsize=65536)
def _normalize_city_text(text: str) -> str | None:
    prefix = ""
    match = _CITY_PREFIX_RE.match(text)
    if match:
        prefix = _CITY_PREFIXES[match.group(1).lower()] + " "
        text = text[match.end() :]
    text = " ".join(_CITY_PUNCT_RE.sub(" ", text).split())
    if not text:
        return None
    titled = smart_title(text.lower() if text.isupper() or text.islower() else text)
    words = [word.split("-") for word in titled.split(" ")]
    for i, pieces in enumerate(words):
        for j, piece in enumerate(pieces):
            is_first_piece = not prefix and i == 0 and j == 0
            if not is_first_piece and piece.lower() in _CITY_LOWER_WORDS:
                pieces[j] = piece.lower()
    return prefix + " ".join("-".join(pieces) for pieces in words)


def normalize_city(value: Any) -> str | None:
    """Title-cased city with St/Ft/Mt expanded: "ST. LOUIS" -> "Saint Louis", "mt vernon" -> "Mount Vernon"."""
    text = clean_text(value)
    return None if text is None else _normalize_city_text(text)


# --- region --------------------------------------------------------------------------------------

_US_REGIONS: dict[str, tuple[str, ...]] = {
    "AL": ("Alabama", "Ala"), "AK": ("Alaska",), "AZ": ("Arizona", "Ariz"), "AR": ("Arkansas", "Ark"),
    "CA": ("California", "Calif", "Cal"), "CO": ("Colorado", "Colo"), "CT": ("Connecticut", "Conn"),
    "DE": ("Delaware", "Del"), "DC": ("District of Columbia", "Washington DC", "Washington D.C."),
    "FL": ("Florida", "Fla"), "GA": ("Georgia",), "HI": ("Hawaii",), "ID": ("Idaho",),
    "IL": ("Illinois", "Ill"), "IN": ("Indiana", "Ind"), "IA": ("Iowa",), "KS": ("Kansas", "Kan", "Kans"),
    "KY": ("Kentucky",), "LA": ("Louisiana",), "ME": ("Maine",), "MD": ("Maryland",),
    "MA": ("Massachusetts", "Mass"), "MI": ("Michigan", "Mich"), "MN": ("Minnesota", "Minn"),
    "MS": ("Mississippi", "Miss"), "MO": ("Missouri",), "MT": ("Montana", "Mont"), "NE": ("Nebraska", "Neb", "Nebr"),
    "NV": ("Nevada", "Nev"), "NH": ("New Hampshire",), "NJ": ("New Jersey",), "NM": ("New Mexico",),
    "NY": ("New York",), "NC": ("North Carolina",), "ND": ("North Dakota",), "OH": ("Ohio",),
    "OK": ("Oklahoma", "Okla"), "OR": ("Oregon", "Ore"), "PA": ("Pennsylvania", "Penn", "Penna"),
    "RI": ("Rhode Island",), "SC": ("South Carolina",), "SD": ("South Dakota",), "TN": ("Tennessee", "Tenn"),
    "TX": ("Texas", "Tex"), "UT": ("Utah",), "VT": ("Vermont",), "VA": ("Virginia",), "WA": ("Washington", "Wash"),
    "WV": ("West Virginia", "W Va"), "WI": ("Wisconsin", "Wis", "Wisc"), "WY": ("Wyoming", "Wyo"),
    # Territories and military "states".
    "PR": ("Puerto Rico",), "GU": ("Guam",), "VI": ("Virgin Islands", "US Virgin Islands", "U.S. Virgin Islands"),
    "AS": ("American Samoa",), "MP": ("Northern Mariana Islands", "Northern Marianas"),
    "UM": ("United States Minor Outlying Islands",), "AA": ("Armed Forces Americas",),
    "AE": ("Armed Forces Europe",), "AP": ("Armed Forces Pacific",),
}
_NOT_LETTER_RE = re.compile(r"[^a-z]")


def _region_key(text: str) -> str:
    """Letters-only lower-case key, so "N.Y.", "n y" and "NY" meet, as do "W. Va." and "wva"."""
    return _NOT_LETTER_RE.sub("", ascii_fold(text).lower())


_US_REGION_BY_KEY: dict[str, str] = {
    _region_key(alias): code for code, aliases in _US_REGIONS.items() for alias in (code, *aliases)
}


@lru_cache(maxsize=512)
def _subdivisions_by_key(country: str) -> dict[str, str]:
    """Subdivision lookups for one country: code suffix, full code and name -> code suffix."""
    by_key: dict[str, str] = {}
    for subdivision in pycountry.subdivisions.get(country_code=country) or ():
        suffix = subdivision.code.split("-", 1)[1]
        by_key.setdefault(_region_key(subdivision.name), suffix)
    for subdivision in pycountry.subdivisions.get(country_code=country) or ():
        suffix = subdivision.code.split("-", 1)[1]
        by_key[_region_key(suffix)] = suffix  # codes win over a clashing name
        by_key[_region_key(subdivision.code)] = suffix
    return by_key


@lru_cache(maxsize=65536)
def _normalize_region_text(text: str, country: str | None) -> str | None:
    key = _region_key(text)
    if country == "US" or country is None:
        code = _US_REGION_BY_KEY.get(key)
        if code is not None or country == "US":
            return code
    elif key:
        code = _subdivisions_by_key(country).get(key)
        if code is not None:
            return code
    return text.upper()


def normalize_region(value: Any, country: str | None = "US") -> str | None:
    """State/province code. US: "new york"/"N.Y."/"ny" -> "NY", unknown -> None.

    Other countries: the ISO 3166-2 code suffix when pycountry recognises the name or code
    ("Ontario", country "CA" -> "ON"), else the cleaned text upper-cased. ``country=None`` (not
    known) tries US states first and otherwise returns the cleaned text upper-cased.
    """
    text = clean_text(value)
    if text is None:
        return None
    country_code = normalize_country(country) if country is not None else None
    if country is not None and country_code is None:
        return text.upper()  # a country we cannot identify: no table to look in
    return _normalize_region_text(text, country_code)


# --- postcode ------------------------------------------------------------------------------------

_DIGITS_ONLY_RE = re.compile(r"\d+")
_FLOAT_ZERO_RE = re.compile(r"(\d+)\.0+")
_US_ZIP_RE = re.compile(r"(\d{5})(?:[\s-]?\d{4})?")
# Royal Mail format, with the letter restrictions per position; GIR 0AA is Girobank's legacy code.
_GB_POSTCODE_RE = re.compile(
    r"(GIR0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)[0-9][ABD-HJLNP-UW-Z]{2})"
)
# Canada Post: letters D F I O Q U never appear, W and Z not first.
_CA_POSTCODE_RE = re.compile(r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][0-9][ABCEGHJ-NPRSTV-Z][0-9]")


def _us_zip(text: str) -> str | None:
    compact = text.replace(" ", "")
    if _DIGITS_ONLY_RE.fullmatch(compact):
        # Spreadsheets drop leading zeros: 3-4 digits is a New England ZIP ("2134" -> "02134"),
        # 8 digits a ZIP+4 ("21340123" -> "02134").
        if 3 <= len(compact) <= 4:
            compact = compact.zfill(5)
        elif len(compact) == 8:
            compact = compact.zfill(9)
        if len(compact) == 9:
            compact = compact[:5]
    match = _US_ZIP_RE.fullmatch(compact if _DIGITS_ONLY_RE.fullmatch(compact) else text)
    if not match or match.group(1) == "00000":
        return None
    return match.group(1)


def _gb_postcode(text: str) -> str | None:
    compact = text.replace(" ", "").upper()
    if not _GB_POSTCODE_RE.fullmatch(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def _ca_postcode(text: str) -> str | None:
    compact = text.replace(" ", "").replace("-", "").upper()
    if not _CA_POSTCODE_RE.fullmatch(compact):
        return None
    return f"{compact[:3]} {compact[3:]}"


_POSTCODE_FORMATTERS = {"US": _us_zip, "GB": _gb_postcode, "CA": _ca_postcode}


def normalize_postcode(value: Any, country: str | None = "US") -> str | None:
    """US 5-digit ZIP (ZIP+4 trimmed, lost leading zeros restored), GB "SW1A 1AA", CA "K1A 0B1".

    Other or unknown countries: upper-cased with whitespace collapsed, not validated. Invalid -> None.
    """
    raw = as_text(value)  # int/float cells from spreadsheets become "2134", not "2134.0"
    text = clean_text(raw)
    if text is None:
        return None
    float_zero = _FLOAT_ZERO_RE.fullmatch(text)  # "2134.0" read back from a CSV export
    if float_zero:
        text = float_zero.group(1)
    formatter = _POSTCODE_FORMATTERS.get(normalize_country(country) or "") if country is not None else None
    return formatter(text) if formatter is not None else text.upper()
