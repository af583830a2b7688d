"""Segment definitions: a small declarative language over traits and events, read from YAML.

A segment is a name, a description, the campaign channel and text activation will use, and a
condition tree under `where:`. A node of the tree is one of

    all: [node, ...]        every child holds
    any: [node, ...]        at least one child holds
    not: node               the child does not hold
    trait: <column>, op: <operator>, value: <value>
                            a column of profiles.customer_traits compared with a constant;
                            operators: = != < <= > >= in not_in between is_null not_null
                            (quote them in YAML: op: ">=")
    event: {types: [...], within: 6 months, category: laptops, channels: [web], count_at_least: 2}
                            at least `count_at_least` (default 1) such events in the window
    no_event: {types: [...], within: 180 days}
                            no such event in the window
    event_after: {first: [add_to_cart], within: 30 days, then_none: [purchase]}
                            the latest `first` event in the window has no `then_none` event at or
                            after it ("did X and no Y since"); with `then:` instead, some `then`
                            event happened at or after a `first` event of the window

Windows are "<n> day(s) | week(s) | month(s) | year(s)", counted back from the `as_of` moment
given at evaluation; both ends are inclusive (see `Window.start`). Without `within`, the whole
history up to `as_of` counts. Types may name an event type or a group of the `vocabulary`
(e.g. `purchase` = order + store_purchase). A comparison with a missing trait value is false,
so `not:` of it is true.

The bundled `default_segments.yaml` holds the built-in segments; a user file may start with
`extends: default` and list only the segments it adds or replaces (by name, in place), and
`remove: [name, ...]` built-ins it does not want.
"""

import calendar
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from customer_unification.lib.profiles.traits import TRAIT_DEFINITIONS
from customer_unification.lib.sources.canonical import CHANNELS, CONSENT_CHANNELS
from customer_unification.lib.yaml_config import ConfigError, read_yaml_mapping

OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in", "not_in", "between", "is_null", "not_null")
WINDOW_UNITS = ("day", "week", "month", "year")
CampaignChannel = Literal["email", "sms", "social", "mail", "phone"]

