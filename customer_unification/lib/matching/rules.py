"""Deterministic rules: records sharing an identifier value are one person - within limits.

An identifier stops being a link on its own when it is blocked (configured junk such as
`info@...` or `000-000-0000`), shared by too many records, held under two different first names
each written twice, or shared by records that the model judges to be different people (first
names or birth dates clearly differ, or more likely two members of one household than one
person: a household landline, a family email; see conflicts.py). Such values are reported, and
the pairs are left to the probabilistic model, which weighs the names too.
"""

import hashlib
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from customer_unification.lib.matching import scoring
from customer_unification.lib.matching.comparisons import ComparisonSpec
from customer_unification.lib.matching.config import MatchConfig, Rule
from customer_unification.lib.matching.conflicts import find_contradictions, find_household_pairs, find_two_names
from customer_unification.lib.matching.em import FittedModel
from customer_unification.lib.matching.training import RULE_PAIR_GAMMAS
from customer_unification.lib.quality.masking import mask_value

# Groups with more named records than this are not searched pairwise for conflicts; they are
# limited for size alone (no person has this many differently-spelled records).
_MAX_NAMED_PER_VALUE = 200

LIMIT_COLUMNS = ["rule", "value_masked", "value_hash", "reason", "records"]
# Reasons a value stops linking on its own, besides being blocked or shared by too many records.
TWO_NAMES = "shared by two people (two different first names, each on two or more records)"
CONTRADICTING = "shared by records of different people (first names, birth dates or Sr/Jr clearly differ)"
HOUSEHOLD = "shared within a household (records more likely two people living together than one person)"
_MAX_TRAINING_GROUP = 20  # labelled pairs come from small groups only (n^2 pairs per group)


def value_hash(value: str) -> str:
    """A stable, non-reversible handle on an identifier value (sha256), safe to store and show."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


VALUE_HASH_SQL = "left(sha256({value}), 16)"  # value_hash in SQL (sha256 of the UTF-8 bytes, hex)


def _blocked_sql(rule: Rule) -> str:
    conditions = []
    if rule.blocked_values:
        values = ", ".join("'" + v.lower().replace("'", "''") + "'" for v in rule.blocked_values)
        conditions.append(f"lower(value) IN ({values})")
    for pattern in rule.blocked_patterns:
        conditions.append("regexp_matches(lower(value), '" + pattern.replace("'", "''") + "')")
    return " OR ".join(conditions) if conditions else "false"


def key_columns(config: MatchConfig) -> dict[str, str]:
    """Integer keys of each rule's identifier value (`rk_<rule>`), SQL over a node table: an
    incremental run finds the nodes sharing a value with a new node on these (see
    blocking.key_columns for why)."""
    # hash(NULL) is a number like any other: a missing value must have no key
    return {f"rk_{rule.name}": f"CASE WHEN r_{rule.name} IS NOT NULL THEN hash(r_{rule.name}) END"
            for rule in config.rules}


@dataclass(frozen=True)
class NewValues:
    """An incremental run's scope: the nodes holding identifier values (`nodes`), their integer
    keys (`keys`), and every node's keys (`all_keys`, the new ones included)."""

    nodes: str = "cu_new_nodes"
    keys: str = "cu_new_node_keys"
    all_keys: str = "cu_node_keys"


