"""Learning from a steward's labels: record pairs marked match, non_match or unsure.

Labels do three things in a run:
1. they bind, like overrides: a labelled match is linked, a labelled non-match kept apart;
2. they correct the model. A logistic regression on the labelled pairs, with the unsupervised
   Fellegi-Sunter weight as its offset, learns a correction in bits per comparison level and one
   for the prior. An L1 penalty keeps every correction at zero unless the labels need it, so a
   level few labels reach keeps the weight EM gave it: labels where present, EM elsewhere. The active learner (`informative_pairs`)
   picks pairs by their levels alone, never by the answer, so P(match | levels) learnt on the
   labelled pairs holds on all pairs even though they are the hard ones;
3. they measure: k-fold cross-validated precision and recall at the configured threshold, the
   only figures a steward's own estate can give about itself.

Unsure labels are kept in the file (the pair is not asked again) and otherwise ignored.
"""

from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy.optimize import minimize

from customer_unification.lib.matching import scoring
from customer_unification.lib.matching.comparisons import ComparisonSpec
from customer_unification.lib.matching.em import FittedModel
from customer_unification.lib.matching.pair_files import read_pair_csv

LABEL_VALUES = ("match", "non_match", "unsure")
LABEL_COLUMNS = ["left", "right", "label"]
PENALTIES = (0.3, 1.0, 3.0, 10.0)  # L1 strengths tried, per bit; cross-validation picks one
MAX_CORRECTION_BITS = 10.0
FOLDS = 5
_LN2 = float(np.log(2))


