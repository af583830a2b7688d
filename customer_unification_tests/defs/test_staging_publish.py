"""Issue 14 defect 4: a staged delivery is published only when its blocking gates pass.

Before: `stage` replaced staging.<source> and quarantine.<source> first and evaluated its gates
after, so a delivery the gates refused was already what unified_records (and identity) read."""

import textwrap

import dagster as dg
import pytest

from customer_unification_tests.defs.test_staging_atomic_write import SOURCES, _deliver, _stage, _tables

pytestmark = pytest.mark.slow

CLEAN = dg.AssetKey(["staging", "partner_leads"])
QUARANTINE = dg.AssetKey(["quarantine", "partner_leads"])


def _published(result) -> dict:
    """asset -> published (materialised) or the failed gates of its `published: false` observation."""
    out = {}
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            out[event.asset_key] = True
        elif event.event_type_value == "ASSET_OBSERVATION":
            metadata = event.event_specific_data.asset_observation.metadata
            if metadata.get("published") is not None and metadata["published"].value is False:
                out[event.asset_key] = metadata["failed_gates"].value
    return out


def _checks(result) -> dict:
    return {(e.event_specific_data.asset_key, e.event_specific_data.check_name): e.event_specific_data.passed
            for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}


def test_a_delivery_that_fails_a_gate_leaves_the_last_good_tables_published(tmp_path, isolated_env, monkeypatch):
    (tmp_path / "sources.yaml").write_text(textwrap.dedent(SOURCES))
    monkeypatch.setenv("CU_SOURCES_CONFIG", str(tmp_path / "sources.yaml"))
    _deliver(tmp_path, good=["L1", "L2"], bad=["L3"])
    assert _stage().success
    good = _tables(isolated_env)
    assert good == {"staging": ["L1", "L2"], "quarantine": ["L3"]}

    # 19 of 20 rows quarantined: over the source's max_reject_rate (0.9), a blocking gate fails
    _deliver(tmp_path, good=["L4"], bad=[f"B{i}" for i in range(19)])
    result = _stage()
    assert _tables(isolated_env) == good  # neither the staged table nor its quarantine changed
    assert _published(result) == {dg.AssetKey(["sources", "partner_leads"]): True,
                                  CLEAN: "reject_rate", QUARANTINE: "reject_rate"}
    checks = _checks(result)
    assert checks[(CLEAN, "reject_rate")] is False  # the UI shows why
    assert checks[(CLEAN, "rows_reconcile")] is True
    # the WARN arrival checks are still evaluated, and never stop publishing
    assert (QUARANTINE, "quarantined_vs_recent_norm") in checks

    _deliver(tmp_path, good=["L4", "L5"], bad=["L6"])
    result = _stage()
    assert result.success
    assert _published(result)[CLEAN] is True and _published(result)[QUARANTINE] is True
    assert _tables(isolated_env) == {"staging": ["L4", "L5"], "quarantine": ["L6"]}