def deterministic_links(con: duckdb.DuckDBPyConnection, config: MatchConfig, specs: list[ComparisonSpec],
                        only: NewValues | None = None) -> pd.DataFrame:
    """Create `cu_rule_edges (l, r, rule)` and `cu_rule_pairs` (named record pairs the rules link,
    for training); return the limited values (masked, and hashed to find them again) with reasons.

    Values are limited here for being blocked, shared by too many records, or held under two
    different first names each written twice; whether the other records sharing a value are one
    person is the model's judgement, made later by limit_contradicting on the pairs kept in
    `cu_rule_judged (rule, value, l, r)`.

    `only` (incremental runs): only identifier values the new nodes carry are (re)examined - every
    other value's links and limits stand as the last run left them. The nodes holding a
    re-examined value land in `cu_reexamined (rule, nid)`.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE cu_rule_members (rule VARCHAR, value VARCHAR, nid BIGINT, "
                "named BOOLEAN, nodes BIGINT)")
    con.execute("CREATE OR REPLACE TEMP TABLE cu_rule_judged (rule VARCHAR, value VARCHAR, l BIGINT, r BIGINT)")
    # training's and the limits' levels of the last run's pairs
    con.execute(f"DROP TABLE IF EXISTS {RULE_PAIR_GAMMAS}; DROP TABLE IF EXISTS {JUDGED_LEVELS}")
    if only:
        _reexamined(con, config, only)
    limited = []
    for rule in config.rules:
        col = f"r_{rule.name}"
        if only:
            source = (f"cu_rule_people WHERE nid IN (SELECT nid FROM cu_reexamined WHERE rule = '{rule.name}') "
                      f"AND {col} IN (SELECT {col} FROM {only.nodes})")  # the key found it; the value decides
        else:
            source = f"cu_nodes WHERE {col} IS NOT NULL"
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE cu_rule_nodes AS
            SELECT {col} AS value, nid, records, (fn IS NOT NULL OR byear IS NOT NULL) AS named, fn_canon
            FROM {source}""")
        _values_of_two_names(con, specs)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE cu_rule_values AS
            WITH stats AS (
              SELECT value, sum(records) AS records, count(*) AS nodes, count(*) FILTER (WHERE named) AS named
              FROM cu_rule_nodes GROUP BY value)
            SELECT s.*,
              CASE WHEN {_blocked_sql(rule)} THEN 'blocked value'
                   WHEN s.records > {rule.max_records} OR s.named > {_MAX_NAMED_PER_VALUE}
                     THEN 'shared by too many records'
                   WHEN s.value IN (SELECT value FROM cu_rule_two_names) THEN '{TWO_NAMES}'
              END AS limited
            FROM stats s""")
        con.execute(f"""
            INSERT INTO cu_rule_members
            SELECT '{rule.name}', n.value, n.nid, n.named, v.nodes FROM cu_rule_nodes n
            JOIN cu_rule_values v USING (value) WHERE v.limited IS NULL""")
        con.execute(f"""
            INSERT INTO cu_rule_judged
            SELECT '{rule.name}', a.value, a.nid, b.nid FROM cu_rule_nodes a
            JOIN cu_rule_nodes b ON a.value = b.value AND a.nid < b.nid
            JOIN cu_rule_values v ON v.value = a.value
            WHERE v.limited IS NULL AND v.named >= 2 AND a.named AND b.named""")
        for value, records, reason in con.sql(
                "SELECT value, records, limited FROM cu_rule_values WHERE limited IS NOT NULL "
                "ORDER BY records DESC, value").fetchall():
            limited.append((rule.name, mask_value(value), value_hash(value), reason, records))
    con.execute("DROP TABLE IF EXISTS cu_rule_nodes; DROP TABLE IF EXISTS cu_rule_values; "
                "DROP TABLE IF EXISTS cu_rule_people; DROP TABLE IF EXISTS cu_rule_two_names")
    _links_from_members(con)
    return pd.DataFrame(limited, columns=LIMIT_COLUMNS)


def _values_of_two_names(con: duckdb.DuckDBPyConnection, specs: list[ComparisonSpec]) -> None:
    """`cu_rule_two_names (value)`: the values of `cu_rule_nodes` held under two different first
    names, each written twice (conflicts.find_two_names)."""
    con.execute("CREATE OR REPLACE TEMP VIEW cu_rule_name_groups AS SELECT value AS grp, nid, fn_canon FROM cu_rule_nodes")
    find_two_names(con, specs, groups="cu_rule_name_groups", out="cu_rule_name_pairs")
    con.execute("""CREATE OR REPLACE TEMP TABLE cu_rule_two_names AS SELECT DISTINCT grp AS value FROM cu_rule_name_pairs;
                   DROP TABLE cu_rule_name_pairs; DROP VIEW cu_rule_name_groups""")


def limit_contradicting(con: duckdb.DuckDBPyConnection, config: MatchConfig, specs: list[ComparisonSpec],
                        model: FittedModel) -> pd.DataFrame:
    """Limit the identifier values held by records that contradict each other in the model's
    judgement (see conflicts.py): a household landline, a family email. Their links leave
    `cu_rule_edges` and `cu_rule_pairs`; the records are then compared like any others.
    Returns the newly limited values, as deterministic_links does."""
    find_contradictions(con, specs, model, config.clustering.contradiction_bits,
                        pairs="cu_rule_judged", out="cu_rule_contradictions")
    # even odds, not contradiction_bits: a limited value's pairs are still scored, one by one
    find_household_pairs(con, specs, model, 0.0, pairs="cu_rule_judged", out="cu_rule_households",
                         levels=_judged_levels(con, specs))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_rule_limits AS
        SELECT rule, value, min(reason) AS reason FROM (
          SELECT rule, value, '{CONTRADICTING}' AS reason FROM cu_rule_contradictions
          UNION ALL SELECT rule, value, '{HOUSEHOLD}' FROM cu_rule_households) GROUP BY ALL""")
    rows = con.sql("""
        SELECT v.rule, v.value, v.reason, sum(n.records) AS records
        FROM cu_rule_limits v JOIN cu_rule_members m USING (rule, value) JOIN cu_nodes n ON n.nid = m.nid
        GROUP BY ALL ORDER BY records DESC, v.rule, v.value""").fetchall()
    con.execute("""
        DELETE FROM cu_rule_members WHERE (rule, value) IN (SELECT rule, value FROM cu_rule_limits);
        DELETE FROM cu_rule_judged WHERE (rule, value) IN (SELECT rule, value FROM cu_rule_limits);
        DROP TABLE cu_rule_contradictions; DROP TABLE cu_rule_households; DROP TABLE cu_rule_limits""")
    _links_from_members(con)
    return pd.DataFrame([(rule, mask_value(value), value_hash(value), reason, records)
                         for rule, value, reason, records in rows], columns=LIMIT_COLUMNS)


