"""Issue 14 defect 4: audiences are published only when their blocking gates pass.

Before: build_audiences committed audience_members and suppressed first and evaluated the gates
after, so audiences a gate refused were already in the tables exports and destinations read."""

import dagster as dg
import duckdb

from customer_unification.defs.activation import assets
from customer_unification.resources.warehouse import DuckDBWarehouse
from customer_unification_tests.lib.activation import build_warehouse, person

TABLES = ("audience_members", "suppressed")
PEOPLE = [person("C1", email="ann@example.com", consent={"email": "granted"}),
          person("C2", email="bob@example.com", consent={"email": "denied"}),
          person("C3", email="cy@example.com", consent={"email": "granted"})]


def _members(path, customers: list[str]) -> None:
    with duckdb.connect(str(path)) as con:
        build_warehouse(con, PEOPLE)
        con.execute("CREATE SCHEMA IF NOT EXISTS segments")
        con.execute("CREATE OR REPLACE TABLE segments.segment_members (customer_id VARCHAR, segment VARCHAR)")
        con.executemany("INSERT INTO segments.segment_members VALUES (?, 'loyal_customers')",
                        [[c] for c in customers])


def _tables(path) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: sorted(set(con.sql(f"SELECT customer_id FROM activation.{t}").fetchall())) for t in TABLES}


def _build(path):
    return dg.materialize([assets.build_audiences_asset], resources={"warehouse": DuckDBWarehouse(path=str(path))},
                          raise_on_error=False)


def test_audiences_a_gate_refuses_leave_the_last_good_audiences_published(isolated_env, monkeypatch):
    _members(isolated_env, ["C1", "C2"])
    assert _build(isolated_env).success
    good = _tables(isolated_env)
    assert good["audience_members"] == [("C1",)]

    # the independent re-check finds a consent violation in the candidate (a builder bug, say)
    real = assets.audience_gates

    def violation(con, config):
        gates = real(con, config)
        assert con.sql("SELECT count(*) FROM activation.audience_members WHERE customer_id = 'C3'").fetchall()[0][0]
        return {**gates, "consent_respected": (False, {"violations_by_channel": "{'email': 1}"})}

    _members(isolated_env, ["C1", "C2", "C3"])
    monkeypatch.setattr(assets, "audience_gates", violation)
    result = _build(isolated_env)
    assert not result.success
    assert _tables(isolated_env) == good  # C3 is not published: the candidate was rolled back
    assert not result.get_asset_materialization_events()
    observed = {e.asset_key: e.event_specific_data.asset_observation.metadata for e in result.all_events
                if e.event_type_value == "ASSET_OBSERVATION"}
    assert {k: (m["published"].value, m["failed_gates"].value) for k, m in observed.items()} == {
        dg.AssetKey(["activation", t]): (False, "consent_respected") for t in TABLES}
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {"counts_reconcile": True, "one_row_per_person": True, "consent_respected": False,
                      "no_forgotten_person": True}

    monkeypatch.setattr(assets, "audience_gates", real)
    assert _build(isolated_env).success
    assert _tables(isolated_env)["audience_members"] == [("C1",), ("C3",)]
