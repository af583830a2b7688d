"""What a matching run leaves behind for the next one: nodes, records, accepted links, the model.

Saved as tables in a schema of the same DuckDB database (the warehouse's `identity` schema in the
pipeline, a state file for the CLI). An incremental run reads them to link only new records:
pairs among known records are not proposed or scored again.
"""

import json

import duckdb

from customer_unification.lib.matching.em import FittedModel

TABLES = {
    "match_nodes": "SELECT * FROM cu_nodes",
    "match_records": "SELECT r.rid, r.record_key, r.sig, r.nid, l.cluster FROM cu_records r JOIN cu_labels l USING (nid)",
    "match_links": "SELECT l, r, weight, probability, link FROM cu_edges",
    "match_node_doubt": "SELECT nid, p FROM cu_doubt",
}


def save_state(con: duckdb.DuckDBPyConnection, schema: str, model: FittedModel, config_json: str) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for table, query in TABLES.items():
        con.execute(f"CREATE OR REPLACE TABLE {schema}.{table} AS {query}")
    con.execute(f"CREATE OR REPLACE TABLE {schema}.match_state (model JSON, config JSON)")
    con.execute(f"INSERT INTO {schema}.match_state VALUES (?, ?)", [json.dumps(model.to_dict()), config_json])


def has_state(con: duckdb.DuckDBPyConnection, schema: str) -> bool:
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name IN "
                        f"({', '.join('?' for _ in [*TABLES, 'match_state'])})",
                        [schema, *TABLES, "match_state"]).fetchall()[0][0]
    return found == len(TABLES) + 1


def load_model(con: duckdb.DuckDBPyConnection, schema: str) -> tuple[FittedModel, str]:
    """The saved model and the configuration (JSON) it was fitted under."""
    model, config = con.sql(f"SELECT model, config FROM {schema}.match_state").fetchall()[0]
    return FittedModel.from_dict(json.loads(model)), config
