"""The over-split gate: identifier values split across customers and links clustering refused,
measured on hand-built tables; then end to end through the engine, with explain naming the clash."""

import duckdb
import pandas as pd
import pytest

from customer_unification.lib.matching import oversplit
from customer_unification.lib.matching.config import MatchConfig, load_match_config
from customer_unification.lib.matching.explain import explain_pair
from customer_unification.lib.matching.publish import GATES, over_split_gate, write_tables
from customer_unification.lib.matching.resolve import resolve
from customer_unification.lib.matching.rules import value_hash

from .conftest import people
from .test_engine import background

LINK_COLUMNS = ["left_record", "right_record", "linked_by", "status", "refused_because"]


def estate(con, records: pd.DataFrame, customers: list[str], limited=(), links=()) -> None:
    """Register a run's tables: staged `records`, their customers (in order), the limited values
    (rule, raw value, reason) and the record links."""
    con.register("records", records)
    con.register("map", records[["source", "source_record_id"]].assign(customer_id=customers))
    con.register("limited", pd.DataFrame([(rule, value_hash(value), reason) for rule, value, reason in limited],
                                         columns=["rule", "value_hash", "reason"], dtype=object))
    con.register("links", pd.DataFrame(list(links), columns=LINK_COLUMNS, dtype=object))


def measure(con, config, **kw) -> oversplit.OverSplit:
    return oversplit.measure(con, config, records="records", identity_map="map", limited="limited", links="links", **kw)


def shared_emails(values: int, split: int) -> tuple[pd.DataFrame, list[str]]:
    """`values` emails each held by two records; the first `split` of them end in two customers."""
    rows, customers = [], []
    for i in range(values):
        for side in ("a", "b"):
            rows.append({"source_record_id": f"{side}{i}", "source": "shop" if side == "b" else "crm",
                         "first_name": "Kim", "email": f"kim.{i}@mail.test"})
            customers.append(f"CU{i:06d}{side if i < split else ''}")
    return people(*rows), customers


def accepted(n: int) -> list[tuple]:
    return [(f"crm|a{i}", f"shop|b{i}", "probabilistic", "accepted", None) for i in range(n)]


def test_gate_fails_when_records_sharing_exact_emails_are_split_and_shows_the_figures_masked(con, config):
    records, customers = shared_emails(values=60, split=10)
    estate(con, records, customers, links=accepted(60))
    result = measure(con, config)
    assert not result.passed
    email = next(r for r in result.rules if r.rule == "email")
    assert (email.multi_record_values, email.split_values, email.records, email.extra_customers) == (60, 10, 20, 10)
    assert email.split_share == pytest.approx(10 / 60)
    assert result.failures() == ["email: 10 of 60 values held by several records ended in different customers "
                                 "(16.67% > 2.00%)"]

    metadata = oversplit.gate_metadata(result)
    assert metadata["split_values_by_rule"]["email"] == {
        "values_held_by_several_records": 60, "split_values": 10, "split_share": 0.1667, "records_involved": 20,
        "extra_customers": 10, "left_out_as_shared_by_design": 0, "judged": True}
    assert metadata["split_values_by_rule"]["phone"]["values_held_by_several_records"] == 0
    worst = metadata["worst_split_values (masked)"]
    assert len(worst) == 10 and {w["customers"] for w in worst} == {2}
    assert worst[0]["value_masked"] == "k****@m***.test" and worst[0]["limit"] == "not limited"
    assert worst[0]["customer_ids"] == "CU000000a, CU000000b"
    assert "kim." not in str(metadata)  # never a raw value


def test_gate_passes_on_a_clean_run(con, config):
    records, customers = shared_emails(values=60, split=0)
    estate(con, records, customers, links=accepted(60))
    result = measure(con, config)
    assert result.passed, result.failures()
    email = next(r for r in result.rules if r.rule == "email")
    assert (email.multi_record_values, email.split_values) == (60, 0)
    assert result.worst.empty and result.accepted_links == 60 and result.refused_share == 0


def test_values_compare_as_the_rules_see_them(con, config):
    """Staging's mailbox form: J.Smith@gmail.com and jsmith+news@googlemail.com are one email."""
    records = people({"source_record_id": "1", "email": "J.Smith@gmail.com"},
                     {"source_record_id": "2", "email": " jsmith+news@googlemail.com"},
                     {"source_record_id": "3", "email": "someone@else.test"})
    estate(con, records, ["CU1", "CU2", "CU3"])
    email = next(r for r in measure(con, config).rules if r.rule == "email")
    assert (email.multi_record_values, email.split_values) == (1, 1)


