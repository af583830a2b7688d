"""Contradiction: two records whose own fields say they are two people, judged by the model.

Household members share a surname, an address, a phone and sometimes an email; twins share a
birth date too. What tells them apart is what a person does not share: the first name and the
birth date. Two records contradict each other when the model's learnt evidence against a match
on those fields - the negative weights of their comparison levels, summed - reaches
`clustering.contradiction_bits`. Typo, nickname and phonetic variants land on agreeing levels
and carry no negative weight, so they never contradict; and the weights are learnt on each
estate, so data whose records often replace a name outright (the disagreement is then common
among matches, and its weight mild) contradicts less readily than data where a different first
name almost always means a different person.

Used three times, with this one definition: a shared identifier whose records contradict is a
household or family value and stops linking on its own (rules), a direct link between two
contradicting records is refused, and clustering never joins contradicting records however they
are chained (anti-chaining).

The model's household class (households.py) judges the same question from all the fields:
`find_household_pairs` gives the pairs more likely two members of one household than one person
by some margin - even odds for identifier limits, `contradiction_bits` for anti-chaining.

And one judgement needs no model, only repetition: two different first names, each written on
two or more records of an identifier's holders or of one connected component, are two people
(`find_two_names`) - a family email, twins at one address.
"""

from dataclasses import replace
from functools import cache

import duckdb
import pandas as pd

from customer_unification.lib.matching import scoring
from customer_unification.lib.matching.comparisons import ALIKE_NAMES_JW, ComparisonSpec
from customer_unification.lib.matching.em import FittedModel
from customer_unification.lib.nicknames import related_name_pairs

# The fields one person does not share with the people they live with.
PERSONAL_KINDS = ("first_name", "date_of_birth", "generation")
# "Sr" against "Jr" says two people by definition, however rarely an estate writes either (too
# rarely for EM to learn a weight): a disagreement is a contradiction whatever the model learnt.
GENERATIONS_DIFFER_BITS = -1000.0


def personal_specs(specs: list[ComparisonSpec]) -> list[ComparisonSpec]:
    """The comparisons contradiction reads, plain: no rarity bits and nothing absorbed (a handle
    spelling the name does not make two different first names agree)."""
    return [replace(s, tf_feature=None, tf_source=None, absorbs=()) for s in specs if s.kind in PERSONAL_KINDS]


def evidence_against_sql(specs: list[ComparisonSpec], model: FittedModel) -> str:
    """SQL over gammas `g_<name>`: the bits of evidence against a match on the personal fields
    (0 or negative): each comparison's level weight where it is negative. The weights are the
    unsupervised model's: a steward's labels move scores, not this hard line (corrections learnt
    on the hardest pairs would otherwise split whole customers far from any labelled pair)."""
    weights = dict(zip(model.names, model.weights(corrected=False)))
    terms = [f"(CASE WHEN g_{s.name} = 0 THEN {GENERATIONS_DIFFER_BITS!r} ELSE 0.0 END)"
             if s.kind == "generation" else f"least(0.0, {scoring.level_weight_sql(weights[s.name], f'g_{s.name}')})"
             for s in personal_specs(specs) if s.name in weights]
    return " + ".join(terms) if terms else "0.0"


