"""What a matching run leaves behind for the next one: nodes, records, accepted links, the model.

Saved as tables in a schema of the same DuckDB database (the warehouse's `identity` schema in the
pipeline, a state file for the CLI). An incremental run reads them to link only new records:
pairs among known records are not proposed or scored again.
"""

import json

import duckdb
import pandas as pd

from customer_unification.lib.matching.em import FittedModel

TABLES = {
    "match_nodes": "SELECT * FROM cu_nodes",
    "match_records": "SELECT r.rid, r.record_key, r.sig, r.nid, l.cluster FROM cu_records r JOIN cu_labels l USING (nid)",
    "match_links": "SELECT l, r, weight, probability, link FROM cu_edges",
    "match_node_doubt": "SELECT nid, p FROM cu_doubt",
}


def _save_limited(con: duckdb.DuckDBPyConnection, schema: str, limited: pd.DataFrame) -> None:
    con.register("cu_limited_in", limited)
    con.execute(f"CREATE OR REPLACE TABLE {schema}.match_limited AS SELECT * FROM cu_limited_in")
    con.unregister("cu_limited_in")


def load_limited(con: duckdb.DuckDBPyConnection, schema: str) -> pd.DataFrame:
    return con.sql(f"SELECT * FROM {schema}.match_limited").df()


def save_state(con: duckdb.DuckDBPyConnection, schema: str, model: FittedModel, config_json: str,
               limited: pd.DataFrame) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    _save_limited(con, schema, limited)
    for table, query in TABLES.items():
        con.execute(f"CREATE OR REPLACE TABLE {schema}.{table} AS {query}")
    # value frequencies: a 1% delta barely moves them, so incremental runs reuse these
    for (name,) in con.sql("SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'cu_tf_%'").fetchall():
        con.execute(f"CREATE OR REPLACE TABLE {schema}.match_{name.removeprefix('cu_')} AS SELECT * FROM {name}")
    con.execute(f"CREATE OR REPLACE TABLE {schema}.match_state (model JSON, config JSON)")
    con.execute(f"INSERT INTO {schema}.match_state VALUES (?, ?)", [json.dumps(model.to_dict()), config_json])


def update_state(con: duckdb.DuckDBPyConnection, schema: str, limited: pd.DataFrame) -> None:
    """After an incremental run: add the new nodes and records, re-label what moved, keep the rest.

    Rewriting a million saved nodes and records would cost more than the incremental run itself.
    """
    con.execute(f"""
        INSERT INTO {schema}.match_nodes SELECT * FROM cu_new_nodes;
        UPDATE {schema}.match_nodes m SET records = n.records FROM cu_nodes n
          WHERE n.nid = m.nid AND n.records <> m.records;
        UPDATE {schema}.match_records m SET cluster = l.cluster FROM cu_labels l
          WHERE l.nid = m.nid AND l.cluster <> m.cluster;
        INSERT INTO {schema}.match_records
          SELECT r.rid, r.record_key, r.sig, r.nid, l.cluster FROM cu_records r JOIN cu_labels l USING (nid)
          WHERE r.rid IN (SELECT rid FROM cu_features);
        CREATE OR REPLACE TABLE {schema}.match_links AS {TABLES["match_links"]};
        CREATE OR REPLACE TABLE {schema}.match_node_doubt AS {TABLES["match_node_doubt"]}""")
    _save_limited(con, schema, limited)


def load_term_frequencies(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    """The saved run's value frequencies as this connection's `cu_tf_*` tables."""
    for (name,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                               "AND table_name LIKE 'match_tf_%'", [schema]).fetchall():
        con.execute(f"CREATE OR REPLACE TEMP TABLE cu_{name.removeprefix('match_')} AS SELECT * FROM {schema}.{name}")


def has_state(con: duckdb.DuckDBPyConnection, schema: str) -> bool:
    needed = [*TABLES, "match_state", "match_limited"]
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name IN "
                        f"({', '.join('?' for _ in needed)})", [schema, *needed]).fetchall()[0][0]
    return found == len(needed)


def load_model(con: duckdb.DuckDBPyConnection, schema: str) -> tuple[FittedModel, str]:
    """The saved model and the configuration (JSON) it was fitted under."""
    model, config = con.sql(f"SELECT model, config FROM {schema}.match_state").fetchall()[0]
    return FittedModel.from_dict(json.loads(model)), config
