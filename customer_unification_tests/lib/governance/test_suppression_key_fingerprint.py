"""Issue 14 defect 6, the upgrade: a suppression list hashed with another key must not silently stop working.

Before: a development install whose list was made with the old public default key generated a key of
its own on upgrade; every later run hashed with it, matched nobody, and forgotten people came back
without a word."""

import os

import duckdb
import pandas as pd
import pytest

from customer_unification.cli import main
from customer_unification.lib.activation import build_audiences, load_activation_config
from customer_unification.lib.governance import (ForgetRequest, IdentifierHasher, SuppressionKeyMismatch,
                                                 drop_suppressed, forget, load_suppression, suppression_key)
from customer_unification.lib.governance.identifiers import LOCAL_KEY
from customer_unification.lib.governance.key_fingerprint import fingerprint
from customer_unification.lib.governance.suppression import add_to_list
from customer_unification.lib.staging.standardize import standardize

from .warehouse import CONTRACTS, CRM, NOW, build_warehouse, raw_crm

PUBLIC = IdentifierHasher(LOCAL_KEY.encode())
ANN = pd.DataFrame({"kind": ["email"], "value": ["annlee@gmail.com"]})


@pytest.fixture
def dev_install(tmp_path, monkeypatch):
    """A development install: no CU_SUPPRESSION_KEY, so the install's generated key is in use."""
    monkeypatch.setenv("CU_WAREHOUSE_PATH", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("CU_SUPPRESSION_KEY", raising=False)
    monkeypatch.delenv("CU_SUPPRESSION_KEY_FILE", raising=False)
    monkeypatch.delenv("CU_ENV", raising=False)
    build_warehouse(tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield con
    con.close()


def _public_key_said(tmp_path, entries: int = 1) -> str:
    in_use = fingerprint(IdentifierHasher(suppression_key()))
    return (f"governance.suppression_list ({entries} entries) was hashed with the public development key (the "
            "default before installs generated their own), not with the key in use now (from this install's key "
            f"file {tmp_path / '.suppression_key'}, fingerprint {in_use[:16]}…): with it no forgotten person would "
            "be recognised and they would come back. Nothing was read or written. To go on, set "
            "CU_SUPPRESSION_KEY=customer-unification-local-suppression-key to keep suppressing them (development "
            "only: a production run refuses that key, and moving off it means forgetting those people again under "
            "the new key). The list cannot be re-hashed: it holds no identifiers, only their hashes.")


def test_a_list_hashed_with_the_public_key_stops_every_reader_with_what_to_do(dev_install, tmp_path, monkeypatch):
    con = dev_install
    add_to_list(con, PUBLIC, ANN, "req-old", NOW)  # forgotten under the old default key
    key = IdentifierHasher(suppression_key())  # the upgrade: the install's own key from now on

    with pytest.raises(SuppressionKeyMismatch) as error:
        load_suppression(con, key)  # staging, the raw layer and profiles read it this way
    assert str(error.value) == _public_key_said(tmp_path)
    with pytest.raises(SuppressionKeyMismatch, match="was hashed with the public development key"):
        build_audiences(con, "segments.segment_membership", [], load_activation_config(), run_id="r",
                        identity_run_id="i", hasher=key)
    with pytest.raises(SuppressionKeyMismatch, match="was hashed with the public development key"):
        add_to_list(con, key, pd.DataFrame({"kind": ["email"], "value": ["bobstone@yahoo.com"]}), "req-new", NOW)
    assert con.sql("SELECT count(*) FROM governance.suppression_list").fetchall() == [(1,)]  # no mixed list

    # doing what it says brings suppression back: Ann's re-delivered record is dropped again
    monkeypatch.setenv("CU_SUPPRESSION_KEY", LOCAL_KEY)
    result, dropped = drop_suppressed(standardize(raw_crm(), CRM, loaded_at=NOW),
                                      load_suppression(con, IdentifierHasher(suppression_key())), CRM)
    assert dropped == 2  # C1 and (quarantined) C3


def test_a_list_hashed_with_another_key_names_its_fingerprint(dev_install, tmp_path):
    con = dev_install
    old = IdentifierHasher(b"the key before rotation")
    add_to_list(con, old, ANN, "req-old", NOW)
    with pytest.raises(SuppressionKeyMismatch) as error:
        load_suppression(con, IdentifierHasher(b"a rotated key"))
    said = str(error.value)
    assert f"was hashed with another key (fingerprint {fingerprint(old)[:16]}…)" in said
    starts = fingerprint(old)[:16]
    assert f"set CU_SUPPRESSION_KEY to the key the list was made with (its fingerprint starts {starts})" in said
    assert "the key before rotation" not in said and "a rotated key" not in said  # fingerprints, never keys
    assert load_suppression(con, old).hashes["email"]  # the right key still reads it


def test_a_list_from_before_fingerprints_fails_closed_until_its_key_is_adopted(dev_install, tmp_path, monkeypatch,
                                                                             capsys):
    con = dev_install
    # what earlier versions wrote: hashes (public key), no fingerprint
    con.execute("CREATE SCHEMA IF NOT EXISTS governance")
    con.execute("CREATE TABLE governance.suppression_list (kind VARCHAR NOT NULL, identifier_hash VARCHAR NOT NULL, "
                "request_id VARCHAR NOT NULL, added_at TIMESTAMPTZ NOT NULL)")
    con.execute("INSERT INTO governance.suppression_list VALUES ('email', ?, 'req-old', '2026-01-05 10:00:00+00')",
                [PUBLIC.hash("email", "annlee@gmail.com")])
    key = IdentifierHasher(suppression_key())
    key_file = tmp_path / ".suppression_key"
    with pytest.raises(SuppressionKeyMismatch) as error:
        load_suppression(con, key)
    assert str(error.value) == (
        "governance.suppression_list (1 entries) was written before the key that hashes it was recorded, so it is "
        f"unknown whether the key in use now (from this install's key file {key_file}) still matches it; if it "
        "does not, forgotten people would come back. Nothing was read or written. If the list was made with this "
        "key, run `customer-unification suppression-key --adopt`. If this install ran without CU_SUPPRESSION_KEY "
        "before installs generated their own key, it was made with the public development key: set "
        "CU_SUPPRESSION_KEY=customer-unification-local-suppression-key, then run "
        "`customer-unification suppression-key --adopt`. The list's first entry (2026-01-05 10:00 UTC) is older "
        f"than this install's key file ({pd.Timestamp(os.path.getmtime(key_file), unit='s'):%Y-%m-%d %H:%M} UTC): "
        "that key did not make it.")
    con.close()

    assert main(["suppression-key"]) == 2
    assert "was written before the key that hashes it was recorded" in capsys.readouterr().err
    monkeypatch.setenv("CU_SUPPRESSION_KEY", LOCAL_KEY)  # the operator follows the hint
    assert main(["suppression-key", "--adopt"]) == 0
    assert capsys.readouterr().out == (f"recorded: the suppression list's 1 entries are hashed with the key from "
                                       f"CU_SUPPRESSION_KEY (fingerprint {fingerprint(PUBLIC)[:16]}…)\n")
    assert main(["suppression-key"]) == 0
    assert capsys.readouterr().out == "the suppression list (1 entries) matches the key in use\n"
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        assert load_suppression(con, PUBLIC).hashes == {"email": frozenset({PUBLIC.hash("email", "annlee@gmail.com")})}
        assert con.sql("SELECT fingerprint FROM governance.suppression_key_fingerprint").fetchall() == [
            (fingerprint(PUBLIC),)]  # the fingerprint, not the key
        monkeypatch.delenv("CU_SUPPRESSION_KEY")  # adopting is not a way round a recorded key
    assert main(["suppression-key", "--adopt"]) == 2
    assert "was hashed with the public development key" in capsys.readouterr().err


def test_forget_records_the_fingerprint_with_the_first_entry(dev_install):
    con = dev_install
    key = IdentifierHasher(b"test-key")
    forget(con, ForgetRequest(email="ann.lee@gmail.com"), key, contracts=CONTRACTS, now=NOW)
    assert con.sql("SELECT fingerprint FROM governance.suppression_key_fingerprint").fetchall() == [
        (fingerprint(key),)]
    assert load_suppression(con, key).hashes  # and the same key reads it without a word
