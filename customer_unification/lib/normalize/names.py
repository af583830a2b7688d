"""Person names: one name part, a whole name parsed into parts, and keys for matching.

Whole names are parsed with nameparser's ``HumanName``. Its parse costs ~0.2-0.4 ms, so the common
shapes whose words nameparser treats plainly (no titles, suffixes, particles or conjunctions) take
equivalent fast paths: "First [Middle] Last", "Last, First [Middle]", a common title ("Mr", "Mrs",
"Ms", "Miss", "Dr", "Mx", "Prof") before "First [Middle] Last", and "First L."; every parse is
cached. Tests compare the fast paths with nameparser over a generated corpus.

Nicknames (``canonical_first_name``) come from ``data/nicknames.csv``; ambiguous nicknames map to
the most common canonical (chris -> christopher, alex -> alexander, pat -> patricia,
sam -> samuel): see the header of that file for the full list of such choices.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, NamedTuple

from nameparser import HumanName
from nameparser.config import CONSTANTS

from customer_unification.lib.nicknames import NICKNAMES

from ._casing import smart_title
from .text import ascii_fold, clean_text


class ParsedName(NamedTuple):
    title: str | None
    first: str | None
    middle: str | None
    last: str | None
    suffix: str | None


_EMPTY_NAME = ParsedName(None, None, None, None, None)

# Typographic apostrophes and dashes are folded to ASCII so "O’Neil" and "O'Neil" agree.
_APOSTROPHES_AND_DASHES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "ʹ": "'", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-"}
)
_ASCII_NOT_NAME_CHAR_RE = re.compile(r"[^A-Za-z' -]+")
# Digits are deleted rather than turned into a space: "Sm1th" is one mangled word, not two.
_DIGITS_RE = re.compile(r"\d+")
# Separators left dangling once other punctuation is gone: " - ", "--", leading "'" ...
_SPACED_HYPHEN_RE = re.compile(r"\s*-[\s-]*")
_WORD_EDGE_JUNK_RE = re.compile(r"(?:(?<=\s)|^)['-]+|['-]+(?=\s|$)")
_MULTI_SPACE_RE = re.compile(r"\s+")


def _is_name_char(ch: str) -> bool:
    # Combining marks are kept so decomposed accents and Indic vowel signs survive.
    return ch.isalpha() or ch in " -'" or unicodedata.category(ch).startswith("M")


@lru_cache(maxsize=131072)
def _normalize_name_part_text(text: str) -> str | None:
    text = _DIGITS_RE.sub("", text.translate(_APOSTROPHES_AND_DASHES))
    if text.isascii():
        text = _ASCII_NOT_NAME_CHAR_RE.sub(" ", text)
    else:
        text = "".join(ch if _is_name_char(ch) else " " for ch in text)
    # Punctuation became spaces ("J.R." -> "J R"), so only separators need tidying now.
    text = _SPACED_HYPHEN_RE.sub("-", text)
    text = _WORD_EDGE_JUNK_RE.sub("", text)
    text = _MULTI_SPACE_RE.sub(" ", text).strip()
    return smart_title(text) if text else None


def normalize_name_part(value: Any) -> str | None:
    """Clean one name part and proper-case it: "mcdonald" -> "McDonald", "DE LA CRUZ" -> "De La Cruz"."""
    text = clean_text(value)
    return None if text is None else _normalize_name_part_text(text)


# --- titles and suffixes -------------------------------------------------------------------------

_TITLE_CANONICAL = {
    "mr": "Mr", "mister": "Mr", "mrs": "Mrs", "missus": "Mrs", "ms": "Ms", "miss": "Miss", "mx": "Mx",
    "dr": "Dr", "doctor": "Dr", "prof": "Prof", "professor": "Prof", "rev": "Rev", "reverend": "Rev",
    "fr": "Fr", "sir": "Sir", "dame": "Dame", "lord": "Lord", "lady": "Lady", "capt": "Capt",
    "captain": "Capt", "hon": "Hon", "sr": "Sr", "sra": "Sra", "srta": "Srta", "mme": "Mme", "mlle": "Mlle",
}
_SUFFIX_CANONICAL = {
    "jr": "Jr", "junior": "Jr", "sr": "Sr", "senior": "Sr", "ii": "II", "iii": "III", "iv": "IV", "v": "V",
    "vi": "VI", "vii": "VII", "viii": "VIII", "esq": "Esq", "esquire": "Esq",
}
_CONJUNCTIONS = frozenset(CONSTANTS.conjunctions)
_SUFFIX_ACRONYMS = frozenset(CONSTANTS.suffix_acronyms)
# nameparser's own casing for degrees: phd -> PhD, dphil -> DPhil ...
_CAPITALIZATION_EXCEPTIONS = dict(CONSTANTS.capitalization_exceptions)
_TITLE_OR_SUFFIX_SPLIT_RE = re.compile(r"[\s,]+")


def _normalize_title(raw: str) -> str | None:
    words = [w.replace(".", "") for w in _TITLE_OR_SUFFIX_SPLIT_RE.split(raw) if w.replace(".", "")]
    out = []
    for word in words:
        lower = word.lower()
        if lower in _TITLE_CANONICAL:
            out.append(_TITLE_CANONICAL[lower])
        elif lower in _CONJUNCTIONS:
            out.append(lower)  # "Mr and Mrs"
        else:
            out.append(_normalize_name_part_text(word) or "")
    return " ".join(w for w in out if w) or None


def _normalize_suffix(raw: str) -> str | None:
    out = []
    for word in _TITLE_OR_SUFFIX_SPLIT_RE.split(raw):
        lower = word.replace(".", "").lower()
        if not lower:
            continue
        if lower in _SUFFIX_CANONICAL:
            out.append(_SUFFIX_CANONICAL[lower])
        elif lower in _CAPITALIZATION_EXCEPTIONS:
            out.append(_CAPITALIZATION_EXCEPTIONS[lower])
        elif lower in _SUFFIX_ACRONYMS:
            out.append(lower.upper())  # MD, DDS, CPA
        else:
            out.append(_normalize_name_part_text(word) or "")
    return " ".join(w for w in out if w) or None


# --- whole names ---------------------------------------------------------------------------------

# Words that make nameparser do more than split by position; a name containing one of them (or a
# comma, quote, bracket, period or digit) is always handed to nameparser.
_SPECIAL_WORDS = frozenset(
    w.lower()
    for w in (
        *CONSTANTS.titles,
        *CONSTANTS.suffix_acronyms,
        *CONSTANTS.suffix_not_acronyms,
        *CONSTANTS.prefixes,
        *CONSTANTS.conjunctions,
        *CONSTANTS.first_name_titles,
    )
)
_PLAIN_LATIN_WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'-]*")
_SURNAME_PARTICLES = frozenset(w.lower() for w in CONSTANTS.prefixes)


# nameparser does not know ordinal generational suffixes and would take "2nd" as the surname.
_ORDINAL_SUFFIX_RE = re.compile(r"(?i)(?<=\s)(2nd|3rd|4th)\.?$")
_ORDINAL_TO_ROMAN = {"2nd": "II", "3rd": "III", "4th": "IV"}


def _positional_split(text: str) -> ParsedName | None:
    """Parse "First [Middle] Last" without nameparser when nameparser would split by position anyway."""
    words = text.split(" ")
    if not 2 <= len(words) <= 3:
        return None
    for word in words:
        if not _PLAIN_LATIN_WORD_RE.fullmatch(word) or word.lower() in _SPECIAL_WORDS:
            return None
    first, *middle, last = words
    return ParsedName(
        None,
        _normalize_name_part_text(first),
        _normalize_name_part_text(middle[0]) if middle else None,
        _normalize_name_part_text(last),
        None,
    )


# Titles that may lead a name on the fast path; nameparser knows each of them, with or without a dot.
_FAST_PATH_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "mx", "prof"})


def _is_plain_word(word: str) -> bool:
    return _PLAIN_LATIN_WORD_RE.fullmatch(word) is not None and word.lower() not in _SPECIAL_WORDS


def _comma_split(text: str) -> ParsedName | None:
    """Parse "Last, First [Middle]" without nameparser when nameparser's answer is predictable."""
    surname, comma, given = text.partition(",")
    if not comma or "," in given:
        return None
    surname_words = surname.split()
    given_words = given.split()
    if len(surname_words) != 1 or not 1 <= len(given_words) <= 2:
        return None
    if not all(_is_plain_word(word) for word in (*surname_words, *given_words)):
        return None
    return ParsedName(
        None,
        _normalize_name_part_text(given_words[0]),
        _normalize_name_part_text(given_words[1]) if len(given_words) == 2 else None,
        _normalize_name_part_text(surname_words[0]),
        None,
    )


