"""Comparison levels that fit real noise: every record of a person carries its own errors, so two
records of one person are often two edits apart, a nickname plus a typo, a date a year off.
Each hard positive is paired with the household or twin negative it must not swallow."""

import numpy as np
import pytest

from customer_unification.lib.matching.comparisons import build_spec
from customer_unification.lib.matching.config import Comparison
from customer_unification.lib.matching.conflicts import find_contradictions
from customer_unification.lib.matching.em import FittedModel

from .test_comparisons import _con, _gammas, _person

FIRST, LAST, DOB = (build_spec(Comparison(name=k, kind=k)) for k in ("first_name", "last_name", "date_of_birth"))
FN = {label: FIRST.top - i for i, label in enumerate(["exact", "nickname", "one typo", "two typos", "alike"])}
DATE = {label: DOB.top - i for i, label in enumerate(
    ["exact", "swapped", "day typo", "within a month", "year off", "year only", "implied"])}


def _first_name_level(a: dict, b: dict) -> int:
    con = _con([_person(1, **a), _person(2, **b)])
    return int(_gammas(con, [(1, 2)], specs=[FIRST, LAST, DOB]).loc[(1, 2), "g_first_name"])


@pytest.mark.parametrize(("a", "b", "level"), [
    ({"fn": "gregory"}, {"fn": "gregry"}, "one typo"),
    ({"fn": "gpegory"}, {"fn": "gregry"}, "two typos"),  # independent typos in each record
    ({"fn": "jamse"}, {"fn": "jim", "fn_canon": "james"}, "one typo"),  # a nickname plus a typo
    ({"fn": "micheal"}, {"fn": "mike", "fn_canon": "michael"}, "one typo"),
    ({"fn": "stephen"}, {"fn": "steven"}, "two typos"),  # sounds alike (Metaphone STFN)
    ({"fn": "kathryn"}, {"fn": "catherine"}, "two typos"),
    ({"fn": "alex"}, {"fn": "alexander"}, "alike"),
    ({"fn": "neal", "ln": "kelly"}, {"fn": "kelly", "ln": "neal"}, "nickname"),  # first and last swapped
    ({"fn": "chandelr", "ln": "ay"}, {"fn": "amy", "ln": "chandler"}, "one typo"),  # swapped, a typo in each
    ({"fn": "campbell", "ln": "joshua"}, {"fn": "joshua", "ln": "campblel"}, "one typo"),
])
def test_first_name_variants_of_one_person_agree(a, b, level):
    assert _first_name_level(a, b) == FN[level]


@pytest.mark.parametrize(("a", "b"), [("susan", "donald"), ("john", "mary"), ("ann", "amy")])
def test_different_first_names_disagree(a, b):
    assert _first_name_level({"fn": a}, {"fn": b}) == 0


@pytest.mark.parametrize(("a", "b"), [
    ({"fn": "chandler", "ln": "amy"}, {"fn": "amy", "ln": "bishop"}),  # one name in the other field only
    ({"fn": "chandler", "ln": "ann"}, {"fn": "amy", "ln": "chandler"}),  # swapped, but Ann is not Amy
    ({"fn": "chandler", "ln": "amy"}, {"fn": "amy", "ln": "chandlerson"}),  # two edits is no typo
])
def test_a_swap_needs_both_names_within_a_typo(a, b):
    assert _first_name_level(a, b) == 0


@pytest.mark.parametrize(("a", "b", "level"), [
    ("19660802", "19660802", "exact"),
    ("19660802", "19660208", "swapped"),
    ("19660802", "19660803", "day typo"),
    ("19660731", "19660801", "within a month"),
    ("19660802", "19670802", "year off"),
    ("19690802", "19700802", "year off"),  # two digits differ, one year apart
    ("19660802", "19860802", "year off"),  # one digit of the year mistyped
    ("19660802", "19910415", None),
])
def test_birth_date_levels(a, b, level):
    con = _con([_person(1, fn="x", dob=a), _person(2, fn="x", dob=b)])
    got = int(_gammas(con, [(1, 2)], specs=[FIRST, DOB]).loc[(1, 2), "g_date_of_birth"])
    assert got == (DATE[level] if level else 0)


