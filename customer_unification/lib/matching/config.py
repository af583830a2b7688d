"""Match configuration: which columns play which role, the rules, blocking, comparisons, thresholds.

One YAML file describes how to resolve any table of person records; the pipeline uses the bundled
`default_match.yaml` and `customer-unification match --config` takes a user's own. Columns are
addressed by *role* (first_name, email, ...) so rules and comparisons read the same on any table.
"""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_serializer, model_validator

from customer_unification.lib.yaml_config import load_yaml_config

# Roles the engine understands, and what feature it derives from each (see features.py).
ROLES = (
    "first_name", "first_name_canonical", "last_name", "date_of_birth", "birth_year",
    "email", "phone", "address", "house_number", "city", "postcode", "region", "handle", "name_suffix",
    "full_name",
)

ComparisonKind = Literal[
    "first_name", "last_name", "date_of_birth", "email", "phone", "postcode", "city", "address",
    "handle", "handle_name", "email_name", "handle_first_name", "email_first_name", "generation", "identifier",
    "exact",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rule(_Strict):
    """Deterministic rule: records sharing a value of `column` are the same person, within limits."""

    name: str
    column: str  # a role or an input column
    # A value shared by more records than this is a shared identifier, not a person's.
    max_records: int = Field(default=1000, ge=2)
    # Compatible people per value: more distinct (conflicting) first names or birth dates than this
    # means a household phone or family email - it stops being a link on its own.
    max_people: int = Field(default=1, ge=1)
    blocked_values: list[str] = Field(default_factory=list)
    blocked_patterns: list[str] = Field(default_factory=list)  # SQL regular expressions


# One measure per declared level; the value each needs the compared column as (see LevelSpec).
LEVEL_MEASURES = {
    "exact": "any", "jaro_winkler": "text", "levenshtein": "text", "damerau_levenshtein": "text",
    "sounds_alike": "text", "within_days": "date", "within": "number", "shares": "list", "sql": "any",
}


class LevelSpec(_Strict):
    """A declared comparison level: exactly one measure, optionally a label.

    exact: equal values. jaro_winkler: similarity at least this (0-1). levenshtein /
    damerau_levenshtein: at most this many edits. sounds_alike: equal Metaphone keys.
    within_days: dates at most this many days apart. within: numbers at most this far apart.
    shares: lists (or comma/semicolon separated text) with at least this many values in common.
    sql: a condition over `{l}` and `{r}`, the two records' values (e.g. `left({l}, 3) = left({r}, 3)`).
    """

    label: str | None = None
    exact: Literal[True] | None = None
    jaro_winkler: float | None = Field(default=None, gt=0, le=1)
    levenshtein: int | None = Field(default=None, ge=1)
    damerau_levenshtein: int | None = Field(default=None, ge=1)
    sounds_alike: Literal[True] | None = None
    within_days: int | None = Field(default=None, ge=0)
    within: float | None = Field(default=None, ge=0)
    shares: int | None = Field(default=None, ge=1)
    sql: str | None = None

    @model_validator(mode="after")
    def _one_measure(self) -> "LevelSpec":
        given = [m for m in LEVEL_MEASURES if getattr(self, m) is not None]
        if len(given) != 1:
            raise ValueError(f"a level has exactly one of {list(LEVEL_MEASURES)} (got {given or 'none'})")
        if self.sql is not None and not ("{l}" in self.sql and "{r}" in self.sql):
            raise ValueError("a `sql` level compares `{l}` with `{r}`: name both in the condition")
        return self

    @property
    def measure(self) -> str:
        return next(m for m in LEVEL_MEASURES if getattr(self, m) is not None)


class Comparison(_Strict):
    """One field compared between two records, scored in levels (see comparisons.py).

    `kind` names a preset (today's kinds: first_name, date_of_birth, ...); `levels` declares your
    own instead, best first, on the input column `column` (default: the comparison's name)."""

    name: str
    kind: ComparisonKind | Literal["declared"] = "declared"
    column: str | None = None  # role or input column; defaults to the role named like the kind
    term_frequency: bool = False  # adjust the exact-match weight by how common the value is
    levels: list[LevelSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _preset_or_levels(self) -> "Comparison":
        if self.kind == "declared" and not self.levels:
            raise ValueError(f"comparison {self.name!r}: give a preset `kind` or declare `levels`")
        if self.kind != "declared" and self.levels:
            raise ValueError(f"comparison {self.name!r}: `levels` replace a preset: drop `kind: {self.kind}`")
        types = {LEVEL_MEASURES[level.measure] for level in self.levels} - {"any"}
        if len(types) > 1:
            raise ValueError(f"comparison {self.name!r}: its levels need the value as {sorted(types)} at once; "
                             "compare it in two comparisons instead")
        return self

    @property
    def value_type(self) -> str:
        """How a declared comparison reads its column: text, date, number or list."""
        types = {LEVEL_MEASURES[level.measure] for level in self.levels} - {"any"}
        return types.pop() if types else "text"


class BlockingRule(_Strict):
    """Candidate pairs: records equal on every listed feature (or a `left`/`right` cross pair).

    In YAML a plain list is shorthand for `same:` - `[ln, dob]` pairs records with equal surname
    and birth date.
    """

    same: list[str] = Field(default_factory=list)
    left: list[str] = Field(default_factory=list)  # asymmetric: left features = right features
    right: list[str] = Field(default_factory=list)
    # ... where the right record lacks these features: an email that spells a name is compared
    # with records that have no email of their own (two emails are compared directly)
    right_lacks: list[str] = Field(default_factory=list)
    # Skip values shared by more records than this (e.g. "John Smith" with a name-only rule): a
    # common value is weak evidence on its own, and its pairs grow with the square of the block.
    # Skipped blocks are counted in the run's stats.
    max_block_size: int | None = Field(default=None, ge=2)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data):
        return {"same": data} if isinstance(data, list) else data

    @model_validator(mode="after")
    def _one_shape(self) -> "BlockingRule":
        if bool(self.same) == bool(self.left or self.right):
            raise ValueError("a blocking rule has either `same` or `left` + `right`")
        if len(self.left) != len(self.right):
            raise ValueError("`left` and `right` must list the same number of features")
        if self.right_lacks and self.same:
            raise ValueError("`right_lacks` applies to `left` + `right` rules only")
        return self

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(c, c) for c in self.same] if self.same else list(zip(self.left, self.right))


