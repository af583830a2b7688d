"""Run the code location's jobs from Python, recorded in the local Dagster instance (so they show in the UI)."""

from dataclasses import dataclass
from pathlib import Path

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
    with dg.DagsterInstance.get() as instance:
        if selection:
            job = dg.define_asset_job("cli_selection", selection=selection)
            definitions = dg.Definitions.merge(definitions, dg.Definitions(jobs=[job]))
            job_name = "cli_selection"
        job = definitions.resolve_job_def(job_name)
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, tags=whole_run_tags(job),
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}})
    events = result.all_events
    failed = [f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:{e.asset_check_evaluation_data.check_name}"
              for e in events
              if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed]
    planned = {k.to_user_string() for k in job.asset_layer.executable_asset_keys}
    done = {e.asset_key.to_user_string() for e in events if e.event_type_value == "ASSET_MATERIALIZATION"}
    # an optional asset that chose not to run (publishing without a target) says so in an observation
    skipped = {e.asset_key.to_user_string() for e in events if e.event_type_value == "ASSET_OBSERVATION"}
    return RunOutcome(result.run_id, result.success and not failed, failed, sorted(planned - done - skipped))
