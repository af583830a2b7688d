"""Issue 14 defect 7: an audience build replaces `audience_members` and `suppressed` together.

Before: two statements, each committed on its own, so a failure between them left this run's
members beside the previous run's suppressions (and the counts no longer reconciled)."""

import duckdb
import pytest

from customer_unification.lib.activation import build_audiences, load_activation_config
from customer_unification.lib.governance import IdentifierHasher
from customer_unification_tests.lib.activation import NOW, build_warehouse, person, set_members

HASHER = IdentifierHasher(b"activation-test-key")
NO_CAP = load_activation_config().model_copy(update={"frequency_cap": None})
SPRING = [{"name": "spring", "channel": "email"}]


class FailsWriting:
    """The connection, except that the statement writing `table` fails (a full disk, a crash)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str):
        self._con, self._table = con, table

    def execute(self, sql: str, *args, **kwargs):
        if f"TABLE {self._table} AS" in sql:
            raise duckdb.IOException(f"could not write {self._table}")
        return self._con.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _tables(con) -> dict:
    return {t: con.execute(f"SELECT run_id, audience, customer_id FROM activation.{t} ORDER BY ALL").fetchall()
            for t in ("audience_members", "suppressed")}


def _build(con, run_id: str):
    return build_audiences(con, "members", SPRING, NO_CAP, run_id=run_id, identity_run_id="id-1", now=NOW,
                           hasher=HASHER)


def test_a_failure_writing_the_suppressed_table_leaves_the_previous_build_whole():
    con = duckdb.connect()
    build_warehouse(con, [person("C1", email="ann@example.com", consent={"email": "granted"}),
                          person("C2", email="bob@example.com", consent={"email": "denied"})])
    set_members(con, [("C1", "spring"), ("C2", "spring")])
    _build(con, "run-1")
    before = _tables(con)
    assert before == {"audience_members": [("run-1", "spring__email", "C1")],
                      "suppressed": [("run-1", "spring__email", "C2")]}

    with pytest.raises(duckdb.IOException, match="could not write activation.suppressed"):
        _build(FailsWriting(con, "activation.suppressed"), "run-2")
    assert _tables(con) == before  # not run-2's members beside run-1's suppressions

    _build(con, "run-3")  # the connection is clean: the next build goes through whole
    assert {t: {r for r, *_ in rows} for t, rows in _tables(con).items()} == {
        "audience_members": {"run-3"}, "suppressed": {"run-3"}}
