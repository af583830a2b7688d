"""bench/families/retail_estate.py: the identity suite's multi-source retail estate.

Small (150 people): the estate is deterministic for a seed, its truth covers every record of every
source by the source's own record key, it holds hard negatives (households of people with
different first names at one address), and its sources.yaml passes `check-config`.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from customer_unification.cli import main

FAMILY = Path(__file__).resolve().parents[2] / "bench" / "families" / "retail_estate.py"


@pytest.fixture(scope="module")
def retail():
    spec = importlib.util.spec_from_file_location("bench_retail_estate", FAMILY)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def estate(retail, tmp_path_factory):
    out = tmp_path_factory.mktemp("retail_a")
    return out, retail.generate(out, people=150, seed=5)


def _files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*"))
            if p.is_file() and p.suffix != ".xlsx"}  # xlsx holds a creation timestamp


def _record_keys(directory: Path, retail) -> pd.DataFrame:
    """(source, source_record_id) of every record, read back from the files as staging would."""
    config = yaml.safe_load((directory / "sources.yaml").read_text())
    frames = []
    for source in config["sources"]:
        path, key = directory / source["location"], source["record_key"]
        if source["format"] == "csv":
            options = source.get("options", {})
            data = pd.read_csv(path, dtype=str, sep=options.get("delimiter", ","),
                               encoding=options.get("encoding", "utf-8"), keep_default_na=False)
        elif source["format"] == "jsonl":
            data = pd.DataFrame([json.loads(line) for line in path.read_text().splitlines()])
        else:
            data = pd.read_excel(path, dtype=str)
        frames.append(pd.DataFrame({"source": source["name"], "source_record_id": data[key].astype(str)}))
    return pd.concat(frames, ignore_index=True)


def test_deterministic_for_a_seed(retail, estate, tmp_path):
    out, stats = estate
    again = retail.generate(tmp_path / "b", people=150, seed=5)
    assert again == stats
    assert _files(tmp_path / "b") == _files(out)
    pd.testing.assert_frame_equal(pd.read_excel(tmp_path / "b/loyalty/cards.xlsx", dtype=str),
                                  pd.read_excel(out / "loyalty/cards.xlsx", dtype=str))
    other = retail.generate(tmp_path / "c", people=150, seed=6)
    assert _files(tmp_path / "c") != _files(out)
    assert other["people"] == 150


def test_truth_covers_every_record(retail, estate):
    out, stats = estate
    truth = pd.read_parquet(out / "_truth/record_person.parquet")
    assert list(truth.columns) == ["source", "source_record_id", "person_id"]
    keys = _record_keys(out, retail)
    assert len(keys) == len(truth) == stats["records"]
    assert not truth.duplicated(["source", "source_record_id"]).any()
    merged = keys.merge(truth, on=["source", "source_record_id"], how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert set(truth["source"]) == set(retail.SYSTEMS)
    assert truth["person_id"].nunique() == 150
    per_person = truth.groupby("person_id").size()
    assert (per_person == 1).any() and (per_person >= 5).any()  # single-record people and many-system ones
    assert 2.5 <= stats["records"] / 150 <= 6  # ~12k-20k records for 4,000 people


def test_hard_negatives(retail):
    estate = retail.Estate(150, seed=5)
    by_address = {}
    for p in estate.people:
        by_address.setdefault(id(p.address), []).append(p)
    households = [ps for ps in by_address.values() if len(ps) >= 2]
    assert households
    assert any(len({p.first for p in ps}) == len(ps) and len({p.last for p in ps}) < len(ps) for ps in households)
    for ps in households:  # members never share a first name
        assert len({p.first for p in ps}) == len(ps)
    # same-name strangers exist in a larger estate (Zipf-like names + forced common full names)
    big = retail.Estate(1500, seed=5)
    names = {}
    for p in big.people:
        names.setdefault((p.first, p.last), set()).add(id(p.address))
    assert any(len(addresses) >= 2 for addresses in names.values())


def test_sources_yaml_passes_check_config(estate, capsys):
    out, _ = estate
    assert main(["check-config", str(out / "sources.yaml")]) == 0
