"""Golden field groups: what each golden profile field reads from a customer's records.

For every group: the golden columns and the SQL that fills them, which records are candidates,
the value `most_frequent` counts (spelling variants of one value count together) and how
`most_complete` scores a candidate. The rules that rank candidates live in the profiles config.
"""

from dataclasses import dataclass

from customer_unification.lib.profiles.config import GOLDEN_FIELDS


def _name_completeness(col: str) -> str:
    """Higher = fuller spelling: a name over an initial, accents kept, proper case over shouting."""
    return (f"(length(replace({col}, '.', '')) > 1)::INT * 8"
            f" + ({col} <> strip_accents({col}))::INT * 2"
            f" + ({col} <> upper({col}) AND {col} <> lower({col}))::INT")


def _name_key(col: str) -> str:
    return f"lower(strip_accents(trim({col})))"


@dataclass(frozen=True)
class FieldGroup:
    """How to read one golden field group from a customer's records (columns of records.py)."""

    name: str
    columns: dict[str, str]  # golden column -> SQL over the customer records
    present: str  # SQL: the record is a candidate
    key: str  # SQL: the value most_frequent counts (spelling variants of one value count together)
    completeness: str = "0"  # SQL: higher = fuller (most_complete)
    # most_frequent ties go to the value more customers share: a misspelt name is rarer than the
    # name it misspells. Names only - a shared phone or e-mail is a household's, not a better one.
    popularity: bool = False


_ADDRESS_PARTS = ("address_line1", "address_line2", "city", "region", "postcode", "country")


def address_key_sql(prefix: str = "") -> str:
    """An address compared as one value: case, accents, punctuation and where the unit was
    written ("12 Oak St Apt 4" = "12 Oak St" + "Apt 4") do not matter."""
    parts = ", ".join(f"{prefix}{c}" for c in ("address_line1", "address_line2", "city", "postcode"))
    return f"lower(regexp_replace(strip_accents(concat_ws(' ', {parts})), '[^[:alnum:]]', '', 'g'))"


FIELD_GROUPS: dict[str, FieldGroup] = {g.name: g for g in (
    FieldGroup("title", {"title": "title"}, "title IS NOT NULL",
               "lower(replace(title, '.', ''))", _name_completeness("title"), popularity=True),
    FieldGroup("first_name", {"first_name": "first_name"}, "first_name IS NOT NULL",
               _name_key("first_name"),
               # a formal name is fuller than its nickname (Robert over Bob)
               _name_completeness("first_name")
               + " + (lower(strip_accents(first_name)) = coalesce(first_name_canonical, ''))::INT * 4",
               popularity=True),
    FieldGroup("middle_name", {"middle_name": "middle_name"}, "middle_name IS NOT NULL",
               _name_key("middle_name"), _name_completeness("middle_name"), popularity=True),
    FieldGroup("last_name", {"last_name": "last_name"}, "last_name IS NOT NULL",
               _name_key("last_name"), _name_completeness("last_name"), popularity=True),
    FieldGroup("gender", {"gender": "gender"}, "gender IS NOT NULL", "gender"),
    FieldGroup("date_of_birth", {"date_of_birth": "date_of_birth"}, "date_of_birth IS NOT NULL",
               "date_of_birth"),
    # a bounced address, or one staging flagged, is never a candidate
    FieldGroup("email", {"email": "email"},
               "email IS NOT NULL AND NOT email_bounced AND coalesce(dq_flags, '') NOT LIKE '%email:%'",
               "email"),
    FieldGroup("phone", {"phone": "phone"}, "phone IS NOT NULL", "phone"),
    FieldGroup("mobile", {"mobile": "phone"}, "phone IS NOT NULL", "phone"),
    FieldGroup("landline", {"landline": "phone"}, "phone IS NOT NULL", "phone"),
    # The address is one unit. Completeness is coarse - a street line with its town or postcode,
    # a street line alone, a town or postcode alone - so a newer address missing an optional part
    # (line2, region) is not beaten by an older one that has it.
    FieldGroup("address", {c: c for c in _ADDRESS_PARTS},
               "address_line1 IS NOT NULL OR postcode IS NOT NULL OR city IS NOT NULL",
               address_key_sql(),
               "(address_line1 IS NOT NULL)::INT * 2 + (postcode IS NOT NULL OR city IS NOT NULL)::INT"),
)}
assert tuple(FIELD_GROUPS) == GOLDEN_FIELDS

GOLDEN_COLUMNS: list[str] = [c for g in FIELD_GROUPS.values() for c in g.columns]
