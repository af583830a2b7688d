import pandas as pd
import pytest

from customer_unification.lib.matching.evaluate import evaluate_against_truth, pairwise_scores


def test_pairwise_and_bcubed_on_a_hand_computed_example():
    # truth: {1,2,3} {4,5}; predicted: {1,2} {3,4,5}
    predicted = pd.Series(["a", "a", "b", "b", "b"])
    truth = pd.Series(["x", "x", "x", "y", "y"])
    s = pairwise_scores(predicted, truth)
    # true pairs: 3 + 1 = 4; predicted pairs: 1 + 3 = 4; correct: (1,2) and (4,5) = 2
    assert (s["true_pairs"], s["predicted_pairs"], s["correct_pairs"]) == (4, 4, 2)
    assert s["precision"] == s["recall"] == 0.5
    # B-cubed precision: records 1,2 -> 1; 3 -> 1/3; 4,5 -> 2/3  => (1+1+1/3+2/3+2/3)/5
    assert s["bcubed_precision"] == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    # B-cubed recall: 1,2 -> 2/3; 3 -> 1/3; 4,5 -> 1  => (2/3+2/3+1/3+1+1)/5
    assert s["bcubed_recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


def test_perfect_and_all_singletons():
    truth = pd.Series([1, 1, 2, 2, 3])
    assert pairwise_scores(truth, truth)["f1"] == 1.0
    singles = pairwise_scores(pd.Series(range(5)), truth)
    assert singles["precision"] == 1.0 and singles["recall"] == 0.0 and singles["f1"] == 0.0


def test_evaluation_ignores_planted_defects_and_counts_records_without_truth():
    identity = pd.DataFrame({"source": ["s"] * 4, "source_record_id": ["1", "2", "3", "9"],
                             "customer_id": ["C1", "C1", "C2", "C3"]})
    truth = pd.DataFrame({"source": ["s"] * 4, "source_record_id": ["1", "2", "3", "3"],
                          "person_id": ["P1", "P1", "P2", "P2"], "defect": ["", "", "", "duplicate_key"]})
    overall, per_source = evaluate_against_truth(identity, truth)
    assert overall["records_without_truth"] == 1
    assert overall["records"] == 3 and overall["f1"] == 1.0
    assert per_source.iloc[0]["source"] == "s"
