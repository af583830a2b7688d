import textwrap

import duckdb
import pandas as pd
import pytest

from customer_unification.lib.activation import (ActivationConfig, ConfigError, audience_overlap, audience_sizes,
                                                 build_audiences, hash_email, hash_phone, load_activation_config,
                                                 overlap_markdown, segment_specs, suppression_counts)
from customer_unification.lib.governance import IdentifierHasher, SuppressionKeyMismatch
from customer_unification.lib.governance.suppression import add_to_list
from customer_unification_tests.lib.activation import (NOW, build_warehouse, contact_point, person, reasons, rows,
                                                       set_members)

HASHER = IdentifierHasher(b"activation-test-key")
NO_CAP = load_activation_config().model_copy(update={"frequency_cap": None})


@pytest.fixture
def con():
    with duckdb.connect() as c:
        yield c


def build(con, specs, config=NO_CAP, hasher=HASHER, **kwargs):
    return build_audiences(con, "members", specs, config, run_id="run-1", identity_run_id="id-1", now=NOW,
                           hasher=hasher, **kwargs)


def with_segments(config: ActivationConfig, **segments) -> ActivationConfig:
    return ActivationConfig.model_validate({**config.model_dump(), "segments": segments})


def test_email_needs_granted_consent_and_a_valid_unbounced_address(con):
    build_warehouse(con, [
        person("C1", email="ann@example.com", consent={"email": "granted"}),
        person("C2", email="bob@example.com", consent={"email": "denied"}),
        person("C3", email="cy@example.com", consent={"email": "unknown"}),
        person("C4", email="dee@example.com"),  # no ledger row: unknown
        person("C5", consent={"email": "granted"}),  # no email at all
        person("C6", email="eve@old.example.com", consent={"email": "granted"}),  # golden email bounced
        person("C7", email="fay@example.com", consent={"email": "granted"}),  # only email bounced
        person("C8", email="not-an-email", consent={"email": "granted"}),
    ], extra_contact_points=[
        contact_point("C6", "email", "eve@old.example.com", detail="bounced"),
        contact_point("C6", "email", "eve@new.example.com", last_seen="2026-06-01"),
        contact_point("C7", "email", "fay@example.com", detail="bounced"),
    ])
    set_members(con, [(f"C{i}", "spring") for i in range(1, 9)])
    build(con, [{"name": "spring", "channel": "email", "campaign": "spring-sale"}])
    kept = rows(con, "spring__email")
    assert {c: r["email"] for c, r in kept.items()} == {"C1": "ann@example.com", "C6": "eve@new.example.com"}
    assert kept["C1"]["campaign"] == "spring-sale" and kept["C1"]["phone"] is None
    assert reasons(con, "spring__email") == {"C2": "no_consent", "C3": "no_consent", "C4": "no_consent",
                                             "C5": "no_valid_contact", "C7": "no_valid_contact",
                                             "C8": "no_valid_contact"}


def test_one_row_per_person_with_two_emails_two_records_and_duplicate_membership(con):
    build_warehouse(con, [
        person("C1", email="ann@example.com", consent={"email": "granted"}),
        person("C2", consent={"email": "granted"}),  # no golden email: best contact point wins
    ], extra_contact_points=[
        contact_point("C1", "email", "ann.work@example.com", last_seen="2026-10-01", n_records=9),
        contact_point("C2", "email", "older@example.com", last_seen="2024-01-01", n_records=5),
        contact_point("C2", "email", "newer@example.com", last_seen="2026-01-01", n_records=1),
    ])
    set_members(con, [("C1", "spring"), ("C1", "spring"), ("C2", "spring")])
    build(con, [{"name": "spring", "channel": "email"}])
    per_person = con.sql("""SELECT customer_id, count(*) FROM activation.audience_members
                            GROUP BY ALL ORDER BY 1""").fetchall()
    assert per_person == [("C1", 1), ("C2", 1)]
    kept = rows(con, "spring__email")
    assert kept["C1"]["email"] == "ann@example.com"  # the golden email, not the more frequent work one
    assert kept["C2"]["email"] == "newer@example.com"  # most recently seen


