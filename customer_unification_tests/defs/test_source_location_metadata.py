"""Issue 15: where a source is read from is shown as a path (the UI's path value, with a copy button),
never as plain text; a SQL source shows its dialect only (its URL may hold a password)."""

import sqlite3
import textwrap

import dagster as dg

from customer_unification.defs.sources.assets import build_source_asset
from customer_unification.lib.sources.contracts import load_contracts
from customer_unification.resources.duckdb_io import DuckDBFrameIOManager
from customer_unification.resources.warehouse import DuckDBWarehouse


def materialized_metadata(config, name: str, warehouse) -> tuple[dict, dict]:
    asset = build_source_asset(config, config.get(name))
    result = dg.materialize([asset], resources={"io_manager": DuckDBFrameIOManager(path=str(warehouse)),
                                                "warehouse": DuckDBWarehouse(path=str(warehouse))})
    [materialization] = result.asset_materializations_for_node(asset.node_def.name)
    return materialization.metadata, asset.specs_by_key[asset.key].metadata


def test_a_file_source_carries_its_location_as_a_path_and_a_sql_source_its_dialect_only(tmp_path, isolated_env):
    (tmp_path / "data" / "crm").mkdir(parents=True)
    (tmp_path / "data" / "crm" / "contacts_1.csv").write_text("id,email\n1,a@example.com\n")
    with sqlite3.connect(tmp_path / "data" / "tickets.db") as db:
        db.execute("CREATE TABLE tickets (id TEXT, email TEXT)")
        db.execute("INSERT INTO tickets VALUES ('t1', 'b@example.com')")
    (tmp_path / "sources.yaml").write_text(textwrap.dedent("""
        base_dir: data
        sources:
          - name: crm
            format: csv
            location: crm/contacts_*.csv
            record_key: id
            fields: {crm_id: id, email: email}
          - name: tickets
            format: sql
            url: "sqlite:///{base_dir}/tickets.db"
            query: SELECT * FROM tickets
            record_key: id
            fields: {email: email}
    """))
    config = load_contracts(tmp_path / "sources.yaml")

    shown, declared = materialized_metadata(config, "crm", isolated_env)
    expected = str((tmp_path / "data").resolve() / "crm" / "contacts_*.csv")
    for metadata in (shown, declared):
        assert isinstance(metadata["location"], dg.PathMetadataValue)
        assert metadata["location"].path == expected

    shown, declared = materialized_metadata(config, "tickets", isolated_env)
    for metadata in (shown, declared):
        assert isinstance(metadata["location"], dg.TextMetadataValue)
        assert metadata["location"].value == "sqlite://…"  # the URL (a password, a file path) stays out


def test_a_source_without_ids_declares_its_fallback_key(tmp_path, isolated_env):
    (tmp_path / "list.csv").write_text("last_name,first_name,zip\nSmith,Ann,02134\n")
    (tmp_path / "sources.yaml").write_text(textwrap.dedent("""
        sources:
          - name: mailing
            format: csv
            location: list.csv
            fallback_key: [last_name, first_name, zip]
            fields: {last_name: last_name, first_name: first_name, postcode: zip}
    """))
    shown, declared = materialized_metadata(load_contracts(tmp_path / "sources.yaml"), "mailing", isolated_env)
    assert declared["record_key"] == "fallback last_name+first_name+zip"
    columns = {c.name: c.type for c in declared["dagster/column_schema"].columns}
    assert {columns[c] for c in ("last_name", "first_name", "zip")} == {"VARCHAR"}
    assert shown["dagster/row_count"].value == 1
