"""Golden-field accuracy against a ground truth (the demo estate's `_truth/`): evaluation only.

A customer is evaluated when most of its records (more than half of those the truth knows) belong
to one true person; its golden fields are compared with that person's. Text is compared
case-insensitively after trimming. Conventions:

* phone: the person's mobile or their best phone (mobile, else landline) counts as right;
* email: `email` is right when it is the person's own address, or their work address if that is
  all they have; `email_any` accepts either address;
* address_line1: the golden street address is line1 and line2 together, since the truth keeps the
  unit on line1 ("12 Oak St Apt 4") where a source may have split it onto line2.

`accuracy` = right / filled; `coverage` = filled / evaluated customers with a true value.
Pipeline code never calls this; the truth is read only here.
"""

from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from customer_unification.lib.profiles.records import table_name

# field -> SQL: the golden value (g) is right for the true person (t)
_RIGHT = {
    "first_name": "lower(trim(g.first_name)) = lower(trim(t.first_name))",
    "last_name": "lower(trim(g.last_name)) = lower(trim(t.last_name))",
    "email": "lower(trim(g.email)) = lower(coalesce(t.email, t.work_email))",
    "email_any": "lower(trim(g.email)) IN (lower(t.email), lower(t.work_email))",
    "phone": "g.phone IN (t.mobile, t.phone)",
    "address_line1": "lower(trim(concat_ws(' ', g.address_line1, g.address_line2))) = lower(trim(t.address_line1))",
    "postcode": "lower(trim(g.postcode)) = lower(trim(t.postcode))",
    "date_of_birth": "CAST(g.date_of_birth AS DATE) = CAST(t.date_of_birth AS DATE)",
}
# field -> (golden value present, true value present)
_PRESENT = {
    "first_name": ("g.first_name", "t.first_name"),
    "last_name": ("g.last_name", "t.last_name"),
    "email": ("g.email", "coalesce(t.email, t.work_email)"),
    "email_any": ("g.email", "coalesce(t.email, t.work_email)"),
    "phone": ("g.phone", "t.phone"),
    "address_line1": ("g.address_line1", "t.address_line1"),
    "postcode": ("g.postcode", "t.postcode"),
    "date_of_birth": ("g.date_of_birth", "t.date_of_birth"),
}


def golden_field_accuracy(
    con_or_frames: duckdb.DuckDBPyConnection | Mapping[str, pd.DataFrame],
    truth_dir: str | Path,
    *,
    golden: str = "profiles.golden_profiles",
    identity_map: str = "identity.customer_identity_map",
) -> pd.DataFrame:
    """Per field: evaluated, filled, right, accuracy, coverage.

    `con_or_frames` is a connection holding the `golden` and `identity_map` tables, or a mapping
    with DataFrames under the keys "golden_profiles" and "customer_identity_map".
    """
    if isinstance(con_or_frames, Mapping):
        with duckdb.connect() as con:
            con.register("golden_frame", con_or_frames["golden_profiles"])
            con.register("identity_frame", con_or_frames["customer_identity_map"])
            return _accuracy(con, Path(truth_dir), "golden_frame", "identity_frame")
    return _accuracy(con_or_frames, Path(truth_dir), table_name(golden), table_name(identity_map))


def _accuracy(con: duckdb.DuckDBPyConnection, truth: Path, golden: str, identity_map: str) -> pd.DataFrame:
    people = str(truth / "people.parquet").replace("'", "''")
    record_person = str(truth / "record_person.parquet").replace("'", "''")
    fields = ",\n".join(
        f"count(*) FILTER (WHERE {t} IS NOT NULL) AS {f}__evaluated, "
        f"count(*) FILTER (WHERE {t} IS NOT NULL AND {g} IS NOT NULL) AS {f}__filled, "
        f"count(*) FILTER (WHERE {t} IS NOT NULL AND {g} IS NOT NULL AND ({_RIGHT[f]})) AS {f}__right"
        for f, (g, t) in _PRESENT.items())
    row = con.execute(f"""
WITH votes AS (
  SELECT m.customer_id, rp.person_id, count(*) AS n,
         sum(count(*)) OVER (PARTITION BY m.customer_id) AS total
  FROM {identity_map} AS m
  JOIN read_parquet('{record_person}') AS rp
    ON rp.source = m.source AND rp.source_record_id = m.source_record_id
  GROUP BY m.customer_id, rp.person_id
), majority AS (
  SELECT customer_id, person_id FROM votes WHERE n * 2 > total
)
SELECT {fields}
FROM majority AS mj
JOIN {golden} AS g ON g.customer_id = mj.customer_id
JOIN read_parquet('{people}') AS t ON t.person_id = mj.person_id
""").df().iloc[0]
    rows = []
    for f in _PRESENT:
        evaluated, filled, right = (int(row[f"{f}__{k}"]) for k in ("evaluated", "filled", "right"))
        rows.append({"field": f, "evaluated": evaluated, "filled": filled, "right": right,
                     "accuracy": right / filled if filled else None,
                     "coverage": filled / evaluated if evaluated else None})
    return pd.DataFrame(rows)
