import textwrap

import duckdb
import pandas as pd
import pytest

from customer_unification.lib.profiles.config import load_profiles_config
from customer_unification.lib.profiles.consent import LEDGER_COLUMNS, build_consent_ledger, grant_permissions
from customer_unification.lib.sources.contracts import ContractError, load_contracts
from customer_unification_tests.lib.profiles.staged_records import remap, stage

# crm may grant email and sms; the ESP only email; the mailing list can only deny
MAY_GRANT = {"crm": {"email", "sms"}, "esp": {"email"}, "postal": set()}


@pytest.fixture
def con():
    with duckdb.connect() as c:
        yield c


def ledger(con, rows=None):
    if rows is not None:
        stage(con, rows)
    build_consent_ledger(con, load_profiles_config(), MAY_GRANT, records="records", identity_map="identity_map")
    rows = con.sql("SELECT * FROM consent_ledger").df().to_dict("records")
    return {(r["customer_id"], r["channel"]): r for r in rows}


def test_denial_beats_an_older_grant(con):
    state = ledger(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "consent_email": "granted", "updated_at": "2024-01-01"},
        {"source": "esp", "id": "e1", "customer": "C1", "consent_email": "denied",
         "consent_updated_at": "2024-06-01", "created_at": "2020-01-01"},
    ])[("C1", "email")]
    assert (state["state"], state["source"], state["source_record_id"]) == ("denied", "esp", "e1")
    assert state["reason"] == "denial wins over older grant"
    assert str(state["decided_at"])[:10] == "2024-06-01" and state["n_statements"] == 2


def test_a_newer_grant_from_an_allowed_source_wins(con):
    state = ledger(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "consent_email": "denied", "updated_at": "2023-01-01"},
        {"source": "esp", "id": "e1", "customer": "C1", "consent_email": "granted", "consent_updated_at": "2025-01-01"},
    ])[("C1", "email")]
    assert (state["state"], state["source_record_id"]) == ("granted", "e1")
    assert state["reason"] == "newer grant overrides older denial"


def test_a_newer_grant_from_a_source_not_allowed_to_grant_is_ignored(con):
    states = ledger(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "consent_sms": "denied", "updated_at": "2023-01-01"},
        {"source": "esp", "id": "e1", "customer": "C1", "consent_sms": "granted", "consent_updated_at": "2025-01-01"},
        # a grant from a source that may only deny does not count as consent on its own either
        {"source": "postal", "id": "p1", "customer": "C2", "consent_mail": "granted"},
    ])
    sms = states[("C1", "sms")]
    assert (sms["state"], sms["source_record_id"]) == ("denied", "c1")
    assert sms["reason"] == "grant from source not allowed to grant ignored"
    mail = states[("C2", "mail")]
    assert (mail["state"], mail["source"], mail["reason"]) == \
        ("unknown", None, "grant from source not allowed to grant ignored")


def test_no_statement_is_unknown_never_granted(con):
    states = ledger(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "consent_email": "granted"},
        {"source": "web", "id": "v1", "customer": "C2", "event_ts": "2025-01-01"},
    ])
    assert len(states) == 2 * 5  # every customer x every channel
    assert states[("C1", "email")]["state"] == "granted"
    for channel in ("sms", "phone", "mail", "social"):
        assert states[("C1", channel)]["state"] == "unknown"
    assert states[("C2", "email")]["state"] == "unknown" and states[("C2", "email")]["reason"] == "no statement"
    assert states[("C2", "email")]["n_statements"] == 0 and pd.isna(states[("C2", "email")]["decided_at"])


def test_same_time_denial_and_grant_is_a_denial(con):
    state = ledger(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "consent_email": "granted", "updated_at": "2024-01-01"},
        {"source": "esp", "id": "e1", "customer": "C1", "consent_email": "denied", "consent_updated_at": "2024-01-01"},
    ])[("C1", "email")]
    assert state["state"] == "denied"


