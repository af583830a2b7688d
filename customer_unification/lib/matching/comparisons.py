"""Comparison levels: how alike two records are on one field, as an ordered list of SQL conditions.

A comparison yields a level (gamma) per candidate pair: -1 when either side lacks the value (no
evidence either way), 0 when the values disagree, and 1..n for ever closer agreement (n = exact).
The levels are plain SQL over features of the left (`l.`) and right (`r.`) record, so the same
definitions run on DuckDB here and would run on any SQL engine.
"""

from dataclasses import dataclass

from customer_unification.lib.matching.config import Comparison, LevelSpec


@dataclass(frozen=True)
class Level:
    label: str
    sql: str


@dataclass(frozen=True)
class ComparisonSpec:
    name: str
    null_sql: str
    levels: tuple[Level, ...]  # best first: the first level has gamma n, the last gamma 1
    tf_feature: str | None = None  # term-frequency adjust agreement on this feature's values ...
    tf_source: str | None = None  # ... looking up the value of this node feature (either side's)
    tf_levels: tuple[int, ...] = ()  # ... at these levels (default: the exact level)
    features: tuple[str, ...] = ()  # node features the levels read (training skips rules forcing them)
    kind: str = ""
    # Nested evidence: at these levels of this comparison, agreement on comparisons of the listed
    # kinds says nothing new (a handle or email that spells "kellyneal" already holds the first and
    # last name). Their agreement then counts as missing so it is not counted twice; their
    # disagreement still counts against the match.
    absorbs: tuple["Absorb", ...] = ()

    @property
    def top(self) -> int:
        return len(self.levels)

    def gamma_sql(self) -> str:
        whens = " ".join(f"WHEN {lv.sql} THEN {self.top - i}" for i, lv in enumerate(self.levels))
        return f"CAST(CASE WHEN {self.null_sql} THEN -1 {whens} ELSE 0 END AS TINYINT)"

    def label(self, gamma: int) -> str:
        if gamma < 0:
            return "missing on one side"
        return "disagree" if gamma == 0 else self.levels[self.top - gamma].label


def _nulls(*features: str) -> str:
    return " OR ".join(f"l.{f} IS NULL OR r.{f} IS NULL" for f in features)


def one_edit_sql(a: str, b: str) -> str:
    """SQL: `a` and `b` differ by at most one typo (substitution, insertion, deletion or swap).

    Same as damerau_levenshtein(a, b) <= 1, but that costs ~1.3 s per million pairs; hamming
    settles the common equal-length case ~10x faster, and the full distance runs only when a
    swap is possible. CASE, not OR: DuckDB evaluates both sides of an OR, CASE branches lazily.
    """
    return (f"(CASE WHEN length({a}) = length({b}) THEN (CASE WHEN hamming({a}, {b}) = 2 "
            f"THEN damerau_levenshtein({a}, {b}) = 1 ELSE hamming({a}, {b}) <= 1 END) "
            f"WHEN abs(length({a}) - length({b})) = 1 THEN levenshtein({a}, {b}) = 1 ELSE false END)")


def two_edits_sql(a: str, b: str) -> str:
    """SQL: names of five letters or more at most two typos apart (Gpegory ~ Gregry): records of
    one person carry independent typos. Jaro-Winkler screens out clearly different names first,
    so the costlier distance runs on few pairs."""
    return (f"(CASE WHEN least(length({a}), length({b})) >= 5 AND jaro_winkler_similarity({a}, {b}) >= 0.7 "
            f"THEN damerau_levenshtein({a}, {b}) <= 2 ELSE false END)")


def swapped_with_typos_sql() -> str:
    """SQL: each side's first name is the other's surname but for at most one typo (Chandelr Ay ~
    Amy Chandler): a swap happens at data entry, and the typos come with it independently."""
    return f"(CASE WHEN {one_edit_sql('l.fn', 'r.ln')} THEN {one_edit_sql('l.ln', 'r.fn')} ELSE false END)"


