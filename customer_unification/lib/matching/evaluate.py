"""Accuracy against ground truth: pairwise and B-cubed precision / recall / F1.

Computed from group sizes, never by listing pairs: a cluster of n records implies n(n-1)/2 pairs.
The counting runs in DuckDB (a million records, overall and per source, in about a second).
"""

import duckdb
import numpy as np
import pandas as pd

from customer_unification.lib.matching.clustering import connected

# One row of scores for the records of relation `scope` (columns p = predicted, t = true cluster).
_SCORES = """
WITH joint AS (SELECT p, t, count(*) AS n FROM {scope} GROUP BY p, t),
     by_p AS (SELECT p, sum(n) AS size FROM joint GROUP BY p),
     by_t AS (SELECT t, sum(n) AS size FROM joint GROUP BY t)
SELECT (SELECT sum(size * (size - 1) // 2) FROM by_p) AS predicted_pairs,
       (SELECT sum(size * (size - 1) // 2) FROM by_t) AS true_pairs,
       (SELECT sum(n * (n - 1) // 2) FROM joint) AS correct_pairs,
       (SELECT sum(n * n / size) FROM joint JOIN by_p USING (p)) AS b3_p_sum,
       (SELECT sum(n * n / size) FROM joint JOIN by_t USING (t)) AS b3_r_sum,
       (SELECT sum(n) FROM joint) AS records,
       (SELECT count(*) FROM by_p) AS predicted_clusters,
       (SELECT count(*) FROM by_t) AS true_clusters
"""


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _scores(con: duckdb.DuckDBPyConnection, scope: str) -> dict[str, float]:
    row = con.execute(_SCORES.format(scope=scope)).fetchall()[0]
    predicted_pairs, true_pairs, both, b3_p_sum, b3_r_sum, records, predicted_clusters, true_clusters = (
        0 if v is None else v for v in row)
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    # B-cubed: per record, the share of its predicted cluster that is truly its person and vice versa
    b3_p = float(b3_p_sum / records) if records else 1.0
    b3_r = float(b3_r_sum / records) if records else 1.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall),
            "bcubed_precision": b3_p, "bcubed_recall": b3_r, "bcubed_f1": _f1(b3_p, b3_r),
            "true_pairs": int(true_pairs), "predicted_pairs": int(predicted_pairs), "correct_pairs": int(both),
            "records": int(records), "predicted_clusters": int(predicted_clusters),
            "true_clusters": int(true_clusters)}


def clusters_from_links(ids, links) -> pd.Series:
    """True clusters from true record pairs (FEBRL ships pairs, not clusters): per id (sorted),
    the smallest id of its connected component."""
    index = pd.Index(sorted(ids))
    pairs = np.asarray(list(links), dtype=object).reshape(-1, 2)
    positions = np.arange(len(index))
    root = connected(positions, index.get_indexer(pairs[:, 0]), index.get_indexer(pairs[:, 1]))
    return pd.Series(index[root], index=index)


def pairwise_scores(predicted: pd.Series, truth: pd.Series) -> dict[str, float]:
    """`predicted` and `truth` map the same records (aligned by position) to cluster labels."""
    frame = pd.DataFrame({"p": predicted.to_numpy(), "t": truth.to_numpy()})
    with duckdb.connect() as con:
        con.register("frame", frame)
        return _scores(con, "frame")


def evaluate_against_truth(identity_map: pd.DataFrame, truth: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """Score an identity map (source, source_record_id, customer_id) against truth (source,
    source_record_id, person_id[, defect]). Returns overall scores and per-source recall/precision
    of the pairs each source's records take part in."""
    with duckdb.connect() as con:
        con.register("identity_map", identity_map)
        con.register("truth_rows", truth)
        # records the estate planted as broken were quarantined, not matched
        defect = "AND coalesce(defect, '') = ''" if "defect" in truth.columns else ""
        con.execute(f"""CREATE TEMP TABLE truth AS SELECT source, source_record_id, any_value(person_id) AS person_id
                        FROM truth_rows WHERE true {defect} GROUP BY ALL""")
        con.execute("""CREATE TEMP TABLE joined AS
                       SELECT m.source, m.customer_id AS p, t.person_id AS t FROM identity_map m
                       LEFT JOIN truth t USING (source, source_record_id)""")
        unknown = con.execute("SELECT count(*) FROM joined WHERE t IS NULL").fetchall()[0][0]
        con.execute("DELETE FROM joined WHERE t IS NULL")
        overall = _scores(con, "joined")
        overall["records_without_truth"] = int(unknown)
        rows = []
        for (source, records) in con.execute("SELECT source, count(*) FROM joined GROUP BY 1 ORDER BY 1").fetchall():
            # a source's records against everyone: the pairs touching them, via their people/customers
            scope = f"""(SELECT p, t FROM joined WHERE t IN (SELECT t FROM joined WHERE source = '{_quoted(source)}')
                         OR p IN (SELECT p FROM joined WHERE source = '{_quoted(source)}'))"""
            s = _scores(con, scope)
            rows.append({"source": source, "records": records, "precision": round(s["precision"], 4),
                         "recall": round(s["recall"], 4), "f1": round(s["f1"], 4)})
    return overall, pd.DataFrame(rows, columns=["source", "records", "precision", "recall", "f1"])


def _quoted(text: str) -> str:
    return str(text).replace("'", "''")
