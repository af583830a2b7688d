"""Blocking: the candidate pairs worth scoring, as equi-joins on DuckDB.

Each rule joins the node table to itself on equal features; the union of all rules, deduplicated,
is the candidate set. A rule either compares the same features on both sides (`same`) or different
ones (`left`/`right`, e.g. a social handle against the name it spells).
"""

import duckdb

from customer_unification.lib.matching.config import BlockingRule


def rule_label(rule: BlockingRule) -> str:
    return " & ".join(a if a == b else f"{a}~{b}" for a, b in rule.pairs)


def _capped(rule: BlockingRule, side: str = "right", among: str | None = None) -> str:
    """The node table without the values of over-size blocks. For a cross rule the block is the
    records on the right side sharing the value (how many Kelly Neals an @kneal could be).

    `among`: SQL for the only values a join can reach (an incremental run's), so that the blocks
    of all other values are not counted.
    """
    if rule.max_block_size is None:
        return "cu_nodes"
    keys = ", ".join(rule.same or (rule.right if side == "right" else rule.left))
    block = ", ".join(rule.same or rule.right)
    reachable = f" AND ({block}) IN ({among})" if among else ""
    big = (f"SELECT ({block}) FROM cu_nodes "
           f"WHERE {' AND '.join(f'{k} IS NOT NULL' for k in rule.same or rule.right)}{reachable} GROUP BY ALL "
           f"HAVING count(*) > {rule.max_block_size}")
    return f"(SELECT * FROM cu_nodes WHERE ({keys}) NOT IN ({big}))"


def _reachable_blocks(rule: BlockingRule, left: str) -> str:
    """SQL for the right-side values the nodes of `left` can join in `_rule_sql`: their own values
    and, for a cross rule, those of the nodes the flipped condition reaches."""
    if rule.same:
        return f"SELECT ({', '.join(rule.same)}) FROM {left}"
    left_cols, right_cols = ", ".join(rule.left), ", ".join(rule.right)
    return (f"SELECT ({left_cols}) FROM {left} UNION ALL SELECT ({right_cols}) FROM cu_nodes "
            f"WHERE ({left_cols}) IN (SELECT ({right_cols}) FROM {left})")


def _rule_sql(rule: BlockingRule, left: str) -> str:
    """Pairs for one rule; `left` is the node table (or the new nodes only, when incremental)."""
    on = " AND ".join([f"l.{a} = r.{b}" for a, b in rule.pairs] + [f"r.{f} IS NULL" for f in rule.right_lacks])
    if rule.same and left == "cu_nodes":
        nodes = _capped(rule)
        return f"SELECT l.nid AS l, r.nid AS r FROM {nodes} l JOIN {nodes} r ON {on} AND l.nid < r.nid"
    flipped = " AND ".join([f"l.{b} = r.{a}" for a, b in rule.pairs] + [f"l.{f} IS NULL" for f in rule.right_lacks])
    right = _capped(rule) if left == "cu_nodes" else _capped(rule, among=_reachable_blocks(rule, left))
    left = left if left != "cu_nodes" else _capped(rule, side="left")
    both = [on] if rule.same or left == "cu_nodes" else [on, flipped]
    return " UNION ALL ".join(
        f"SELECT least(l.nid, r.nid) AS l, greatest(l.nid, r.nid) AS r "
        f"FROM {left} l JOIN {right} r ON {cond} AND l.nid <> r.nid" for cond in both)


def build_candidates(con: duckdb.DuckDBPyConnection, rules: list[BlockingRule],
                     left: str = "cu_nodes") -> dict[str, int]:
    """Create `cu_candidates (l, r)` with l < r. Returns pairs proposed per rule (before dedup).

    `left` may name a table holding only some nodes (the new ones, on an incremental run): then
    only pairs touching those nodes are proposed, so existing pairs are not scored again.
    """
    columns = {row[0] for row in con.sql("DESCRIBE cu_nodes").fetchall()}
    for rule in rules:
        unknown = sorted(({f for pair in rule.pairs for f in pair} | set(rule.right_lacks)) - columns)
        if unknown:
            raise KeyError(f"blocking rule {rule_label(rule)!r} uses unknown feature(s) {unknown}")
    if len(rules) > 62:
        raise ValueError("at most 62 blocking rules")
    con.execute("CREATE OR REPLACE TEMP TABLE cu_candidates_raw (l BIGINT, r BIGINT, rule BIGINT)")
    counts: dict[str, int] = {}
    for i, rule in enumerate(rules):
        sql = _rule_sql(rule, left)
        con.execute(f"INSERT INTO cu_candidates_raw SELECT l, r, {i} FROM ({sql})")
        counts[rule_label(rule)] = 0
    for i, n in con.sql("SELECT rule, count(*) FROM cu_candidates_raw GROUP BY rule").fetchall():
        counts[rule_label(rules[i])] = n
    # rules: bitmask of the blocking rules that proposed the pair (training uses one rule at a time)
    con.execute("""CREATE OR REPLACE TEMP TABLE cu_candidates AS
                   SELECT l, r, CAST(bit_or(1 << rule) AS BIGINT) AS rules
                   FROM cu_candidates_raw GROUP BY l, r""")
    con.execute("DROP TABLE cu_candidates_raw")
    return counts
