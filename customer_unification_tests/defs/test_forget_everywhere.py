"""Issue 14 defect 5, end to end: a forgotten person is absent from every table, file and destination the
platform wrote - the warehouse (raw layer included), the audience exports and their SQL destination,
and the landing zone's files - after `forget`, after the next run, and after their source file is
delivered again.

Before: the landed file they came in kept their records for good, every run read it again, and a
re-delivered copy of it landed with them."""

import shutil
import sqlite3

import duckdb
import pytest

from customer_unification.cli import main
from customer_unification.lib.activation.hashing import hash_email
from customer_unification.lib.landing import LandingZone
from customer_unification.lib.sources.contracts import load_contracts

pytestmark = pytest.mark.slow

LANDED_ROWS = 80  # CRM contacts that arrive through the landing zone instead of the export
CRM_DOWNSTREAM = "key:sources/crm_contacts+"


def _split_crm(estate, landing) -> bytes:
    """Move the CRM export's first contacts into a landed file; returns that file's bytes."""
    export = estate / "crm" / "contacts.csv"
    lines = export.read_bytes().splitlines(keepends=True)
    export.write_bytes(lines[0] + b"".join(lines[1 + LANDED_ROWS:]))
    delivered = lines[0] + b"".join(lines[1:1 + LANDED_ROWS])
    (landing / "crm_contacts").mkdir(parents=True)
    (landing / "crm_contacts" / "update.csv").write_bytes(delivered)
    return delivered


def _take(landing):
    zone = LandingZone(landing, load_contracts())
    return zone.take(zone.take({}).arriving)


def _someone_in_an_export(warehouse) -> tuple[str, set[str]]:
    """A customer who came in the landed file and is in an email audience, and what only they carry:
    their customer id, CRM record keys, emails (and their audience hash) and phones."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(customer,)] = con.sql("""
            SELECT m.customer_id FROM identity.customer_identity_map m JOIN staging.crm_contacts s
              USING (source, source_record_id)
            WHERE s.source_file = 'update.csv'
              AND m.customer_id IN (SELECT customer_id FROM activation.audience_members WHERE email IS NOT NULL)
            ORDER BY m.customer_id LIMIT 1""").fetchall()
        values = con.sql("""
            WITH mine AS (SELECT u.* FROM staging.unified_records u JOIN identity.customer_identity_map m
                            USING (source, source_record_id) WHERE m.customer_id = $1),
                 theirs AS (SELECT u.* FROM staging.unified_records u JOIN identity.customer_identity_map m
                              USING (source, source_record_id) WHERE m.customer_id <> $1)
            SELECT lower(email) FROM mine WHERE email_match_key NOT IN
              (SELECT email_match_key FROM theirs WHERE email_match_key IS NOT NULL)
            UNION SELECT phone FROM mine WHERE phone NOT IN (SELECT phone FROM theirs WHERE phone IS NOT NULL)
            UNION SELECT source_record_id FROM mine WHERE source = 'crm_contacts'""", params=[customer]).fetchall()
    needles = {customer, *(v for (v,) in values if v)}
    needles |= {hash_email(v) for v in needles if "@" in v}
    return customer, needles


def _everywhere(root, warehouse, needles: set[str]) -> list[str]:
    """Where any needle is found: warehouse tables and views, export files, the SQL destination, landed files."""
    found = set()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for schema, table in con.sql("SELECT table_schema, table_name FROM information_schema.tables").fetchall():
            for row in con.sql(f'SELECT * FROM "{schema}"."{table}"').fetchall():
                text = " ".join(map(str, row)).lower()
                found |= {f"{schema}.{table}" for n in needles if n.lower() in text}
    for path in [*(root / "exports").rglob("*"), *(root / "landing").rglob("*")]:
        if path.suffix == ".parquet":
            text = " ".join(map(str, duckdb.sql(f"SELECT * FROM '{path}'").fetchall()))
        elif path.suffix == ".sqlite":
            with sqlite3.connect(path) as db:
                text = "\n".join(db.iterdump())
        elif path.is_file():
            text = path.read_bytes().decode("latin-1")
        else:
            continue
        found |= {str(path.relative_to(root)) for n in needles if n.lower() in text.lower()}
    return sorted(found)


def test_a_forgotten_person_is_gone_from_everything_after_the_next_run_and_a_redelivery(
        small_estate, isolated_env, monkeypatch, tmp_path, capsys):
    estate, landing = tmp_path / "estate", tmp_path / "landing"
    shutil.copytree(small_estate, estate)
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(estate))
    monkeypatch.setenv("CU_SUPPRESSION_KEY", "erasure-test-" * 4)
    delivered = _split_crm(estate, landing)
    assert [d.accepted for d in _take(landing).deliveries] == [True]
    assert main(["run"]) == 0  # reads the landed file (then loaded) with everything else
    assert (landing / "crm_contacts" / "loaded" / "update.csv").read_bytes() == delivered

    customer, needles = _someone_in_an_export(isolated_env)
    before = _everywhere(tmp_path, isolated_env, needles)
    for place in ("sources.crm_contacts", "staging.crm_contacts", "identity.customer_identity_map",
                  "profiles.golden_profiles", "activation.audience_members", "exports/audiences.sqlite",
                  "landing/crm_contacts/loaded/update.csv"):
        assert place in before  # the person really is everywhere to begin with
    assert any(p.startswith("exports/") and p.endswith(".parquet") for p in before)

    capsys.readouterr()
    assert main(["forget", "--customer", customer, "--reason", "erasure test", "--yes"]) == 0
    said = capsys.readouterr().out
    assert "    landing/crm_contacts/loaded/update.csv" in said and not any(n.lower() in said.lower() for n in needles)
    assert _everywhere(tmp_path, isolated_env, needles) == []

    assert main(["run", "--select", CRM_DOWNSTREAM]) == 0  # the next run reads the landed file again
    assert _everywhere(tmp_path, isolated_env, needles) == []

    # their source file delivered again: they are erased before it lands, and what is left is the
    # file already loaded
    (landing / "crm_contacts" / "update.csv").write_bytes(delivered)
    capsys.readouterr()
    assert main(["ingest"]) == 0  # the landing-zone sensor's look, now
    assert "Nothing ingested: no new file to load (1 rejected" in capsys.readouterr().out
    reason = (landing / "crm_contacts" / "rejected" / "update.csv.reason.txt").read_text()
    assert reason.endswith("\nalready loaded: a file with the same content is in loaded/\n")
    assert _everywhere(tmp_path, isolated_env, needles) == []
