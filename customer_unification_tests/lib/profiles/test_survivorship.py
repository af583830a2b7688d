import duckdb
import pandas as pd
import pytest

from customer_unification.lib.profiles.config import GOLDEN_FIELDS, FieldRule, load_profiles_config
from customer_unification.lib.profiles.accuracy import golden_field_accuracy
from customer_unification.lib.profiles.golden_fields import GOLDEN_COLUMNS
from customer_unification.lib.profiles.survivorship import (
    PROFILE_COLUMNS, PROVENANCE_COLUMNS, build_golden_profiles,
)
from customer_unification_tests.lib.profiles.staged_records import stage

TRUST = {"crm": 1, "loyalty": 2, "webshop": 3, "esp": 5, "sms": 5, "social": 8, "web": 9}


def config_with(**rules):
    """The bundled config with some fields' rules replaced."""
    default = load_profiles_config()
    return default.model_copy(update={"fields": {**default.fields, **rules}})


def golden(con, rows, config=None, trust=TRUST):
    stage(con, rows)
    result = build_golden_profiles(con, config or load_profiles_config(), trust,
                                   records="records", identity_map="identity_map")
    profiles = {r["customer_id"]: r for r in con.sql("SELECT * FROM golden_profiles").df().to_dict("records")}
    return profiles, result


def provenance(con, customer, field):
    rows = con.execute("SELECT source, source_record_id, rule, n_candidates, n_values, observed_at "
                       "FROM profile_provenance WHERE customer_id = ? AND field = ?", [customer, field]).fetchall()
    assert len(rows) == 1
    return rows[0]


@pytest.fixture
def con():
    with duckdb.connect() as c:
        yield c


def test_trust_rank_picks_the_most_trusted_source(con):
    config = config_with(first_name=FieldRule(strategies=["trust_rank"]))
    profiles, _ = golden(con, [
        {"source": "webshop", "id": "w1", "customer": "C1", "first_name": "Jon", "event_ts": "2026-01-01"},
        {"source": "crm", "id": "c1", "customer": "C1", "first_name": "John", "updated_at": "2020-01-01"},
        {"source": "esp", "id": "e1", "customer": "C1", "first_name": "Johnny", "created_at": "2025-01-01"},
    ], config)
    assert profiles["C1"]["first_name"] == "John"
    assert (profiles["C1"]["first_name_source"], profiles["C1"]["first_name_source_record_id"]) == ("crm", "c1")
    source, record, rule, n_candidates, n_values, _ = provenance(con, "C1", "first_name")
    assert (source, record, rule, n_candidates, n_values) == ("crm", "c1", "trust_rank", 3, 3)


def test_most_recent_uses_the_record_time_chain(con):
    config = config_with(email=FieldRule(strategies=["most_recent"]))
    profiles, _ = golden(con, [
        # no updated_at: the event time speaks for the record
        {"source": "webshop", "id": "w1", "customer": "C1", "email": "new@x.com", "event_ts": "2025-05-01"},
        {"source": "crm", "id": "c1", "customer": "C1", "email": "old@x.com",
         "updated_at": "2024-01-01", "created_at": "2025-12-01"},  # updated_at beats a later created_at
    ], config)
    assert profiles["C1"]["email"] == "new@x.com"
    assert str(profiles["C1"]["email_observed_at"])[:10] == "2025-05-01"
    assert provenance(con, "C1", "email")[2] == "most_recent"


def test_most_frequent_counts_sources_not_repeated_records(con):
    config = config_with(email=FieldRule(strategies=["most_frequent", "trust_rank"]))
    rows = [{"source": "webshop", "id": f"w{i}", "customer": "C1", "email": "work@corp.com"} for i in range(5)]
    rows += [{"source": "esp", "id": "e1", "customer": "C1", "email": "me@home.com"},
             {"source": "web", "id": "v1", "customer": "C1", "email": "me@home.com"}]
    profiles, _ = golden(con, rows, config)
    assert profiles["C1"]["email"] == "me@home.com"  # two systems beat one system's five orders
    assert provenance(con, "C1", "email")[2] == "most_frequent"


