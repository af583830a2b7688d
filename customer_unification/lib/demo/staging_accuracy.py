"""How often a staged value equals the person's true value (demo estate ground truth).

Only for evaluation (tests, benchmarks): the pipeline never reads the truth. A staged value
counts as right when it equals one of the true values the person could legitimately have
there (current or previous address, personal or work email, mobile or landline).
"""

from pathlib import Path

import duckdb
import pandas as pd

# staged column -> SQL over the truth row `p` giving the accepted values
ACCEPTED = {
    "email": "[p.email, p.work_email]",
    "phone": "[p.phone, p.mobile, p.landline]",
    "date_of_birth": "[p.date_of_birth]",
    "last_name": "[p.last_name, p.maiden_name]",
    "first_name": "[strip_accents(lower(p.first_name))]",  # sources' nicknames and typos count as wrong
    "postcode": "[p.postcode, p.previous_postcode]",
    "region": "[p.region, p.previous_region]",
    "address_line1": "[p.address_line1, p.previous_address_line1]",
}

_STAGED = {  # how a staged column is compared, where not as is
    "date_of_birth": "CAST(r.date_of_birth AS DATE)::VARCHAR",
    "first_name": "strip_accents(lower(r.first_name))",
    "address_line1": "concat_ws(' ', r.address_line1, r.address_line2)",  # the truth keeps the unit on line 1
}


def staging_accuracy(warehouse: str | Path, estate: str | Path) -> pd.DataFrame:
    """Per staged column: values present, share equal to a true value."""
    truth = Path(estate) / "_truth"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute(f"CREATE TEMP VIEW rp AS SELECT DISTINCT source, source_record_id, person_id "
                    f"FROM '{truth / 'record_person.parquet'}' WHERE defect = ''")
        con.execute(f"CREATE TEMP VIEW p AS FROM '{truth / 'people.parquet'}'")
        rows = []
        for column, accepted in ACCEPTED.items():
            value = _STAGED.get(column, f"r.{column}")
            present, right = con.execute(f"""
                SELECT count(*), count(*) FILTER (WHERE list_contains({accepted}, {value}))
                FROM staging.unified_records r
                JOIN rp USING (source, source_record_id) JOIN p USING (person_id)
                WHERE r.{column} IS NOT NULL""").fetchall()[0]
            rows.append({"column": column, "values": present, "accuracy": round(right / present, 4) if present else None})
        return pd.DataFrame(rows)
    finally:
        con.close()
