"""A place is not a person: two records that share an address, postcode or city and nothing
personal are not linked directly, however much the model weighs the place."""

import duckdb
import pandas as pd
import pytest

from customer_unification.lib.matching import linking
from customer_unification.lib.matching.comparisons import build_spec
from customer_unification.lib.matching.config import Comparison
from customer_unification.lib.matching.evaluate import pairwise_scores
from customer_unification.lib.matching.explain import explain_pair
from customer_unification.lib.matching.publish import write_tables
from customer_unification.lib.matching.resolve import resolve

from .conftest import people
from .test_engine import background

SPECS = [build_spec(Comparison(name=k, kind=k))
         for k in ("first_name", "last_name", "email", "address", "postcode", "city")]


def _refused(rows: list[tuple]) -> tuple[set, set]:
    """rows: (l, r, link, fn_l, ln_l, fn_r, ln_r, first_name, last_name, email level);
    every pair agrees on address, postcode and city. Returns (refused pairs, links left)."""
    con = duckdb.connect()
    names = {}
    for l, r, _, fn_l, ln_l, fn_r, ln_r, *_ in rows:
        names[l], names[r] = (fn_l, ln_l), (fn_r, ln_r)
    con.register("nodes_in", pd.DataFrame([(n, fn, ln) for n, (fn, ln) in names.items()], columns=["nid", "fn", "ln"]))
    con.execute("CREATE TEMP TABLE cu_nodes AS SELECT * FROM nodes_in")
    con.register("gammas_in", pd.DataFrame([(l, r, fn, ln, email, 3, 4, 2) for l, r, _, _, _, _, _, fn, ln, email in rows],
                                           columns=["l", "r"] + [f"g_{s.name}" for s in SPECS]))
    con.execute("CREATE TEMP TABLE cu_gammas AS SELECT * FROM gammas_in")
    con.register("edges_in", pd.DataFrame([(l, r, 10.0, 0.999, link) for l, r, link, *_ in rows],
                                          columns=["l", "r", "weight", "probability", "link"]))
    con.execute("CREATE TEMP TABLE cu_edges AS SELECT * FROM edges_in")
    con.execute("CREATE TEMP TABLE cu_refused_direct (l BIGINT, r BIGINT, link VARCHAR, reason VARCHAR)")
    linking.refuse_place_alone_links(con, SPECS)
    refused = con.sql("SELECT l, r, reason FROM cu_refused_direct").fetchall()
    assert all("share a place" in reason and "nothing personal" in reason for *_, reason in refused)
    return {(l, r) for l, r, _ in refused}, {(l, r) for l, r in con.sql("SELECT l, r FROM cu_edges").fetchall()}


def test_colleagues_at_one_office_are_not_linked_but_a_person_is():
    refused, kept = _refused([
        (1, 2, "probabilistic", "lisa", "phillips", "mark", "thomas", 0, 0, 0),  # colleagues
        (3, 4, "probabilistic", "bkows", "lucy", "lucy", "clarke", 0, 0, -1),  # Lucy, her names swapped
        (5, 6, "probabilistic", "lisa", "phillips", "lisa", "philips", 5, 3, 0),  # one person, a typo
        (7, 8, "probabilistic", None, None, "mark", "thomas", -1, -1, 2),  # the email agrees
        (9, 10, "rule:loyalty_card", "lisa", "phillips", "mark", "thomas", 0, 0, 0),  # an identifier linked them
        (11, 12, "probabilistic", None, None, "mark", "thomas", -1, -1, -1),  # nothing personal to compare
    ])
    assert refused == {(1, 2), (11, 12)}
    assert kept == {(3, 4), (5, 6), (7, 8), (9, 10)}


def test_the_place_rule_costs_an_unseen_estate_no_recall(suite):
    """accounts_utility at its suite size (4,000 people; written after the rule, held out: its
    errors were never looked at): letting agents' offices, landlords and flats of one building
    give people a place in common. The rule must not cost recall, and refuses only what the model
    took wrongly. Measured: with text dates read (06e2921) precision 0.8120 -> 0.8291; with phones
    compared by their national number too, 0.8453 -> 0.8463 (recall 0.8999 -> 0.8998): once dates
    and phones are read right, the fitted model keeps most strangers at one address apart itself."""
    family = suite.load_accounts_utility()
    family.config.clustering.link_on_place_alone = True
    alone = pairwise_scores(suite.our_clusters(family), family.truth)
    family.config.clustering.link_on_place_alone = False
    rule = pairwise_scores(suite.our_clusters(family), family.truth)
    assert rule["precision"] > alone["precision"], (rule, alone)
    assert rule["recall"] >= alone["recall"] - 0.0005, (rule, alone)


@pytest.mark.parametrize("place_alone_links", [False, True])
def test_a_name_and_an_email_at_one_address_stay_apart_and_explain_says_why(config, place_alone_links):
    """A postal record with a name and a web record with an email only, at one address: the
    model scores the place at +22 bits, a sure match; nothing personal can agree, so the link is
    refused (and kept with the rule switched off)."""
    config = config.model_copy(deep=True)
    config.clustering.link_on_place_alone = place_alone_links
    con = duckdb.connect()
    place = {"address_line1": "357 riverside ct", "postcode": "80247", "city": "denver"}
    con.register("src", people(*background(120),
                               {"source_record_id": "x1", "first_name": "Lisa", "last_name": "Phillips", **place},
                               {"source_record_id": "x2", "source": "shop", "email": "mt@vertex.test", **place}))
    resolution = resolve(con, "src", config, run_id="r1", state_schema="st")
    write_tables(con, config, resolution, "r1", "st")
    customer = resolution.identity_map.set_index("source_record_id")["customer_id"]
    lines = explain_pair(con, config, "st", "crm|x1", "shop|x2", links="identity.record_links").lines()
    probability = float(lines[-1].rsplit(" ", 1)[-1])
    assert probability > 0.99  # what the model alone would do
    refused = con.sql("SELECT refused_because FROM identity.record_links WHERE status = 'refused' "
                      "AND refused_because LIKE '%share a place%'").fetchall()
    if place_alone_links:
        assert customer["x1"] == customer["x2"] and not refused
        assert lines[1] == "verdict: same customer, linked directly by probabilistic"
    else:
        assert customer["x1"] != customer["x2"]
        assert refused == [("the two records share a place (address, postcode or city) and nothing personal",)]
        assert lines[1] == ("verdict: different customers: the two records share a place (address, postcode or "
                            "city) and nothing personal, and a place alone links no one")