def find_contradictions(con: duckdb.DuckDBPyConnection, specs: list[ComparisonSpec], model: FittedModel,
                        bits: float, pairs: str, out: str) -> None:
    """`out`: the rows of table `pairs` (l, r, ...) whose two nodes contradict each other, with
    `against` (the bits of evidence against them)."""
    personal = [s for s in personal_specs(specs) if s.name in model.names]
    if not personal:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT *, 0.0 AS against FROM {pairs} WHERE false")
        return
    scoring.build_gammas(con, personal, candidates=pairs, out="cu_personal_gammas")
    columns = ", ".join(f"g_{s.name}" for s in personal)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT * EXCLUDE ({columns}) FROM (
          SELECT *, {evidence_against_sql(personal, model)} AS against FROM cu_personal_gammas)
        WHERE against <= -{float(bits)!r}""")
    con.execute("DROP TABLE cu_personal_gammas")


def find_household_pairs(con: duckdb.DuckDBPyConnection, specs: list[ComparisonSpec], model: FittedModel,
                         bits: float, pairs: str, out: str, levels: str | None = None) -> None:
    """`out`: the rows of table `pairs` (l, r, ...) that the model's household class
    (households.py) judges two members of one household rather than one person by at least
    `bits`, with `odds` (bits for one person; negative). Empty without a household class.

    `levels`: a table (l, r, g_<comparison>...) already holding every pair's levels."""
    if model.h is None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT *, 0.0 AS odds FROM {pairs} WHERE false")
        return
    plain = [replace(s, tf_feature=None, tf_source=None) for s in specs]  # rarity: not needed to judge
    columns = ", ".join(f"g_{s.name}" for s in plain)
    if levels:
        con.execute(f"CREATE OR REPLACE TEMP TABLE cu_household_gammas AS "
                    f"SELECT p.*, {', '.join(f'v.g_{s.name}' for s in plain)} FROM {pairs} p JOIN {levels} v USING (l, r)")
    else:
        scoring.build_gammas(con, plain, candidates=pairs, out="cu_household_gammas")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT * EXCLUDE ({columns}) FROM (
          SELECT *, {scoring.household_weight_sql(plain, model)} AS odds FROM cu_household_gammas)
        WHERE odds <= -{float(bits)!r}""")
    con.execute("DROP TABLE cu_household_gammas")


def find_two_names(con: duckdb.DuckDBPyConnection, specs: list[ComparisonSpec], groups: str, out: str) -> None:
    """`out (grp, l, r)`: the node pairs of table `groups (grp, nid, fn_canon)` that carry two
    different first names within one group, each name written on two or more of the group's nodes.

    A name is every spelling the first-name comparison finds alike, chained: Genevieve, Genevievr
    and Gen are one name (typos, nicknames, a prefix); so are two names written as each other's
    surname (swapped) and names the maintained nicknames dataset relates (Molly ~ Mary). An
    initial is no name. One person's records carry independent typos, so a stray spelling stays
    alone; another name twice is another person - a family email, a household landline, twins.
    No model needed: identifier limits read it before training (so such pairs never teach m that
    one person's first names disagree), and clustering with the same definition."""
    first_name = next((s for s in specs if s.kind == "first_name"), None)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT grp, nid AS l, nid AS r FROM {groups} WHERE false")
    if first_name is None:
        return
    # only groups that could hold two names written twice each are read further
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cu_two_name_nodes AS
        WITH candidates AS (SELECT grp FROM {groups} WHERE fn_canon IS NOT NULL GROUP BY grp
                            HAVING count(DISTINCT fn_canon) >= 2 AND count(*) >= 4)
        SELECT g.grp, g.nid, g.fn_canon, n.fn, n.ln FROM {groups} g SEMI JOIN candidates USING (grp)
        JOIN cu_nodes n USING (nid) WHERE g.fn_canon IS NOT NULL AND length(n.fn) >= 2""")
    # one node stands for each spelling: the comparison reads spellings, nicknames included
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cu_two_names AS
        SELECT grp, fn, any_value(fn_canon) AS fn_canon, min(nid) AS nid, count(*) AS nodes
        FROM cu_two_name_nodes GROUP BY grp, fn""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cu_two_name_pairs AS
        SELECT a.grp, a.fn AS name_a, b.fn AS name_b, a.fn_canon AS canon_a, b.fn_canon AS canon_b,
               a.nid AS l, b.nid AS r
        FROM cu_two_names a JOIN cu_two_names b ON a.grp = b.grp AND a.nid < b.nid""")
    plain = replace(first_name, tf_feature=None, tf_source=None, absorbs=())
    scoring.build_gammas(con, [plain], candidates="cu_two_name_pairs", out="cu_two_name_gammas")
    _related_names_table(con)
    alike = con.sql(f"""
        SELECT grp, name_a, name_b FROM cu_two_name_gammas WHERE g_{plain.name} > 0
        UNION ALL SELECT g.grp, g.name_a, g.name_b FROM cu_two_name_gammas g
          JOIN cu_related_names n ON n.a = g.name_a AND n.b = g.name_b
        UNION ALL SELECT g.grp, g.name_a, g.name_b FROM cu_two_name_gammas g
          JOIN cu_related_names n ON n.a = g.canon_a AND n.b = g.canon_b
        -- one name written as the other's surname and back, typos too
        UNION ALL SELECT x.grp, x.fn, y.fn FROM cu_two_name_nodes x JOIN cu_two_name_nodes y
          ON x.grp = y.grp AND x.fn <> y.fn
          AND jaro_winkler_similarity(x.fn, y.ln) >= {ALIKE_NAMES_JW}
          AND jaro_winkler_similarity(x.ln, y.fn) >= {ALIKE_NAMES_JW}""").fetchall()
    names = con.sql("SELECT grp, fn, nodes FROM cu_two_names").fetchall()
    con.execute("DROP TABLE cu_two_names; DROP TABLE cu_two_name_pairs; DROP TABLE cu_two_name_gammas")
    sets = _name_sets(names, alike)
    if sets.empty:
        con.execute("DROP TABLE cu_two_name_nodes")
        return
    con.register("cu_two_name_sets_in", sets)
    con.execute(f"""
        INSERT INTO {out}
        WITH named AS (SELECT n.grp, n.nid, s.name_set FROM cu_two_name_nodes n
                       JOIN cu_two_name_sets_in s ON s.grp = n.grp AND s.fn = n.fn)
        SELECT DISTINCT a.grp, least(a.nid, b.nid), greatest(a.nid, b.nid) FROM named a
        JOIN named b ON a.grp = b.grp AND a.name_set < b.name_set""")
    con.unregister("cu_two_name_sets_in")
    con.execute("DROP TABLE cu_two_name_nodes")


def _name_sets(names: list[tuple], alike: list[tuple]) -> pd.DataFrame:
    """(grp, fn, name_set) for the spellings of groups holding two or more names written on two
    or more nodes each, a name being the alike spellings chained (union-find)."""
    parent = {(grp, name): (grp, name) for grp, name, _ in names}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for grp, a, b in alike:
        ra, rb = find((grp, a)), find((grp, b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    nodes: dict[tuple, int] = {}
    for grp, name, count in names:
        root = find((grp, name))
        nodes[root] = nodes.get(root, 0) + count
    written = {root for root, count in nodes.items() if count >= 2}
    per_group: dict = {}
    for grp, name in written:
        per_group[grp] = per_group.get(grp, 0) + 1
    rows = [(grp, name, find((grp, name))[1]) for grp, name, _ in names
            if find((grp, name)) in written and per_group[grp] >= 2]
    return pd.DataFrame(rows, columns=["grp", "fn", "name_set"])


@cache
def _related_names() -> pd.DataFrame:
    return pd.DataFrame(related_name_pairs(), columns=["a", "b"])


def _related_names_table(con: duckdb.DuckDBPyConnection) -> None:
    """`cu_related_names (a, b)`: first names that may be one person's (nicknames.related_name_pairs)."""
    if scoring.has_table(con, "cu_related_names"):
        return
    con.register("cu_related_names_in", _related_names())
    con.execute("CREATE TEMP TABLE cu_related_names AS SELECT * FROM cu_related_names_in")
    con.unregister("cu_related_names_in")
