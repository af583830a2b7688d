"""Pure, Dagster-free normalisers used by the staging layer."""

from .addresses import normalize_city, normalize_postcode, normalize_region, normalize_street
from .countries import normalize_country
from .dates import DateParseError, parse_date, parse_date_series, parse_timestamp, parse_timestamp_series
from .emails import EmailResult, email_match_key, normalize_email
from .handles import normalize_handle
from .names import ParsedName, canonical_first_name, name_key, normalize_name_part, parse_full_name
from .phones import PhoneResult, normalize_phone
from .text import ascii_fold, clean_free_text, clean_text

__all__ = [
    "DateParseError",
    "EmailResult",
    "ParsedName",
    "PhoneResult",
    "ascii_fold",
    "canonical_first_name",
    "clean_free_text",
    "clean_text",
    "email_match_key",
    "name_key",
    "normalize_city",
    "normalize_country",
    "normalize_email",
    "normalize_handle",
    "normalize_name_part",
    "normalize_phone",
    "normalize_postcode",
    "normalize_region",
    "normalize_street",
    "parse_date",
    "parse_date_series",
    "parse_full_name",
    "parse_timestamp",
    "parse_timestamp_series",
]
