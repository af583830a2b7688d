"""Proper-casing for names and place names, whatever case the source used.

Rules, per space-separated word and per hyphen-separated piece:
- a piece that already looks deliberately cased (starts upper, has an internal capital, mostly
  lower: "DeVito", "MacKenzie") is kept, so curated data is not made worse;
- otherwise it is capitalised, with "Mc" + capital ("mcdonald" -> "McDonald") and, for a short
  allow-list only, "Mac" + capital ("macdonald" -> "MacDonald"; "Mack", "Macy" stay as they are);
- after an apostrophe that follows a one-letter prefix the next letter is capitalised
  ("o'neil" -> "O'Neil", "d'angelo" -> "D'Angelo");
- roman numerals II-IV are upper-cased ("Henry iii" -> "Henry III").
"""

from __future__ import annotations

from functools import lru_cache

_MAC_SURNAMES = frozenset(
    {
        "macarthur", "macaulay", "macbride", "maccallum", "macdonald", "macdougall", "macewan",
        "macfarlane", "macgregor", "macgillivray", "macinnes", "macintyre", "mackinnon", "maclachlan",
        "maclean", "macleod", "macmillan", "macnamara", "macneil", "macneill", "macpherson", "macrae",
        "macallister", "macdowell", "macguire", "maclaren", "macmahon", "macquarrie",
    }
)
_ROMAN_NUMERALS = frozenset({"ii", "iii", "iv"})
# Italian-style elisions whose second part is capitalised too ("Dell'Acqua").
_ELISION_PREFIXES = frozenset({"dell", "dall", "nell", "sant"})


def _looks_deliberately_cased(piece: str) -> bool:
    # An internal capital is the signal: plain "Mcdonald" (one capital) is what title-casing
    # systems emit, so it is re-cased to "McDonald"; "McDONALD" (mostly upper) is caps-lock noise.
    if not piece[:1].isupper():
        return False
    uppers = sum(ch.isupper() for ch in piece)
    lowers = sum(ch.islower() for ch in piece)
    return uppers >= 2 and lowers > uppers


def _capitalize_simple(piece: str) -> str:
    lower = piece.lower()
    if lower in _ROMAN_NUMERALS:
        return lower.upper()
    if lower.startswith("mc") and len(lower) > 2 and lower[2].isalpha():
        return "Mc" + lower[2].upper() + lower[3:]
    if lower in _MAC_SURNAMES:
        return "Mac" + lower[3].upper() + lower[4:]
    return lower[:1].upper() + lower[1:]


def _capitalize_piece(piece: str) -> str:
    if not piece or _looks_deliberately_cased(piece):
        return piece
    if "'" not in piece:
        return _capitalize_simple(piece)
    head, _, tail = piece.partition("'")
    head_cased = _capitalize_simple(head) if head else head
    if tail and (len(head) == 1 or head.lower() in _ELISION_PREFIXES):
        return f"{head_cased}'{_capitalize_piece(tail)}"
    return f"{head_cased}'{tail.lower()}"


@lru_cache(maxsize=65536)
def smart_title(text: str) -> str:
    """Proper-case a whole string of words; see the module docstring for the rules."""
    return " ".join("-".join(_capitalize_piece(piece) for piece in word.split("-")) for word in text.split(" "))
