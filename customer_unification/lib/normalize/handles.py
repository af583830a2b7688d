"""Social media handles: "@KNeal1985", "https://twitter.com/kneal1985" -> "kneal1985"."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .text import clean_text

_VALID_HANDLE_RE = re.compile(r"[a-z0-9_.]{1,30}")
_HAS_WORD_CHAR_RE = re.compile(r"[a-z0-9_]")
# Scheme and host of a profile URL; the handle is the first path segment after it.
_URL_PREFIX_RE = re.compile(r"^(?:https?:)?(?://)?(?:www\.|m\.|mobile\.)?[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?/")
# First path segments that are site sections, not users ("instagram.com/p/...", "twitter.com/intent/...").
_NON_PROFILE_SEGMENTS = frozenset(
    {"p", "reel", "reels", "stories", "explore", "intent", "share", "sharer", "home", "i", "hashtag",
     "search", "watch", "status", "profile.php", "pages", "groups", "in", "company"}
)


@lru_cache(maxsize=65536)
def _normalize_handle_text(text: str) -> str | None:
    handle = text.lower()
    url_prefix = _URL_PREFIX_RE.match(handle)
    if url_prefix:
        segment = handle[url_prefix.end() :].split("?", 1)[0].split("#", 1)[0].split("/", 1)[0]
        if segment in _NON_PROFILE_SEGMENTS:
            return None
        handle = segment
    handle = handle.lstrip("@")  # also tiktok.com/@user
    if not _VALID_HANDLE_RE.fullmatch(handle) or not _HAS_WORD_CHAR_RE.search(handle):
        return None
    return handle


def normalize_handle(value: Any) -> str | None:
    """Lower-cased handle without "@" or URL; None unless it is 1-30 of [a-z0-9_.] (and not only dots)."""
    text = clean_text(value)
    return None if text is None else _normalize_handle_text(text)