# Trait columns by kind, for checking the values compared with them. A trait missing here (one
# added to the traits later) is compared without a type check.
NUMERIC_TRAITS = frozenset({
    "n_orders", "lifetime_value", "average_order_value", "days_since_last_order", "recency_score",
    "frequency_score", "monetary_score", "median_days_between_orders", "top_category_share",
    "best_contact_hour", "n_service_tickets", "open_service_issues", "last_satisfaction", "churn_risk",
})
TIMESTAMP_TRAITS = frozenset({"as_of", "first_order_at", "last_order_at", "first_seen_at", "last_engaged_at"})
# Text traits with a closed set of values: a typo in a segment is an error, not an empty segment.
TRAIT_VALUES: dict[str, tuple[str, ...]] = {
    "purchase_cadence": ("weekly", "monthly", "quarterly", "occasional", "one-off"),
    "journey_stage": ("prospect", "new", "active", "loyal", "at_risk", "lapsed"),
    "preferred_channel": CONSENT_CHANNELS,
    "most_engaged_channel": CHANNELS,
    "preferred_device": ("app", "web"),
    "best_contact_weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
CATEGORY_TRAITS = frozenset({"top_category"})  # values checked against vocabulary.categories
TRAITS = tuple(name for name in TRAIT_DEFINITIONS if name != "customer_id")

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_WINDOW = re.compile(r"^\s*(\d+)\s*([a-z]+?)s?\s*$")


class _Invalid(ValueError):
    """A problem inside one segment, at `path` (e.g. where.all[1].no_event.within)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")


# --------------------------------------------------------------------------------------------
# The condition tree (immutable; `canonical()` is the normalised form the version hash is of)


@dataclass(frozen=True)
class Window:
    """A look-back period: `amount` units before as_of."""

    amount: int
    unit: str  # day, week, month, year

    def start(self, as_of: dt.datetime) -> dt.datetime:
        """The first moment inside the window (inclusive).

        Days and weeks are exact multiples of 24 h. Months and years are calendar steps on the UTC
        date and time of as_of, the day clamped to the month's end: 6 months before 2026-11-01
        00:00 is 2026-05-01 00:00, and 6 months before 2026-08-31 is 2026-02-28.
        """
        aware = as_of if as_of.tzinfo else as_of.replace(tzinfo=dt.timezone.utc)
        utc = aware.astimezone(dt.timezone.utc)
        if self.unit in ("day", "week"):
            return utc - dt.timedelta(days=self.amount * (7 if self.unit == "week" else 1))
        months = self.amount * (12 if self.unit == "year" else 1)
        year, month = divmod(utc.year * 12 + (utc.month - 1) - months, 12)
        day = min(utc.day, calendar.monthrange(year, month + 1)[1])
        return utc.replace(year=year, month=month + 1, day=day)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'s' if self.amount != 1 else ''}"

    def canonical(self) -> str:
        """Equal for equal periods: '4 weeks' and '28 days' are '28 days', '1 year' is '12 months'."""
        if self.unit in ("day", "week"):
            return f"{self.amount * (7 if self.unit == 'week' else 1)} days"
        return f"{self.amount * (12 if self.unit == 'year' else 1)} months"


@dataclass(frozen=True)
class TraitCondition:
    trait: str
    op: str
    value: Any = None  # a number, text or timestamp; a tuple for in / not_in / between

    def canonical(self) -> dict:
        value = self.value
        if isinstance(value, tuple):
            value = sorted(value, key=str) if self.op in ("in", "not_in") else list(value)
        return {"trait": self.trait, "op": self.op, "value": _jsonable(value)}


@dataclass(frozen=True)
class EventCondition:
    """`event` (at least `count_at_least` matching events) or, with absent=True, `no_event`."""

    types: tuple[str, ...]
    within: Window | None = None
    categories: tuple[str, ...] | None = None  # any listed category among the event's categories
    channels: tuple[str, ...] | None = None
    count_at_least: int = 1
    absent: bool = False

    def canonical(self) -> dict:
        spec = {"types": sorted(self.types), "within": self.within.canonical() if self.within else None,
                "categories": sorted(self.categories) if self.categories else None,
                "channels": sorted(self.channels) if self.channels else None}
        if not self.absent:
            spec["count_at_least"] = self.count_at_least
        return {"no_event" if self.absent else "event": spec}


@dataclass(frozen=True)
class EventAfterCondition:
    """A `first` event in the window, then (`then_happened`) or then no (`not then_happened`)
    `then` event at or after it."""

    first: tuple[str, ...]
    then: tuple[str, ...]
    then_happened: bool
    within: Window | None = None

    def canonical(self) -> dict:
        return {"event_after": {"first": sorted(self.first), "within": self.within.canonical() if self.within else None,
                                "then" if self.then_happened else "then_none": sorted(self.then)}}


@dataclass(frozen=True)
class AllOf:
    children: tuple["Condition", ...]

    def canonical(self) -> dict:
        return {"all": _sorted_children(self.children)}


@dataclass(frozen=True)
class AnyOf:
    children: tuple["Condition", ...]

    def canonical(self) -> dict:
        return {"any": _sorted_children(self.children)}


@dataclass(frozen=True)
class Not:
    child: "Condition"

    def canonical(self) -> dict:
        return {"not": self.child.canonical()}


Condition = TraitCondition | EventCondition | EventAfterCondition | AllOf | AnyOf | Not


def _sorted_children(children) -> list[dict]:
    # all/any do not depend on order: reordering children is not a new definition
    return sorted((c.canonical() for c in children), key=lambda d: json.dumps(d, sort_keys=True))


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class SegmentDefinition:
    name: str
    where: Condition
    description: str = ""
    channel: str | None = None  # campaign channel activation uses: email, sms, social, mail, phone
    campaign: str = ""

    @property
    def version(self) -> str:
        """Hash of the normalised condition: changes exactly when who qualifies could change
        (description, channel and campaign text do not count)."""
        text = json.dumps(self.where.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Vocabulary:
    event_types: tuple[str, ...]
    event_groups: dict[str, tuple[str, ...]]  # a name standing for several event types
    categories: tuple[str, ...] | None  # None: category values are not checked


@dataclass(frozen=True)
class SegmentsConfig:
    vocabulary: Vocabulary
    segments: tuple[SegmentDefinition, ...]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.segments]

    def get(self, name: str) -> SegmentDefinition:
        for segment in self.segments:
            if segment.name == name:
                return segment
        raise KeyError(f"no segment named {name!r}; segments are {self.names}")


# --------------------------------------------------------------------------------------------
# The YAML envelope, validated by pydantic; the condition tree is parsed by hand below so an
# error can say exactly where in the tree it is.


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _VocabularyIn(_Strict):
    event_types: list[str] = Field(min_length=1)
    event_groups: dict[str, list[str]] = Field(default_factory=dict)
    categories: list[str] | None = None


class _SegmentIn(_Strict):
    name: str = Field(pattern=_NAME.pattern)
    description: str = ""
    channel: CampaignChannel | None = None
    campaign: str = ""
    where: dict[str, Any]


class _FileIn(_Strict):
    vocabulary: _VocabularyIn
    segments: list[dict[str, Any]] = Field(default_factory=list)


def load_segments_config(path: str | Path | None = None) -> SegmentsConfig:
    """Read a segments YAML (default: the bundled one); errors name the file, segment and field."""
    label, data = _resolved(path)
    try:
        envelope = _FileIn.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{label}: invalid segments config: {_problems(exc)}") from exc
    vocabulary = _vocabulary(envelope.vocabulary, label)
    segments, seen = [], set()
    for i, raw in enumerate(envelope.segments):
        name = raw.get("name") if isinstance(raw.get("name"), str) else f"#{i + 1}"
        try:
            segment = _SegmentIn.model_validate(raw)
        except ValidationError as exc:
            raise ConfigError(f"{label}: segment '{name}': {_problems(exc)}") from exc
        if segment.name in seen:
            raise ConfigError(f"{label}: segment '{segment.name}': name: defined twice")
        seen.add(segment.name)
        try:
            where = _condition(segment.where, "where", vocabulary)
        except _Invalid as exc:
            raise ConfigError(f"{label}: segment '{segment.name}': {exc}") from exc
        segments.append(SegmentDefinition(name=segment.name, where=where, description=segment.description,
                                          channel=segment.channel, campaign=segment.campaign))
    return SegmentsConfig(vocabulary=vocabulary, segments=tuple(segments))


def _resolved(path: str | Path | None, seen: tuple[str, ...] = ()) -> tuple[str, dict]:
    """The file's data with its `extends` chain applied (`default` = the bundled file)."""
    label, data = _read(path)
    if label in seen:
        raise ConfigError(f"{label}: extends itself (through {' -> '.join(seen)})")
    base = data.pop("extends", None)
    if base is None:
        return label, data
    if path is None:
        raise ConfigError(f"{label}: the default configuration cannot extend another")
    parent = _resolved(None if base == "default" else Path(path).parent / str(base), (*seen, label))[1]
    return label, _merge(parent, data, label)


def _read(path: str | Path | None) -> tuple[str, dict]:
    return read_yaml_mapping(path, package=__package__, default_file="default_segments.yaml", what="segments",
                             yaml_hint=' (quote operators, e.g. op: ">=")')


def _merge(parent: dict, own: dict, label: str) -> dict:
    """The parent's vocabulary extended by this file's, and its segments replaced or extended by name."""
    own_vocab = own.get("vocabulary") or {}
    own_segments = own.get("segments") or []
    if not isinstance(own_vocab, dict) or not isinstance(own_segments, list):
        raise ConfigError(f"{label}: invalid segments config: vocabulary must be a mapping and segments a list")
    vocab = dict(parent.get("vocabulary") or {})
    for key, value in own_vocab.items():
        if key == "event_groups" and isinstance(value, dict):
            vocab[key] = {**(vocab.get(key) or {}), **value}
        elif isinstance(value, list) and isinstance(vocab.get(key), list):
            vocab[key] = list(dict.fromkeys([*vocab[key], *value]))
        else:
            vocab[key] = value
    removed = own.get("remove") or []
    if not isinstance(removed, list):
        raise ConfigError(f"{label}: invalid segments config: remove: expected a list of segment names")
    inherited = {s.get("name"): s for s in parent.get("segments") or []}
    unknown = [name for name in removed if name not in inherited]
    if unknown:
        raise ConfigError(f"{label}: invalid segments config: remove: no inherited segment(s) {unknown}")
    # a segment named like an inherited one replaces it in place; new ones follow
    own_names = [s.get("name") for s in own_segments if isinstance(s, dict)]
    twice = sorted({n for n in own_names if own_names.count(n) > 1 and n in inherited}, key=str)
    if twice:
        raise ConfigError(f"{label}: segment '{twice[0]}': name: defined twice")
    own_by_name = {s.get("name"): s for s in own_segments if isinstance(s, dict)}
    segments = [own_by_name.get(name, s) for name, s in inherited.items() if name not in removed]
    segments += [s for s in own_segments if not isinstance(s, dict) or s.get("name") not in inherited]
    merged = {**parent, **own, "vocabulary": vocab, "segments": segments}
    merged.pop("remove", None)
    return merged


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg'].removeprefix('Value error, ')}"
        for err in exc.errors())


