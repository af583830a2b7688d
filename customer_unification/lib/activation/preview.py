"""Who is in each audience, safe to show: a few members per audience with their contact masked."""

import duckdb
import pandas as pd

from customer_unification.lib.activation.audiences import CHANNEL_COLUMNS, SCHEMA
from customer_unification.lib.quality.masking import mask_value

PREVIEW_COLUMNS = ["audience", "customer_id", "contact (masked)"]


def member_preview(con: duckdb.DuckDBPyConnection, per_audience: int = 5, schema: str = SCHEMA) -> pd.DataFrame:
    """The first `per_audience` members of every audience (by customer_id, so a re-run shows the same
    people) with the contact the audience uses, masked: an email, a phone, a name and street, or the
    start of a social hash (hashes are not personal data in clear, but are shortened for reading)."""
    contact = "CASE channel " + " ".join(
        f"WHEN '{channel}' THEN concat_ws(' ', {', '.join(columns)})" for channel, columns in CHANNEL_COLUMNS.items()
        if channel != "social") + " END"
    frame = con.sql(f"""
        SELECT audience, customer_id, channel, {contact} AS contact, coalesce(hashed_email, hashed_phone) AS hashed
        FROM {schema}.audience_members
        QUALIFY row_number() OVER (PARTITION BY audience ORDER BY customer_id) <= {int(per_audience)}
        ORDER BY audience, customer_id""").df()
    shown = [(h[:12] + "…") if channel == "social" and isinstance(h, str) else mask_value(c)
             for channel, c, h in zip(frame["channel"], frame["contact"], frame["hashed"])]
    return pd.DataFrame({"audience": frame["audience"], "customer_id": frame["customer_id"],
                         "contact (masked)": shown}, columns=PREVIEW_COLUMNS)
