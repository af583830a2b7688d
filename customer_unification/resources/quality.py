"""The quality gates' runner as a resource, so its helper process starts with the run."""

from concurrent.futures import Future

import dagster as dg
import pandas as pd

from customer_unification.lib.quality import worker
from customer_unification.lib.quality.expectations import Expectation, SuiteResult


class GreatExpectationsRunner(dg.ConfigurableResource):
    """Validates staged tables with Great Expectations in a helper process (see lib/quality/worker)."""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        worker.start()  # GE's import overlaps with the first steps of the run

    def submit(self, frame: pd.DataFrame, expectations: list[Expectation], suite_name: str) -> "Future[SuiteResult]":
        return worker.submit(frame, expectations, suite_name)
