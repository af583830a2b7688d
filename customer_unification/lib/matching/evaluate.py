"""Accuracy against ground truth: pairwise and B-cubed precision / recall / F1.

Computed from group sizes, never by listing pairs: a cluster of n records implies n(n-1)/2 pairs,
so a million records evaluate in a second.
"""

import pandas as pd


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def pairwise_scores(predicted: pd.Series, truth: pd.Series) -> dict[str, float]:
    """`predicted` and `truth` map the same records (aligned by position) to cluster labels."""
    frame = pd.DataFrame({"p": predicted.to_numpy(), "t": truth.to_numpy()})
    predicted_pairs = _pairs(frame.groupby("p").size())
    true_pairs = _pairs(frame.groupby("t").size())
    both = _pairs(frame.groupby(["p", "t"]).size())
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    # B-cubed: per record, the share of its predicted cluster that is truly its person and vice versa
    joint = frame.groupby(["p", "t"]).size().rename("n").reset_index()
    joint["p_size"] = joint.groupby("p")["n"].transform("sum")
    joint["t_size"] = joint.groupby("t")["n"].transform("sum")
    records = len(frame)
    b3_p = float((joint["n"] ** 2 / joint["p_size"]).sum() / records) if records else 1.0
    b3_r = float((joint["n"] ** 2 / joint["t_size"]).sum() / records) if records else 1.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall),
            "bcubed_precision": b3_p, "bcubed_recall": b3_r, "bcubed_f1": _f1(b3_p, b3_r),
            "true_pairs": true_pairs, "predicted_pairs": predicted_pairs, "correct_pairs": both,
            "records": records, "predicted_clusters": int(frame["p"].nunique()),
            "true_clusters": int(frame["t"].nunique())}
