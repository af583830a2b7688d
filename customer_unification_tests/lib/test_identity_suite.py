"""bench/identity_suite.py: the default configuration, columns mapped only, on independent data.

Runs the suite's own functions with our engine on febrl1, fake_1000 (skipped when the shared
file is absent) and four independently written generators at 1,000 people. The F1 floors sit a little below what the engine measured when this test was
written (febrl1 0.992, fake_1000 0.923 with the engine of b3cb96f): they catch a broken harness or a collapse,
not a moving figure. The suite reports; nothing here is a target to tune the engine to.
"""

import math
from pathlib import Path

import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"



def _check_row(row: dict, family: str, records: int, people: int) -> None:
    assert row["ok"], row.get("error")
    assert (row["family"], row["engine"], row["records"], row["true_people"]) == (family, "ours", records, people)
    assert row["true_clusters"] == people and row["unassigned"] == 0
    for key in ("precision", "recall", "f1", "bcubed_precision", "bcubed_recall", "bcubed_f1"):
        assert 0.0 <= row[key] <= 1.0 and not math.isnan(row[key]), (key, row[key])
    assert row["seconds"] > 0 and row["commit"] is not None


def test_febrl1_default_config(suite):
    family = suite.load_family("febrl1")
    assert family.config_label == "bench/families/febrl1.yaml"
    row = suite.run_engine(family, "ours")
    _check_row(row, "febrl1", 1000, 500)
    assert row["true_pairs"] == 500
    assert row["f1"] >= 0.92, row


def test_fake_1000_default_config(suite):
    if not suite.fake_1000_path().exists():
        pytest.skip(f"{suite.fake_1000_path()} not present (set CU_FAKE_1000)")
    row = suite.run_engine(suite.load_family("fake_1000"), "ours")
    _check_row(row, "fake_1000", 1000, 251)
    assert row["f1"] >= 0.85, row


def test_family_configs_only_map_columns(suite, tmp_path):
    for path in sorted((BENCH / "families").glob("*.yaml")):
        config, _ = suite.family_config(path.stem)
        assert config.columns and config.key
    (tmp_path / "tuned.yaml").write_text("extends: default\nkey: [id]\ncolumns: {first_name: fn}\n"
                                         "clustering: {threshold: 0.5}\n")
    with pytest.raises(ValueError, match="only `extends: default`"):
        suite.family_config("tuned", tmp_path)


def test_splink_input_dates_and_blanks(suite):
    frame = pd.DataFrame({"dob": ["19560409", "1971-06-24", None, "x"], "fn": ["ann", " ", None, "bo"]})
    data = suite.splink_input(frame, {"date_of_birth": "dob", "first_name": "fn"})
    assert data["date_of_birth"].tolist() == ["1956-04-09", "1971-06-24", None, None]
    assert data["first_name"].tolist() == ["ann", None, None, "bo"]
    assert data["unique_id"].tolist() == [0, 1, 2, 3]


# measured in session 12 at 1,000 people (P / R): contacts_eu 0.989 / 0.928, subscribers_na 0.851 / 0.900,
# guests_intl 0.969 / 0.806, members_mixed 0.956 / 0.745 (both write birth dates as text in several
# formats, read as digits until session 12: a floor under their precision guards lib/matching/birth_dates.py)
@pytest.mark.parametrize("family, precision, recall", [("contacts_eu", 0.98, 0.915),
                                                       ("subscribers_na", 0.84, 0.89),
                                                       ("guests_intl", 0.96, 0.795),
                                                       ("members_mixed", 0.945, 0.735)])
def test_independent_generators_keep_their_precision_and_recall(suite, family, precision, recall):
    """Floors just under what the engine measures on the independently written generators: a change
    that loses either shows here, not only in the suite's report."""
    row = suite.run_engine(suite.load_family(family, people=1000), "ours")
    assert row["ok"], row.get("error")
    assert row["precision"] >= precision and row["recall"] >= recall, row
