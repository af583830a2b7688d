import datetime as dt
import json

import pandas as pd
import pytest

from customer_unification.lib.sources.canonical import STAGED_COLUMNS
from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.sources.readers import META_COLUMNS
from customer_unification.lib.staging.standardize import standardize

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)


def raw_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, dtype=object)
    frame = frame.astype(object).where(frame.notna(), None)
    frame["_file"], frame["_line"] = "f.csv", range(2, len(rows) + 2)
    for col in ("_error", "_raw"):
        if col not in frame:
            frame[col] = None
    return frame


CRM = SourceContract.model_validate({
    "name": "crm",
    "format": "csv",
    "location": "x.csv",
    "record_key": "id",
    "conventions": {"date_format": "%m/%d/%Y", "phone_region": "US", "country": "US"},
    "fields": {
        "crm_id": "id", "full_name": "name", "email": "email", "phone": "phone",
        "date_of_birth": "dob", "address_line1": "street", "city": "city", "region": "state",
        "postcode": "zip", "consent_email": {"column": "opt", "granted": ["Y"], "denied": ["N"]},
    },
    "attributes": {"tier": "tier"},
})


def crm_row(**overrides) -> dict:
    row = {"id": "1", "name": "Smith, Bob", "email": " Bob.Smith@Acme-Mail.COM ", "phone": "(212) 736-5000",
           "dob": "03/04/1985", "street": "12 north main street", "city": "new york", "state": "new york",
           "zip": "10001-1234", "opt": "Y", "tier": " gold "}
    return {**row, **overrides}


def test_clean_row_is_standardised_into_the_canonical_schema():
    result = standardize(raw_frame([crm_row()]), CRM, loaded_at=NOW)
    row = result.clean.iloc[0]
    assert list(result.clean.columns[: len(STAGED_COLUMNS)]) == STAGED_COLUMNS
    assert (row["source"], row["source_record_id"], row["crm_id"]) == ("crm", "1", "1")
    assert (row["first_name"], row["last_name"], row["first_name_canonical"]) == ("Bob", "Smith", "robert")
    assert row["email"] == "bob.smith@acme-mail.com"
    assert row["phone"] == "+12127365000"
    assert row["date_of_birth"] == pd.Timestamp("1985-03-04") and row["birth_year"] == 1985
    assert (row["region"], row["postcode"], row["country"]) == ("NY", "10001", "US")
    assert row["consent_email"] == "granted"
    assert row["attr_tier"] == "gold"
    assert row["dq_flags"] is None
    assert result.quarantine.empty


def test_every_raw_row_is_either_clean_or_quarantined_with_a_reason():
    rows = [
        crm_row(id="1"),
        crm_row(id=None),                       # no key
        crm_row(id="3", dob="02/30/1985"),      # impossible date
        crm_row(id="4", dob="03/04/2031"),      # born in the future
        crm_row(id="1", name="Ann Lee"),        # key seen before
        {"id": "6"},                            # a CRM id alone still identifies a contact
        crm_row(id="7", email="not-an-email", phone="000-000-0000"),  # field issues only: kept
    ]
    raw = raw_frame(rows)
    raw.loc[len(raw)] = {**{c: None for c in raw.columns}, "_file": "f.csv", "_line": 99,
                         "_error": "malformed_row: expected 12 fields, found 3", "_raw": "8,x,y"}
    result = standardize(raw, CRM, loaded_at=NOW)

    assert len(result.clean) + len(result.quarantine) == len(raw)
    assert result.clean["source_record_id"].tolist() == ["1", "6", "7"]
    rules = dict(zip(result.quarantine["source_line"], result.quarantine["rule"]))
    assert rules == {3: "missing_record_key", 4: "invalid_date", 5: "date_out_of_range",
                     6: "duplicate_record_key", 99: "unparseable_record"}
    reasons = dict(zip(result.quarantine["source_line"], result.quarantine["reasons"]))
    assert "date_of_birth: '02/30/1985' is unparseable (format %m/%d/%Y)" in reasons[4]
    assert "2031-03-04 is outside 1900-01-01..2026-11-01" in reasons[5]
    assert result.rejects_by_rule["invalid_date"] == 1

    raw_records = dict(zip(result.quarantine["source_line"], result.quarantine["raw_record"]))
    assert json.loads(raw_records[4])["dob"] == "02/30/1985"  # the raw row is kept, nothing is lost
    assert raw_records[99] == "8,x,y"

    kept = result.clean.set_index("source_record_id").loc["7"]
    assert kept["email"] is None and kept["phone"] is None
    assert kept["dq_flags"] == "email:invalid_email;phone:placeholder_phone"
    assert result.field_issues == {"email:invalid_email": 1, "phone:placeholder_phone": 1}


def test_ambiguous_dates_are_quarantined_not_guessed():
    contract = CRM.model_copy(update={"conventions": CRM.conventions.model_copy(update={"date_format": "auto"})})
    result = standardize(raw_frame([crm_row(id="1", dob="03/04/1985"), crm_row(id="2", dob="25/04/1985")]),
                         contract, loaded_at=NOW)
    assert result.quarantine["rule"].tolist() == ["invalid_date"]
    assert "ambiguous" in result.quarantine.loc[0, "reasons"]
    assert result.clean.loc[0, "date_of_birth"] == pd.Timestamp("1985-04-25")


