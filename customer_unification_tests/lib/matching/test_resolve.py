"""Customer ids through real matching runs: unchanged, merged, split (by an override), new."""

import duckdb
import pandas as pd
import pytest

from customer_unification.lib.matching.resolve import (previous_assignments, read_overrides, resolve,
                                                       resolve_in_place, split_record_key)

from .conftest import people
from .test_engine import BRIDGE, CUSTOMERS, HOUSEHOLD, STRANGER, background


def run(frame, config, previous=None, overrides=None, run_id="r"):
    con = duckdb.connect()
    con.register("src", frame)
    return resolve(con, "src", config, run_id=run_id, previous=previous, overrides=overrides)


def ids(resolution) -> dict[str, str]:
    m = resolution.identity_map
    return dict(zip(m["source"] + "|" + m["source_record_id"], m["customer_id"]))


def test_ids_survive_an_unchanged_rerun_and_merges_keep_the_larger_customer(config):
    base = people(*background(),
                  {"source_record_id": "a1", "first_name": "Wanda", "last_name": "Pike", "email": "wanda@x.test",
                   "phone": "+15550001111"},
                  {"source_record_id": "a2", "source": "shop", "email": "wanda@x.test"},
                  {"source_record_id": "b1", "source": "sms", "first_name": "Wanda", "phone": "+15550002222"})
    first = run(base, config, run_id="r1")
    prev = previous_assignments(first.identity_map, config.key)
    again = run(base, config, previous=prev, run_id="r2")
    assert ids(again) == ids(first)
    assert again.ids.lineage.empty and again.ids.stats["kept"] == first.identity_map["customer_id"].nunique()

    # a new CRM record carries both phones' owner details: the two Wandas become one customer
    bridge = people({"source_record_id": "a3", "first_name": "Wanda", "last_name": "Pike",
                     "email": "wanda@x.test", "phone": "+15550002222"})
    merged = run(pd.concat([base, bridge], ignore_index=True), config, previous=prev, run_id="r3")
    after = ids(merged)
    assert after["crm|a1"] == after["sms|b1"] == after["crm|a3"] == ids(first)["crm|a1"]  # bigger side's id
    lineage = merged.ids.lineage
    assert list(lineage["reason"]) == ["merged"] and lineage.iloc[0]["old_customer_id"] == ids(first)["sms|b1"]
    unaffected = [k for k in ids(first) if k.startswith("crm|bg")]
    assert all(after[k] == ids(first)[k] for k in unaffected)


def test_unmerge_by_override_mints_a_new_id_with_lineage(config):
    base = people(*background(),
                  {"source_record_id": "u1", "first_name": "Omar", "email": "omar@x.test"},
                  {"source_record_id": "u2", "source": "shop", "email": "omar@x.test", "postcode": "99501"})
    first = run(base, config)
    assert ids(first)["crm|u1"] == ids(first)["shop|u2"]
    overrides = pd.DataFrame({"left": ["crm|u1"], "right": ["shop|u2"], "decision": ["must_not_link"]})
    second = run(base, config, previous=previous_assignments(first.identity_map, config.key), overrides=overrides)
    assert ids(second)["crm|u1"] != ids(second)["shop|u2"]
    assert ids(first)["crm|u1"] in (ids(second)["crm|u1"], ids(second)["shop|u2"])  # one side keeps the id
    assert list(second.ids.lineage["reason"]) == ["split"]


def test_in_place_incremental_run_writes_what_a_whole_incremental_run_does(config):
    """Same ids, lineage, stats and identity map, though only the changed rows are rewritten."""
    outcomes = []
    for in_place in (False, True):
        con = duckdb.connect()
        con.register("base", people(*background(), *CUSTOMERS))
        first = resolve(con, "base", config, run_id="r1", state_schema="state")
        con.register("first_map", first.identity_map)
        con.execute("CREATE TABLE state.identity_map AS SELECT * FROM first_map")
        con.register("batch", people(BRIDGE, STRANGER, HOUSEHOLD, CUSTOMERS[0] | {"source": "shop"}))
        if in_place:
            second = resolve_in_place(con, "batch", config, run_id="r2", state_schema="state",
                                      identity_map="state.identity_map")
            written = len(second.identity_map)
        else:
            second = resolve(con, "batch", config, run_id="r2", state_schema="state", incremental=True,
                             previous=previous_assignments(first.identity_map, config.key))
            con.register("second_map", second.identity_map)
            con.execute("CREATE OR REPLACE TABLE state.identity_map AS SELECT * FROM second_map")
        identity = con.sql("SELECT * FROM state.identity_map ORDER BY ALL").df()
        outcomes.append((identity, second.ids.lineage, second.ids.stats))
    (whole_map, whole_lineage, whole_stats), (map_, lineage, stats) = outcomes
    assert map_.equals(whole_map) and lineage.equals(whole_lineage) and stats == whole_stats
    assert stats["created"] and stats["merged"] and stats["split"]
    assert written < len(map_) / 2


def test_record_keys_split_back_into_key_columns():
    keys = pd.Series(["postal|MR X|1 ELM ST|01603", "crm|C1"])
    frame = split_record_key(keys, ["source", "source_record_id"])
    assert frame.to_dict("list") == {"source": ["postal", "crm"], "source_record_id": ["MR X|1 ELM ST|01603", "C1"]}


def test_overrides_file_errors_name_the_line(tmp_path):
    good = tmp_path / "ok.csv"
    good.write_text("left,right,decision,reason\ncrm|1,shop|2,MUST_NOT_LINK,father and son\n")
    assert read_overrides(good).iloc[0]["decision"] == "must_not_link"
    bad = tmp_path / "bad.csv"
    bad.write_text("left,right,decision\ncrm|1,shop|2,must_link\ncrm|3,shop|4,maybe\n")
    with pytest.raises(ValueError, match="line 3.*must_link.*'maybe'"):
        read_overrides(bad)
    missing = tmp_path / "missing.csv"
    missing.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="missing.*decision"):
        read_overrides(missing)


def test_an_override_naming_a_record_that_does_not_exist_is_reported_not_ignored(config):
    """Issue 14 defect 9: a steward's decision about a record that is not there was silently skipped."""
    base = people(*background(),
                  {"source_record_id": "u1", "first_name": "Omar", "email": "omar@x.test"},
                  {"source_record_id": "u2", "source": "shop", "email": "omar@x.test", "postcode": "99501"})
    overrides = pd.DataFrame({"left": ["crm|u1", "crm|u1"], "right": ["shop|u2", "shop|U2-typo"],
                              "decision": ["must_not_link", "must_link"]})
    resolution = run(base, config, overrides=overrides)
    assert resolution.unknown_override_keys == ["shop|U2-typo"]
    assert ids(resolution)["crm|u1"] != ids(resolution)["shop|u2"]  # the valid decision still binds
    assert len(resolution.identity_map) == len(base)  # every record resolved, none invented
    assert run(base, config).unknown_override_keys == []
