"""Segment definitions -> DuckDB SQL: set-based, every segment in one pass over the events.

Each event condition of every segment becomes one aggregate column of a per-customer `facts`
table computed in a single scan of the events up to `as_of` (a FILTERed count, or the first /
last time of a kind of event). A segment is then a boolean expression over one row of
`traits LEFT JOIN facts`, so a hundred segments still read the events once.

Window boundaries are computed in Python (`Window.start`) and written as UTC literals: the SQL
does no calendar arithmetic of its own, so the result does not depend on the session's TimeZone.
The universe is the traits table: one row per customer, whether or not they have events.
"""

import datetime as dt
import re
from collections.abc import Iterable

import duckdb

from customer_unification.lib.profiles.traits import utc_literal
from customer_unification.lib.segments.config import (
    AllOf,
    AnyOf,
    Condition,
    EventAfterCondition,
    EventCondition,
    Not,
    SegmentDefinition,
    SegmentsConfig,
    TraitCondition,
)

DEFAULT_TRAITS = "profiles.customer_traits"
DEFAULT_EVENTS = "profiles.customer_events"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")
_SQL_OPS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def compile_segment(segment: SegmentDefinition, *, as_of: dt.datetime, traits: str = DEFAULT_TRAITS,
                    events: str = DEFAULT_EVENTS) -> str:
    """One query returning the `customer_id` of every member of `segment` as of `as_of`."""
    plan = _Plan([segment], as_of, traits, events)
    return f"{plan.with_clause()}\nSELECT t.customer_id\n{plan.from_clause()}\nWHERE {plan.condition(segment)}"


def compile_segments(segments: SegmentsConfig | Iterable[SegmentDefinition], *, as_of: dt.datetime,
                     traits: str = DEFAULT_TRAITS, events: str = DEFAULT_EVENTS) -> str:
    """One query returning (customer_id, segment) for every segment, one row per membership."""
    segments = _as_list(segments)
    plan = _Plan(segments, as_of, traits, events)
    flags = ",\n           ".join(f"{plan.condition(s)} AS {_flag(i)}" for i, s in enumerate(segments))
    members = "\n    UNION ALL\n    ".join(
        f"SELECT customer_id, {_q(s.name)} AS segment FROM flags WHERE {_flag(i)}" for i, s in enumerate(segments))
    if not segments:
        return "SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS segment WHERE FALSE"
    return f"""{plan.with_clause(materialized=True)}{',' if plan.has_facts else 'WITH'}
    flags AS MATERIALIZED (
        SELECT t.customer_id,
           {flags}
        {plan.from_clause()}
    )
    {members}"""


def evaluate_segments(
    con: duckdb.DuckDBPyConnection,
    segments: SegmentsConfig | Iterable[SegmentDefinition],
    *,
    as_of: dt.datetime,
    traits: str = DEFAULT_TRAITS,
    events: str = DEFAULT_EVENTS,
    out: str = "segment_members",
) -> dict[str, int]:
    """Create (replace) table `out` (customer_id, segment) with the current members of every
    segment; return the member count per segment (0 for empty ones), in definition order."""
    segments = _as_list(segments)
    check_identifier(out)
    if "." in out:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {out.rsplit('.', 1)[0]}")
    sql = compile_segments(segments, as_of=as_of, traits=traits, events=events)
    con.execute(f"CREATE OR REPLACE TABLE {out} AS {sql}")
    counts = dict(con.sql(f"SELECT segment, count(*) FROM {out} GROUP BY segment").fetchall())
    return {s.name: counts.get(s.name, 0) for s in segments}


def _as_list(segments: SegmentsConfig | Iterable[SegmentDefinition]) -> list[SegmentDefinition]:
    segments = list(segments.segments if isinstance(segments, SegmentsConfig) else segments)
    names = [s.name for s in segments]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"segment(s) given more than once: {repeated}")
    return segments


def _flag(i: int) -> str:
    return f"in_segment_{i}"