JUDGED_LEVELS = "cu_rule_judged_levels"


def _judged_levels(con: duckdb.DuckDBPyConnection, specs: list[ComparisonSpec]) -> str:
    """`cu_rule_judged_levels (l, r, g_<comparison>...)`: the levels of the pairs sharing a value,
    once per run - a refit judges a subset of them again. Most are the pairs training read
    (`training.RULE_PAIR_GAMMAS`), whose levels are taken as they are."""
    if scoring.has_table(con, JUDGED_LEVELS):
        return JUDGED_LEVELS
    known = scoring.has_table(con, RULE_PAIR_GAMMAS)
    columns = ", ".join(f"g_{s.name}" for s in specs)
    con.execute("CREATE OR REPLACE TEMP TABLE cu_rule_judged_nodes AS SELECT DISTINCT l, r FROM cu_rule_judged")
    if known:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE cu_rule_judged_known AS
                        SELECT l, r, {columns} FROM {RULE_PAIR_GAMMAS} SEMI JOIN cu_rule_judged_nodes USING (l, r);
                        DELETE FROM cu_rule_judged_nodes n USING cu_rule_judged_known k WHERE n.l = k.l AND n.r = k.r""")
    plain = [replace(s, tf_feature=None, tf_source=None) for s in specs]
    scoring.build_gammas(con, plain, candidates="cu_rule_judged_nodes", out=JUDGED_LEVELS)
    if known:
        con.execute(f"INSERT INTO {JUDGED_LEVELS} BY NAME SELECT * FROM cu_rule_judged_known; "
                    "DROP TABLE cu_rule_judged_known")
    con.execute("DROP TABLE cu_rule_judged_nodes")
    return JUDGED_LEVELS


def _links_from_members(con: duckdb.DuckDBPyConnection) -> None:
    """`cu_rule_edges`: each linking value ties its nodes to its smallest one; `cu_rule_pairs`:
    the named node pairs of small groups, labelled matches for training m."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cu_rule_edges AS
        SELECT l, nid AS r, rule FROM (
          SELECT rule, nid, min(nid) OVER (PARTITION BY rule, value) AS l FROM cu_rule_members)
        WHERE nid <> l""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_rule_pairs AS
        SELECT a.nid AS l, b.nid AS r, a.rule FROM cu_rule_members a
        JOIN cu_rule_members b ON a.rule = b.rule AND a.value = b.value AND a.nid < b.nid
        WHERE a.nodes <= {_MAX_TRAINING_GROUP} AND a.named AND b.named""")


def _reexamined(con: duckdb.DuckDBPyConnection, config: MatchConfig, only: NewValues) -> None:
    """`cu_reexamined (rule, nid)`: per rule, the nodes sharing a value with a new node (found on
    the integer keys: a hash collision only adds a node whose value the rule then skips, and
    whose component is clustered again unchanged), and
    `cu_rule_people`: what the rules read of those nodes, in one pass over the saved ones - each
    string column read costs ~10 ms however few rows are wanted."""
    con.execute("CREATE OR REPLACE TEMP TABLE cu_reexamined (rule VARCHAR, nid BIGINT)")
    for rule in config.rules:
        key = f"rk_{rule.name}"
        con.execute(f"INSERT INTO cu_reexamined SELECT '{rule.name}', nid FROM {only.all_keys} "
                    f"WHERE {key} IN (SELECT {key} FROM {only.keys})")
    values = "".join(f", r_{rule.name}" for rule in config.rules)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cu_rule_people AS
                    SELECT nid, records, fn, fn_canon, ln, dob, byear{values} FROM cu_nodes
                    WHERE nid IN (SELECT nid FROM cu_reexamined)""")
