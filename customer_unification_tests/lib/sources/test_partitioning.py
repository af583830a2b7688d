"""Every raw record of an event source lands in exactly one day partition, whatever its date."""

import datetime as dt
import os

import pandas as pd

from customer_unification.lib.sources.partitioning import event_days

from .test_readers import contract_file

FIRST, LAST = dt.date(2026, 11, 1), dt.date(2026, 11, 22)


def test_days_with_history_in_the_first_and_unreadable_dates_on_the_delivery_day(tmp_path):
    """(the file here stands for one that came through the landing zone on 2026-11-05)"""
    config = contract_file(tmp_path, """
        - name: clicks
          format: csv
          location: c.csv
          kind: event
          conventions: {timezone: America/New_York}
          record_key: id
          fields: {phone: phone, event_ts: {column: ts, format: "%m/%d/%Y %H:%M"},
                   event_type: {value: click}, channel: {value: sms}}
    """)
    delivered = tmp_path / "c.csv"
    delivered.write_text("x")
    os.utime(delivered, (dt.datetime(2026, 11, 5, 12, tzinfo=dt.UTC).timestamp(),) * 2)
    raw = pd.DataFrame({
        "ts": ["11/20/2026 09:00",   # a day in the window
               "11/20/2026 21:30",   # New York evening: already the 21st in UTC
               "03/02/2019 10:00",   # history: the first day, the initial load
               "not a date",         # unreadable: the day its file was delivered
               "12/25/2026 10:00",   # after the last day: the delivery day too (staging rejects it there)
               None],
        "_file": [delivered.name] * 5 + [None],  # the file's name, as readers record it; none (SQL): the last day
    })
    days = event_days(raw, config.get("clicks"), FIRST, LAST, landed=[delivered])
    assert days.tolist() == ["2026-11-20", "2026-11-21", "2026-11-01", "2026-11-05", "2026-11-05", "2026-11-22"]
    # the same file as part of the source's declared location: the initial load, the first day
    initial = event_days(raw, config.get("clicks"), FIRST, LAST)
    assert initial.tolist()[3:5] == ["2026-11-01", "2026-11-01"]
