"""The landing-zone sensor on a real folder: complete files are taken exactly once, half-written
ones wait, unreadable ones are rejected with a reason while the rest keep flowing, and the run it
asks for refreshes the delivered days (twice gives the same counts: partitions are replaced)."""

import json

import dagster as dg
import duckdb
import pandas as pd
import pytest

from customer_unification.defs.partitions import EVENT_DAYS
from customer_unification.defs.sensors import refresh_request, settle_run
from customer_unification.defs.sources.assets import PENDING_READ
from customer_unification.lib.landing import Delivery
from customer_unification.lib.sources.contracts import load_contracts
from customer_unification.lib.staging.gates import GATES
from customer_unification.pipeline import load_definitions, whole_run_tags

DAY = "2026-11-20"


@pytest.fixture
def landing(small_estate, isolated_env, monkeypatch, tmp_path):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    monkeypatch.setenv("CU_TRAITS_AS_OF", "2026-11-01")
    return tmp_path / "landing"


def new_clicks(small_estate, rows: int = 5) -> pd.DataFrame:
    clicks = pd.read_csv(small_estate / "sms" / "clicks.csv", dtype=str).head(rows).copy()
    clicks["click_id"] = [f"NEW{i:05d}" for i in range(rows)]
    clicks["ts"] = f"{DAY}T09:30:00Z"
    return clicks


def tick(definitions: dg.Definitions, instance: dg.DagsterInstance, cursor: str | None):
    sensor = definitions.resolve_sensor_def("landing_zone")
    context = dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=definitions.get_repository_def())
    result = sensor.evaluate_tick(context)
    return result, result.cursor


def test_files_are_taken_once_complete_and_bad_ones_are_rejected_with_a_reason(landing, small_estate):
    definitions = load_definitions()
    instance = dg.DagsterInstance.ephemeral()
    result, cursor = tick(definitions, instance, None)  # first look creates a folder per source
    assert (landing / "sms_clicks").is_dir() and (landing / "crm_contacts").is_dir()
    assert not result.run_requests

    folder = landing / "sms_clicks"
    new_clicks(small_estate).to_csv(folder / "clicks_2026-11-20.csv.part", index=False)  # still copying
    new_clicks(small_estate).to_csv(folder / "clicks_2026-11-20.csv", index=False)
    (folder / "broken.csv").write_text("who,what\nx,y\n")  # the declared columns are missing
    result, cursor = tick(definitions, instance, cursor)
    assert not result.run_requests, "a file seen for the first time may still be growing"
    assert set(json.loads(cursor)["arriving"]) == {str(folder / "clicks_2026-11-20.csv"), str(folder / "broken.csv")}

    # a restart: a new sensor context from the stored cursor carries on where the last one stopped
    result, cursor = tick(load_definitions(), instance, cursor)
    [request] = result.run_requests
    assert request.tags["dagster/asset_partition_range_start"] == DAY == request.tags["dagster/asset_partition_range_end"]
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"sources/sms_clicks", "staging/sms_clicks", "identity/customer_identity_map",
            "profiles/event_log", "activation/audience_members"} <= selected
    assert "sources/webshop_orders" not in selected
    assert request.run_config == {"ops": {"resolve_identities": {"config": {"incremental": True}}}}, \
        "new events are linked incrementally"
    assert (folder / "pending" / "clicks_2026-11-20.csv").exists(), "taken; loaded once its run succeeded"
    assert (folder / "clicks_2026-11-20.csv.part").exists(), "a half-written file is left alone"
    reason = (folder / "rejected" / "broken.csv.reason.txt").read_text()
    assert "column 'phone'" in reason and "not found" in reason
    assert (folder / "rejected" / "broken.csv").read_text() == "who,what\nx,y\n", "a rejected file is kept as is"

    result, cursor = tick(definitions, instance, cursor)
    assert not result.run_requests, "each file is processed exactly once"

    # a snapshot (the CRM) may change anyone: identity re-resolves everything; partitions downstream refresh today
    crm = Delivery("crm_contacts", "contacts.csv", folder / "x.csv", "0" * 64, accepted=True)
    snapshot = refresh_request([crm], load_contracts(), definitions.get_repository_def())
    assert snapshot.run_config == {}
    assert snapshot.tags["dagster/asset_partition_range_start"] == EVENT_DAYS.get_last_partition_key()

    # the same content delivered again under another name is rejected as a duplicate
    new_clicks(small_estate).to_csv(folder / "again.csv", index=False)
    tick(definitions, instance, cursor)
    result, _ = tick(definitions, instance, json.dumps({"arriving": {str(folder / "again.csv"): [
        (folder / "again.csv").stat().st_size, (folder / "again.csv").stat().st_mtime_ns]}}))
    assert not result.run_requests
    assert "already taken" in (folder / "rejected" / "again.csv.reason.txt").read_text()


