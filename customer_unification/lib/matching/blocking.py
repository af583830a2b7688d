"""Blocking: the candidate pairs worth scoring, as equi-joins on DuckDB.

Each rule joins the node table to itself on equal features; the union of all rules, deduplicated,
is the candidate set. A rule either compares the same features on both sides (`same`) or different
ones (`left`/`right`, e.g. a social handle against the name it spells).
"""

import duckdb
import numpy as np
import pandas as pd

from customer_unification.lib.matching.config import BlockingRule


def rule_label(rule: BlockingRule) -> str:
    return " & ".join(a if a == b else f"{a}~{b}" for a, b in rule.pairs)


def _capped(rule: BlockingRule, side: str = "right") -> str:
    """`cu_nodes` without the values of over-size blocks. For a cross rule the block is the nodes
    on the right side sharing the value (how many Kelly Neals an @kneal could be)."""
    if rule.max_block_size is None:
        return "cu_nodes"
    block = rule.same or rule.right
    big = (f"SELECT ({', '.join(block)}) FROM cu_nodes WHERE {' AND '.join(f'{k} IS NOT NULL' for k in block)} "
           f"GROUP BY ALL HAVING count(*) > {rule.max_block_size}")
    keys = ", ".join(rule.same or (rule.right if side == "right" else rule.left))
    return f"(SELECT * FROM cu_nodes WHERE ({keys}) NOT IN ({big}))"


def _rule_sql(rule: BlockingRule) -> str:
    """All pairs for one rule, over all nodes."""
    on = " AND ".join([f"l.{a} = r.{b}" for a, b in rule.pairs] + [f"r.{f} IS NULL" for f in rule.right_lacks])
    right = _capped(rule)
    if rule.same:
        return f"SELECT l.nid AS l, r.nid AS r FROM {right} l JOIN {right} r ON {on} AND l.nid < r.nid"
    return (f"SELECT least(l.nid, r.nid) AS l, greatest(l.nid, r.nid) AS r "
            f"FROM {_capped(rule, side='left')} l JOIN {right} r ON {on} AND l.nid <> r.nid")


def key_columns(rules: list[BlockingRule]) -> dict[str, str]:
    """Integer block keys per rule, as SQL over a node table: what an incremental run joins on.

    `bk<i>` hashes a `same` rule's features; a cross rule has `bk<i>_l` and `bk<i>_r` (its two
    sides, as text so both hash alike) and, with `right_lacks`, `bk<i>_ok` (the node may stand on
    the right). The run's state keeps them for every node: reading one integer column of the saved
    nodes costs a few ms, reading a string column tens of ms, and a key shared by a new node then
    leads straight to the nodes it pairs with. Two values hashing alike only add a pair to score.
    """
    columns = {}
    for i, rule in enumerate(rules):
        if rule.same:
            columns[f"bk{i}"] = _key_sql(rule.same)
            continue
        columns[f"bk{i}_l"], columns[f"bk{i}_r"] = _key_sql(rule.left, text=True), _key_sql(rule.right, text=True)
        if rule.right_lacks:
            columns[f"bk{i}_ok"] = " AND ".join(f"{f} IS NULL" for f in rule.right_lacks)
    return columns


def _key_sql(features: list[str], text: bool = False) -> str:
    parts = [f"CAST({f} AS VARCHAR)" if text else f for f in features]
    return f"CASE WHEN {' AND '.join(f'{f} IS NOT NULL' for f in features)} THEN hash({', '.join(parts)}) END"


