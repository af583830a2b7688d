import datetime as dt
import hashlib
import json

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from customer_unification.lib.activation import (ActivationConfig, build_audiences, export_files, export_to_sql,
                                                 hash_email, load_activation_config)
from customer_unification.lib.activation.export import file_stem
from customer_unification_tests.lib.activation import NOW, build_warehouse, person, set_members

CONFIG = ActivationConfig.model_validate({**load_activation_config().model_dump(), "frequency_cap": None,
                                          "segments": {"vip": {"channels": ["email", "social"]}}})
SPECS = [{"name": "vip", "channel": "email", "campaign": "q4"}, {"name": "lapsed", "channel": "phone"}]


@pytest.fixture
def con():
    with duckdb.connect() as c:
        build_warehouse(c, [
            person("C1", email="ann@example.com", phone="+13125550101", consent={"email": "granted"}),
            person("C2", email="bob@example.com", consent={"email": "granted"}),
            person("C3", email="cy@example.com", consent={"email": "denied", "social": "denied"}),
        ])
        set_members(c, [("C1", "vip"), ("C2", "vip"), ("C3", "vip"), ("C1", "lapsed"), ("C2", "lapsed")])
        build(c)
        yield c


def build(con):
    return build_audiences(con, "members", SPECS, CONFIG, run_id="run-1", identity_run_id="id-1", now=NOW,
                           hasher=lambda kind, value: "never-listed")


def test_files_and_manifest_per_audience(con, tmp_path):
    folder = tmp_path / "exports" / "run-1"
    manifest = export_files(con, folder, run_id="run-1", created_at=NOW)
    on_disk = json.loads((folder / "manifest.json").read_text())
    assert on_disk == manifest and on_disk["run_id"] == "run-1" and on_disk["created_at"].startswith("2026-11-01")
    entries = {e["audience"]: e for e in manifest["audiences"]}
    assert sorted(entries) == ["lapsed__phone", "vip__email", "vip__social"]
    email = entries["vip__email"]
    assert (email["rows"], email["channel"], email["campaign"]) == (2, "email", "q4")
    assert email["suppressed"] == {"forgotten": 0, "no_consent": 1, "no_valid_contact": 0, "duplicate_contact": 0,
                                   "frequency_cap": 0}
    assert email["files"] == ["vip__email.csv", "vip__email.parquet"]
    for entry in entries.values():
        for name, digest in entry["sha256"].items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    csv = pd.read_csv(folder / "vip__email.csv")
    assert csv.to_dict("records") == [{"customer_id": "C1", "email": "ann@example.com"},
                                      {"customer_id": "C2", "email": "bob@example.com"}]
    social = pd.read_parquet(folder / "vip__social.parquet")
    assert list(social.columns) == ["customer_id", "hashed_email", "hashed_phone"]  # no raw PII
    assert social.set_index("customer_id").loc["C1", "hashed_email"] == hash_email("ann@example.com")
    assert "ann@example.com" not in (folder / "vip__social.csv").read_text()
    # nobody consented to calls: the audience is exported empty, not left out
    assert entries["lapsed__phone"]["rows"] == 0 and entries["lapsed__phone"]["suppressed"]["no_consent"] == 2
    assert pd.read_csv(folder / "lapsed__phone.csv").columns.tolist() == ["customer_id", "phone"]

    again = export_files(con, folder, run_id="run-1", created_at=NOW)
    assert again == manifest  # same data, same bytes


def test_file_names_are_safe():
    assert file_stem("spring sale/2026__email") == "spring_sale_2026__email"
    assert file_stem("../etc") == "etc"


def test_sql_export_is_idempotent_per_audience(con, tmp_path):
    url = f"sqlite:///{tmp_path / 'destination.db'}"
    first = export_to_sql(con, url, exported_at=NOW)
    assert first == {"lapsed__phone": 0, "vip__email": 2, "vip__social": 2}
    engine = sa.create_engine(url)

    def destination():
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT audience, customer_id, email, hashed_email FROM audience_members "
                                        "ORDER BY audience, customer_id")).fetchall()

    before = destination()
    assert len(before) == 4 and before[0][:3] == ("vip__email", "C1", "ann@example.com")
    export_to_sql(con, url, exported_at=NOW + dt.timedelta(hours=1))
    assert destination() == before  # run twice: the same rows, not twice as many

    # C2 withdraws email consent: re-exporting one audience replaces only that audience's rows
    con.execute("UPDATE profiles.consent_ledger SET state = 'denied' WHERE customer_id = 'C2' AND channel = 'email'")
    build(con)
    assert export_to_sql(con, url, audiences=["vip__email"]) == {"vip__email": 1}
    after = destination()
    assert [r[:2] for r in after] == [("vip__email", "C1"), ("vip__social", "C1"), ("vip__social", "C2")]
    engine.dispose()
    with pytest.raises(ValueError, match="no such audience"):
        export_to_sql(con, url, audiences=["nope__email"])