def test_an_unreadable_file_is_rejected_and_the_others_still_get_their_run(landing, small_estate):
    """Issue 14, defect 2: a CSV renamed .xlsx raised ZipError out of the tick; the files taken before it
    in the same pass were marked loaded and never got a run."""
    definitions = load_definitions()
    instance = dg.DagsterInstance.ephemeral()
    _, cursor = tick(definitions, instance, None)
    new_clicks(small_estate).to_csv(landing / "sms_clicks" / "clicks.csv", index=False)
    (landing / "store_signups_sheet" / "signups.xlsx").write_text("Name,Email\nAnn Lee,ann@example.com\n")
    _, cursor = tick(definitions, instance, cursor)
    result, _ = tick(definitions, instance, cursor)
    [request] = result.run_requests
    assert (request.tags["landing/files"], request.tags["landing/rejected"]) == \
        ("sms_clicks/clicks.csv", "store_signups_sheet/signups.xlsx")
    assert "sources/sms_clicks" in {k.to_user_string() for k in request.asset_selection}
    reason = (landing / "store_signups_sheet" / "rejected" / "signups.xlsx.reason.txt").read_text().splitlines()[1]
    assert reason == "cannot be read as xlsx: ZipError: invalid Zip archive: Could not find EOCD"
    assert (landing / "sms_clicks" / "pending" / "clicks.csv").exists()
    assert not (landing / "sms_clicks" / "loaded").exists(), "no run has read it yet"


def test_only_a_successful_run_that_read_pending_files_loads_them(landing, small_estate):
    instance = dg.DagsterInstance.ephemeral()
    pending = landing / "sms_clicks" / "pending"
    pending.mkdir(parents=True)
    (pending / "clicks.csv").write_text("x")

    def source_run(fails: bool) -> str:
        @dg.asset(key=["sources", "sms_clicks"])
        def clicks() -> dg.MaterializeResult:
            return dg.MaterializeResult(metadata={PENDING_READ: ["sms_clicks/clicks.csv"]})

        @dg.asset(deps=[clicks])
        def downstream() -> None:
            if fails:
                raise RuntimeError("identity failed")

        return dg.materialize([clicks, downstream], instance=instance, raise_on_error=False).run_id

    assert settle_run(instance, source_run(fails=True)) == [], "the run failed: nothing counts as loaded"
    assert (pending / "clicks.csv").exists()
    assert settle_run(instance, source_run(fails=False)) == ["sms_clicks/clicks.csv"]
    assert (landing / "sms_clicks" / "loaded" / "clicks.csv").read_text() == "x" and not any(pending.iterdir())


@pytest.mark.slow
def test_the_requested_refresh_adds_the_day_and_a_rerun_replaces_it(landing, small_estate, isolated_env):
    definitions = load_definitions()
    instance = dg.DagsterInstance.ephemeral()
    job = definitions.resolve_job_def("unify_all")
    assert job.execute_in_process(instance=instance, tags=whole_run_tags(job), raise_on_error=False).success
    con = duckdb.connect(str(isolated_env), read_only=True)
    before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
              for t in ("sources.sms_clicks", "staging.sms_clicks", "profiles.event_log", "identity.customer_identity_map")}
    con.close()

    result, cursor = tick(definitions, instance, None)
    new_clicks(small_estate).to_csv(landing / "sms_clicks" / "clicks.csv", index=False)
    tick(definitions, instance, cursor)
    result, _ = tick(definitions, instance, tick(definitions, instance, cursor)[1])
    [request] = result.run_requests
    refresh = dg.define_asset_job("refresh", selection=request.asset_selection)
    job = dg.Definitions.merge(definitions, dg.Definitions(jobs=[refresh])).resolve_job_def("refresh")
    for _ in range(2):  # the same day twice: replaced, not duplicated
        run = job.execute_in_process(instance=instance, tags=request.tags, run_config=request.run_config,
                                     raise_on_error=False)
        assert run.success
        con = duckdb.connect(str(isolated_env), read_only=True)
        after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in before}
        day_rows = con.execute("SELECT count(*) FROM staging.sms_clicks WHERE _partition = ?", [DAY]).fetchall()[0][0]
        con.close()
        assert after == {t: n + 5 for t, n in before.items()}
        assert day_rows == 5

    # declarative automation: a new staging delivery refreshes what follows it only if its gates passed
    staged = dg.AssetKey(["staging", "crm_contacts"])
    after_staging = dg.AssetKey(["staging", "unified_records"])
    requested, cursor = automation_tick(definitions, instance, None)
    assert not requested, "everything is up to date after the refresh"
    deliver(instance, staged, failing="great_expectations")
    requested, cursor = automation_tick(definitions, instance, cursor)
    assert after_staging not in requested, "a failed blocking check holds what follows"
    deliver(instance, staged, failing=None)
    requested, cursor = automation_tick(definitions, instance, cursor)
    assert after_staging in requested


def deliver(instance: dg.DagsterInstance, key: dg.AssetKey, failing: str | None) -> None:
    """A new materialisation of a staging table and the results of its gates."""
    instance.report_runless_asset_event(dg.AssetMaterialization(key))
    for gate in GATES:
        instance.report_runless_asset_event(dg.AssetCheckEvaluation(
            asset_key=key, check_name=gate, passed=gate != failing, blocking=True))


def automation_tick(definitions: dg.Definitions, instance: dg.DagsterInstance, cursor):
    result = dg.evaluate_automation_conditions(defs=definitions, instance=instance, cursor=cursor)
    return {r.key for r in result.results if r.true_subset.size}, result.cursor