def day_month_swapped_sql(a: str, b: str) -> str:
    """SQL: two YYYYMMDD dates that differ only by day and month trading places."""
    return (f"(left({a}, 4) = left({b}, 4) AND substr({a}, 5, 2) = substr({b}, 7, 2) "
            f"AND substr({a}, 7, 2) = substr({b}, 5, 2))")


def _initial_fits(feature: str) -> str:
    """One side gives only an initial, and it is the other side's first letter."""
    return (f"(length(l.{feature}) = 1 OR length(r.{feature}) = 1) "
            f"AND left(l.{feature}, 1) = left(r.{feature}, 1)")


# first names this alike (Jaro-Winkler) may be one name misspelt: the first-name comparison's
# lowest agreeing level, and what contradiction reads as a swapped name with typos (conflicts.py)
ALIKE_NAMES_JW = 0.80


def _jw(feature: str) -> str:
    return f"jaro_winkler_similarity(l.{feature}, r.{feature})"


def _spells_name(stem: str, n: str) -> str:
    """`stem` (letters of a handle or email local part) spells the name on side `n`:
    kneal <- Kelly Neal, robertrodriguez, nealkelly, kellyn ..."""
    return (f"({stem} IN ({n}.fn || {n}.ln, left({n}.fn, 1) || {n}.ln, {n}.fn_canon || {n}.ln, "
            f"{n}.ln || {n}.fn, {n}.fn || left({n}.ln, 1), left({n}.fn_canon, 1) || {n}.ln) "
            # a surname known only by its initial ("Brenda W."): brendaward spells it too
            f"OR (length({n}.ln) = 1 AND length({stem}) > length({n}.fn) + 1 AND starts_with({stem}, {n}.fn || {n}.ln)))")


def _year_agrees(year: str, byear: str) -> str:
    """A year from a handle or email (4 digits, or 2 below 100) equals a birth year."""
    return f"({year} = {byear} OR ({year} < 100 AND {year} = {byear} % 100))"


def _implied_year(h: str, n: str) -> str:
    """Side `h` has no birth year, but its handle or email carries the one of side `n`."""
    return (f"({h}.byear IS NULL AND {n}.byear IS NOT NULL AND "
            f"({_year_agrees(f'{h}.handle_year', f'{n}.byear')} OR {_year_agrees(f'{h}.email_year', f'{n}.byear')}))")


def _cross_levels(kind: str, first_name_only: bool) -> tuple[str, list[Level]]:
    """Levels for a handle / email on one side against the name and birth year on the other.

    Evaluated only where the other side lacks that kind of value: two emails are compared
    directly by the email comparison, not through names. Two comparisons share the work: one
    against a full name, one against a first name alone (an SMS opt-in, a newsletter signup).
    They are kept apart because the two kinds of pair are unevenly common among matches and
    non-matches, so a single m and u would misjudge both.
    """
    stem, year, value = f"{kind}_stem", f"{kind}_year", kind

    def direction(h: str, n: str, with_year: bool, name_only: bool = False, typo: bool = False) -> str:
        if first_name_only:
            spelled = f"starts_with({h}.{stem}, {n}.fn)"  # martha1998, marthamoran ~ Martha
        elif name_only:
            spelled = f"{h}.{stem} = {n}.fn"
        elif typo:  # names typed by an agent or a clerk carry typos; a chosen address rarely does
            spelled = (f"(length({h}.{stem}) >= 8 AND ({one_edit_sql(f'{h}.{stem}', f'{n}.fn || {n}.ln')} "
                       f"OR {one_edit_sql(f'{h}.{stem}', f'{n}.ln || {n}.fn')}))")
        else:
            spelled = _spells_name(f"{h}.{stem}", n)
        # a number that is not the birth year does not undo the spelled name: e.lee35 may be
        # Elizabeth Lee born in 1995 (people pick lucky numbers, house numbers, graduation years)
        guards = [f"{n}.{value} IS NULL"]
        if with_year:
            guards.append(_year_agrees(f"{h}.{year}", f"{n}.byear"))
        if kind == "email":  # an email that spells none of its own record's names is someone else's
            guards.append(f"NOT {h}.email_foreign")
        # CASE, not AND: DuckDB evaluates both sides of an AND; the spelling is the costly part
        return f"(CASE WHEN {' AND '.join(guards)} THEN {spelled} ELSE false END)"

    def either(**kw) -> str:
        return f"{direction('l', 'r', **kw)} OR {direction('r', 'l', **kw)}"

    def impossible(h: str, n: str) -> str:
        surname = f"{n}.ln IS NOT NULL" if first_name_only else f"{n}.ln IS NULL"
        return f"({h}.{stem} IS NULL OR {n}.fn IS NULL OR {n}.{value} IS NOT NULL OR {surname})"

    null = f"{impossible('l', 'r')} AND {impossible('r', 'l')}"
    if first_name_only:
        return null, [Level(f"{kind} starts with the first name and has the birth year (martha1998)",
                            either(with_year=True)),
                      Level(f"{kind} starts with the first name", either(with_year=False))]
    return null, [Level(f"{kind} spells the name and the birth year (kneal1985 = Kelly Neal, 1985)",
                        either(with_year=True)),
                  Level(f"{kind} spells the name", either(with_year=False)),
                  Level(f"{kind} spells the name but for one typo (lilywhite = Lily Whtie)",
                        either(with_year=False, typo=True)),
                  Level(f"{kind} spells the first name and the birth year (kelly1985)",
                        either(with_year=True, name_only=True))]