EVENTS = SourceContract.model_validate({
    "name": "web",
    "format": "jsonl",
    "location": "x.jsonl",
    "record_key": ["session", "seq"],
    "kind": "event",
    "conventions": {"timezone": "America/New_York"},
    "fields": {
        "cookie_id": "cookie", "email": "user.email",
        "event_ts": {"column": "ts", "format": "epoch_ms"},
        "event_type": {"column": "type", "map": {"pv": "page_view", "atc": "add_to_cart"}},
        "channel": {"value": "web"},
        "product_category": {"column": "items[].category"},
        "amount": "total",
    },
})


def test_event_source_with_composite_keys_constants_maps_and_arrays():
    items = json.dumps([{"category": "shoes"}, {"category": "bags"}, {"category": "shoes"}])
    rows = [
        {"session": "s1", "seq": "1", "cookie": "c1", "user.email": None, "ts": "1730000000000", "type": "PV",
         "items": items, "total": "$1,234.50"},
        {"session": "s1", "seq": "2", "cookie": "c1", "user.email": "A@X.COM", "ts": "1730000000000",
         "type": "refund", "items": None, "total": None},
        {"session": "s1", "seq": "3", "cookie": "c1", "user.email": None, "ts": "4102444800000", "type": "atc",
         "items": None, "total": "abc"},
        {"session": "s1", "seq": "4", "cookie": None, "user.email": None, "ts": "1730000000000", "type": "pv",
         "items": None, "total": None},
    ]
    result = standardize(raw_frame(rows), EVENTS, loaded_at=NOW)
    row = result.clean.iloc[0]
    assert row["source_record_id"] == "s1|1"
    assert row["event_type"] == "page_view" and row["channel"] == "web"
    assert row["event_ts"] == pd.Timestamp(1730000000000, unit="ms", tz="UTC")
    assert row["product_category"] == "shoes|bags|shoes"  # every item, in order
    assert row["amount"] == 1234.5
    assert dict(zip(result.quarantine["source_record_id"], result.quarantine["rule"])) == {
        "s1|2": "unmapped_value", "s1|3": "timestamp_out_of_range", "s1|4": "no_identifying_fields"}
    assert "event_type: 'refund' is not a declared value" in result.quarantine.loc[0, "reasons"]


def test_required_fields_and_invalid_amounts():
    contract = EVENTS.model_copy(update={"required": ["email"]})
    rows = [{"session": "s", "seq": "1", "cookie": "c", "user.email": "bad@", "ts": "1730000000000",
             "type": "pv", "items": None, "total": "12"},
            {"session": "s", "seq": "2", "cookie": "c", "user.email": "a@x.com", "ts": "1730000000000",
             "type": "pv", "items": None, "total": "twelve"}]
    result = standardize(raw_frame(rows), contract, loaded_at=NOW)
    assert result.quarantine["rule"].tolist() == ["missing_required"]
    assert "required field 'email' is missing or invalid" in result.quarantine.loc[0, "reasons"]
    assert pd.isna(result.clean.loc[0, "amount"]) and result.clean.loc[0, "dq_flags"] == "amount:invalid"


@pytest.mark.parametrize("rows", [0, 1])
def test_empty_and_tiny_inputs(rows):
    raw = raw_frame([crm_row()] * rows) if rows else raw_frame([crm_row()]).iloc[0:0]
    result = standardize(raw, CRM, loaded_at=NOW)
    assert len(result.clean) + len(result.quarantine) == rows
    assert not set(META_COLUMNS) & set(result.clean.columns)


def test_a_web_page_of_slash_survives_staging_while_filler_in_a_name_does_not():
    web = SourceContract.model_validate({
        "name": "web", "format": "csv", "location": "x.csv", "record_key": "id", "kind": "event",
        "fields": {"cookie_id": "cookie", "first_name": "first", "event_ts": "ts",
                   "event_type": {"column": "event", "map": {"page_view": "page_view"}}, "channel": {"value": "web"}},
        "attributes": {"page": "page", "note": "note"},
    })
    rows = [{"id": "1", "cookie": "c1", "first": "---", "ts": "2026-10-01T10:00:00", "event": "page_view",
             "page": "/", "note": "---"},
            {"id": "2", "cookie": "c2", "first": "Ann", "ts": "2026-10-01T10:00:00", "event": "page_view",
             "page": "/p/SKU-000123", "note": "n/a"}]
    clean = standardize(raw_frame(rows), web, loaded_at=NOW).clean
    assert clean["attr_page"].tolist() == ["/", "/p/SKU-000123"]  # the home page is a page, not a blank
    assert clean["first_name"].tolist() == [None, "Ann"]  # filler in a name is still no name
    assert clean["attr_note"].tolist() == [None, None]  # and filler or a placeholder in free text too
