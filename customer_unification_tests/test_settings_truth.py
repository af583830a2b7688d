"""Ground truth is used only when it belongs to the configured sources (issue 15): with your own
CU_SOURCES_CONFIG, the evaluation assets scored against the demo estate's truth and reported
P = R = F1 = 1.0 on one accidentally overlapping record."""

import shutil

import dagster as dg
import duckdb
import pytest
import yaml

from customer_unification import settings
from customer_unification.defs.identity.evaluation import match_evaluation
from customer_unification.lib.sources.contracts import DEFAULT_CONFIG
from customer_unification.resources.warehouse import DuckDBWarehouse


@pytest.fixture
def env(monkeypatch, small_estate, tmp_path):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    monkeypatch.delenv("CU_SOURCES_CONFIG", raising=False)
    monkeypatch.delenv("CU_IDENTITY_TRUTH", raising=False)
    monkeypatch.setenv("CU_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    return monkeypatch


def own_sources(tmp_path, small_estate) -> str:
    """A user's config: one CRM export in their own folder (a copy of the demo's file)."""
    (tmp_path / "mine" / "crm").mkdir(parents=True)
    shutil.copy(small_estate / "crm" / "contacts.csv", tmp_path / "mine" / "crm" / "contacts.csv")
    crm = next(s for s in yaml.safe_load(DEFAULT_CONFIG.read_text())["sources"] if s["name"] == "crm_contacts")
    path = tmp_path / "mine" / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [crm]}))
    return str(path)


def test_the_demo_config_uses_the_demo_truth(env, small_estate):
    assert settings.identity_truth_path() == (small_estate / "_truth" / "record_person.parquet").resolve()


def test_own_sources_do_not_use_the_demo_truth(env, tmp_path, small_estate):
    env.setenv("CU_SOURCES_CONFIG", own_sources(tmp_path, small_estate))
    assert settings.identity_truth_path() is None


def test_truth_beside_own_sources_and_an_explicit_truth_are_used(env, tmp_path, small_estate):
    env.setenv("CU_SOURCES_CONFIG", own_sources(tmp_path, small_estate))
    (tmp_path / "mine" / "_truth").mkdir()
    shutil.copy(small_estate / "_truth" / "record_person.parquet", tmp_path / "mine" / "_truth")
    assert settings.identity_truth_path() == tmp_path / "mine" / "_truth" / "record_person.parquet"
    env.setenv("CU_IDENTITY_TRUTH", str(small_estate / "_truth" / "record_person.parquet"))
    assert settings.identity_truth_path() == small_estate / "_truth" / "record_person.parquet"


def test_an_invalid_sources_config_means_no_truth(env, tmp_path):
    (tmp_path / "bad.yaml").write_text("sources: []\n")
    env.setenv("CU_SOURCES_CONFIG", str(tmp_path / "bad.yaml"))
    assert settings.identity_truth_path() is None


def test_match_evaluation_with_own_sources_says_there_is_no_truth(env, tmp_path, small_estate):
    env.setenv("CU_SOURCES_CONFIG", own_sources(tmp_path, small_estate))
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA identity")
    result = match_evaluation(DuckDBWarehouse(path=str(warehouse)))
    assert isinstance(result, dg.MaterializeResult)
    assert result.metadata["note"] == "no ground truth found (set CU_IDENTITY_TRUTH)"
    assert result.metadata["dagster/row_count"] == 0
