"""Declared column types of the identity tables whose materialisations carry no column schema.

The identity multi-asset (assets.py) writes these tables in SQL inside its write-audit-publish
transaction and reports no schema for them, so the UI would show none; these declarations fill the
gap at definition time, in DuckDB's type names. A test materialises the demo estate and compares
them with the warehouse (customer_unification_tests/defs/test_ui_truth.py), so they cannot drift.
"""

import dagster as dg

from customer_unification import settings
from customer_unification.resources.column_types import column_schema

TIMESTAMPTZ = "TIMESTAMP WITH TIME ZONE"
TABLES = {
    "id_lineage": {"run_id": "VARCHAR", "old_customer_id": "VARCHAR", "new_customer_id": "VARCHAR",
                   "reason": "VARCHAR", "records": "BIGINT", "recorded_at": TIMESTAMPTZ},
    "match_model": {"comparison": "VARCHAR", "level": "BIGINT", "label": "VARCHAR", "m_probability": "DOUBLE",
                    "u_probability": "DOUBLE", "match_weight": "DOUBLE", "run_id": "VARCHAR"},
    "limited_identifiers": {"rule": "VARCHAR", "value_masked": "VARCHAR", "value_hash": "VARCHAR",
                            "reason": "VARCHAR", "records": "BIGINT", "run_id": "VARCHAR"},
}
LINK_COLUMNS = {"left_record": "VARCHAR", "right_record": "VARCHAR", "linked_by": "VARCHAR", "status": "VARCHAR",
                "refused_because": "VARCHAR", "match_weight": "DOUBLE", "match_probability": "DOUBLE"}


def identity_column_types() -> dict[str, dict[str, str]]:
    """table -> column -> type; record_links has one agreement-level column per configured comparison."""
    from customer_unification.lib.matching.config import load_match_config
    from customer_unification.lib.matching.engine import comparison_specs

    specs = comparison_specs(load_match_config(settings.match_config_path()))
    return {**TABLES, "record_links": LINK_COLUMNS | {f"{s.name}_level": "TINYINT" for s in specs}}


def with_identity_columns(definitions: dg.Definitions) -> dg.Definitions:
    """The code location with a declared column schema on each identity table that lacks one."""
    import warnings

    declared = {dg.AssetKey(["identity", table]): column_schema(types)
                for table, types in identity_column_types().items()}

    def declare(spec: dg.AssetSpec) -> dg.AssetSpec:
        if spec.key not in declared or "dagster/column_schema" in spec.metadata:
            return spec
        return spec.merge_attributes(metadata={"dagster/column_schema": declared[spec.key]})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)  # map_resolved_asset_specs is "preview" in 1.13
        return definitions.map_resolved_asset_specs(func=declare, selection=dg.AssetSelection.assets(*declared))
