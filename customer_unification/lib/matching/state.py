"""What a matching run leaves behind for the next one: nodes, records, accepted links, the model.

Saved as tables in a schema of the same DuckDB database (the warehouse's `identity` schema in the
pipeline, a state file for the CLI). An incremental run reads them to link only new records:
pairs among known records are not proposed or scored again, and only the components new records
touch are clustered again (`match_node_labels` keeps each node's component for that).
"""

import json

import duckdb
import pandas as pd

from customer_unification.lib.matching.em import FittedModel

# Bumped when the saved tables' columns change: a state of another layout is not overlaid (its rows
# would not line up with this version's), the next run is a full one instead.
LAYOUT = 2

TABLES = {
    "match_nodes": "SELECT * FROM cu_nodes",
    # a record's cluster is its node's (match_node_labels): an incremental run then rewrites the
    # labels of the nodes it clustered again, not the rows of their records
    "match_records": "SELECT rid, record_key, sig, nid FROM cu_records",
    "match_links": "SELECT l, r, weight, probability, link FROM cu_edges",
    "match_node_labels": "SELECT nid, comp, cluster, best_probability, best_link FROM cu_labels",
    "match_node_doubt": "SELECT nid, p FROM cu_doubt",
    "match_node_keys": "SELECT * FROM cu_node_keys",  # see node_keys
}

# An incremental run computes only what changed (new nodes and records, the labels of the touched
# components, the doubts of scored nodes); these views lay it over the saved run, so the steps
# that need the whole picture (blocking, rules, assignments) read it without copying the state.
_OVERLAYS = {
    "cu_nodes": """SELECT o.* REPLACE (o.records + coalesce(g.added, 0) AS records)
                   FROM {schema}.match_nodes o LEFT JOIN cu_grown_nodes g USING (nid)
                   UNION ALL BY NAME SELECT * FROM cu_new_nodes""",
    "cu_records": "SELECT rid, record_key, sig, nid FROM {schema}.match_records UNION ALL SELECT * FROM cu_new_records",
    "cu_node_keys": "SELECT * FROM {schema}.match_node_keys UNION ALL BY NAME SELECT * FROM cu_new_node_keys",
    "cu_all_labels": """SELECT * FROM cu_labels UNION ALL
                        SELECT * FROM {schema}.match_node_labels WHERE nid NOT IN (SELECT nid FROM cu_labels)""",
    "cu_all_doubt": """SELECT * FROM cu_doubt UNION ALL
                       SELECT * FROM {schema}.match_node_doubt WHERE nid NOT IN (SELECT nid FROM cu_doubt)""",
}


def _save_limited(con: duckdb.DuckDBPyConnection, schema: str, limited: pd.DataFrame) -> None:
    # typed, not taken from the frame: an empty frame's columns would have no type to compare with
    con.execute(f"""CREATE OR REPLACE TABLE {schema}.match_limited (rule VARCHAR, value_masked VARCHAR,
                    value_hash VARCHAR, reason VARCHAR, records BIGINT)""")
    con.register("cu_limited_in", limited)
    con.execute(f"INSERT INTO {schema}.match_limited SELECT * FROM cu_limited_in")
    con.unregister("cu_limited_in")