def build_spec(comparison: Comparison) -> ComparisonSpec:
    """The levels for one configured comparison."""
    name, kind = comparison.name, comparison.kind
    tf = None
    if kind == "first_name":
        null = _nulls("fn")
        swapped = "(l.fn = r.ln AND l.ln = r.fn)"
        levels = [Level("exact", "l.fn = r.fn"),
                  Level("same name after nicknames (Bob = Robert), or first and last names swapped",
                        f"l.fn_canon = r.fn_canon OR {swapped}"),
                  Level("one typo, also after nicknames (Jonh = John, Jamse ~ Jim), or names swapped with a typo",
                        f"{one_edit_sql('l.fn', 'r.fn')} OR {one_edit_sql('l.fn_canon', 'r.fn_canon')} "
                        f"OR {swapped_with_typos_sql()}"),
                  Level("two typos or sounds alike (Gpegory ~ Gregry, Stephen ~ Steven)",
                        f"{two_edits_sql('l.fn', 'r.fn')} OR {two_edits_sql('l.fn_canon', 'r.fn_canon')} "
                        "OR l.fn_ph = r.fn_ph OR l.fn_canon_ph = r.fn_canon_ph"),
                  Level("alike (Jaro-Winkler >= 0.80), one name starts the other (Alex, Alexander) or an initial",
                        f"{_jw('fn')} >= {ALIKE_NAMES_JW} OR starts_with(l.fn, r.fn) OR starts_with(r.fn, l.fn) "
                        f"OR ({_initial_fits('fn')})")]
        tf = "fn" if comparison.term_frequency else None
    elif kind == "last_name":
        null = _nulls("ln")
        part = ("(list_contains(l.ln_parts, r.ln) OR list_contains(r.ln_parts, l.ln) "
                "OR coalesce(list_has_any(l.ln_parts, r.ln_parts), false))")
        levels = [Level("exact", "l.ln = r.ln"),
                  Level("one typo, first and last names swapped, or one part of a double-barrelled name",
                        f"{one_edit_sql('l.ln', 'r.ln')} OR (l.ln = r.fn AND l.fn = r.ln) OR {part}"),
                  Level("two typos, sounds alike, Jaro-Winkler >= 0.88, or names swapped with a typo",
                        f"{two_edits_sql('l.ln', 'r.ln')} OR l.ln_ph = r.ln_ph OR {_jw('ln')} >= 0.88 "
                        f"OR {swapped_with_typos_sql()}"),
                  Level("an initial that fits", _initial_fits("ln"))]
        tf = "ln" if comparison.term_frequency else None
    elif kind == "date_of_birth":
        implied = f"({_implied_year('l', 'r')} OR {_implied_year('r', 'l')})"
        # a side with no birth year at all may still write one into its handle or email; only
        # its agreement is evidence (kelly99 may be a lucky number), so a mismatch counts as missing
        null = f"(l.byear IS NULL OR r.byear IS NULL) AND NOT coalesce({implied}, false)"
        levels = [Level("exact", "l.dob = r.dob"),
                  Level("day and month swapped", day_month_swapped_sql("l.dob", "r.dob")),
                  Level("same year, one digit of day or month differs or two swapped",
                        f"left(l.dob, 4) = left(r.dob, 4) AND {one_edit_sql('l.dob', 'r.dob')}"),
                  Level("within a month of each other",
                        "abs(date_diff('day', l.dob_date, r.dob_date)) <= 31"),
                  Level("same day and month, the year one off or one digit off (1966 ~ 1967, 1986)",
                        "right(l.dob, 4) = right(r.dob, 4) AND (abs(l.byear - r.byear) = 1 "
                        f"OR {one_edit_sql('left(l.dob, 4)', 'left(r.dob, 4)')})"),
                  Level("same birth year (one side has only the year)",
                        "(l.dob IS NULL OR r.dob IS NULL) AND l.byear = r.byear"),
                  Level("birth year written in a handle or email (kneal1985)", implied)]
    elif kind == "email":
        null = _nulls("email")
        levels = [Level("exact", "l.email = r.email"),
                  Level("same local part, other domain", "l.email_local = r.email_local"),
                  Level("local parts Jaro-Winkler >= 0.88", f"{_jw('email_local')} >= 0.88")]
        tf = "email_local" if comparison.term_frequency else None
    elif kind == "phone":
        null = _nulls("phone")
        levels = [Level("exact", "l.phone = r.phone"),
                  Level("one digit differs or two swapped", one_edit_sql("l.phone", "r.phone"))]
    elif kind == "postcode":
        null = _nulls("postcode")
        levels = [Level("exact", "l.postcode = r.postcode"),
                  Level("same sector (UK SW1A 1, Canadian K1A 0) or ZIP5", "l.pc_sector = r.pc_sector"),
                  Level("one character differs", one_edit_sql("l.postcode", "r.postcode")),
                  Level("same area (UK outward code, Canadian FSA, ZIP3)", "l.pc_area = r.pc_area")]
    elif kind == "city":
        null = _nulls("city")
        levels = [Level("exact", "l.city = r.city"),
                  Level("Jaro-Winkler >= 0.90", f"{_jw('city')} >= 0.90")]
        tf = "city" if comparison.term_frequency else None
    elif kind == "address":
        null = _nulls("addr")
        levels = [Level("exact", "l.addr = r.addr AND l.house IS NOT DISTINCT FROM r.house"),
                  Level("same house number, street Jaro-Winkler >= 0.90",  # CASE: lazy, unlike AND
                        f"CASE WHEN l.house IS NOT DISTINCT FROM r.house THEN {_jw('addr')} >= 0.90 ELSE false END"),
                  Level("Jaro-Winkler >= 0.80", f"{_jw('addr')} >= 0.80")]
    elif kind == "handle":
        null = _nulls("handle")
        levels = [Level("same handle", "l.handle = r.handle")]
    elif kind == "handle_name":
        # Cross-field: a handle on one side against the name on the other. Kept apart from the
        # handle comparison: matches agree on a handle only when both hold one, so the two kinds of
        # pair have their own m (as email and email_name do).
        null, levels = _cross_levels("handle", first_name_only=False)
    elif kind == "email_name":
        null, levels = _cross_levels("email", first_name_only=False)
    elif kind in ("handle_first_name", "email_first_name"):
        null, levels = _cross_levels(kind.split("_")[0], first_name_only=True)
    elif kind == "generation":
        # "Sr" against "Jr": a father and his namesake son. A disagreement is a contradiction
        # (conflicts.GENERATIONS_DIFFER_BITS); what an agreement adds the model learns.
        null = _nulls("gen")
        levels = [Level("same generational suffix (Jr = Jr)", "l.gen = r.gen")]
    elif kind == "identifier":
        x = f"x_{name}"
        null = _nulls(x)
        levels = [Level("exact", f"l.{x} = r.{x}"),
                  Level("one character differs or two swapped", one_edit_sql(f"l.{x}", f"r.{x}"))]
    elif kind == "exact":
        x = f"x_{name}"
        null = _nulls(x)
        levels = [Level("exact", f"l.{x} = r.{x}")]
        tf = x if comparison.term_frequency else None
    elif kind == "declared":
        x = f"x_{name}"
        null = _nulls(x)
        levels = [Level(level.label or _declared_label(level), _declared_sql(level, x)) for level in comparison.levels]
        # rarity counts where the best level is plain equality of a value (not of lists)
        if comparison.term_frequency and comparison.levels[0].exact and comparison.value_type != "list":
            tf = x
    else:  # pragma: no cover - the config's Literal type rejects other kinds
        raise ValueError(f"unknown comparison kind {kind!r}")
    reads = {
        "first_name": ("fn", "fn_canon", "fn_ph", "fn_canon_ph"), "last_name": ("ln", "ln_parts", "ln_ph"),
        "date_of_birth": ("dob", "byear", "dob_date", "handle_year", "email_year"),
        "email": ("email", "email_local"), "phone": ("phone",), "postcode": ("postcode", "pc_sector", "pc_area"),
        "city": ("city",), "address": ("addr", "house"), "handle": ("handle",), "generation": ("gen",),
        "handle_name": ("handle_stem",), "email_name": ("email_stem", "email_foreign"),
        "handle_first_name": ("handle_stem",), "email_first_name": ("email_stem", "email_foreign"),
    }.get(kind, (f"x_{name}",))
    if kind == "declared" and any(level.sounds_alike for level in comparison.levels):
        reads = (*reads, f"x_{name}_ph")
    tf_levels, tf_source = (), None
    if kind == "handle" and comparison.term_frequency:
        tf = "handle"
    if kind == "email" and comparison.term_frequency:
        # emma.smith@ at two providers is as often two Emma Smiths as one: how many people write a
        # local part decides what sharing it at another domain says (kx7q.lee@ is one person's)
        tf_levels = (2,)
    if kind in ("handle_first_name", "email_first_name") and comparison.term_frequency:
        tf = "fn"  # how common the first name is
    if kind in ("handle_name", "email_name") and comparison.term_frequency:
        # how many people a stem like "jsmith" spells: @jsmith is weak evidence, @kneal rather strong
        tf, stem = "stem", f"{'handle' if kind == 'handle_name' else 'email'}_stem"
        tf_source = stem
        tf_levels = tuple(range(1, len(levels) + 1))
    return ComparisonSpec(name=name, null_sql=null, levels=tuple(levels), tf_feature=tf, features=reads,
                          tf_levels=tf_levels or (len(levels),), tf_source=tf_source or tf,
                          kind=kind, absorbs=_ABSORBS.get(kind, ()))


