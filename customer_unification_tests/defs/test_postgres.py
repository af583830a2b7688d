"""PostgreSQL as a real component: a source read through SQLAlchemy, and publishing golden profiles,
segment membership and audiences into it - against a real throwaway server (see ../postgres.py)."""

import shutil
import threading
import time
from decimal import Decimal

import dagster as dg
import duckdb
import pandas as pd
import psycopg
import pytest
import yaml

from customer_unification.lib.publish import PUBLISHED_TABLES, TableSpec, publish, row_counts
from customer_unification.lib.sources.contracts import DEFAULT_CONFIG
from customer_unification.pipeline import load_definitions, whole_run_tags
from customer_unification.settings import REPO_ROOT

from .test_staging_materialization import check_results

pytestmark = pytest.mark.slow

PUBLISH = dg.AssetKey(["activation", "postgres_publish"])


def copy_frame(url: str, table: str, frame: pd.DataFrame) -> None:
    """A text table in PostgreSQL holding `frame` (values as delivered; '' stays '')."""
    schema, name = table.split(".")
    columns = ", ".join(f'"{c}" text' for c in frame.columns)
    with psycopg.connect(url) as con, con.cursor() as cur:
        cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        cur.execute(f'CREATE TABLE "{schema}"."{name}" ({columns})')
        with cur.copy(f'COPY "{schema}"."{name}" FROM STDIN') as copy:
            for row in frame.itertuples(index=False):
                copy.write_row(row)


def run_selection(selection: dg.AssetSelection, instance: dg.DagsterInstance | None = None):
    definitions = load_definitions()
    job = dg.define_asset_job("pg_test", selection=selection)
    job = dg.Definitions.merge(definitions, dg.Definitions(jobs=[job])).resolve_job_def("pg_test")
    return job.execute_in_process(instance=instance or dg.DagsterInstance.ephemeral(), raise_on_error=False,
                                  tags=whole_run_tags(job))


def test_crm_contacts_read_from_postgres_through_sqlalchemy(small_estate, isolated_env, monkeypatch, tmp_path,
                                                            postgres_url):
    contacts = pd.read_csv(small_estate / "crm" / "contacts.csv", dtype=str, keep_default_na=False)
    copy_frame(postgres_url, "crm.contacts", contacts)
    config = yaml.safe_load(DEFAULT_CONFIG.read_text())
    config["base_dir"] = str(small_estate)
    crm = next(s for s in config["sources"] if s["name"] == "crm_contacts")
    for key in ("location", "options"):
        crm.pop(key, None)
    crm.update(format="sql", url="${CU_CRM_URL}", query="SELECT * FROM crm.contacts")
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    monkeypatch.setenv("CU_SOURCES_CONFIG", str(tmp_path / "sources.yaml"))
    monkeypatch.setenv("CU_CRM_URL", postgres_url)  # postgresql:// = psycopg 3 on SQLAlchemy 2.x

    result = run_selection(dg.AssetSelection.assets(["sources", "crm_contacts"], ["staging", "crm_contacts"],
                                                    ["quarantine", "crm_contacts"]))
    assert result.success
    checks = {k: ok for k, ok in check_results(result).items() if k[0] == "staging/crm_contacts"}
    assert checks and all(checks.values()), checks
    con = duckdb.connect(str(isolated_env), read_only=True)
    raw, staged, quarantined = (con.sql(f"SELECT count(*) FROM {layer}.crm_contacts").fetchall()[0][0]
                                for layer in ("sources", "staging", "quarantine"))
    con.close()
    truth = pd.read_parquet(small_estate / "_truth" / "record_person.parquet").query("source == 'crm_contacts'")
    assert raw == len(contacts) == len(truth)
    assert staged + quarantined == raw
    assert quarantined == (truth["defect"] != "").sum()  # the same rows as when read from the CSV file