def _titled_split(text: str) -> ParsedName | None:
    """Parse "Mr First [Middle] Last" (any case, optional dot) without nameparser."""
    title, space, rest = text.partition(" ")
    if not space or title.rstrip(".").lower() not in _FAST_PATH_TITLES or title.count(".") > 1:
        return None
    parsed = _positional_split(rest)
    return None if parsed is None else parsed._replace(title=_normalize_title(title))


_INITIAL_WITH_DOT_RE = re.compile(r"[A-Za-z]\.")


def _surname_initial_split(text: str) -> ParsedName | None:
    """Parse "First L." (a surname abbreviated to its initial) without nameparser."""
    first, space, initial = text.partition(" ")
    if not space or not _INITIAL_WITH_DOT_RE.fullmatch(initial) or not _is_plain_word(first):
        return None
    return ParsedName(None, _normalize_name_part_text(first), None, _normalize_name_part_text(initial), None)


def _with_surname_comma(text: str) -> str:
    """"SMITH ROBERT J" -> "SMITH, ROBERT J"; leading particles stay with the surname ("de la Cruz Maria")."""
    words = text.split(" ")
    i = 0
    while i < len(words) - 1 and words[i].lower().rstrip(".") in _SURNAME_PARTICLES:
        i += 1
    return " ".join(words[: i + 1]) + ", " + " ".join(words[i + 1 :])


