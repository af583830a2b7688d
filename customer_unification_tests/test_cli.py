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
