"""Runs whose process died (kill -9, OOM) are marked FAILED instead of staying STARTED for ever.

Dagster's run monitoring (dagster.yaml `run_monitoring`) fails a run only through its launcher's
health check or `max_runtime_seconds`: the default launcher has no health check, and a CLI run
never passes through a launcher. So every run records where it runs (host + pid tags: the CLI's
in-process runs from pipeline.py, runs launched by the UI from their first resource), and the
next run on that host marks those whose process is gone FAILED, before it starts.
"""

import socket

import dagster as dg

from customer_unification.defs.pools import HOST_TAG, PID_TAG, local_run_tags
from customer_unification.lib.processes import is_running

UNFINISHED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


def tag_run_process(instance: dg.DagsterInstance, run_id: str | None) -> None:
    """Record this process as the run's (a run launched from the UI runs in a process of its own)."""
    run = instance.get_run_by_id(run_id) if run_id else None
    if run is not None and PID_TAG not in run.tags:
        instance.add_run_tags(run_id, local_run_tags())


def fail_abandoned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark FAILED the unfinished runs of this host whose process is gone; returns their ids."""
    failed = []
    for run in instance.get_runs(dg.RunsFilter(statuses=UNFINISHED, tags={HOST_TAG: socket.gethostname()})):
        pid = run.tags.get(PID_TAG, "")
        if pid.isdigit() and not is_running(int(pid)):
            instance.report_run_failed(run, message=f"the run's process ({pid}) is gone (killed?): marked failed")
            failed.append(run.run_id)
    return failed

