import datetime as dt
import json
import sqlite3
import textwrap

import openpyxl
import pandas as pd
import pytest

from customer_unification.lib.sources.contracts import ContractError, load_contracts
from customer_unification.lib.sources.readers import read_source


def contract_file(tmp_path, body: str):
    path = tmp_path / "sources.yaml"
    path.write_text("base_dir: .\nsources:\n" + textwrap.indent(textwrap.dedent(body), "  "))
    return load_contracts(path)


def test_csv_with_delimiter_encoding_and_bad_lines(tmp_path):
    lines = ["card;name;email", "1;Núñez, José;j@x.com", '2;"Smith; Ann";a@x.com',
             '3;"Broken;b@x.com', "4;Dan;d@x.com", "5;too;many;fields", "", "6;Eve;e@x.com"]
    (tmp_path / "m.csv").write_bytes("\n".join(lines).encode("cp1252") + b"\n7;Bad \x81 byte;z@x.com\n")
    config = contract_file(tmp_path, """
        - name: members
          format: csv
          location: m.csv
          options: {delimiter: ";", encoding: cp1252}
          record_key: card
          fields: {loyalty_card: card, full_name: name, email: email}
    """)
    raw = read_source(config, config.get("members"))
    assert raw["card"].tolist() == ["1", "2", None, "4", None, "6", None]
    assert raw.loc[0, "name"] == "Núñez, José"  # decoded with the declared encoding
    assert raw.loc[1, "name"] == "Smith; Ann"  # quoted delimiter
    assert raw["_line"].tolist() == [2, 3, 4, 5, 6, 8, 9]  # the blank line 7 is not a record
    errors = raw["_error"].tolist()
    assert errors[2].startswith("malformed_row: unbalanced quote")
    assert errors[4] == "malformed_row: expected 3 fields, found 4"
    assert errors[6].startswith("invalid_encoding")
    assert raw.loc[6, "_raw"].startswith("7;Bad")


def test_jsonl_nested_objects_arrays_and_invalid_lines(tmp_path):
    rows = [{"order_id": 1, "guest": True, "total": 30.0, "customer": {"email": "a@x.com", "name": {"first": "Ann"}},
             "items": [{"sku": "A", "category": "shoes"}, {"sku": "B", "category": "bags"}]},
            {"order_id": 2, "customer": {"email": "b@x.com"}, "items": []}]
    text = "\n".join(json.dumps(r) for r in rows) + '\n{"order_id": 3, "customer": \n["not", "an object"]\n'
    (tmp_path / "orders.jsonl").write_text(text)
    config = contract_file(tmp_path, """
        - name: orders
          format: jsonl
          location: orders.jsonl
          record_key: order_id
          fields: {order_id: order_id, email: customer.email, first_name: customer.name.first,
                   product_category: "items[].category", amount: total}
    """)
    raw = read_source(config, config.get("orders"))
    assert raw.loc[0, "customer.name.first"] == "Ann"
    assert raw.loc[0, "guest"] == "true" and raw.loc[0, "total"] == "30"
    assert json.loads(raw.loc[0, "items"])[1]["category"] == "bags"
    assert raw["_error"].notna().sum() == 2
    assert raw.loc[2, "_error"].startswith("invalid_json")
    assert raw.loc[3, "_error"] == "invalid_json: a record must be a JSON object"


