"""Partitions shared by several assets."""

import datetime as dt

import dagster as dg

from customer_unification import settings

# Event sources, their staging tables and the event log are partitioned by the UTC day of the
# event. The first day also holds all earlier history (lib/sources/partitioning.py): a day is
# ~20 ms of instance bookkeeping per asset (SQLite), so 2,900 days since 2019 would cost a
# minute per asset on every full run; one initial-load partition costs the same as any day.
EVENT_DAYS = dg.DailyPartitionsDefinition(start_date=settings.events_start_date(), end_offset=1)


def all_partitions_tags(partitions: dg.PartitionsDefinition) -> dict[str, str]:
    """Run tags that make one run cover every partition (assets with a single-run backfill policy)."""
    keys = partitions.get_partition_keys()
    return range_tags(keys[0], keys[-1])


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags for one run over the partitions first..last."""
    return {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}


def day_bounds() -> tuple[dt.date, dt.date]:
    """The first and the last day partition that exist now."""
    keys = EVENT_DAYS.get_partition_keys()
    return dt.date.fromisoformat(keys[0]), dt.date.fromisoformat(keys[-1])
