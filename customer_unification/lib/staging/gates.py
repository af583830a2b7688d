"""The quality gates of a staged table, as plain results the asset turns into blocking checks."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from customer_unification.lib.quality.expectations import (SuiteResult, staging_expectations, suite_metadata,
                                                             validate)
from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.staging.standardize import StagingResult


@dataclass(frozen=True)
class GateResult:
    name: str
    passed: bool
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)


GATES = {
    "great_expectations": "Great Expectations suite for the staged table (keys, formats, ranges, allowed values).",
    "rows_reconcile": "Every raw record is staged, quarantined or suppressed (a forgotten person): "
                      "raw = clean + quarantined + suppressed.",
    "reject_rate": "The share of quarantined records stays within the source's max_reject_rate.",
}


def staging_suite(contract: SourceContract, now: dt.datetime) -> tuple[list, str]:
    """The expectations and suite name that gate `staging.<source>`."""
    return staging_expectations(contract, now=now), f"staging_{contract.name}"


def evaluate_gates(raw_rows: int, result: StagingResult, contract: SourceContract, now: dt.datetime,
                   suite: SuiteResult | None = None, suppressed: int = 0) -> list[GateResult]:
    """All gates; `suite` is the GE result if it was validated elsewhere (e.g. in the helper process);
    `suppressed` rows (people on the suppression list) were dropped from `result` on purpose."""
    clean, quarantined = len(result.clean), len(result.quarantine)
    suite = suite or validate(result.clean, *staging_suite(contract, now))
    rate = quarantined / raw_rows if raw_rows else 0.0
    return [
        _suite_gate(suite),
        GateResult("rows_reconcile", raw_rows == clean + quarantined + suppressed, GATES["rows_reconcile"],
                   {"raw": raw_rows, "clean": clean, "quarantined": quarantined, "suppressed": suppressed,
                    "difference": raw_rows - clean - quarantined - suppressed}),
        GateResult("reject_rate", rate <= contract.max_reject_rate, GATES["reject_rate"],
                   {"reject_rate": round(rate, 6), "max_reject_rate": contract.max_reject_rate,
                    "rejects_by_rule": result.rejects_by_rule}),
    ]


def _suite_gate(suite: SuiteResult) -> GateResult:
    return GateResult("great_expectations", suite.success, GATES["great_expectations"], suite_metadata(suite))
