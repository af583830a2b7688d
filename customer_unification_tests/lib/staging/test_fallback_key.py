"""A key for rows without one (issue 15): `fallback_key` in the sources YAML keys a row whose
record_key is empty - or every row of a source without ids - by a stable digest of several columns,
never by their values. Declared in YAML, validated when the file is loaded, checked by
`check-config --files`, used by staging."""

import datetime as dt
import textwrap

import pandas as pd
import pytest
import yaml

from customer_unification.cli import main
from customer_unification.defs.metadata import table_metadata
from customer_unification.lib.quality.masking import mask_record_key, masked_preview
from customer_unification.lib.segments.config import load_segments_config
from customer_unification.lib.sources.contracts import ContractError, SourceContract, load_contracts
from customer_unification.lib.sources.file_check import check_files
from customer_unification.lib.sources.readers import read_source
from customer_unification.lib.staging.record_keys import FALLBACK_PREFIX, fallback_key, record_keys
from customer_unification.lib.staging.standardize import standardize

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
PEOPLE = [  # a mailing list typed by hand: no id column at all
    ("Smith", "Ann", "02134", "12 Elm St"),
    ("García", "José", "10001", "1 Main St"),
    ("Smith", "Ann", "90210", "5 Oak Ave"),  # a namesake elsewhere: another key
    (" SMITH ", "ann", "02134", "12 Elm St"),  # the first row typed again: the same key (a duplicate)
    ("Lee", "", "60601", "9 Lake Dr"),  # no first name: no key
]


def write_source(tmp_path, rows, source: dict) -> str:
    header = "last_name,first_name,zip,street"
    (tmp_path / "list.csv").write_text("\n".join([header] + [",".join(r) for r in rows]) + "\n")
    config = {"sources": [{"name": "mailing", "format": "csv", "location": "list.csv",
                           "fields": {"last_name": "last_name", "first_name": "first_name", "postcode": "zip",
                                      "address_line1": "street", "country": {"value": "US"}},
                           **source}]}
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return str(path)


def staged(path: str):
    config = load_contracts(path)
    contract = config.get("mailing")
    return standardize(read_source(config, contract), contract, loaded_at=NOW)


def test_a_source_without_ids_is_keyed_by_a_stable_digest_of_its_fallback_columns(tmp_path):
    path = write_source(tmp_path, PEOPLE, {"fallback_key": ["last_name", "first_name", "zip"]})
    result = staged(path)
    keys = result.clean["source_record_id"].tolist()
    assert len(keys) == 3 and len(set(keys)) == 3  # Ann Smith of 02134, José, Ann Smith of 90210
    assert all(k.startswith(FALLBACK_PREFIX) and len(k) == len(FALLBACK_PREFIX) + 16 for k in keys)
    # no raw value in any key: a key is shown in metadata, logs and the UI
    for key in keys:
        assert not any(part.strip().lower() in key.lower() for row in PEOPLE for part in row if part.strip())
    # stable: the same values (trimmed, accents and case aside) give the same key in any delivery and order
    assert keys[0] == fallback_key(["  smith", "ANN ", "02134"])
    assert keys[1] == fallback_key(["Garcia", "jose", "10001"])
    again = staged(write_source(tmp_path, list(reversed(PEOPLE)), {"fallback_key": ["last_name", "first_name", "zip"]}))
    assert set(again.clean["source_record_id"]) == set(keys)
    rules = result.quarantine.set_index("source_line")["rule"].to_dict()
    assert rules == {5: "duplicate_record_key", 6: "missing_record_key"}  # lines: header is line 1
    assert result.quarantine.set_index("source_line").loc[6, "reasons"] == \
        "missing_record_key: fallback key (last_name+first_name+zip) is incomplete"


def test_the_fallback_key_only_keys_rows_whose_record_key_is_empty(tmp_path):
    rows = [("Smith", "Ann", "02134", "12 Elm St"), ("Lee", "Bo", "60601", "9 Lake Dr")]
    (tmp_path / "list.csv").write_text("no,last_name,first_name,zip\n17,Smith,Ann,02134\n,Lee,Bo,60601\n,Lee,,60601\n")
    config = {"sources": [{"name": "mailing", "format": "csv", "location": "list.csv", "record_key": "no",
                           "fallback_key": ["last_name", "first_name", "zip"],
                           "fields": {"last_name": "last_name", "first_name": "first_name"}}]}
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(config))
    result = staged(str(tmp_path / "sources.yaml"))
    assert result.clean["source_record_id"].tolist() == ["17", fallback_key(list(rows[1][:3]))]
    assert result.quarantine["reasons"].tolist() == [
        "missing_record_key: record key (no) is empty and its fallback key (last_name+first_name+zip) is incomplete"]


