"""Issue 14 defect 5: `forget` reaches the copies outside the warehouse, and the raw layer.

Before: plain emails stayed in earlier `exports/<run>/` folders and hashes in the SQL destination
until the next export, and a re-read source put the person back into `sources.*`."""

import json

import duckdb
import pandas as pd
import sqlalchemy as sa

from customer_unification.cli import main
from customer_unification.lib.activation.audiences import AUDIENCE_MEMBER_COLUMNS, SUPPRESSED_COLUMNS
from customer_unification.lib.activation.export import export_files, export_to_sql
from customer_unification.lib.activation.hashing import hash_email
from customer_unification.lib.governance import IdentifierHasher, load_suppression
from customer_unification.lib.governance.suppression import suppressed_raw_rows

from .warehouse import ANN, ANN_EMAIL, ANN_PII, BOB, CRM, WEB, build_warehouse, raw_crm, raw_web

OLD_ANN = "CU0000000000OLD1"  # Ann's id before a merge (identity.id_lineage)
BOB_EMAIL = "bob.stone@yahoo.com"


def _export(con, folder, sql_url, members: list[dict]) -> None:
    frame = pd.DataFrame([{c: m.get(c) for c in AUDIENCE_MEMBER_COLUMNS} for m in members], dtype=object)
    con.execute("CREATE SCHEMA IF NOT EXISTS activation")
    con.register("frame", frame)
    con.execute("CREATE OR REPLACE TABLE activation.audience_members AS SELECT * FROM frame")
    con.unregister("frame")
    con.execute("CREATE OR REPLACE TABLE activation.suppressed AS SELECT "
                + ", ".join(f"NULL::VARCHAR AS {c}" for c in SUPPRESSED_COLUMNS) + " WHERE false")
    export_files(con, folder, run_id=folder.name)
    export_to_sql(con, sql_url)


def _member(audience: str, channel: str, customer: str, email: str) -> dict:
    contact = {"hashed_email": hash_email(email)} if channel == "social" else {"email": email}
    return {"run_id": "r", "audience": audience, "segment": "s", "channel": channel, "customer_id": customer, **contact}


def test_forget_erases_export_folders_and_the_sql_destination_and_says_where(tmp_path, monkeypatch, capsys):
    warehouse, exports = tmp_path / "w.duckdb", tmp_path / "exports"
    build_warehouse(warehouse)
    monkeypatch.setenv("CU_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("CU_EXPORTS_DIR", str(exports))
    sql_url = f"sqlite:///{exports / 'audiences.sqlite'}"
    exports.mkdir()
    con = duckdb.connect(str(warehouse))
    _export(con, exports / "run-old", sql_url, [_member("news__email", "email", OLD_ANN, "ann.lee@gmail.com"),
                                                _member("news__email", "email", BOB, BOB_EMAIL)])
    _export(con, exports / "run-new", sql_url, [_member("news__email", "email", ANN, ANN_EMAIL),
                                                _member("news__email", "email", BOB, BOB_EMAIL),
                                                _member("fb__social", "social", ANN, ANN_EMAIL),
                                                _member("fb__social", "social", BOB, BOB_EMAIL)])
    con.close()

    assert main(["forget", "--email", "ann.lee@gmail.com", "--yes"]) == 0
    out = capsys.readouterr().out
    files = [f"exports/run-new/fb__social.csv", "exports/run-new/fb__social.parquet", "exports/run-new/news__email.csv",
             "exports/run-new/news__email.parquet", "exports/run-old/news__email.csv",
             "exports/run-old/news__email.parquet"]
    where = [*files, f"{sql_url} audience_members"]
    width = max(map(len, where))
    expected = ["  rows removed outside the warehouse: 8",
                *(f"    {w:<{width}}  {n:>8,}" for w, n in zip(where, [1, 1, 1, 1, 1, 1, 2]))]
    assert out.rstrip("\n").split("\n")[-len(expected):] == expected
    assert not any(needle in out.lower() for needle in ANN_PII)  # places and counts, never values

    # every file keeps Bob, holds nothing of Ann, and its manifest still describes it
    for name in files:
        path = tmp_path / name
        rows = duckdb.sql(f"SELECT * FROM '{path}'").df() if path.suffix == ".parquet" else \
            pd.read_csv(path, dtype=str)
        assert rows["customer_id"].tolist() == [BOB], name
        assert "ann" not in path.read_bytes().decode("latin-1").lower()
        assert hash_email(ANN_EMAIL) not in path.read_bytes().decode("latin-1")
    manifest = json.loads((exports / "run-new" / "manifest.json").read_text())
    assert {e["audience"]: e["rows"] for e in manifest["audiences"]} == {"fb__social": 1, "news__email": 1}
    engine = sa.create_engine(sql_url)
    with engine.connect() as conn:
        left = conn.execute(sa.text("SELECT audience, customer_id FROM audience_members ORDER BY 1")).fetchall()
    engine.dispose()
    assert left == [("fb__social", BOB), ("news__email", BOB)]


def test_the_raw_layer_leaves_out_a_forgotten_person_when_the_source_is_read_again(tmp_path):
    from customer_unification.lib.governance import ForgetRequest, forget

    warehouse = tmp_path / "w.duckdb"
    build_warehouse(warehouse)
    hasher = IdentifierHasher(b"k" * 32)
    con = duckdb.connect(str(warehouse))
    forget(con, ForgetRequest(email="ann.lee@gmail.com"), hasher, contracts={"crm": CRM, "web": WEB})
    suppression = load_suppression(con, hasher)
    con.close()
    crm, web = raw_crm(), raw_web()
    # C1 and C3 (quarantined: bad date) are Ann's by key and email; E1, E2 (her record keys), E5 (her email)
    assert crm.loc[suppressed_raw_rows(crm, suppression, CRM), "id"].tolist() == ["C1", "C3"]
    assert web.loc[suppressed_raw_rows(web, suppression, WEB), "event_id"].tolist() == ["E1", "E2", "E5"]
    broken = pd.concat([crm, pd.DataFrame([{"_file": "crm.csv", "_line": 9, "_error": "unparseable_line",
                                            "_raw": '"C9,"Lee, Ann",ann.lee@gmail.com'}])], ignore_index=True)
    assert suppressed_raw_rows(broken, suppression, CRM).tolist() == [True, False, True, False, True]
