"""Clustering quality against ground truth: pairwise and B-cubed precision / recall / F1.

Pairwise scores count record pairs through group sizes (n*(n-1)/2 per group), never enumerating
pairs, so 1M records take well under a second:
  predicted pairs = pairs within each predicted cluster
  true pairs      = pairs within each true person
  correct pairs   = pairs within each (cluster, person) intersection
B-cubed averages, over records, the share of the record's cluster that is its person (precision)
and the share of its person that is in its cluster (recall); it weighs every record equally,
where pairwise scores are dominated by large clusters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def pairwise_scores(pred: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """pred(record_id, cluster_id) vs truth(record_id, true_person).

    Records missing from `pred` count as singletons, so an engine cannot gain by dropping records.
    """
    cluster, person = _codes(pred, truth)
    both = _group_sizes(cluster * (person.max() + 1) + person)
    predicted, true, correct = _pairs(_group_sizes(cluster)), _pairs(_group_sizes(person)), _pairs(both)
    precision = correct / predicted if predicted else 1.0
    recall = correct / true if true else 1.0
    scores = {"precision": precision, "recall": recall, "f1": _f1(precision, recall),
              "true_pairs": true, "predicted_pairs": predicted, "correct_pairs": correct}
    scores.update(bcubed_scores(cluster, person))
    return scores


def bcubed_scores(cluster: np.ndarray, person: np.ndarray) -> dict:
    """B-cubed precision/recall/F1 from integer cluster and person codes (one per record)."""
    both = cluster * (person.max() + 1) + person
    overlap = _size_per_record(both)
    precision = float(np.mean(overlap / _size_per_record(cluster)))
    recall = float(np.mean(overlap / _size_per_record(person)))
    return {"b3_precision": precision, "b3_recall": recall, "b3_f1": _f1(precision, recall)}


def _codes(pred: pd.DataFrame, truth: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes per truth record; unclustered records get a cluster of their own."""
    merged = truth[["record_id", "true_person"]].merge(
        pred[["record_id", "cluster_id"]].drop_duplicates("record_id"), on="record_id", how="left")
    cluster = merged["cluster_id"].astype(object)
    missing = cluster.isna()
    cluster[missing] = "__singleton__" + merged.loc[missing, "record_id"].astype(str)
    return (pd.factorize(cluster)[0].astype(np.int64),
            pd.factorize(merged["true_person"])[0].astype(np.int64))


def _group_sizes(codes: np.ndarray) -> np.ndarray:
    return np.unique(codes, return_counts=True)[1]


def _size_per_record(codes: np.ndarray) -> np.ndarray:
    _, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    return counts[inverse]


def _pairs(sizes: np.ndarray) -> int:
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
