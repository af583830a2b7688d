"""Blocking: the candidate pairs worth scoring, as equi-joins on DuckDB.

Each rule joins the node table to itself on equal features; the union of all rules, deduplicated,
is the candidate set. A rule either compares the same features on both sides (`same`) or different
ones (`left`/`right`, e.g. a social handle against the name it spells).
"""

import duckdb

from customer_unification.lib.matching.config import BlockingRule


def rule_label(rule: BlockingRule) -> str:
    return " & ".join(a if a == b else f"{a}~{b}" for a, b in rule.pairs)


def _big_blocks(rule: BlockingRule, nodes: str) -> str:
    """SQL for the values of the over-size blocks among `nodes`. For a cross rule the block is the
    records on the right side sharing the value (how many Kelly Neals an @kneal could be)."""
    block = rule.same or rule.right
    return (f"SELECT ({', '.join(block)}) FROM {nodes} WHERE {' AND '.join(f'{k} IS NOT NULL' for k in block)} "
            f"GROUP BY ALL HAVING count(*) > {rule.max_block_size}")


def _capped(rule: BlockingRule, side: str = "right", nodes: str = "cu_nodes", big: str | None = None) -> str:
    """`nodes` without the values of over-size blocks (`big`: their SQL, by default counted in `nodes`)."""
    if rule.max_block_size is None:
        return nodes
    keys = ", ".join(rule.same or (rule.right if side == "right" else rule.left))
    return f"(SELECT * FROM {nodes} WHERE ({keys}) NOT IN ({big or _big_blocks(rule, nodes)}))"


def _rule_sql(rule: BlockingRule) -> str:
    """All pairs for one rule, over all nodes."""
    on = " AND ".join([f"l.{a} = r.{b}" for a, b in rule.pairs] + [f"r.{f} IS NULL" for f in rule.right_lacks])
    right = _capped(rule)
    if rule.same:
        return f"SELECT l.nid AS l, r.nid AS r FROM {right} l JOIN {right} r ON {on} AND l.nid < r.nid"
    return (f"SELECT least(l.nid, r.nid) AS l, greatest(l.nid, r.nid) AS r "
            f"FROM {_capped(rule, side='left')} l JOIN {right} r ON {on} AND l.nid <> r.nid")


def _new_pairs_sql(con: duckdb.DuckDBPyConnection, rule: BlockingRule, new: str) -> str:
    """The pairs of one rule that touch a node of `new`, with the caps of the whole node table.

    The nodes sharing a value with a new node are copied out of `cu_nodes` first (`cu_reach_*`,
    only the rule's columns), and the joins and block counts read that copy: each read of the
    730k-node table costs tens of ms per string column, and joining and counting on it directly
    read it up to five times per cross rule. A cross rule reaches two sets: the right-hand nodes
    spelling what a new node's left side spells (with their whole blocks, for the cap) and,
    flipped, the left-hand nodes spelling a new node's right side - when the new node lacks
    `right_lacks`, as the flipped join requires. The flipped nodes are capped by their own
    right-hand block, so those blocks are copied too. The returned SQL reads these copies: run it
    before the next rule replaces them.
    """
    if rule.same:
        _reach(con, "cu_reach_right", rule.same, _values(new, rule.same))
        on = " AND ".join(f"l.{f} = r.{f}" for f in rule.same)
        return (f"SELECT least(l.nid, r.nid) AS l, greatest(l.nid, r.nid) AS r "
                f"FROM {new} l JOIN {_capped(rule, nodes='cu_reach_right')} r ON {on} AND l.nid <> r.nid")
    lacking = " AND ".join(f"{f} IS NULL" for f in rule.right_lacks) or None
    _reach(con, "cu_reach_left", rule.left, _values(new, rule.right, lacking), [*rule.left, *rule.right])
    _reach(con, "cu_reach_right", rule.right,
           f"{_values(new, rule.left)} UNION ALL {_values('cu_reach_left', rule.right)}",
           [*rule.right, *rule.right_lacks])
    big = _big_blocks(rule, "cu_reach_right") if rule.max_block_size else None
    on = " AND ".join([f"l.{a} = r.{b}" for a, b in rule.pairs] + [f"r.{f} IS NULL" for f in rule.right_lacks])
    flipped = " AND ".join([f"l.{b} = r.{a}" for a, b in rule.pairs] + [f"l.{f} IS NULL" for f in rule.right_lacks])
    return " UNION ALL ".join(
        f"SELECT least(l.nid, r.nid) AS l, greatest(l.nid, r.nid) AS r "
        f"FROM {new} l JOIN {_capped(rule, nodes=reached, big=big)} r ON {cond} AND l.nid <> r.nid"
        for reached, cond in (("cu_reach_right", on), ("cu_reach_left", flipped)))


def _values(table: str, keys: list[str], where: str | None = None) -> str:
    """SQL for the `keys` of `table` (rows matching `where`) that can join: none of them null."""
    conditions = [f"{k} IS NOT NULL" for k in keys] + ([where] if where else [])
    return f"SELECT ({', '.join(keys)}) FROM {table} WHERE {' AND '.join(conditions)}"


def _reach(con: duckdb.DuckDBPyConnection, name: str, keys: list[str], values: str,
           columns: list[str] | None = None) -> None:
    """`name (nid, columns...)`: the nodes whose `keys` take one of `values` (SQL)."""
    selected = ", ".join(dict.fromkeys(["nid", *(columns or keys)]))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS "
                f"SELECT {selected} FROM cu_nodes WHERE ({', '.join(keys)}) IN ({values})")


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
        sql = _rule_sql(rule) if left == "cu_nodes" else _new_pairs_sql(con, rule, left)
        con.execute(f"INSERT INTO cu_candidates_raw SELECT l, r, {i} FROM ({sql})")
        counts[rule_label(rule)] = 0
    con.execute("DROP TABLE IF EXISTS cu_reach_left; DROP TABLE IF EXISTS cu_reach_right")
    for i, n in con.sql("SELECT rule, count(*) FROM cu_candidates_raw GROUP BY rule").fetchall():
        counts[rule_label(rules[i])] = n
    # rules: bitmask of the blocking rules that proposed the pair (training uses one rule at a time)
    con.execute("""CREATE OR REPLACE TEMP TABLE cu_candidates AS
                   SELECT l, r, CAST(bit_or(1 << rule) AS BIGINT) AS rules
                   FROM cu_candidates_raw GROUP BY l, r""")
    con.execute("DROP TABLE cu_candidates_raw")
    return counts
