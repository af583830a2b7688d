"""What every one-table benchmark family promises: its columns, unique record ids, the same
records for the same seed and other records for another."""

import importlib

import pandas as pd
import pytest


@pytest.mark.parametrize("name", ["contacts_eu", "subscribers_na", "guests_intl", "members_mixed",
                                  "accounts_utility"])
def test_columns_and_determinism(name):
    family = importlib.import_module(f"bench.families.{name}")
    frame = family.generate(people=200, seed=5)
    assert list(frame.columns) == family.COLUMNS
    assert frame["record_id"].is_unique
    pd.testing.assert_frame_equal(frame, family.generate(people=200, seed=5))
    assert not frame.equals(family.generate(people=200, seed=6))