@dataclass
class LabelReport:
    """What the labels held and what cross-validation on them says."""

    matches: int = 0
    non_matches: int = 0
    unsure: int = 0
    unknown_records: int = 0  # labelled record keys the run does not hold
    penalty: float | None = None
    cv_precision: float | None = None
    cv_recall: float | None = None
    corrections: dict[str, float] = field(default_factory=dict)  # level label -> bits, the largest

    def as_stats(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def read_labels(path: str | Path) -> pd.DataFrame:
    """Labels from CSV: left, right (record keys), label (match / non_match / unsure), optional
    note. Bad rows are an error naming the line; the last label of a pair wins."""
    frame = read_pair_csv(path, "label", LABEL_VALUES, "labels", spelled=lambda v: v.str.replace("-", "_"))
    pair = frame[["left", "right"]].apply(lambda s: s.str.strip())
    frame["left"], frame["right"] = pair.min(axis=1), pair.max(axis=1)
    return frame.drop_duplicates(["left", "right"], keep="last").reset_index(drop=True)


def append_labels(path: str | Path, rows: pd.DataFrame) -> None:
    """Add labels (left, right, label[, note]) to the CSV at `path`, creating it with a header."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = LABEL_COLUMNS + ["note"]
    rows = rows.reindex(columns=columns).fillna("")
    rows.to_csv(path, mode="a", header=not path.exists() or path.stat().st_size == 0, index=False)


def as_overrides(labels: pd.DataFrame | None) -> pd.DataFrame | None:
    """The binding half of the labels, in the overrides' form (left, right, decision)."""
    if labels is None or labels.empty:
        return None
    decided = labels[labels["label"].isin(["match", "non_match"])]
    decision = decided["label"].map({"match": "must_link", "non_match": "must_not_link"})
    return pd.DataFrame({"left": decided["left"], "right": decided["right"], "decision": decision})


def labelled_pairs(con: duckdb.DuckDBPyConnection, labels: pd.DataFrame, out: str = "cu_labelled") -> int:
    """`out (l, r, y)`: the decided labels as node pairs (y 1 = match); returns how many labelled
    record keys the run does not hold. Two records of one node are one record to the model."""
    decided = labels[labels["label"].isin(["match", "non_match"])]
    con.register("cu_labels_in", pd.DataFrame({"left": decided["left"], "right": decided["right"],
                                               "y": (decided["label"] == "match").astype("int8")}))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT DISTINCT least(a.nid, b.nid) AS l, greatest(a.nid, b.nid) AS r, max(i.y) AS y
        FROM cu_labels_in i JOIN cu_records a ON a.record_key = i."left" JOIN cu_records b ON b.record_key = i."right"
        WHERE a.nid <> b.nid GROUP BY ALL""")
    unknown = con.sql("""SELECT count(*) FROM (SELECT "left" AS k FROM cu_labels_in UNION SELECT "right" FROM cu_labels_in)
                         WHERE k NOT IN (SELECT record_key FROM cu_records)""").fetchall()[0][0]
    con.unregister("cu_labels_in")
    return int(unknown)


def learn_from_labels(con: duckdb.DuckDBPyConnection, specs: list[ComparisonSpec], model: FittedModel,
                      labels: pd.DataFrame, threshold: float, seed: int = 42) -> tuple[FittedModel, LabelReport]:
    """The model with corrections learnt from `labels`, and what cross-validation says of them.

    Needs `cu_records` and `cu_nodes`. With too few labels of either kind to learn from, the
    model comes back unchanged (the labels still bind, see as_overrides)."""
    counts = labels["label"].value_counts()
    report = LabelReport(matches=int(counts.get("match", 0)), non_matches=int(counts.get("non_match", 0)),
                         unsure=int(counts.get("unsure", 0)))
    report.unknown_records = labelled_pairs(con, labels)
    scoring.add_node_frequencies(con, specs, "cu_labelled")
    scoring.build_gammas(con, specs, candidates="cu_labelled", out="cu_labelled_gammas")
    scoring.score_pairs(con, specs, _without_corrections(model), gammas="cu_labelled_gammas",
                        out="cu_labelled_scores", keep_gammas=True)
    data = con.sql("SELECT * FROM cu_labelled_scores ORDER BY l, r").df()
    con.execute("DROP TABLE cu_labelled_gammas; DROP TABLE cu_labelled_scores")
    y = data["y"].to_numpy(dtype=float)
    if len(y) < 2 * FOLDS or y.min() == y.max():
        return model, report
    x, slots = _level_indicators(data, specs)
    offset = data["match_weight"].to_numpy(dtype=float)
    folds = np.random.default_rng(seed).permutation(len(y)) % FOLDS
    cv = {penalty: _cross_validate(x, offset, y, folds, penalty) for penalty in PENALTIES}
    report.penalty = min(PENALTIES, key=lambda p: cv[p][0])  # the smallest held-out log loss
    held_out = cv[report.penalty][1] >= threshold
    report.cv_precision = round(float(y[held_out].mean()), 4) if held_out.any() else None
    report.cv_recall = round(float(held_out[y == 1].mean()), 4) if (y == 1).any() else None
    theta = _fit(x, offset, y, report.penalty)
    corrected = _with_corrections(model, specs, slots, theta)
    report.corrections = _largest(specs, slots, theta)
    return corrected, report


def _without_corrections(model: FittedModel) -> FittedModel:
    return replace(model, history=[], adjust=None, prior_adjust=0.0)


def _level_indicators(data: pd.DataFrame, specs: list[ComparisonSpec]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """One column per (comparison, level) some labelled pair reached; missing values reach none."""
    slots = [(c, g) for c, spec in enumerate(specs) for g in range(spec.top + 1)
             if (data[f"g_{spec.name}"] == g).any()]
    x = np.column_stack([(data[f"g_{specs[c].name}"] == g).to_numpy(dtype=float) for c, g in slots]) \
        if slots else np.zeros((len(data), 0))
    return x, slots


def _fit(x: np.ndarray, offset: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    """Logistic regression with an L1 penalty, in bits: theta[0] corrects the prior, theta[1:] the
    levels. L1, not ridge: the fields of hard pairs move together (twins agree on surname, birth
    date and address alike), and ridge would spread a correction over all of them - weakening
    every surname and address match - where L1 puts it on the few levels that tell the labels
    apart (the first names). The prior is penalised like a level: a shift learnt on pairs a
    steward chose would move every pair. Solved as a bounded smooth problem, theta = plus - minus."""
    design = np.column_stack([np.ones(len(y)), x])
    k = design.shape[1]

    def loss(parts: np.ndarray) -> tuple[float, np.ndarray]:
        theta = parts[:k] - parts[k:]
        z = _LN2 * (offset + design @ theta)
        p = 1 / (1 + np.exp(-np.clip(z, -500, 500)))
        grad = _LN2 * design.T @ (p - y)
        value = float(np.sum(np.logaddexp(0, z) - y * z) + penalty * parts.sum())
        return value, np.concatenate([grad + penalty, -grad + penalty])

    bounds = [(0.0, MAX_CORRECTION_BITS)] * (2 * k)
    parts = minimize(loss, np.zeros(2 * k), jac=True, method="L-BFGS-B", bounds=bounds).x
    return parts[:k] - parts[k:]


def _cross_validate(x: np.ndarray, offset: np.ndarray, y: np.ndarray, folds: np.ndarray,
                    penalty: float) -> tuple[float, np.ndarray]:
    """Held-out log loss and each label's held-out match probability."""
    probability = np.zeros(len(y))
    for fold in range(FOLDS):
        test = folds == fold
        theta = _fit(x[~test], offset[~test], y[~test], penalty)
        z = _LN2 * (offset[test] + theta[0] + x[test] @ theta[1:])
        probability[test] = 1 / (1 + np.exp(-np.clip(z, -500, 500)))
    eps = 1e-9
    log_loss = float(-np.mean(y * np.log(probability + eps) + (1 - y) * np.log(1 - probability + eps)))
    return log_loss, probability


def _with_corrections(model: FittedModel, specs: list[ComparisonSpec], slots: list[tuple[int, int]],
                      theta: np.ndarray) -> FittedModel:
    adjust = [np.zeros(spec.top + 1) for spec in specs]
    for (c, g), bits in zip(slots, theta[1:]):
        adjust[c][g] = bits
    return replace(model, adjust=adjust, prior_adjust=float(theta[0]))


def _largest(specs: list[ComparisonSpec], slots: list[tuple[int, int]], theta: np.ndarray,
             top: int = 8) -> dict[str, float]:
    named = {"prior": float(theta[0])}
    named.update({f"{specs[c].name}: {specs[c].label(g)}": float(b) for (c, g), b in zip(slots, theta[1:])})
    return {k: round(v, 2) for k, v in sorted(named.items(), key=lambda kv: -abs(kv[1]))[:top] if abs(v) >= 0.05}


def informative_pairs(con: duckdb.DuckDBPyConnection, specs: list[ComparisonSpec], threshold: float,
                      count: int, labelled: pd.DataFrame | None = None, band_bits: float = 12.0,
                      explore_share: float = 0.3) -> pd.DataFrame:
    """The `count` scored pairs whose labels teach the model most. Most are those closest to the
    threshold, one per agreement pattern before a second of any (a label informs every pair of
    its pattern); `explore_share` of them are drawn at random from the whole band of doubt
    (within `band_bits` of the threshold), so the corrections are learnt on more than the
    hardest pairs. Pairs labelled before are not asked again. Columns: left, right (a record
    key of each node), match_probability, match_weight, why (`closest` / `explore`).

    Needs the run's `cu_scores`, `cu_gammas` and `cu_records`."""
    at_threshold = float(np.log2(threshold / (1 - threshold)))
    pattern = ", ".join(f"g.g_{s.name}" for s in specs)
    known = labelled if labelled is not None and not labelled.empty else pd.DataFrame(columns=["left", "right"])
    explore = int(round(count * explore_share))
    con.register("cu_asked", known[["left", "right"]].astype(str))
    pairs = con.sql(f"""
        WITH keys AS (SELECT nid, min(record_key) AS record_key FROM cu_records GROUP BY nid),
        asked AS (SELECT least(a.nid, b.nid) AS l, greatest(a.nid, b.nid) AS r FROM cu_asked q
                  JOIN cu_records a ON a.record_key = q."left" JOIN cu_records b ON b.record_key = q."right"),
        band AS (
          SELECT s.l, s.r, s.match_weight, s.match_probability, abs(s.match_weight - {at_threshold}) AS doubt,
                 row_number() OVER (PARTITION BY {pattern} ORDER BY abs(s.match_weight - {at_threshold}), s.l, s.r) AS nth
          FROM cu_scores s JOIN cu_gammas g ON g.l = s.l AND g.r = s.r
          WHERE abs(s.match_weight - {at_threshold}) <= {band_bits}
            AND NOT EXISTS (SELECT 1 FROM asked a WHERE a.l = s.l AND a.r = s.r)),
        explored AS (SELECT *, 'explore' AS why FROM band ORDER BY hash(l, r), l, r LIMIT {explore}),
        closest AS (SELECT *, 'closest' AS why FROM band WHERE NOT EXISTS
                      (SELECT 1 FROM explored e WHERE e.l = band.l AND e.r = band.r)
                    ORDER BY nth, doubt, l, r LIMIT {int(count) - explore}),
        chosen AS (SELECT * FROM closest UNION ALL SELECT * FROM explored)
        SELECT kl.record_key AS "left", kr.record_key AS "right", round(match_probability, 4) AS match_probability,
               round(match_weight, 2) AS match_weight, why
        FROM chosen JOIN keys kl ON kl.nid = chosen.l JOIN keys kr ON kr.nid = chosen.r
        ORDER BY why, doubt, chosen.l, chosen.r""").df()
    con.unregister("cu_asked")
    return pairs