def test_a_fallback_key_is_masked_where_it_is_shown_and_holds_no_value_to_unmask(tmp_path):
    result = staged(write_source(tmp_path, PEOPLE, {"fallback_key": ["last_name", "first_name", "zip"]}))
    key = result.clean["source_record_id"].iat[0]
    shown = masked_preview(result.clean, columns=["source", "source_record_id"])["source_record_id"].iat[0]
    assert shown != key and "*" in shown
    assert mask_record_key(f"mailing|{key}").startswith("mailing|f") and key not in mask_record_key(f"mailing|{key}")
    preview = table_metadata(result.clean)["preview (PII masked)"].value
    assert key not in preview and "Smith" not in preview and "02134" not in preview


@pytest.mark.parametrize(("source", "error"), [
    ({}, "declare 'record_key' (the column(s) identifying a record) or, for rows without one, 'fallback_key'"),
    ({"fallback_key": []}, "declare 'record_key'"),
    ({"fallback_key": ["last_name", "last_name"]}, "field 'fallback_key': column(s) ['last_name'] listed twice"),
    ({"fallback_key": ["last_name", " "]}, "field 'fallback_key': a key column name may not be empty"),
    ({"record_key": "zip", "fallback_key": ["last_name", "zip"]},
     "'fallback_key' keys the rows whose record_key is empty, so it cannot use the record_key column(s) ['zip']"),
])
def test_a_bad_fallback_key_declaration_is_refused_when_the_yaml_is_loaded(tmp_path, source, error):
    with pytest.raises(ContractError) as raised:
        load_contracts(write_source(tmp_path, PEOPLE, source))
    assert error in str(raised.value)


def test_check_config_files_names_a_missing_fallback_column_and_says_how_many_rows_it_keys(tmp_path, capsys):
    vocabulary = load_segments_config().vocabulary.event_types
    path = write_source(tmp_path, PEOPLE, {"fallback_key": ["last_name", "first_name", "zips"]})
    report = check_files(load_contracts(path), vocabulary)
    assert report.problems == ["mailing: fallback_key column 'zips' not found; did you mean 'zip'?"]

    path = write_source(tmp_path, PEOPLE, {"fallback_key": ["last_name", "first_name", "zip"]})
    report = check_files(load_contracts(path), vocabulary)
    assert report.sources[0].notes == [
        "fallback_key (last_name+first_name+zip) keys 4 of 5 sampled records; 1 of them repeat an earlier record's "
        "values (quarantined as duplicate_record_key; if they are different people, add a column that tells them "
        "apart)"]
    assert main(["check-config", path, "--files"]) == 1  # 2 of 5 quarantined: above max_reject_rate
    out = capsys.readouterr().out
    assert "note: fallback_key (last_name+first_name+zip) keys 4 of 5" in out and "Smith" not in out


def test_a_record_without_key_columns_in_the_file_is_refused_when_read(tmp_path):
    path = write_source(tmp_path, PEOPLE, {"fallback_key": ["last_name", "postcode"]})
    config = load_contracts(path)
    with pytest.raises(ContractError, match="source 'mailing': fallback_key column 'postcode' not found"):
        read_source(config, config.get("mailing"))


def test_record_keys_vectorised_agree_with_the_one_row_function():
    contract = SourceContract.model_validate(yaml.safe_load(textwrap.dedent("""
        name: s
        format: csv
        location: x.csv
        fallback_key: [a, b]
        fields: {first_name: a}
    """)))
    raw = pd.DataFrame({"a": ["X", " x ", None, "Ü", 12], "b": ["1", "1", "2", "u", 3.0],
                        "_error": None, "_file": "x.csv", "_line": range(5)})
    keys = record_keys(raw, contract)
    assert keys.key.tolist() == [fallback_key([a, b]) for a, b in zip(raw["a"], raw["b"])]
    assert keys.key[0] == keys.key[1] and keys.key[2] is None and keys.missing.tolist() == [False, False, True,
                                                                                            False, False]
    assert keys.fallback_rows == 4


def test_a_forgotten_record_keyed_by_its_fallback_key_is_left_out_of_the_raw_layer():
    from customer_unification.lib.governance import IdentifierHasher, Suppression
    from customer_unification.lib.governance.suppression import suppressed_raw_rows

    raw = pd.DataFrame({"no": [None, "17", None], "last_name": ["Smith", "Lee", "García"],
                        "first_name": ["Ann", "Bo", "José"], "email": [None, None, "jose.garcia@fastmail.com"],
                        "_file": "list.csv", "_line": [2, 3, 4], "_error": None, "_raw": None})
    forgotten = pd.DataFrame({"kind": ["record", "record", "email"],
                              "value": ["mailing|" + fallback_key(["Smith", "Ann"]), "mailing|17", "jose.garcia@fastmail.com"]})
    suppression = Suppression.of(IdentifierHasher(b"k" * 32), forgotten)
    fields = {"last_name": "last_name", "first_name": "first_name", "email": "email"}
    without_ids = SourceContract.model_validate({"name": "mailing", "format": "csv", "location": "list.csv",
                                                 "fallback_key": ["last_name", "first_name"], "fields": fields})
    assert suppressed_raw_rows(raw, suppression, without_ids).tolist() == [True, False, True]
    mixed = without_ids.model_copy(update={"record_key": ["no"]})
    assert suppressed_raw_rows(raw, suppression, mixed).tolist() == [True, True, True]
