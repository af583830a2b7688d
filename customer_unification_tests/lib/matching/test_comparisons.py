"""Comparison levels, nested (absorbed) evidence and term frequencies of spelled names."""

import duckdb
import jellyfish
import pandas as pd
import pytest

from customer_unification.lib.matching import scoring
from customer_unification.lib.matching.comparisons import absorbed_sql, build_spec
from customer_unification.lib.matching.config import Comparison
from customer_unification.lib.matching.features import foreign_email_sql

NODE_COLUMNS = ["nid", "fn", "fn_canon", "ln", "dob", "byear", "email", "email_local", "email_stem",
                "email_year", "handle", "handle_stem", "handle_year", "name_stem", "initial_stem",
                "fn_ph", "fn_canon_ph", "ln_ph", "ln_parts", "dob_date", "gen"]


def _con(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    frame = pd.DataFrame([{c: row.get(c) for c in NODE_COLUMNS} for row in rows]).astype(object)
    frame["nid"] = frame["nid"].astype("int64")
    for c in ("byear", "email_year", "handle_year"):
        frame[c] = pd.array(frame[c], dtype="Int64")
    con.register("cu_nodes_in", frame)
    con.execute("CREATE TABLE cu_nodes AS SELECT *, " + foreign_email_sql("n") + " AS email_foreign FROM ("
                "SELECT * REPLACE (CAST(ln_parts AS VARCHAR[]) AS ln_parts, "
                "try_strptime(dob, '%Y%m%d')::DATE AS dob_date) FROM cu_nodes_in) n")
    return con


def _person(nid, fn=None, ln=None, email=None, handle=None, byear=None, dob=None, fn_canon=None):
    byear = byear or (int(dob[:4]) if dob else None)
    fn_canon = fn_canon or fn
    row = {"nid": nid, "fn": fn, "fn_canon": fn_canon, "ln": ln, "dob": dob, "byear": byear, "email": email,
           "handle": handle, "fn_ph": fn and jellyfish.metaphone(fn), "fn_canon_ph": fn_canon and jellyfish.metaphone(fn_canon),
           "ln_ph": ln and jellyfish.metaphone(ln)}
    if fn and ln:
        row["name_stem"], row["initial_stem"] = fn + ln, fn[0] + ln
    if email:
        local = email.split("@")[0]
        row["email_local"], row["email_stem"] = local, "".join(ch for ch in local if ch.isalpha())
        row["email_year"] = _year(local)
    if handle:
        row["handle_stem"] = "".join(ch for ch in handle if ch.isalpha())
        row["handle_year"] = _year(handle)
    return row


def _year(text: str) -> int | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if len(digits) in (2, 4) else None


SPECS = [build_spec(Comparison(name=n, kind=k, term_frequency=True))
         for n, k in [("first_name", "first_name"), ("last_name", "last_name"), ("handle", "handle"),
                      ("handle_name", "handle_name"), ("email_name", "email_name")]]
SPELLS_NAME_AND_YEAR, SPELLS_NAME, SPELLS_NAME_BUT_A_TYPO = 4, 3, 2  # levels of handle_name / email_name
FIRST_NAME_EXACT = 5
FULL_SPECS = [build_spec(Comparison(name=k, kind=k, term_frequency=True))
              for k in ("first_name", "last_name", "date_of_birth", "email", "handle", "handle_name",
                        "email_name", "handle_first_name", "email_first_name")]


def _gammas(con, pairs, specs=SPECS):
    con.register("pairs_in", pd.DataFrame(pairs, columns=["l", "r"], dtype="int64"))
    con.execute("CREATE OR REPLACE TABLE cu_candidates AS SELECT * FROM pairs_in")
    scoring.build_term_frequencies(con, specs)
    scoring.build_gammas(con, specs)
    return con.sql("SELECT * FROM cu_gammas ORDER BY l, r").df().set_index(["l", "r"])


def test_email_spelling_the_name_absorbs_the_first_name_agreement():
    con = _con([_person(1, fn="william", email="williammcgee86@gmail.com"),
                _person(2, fn="william", ln="mcgee"),
                _person(3, fn="william", ln="jones")])
    g = _gammas(con, [(1, 2), (1, 3)])
    # the email already says "william mcgee": the first name adds nothing and counts as missing
    assert g.loc[(1, 2), "g_email_name"] == SPELLS_NAME
    assert g.loc[(1, 2), "g_first_name"] == -1
    # not spelled: the first-name agreement is evidence of its own
    assert g.loc[(1, 3), "g_email_name"] == 0
    assert g.loc[(1, 3), "g_first_name"] == FIRST_NAME_EXACT


def test_an_email_spelling_none_of_its_own_records_names_is_not_compared_with_other_names():
    """A gift ordered under the buyer's address: John's record carries jennifer.obrien@, which
    spells none of his names - it says whose the email is, not who he is, so it does not make him
    the "Jen O'Brien" of a call at the same address (nor absorb their names' comparison). An email
    on a record without a name of its own, or one whose first name has a typo (Jennfier), or
    a nickname's (Jen), is the record's own and still spells the other's name."""
    con = _con([_person(1, fn="jen", fn_canon="jennifer", ln="obrien"),
                _person(2, fn="john", ln="obrien", email="jennifer.obrien@x.test"),
                _person(3, email="jennifer.obrien@x.test"),
                _person(4, fn="jennfier", ln="obrien", email="jennifer.obrien@x.test"),
                _person(5, fn="jen", fn_canon="jennifer", ln="obrien", email="jennifer.obrien@x.test")])
    assert con.sql("SELECT nid FROM cu_nodes WHERE email_foreign").fetchall() == [(2,)]
    g = _gammas(con, [(1, 2), (1, 3), (1, 4)])
    assert g.loc[(1, 2), "g_email_name"] == 0
    assert g.loc[(1, 2), "g_first_name"] >= 0 and g.loc[(1, 2), "g_last_name"] == FIRST_NAME_EXACT - 1
    assert g.loc[(1, 3), "g_email_name"] == SPELLS_NAME
    assert g.loc[(1, 4), "g_email_name"] == SPELLS_NAME


def test_absorbed_disagreement_still_counts():
    spec_sql = absorbed_sql(SPECS)
    assert "first_name" in spec_sql and "last_name" in spec_sql and "email_name" in spec_sql
    # Susan's record carries a handle spelling "mary parker" (a shared or borrowed account)
    con = _con([_person(1, fn="susan", ln="parker", handle="mary_parker"), _person(2, fn="mary", ln="parker")])
    g = _gammas(con, [(1, 2)])
    assert g.loc[(1, 2), "g_handle_name"] == SPELLS_NAME
    assert g.loc[(1, 2), "g_last_name"] == -1  # the agreeing surname is already in the handle
    assert g.loc[(1, 2), "g_first_name"] == 0  # the contradicting first name still counts


def test_handle_and_handle_name_are_separate_comparisons():
    same = build_spec(Comparison(name="handle", kind="handle"))
    cross = build_spec(Comparison(name="handle_name", kind="handle_name", term_frequency=True))
    assert same.top == 1 and cross.top == SPELLS_NAME_AND_YEAR
    assert cross.tf_feature == "stem" and cross.tf_levels == (1, 2, 3, 4)
    con = _con([_person(1, fn="kelly", ln="n", handle="kellyneal"), _person(2, fn="kelly", ln="n", handle="kellyneal"),
                _person(3, fn="kelly", ln="neal")])
    g = _gammas(con, [(1, 2), (1, 3)])
    assert g.loc[(1, 2), "g_handle"] == 1 and g.loc[(1, 2), "g_handle_name"] == -1
    assert g.loc[(1, 3), "g_handle"] == -1 and g.loc[(1, 3), "g_handle_name"] == SPELLS_NAME


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


def test_a_handle_spelling_names_that_already_agree_adds_only_its_birth_year():
    # @tfox1972 is Trevor Fox by his own profile: the names count; the handle's 1972 is date evidence
    con = _con([_person(1, fn="trevor", ln="fox", handle="tfox1972"), _person(2, fn="trevor", ln="fox", dob="19720813"),
                _person(3, fn="trevor", ln="fox", dob="19850101")])
    g = _gammas(con, [(1, 2), (1, 3)], FULL_SPECS)
    assert g.loc[(1, 2), "g_first_name"] == FIRST_NAME_EXACT and g.loc[(1, 2), "g_last_name"] == 4
    assert g.loc[(1, 2), "g_handle_name"] == -1
    assert g.loc[(1, 2), "g_date_of_birth"] == 1  # birth year written in the handle
    # a year that differs is not held against the pair: 1972 may be a lucky number, not a birth year
    assert g.loc[(1, 3), "g_date_of_birth"] == -1


def test_the_handle_year_is_not_counted_twice_when_the_handle_carries_the_name():
    con = _con([_person(1, handle="kneal1985"), _person(2, fn="kelly", ln="neal", dob="19850412")])
    g = _gammas(con, [(1, 2)], FULL_SPECS)
    assert g.loc[(1, 2), "g_handle_name"] == SPELLS_NAME_AND_YEAR
    assert g.loc[(1, 2), "g_date_of_birth"] == -1  # the year is already inside that level


def test_an_email_against_a_first_name_alone_is_its_own_comparison():
    con = _con([_person(1, email="martha1998@gmail.com"), _person(2, fn="martha", dob="19981201"),
                _person(3, fn="madison"), _person(4, email="munoz.madison@icloud.com"),
                _person(5, fn="martha", ln="moran")])
    g = _gammas(con, [(1, 2), (3, 4), (1, 5)], FULL_SPECS)
    assert g.loc[(1, 2), "g_email_first_name"] == 2 and g.loc[(1, 2), "g_email_name"] == -1
    # munozmadison does not start with Madison: a disagreement, whose (mild) weight the model learns
    assert g.loc[(3, 4), "g_email_first_name"] == 0
    # against a full name the full-name comparison decides, and martha1998 is no Martha Moran
    assert g.loc[(1, 5), "g_email_first_name"] == -1 and g.loc[(1, 5), "g_email_name"] == 0


def test_a_number_that_is_not_the_birth_year_does_not_undo_a_spelled_name():
    con = _con([_person(1, email="e.lee35@aol.com"), _person(2, fn="elizabeth", ln="lee", dob="19950301"),
                _person(3, email="lilywhite@aol.com"), _person(4, fn="lily", ln="whtie")])
    g = _gammas(con, [(1, 2), (3, 4)], FULL_SPECS)
    assert g.loc[(1, 2), "g_email_name"] == SPELLS_NAME
    assert g.loc[(3, 4), "g_email_name"] == SPELLS_NAME_BUT_A_TYPO  # a clerk's typo in the surname


def test_alike_email_local_parts_say_nothing_more_when_the_names_agree():
    con = _con([_person(1, fn="paul", ln="nguyen", email="paul.nguyen@comcast.net"),
                _person(2, fn="paul", ln="nguyen", email="paulnguyen@gmail.com"),
                _person(3, fn="paula", ln="ng", email="paulnguyen@gmail.com".replace("gmail", "aol"))])
    g = _gammas(con, [(1, 2), (2, 3)], FULL_SPECS)
    assert g.loc[(1, 2), "g_email"] == -1  # the local parts only repeat the agreeing names
    assert g.loc[(2, 3), "g_email"] == 2  # names differ: the same local part is evidence of its own


WIDE_EXTRA = {"addr": "elm st", "house": "12", "phone": "+15550100", "postcode": "SW1A 1AA", "pc_sector": "SW1A 1",
              "pc_area": "SW1A", "city": "london", "x_member": "M-1", "x_member_ph": "M"}
EVERY_KIND = [build_spec(Comparison(name=k, kind=k)) for k in
              ("first_name", "last_name", "date_of_birth", "email", "phone", "postcode", "city", "address", "handle",
               "handle_name", "email_name", "handle_first_name", "email_first_name")]
EVERY_KIND += [build_spec(Comparison(name="member", kind=k)) for k in ("identifier", "exact")]
EVERY_KIND += [build_spec(Comparison(name="member", levels=[{"exact": True}, {"jaro_winkler": 0.9},
                                                             {"sounds_alike": True}]))]


@pytest.mark.parametrize("spec", EVERY_KIND, ids=lambda s: s.kind)
def test_a_comparison_whose_features_are_all_missing_is_missing(spec):
    """What lets build_gammas skip a comparison whose features are empty on every node: its own
    levels say -1 whatever the other columns hold."""
    full = {**dict.fromkeys(NODE_COLUMNS), **_person(1, fn="kelly", ln="neal", email="kneal85@x.test", handle="kneal1985", dob="19850304"),
            **WIDE_EXTRA}
    rows = [{**full, "nid": nid, **{f: None for f in spec.features}} for nid in (1, 2)]
    con = duckdb.connect()
    frame = pd.DataFrame(rows).astype(object)
    con.register("nodes_in", frame)
    con.execute("CREATE TABLE cu_nodes AS SELECT * REPLACE (CAST(nid AS BIGINT) AS nid, "
                "CAST(byear AS INT) AS byear, CAST(email_year AS INT) AS email_year, "
                "CAST(handle_year AS INT) AS handle_year, CAST(ln_parts AS VARCHAR[]) AS ln_parts, "
                "try_strptime(CAST(dob AS VARCHAR), '%Y%m%d')::DATE AS dob_date) FROM nodes_in")
    gamma = con.sql(f"SELECT {spec.gamma_sql()} FROM cu_nodes l, cu_nodes r WHERE l.nid = 1 AND r.nid = 2").fetchall()
    assert gamma == [(-1,)]
    # and the skipped form agrees with it, while a comparison with values is computed
    assert scoring.empty_features(con, set(spec.features)) == set(spec.features)
    assert scoring.empty_features(con, {"city"} - set(spec.features)) == set()


def test_comparisons_without_values_are_skipped_and_the_rest_unchanged(monkeypatch):
    con = _con([_person(1, fn="kelly", ln="neal", email="kneal85@x.test", dob="19850304"),
                _person(2, fn="kely", ln="neal", email="kelly.neal@y.test", dob="19850304"),
                _person(3, fn="kelly", ln="neel", dob="19850403")])
    skipped = _gammas(con, [(1, 2), (1, 3), (2, 3)], FULL_SPECS)
    assert (skipped[["g_handle", "g_handle_name", "g_handle_first_name"]] == -1).all().all()
    monkeypatch.setattr(scoring, "empty_features", lambda *a, **k: set())
    computed = _gammas(con, [(1, 2), (1, 3), (2, 3)], FULL_SPECS)
    pd.testing.assert_frame_equal(skipped, computed)
    assert computed.loc[(1, 2), "g_last_name"] == 4 and computed.loc[(1, 3), "g_first_name"] == FIRST_NAME_EXACT