def _vocabulary(raw: _VocabularyIn, label: str) -> Vocabulary:
    types = tuple(dict.fromkeys(raw.event_types))
    groups = {}
    for group, members in raw.event_groups.items():
        if group in types:
            raise ConfigError(f"{label}: vocabulary.event_groups.{group}: a group cannot share an event type's name")
        unknown = [t for t in members if t not in types]
        if unknown or not members:
            raise ConfigError(f"{label}: vocabulary.event_groups.{group}: "
                              + (f"unknown event type(s) {unknown}" if unknown else "lists no event type"))
        groups[group] = tuple(dict.fromkeys(members))
    categories = tuple(dict.fromkeys(raw.categories)) if raw.categories is not None else None
    return Vocabulary(event_types=types, event_groups=groups, categories=categories)


# --------------------------------------------------------------------------------------------
# Condition parsing

_LEAF_KEYS = {"event", "no_event", "event_after"}


def _condition(raw: Any, path: str, vocab: Vocabulary) -> Condition:
    if not isinstance(raw, dict) or not raw:
        raise _Invalid(path, "expected a condition: all, any, not, trait, event, no_event or event_after")
    if "trait" in raw:
        return _trait(raw, path, vocab)
    if len(raw) != 1:
        raise _Invalid(path, f"expected exactly one of all, any, not, event, no_event, event_after; got {sorted(raw)}")
    (key, body), = raw.items()
    here = f"{path}.{key}"
    if key in ("all", "any"):
        if not isinstance(body, list) or not body:
            raise _Invalid(here, "expected a non-empty list of conditions")
        children = tuple(_condition(c, f"{here}[{i}]", vocab) for i, c in enumerate(body))
        return AllOf(children) if key == "all" else AnyOf(children)
    if key == "not":
        return Not(_condition(body, here, vocab))
    if key in ("event", "no_event"):
        return _event(body, here, vocab, absent=key == "no_event")
    if key == "event_after":
        return _event_after(body, here, vocab)
    raise _Invalid(path, f"unknown condition {key!r}; expected all, any, not, trait, event, no_event or event_after")


