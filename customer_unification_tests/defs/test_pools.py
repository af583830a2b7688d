"""Issue 14 defect 10: two runs never write the same warehouse layer at once.

Every op that writes the warehouse declares its layer's concurrency pool, and the instance
configuration (dagster.yaml, dagster.prod.yaml) limits each pool to one step at a time across runs.
"""

import shutil
import time
from pathlib import Path

import dagster as dg
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._core.instance.config import PoolGranularity, dagster_instance_config

from customer_unification.defs.pools import PUBLISH_POOL, POOLS
from customer_unification.pipeline import load_definitions
from customer_unification.settings import REPO_ROOT


def test_every_op_that_writes_the_warehouse_declares_its_layers_pool():
    definitions = load_definitions()
    pools = {}
    for assets_def in definitions.resolve_asset_graph().assets_defs:
        if not assets_def.is_executable:
            continue
        layers = {key.path[0] for key in assets_def.keys}
        expected = {PUBLISH_POOL} if assets_def.node_def.name == "activation__postgres_publish" else {POOLS[layer] for layer in layers}
        assert len(expected) == 1, (assets_def.node_def.name, layers)  # one op writes one layer
        assert assets_def.node_def.pool == expected.pop(), assets_def.node_def.name
        pools[assets_def.node_def.name] = assets_def.node_def.pool
    assert pools["resolve_identities"] == "warehouse_identity"
    assert pools["stage_crm_contacts"] == "warehouse_staging"  # staging + quarantine tables
    assert pools["sources__crm_contacts"] == "warehouse_sources"
    forget = definitions.resolve_job_def("forget_customer")
    assert {node.definition.pool for node in forget.graph.nodes} == {"warehouse_governance"}


def test_both_instance_configs_limit_every_pool_to_one_step_at_a_time():
    for name in ("dagster.yaml", "dagster.prod.yaml"):
        config, _ = dagster_instance_config(str(REPO_ROOT), name)
        assert config["concurrency"]["pools"] == {"default_limit": 1, "granularity": "op"}, name
        assert config["run_monitoring"]["free_slots_after_run_end_seconds"] > 0, name


def _run(instance: dg.DagsterInstance, job_name: str) -> dg.DagsterRun:
    return instance.create_run_for_job(dg.JobDefinition(graph_def=dg.GraphDefinition(name=job_name)))


def test_a_second_run_waits_for_the_layer_the_first_is_writing_and_not_for_another(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(Path(REPO_ROOT) / "dagster.yaml", home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        config = instance.get_concurrency_config().pool_config
        assert (config.default_pool_limit, config.pool_granularity) == (1, PoolGranularity.OP)
        first, second = _run(instance, "first"), _run(instance, "second")
        with InstanceConcurrencyContext(instance, first) as one, InstanceConcurrencyContext(instance, second) as two:
            assert one.claim(POOLS["staging"], "stage_crm_contacts")
            assert not two.claim(POOLS["staging"], "stage_crm_contacts")  # queued behind the first run
            assert two.claim(POOLS["identity"], "resolve_identities")  # another layer is free
            instance.event_log_storage.free_concurrency_slot_for_step(first.run_id, "stage_crm_contacts")
            deadline = time.monotonic() + 30  # the waiting step looks again after a short back-off
            while not two.claim(POOLS["staging"], "stage_crm_contacts"):  # its turn once the first is done
                assert time.monotonic() < deadline
                time.sleep(0.2)


def test_production_run_queue_limits_survive_next_to_the_pools():
    config, _ = dagster_instance_config(str(REPO_ROOT), "dagster.prod.yaml")
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 4
    assert config["concurrency"]["runs"]["tag_concurrency_limits"] == [
        {"key": "dagster/job_name", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}]


def test_a_killed_local_runs_slot_is_given_back_and_a_live_ones_is_kept(tmp_path):
    import subprocess
    import sys

    from customer_unification.defs.pools import PID_TAG, local_run_tags, release_abandoned_slots

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(Path(REPO_ROOT) / "dagster.yaml", home / "dagster.yaml")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    job = dg.JobDefinition(graph_def=dg.GraphDefinition(name="one"))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        killed = instance.create_run_for_job(job, tags={**local_run_tags(), PID_TAG: gone.stdout.strip()})
        alive = instance.create_run_for_job(job, tags=local_run_tags())  # this test's own process
        for run, step in ((killed, "stage_crm_contacts"), (alive, "resolve_identities")):
            with InstanceConcurrencyContext(instance, run) as context:
                assert context.claim(POOLS["staging" if run is killed else "identity"], step)
        assert release_abandoned_slots(instance) == [killed.run_id]
        assert instance.event_log_storage.get_concurrency_run_ids() == {alive.run_id}