def test_most_frequent_compares_names_without_case_or_accents(con):
    config = config_with(last_name=FieldRule(strategies=["most_frequent", "most_complete", "trust_rank"]))
    profiles, _ = golden(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "last_name": "Nuñez"},
        {"source": "social", "id": "s1", "customer": "C1", "last_name": "NUNEZ"},
        {"source": "loyalty", "id": "l1", "customer": "C1", "last_name": "Smith"},
    ], config)
    # Nuñez/NUNEZ are one value told by two sources; its fullest spelling (accent, case) is shown
    assert profiles["C1"]["last_name"] == "Nuñez"


def test_most_complete_prefers_a_formal_full_accented_name(con):
    config = config_with(first_name=FieldRule(strategies=["most_complete", "trust_rank"]))
    profiles, _ = golden(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "first_name": "Bob", "first_name_canonical": "robert"},
        {"source": "esp", "id": "e1", "customer": "C1", "first_name": "Robert", "first_name_canonical": "robert"},
        {"source": "crm", "id": "c2", "customer": "C2", "first_name": "J", "first_name_canonical": "j"},
        {"source": "sms", "id": "s2", "customer": "C2", "first_name": "José", "first_name_canonical": "jose"},
        {"source": "crm", "id": "c3", "customer": "C3", "first_name": "Jose", "first_name_canonical": "jose"},
        {"source": "web", "id": "v3", "customer": "C3", "first_name": "José", "first_name_canonical": "jose"},
    ], config)
    assert profiles["C1"]["first_name"] == "Robert"
    assert profiles["C2"]["first_name"] == "José"
    assert profiles["C3"]["first_name"] == "José"
    assert provenance(con, "C1", "first_name")[:3] == ("esp", "e1", "most_complete")


def test_a_misspelling_loses_a_tie_to_the_common_spelling(con):
    config = config_with(first_name=FieldRule(strategies=["most_frequent", "trust_rank"]))
    rows = [{"source": "crm", "id": "c1", "customer": "C1", "first_name": "Micheal"},
            {"source": "esp", "id": "e1", "customer": "C1", "first_name": "Michael"}]
    rows += [{"source": "esp", "id": f"o{i}", "customer": f"O{i}", "first_name": "Michael"} for i in range(3)]
    profiles, _ = golden(con, rows, config)
    assert profiles["C1"]["first_name"] == "Michael"  # one vote each; Michael is shared by more customers


def test_default_rules_keep_the_crm_name_over_a_social_display_name(con):
    profiles, _ = golden(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "first_name": "Katherine", "last_name": "Lee",
         "first_name_canonical": "katherine"},
        {"source": "social", "id": "s1", "customer": "C1", "first_name": "Kathy", "last_name": "L",
         "first_name_canonical": "katherine", "event_ts": "2026-05-01"},
        # a social display name still fills a gap
        {"source": "social", "id": "s2", "customer": "C2", "first_name": "Kat", "last_name": "M"},
    ])
    assert (profiles["C1"]["first_name"], profiles["C1"]["last_name"]) == ("Katherine", "Lee")
    assert provenance(con, "C1", "last_name")[2] == "trusted source"
    assert profiles["C2"]["first_name"] == "Kat"


def test_a_bounced_or_flagged_email_never_wins(con):
    profiles, _ = golden(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "email": "dead@x.com"},
        {"source": "loyalty", "id": "l1", "customer": "C1", "email": "dead@x.com"},
        {"source": "web", "id": "v1", "customer": "C1", "email": "alive@x.com"},
        # the bounce may sit on any record, even one no customer owns
        {"source": "esp", "id": "b1", "customer": None, "email": "dead@x.com", "event_type": "email_bounce",
         "channel": "email", "event_ts": "2025-01-01"},
        {"source": "crm", "id": "c2", "customer": "C2", "email": "odd@x.com", "dq_flags": "email:suspect"},
    ])
    assert profiles["C1"]["email"] == "alive@x.com"
    assert profiles["C1"]["email_source_record_id"] == "v1"
    assert profiles["C2"]["email"] is None