def _trait(raw: dict, path: str, vocab: Vocabulary | None = None) -> TraitCondition:
    unknown_keys = sorted(set(raw) - {"trait", "op", "value"})
    if unknown_keys:
        raise _Invalid(path, f"unexpected key(s) {unknown_keys} in a trait condition (trait, op, value)")
    trait, op = raw["trait"], raw.get("op")
    if trait not in TRAITS:
        raise _Invalid(f"{path}.trait", f"unknown trait {trait!r}; traits are {list(TRAITS)}")
    if op not in OPERATORS:
        raise _Invalid(f"{path}.op", f"unknown operator {op!r}; operators are {list(OPERATORS)}")
    here = f"{path}.value"
    if op in ("is_null", "not_null"):
        if "value" in raw:
            raise _Invalid(here, f"{op} takes no value")
        return TraitCondition(trait, op)
    if "value" not in raw:
        raise _Invalid(here, f"{op} needs a value")
    value = raw["value"]
    if op in ("in", "not_in", "between"):
        if not isinstance(value, list) or not value:
            raise _Invalid(here, f"{op} needs a non-empty list")
        if op == "between" and len(value) != 2:
            raise _Invalid(here, "between needs [low, high] (both inclusive)")
        values = tuple(_trait_value(trait, v, here, vocab) for v in value)
        if op == "between" and values[0] > values[1]:
            raise _Invalid(here, f"between: low {values[0]!r} is above high {values[1]!r}")
        return TraitCondition(trait, op, values)
    if isinstance(value, list):
        raise _Invalid(here, f"{op} compares with one value, not a list (use in / not_in)")
    return TraitCondition(trait, op, _trait_value(trait, value, here, vocab))


