"""The engine end to end on small hand-built tables: rules and limits, probabilistic links,
anti-chaining, overrides, identical records, incremental runs and determinism."""

import duckdb
import pandas as pd

from customer_unification.lib.matching import linking, rules, scoring, state
from customer_unification.lib.matching.engine import (comparison_specs, incremental_blocker, match_new_records,
                                                      match_records, save_run)
from customer_unification.lib.matching.resolve import resolve

from .conftest import people


def run(con, frame, config, **kw):
    con.register("src", frame)
    return match_records(con, "src", config, **kw)


def cluster_of(result, key: str) -> int:
    a = result.assignments.set_index("record_key")
    return int(a.loc[key, "cluster"])


# A realistic spread of first names (hundreds, not a dozen): how rarely two people share one
# is what makes a different first name evidence against a match.
FIRSTS = [a + b for a in ("an", "bel", "cor", "dar", "el", "fen", "gal", "hol", "is", "jor", "kal", "lor", "mar", "nel")
          for b in ("a", "o", "ine", "ric", "wen", "ton", "sa", "den", "mund", "ette", "ius", "ly", "ra", "vin")]
LASTS = ["abbot", "baker", "cole", "dunn", "egan", "frost", "grant", "hale", "irwin", "joyce", "kemp", "lowe",
         "mercer", "nash", "oakley", "pryce", "quarry", "rowe", "sutton", "thorne", "upton", "vance", "wells",
         "yates", "zeller", "ashby", "brandt", "crowe", "dalton", "ellery"]


