"""Issue 14 defect 4: the profile tables are published only when their blocking gates pass.

Before: build_profiles committed its five tables first and evaluated its gates after, so profiles a
gate refused were already what traits, segments and activation read."""

import datetime as dt

import dagster as dg
import duckdb
import pandas as pd

from customer_unification.defs.profiles import golden
from customer_unification.lib.governance import IdentifierHasher, suppression_key
from customer_unification.lib.governance.identifiers import KEY_SEPARATOR, RECORD_KIND
from customer_unification.lib.governance.suppression import add_to_list
from customer_unification.resources.warehouse import DuckDBWarehouse
from customer_unification_tests.defs.test_profiles_atomic_write import TABLES, _customers, _stage


def _observed(result) -> dict:
    return {e.asset_key: e.event_specific_data.asset_observation.metadata["failed_gates"].value
            for e in result.all_events if e.event_type_value == "ASSET_OBSERVATION"}


def test_profiles_a_gate_refuses_leave_the_last_good_tables_published(isolated_env):
    path = isolated_env
    resources = {"warehouse": DuckDBWarehouse(path=str(path))}
    _stage(path, ["ANN"])
    assert dg.materialize([golden.build_profiles], resources=resources).success
    before = _customers(path)
    assert before == {t: ["ANN"] for t in TABLES}

    # Bob (record C1) asked to be forgotten, but his record is still staged: forgotten_people_absent fails
    _stage(path, ["ANN", "BOB"])
    with duckdb.connect(str(path)) as con:
        add_to_list(con, IdentifierHasher(suppression_key()),
                    pd.DataFrame({"kind": [RECORD_KIND], "value": [f"crm_contacts{KEY_SEPARATOR}C1"]}), "req-1",
                    dt.datetime.now(dt.UTC))
    result = dg.materialize([golden.build_profiles], resources=resources, raise_on_error=False)
    assert not result.success
    assert _customers(path) == before  # not Bob's profile: the refused candidate was rolled back
    assert not result.get_asset_materialization_events()
    assert _observed(result) == {dg.AssetKey(["profiles", t]): "forgotten_people_absent" for t in TABLES}
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {"one_profile_per_customer": True, "forgotten_people_absent": False,
                      "consent_never_more_permissive": True}

    _stage(path, ["CAT"])  # the next good run (Bob's record gone) is published
    assert dg.materialize([golden.build_profiles], resources=resources).success
    assert _customers(path) == {t: ["CAT"] for t in TABLES}


def test_customer_events_are_not_published_when_an_event_has_no_customer(isolated_env):
    from customer_unification.defs.profiles.events import EVENTS_KEY, customer_events
    from customer_unification.lib.profiles.events import EVENT_COLUMNS

    path = isolated_env
    resources = {"warehouse": DuckDBWarehouse(path=str(path))}
    _stage(path, ["ANN"])
    columns = [c for c in EVENT_COLUMNS if c != "customer_id"]
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS profiles")
        con.execute(f"CREATE TABLE profiles.event_log ({', '.join(f'{c} VARCHAR' for c in columns)})")
        con.execute("INSERT INTO profiles.event_log (source, source_record_id) VALUES ('crm_contacts', 'C0')")
    result = dg.materialize([customer_events], resources=resources)
    assert result.success and len(result.get_asset_materialization_events()) == 1

    with duckdb.connect(str(path)) as con:  # an event of a record the identity map does not hold
        con.execute("INSERT INTO profiles.event_log (source, source_record_id) VALUES ('crm_contacts', 'C9')")
    result = dg.materialize([customer_events], resources=resources, raise_on_error=False)
    assert not result.success
    assert not result.get_asset_materialization_events()  # traits and everything after are not run on it
    assert _observed(result) == {EVENTS_KEY: "every_event_has_a_customer"}
    assert [(e.check_name, e.passed) for e in result.get_asset_check_evaluations()] == [
        ("every_event_has_a_customer", False)]
