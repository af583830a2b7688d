"""Segments against a hand-made ground truth: a split person costs recall, a merge costs precision."""

import duckdb
import pandas as pd
import pytest

from customer_unification.lib.profiles.traits import build_traits
from customer_unification.lib.segments.config import load_segments_config
from customer_unification.lib.segments.truth import segment_truth

from .timelines import AS_OF, ago

CONFIG = load_segments_config()

# record -> (true person, platform customer, days ago of its order)
RECORDS = {
    "r1": ("P1", "C1", 10), "r2": ("P1", "C1", 20), "r3": ("P1", "C1", 30), "r4": ("P1", "C1", 40),
    # P2 is split over C2 and C3: loyal in truth, neither half is
    "r5": ("P2", "C2", 10), "r6": ("P2", "C2", 20), "r7": ("P2", "C3", 30), "r8": ("P2", "C3", 40),
    # P3 (three orders) and P4 (one) are merged into C4, which looks loyal and stands for P3
    "r9": ("P3", "C4", 10), "r10": ("P3", "C4", 20), "r11": ("P3", "C4", 30), "r12": ("P4", "C4", 40),
    # P5 bought once, long ago: lapsed on both sides
    "r13": ("P5", "C5", 400),
}


@pytest.fixture
def estate(tmp_path):
    truth = tmp_path / "_truth"
    truth.mkdir()
    pd.DataFrame([("webshop_orders", r, p) for r, (p, _, _) in RECORDS.items()],
                 columns=["source", "source_record_id", "person_id"]).to_parquet(truth / "record_person.parquet")
    con = duckdb.connect()
    con.execute("CREATE SCHEMA identity; CREATE SCHEMA profiles")
    con.execute("CREATE TABLE identity.customer_identity_map (source VARCHAR, source_record_id VARCHAR, "
                "customer_id VARCHAR)")
    con.executemany("INSERT INTO identity.customer_identity_map VALUES ('webshop_orders', ?, ?)",
                    [(r, c) for r, (_, c, _) in RECORDS.items()])
    con.execute("""CREATE TABLE profiles.customer_events (customer_id VARCHAR, event_id VARCHAR, event_ts TIMESTAMPTZ,
                   channel VARCHAR, event_type VARCHAR, source VARCHAR, source_record_id VARCHAR,
                   product_category VARCHAR, amount DOUBLE, device VARCHAR, issue_type VARCHAR, satisfaction DOUBLE)""")
    con.executemany("INSERT INTO profiles.customer_events VALUES (?, ?, ?, 'web', 'order', 'webshop_orders', ?, "
                    "'books', 20.0, 'web', NULL, NULL)",
                    [(c, f"webshop_orders:{r}", ago(days), r) for r, (_, c, days) in RECORDS.items()])
    con.execute("CREATE TABLE profiles.golden_profiles AS "
                "SELECT DISTINCT customer_id FROM identity.customer_identity_map")
    con.execute("CREATE TABLE profiles.consent_ledger (customer_id VARCHAR, channel VARCHAR, state VARCHAR)")
    build_traits(con, events="profiles.customer_events", consent="profiles.consent_ledger",
                 customers="profiles.golden_profiles", as_of=AS_OF, out="profiles.customer_traits")
    return con, truth


def test_split_costs_recall_and_merge_costs_precision(estate):
    con, truth = estate
    scores = segment_truth(con, [CONFIG.get("loyal_customers"), CONFIG.get("lapsed")], truth).set_index("segment")
    loyal = scores.loc["loyal_customers"]
    # platform: C1 (P1, right) and C4 (stands for P3, who has 3 orders: wrong); truth: P1 and P2
    assert (loyal.platform_members, loyal.true_members, loyal.matched_platform, loyal.matched_true) == (2, 2, 1, 1)
    assert loyal.precision == 0.5 and loyal.recall == 0.5
    lapsed = scores.loc["lapsed"]
    assert (lapsed.platform_members, lapsed.true_members, lapsed.precision, lapsed.recall) == (1, 1, 1.0, 1.0)


def test_perfect_identity_gives_perfect_scores_and_every_segment_is_reported(estate):
    con, truth = estate
    # the platform resolves every person correctly
    con.execute("UPDATE identity.customer_identity_map m SET customer_id = 'X' || rp.person_id "
                f"FROM read_parquet('{truth / 'record_person.parquet'}') rp "
                "WHERE rp.source_record_id = m.source_record_id")
    con.execute("UPDATE profiles.customer_events e SET customer_id = m.customer_id "
                "FROM identity.customer_identity_map m WHERE m.source_record_id = e.source_record_id")
    con.execute("CREATE OR REPLACE TABLE profiles.golden_profiles AS SELECT DISTINCT customer_id "
                "FROM identity.customer_identity_map")
    build_traits(con, events="profiles.customer_events", consent="profiles.consent_ledger",
                 customers="profiles.golden_profiles", as_of=AS_OF, out="profiles.customer_traits")
    scores = segment_truth(con, CONFIG, truth, as_of=AS_OF).set_index("segment")
    assert list(scores.index) == CONFIG.names
    assert scores.loc["loyal_customers", "true_members"] == 2
    populated = scores[scores.true_members > 0]
    # orders 10 days apart make P1 and P2 weekly shoppers too
    assert set(populated.index) == {"loyal_customers", "lapsed", "weekly_shoppers"}
    assert (populated.precision == 1.0).all() and (populated.recall == 1.0).all()
    assert scores.loc["recent_laptop_buyers"].isna()["precision"]  # no members: undefined, not perfect
    assert "churn_risk" in scores.loc["high_churn_risk", "note"]


def test_missing_truth_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="record_person.parquet"):
        segment_truth(duckdb.connect(), CONFIG, tmp_path)
