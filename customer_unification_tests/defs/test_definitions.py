"""The code location loads, and every asset follows the project's conventions."""

import dagster as dg

from customer_unification.lib.sources.contracts import load_contracts
from customer_unification.pipeline import load_definitions

LAYERS = {"sources", "staging", "quarantine", "identity", "profiles", "segments", "activation", "analytics"}


def test_definitions_load_and_validate():
    definitions = load_definitions()
    dg.Definitions.validate_loadable(definitions)
    assert definitions.resolve_job_def("unify_all") is not None


def test_one_source_staging_and_quarantine_asset_per_declared_source():
    names = {s.name for s in load_contracts().sources}
    keys = {spec.key.to_user_string() for spec in load_definitions().resolve_all_asset_specs()}
    for layer in ("sources", "staging", "quarantine"):
        assert {k.split("/")[1] for k in keys if k.startswith(layer + "/")} >= names
    assert "staging/unified_records" in keys


def test_asset_conventions():
    for spec in load_definitions().resolve_all_asset_specs():
        layer = spec.key.path[0]
        assert len(spec.key.path) == 2 and layer in LAYERS, spec.key
        assert spec.group_name == layer  # quarantine is a group of its own
        assert spec.description and spec.kinds, spec.key


def test_identity_assets_and_blocking_checks():
    definitions = load_definitions()
    keys = {spec.key.to_user_string() for spec in definitions.resolve_all_asset_specs()}
    assert {"identity/customer_identity_map", "identity/record_links", "identity/id_lineage",
            "identity/match_model", "identity/limited_identifiers", "identity/match_evaluation"} <= keys
    blocking = {spec.name for assets_def in definitions.resolve_asset_graph().assets_defs
                for spec in assets_def.check_specs
                if spec.blocking and spec.asset_key.to_user_string() == "identity/customer_identity_map"}
    assert blocking == {"great_expectations", "one_customer_per_record", "cluster_size", "stable_vs_previous_run",
                        "no_over_split"}


def test_staging_gates_are_blocking_checks():
    definitions = load_definitions()
    checks = {(key.asset_key.to_user_string(), key.name)
              for assets_def in definitions.resolve_asset_graph().assets_defs
              for key in assets_def.check_keys}
    blocking = {(spec.asset_key.to_user_string(), spec.name)
                for assets_def in definitions.resolve_asset_graph().assets_defs
                for spec in assets_def.check_specs if spec.blocking}
    for source in load_contracts().sources:
        for gate in ("great_expectations", "rows_reconcile", "reject_rate"):
            assert (f"staging/{source.name}", gate) in checks
            assert (f"staging/{source.name}", gate) in blocking


def test_quarantine_has_non_blocking_arrival_checks():
    specs = {(spec.asset_key.to_user_string(), spec.name): spec
             for assets_def in load_definitions().resolve_asset_graph().assets_defs for spec in assets_def.check_specs}
    for source in load_contracts().sources:
        for name in ("quarantined_vs_recent_norm", "nulled_values_vs_recent_norm"):
            assert not specs[(f"quarantine/{source.name}", name)].blocking  # they warn, never stop a run


def test_event_sources_follow_day_partitions_all_the_way_down_and_snapshots_are_not_partitioned():
    from customer_unification.defs.partitions import EVENT_DAYS

    graph = load_definitions().resolve_asset_graph()
    for source in load_contracts().sources:
        for layer in ("sources", "staging", "quarantine"):
            node = graph.get(dg.AssetKey([layer, source.name]))
            if source.kind == "event":
                assert node.partitions_def == EVENT_DAYS, node.key
                assert node.backfill_policy == dg.BackfillPolicy.single_run(), node.key
            else:
                assert node.partitions_def is None, node.key
    assert graph.get(dg.AssetKey(["profiles", "event_log"])).partitions_def == EVENT_DAYS


def test_automation_on_everything_past_the_sources_and_sensors_on_by_default(monkeypatch):
    for switch in ("CU_AUTOMATION", "CU_LANDING_SENSOR"):
        monkeypatch.delenv(switch, raising=False)
    definitions = load_definitions()
    for node in definitions.resolve_asset_graph().asset_nodes:
        condition = node.automation_condition
        if node.key.path[0] == "sources":
            assert condition is None, node.key
        else:
            assert "blocking checks passed" in condition.get_label(), node.key
    for name in ("automation", "landing_zone"):
        assert definitions.resolve_sensor_def(name).default_status == dg.DefaultSensorStatus.RUNNING
    monkeypatch.setenv("CU_AUTOMATION", "off")
    monkeypatch.setenv("CU_LANDING_SENSOR", "off")
    definitions = load_definitions()
    for name in ("automation", "landing_zone"):
        assert definitions.resolve_sensor_def(name).default_status == dg.DefaultSensorStatus.STOPPED
