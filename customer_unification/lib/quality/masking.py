"""Mask personal data before it reaches logs, metadata or previews."""

import re

import pandas as pd

PII_COLUMNS = {
    "first_name", "middle_name", "last_name", "full_name", "first_name_canonical", "email",
    "email_match_key", "phone", "date_of_birth", "address_line1", "address_line2", "postcode",
    "social_handle", "crm_id", "loyalty_card", "cookie_id", "device_id", "raw_record", "_raw",
    # a record key can be made of personal fields (name | street | ZIP): never shown in clear
    "source_record_id", "record_key", "left", "right",
}
_PII_HINTS = re.compile(r"name|mail|phone|mobile|dob|birth|address|street|line1|line2|zip|post|handle|card|"
                        r"cookie|device|ip_?addr|caller|record_id|record_key", re.IGNORECASE)
# In a quarantine reason, the value after a field name: `date_of_birth: '06/31/1973' is ...`
_REASON_VALUE = re.compile(r"\b(?P<field>[A-Za-z_][\w.]*): (?P<value>'(?:[^']|'')*'|\S+)(?= is )")


def mask_value(value) -> str | None:
    """Keep the shape, hide the content: 'kelly@example.com' -> 'k****@e******.com'."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    text = str(value)
    if "@" in text[1:] and "." in text.partition("@")[2]:  # an email; a handle (@kneal1985) is not
        local, _, domain = text.partition("@")
        host, dot, tld = domain.rpartition(".")
        return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{host[:1]}{'*' * max(len(host) - 1, 1)}{dot}{tld}"
    if len(text) <= 4:  # short values (initials, birth years) have nothing safe to show
        return "*" * len(text)
    return text[0] + re.sub(r"[^\s\-/.,]", "*", text[1:-2]) + text[-2:] if any(c.isdigit() for c in text) \
        else text[0] + re.sub(r"[^\s\-]", "*", text[1:])


def is_pii_column(name: str) -> bool:
    return name in PII_COLUMNS or bool(_PII_HINTS.search(name))


def mask_reasons(text: str | None) -> str | None:
    """A quarantine reason with the values of personal fields masked: `invalid_date: date_of_birth:
    '06/31/1973' is not a valid date` -> `... '0*/**/1973' ...`; other fields' values stay."""
    if text is None or text != text:
        return None

    def masked(match: re.Match) -> str:
        value = match["value"]
        if not is_pii_column(match["field"]):
            return match[0]
        quoted = len(value) > 1 and value[0] == value[-1] == "'"
        inner = mask_value(value[1:-1] if quoted else value) or ""
        return f"{match['field']}: " + (f"'{inner}'" if quoted else inner)

    return _REASON_VALUE.sub(masked, str(text))


def masked_preview(frame: pd.DataFrame, rows: int = 5, columns: list[str] | None = None) -> pd.DataFrame:
    """The first rows with every personal column masked (safe for metadata and logs)."""
    head = frame.head(rows)[columns] if columns else frame.head(rows)
    out = head.copy()
    for col in out.columns:
        if is_pii_column(col):
            out[col] = out[col].map(mask_value)
        elif col == "reasons":
            out[col] = out[col].map(mask_reasons)
    return out


def mask_record_key(key: str, source_prefix: bool = True) -> str:
    """`crm_contacts|C1000317` -> `crm_contacts|C*****17`. A record key may be made of personal
    fields (name | street | ZIP), so every part is masked; the source name in front (the pipeline's
    `source|source_record_id`) stays readable unless `source_prefix` is False."""
    parts = str(key).split("|")
    kept = parts[:1] if source_prefix and len(parts) > 1 else []
    return "|".join(kept + [mask_value(p) or "" for p in parts[len(kept):]])
