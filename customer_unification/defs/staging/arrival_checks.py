"""Warnings on what a delivery brought: rows quarantined per rule and values set to NULL per field
issue, against the recent norm (lib/staging/arrivals.py). Non-blocking WARN checks on the
quarantine table, so the quarantine group answers "what data-quality problems arrived today"."""

from collections.abc import Iterator, Mapping

import dagster as dg

from customer_unification.lib.staging.arrivals import compare, markdown

RECENT = 7  # deliveries the norm is taken from
CHECKS = {
    "quarantined_vs_recent_norm": ("rule", "Rows quarantined per hard rule in this delivery, against the median of "
                                           "the last deliveries: warns on a rule that is new or well above its norm."),
    "nulled_values_vs_recent_norm": ("field issue", "Values set to NULL per field issue (dq flag) in this delivery, "
                                                    "against the median of the last deliveries: warns on an issue "
                                                    "that is new or well above its norm."),
}


def arrival_check_specs(quarantine_key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    return [dg.AssetCheckSpec(name, asset=quarantine_key, blocking=False, description=text)
            for name, (_, text) in CHECKS.items()]


def arrival_checks(context: dg.AssetExecutionContext, quarantine_key: dg.AssetKey, quarantined: Mapping[str, int],
                   nulled: Mapping[str, int]) -> Iterator[dg.AssetCheckResult]:
    for name, counts in (("quarantined_vs_recent_norm", quarantined), ("nulled_values_vs_recent_norm", nulled)):
        check_key = dg.AssetCheckKey(quarantine_key, name)
        arrivals = compare(counts, _recent_counts(context.instance, check_key, context.run_id))
        unusual = [a.problem for a in arrivals if a.unusual]
        yield dg.AssetCheckResult(
            asset_key=quarantine_key, check_name=name, passed=not unusual, severity=dg.AssetCheckSeverity.WARN,
            metadata={"unusual": ", ".join(unusual) or "none", "rows_this_delivery": sum(counts.values()),
                      "arrivals": dg.MetadataValue.md(markdown(arrivals, CHECKS[name][0])),
                      "counts": dg.MetadataValue.json(dict(counts))})


def _recent_counts(instance: dg.DagsterInstance, check_key: dg.AssetCheckKey, run_id: str) -> list[dict[str, int]]:
    """The counts the check recorded on its last evaluations (this run's own planned one excluded)."""
    out = []
    for record in instance.event_log_storage.get_asset_check_execution_history(check_key, limit=RECENT + 1):
        event = record.event.dagster_event if record.event else None
        data = (event.asset_check_evaluation_data
                if event and event.event_type_value == "ASSET_CHECK_EVALUATION" else None)
        counts = data.metadata.get("counts") if data and record.run_id != run_id else None
        if counts is not None:
            out.append(dict(counts.value))
    return out[:RECENT]
