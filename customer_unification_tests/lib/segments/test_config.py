"""Segment definitions: the bundled built-ins, the language's checks and its error messages."""

import datetime as dt

import pytest

from customer_unification.lib.segments.config import (
    AllOf,
    ConfigError,
    EventAfterCondition,
    EventCondition,
    TraitCondition,
    Window,
    load_segments_config,
    parse_window,
)

BUILT_INS = ["loyal_customers", "lapsed", "weekly_shoppers", "recent_service_problem", "recent_laptop_buyers",
             "menswear_affinity", "womenswear_affinity", "cart_abandoners", "recent_buyers_after_cart",
             "high_churn_risk"]
UTC = dt.timezone.utc


def test_bundled_config_has_every_built_in_with_a_channel_and_a_campaign():
    config = load_segments_config()
    assert config.names == BUILT_INS
    assert all(s.channel in {"email", "sms", "social", "mail", "phone"} and s.campaign and s.description
               for s in config.segments)
    assert config.get("lapsed").channel == "social"
    assert config.get("recent_service_problem").channel == "mail"
    # groups expand to their event types
    loyal = config.get("loyal_customers").where
    assert isinstance(loyal, AllOf)
    assert loyal.children[1] == EventCondition(types=("order", "store_purchase"), within=Window(6, "month"))
    abandon = config.get("cart_abandoners").where
    assert abandon == EventAfterCondition(first=("add_to_cart",), then=("order", "store_purchase"),
                                          then_happened=False, within=Window(30, "day"))
    assert len({s.version for s in config.segments}) == len(BUILT_INS)


@pytest.mark.parametrize("text, expected", [
    ("6 months", Window(6, "month")), ("1 month", Window(1, "month")), ("30 days", Window(30, "day")),
    ("2 Weeks", Window(2, "week")), (" 1 year ", Window(1, "year")),
])
def test_windows_parse(text, expected):
    assert parse_window(text) == expected


@pytest.mark.parametrize("as_of, window, start", [
    (dt.datetime(2026, 11, 1, tzinfo=UTC), Window(6, "month"), dt.datetime(2026, 5, 1, tzinfo=UTC)),
    # the day is clamped to the shorter month's end; leap years are respected
    (dt.datetime(2026, 8, 31, 15, 30, tzinfo=UTC), Window(6, "month"), dt.datetime(2026, 2, 28, 15, 30, tzinfo=UTC)),
    (dt.datetime(2028, 8, 31, tzinfo=UTC), Window(6, "month"), dt.datetime(2028, 2, 29, tzinfo=UTC)),
    (dt.datetime(2026, 1, 15, tzinfo=UTC), Window(1, "year"), dt.datetime(2025, 1, 15, tzinfo=UTC)),
    (dt.datetime(2026, 3, 10, tzinfo=UTC), Window(14, "month"), dt.datetime(2025, 1, 10, tzinfo=UTC)),
    (dt.datetime(2026, 11, 1, tzinfo=UTC), Window(90, "day"), dt.datetime(2026, 8, 3, tzinfo=UTC)),
    (dt.datetime(2026, 11, 1, tzinfo=UTC), Window(2, "week"), dt.datetime(2026, 10, 18, tzinfo=UTC)),
    # a naive as_of is UTC; an aware one in another zone is converted first
    (dt.datetime(2026, 11, 1), Window(1, "month"), dt.datetime(2026, 10, 1, tzinfo=UTC)),
    (dt.datetime(2026, 3, 31, 22, tzinfo=dt.timezone(dt.timedelta(hours=-5))), Window(1, "month"),
     dt.datetime(2026, 3, 1, 3, tzinfo=UTC)),
])
def test_window_start_steps_calendar_months_on_the_utc_date(as_of, window, start):
    assert window.start(as_of) == start


def _write(tmp_path, text):
    path = tmp_path / "segments.yaml"
    path.write_text(text)
    return path


def _one(where: str, name: str = "probe") -> str:
    return f"extends: default\nsegments:\n  - name: {name}\n    channel: email\n    where:\n{where}"


