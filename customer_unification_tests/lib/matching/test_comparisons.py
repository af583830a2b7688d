"""Comparison levels, nested (absorbed) evidence and term frequencies of spelled names."""

import duckdb
import pandas as pd
import pytest

from customer_unification.lib.matching import scoring
from customer_unification.lib.matching.comparisons import absorbed_sql, build_spec
from customer_unification.lib.matching.config import Comparison

NODE_COLUMNS = ["nid", "fn", "fn_canon", "ln", "dob", "byear", "email", "email_local", "email_stem",
                "email_year", "handle", "handle_stem", "handle_year", "name_stem", "initial_stem"]


def _con(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    frame = pd.DataFrame([{c: row.get(c) for c in NODE_COLUMNS} for row in rows]).astype(object)
    frame["nid"] = frame["nid"].astype("int64")
    for c in ("byear", "email_year", "handle_year"):
        frame[c] = pd.array(frame[c], dtype="Int64")
    con.register("cu_nodes_in", frame)
    con.execute("CREATE TABLE cu_nodes AS SELECT * FROM cu_nodes_in")
    return con


def _person(nid, fn=None, ln=None, email=None, handle=None, byear=None):
    row = {"nid": nid, "fn": fn, "fn_canon": fn, "ln": ln, "byear": byear, "email": email, "handle": handle}
    if fn and ln:
        row["name_stem"], row["initial_stem"] = fn + ln, fn[0] + ln
    if email:
        local = email.split("@")[0]
        row["email_local"], row["email_stem"] = local, "".join(ch for ch in local if ch.isalpha())
    if handle:
        row["handle_stem"] = "".join(ch for ch in handle if ch.isalpha())
    return row


SPECS = [build_spec(Comparison(name=n, kind=k, term_frequency=True))
         for n, k in [("first_name", "first_name"), ("last_name", "last_name"), ("handle", "handle"),
                      ("handle_name", "handle_name"), ("email_name", "email_name")]]


def _gammas(con, pairs):
    con.register("pairs_in", pd.DataFrame(pairs, columns=["l", "r"], dtype="int64"))
    con.execute("CREATE OR REPLACE TABLE cu_candidates AS SELECT * FROM pairs_in")
    scoring.build_term_frequencies(con, SPECS)
    scoring.build_gammas(con, SPECS)
    return con.sql("SELECT * FROM cu_gammas ORDER BY l, r").df().set_index(["l", "r"])


def test_email_spelling_the_name_absorbs_the_first_name_agreement():
    con = _con([_person(1, fn="william", email="williammcgee86@gmail.com"),
                _person(2, fn="william", ln="mcgee"),
                _person(3, fn="william", ln="jones")])
    g = _gammas(con, [(1, 2), (1, 3)])
    # the email already says "william mcgee": the first name adds nothing and counts as missing
    assert g.loc[(1, 2), "g_email_name"] == 2
    assert g.loc[(1, 2), "g_first_name"] == -1
    # not spelled: the first-name agreement is evidence of its own
    assert g.loc[(1, 3), "g_email_name"] == 0
    assert g.loc[(1, 3), "g_first_name"] == 4


def test_absorbed_disagreement_still_counts():
    spec_sql = absorbed_sql(SPECS)
    assert "first_name" in spec_sql and "last_name" in spec_sql and "email_name" in spec_sql
    # Susan's record carries a handle spelling "mary parker" (a shared or borrowed account)
    con = _con([_person(1, fn="susan", ln="parker", handle="mary_parker"), _person(2, fn="mary", ln="parker")])
    g = _gammas(con, [(1, 2)])
    assert g.loc[(1, 2), "g_handle_name"] == 2
    assert g.loc[(1, 2), "g_last_name"] == -1  # the agreeing surname is already in the handle
    assert g.loc[(1, 2), "g_first_name"] == 0  # the contradicting first name still counts


def test_handle_and_handle_name_are_separate_comparisons():
    same = build_spec(Comparison(name="handle", kind="handle"))
    cross = build_spec(Comparison(name="handle_name", kind="handle_name", term_frequency=True))
    assert same.top == 1 and cross.top == 3
    assert cross.tf_feature == "stem" and cross.tf_levels == (1, 2, 3)
    con = _con([_person(1, fn="kelly", ln="n", handle="kellyneal"), _person(2, fn="kelly", ln="n", handle="kellyneal"),
                _person(3, fn="kelly", ln="neal")])
    g = _gammas(con, [(1, 2), (1, 3)])
    assert g.loc[(1, 2), "g_handle"] == 1 and g.loc[(1, 2), "g_handle_name"] == -1
    assert g.loc[(1, 3), "g_handle"] == -1 and g.loc[(1, 3), "g_handle_name"] == 2


def test_spelled_name_frequency_comes_from_its_parts():
    rows = [_person(i, fn="james", ln="smith") for i in range(1, 21)]
    rows += [_person(100 + i, fn="james", ln=f"rare{chr(97 + i)}") for i in range(20)]
    rows += [_person(200 + i, fn=f"zed{chr(97 + i)}", ln="smith") for i in range(20)]
    con = _con(rows)
    con.execute("CREATE TABLE cu_rule_edges (l BIGINT, r BIGINT, rule VARCHAR)")
    scoring.build_term_frequencies(con, SPECS)
    tf = dict(con.sql("SELECT value, tf FROM cu_tf_stem").fetchall())
    # P(james) * P(smith) = 40/60 * 40/60; a rare surname makes the full name rare
    assert tf["jamessmith"] == pytest.approx((2 / 3) ** 2, rel=1e-6)
    assert tf["jamesrarea"] == pytest.approx((2 / 3) * (1 / 60), rel=1e-6)
    assert tf["jamesrarea"] < tf["jamessmith"]


def test_rule_linked_records_count_once_in_term_frequencies():
    con = _con([_person(1, fn="ann", ln="x"), _person(2, fn="ann", ln="x"), _person(3, fn="bob", ln="y")])
    con.execute("CREATE TABLE cu_rule_edges AS SELECT 1::BIGINT AS l, 2::BIGINT AS r, 'email' AS rule")
    scoring.build_term_frequencies(con, SPECS)
    tf = dict(con.sql("SELECT value, tf FROM cu_tf_fn").fetchall())
    # nodes 1 and 2 are one person by the email rule: ann is as common as bob
    assert tf["ann"] == pytest.approx(0.5) and tf["bob"] == pytest.approx(0.5)
