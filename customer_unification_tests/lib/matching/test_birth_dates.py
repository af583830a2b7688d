"""Birth dates written as text in a table handed straight to the engine: read as dates, not digits."""

import duckdb
import pandas as pd
import pytest

from customer_unification.lib.matching.birth_dates import day_first
from customer_unification.lib.matching.features import build_features

from .conftest import people


def _dob_features(config, dobs: list) -> list:
    con = duckdb.connect()
    frame = people(*({"source_record_id": f"r{i}", "first_name": "Ann", "date_of_birth": d} for i, d in enumerate(dobs)))
    con.register("src", frame)
    build_features(con, config, "src")
    got = dict(con.sql('SELECT "source_record_id", dob FROM cu_features').fetchall())
    years = dict(con.sql('SELECT "source_record_id", byear FROM cu_features').fetchall())
    return [got[f"r{i}"] for i in range(len(dobs))], [years[f"r{i}"] for i in range(len(dobs))]


def test_one_date_in_every_common_spelling_is_one_date(config):
    dobs, years = _dob_features(config, ["1981-12-27", "27/12/1981", "27.12.1981", "27 Dec 1981", "Dec 27, 1981",
                                         "19811227", "27/12/81"])
    assert dobs == ["19811227"] * 7
    assert years == [1981] * 7


def test_an_unsettled_day_and_month_follow_the_columns_majority(config):
    # 27/12 and 31/01 settle it: this column writes the day first, so 03/04/1985 is 3 April
    dobs, _ = _dob_features(config, ["27/12/1981", "31/01/1990", "03/04/1985", "3/4/1985"])
    assert dobs[2:] == ["19850403", "19850403"]
    dobs, _ = _dob_features(config, ["12/27/1981", "01/31/1990", "03/04/1985"])
    assert dobs[2] == "19850304"


def test_unreadable_dates_keep_their_digits_and_missing_stay_missing(config):
    dobs, years = _dob_features(config, ["19561345", "31/02/1980", None, "1956-08-15"])
    assert dobs[0] == "19561345"  # a typo stays comparable digit by digit, as before
    assert dobs[1] == "31021980"  # no such day: nothing parses it, its digits are kept
    assert dobs[2] is None and years[2] is None
    assert dobs[3] == "19560815"


@pytest.mark.parametrize(("values", "expected"), [
    (["27/12/1981", "3/4/1985"], True), (["12/27/1981", "12/28/1981", "30/01/1990"], False),
    (["3/4/1985", "12 Mar 1985"], True)])
def test_day_first_is_the_majority_of_the_settled_values(values, expected):
    assert day_first(values) is expected


def test_a_date_column_is_not_parsed_again(config):
    con = duckdb.connect()
    frame = people({"source_record_id": "a", "first_name": "Ann"})
    frame["date_of_birth"] = pd.to_datetime(["1981-12-27"]).date
    con.register("src", frame)
    build_features(con, config, "src")
    assert con.sql("SELECT dob FROM cu_features").fetchall() == [("19811227",)]
    assert not con.sql("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'cu_dob_text'").fetchall()[0][0]
