import os
import tempfile
from pathlib import Path

import pytest

# Tests never touch the developer's warehouse or Dagster home.
for var in ("CU_SOURCES_CONFIG", "CU_WAREHOUSE_PATH", "CU_DEMO_DATA_DIR", "CU_LANDING_DIR"):
    os.environ.pop(var, None)
os.environ["CU_LANDING_DIR"] = tempfile.mkdtemp(prefix="cu_landing_")  # never the developer's landing zone


@pytest.fixture(scope="session")
def small_estate(tmp_path_factory) -> Path:
    """A small demo estate (generated once per test session)."""
    from customer_unification.lib.demo.generate import generate_demo_estate

    out = tmp_path_factory.mktemp("estate")
    generate_demo_estate(out, people=400, seed=11)
    return out


@pytest.fixture
def isolated_env(tmp_path, monkeypatch):
    """Warehouse and Dagster home in a temp dir; returns the warehouse path."""
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("CU_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("CU_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.delenv("CU_SOURCES_CONFIG", raising=False)
    return warehouse
