"""Two runs in one process read the configuration of their own time.

Before: Dagster caches the last reconstructed job, keyed by an equal reconstructable, so a second
run with the same selection ran the first run's job - built from the first run's sources config.
A test that copied the demo estate elsewhere then read the original export (253 CRM rows, not 173)
next to its landed copy of 80 of them: 80 duplicate record keys and a failed reject-rate gate, or
not, depending on which test had run before it in that worker."""

import textwrap

import duckdb

from customer_unification.pipeline import run_job


def _estate(folder, rows: int) -> str:
    (folder / "crm").mkdir(parents=True)
    lines = [f"c{i},person{i}@example.com" for i in range(rows)]
    (folder / "crm" / "contacts.csv").write_text("id,email\n" + "\n".join(lines) + "\n")
    (folder / "sources.yaml").write_text(textwrap.dedent("""
        base_dir: .
        sources:
          - name: crm
            format: csv
            location: crm/contacts.csv
            record_key: id
            fields: {crm_id: id, email: email}
        """))
    return str(folder / "sources.yaml")


def test_a_second_run_in_the_same_process_reads_its_own_sources_config(tmp_path, isolated_env, monkeypatch):
    counts = []
    for estate, rows in (("first", 3), ("second", 5)):
        monkeypatch.setenv("CU_SOURCES_CONFIG", _estate(tmp_path / estate, rows))
        outcome = run_job("key:sources/crm")
        assert outcome.success, outcome
        with duckdb.connect(str(isolated_env), read_only=True) as con:
            counts += con.sql("SELECT count(*), min(_file) FROM sources.crm").fetchall()
    assert counts == [(3, "contacts.csv"), (5, "contacts.csv")]
