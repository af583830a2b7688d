import duckdb
import pytest

from customer_unification.lib.profiles.config import load_profiles_config
from customer_unification.lib.profiles.contact_points import CONTACT_POINT_COLUMNS, build_contact_points
from customer_unification.lib.profiles.survivorship import build_golden_profiles
from customer_unification_tests.lib.profiles.staged_records import stage

TRUST = {"crm": 1, "webshop": 3, "esp": 5, "sms": 5, "web": 9}


@pytest.fixture
def points():
    with duckdb.connect() as con:
        stage(con, [
            {"source": "crm", "id": "c1", "customer": "C1", "crm_id": "C-1", "email": "ann@x.com",
             "phone": "+12125550100", "phone_type": "landline", "address_line1": "1 Oak St Apt 4",
             "city": "Springfield", "region": "IL", "postcode": "62701", "country": "US",
             "updated_at": "2023-01-01"},
            {"source": "webshop", "id": "w1", "customer": "C1", "email": "ann@work.com", "phone": "+12125550199",
             "phone_type": "mobile", "address_line1": "1 Oak St", "address_line2": "Apt 4", "city": "Springfield",
             "region": "IL", "postcode": "62701", "country": "US", "event_ts": "2025-01-01"},
            {"source": "webshop", "id": "w2", "customer": "C1", "email": "ann@x.com", "event_ts": "2025-06-01",
             "address_line1": "9 Elm Rd", "city": "Springfield", "postcode": "62702", "country": "US"},
            {"source": "esp", "id": "e1", "customer": "C1", "email": "ann@x.com", "created_at": "2022-03-01"},
            {"source": "esp", "id": "b1", "customer": "C1", "email": "ann@work.com", "event_type": "email_bounce",
             "channel": "email", "event_ts": "2025-02-01"},
            {"source": "web", "id": "v1", "customer": "C1", "cookie_id": "ck1", "device_id": "dv1",
             "event_ts": "2025-03-01"},
            {"source": "crm", "id": "c2", "customer": "C2", "postcode": "99999"},  # a postcode reaches nobody
        ])
        config = load_profiles_config()
        build_golden_profiles(con, config, TRUST, records="records", identity_map="identity_map")
        n = build_contact_points(con, config, TRUST, records="records", identity_map="identity_map")
        assert n == con.execute("SELECT count(*) FROM contact_points").fetchall()[0][0]
        assert [r[0] for r in con.execute("DESCRIBE contact_points").fetchall()] == list(CONTACT_POINT_COLUMNS)
        yield {(r["customer_id"], r["kind"], r["value"]): r
               for r in con.sql("SELECT * FROM contact_points").df().to_dict("records")}


def test_every_contact_point_is_kept_not_only_the_winner(points):
    kinds = {(k, v) for (c, k, v) in points if c == "C1"}
    assert {("email", "ann@x.com"), ("email", "ann@work.com"), ("phone", "+12125550100"),
            ("phone", "+12125550199"), ("crm_id", "C-1"), ("cookie", "ck1"), ("device", "dv1")} <= kinds
    assert not [key for key in points if key[0] == "C2"]


def test_primary_marks_the_golden_winner(points):
    assert points[("C1", "email", "ann@x.com")]["is_primary"] is True
    assert points[("C1", "email", "ann@work.com")]["is_primary"] is False
    assert points[("C1", "phone", "+12125550199")]["is_primary"] is True  # the mobile is the best phone
    assert points[("C1", "phone", "+12125550100")]["is_primary"] is False
    assert points[("C1", "crm_id", "C-1")]["is_primary"] is None  # no golden field for identifiers


def test_details_sources_counts_and_dates(points):
    assert points[("C1", "phone", "+12125550100")]["detail"] == "landline"
    assert points[("C1", "email", "ann@work.com")]["detail"] == "bounced"
    assert points[("C1", "email", "ann@x.com")]["detail"] is None
    home = points[("C1", "email", "ann@x.com")]
    assert (list(home["sources"]), home["n_records"]) == (["crm", "esp", "webshop"], 3)
    assert str(home["first_seen"])[:10] == "2022-03-01" and str(home["last_seen"])[:10] == "2025-06-01"


def test_one_address_written_two_ways_is_one_contact_point(points):
    addresses = {v: r for (c, k, v), r in points.items() if c == "C1" and k == "address"}
    assert len(addresses) == 2  # "1 Oak St Apt 4" and "1 Oak St" + "Apt 4" are one address
    oak = addresses["1 Oak St Apt 4, Springfield, IL 62701, US"]  # the CRM's spelling: most trusted
    assert (oak["n_records"], oak["is_primary"]) == (2, False)
    assert addresses["9 Elm Rd, Springfield, 62702, US"]["is_primary"] is True  # the newest address won