def test_the_address_survives_as_one_unit(con):
    profiles, _ = golden(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "address_line1": "1 Old Rd", "address_line2": "Apt 9",
         "city": "Oldtown", "region": "NY", "postcode": "10001", "country": "US", "updated_at": "2020-01-01"},
        {"source": "webshop", "id": "w1", "customer": "C1", "address_line1": "7 New St", "city": "Newville",
         "region": None, "postcode": "94105", "country": "US", "event_ts": "2025-03-01"},
        # newer, but a postcode alone is not a full address
        {"source": "loyalty", "id": "l1", "customer": "C1", "postcode": "30301", "created_at": "2026-01-01"},
        # newest of all, but not a trusted source for the address
        {"source": "web", "id": "v1", "customer": "C1", "address_line1": "9 Elsewhere", "city": "X",
         "region": "CA", "postcode": "90001", "country": "US", "event_ts": "2026-02-01"},
    ])
    p = profiles["C1"]
    assert (p["address_line1"], p["address_line2"], p["city"], p["region"], p["postcode"], p["country"]) == \
        ("7 New St", None, "Newville", None, "94105", "US")  # line2 and region are not borrowed from c1
    assert (p["address_source"], p["address_source_record_id"]) == ("webshop", "w1")
    assert provenance(con, "C1", "address")[:2] == ("webshop", "w1")


def test_phones_mobile_first_landline_kept_apart(con):
    profiles, _ = golden(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "phone": "+12125550100", "phone_type": "landline"},
        {"source": "esp", "id": "e1", "customer": "C1", "phone": "+12125550199", "phone_type": "mobile"},
        # a number of unknown type that took an SMS is a mobile
        {"source": "crm", "id": "c2", "customer": "C2", "phone": "+12125550111", "phone_type": "unknown"},
        {"source": "sms", "id": "s2", "customer": "C2", "phone": "+12125550111", "phone_type": "unknown",
         "channel": "sms", "event_type": "sms_click", "event_ts": "2025-01-01"},
    ])
    assert (profiles["C1"]["phone"], profiles["C1"]["mobile"], profiles["C1"]["landline"]) == \
        ("+12125550199", "+12125550199", "+12125550100")
    assert provenance(con, "C1", "phone")[2] == "preferred phone type"
    assert (profiles["C2"]["mobile"], profiles["C2"]["landline"]) == ("+12125550111", None)


def test_date_of_birth_most_frequent_then_trust(con):
    profiles, _ = golden(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "date_of_birth": "1980-02-01"},
        {"source": "loyalty", "id": "l1", "customer": "C1", "date_of_birth": "1980-01-02"},
        {"source": "esp", "id": "e1", "customer": "C1", "date_of_birth": "1980-01-02"},
        {"source": "esp", "id": "e2", "customer": "C2", "date_of_birth": "1990-05-05"},
        {"source": "loyalty", "id": "l2", "customer": "C2", "date_of_birth": "1990-06-06"},
    ])
    assert str(profiles["C1"]["date_of_birth"])[:10] == "1980-01-02"
    assert str(profiles["C2"]["date_of_birth"])[:10] == "1990-06-06"  # a tie: the trusted source
    assert provenance(con, "C2", "date_of_birth")[2] == "trust_rank"


def test_every_customer_gets_a_profile_with_stats(con):
    profiles, result = golden(con, [
        {"source": "crm", "id": "c1", "customer": "C1", "first_name": "Ann", "updated_at": "2024-01-01"},
        {"source": "web", "id": "v1", "customer": "C1", "event_ts": "2025-01-01"},
        {"source": "web", "id": "v2", "customer": "C2", "cookie_id": "k", "event_ts": "2025-02-01"},
        {"source": "web", "id": "v3", "customer": None, "cookie_id": "z"},  # not in the identity map
    ])
    assert set(profiles) == {"C1", "C2"} and result.customers == 2
    assert profiles["C2"]["first_name"] is None and profiles["C2"]["n_records"] == 1
    c1 = profiles["C1"]
    assert (c1["n_records"], c1["n_sources"], list(c1["sources"])) == (2, 2, ["crm", "web"])
    assert str(c1["first_seen"])[:10] == "2024-01-01" and str(c1["last_seen"])[:10] == "2025-01-01"
    assert result.filled["first_name"] == 1 and result.rules["first_name"] == {"only candidate": 1}


