import pytest

from customer_unification.lib.profiles.config import GOLDEN_FIELDS, ConfigError, load_profiles_config


def test_bundled_config_covers_every_field_with_the_documented_defaults():
    config = load_profiles_config()
    assert list(config.fields) == list(GOLDEN_FIELDS)
    assert config.fields["date_of_birth"].strategies[:2] == ["most_frequent", "trust_rank"]
    assert config.fields["address"].strategies[:2] == ["most_complete", "most_recent"]
    assert config.fields["address"].trusted_up_to is not None
    assert config.fields["phone"].prefer_phone_types[0] == "mobile"
    assert config.fields["mobile"].phone_types == ["mobile"]
    assert config.fields["landline"].phone_types == ["landline"]
    assert "email_bounce" in config.bounce_event_types
    assert config.consent.unsubscribe_events["unsubscribe"] is None


def _write(tmp_path, text):
    path = tmp_path / "profiles.yaml"
    path.write_text(text)
    return path


def test_extends_default_overrides_only_what_it_names(tmp_path):
    path = _write(tmp_path, "extends: default\nfields:\n  first_name: {strategies: [trust_rank]}\n"
                            "bounce_event_types: [bounced]\n")
    config, default = load_profiles_config(path), load_profiles_config()
    assert config.fields["first_name"].strategies == ["trust_rank"]
    assert config.fields["last_name"] == default.fields["last_name"]
    assert config.bounce_event_types == ["bounced"]


@pytest.mark.parametrize("text, field", [
    ("extends: default\nfields:\n  email: {strategies: [loudest]}\n", "fields.email.strategies.0"),
    ("extends: default\nfields:\n  email: {strategies: []}\n", "fields.email.strategies"),
    ("extends: default\nfields:\n  email: {strategies: [trust_rank, trust_rank]}\n", "fields.email.strategies"),
    ("extends: default\nfields:\n  nickname: {strategies: [trust_rank]}\n", "fields.nickname"),
    ("extends: default\nfields:\n  email: {strategies: [trust_rank], phone_types: [mobile]}\n", "fields"),
    ("extends: default\nfields:\n  phone: {strategies: [trust_rank], phone_types: [pager]}\n",
     "fields.phone.phone_types.0"),
    ("extends: default\nfields:\n  address: {strategies: [most_recent], trusted_up_to: 0}\n",
     "fields.address.trusted_up_to"),
    ("extends: default\nmobile_evidence_channels: [carrier_pigeon]\n", "mobile_evidence_channels"),
    ("extends: default\nconsent: {unsubscribe_events: {optout: fax}}\n", "consent.unsubscribe_events.optout"),
    ("extends: default\nsurvivorship: {}\n", "survivorship"),
])
def test_errors_name_the_file_and_the_field(tmp_path, text, field):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_profiles_config(path)
    assert str(path) in str(err.value) and f"{field}:" in str(err.value)


def test_a_file_without_extends_must_rule_every_field(tmp_path):
    path = _write(tmp_path, "fields:\n  email: {strategies: [trust_rank]}\n")
    with pytest.raises(ConfigError, match=r"fields: .*no rule for golden field.*first_name"):
        load_profiles_config(path)


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read profiles config"):
        load_profiles_config(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_profiles_config(_write(tmp_path, "fields: [unclosed\n"))
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_profiles_config(_write(tmp_path, "- a list\n"))
