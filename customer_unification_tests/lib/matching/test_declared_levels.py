"""Comparisons declared in the match YAML: each measure of the small comparison library scores
the level it should, bad declarations are clear errors, and a declared comparison changes who
is matched."""

import duckdb
import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from customer_unification.lib.matching import features, scoring
from customer_unification.lib.matching.comparisons import build_spec
from customer_unification.lib.matching.config import Comparison, MatchConfig, load_match_config
from customer_unification.lib.matching.engine import match_records

from .conftest import people
from .test_engine import background, cluster_of


def declared(levels: list[dict], **kw) -> Comparison:
    return Comparison.model_validate({"name": "v", "levels": levels, **kw})


def gammas(comparison: Comparison, pairs: list[tuple], column_type: str = "VARCHAR") -> list[int]:
    """The level each (left value, right value) pair reaches, through the engine's own features."""
    config = MatchConfig.model_validate({"key": ["id"], "blocking": [["fn"]], "comparisons": [comparison.model_dump()]})
    con = duckdb.connect()
    values = [v for pair in pairs for v in pair]
    con.execute(f"CREATE TABLE src (id VARCHAR, v {column_type})")
    con.executemany("INSERT INTO src VALUES (?, ?)", [(f"{i:04d}", v) for i, v in enumerate(values)])
    cols = features.build_features(con, config, "src")
    con.execute("UPDATE cu_features SET sig = rid")  # every record its own node, even equal ones
    features.build_nodes(con, cols, features.phonetic_features(config))
    con.execute("CREATE TABLE cand AS SELECT 2 * i AS l, 2 * i + 1 AS r FROM range(?) t(i)", [len(pairs)])
    spec = build_spec(config.comparisons[0])
    con.execute("CREATE OR REPLACE TEMP TABLE cu_tf_norm (feature VARCHAR, sum_sq DOUBLE)")
    scoring.build_gammas(con, [spec], candidates="cand")
    return [g for (g,) in con.sql("SELECT g_v FROM cu_gammas ORDER BY l").fetchall()]


def test_text_measures_score_best_first():
    comparison = declared([{"exact": True}, {"damerau_levenshtein": 1}, {"levenshtein": 2},
                           {"jaro_winkler": 0.8}, {"sounds_alike": True}])
    pairs = [("Gold", " gold"), ("gold", "glod"), ("gold", "goldie"), ("platinum", "platinun"),
             ("silver", "bronze"), ("Stephen", "Steven"), ("gold", None)]
    # top = 5: exact 5, one edit or swap 4, two edits 3, JW 2, Metaphone 1, else 0; missing -1
    assert gammas(comparison, pairs) == [5, 4, 3, 4, 0, 3, -1]
    assert gammas(declared([{"exact": True}, {"sounds_alike": True}]), [("Catherine", "Kathryn")]) == [1]


def test_dates_numbers_lists_and_custom_sql():
    within = declared([{"exact": True}, {"within_days": 31}, {"within_days": 366}])
    assert gammas(within, [("2020-01-05", "2020-01-05"), ("2020-01-05", "2020-02-01"),
                           ("2020-01-05", "2020-12-31"), ("2020-01-05", "2024-01-05"),
                           ("2020-01-05", "not a date")], "VARCHAR") == [3, 2, 1, 0, -1]
    number = declared([{"within": 0.5}, {"within": 10}])
    assert gammas(number, [("10.2", "10.5"), ("10", "19"), ("10", "25")]) == [2, 1, 0]
    shares = declared([{"shares": 2}, {"shares": 1}])
    assert gammas(shares, [("red, Blue;green", "blue|green"), ("red", "RED, yellow"), ("red", "blue")]) == [2, 1, 0]
    assert gammas(shares, [(["a", "b"], ["b", "a", "c"]), (["a"], ["c"])], "VARCHAR[]") == [2, 0]
    custom = declared([{"sql": "left({l}, 3) = left({r}, 3)", "label": "same prefix"}])
    assert gammas(custom, [("abc123", "abc999"), ("abc", "xyz")]) == [1, 0]
    assert build_spec(custom).label(1) == "same prefix"
    assert build_spec(within).label(2) == "within 31 days"


