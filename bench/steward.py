"""A simulated steward: active learning with the truth answering only the pairs the tool asks about.

    .venv/bin/python bench/steward.py [--families demo,noisy_people] [--budget 300] [--batch 50]

Each round runs the engine with the labels so far (default configuration, mapping only: the
families of bench/identity_suite.py), asks `labels.informative_pairs` for the next batch, and
lets the truth answer exactly those pairs - the steward never sees any other pair, and nothing
is tuned on the answers but the model the labels themselves correct. Per round: pairwise
precision / recall / F1 on the whole family, and the labels' own cross-validated precision and
recall (what a steward without truth would see). Rows are appended to bench/out/steward.jsonl.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from identity_suite import OUT, _provenance, load_family  # noqa: E402

from customer_unification.lib.matching.engine import comparison_specs, match_records  # noqa: E402
from customer_unification.lib.matching.evaluate import pairwise_scores  # noqa: E402
from customer_unification.lib.matching.labels import informative_pairs  # noqa: E402

RESULTS = OUT / "steward.jsonl"


def steward_answers(asked: pd.DataFrame, person: pd.Series) -> pd.DataFrame:
    """The truth's answer to each asked pair, and nothing else."""
    same = person.loc[asked["left"]].to_numpy() == person.loc[asked["right"]].to_numpy()
    return pd.DataFrame({"left": asked["left"], "right": asked["right"],
                         "label": ["match" if s else "non_match" for s in same]})


def run_family(name: str, budget: int, batch: int, people: int) -> list[dict]:
    family = load_family(name, people=people)
    person = pd.Series(family.truth.to_numpy(), index=family.keys.to_numpy())
    person = person[~person.index.duplicated()]
    specs = comparison_specs(family.config)
    labels = pd.DataFrame(columns=["left", "right", "label"])
    rows = []
    while True:
        con = duckdb.connect()
        con.register("input_view", family.frame)
        started = time.perf_counter()
        result = match_records(con, "input_view", family.config, labels=labels if len(labels) else None)
        seconds = time.perf_counter() - started
        cluster = result.assignments.set_index("record_key")["cluster"].reindex(family.keys.to_numpy())
        scores = pairwise_scores(cluster.astype("string").reset_index(drop=True), family.truth)
        learnt = result.stats.get("labels", {})
        row = {"family": name, "labels": len(labels), "matches": int((labels["label"] == "match").sum()),
               "precision": round(scores["precision"], 4), "recall": round(scores["recall"], 4),
               "f1": round(scores["f1"], 4), "cv_precision": learnt.get("cv_precision"),
               "cv_recall": learnt.get("cv_recall"), "penalty": learnt.get("penalty"),
               "corrections": learnt.get("corrections"),
               "seconds": round(seconds, 1)}
        rows.append(row)
        print(json.dumps(row), flush=True)
        if len(labels) >= budget:
            break
        asked = informative_pairs(con, specs, family.config.clustering.threshold,
                                  min(batch, budget - len(labels)), labelled=labels)
        con.close()
        if asked.empty:
            break
        labels = pd.concat([labels, steward_answers(asked, person)], ignore_index=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", default="demo,noisy_people")
    parser.add_argument("--budget", type=int, default=300, help="pairs the steward answers in all")
    parser.add_argument("--batch", type=int, default=50, help="pairs asked per round")
    parser.add_argument("--people", type=int, default=5000, help="people in noisy_people")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    provenance = _provenance()
    with RESULTS.open("a") as out:
        for name in args.families.split(","):
            for row in run_family(name.strip(), args.budget, args.batch, args.people):
                out.write(json.dumps({**row, **provenance}) + "\n")


if __name__ == "__main__":
    main()