@pytest.mark.parametrize("where, field, message", [
    ("      {trait: n_ordres, op: '>=', value: 4}\n", "where.trait", "unknown trait 'n_ordres'"),
    ("      {trait: n_orders, op: '=>', value: 4}\n", "where.op", "unknown operator '=>'"),
    ("      event: {types: [purchase, oder], within: 6 months}\n", "where.event.types", "unknown event type 'oder'"),
    ("      no_event: {types: [purchase], within: 6 monthz}\n", "where.no_event.within",
     "'6 monthz' is not a window"),
    ("      all:\n        - {trait: n_orders, op: '>=', value: 1}\n"
     "        - no_event: {types: [purchase], within: 6 monthz}\n", "where.all[1].no_event.within",
     "'6 monthz' is not a window"),
    ("      event: {types: [purchase], within: 0 days}\n", "where.event.within", "is not a window"),
    ("      event: {types: [purchase], within: 30}\n", "where.event.within", "30 is not a window"),
    ("      event: {types: [purchase], category: laptop}\n", "where.event.category", "unknown category(s) ['laptop']"),
    ("      event: {types: [purchase], channels: [carrier_pigeon]}\n", "where.event.channels", "unknown channel"),
    ("      event: {types: [purchase], count_at_least: 0}\n", "where.event.count_at_least", "whole number >= 1"),
    ("      no_event: {types: [purchase], count_at_least: 2}\n", "where.no_event.count_at_least", "unknown key"),
    ("      event: {types: [purchase], since: 6 months}\n", "where.event.since", "unknown key"),
    ("      event: {within: 6 months}\n", "where.event.types", "required"),
    ("      event_after: {first: [add_to_cart]}\n", "where.event_after", "exactly one of then"),
    ("      event_after: {first: [add_to_cart], then: [purchase], then_none: [purchase]}\n", "where.event_after",
     "exactly one of then"),
    ("      {trait: purchase_cadence, op: '=', value: weekley}\n", "where.value", "'weekley' is not a value"),
    ("      {trait: top_category, op: in, value: [menswear, shoes]}\n", "where.value", "'shoes' is not a value"),
    ("      {trait: n_orders, op: '>=', value: four}\n", "where.value", "n_orders is a number"),
    ("      {trait: n_orders, op: between, value: [5, 2]}\n", "where.value", "low 5 is above high 2"),
    ("      {trait: n_orders, op: between, value: [1]}\n", "where.value", "[low, high]"),
    ("      {trait: n_orders, op: in, value: 3}\n", "where.value", "non-empty list"),
    ("      {trait: n_orders, op: '=', value: [3]}\n", "where.value", "not a list"),
    ("      {trait: churn_risk, op: is_null, value: 1}\n", "where.value", "takes no value"),
    ("      {trait: n_orders, op: '='}\n", "where.value", "needs a value"),
    ("      {trait: last_order_at, op: '<', value: last tuesday}\n", "where.value", "expected a date"),
    ("      {trait: n_orders, op: '=', value: 1, within: 3 days}\n", "where", "unexpected key(s) ['within']"),
    ("      all: []\n", "where.all", "non-empty list"),
    ("      any: [{trait: n_orders, op: '>', value: 1}, {oops: 1}]\n", "where.any[1]", "unknown condition 'oops'"),
    ("      {all: [{trait: n_orders, op: '>', value: 1}], any: [{trait: n_orders, op: '>', value: 1}]}\n",
     "where", "exactly one of"),
    ("      not: {event: {types: [nope]}}\n", "where.not.event.types", "unknown event type 'nope'"),
])
def test_condition_errors_name_the_file_the_segment_and_the_field(tmp_path, where, field, message):
    path = _write(tmp_path, _one(where))
    with pytest.raises(ConfigError) as err:
        load_segments_config(path)
    text = str(err.value)
    assert text.startswith(f"{path}: segment 'probe': {field}: "), text
    assert message in text, text


