"""Declarative automation: every asset past the sources refreshes itself when its upstream data
changed and every blocking check upstream passed (a failed gate holds everything after it).

Sources are refreshed by the landing-zone sensor (new files) or by hand; the rest follows.
On by default: the `automation` sensor evaluates the conditions every 30 s under `dagster dev`
or the daemon. Switch it off in the UI (Automation -> automation) or with `CU_AUTOMATION=off`.
"""

import os
import warnings

import dagster as dg

REFRESH_WHEN_UPSTREAM_CHANGED = (
    dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()
).with_label("upstream changed and its blocking checks passed")
AUTOMATED = dg.AssetSelection.all() - dg.AssetSelection.groups("sources")


def with_automation(definitions: dg.Definitions) -> dg.Definitions:
    """The code location with the refresh condition on every automated asset (set here, once,
    rather than in each asset's decorator)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)  # map_resolved_asset_specs is "preview" in 1.13
        return definitions.map_resolved_asset_specs(
            func=lambda spec: spec.replace_attributes(automation_condition=REFRESH_WHEN_UPSTREAM_CHANGED),
            selection=AUTOMATED)


@dg.definitions
def automation() -> dg.Definitions:
    on = os.environ.get("CU_AUTOMATION", "on") != "off"
    sensor = dg.AutomationConditionSensorDefinition(
        "automation", target=AUTOMATED, minimum_interval_seconds=30,
        description="Refreshes every asset whose upstream changed and passed its blocking checks.",
        default_status=dg.DefaultSensorStatus.RUNNING if on else dg.DefaultSensorStatus.STOPPED)
    return dg.Definitions(sensors=[sensor])
