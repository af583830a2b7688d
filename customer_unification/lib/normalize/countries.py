"""Country names and codes to ISO 3166-1 alpha-2."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pycountry

from .text import ascii_fold, clean_text

# Names people write that pycountry does not know (endonyms, former and informal names). For the
# UK's nations GB is the only ISO country code there is.
COUNTRY_ALIASES: dict[str, str] = {
    **dict.fromkeys(["USA", "U.S.A.", "US", "U.S.", "United States of America", "America", "United States"], "US"),
    **dict.fromkeys(
        ["UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland"], "GB"
    ),
    **dict.fromkeys(["Deutschland", "BRD"], "DE"),
    **dict.fromkeys(["Holland", "Nederland"], "NL"),
    **dict.fromkeys(["Korea", "Republic of Korea"], "KR"),
    **dict.fromkeys(["DR Congo", "DRC", "Congo-Kinshasa"], "CD"),
    **dict.fromkeys(["Republic of the Congo", "Congo-Brazzaville"], "CG"),
    **dict.fromkeys(["Schweiz", "Suisse", "Svizzera"], "CH"),
    **dict.fromkeys(["Belgique", "Belgie"], "BE"),
    **dict.fromkeys(["Vatican", "Vatican City", "Holy See"], "VA"),
    **dict.fromkeys(["Eire", "Republic of Ireland"], "IE"),
    **dict.fromkeys(["UAE", "U.A.E."], "AE"),
    **dict.fromkeys(["PRC", "People's Republic of China"], "CN"),
    "Russia": "RU", "Czech Republic": "CZ", "Ivory Coast": "CI", "Cape Verde": "CV", "Palestine": "PS",
    "Swaziland": "SZ", "Macedonia": "MK", "Burma": "MM", "Turkey": "TR", "Brunei": "BN", "Micronesia": "FM",
    "East Timor": "TL", "Espana": "ES", "Italia": "IT", "Brasil": "BR", "Osterreich": "AT", "Sverige": "SE",
    "Norge": "NO", "Danmark": "DK", "Suomi": "FI", "Polska": "PL", "Hellas": "GR", "Nippon": "JP",
    "Bosnia": "BA", "Trinidad": "TT",
}

_NOT_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_LEADING_THE_RE = re.compile(r"^the\s+")
_SAINT_RE = re.compile(r"\bst\b")


def _country_key(text: str) -> str:
    """Accent-free, lower-case, punctuation-free, space-free: "U.S.A." and "usa" meet, as do
    "Côte d'Ivoire" and "cote divoire"; a leading "The" is dropped and "St" is read as "Saint"."""
    words = ascii_fold(text).lower().replace("&", " and ")
    words = _SAINT_RE.sub("saint", _LEADING_THE_RE.sub("", words.replace("'", "").replace("’", "")))
    return _NOT_ALNUM_RE.sub("", words)


def _build_country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        names = [country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)]
        # "Korea, Republic of" is also written "Republic of Korea".
        names += [f"{tail.strip()} {head.strip()}" for head, _, tail in (n.partition(",") for n in names if n and "," in n)]
        for name in (country.alpha_2, country.alpha_3, country.numeric, *names):
            if name:
                index.setdefault(_country_key(name), country.alpha_2)
    index.update({_country_key(alias): code for alias, code in COUNTRY_ALIASES.items()})
    return index


_COUNTRY_BY_KEY = _build_country_index()


@lru_cache(maxsize=4096)
def _lookup_country(text: str) -> str | None:
    return _COUNTRY_BY_KEY.get(_country_key(text))


def normalize_country(value: Any) -> str | None:
    """ISO alpha-2 from a code (alpha-2/alpha-3/numeric), a name or an alias, in any case; unknown -> None."""
    text = clean_text(value)
    return None if text is None else _lookup_country(text)
