"""Issue 14 defect 6: the suppression list's HMAC key defaulted to a public string, with no warning."""

import stat

import dagster as dg
import pytest

from customer_unification.lib.governance import IdentifierHasher, SuppressionKeyError, suppression_key
from customer_unification.lib.governance.identifiers import LOCAL_KEY
from customer_unification.resources.duckdb_io import DuckDBFrameIOManager

REFUSED = ("CU_ENV=production and CU_SUPPRESSION_KEY {}. Set CU_SUPPRESSION_KEY to a long random secret (e.g. "
           "`python -c 'import secrets; print(secrets.token_hex(32))'`) and keep it for as long as the "
           "suppression list is used.")


def test_a_development_install_generates_its_own_key_once_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("CU_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    for var in ("CU_SUPPRESSION_KEY", "CU_SUPPRESSION_KEY_FILE", "CU_ENV"):
        monkeypatch.delenv(var, raising=False)
    key = suppression_key()
    path = tmp_path / ".suppression_key"
    assert key != LOCAL_KEY.encode() and len(key) == 64 and path.read_text() == key.decode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert suppression_key() == key  # the same key on every call, so the list keeps matching
    assert IdentifierHasher(key).hash("email", "a@b.c") != IdentifierHasher(LOCAL_KEY.encode()).hash("email", "a@b.c")
    assert [p.name for p in tmp_path.iterdir()] == [".suppression_key"]  # no temp file left behind


@pytest.mark.parametrize(("key", "said"), [
    (None, "is not set"), (LOCAL_KEY, "is the public development key: anyone can recompute its hashes")])
def test_production_refuses_a_missing_or_public_key_before_the_run_writes(tmp_path, monkeypatch, key, said):
    monkeypatch.setenv("CU_ENV", "production")
    monkeypatch.setenv("CU_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    if key is None:
        monkeypatch.delenv("CU_SUPPRESSION_KEY", raising=False)
    else:
        monkeypatch.setenv("CU_SUPPRESSION_KEY", key)
    with pytest.raises(SuppressionKeyError) as error:
        suppression_key()
    assert str(error.value) == REFUSED.format(said)

    @dg.asset
    def table():
        return __import__("pandas").DataFrame({"a": [1]})

    result = dg.materialize([table], resources={"io_manager": DuckDBFrameIOManager(path=str(tmp_path / "warehouse.duckdb"))},
                            raise_on_error=False)
    assert not result.success and REFUSED.format(said) in str(result.all_events)
    assert not (tmp_path / "warehouse.duckdb").exists() and not (tmp_path / ".suppression_key").exists()
    monkeypatch.setenv("CU_SUPPRESSION_KEY", "s3cret-" * 8)
    assert suppression_key() == ("s3cret-" * 8).encode()
