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
"""

from dataclasses import replace

import duckdb

from customer_unification.lib.matching import scoring
from customer_unification.lib.matching.comparisons import ComparisonSpec
from customer_unification.lib.matching.em import FittedModel

# The fields one person does not share with the people they live with.
PERSONAL_KINDS = ("first_name", "date_of_birth")


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
    terms = [f"least(0.0, {scoring.level_weight_sql(weights[s.name], f'g_{s.name}')})"
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
                         bits: float, pairs: str, out: str) -> None:
    """`out`: the rows of table `pairs` (l, r, ...) that the model's household class
    (households.py) judges two members of one household rather than one person by at least
    `bits`, with `odds` (bits for one person; negative). Empty without a household class."""
    if model.h is None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT *, 0.0 AS odds FROM {pairs} WHERE false")
        return
    plain = [replace(s, tf_feature=None, tf_source=None) for s in specs]  # rarity: not needed to judge
    scoring.build_gammas(con, plain, candidates=pairs, out="cu_household_gammas")
    columns = ", ".join(f"g_{s.name}" for s in plain)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT * EXCLUDE ({columns}) FROM (
          SELECT *, {scoring.household_weight_sql(plain, model)} AS odds FROM cu_household_gammas)
        WHERE odds <= -{float(bits)!r}""")
    con.execute("DROP TABLE cu_household_gammas")