def test_blocked_and_too_widely_shared_values_are_left_out_but_household_values_count(con, config):
    records, customers = shared_emails(values=60, split=3)
    limits = [("email", "kim.0@mail.test", "blocked value"),
              ("email", "kim.1@mail.test", "shared by too many records"),
              ("email", "kim.2@mail.test", "shared by records of different people (names or birth dates conflict)")]
    estate(con, records, customers, limited=limits)
    result = measure(con, config)
    email = next(r for r in result.rules if r.rule == "email")
    assert (email.multi_record_values, email.split_values, email.legitimately_shared) == (58, 1, 2)
    assert result.passed  # 1 of 58: 1.7%
    assert result.worst["limit"].tolist() == ["shared by records of different people (names or birth dates conflict)"]


def test_a_rule_with_few_shared_values_is_reported_but_not_judged(con, config):
    records, customers = shared_emails(values=49, split=49)
    estate(con, records, customers)
    result = measure(con, config)
    assert result.passed
    assert oversplit.gate_metadata(result)["split_values_by_rule"]["email"]["judged"] is False
    assert next(r for r in result.rules if r.rule == "email").split_values == 49


def test_links_refused_by_clustering_beyond_the_bound_fail_the_gate(con, config):
    records, customers = shared_emails(values=60, split=0)
    links = accepted(100)
    guard = "would join records with conflicting names or birth dates that do not match each other"
    # clustering was given these links and refused them: they are also listed as accepted
    links += [(*link[:3], "refused", guard) for link in links[:6]]
    # refused before clustering (the pair contradicts itself) and by a steward: not the guard's doing
    links += [(f"crm|x{i}", f"crm|y{i}", "probabilistic", "refused",
               "the two records contradict each other (first names, birth dates or Sr/Jr)") for i in range(40)]
    links += [(*links[10][:3], "refused", "must-not-link override")]
    estate(con, records, customers, links=links)
    result = measure(con, config)
    assert (result.accepted_links, result.refused_by_clustering) == (100, 6)
    assert (result.refused_contradicting, result.refused_by_override) == (40, 1)
    assert not result.passed
    assert result.failures() == ["clustering refused 6 of 100 accepted links (6.00% > 5.00%)"]
    metadata = oversplit.gate_metadata(result)
    assert metadata["refused_link_share"] == 0.06 and metadata["max_refused_link_share"] == 0.05

    estate(con, records, customers, links=links[:100 + 5] + links[106:])  # 5 of 100: at the bound
    assert measure(con, config).passed


def test_links_refused_as_two_names_each_written_twice_are_counted_apart(con, config):
    """The guard refusing to join two first names, each written twice, judges two people (twins,
    a household chained by its address): counted apart, unbounded, like contradicting pairs."""
    from customer_unification.lib.matching.clustering import TWO_NAMES_APART

    records, customers = shared_emails(values=60, split=0)
    links = accepted(100)
    links += [(*link[:3], "refused", TWO_NAMES_APART) for link in links[:30]]
    links += [(*link[:3], "refused", "would join records that contradict each other") for link in links[30:32]]
    estate(con, records, customers, links=links)
    result = measure(con, config)
    assert (result.refused_named_apart, result.refused_by_clustering) == (30, 2)
    assert result.passed, result.failures()
    assert oversplit.gate_metadata(result)["refused_as_two_first_names_each_written_twice (not bounded)"] == 30


def test_bounds_come_from_the_match_config_and_stay_out_of_its_fingerprint(con, config, tmp_path):
    path, plain = tmp_path / "match.yaml", tmp_path / "plain.yaml"
    path.write_text("extends: default\nclustering: {threshold: 0.9, over_split: {max_split_value_share: 0.2}}\n")
    plain.write_text("extends: default\nclustering: {threshold: 0.9}\n")
    loose = load_match_config(path)
    assert loose.clustering.over_split.max_split_value_share == 0.2
    assert load_match_config(plain).clustering.over_split.max_split_value_share == 0.02
    # bounds judge a run without changing it: a saved state stays usable for incremental runs
    assert loose.model_dump_json() == load_match_config(plain).model_dump_json()

    records, customers = shared_emails(values=60, split=10)
    estate(con, records, customers)
    relaxed = config.model_copy(update={"clustering": config.clustering.model_copy(
        update={"over_split": loose.clustering.over_split})})
    assert not measure(con, config).passed
    assert measure(con, relaxed).passed

    path.write_text("extends: default\nclustering: {over_split: {max_refused_link_share: 2}}\n")
    with pytest.raises(ValueError, match="max_refused_link_share"):
        load_match_config(path)


def test_missing_columns_are_named(con, config):
    records, customers = shared_emails(values=2, split=0)
    estate(con, records, customers)
    con.register("map", records[["source", "source_record_id"]])
    with pytest.raises(ValueError, match=r"map: missing column\(s\) \['customer_id'\]"):
        measure(con, config)