def _from_human_name(text: str) -> ParsedName:
    parsed = HumanName(text)
    return ParsedName(
        _normalize_title(parsed.title) if parsed.title else None,
        _normalize_name_part_text(parsed.first) if parsed.first else None,
        _normalize_name_part_text(parsed.middle) if parsed.middle else None,
        _normalize_name_part_text(parsed.last) if parsed.last else None,
        _normalize_suffix(parsed.suffix) if parsed.suffix else None,
    )


@lru_cache(maxsize=1 << 19)
def _parse_cleaned_name(text: str, last_first: bool | None) -> ParsedName:
    text = text.translate(_APOSTROPHES_AND_DASHES)
    text = _ORDINAL_SUFFIX_RE.sub(lambda m: _ORDINAL_TO_ROMAN[m.group(1).lower()], text)
    if last_first is False:
        text = " ".join(text.replace(",", " ").split())
    elif last_first is True and "," not in text:
        if " " not in text:
            return ParsedName(None, None, None, _normalize_name_part_text(text), None)
        text = _with_surname_comma(text)
    if "," in text:
        fast = _comma_split(text)
    else:
        fast = _positional_split(text) or _titled_split(text) or _surname_initial_split(text)
    return fast if fast is not None else _from_human_name(text)


def parse_full_name(value: Any, last_first: bool | None = None) -> ParsedName:
    """Split a whole name into title/first/middle/last/suffix, each normalised.

    ``last_first=None`` detects "Last, First" by the comma; True/False force the order (with True
    and no comma the first word, plus any leading particles like "de la", is the surname).
    """
    text = clean_text(value)
    if text is None:
        return _EMPTY_NAME
    parsed = _parse_cleaned_name(text, last_first)
    return parsed if any(parsed) else _EMPTY_NAME


# --- matching keys -------------------------------------------------------------------------------


@lru_cache(maxsize=131072)
def _letters_key(text: str) -> str | None:
    folded = ascii_fold(text).lower()
    key = "".join(ch for ch in folded if ch.isalpha())
    return key or None


def name_key(value: Any) -> str | None:
    """Lowercase, accent-free, letters only, for blocking and comparison: "O'Neil-Smith" -> "oneilsmith"."""
    text = clean_text(value)
    return None if text is None else _letters_key(text)


def canonical_first_name(first: Any) -> str | None:
    """``name_key`` of a first name with nicknames resolved: "Bobby" -> "robert", "Kelly" -> "kelly"."""
    key = name_key(first)
    return None if key is None else NICKNAMES.get(key, key)