def test_unsubscribe_events_are_denials(con):
    states = ledger(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "consent_email": "granted", "consent_sms": "granted",
         "updated_at": "2024-01-01"},
        # `unsubscribe` withdraws the event's own channel; `sms_stop` always sms
        {"source": "esp", "id": "u1", "customer": "C1", "event_type": "unsubscribe", "channel": "email",
         "event_ts": "2024-05-01"},
        {"source": "web", "id": "u2", "customer": "C1", "event_type": "sms_stop", "channel": "web",
         "event_ts": "2024-05-02"},
        {"source": "web", "id": "u3", "customer": "C1", "event_type": "unsubscribe", "channel": "web",
         "event_ts": "2024-05-03"},  # web is no consent channel: no statement
    ])
    assert (states[("C1", "email")]["state"], states[("C1", "email")]["source_record_id"]) == ("denied", "u1")
    assert (states[("C1", "sms")]["state"], states[("C1", "sms")]["source_record_id"]) == ("denied", "u2")
    origins = con.execute("SELECT origin FROM consent_statements WHERE source_record_id LIKE 'u%' "
                          "ORDER BY source_record_id").fetchall()
    assert origins == [("event unsubscribe",), ("event sms_stop",)]


def test_statements_history_keeps_every_statement(con):
    ledger(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "consent_email": "granted", "consent_sms": "denied",
         "updated_at": "2024-01-01"},
        {"source": "esp", "id": "e1", "customer": "C1", "consent_sms": "granted", "consent_updated_at": "2025-01-01"},
    ])
    rows = con.execute("SELECT channel, state, source, may_grant FROM consent_statements ORDER BY channel, source"
                       ).fetchall()
    assert rows == [("email", "granted", "crm", True), ("sms", "denied", "crm", True),
                    ("sms", "granted", "esp", False)]


def test_an_identity_split_rederives_each_part(con):
    rows = [
        {"source": "crm", "id": "c1", "customer": "C1", "consent_email": "granted", "updated_at": "2024-01-01"},
        {"source": "esp", "id": "e1", "customer": "C1", "consent_email": "denied", "consent_updated_at": "2024-06-01"},
    ]
    merged = ledger(con, rows)
    assert merged[("C1", "email")]["state"] == "denied"
    remap(con, {("esp", "e1"): "C2"})  # identity now says these are two people
    split = ledger(con)
    assert (split[("C1", "email")]["state"], split[("C1", "email")]["n_statements"]) == ("granted", 1)
    assert (split[("C2", "email")]["state"], split[("C2", "email")]["n_statements"]) == ("denied", 1)
    assert [r[0] for r in con.execute("DESCRIBE consent_ledger").fetchall()] == list(LEDGER_COLUMNS)


def _sources_yaml(tmp_path, extra: str) -> str:
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent("""
        sources:
          - name: crm
            format: csv
            location: crm.csv
            record_key: id
            fields:
              crm_id: id
              email: email
              consent_email: {column: e, granted: ["Y"], denied: ["N"]}
              consent_sms: {column: s, granted: ["Y"], denied: ["N"]}
        """) + textwrap.indent(textwrap.dedent(extra), "  "))
    return path


def test_grant_permissions_follow_the_contracts(tmp_path):
    path = _sources_yaml(tmp_path, """\
        - name: esp
          format: csv
          location: esp.csv
          record_key: id
          consent_grants: [email]
          fields: {email: email, consent_email: {column: e, granted: ["Y"], denied: ["N"]},
                   consent_sms: {column: s, granted: ["Y"], denied: ["N"]}}
        - name: mail
          format: csv
          location: mail.csv
          record_key: id
          consent_grants: []
          fields: {email: email, consent_mail: {column: m, granted: ["N"], denied: ["Y"]}}
        """)
    allowed = grant_permissions(load_contracts(path).sources)
    assert allowed == {"crm": {"email", "sms"}, "esp": {"email"}, "mail": set()}


@pytest.mark.parametrize("grants, message", [
    ("[fax]", "unknown consent channel"),
    ("[mail]", "not mapped"),
])
def test_bad_consent_grants_name_the_source_and_field(tmp_path, grants, message):
    path = _sources_yaml(tmp_path, f"""\
        - name: esp
          format: csv
          location: esp.csv
          record_key: id
          consent_grants: {grants}
          fields: {{email: email, consent_email: {{column: e, granted: ["Y"], denied: ["N"]}}}}
        """)
    with pytest.raises(ContractError) as err:
        load_contracts(path)
    assert "source 'esp'" in str(err.value) and "consent_grants" in str(err.value) and message in str(err.value)
    assert str(path.resolve()) in str(err.value)
