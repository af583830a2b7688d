"""Incremental blocking proposes exactly the pairs a full run's blocking proposes for new records.

An incremental run finds the nodes a new record reaches through integer block keys kept in the
state, and caps blocks over all nodes; a full run joins the node table on the features. On data
with small vocabularies (many shared values, blocks over the cap, handles and emails spelling
names) the two must agree pair for pair.
"""

import random

import duckdb
import pytest

from customer_unification.lib.matching import blocking, features
from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.engine import match_new_records, match_records, save_run

from .conftest import people

FIRSTS = ["kelly", "kevin", "anna", "ann", "bob", "robert", "carl", "dora", "emil", "fay", "gus", "hana"]
LASTS = ["smith", "neal", "lee", "ng", "cole", "dunn", "egan", "frost", "grant", "hale"]
COMMON = [30, 10] + [1] * 10  # a few names fill blocks over the cap, most stay under it


def crowd(n: int, seed: int, prefix: str) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        fn, ln = rng.choices(FIRSTS, COMMON)[0], rng.choices(LASTS, COMMON[:len(LASTS)])[0]
        year = rng.choice([1970, 1985, 1999])
        row = {"source_record_id": f"{prefix}{i}", "source": rng.choice(["crm", "shop", "social", "mail"])}
        if rng.random() < 0.7:
            row |= {"first_name": fn.title(), "last_name": ln.title()}
        if rng.random() < 0.5:
            row["date_of_birth"] = f"{year}-0{rng.randint(1, 3)}-1{rng.randint(0, 2)}"
        if rng.random() < 0.3:
            row["social_handle"] = "@" + rng.choice([fn + ln, fn[0] + ln, fn + str(year)])
        if rng.random() < 0.3:
            row["email"] = rng.choice([fn + ln, fn[0] + ln, f"{fn}{year % 100}"]) + f"@{rng.choice('ab')}.test"
        if rng.random() < 0.3:
            row |= {"address_line1": f"{rng.randint(1, 4)} elm st", "postcode": rng.choice(["02139", "10001"])}
        if rng.random() < 0.2:
            row["phone"] = f"+1617555000{rng.randint(0, 5)}"
        rows.append(row)
    return rows


@pytest.fixture
def small_blocks(config) -> MatchConfig:
    """Caps low enough that many blocks here go over them."""
    data = config.model_dump()
    for rule in data["blocking"]:
        rule["max_block_size"] = 6 if rule.get("max_block_size") else None
    return MatchConfig.model_validate(data)


def _pairs_by_signature(con) -> dict[frozenset, int]:
    """Candidate pairs as node signatures (node ids differ between runs), with the bitmask of the
    rules that proposed each: every rule must agree, not just their union."""
    sig = dict(con.sql("SELECT nid, any_value(sig) FROM cu_records GROUP BY nid").fetchall())
    return {frozenset((sig[l], sig[r])): rules for l, r, rules in con.sql("SELECT l, r, rules FROM cu_candidates").fetchall()}


def test_incremental_blocking_proposes_the_full_runs_pairs_that_touch_new_records(small_blocks):
    old, new = people(*crowd(400, seed=1, prefix="o")), people(*crowd(60, seed=2, prefix="n"))
    con = duckdb.connect()
    con.register("everything", people(*crowd(400, seed=1, prefix="o"), *crowd(60, seed=2, prefix="n")))
    match_records(con, "everything", small_blocks)
    full = _pairs_by_signature(con)

    con.register("old", old)
    save_run(con, small_blocks, match_records(con, "old", small_blocks), "state")
    known = {s for (s,) in con.sql("SELECT sig FROM state.match_records").fetchall()}
    con.register("new", new)
    match_new_records(con, "new", small_blocks, "state")
    incremental = _pairs_by_signature(con)

    expected = {pair: rules for pair, rules in full.items() if not pair <= known}
    assert len(expected) > 200  # the comparison means something
    assert incremental == expected
    capped = [rule for rule in small_blocks.blocking if rule.max_block_size]
    assert capped, "the caps are exercised"


def test_cross_rule_keys_hash_both_sides_alike(config):
    """A handle spelling a name and the name itself get the same key, whatever their column types."""
    con = duckdb.connect()
    con.register("src", people({"first_name": "Kelly", "last_name": "Neal", "date_of_birth": "1985-01-02"},
                               {"social_handle": "@kneal1985", "email": "kelly85@x.test"}))
    columns = features.build_features(con, config, "src")
    features.build_nodes(con, columns)
    keys = blocking.key_columns(config.blocking)
    row = con.sql(f"SELECT {', '.join(f'{sql} AS {k}' for k, sql in keys.items())} FROM cu_nodes ORDER BY nid").df()
    cross = [i for i, rule in enumerate(config.blocking) if rule.left == ["handle_stem"] and rule.right == ["initial_stem"]]
    assert cross
    i = cross[0]
    named, handle = row.iloc[0], row.iloc[1]
    assert handle[f"bk{i}_l"] == named[f"bk{i}_r"]
    assert bool(named[f"bk{i}_ok"]) and not bool(handle[f"bk{i}_ok"])  # the named record has no handle


def test_blocking_report_accounts_for_every_pair_and_link(con, config):
    from .test_engine import background

    con.register("src", people(*background()))
    result = match_records(con, "src", config)
    report = result.blocking.set_index("rule")
    rules, total = report.drop(index="all rules"), report.loc["all rules"]
    assert list(rules.index) == [blocking.rule_label(r) for r in config.blocking]
    assert rules["new_pairs"].sum() == total["pairs"] == result.stats["candidate_pairs"]
    assert rules["cumulative_pairs"].is_monotonic_increasing and rules["cumulative_pairs"].iloc[-1] == total["pairs"]
    assert (rules["new_pairs"] <= rules["pairs"]).all()
    assert total["links_only_here"] >= rules["links_only_here"].sum()
    # the background's duplicates share an email half the time: blocking proposes those pairs
    assert 0 < rules.loc["email_local", "known_match_recall"] <= total["known_match_recall"] == 1.0
    assert total["expected_matches"] >= rules["expected_matches"].max() > 0