def _declared_sql(level: LevelSpec, x: str) -> str:
    """SQL for one declared level over feature `x` of the two records (see config.LevelSpec)."""
    l, r = f"l.{x}", f"r.{x}"
    return {
        "exact": lambda: f"{l} = {r}",
        "jaro_winkler": lambda: f"jaro_winkler_similarity({l}, {r}) >= {level.jaro_winkler!r}",
        "levenshtein": lambda: f"levenshtein({l}, {r}) <= {level.levenshtein}",
        "damerau_levenshtein": lambda: f"damerau_levenshtein({l}, {r}) <= {level.damerau_levenshtein}",
        "sounds_alike": lambda: f"l.{x}_ph = r.{x}_ph",
        "within_days": lambda: f"abs(date_diff('day', {l}, {r})) <= {level.within_days}",
        "within": lambda: f"abs({l} - {r}) <= {level.within!r}",
        "shares": lambda: f"len(list_intersect({l}, {r})) >= {level.shares}",
        "sql": lambda: "(" + level.sql.replace("{l}", l).replace("{r}", r) + ")",
    }[level.measure]()


def _declared_label(level: LevelSpec) -> str:
    measure, value = level.measure, getattr(level, level.measure)
    return {
        "exact": "exact", "jaro_winkler": f"Jaro-Winkler >= {value}", "levenshtein": f"at most {value} edits",
        "damerau_levenshtein": f"at most {value} edits (swaps count one)", "sounds_alike": "sounds alike",
        "within_days": f"within {value} days", "within": f"within {value}",
        "shares": f"{value} or more values in common", "sql": f"custom: {value}",
    }[measure]


