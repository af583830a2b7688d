"""Membership history: enter, stay, exit, re-enter, identity merges, definition changes, re-runs."""

import datetime as dt

import duckdb
import pandas as pd
import pytest

from customer_unification.lib.segments.config import EventCondition, SegmentDefinition, TraitCondition, Window
from customer_unification.lib.segments.membership import (
    entered_between,
    exited_between,
    members_at,
    update_membership,
)

UTC = dt.timezone.utc
RUNS = [dt.datetime(2026, 9, 1, tzinfo=UTC), dt.datetime(2026, 10, 1, tzinfo=UTC), dt.datetime(2026, 11, 1, tzinfo=UTC),
        dt.datetime(2026, 12, 1, tzinfo=UTC)]
LOYAL = SegmentDefinition("loyal", TraitCondition("n_orders", ">=", 4), channel="email")
LAPSED = SegmentDefinition("lapsed", EventCondition(("order",), Window(6, "month"), absent=True), channel="social")
DEFS = [LOYAL, LAPSED]


def _run(con, as_of, members, defs=DEFS, customers=None, run_id=None):
    frame = pd.DataFrame(members, columns=["customer_id", "segment"])
    if customers is not None:
        con.execute("CREATE OR REPLACE TABLE customers AS SELECT * FROM (SELECT unnest(?::VARCHAR[]) AS customer_id)",
                    [customers])
    return update_membership(con, frame, as_of, run_id or f"run-{as_of:%m}", defs,
                             customers="customers" if customers is not None else None)


def _history(con, segment="loyal"):
    return con.sql(f"""SELECT customer_id, entered_at::DATE::VARCHAR, exited_at::DATE::VARCHAR, exit_reason
                       FROM segments.segment_membership WHERE segment = '{segment}'
                       ORDER BY customer_id, entered_at""").fetchall()


def test_enter_stay_exit_and_reenter():
    con = duckdb.connect()
    first = _run(con, RUNS[0], [("A", "loyal"), ("B", "loyal"), ("A", "lapsed")])
    assert first.entered == {"loyal": 2, "lapsed": 1} and first.exited == {"loyal": 0, "lapsed": 0}
    second = _run(con, RUNS[1], [("A", "loyal"), ("A", "lapsed"), ("A", "loyal")])  # duplicates are harmless
    assert second.members == {"loyal": 1, "lapsed": 1} and second.exited["loyal"] == 1
    _run(con, RUNS[2], [("A", "loyal"), ("B", "loyal")])
    assert _history(con) == [
        ("A", "2026-09-01", None, None),  # continuing member: one row, untouched
        ("B", "2026-09-01", "2026-10-01", "left_segment"),
        ("B", "2026-11-01", None, None),  # re-entry: a new row
    ]
    assert _history(con, "lapsed") == [("A", "2026-09-01", "2026-11-01", "left_segment")]
    row = con.sql("SELECT identity_run_id, exit_identity_run_id, definition_version FROM segments.segment_membership "
                  "WHERE customer_id = 'B' AND exited_at IS NOT NULL").fetchall()
    assert row == [("run-09", "run-10", LOYAL.version)]


def test_identity_merge_closes_the_vanished_id_and_the_survivor_enters():
    con = duckdb.connect()
    _run(con, RUNS[0], [("A", "loyal"), ("B", "lapsed"), ("C", "loyal")], customers=["A", "B", "C"])
    # B merged into A: B disappears; A (the survivor) now qualifies for lapsed; C just left loyal
    update = _run(con, RUNS[1], [("A", "loyal"), ("A", "lapsed")], customers=["A", "C"])
    assert update.identity_changed == 1
    assert _history(con, "lapsed") == [("A", "2026-10-01", None, None),
                                       ("B", "2026-09-01", "2026-10-01", "identity_changed")]
    assert _history(con) == [("A", "2026-09-01", None, None), ("C", "2026-09-01", "2026-10-01", "left_segment")]


def test_a_removed_segment_is_closed_and_a_changed_definition_is_visible():
    con = duckdb.connect()
    _run(con, RUNS[0], [("A", "loyal"), ("B", "lapsed")])
    stricter = SegmentDefinition("loyal", TraitCondition("n_orders", ">=", 6), channel="email")
    update = _run(con, RUNS[1], [("A", "loyal"), ("C", "loyal")], defs=[stricter])
    assert update.exited["lapsed"] == 1
    assert _history(con, "lapsed") == [("B", "2026-09-01", "2026-10-01", "segment_removed")]
    versions = dict(con.sql("SELECT customer_id, definition_version FROM segments.segment_membership "
                            "WHERE segment = 'loyal'").fetchall())
    assert versions == {"A": LOYAL.version, "C": stricter.version} and LOYAL.version != stricter.version
    snapshot = con.sql("SELECT segment, as_of::DATE::VARCHAR, members, entered, exited, identity_run_id, "
                       "definition_version FROM segments.segment_snapshot ORDER BY as_of, segment").fetchall()
    assert snapshot == [
        ("lapsed", "2026-09-01", 1, 1, 0, "run-09", LAPSED.version),
        ("loyal", "2026-09-01", 1, 1, 0, "run-09", LOYAL.version),
        ("loyal", "2026-10-01", 2, 1, 0, "run-10", stricter.version),
    ]


