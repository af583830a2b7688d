"""Forgetting a person: gone from every table, hashed onto the suppression list, kept out at re-ingest."""

import json

import duckdb
import pytest

from customer_unification.lib.governance import (ForgetError, ForgetRequest, IdentifierHasher, drop_suppressed, forget,
                                                 load_suppression)
from customer_unification.lib.quality.expectations import SuiteResult
from customer_unification.lib.staging.gates import evaluate_gates
from customer_unification.lib.staging.standardize import standardize

from .warehouse import (ANN, ANN_EMAIL, ANN_PHONE, ANN_PII, BOB_PII, CONTRACTS, NOW, build_warehouse, raw_crm, raw_web,
                        row_counts, text_hits)

HASHER = IdentifierHasher(b"test-key")
ANN_ROWS = {  # every row of Ann's, table by table
    "sources.crm": 2, "sources.web": 3, "staging.crm": 1, "staging.web": 3, "quarantine.crm": 1,
    "identity.customer_identity_map": 3, "identity.record_links": 1, "identity.id_lineage": 1,
    "identity_state.match_records": 3, "identity_state.match_nodes": 3, "identity_state.match_links": 1,
    "profiles.golden_profiles": 1, "profiles.contact_points": 2, "profiles.profile_provenance": 3,
    "segments.segment_membership": 1,
}


