"""Erasing records from a landed file in its own format: the rest of the file byte for byte, every other
record at its line (issue 14 defect 5: forget reaches the landing zone's files)."""

import json

import openpyxl
import pandas as pd
import pytest

from customer_unification.lib.landing.row_erasure import erase_rows
from customer_unification.lib.sources.readers import read_files

from ..sources.test_readers import contract_file

SOURCES = """
    - name: people
      format: csv
      location: people/*.csv
      options: {encoding: latin-1}
      record_key: id
      fields: {email: email, full_name: name}
    - name: events
      format: jsonl
      location: events/*.jsonl
      kind: event
      record_key: id
      fields: {email: customer.email, event_ts: ts, event_type: {value: click}, channel: {value: web}}
    - name: sheet
      format: xlsx
      location: sheet/*.xlsx
      record_key: id
      fields: {email: email, full_name: name}
    - name: table
      format: parquet
      location: table/*.parquet
      record_key: id
      fields: {email: email, full_name: name}
"""


def _by_id(*ids: str):
    return lambda raw: raw["id"].isin(ids) if "id" in raw else raw["_raw"].str.contains("ann@", na=False)


def _records(path, contract, config) -> list[tuple]:
    raw = read_files([path], contract, config)
    return list(raw[["_line", "id"]].itertuples(index=False, name=None))


@pytest.fixture
def config(tmp_path):
    return contract_file(tmp_path, SOURCES)


def test_csv_records_become_empty_lines_and_everything_else_stays_byte_for_byte(tmp_path, config):
    body = ("id,email,name\r\n"
            "1,ann@gmail.com,Ann\r\n"
            '2,bob@gmail.com,"Bob\r\nthe ""builder"""\r\n'   # a quoted line break: one record, two lines
            '3,ann@gmail.com,"Ann\nagain, on two lines"\r\n'
            "4,Jos\xe9@gmail.com,Jos\xe9\r\n"                  # latin-1 bytes pass through untouched
            "5,too,many,fields\r\n").encode("latin-1")
    path = tmp_path / "p.csv"
    path.write_bytes(body)
    contract = config.get("people")
    before = _records(path, contract, config)
    assert before == [(2, "1"), (3, "2"), (5, "3"), (7, "4"), (8, None)]

    assert erase_rows(path, contract, config, _by_id("1", "3"), dry_run=True) == 2
    assert path.read_bytes() == body  # a dry run counts
    assert erase_rows(path, contract, config, _by_id("1", "3")) == 2
    assert path.read_bytes() == ("id,email,name\r\n"
                                 "\r\n"
                                 '2,bob@gmail.com,"Bob\r\nthe ""builder"""\r\n'
                                 "\n\r\n"
                                 "4,Jos\xe9@gmail.com,Jos\xe9\r\n"
                                 "5,too,many,fields\r\n").encode("latin-1")
    assert _records(path, contract, config) == [(3, "2"), (7, "4"), (8, None)]  # each at its line
    assert erase_rows(path, contract, config, _by_id("1", "3")) == 0  # nothing left to erase
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_an_unparsed_csv_line_is_erased_alone(tmp_path, config):
    path = tmp_path / "p.csv"
    path.write_text('id,email,name\n1,"ann@gmail.com,broken quote\n2,bob@gmail.com,Bob\n')
    contract = config.get("people")
    unparsed = lambda raw: raw["_raw"].str.contains("ann@", na=False)  # noqa: E731
    assert erase_rows(path, contract, config, unparsed) == 1
    assert path.read_text() == "id,email,name\n\n2,bob@gmail.com,Bob\n"


def test_json_lines_become_empty_lines(tmp_path, config):
    lines = [json.dumps({"id": str(i), "customer": {"email": f"p{i}@gmail.com"}, "ts": "2026-11-20T10:00:00Z"})
             for i in range(1, 5)]
    path = tmp_path / "e.jsonl"
    # a CRLF line, a broken one, no final newline
    path.write_bytes((lines[0] + "\n" + lines[1] + "\r\n" + "{broken ann@gmail.com\n" + lines[3]).encode())
    contract = config.get("events")
    assert erase_rows(path, contract, config, lambda raw: raw["id"].eq("2") | raw["_raw"].notna()) == 2
    assert path.read_bytes() == (lines[0] + "\n\r\n\n" + lines[3]).encode()
    assert _records(path, contract, config) == [(1, "1"), (4, "4")]


def test_xlsx_rows_are_emptied_in_place(tmp_path, config):
    path = tmp_path / "s.xlsx"
    book = openpyxl.Workbook()
    for row in [("id", "email", "name"), ("1", "ann@gmail.com", "Ann"), ("2", "bob@gmail.com", "Bob"),
                ("3", "cy@gmail.com", "Cy")]:
        book.active.append(row)
    book.save(path)
    contract = config.get("sheet")
    assert erase_rows(path, contract, config, _by_id("1")) == 1
    assert _records(path, contract, config) == [(3, "2"), (4, "3")]
    assert "ann" not in str([c.value for row in openpyxl.load_workbook(path).active for c in row])


def test_parquet_rows_are_dropped(tmp_path, config):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"id": ["1", "2", "3"], "email": ["ann@gmail.com", "bob@gmail.com", "cy@gmail.com"],
                  "name": ["Ann", "Bob", "Cy"]}).to_parquet(path)
    contract = config.get("table")
    assert erase_rows(path, contract, config, _by_id("2")) == 1
    assert pd.read_parquet(path)["id"].tolist() == ["1", "3"]


def test_a_file_its_reader_refuses_is_searched_line_by_line(tmp_path, config):
    path = tmp_path / "drift.csv"  # a mapped column missing: the reader refuses the whole file
    path.write_text("id,e_mail,name\n1,ann@gmail.com,Ann\n2,bob@gmail.com,Bob\n")
    contract = config.get("people")
    with pytest.raises(Exception, match="column 'email'"):
        read_files([path], contract, config)
    assert erase_rows(path, contract, config, _by_id("1")) == 1
    assert path.read_text() == "id,e_mail,name\n\n2,bob@gmail.com,Bob\n"
