"""Issue 14 defect 4: a failed identity gate publishes nothing (write-audit-publish).

Before: when the blocking `stable_vs_previous_run` gate failed, the refused map had already
replaced the old one, so the next run compared against it and passed."""

from pathlib import Path

import duckdb
import pytest
import yaml

from customer_unification import settings
from customer_unification.cli import main

pytestmark = pytest.mark.slow

SELECT = "group:sources or group:staging or group:quarantine or group:identity"
DROPPED = "crm_contacts"  # the "extra source" of the repro: a quarter of the records, the links of many


def _config_without(tmp_path: Path, source: str) -> Path:
    demo = Path(settings.__file__).parent / "demo" / "sources.yaml"
    config = yaml.safe_load(demo.read_text())
    config["sources"] = [s for s in config["sources"] if s["name"] != source]
    config["base_dir"] = str(Path(settings.demo_data_dir()))
    path = tmp_path / "sources_without.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _identity(warehouse: Path) -> tuple[dict, dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        published = dict(con.sql("SELECT source || '|' || source_record_id, customer_id "
                                 "FROM identity.customer_identity_map").fetchall())
        state = {t: con.sql(f"SELECT count(*) FROM {settings.IDENTITY_STATE_SCHEMA}.{t}").fetchall()[0][0]
                 for t in ("match_records", "match_nodes", "match_links", "match_state")}
        state["lineage"] = con.sql("SELECT count(*) FROM identity.id_lineage").fetchall()[0][0]
        state["links"] = con.sql("SELECT count(*) FROM identity.record_links").fetchall()[0][0]
    finally:
        con.close()
    return published, state


def test_a_failed_gate_leaves_the_last_good_identity_published(small_estate, isolated_env, monkeypatch, capsys,
                                                               tmp_path):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    assert main(["run", "--select", SELECT]) == 0
    good_map, good_state = _identity(isolated_env)
    assert sum(k.startswith(f"{DROPPED}|") for k in good_map) > 100

    monkeypatch.setenv("CU_SOURCES_CONFIG", str(_config_without(tmp_path, DROPPED)))
    for attempt in range(2):  # the second attempt passed before: it compared against the refused map
        capsys.readouterr()
        assert main(["run", "--select", SELECT]) == 1, f"attempt {attempt + 1}"
        out = capsys.readouterr().out
        assert "FAILED check: identity/customer_identity_map:stable_vs_previous_run\n" in out
        for table in ("customer_identity_map", "id_lineage", "limited_identifiers", "match_model", "record_links"):
            assert f"not published (a gate failed; the last good version stays): identity/{table}\n" in out
        # the last good version, every table and the matching state, is what is published
        assert _identity(isolated_env) == (good_map, good_state)

    con = duckdb.connect(str(isolated_env), read_only=True)
    staged = con.sql("SELECT count(*) FROM staging.unified_records").fetchall()[0][0]
    refused = con.execute("SELECT count(*), count(*) FILTER (source = ?), any_value(failed_gates) "
                      "FROM identity_rejected.customer_identity_map", [DROPPED]).fetchall()[0]
    con.close()
    # the refused candidate is kept for inspection, whole: one row per staged record, none of the dropped source
    assert refused == (staged, 0, "stable_vs_previous_run")
    assert staged == len(good_map) - sum(k.startswith(f"{DROPPED}|") for k in good_map)