@pytest.mark.parametrize("bad, message", [
    ({"name": "v"}, "give a preset `kind` or declare `levels`"),
    ({"name": "v", "kind": "email", "levels": [{"exact": True}]}, "`levels` replace a preset"),
    ({"name": "v", "levels": [{"exact": True, "jaro_winkler": 0.9}]}, "exactly one of"),
    ({"name": "v", "levels": [{}]}, "got none"),
    ({"name": "v", "levels": [{"sql": "{l} = 1"}]}, "name both in the condition"),
    ({"name": "v", "levels": [{"within_days": 3}, {"levenshtein": 1}]}, "need the value as ['date', 'text']"),
    ({"name": "v", "levels": [{"jaro_winkler": 1.5}]}, "less than or equal to 1"),
])
def test_a_bad_declaration_is_a_clear_error(bad, message):
    with pytest.raises(ValidationError) as error:
        Comparison.model_validate(bad)
    assert message in str(error.value)


def test_a_declared_comparison_in_the_yaml_changes_who_is_matched(tmp_path, config):
    """A member number typed with one slip: without a comparison on it, the two records share
    only an initial and a common surname; declared with a one-edit level, the number links them."""
    rows = [*background(),
            {"source_record_id": "a", "first_name": "Kit", "last_name": "Abbot"},
            {"source_record_id": "b", "source": "shop", "first_name": "K", "last_name": "Abbot"}]
    frame = people(*rows)
    frame["member_no"] = None
    frame.loc[frame["source_record_id"] == "a", "member_no"] = "M-77310042"
    frame.loc[frame["source_record_id"] == "b", "member_no"] = "M-77310024"
    person = frame["source_record_id"].str.extract(r"^bg(\d+)", expand=False).dropna().astype(int)
    numbers = [f"M-{10000000 + i * 7919}" for i in person]  # one per person ...
    slips = [n[:-2] + n[-1] + n[-2] if key.endswith("d") and i % 2 else n  # ... typed with a slip on
             for n, i, key in zip(numbers, person, frame.loc[person.index, "source_record_id"])]  # some copies
    frame.loc[person.index, "member_no"] = slips
    con = duckdb.connect()
    con.register("src", frame)

    def yaml_config(name: str, extra: list[dict]) -> MatchConfig:
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump({
            "extends": "default", "key": ["source", "source_record_id"], "columns": config.columns,
            "comparisons": [*[c.model_dump(exclude_defaults=True) | {"kind": c.kind} for c in config.comparisons],
                            *extra],
            # surnames block too, so both runs score the pair: only the comparison differs
            "blocking": [*[b.model_dump(exclude_defaults=True) for b in config.blocking], ["ln"]],
            "training": {"random_pairs": 20_000}}))
        return load_match_config(path)

    def pair_weight() -> float:
        return con.sql("""SELECT s.match_weight FROM cu_scores s JOIN cu_records a ON a.nid = s.l
                          JOIN cu_records b ON b.nid = s.r WHERE a.record_key = 'crm|a' AND b.record_key = 'shop|b'
                       """).fetchall()[0][0]

    match_records(con, "src", yaml_config("plain", []))
    before = pair_weight()
    with_member = yaml_config("member", [{"name": "member_no", "levels": [{"exact": True}, {"damerau_levenshtein": 1}]}])
    assert with_member.comparisons[-1].levels[1].damerau_levenshtein == 1
    result = match_records(con, "src", with_member)
    member = dict(zip(result.model.names, result.model.weights()))["member_no"]
    # learnt from the background's copies: one slip is strong evidence, another number strong against
    assert member[1] > 6 and member[2] > 6 and member[0] < -6
    assert before < -6  # the pair alone (an initial and a common surname): p < 0.02
    assert pair_weight() > before + 8  # the slip-typed number, now compared, lifts it