def test_sms_only_texts_numbers_known_to_be_mobiles(con):
    build_warehouse(con, [
        person("C1", mobile="+13125550101", consent={"sms": "granted"}),
        person("C2", phone="+13125550102", consent={"sms": "granted"}),  # type unknown: not texted
        person("C3", phone="+13125550103", consent={"sms": "granted"}),  # unknown golden, mobile contact point
        person("C4", mobile="+13125550104", consent={"sms": "unknown"}),
    ], extra_contact_points=[contact_point("C3", "phone", "+13125550199", detail="mobile")])
    set_members(con, [("C1", "vip"), ("C2", "vip"), ("C3", "vip"), ("C4", "vip")])
    build(con, [{"name": "vip", "channel": "sms"}])
    assert {c: r["phone"] for c, r in rows(con, "vip__sms").items()} == {"C1": "+13125550101",
                                                                         "C3": "+13125550199"}
    assert reasons(con, "vip__sms") == {"C2": "no_valid_contact", "C4": "no_consent"}


def test_mail_accepts_unknown_consent_and_needs_a_complete_address(con):
    build_warehouse(con, [
        person("C1", consent={"mail": "granted"}),
        person("C2"),  # unknown: postal marketing is opt-out
        person("C3", consent={"mail": "denied"}),
        person("C4", postcode=None),
        person("C5", address=False),
    ])
    set_members(con, [(f"C{i}", "catalogue") for i in range(1, 6)])
    build(con, [{"name": "catalogue", "channel": "mail"}])
    kept = rows(con, "catalogue__mail")
    assert sorted(kept) == ["C1", "C2"]
    assert (kept["C1"]["last_name"], kept["C1"]["address_line1"], kept["C1"]["postcode"]) == (
        "Lee", "8616 Lafayette Ct", "60659")
    assert kept["C1"]["email"] is None
    assert reasons(con, "catalogue__mail") == {"C3": "no_consent", "C4": "no_valid_contact", "C5": "no_valid_contact"}

    strict = ActivationConfig.model_validate(
        {**NO_CAP.model_dump(), "channels": {**NO_CAP.channels.model_dump(), "mail": {"consent": "granted"}}})
    build(con, [{"name": "catalogue", "channel": "mail"}], strict)
    assert sorted(rows(con, "catalogue__mail")) == ["C1"]


def test_social_audience_holds_only_platform_hashes(con):
    build_warehouse(con, [
        person("C1", email=" Ann@Example.com", phone="+13125550101", consent={"social": "unknown"}),
        person("C2", phone="+13125550102"),  # phone only
        person("C3", email="cy@example.com", consent={"social": "denied"}),
        person("C4"),  # nothing to hash
    ])
    set_members(con, [(f"C{i}", "lookalike") for i in range(1, 5)])
    build(con, [{"name": "lookalike", "channel": "social"}])
    kept = rows(con, "lookalike__social")
    assert sorted(kept) == ["C1", "C2"]
    assert kept["C1"]["hashed_email"] == hash_email("ann@example.com")
    assert kept["C1"]["hashed_phone"] == hash_phone("+13125550101") and kept["C2"]["hashed_email"] is None
    raw = con.sql("""SELECT count(*) FROM activation.audience_members WHERE channel = 'social' AND
                     coalesce(email, phone, first_name, last_name, address_line1, city, postcode) IS NOT NULL"""
                  ).fetchall()[0][0]
    assert raw == 0
    assert reasons(con, "lookalike__social") == {"C3": "no_consent", "C4": "no_valid_contact"}


def test_phone_call_list_needs_granted_consent_and_any_number(con):
    build_warehouse(con, [
        person("C1", phone="+13125550101", consent={"phone": "granted"}),
        person("C2", phone="+13125550102", consent={"phone": "unknown"}),
        person("C3", consent={"phone": "granted"}),
    ])
    set_members(con, [("C1", "service"), ("C2", "service"), ("C3", "service")])
    build(con, [{"name": "service", "channel": "phone"}])
    assert {c: r["phone"] for c, r in rows(con, "service__phone").items()} == {"C1": "+13125550101"}
    assert reasons(con, "service__phone") == {"C2": "no_consent", "C3": "no_valid_contact"}


