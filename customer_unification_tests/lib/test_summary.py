import duckdb

from customer_unification.lib.summary import summarize


def test_summary_counts_layers_and_quarantine_rules(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    for schema in ("sources", "staging", "quarantine"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute("CREATE TABLE sources.crm AS SELECT range AS id FROM range(5)")
    con.execute("CREATE TABLE staging.crm AS SELECT range AS id FROM range(3)")
    con.execute("CREATE TABLE quarantine.crm AS SELECT 'crm' AS source, r AS rule "
                "FROM (VALUES ('invalid_date'), ('invalid_date')) t(r)")
    con.execute("CREATE TABLE main.ignored AS SELECT 1 AS x")
    con.close()

    summary = summarize(path)
    assert summary.tables.values.tolist() == [["sources", "crm", 5], ["staging", "crm", 3], ["quarantine", "crm", 2]]
    assert summary.rejects.values.tolist() == [["crm", "invalid_date", 2]]
    text = summary.render()
    assert "crm                              5         3            2" in text
    assert "invalid_date" in text


def test_summary_of_a_missing_warehouse(tmp_path):
    assert "empty" in summarize(tmp_path / "none.duckdb").render()