@pytest.mark.parametrize(("a", "b", "level"), [
    ("jones", "jnoes", 3), ("smith-jones", "jones", 3), ("macdonald", "mcdonald", 3),
    ("thompson", "tomson", 2), ("jones", "smith", 0)])
def test_surname_levels(a, b, level):
    con = _con([_person(1, fn="x", ln=a.replace("-", "")), _person(2, fn="x", ln=b)])
    con.execute("UPDATE cu_nodes SET ln_parts = string_split('smith-jones', '-') WHERE nid = 1 AND ln = 'smithjones'")
    assert int(_gammas(con, [(1, 2)], specs=[FIRST, LAST]).loc[(1, 2), "g_last_name"]) == level


def test_a_swapped_surname_with_a_typo_agrees_as_two_typos_do():
    con = _con([_person(1, fn="chandelr", ln="ay"), _person(2, fn="amy", ln="chandler"),
                _person(3, fn="chandelr", ln="bo")])
    g = _gammas(con, [(1, 2), (2, 3)], specs=[FIRST, LAST])
    assert int(g.loc[(1, 2), "g_last_name"]) == 2
    assert int(g.loc[(2, 3), "g_last_name"]) == 0  # Bo is no typo of Amy


def _model(fn_disagree_m: float) -> FittedModel:
    """First names and birth dates with a chosen m for 'first names differ' (u: 0.99)."""
    m_fn = np.array([fn_disagree_m, 0.02, 0.03, 0.1, 0.15, 0.7 - fn_disagree_m])
    u_fn = np.array([0.99, 0.004, 0.002, 0.002, 0.001, 0.001])
    m_dob = np.array([0.01, 0.01, 0.01, 0.02, 0.02, 0.02, 0.03, 0.88])
    u_dob = np.array([0.99, 0.002, 0.002, 0.001, 0.001, 0.002, 0.001, 0.001])
    return FittedModel(names=["first_name", "date_of_birth"], m=[m_fn, m_dob], u=[u_fn, u_dob], match_share=0.01)


def _contradicting(pairs, people, model, bits=5.0) -> set[tuple[int, int]]:
    con = _con(people)
    con.execute("CREATE TABLE cu_tf_norm (feature VARCHAR, sum_sq DOUBLE)")
    con.execute("CREATE TABLE p AS SELECT * FROM (VALUES " + ", ".join(f"({l}, {r})" for l, r in pairs) + ") t(l, r)")
    find_contradictions(con, [FIRST, DOB], model, bits, pairs="p", out="c")
    return set(con.sql("SELECT l, r FROM c").fetchall())


def test_twins_and_households_contradict_typo_variants_do_not():
    people = [_person(1, fn="ella", dob="19900101"), _person(2, fn="adaeze", dob="19900101"),  # twins
              _person(3, fn="susan", dob="19600505"), _person(4, fn="donald", dob="19580303"),  # a couple
              _person(5, fn="gpegory", dob="19660802"), _person(6, fn="gregry", dob="19670802"),  # one man
              _person(7, fn="jamse", dob="19700101"), _person(8, fn="jim", fn_canon="james")]
    found = _contradicting([(1, 2), (3, 4), (5, 6), (7, 8)], people, _model(0.01))
    assert found == {(1, 2), (3, 4)}


def test_contradiction_follows_the_learnt_weights():
    """Where matches often carry a wholly different first name (the data replaces values), a
    different first name alone is weak evidence and no longer contradicts; two fields still do."""
    people = [_person(1, fn="ella", dob="19900101"), _person(2, fn="adaeze", dob="19900101"),
              _person(3, fn="susan", dob="19600505"), _person(4, fn="donald", dob="19580303")]
    assert _contradicting([(1, 2), (3, 4)], people, _model(0.2)) == {(3, 4)}
    assert _contradicting([(1, 2), (3, 4)], people, _model(0.01)) == {(1, 2), (3, 4)}