@pytest.mark.parametrize("text, message", [
    ("extends: default\nsegments:\n  - name: probe\n    channel: fax\n    where: {event: {types: [order]}}\n",
     "segment 'probe': channel: Input should be"),
    ("extends: default\nsegments:\n  - name: Bad Name\n    where: {event: {types: [order]}}\n",
     "segment 'Bad Name': name: String should match pattern"),
    ("extends: default\nsegments:\n  - name: probe\n", "segment 'probe': where: Field required"),
    ("extends: default\nsegments:\n  - name: probe\n    wher: {event: {types: [order]}}\n",
     "wher: Extra inputs are not permitted"),
    ("segments: []\n", "vocabulary: Field required"),
    ("extends: default\nvocabulary: {event_groups: {buy: [order, purchase_order]}}\n",
     "vocabulary.event_groups.buy: unknown event type(s) ['purchase_order']"),
    ("extends: default\nsegments:\n  - name: probe\n    where: {trait: n_orders, op: >=, value: 1}\n",
     "not valid YAML (quote operators"),
])
def test_envelope_errors_name_the_file_and_the_field(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_segments_config(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value), str(err.value)


def test_a_segment_defined_twice_is_an_error(tmp_path):
    seg = "  - name: twice\n    where: {event: {types: [order]}}\n"
    path = _write(tmp_path, "extends: default\nsegments:\n" + seg + seg)
    with pytest.raises(ConfigError, match=r"segment 'twice': name: defined twice"):
        load_segments_config(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"nowhere\.yaml: cannot read segments config"):
        load_segments_config(tmp_path / "nowhere.yaml")


def test_extends_default_adds_and_replaces_segments_and_vocabulary(tmp_path):
    path = _write(tmp_path, """extends: default
vocabulary:
  categories: [electronics]
segments:
  - name: lapsed
    channel: sms
    where: {no_event: {types: [purchase], within: 1 year}}
  - name: gadget_fans
    where: {event: {types: [purchase], category: electronics, count_at_least: 3}}
""")
    config, default = load_segments_config(path), load_segments_config()
    assert config.names == BUILT_INS + ["gadget_fans"]  # lapsed replaced in place
    assert config.get("lapsed").channel == "sms" and config.get("lapsed").version != default.get("lapsed").version
    assert config.get("loyal_customers") == default.get("loyal_customers")
    assert "electronics" in config.vocabulary.categories and "laptops" in config.vocabulary.categories
    assert config.get("gadget_fans").where.count_at_least == 3


def test_version_follows_the_condition_only(tmp_path):
    base = "  - name: probe\n    description: {d}\n    where:\n      any:\n{children}"
    a = "        - {trait: n_orders, op: '>=', value: 4}\n"
    b = "        - event: {types: [order, store_purchase], within: 6 months}\n"
    b_group = "        - event: {types: [purchase], within: 6 months}\n"
    c = "        - event: {types: [purchase], within: 7 months}\n"
    b_year = "        - event: {types: [purchase], within: 1 year}\n"
    b_months = "        - event: {types: [purchase], within: 12 months}\n"

    def version(children, description="x"):
        path = _write(tmp_path, "extends: default\nsegments:\n" + base.format(d=description, children=children))
        return load_segments_config(path).get("probe").version

    assert version(a + b) == version(b + a) == version(a + b_group) == version(a + b, description="other")
    assert version(a + b) != version(a + c)
    assert version(a + b_year) == version(a + b_months) != version(a + b)


def test_trait_values_are_typed():
    from customer_unification.lib.segments.config import _trait
    cond = _trait({"trait": "last_order_at", "op": ">=", "value": dt.date(2026, 1, 1)}, "where")
    assert cond == TraitCondition("last_order_at", ">=", dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert _trait({"trait": "n_orders", "op": "in", "value": [1, 2]}, "where").value == (1, 2)


def test_extends_default_can_remove_built_ins(tmp_path):
    path = _write(tmp_path, "extends: default\nremove: [weekly_shoppers, high_churn_risk]\n")
    assert load_segments_config(path).names == [n for n in BUILT_INS if n not in ("weekly_shoppers", "high_churn_risk")]
    path = _write(tmp_path, "extends: default\nremove: [weekly_shopers]\n")
    with pytest.raises(ConfigError, match=r"remove: no inherited segment\(s\) \['weekly_shopers'\]"):
        load_segments_config(path)


def test_extends_chains_through_user_files(tmp_path):
    (tmp_path / "brand.yaml").write_text("extends: default\nremove: [lapsed]\n")
    (tmp_path / "store.yaml").write_text(
        "extends: brand.yaml\nsegments:\n  - name: big_spenders\n"
        "    where: {trait: lifetime_value, op: '>', value: 1000}\n"
        "  - name: loyal_customers\n    where: {trait: n_orders, op: '>=', value: 10}\n")
    config = load_segments_config(tmp_path / "store.yaml")
    assert config.names == [n for n in BUILT_INS if n != "lapsed"] + ["big_spenders"]
    assert config.get("loyal_customers").where == TraitCondition("n_orders", ">=", 10)
    (tmp_path / "loop.yaml").write_text("extends: loop.yaml\n")
    with pytest.raises(ConfigError, match="extends itself"):
        load_segments_config(tmp_path / "loop.yaml")


def test_an_inherited_segment_replaced_twice_is_an_error(tmp_path):
    seg = "  - name: lapsed\n    where: {event: {types: [order]}}\n"
    path = _write(tmp_path, "extends: default\nsegments:\n" + seg + seg)
    with pytest.raises(ConfigError, match=r"segment 'lapsed': name: defined twice"):
        load_segments_config(path)