class _Plan:
    """The event aggregates a set of segments needs, shared between them, and the SQL around them."""

    def __init__(self, segments: list[SegmentDefinition], as_of: dt.datetime, traits: str, events: str):
        for name in (traits, events):
            check_identifier(name)
        self.as_of, self.traits, self.events = as_of, traits, events
        self.columns: dict[tuple, str] = {}  # aggregate (as a hashable key) -> its column in facts
        self.types: set[str] = set()
        for segment in segments:
            for leaf in _event_leaves(segment.where):
                self._register(leaf)

    @property
    def has_facts(self) -> bool:
        return bool(self.columns)

    # -- the facts table -------------------------------------------------------------------
    def _register(self, leaf: EventCondition | EventAfterCondition) -> None:
        if isinstance(leaf, EventCondition):
            self._column(("count", leaf.types, self._start(leaf.within), leaf.categories, leaf.channels))
            self.types.update(leaf.types)
        else:
            start = self._start(leaf.within)
            self._column(("last", leaf.first, start))
            self._column(("first", leaf.first, start) if leaf.then_happened else ("last", leaf.first, start))
            self._column(("last", leaf.then, None))
            self.types.update(leaf.first + leaf.then)

    def _column(self, key: tuple) -> str:
        if key not in self.columns:
            self.columns[key] = f"fact_{len(self.columns)}"
        return self.columns[key]

    def _start(self, window) -> dt.datetime | None:
        return window.start(self.as_of) if window is not None else None

    def _aggregate(self, key: tuple) -> str:
        kind, types, start = key[0], key[1], key[2]
        predicate = [f"event_type IN ({_sql_list(types)})"]
        if start is not None:
            predicate.append(f"event_ts >= {utc_literal(start)}")
        if kind == "count":
            categories, channels = key[3], key[4]
            if categories:
                # product_category lists several categories joined by '|' for multi-item orders
                predicate.append(r"list_has_any(regexp_split_to_array(trim(product_category), '\s*\|\s*'), "
                                 f"[{_sql_list(categories)}])")
            if channels:
                predicate.append(f"channel IN ({_sql_list(channels)})")
        where = " AND ".join(predicate)
        function = {"count": "count(*)", "first": "min(event_ts)", "last": "max(event_ts)"}[kind]
        return f"{function} FILTER (WHERE {where})"

    def with_clause(self, materialized: bool = False) -> str:
        if not self.columns:
            return ""
        aggregates = ",\n               ".join(f"{self._aggregate(k)} AS {c}" for k, c in self.columns.items())
        return f"""WITH facts AS {'MATERIALIZED ' if materialized else ''}(
        SELECT customer_id,
               {aggregates}
        FROM {self.events}
        WHERE event_ts <= {utc_literal(self.as_of)} AND event_type IN ({_sql_list(sorted(self.types))})
        GROUP BY customer_id
    )"""

    def from_clause(self) -> str:
        join = "LEFT JOIN facts f ON f.customer_id = t.customer_id" if self.columns else ""
        return f"FROM {self.traits} t {join}"

    # -- conditions ------------------------------------------------------------------------
    def condition(self, segment: SegmentDefinition) -> str:
        return self._sql(segment.where)

    def _sql(self, node: Condition) -> str:
        if isinstance(node, AllOf):
            return "(" + " AND ".join(self._sql(c) for c in node.children) + ")"
        if isinstance(node, AnyOf):
            return "(" + " OR ".join(self._sql(c) for c in node.children) + ")"
        if isinstance(node, Not):
            return f"(NOT {self._sql(node.child)})"
        if isinstance(node, TraitCondition):
            return _trait_sql(node)
        if isinstance(node, EventCondition):
            column = self.columns[("count", node.types, self._start(node.within), node.categories, node.channels)]
            n = f"coalesce(f.{column}, 0)"
            return f"({n} = 0)" if node.absent else f"({n} >= {int(node.count_at_least)})"
        if isinstance(node, EventAfterCondition):
            start = self._start(node.within)
            last_first = f"f.{self.columns[('last', node.first, start)]}"
            last_then = f"f.{self.columns[('last', node.then, None)]}"
            if node.then_happened:  # some `then` at or after the earliest `first` of the window
                earliest_first = f"f.{self.columns[('first', node.first, start)]}"
                return f"coalesce({last_then} >= {earliest_first}, FALSE)"
            # the latest `first` of the window has no `then` at or after it
            return f"({last_first} IS NOT NULL AND ({last_then} IS NULL OR {last_then} < {last_first}))"
        raise TypeError(f"not a condition: {node!r}")


def _event_leaves(node: Condition):
    if isinstance(node, (AllOf, AnyOf)):
        for child in node.children:
            yield from _event_leaves(child)
    elif isinstance(node, Not):
        yield from _event_leaves(node.child)
    elif isinstance(node, (EventCondition, EventAfterCondition)):
        yield node


def _trait_sql(node: TraitCondition) -> str:
    column = f't."{node.trait}"'
    if node.op == "is_null":
        return f"({column} IS NULL)"
    if node.op == "not_null":
        return f"({column} IS NOT NULL)"
    if node.op in ("in", "not_in"):
        expr = f"{column} {'NOT IN' if node.op == 'not_in' else 'IN'} ({', '.join(_literal(v) for v in node.value)})"
    elif node.op == "between":
        expr = f"{column} BETWEEN {_literal(node.value[0])} AND {_literal(node.value[1])}"
    else:
        expr = f"{column} {_SQL_OPS[node.op]} {_literal(node.value)}"
    # a comparison with a missing value is false (two-valued logic: NOT of it is then true)
    return f"coalesce({expr}, FALSE)"


def _literal(value) -> str:
    if isinstance(value, dt.datetime):
        return utc_literal(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return _q(str(value))


def _q(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values) -> str:
    return ", ".join(_q(v) for v in values) or "NULL"


def check_identifier(name: str) -> None:
    if not _IDENT.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
