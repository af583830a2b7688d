"""Concurrency pools: one per warehouse layer, declared on every op that writes it.

The instance (dagster.yaml, dagster.prod.yaml: `concurrency.pools.default_limit: 1`, granularity
`op`) lets one step at a time, across all runs, hold a pool: when two runs reach the same layer,
the later one's step waits for the slot instead of writing the layer's tables in between the
other's. Op granularity is enforced by the executor, so it also holds for the CLI's in-process
runs, which never pass through the daemon's run queue.
"""

import os
import socket

from customer_unification.lib.processes import is_running

LAYERS = ("sources", "staging", "identity", "profiles", "segments", "activation", "analytics", "governance")
POOLS = {layer: f"warehouse_{layer}" for layer in LAYERS}
POOLS["quarantine"] = POOLS["staging"]  # written by the same multi-asset as its staging table
# The PostgreSQL publishing target (its swap of three tables must not interleave with another's).
PUBLISH_POOL = "publish_postgres"


def pool_for(layer: str) -> str:
    return POOLS[layer]


# Tags a local (CLI) run carries, so a later run can tell that the process holding a slot is gone.
HOST_TAG, PID_TAG = "cu/host", "cu/pid"


def local_run_tags() -> dict[str, str]:
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())}


def release_abandoned_slots(instance) -> list[str]:
    """Free the pool slots of runs that can no longer give them back: finished runs, and local runs
    whose process died (kill -9). Without a daemon nothing else would, and the next run's step would
    wait for the slot for ever. Returns the run ids whose slots were freed."""
    from dagster._core.storage.dagster_run import FINISHED_STATUSES

    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    freed = []
    for run_id in storage.get_concurrency_run_ids():
        run = instance.get_run_by_id(run_id)
        dead = run is not None and run.tags.get(HOST_TAG) == socket.gethostname() and not _alive(run.tags.get(PID_TAG, ""))
        if run is None or run.status in FINISHED_STATUSES or dead:
            storage.free_concurrency_slots_for_run(run_id)
            freed.append(run_id)
    return freed


def _alive(pid: str) -> bool:
    return not pid.isdigit() or is_running(int(pid))  # a run without a pid tag is not ours to judge

