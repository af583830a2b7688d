"""Issue 14, defect 3: only a new send counts against the frequency cap.

Each test runs what `activation.audience_exports` runs (build, files, SQL destination, contact
history) on a real DuckDB warehouse and SQLite destination, once per pipeline run.
"""

import datetime as dt

import duckdb
import pytest

from customer_unification.lib.activation import (build_audiences, export_files, export_to_sql,
                                                 load_activation_config, record_contacts)
from customer_unification_tests.lib.activation import NOW, build_warehouse, person, set_members

CAMPAIGNS = [{"name": f"seg_{c}", "channel": "email", "campaign": c} for c in ("autumn", "black_friday", "winter")]
CONFIG = load_activation_config()  # the default cap: 3 messages per person in 7 days


@pytest.fixture
def con():
    with duckdb.connect() as c:
        build_warehouse(c, [
            person("C1", email="ann@example.com", consent={"email": "granted"}),
            person("C2", email="bob@example.com", consent={"email": "granted"}),
            person("C3", email="cy@example.com", consent={"email": "granted"}),
        ])
        set_members(c, [("C1", s["name"]) for s in CAMPAIGNS] + [("C2", "seg_winter")])
        yield c


def exporting_run(con, tmp_path, run_id: str, now: dt.datetime) -> int:
    """One materialisation of build_audiences + audience_exports; returns the contacts it recorded."""
    build = build_audiences(con, "members", CAMPAIGNS, CONFIG, run_id=run_id, identity_run_id="id-1", now=now,
                            hasher=lambda kind, value: "never-listed")
    assert build.reconciliation_problems() == []
    export_files(con, tmp_path / "exports" / run_id, run_id=run_id, created_at=now)
    export_to_sql(con, f"sqlite:///{tmp_path / 'audiences.sqlite'}", exported_at=now)
    return record_contacts(con, contacted_at=now)


def audience(con) -> list[tuple[str, str]]:
    return con.sql("SELECT audience, customer_id FROM activation.audience_members ORDER BY ALL").fetchall()


def suppressed(con) -> dict[str, int]:
    return dict(con.sql("SELECT reason, count(*) FROM activation.suppressed GROUP BY ALL").fetchall())


def history(con) -> int:
    return con.sql("SELECT count(*) FROM activation.contact_history").fetchall()[0][0]


def test_five_exporting_runs_in_twenty_minutes_send_once_and_cap_nobody(con, tmp_path):
    assert exporting_run(con, tmp_path, "run-1", NOW) == 4  # C1 in three audiences (at the cap), C2 in one
    first = audience(con)
    assert len(first) == 4 and suppressed(con) == {}
    for i in range(2, 6):  # re-runs and retries, each a new Dagster run id, with unchanged data
        assert exporting_run(con, tmp_path, f"run-{i}", NOW + dt.timedelta(minutes=5 * (i - 1))) == 0
        assert audience(con) == first
        assert suppressed(con) == {}  # formerly 4 'frequency_cap' from the second run on
    assert history(con) == 4
    members = con.sql("SELECT count(*) FROM members").fetchall()[0][0]
    assert len(audience(con)) + sum(suppressed(con).values()) == members  # nothing lost


def test_a_changed_audience_records_only_its_new_members(con, tmp_path):
    assert exporting_run(con, tmp_path, "run-1", NOW) == 4
    set_members(con, [("C1", s["name"]) for s in CAMPAIGNS] + [("C2", "seg_winter"), ("C3", "seg_winter")])
    assert exporting_run(con, tmp_path, "run-2", NOW + dt.timedelta(hours=1)) == 1  # C3 only
    assert history(con) == 5
    new = con.sql("SELECT customer_id, audience, run_id FROM activation.contact_history WHERE run_id = 'run-2'")
    assert new.fetchall() == [("C3", "seg_winter__email", "run-2")]
    assert suppressed(con) == {}


def test_the_same_audience_on_another_day_is_a_new_send_and_counts(con, tmp_path):
    assert exporting_run(con, tmp_path, "run-1", NOW) == 4
    assert exporting_run(con, tmp_path, "run-2", NOW + dt.timedelta(days=1)) == 1  # C2; C1 is over the cap
    assert suppressed(con) == {"frequency_cap": 3}
    capped = con.sql("SELECT customer_id, count(*) FROM activation.suppressed WHERE reason = 'frequency_cap' "
                     "GROUP BY ALL").fetchall()
    assert capped == [("C1", 3)]
    assert history(con) == 5


def test_a_rerun_keeps_what_was_already_sent_before_a_new_higher_priority_audience(con, tmp_path):
    """C1 got three messages today; a new top-priority audience the same day must not push the total to four."""
    assert exporting_run(con, tmp_path, "run-1", NOW) == 4
    specs = [{"name": "seg_flash", "channel": "email", "campaign": "flash"}, *CAMPAIGNS]
    set_members(con, [("C1", s["name"]) for s in specs] + [("C2", "seg_winter")])
    config = CONFIG.model_copy(update={"priority": ["seg_flash"]})
    build_audiences(con, "members", specs, config, run_id="run-2", identity_run_id="id-1",
                    now=NOW + dt.timedelta(minutes=10), hasher=lambda kind, value: "never-listed")
    assert con.sql("SELECT audience, customer_id, reason FROM activation.suppressed").fetchall() == [
        ("seg_flash__email", "C1", "frequency_cap")]
    assert record_contacts(con, contacted_at=NOW + dt.timedelta(minutes=10)) == 0
    assert history(con) == 4


def test_a_history_polluted_before_the_fix_counts_each_send_once(con, tmp_path):
    """Rows re-recorded by earlier versions (one per run, same audience and day) are one send, not five."""
    con.execute("CREATE SCHEMA activation")
    con.execute("""CREATE TABLE activation.contact_history AS
        SELECT 'C1' AS customer_id, 'seg_autumn__email' AS audience, 'email' AS channel, 'autumn' AS campaign,
               TIMESTAMPTZ '2026-10-31 09:00:00+00' + to_minutes(5 * i) AS contacted_at, 'old-' || i AS run_id
        FROM range(5) t(i)""")
    assert exporting_run(con, tmp_path, "run-1", NOW) == 4 - 1  # one earlier send: C1 gets two of three
    assert dict(con.sql("SELECT audience, reason FROM activation.suppressed").fetchall()) == {
        "seg_winter__email": "frequency_cap"}
    assert history(con) == 5 + 3
