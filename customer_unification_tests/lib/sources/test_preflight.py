"""Issue 14 defect 9: what a run would trip over is found before it reads or writes anything."""

import sqlite3
import textwrap

import pytest

from customer_unification.lib.sources.contracts import load_contracts
from customer_unification.lib.sources.preflight import config_problems, source_problems

CONFIG = """
base_dir: data
sources:
  - name: crm
    format: csv
    location: crm_*.csv
    record_key: id
    fields: {crm_id: id}
  - name: shop
    format: sql
    url: {url}
    query: SELECT * FROM orders
    record_key: id
    fields: {crm_id: id}
"""


def load(tmp_path, url="sqlite:///{base_dir}/shop.db"):
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(CONFIG).replace("{url}", f"'{url}'"))
    (tmp_path / "data").mkdir(exist_ok=True)
    return load_contracts(path)


def test_a_glob_matching_nothing_is_reported_unless_the_landing_zone_holds_a_file(tmp_path):
    config = load(tmp_path)
    sqlite3.connect(tmp_path / "data" / "shop.db").close()
    data = (tmp_path / "data").resolve()
    assert config_problems(config) == [
        f"source 'crm': no file matches location '{data}/crm_*.csv' (and no file waits in its landing folder)"]
    landed = tmp_path / "landing" / "crm" / "pending" / "crm_1.csv"
    assert source_problems(config, config.get("crm"), [landed]) == []
    (tmp_path / "data" / "crm_1.csv").write_text("id\n1\n")
    assert config_problems(config) == []


@pytest.mark.parametrize(("url", "problem"), [
    ("postgresql://cu:s3cret@db:notaport/crm",
     "not a SQLAlchemy URL (postgresql://…); expected dialect[+driver]://user:password@host:port/database"),
    ("crm-db/contacts", "not a SQLAlchemy URL (without '://'); expected dialect[+driver]://user:password@host:port/database"),
    ("postgres9://cu:s3cret@db/crm", "unknown database dialect 'postgres9' in postgres9://cu:***@db/crm"),
    ("mysql+mysqldb://cu:s3cret@db/crm",
     "the driver for 'mysql+mysqldb' is not installed (MySQLdb) - mysql+mysqldb://cu:***@db/crm"),
    ("sqlite:///{base_dir}/missing.db", "SQLite database {data}/missing.db does not exist"),
])
def test_a_sql_url_that_cannot_work_is_reported_without_its_password(tmp_path, url, problem):
    config = load(tmp_path, url)
    data = (tmp_path / "data").resolve()
    assert source_problems(config, config.get("shop")) == [
        f"source 'shop', field 'url': {problem.replace('{data}', str(data))}"]
    assert "s3cret" not in " ".join(config_problems(config))