def test_rerunning_an_as_of_replaces_it():
    con = duckdb.connect()
    _run(con, RUNS[0], [("A", "loyal"), ("B", "loyal")])
    _run(con, RUNS[1], [("A", "loyal"), ("C", "loyal")])
    again = _run(con, RUNS[1], [("B", "loyal"), ("D", "loyal")], run_id="run-10b")
    assert again.replaced_run and again.entered["loyal"] == 1 and again.exited["loyal"] == 1
    assert _history(con) == [("A", "2026-09-01", "2026-10-01", "left_segment"), ("B", "2026-09-01", None, None),
                             ("D", "2026-10-01", None, None)]
    assert con.sql("SELECT count(*) FROM segments.segment_snapshot WHERE as_of = '2026-10-01'").fetchall() == [(2,)]
    assert not again.rewound_from and again.runs_undone == 0


def test_an_earlier_as_of_after_a_later_one_rewinds_history_instead_of_failing_every_run():
    """Issue 14 defect 9: one run dated ahead made every run with an earlier date fail for good
    (`membership history already runs to ...`). The earlier run now undoes the later ones."""
    con = duckdb.connect()
    _run(con, RUNS[0], [("A", "loyal"), ("B", "loyal")])
    _run(con, RUNS[1], [("A", "loyal"), ("C", "loyal")])  # B exits, C enters
    _run(con, RUNS[3], [("C", "loyal")])  # dated ahead: A exits
    back = _run(con, RUNS[2], [("A", "loyal"), ("B", "loyal")])
    assert (back.rewound_from, back.runs_undone, back.replaced_run) == ("2026-12-01T00:00:00+00:00", 1, False)
    assert (back.members["loyal"], back.entered["loyal"], back.exited["loyal"]) == (2, 1, 1)
    assert _history(con) == [("A", "2026-09-01", None, None), ("B", "2026-09-01", "2026-10-01", "left_segment"),
                             ("B", "2026-11-01", None, None), ("C", "2026-10-01", "2026-11-01", "left_segment")]
    snapshots = con.sql("SELECT DISTINCT as_of::DATE::VARCHAR FROM segments.segment_snapshot ORDER BY 1").fetchall()
    assert snapshots == [("2026-09-01",), ("2026-10-01",), ("2026-11-01",)]
    rebuilt = _history(con)
    again = _run(con, RUNS[2], [("A", "loyal"), ("B", "loyal")])  # and runs of that date work from now on
    assert again.replaced_run and again.rewound_from is None and _history(con) == rebuilt


def test_members_of_an_undefined_segment_are_refused_and_nothing_changes():
    con = duckdb.connect()
    _run(con, RUNS[0], [("A", "loyal")])
    with pytest.raises(ValueError, match=r"undefined segment\(s\) \['vip'\]"):
        _run(con, RUNS[1], [("A", "vip")])
    assert _history(con) == [("A", "2026-09-01", None, None)]


def test_who_entered_left_or_was_in_a_segment_over_time():
    con = duckdb.connect()
    for as_of, members in zip(RUNS, ([("A", "loyal")], [("A", "loyal"), ("B", "loyal")], [("B", "loyal")],
                                     [("A", "loyal"), ("B", "loyal")])):
        _run(con, as_of, members)

    def ids(rel):
        return [r[0] for r in rel.fetchall()]

    assert ids(entered_between(con, "loyal", RUNS[1], RUNS[3])) == ["B"]  # [start, end): A's re-entry is at the end
    assert ids(entered_between(con, "loyal", RUNS[0], RUNS[3] + dt.timedelta(days=1))) == ["A", "A", "B"]
    assert ids(exited_between(con, "loyal", RUNS[0], RUNS[3])) == ["A"]
    assert ids(members_at(con, "loyal", RUNS[2] + dt.timedelta(days=3))) == ["B"]
    assert ids(members_at(con, "loyal", RUNS[1])) == ["A", "B"]
    assert ids(entered_between(con, "lapsed", RUNS[0], RUNS[3])) == []


def test_current_members_may_be_a_table_or_a_relation():
    con = duckdb.connect()
    con.execute("CREATE TABLE now_members AS "
                "SELECT * FROM (VALUES ('A', 'loyal'), ('B', 'lapsed')) t(customer_id, segment)")
    update_membership(con, "now_members", RUNS[0], "r1", DEFS, out="hist", snapshot_out="sizes")
    update_membership(con, con.sql("SELECT 'B' AS customer_id, 'lapsed' AS segment"), RUNS[1], "r2", DEFS,
                      out="hist", snapshot_out="sizes")
    assert con.sql("SELECT customer_id, segment, exited_at IS NULL FROM hist ORDER BY 1").fetchall() == [
        ("A", "loyal", False), ("B", "lapsed", True)]
    assert con.sql("SELECT count(*) FROM sizes").fetchall() == [(4,)]


def test_with_no_definitions_left_every_open_row_is_closed_as_removed():
    con = duckdb.connect()
    _run(con, RUNS[0], [("A", "loyal"), ("B", "lapsed")])
    update = _run(con, RUNS[1], [], defs=[])
    assert update.exited == {"loyal": 1, "lapsed": 1} and update.members == {}
    assert {r[3] for r in _history(con) + _history(con, "lapsed")} == {"segment_removed"}
