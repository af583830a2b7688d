"""Golden profiles: one row per customer, each field taken from the record that wins its rule.

`build_golden_profiles` ranks, per customer and golden field group, every record that has the
field, by the group's ordered strategies (profiles config), in DuckDB window functions. The
winning record supplies the value *and* the provenance: `<group>_source`,
`<group>_source_record_id`, `<group>_observed_at` on the profile, and one row per field in the
long provenance table with the rule that decided it. A group's columns all come from its one
winning record, so an address is never stitched from two addresses.

Every customer in the identity map gets a profile, event-only ones included (their fields may
be NULL). Nothing is read row by row in Python.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb

from customer_unification.lib.profiles.config import FieldRule, ProfilesConfig
from customer_unification.lib.profiles.golden_fields import FIELD_GROUPS, FieldGroup
from customer_unification.lib.profiles.records import customer_records_sql, sql_text_list, table_name

PROFILE_COLUMNS: dict[str, str] = {
    "customer_id": "the customer (identity.customer_identity_map)",
    **{col: f"golden {col.replace('_', ' ')}, from the record that won the {group} rule"
       for group, g in FIELD_GROUPS.items() for col in g.columns},
    "n_records": "staged records of the customer",
    "n_sources": "distinct sources among them",
    "sources": "those sources, sorted",
    "first_seen": "earliest record time (updated_at, consent_updated_at, event_ts, created_at, loaded_at)",
    "last_seen": "latest record time",
    **{f"{group}_{part}": f"{group}: {what}" for group in FIELD_GROUPS for part, what in (
        ("source", "source of the winning record"), ("source_record_id", "key of the winning record"),
        ("observed_at", "time of the winning record"))},
}
PROVENANCE_COLUMNS: dict[str, str] = {
    "customer_id": "the customer",
    "field": "golden field group (title, first_name, ..., address)",
    "source": "source of the winning record",
    "source_record_id": "key of the winning record",
    "observed_at": "time of the winning record",
    "rule": "the step that decided: a strategy name, 'trusted source', 'preferred phone type', "
            "'only candidate', 'all candidates agree' or 'source order' (a full tie)",
    "n_candidates": "records of the customer holding the field",
    "n_values": "distinct values among them",
}


@dataclass
class GoldenProfilesResult:
    """What a build produced, for asset metadata."""

    customers: int
    filled: dict[str, int] = field(default_factory=dict)  # golden field group -> customers with a value
    rules: dict[str, dict[str, int]] = field(default_factory=dict)  # group -> deciding rule -> customers


@dataclass(frozen=True)
class _Step:
    label: str  # the strategy it implements, reported as the deciding rule
    sql: str  # smaller wins (DESC orders are negated)
    per_value: bool  # computed over all records holding the value, not over one record


_LATEST_FIRST = "coalesce(-epoch_us(observed_at), 9223372036854775807)"  # newest first, undated last


def _steps(rule: FieldRule, group: FieldGroup) -> list[_Step]:
    """The rule as sort steps. Earlier steps decide first; smaller values win."""
    steps = []
    if rule.prefer_phone_types:
        order = " ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(rule.prefer_phone_types))
        steps.append(_Step("preferred phone type",
                           f"CASE phone_type {order} ELSE {len(rule.prefer_phone_types)} END", False))
    if rule.trusted_up_to is not None:
        steps.append(_Step("trusted source", f"-(trust_rank <= {rule.trusted_up_to})::INT", False))
    for strategy in rule.strategies:
        if strategy == "trust_rank":
            steps.append(_Step("trust_rank", "trust_rank", False))
        elif strategy == "most_recent":
            steps.append(_Step("most_recent", _LATEST_FIRST, False))
        elif strategy == "most_frequent":
            steps.append(_Step("most_frequent", "-key_sources", True))
            steps.append(_Step("most_frequent", "-key_records", True))
            if group.popularity:
                steps.append(_Step("most_frequent", "-key_customers", True))
        else:
            steps.append(_Step("most_complete", "-completeness", False))
    return steps


def winners_sql(group: FieldGroup, rule: FieldRule, base: str) -> str:
    """One row per customer with the group's winning record, its values and the deciding rule.

    Counts per value come from plain aggregates; one window sort per customer ranks the
    candidates; the runner-up is the best candidate holding another value - what the rule had
    to beat, and so which step decided.
    """
    present = f"({group.present})"
    if rule.phone_types is not None:
        present += f" AND phone_type IN {sql_text_list(rule.phone_types)}"
    steps = _steps(rule, group)
    values = ", ".join(f"{sql} AS {col}" for col, sql in group.columns.items())
    step_cols = ", ".join(f"{st.sql} AS _s{i}" for i, st in enumerate(steps))
    order = ", ".join(f"_s{i}" for i in range(len(steps)))
    runner_up = ", ".join(f"arg_min(_s{i}, rn) AS _r{i}" for i in range(len(steps)))
    deciding = " ".join(f"WHEN w._s{i} IS DISTINCT FROM ru._r{i} THEN '{st.label}'" for i, st in enumerate(steps))
    out_values = ", ".join(f"w.{col}" for col in group.columns)
    popularity = ("JOIN (SELECT value_key, count(*) AS key_customers FROM per_value GROUP BY value_key) AS p"
                  " ON p.value_key = c.value_key" if group.popularity else "")
    return f"""
