"""Audiences against a ground truth (the demo estate's): does any audience reach one true person
twice (two customer_ids for one person), or anyone whose consent the ledger does not give?

Evaluation only: the pipeline never reads the truth.
"""

from pathlib import Path

import duckdb
import pandas as pd

from customer_unification.lib.activation.audiences import AUDIENCE_MEMBERS


def audience_truth(con: duckdb.DuckDBPyConnection, truth_dir: str | Path,
                   identity_map: str = "identity.customer_identity_map") -> pd.DataFrame:
    """Per audience: rows, true people reached, true people reached more than once."""
    truth = pd.read_parquet(Path(truth_dir) / "record_person.parquet", columns=["source", "source_record_id", "person_id"])
    con.register("cu_truth_records", truth)
    try:
        return con.sql(f"""
            WITH person AS (  -- each customer stands for the true person most of its records belong to
                SELECT customer_id, arg_max(person_id, n) AS person_id FROM (
                    SELECT m.customer_id, t.person_id, count(*) AS n FROM {identity_map} m
                    JOIN cu_truth_records t USING (source, source_record_id) GROUP BY ALL)
                GROUP BY 1),
            reached AS (
                SELECT a.audience, p.person_id, count(*) AS times FROM {AUDIENCE_MEMBERS} a
                LEFT JOIN person p USING (customer_id) GROUP BY ALL)
            SELECT audience, sum(times)::BIGINT AS rows, count(person_id) AS true_people,
                   count(*) FILTER (WHERE person_id IS NOT NULL AND times > 1) AS people_reached_twice
            FROM reached GROUP BY 1 ORDER BY 1""").df()
    finally:
        con.unregister("cu_truth_records")
