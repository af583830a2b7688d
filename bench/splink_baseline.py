"""Splink 5 (DuckDB backend) deduplication of the synthetic people table: the benchmark baseline.

    .venv/bin/python bench/splink_baseline.py bench/out/people_1m.parquet --output OUT.parquet

A typical person-data model as in Splink's tutorials and docs:
- prediction blocking on first+last name, dob with a name or the postcode, email, phone;
- the out-of-the-box name (Jaro-Winkler levels, term-frequency adjusted), dob and email
  comparisons, exact phone, and street line / postcode / city as one levelled comparison;
- lambda from deterministic rules, u by random sampling (1e7 pairs), m by EM over two blocks;
- predict at `threshold`, then connected components at the same threshold.
Two choices differ from the tutorials' defaults, both in Splink's favour, each explained where
it is made: the combined address comparison and the EM training blocks.
Output: one row per input record, (record_id, cluster_id).
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings
from pathlib import Path

import duckdb
import pandas as pd

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

U_MAX_PAIRS = 1e7
SEED = 42  # reproducible u sampling


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"),
            block_on("last_name", "date_of_birth"),
            block_on("first_name", "date_of_birth"),  # surname changes
            block_on("date_of_birth", "postcode"),
            block_on("email"),
            block_on("phone"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=False),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            address_comparison(),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def address_comparison() -> cl.CustomComparison:
    """Street line, postcode and city as one comparison, levels from most to least specific.

    Splink's docs warn against columns predictable from one another (city from postcode): as
    three comparisons, one shared address would count as evidence three times.
    """
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.Or(cll.NullLevel("address_line1"), cll.NullLevel("postcode")),
            cll.And(cll.ExactMatchLevel("address_line1"), cll.ExactMatchLevel("postcode"))
            .configure(label_for_charts="Exact street line and postcode"),
            cll.And(cll.LevenshteinLevel("address_line1", 2), cll.ExactMatchLevel("postcode"))
            .configure(label_for_charts="Street line within 2 edits, same postcode"),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"),
            cll.ExactMatchLevel("city").configure(label_for_charts="Same city"),
            cll.ElseLevel(),
        ],
    )


def run_splink(parquet_path: str | Path, threshold: float = 0.95) -> pd.DataFrame:
    """Train, predict and cluster; returns DataFrame(record_id, cluster_id)."""
    _silence()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    # Load the parquet inside DuckDB (no pandas round trip), as a Splink user would at this size.
    con.execute("CREATE TABLE people AS SELECT * EXCLUDE (true_person) FROM read_parquet(?)"
                if _has_truth(con, parquet_path) else
                "CREATE TABLE people AS SELECT * FROM read_parquet(?)", [str(parquet_path)])
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("people"), settings(), log_level=None)
    _train(linker)
    pairs = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pairs, threshold_match_probability=threshold)
    return con.execute(f"SELECT record_id, cluster_id FROM {clusters.physical_name}").df()


def _train(linker: Linker) -> None:
    training = linker.training
    # lambda (prior match probability) from near-certain rules with an assumed recall, as in docs
    training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "date_of_birth"), block_on("email")], recall=0.7)
    training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    # Two EM passes, each estimating m for the comparisons its block does not use. Not the
    # tutorials' first_name+last_name block: at 1M records that block holds millions of
    # same-name strangers whose name-derived emails look alike (john.smith@ vs john.smith84@),
    # and EM converges on "similar email" as the match class (m(dob exact) = 0.16).
    training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True)
    training.estimate_parameters_using_expectation_maximisation(
        block_on("email"), estimate_without_term_frequencies=True)


def _has_truth(con: duckdb.DuckDBPyConnection, parquet_path) -> bool:
    cols = con.execute("SELECT name FROM parquet_schema(?)", [str(parquet_path)]).fetchall()
    return ("true_person",) in cols


def _silence() -> None:
    """Splink logs every training step at INFO; keep benchmark output to our own lines."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="splink")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=0.95)
    args = parser.parse_args()
    started = time.perf_counter()
    clusters = run_splink(args.input, args.threshold)
    clusters.to_parquet(args.output, index=False)
    print(f"splink: {len(clusters):,} records -> {clusters['cluster_id'].nunique():,} clusters "
          f"({time.perf_counter() - started:.1f}s)")


if __name__ == "__main__":
    main()
