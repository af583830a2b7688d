import datetime as dt

import pandas as pd
import pytest

from customer_unification.lib.quality.expectations import staging_expectations, validate
from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.staging.gates import evaluate_gates
from customer_unification.lib.staging.standardize import StagingResult

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
CONTRACT = SourceContract.model_validate({
    "name": "crm", "format": "csv", "location": "x.csv", "record_key": "id",
    "conventions": {"country": "US"}, "required": ["crm_id"],
    "fields": {"crm_id": "id", "email": "email", "phone": "phone", "date_of_birth": "dob",
               "consent_sms": {"column": "sms", "granted": ["y"]}},
})


def frame(**overrides) -> pd.DataFrame:
    base = {"source_record_id": ["1", "2"], "crm_id": ["1", "2"], "email": ["a@x.com", None],
            "phone": ["+12127365000", None], "date_of_birth": pd.to_datetime(["1980-01-01", None]),
            "consent_sms": ["granted", "denied"], "country": ["US", None]}
    return pd.DataFrame({**base, **overrides})


def test_suite_follows_the_contract():
    labels = [e.label for e in staging_expectations(CONTRACT, now=NOW)]
    assert labels[:3] == ["ExpectTableRowCountToBeBetween", "ExpectColumnValuesToNotBeNull(source_record_id)",
                          "ExpectColumnValuesToBeUnique(source_record_id)"]
    for expected in ("ExpectColumnValuesToMatchRegex(email)", "ExpectColumnValuesToMatchRegex(phone)",
                     "ExpectColumnValuesToBeBetween(date_of_birth)", "ExpectColumnValuesToBeInSet(consent_sms)",
                     "ExpectColumnValuesToMatchRegex(country)", "ExpectColumnValuesToNotBeNull(crm_id)"):
        assert expected in labels
    assert not any("event_type" in label for label in labels)  # not an event source


def test_an_empty_snapshot_fails_but_a_day_without_events_passes():
    clicks = SourceContract.model_validate({
        "name": "clicks", "format": "csv", "location": "x.csv", "record_key": "id", "kind": "event",
        "fields": {"phone": "phone", "event_ts": "ts", "event_type": {"value": "click"}, "channel": {"value": "sms"}}})
    empty = frame().iloc[0:0]
    assert not validate(empty, staging_expectations(CONTRACT, now=NOW), "crm").success
    day = pd.DataFrame({c: pd.Series(dtype=object) for c in ("source_record_id", "phone", "event_type", "channel")})
    day["event_ts"] = pd.Series(dtype="datetime64[ns, UTC]")
    assert validate(day, staging_expectations(clicks, now=NOW), "clicks").success


def test_clean_frame_passes():
    result = validate(frame(), staging_expectations(CONTRACT, now=NOW), "crm")
    assert result.success, [(r.expectation.label, r.unexpected_count) for r in result.failed]


def test_failures_are_reported_per_expectation_with_counts():
    bad = frame(phone=["2127365000", "+1212"], source_record_id=["1", "1"],
                date_of_birth=pd.to_datetime(["1880-01-01", "2030-01-01"]))
    result = validate(bad, staging_expectations(CONTRACT, now=NOW), "crm")
    failed = {r.expectation.label: r.unexpected_count for r in result.failed}
    assert failed == {"ExpectColumnValuesToBeUnique(source_record_id)": 2,
                      "ExpectColumnValuesToMatchRegex(phone)": 2,
                      "ExpectColumnValuesToBeBetween(date_of_birth)": 2}


def test_a_missing_column_fails_with_the_reason():
    result = validate(frame().drop(columns=["email"]), staging_expectations(CONTRACT, now=NOW), "crm")
    [failure] = result.failed
    assert failure.expectation.label == "ExpectColumnValuesToMatchRegex(email)"
    assert "email" in (failure.exception or "")


@pytest.mark.parametrize(("quarantined", "passes"), [(0, True), (1, True), (2, False)])
def test_reject_rate_gate(quarantined, passes):
    contract = CONTRACT.model_copy(update={"max_reject_rate": 0.34})
    q = pd.DataFrame({"rule": ["invalid_date"] * quarantined})
    result = StagingResult(clean=frame(), quarantine=q)
    gates = {g.name: g for g in evaluate_gates(2 + quarantined, result, contract, NOW)}
    assert gates["reject_rate"].passed is passes
    assert gates["rows_reconcile"].passed
    assert gates["great_expectations"].passed
    assert gates["reject_rate"].metadata["rejects_by_rule"] == ({"invalid_date": quarantined} if quarantined else {})


def test_reconcile_gate_catches_lost_rows():
    result = StagingResult(clean=frame(), quarantine=pd.DataFrame({"rule": []}))
    gates = {g.name: g for g in evaluate_gates(5, result, CONTRACT, NOW)}
    assert not gates["rows_reconcile"].passed
    assert gates["rows_reconcile"].metadata["difference"] == 3
