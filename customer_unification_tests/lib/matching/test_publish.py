"""The identity gates pass on a sound run and fail, with the numbers, when the result looks wrong."""

import duckdb

from customer_unification.lib.matching.publish import Bounds, structural_gates, write_tables
from customer_unification.lib.matching.resolve import resolve

from .conftest import people
from .test_engine import background


def resolved(config):
    con = duckdb.connect()
    con.register("src", people(*background(120)))
    return con, resolve(con, "src", config, run_id="r1", state_schema="st")


def gates_by_name(gates):
    return {g.name: g for g in gates}


def test_gates_pass_on_a_sound_first_run(config):
    con, result = resolved(config)
    gates = gates_by_name(structural_gates(con, config, result, len(result.identity_map), "st", None))
    assert all(g.passed for g in gates.values()), gates
    assert gates["stable_vs_previous_run"].metadata["note"].startswith("first run")


def test_gates_fail_on_lost_records_oversized_customers_and_churn(config):
    con, result = resolved(config)
    staged = len(result.identity_map)
    lost = gates_by_name(structural_gates(con, config, result, staged + 5, "st", None))
    assert not lost["one_customer_per_record"].passed
    assert lost["one_customer_per_record"].metadata["staged_records"] == staged + 5

    small = config.model_copy(update={"clustering": config.clustering.model_copy(update={"max_cluster_size": 1})})
    big = gates_by_name(structural_gates(con, small, result, staged, "st", None))
    assert big["cluster_size"].metadata["largest_customer_distinct_records"] >= 2
    assert not big["cluster_size"].passed

    # a previous run in which every record was its own customer: this run's merges are churn
    previous = result.identity_map.assign(customer_id=[f"CU{i:014X}" for i in range(staged)])
    churn = gates_by_name(structural_gates(con, config, result, staged, "st", previous, Bounds(max_churn=0.01)))
    gate = churn["stable_vs_previous_run"]
    assert not gate.passed
    assert gate.metadata["previous_match_rate"] == 0 and gate.metadata["match_rate"] > 0


def test_tables_written_together(config):
    con, result = resolved(config)
    write_tables(con, config, result, "r1", "st")
    counts = dict(con.sql("""SELECT table_name, estimated_size FROM duckdb_tables()
                             WHERE schema_name = 'identity'""").fetchall())
    assert set(counts) == {"customer_identity_map", "record_links", "id_lineage", "match_model", "limited_identifiers"}
    assert con.sql("SELECT count(*) FROM identity.customer_identity_map").fetchall()[0][0] == len(result.identity_map)
    lineage = con.sql("SELECT reason, count(*) FROM identity.id_lineage GROUP BY 1").fetchall()
    assert dict(lineage) == {"created": result.identity_map["customer_id"].nunique()}
    levels = con.sql("SELECT * FROM identity.record_links WHERE linked_by = 'probabilistic' LIMIT 1").df()
    assert not levels.empty and "first_name_level" in levels.columns
