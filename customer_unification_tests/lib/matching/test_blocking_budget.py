"""Measured blocking: a rule is dropped where its own pairs find nobody, and kept - the same
rule - where they find people. Nothing here is a constant fitted to one estate."""

import duckdb
import pytest

from customer_unification.lib.matching import blocking_budget
from customer_unification.lib.matching.config import MatchConfig
from customer_unification.lib.matching.engine import comparison_specs, match_records

from .conftest import people
from .test_engine import background

def estate(*, every_duplicate_shares_its_email: bool) -> list[dict]:
    """test_engine's background: 300 people in three cities, a third with a second record with
    one typo. There half the duplicates keep the email and half have none - only the city block
    (and the fields the model compares) can bring those together; or every one keeps it."""
    rows = background()
    if every_duplicate_shares_its_email:
        email = {r["source_record_id"]: r["email"] for r in rows}
        rows = [{**r, "email": email[r["source_record_id"].removesuffix("d")]} for r in rows]
    return rows


def duplicates(rows: list[dict]) -> list[str]:
    return [r["source_record_id"] for r in rows if r["source_record_id"].endswith("d")]


@pytest.fixture
def judged_always(config) -> MatchConfig:
    """Two blocking rules, an email one and an uncapped city one; the budget judges every run."""
    data = config.model_dump()
    data["blocking"] = [{"same": ["email_local"]}, {"same": ["city"]}]
    data["blocking_budget"] = {"above_pairs": 0, "min_rule_pairs": 100, "sample_pairs": 5000,
                               "rule_sample_pairs": 2000}
    return MatchConfig.model_validate(data)


def _run(frame, config):
    con = duckdb.connect()
    try:
        con.register("src", frame)
        return match_records(con, "src", config)
    finally:
        con.close()


def _found(result, duplicate_ids: list[str]) -> int:
    """Duplicates in their original's cluster."""
    cluster = result.assignments.set_index("record_key")["cluster"]
    return sum(cluster[f"crm|{d}"] == cluster[f"crm|{d.removesuffix('d')}"] for d in duplicate_ids)


def test_a_rule_whose_own_pairs_find_nobody_is_dropped_before_scoring(judged_always):
    rows = estate(every_duplicate_shares_its_email=True)
    result = _run(people(*rows), judged_always)
    report = result.blocking.set_index("rule")
    assert report.loc["city", "dropped"] and not report.loc["email_local", "dropped"]
    assert report.loc["city", "judged_links_per_10k"] == 0
    assert result.stats["blocking_rules_dropped"] == ["city"]
    # its own pairs (every same-city pair without a shared email) were never scored
    own = report.loc["city", "judged_own_pairs"]
    assert own > 10_000
    assert result.stats["candidate_pairs"] == result.stats["pairs_by_blocking_rule"]["email_local"]
    assert _found(result, duplicates(rows)) == len(duplicates(rows))  # nobody lost: the email finds them all


def test_the_same_rule_is_kept_where_only_it_finds_people(judged_always):
    rows = estate(every_duplicate_shares_its_email=False)
    result = _run(people(*rows), judged_always)
    report = result.blocking.set_index("rule")
    assert not report.loc["city", "dropped"]
    assert report.loc["city", "judged_links_per_10k"] >= judged_always.blocking_budget.min_links_per_10k
    assert result.stats["blocking_rules_dropped"] == []
    without_email = [d for d in duplicates(rows) if not next(r for r in rows if r["source_record_id"] == d)["email"]]
    assert len(without_email) == 50
    assert _found(result, without_email) >= 45


def test_a_candidate_set_within_budget_is_not_judged(config):
    result = _run(people(*estate(every_duplicate_shares_its_email=False)), config)
    assert "blocking_rules_dropped" not in result.stats
    assert "dropped" not in result.blocking.columns


def test_judging_is_skipped_when_no_rule_has_enough_own_pairs(judged_always):
    data = judged_always.model_dump()
    data["blocking_budget"]["min_rule_pairs"] = 10**9
    too_few = MatchConfig.model_validate(data)
    con = duckdb.connect()
    con.register("src", people(*estate(every_duplicate_shares_its_email=True)))
    match_records(con, "src", too_few)  # leaves the run's tables behind
    before = con.sql("SELECT count(*) FROM cu_candidates").fetchall()[0][0]
    judgement = blocking_budget.judge_rules(con, too_few, comparison_specs(too_few))
    after = con.sql("SELECT count(*) FROM cu_candidates").fetchall()[0][0]
    con.close()
    assert judgement.u is None and not judgement.rules["dropped"].any()
    assert judgement.rules["judged_links_per_10k"].isna().all()
    assert after == before