def forget(con, kind, value):
    add_to_list(con, HASHER, pd.DataFrame({"kind": [kind], "value": [value]}), "req-1", NOW)


def test_a_forgotten_person_never_appears_even_when_reingested(con):
    everyone = {"email": "granted", "sms": "granted", "mail": "granted", "social": "granted", "phone": "granted"}
    build_warehouse(con, [
        person("C1", email="keep@example.com", mobile="+13125550101", consent=everyone),
        # re-ingested under a new customer id: the same mailbox spelled differently (gmail dots, case)
        person("C2", email="Jo.Doe@gmail.com", mobile="+13125550102", consent=everyone),
        # re-delivered source record: only its record key is on the list
        person("C3", email="new@example.com", mobile="+13125550103", consent=everyone),
        # forgotten by phone number
        person("C4", email="other@example.com", mobile="+13125550104", consent={"email": "denied"}),
    ], records=[("crm", "C-1", "C1"), ("crm", "C-2", "C2"), ("crm", "C-3", "C3"), ("crm", "C-4", "C4")])
    forget(con, "email", "jodoe@gmail.com")  # governance stores the staged match key
    forget(con, "record", "crm|C-3")
    forget(con, "phone", "+13125550104")
    set_members(con, [(c, s) for c in ("C1", "C2", "C3", "C4") for s in ("a", "b")])
    specs = [{"name": "a", "channel": "email"}, {"name": "b", "channel": "sms"}]
    build_result = build(con, specs, with_segments(NO_CAP, b={"channels": ["sms", "mail", "social"]}))
    listed = con.sql("SELECT DISTINCT customer_id FROM activation.audience_members ORDER BY 1").fetchall()
    assert listed == [("C1",)]
    for audience in ("a__email", "b__sms", "b__mail", "b__social"):
        # forgotten beats every other reason (C4 also has no email consent)
        assert reasons(con, audience) == {"C2": "forgotten", "C3": "forgotten", "C4": "forgotten"}
    assert build_result.forgotten_people == 3


def test_without_a_suppression_list_nobody_is_forgotten_and_the_key_matters(con):
    build_warehouse(con, [person("C1", email="jo@example.com", consent={"email": "granted"})])
    set_members(con, [("C1", "a")])
    build(con, [{"name": "a", "channel": "email"}])
    assert list(rows(con, "a__email")) == ["C1"]
    forget(con, "email", "jo@example.com")
    build(con, [{"name": "a", "channel": "email"}])
    assert rows(con, "a__email") == {} and reasons(con, "a__email") == {"C1": "forgotten"}
    # under another key the list would match nobody: the build refuses rather than let Jo back in
    with pytest.raises(SuppressionKeyMismatch, match="was hashed with another key"):
        build(con, [{"name": "a", "channel": "email"}], hasher=IdentifierHasher(b"another-key"))
    assert reasons(con, "a__email") == {"C1": "forgotten"}


