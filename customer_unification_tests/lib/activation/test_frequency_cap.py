import datetime as dt

import duckdb
import pytest

from customer_unification.lib.activation import ActivationConfig, build_audiences, load_activation_config, \
    record_contacts
from customer_unification_tests.lib.activation import NOW, build_warehouse, person, reasons, rows, set_members

CAMPAIGNS = [{"name": f"seg_{c}", "channel": "email", "campaign": c} for c in ("autumn", "black_friday", "winter")]


def capped(max_contacts=2, window_days=30, priority=(), **extra) -> ActivationConfig:
    data = load_activation_config().model_dump()
    cap = {"max_contacts": max_contacts, "window_days": window_days, **extra}
    return ActivationConfig.model_validate({**data, "frequency_cap": cap, "priority": list(priority)})


@pytest.fixture
def con():
    with duckdb.connect() as c:
        build_warehouse(c, [
            person("C1", email="ann@example.com", consent={"email": "granted", "social": "granted"}),
            person("C2", email="bob@example.com", consent={"email": "granted"}),
        ])
        set_members(c, [("C1", s["name"]) for s in CAMPAIGNS] + [("C2", "seg_winter")])
        yield c


def build(con, config, *, run_id="run-1", now=NOW, specs=CAMPAIGNS):
    return build_audiences(con, "members", specs, config, run_id=run_id, identity_run_id="id-1", now=now,
                           hasher=lambda kind, value: "never-listed")


def capped_audiences(con, customer_id="C1"):
    return sorted(a for (a,) in con.execute("""SELECT audience FROM activation.suppressed
                                               WHERE customer_id = ? AND reason = 'frequency_cap'""",
                                            [customer_id]).fetchall())


def test_three_campaigns_under_a_cap_of_two_drop_the_lowest_priority_one(con):
    result = build(con, capped(priority=["seg_winter", "seg_autumn", "seg_black_friday"]))
    assert capped_audiences(con) == ["seg_black_friday__email"]
    assert "C1" in rows(con, "seg_winter__email") and "C1" in rows(con, "seg_autumn__email")
    assert reasons(con, "seg_black_friday__email") == {"C1": "frequency_cap"}
    assert "C2" in rows(con, "seg_winter__email")  # one contact: under the cap
    counts = {a.audience: a.suppressed["frequency_cap"] for a in result.audiences}
    assert counts == {"seg_autumn__email": 0, "seg_black_friday__email": 1, "seg_winter__email": 0}
    assert result.reconciliation_problems() == []

    build(con, capped(priority=["seg_black_friday"]))  # unlisted segments follow by name
    assert capped_audiences(con) == ["seg_winter__email"]


def test_contacts_recorded_by_an_earlier_run_count_within_the_window(con):
    build(con, capped(), specs=CAMPAIGNS[:1], run_id="run-1", now=NOW - dt.timedelta(days=10))
    assert record_contacts(con, contacted_at=NOW - dt.timedelta(days=10)) == 1
    build(con, capped(priority=["seg_winter", "seg_black_friday"]), run_id="run-2")
    # one contact 10 days ago leaves one of two: only the top priority audience gets C1
    assert capped_audiences(con) == ["seg_autumn__email", "seg_black_friday__email"]
    assert "C2" in rows(con, "seg_winter__email")

    build(con, capped(window_days=7), run_id="run-2")  # the earlier contact is outside a 7-day window
    assert capped_audiences(con) == ["seg_winter__email"]


def test_a_rerun_does_not_count_its_own_recorded_contacts(con):
    build(con, capped(max_contacts=3), run_id="run-1")
    assert record_contacts(con, contacted_at=NOW) == 4
    build(con, capped(max_contacts=3), run_id="run-1")  # the same run again, e.g. after a failed export
    assert capped_audiences(con) == []
    assert record_contacts(con, contacted_at=NOW) == 0  # already sent today: nothing new
    history = con.sql("SELECT run_id, count(*) FROM activation.contact_history GROUP BY ALL").fetchall()
    assert history == [("run-1", 4)]  # not appended twice

    build(con, capped(max_contacts=3), run_id="run-2", now=NOW + dt.timedelta(days=1))
    assert capped_audiences(con) == ["seg_autumn__email", "seg_black_friday__email", "seg_winter__email"]


def test_history_after_now_and_uncapped_channels_do_not_count(con):
    con.execute("CREATE SCHEMA activation")
    con.execute("""CREATE TABLE activation.contact_history AS SELECT * FROM (VALUES
        ('C1', 'old__social', 'social', 'ads', TIMESTAMPTZ '2026-10-30 00:00:00+00', 'run-0'),
        ('C1', 'later__email', 'email', 'x', TIMESTAMPTZ '2026-11-20 00:00:00+00', 'run-9'))
        t(customer_id, audience, channel, campaign, contacted_at, run_id)""")
    build(con, capped(max_contacts=3))
    assert capped_audiences(con) == []
    build(con, capped(max_contacts=3, channels=["email", "social"]))  # social counted: one too many
    assert capped_audiences(con) == ["seg_winter__email"]


def test_no_cap_configured_keeps_everyone(con):
    config = load_activation_config().model_copy(update={"frequency_cap": None})
    build(con, config)
    assert capped_audiences(con) == [] and all("C1" in rows(con, s["name"] + "__email") for s in CAMPAIGNS)


def test_an_audience_that_suppressed_them_for_another_reason_uses_none_of_their_allowance(con):
    specs = [{"name": "seg_sms", "channel": "sms", "campaign": "flash"}, *CAMPAIGNS]  # no SMS consent
    set_members(con, [("C1", s["name"]) for s in specs])
    build(con, capped(max_contacts=2, priority=["seg_sms", "seg_autumn", "seg_black_friday"]), specs=specs)
    assert reasons(con, "seg_sms__sms") == {"C1": "no_consent"}
    assert capped_audiences(con) == ["seg_winter__email"]
