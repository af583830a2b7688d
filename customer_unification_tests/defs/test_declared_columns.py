"""Issue 15: every asset shows its columns with real types before the first run - on an empty
warehouse no materialisation has reported any, so the definitions must declare them. (That the
declarations are the warehouse's own types is checked after a run in test_ui_truth.py.)"""

import dagster as dg
import duckdb

from customer_unification.pipeline import load_definitions

PUBLISH = "activation/postgres_publish"  # PostgreSQL's types, not DuckDB's
UNTYPED = "string"  # Dagster's type for a column declared without one


def declared_schemas() -> dict[str, dg.TableSchema]:
    return {spec.key.to_user_string(): spec.metadata.get("dagster/column_schema")
            for spec in load_definitions().resolve_all_asset_specs()}


def test_every_asset_has_a_typed_column_schema_on_an_empty_warehouse(isolated_env):
    schemas = declared_schemas()
    assert not isolated_env.exists()  # nothing was ever run: no table, no materialisation
    assert len(schemas) >= 69
    assert sorted(key for key, schema in schemas.items() if schema is None) == []
    untyped = {key: [c.name for c in schema.columns if c.type == UNTYPED] for key, schema in schemas.items()}
    assert {key: names for key, names in untyped.items() if names} == {}
    assert all(schema.columns for schema in schemas.values())
    with duckdb.connect() as con:  # every declared type is one DuckDB knows
        for key, schema in schemas.items():
            if key != PUBLISH:
                for column in schema.columns:
                    con.execute(f"SELECT CAST(NULL AS {column.type})")


def test_the_tables_built_in_sql_declare_their_real_types(isolated_env):
    schemas = {key: {c.name: c.type for c in schema.columns} for key, schema in declared_schemas().items()}
    golden = schemas["profiles/golden_profiles"]
    assert (golden["date_of_birth"], golden["sources"], golden["n_records"]) == ("DATE", "VARCHAR[]", "BIGINT")
    assert golden["email_observed_at"] == "TIMESTAMP WITH TIME ZONE"
    assert schemas["analytics/channel_kpis"]["reach"] == "BIGINT"
    assert schemas["analytics/channel_kpis"]["open_rate"] == "DOUBLE"
    assert schemas["profiles/customer_traits"]["days_since_last_order"] == "INTEGER"
    assert schemas["segments/segment_membership"]["exited_at"] == "TIMESTAMP WITH TIME ZONE"
    assert schemas["staging/unified_records"]["date_of_birth"] == "DATE"
    assert schemas["identity/customer_identity_map"]["match_confidence"] == "DOUBLE"
    assert schemas["activation/audience_exports"] == schemas["activation/audience_members"]  # the rows it exports


def test_the_postgres_publish_declares_the_published_columns_in_postgres_types(isolated_env):
    schema = declared_schemas()[PUBLISH]
    columns = {c.name: c.type for c in schema.columns}
    assert columns["golden_profiles.customer_id"] == "text"
    assert columns["golden_profiles.date_of_birth"] == "date"
    assert columns["golden_profiles.sources"] == "text[]"
    assert columns["segment_membership.entered_at"] == "timestamptz"
    assert columns["audience_members.email"] == "text"
    assert {name.split(".")[0] for name in columns} == {"golden_profiles", "segment_membership", "audience_members"}
    assert schema.columns[0].description == "customer_unification.golden_profiles, from profiles.golden_profiles"