_NAMES = ("first_name", "last_name")


@dataclass(frozen=True)
class Absorb:
    """At `levels` of one comparison, comparisons of `kinds` add nothing new: their agreement
    (or only their `target_levels`) counts as missing."""

    levels: tuple[int, ...]
    kinds: tuple[str, ...]
    target_levels: tuple[int, ...] | None = None


# Nested evidence, see ComparisonSpec.absorbs. Geography is deliberately not nested: on data
# whose address, postcode and city are recorded (and mistyped) independently, agreeing on all three
# is more evidence than agreeing on one.
_SPELLED = (
    # levels: 4 spells name + year, 3 spells name, 2 spells name but for a typo,
    # 1 spells first name + year
    Absorb((2, 3, 4), _NAMES), Absorb((1,), ("first_name",)),
    # the birth year a handle or email writes (date_of_birth's lowest level) is already in 4 and 1
    Absorb((1, 4), ("date_of_birth",), target_levels=(1,)),
)
# levels: 2 starts with the first name and has the year, 1 starts with the first name
_SPELLED_FIRST = (Absorb((1, 2), ("first_name",)), Absorb((2,), ("date_of_birth",), target_levels=(1,)))
_ABSORBS: dict[str, tuple[Absorb, ...]] = {
    # a handle spelling the name also holds whatever the other's email spells of it
    "handle_name": (*_SPELLED, Absorb((2, 3, 4), ("email_name",))),
    "email_name": _SPELLED,
    "handle_first_name": _SPELLED_FIRST,
    "email_first_name": _SPELLED_FIRST,
}
# When both names agree on their own, a handle or email spelling them adds nothing: the spelled
# comparison counts as missing (and absorbs nothing); the year it writes stays as date evidence.
# Likewise two emails whose local parts are alike (paul.nguyen@, paulnguyen@ at another domain)
# mostly say the name again. Per kind: the levels that become missing (None: every agreement).
_REDUNDANT_WHEN_NAMES_AGREE: dict[str, tuple[int, ...] | None] = {
    "handle_name": None, "email_name": None, "email": (1, 2)}


