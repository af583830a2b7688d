"""Issue 14 defect 7: the profile tables built together are swapped together.

Before: each of the five tables was committed on its own, so a failure (or kill -9) after the golden
profiles were replaced left them beside the contact points and consent ledger of the run before."""

import dagster as dg
import duckdb

from customer_unification.defs.profiles import golden
from customer_unification.resources.warehouse import DuckDBWarehouse
from customer_unification_tests.lib.profiles.staged_records import stage

TABLES = ("golden_profiles", "profile_provenance", "contact_points", "consent_ledger", "consent_statements")


def _stage(path, people: list[str]) -> None:
    with duckdb.connect(str(path)) as con:
        for schema in ("staging", "identity"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        stage(con, [{"source": "crm_contacts", "id": f"C{i}", "customer": customer, "first_name": customer,
                     "email": f"{customer.lower()}@gmail.com", "consent_email": "granted"}
                    for i, customer in enumerate(people)],
              records="staging.unified_records", identity_map="identity.customer_identity_map")


def _customers(path) -> dict[str, list[str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: sorted({c for (c,) in con.sql(f"SELECT customer_id FROM profiles.{t}").fetchall()}) for t in TABLES}


def test_a_failure_building_the_consent_ledger_leaves_every_profile_table_of_the_last_run(isolated_env, monkeypatch):
    path = isolated_env
    resources = {"warehouse": DuckDBWarehouse(path=str(path))}
    _stage(path, ["ANN"])
    assert dg.materialize([golden.build_profiles], resources=resources).success
    before = _customers(path)
    assert before == {t: ["ANN"] for t in TABLES}

    def ledger_fails(*args, **kwargs):
        raise OSError("No space left on device")

    _stage(path, ["ANN", "BOB"])
    real = golden.build_consent_ledger
    monkeypatch.setattr(golden, "build_consent_ledger", ledger_fails)
    assert not dg.materialize([golden.build_profiles], resources=resources, raise_on_error=False).success
    assert _customers(path) == before  # not Bob's profile beside a ledger that never heard of him

    monkeypatch.setattr(golden, "build_consent_ledger", real)
    assert dg.materialize([golden.build_profiles], resources=resources).success
    assert _customers(path) == {t: ["ANN", "BOB"] for t in TABLES}
