"""Profiles -> segments -> audiences -> exports -> analytics for real on a small demo estate,
then a person forgotten and everything rebuilt: they are in no audience."""

import json

import dagster as dg
import duckdb
import pytest

from customer_unification.cli import main
from customer_unification.pipeline import load_definitions, whole_run_tags

from .test_staging_materialization import check_results

pytestmark = pytest.mark.slow


def run_all(instance):
    job = load_definitions().resolve_job_def("unify_all")
    return job.execute_in_process(instance=instance, raise_on_error=False, tags=whole_run_tags(job))


def exports_metadata(result) -> dict[str, int]:
    """What audience_exports reported about new sends."""
    [event] = [m for m in result.get_asset_materialization_events()
               if m.asset_key == dg.AssetKey(["activation", "audience_exports"])]
    metadata = event.materialization.metadata
    return {k: metadata[k].value for k in ("contacts_recorded", "already_sent_today")}


def test_audiences_are_consented_deduplicated_exported_and_forget_proof(small_estate, isolated_env, monkeypatch,
                                                                       tmp_path):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    monkeypatch.setenv("CU_EXPORTS_DIR", str(tmp_path / "exports"))
    instance = dg.DagsterInstance.ephemeral()
    result = run_all(instance)
    assert result.success
    checks = {k: ok for k, ok in check_results(result).items() if k[0].startswith("activation/")}
    assert {c for _, c in checks} == {"counts_reconcile", "one_row_per_person", "consent_respected",
                                      "no_forgotten_person"}
    assert all(checks.values()), checks

    con = duckdb.connect(str(isolated_env), read_only=True)
    members = con.sql("SELECT count(*) FROM segments.segment_members").fetchall()[0][0]
    rows, suppressed = con.sql("SELECT (SELECT count(*) FROM activation.audience_members), "
                               "(SELECT count(*) FROM activation.suppressed)").fetchall()[0]
    capped = con.sql("SELECT count(*) FROM activation.suppressed WHERE reason = 'frequency_cap'").fetchall()[0][0]
    assert members > 0 and rows > 0
    history = con.sql("SELECT count(*), count(*) FILTER (WHERE exited_at IS NULL) FROM segments.segment_membership").fetchall()[0]
    assert history[1] == members
    # social custom audiences carry hashes only: 64 hex digits, never an address
    social = con.sql("SELECT email, phone, hashed_email FROM activation.audience_members WHERE channel = 'social'").fetchall()
    assert all(e is None and p is None and (h is None or len(h) == 64) for e, p, h in social)
    attribution = dict(con.sql("SELECT model, sum(conversions_credit) FROM analytics.attribution GROUP BY 1").fetchall())
    assert len(set(round(v, 6) for v in attribution.values())) == 1  # every model credits every conversion once
    victim_email, victim = con.sql("""
        SELECT a.email, a.customer_id FROM activation.audience_members a WHERE a.channel = 'email'
        ORDER BY a.customer_id LIMIT 1""").fetchall()[0]
    con.close()
    manifest = json.loads(next((tmp_path / "exports").glob("*/manifest.json")).read_text())
    assert sum(a["rows"] for a in manifest["audiences"]) == rows
    assert exports_metadata(result) == {"contacts_recorded": rows, "already_sent_today": 0}

    assert main(["forget", "--email", victim_email, "--yes"]) == 0
    again = run_all(instance)
    assert again.success
    con = duckdb.connect(str(isolated_env), read_only=True)
    # issue 14 defect 3: the same audiences re-exported the same day are no new send, and not capped
    rows_again, capped_again, sent = con.sql("""SELECT (SELECT count(*) FROM activation.audience_members),
        (SELECT count(*) FROM activation.suppressed WHERE reason = 'frequency_cap'),
        (SELECT count(*) FROM activation.contact_history)""").fetchall()[0]
    assert exports_metadata(again) == {"contacts_recorded": 0, "already_sent_today": rows_again}
    assert capped_again == capped and rows_again <= sent <= rows  # nothing recorded twice
    assert con.execute("SELECT count(*) FROM activation.audience_members WHERE email = ?", [victim_email]).fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM profiles.contact_points WHERE value = ?", [victim_email]).fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM governance.forget_audit").fetchall()[0][0] == 1
    assert con.execute("SELECT count(*) FROM profiles.golden_profiles WHERE customer_id = ?", [victim]).fetchall()[0][0] == 0
    con.close()
