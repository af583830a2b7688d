"""The landing-zone sensor: files dropped in `<landing>/<source>/` refresh that source and
everything downstream of it, in one run per look (lib/landing/zone.py decides what is complete,
loaded or rejected).

Each file is taken exactly once: taking it moves it out of the landing folder, and the run key
is the files' content digest, so a re-evaluation never launches the same refresh twice. The
cursor keeps the sizes seen of files still arriving, and survives restarts with the instance.
On by default; switch it off in the UI (Automation -> landing_zone) or with `CU_LANDING_SENSOR=off`.
"""

import hashlib
import json
import os

import dagster as dg

from customer_unification import settings
from customer_unification.defs.contracts import current_contracts
from customer_unification.defs.partitions import day_bounds, range_tags
from customer_unification.lib.landing import Delivery, LandingZone
from customer_unification.lib.sources.contracts import SourcesConfig
from customer_unification.lib.sources.partitioning import event_days
from customer_unification.lib.sources.readers import read_files


def take_landed_files(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    config = current_contracts()
    zone = LandingZone(settings.landing_dir(), config)
    zone.folders()
    verdict = zone.take(json.loads(context.cursor or "{}").get("arriving", {}))
    context.update_cursor(json.dumps({"arriving": verdict.arriving}))
    for delivery in verdict.deliveries:
        if delivery.accepted:
            context.log.info(f"{delivery.source}: loaded {delivery.name} ({delivery.records:,} records)")
        else:
            context.log.warning(f"{delivery.source}: rejected {delivery.name}: {delivery.reason}")
    if not verdict.accepted:
        rejected = len(verdict.deliveries)
        return dg.SkipReason(f"no new file to load ({rejected} rejected, see <source>/rejected/; "
                             f"{len(verdict.arriving)} still arriving)")
    return dg.SensorResult(run_requests=[refresh_request(verdict.accepted, config, context.repository_def)])


def refresh_request(deliveries: list[Delivery], config: SourcesConfig,
                    repository: dg.RepositoryDefinition) -> dg.RunRequest:
    """One run: the delivered sources and everything downstream, over the days the files hold."""
    sources = [dg.AssetKey(["sources", name]) for name in sorted({d.source for d in deliveries})]
    selection = dg.AssetSelection.assets(*sources).downstream().resolve(repository.asset_graph)
    days = set()
    for delivery in deliveries:
        contract = config.get(delivery.source)
        if contract.kind == "event":
            raw = read_files([delivery.path], contract, config)
            days |= set(event_days(raw, contract, *day_bounds(), landed=[delivery.path]))
    days = days or {day_bounds()[1].isoformat()}  # lists only: the partitioned assets downstream refresh today
    digest = hashlib.sha256("".join(sorted(d.fingerprint for d in deliveries)).encode()).hexdigest()[:16]
    files = ", ".join(f"{d.source}/{d.name}" for d in deliveries)
    # new events only add records: identity links them against the saved run instead of re-matching
    # everything (the nightly daily_refresh re-resolves all records)
    only_events = all(config.get(d.source).kind == "event" for d in deliveries)
    run_config = {"ops": {"resolve_identities": {"config": {"incremental": True}}}} if only_events else {}
    return dg.RunRequest(run_key=f"landing-{digest}", asset_selection=sorted(selection), run_config=run_config,
                         tags={**range_tags(min(days), max(days)), "landing/files": files[:1000]})


@dg.definitions
def sensors() -> dg.Definitions:
    on = os.environ.get("CU_LANDING_SENSOR", "on") != "off"
    sensor = dg.SensorDefinition(
        name="landing_zone", evaluation_fn=take_landed_files, minimum_interval_seconds=15,
        target=dg.AssetSelection.all(),
        description="New files in the landing zone (CU_LANDING_DIR/<source>/) refresh that source and "
                    "everything downstream; unreadable files move to <source>/rejected/ with a reason.",
        default_status=dg.DefaultSensorStatus.RUNNING if on else dg.DefaultSensorStatus.STOPPED)
    return dg.Definitions(sensors=[sensor])