def test_publish_types_and_nulls_round_trip(postgres_url):
    con = duckdb.connect()
    con.execute("""CREATE SCHEMA profiles; CREATE TABLE profiles.golden_profiles AS SELECT * FROM (VALUES
        ('c1', 'O''Brien, "Jr"', '', DATE '1980-02-29', TIMESTAMPTZ '2024-01-02 03:04:05.123456+00', 42::BIGINT,
         1.5::DOUBLE, 12.34::DECIMAL(10,2), true, ['crm', NULL, 'a"b\\c', 'x,y'], {'k': 1}, '\\xAA'::BLOB),
        ('c2', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        ('c3', 'line
break', 'x', NULL, NULL, NULL, NULL, NULL, false, [], NULL, NULL))
        t(customer_id, name, empty, dob, seen, n, score, amount, flag, sources, extra, raw)""")
    spec = TableSpec("profiles.golden_profiles", "golden_profiles", primary_key=("customer_id",))
    [published] = publish(con, postgres_url, [spec], schema="pub")
    assert published.rows == 3
    with psycopg.connect(postgres_url) as pg:
        types = dict(pg.execute("SELECT column_name, data_type FROM information_schema.columns "
                                "WHERE table_schema = 'pub' AND table_name = 'golden_profiles'").fetchall())
        rows = pg.execute("SELECT * FROM pub.golden_profiles ORDER BY customer_id").fetchall()
    assert types == {"customer_id": "text", "name": "text", "empty": "text", "dob": "date",
                     "seen": "timestamp with time zone", "n": "bigint", "score": "double precision",
                     "amount": "numeric", "flag": "boolean", "sources": "ARRAY", "extra": "jsonb", "raw": "bytea"}
    c1, c2, c3 = rows
    assert c1[1:3] == ('O\'Brien, "Jr"', "")  # '' is not NULL
    assert str(c1[3]) == "1980-02-29" and c1[4].isoformat() == "2024-01-02T03:04:05.123456+00:00"
    assert c1[5:9] == (42, 1.5, Decimal("12.34"), True)
    assert c1[9] == ["crm", None, 'a"b\\c', "x,y"] and c1[10] == {"k": 1} and bytes(c1[11]) == b"\xaa"
    assert c2[1:] == (None,) * 11
    assert c3[1] == "line\nbreak" and c3[9] == []