def test_counts_reconcile_per_audience(con):
    people = [person(f"C{i}", email=f"p{i}@example.com" if i % 5 else None,
                     mobile=f"+1312555{i:04d}" if i % 2 else None,
                     consent={"email": ["granted", "denied", "unknown"][i % 3], "sms": ["granted", "denied"][i % 2]},
                     preferred=["email", "sms", None][i % 3], address=i % 4 != 0)
              for i in range(40)]
    build_warehouse(con, people)
    set_members(con, [(f"C{i}", "a") for i in range(40)] + [(f"C{i}", "b") for i in range(0, 40, 2)]
                + [(f"C{i}", "multi") for i in range(10, 40)] + [("C1", "not-configured")])
    config = with_segments(NO_CAP, b={"channels": ["email", "mail"]},
                           multi={"channels": ["email", "sms", "mail"], "multi_channel": True})
    result = build(con, [{"name": "a", "channel": "email"}, {"name": "b", "channel": "sms"},
                         {"name": "multi", "channel": "email"}], config)
    members = dict(con.sql("SELECT segment, count(DISTINCT customer_id) FROM members GROUP BY ALL").fetchall())
    sizes = audience_sizes(con).set_index("audience")
    for audience in ("a__email", "b__email", "b__mail"):
        segment = audience.split("__")[0]
        assert sizes.loc[audience, "rows"] + sizes.loc[audience, "suppressed"] == members[segment]
        assert sizes.loc[audience, "rows"] > 0 and sizes.loc[audience, "suppressed"] > 0
    multi = sizes.loc[["multi__email", "multi__sms", "multi__mail"]]
    assert multi["members"].sum() == members["multi"]
    both = con.sql("""SELECT customer_id, audience FROM (
                        SELECT customer_id, audience FROM activation.audience_members
                        UNION ALL SELECT customer_id, audience FROM activation.suppressed)
                      GROUP BY customer_id, audience HAVING count(*) > 1""").fetchall()
    assert both == []  # nobody is both kept and suppressed, or twice in an audience
    in_multi = con.sql("""SELECT count(*) FROM (
                            SELECT customer_id FROM activation.audience_members WHERE segment = 'multi'
                          UNION ALL SELECT customer_id FROM activation.suppressed WHERE segment = 'multi')
                          GROUP BY customer_id HAVING count(*) > 1""").fetchall()
    assert in_multi == []  # a multi-channel member is in exactly one of its audiences
    assert result.reconciliation_problems() == []
    assert {a.audience: a.rows for a in result.audiences} == sizes["rows"].to_dict()
    assert result.unconfigured_segments == {"not-configured": 1}


def test_multi_channel_picks_the_preferred_channel_that_reaches_them(con):
    build_warehouse(con, [
        person("C1", email="a@example.com", mobile="+13125550101", preferred="sms",
               consent={"email": "granted", "sms": "granted"}),
        person("C2", email="b@example.com", mobile="+13125550102", preferred="sms",
               consent={"email": "granted", "sms": "denied"}),  # preferred not consented: first that works
        person("C3", email="c@example.com", preferred=None, consent={"email": "granted", "sms": "granted"}),
        person("C4", mobile="+13125550104", preferred="sms", consent={"email": "denied", "sms": "denied"},
               address=False),  # reachable nowhere: suppressed on their preferred channel
    ])
    set_members(con, [(f"C{i}", "winback") for i in range(1, 5)])
    config = with_segments(NO_CAP, winback={"channels": ["email", "sms", "mail"], "multi_channel": True})
    build(con, [{"name": "winback", "channel": "email"}], config)
    assert sorted(rows(con, "winback__sms")) == ["C1"]
    assert sorted(rows(con, "winback__email")) == ["C2", "C3"]
    assert rows(con, "winback__mail") == {}
    assert reasons(con, "winback__sms") == {"C4": "no_consent"}


def test_several_channels_without_multi_channel_put_everyone_in_each(con):
    build_warehouse(con, [person("C1", email="a@example.com", consent={"email": "granted"}, preferred="mail")])
    set_members(con, [("C1", "launch")])
    build(con, [{"name": "launch", "channel": "email"}], with_segments(NO_CAP, launch={"channels": ["email", "mail"]}))
    assert list(rows(con, "launch__email")) == ["C1"] and list(rows(con, "launch__mail")) == ["C1"]