def background(n: int = 300) -> list[dict]:
    """Unrelated people, so EM and u-sampling have a population to learn from; a third of them
    have a second record with independent errors, as real sources have."""
    rows = []
    for i in range(n):
        fn, ln = FIRSTS[i % len(FIRSTS)], LASTS[(i * 7) % len(LASTS)]
        row = {"source_record_id": f"bg{i}", "first_name": fn.title(), "last_name": ln.title(),
               "date_of_birth": f"19{50 + i % 40}-{1 + i % 12:02d}-{1 + i % 27:02d}",
               "email": f"{fn}.{ln}{i}@mail.test", "postcode": f"{10000 + i * 37 % 9000}",
               "city": ["austin", "boston", "chicago"][i % 3], "address_line1": f"{i} elm st"}
        rows.append(row)
        if i % 3 == 0:
            typo = {0: {"first_name": fn.title()[:-1] + "x"}, 1: {"last_name": ln.title() + "e"},
                    2: {"postcode": None}}[i % 9 // 3]
            # half keep the email: pairs the email rule links teach the model how records of one
            # person differ (the other half it must find by their fields)
            rows.append({**row, "source_record_id": f"bg{i}d", "email": row["email"] if i % 2 else None, **typo})
    return rows


def test_shared_email_links_records_as_a_rule(con, config):
    frame = people(*background(), {"source_record_id": "a", "first_name": "Zed", "email": "zed@x.test"},
                   {"source_record_id": "b", "source": "shop", "email": "zed@x.test"})
    result = run(con, frame, config)
    assert cluster_of(result, "crm|a") == cluster_of(result, "shop|b")
    matched_by = result.assignments.set_index("record_key").loc["shop|b", "matched_by"]
    assert matched_by == "rule:email"


def test_family_email_shared_by_different_people_is_limited(con, config):
    frame = people(*background(),
                   {"source_record_id": "m", "first_name": "Maria", "last_name": "Quill", "email": "quills@x.test",
                    "date_of_birth": "1970-03-04"},
                   {"source_record_id": "t", "first_name": "Tomas", "last_name": "Quill", "email": "quills@x.test",
                    "date_of_birth": "1999-11-12"})
    result = run(con, frame, config)
    assert cluster_of(result, "crm|m") != cluster_of(result, "crm|t")
    limited = result.limited[result.limited["rule"] == "email"]
    assert len(limited) == 1
    assert "different people" in limited.iloc[0]["reason"]
    assert "quills" not in limited.iloc[0]["value_masked"]  # masked, never raw


def test_landline_of_two_names_each_written_twice_is_limited_but_a_stray_typo_is_not(con, config):
    """No birth dates, nothing for the model to contradict: two different first names, each on two
    records, are two people; one misspelt record among one name's is one person's typo."""
    home = {"last_name": "Palmer", "phone": "+19176953153"}
    frame = people(*background(),
                   {**home, "source_record_id": "g1", "first_name": "Gregory", "email": "gp89@x.test"},
                   {**home, "source_record_id": "g2", "source": "calls", "first_name": "Gregory"},
                   {**home, "source_record_id": "a1", "source": "shop", "first_name": "Aidan", "postcode": "10202"},
                   {**home, "source_record_id": "a2", "source": "loyalty", "first_name": "Aidan"},
                   {"source_record_id": "k1", "first_name": "Kelly", "last_name": "Neal", "phone": "+19170000001"},
                   {"source_record_id": "k2", "source": "calls", "first_name": "Kelly", "phone": "+19170000001"},
                   {"source_record_id": "k3", "source": "sms", "first_name": "Klely", "phone": "+19170000001"})
    result = run(con, frame, config)
    assert cluster_of(result, "crm|g1") != cluster_of(result, "shop|a1")
    limited = result.limited[result.limited["rule"] == "phone"]
    assert list(limited["reason"]) == [rules.TWO_NAMES] and "9176953153" not in limited.iloc[0]["value_masked"]
    assert len({cluster_of(result, k) for k in ("crm|k1", "calls|k2", "sms|k3")}) == 1


def test_blocked_identifier_values_do_not_link(con, config):
    frame = people(*background(), {"source_record_id": "a", "first_name": "Ola", "email": "info@shop.test"},
                   {"source_record_id": "b", "first_name": "Per", "email": "info@shop.test"})
    result = run(con, frame, config)
    assert cluster_of(result, "crm|a") != cluster_of(result, "crm|b")
    assert set(result.limited["reason"]) >= {"blocked value"}


def test_chaining_trap_two_birth_dates_joined_only_through_identifiers(con, config):
    """A and C share no identifier; B bridges them (phone with A, email with C). A and C have
    different birth dates: they must stay two customers, B joins one of them."""
    frame = people(*background(),
                   {"source_record_id": "A", "first_name": "John", "last_name": "Ryder", "date_of_birth": "1980-01-01",
                    "phone": "+15550000001"},
                   {"source_record_id": "B", "source": "sms", "phone": "+15550000001", "email": "jr@x.test"},
                   {"source_record_id": "C", "first_name": "John", "last_name": "Ryder", "date_of_birth": "1991-07-19",
                    "email": "jr@x.test"})
    result = run(con, frame, config)
    a, b, c = (cluster_of(result, k) for k in ("crm|A", "sms|B", "crm|C"))
    assert a != c
    assert b in (a, c)
    assert len(result.refused) >= 1
    assert result.refused["reason"].str.contains("conflicting|contradict").all()


def test_typo_duplicate_matches_probabilistically_but_twins_do_not(con, config):
    base = {"last_name": "Okafor", "date_of_birth": "1988-06-30", "postcode": "73301", "city": "austin",
            "address_line1": "12 birch rd"}
    frame = people(*background(),
                   {**base, "source_record_id": "k1", "first_name": "Kelechi", "email": "kelechi@x.test"},
                   {**base, "source_record_id": "k2", "source": "shop", "first_name": "Kelechy"},
                   {**base, "source_record_id": "twin", "first_name": "Adaeze"})
    result = run(con, frame, config)
    assert cluster_of(result, "crm|k1") == cluster_of(result, "shop|k2")
    assert cluster_of(result, "crm|twin") != cluster_of(result, "crm|k1")
    row = result.assignments.set_index("record_key").loc["shop|k2"]
    assert row["matched_by"] == "probabilistic" and 0.9 < row["match_confidence"] <= 1


def test_identical_records_collapse_into_one_customer(con, config):
    event = {"email": "solo@x.test", "first_name": "Solo"}
    frame = people(*background(), *({**event, "source_record_id": f"e{i}", "source": "email_events"} for i in range(5)))
    result = run(con, frame, config)
    clusters = {cluster_of(result, f"email_events|e{i}") for i in range(5)}
    assert len(clusters) == 1
    assert result.stats["distinct_records"] < result.stats["records"]


def test_overrides_must_link_and_must_not_link(con, config):
    frame = people(*background(),
                   {"source_record_id": "x", "first_name": "Ines", "email": "ines@x.test"},
                   {"source_record_id": "y", "source": "shop", "first_name": "Ines", "email": "ines@x.test"},
                   {"source_record_id": "z", "first_name": "Quentin", "last_name": "Voss"})
    overrides = pd.DataFrame({"left": ["crm|x", "crm|x"], "right": ["shop|y", "crm|z"],
                              "decision": ["must_not_link", "must_link"]})
    result = run(con, frame, config, overrides=overrides)
    assert cluster_of(result, "crm|x") != cluster_of(result, "shop|y")
    assert cluster_of(result, "crm|x") == cluster_of(result, "crm|z")
    assert result.assignments.set_index("record_key").loc["crm|z", "matched_by"] == "override:must_link"


def test_incremental_run_links_new_records_without_rescoring_old_pairs(config):
    old = people(*background(), {"source_record_id": "p1", "first_name": "Petra", "last_name": "Lind",
                                 "date_of_birth": "1975-02-02", "email": "petra@x.test", "postcode": "02139"})
    new = people({"source_record_id": "p2", "source": "shop", "first_name": "Petra", "email": "petra@x.test"},
                 {"source_record_id": "n1", "source": "shop", "first_name": "Nobody", "last_name": "Else",
                  "date_of_birth": "2001-01-01"})
    con = duckdb.connect()
    con.register("old", old)
    full = match_records(con, "old", config)
    save_run(con, config, full, "state")
    con.register("new", new)
    inc = match_new_records(con, "new", config, "state")
    assert inc.stats["new_records"] == 2
    assert len(inc.assignments) == len(old) + 2
    assert cluster_of(inc, "shop|p2") == cluster_of(inc, "crm|p1")
    assert inc.stats["candidate_pairs"] < full.stats["candidate_pairs"]  # only pairs touching new records
    before = full.assignments.set_index("record_key")["cluster"]
    after = inc.assignments.set_index("record_key")["cluster"].loc[before.index]
    assert (before == after).mean() > 0.99

    # a second increment on the updated state: a shared family email arrives, old limits stand
    save_run(con, config, inc, "state", incremental=True)
    con.register("newer", people(
        {"source_record_id": "p3", "source": "sms", "first_name": "Petra", "last_name": "Lind", "email": "petra@x.test"},
        {"source_record_id": "q1", "source": "sms", "first_name": "Quinn", "email": "info@shop.test"},
        {"source_record_id": "q2", "source": "sms", "first_name": "Rory", "email": "info@shop.test"}))
    again = match_new_records(con, "newer", config, "state")
    assert len(again.assignments) == len(old) + 5
    assert cluster_of(again, "sms|p3") == cluster_of(again, "crm|p1") == cluster_of(again, "shop|p2")
    assert cluster_of(again, "sms|q1") != cluster_of(again, "sms|q2")
    assert "blocked value" in set(again.limited["reason"])
    # the state keeps the limits the run reports: the old ones and the ones it added
    save_run(con, config, again, "state", incremental=True)
    saved = con.sql("SELECT rule, value_hash, reason FROM state.match_limited").fetchall()
    assert sorted(saved) == sorted(again.limited[["rule", "value_hash", "reason"]].itertuples(index=False, name=None))
    assert len(saved) > len(inc.limited)


def test_a_state_saved_with_another_layout_takes_no_new_records(config):
    """The saved tables' columns follow the engine's features; a state from a version whose nodes
    had other columns would be overlaid row by row on this version's. It is refused instead, with
    the reason, and a full run saves a usable one."""
    con = duckdb.connect()
    con.register("old", people(*background(30)))
    save_run(con, config, match_records(con, "old", config), "state")
    assert incremental_blocker(con, config, "state") is None
    con.execute(f"UPDATE state.match_state SET layout = {state.LAYOUT - 1}")
    assert "older version" in incremental_blocker(con, config, "state")
    con.execute("ALTER TABLE state.match_state DROP COLUMN layout")  # saved before layouts were recorded
    assert "older version" in incremental_blocker(con, config, "state")
    save_run(con, config, match_records(con, "old", config), "state")
    assert incremental_blocker(con, config, "state") is None


def test_results_do_not_depend_on_input_order(config):
    frame = people(*background())
    results = []
    for seed in (1, 2):
        con = duckdb.connect()
        con.register("src", frame.sample(frac=1, random_state=seed))
        a = match_records(con, "src", config).assignments.sort_values("record_key").reset_index(drop=True)
        results.append(a)
    assert results[0].equals(results[1])


# Two customers a new record can bridge (Wanda: email on one, phone on the other) and one a new
# record splits (Hugo and a phone-only record; the phone turns out to be a household's).
CUSTOMERS = [
    {"source_record_id": "w1", "first_name": "Wanda", "last_name": "Pike", "email": "wanda@x.test"},
    {"source_record_id": "w2", "source": "sms", "first_name": "Wanda", "phone": "+15550002222"},
    {"source_record_id": "h1", "first_name": "Hugo", "last_name": "Marsh", "date_of_birth": "1970-01-01",
     "phone": "+15550003333"},
    {"source_record_id": "h2", "source": "sms", "phone": "+15550003333"},
]
BRIDGE = {"source_record_id": "w3", "source": "shop", "first_name": "Wanda", "last_name": "Pike",
          "email": "wanda@x.test", "phone": "+15550002222"}
HOUSEHOLD = {"source_record_id": "h3", "source": "shop", "first_name": "Greta", "last_name": "Marsh",
             "date_of_birth": "1999-09-09", "phone": "+15550003333"}
STRANGER = {"source_record_id": "s1", "source": "shop", "first_name": "Stella", "last_name": "Quist",
            "date_of_birth": "1990-02-03"}


def partition(assignments: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(keys) for _, keys in assignments.groupby("cluster")["record_key"]}


def incremental_runs(con, config, *batches: list[dict], overrides: pd.DataFrame | None = None) -> list:
    """A full run of the background and CUSTOMERS, then one saved incremental run per batch."""
    con.register("base", people(*background(), *CUSTOMERS))
    results = [match_records(con, "base", config)]
    save_run(con, config, results[0], "state")
    for i, batch in enumerate(batches):
        con.register(f"batch{i}", people(*batch))
        results.append(match_new_records(con, f"batch{i}", config, "state", overrides=overrides))
        save_run(con, config, results[-1], "state", incremental=True)
    return results


def test_incremental_runs_merge_and_split_customers_as_a_full_run_with_their_model_does(config):
    con = duckdb.connect()
    base, merged, split = incremental_runs(con, config, [BRIDGE, STRANGER], [HOUSEHOLD])
    assert cluster_of(base, "crm|w1") != cluster_of(base, "sms|w2")
    assert cluster_of(merged, "crm|w1") == cluster_of(merged, "sms|w2") == cluster_of(merged, "shop|w3")
    assert cluster_of(merged, "crm|h1") == cluster_of(merged, "sms|h2")
    assert cluster_of(split, "crm|h1") != cluster_of(split, "sms|h2")
    # only the touched components were clustered again, yet the outcome is the full run's
    full = run(duckdb.connect(), people(*background(), *CUSTOMERS, BRIDGE, STRANGER, HOUSEHOLD), config,
               model=base.model)
    assert partition(split.assignments) == partition(full.assignments)


def test_incremental_state_is_the_clustering_of_its_saved_links(config):
    """Every saved component keeps the clusters that clustering all saved links afresh gives it."""
    con = duckdb.connect()
    base, *_ = incremental_runs(con, config, [BRIDGE, STRANGER], [HOUSEHOLD])
    saved = con.sql("SELECT nid, comp, cluster FROM state.match_node_labels ORDER BY nid").df()
    con.execute("CREATE OR REPLACE TEMP TABLE cu_nodes AS SELECT * FROM state.match_nodes")
    con.execute("CREATE OR REPLACE TEMP TABLE cu_edges AS SELECT * FROM state.match_links")
    con.execute("CREATE OR REPLACE TEMP TABLE cu_refused_direct (l BIGINT, r BIGINT, link VARCHAR, reason VARCHAR)")
    linking.cluster_nodes(con, config, set(), comparison_specs(config), base.model)
    afresh = con.sql("SELECT nid, comp, cluster FROM cu_clusters ORDER BY nid").df()
    assert saved.equals(afresh)
    records = con.sql("SELECT count(*), count(DISTINCT nid) FROM state.match_records").fetchall()[0]
    assert records == (len(background()) + len(CUSTOMERS) + 3, len(saved))


def test_incremental_ids_change_only_for_customers_new_records_touch(config):
    con = duckdb.connect()
    con.register("base", people(*background(), *CUSTOMERS))
    first = resolve(con, "base", config, run_id="r1", state_schema="state")
    con.register("batch", people(BRIDGE, STRANGER, HOUSEHOLD))
    second = resolve(con, "batch", config, run_id="r2", previous=first.ids.assignments, state_schema="state",
                     incremental=True)
    before = first.ids.assignments.set_index("record_key")["customer_id"]
    after = second.ids.assignments.set_index("record_key")["customer_id"]
    changed = set(before[["crm|w1", "sms|w2", "crm|h1"]])  # the merged and the split customers
    untouched = before.index[~before.isin(changed)]
    assert (before[untouched] == after[untouched]).all() and len(untouched) == len(before) - 4
    reasons = second.ids.lineage.set_index("old_customer_id")["reason"]
    assert {reasons.get(before["crm|w1"]), reasons.get(before["sms|w2"])} == {"merged", None}  # one id survives
    assert reasons[before["crm|h1"]] == "split"
    assert after["crm|h1"] == before["crm|h1"] != after["sms|h2"]


def test_incremental_run_without_new_records_changes_nothing(config):
    con = duckdb.connect()
    base, again = incremental_runs(con, config, [CUSTOMERS[0]])
    assert again.stats["new_records"] == 0
    assert base.assignments.equals(again.assignments)


def test_incremental_run_applies_new_overrides_to_known_records(config):
    overrides = pd.DataFrame({"left": ["crm|w1", "crm|h1"], "right": ["sms|w2", "sms|h2"],
                              "decision": ["must_link", "must_not_link"]})
    con = duckdb.connect()
    base, after = incremental_runs(con, config, [STRANGER], overrides=overrides)
    assert cluster_of(base, "crm|h1") == cluster_of(base, "sms|h2")
    assert cluster_of(after, "crm|w1") == cluster_of(after, "sms|w2")
    assert cluster_of(after, "crm|h1") != cluster_of(after, "sms|h2")
    full = run(duckdb.connect(), people(*background(), *CUSTOMERS, STRANGER), config, model=base.model,
               overrides=overrides)
    assert partition(after.assignments) == partition(full.assignments)


def test_twins_each_named_twice_stay_two_customers_while_a_swapped_name_stays_with_its_person(con, config):
    """Twins agree on everything a person has but the first name, so each pair of their records
    looks like one person with a replaced first name. Clustering reads the component as a whole:
    two different first names, each written on two records, are two people (the identifier-limit
    judgement, conflicts.find_two_names). A first name written as the surname elsewhere (first and
    last name swapped, twice) is not another person's name, nor is a nickname the nickname table
    leaves out as ambiguous (Molly: Mary, Margaret or a name in its own right)."""
    home = {"last_name": "Hollis", "date_of_birth": "2000-03-25", "address_line1": "48 sycamore lane",
            "postcode": "10044", "city": "boston"}
    frame = people(*background(),
                   {**home, "source_record_id": "n1", "first_name": "Noah", "email": "noahh@x.test"},
                   {**home, "source_record_id": "n2", "source": "shop", "first_name": "Noah"},
                   {**home, "source_record_id": "n3", "source": "calls", "first_name": "Hollis",
                    "last_name": None},
                   {**home, "source_record_id": "n4", "source": "loyalty", "first_name": "Hollis",
                    "last_name": "Noah"},
                   {**home, "source_record_id": "p1", "first_name": "Philip", "email": "philh@x.test"},
                   {**home, "source_record_id": "p2", "source": "shop", "first_name": "Philip"},
                   *[{"source_record_id": f"h{i}", "source": source, "first_name": name, "last_name": "Orme",
                      "date_of_birth": "1961-07-02", "email": "h.orme@x.test", "address_line1": "3 quay st",
                      "postcode": "10090", "city": city}
                     for i, (source, name, city) in enumerate([("crm", "Mary", "austin"), ("shop", "Mary", None),
                                                         ("calls", "Molly", "austin"), ("sms", "Molly", None)])])
    sisters = {"last_name": "Singh", "date_of_birth": "1994-01-04", "address_line1": "148 queen ln",
               "postcode": "10050", "city": "austin"}
    frame = pd.concat([frame, people(
        # each name misspelt on one of its two records: still two names, each written twice
        {**sisters, "source_record_id": "g1", "first_name": "Genevieve", "email": "gsingh@x.test"},
        {**sisters, "source_record_id": "g2", "source": "shop", "first_name": "Genevievr"},
        {**sisters, "source_record_id": "e1", "first_name": "Elizabeth", "email": "esingh@x.test"},
        {**sisters, "source_record_id": "e2", "source": "shop", "first_name": "Elisabeth"},
        # and two swapped records with typos are Elizabeth's, not a third name written twice
        {**sisters, "source_record_id": "e3", "source": "calls", "first_name": "Singh", "last_name": "Elisabet",
         "email": "esingh@x.test"},
        {**sisters, "source_record_id": "e4", "source": "loyalty", "first_name": "Sing", "last_name": "Elizabeth",
         "email": "esingh@x.test"})],
        ignore_index=True)
    result = run(con, frame, config)
    genevieve = {cluster_of(result, k) for k in ("crm|g1", "shop|g2")}
    elizabeth = {cluster_of(result, k) for k in ("crm|e1", "shop|e2", "calls|e3", "loyalty|e4")}
    assert len(genevieve) == 1 and len(elizabeth) == 1 and genevieve != elizabeth, (genevieve, elizabeth)
    noah = {cluster_of(result, k) for k in ("crm|n1", "shop|n2", "calls|n3", "loyalty|n4")}
    philip = {cluster_of(result, k) for k in ("crm|p1", "shop|p2")}
    assert len(noah) == 1 and len(philip) == 1 and noah != philip, (noah, philip)
    # names that may be one person's (Molly is a nickname of Mary) are not two people's
    assert len({cluster_of(result, k) for k in ("crm|h0", "shop|h1", "calls|h2", "sms|h3")}) == 1


def test_a_father_and_his_namesake_son_stay_apart_while_a_suffix_written_once_joins_its_person(con, config):
    """"Quill Sr" and "Quill Jr" are a father and the son named after him, not one surname a typo
    apart: same first name, address and landline, no birth dates. A generational suffix that
    disagrees is a contradiction (conflicts.GENERATIONS_DIFFER_BITS); one written on some of a
    person's records only is not part of the surname, so those records still join."""
    home = {"first_name": "Robert", "address_line1": "3175 spring pl", "postcode": "10066", "city": "boston",
            "phone": "+16175550188"}
    frame = people(*background(),
                   {**home, "source_record_id": "s1", "last_name": "Quill Sr", "email": "rquill@x.test"},
                   {**home, "source_record_id": "s2", "source": "shop", "last_name": "Quill Sr."},
                   {**home, "source_record_id": "s3", "source": "calls", "last_name": "Quill", "phone": None,
                    "email": "rquill@x.test"},
                   {**home, "source_record_id": "j1", "last_name": "Quill Jr", "email": "bobby.quill@x.test"},
                   {**home, "source_record_id": "j2", "source": "shop", "last_name": "QUILL JR."})
    result = run(con, frame, config)
    father = {cluster_of(result, k) for k in ("crm|s1", "shop|s2", "calls|s3")}
    son = {cluster_of(result, k) for k in ("crm|j1", "shop|j2")}
    assert len(father) == 1 and len(son) == 1 and father != son, (father, son)



def test_a_local_part_many_people_write_says_less_at_another_domain(con, config):
    """emma.smith@ at two providers is as often two Emma Smiths as one: the "same local part, other
    domain" level is weighed by how many people write the local part (term frequency, counted once
    per person as the rules tie their records), so a rare one (kx7q.lee@) says more."""
    providers = ["gmail.test", "yahoo.test", "xtra.test", "bigpond.test", "aol.test"]
    emmas = [{"source_record_id": f"e{i}{copy}", "source": source, "first_name": "Emma", "last_name": "Smith",
              "email": f"emma.smith@{provider}", "phone": f"+1617555{i:04d}", "city": city}
             for i, (provider, city) in enumerate(zip(providers, ["austin", "boston", "chicago", "denver", "erie"]))
             for copy, source in (("a", "crm"), ("b", "shop"))]
    frame = people(*background(), *emmas,
                   {"source_record_id": "k1", "first_name": "Kit", "last_name": "Lee", "email": "kx7q.lee@a.test"},
                   {"source_record_id": "k2", "source": "shop", "first_name": "Kit", "last_name": "Lee",
                    "email": "kx7q.lee@b.test"})
    result = run(con, frame, config)
    node = dict(con.sql("SELECT record_key, nid FROM cu_records").fetchall())
    pairs = [sorted((node["crm|e0a"], node["crm|e1a"])), sorted((node["crm|k1"], node["shop|k2"]))]
    con.execute("CREATE TEMP TABLE pairs AS SELECT * FROM (VALUES " +
                ", ".join(f"({a}, {b}, 0)" for a, b in pairs) + ") t(l, r, rules)")
    scoring.build_gammas(con, comparison_specs(config), candidates="pairs", out="pair_gammas")
    got = dict(con.sql("SELECT l, tfb_email FROM pair_gammas").fetchall())
    assert got[pairs[0][0]] < got[pairs[1][0]] - 1, got  # five people against one (counted twice)
    assert cluster_of(result, "crm|k1") == cluster_of(result, "shop|k2")
