"""Strong contradictory evidence: two records that cannot be the same person.

First names are compatible when they are the same after nicknames, one is an initial or a
prefix of the other (Alex, Alexander), or they differ by a typo (one edit; two in long names).
Anything else - Susan and Donald, Elijah and Elizabeth - is two people.

Used twice, with one definition: a shared identifier whose records conflict is a household or
shared value and stops being a deterministic link, and clustering never joins conflicting records
however they are linked (anti-chaining). Kept deliberately narrow - clearly different first names
(after nicknames and typos), or birth dates that no typo explains - so people who moved, married
or mistyped still merge.
"""

from rapidfuzz.distance import DamerauLevenshtein

from customer_unification.lib.matching.comparisons import day_month_swapped_sql

_LONG_NAME = 7  # names this long may carry two typos


def conflict_sql(a: str, b: str) -> str:
    """SQL: records aliased `a` and `b` (node features) contradict each other."""
    names = (f"({a}.fn IS NOT NULL AND {b}.fn IS NOT NULL AND {a}.fn_canon <> {b}.fn_canon "
             f"AND {a}.fn <> {b}.ln AND {b}.fn <> {a}.ln "
             f"AND NOT starts_with({a}.fn, {b}.fn) AND NOT starts_with({b}.fn, {a}.fn) "
             f"AND damerau_levenshtein({a}.fn, {b}.fn) > "
             f"CASE WHEN least(length({a}.fn), length({b}.fn)) >= {_LONG_NAME} THEN 2 ELSE 1 END)")
    dates = (f"({a}.dob IS NOT NULL AND {b}.dob IS NOT NULL AND {a}.dob <> {b}.dob "
             f"AND damerau_levenshtein({a}.dob, {b}.dob) > 1 AND NOT {day_month_swapped_sql(f'{a}.dob', f'{b}.dob')})")
    years = (f"(({a}.dob IS NULL OR {b}.dob IS NULL) AND {a}.byear IS NOT NULL AND {b}.byear IS NOT NULL "
             f"AND {a}.byear <> {b}.byear)")
    return f"({names} OR {dates} OR {years})"


def names_conflict(fn_a: str, canon_a: str, ln_a: str | None, fn_b: str, canon_b: str, ln_b: str | None) -> bool:
    if canon_a == canon_b or fn_a == ln_b or fn_b == ln_a or fn_a.startswith(fn_b) or fn_b.startswith(fn_a):
        return False
    typos = 2 if min(len(fn_a), len(fn_b)) >= _LONG_NAME else 1
    return DamerauLevenshtein.distance(fn_a, fn_b) > typos


def dates_conflict(dob_a: str, dob_b: str) -> bool:
    if dob_a == dob_b or DamerauLevenshtein.distance(dob_a, dob_b) <= 1:
        return False
    return not (dob_a[:4] == dob_b[:4] and dob_a[4:6] == dob_b[6:8] and dob_a[6:8] == dob_b[4:6])


class Evidence:
    """The records a growing cluster holds that assert a name or a birth date."""

    __slots__ = ("members",)

    def __init__(self, nid: int, fn, fn_canon, ln, dob, byear):
        self.members = [(nid, fn, fn_canon, ln, dob, byear)] if (fn or dob or byear) else []

    def conflicting_pairs(self, other: "Evidence"):
        """Yield (nid_a, nid_b) for every pair of records across the two clusters that contradict."""
        for na, fa, ca, la, da, ya in self.members:
            for nb, fb, cb, lb, db, yb in other.members:
                if (fa and fb and names_conflict(fa, ca, la, fb, cb, lb)) or \
                        (da and db and dates_conflict(da, db)) or \
                        ((not da or not db) and ya and yb and ya != yb):
                    yield (na, nb) if na < nb else (nb, na)

    def absorb(self, other: "Evidence") -> None:
        self.members.extend(other.members)