def test_metadata_helpers_count_sizes_reasons_and_overlap(con):
    build_warehouse(con, [person(f"C{i}", email=f"p{i}@example.com",
                                 consent={"email": "granted" if i < 3 else "denied"}) for i in range(5)])
    set_members(con, [("C0", "a"), ("C1", "a"), ("C2", "a"), ("C3", "a"), ("C1", "b"), ("C2", "b"), ("C4", "b"),
                      ("C0", "c")])
    build(con, [{"name": "a", "channel": "email"}, {"name": "b", "channel": "email"},
                {"name": "c", "channel": "phone"}])
    sizes = audience_sizes(con).set_index("audience")
    assert sizes.loc["a__email", ["rows", "suppressed"]].tolist() == [3, 1]
    counts = suppression_counts(con)
    assert counts.loc["b__email", "no_consent"] == 1 and counts.loc["c__phone", "no_consent"] == 1
    assert counts.loc["a__email"].sum() == 1 and list(counts.columns)[-1] == "frequency_cap"
    overlap = audience_overlap(con)
    assert overlap.loc["a__email", "b__email"] == 2 and overlap.loc["b__email", "a__email"] == 2
    assert overlap.loc["a__email", "a__email"] == 3 and overlap.loc["c__phone", "a__email"] == 0
    markdown = overlap_markdown(overlap)
    assert "| a__email | 3 | 2 | 0 |" in markdown and markdown.count("\n") == 4


def test_config_errors_name_the_file_and_field(tmp_path):
    bad = tmp_path / "activation.yaml"
    bad.write_text(textwrap.dedent("""
        extends: default
        segments:
          winback: {channels: [email, fax]}
        frequency_cap: {max_contacts: 0, window_days: 30}
    """))
    with pytest.raises(ConfigError) as err:
        load_activation_config(bad)
    message = str(err.value)
    assert str(bad) in message and "segments.winback.channels.1" in message and "frequency_cap.max_contacts" in message


def test_extends_default_changes_only_what_it_lists(tmp_path):
    own = tmp_path / "activation.yaml"
    own.write_text("extends: default\nchannels:\n  social: {consent: granted, phone_format: google}\n"
                   "priority: [vip]\nfrequency_cap: null\n")
    config = load_activation_config(own)
    assert config.channels.social.consent == "granted" and config.channels.social.phone_format == "google"
    assert config.channels.mail.consent == "not_denied"  # inherited
    assert config.priority == ["vip"] and config.frequency_cap is None


def test_segment_specs_accept_mappings_and_objects_and_reject_unknown_channels():
    class Spec:
        def __init__(self, name, channel, campaign=None):
            self.name, self.channel, self.campaign = name, channel, campaign

    from_mapping = segment_specs({"vip": {"channel": "sms", "campaign": "q4", "rule": "ignored"}})
    assert [(s.name, s.channel, s.campaign) for s in from_mapping] == [("vip", "sms", "q4")]
    assert segment_specs([Spec("lapsed", "mail")])[0].channel == "mail"
    with pytest.raises(ConfigError, match="segment spec 'vip'.*channel"):
        segment_specs([{"name": "vip", "channel": "fax"}])
    with pytest.raises(ConfigError, match="more than once"):
        segment_specs([{"name": "vip", "channel": "sms"}, {"name": "vip", "channel": "email"}])


def test_one_message_per_contact_even_when_identity_left_one_person_as_two(con):
    # Bobbie and Robert Peck: one person the matching could not join, sharing an email and a number
    build_warehouse(con, [
        person("C1", email="rpeck@example.com", phone="+13125550101", first_name="Robert", last_name="Peck",
               consent={"email": "granted"}),
        person("C2", email="RPeck@example.com", phone="+13125550101", first_name="Bobbie", last_name="Peck",
               consent={"email": "granted"}),
        person("C3", email="other@example.com", consent={"email": "granted"}),
    ])
    set_members(con, [(c, "promo") for c in ("C1", "C2", "C3")] + [(c, "lookalike") for c in ("C1", "C2")])
    build(con, [{"name": "promo", "channel": "email"}, {"name": "lookalike", "channel": "social"}])
    assert sorted(rows(con, "promo__email")) == ["C1", "C3"]
    assert reasons(con, "promo__email") == {"C2": "duplicate_contact"}
    # the social audience matches on hashes: the same hashed email is one row too
    assert sorted(rows(con, "lookalike__social")) == ["C1"]
    assert reasons(con, "lookalike__social") == {"C2": "duplicate_contact"}
