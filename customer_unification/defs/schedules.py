"""The daily refresh: identity, profiles, segments, audiences and analytics, every night.

On by default (`dagster dev` / the daemon runs it at 02:00 UTC); switch it off in the UI
(Automation → daily_refresh) or with `CU_DAILY_REFRESH=off`. Sources and staging are not in it:
they are refreshed when their data arrives.
"""

import datetime as dt
import os

import dagster as dg

from customer_unification.defs.partitions import EVENT_DAYS

daily_refresh_job = dg.define_asset_job(
    "daily_refresh",
    selection=dg.AssetSelection.groups("identity", "profiles", "segments", "activation", "analytics"),
    description="Identity -> profiles -> segments -> audiences and analytics on the data staged so far; "
                "the event log rebuilds only the day that just ended.",
)


def _day_just_ended(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    yesterday = context.scheduled_execution_time - dt.timedelta(days=1)
    day = EVENT_DAYS.get_partition_key_for_timestamp(yesterday.timestamp())
    return dg.RunRequest(run_key=context.scheduled_execution_time.isoformat(), partition_key=day)


@dg.definitions
def schedules() -> dg.Definitions:
    # read on every definitions load, so the switch applies without a code change
    on = os.environ.get("CU_DAILY_REFRESH", "on") != "off"
    schedule = dg.ScheduleDefinition(
        name="daily_refresh", job=daily_refresh_job, cron_schedule="0 2 * * *", execution_timezone="UTC",
        execution_fn=_day_just_ended,
        default_status=dg.DefaultScheduleStatus.RUNNING if on else dg.DefaultScheduleStatus.STOPPED)
    return dg.Definitions(schedules=[schedule], jobs=[daily_refresh_job])
