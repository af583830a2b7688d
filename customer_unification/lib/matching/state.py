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
    # value frequencies: a 1% delta barely moves them, so incremental runs reuse these
    for (name,) in con.sql("SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'cu_tf_%'").fetchall():
        con.execute(f"CREATE OR REPLACE TABLE {schema}.match_{name.removeprefix('cu_')} AS SELECT * FROM {name}")
    con.execute(f"CREATE OR REPLACE TABLE {schema}.match_state (model JSON, config JSON)")
    con.execute(f"INSERT INTO {schema}.match_state VALUES (?, ?)", [json.dumps(model.to_dict()), config_json])


def load_term_frequencies(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    """The saved run's value frequencies as this connection's `cu_tf_*` tables."""
    for (name,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                               "AND table_name LIKE 'match_tf_%'", [schema]).fetchall():
        con.execute(f"CREATE OR REPLACE TEMP TABLE cu_{name.removeprefix('match_')} AS SELECT * FROM {schema}.{name}")


def has_state(con: duckdb.DuckDBPyConnection, schema: str) -> bool:
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name IN "
                        f"({', '.join('?' for _ in [*TABLES, 'match_state'])})",
                        [schema, *TABLES, "match_state"]).fetchall()[0][0]
    return found == len(TABLES) + 1


def load_model(con: duckdb.DuckDBPyConnection, schema: str) -> tuple[FittedModel, str]:
    """The saved model and the configuration (JSON) it was fitted under."""
    model, config = con.sql(f"SELECT model, config FROM {schema}.match_state").fetchall()[0]
    return FittedModel.from_dict(json.loads(model)), config
