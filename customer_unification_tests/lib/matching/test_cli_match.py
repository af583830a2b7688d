"""`customer-unification match` and `explain` on files, as a user runs them."""

import duckdb
import pandas as pd
import yaml

from customer_unification.cli import main
from customer_unification.lib.matching.config import load_match_config

from .conftest import people
from .test_engine import background


def write_inputs(tmp_path, rows):
    data = tmp_path / "people.parquet"
    people(*rows).to_parquet(data)
    config = load_match_config().model_dump()
    config["columns"] = {"first_name": "first_name", "last_name": "last_name", "date_of_birth": "date_of_birth",
                         "email": "email", "phone": "phone", "postcode": "postcode", "city": "city",
                         "address": "address_line1"}
    config["training"]["random_pairs"] = 20_000
    path = tmp_path / "match.yaml"
    path.write_text(yaml.safe_dump(config))
    return data, path


def test_match_writes_customers_keeps_ids_and_runs_incrementally(tmp_path, capsys):
    rows = [*background(), {"source_record_id": "k1", "first_name": "Kim", "email": "kim@x.test"},
            {"source_record_id": "k2", "source": "shop", "email": "kim@x.test"}]
    data, config = write_inputs(tmp_path, rows)
    out, state = tmp_path / "out.parquet", tmp_path / "state.duckdb"
    assert main(["match", str(data), "--config", str(config), "--output", str(out), "--state", str(state)]) == 0
    first = pd.read_parquet(out)
    assert list(first.columns) == ["source", "source_record_id", "customer_id", "match_confidence", "matched_by"]
    assert len(first) == len(rows)
    kim = first[first["source_record_id"].isin(["k1", "k2"])]
    assert kim["customer_id"].nunique() == 1
    assert "records ->" in capsys.readouterr().out

    # same input, incremental: nothing new, every id kept
    assert main(["match", str(data), "--config", str(config), "--output", str(out), "--state", str(state),
                 "--incremental"]) == 0
    second = pd.read_parquet(out)
    assert second.set_index("source_record_id")["customer_id"].equals(first.set_index("source_record_id")["customer_id"])

    assert main(["explain", "crm|k1", "shop|k2", "--state", str(state), "--config", str(config)]) == 0
    text = capsys.readouterr().out
    assert "verdict: same customer" in text and "rule email" in text and "k*" in text  # masked value
    # the field evidence against both kinds of non-match, with their totals (households.py)
    assert "against a household member, prior" in text and "    total " in text
    kim_id = kim["customer_id"].iloc[0]
    assert main(["explain", "--customer", kim_id, "--state", str(state), "--config", str(config)]) == 0
    assert "rule:email" in capsys.readouterr().out


def test_match_reports_bad_input_clearly(tmp_path, capsys):
    data, config = write_inputs(tmp_path, background(20))
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: [id]\nblocking: [[ln]]\ncomparisons: [{name: a, kind: nope}]\n")
    assert main(["match", str(data), "--config", str(bad), "--output", str(tmp_path / "o.parquet")]) == 2
    assert "comparisons.0.kind" in capsys.readouterr().err
    assert main(["match", str(tmp_path / "absent.parquet"), "--config", str(config),
                 "--output", str(tmp_path / "o.parquet")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "o.parquet").exists()
    assert main(["explain", "crm|nope", "crm|bg1", "--state", str(tmp_path / "none.duckdb")]) == 2
    assert "run identity resolution first" in capsys.readouterr().err
    # new records without a mapped column: said plainly, and the state is untouched
    state = tmp_path / "state.duckdb"
    assert main(["match", str(data), "--config", str(config), "--output", str(tmp_path / "o.parquet"),
                 "--state", str(state)]) == 0
    capsys.readouterr()
    people({"source_record_id": "n1", "first_name": "Ann"}).drop(columns=["last_name"]).to_parquet(tmp_path / "new.parquet")
    assert main(["match", str(tmp_path / "new.parquet"), "--config", str(config), "--output", str(tmp_path / "o2.parquet"),
                 "--state", str(state), "--incremental"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: role 'last_name' is mapped to column 'last_name', which the input does not have")
    assert not (tmp_path / "o2.parquet").exists()
    assert duckdb.connect(str(state)).sql("SELECT count(*) FROM match.identity_map").fetchall()[0][0] == len(pd.read_parquet(data))


def test_match_prints_the_blocking_report_on_request(tmp_path, capsys):
    data, config = write_inputs(tmp_path, background())
    out = tmp_path / "out.parquet"
    assert main(["match", str(data), "--config", str(config), "--output", str(out), "--blocking-report"]) == 0
    printed = capsys.readouterr().out
    assert "blocking report" in printed
    for column in ("new_pairs", "cumulative_pairs", "expected_matches", "known_match_recall"):
        assert column in printed
    assert "ln & dob" in printed and "all rules" in printed


def test_match_warns_about_override_records_that_are_not_in_the_input(tmp_path, capsys):
    """Issue 14 defect 9: the override was ignored without a word; now its (masked) keys are named."""
    rows = [*background(20), {"source_record_id": "k1", "first_name": "Kim", "email": "kim@x.test"}]
    data, config = write_inputs(tmp_path, rows)
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("left,right,decision\ncrm|k1,shop|K9-GHOST,must_link\n")
    out = tmp_path / "out.parquet"
    assert main(["match", str(data), "--config", str(config), "--output", str(out),
                 "--overrides", str(overrides)]) == 0
    err = capsys.readouterr().err
    assert (f"warning: 1 record(s) named in {overrides} are not in {data}; their overrides were not applied: "
            "****|K*-***ST\n") in err
    assert "K9-GHOST" not in err
    assert len(pd.read_parquet(out)) == len(rows)
