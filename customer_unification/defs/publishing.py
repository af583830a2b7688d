"""Write-audit-publish in the assets: what a step reports when its gates refused its candidate.

The tables themselves are written, audited and committed or rolled back by
`resources.table_writes.Candidate`; this module only tells Dagster about a refusal: no
materialisation (the published tables did not change, so downstream is skipped), an observation
per table with `published: false` and the failed gates (the CLI lists them as "not published"),
and every gate's result - failed ones included - so the UI shows why.
"""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import dagster as dg


def refused(context: dg.AssetExecutionContext, keys: Iterable[dg.AssetKey], failed: list[str],
            what: str) -> Iterator[dg.AssetObservation]:
    """An observation per table of a refused candidate; logs why."""
    keys = list(keys)
    context.log.error(f"{what} not published: gate(s) {', '.join(failed)} failed; "
                      f"{', '.join(k.to_user_string() for k in keys)} keep the last good version")
    for key in keys:
        yield dg.AssetObservation(asset_key=key, metadata={"published": False, "failed_gates": ", ".join(failed)})


def gate_result(key: dg.AssetKey | list[str], name: str, passed: bool, metadata: Mapping[str, Any],
                published: bool) -> dg.AssetCheckResult:
    """A blocking gate's result, saying whether the candidate it audited was published."""
    return dg.AssetCheckResult(asset_key=key, check_name=name, passed=passed,
                               metadata={**metadata, **({} if published else {"published": False})})
