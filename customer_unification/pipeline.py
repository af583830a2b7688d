"""Run the code location's jobs from Python, recorded in the local Dagster instance (so they show in the UI)."""

import time
from dataclasses import dataclass

import dagster as dg

from customer_unification import settings
from customer_unification.settings import REPO_ROOT
from customer_unification.definitions import load_code_location
from customer_unification.defs.abandoned_runs import fail_abandoned_runs
from customer_unification.defs.partitions import all_partitions_tags
from customer_unification.defs.pools import local_run_tags, release_abandoned_slots
from customer_unification.defs.sensors import settle_run


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    success: bool
    failed_checks: list[str]
    not_materialized: list[str]  # blocked by a failed gate or an upstream failure
    loaded: list[str] = ()  # landed files (`<source>/<name>`) this run read that count as loaded now
    not_published: list[str] = ()  # written but refused by a gate: the last good version stays published
    abandoned: list[str] = ()  # earlier runs left STARTED by a dead process, marked failed before this one


class RunRefused(Exception):
    """The run would fail on what its sources point at: nothing was launched or written."""


def refuse_unreadable_sources(keys) -> None:
    """Raise RunRefused naming every source asset in `keys` that cannot be read as declared
    (lib/sources/preflight.py: a location matching no file, a SQL URL that cannot work)."""
    from customer_unification.defs.contracts import current_contracts
    from customer_unification.lib.landing import LandingZone
    from customer_unification.lib.sources.preflight import config_problems

    names = {key.path[1] for key in keys if key.path[0] == "sources"}
    if not names:
        return
    config = current_contracts()
    zone = LandingZone(settings.landing_dir(), config)
    problems = config_problems(config, {name: zone.admitted_files(name) for name in names}, only=names)
    if problems:
        raise RunRefused("; ".join(problems))


def load_definitions() -> dg.Definitions:
    settings.apply_local_defaults()
    return load_code_location()


def whole_run_tags(job: dg.JobDefinition) -> dict[str, str] | None:
    """Partitioned assets in the job (the event log) cover all their partitions in one run."""
    return all_partitions_tags(job.partitions_def) if job.partitions_def is not None else None


_RUNNING: list[dg.JobDefinition] = []  # the job `_execute` is running, handed to its reconstruction


def unify_all_job() -> dg.JobDefinition:
    """The code location's `unify_all` job, at module level so that Dagster can reconstruct it
    (in this process: the in-process executor gets the job already loaded, not a second load)."""
    return _RUNNING[-1] if _RUNNING else load_definitions().resolve_job_def("unify_all")


def run_job(selection: str | None = None, log_level: str = "INFO") -> RunOutcome:
    """Materialise `selection` (default: everything) in this process, recorded in the instance
    under DAGSTER_HOME."""
    settings.dagster_home()
    job = unify_all_job()
    keys = None
    if selection:
        graph = job.asset_layer.asset_graph
        keys = dg.AssetSelection.from_string(selection).resolve(graph)
        # a step writes all its tables together: 'group:staging' brings its quarantine twins along
        keys = {sibling for key in keys for sibling in graph.get(key).execution_set_asset_keys}
    with dg.DagsterInstance.get() as instance:
        return _execute(instance, job, keys or job.asset_layer.executable_asset_keys, whole_run_tags(job), log_level)


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
        outcome = _execute(instance, definitions.resolve_job_def("unify_all"), request.asset_selection,
                           request.tags, log_level, request.run_config)
        said = request.tags["landing/files"]
        if "landing/rejected" in request.tags:
            said += f" (rejected, see <source>/rejected/: {request.tags['landing/rejected']})"
        if not outcome.loaded:
            said += " (not loaded yet: they stay in <source>/pending/ until a run that reads them succeeds)"
        return said, outcome


def _execute(instance: dg.DagsterInstance, job: dg.JobDefinition, keys, tags: dict | None, log_level: str,
             run_config: dict | None = None) -> RunOutcome:
    """One in-process run of these asset keys of `unify_all`. `execute_job` rather than
    `execute_in_process`: the latter keeps every output in memory for its result object, which at
    a million records holds ~2.5 GB of raw and staged frames until the run ends."""
    run_config = {**(run_config or {}), "loggers": {"console": {"config": {"log_level": log_level}}}}
    refuse_unreadable_sources(keys)  # before anything is written, not a traceback halfway through
    abandoned = fail_abandoned_runs(instance)  # a killed run would stay STARTED for ever
    release_abandoned_slots(instance)  # a killed run's pool slot would hold this run's steps for ever
    _RUNNING.append(job)
    try:
        result = _execute_as_workspace_job(instance, job, keys, run_config, {**(tags or {}), **local_run_tags()})
        events = result.all_events
        success, run_id = result.success, result.run_id
    finally:
        _RUNNING.pop()
    loaded = settle_run(instance, run_id)  # what the landing_settled sensor does under a daemon
    failed = [f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:{e.asset_check_evaluation_data.check_name}"
              for e in events  # a WARN check (quarantine arrivals) informs, it does not fail the run
              if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
              and e.asset_check_evaluation_data.severity != dg.AssetCheckSeverity.WARN]
    planned = {key.to_user_string() for key in keys}
    done = {e.asset_key.to_user_string() for e in events if e.event_type_value == "ASSET_MATERIALIZATION"}
    # an optional asset that chose not to run (publishing without a target) says so in an observation
    observed = [e for e in events if e.event_type_value == "ASSET_OBSERVATION"]
    skipped = {e.asset_key.to_user_string() for e in observed}
    refused = {e.asset_key.to_user_string() for e in observed  # write-audit-publish said no
               if getattr(e.event_specific_data.asset_observation.metadata.get("published"), "value", True) is False}
    return RunOutcome(run_id, success and not failed, failed, sorted(planned - done - skipped), loaded,
                      sorted(refused), abandoned)


def _execute_as_workspace_job(instance: dg.DagsterInstance, job: dg.JobDefinition, keys, run_config: dict,
                              tags: dict):
    """What `execute_job` does, but the run records the job's origin in the workspace's code
    location (workspace.yaml), as a run launched from the UI does: without it the run is detached
    from its job (missing from the job's runs, the overview timeline and the job's history)."""
    from dagster._core.definitions.reconstruct import ReconstructableJob
    from dagster._core.execution.api import execute_run

    # Dagster keeps the last reconstructed job in an lru_cache keyed by the (equal) reconstructable:
    # a second run in this process with the same selection would get the first run's job, built from
    # the sources config and CU_* variables of that time (a test estate read from a stale base_dir).
    ReconstructableJob.get_definition.cache_clear()
    ReconstructableJob.get_repository_definition.cache_clear()
    recon = dg.reconstructable(unify_all_job)
    run = instance.create_run_for_job(
        job_def=job, run_config=run_config, tags=tags, asset_selection=frozenset(keys),
        remote_job_origin=workspace_job_origin(job.name), job_code_origin=recon.get_python_origin())
    return execute_run(recon, run, instance, raise_on_error=False)


def workspace_job_origin(job_name: str):
    """`job_name` of the code location workspace.yaml declares (the one `make ui` serves)."""
    from dagster._core.definitions.repository_definition import SINGLETON_REPOSITORY_NAME
    from dagster._core.remote_origin import RemoteJobOrigin, RemoteRepositoryOrigin
    from dagster._core.workspace.load import location_origins_from_yaml_paths

    [location] = location_origins_from_yaml_paths([str(REPO_ROOT / "workspace.yaml")])
    return RemoteJobOrigin(RemoteRepositoryOrigin(location, SINGLETON_REPOSITORY_NAME), job_name)