def _trait_value(trait: str, value: Any, path: str, vocab: Vocabulary | None) -> Any:
    if value is None:
        raise _Invalid(path, "null is not a value; use op: is_null or not_null")
    if trait in NUMERIC_TRAITS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Invalid(path, f"{trait} is a number; got {value!r}")
        return value
    if trait in TIMESTAMP_TRAITS:
        moment = value if isinstance(value, dt.datetime) else _parse_moment(value, path)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    if not isinstance(value, str):
        raise _Invalid(path, f"{trait} is text; got {value!r} (quote it)")
    allowed = TRAIT_VALUES.get(trait)
    if trait in CATEGORY_TRAITS and vocab is not None:
        allowed = vocab.categories
    if allowed and value not in allowed:
        raise _Invalid(path, f"{value!r} is not a value of {trait}; values are {list(allowed)}")
    return value


def _parse_moment(value: Any, path: str) -> dt.datetime:
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise _Invalid(path, f"expected a date or timestamp (YYYY-MM-DD[ HH:MM:SS]); got {value!r}") from None


def parse_window(text: Any, path: str = "within") -> Window:
    """'6 months' -> Window(6, 'month'); anything else is an error naming `path`."""
    match = _WINDOW.match(text.lower()) if isinstance(text, str) else None
    if not match or match.group(2) not in WINDOW_UNITS or int(match.group(1)) < 1:
        raise _Invalid(path, f"{text!r} is not a window; write a whole number and a unit "
                             f"({', '.join(WINDOW_UNITS)}), e.g. '30 days', '6 months', '1 year'")
    return Window(int(match.group(1)), match.group(2))


def _event_types(raw: Any, path: str, vocab: Vocabulary) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise _Invalid(path, "expected a non-empty list of event types")
    types: list[str] = []
    for name in raw:
        if name in vocab.event_groups:
            types += vocab.event_groups[name]
        elif name in vocab.event_types:
            types.append(name)
        else:
            raise _Invalid(path, f"unknown event type {name!r}; known types are {list(vocab.event_types)}"
                                 + (f" and groups {list(vocab.event_groups)}" if vocab.event_groups else ""))
    return tuple(sorted(set(types)))


def _names(raw: Any, path: str, known: tuple[str, ...] | None, what: str) -> tuple[str, ...]:
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise _Invalid(path, f"expected a {what} or a non-empty list of them")
    unknown = [v for v in values if known is not None and v not in known]
    if unknown:
        raise _Invalid(path, f"unknown {what}(s) {unknown}; known are {list(known)}")
    return tuple(sorted(set(values)))


def _event(raw: Any, path: str, vocab: Vocabulary, *, absent: bool) -> EventCondition:
    allowed = {"types", "within", "category", "categories", "channels", *(() if absent else ("count_at_least",))}
    spec = _mapping(raw, path, allowed)
    if "types" not in spec:
        raise _Invalid(f"{path}.types", "required")
    if "category" in spec and "categories" in spec:
        raise _Invalid(path, "give category or categories, not both")
    category_key = "category" if "category" in spec else "categories"
    count = spec.get("count_at_least", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise _Invalid(f"{path}.count_at_least", f"expected a whole number >= 1; got {count!r}")
    return EventCondition(
        types=_event_types(spec["types"], f"{path}.types", vocab),
        within=parse_window(spec["within"], f"{path}.within") if "within" in spec else None,
        categories=(_names(spec[category_key], f"{path}.{category_key}", vocab.categories, "category")
                    if category_key in spec else None),
        channels=_names(spec["channels"], f"{path}.channels", CHANNELS, "channel") if "channels" in spec else None,
        count_at_least=count, absent=absent)


def _event_after(raw: Any, path: str, vocab: Vocabulary) -> EventAfterCondition:
    spec = _mapping(raw, path, {"first", "within", "then", "then_none"})
    if "first" not in spec:
        raise _Invalid(f"{path}.first", "required")
    if ("then" in spec) == ("then_none" in spec):
        raise _Invalid(path, "give exactly one of then (it happened after) or then_none (it did not)")
    then_key = "then" if "then" in spec else "then_none"
    return EventAfterCondition(
        first=_event_types(spec["first"], f"{path}.first", vocab),
        then=_event_types(spec[then_key], f"{path}.{then_key}", vocab),
        then_happened=then_key == "then",
        within=parse_window(spec["within"], f"{path}.within") if "within" in spec else None)


def _mapping(raw: Any, path: str, allowed: set[str]) -> dict:
    if not isinstance(raw, dict):
        raise _Invalid(path, f"expected a mapping with keys from {sorted(allowed)}")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise _Invalid(f"{path}.{unknown[0]}", f"unknown key; expected keys from {sorted(allowed)}")
    return raw