def test_table_shapes(con):
    profiles, _ = golden(con, [{"source": "crm", "id": "c1", "customer": "C1", "first_name": "Ann"}])
    columns = [r[0] for r in con.execute("DESCRIBE golden_profiles").fetchall()]
    assert columns == list(PROFILE_COLUMNS)
    assert columns[:1 + len(GOLDEN_COLUMNS)] == ["customer_id", *GOLDEN_COLUMNS]
    for group in GOLDEN_FIELDS:
        assert {f"{group}_source", f"{group}_source_record_id", f"{group}_observed_at"} <= set(columns)
    assert [r[0] for r in con.execute("DESCRIBE profile_provenance").fetchall()] == list(PROVENANCE_COLUMNS)
    assert con.execute("SELECT count(*) FROM profile_provenance").fetchall()[0][0] == 1  # only filled fields


def test_unknown_sources_rank_after_declared_ones(con):
    config = config_with(first_name=FieldRule(strategies=["trust_rank"]))
    profiles, _ = golden(con, [
        {"source": "mystery", "id": "m1", "customer": "C1", "first_name": "Zed"},
        {"source": "web", "id": "v1", "customer": "C1", "first_name": "Ned"},
    ], config)
    assert profiles["C1"]["first_name"] == "Ned"


def test_rebuild_replaces_the_tables(con):
    golden(con, [{"source": "crm", "id": "c1", "customer": "C1", "first_name": "Ann"}])
    profiles, _ = golden(con, [{"source": "crm", "id": "c1", "customer": "C9", "first_name": "Ann"}])
    assert set(profiles) == {"C9"}
    assert [r[0] for r in con.execute("SELECT DISTINCT customer_id FROM profile_provenance").fetchall()] == ["C9"]
    temp = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_cu_%'").fetchall()[0][0]
    assert temp == 0  # working tables are dropped


def test_accuracy_against_a_truth(con, tmp_path):
    rows = [
        # C1: two records of P1, one stray record of P2 - evaluated as P1
        {"source": "crm", "id": "c1", "customer": "C1", "first_name": "Ann", "last_name": "Lee",
         "phone": "+15550001", "email": "ann@work.com", "address_line1": "1 Oak St", "address_line2": "Apt 4"},
        {"source": "esp", "id": "e1", "customer": "C1", "first_name": "ann"},
        {"source": "web", "id": "v1", "customer": "C1", "first_name": "Bob"},
        # C2: one record of P2 and one of P3 - no majority, not evaluated
        {"source": "crm", "id": "c2", "customer": "C2", "first_name": "Bob"},
        {"source": "esp", "id": "e2", "customer": "C2", "first_name": "Cy"},
    ]
    profiles, _ = golden(con, rows)
    pd.DataFrame({
        "person_id": ["P1", "P2", "P3"], "first_name": [" ANN ", "Bob", "Cy"], "last_name": ["Leigh", "X", "Y"],
        "email": [None, "b@x.com", None], "work_email": ["ann@work.com", None, None],
        "phone": ["+15559999", None, None], "mobile": ["+15550001", None, None],
        "address_line1": ["1 Oak St Apt 4", None, None], "postcode": ["10001", None, None],
        "date_of_birth": ["1980-01-01", None, None],
    }).to_parquet(tmp_path / "people.parquet")
    pd.DataFrame({"source": ["crm", "esp", "web", "crm", "esp"], "source_record_id": ["c1", "e1", "v1", "c2", "e2"],
                  "person_id": ["P1", "P1", "P2", "P2", "P3"]}).to_parquet(tmp_path / "record_person.parquet")
    result = golden_field_accuracy(con, tmp_path, golden="golden_profiles", identity_map="identity_map")
    by_field = result.set_index("field")
    assert by_field.loc["first_name", ["evaluated", "filled", "right"]].tolist() == [1, 1, 1]  # trimmed, no case
    assert by_field.loc["last_name", "right"] == 0
    assert by_field.loc["phone", "right"] == 1  # the mobile counts
    assert by_field.loc["email", "right"] == 1 and by_field.loc["email_any", "right"] == 1  # work e-mail only
    assert by_field.loc["address_line1", "right"] == 1  # line1 + line2 = the true street line
    assert by_field.loc["postcode", "filled"] == 0 and by_field.loc["postcode", "coverage"] == 0
    frames = {"golden_profiles": con.sql("SELECT * FROM golden_profiles").df(),
              "customer_identity_map": con.sql("SELECT * FROM identity_map").df()}
    assert golden_field_accuracy(frames, tmp_path).equals(result)
