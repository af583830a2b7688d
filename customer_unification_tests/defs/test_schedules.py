"""The daily refresh schedule: loaded, on by default, and asking for the event day that just ended."""

import datetime as dt

import dagster as dg

from customer_unification.pipeline import load_definitions


def test_daily_refresh_runs_the_downstream_layers_for_the_day_just_ended(monkeypatch):
    monkeypatch.delenv("CU_DAILY_REFRESH", raising=False)
    definitions = load_definitions()
    schedule = definitions.resolve_schedule_def("daily_refresh")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    job = definitions.resolve_job_def("daily_refresh")
    keys = {k.to_user_string() for k in job.asset_layer.executable_asset_keys}
    assert "identity/customer_identity_map" in keys and "activation/audience_members" in keys
    assert not any(k.startswith(("sources/", "staging/")) for k in keys)
    when = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
    context = dg.build_schedule_context(scheduled_execution_time=when, repository_def=definitions.get_repository_def())
    request = schedule.evaluate_tick(context).run_requests[0]
    assert request.partition_key == "2026-11-21"


def test_daily_refresh_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("CU_DAILY_REFRESH", "off")
    schedule = load_definitions().resolve_schedule_def("daily_refresh")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
