"""Great Expectations in a helper process, so the gates use the machine's second core.

Importing GE costs ~6 s (it pulls in scipy.stats) and validating a staged table a second or
two, all single-threaded. In a helper process that starts when a run starts, the import
happens while the main process reads sources, and each validation overlaps with writing that
table to the warehouse. `CU_GE_WORKER=0` (or a one-core machine) validates in-process instead.

The helper dies with the run (lifeline.py): killed with SIGKILL, a run would otherwise leave it
behind as an orphan of ~290 MB.
"""

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from functools import cache

import pandas as pd

from customer_unification.lib.quality.lifeline import die_with_parent
from customer_unification.lib.quality.expectations import Expectation, SuiteResult, validate


def enabled() -> bool:
    return os.environ.get("CU_GE_WORKER", "1") != "0" and (os.cpu_count() or 1) > 1


def start() -> None:
    """Start the helper and its GE import now (no-op when disabled or already running)."""
    if enabled():
        _executor()


def submit(frame: pd.DataFrame, expectations: list[Expectation], suite_name: str) -> "Future[SuiteResult]":
    """Validate in the helper; the caller collects the result when it needs it."""
    columns = list(dict.fromkeys(c for e in expectations for c in e.columns if c in frame.columns))
    trimmed = frame[columns or list(frame.columns[:1])]  # ship only what the suite reads
    if not enabled():
        done: Future[SuiteResult] = Future()
        done.set_result(validate(trimmed, expectations, suite_name))
        return done
    return _executor().submit(validate, trimmed, expectations, suite_name)


@cache
def _executor() -> ProcessPoolExecutor:
    # spawn, not fork: the caller may be a threaded Dagster process.
    executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=die_with_parent, initargs=(os.getpid(),))
    executor.submit(_warm_up)
    return executor


def _warm_up() -> None:
    validate(pd.DataFrame({"x": [1]}), [Expectation.of("ExpectTableRowCountToBeBetween", min_value=1)], "warm_up")
