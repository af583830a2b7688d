import textwrap

from customer_unification.cli import main


def test_check_config_accepts_the_demo_and_names_errors(tmp_path, capsys):
    assert main(["check-config"]) == 0
    assert "sources OK" in capsys.readouterr().out

    bad = tmp_path / "s.yaml"
    bad.write_text(textwrap.dedent("""
        sources:
          - name: crm
            format: csv
            location: x.csv
            record_key: id
            fields: {emial: e}
    """))
    assert main(["check-config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "source 'crm', field 'fields'" in err and "emial" in err


def test_demo_data_then_summary(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CU_WAREHOUSE_PATH", str(tmp_path / "w.duckdb"))
    assert main(["demo-data", "--people", "200", "--out", str(tmp_path / "estate")]) == 0
    out = capsys.readouterr().out
    assert "Demo estate: 200 people" in out and "crm_contacts" in out
    assert (tmp_path / "estate" / "_truth" / "record_person.parquet").exists()
    assert main(["summary"]) == 0
    assert "The warehouse is empty" in capsys.readouterr().out


def test_ingest_with_only_a_rejected_file_runs_nothing_and_says_why(small_estate, isolated_env, monkeypatch, capsys):
    monkeypatch.setenv("CU_DEMO_DATA_DIR", str(small_estate))
    landing = isolated_env.parent / "landing"
    (landing / "sms_clicks").mkdir(parents=True)
    (landing / "sms_clicks" / "broken.csv").write_text("who,what\nx,y\n")
    assert main(["ingest"]) == 0
    assert "Nothing ingested: no new file to load (1 rejected" in capsys.readouterr().out
    assert "column 'phone'" in (landing / "sms_clicks" / "rejected" / "broken.csv.reason.txt").read_text()
    assert not isolated_env.exists(), "no run, so nothing was written to the warehouse"
