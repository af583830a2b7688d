"""A whole name in one column (`full_name` role): split as staging splits names, and matched
against records that carry their names in separate columns."""

import duckdb
import pandas as pd
import pytest

from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.engine import match_records
from customer_unification.lib.matching.features import build_features

from .conftest import people
from .test_engine import background


def _with_full_name(config: MatchConfig) -> MatchConfig:
    data = config.model_dump()
    data["columns"] = {**data["columns"], "full_name": "full_name"}
    return MatchConfig.model_validate(data)


def test_a_full_name_is_split_and_a_records_own_columns_win(config):
    con = duckdb.connect()
    frame = people({"source_record_id": "a"}, {"source_record_id": "b"}, {"source_record_id": "c"},
                   {"source_record_id": "d", "first_name": "Kel"}, {"source_record_id": "e", "first_name": "Ann"})
    frame["full_name"] = ["Neal, Kelly", "MR J P O'NEILL", "John Smith Jr", "Kelly Neal", None]
    con.register("src", frame)
    build_features(con, _with_full_name(config), "src")
    got = {key: row for key, *row in con.sql(
        'SELECT "source_record_id", fn, ln, gen FROM cu_features ORDER BY 1').fetchall()}
    assert got == {"a": ["kelly", "neal", None], "b": ["j", "oneill", None], "c": ["john", "smith", "jr"],
                   "d": ["kel", "neal", None], "e": ["ann", None, None]}


def test_a_full_name_matches_the_same_person_written_in_parts(config):
    con = duckdb.connect()
    rows = [*background(),
            {"source_record_id": "p1", "first_name": "Orla", "last_name": "Quigley", "date_of_birth": "1984-02-11",
             "postcode": "D02 X285"},
            {"source_record_id": "p2", "source": "shop", "date_of_birth": "1984-02-11", "postcode": "D02 X285"},
            {"source_record_id": "p3", "source": "shop", "date_of_birth": "1984-02-11", "postcode": "D02 X285"}]
    frame = people(*rows)
    frame["full_name"] = [None] * (len(rows) - 2) + ["QUIGLEY, ORLA", "Aoife Quigley"]
    con.register("src", frame)
    result = match_records(con, "src", _with_full_name(config))
    cluster = result.assignments.set_index("record_key")["cluster"]
    assert cluster["crm|p1"] == cluster["shop|p2"]  # Quigley, Orla is Orla Quigley
    assert cluster["shop|p3"] != cluster["crm|p1"]  # her sister at the same address and birthday: twins


def test_a_full_name_column_the_input_lacks_is_named(config):
    con = duckdb.connect()
    con.register("src", people({"source_record_id": "a"}))
    with pytest.raises(KeyError, match="full_name_col"):
        data = config.model_dump()
        data["columns"] = {**data["columns"], "full_name": "full_name_col"}
        build_features(con, MatchConfig.model_validate(data), "src")
