"""The churn model learns a population in which recency decides churn, and always gives the same answer."""

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from customer_unification.lib.profiles.churn import ChurnParams, feature_names, score_churn

AS_OF = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
CUTOFF = AS_OF - dt.timedelta(days=90)


def population(n: int = 1500, prospects: int = 50, seed: int = 3) -> pd.DataFrame:
    """Purchasers whose last purchase before the cutoff was 1-240 days earlier. Those within 90 days
    buy again after the cutoff (95 % of them); the others do not (95 % of them)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        cid = f"C{i:05d}"
        last = rng.uniform(1, 240)
        history = [last + gap for gap in np.cumsum(rng.uniform(10, 90, size=rng.integers(0, 4)))]
        for days in [last, *history]:
            rows.append((cid, CUTOFF - dt.timedelta(days=float(days)), "order", "web", 40.0))
        rows.append((cid, CUTOFF - dt.timedelta(days=float(last) + 2), "email_open", "email", None))
        returns = (last < 90) == (rng.random() < 0.95)
        if returns:
            rows.append((cid, CUTOFF + dt.timedelta(days=float(rng.uniform(1, 89))), "order", "web", 35.0))
    for i in range(prospects):
        rows.append((f"P{i:05d}", CUTOFF - dt.timedelta(days=5), "page_view", "web", None))
    return pd.DataFrame(rows, columns=["customer_id", "event_ts", "event_type", "channel", "amount"])


def warehouse(frame: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute("CREATE TABLE customer_events AS SELECT * FROM frame")
    con.execute("CREATE TABLE golden_profiles AS SELECT DISTINCT customer_id FROM frame "
                "UNION ALL SELECT 'Z-no-events'")
    return con


@pytest.fixture(scope="module")
def scored():
    con = warehouse(population())
    return con, score_churn(con, as_of=AS_OF)


def test_recency_driven_churn_is_learnt(scored):
    _, report = scored
    assert report.trained and report.holdout_auc > 0.8
    assert report.n_training_population == 1500 and report.n_train + report.n_holdout == 1500
    assert report.n_holdout == 300
    assert 0.3 < report.base_rate < 0.9
    assert report.precision_at_top_decile > report.base_rate
    assert report.coefficients["recency_days"] > 0  # longer since the last purchase: riskier
    assert set(report.coefficients) == set(feature_names())
    assert report.cutoff.startswith("2026-08-03")


def test_every_customer_has_a_row_and_only_purchasers_a_risk(scored):
    con, report = scored
    rows = dict(con.sql("SELECT customer_id, churn_risk FROM churn_scores").fetchall())
    assert len(rows) == 1500 + 50 + 1 and report.n_scored == 1500
    assert rows["Z-no-events"] is None and rows["P00000"] is None
    risks = [v for v in rows.values() if v is not None]
    assert len(risks) == 1500 and all(0 <= v <= 1 for v in risks)
    # as of today, someone who bought yesterday is less at risk than someone silent for a year
    recent, silent = con.sql("""
        SELECT avg(churn_risk) FILTER (WHERE last > TIMESTAMPTZ '2026-10-01'),
               avg(churn_risk) FILTER (WHERE last < TIMESTAMPTZ '2026-02-01')
        FROM churn_scores JOIN (SELECT customer_id, max(event_ts) AS last FROM customer_events
                                WHERE event_type = 'order' GROUP BY 1) USING (customer_id)""").fetchall()[0]
    assert recent < silent


def test_deterministic(scored):
    con, report = scored
    first = con.sql("SELECT * FROM churn_scores ORDER BY customer_id").fetchall()
    again_con = warehouse(population())
    assert score_churn(again_con, as_of=AS_OF) == report
    assert again_con.sql("SELECT * FROM churn_scores ORDER BY customer_id").fetchall() == first
    other_seed = score_churn(again_con, as_of=AS_OF, params=ChurnParams(seed=8))
    assert other_seed.holdout_auc != report.holdout_auc


def test_too_little_history_gives_no_model_and_no_error():
    con = warehouse(population(n=20, prospects=2))
    report = score_churn(con, as_of=AS_OF, out="risk")
    assert not report.trained and "only 20 purchasers" in report.note
    assert report.holdout_auc is None and "holdout_auc" not in report.as_metadata()
    assert con.sql("SELECT count(*), count(churn_risk) FROM risk").fetchall() == [(23, 0)]
