"""The canonical staging schema: every staged table has these columns, in this order.

A source contract maps its own columns onto *input fields* (left column below); staging turns
them into the *staged columns*. Keeping one wide schema for every source lets identity,
profiles and the quality gates treat all sources alike.
"""

from enum import Enum


class FieldKind(str, Enum):
    ID = "id"  # opaque identifier: trimmed, kept as text
    TEXT = "text"  # free text: NFKC, trimmed, whitespace collapsed
    NAME = "name"  # a name part (first / middle / last)
    FULL_NAME = "full_name"  # one column holding a whole name; parsed into parts
    EMAIL = "email"
    PHONE = "phone"
    DATE = "date"
    TIMESTAMP = "timestamp"
    STREET = "street"
    CITY = "city"
    REGION = "region"
    POSTCODE = "postcode"
    COUNTRY = "country"
    HANDLE = "handle"  # social handle, e.g. @kneal1985
    AMOUNT = "amount"
    INTEGER = "integer"
    CONSENT = "consent"  # granted / denied, from a value map
    ENUM = "enum"  # code from a declared set (channel, event_type, gender)


# input field -> kind. The order is the column order of staged tables.
INPUT_FIELDS: dict[str, FieldKind] = {
    # identifiers
    "crm_id": FieldKind.ID,
    "loyalty_card": FieldKind.ID,
    "cookie_id": FieldKind.ID,
    "device_id": FieldKind.ID,
    "order_id": FieldKind.ID,
    "social_handle": FieldKind.HANDLE,
    # person
    "full_name": FieldKind.FULL_NAME,
    "title": FieldKind.TEXT,
    "first_name": FieldKind.NAME,
    "middle_name": FieldKind.NAME,
    "last_name": FieldKind.NAME,
    "name_suffix": FieldKind.TEXT,
    "gender": FieldKind.ENUM,
    "date_of_birth": FieldKind.DATE,
    "birth_year": FieldKind.INTEGER,
    "email": FieldKind.EMAIL,
    "phone": FieldKind.PHONE,
    # postal address
    "address_line1": FieldKind.STREET,
    "address_line2": FieldKind.STREET,
    "city": FieldKind.CITY,
    "region": FieldKind.REGION,
    "postcode": FieldKind.POSTCODE,
    "country": FieldKind.COUNTRY,
    # consent (per channel) and when it was last stated
    "consent_email": FieldKind.CONSENT,
    "consent_sms": FieldKind.CONSENT,
    "consent_phone": FieldKind.CONSENT,
    "consent_mail": FieldKind.CONSENT,
    "consent_social": FieldKind.CONSENT,
    "consent_updated_at": FieldKind.TIMESTAMP,
    # record lifecycle
    "created_at": FieldKind.TIMESTAMP,
    "updated_at": FieldKind.TIMESTAMP,
    # events and transactions
    "event_ts": FieldKind.TIMESTAMP,
    "channel": FieldKind.ENUM,
    "event_type": FieldKind.ENUM,
    "campaign_id": FieldKind.ID,
    "product_category": FieldKind.TEXT,
    "amount": FieldKind.AMOUNT,
    "currency": FieldKind.TEXT,
    "quantity": FieldKind.INTEGER,
}

CHANNELS = ("web", "app", "email", "sms", "store", "call_centre", "social", "mail", "phone")
CONSENT_CHANNELS = ("email", "sms", "phone", "mail", "social")
CONSENT_STATES = ("granted", "denied")
GENDERS = ("female", "male", "other")

# Columns added by staging next to the input fields.
KEY_COLUMNS = ["source", "source_record_id"]
DERIVED_COLUMNS = {
    "first_name_canonical": "first name with nicknames resolved (Bob -> robert); a match key",
    "email_match_key": "email with provider rules applied (gmail dots, +tags); a match key",
    "email_domain": "domain part of the email",
    "phone_type": "mobile / landline / voip / unknown, from phonenumbers",
    "dq_flags": "semicolon-separated field-level issues: the value was unusable and set to NULL",
    "loaded_at": "UTC time the staging asset ran",
}

STAGED_COLUMNS: list[str] = (
    KEY_COLUMNS
    + [f for f in INPUT_FIELDS if f != "full_name"]
    + [c for c in DERIVED_COLUMNS if c not in ("dq_flags", "loaded_at")]
    + ["dq_flags", "loaded_at"]
)

# Which staged columns identify a person (at least one must be present for a person record).
PERSON_EVIDENCE = (
    "crm_id", "loyalty_card", "cookie_id", "device_id", "social_handle",
    "email", "phone", "last_name", "first_name",
)

_KEY_DESCRIPTIONS = {
    "source": "the source system this record came from (its contract name)",
    "source_record_id": "the source's record key as text (composite keys joined by '|'); a row keyed by its "
                        "fallback_key: 'fallback-' and a digest of those values",
    "source_file": "file (or database) the record was read from",
    "source_line": "line / row number of the record in that file",
}


def column_description(name: str) -> str:
    """One line for the UI's column list."""
    if name in _KEY_DESCRIPTIONS:
        return _KEY_DESCRIPTIONS[name]
    if name in DERIVED_COLUMNS:
        return DERIVED_COLUMNS[name]
    if name in INPUT_FIELDS:
        return f"canonical {INPUT_FIELDS[name].value} field"
    if name.startswith("attr_"):
        return "source-specific attribute, kept as text"
    return ""
