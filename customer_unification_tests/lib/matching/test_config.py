import pytest

from customer_unification.lib.matching.config import BlockingRule, load_match_config
from customer_unification.lib.yaml_config import ConfigError


def test_bundled_config_loads():
    config = load_match_config()
    assert config.key == ["source", "source_record_id"]
    assert {r.name for r in config.rules} >= {"email", "phone", "crm_id", "loyalty_card", "cookie_id"}
    assert 0 < config.clustering.threshold < 1


def test_plain_list_is_a_same_feature_blocking_rule():
    rule = BlockingRule.model_validate(["ln", "dob"])
    assert rule.pairs == [("ln", "ln"), ("dob", "dob")]
    cross = BlockingRule.model_validate({"left": ["handle_stem"], "right": ["name_stem"]})
    assert cross.pairs == [("handle_stem", "name_stem")]


def test_blocking_rule_needs_one_shape():
    with pytest.raises(ValueError, match="either `same` or `left` \\+ `right`"):
        BlockingRule.model_validate({"same": ["ln"], "left": ["fn"], "right": ["fn"]})


def test_invalid_config_names_file_and_field(tmp_path):
    path = tmp_path / "match.yaml"
    path.write_text("key: [id]\nblocking: [[ln]]\ncomparisons:\n  - {name: x, kind: shoe_size}\n")
    with pytest.raises(ConfigError) as err:
        load_match_config(path)
    assert str(path) in str(err.value) and "comparisons.0.kind" in str(err.value)


def test_unknown_role_and_duplicate_names_rejected(tmp_path):
    path = tmp_path / "match.yaml"
    path.write_text("key: [id]\ncolumns: {favourite_colour: c}\nblocking: [[ln]]\n"
                    "comparisons: [{name: a, kind: city}, {name: a, kind: city}]\n")
    with pytest.raises(ConfigError, match="unknown role.*favourite_colour"):
        load_match_config(path)


def test_extends_default_overrides_only_what_it_names(tmp_path):
    path = tmp_path / "match.yaml"
    path.write_text("extends: default\nkey: [record_id]\ncolumns: {first_name: given}\n")
    config = load_match_config(path)
    default = load_match_config()
    assert config.key == ["record_id"] and config.columns == {"first_name": "given"}
    assert config.comparisons == default.comparisons and config.rules == default.rules


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read match config"):
        load_match_config(tmp_path / "nope.yaml")
