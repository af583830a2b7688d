"""Generic text cleaning shared by every other normaliser."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, overload

from ._values import as_text

# Invisible format characters (zero-width space/joiners, bidi marks, BOM, soft hyphen) survive NFKC
# and would make "Smith" and "Smi\u200bth" distinct keys, so they are deleted outright.
_INVISIBLE_RE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Control characters are turned into spaces (not deleted) so "a\x00b" does not glue two words.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")

# Values that source systems write when they mean "no value". Compared case-insensitively.
PLACEHOLDERS: frozenset[str] = frozenset(
    {"n/a", "na", "null", "none", "-", "--", "?", "unknown", "#n/a", "(null)", "<null>", "n.a."}
)
# Runs of filler punctuation only ("---", "??", "...") are placeholders too.
_FILLER_ONLY_RE = re.compile(r"[-?._*/\\]+")
# ... except in free text that may hold a path or URL, where a run with a slash is one ("/" is a
# site's home page, "./" a folder): see clean_free_text.
_PATH_CHARS = frozenset("/\\")

# Letters that NFKD does not decompose but that have a conventional ASCII spelling.
_FOLD_EXTRA = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i",
    }
)
# Only the diacritic blocks are stripped: dropping every combining mark would mangle Indic scripts,
# whose vowel signs are combining characters rather than accents.
_DIACRITIC_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


_FILLER_CHARS = frozenset("-?._*/\\")
_LONGEST_PLACEHOLDER = max(map(len, PLACEHOLDERS))


def _is_placeholder_text(text: str, keep_paths: bool = False) -> bool:
    return text.casefold() in PLACEHOLDERS or _is_filler(text, keep_paths)


def _is_filler(text: str, keep_paths: bool) -> bool:
    return _FILLER_ONLY_RE.fullmatch(text) is not None and not (keep_paths and not _PATH_CHARS.isdisjoint(text))


def clean_text(value: Any) -> str | None:
    """NFKC, drop invisible characters, trim, collapse whitespace; None for missing/blank/placeholder.

    A value of filler punctuation only ("---", "??", "/") means "no value": in a person's fields a
    form's "/" is "none". Free text that may hold a page path or URL is cleaned by clean_free_text."""
    return _cleaned(value, keep_paths=False)


def clean_free_text(value: Any) -> str | None:
    """clean_text for source-specific free text (a source's attributes: page paths, URLs, notes):
    blanks and placeholder words ("n/a", "null") are still missing, filler ("---") too, but a value
    of punctuation holding a slash is a path and kept ("/", the home page of a web event)."""
    return _cleaned(value, keep_paths=True)


def _cleaned(value: Any, keep_paths: bool) -> str | None:
    if type(value) is str and value.isascii() and value.isprintable():
        # The common case, with the same result as below: ASCII has nothing for NFKC or the
        # invisible-character rule to change, printable ASCII has no control character and no
        # whitespace but " ", and the placeholder tests are skipped when they cannot match.
        text = value
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            text = " ".join(text.split())
        if not text:
            return None
        if len(text) <= _LONGEST_PLACEHOLDER and text.casefold() in PLACEHOLDERS:
            return None
        if text[0] in _FILLER_CHARS and _is_filler(text, keep_paths):
            return None
        return text
    text = as_text(value)
    if text is None:
        return None
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub(" ", text)
    # str.split() with no argument splits on all Unicode whitespace, including NBSP and U+2028.
    text = " ".join(text.split())
    if not text or _is_placeholder_text(text, keep_paths):
        return None
    return text


@overload
def ascii_fold(value: str) -> str: ...
@overload
def ascii_fold(value: Any) -> str | None: ...
def ascii_fold(value: Any) -> str | None:
    """Strip accents: "José Ñúñez" -> "Jose Nunez". Non-Latin scripts pass through; non-str gives None."""
    if not isinstance(value, str):
        return None
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFKD", value.translate(_FOLD_EXTRA))
    # NFC afterwards re-composes what was not an accent (Hangul syllables, Indic signs).
    return unicodedata.normalize("NFC", _DIACRITIC_RE.sub("", decomposed))
