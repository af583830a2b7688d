import pandas as pd
import pytest

from customer_unification.lib.quality import lifeline, worker
from customer_unification.lib.quality.expectations import Expectation, validate

SUITE = [Expectation.of("ExpectColumnValuesToBeUnique", column="id"),
         Expectation.of("ExpectColumnValuesToMatchRegex", column="phone", regex=r"^\+[1-9][0-9]{6,14}$")]
FRAME = pd.DataFrame({"id": ["1", "2", "2"], "phone": ["+12127365000", "212", None], "other": [1, 2, 3]})


@pytest.mark.parametrize("helper_process", ["1", "0"])
def test_helper_process_gives_the_same_result_as_validating_here(monkeypatch, helper_process):
    monkeypatch.setenv("CU_GE_WORKER", helper_process)
    submitted = worker.submit(FRAME, SUITE, "s").result(timeout=120)
    assert submitted == validate(FRAME, SUITE, "s")
    assert [r.unexpected_count for r in submitted.results] == [2, 1]
    assert not submitted.success


PARENT = """
import sys, time
from customer_unification.lib.quality import lifeline, worker
pool = worker._executor()
while not pool._processes:
    time.sleep(0.05)
print(*pool._processes, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie - dead, not yet reaped - counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_helper_dies_with_its_parent_on_kill_9(monkeypatch):
    """Issue 14 defect 7: kill -9 of the run left the GE helper orphaned (~290 MB each time)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    monkeypatch.setenv("CU_GE_WORKER", "1")
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        helpers = [int(p) for p in parent.stdout.readline().split()]
        assert len(helpers) == 1 and _alive(helpers[0])
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10 * lifeline.POLL_SECONDS
        while _alive(helpers[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(helpers[0]), "the GE helper outlived its killed parent"
    finally:
        parent.kill()
