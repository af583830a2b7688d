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
        assert spec.group_name == ("staging" if layer == "quarantine" else layer)
        assert spec.description and spec.kinds, spec.key


def test_identity_assets_and_blocking_checks():
    definitions = load_definitions()
    keys = {spec.key.to_user_string() for spec in definitions.resolve_all_asset_specs()}
    assert {"identity/customer_identity_map", "identity/record_links", "identity/id_lineage",
            "identity/match_model", "identity/limited_identifiers", "identity/match_evaluation"} <= keys
    blocking = {spec.name for assets_def in definitions.resolve_asset_graph().assets_defs
                for spec in assets_def.check_specs
                if spec.blocking and spec.asset_key.to_user_string() == "identity/customer_identity_map"}
    assert blocking == {"great_expectations", "one_customer_per_record", "cluster_size", "stable_vs_previous_run"}


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