def test_publish_to_postgres_is_atomic_and_idempotent(small_estate, isolated_env, monkeypatch, tmp_path,
                                                      postgres_url):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    monkeypatch.setenv("CU_EXPORTS_DIR", str(tmp_path / "exports"))
    monkeypatch.setenv("CU_PUBLISH_URL", postgres_url)
    instance = dg.DagsterInstance.ephemeral()
    job = load_definitions().resolve_job_def("unify_all")
    result = job.execute_in_process(instance=instance, raise_on_error=False, tags=whole_run_tags(job))
    assert result.success
    [materialization] = [e for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"
                         and e.asset_key == PUBLISH]
    metadata = materialization.materialization.metadata
    assert metadata["target"].value == postgres_url  # no password in the fixture's URL; see masking below
    # the column schema, reported and declared before any run, is what PostgreSQL holds
    assert_schema_is_what_postgres_holds(metadata["dagster/column_schema"].schema, postgres_url)
    assert_schema_is_what_postgres_holds(job.asset_layer.asset_graph.get(PUBLISH).metadata["dagster/column_schema"],
                                         postgres_url)

    con = duckdb.connect(str(isolated_env), read_only=True)
    expected = {spec.name: con.sql(f"SELECT count(*) FROM {spec.source}").fetchall()[0][0] for spec in PUBLISHED_TABLES}
    golden = con.sql("SELECT customer_id, email FROM profiles.golden_profiles ORDER BY 1").fetchall()
    con.close()
    assert all(expected.values()), expected
    assert row_counts(postgres_url) == expected

    # a reader polling throughout the second publish always finds all three tables, always complete
    seen, errors, stop = [], [], threading.Event()

    def reader():
        with psycopg.connect(postgres_url, autocommit=True) as pg:
            while not stop.is_set():
                try:
                    seen.append(tuple(pg.execute(f"SELECT count(*) FROM customer_unification.{spec.name}").fetchone()[0]
                                      for spec in PUBLISHED_TABLES))
                except psycopg.Error as e:
                    errors.append(e)
                time.sleep(0.005)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        again = run_selection(dg.AssetSelection.assets(PUBLISH), instance)
    finally:
        time.sleep(0.05)
        stop.set()
        thread.join()
    assert again.success
    assert not errors, errors[:3]
    assert len(seen) > 5 and set(seen) == {tuple(expected[s.name] for s in PUBLISHED_TABLES)}
    assert row_counts(postgres_url) == expected
    with psycopg.connect(postgres_url) as pg:
        published = pg.execute("SELECT customer_id, email FROM customer_unification.golden_profiles ORDER BY 1")
        assert published.fetchall() == golden
        tables = {t for (t,) in pg.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'customer_unification'")}
        log = pg.execute("SELECT count(*), count(DISTINCT run_id) FROM customer_unification._publish_log").fetchone()
    assert tables == {"golden_profiles", "segment_membership", "audience_members", "_publish_log"}  # no staging left
    assert log == (6, 2)


def assert_schema_is_what_postgres_holds(schema: dg.TableSchema, url: str) -> None:
    """Each `<table>.<column>` of the asset's column schema, in the type PostgreSQL gave it."""
    with psycopg.connect(url) as pg:
        held = dict(pg.execute("SELECT c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod) "
                               "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n "
                               "ON n.oid = c.relnamespace WHERE n.nspname = 'customer_unification' AND a.attnum > 0 "
                               "AND NOT a.attisdropped AND c.relkind = 'r' AND c.relname <> '_publish_log'").fetchall())
        shown = {c.name: pg.execute("SELECT %s::regtype::text", [c.type]).fetchone()[0] for c in schema.columns}
    assert shown == held


def test_publish_is_skipped_without_a_url(isolated_env, monkeypatch):
    monkeypatch.delenv("CU_PUBLISH_URL", raising=False)
    from customer_unification.defs.publish.assets import postgres_publish
    from customer_unification.defs.publish.resources import PostgresTarget
    from customer_unification.resources.warehouse import DuckDBWarehouse

    result = dg.materialize([postgres_publish], resources={
        "warehouse": DuckDBWarehouse(path=str(isolated_env)), "publish_target": PostgresTarget()})
    assert result.success
    assert not result.get_asset_materialization_events()
    [observation] = result.get_asset_observation_events()
    assert "set CU_PUBLISH_URL" in observation.asset_observation_data.asset_observation.metadata["skipped"].value


def test_publish_url_password_is_masked():
    from customer_unification.defs.publish.resources import PostgresTarget

    target = PostgresTarget(url="postgresql://cu:s3cret@db.example.com:5432/crm")
    assert "s3cret" not in target.masked_url and "db.example.com" in target.masked_url


def test_production_instance_keeps_runs_in_postgres(postgres_server, tmp_path, monkeypatch):
    config = yaml.safe_load((REPO_ROOT / "dagster.prod.yaml").read_text())
    assert config["storage"]["postgres"]["postgres_url"] == {"env": "DAGSTER_PG_URL"}
    try:  # `make test` installs the prod extra: a missing one is a set-up error, never a silent skip
        import dagster_postgres  # noqa: F401
    except ImportError:
        pytest.fail("dagster-postgres is not installed: make test installs it (.[dev,prod]), "
                    "or run: .venv/bin/uv pip install -e '.[dev,prod]'")
    shutil.copy(REPO_ROOT / "dagster.prod.yaml", tmp_path / "dagster.yaml")
    url = postgres_server.create_database("dagster_instance")
    monkeypatch.setenv("DAGSTER_PG_URL", url.replace("postgresql://", "postgresql+psycopg2://", 1))

    @dg.asset
    def one() -> int:
        return 1

    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert {type(s).__name__ for s in (instance.run_storage, instance.event_log_storage,
                                           instance.schedule_storage)} == {
            "PostgresRunStorage", "PostgresEventLogStorage", "PostgresScheduleStorage"}
        assert dg.materialize([one], instance=instance).success
    with psycopg.connect(url) as pg:
        assert pg.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