class OverSplitBounds(_Strict):
    """Bounds of the `no_over_split` gate (see oversplit.py). Rates a healthy run keeps well below
    them: records sharing an exact email, phone or loyalty card are nearly always one person, and
    clustering's guard refuses few of the links it is given. The demo estate: 0.17% of the emails
    and 0.85% of the phones held by several records end in different customers (21 of the 27
    phones are households' landlines), no loyalty card, device or cookie; clustering refuses 0.14%
    of its links. A run above them has split people (issue 13's estate: 2.9 customers a person)."""

    # split values of a rule, as a share of its values held by two or more records
    max_split_value_share: float = Field(default=0.02, ge=0, le=1)
    # a rule with fewer values held by two or more records is reported but not judged
    min_multi_record_values: int = Field(default=50, ge=1)
    # links accepted by a rule or by probability that clustering refused, as a share of them all
    max_refused_link_share: float = Field(default=0.05, ge=0, le=1)


class Clustering(_Strict):
    threshold: float = Field(default=0.95, gt=0, lt=1)  # match probability to accept a link
    max_cluster_size: int = Field(default=500, ge=2)
    over_split: OverSplitBounds = Field(default_factory=OverSplitBounds)
    # Two records contradict each other when the model's learnt evidence against a match on their
    # first names and birth dates (the negative level weights, summed) reaches this many bits:
    # a cluster never holds them, a link between them is refused, and an identifier they share
    # stops linking on its own - at the same address, Susan and Donald Carter are two people
    # whatever else they share (see conflicts.py). 6 bits: the disagreement is 64 times likelier
    # between two people than within one.
    contradiction_bits: float = Field(default=5.0, gt=0)
    # Unset (the default): contradicting records are never joined. Set it to tolerate a
    # contradiction when the two records' own fields favour a match by at least this many bits
    # (log2 Bayes factor, prior excluded).
    conflict_tolerance_bits: float | None = None
    # False (the default): two records that agree on a place (address, postcode, city) and on
    # nothing personal are not linked directly, however much the model weighs the place - it is
    # shared by households, flatmates and colleagues at a company address (linking.py).
    link_on_place_alone: bool = False

    @model_serializer(mode="wrap")
    def _gate_bounds_left_out_of_json(self, handler, info):
        # The JSON form is the fingerprint an incremental run compares with the saved state's:
        # gate bounds judge a result without changing it, so they stay out of it.
        data = handler(self)
        if info.mode_is_json():
            data.pop("over_split", None)
        return data


