"""The quality gates' runner as a resource, so its helper process starts with the run."""

from concurrent.futures import Future

import dagster as dg
import pandas as pd

from customer_unification.defs.abandoned_runs import tag_run_process
from customer_unification.lib.quality import worker
from customer_unification.lib.quality.expectations import Expectation, SuiteResult


class GreatExpectationsRunner(dg.ConfigurableResource):
    """Validates staged tables with Great Expectations in a helper process (see lib/quality/worker)."""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.instance is not None:  # so that a later run can tell if this one's process died
            tag_run_process(context.instance, context.run_id)
        worker.start()  # GE's import overlaps with the first steps of the run

    def submit(self, frame: pd.DataFrame, expectations: list[Expectation], suite_name: str) -> "Future[SuiteResult]":
        return worker.submit(frame, expectations, suite_name)
