import json
import textwrap

import duckdb
import pytest

from customer_unification.cli import main


def test_check_config_accepts_the_demo_and_names_errors(tmp_path, capsys, small_estate, monkeypatch):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))  # its files exist: check-config looks for them
    assert main(["check-config"]) == 0
    assert "sources OK" in capsys.readouterr().out

    bad = tmp_path / "s.yaml"
    bad.write_text(textwrap.dedent("""
        sources:
          - name: crm
            format: csv
            location: x.csv
            record_key: id
            fields: {emial: e}
    """))
    assert main(["check-config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "source 'crm', field 'fields'" in err and "emial" in err


BROKEN_RUN = """
    base_dir: data
    sources:
      - name: crm
        format: csv
        location: crm_*.csv
        record_key: id
        fields: {crm_id: id, email: email}
      - name: shop
        format: sql
        url: postgres9://cu:s3cret@db/shop
        query: SELECT * FROM orders
        record_key: id
        fields: {crm_id: id}
"""


def test_check_config_finds_what_the_run_would_fail_on_and_the_run_refuses_before_writing(
        tmp_path, isolated_env, monkeypatch, capsys):
    """Issue 14 defect 9: a glob matching nothing and a bad SQL URL passed check-config, then the run
    failed with a traceback."""
    config = tmp_path / "sources.yaml"
    config.write_text(textwrap.dedent(BROKEN_RUN))
    data = tmp_path / "data"
    data.mkdir()
    assert main(["check-config", str(config)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"invalid: {config}: source 'crm': no file matches location '{data}/crm_*.csv' (and no file waits in its "
        "landing folder)",
        f"invalid: {config}: source 'shop', field 'url': unknown database dialect 'postgres9' in "
        "postgres9://cu:***@db/shop"]
    monkeypatch.setenv("CU_SOURCES_CONFIG", str(config))
    assert main(["run", "--select", "key:sources/*"]) == 2
    assert capsys.readouterr().err == (
        f"not run, nothing written: source 'crm': no file matches location '{data}/crm_*.csv' (and no file waits "
        "in its landing folder); source 'shop', field 'url': unknown database dialect 'postgres9' in "
        "postgres9://cu:***@db/shop\n")
    assert not isolated_env.exists(), "refused before anything was written"
    (data / "crm_1.csv").write_text("id,email\nC1,ann@example.com\n")
    config.write_text(textwrap.dedent(BROKEN_RUN).replace("postgres9://cu:s3cret@db/shop", "sqlite:///{base_dir}/shop.db"))
    import sqlite3
    with sqlite3.connect(data / "shop.db") as db:
        db.execute("CREATE TABLE orders (id TEXT)")
        db.execute("INSERT INTO orders VALUES ('O1'), ('O2')")
    assert main(["check-config", str(config)]) == 0
    assert main(["run", "--select", "key:sources/*"]) == 0
    with duckdb.connect(str(isolated_env), read_only=True) as con:
        assert [con.sql(f"SELECT count(*) FROM sources.{t}").fetchall()[0][0] for t in ("crm", "shop")] == [1, 2]


def test_demo_data_then_summary(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CU_WAREHOUSE_PATH", str(tmp_path / "w.duckdb"))
    assert main(["demo-data", "--people", "200", "--out", str(tmp_path / "estate")]) == 0
    out = capsys.readouterr().out
    assert "Demo estate: 200 people" in out and "crm_contacts" in out
    assert (tmp_path / "estate" / "_truth" / "record_person.parquet").exists()
    assert main(["summary"]) == 0
    assert "The warehouse is empty" in capsys.readouterr().out


def test_ingest_with_only_a_rejected_file_runs_nothing_and_says_why(small_estate, isolated_env, monkeypatch, capsys):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    landing = isolated_env.parent / "landing"
    (landing / "sms_clicks").mkdir(parents=True)
    (landing / "sms_clicks" / "broken.csv").write_text("who,what\nx,y\n")
    assert main(["ingest"]) == 0
    assert "Nothing ingested: no new file to load (1 rejected" in capsys.readouterr().out
    assert "column 'phone'" in (landing / "sms_clicks" / "rejected" / "broken.csv.reason.txt").read_text()
    assert not isolated_env.exists(), "no run, so nothing was written to the warehouse"


ORDER = {"order_id": "WS-NEW0", "created_at": "2026-11-20T10:00:00Z", "guest": False,
         "customer": {"email": "ann.lee@fastmail.com", "first_name": "Ann", "last_name": "Lee", "phone": None},
         "ship_to": {"name": "Ann Lee", "line1": "1 Main St", "line2": None, "city": "Seattle", "state": "WA",
                     "zip": "98101", "country": "US"},
         "items": [{"sku": "SKU-1", "category": "beauty", "price": 10.0, "qty": 1}], "total": 10.0, "currency": "USD"}


@pytest.mark.slow
def test_ingest_after_a_full_run_takes_bad_lines_and_rejects_unreadable_files(small_estate, isolated_env,
                                                                              monkeypatch, capsys):
    """Issue 14, defects 1 and 2 as a user met them: after `run`, a JSONL delivery with one truncated line
    and one invalid email crashed the ingest run (ConversionException: VARCHAR -> "NULL", column _error),
    and a CSV renamed .xlsx or a quoted field over 128 KB crashed `ingest` itself."""
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    monkeypatch.setenv("CU_TRAITS_AS_OF", "2026-11-01")
    assert main(["run"]) == 0
    landing = isolated_env.parent / "landing"
    bad_email = {**ORDER, "order_id": "WS-NEW1", "customer": {**ORDER["customer"], "email": "ann.lee@@example"}}
    truncated = '{"order_id":"WS-NEW","created_at":"2026-11-20T10:00:00Z","customer":{"email":"tru'
    (landing / "webshop_orders").mkdir(parents=True)
    good = [json.dumps({**ORDER, "order_id": f"WS-NEW{i:02d}"}) for i in range(2, 40)]  # the gate allows 5% bad
    (landing / "webshop_orders" / "new.jsonl").write_text("\n".join([json.dumps(ORDER), json.dumps(bad_email), truncated,
                                                                      *good]) + "\n")
    (landing / "sms_clicks").mkdir()
    (landing / "sms_clicks" / "huge.csv").write_text(
        "click_id,phone,campaign,ts\nK1,+14155550100,\"" + "x" * 140_000 + "\",2026-11-20T10:00:00Z\n")
    (landing / "store_signups_sheet").mkdir()
    (landing / "store_signups_sheet" / "signups.xlsx").write_text("Name,Email\nAnn Lee,ann@example.com\n")
    capsys.readouterr()

    assert main(["ingest"]) == 0
    out = capsys.readouterr().out
    assert "Ingested webshop_orders/new.jsonl (rejected, see <source>/rejected/: sms_clicks/huge.csv, " \
           "store_signups_sheet/signups.xlsx)\n" in out
    assert " succeeded in " in out
    assert (landing / "webshop_orders" / "loaded" / "new.jsonl").exists(), "loaded: the run that read it succeeded"
    assert not any((landing / "webshop_orders" / "pending").iterdir())
    reasons = {name: (landing / source / "rejected" / f"{name}.reason.txt").read_text().splitlines()[1]
               for source, name in (("sms_clicks", "huge.csv"), ("store_signups_sheet", "signups.xlsx"))}
    assert reasons == {"huge.csv": "cannot be read as csv: Error: field larger than field limit (131072)",
                       "signups.xlsx": "cannot be read as xlsx: ZipError: invalid Zip archive: Could not find EOCD"}

    con = duckdb.connect(str(isolated_env), read_only=True)
    raw = con.execute("SELECT count(*) FROM sources.webshop_orders WHERE _file = 'new.jsonl'").fetchall()[0][0]
    flagged = con.execute("SELECT source_record_id, dq_flags FROM staging.webshop_orders "
                          "WHERE source_file = 'new.jsonl' AND dq_flags IS NOT NULL").fetchall()
    staged = con.execute("SELECT count(*) FROM staging.webshop_orders WHERE source_file = 'new.jsonl'").fetchall()[0][0]
    quarantined = con.execute("SELECT rule, reasons FROM quarantine.webshop_orders "
                              "WHERE source_file = 'new.jsonl'").fetchall()
    totals = [con.execute(f"SELECT count(*) FROM {layer}.webshop_orders").fetchall()[0][0]
              for layer in ("sources", "staging", "quarantine")]
    null_typed = con.execute("SELECT count(*) FROM information_schema.columns WHERE data_type = '\"NULL\"' "
                             "AND table_schema IN ('sources', 'staging', 'quarantine')").fetchall()[0][0]
    con.close()
    assert flagged == [("WS-NEW1", "email:invalid_email")], "the invalid email is dropped and flagged, the row kept"
    assert quarantined == [("unparseable_record", "unparseable_record: invalid_json: Unterminated string "
                            "starting at: line 1 column 78 (char 77) | missing_required: required field 'order_id' "
                            "is missing or invalid | missing_required: required field 'event_ts' is missing or "
                            "invalid | no_identifying_fields: no field that could identify a person")]
    assert (raw, staged, len(quarantined)) == (41, 40, 1), "nothing lost: raw = clean + quarantined"
    assert totals[0] == totals[1] + totals[2]
    assert null_typed == 0, "every column has its declared type"
