"""Staging -> identity -> profiles for real on a small demo estate."""

import dagster as dg
import duckdb
import pytest

from customer_unification.cli import main
from customer_unification.defs.partitions import EVENT_DAYS
from customer_unification.pipeline import load_definitions, whole_run_tags

from .test_staging_materialization import check_results

pytestmark = pytest.mark.slow


def count(con, sql: str) -> int:
    return con.execute(sql).fetchall()[0][0]


def test_profiles_events_traits_end_to_end(small_estate, isolated_env, monkeypatch, capsys):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    monkeypatch.setenv("CU_TRAITS_AS_OF", "2026-11-01")
    definitions = load_definitions()
    job = definitions.resolve_job_def("unify_all")
    instance = dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(instance=instance, raise_on_error=False, tags=whole_run_tags(job))
    assert result.success
    checks = {k: ok for k, ok in check_results(result).items() if k[0].startswith("profiles/")}
    assert {c for _, c in checks} == {"one_profile_per_customer", "consent_never_more_permissive",
                                      "forgotten_people_absent", "every_event_has_a_customer", "one_row_per_customer"}
    assert all(checks.values()), checks

    con = duckdb.connect(str(isolated_env), read_only=True)
    customers = count(con, "SELECT count(DISTINCT customer_id) FROM identity.customer_identity_map")
    assert count(con, "SELECT count(*) FROM profiles.golden_profiles") == customers
    assert count(con, "SELECT count(*) FROM profiles.customer_traits") == customers
    # every dated staged record is one event (consent statements add subscribe/unsubscribe events)
    dated = count(con, "SELECT count(*) FROM staging.unified_records WHERE event_ts IS NOT NULL")
    touchpoints = count(con, "SELECT count(*) FROM profiles.customer_events WHERE event_type NOT IN ('subscribe', 'unsubscribe')")
    assert touchpoints == dated > 0
    assert count(con, "SELECT count(*) FROM profiles.customer_events") == count(con, "SELECT count(*) FROM profiles.event_log")
    states = {s for (s,) in con.execute("SELECT DISTINCT state FROM profiles.consent_ledger").fetchall()}
    assert states <= {"granted", "denied", "unknown"} and "denied" in states
    assert count(con, "SELECT count(*) FROM profiles.consent_ledger") == customers * 5
    accuracy = dict(con.execute("SELECT field, accuracy FROM profiles.profile_evaluation").fetchall())
    assert accuracy["email"] > 0.95 and accuracy["date_of_birth"] > 0.95, accuracy
    email, customer = con.execute("SELECT email, customer_id FROM profiles.golden_profiles "
                                  "WHERE email IS NOT NULL ORDER BY customer_id LIMIT 1").fetchall()[0]
    before = count(con, "SELECT count(*) FROM profiles.event_log")
    con.close()

    # the CLI finds the customer by email and shows provenance and consent
    assert main(["profile", email.upper()]) == 0
    shown = capsys.readouterr().out
    assert f"customer {customer}" in shown and "consent" in shown and "<- " in shown

    # the first day (all history) rebuilt alone, twice: replaced, never duplicated
    first_day = EVENT_DAYS.get_partition_keys()[0]
    for _ in range(2):
        one = dg.materialize([definitions.get_assets_def(dg.AssetKey(["profiles", "event_log"]))],
                             partition_key=first_day, instance=instance,
                             resources={"warehouse": definitions.resources["warehouse"]})
        assert one.success
        assert one.asset_materializations_for_node("profiles__event_log")[0].metadata["run_events_replaced"].value == before
    con = duckdb.connect(str(isolated_env), read_only=True)
    assert count(con, "SELECT count(*) FROM profiles.event_log") == before
    con.close()


def test_profile_lookup_of_an_unknown_person_is_a_clear_error(small_estate, isolated_env, monkeypatch, capsys):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    assert main(["profile", "nobody@example.org"]) == 2
    assert "does not exist" in capsys.readouterr().err
