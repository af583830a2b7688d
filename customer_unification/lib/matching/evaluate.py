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


def evaluate_against_truth(identity_map: pd.DataFrame, truth: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """Score an identity map (source, source_record_id, customer_id) against truth (source,
    source_record_id, person_id[, defect]). Returns overall scores and per-source recall/precision
    of the pairs each source's records take part in."""
    if "defect" in truth.columns:  # records the estate planted as broken were quarantined, not matched
        truth = truth[truth["defect"].fillna("") == ""]
    truth = truth.drop_duplicates(["source", "source_record_id"])
    joined = identity_map.merge(truth[["source", "source_record_id", "person_id"]],
                                on=["source", "source_record_id"], how="left")
    unknown = int(joined["person_id"].isna().sum())
    joined = joined[joined["person_id"].notna()]
    overall = pairwise_scores(joined["customer_id"], joined["person_id"])
    overall["records_without_truth"] = unknown
    rows = []
    for source, part in joined.groupby("source"):
        # a source's records against everyone: recall of pairs touching them, via their people/customers
        people, customers = set(part["person_id"]), set(part["customer_id"])
        scope = joined[joined["person_id"].isin(people) | joined["customer_id"].isin(customers)]
        s = pairwise_scores(scope["customer_id"], scope["person_id"])
        rows.append({"source": source, "records": len(part), "precision": round(s["precision"], 4),
                     "recall": round(s["recall"], 4), "f1": round(s["f1"], 4)})
    return overall, pd.DataFrame(rows)
