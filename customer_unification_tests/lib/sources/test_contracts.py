import textwrap

import pytest

from customer_unification.lib.sources.contracts import ContractError, load_contracts

MINIMAL = """
base_dir: data
defaults:
  conventions: {phone_region: GB, timezone: Europe/London}
sources:
  - name: crm
    format: csv
    location: crm.csv
    record_key: id
    fields:
      crm_id: id
      email: {column: Email}
      date_of_birth: {column: dob, format: "%d/%m/%Y"}
    identifiers: [crm_id, email]
    conventions: {phone_region: US}
"""


def write(tmp_path, text: str):
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_minimal_config_loads_with_defaults_and_shorthand(tmp_path):
    config = load_contracts(write(tmp_path, MINIMAL))
    crm = config.get("crm")
    assert config.base_dir == (tmp_path / "data").resolve()
    assert crm.record_key == ["id"]
    assert crm.fields["crm_id"].column == "id"
    assert crm.fields["date_of_birth"].format == "%d/%m/%Y"
    assert crm.conventions.phone_region == "US"  # the source overrides the default
    assert crm.conventions.timezone == "Europe/London"  # ... and inherits the rest


def test_environment_variables_expand_with_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("MY_DATA", "/srv/estate")
    text = MINIMAL.replace("base_dir: data", "base_dir: ${MY_DATA}").replace(
        "location: crm.csv", "location: ${CRM_FILE:-crm_v2.csv}")
    config = load_contracts(write(tmp_path, text))
    assert str(config.base_dir) == "/srv/estate"
    assert config.get("crm").location == "crm_v2.csv"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("email: {column: Email}", "emial: {column: Email}"), "source 'crm', field 'fields': unknown canonical field(s) ['emial']"),
        (("format: csv", "format: fixedwidth"), "source 'crm', field 'format'"),
        (("record_key: id", "record_key: 7"), "source 'crm', field 'record_key"),
        (("identifiers: [crm_id, email]", "identifiers: [crm_id, phone]"), "'identifiers' names fields not declared under 'fields': ['phone']"),
        (("location: crm.csv", "location: null"), "format 'csv' needs 'location'"),
        (("email: {column: Email}", "email: {column: Email, colour: red}"), "source 'crm', field 'fields.email.colour'"),
        (("email: {column: Email}", "email: {value: x@y.z, column: Email}"), "exactly one of 'column' or 'value'"),
        (("- name: crm", "- name: CRM Contacts"), "source 'CRM Contacts', field 'name'"),
    ],
)
def test_invalid_config_names_source_and_field(tmp_path, change, expected):
    with pytest.raises(ContractError) as err:
        load_contracts(write(tmp_path, MINIMAL.replace(*change)))
    assert expected in str(err.value)
    assert "sources.yaml" in str(err.value)


def test_event_source_must_map_event_fields(tmp_path):
    text = MINIMAL.replace("    record_key: id\n", "    record_key: id\n    kind: event\n")
    with pytest.raises(ContractError, match=r"event source must map \['event_ts', 'event_type', 'channel'\]"):
        load_contracts(write(tmp_path, text))


def test_sql_source_needs_url_and_query(tmp_path):
    text = MINIMAL.replace("format: csv\n    location: crm.csv", "format: sql\n    url: sqlite:///x.db")
    with pytest.raises(ContractError, match="format 'sql' needs both 'url' and 'query'"):
        load_contracts(write(tmp_path, text))


def test_duplicate_source_names_rejected(tmp_path):
    body = MINIMAL.split("sources:\n", 1)[1]
    with pytest.raises(ContractError, match="source 'crm': field 'name': declared twice"):
        load_contracts(write(tmp_path, MINIMAL + body))


def test_consent_field_needs_value_lists(tmp_path):
    text = MINIMAL.replace("      crm_id: id\n", "      crm_id: id\n      consent_email: opt_in\n")
    with pytest.raises(ContractError, match="consent field 'consent_email' needs 'granted'"):
        load_contracts(write(tmp_path, text))


@pytest.mark.parametrize("text", ["sources: []", "just a string", "sources: [1, 2"])
def test_unusable_files_get_a_clear_error(tmp_path, text):
    with pytest.raises(ContractError, match="sources.yaml"):
        load_contracts(write(tmp_path, text))


def test_missing_file_and_empty_glob(tmp_path):
    with pytest.raises(ContractError, match="sources config not found"):
        load_contracts(tmp_path / "nope.yaml")
    config = load_contracts(write(tmp_path, MINIMAL.replace("crm.csv", "crm_*.csv")))
    with pytest.raises(ContractError, match="source 'crm': no file matches location"):
        config.paths(config.get("crm"))
    (tmp_path / "data").mkdir()
    for day in ("02", "01"):
        (tmp_path / "data" / f"crm_{day}.csv").write_text("id\n1\n")
    assert [p.name for p in config.paths(config.get("crm"))] == ["crm_01.csv", "crm_02.csv"]


def test_bundled_demo_config_is_valid():
    config = load_contracts()  # CU_SOURCES_CONFIG unset in tests: the demo config
    assert len(config.sources) >= 10
    assert len({s.system or s.name for s in config.sources}) >= 10


def test_a_misspelt_top_level_or_defaults_key_is_an_error_not_ignored(tmp_path):
    """Issue 14 defect 9: `base_dri:` passed check-config, then every file was looked for in the
    config's own folder and the run failed with a traceback."""
    path = write(tmp_path, MINIMAL.replace("base_dir: data", "base_dri: data"))
    with pytest.raises(ContractError) as err:
        load_contracts(path)
    assert str(err.value) == (f"{path}: unknown top-level key(s) ['base_dri']; expected some of "
                              "['base_dir', 'defaults', 'sources', 'version']")
    path = write(tmp_path, MINIMAL.replace("  conventions: {phone_region: GB", "  convention: {phone_region: GB"))
    with pytest.raises(ContractError, match=r"unknown key under 'defaults'\(s\) \['convention'\]"):
        load_contracts(path)


@pytest.mark.parametrize("location", ["../secrets/crm.csv", "crm/../../crm.csv", "/etc/passwd"])
def test_a_location_outside_base_dir_is_refused(tmp_path, location):
    """Issue 14 defect 9: `../` read files outside base_dir."""
    path = write(tmp_path, MINIMAL.replace("location: crm.csv", f"location: {location}"))
    with pytest.raises(ContractError) as err:
        load_contracts(path)
    assert str(err.value) == (f"{path}: source 'crm', field 'location': '{location}' is outside base_dir "
                              f"{(tmp_path / 'data').resolve()} (set base_dir to the folder holding the files)")
    inside = write(tmp_path, MINIMAL.replace("location: crm.csv", "location: crm/../exports/*.csv"))
    assert load_contracts(inside).get("crm").location == "crm/../exports/*.csv"  # stays inside: fine