WITH candidates AS (
  SELECT customer_id, source, source_record_id, trust_rank, observed_at, phone_type, {values},
         {group.key} AS value_key, {group.completeness} AS completeness
  FROM {base} WHERE {present}
), per_source AS (  -- two plain aggregates: cheaper than count(DISTINCT source) over a window
  SELECT customer_id, value_key, source, count(*) AS n FROM candidates GROUP BY customer_id, value_key, source
), per_value AS (
  SELECT customer_id, value_key, count(*) AS key_sources, sum(n)::BIGINT AS key_records
  FROM per_source GROUP BY customer_id, value_key
), ranked AS (
  SELECT *, row_number() OVER w AS rn, first_value(value_key) OVER w AS winner_key
  FROM (SELECT c.*, v.key_sources, v.key_records, {step_cols}
        FROM candidates AS c JOIN per_value AS v ON v.customer_id = c.customer_id AND v.value_key = c.value_key
        {popularity})
  WINDOW w AS (PARTITION BY customer_id ORDER BY {order}, source, source_record_id)
), runner_up AS (
  SELECT customer_id, {runner_up} FROM ranked WHERE value_key <> winner_key GROUP BY customer_id
), counts AS (
  SELECT customer_id, count(*) AS n_values, sum(key_records)::BIGINT AS n_candidates
  FROM per_value GROUP BY customer_id
)
SELECT w.customer_id, {out_values}, w.source, w.source_record_id, w.observed_at,
       CASE WHEN n.n_values = 1 AND n.n_candidates = 1 THEN 'only candidate'
            WHEN n.n_values = 1 THEN 'all candidates agree'
            {deciding}
            ELSE 'source order' END AS rule,
       n.n_candidates, n.n_values
FROM ranked AS w
JOIN counts AS n ON n.customer_id = w.customer_id
LEFT JOIN runner_up AS ru ON ru.customer_id = w.customer_id
WHERE w.rn = 1
"""


def build_golden_profiles(
    con: duckdb.DuckDBPyConnection,
    config: ProfilesConfig,
    source_trust: Mapping[str, int],
    *,
    records: str = "staging.unified_records",
    identity_map: str = "identity.customer_identity_map",
    out: str = "golden_profiles",
    provenance_out: str = "profile_provenance",
) -> GoldenProfilesResult:
    """Create `out` (one row per customer) and `provenance_out` (one row per customer and field).

    `source_trust` maps source name -> trust_rank (1 = most trusted); unlisted sources rank last.
    """
    out, provenance_out = table_name(out), table_name(provenance_out)
    tag = uuid.uuid4().hex[:8]
    base = f"_cu_profile_records_{tag}"
    winners = {name: f"_cu_golden_{name}_{tag}" for name in FIELD_GROUPS}
    try:
        con.execute(f"CREATE TEMP TABLE {base} AS {customer_records_sql(records, identity_map, source_trust, config)}")
        for name, group in FIELD_GROUPS.items():
            con.execute(f"CREATE TEMP TABLE {winners[name]} AS {winners_sql(group, config.fields[name], base)}")
        con.execute(_profiles_sql(out, base, table_name(identity_map), winners))
        con.execute(f"CREATE OR REPLACE TABLE {provenance_out} AS " + "\nUNION ALL\n".join(
            f"SELECT customer_id, '{name}' AS field, source, source_record_id, observed_at, rule, "
            f"n_candidates, n_values FROM {table}" for name, table in winners.items()))
        return _summary(con, out, winners)
    finally:
        for table in (base, *winners.values()):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _profiles_sql(out: str, base: str, identity_map: str, winners: dict[str, str]) -> str:
    selects, joins = [], []
    for name, table in winners.items():
        alias = f"g_{name}"
        selects += [f"{alias}.{col}" for col in FIELD_GROUPS[name].columns]
        joins.append(f"LEFT JOIN {table} AS {alias} ON {alias}.customer_id = c.customer_id")
    provenance = [f"{'g_' + name}.{part} AS {name}_{part}"
                  for name in winners for part in ("source", "source_record_id", "observed_at")]
    return f"""
CREATE OR REPLACE TABLE {out} AS
WITH customers AS (SELECT DISTINCT customer_id FROM {identity_map} WHERE customer_id IS NOT NULL),
per_source AS (  -- two plain aggregates: cheaper than DISTINCT ones
  SELECT customer_id, source, count(*) AS n, min(observed_at) AS first_seen, max(observed_at) AS last_seen
  FROM {base} GROUP BY customer_id, source
), stats AS (
  SELECT customer_id, sum(n)::BIGINT AS n_records, count(*) AS n_sources, list_sort(list(source)) AS sources,
         min(first_seen) AS first_seen, max(last_seen) AS last_seen
  FROM per_source GROUP BY customer_id
)
SELECT c.customer_id, {', '.join(selects)},
       coalesce(s.n_records, 0) AS n_records, coalesce(s.n_sources, 0) AS n_sources,
       coalesce(s.sources, []::VARCHAR[]) AS sources, s.first_seen, s.last_seen,
       {', '.join(provenance)}
FROM customers AS c
LEFT JOIN stats AS s ON s.customer_id = c.customer_id
{chr(10).join(joins)}
"""


def _summary(con: duckdb.DuckDBPyConnection, out: str, winners: dict[str, str]) -> GoldenProfilesResult:
    customers = con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0]
    result = GoldenProfilesResult(customers=customers)
    for name, table in winners.items():
        rows = con.execute(f"SELECT rule, count(*) FROM {table} GROUP BY rule ORDER BY rule").fetchall()
        result.rules[name] = dict(rows)
        result.filled[name] = sum(n for _, n in rows)
    return result
