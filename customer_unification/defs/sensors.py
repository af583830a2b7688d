"""The landing-zone sensor: files dropped in `<landing>/<source>/` refresh that source and
everything downstream of it, in one run per look (lib/landing/zone.py decides what is complete,
loaded or rejected).

Each file is taken exactly once: taking it moves it out of the landing folder (to pending/), and
the run key is the files' content digest, so a re-evaluation never launches the same refresh twice.
It counts as loaded once a run that read it succeeded (`landing_settled`). The
cursor keeps the sizes seen of files still arriving, and survives restarts with the instance.
On by default; switch it off in the UI (Automation -> landing_zone) or with `CU_LANDING_SENSOR=off`.
"""

import hashlib
import json
import os

import dagster as dg
import duckdb

from customer_unification import settings
from customer_unification.defs.contracts import current_contracts
from customer_unification.defs.partitions import day_bounds, range_tags
from customer_unification.defs.sources.assets import PENDING_READ
from customer_unification.lib.landing import Delivery, LandingZone
from customer_unification.lib.landing.zone import read_in_pieces
from customer_unification.lib.sources.contracts import SourcesConfig
from customer_unification.lib.sources.partitioning import event_days


def take_landed_files(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    config = current_contracts()
    try:
        erase_forgotten = forgotten_people_eraser(config)
    except duckdb.IOException:  # a run holds the warehouse: no file is taken unchecked
        return dg.SkipReason("the warehouse is busy, so the suppression list cannot be read: landed files wait "
                             "for the next look (forgotten people's records are erased before a file is taken)")
    zone = LandingZone(settings.landing_dir(), config, erase_forgotten)
    zone.folders()
    verdict = zone.take(json.loads(context.cursor or "{}").get("arriving", {}))
    context.update_cursor(json.dumps({"arriving": verdict.arriving}))
    for delivery in verdict.deliveries:
        if delivery.forgotten_erased:  # a count, never who
            context.log.info(f"{delivery.source}: erased {delivery.forgotten_erased:,} record(s) of forgotten people "
                             f"from {delivery.name} before taking it")
        if delivery.accepted:
            context.log.info(f"{delivery.source}: loaded {delivery.name} ({delivery.records:,} records)")
        else:
            context.log.warning(f"{delivery.source}: rejected {delivery.name}: {delivery.reason}")
    if not verdict.accepted:
        rejected = len(verdict.deliveries)
        return dg.SkipReason(f"no new file to load ({rejected} rejected, see <source>/rejected/; "
                             f"{len(verdict.arriving)} still arriving)")
    rejected = [f"{d.source}/{d.name}" for d in verdict.deliveries if not d.accepted]
    return dg.SensorResult(run_requests=[refresh_request(verdict.accepted, config, context.repository_def,
                                                         rejected=rejected)])


def forgotten_people_eraser(config: SourcesConfig, wait_seconds: float = 20.0):
    """What erases forgotten people's records from a delivery (None when nobody was forgotten), read
    from the warehouse's suppression list; raises duckdb.IOException if the warehouse stays locked."""
    from customer_unification.lib.governance import (IdentifierHasher, forgotten_rows_eraser, load_suppression,
                                                     suppression_key)
    from customer_unification.resources.duckdb_io import connect

    path = settings.warehouse_path()
    if not path.exists():
        return None
    with connect(str(path), read_only=True, wait_seconds=wait_seconds) as con:
        suppression = load_suppression(con, IdentifierHasher(suppression_key()))  # fails closed on another key
    return forgotten_rows_eraser(config, suppression)


def refresh_request(deliveries: list[Delivery], config: SourcesConfig,
                    repository: dg.RepositoryDefinition, rejected: list[str] = ()) -> dg.RunRequest:
    """One run: the delivered sources and everything downstream, over the days the files hold."""
    sources = [dg.AssetKey(["sources", name]) for name in sorted({d.source for d in deliveries})]
    selection = dg.AssetSelection.assets(*sources).downstream().resolve(repository.asset_graph)
    days = set()
    for delivery in deliveries:
        contract = config.get(delivery.source)
        if contract.kind == "event":  # a piece at a time: a large file is never held whole here
            for raw in read_in_pieces(delivery.path, contract, config):
                days |= set(event_days(raw, contract, *day_bounds(), landed=[delivery.path]))
    days = days or {day_bounds()[1].isoformat()}  # lists only: the partitioned assets downstream refresh today
    digest = hashlib.sha256("".join(sorted(d.fingerprint for d in deliveries)).encode()).hexdigest()[:16]
    files = ", ".join(f"{d.source}/{d.name}" for d in deliveries)
    # new events only add records: identity links them against the saved run instead of re-matching
    # everything (the nightly daily_refresh re-resolves all records)
    only_events = all(config.get(d.source).kind == "event" for d in deliveries)
    run_config = {"ops": {"resolve_identities": {"config": {"incremental": True}}}} if only_events else {}
    return dg.RunRequest(run_key=f"landing-{digest}", asset_selection=sorted(selection), run_config=run_config,
                         tags={**range_tags(min(days), max(days)), "landing/files": files[:1000],
                               **({"landing/rejected": ", ".join(rejected)[:1000]} if rejected else {})})


def settle_run(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """A successful run's source assets read these pending landed files: they count as loaded now.
    A run that failed settles nothing, so its files stay pending and the next run reads them again."""
    run = instance.get_run_by_id(run_id)
    if run is None or run.status != dg.DagsterRunStatus.SUCCESS:
        return []
    read: list[str] = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialization = entry.asset_materialization
        if materialization is not None and materialization.asset_key.path[0] == "sources":
            value = materialization.metadata.get(PENDING_READ)
            read += value.value if value is not None else []
    return LandingZone(settings.landing_dir(), current_contracts()).settle(read) if read else []


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, name="landing_settled",
                      default_status=dg.DefaultSensorStatus.RUNNING,
                      description="A run that read landed files waiting in <source>/pending/ succeeded: they "
                                  "move to <source>/loaded/ (a failed run leaves them pending for the next one).")
def landing_settled(context: dg.RunStatusSensorContext) -> None:
    for name in settle_run(context.instance, context.dagster_run.run_id):
        context.log.info(f"loaded {name}")


@dg.definitions
def sensors() -> dg.Definitions:
    on = os.environ.get("CU_LANDING_SENSOR", "on") != "off"
    sensor = dg.SensorDefinition(
        name="landing_zone", evaluation_fn=take_landed_files, minimum_interval_seconds=15,
        target=dg.AssetSelection.all(),
        description="New files in the landing zone (CU_LANDING_DIR/<source>/) refresh that source and "
                    "everything downstream; unreadable files move to <source>/rejected/ with a reason.",
        default_status=dg.DefaultSensorStatus.RUNNING if on else dg.DefaultSensorStatus.STOPPED)
    return dg.Definitions(sensors=[sensor, landing_settled])
