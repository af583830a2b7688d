"""Issue 14, defect 8: dates beyond what pandas can hold are out of range, not 'unparseable', and no
value is longer than its field allows. Each asserts the reason or flag a user sees, and that
raw = clean + quarantined."""

import json

import pandas as pd

from customer_unification.lib.staging.standardize import standardize
from customer_unification_tests.lib.staging.test_standardize import CRM, EVENTS, NOW, crm_row, raw_frame


def stage(raw, contract):
    result = standardize(raw, contract, loaded_at=NOW)
    assert len(result.clean) + len(result.quarantine) == len(raw)  # nothing lost
    return result


def reasons(result) -> dict[str, tuple[str, str]]:
    return {r.source_record_id: (r.rule, r.reasons) for r in result.quarantine.itertuples()}


def test_a_birth_date_in_2999_is_out_of_range_not_unparseable():
    rows = [crm_row(id="1", dob="01/02/2999"), crm_row(id="2", dob="01/02/1500"), crm_row(id="3", dob="13/45/1980"),
            crm_row(id="4")]
    result = stage(raw_frame(rows), CRM)
    assert reasons(result) == {
        "1": ("date_out_of_range", "date_out_of_range: date_of_birth: 2999-01-02 is outside 1900-01-01..2026-11-01"),
        "2": ("date_out_of_range", "date_out_of_range: date_of_birth: 1500-01-02 is outside 1900-01-01..2026-11-01"),
        "3": ("invalid_date", "invalid_date: date_of_birth: '13/45/1980' is unparseable (format %m/%d/%Y)"),
    }
    assert result.clean["source_record_id"].tolist() == ["4"]


def test_an_event_in_2999_is_out_of_range_not_unparseable():
    rows = [{"session": "s", "seq": "1", "cookie": "c", "user.email": None, "ts": "2999-01-02 10:00", "type": "pv",
             "items": None, "total": None}]
    event_ts = EVENTS.fields["event_ts"].model_copy(update={"format": "%Y-%m-%d %H:%M"})  # New York wall time
    contract = EVENTS.model_copy(update={"fields": {**EVENTS.fields, "event_ts": event_ts}})
    result = stage(raw_frame(rows), contract)
    assert reasons(result) == {"s|1": (
        "timestamp_out_of_range",
        "timestamp_out_of_range: event_ts: 2999-01-02 15:00:00+00:00 is outside 1970-01-01..2026-11-02")}


def test_a_value_longer_than_its_field_is_dropped_and_flagged_and_the_row_kept():
    long_name, long_note = "A" * 256, "x" * 1001
    rows = [crm_row(id="1", name=f"Smith, {long_name}", street="1 " + "Main " * 60 + "St", tier=long_note),
            crm_row(id="2", name="Smith, " + "B" * 240, tier="y" * 1000)]  # at the limits: kept
    result = stage(raw_frame(rows), CRM)
    assert result.quarantine.empty
    first, second = result.clean.iloc[0], result.clean.iloc[1]
    assert first["dq_flags"] == "full_name:longer_than_255;address_line1:longer_than_255;attr_tier:longer_than_1000"
    assert first["first_name"] is None and first["last_name"] is None  # the whole full name was dropped
    assert first["address_line1"] is None and first["attr_tier"] is None
    assert first["email"] == "bob.smith@acme-mail.com"  # the rest of the row is kept
    assert second["dq_flags"] is None and len(second["attr_tier"]) == 1000
    assert result.field_issues == {"full_name:longer_than_255": 1, "address_line1:longer_than_255": 1,
                                   "attr_tier:longer_than_1000": 1}


def test_a_record_key_longer_than_its_limit_quarantines_the_row():
    rows = [crm_row(id="9" * 256), crm_row(id="2")]
    result = stage(raw_frame(rows), CRM)
    assert [(r.rule, r.reasons, r.source_record_id) for r in result.quarantine.itertuples()] == [
        ("record_key_too_long", "record_key_too_long: record key (id) is longer than 255 characters", None)]
    assert json.loads(result.quarantine.loc[0, "raw_record"])["id"] == "9" * 256  # kept whole for the steward
    assert result.clean["source_record_id"].tolist() == ["2"]
    assert pd.api.types.is_object_dtype(result.clean["source_record_id"])
