import pytest

from customer_unification.lib.analytics.config import MODELS, ConfigError, load_analytics_config


def test_bundled_config_has_the_documented_defaults():
    config = load_analytics_config()
    assert config.key_events == {"purchase": ["order", "store_purchase"]}
    assert config.touch_event_types == ["email_open", "email_click", "sms_click", "social_follow"]
    assert "email_send" not in config.touch_event_types and "page_view" not in config.touch_event_types
    a = config.attribution
    assert (a.lookback_days, a.half_life_days, a.position_based.first, a.position_based.last) == (30, 7, 0.4, 0.4)
    assert a.models == list(MODELS) and a.reset_after_conversion is False and a.unattributed_channel == "direct"
    assert (config.kpis.key_event, config.kpis.revenue_model) == ("purchase", "last_touch")
    assert config.kpis.send_event_types == ["email_send"]


def _write(tmp_path, text):
    path = tmp_path / "analytics.yaml"
    path.write_text(text)
    return path


def test_extends_default_merges_attribution_and_kpis_key_by_key(tmp_path):
    path = _write(tmp_path, "extends: default\nkey_events: {purchase: [order], signup: [subscribe]}\n"
                            "attribution: {lookback_days: 14}\nkpis: {revenue_model: linear}\n")
    config, default = load_analytics_config(path), load_analytics_config()
    assert config.key_events == {"purchase": ["order"], "signup": ["subscribe"]}
    assert config.attribution.lookback_days == 14
    assert config.attribution.half_life_days == default.attribution.half_life_days  # kept
    assert config.kpis.revenue_model == "linear" and config.kpis.send_event_types == ["email_send"]
    assert config.touch_event_types == default.touch_event_types


@pytest.mark.parametrize("text, field", [
    ("extends: default\nattribution: {lookback_days: 0}\n", "attribution.lookback_days"),
    ("extends: default\nattribution: {half_life_days: -1}\n", "attribution.half_life_days"),
    ("extends: default\nattribution: {models: [last_click]}\n", "attribution.models.0"),
    ("extends: default\nattribution: {models: [linear, linear]}\n", "attribution.models"),
    ("extends: default\nattribution: {position_based: {first: 0.7, last: 0.4}}\n", "attribution.position_based"),
    ("extends: default\nattribution: {unattributed_channel: email}\n", "attribution.unattributed_channel"),
    ("extends: default\nattribution: {lookback: 30}\n", "attribution.lookback"),
    ("extends: default\nkey_events: {purchase: []}\n", "key_events"),
    ("extends: default\ntouch_event_types: []\n", "touch_event_types"),
    ("extends: default\ntouch_event_types: [email_click, order]\n", "(top level)"),
    ("extends: default\nkpis: {key_event: signup}\n", "(top level)"),
    ("extends: default\nkpis: {revenue_model: fancy}\n", "kpis.revenue_model"),
    ("extends: default\nkpis: {click_event_types: [sms_click, sms_click]}\n", "kpis.click_event_types"),
])
def test_errors_name_the_file_and_the_field(tmp_path, text, field):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_analytics_config(path)
    assert str(path) in str(err.value) and f"{field}:" in str(err.value)


def test_a_touch_that_is_also_a_key_event_is_named(tmp_path):
    path = _write(tmp_path, "extends: default\ntouch_event_types: [email_click, order]\n")
    with pytest.raises(ConfigError, match=r"\['order'\] are both a touch and key event 'purchase'"):
        load_analytics_config(path)


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read analytics config"):
        load_analytics_config(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_analytics_config(_write(tmp_path, "key_events: [unclosed\n"))
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_analytics_config(_write(tmp_path, "- a list\n"))