@pytest.fixture
def con(tmp_path):
    build_warehouse(tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield con
    con.close()


def test_forget_by_email_removes_the_person_from_every_table_and_nobody_else(con):
    before, bob_before = row_counts(con), text_hits(con, BOB_PII)
    summary = forget(con, ForgetRequest(email=" ANN.LEE@gmail.com ", reason="GDPR art. 17, ticket 4711"), HASHER,
                     contracts=CONTRACTS, now=NOW)

    assert summary.removed == ANN_ROWS
    assert (summary.customers, summary.records, summary.quarantined) == (1, 4, 1)  # C1 E1 E2 E5 + C3
    after = row_counts(con)
    for table, n in before.items():
        removed = ANN_ROWS.get(table, 0) + {"staging.unified_records": 4, "profiles.customer_events": 2}.get(table, 0)
        assert after[table] == n - removed, table  # views follow their tables
    assert text_hits(con, ANN_PII) == []
    assert text_hits(con, BOB_PII) == bob_before  # Bob untouched

    # the cookie Ann shares with Bob is not suppressed: it would drop Bob's records too
    assert (summary.identifiers_suppressed, summary.identifiers_shared, summary.records_suppressed) == (5, 1, 5)
    listed = set(con.sql("SELECT kind, identifier_hash FROM governance.suppression_list").fetchall())
    assert ("email", HASHER.hash("email", "annlee@gmail.com")) in listed
    assert ("phone", HASHER.hash("phone", "+12127365001")) in listed
    assert ("cookie_id", HASHER.hash("cookie_id", "ck-new")) in listed  # from E5, not yet matched
    assert ("cookie_id", HASHER.hash("cookie_id", "ck-family")) not in listed
    for key in ("web|E2", "crm|C3"):  # every source record of Ann's, by key
        assert ("record", HASHER.hash("record", key)) in listed
    assert {kind for kind, _ in listed} == {"email", "phone", "crm_id", "cookie_id", "record"}

    [audit] = con.sql("SELECT * FROM governance.forget_audit").df().to_dict("records")
    assert audit["request_id"] == summary.request_id
    assert audit["reason"] == "GDPR art. 17, ticket 4711"
    assert audit["customer_id_hash"] == HASHER.hash("customer_id", ANN) and ANN not in str(audit)
    assert json.loads(audit["n_records_removed"]) == ANN_ROWS
    assert audit["identifiers_suppressed"] == 5


@pytest.mark.parametrize("request_", [ForgetRequest(customer_id=ANN), ForgetRequest(phone=ANN_PHONE),
                                      ForgetRequest(phone="+1 212 736 5001")])
def test_forget_by_customer_id_or_phone(con, request_):
    summary = forget(con, request_, HASHER, contracts=CONTRACTS)
    assert summary.removed == ANN_ROWS
    assert text_hits(con, ANN_PII) == []


def test_without_contracts_quarantined_rows_are_matched_on_any_raw_value(con):
    summary = forget(con, ForgetRequest(email=ANN_EMAIL), HASHER)
    assert summary.removed["quarantine.crm"] == 1
    assert text_hits(con, ANN_PII) == []


def test_reingested_records_are_dropped_in_staging_and_counted(con):
    forget(con, ForgetRequest(email=ANN_EMAIL), HASHER, contracts=CONTRACTS)
    suppression = load_suppression(con, HASHER)
    for contract, raw, kept, quarantined, suppressed in ((CONTRACTS["crm"], raw_crm(), ["C2"], ["C4"], 2),
                                                         (CONTRACTS["web"], raw_web(), ["E3", "E4"], [], 3)):
        result, n = drop_suppressed(standardize(raw, contract, loaded_at=NOW), suppression, contract)
        assert n == suppressed
        assert list(result.clean["source_record_id"]) == kept  # E2 (Ann's, shared cookie only): by record key
        assert list(result.quarantine["source_record_id"]) == quarantined
        no_suite = SuiteResult("not validated here", ())
        gates = {g.name: g for g in evaluate_gates(len(raw), result, contract, NOW, suite=no_suite, suppressed=n)}
        assert gates["rows_reconcile"].passed
        assert gates["rows_reconcile"].metadata["suppressed"] == suppressed


def test_an_empty_list_costs_nothing_and_changes_nothing(con):
    suppression = load_suppression(con, HASHER)  # no governance schema at all
    assert suppression.empty
    staged = standardize(raw_crm(), CONTRACTS["crm"], loaded_at=NOW)
    result, n = drop_suppressed(staged, suppression, CONTRACTS["crm"])
    assert result is staged and n == 0


def test_a_dry_run_counts_but_changes_nothing(con):
    before = row_counts(con)
    summary = forget(con, ForgetRequest(email=ANN_EMAIL), HASHER, dry_run=True)
    assert summary.dry_run and summary.removed == ANN_ROWS
    assert row_counts(con) == before
    assert "would remove" in "\n".join(summary.lines())


@pytest.mark.parametrize(("request_", "message"), [
    (dict(email="carol.king@gmail.com"), "no records with this email in the warehouse: nothing changed"),
    (dict(customer_id="CU_UNKNOWN"), "no records with this customer id"),
    (dict(phone="12"), "not a valid phone number"),
])
def test_an_unknown_person_is_a_clear_error_and_nothing_changes(con, request_, message):
    before = row_counts(con)
    with pytest.raises(ForgetError, match=message):
        forget(con, ForgetRequest(**request_), HASHER)
    assert row_counts(con) == before  # no governance tables either
    assert con.sql("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()[0][0] == 0


def test_forgetting_twice_is_an_error_the_second_time(con):
    forget(con, ForgetRequest(email=ANN_EMAIL), HASHER)
    with pytest.raises(ForgetError, match="no records"):
        forget(con, ForgetRequest(email=ANN_EMAIL), HASHER)
    assert con.sql("SELECT count(*) FROM governance.forget_audit").fetchall()[0][0] == 1


@pytest.mark.parametrize("kwargs", [dict(email=ANN_EMAIL, customer_id=ANN), dict(),
                                    dict(email=ANN_EMAIL, reason="asked by ann.lee@gmail.com"),
                                    dict(phone=ANN_PHONE, reason="caller 212 736 5001"),
                                    dict(customer_id=ANN, requested_by=f"steward for {ANN}")])
def test_requests_are_validated_and_audit_texts_hold_no_personal_data(kwargs):
    with pytest.raises(ForgetError):
        ForgetRequest(**kwargs)


def test_the_hash_is_hmac_sha256_of_kind_and_value():
    import hashlib
    import hmac

    for key in (b"k", b"x" * 100):
        expected = hmac.new(key, "email:annlee@gmail.com".encode(), hashlib.sha256).hexdigest()
        assert IdentifierHasher(key).hash("email", "annlee@gmail.com") == expected