def test_xlsx_cells_are_rendered_as_text(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NAME", "ZIP", "JOINED", "SCORE"])
    sheet.append(["MR BOB SMITH", 2134, dt.datetime(2024, 3, 4), 4.5])
    sheet.append([None, None, None, None])  # a blank row is not a record
    sheet.append(["ANN LEE", "02134", "3/4/2024", None])
    book.save(tmp_path / "list.xlsx")
    config = contract_file(tmp_path, """
        - name: mail
          format: xlsx
          location: list.xlsx
          record_key: NAME
          fields: {full_name: NAME, postcode: ZIP}
    """)
    raw = read_source(config, config.get("mail"))
    assert raw["ZIP"].tolist() == ["2134", "02134"]
    assert raw["JOINED"].tolist() == ["2024-03-04", "3/4/2024"]
    assert raw["SCORE"].tolist() == ["4.5", None]
    assert raw["_line"].tolist() == [2, 4]


def test_parquet_types_become_text(tmp_path):
    pd.DataFrame({
        "txn": [10, 11], "card": ["C1", None], "amount": [12.5, 3.0],
        "ts": pd.to_datetime(["2024-01-02 03:04:05", "2024-01-03 00:00:00"], utc=True),
    }).to_parquet(tmp_path / "pos.parquet")
    config = contract_file(tmp_path, """
        - name: pos
          format: parquet
          location: pos.parquet
          record_key: txn
          fields: {loyalty_card: card, amount: amount}
    """)
    raw = read_source(config, config.get("pos"))
    assert raw["txn"].tolist() == ["10", "11"]
    assert raw["card"].tolist() == ["C1", None]
    assert raw["amount"].tolist() == ["12.5", "3"]
    assert pd.Timestamp(raw.loc[0, "ts"]) == pd.Timestamp("2024-01-02 03:04:05", tz="UTC")


def test_sql_query_through_sqlalchemy_on_sqlite(tmp_path):
    with sqlite3.connect(tmp_path / "cc.db") as con:
        con.execute("CREATE TABLE tickets (id INTEGER, caller TEXT, csat INTEGER)")
        con.executemany("INSERT INTO tickets VALUES (?, ?, ?)", [(1, "bob smith", 5), (2, "ann", None)])
    config = contract_file(tmp_path, """
        - name: tickets
          format: sql
          url: "sqlite:///{base_dir}/cc.db"
          query: SELECT id, caller, csat FROM tickets ORDER BY id
          record_key: id
          fields: {full_name: caller}
    """)
    raw = read_source(config, config.get("tickets"))
    assert raw[["id", "caller", "csat"]].values.tolist() == [["1", "bob smith", "5"], ["2", "ann", None]]


def test_schema_drift_names_source_file_and_column(tmp_path):
    (tmp_path / "crm.csv").write_text("id,e_mail\n1,a@x.com\n")
    config = contract_file(tmp_path, """
        - name: crm
          format: csv
          location: crm.csv
          record_key: id
          fields: {crm_id: id, email: email}
    """)
    with pytest.raises(ContractError) as err:
        read_source(config, config.get("crm"))
    message = str(err.value)
    assert "source 'crm'" in message and "column 'email'" in message and "crm.csv" in message
    assert "e_mail" in message  # what was found instead


def test_several_files_by_glob_are_concatenated(tmp_path):
    for day in ("01", "02"):
        (tmp_path / f"crm_{day}.csv").write_text(f"id,email\n{day},a{day}@x.com\n")
    config = contract_file(tmp_path, """
        - name: crm
          format: csv
          location: crm_*.csv
          record_key: id
          fields: {crm_id: id, email: email}
    """)
    raw = read_source(config, config.get("crm"))
    assert raw["_file"].tolist() == ["crm_01.csv", "crm_02.csv"]
    assert raw["id"].tolist() == ["01", "02"]


CLEAN_CSVS = {
    "plain": "id,name,email\n1,Ann,a@x.com\n2,,b@x.com\n\n3,Cy,\n",
    "quoted": 'id,name,email\n1,"Lee, Ann",a@x.com\n2,"Say ""hi""",b@x.com\n',
    "bom_crlf": "\ufeffid,name,email\r\n1,Ann,a@x.com\r\n2,Bo,b@x.com\r\n",
    "short_row": "id,name,email\n1,Ann,a@x.com\n2,Bo\n",
    "multiline": 'id,name,email\n1,"Ann\nLee",a@x.com\n2,Bo,b@x.com\n',
    "stray_quote": 'id,name,email\n1,"Ann,a@x.com\n2,Bo,b@x.com\n3,"Cy",c@x.com\n',
}


def one_csv_source(tmp_path, text: str):
    (tmp_path / "f.csv").write_text(text, newline="")
    return contract_file(tmp_path, """
        - name: f
          format: csv
          location: f.csv
          record_key: id
          fields: {crm_id: id, email: email}
    """)


@pytest.mark.parametrize("name", sorted(CLEAN_CSVS))
def test_fast_csv_path_agrees_with_the_careful_one(tmp_path, monkeypatch, name):
    """pandas' C parser is used for well-formed files; anything else must give the careful result."""
    from customer_unification.lib.sources import readers

    config = one_csv_source(tmp_path, CLEAN_CSVS[name])
    fast = read_source(config, config.get("f"))
    monkeypatch.setattr(readers, "_read_clean_csv", lambda *args: None)
    careful = read_source(config, config.get("f"))
    pd.testing.assert_frame_equal(fast, careful)
    if name == "short_row":
        assert careful["_error"].tolist() == [None, "malformed_row: expected 3 fields, found 2"]


@pytest.mark.parametrize(("name", "fast"), [("plain", True), ("quoted", True), ("bom_crlf", True),
                                            ("short_row", False), ("multiline", False), ("stray_quote", False)])
def test_fast_csv_path_is_taken_only_for_well_formed_files(tmp_path, monkeypatch, name, fast):
    from customer_unification.lib.sources import readers

    taken = []
    original = readers._read_clean_csv
    monkeypatch.setattr(readers, "_read_clean_csv", lambda *a: taken.append(r := original(*a)) or r)
    config = one_csv_source(tmp_path, CLEAN_CSVS[name])
    read_source(config, config.get("f"))
    assert (taken[0] is not None) is fast
