"""Issue 14 defect 7: a source's staged table and its quarantine are swapped in together.

Before: the IO manager wrote each output on its own, so a failure (or kill -9) after the staged
table was replaced left it beside the quarantine of the run before: raw != staged + quarantined."""

import textwrap

import dagster as dg
import duckdb
import pytest

from customer_unification.pipeline import load_definitions
from customer_unification.resources import table_writes

pytestmark = pytest.mark.slow

SOURCES = """
base_dir: .
sources:
  - name: partner_leads
    format: csv
    location: leads.csv
    record_key: lead_id
    max_reject_rate: 0.9
    conventions: {date_format: "%m/%d/%Y"}
    fields: {full_name: name, email: email, date_of_birth: dob}
"""
STEP = [dg.AssetKey(["sources", "partner_leads"]), dg.AssetKey(["staging", "partner_leads"]),
        dg.AssetKey(["quarantine", "partner_leads"])]


def _deliver(folder, good: list[str], bad: list[str]) -> None:
    rows = [f"{key},Person {key},{key.lower()}@acme-mail.com,01/02/1980" for key in good]
    rows += [f"{key},Bad Date,{key.lower()}@acme-mail.com,02/30/1980" for key in bad]
    (folder / "leads.csv").write_text("lead_id,name,email,dob\n" + "\n".join(rows) + "\n")


def _stage():
    job = load_definitions().resolve_job_def("unify_all")
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), asset_selection=STEP,
                                  raise_on_error=False)


def _tables(warehouse) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {layer: sorted(k for (k,) in con.execute(f"SELECT source_record_id FROM {layer}.partner_leads")
                              .fetchall()) for layer in ("staging", "quarantine")}


def test_a_failure_writing_the_quarantine_leaves_both_tables_of_the_last_run(tmp_path, isolated_env, monkeypatch):
    (tmp_path / "sources.yaml").write_text(textwrap.dedent(SOURCES))
    monkeypatch.setenv("CU_SOURCES_CONFIG", str(tmp_path / "sources.yaml"))
    _deliver(tmp_path, good=["L1", "L2"], bad=["L3"])
    assert _stage().success
    before = _tables(isolated_env)
    assert before == {"staging": ["L1", "L2"], "quarantine": ["L3"]}

    real_store = table_writes._store

    def quarantine_write_fails(con, write):
        if write.schema == "quarantine":
            raise OSError("No space left on device")
        real_store(con, write)

    _deliver(tmp_path, good=["L4"], bad=["L5", "L6"])
    monkeypatch.setattr(table_writes, "_store", quarantine_write_fails)
    result = _stage()
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert failure.step_key == "stage_partner_leads"
    assert _tables(isolated_env) == before  # not the new staged rows beside the old quarantine

    monkeypatch.setattr(table_writes, "_store", real_store)
    assert _stage().success
    assert _tables(isolated_env) == {"staging": ["L4"], "quarantine": ["L5", "L6"]}