def test_engine_run_refusal_is_measured_and_explain_names_the_value_and_the_refusal(config):
    """B bridges A (shared phone) and C (shared email); A and C have different first names and
    birth dates, so clustering refuses one of B's rule links: the records on that side share a
    value yet end in different customers, and explain says which value and why."""
    con = duckdb.connect()
    frame = people(*background(120),
                   {"source_record_id": "A", "first_name": "John", "last_name": "Ryder", "date_of_birth": "1980-01-01",
                    "phone": "+15550000001"},
                   {"source_record_id": "B", "source": "sms", "phone": "+15550000001", "email": "jr@x.test"},
                   {"source_record_id": "C", "first_name": "Maria", "last_name": "Ryder", "date_of_birth": "1991-07-19",
                    "email": "jr@x.test"})
    con.register("src", frame)
    resolution = resolve(con, "src", config, run_id="r1", state_schema="st")
    write_tables(con, config, resolution, "r1", "st")
    gate = over_split_gate(con, config, "src")
    assert gate.name == "no_over_split" and gate.name in GATES
    assert gate.metadata["refused_by_clustering"] >= 1
    customer = resolution.identity_map.assign(key=lambda f: f["source"] + "|" + f["source_record_id"]) \
        .set_index("key")["customer_id"]
    assert customer["crm|A"] != customer["crm|C"] and customer["sms|B"] in (customer["crm|A"], customer["crm|C"])
    apart, rule, raw = ("crm|A", "phone", "5550000001") if customer["sms|B"] == customer["crm|C"] \
        else ("crm|C", "email", "jr@x.test")
    assert gate.metadata["split_values_by_rule"][rule]["split_values"] == 1
    assert [w["rule"] for w in gate.metadata["worst_split_values (masked)"]] == [rule]

    text = "\n".join(explain_pair(con, config, "st", apart, "sms|B", links="identity.record_links").lines())
    assert "verdict: different customers" in text
    assert f"rule {rule}: share " in text and "refused by clustering: " in text
    assert "first names, birth dates or Sr/Jr" in text  # the refusal's reason, as clustering gave it
    assert raw not in text  # masked
    # without the run's record links explain cannot name the refusal, and says so
    bare = "\n".join(explain_pair(con, config, "st", apart, "sms|B").lines())
    assert "refused by clustering" not in bare and "no refusal is recorded" in bare


def test_explain_names_a_limited_value_and_its_reason(con, config):
    frame = people(*background(120),
                   {"source_record_id": "m", "first_name": "Maria", "last_name": "Quill", "email": "quills@x.test",
                    "date_of_birth": "1970-03-04"},
                   {"source_record_id": "t", "first_name": "Tomas", "last_name": "Quill", "email": "quills@x.test",
                    "date_of_birth": "1999-11-12"})
    con.register("src", frame)
    resolution = resolve(con, "src", config, run_id="r1", state_schema="st")
    write_tables(con, config, resolution, "r1", "st")
    lines = explain_pair(con, config, "st", "crm|m", "crm|t", links="identity.record_links").lines()
    rule_line = next(line for line in lines if line.startswith("  rule email"))
    reason = con.sql("SELECT reason FROM identity.limited_identifiers WHERE rule = 'email'").fetchall()[0][0]
    assert "different people" in reason
    assert rule_line == f"  rule email: share q*****@x*.test - limited: {reason} (2 records share it)"
    gate = over_split_gate(con, config, "src")
    assert gate.metadata["split_values_by_rule"]["email"]["split_values"] == 1
    assert gate.passed  # one email among few shared ones: not judged


def test_default_config_names_every_rule_in_the_figures(con):
    config: MatchConfig = load_match_config()
    records = people({"source_record_id": "1"}).rename(columns={"email": "email_match_key"})
    records["first_name_canonical"] = records["birth_year"] = records["region"] = records["name_suffix"] = None
    records["cookie_id"] = records["device_id"] = None
    estate(con, records, ["CU1"])
    result = measure(con, config)
    assert [r.rule for r in result.rules] == [r.name for r in config.rules]
    assert result.passed


def test_explain_says_whose_email_a_record_carries(con, config):
    """Liam's record carries kate.obrien@ (a gift she ordered for him): explain says the email is
    someone else's, so its spelling of Kate's name was not compared."""
    frame = people(*background(120),
                   {"source_record_id": "kate", "source": "calls", "first_name": "Kate", "last_name": "O'Brien",
                    "address_line1": "6096 orchard ave", "postcode": "10021"},
                   {"source_record_id": "liam", "source": "shop", "first_name": "Liam", "last_name": "O'Brien",
                    "email": "kate.obrien@x.test", "address_line1": "6096 orchard avenue", "postcode": "10021"})
    con.register("src", frame)
    resolution = resolve(con, "src", config, run_id="r1", state_schema="st")
    write_tables(con, config, resolution, "r1", "st")
    lines = explain_pair(con, config, "st", "calls|kate", "shop|liam").lines()
    assert "  the email of the second record spells none of its own names: someone else's (a gift, a booking " \
           "made for them), not compared with names" in lines
    assert next(line for line in lines if line.strip().startswith("email_name")).endswith("disagree")
    assert not any("the email of the first record" in line for line in lines)
    assert not any("liam" in line for line in lines[1:])  # the record keys stay in the first line (masked there)
