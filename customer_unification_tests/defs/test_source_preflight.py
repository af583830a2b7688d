"""Issue 14 defect 9 in a run launched from the UI (no CLI preflight): the source asset stops with
the reason before reading or writing, instead of a reader's traceback."""

import textwrap

import dagster as dg

from customer_unification.defs.sources.assets import build_source_asset
from customer_unification.lib.sources.contracts import load_contracts
from customer_unification.resources.duckdb_io import DuckDBFrameIOManager
from customer_unification.resources.warehouse import DuckDBWarehouse


def test_a_source_whose_location_matches_nothing_fails_with_the_reason_and_writes_nothing(tmp_path, isolated_env):
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent("""
        base_dir: data
        sources:
          - name: crm
            format: csv
            location: crm_*.csv
            record_key: id
            fields: {crm_id: id}
    """))
    config = load_contracts(path)
    asset = build_source_asset(config, config.get("crm"))
    result = dg.materialize([asset], resources={"io_manager": DuckDBFrameIOManager(path=str(isolated_env)),
                                                "warehouse": DuckDBWarehouse(path=str(isolated_env))},
                            raise_on_error=False)
    assert not result.success
    [failure] = result.get_step_failure_events()
    assert failure.step_failure_data.user_failure_data.description == (
        f"source 'crm': no file matches location '{(tmp_path / 'data').resolve()}/crm_*.csv' "
        "(and no file waits in its landing folder)")
    assert not isolated_env.exists()
