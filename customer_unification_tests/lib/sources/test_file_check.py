"""`check-config --files`: a sample of each source is read and staged before any run (issue 15).

The broken copy of the demo config carries the mistakes a new user made: a misspelt column, a
location that matches nothing, a date format that quarantines every row, event types outside the
vocabulary, `amount: items[].price` and consent values neither granted nor denied. Every one must
be named, with what staging would do, and no personal value may be shown in clear.
"""

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from customer_unification.cli import main
from customer_unification.lib.segments.config import load_segments_config
from customer_unification.lib.sources.contracts import DEFAULT_CONFIG, load_contracts
from customer_unification.lib.sources.file_check import check_files

VOCABULARY = load_segments_config().vocabulary.event_types


def demo_config(estate: Path) -> dict:
    config = yaml.safe_load(DEFAULT_CONFIG.read_text())
    config["base_dir"] = str(estate)
    return config


def write(tmp_path: Path, config: dict, name: str = "sources.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture
def broken(tmp_path, small_estate) -> Path:
    config = demo_config(small_estate)
    by_name = {s["name"]: s for s in config["sources"]}
    crm = by_name["crm_contacts"]
    crm["fields"]["email"] = "emial"                                           # misspelt column
    crm["fields"]["date_of_birth"] = {"column": "birth_date", "format": "iso"}  # the file says 12/14/1961
    crm["fields"]["consent_sms"] = {"column": "sms_opt_in", "granted": ["yes"], "denied": ["no"]}  # file: true/false
    by_name["sms_clicks"]["location"] = "sms/click_*.csv"                      # matches nothing
    by_name["email_events"]["fields"]["event_type"] = "event"                  # send/open/click: no map
    by_name["webshop_orders"]["fields"]["amount"] = "items[].price"            # a unit price per item
    return write(tmp_path, config, "broken.yaml")


def test_the_demo_config_has_no_problem(small_estate, tmp_path):
    config = load_contracts(write(tmp_path, demo_config(small_estate)))
    report = check_files(config, VOCABULARY)
    assert report.problems == []
    assert [s.name for s in report.sources] == [s.name for s in config.sources]
    crm = report.sources[0]
    rows = len(pd.read_csv(small_estate / "crm" / "contacts.csv", dtype=str))
    assert (crm.rows_read, crm.rows_sampled) == (rows, rows)  # small: all of it
    webshop = report.sources[1]
    assert [p.name for p in webshop.files] == ["orders_2024.jsonl", "orders_2025.jsonl", "orders_2026.jsonl"]
    assert report.render().endswith("no problem found")


def test_a_broken_copy_of_the_demo_config_names_every_problem(broken, small_estate, capsys):
    assert main(["check-config", str(broken), "--files"]) == 1
    out = capsys.readouterr().out

    assert "PROBLEM column 'emial' (field 'email') not found; did you mean 'email'?" in out
    assert (f"sms_clicks (csv, sms/click_*.csv): 0 file(s) matched\n  PROBLEM no file matches location "
            f"'{small_estate}/sms/click_*.csv' (and no file waits in its landing folder)") in out

    contacts = pd.read_csv(small_estate / "crm" / "contacts.csv", dtype=str, keep_default_na=False)
    dobs = contacts["birth_date"][contacts["contact_id"] != ""]  # a keyless row is quarantined for its key
    dob_count = int((dobs != "").sum())
    assert (f"PROBLEM field 'date_of_birth': {dob_count} of {dob_count} values (100%) fail (invalid_date "
            f"{dob_count}) with format 'iso'; the values look like '%m/%d/%Y' (100% of distinct values read)") in out
    # crm_contacts lacks a column, so its reject rate is a note (the missing email leaves records unidentified)
    assert "note: staging would quarantine" in out and ("above max_reject_rate 5%: the reject_rate gate would stop "
                                                        "everything downstream (measured without the missing "
                                                        "columns: check again once they are found)") in out

    events = pd.read_parquet(small_estate / "esp" / "email_events.parquet")["event"].value_counts()
    listed = ", ".join(f"'{k}' {v:,}" for k, v in events.items())
    assert (f"PROBLEM event types outside the segments vocabulary: {listed} - staged, but no segment, trait or "
            "KPI counts them") in out
    assert set(events.index) == {"send", "open", "click"}

    assert ("PROBLEM field 'amount': 'items[].price' is an array path: it reads one value per element, joined "
            "with '|', so a record with several elements has no valid amount") in out
    assert "or total the elements: {column: 'items[].price', times: 'items[].<quantity>', aggregate: sum}" in out

    opt_in = contacts["sms_opt_in"][contacts["sms_opt_in"] != ""].value_counts()
    assert set(opt_in.index) == {"true", "false", "TRUE", "FALSE"}
    assert f"'true' {opt_in['true']}" in out and f"'FALSE' {opt_in['FALSE']}" in out
    assert "PROBLEM field 'consent_sms': values neither granted nor denied: " in out

    problems = [line for line in out.splitlines() if line.startswith("  PROBLEM")]
    assert len(problems) == 7
    assert out.rstrip().endswith("7 problem(s) found")
    # the sources without a mistake report none
    untouched = {"loyalty_members", "pos_transactions", "email_subscribers", "sms_subscribers",
                 "call_centre_tickets", "postal_mailing_list", "store_signups_sheet", "social_followers",
                 "web_events"}
    blocks = out.split("\n\n")
    for block in blocks:
        if block.split(" ", 1)[0] in untouched:
            assert "PROBLEM" not in block, block


def test_the_report_shows_no_personal_value(broken, small_estate, capsys):
    main(["check-config", str(broken), "--files"])
    out = capsys.readouterr().out
    contacts = pd.read_csv(small_estate / "crm" / "contacts.csv", dtype=str).dropna(subset=["birth_date"])
    assert "date_of_birth: '" in out  # examples are given ...
    leaked = [v for v in contacts["birth_date"] if f"'{v}'" in out]
    assert leaked == []  # ... masked
    orders = [json.loads(line) for line in (small_estate / "webshop" / "orders_2024.jsonl").read_text().splitlines()]
    assert not [o for o in orders if (o["customer"]["email"] or "@@") in out]


def test_date_format_guess_and_ambiguity(tmp_path):
    (tmp_path / "people.csv").write_text("id,email,dob\n1,a@fastmail.com,03/04/1980\n2,b@fastmail.com,05/06/1990\n"
                                         "3,c@fastmail.com,13/01/1985\n4,d@fastmail.com,\n")
    source = {"name": "people", "format": "csv", "location": "people.csv", "record_key": "id",
              "fields": {"crm_id": "id", "email": "email", "date_of_birth": {"column": "dob", "format": "%m/%d/%Y"}},
              "max_reject_rate": 0.5}
    report = check_files(load_contracts(write(tmp_path, {"sources": [source]})), VOCABULARY)
    [dob] = [f for f in report.sources[0].fields if f.field == "date_of_birth"]
    assert (dob.present, dob.failed) == (3, 1)  # 13/01/1985 is not month/day
    assert dob.date_guess.best == "%d/%m/%Y" and dob.date_guess.best_rate == 1.0
    assert round(dob.date_guess.declared_rate, 2) == 0.67
    assert report.problems == []  # one bad value of three is dirty data (quarantined), not a wrong declaration
    assert "note: field 'date_of_birth': format '%m/%d/%Y' reads 67% of distinct values, '%d/%m/%Y' reads 100%" \
        in report.render()

    (tmp_path / "people.csv").write_text("id,email,dob\n1,a@fastmail.com,1980-04-03\n2,b@fastmail.com,1990-06-05\n")
    report = check_files(load_contracts(write(tmp_path, {"sources": [source]})), VOCABULARY)
    [dob] = [f for f in report.sources[0].fields if f.field == "date_of_birth"]
    assert dob.date_guess.best == "iso" and dob.failed == 2
    assert report.problems[0].startswith("people: field 'date_of_birth': 2 of 2 values (100%) fail (invalid_date 2) "
                                         "with format '%m/%d/%Y'; the values look like 'iso'")
    assert report.problems[1] == ("people: staging would quarantine 100.0% of the sampled records (invalid_date 2), "
                                  "above max_reject_rate 50%: the reject_rate gate would stop everything downstream")


def test_ambiguous_day_month_lists_both(tmp_path):
    (tmp_path / "p.csv").write_text("id,dob\n1,03/04/1980\n2,05/06/1990\n")
    source = {"name": "p", "format": "csv", "location": "p.csv", "record_key": "id",
              "fields": {"crm_id": "id", "date_of_birth": {"column": "dob", "format": "iso"}}}
    report = check_files(load_contracts(write(tmp_path, {"sources": [source]})), VOCABULARY)
    guess = report.sources[0].fields[1].date_guess
    assert (guess.best, guess.best_rate) == ("%m/%d/%Y", 1.0)
    assert "%d/%m/%Y" in guess.ties
    assert "or '%d/%m/%Y'" in report.problems[0] and "(ambiguous in the sample)" in report.problems[0]


def test_missing_record_key_and_headerless_file(tmp_path):
    (tmp_path / "a.csv").write_text("contact_id,email\nC1,a@fastmail.com\n")
    source = {"name": "a", "format": "csv", "location": "a.csv", "record_key": "contactid",
              "fields": {"email": "email"}}
    report = check_files(load_contracts(write(tmp_path, {"sources": [source]})), VOCABULARY)
    assert report.problems == ["a: record_key column 'contactid' not found; did you mean 'contact_id'?"]

    (tmp_path / "a.csv").write_text("C1,jane.doe@fastmail.com\nC2,b@fastmail.com\n")  # no header row
    source["record_key"] = "contact_id"
    report = check_files(load_contracts(write(tmp_path, {"sources": [source]})), VOCABULARY)
    text = report.render()
    assert "jane.doe" not in text
    assert "none of the declared columns is in the first row (no header row?); its 2 values are not shown" in text
    assert report.problems == ["a: column 'email' (field 'email') not found",
                               "a: record_key column 'contact_id' not found",
                               "a: none of the declared columns is in the first row (no header row?); its 2 values "
                               "are not shown"]


def test_sample_size_spreads_over_the_files(tmp_path):
    rows = "\n".join(f"{i},p{i}@fastmail.com" for i in range(1, 101))
    (tmp_path / "a.csv").write_text("id,email\n" + rows + "\n")
    source = {"name": "a", "format": "csv", "location": "a.csv", "record_key": "id",
              "fields": {"crm_id": "id", "email": "email"}}
    report = check_files(load_contracts(write(tmp_path, {"sources": [source]})), VOCABULARY, sample_rows=10)
    check = report.sources[0]
    assert (check.rows_read, check.rows_sampled) == (100, 10)


def test_an_order_total_over_the_items_is_no_problem_and_matches_the_declared_total(tmp_path, small_estate):
    config = demo_config(small_estate)
    webshop = next(s for s in config["sources"] if s["name"] == "webshop_orders")
    webshop["fields"]["amount"] = {"column": "items[].price", "times": "items[].qty", "aggregate": "sum"}
    webshop["attributes"]["total"] = "total"
    report = check_files(load_contracts(write(tmp_path, config)), VOCABULARY, only=["webshop_orders"])
    assert report.problems == []
    [amount] = [f for f in report.sources[0].fields if f.field == "amount"]
    assert amount.present == report.sources[0].rows_sampled and amount.failed == 0

    from customer_unification.lib.sources.readers import read_source
    from customer_unification.lib.staging.standardize import standardize

    contracts = load_contracts(tmp_path / "sources.yaml")
    clean = standardize(read_source(contracts, contracts.get("webshop_orders")), contracts.get("webshop_orders")).clean
    assert len(clean) > 100
    assert (clean["amount"] - clean["attr_total"].astype(float)).abs().max() < 0.005


def test_another_delimiter_is_named(tmp_path):
    (tmp_path / "a.csv").write_text("id;email\n1;a@fastmail.com\n")
    source = {"name": "a", "format": "csv", "location": "a.csv", "record_key": "id", "fields": {"email": "email"}}
    report = check_files(load_contracts(write(tmp_path, {"sources": [source]})), VOCABULARY)
    assert "a: a.csv: its first line splits on ';' into 2 columns: is the delimiter ';' (declared ',')?" \
        in report.problems
