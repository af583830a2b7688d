"""Issue 14 defect 7: kill -9 at three points of a run - during staging, identity and profiles - leaves
no debris.

Before: the Great Expectations helper lived on as an orphan (~290 MB each time), the run stayed
STARTED for ever, and the warehouse could hold tables from different runs.

One clean run on a fresh warehouse (sources -> profiles) is the baseline every kill point is held
to. Each point starts from a copy of it with its layer and everything after dropped, so the killed
run and the run after it materialise only the layers needed (the slow part, ~1 min, is staging).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from customer_unification.cli import main

pytestmark = pytest.mark.slow

CLI = Path(sys.executable).parent / "customer-unification"
STAGING = "group:staging or group:quarantine"
IDENTITY = "group:identity"
PROFILES = "group:profiles"
# churn scores depend on the moment they describe (to the second): the clean run and a kill point's
# next run, minutes apart, must describe the same one to hold the same tables
TRAITS_AS_OF = "2026-11-01"
EVERYTHING_TO_PROFILES = f"group:sources or {STAGING} or {IDENTITY} or {PROFILES}"
IDENTITY_SCHEMAS = ("identity", "identity_state", "identity_rejected")


def _query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def _tables(warehouse: Path, schema: str) -> list[str]:
    return [t for (t,) in _query(warehouse, "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                            f"'{schema}' AND table_type = 'BASE TABLE' ORDER BY 1")]


def _layer(warehouse: Path, schema: str, leave_out: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every table of a schema, every row, without the columns that say when it was written."""
    out = {}
    for table in _tables(warehouse, schema):
        columns = [c for (c,) in _query(warehouse, "SELECT column_name FROM information_schema.columns WHERE "
                                                   f"table_schema = '{schema}' AND table_name = '{table}'")
                   if c not in leave_out]
        out[table] = _query(warehouse, f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} '
                                       f'FROM {schema}."{table}" ORDER BY ALL')
    return out


def _staging(warehouse: Path) -> tuple:
    return (_layer(warehouse, "staging", leave_out=("loaded_at",)),
            _layer(warehouse, "quarantine", leave_out=("quarantined_at",)))


def _identity(warehouse: Path) -> tuple:
    return (_query(warehouse, "SELECT source, source_record_id, customer_id, matched_by "
                              "FROM identity.customer_identity_map ORDER BY ALL"),
            _query(warehouse, "SELECT reason, count(*) FROM identity.id_lineage GROUP BY ALL ORDER BY ALL"),
            _query(warehouse, "SELECT left_record, right_record, linked_by, status FROM identity.record_links "
                              "ORDER BY ALL"))


def _profiles(warehouse: Path) -> tuple:
    return _identity(warehouse)[0], _layer(warehouse, "profiles")


def _staged_in_pairs(warehouse: Path) -> None:
    """A source's staged table and its quarantine are written in one transaction: never one alone."""
    assert _tables(warehouse, "staging") == _tables(warehouse, "quarantine")


def _nothing_of_identity(warehouse: Path) -> None:
    """Its tables and state were one transaction, uncommitted when the run died."""
    assert _query(warehouse, "SELECT count(*) FROM information_schema.tables WHERE table_schema IN "
                             f"{IDENTITY_SCHEMAS[:2]}") == [(0,)]


@dataclass(frozen=True)
class KillPoint:
    rebuilds: tuple[str, ...]  # schemas dropped from the clean run's warehouse before the killed run
    select: str  # what the killed run and the next one materialise
    wait_for: str  # a line the killed run prints (stderr) while inside the layer
    converged: Callable[[Path], tuple]  # what must equal the clean run's after the next run
    after_kill: Callable[[Path], None] = lambda warehouse: None  # what the killed run must not have left


KILL_POINTS = {
    # the line comes after standardising a source, right before its two tables are written
    "staging": KillPoint(("staging", "quarantine", *IDENTITY_SCHEMAS, "profiles"), STAGING, " raw -> ", _staging,
                         _staged_in_pairs),
    # the engine's first progress line: inside the identity transaction
    "identity": KillPoint((*IDENTITY_SCHEMAS, "profiles"), IDENTITY, "resolve_identities - features:", _identity,
                          _nothing_of_identity),
    # identity comes along for the GE helper it starts; traits are written late in the profiles layer
    "profiles": KillPoint((*IDENTITY_SCHEMAS, "profiles"), f"{IDENTITY} or {PROFILES}",
                          "compute_traits - traits as of", _profiles),
}


def _environment(warehouse: Path, home: Path, estate: Path, landing: Path) -> dict[str, str]:
    return {**os.environ, "CU_WAREHOUSE_PATH": str(warehouse), "DAGSTER_HOME": str(home),
            "CU_DEMO_DATA_DIR": str(estate), "CU_LANDING_DIR": str(landing), "CU_GE_WORKER": "1",
            "CU_TRAITS_AS_OF": TRAITS_AS_OF}


@pytest.fixture(scope="module")
def clean_run(small_estate, tmp_path_factory) -> Path:
    """The warehouse of one clean run, sources -> profiles, on a fresh warehouse (shared by every point)."""
    folder = tmp_path_factory.mktemp("clean_run")
    warehouse = folder / "warehouse.duckdb"
    env = _environment(warehouse, folder / "dagster_home", small_estate, folder / "landing")
    done = subprocess.run([str(CLI), "run", "--select", EVERYTHING_TO_PROFILES], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return warehouse


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


def _kill_when(select: str, wait_for: str, log: Path) -> list[int]:
    """Start a run, kill -9 it once it prints `wait_for`; returns the processes it had started."""
    with open(log, "w") as out:
        run = subprocess.Popen([str(CLI), "run", "--select", select], stdout=out, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        said = []
        for line in run.stderr:
            said.append(line)
            if wait_for in line:
                break
        else:
            pytest.fail(f"the run ended before printing {wait_for!r}:\n" + "".join(said[-20:])
                        + log.read_text()[-2000:])
        helpers = _children(run.pid)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    finally:
        run.kill()
        run.stderr.close()
    return helpers


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_kill_9_leaves_no_helper_no_started_run_and_the_next_run_converges(
        point, clean_run, small_estate, isolated_env, monkeypatch, capsys, tmp_path):
    kill = KILL_POINTS[point]
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    monkeypatch.setenv("CU_GE_WORKER", "1")
    monkeypatch.setenv("CU_TRAITS_AS_OF", TRAITS_AS_OF)
    shutil.copy(clean_run, isolated_env)  # the clean run's warehouse, without the layers this point rebuilds
    with duckdb.connect(str(isolated_env)) as con:
        for schema in kill.rebuilds:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    helpers = _kill_when(kill.select, kill.wait_for, tmp_path / "killed_run.out")
    assert helpers, "the run had no GE helper process to leave behind"
    deadline = time.monotonic() + 5
    while any(map(_alive, helpers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in helpers if _alive(p)] == [], "a helper process outlived the killed run"
    kill.after_kill(isolated_env)

    with dg.DagsterInstance.get() as instance:
        [killed] = instance.get_runs()
        assert killed.status == dg.DagsterRunStatus.STARTED

    capsys.readouterr()
    assert main(["run", "--select", kill.select]) == 0
    out = capsys.readouterr().out
    assert f"Run {killed.run_id} was left STARTED by a process that is gone (killed?): marked FAILED\n" in out
    with dg.DagsterInstance.get() as instance:
        assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.FAILURE
    # the same tables as the clean run on a fresh warehouse
    assert kill.converged(isolated_env) == kill.converged(clean_run)
