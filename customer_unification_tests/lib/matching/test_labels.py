"""A steward's labels: the file, binding, learning beyond the labelled pairs, the questions
asked, and `customer-unification label` / `match --labels` as a user runs them."""

import io

import pandas as pd
import pytest

from customer_unification.cli import main
from customer_unification.lib.matching.engine import comparison_specs, match_records
from customer_unification.lib.matching.labels import append_labels, informative_pairs, read_labels

from .conftest import people
from .test_cli_match import write_inputs
from .test_engine import background, cluster_of


def run(con, frame, config, **kw):
    con.register("src", frame)
    return match_records(con, "src", config, **kw)


def labels(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["left", "right", "label"])


def test_a_bad_label_is_an_error_naming_its_line(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("left,right,label\ncrm|a,crm|b,match\ncrm|a,crm|c,maybe\n")
    with pytest.raises(ValueError, match=r"labels.csv: line 3: label must be one of .*got 'maybe'"):
        read_labels(path)
    path.write_text("left,right,decision\ncrm|a,crm|b,match\n")
    with pytest.raises(ValueError, match=r"missing \['label'\]"):
        read_labels(path)


def test_labels_round_trip_and_the_last_answer_about_a_pair_wins(tmp_path):
    path = tmp_path / "sub" / "labels.csv"
    append_labels(path, labels(("crm|b", "crm|a", "match"), ("crm|a", "crm|c", "unsure")))
    append_labels(path, labels(("crm|a", "crm|b", "non_match")))
    read = read_labels(path)
    assert path.read_text().count("left,right,label") == 1  # one header
    assert read[["left", "right", "label"]].values.tolist() == [["crm|a", "crm|c", "unsure"],
                                                                ["crm|a", "crm|b", "non_match"]]


def test_a_labelled_match_links_and_a_labelled_non_match_separates(con, config):
    frame = people(*background(),
                   {"source_record_id": "p1", "first_name": "Orla", "last_name": "Brisk", "city": "austin"},
                   {"source_record_id": "p2", "source": "shop", "first_name": "Wren", "last_name": "Tally"},
                   {"source_record_id": "s1", "first_name": "Ivo", "last_name": "Quay", "email": "quay@x.test"},
                   {"source_record_id": "s2", "source": "shop", "first_name": "Ivo", "email": "quay@x.test"})
    before = run(con, frame, config)
    assert cluster_of(before, "crm|p1") != cluster_of(before, "shop|p2")
    assert cluster_of(before, "crm|s1") == cluster_of(before, "shop|s2")
    after = run(con, frame, config, labels=labels(("crm|p1", "shop|p2", "match"), ("crm|s1", "shop|s2", "non_match"),
                                                  ("crm|bg3", "crm|bg3d", "unsure")))
    assert cluster_of(after, "crm|p1") == cluster_of(after, "shop|p2")
    assert cluster_of(after, "crm|s1") != cluster_of(after, "shop|s2")
    assert after.stats["labels"]["unsure"] == 1


def _twins(n: int) -> list[dict]:
    """Twins: same surname, birth date, address and phone, different first names. Everything but
    the first name agrees, so the unsupervised model merges them; only labels can say otherwise."""
    rows = []
    for i in range(n):
        base = {"last_name": f"Vexley{chr(97 + i % 26)}{chr(97 + i // 26)}",
                "date_of_birth": f"1961-{1 + i % 12:02d}-{1 + i % 28:02d}", "address_line1": f"{100 + i} cedar rd",
                "postcode": f"{20000 + i}", "city": "boston"}
        rows.append({**base, "source_record_id": f"n{i}a", "first_name": ["Quintus", "Albertine", "Rowena"][i % 3]})
        rows.append({**base, "source_record_id": f"n{i}b", "source": "shop",
                     "first_name": ["Thaddeus", "Marisol", "Everild"][i % 3]})
    return rows


def test_labels_teach_the_model_beyond_the_pairs_they_label(con, config):
    frame = people(*background(), *_twins(40))
    before = run(con, frame, config)
    merged = sum(cluster_of(before, f"crm|n{i}a") == cluster_of(before, f"shop|n{i}b") for i in range(40))
    assert merged >= 30  # the premise: unsupervised, the twins are one person
    taught = labels(*[(f"crm|n{i}a", f"shop|n{i}b", "non_match") for i in range(25)],
                    *[(f"crm|bg{i}", f"crm|bg{i}d", "match") for i in range(0, 90, 3)])
    after = run(con, frame, config, labels=taught)
    unlabelled = range(25, 40)
    apart = sum(cluster_of(after, f"crm|n{i}a") != cluster_of(after, f"shop|n{i}b") for i in unlabelled)
    assert apart >= 12, f"only {apart} of 15 unlabelled twins kept apart"
    kept = sum(cluster_of(after, f"crm|bg{i}") == cluster_of(after, f"crm|bg{i}d") for i in range(90, 300, 3))
    assert kept >= 0.9 * len(range(90, 300, 3))  # unlabelled duplicates still found
    learnt = after.stats["labels"]
    assert learnt["matches"] == 30 and learnt["non_matches"] == 25
    assert learnt["cv_recall"] >= 0.8 and learnt["cv_precision"] >= 0.9
    first_name = comparison_specs(config)[0]
    assert first_name.name == "first_name"
    # the correction lands on the level the labels contradict: first names that disagree
    assert after.model.weights()[0][0] < before.model.weights()[0][0] - 2
    assert any(k.startswith("first_name: ") for k in learnt["corrections"])


def _namesakes(n: int) -> list[dict]:
    """Record pairs that share a name and little else: the pairs a model is least sure of."""
    rows = []
    for i in range(n):
        name = {"first_name": ["Pella", "Oswin", "Tamsin", "Ludo"][i % 4], "last_name": f"Kettle{chr(97 + i)}"}
        extra = [{"city": "austin"}, {"date_of_birth": f"19{60 + i}-01-01"}, {}, {"postcode": "10037"}][i % 4]
        rows.append({**name, **extra, "source_record_id": f"m{i}a"})
        rows.append({**name, "source_record_id": f"m{i}b", "source": "shop"})
    return rows


def test_questions_sit_at_the_threshold_and_are_never_asked_twice(con, config):
    run(con, people(*background(), *_namesakes(24)), config)
    specs, threshold = comparison_specs(config), config.clustering.threshold
    in_doubt = con.sql("SELECT count(*) FROM cu_scores WHERE abs(match_weight - 4.25) <= 12").fetchall()[0][0]
    assert in_doubt >= 8  # log2(0.95 / 0.05) = 4.25 bits: the threshold
    asked = informative_pairs(con, specs, threshold, 6, explore_share=0)
    assert len(asked) == 6 and set(asked["why"]) == {"closest"}
    assert (asked["match_weight"] - 4.25).abs().max() <= 12
    answered = labels(*[(row.left, row.right, "match") for row in asked.head(4).itertuples()])
    again = informative_pairs(con, specs, threshold, 100, labelled=answered)
    assert len(again) == in_doubt - 4  # everything in doubt but what was answered
    assert not set(zip(again["left"], again["right"])) & set(zip(answered["left"], answered["right"]))
    explored = informative_pairs(con, specs, threshold, 6, explore_share=0.5)
    assert (explored["why"] == "explore").sum() == 3


def test_label_command_asks_masked_and_saves_each_answer(tmp_path, capsys, monkeypatch):
    rows = [*background(), *_namesakes(24)]
    data, config = write_inputs(tmp_path, rows)
    path = tmp_path / "labels.csv"
    monkeypatch.setattr("sys.stdin", io.StringIO("y\nmaybe\nn\nu\nq\n"))
    assert main(["label", "--input", str(data), "--config", str(config), "--labels", str(path), "--pairs", "5"]) == 0
    out = capsys.readouterr().out
    saved = read_labels(path)
    assert saved["label"].tolist() == ["match", "non_match", "unsure"]  # "maybe" asked again; q stops
    assert "3 answers saved" in out and "1 match, 1 non-match, 1 unsure" in out
    for name in ("Pella", "Oswin", "Tamsin", "Ludo", "Kettle"):  # masked unless --show
        assert name not in out
    assert "[1/5] match probability" in out


def test_match_with_labels_reports_what_they_taught(tmp_path, capsys):
    rows = [*background(), *_twins(20)]
    data, config = write_inputs(tmp_path, rows)
    path = tmp_path / "labels.csv"
    append_labels(path, labels(*[(f"crm|n{i}a", f"shop|n{i}b", "match") for i in range(12)],
                               *[(f"crm|bg{i}", f"crm|bg{i + 1}", "non_match") for i in range(0, 24, 2)]))
    out = tmp_path / "out.parquet"
    assert main(["match", str(data), "--config", str(config), "--output", str(out), "--labels", str(path)]) == 0
    ids = pd.read_parquet(out).set_index("source_record_id")["customer_id"]
    assert all(ids[f"n{i}a"] == ids[f"n{i}b"] for i in range(12))  # labelled matches bind
    assert "learning from labels" in capsys.readouterr().err