def node_keys(con: duckdb.DuckDBPyConnection, keys: dict[str, str], nodes: str = "cu_nodes",
              out: str = "cu_node_keys") -> None:
    """`out (nid, <key>...)`: the integer keys (name -> SQL) an incremental run finds nodes by."""
    columns = "".join(f", {sql} AS {name}" for name, sql in keys.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT nid{columns} FROM {nodes}")


def save_state(con: duckdb.DuckDBPyConnection, schema: str, model: FittedModel, config_json: str,
               limited: pd.DataFrame, keys: dict[str, str]) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    node_keys(con, keys)
    _save_limited(con, schema, limited)
    for table, query in TABLES.items():
        con.execute(f"CREATE OR REPLACE TABLE {schema}.{table} AS {query}")
    # value frequencies: a 1% delta barely moves them, so incremental runs reuse these
    for (name,) in con.sql("SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'cu_tf_%'").fetchall():
        con.execute(f"CREATE OR REPLACE TABLE {schema}.match_{name.removeprefix('cu_')} AS SELECT * FROM {name}")
    con.execute(f"CREATE OR REPLACE TABLE {schema}.match_state (model JSON, config JSON, layout INTEGER)")
    con.execute(f"INSERT INTO {schema}.match_state VALUES (?, ?, ?)",
                [json.dumps(model.to_dict()), config_json, LAYOUT])


def update_state(con: duckdb.DuckDBPyConnection, schema: str, limited: pd.DataFrame) -> None:
    """After an incremental run: add the new nodes and records, replace the links and labels of
    the touched components (`cu_scope`) and the doubts of the scored nodes, keep the rest.

    Rewriting a million saved nodes and records would cost more than the incremental run itself.
    """
    con.execute(f"""
        INSERT INTO {schema}.match_records SELECT * FROM cu_new_records;
        INSERT INTO {schema}.match_nodes SELECT * FROM cu_new_nodes;
        INSERT INTO {schema}.match_node_keys SELECT * FROM cu_new_node_keys;
        UPDATE {schema}.match_nodes m SET records = m.records + g.added FROM cu_grown_nodes g
          WHERE g.nid = m.nid;
        DELETE FROM {schema}.match_links WHERE l IN (SELECT nid FROM cu_scope);
        INSERT INTO {schema}.match_links {TABLES["match_links"]};
        DELETE FROM {schema}.match_node_labels WHERE nid IN (SELECT nid FROM cu_labels);
        INSERT INTO {schema}.match_node_labels {TABLES["match_node_labels"]};
        DELETE FROM {schema}.match_node_doubt WHERE nid IN (SELECT nid FROM cu_doubt);
        INSERT INTO {schema}.match_node_doubt {TABLES["match_node_doubt"]}""")
    # only the limits of the values this run examined again (cu_reexamined_values) change
    con.register("cu_limited_in", limited)
    con.execute(f"""
        DELETE FROM {schema}.match_limited WHERE (rule, value_hash) IN (SELECT * FROM cu_reexamined_values);
        INSERT INTO {schema}.match_limited SELECT * FROM cu_limited_in
          WHERE (rule, value_hash) IN (SELECT * FROM cu_reexamined_values)""")
    con.unregister("cu_limited_in")
    drop_overlays(con)  # they would now count the run twice


def overlay(con: duckdb.DuckDBPyConnection, schema: str, *views: str) -> None:
    """Create the named overlay views (see _OVERLAYS) over the state saved in `schema`."""
    for view in views:
        _drop_temp(con, view)  # e.g. the cu_nodes table build_nodes made of the new records only
        con.execute(f"CREATE TEMP VIEW {view} AS {_OVERLAYS[view].format(schema=schema)}")


def drop_overlays(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the overlay views, so a later run on this connection can create its own tables."""
    for view in _OVERLAYS:
        if _temp_kind(con, view) == "VIEW":
            con.execute(f"DROP VIEW {view}")


def _drop_temp(con: duckdb.DuckDBPyConnection, name: str) -> None:
    if kind := _temp_kind(con, name):
        con.execute(f"DROP {kind} {name}")


def _temp_kind(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """'TABLE' or 'VIEW' for a temporary object of that name, None if there is none."""
    found = con.execute("SELECT 'TABLE' FROM duckdb_tables() WHERE temporary AND table_name = $1 UNION ALL "
                        "SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = $1", [name]).fetchall()
    return found[0][0] if found else None


def load_term_frequencies(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    """The saved run's value frequencies as this connection's `cu_tf_*` tables."""
    for (name,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                               "AND table_name LIKE 'match_tf_%'", [schema]).fetchall():
        con.execute(f"CREATE OR REPLACE TEMP TABLE cu_{name.removeprefix('match_')} AS SELECT * FROM {schema}.{name}")


def has_state(con: duckdb.DuckDBPyConnection, schema: str) -> bool:
    needed = [*TABLES, "match_state", "match_limited"]
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name IN "
                        f"({', '.join('?' for _ in needed)})", [schema, *needed]).fetchall()[0][0]
    if found < len(needed):
        return False
    layout = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = ? "
                         "AND table_name = 'match_state' AND column_name = 'layout'", [schema]).fetchall()[0][0]
    return bool(layout) and con.sql(f"SELECT max(layout) FROM {schema}.match_state").fetchall()[0][0] == LAYOUT


def load_model(con: duckdb.DuckDBPyConnection, schema: str) -> tuple[FittedModel, str]:
    """The saved model and the configuration (JSON) it was fitted under."""
    model, config = con.sql(f"SELECT model, config FROM {schema}.match_state").fetchall()[0]
    return FittedModel.from_dict(json.loads(model)), config
