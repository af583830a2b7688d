"""Every asset's column schema with real types at definition time, before any run.

A materialisation reports the columns as stored (the IO manager, or the asset reading DESCRIBE), but
on an empty warehouse there is none, and some assets declare their columns with descriptions only
(Dagster then types each one "string"). This fills in the declared DuckDB types (lib/table_types.py,
lib/staging/schema.py, defs/identity/columns.py) wherever a definition has no schema or an untyped
one, keeping its column descriptions.
"""

import warnings
from collections.abc import Mapping

import dagster as dg

from customer_unification.defs.identity.columns import record_links_types
from customer_unification.lib.sources.canonical import column_description
from customer_unification.lib.staging.schema import unified_column_types
from customer_unification.lib.table_types import table_types

SCHEMA = "dagster/column_schema"
UNTYPED = "string"  # what dg.TableColumn says when no type is given
# assets that are not a table of their own, and the table whose rows they hold
HOLDS_ROWS_OF = {"activation.audience_exports": "activation.audience_members"}


def declared_column_types() -> dict[dg.AssetKey, dict[str, str]]:
    """asset key -> column -> DuckDB type, for every table asset declared ahead of its first run."""
    tables = table_types() | {"staging.unified_records": unified_column_types(),
                              "identity.record_links": record_links_types()}
    tables |= {asset: tables[table] for asset, table in HOLDS_ROWS_OF.items()}
    return {dg.AssetKey(table.split(".")): types for table, types in tables.items()}


def typed_schema(types: Mapping[str, str], schema: dg.TableSchema | None) -> dg.TableSchema:
    """The declared types, with the descriptions a definition gave its columns (else the canonical ones)."""
    described = {c.name: c.description for c in schema.columns} if schema is not None else {}
    return dg.TableSchema(columns=[dg.TableColumn(name, type=kind, description=described.get(name)
                                                  or column_description(name) or None)
                                   for name, kind in types.items()])


def is_typed(schema: dg.TableSchema | None) -> bool:
    return schema is not None and bool(schema.columns) and all(c.type != UNTYPED for c in schema.columns)


def with_declared_columns(definitions: dg.Definitions) -> dg.Definitions:
    """The code location with a typed column schema on every declared asset that lacks one."""
    declared = declared_column_types()

    def declare(spec: dg.AssetSpec) -> dg.AssetSpec:
        schema = spec.metadata.get(SCHEMA)
        schema = schema.schema if isinstance(schema, dg.TableSchemaMetadataValue) else schema
        if spec.key not in declared or is_typed(schema):
            return spec
        return spec.merge_attributes(metadata={SCHEMA: typed_schema(declared[spec.key], schema)})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)  # map_resolved_asset_specs is "preview" in 1.13
        return definitions.map_resolved_asset_specs(func=declare, selection=dg.AssetSelection.assets(*declared))