def _keyed_pairs_sql(con: duckdb.DuckDBPyConnection, i: int, rule: BlockingRule, new: str, nodes: str) -> list[str]:
    """The pairs of rule `i` touching a node of `new`, on the block keys of `nodes` (all nodes,
    new ones included), capped as the whole node table caps them: a pair is skipped when more
    than max_block_size nodes share its value (for a cross rule, on the right side).

    The nodes sharing a key with a new node are copied first (`cu_reach`, `cu_reach_left`); the
    returned SQL reads these copies, so run it before the next rule replaces them.
    """
    def capped(value: str) -> str:
        if rule.max_block_size is None:
            return "true"
        return f"{value} NOT IN (SELECT k FROM cu_reach GROUP BY k HAVING count(*) > {rule.max_block_size})"

    pair = "least(n.nid, x.nid) AS l, greatest(n.nid, x.nid) AS r"
    if rule.same:
        key = f"bk{i}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE cu_reach AS SELECT nid, {key} AS k FROM {nodes} "
                    f"WHERE {key} IN (SELECT {key} FROM {new})")
        return [f"SELECT {pair} FROM {new} n JOIN cu_reach x ON x.k = n.{key} AND x.nid <> n.nid "
                f"WHERE {capped('x.k')}"]
    left, right = f"bk{i}_l", f"bk{i}_r"
    ok = f"bk{i}_ok" if rule.right_lacks else "true"
    # the right-hand blocks of every value a new node shares, on either side (for the cap)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cu_reach AS SELECT nid, {right} AS k, {ok} AS ok FROM {nodes}
                    WHERE {right} IN (SELECT {left} FROM {new} UNION ALL SELECT {right} FROM {new} WHERE {ok})""")
    con.execute(f"CREATE OR REPLACE TEMP TABLE cu_reach_left AS SELECT nid, {left} AS k FROM {nodes} "
                f"WHERE {left} IN (SELECT {right} FROM {new} WHERE {ok})")
    return [  # the new node on the left, then on the right
        f"SELECT {pair} FROM {new} n JOIN cu_reach x ON x.k = n.{left} AND x.ok AND x.nid <> n.nid "
        f"WHERE {capped('x.k')}",
        f"SELECT {pair} FROM {new} n JOIN cu_reach_left x ON x.k = n.{right} AND x.nid <> n.nid "
        f"WHERE n.{ok} AND {capped(f'n.{right}')}"]


def build_candidates(con: duckdb.DuckDBPyConnection, rules: list[BlockingRule]) -> dict[str, int]:
    """Create `cu_candidates (l, r, rules)` with l < r over all nodes. Returns pairs proposed per
    rule (before dedup)."""
    columns = {row[0] for row in con.sql("DESCRIBE cu_nodes").fetchall()}
    for rule in rules:
        unknown = sorted(({f for pair in rule.pairs for f in pair} | set(rule.right_lacks)) - columns)
        if unknown:
            raise KeyError(f"blocking rule {rule_label(rule)!r} uses unknown feature(s) {unknown}")
    return _collect(con, rules, lambda i, rule: [_rule_sql(rule)])


def build_new_candidates(con: duckdb.DuckDBPyConnection, rules: list[BlockingRule], new: str = "cu_new_node_keys",
                         nodes: str = "cu_node_keys") -> dict[str, int]:
    """`cu_candidates` for an incremental run: only pairs touching a node of `new`, so pairs
    scored before are not scored again. Both tables hold (nid, key_columns(rules)); `nodes` is
    every node, the new ones included."""
    return _collect(con, rules, lambda i, rule: _keyed_pairs_sql(con, i, rule, new, nodes))


def _collect(con: duckdb.DuckDBPyConnection, rules: list[BlockingRule], pairs_sql) -> dict[str, int]:
    if len(rules) > 62:
        raise ValueError("at most 62 blocking rules")
    con.execute("CREATE OR REPLACE TEMP TABLE cu_candidates_raw (l BIGINT, r BIGINT, rule BIGINT)")
    counts: dict[str, int] = {}
    for i, rule in enumerate(rules):
        for sql in pairs_sql(i, rule):
            con.execute(f"INSERT INTO cu_candidates_raw SELECT l, r, {i} FROM ({sql})")
        counts[rule_label(rule)] = 0
    con.execute("DROP TABLE IF EXISTS cu_reach_left; DROP TABLE IF EXISTS cu_reach")
    for i, n in con.sql("SELECT rule, count(*) FROM cu_candidates_raw GROUP BY rule").fetchall():
        counts[rule_label(rules[i])] = n
    # rules: bitmask of the blocking rules that proposed the pair (training uses one rule at a time)
    con.execute("""CREATE OR REPLACE TEMP TABLE cu_candidates AS
                   SELECT l, r, CAST(bit_or(1 << rule) AS BIGINT) AS rules
                   FROM cu_candidates_raw GROUP BY l, r""")
    con.execute("DROP TABLE cu_candidates_raw")
    return counts


def blocking_report(con: duckdb.DuckDBPyConnection, rules: list[BlockingRule], threshold: float,
                    judged: pd.DataFrame | None = None) -> pd.DataFrame:
    """What each blocking rule contributed to this run, in rule order, measured on the run itself:

    - pairs: candidate pairs it proposed; new_pairs: those no earlier rule proposed (the cost it adds),
      cumulative_pairs: the candidate set up to and including it;
    - expected_matches: the model's expected number of matches among its pairs (the sum of their
      match probabilities), and links_only_here: accepted links no other rule proposed (what
      would be lost without it);
    - known_match_recall: the share of the record pairs the deterministic rules link (matches by a
      shared identifier) that it proposes - an estimate of its recall from labels the data
      carries itself (a rule blocking on the identifier itself finds them all by construction).
    The `all rules` row sums the candidate set: every pair, every accepted link, its recall.
    With `judged` (blocking_budget.judge_rules), measured blocking's verdict per rule too: the
    links per 10,000 of its own pairs (on a sample) and whether they were dropped before scoring.

    Needs the run's `cu_scores` (with `rules`) and `cu_rule_pairs`."""
    by_mask = con.sql(f"""
        SELECT rules, count(*) AS pairs, sum(match_probability) AS expected,
               count(*) FILTER (WHERE match_probability >= {threshold}) AS links
        FROM cu_scores GROUP BY rules""").fetchnumpy()
    known = con.sql("""
        SELECT coalesce(c.rules, 0) AS rules, count(*) AS n
        FROM (SELECT DISTINCT l, r FROM cu_rule_pairs) k LEFT JOIN cu_candidates c USING (l, r)
        GROUP BY ALL""").fetchnumpy()
    masks, pairs = by_mask["rules"].astype(np.int64), by_mask["pairs"].astype(np.int64)
    known_masks, known_n = known["rules"].astype(np.int64), known["n"].astype(np.int64)
    known_total = int(known_n.sum())
    rows, cumulative = [], 0
    for i, rule in enumerate(rules):
        mine = (masks >> i) & 1 == 1
        first = mine & ((masks & ((1 << i) - 1)) == 0)
        cumulative += int(pairs[first].sum())
        rows.append({"rule": rule_label(rule), "pairs": int(pairs[mine].sum()), "new_pairs": int(pairs[first].sum()),
                     "cumulative_pairs": cumulative, "expected_matches": round(float(by_mask["expected"][mine].sum()), 1),
                     "links_only_here": int(by_mask["links"][masks == (1 << i)].sum()),
                     "known_match_recall": _share(known_n[(known_masks >> i) & 1 == 1].sum(), known_total)})
    rows.append({"rule": "all rules", "pairs": cumulative, "new_pairs": cumulative, "cumulative_pairs": cumulative,
                 "expected_matches": round(float(by_mask["expected"].sum()), 1),
                 "links_only_here": int(by_mask["links"].sum()),
                 "known_match_recall": _share(known_n[known_masks != 0].sum(), known_total)})
    report = pd.DataFrame(rows)
    if judged is not None:
        report["judged_own_pairs"] = [*judged["own_pairs"], None]
        report["judged_links_per_10k"] = [*judged["judged_links_per_10k"], None]
        report["dropped"] = [*judged["dropped"], None]
    return report


def _share(part, whole: int) -> float | None:
    return round(float(part) / whole, 4) if whole else None