def absorbed_sql(specs: list[ComparisonSpec]) -> dict[str, str]:
    """Per comparison whose evidence another comparison may absorb: SQL for its final gamma,
    reading the raw gammas `g_<name>`."""
    by_kind = {s.kind: s for s in specs}
    # agreeing clearly (exact, nickname or one typo), not just by an initial ("Brenda W.")
    names_agree = ("(" + " AND ".join(f"g_{by_kind[k].name} >= {by_kind[k].top - 1}" for k in _NAMES) + ")"
                   if all(k in by_kind for k in _NAMES) else "false")
    out: dict[str, str] = {}
    for target in specs:
        conditions = []
        if target.kind in _REDUNDANT_WHEN_NAMES_AGREE and names_agree != "false":
            levels = _REDUNDANT_WHEN_NAMES_AGREE[target.kind]
            hit = f"g_{target.name} > 0" if levels is None else f"g_{target.name} IN ({', '.join(map(str, levels))})"
            conditions.append(f"({hit} AND {names_agree})")
        for spec in specs:
            if spec is target:
                continue
            guard = f" AND NOT {names_agree}" if _REDUNDANT_WHEN_NAMES_AGREE.get(spec.kind, 0) is None else ""
            for rule in spec.absorbs:
                if target.kind in rule.kinds:
                    hit = (f"g_{target.name} > 0" if rule.target_levels is None
                           else f"g_{target.name} IN ({', '.join(map(str, rule.target_levels))})")
                    conditions.append(f"({hit} AND g_{spec.name} IN ({', '.join(map(str, rule.levels))}){guard})")
        if conditions:
            out[target.name] = (f"CAST(CASE WHEN {' OR '.join(conditions)} THEN -1 "
                                f"ELSE g_{target.name} END AS TINYINT)")
    return out
