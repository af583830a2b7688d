"""Issue 14 defect 7: kill -9 during identity resolution leaves no debris.

Before: the Great Expectations helper lived on as an orphan (~290 MB each time), the run stayed
STARTED for ever, and the warehouse could hold identity tables from different runs."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from customer_unification.cli import main

pytestmark = pytest.mark.slow

SELECT = "group:sources or group:staging or group:quarantine or group:identity"
CLI = Path(sys.executable).parent / "customer-unification"
IN_IDENTITY = "resolve_identities - features:"  # the engine's first progress line: inside the transaction


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _identity(warehouse: Path) -> tuple:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return (con.sql("SELECT source, source_record_id, customer_id, matched_by FROM identity.customer_identity_map "
                        "ORDER BY ALL").fetchall(),
                con.sql("SELECT reason, count(*) FROM identity.id_lineage GROUP BY ALL ORDER BY ALL").fetchall(),
                con.sql("SELECT left_record, right_record, linked_by, status FROM identity.record_links "
                        "ORDER BY ALL").fetchall())
    finally:
        con.close()


def test_kill_9_during_identity_leaves_no_helper_no_started_run_and_the_next_run_converges(
        small_estate, isolated_env, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    monkeypatch.setenv("CU_GE_WORKER", "1")
    log = tmp_path / "killed_run.out"
    with open(log, "w") as out:
        run = subprocess.Popen([str(CLI), "run", "--select", SELECT], stdout=out, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        said = []
        for line in run.stderr:
            said.append(line)
            if IN_IDENTITY in line:
                break
        else:
            pytest.fail("the run ended before identity resolution:\n" + "".join(said[-20:]) + log.read_text()[-2000:])
        helpers = _children(run.pid)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    finally:
        run.kill()
        run.stderr.close()
    assert helpers, "the run had no GE helper process to leave behind"
    deadline = time.monotonic() + 5
    while any(map(_alive, helpers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in helpers if _alive(p)] == [], "a helper process outlived the killed run"

    # nothing of the killed identity run is visible: its tables and state were never committed
    con = duckdb.connect(str(isolated_env), read_only=True)
    identity_tables = con.sql("SELECT count(*) FROM information_schema.tables "
                              "WHERE table_schema IN ('identity', 'identity_state')").fetchall()[0][0]
    staged = con.sql("SELECT count(*) FROM staging.unified_records").fetchall()[0][0]
    con.close()
    assert identity_tables == 0 and staged > 1000

    with dg.DagsterInstance.get() as instance:
        [killed] = instance.get_runs()
        assert killed.status == dg.DagsterRunStatus.STARTED

    capsys.readouterr()
    assert main(["run", "--select", SELECT]) == 0
    out = capsys.readouterr().out
    assert f"Run {killed.run_id} was left STARTED by a process that is gone (killed?): marked FAILED\n" in out
    with dg.DagsterInstance.get() as instance:
        assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.FAILURE
    after_kill = _identity(isolated_env)
    assert len(after_kill[0]) == staged

    # a clean run on a fresh warehouse gives the same map, lineage and links
    monkeypatch.setenv("CU_WAREHOUSE_PATH", str(tmp_path / "clean.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "clean_home"))
    assert main(["run", "--select", SELECT]) == 0
    assert _identity(tmp_path / "clean.duckdb") == after_kill