class Training(_Strict):
    max_iterations: int = Field(default=100, ge=1)
    tolerance: float = Field(default=1e-6, gt=0)
    initial_match_share: float = Field(default=0.3, gt=0, lt=1)
    random_pairs: int = Field(default=300_000, ge=1000)  # sampled to estimate u probabilities
    seed: int = 42
    min_session_pairs: int = Field(default=50, ge=1)  # smaller blocking rules teach EM too little
    # Learn m from record pairs the deterministic rules link, where there are enough of them (EM
    # still learns the rest): identifiers are cleaner labels than EM's guess at a match class.
    m_from_rules: bool = True
    min_labelled_pairs: int = Field(default=200, ge=1)
    # Model households as a class of their own (households.py): agreeing on the address, postcode,
    # surname and landline is one fact for people who live together, not four.
    household_class: bool = True


class BlockingBudget(_Strict):
    """Measured blocking (blocking_budget.py): past `above_pairs` candidates, a rule whose own
    pairs (proposed by no other rule) hold fewer than `min_links_per_10k` links per 10,000, judged
    by a model fitted on a sample, is dropped. Both bounds are costs, not fits to an estate: below
    2M pairs scoring everything takes seconds; a link per 10,000 pairs is what a rule must find to
    be worth its comparisons."""

    above_pairs: int = Field(default=2_000_000, ge=0)
    min_links_per_10k: float = Field(default=1.0, ge=0)
    min_rule_pairs: int = Field(default=20_000, ge=1)  # fewer own pairs cost too little to judge
    sample_pairs: int = Field(default=200_000, ge=1000)  # uniform sample the judging model is fitted on
    rule_sample_pairs: int = Field(default=50_000, ge=100)  # own pairs scored per judged rule


class MatchConfig(_Strict):
    key: list[str] = Field(min_length=1)  # columns that identify an input record
    columns: dict[str, str] = Field(default_factory=dict)  # role -> input column
    rules: list[Rule] = Field(default_factory=list)
    blocking: list[BlockingRule] = Field(min_length=1)
    blocking_budget: BlockingBudget = Field(default_factory=BlockingBudget)
    comparisons: list[Comparison] = Field(min_length=1)
    clustering: Clustering = Field(default_factory=Clustering)
    training: Training = Field(default_factory=Training)

    @field_validator("columns")
    @classmethod
    def _known_roles(cls, columns: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(columns) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; roles are {list(ROLES)}")
        return columns

    @model_validator(mode="after")
    def _unique_names(self) -> "MatchConfig":
        for what, names in (("rule", [r.name for r in self.rules]),
                            ("comparison", [c.name for c in self.comparisons])):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} name(s): {dupes}")
        return self

    def input_column(self, role_or_column: str) -> str:
        """The input column behind a role (or the name itself when it is a plain column)."""
        return self.columns.get(role_or_column, role_or_column)


def load_match_config(path: str | Path | None = None) -> MatchConfig:
    """Read a match YAML (default: the bundled one); errors name the file and the offending field."""
    return load_yaml_config(MatchConfig, path, package=__package__, default_file="default_match.yaml", what="match")