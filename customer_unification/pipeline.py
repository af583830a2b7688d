"""Run the code location's jobs from Python, recorded in the local Dagster instance (so they show in the UI)."""

from dataclasses import dataclass
from pathlib import Path

import time

import dagster as dg

from customer_unification import settings
from customer_unification.definitions import load_code_location
from customer_unification.defs.partitions import all_partitions_tags

@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    success: bool
    failed_checks: list[str]
    not_materialized: list[str]  # blocked by a failed gate or an upstream failure


def load_definitions() -> dg.Definitions:
    settings.apply_local_defaults()
    return load_code_location()


def whole_run_tags(job: dg.JobDefinition) -> dict[str, str] | None:
    """Partitioned assets in the job (the event log) cover all their partitions in one run."""
    return all_partitions_tags(job.partitions_def) if job.partitions_def is not None else None


def run_job(job_name: str = "unify_all", selection: str | None = None, log_level: str = "INFO") -> RunOutcome:
    """Execute a job in this process against the instance under DAGSTER_HOME."""
    settings.dagster_home()
    definitions = load_definitions()
    if selection:
        definitions, job_name = _with_job(definitions, "cli_selection", selection)
    job = definitions.resolve_job_def(job_name)
    with dg.DagsterInstance.get() as instance:
        return _execute(job, instance, whole_run_tags(job), log_level)


def ingest_landed_files(look_again_after: float = 1.0, log_level: str = "INFO") -> tuple[str, RunOutcome | None]:
    """What the landing-zone sensor does, once, now: take the complete files of the landing zone
    (two looks, `look_again_after` seconds apart, so a file still being written is left alone)
    and run the refresh it asks for. Returns what the sensor said, and the run's outcome if any."""
    settings.dagster_home()
    definitions = load_definitions()
    sensor = definitions.resolve_sensor_def("landing_zone")
    with dg.DagsterInstance.get() as instance:
        cursor = None
        for look in range(2):
            if look:
                time.sleep(look_again_after)
            context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                              repository_def=definitions.get_repository_def())
            tick = sensor.evaluate_tick(context)
            cursor = tick.cursor
        if not tick.run_requests:
            return tick.skip_message or "nothing to ingest", None
        request = tick.run_requests[0]
        definitions, _ = _with_job(definitions, "landing_refresh", request.asset_selection)
        outcome = _execute(definitions.resolve_job_def("landing_refresh"), instance, request.tags, log_level,
                           run_config=request.run_config)
        return request.tags["landing/files"], outcome


def _with_job(definitions: dg.Definitions, name: str, selection) -> tuple[dg.Definitions, str]:
    job = dg.define_asset_job(name, selection=selection)
    return dg.Definitions.merge(definitions, dg.Definitions(jobs=[job])), name


def _execute(job: dg.JobDefinition, instance: dg.DagsterInstance, tags: dict | None, log_level: str,
             run_config: dict | None = None) -> RunOutcome:
    result = job.execute_in_process(
        instance=instance, raise_on_error=False, tags=tags,
        run_config={**(run_config or {}), "loggers": {"console": {"config": {"log_level": log_level}}}})
    events = result.all_events
    failed = [f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:{e.asset_check_evaluation_data.check_name}"
              for e in events
              if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed]
    planned = {k.to_user_string() for k in job.asset_layer.executable_asset_keys}
    done = {e.asset_key.to_user_string() for e in events if e.event_type_value == "ASSET_MATERIALIZATION"}
    # an optional asset that chose not to run (publishing without a target) says so in an observation
    skipped = {e.asset_key.to_user_string() for e in events if e.event_type_value == "ASSET_OBSERVATION"}
    return RunOutcome(result.run_id, result.success and not failed, failed, sorted(planned - done - skipped))
