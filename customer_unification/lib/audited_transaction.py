"""Write-audit-publish on the warehouse: a step's tables are written in one open transaction,
audited there by its gates, and published (committed) only when every gate passed.

    with AuditedTransaction(con) as candidate:
        ... write the tables (and any state) on `con`, evaluate the gates on them ...
        candidate.decide({gate: passed, ...})       # COMMIT if all passed, else ROLLBACK

An exception before decide() - or leaving the block undecided - rolls everything back; so does a
crash or kill -9 (DuckDB discards an uncommitted transaction on recovery). DuckDB's MVCC hides the
candidate from every other connection until the commit, so a table never mixes two runs and a
refused candidate leaves the last good version published - for everything downstream and for the
next run's comparisons. Dagster-free: identity (lib/matching/publish.py) and the table writes of
staging, profiles and activation (resources/table_writes.py) share it.
"""

import contextlib
from collections.abc import Mapping

import duckdb


class AuditedTransaction:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self.published: bool | None = None  # None until decided
        self.failed: list[str] = []  # the gates that did not pass

    def __enter__(self):
        self._con.execute("BEGIN TRANSACTION")
        return self

    def decide(self, gates: Mapping[str, bool]) -> bool:
        """Publish (commit) when every gate (name -> passed) passed, else roll back."""
        self.failed = [name for name, passed in gates.items() if not passed]
        self._con.execute("ROLLBACK" if self.failed else "COMMIT")
        self.published = not self.failed
        return self.published

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self.published is None:  # an error, or no decision: nothing of this candidate is published
            # after an error DuckDB may have ended the transaction itself: the error is the news
            with contextlib.suppress(duckdb.Error) if exc_type else contextlib.nullcontext():
                self._con.execute("ROLLBACK")
            self._discard()
        return False

    def _discard(self) -> None:
        """What a subclass registered on the connection for the candidate, left behind."""
