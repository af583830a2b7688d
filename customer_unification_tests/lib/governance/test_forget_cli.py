"""`customer-unification forget`: asks first, prints counts only, and says clearly when nobody matches."""

import duckdb

from customer_unification.cli import main

from .warehouse import ANN_PII, build_warehouse, text_hits


def test_forget_cli(tmp_path, monkeypatch, capsys):
    warehouse = tmp_path / "w.duckdb"
    build_warehouse(warehouse)
    monkeypatch.setenv("CU_WAREHOUSE_PATH", str(warehouse))

    monkeypatch.setattr("builtins.input", lambda _: "n")
    assert main(["forget", "--email", "ann.lee@gmail.com"]) == 1
    out = capsys.readouterr().out
    assert "(dry run)" in out and "staging.web" in out and out.rstrip().endswith("nothing changed")

    assert main(["forget", "--phone", "(212) 736-5001", "--reason", "GDPR art. 17", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "rows removed: 29" in out and "identity.customer_identity_map" in out
    assert not any(needle in out.lower() for needle in ANN_PII)  # counts only, never the values
    con = duckdb.connect(str(warehouse), read_only=True)
    assert text_hits(con, ANN_PII) == []
    con.close()

    assert main(["forget", "--email", "ann.lee@gmail.com", "--yes"]) == 2
    assert "no records with this email" in capsys.readouterr().err
