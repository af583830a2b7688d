"""bench/families/noisy_people.py: the independent noisy-person benchmark generator."""
import importlib.util
import itertools
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]

from bench.families import noisy_people as npl

PEOPLE = 3000


@pytest.fixture(scope="module")
def truth():
    return npl.generate_with_truth(PEOPLE, seed=11)


@pytest.fixture(scope="module")
def stats(truth):
    return npl.noise_stats(truth)


def _lower(x) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else str(x).strip().lower()


# ----------------------------------------------------------------------------- shape and API
def test_same_seed_same_records_other_seed_other_records():
    a, b = npl.generate(300, seed=5), npl.generate(300, seed=5)
    pd.testing.assert_frame_equal(a, b)
    c = npl.generate(300, seed=6)
    assert not a.drop(columns="record_id").equals(c.drop(columns="record_id"))


def test_columns_and_types(truth):
    rec = truth.records
    assert list(rec.columns) == npl.COLUMNS == [
        "record_id", "first_name", "last_name", "date_of_birth", "email", "phone", "address_line1",
        "city", "postcode", "country", "true_person"]
    assert rec["true_person"].dtype == np.int64
    for col in npl.COLUMNS[:-1]:
        assert all(v is None or isinstance(v, str) for v in rec[col]), col
    assert set(rec["country"]) == {"GB", "US"}
    assert rec["first_name"].notna().all()
    for v in rec["date_of_birth"].dropna():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)
        pd.Timestamp(v)   # a real date


def test_record_ids_unique_and_say_nothing_about_the_person(truth):
    rec = truth.records
    assert rec["record_id"].is_unique
    assert rec["record_id"].str.fullmatch(r"R\d{7}").all()
    assert list(rec["record_id"]) == sorted(rec["record_id"])
    # rows are in id order; the person is unrelated to that order
    rho = np.corrcoef(np.arange(len(rec)), rec["true_person"].rank())[0, 1]
    assert abs(rho) < 0.05
    spread = rec.reset_index().groupby("true_person")["index"].agg(lambda i: i.max() - i.min())
    assert (spread[rec.groupby("true_person").size() > 1] > 10).mean() > 0.9


def test_every_person_has_one_to_six_records(truth):
    counts = truth.records.groupby("true_person").size()
    assert sorted(counts.index) == list(range(PEOPLE))
    assert counts.between(1, 6).all()
    assert 2.35 < counts.mean() < 2.75
    share = counts.value_counts(normalize=True)
    assert share[1] + share[2] > 0.5 > share[4] + share[5] + share[6] > 0.15


def test_country_split(stats):
    assert 0.56 < stats["gb_people"] < 0.64


def test_module_loads_by_file_path_like_the_identity_suite():
    spec = importlib.util.spec_from_file_location("loaded_by_path", ROOT / "bench/families/noisy_people.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)   # not registered in sys.modules, as bench/identity_suite.py does
    pd.testing.assert_frame_equal(module.generate(people=60, seed=2), npl.generate(people=60, seed=2))


def test_cli_writes_parquet_and_csv(tmp_path):
    expected = npl.generate(200, seed=3)
    script = ["--people", "200", "--seed", "3", "--out"]
    # the script as run from a shell (once: a fresh interpreter is slow), then in process
    subprocess.run([sys.executable, str(ROOT / "bench/families/noisy_people.py"), *script,
                    str(tmp_path / "r.parquet")], check=True, capture_output=True)
    assert npl.main([*script, str(tmp_path / "r.csv")]) == 0
    for name in ("r.parquet", "r.csv"):
        out = tmp_path / name
        got = pd.read_parquet(out) if name.endswith("parquet") else pd.read_csv(out, dtype=str)
        got["true_person"] = got["true_person"].astype("int64")
        pd.testing.assert_frame_equal(got.fillna(""), expected.fillna(""), check_dtype=False)


# ----------------------------------------------------------------------------- hard negatives
def test_households_share_address_and_surname_mostly(truth, stats):
    ppl = truth.people
    assert 0.12 < stats["structure"]["in_households"] < 0.18
    multi = ppl[ppl.groupby("household")["true_person"].transform("size") > 1]
    assert (multi.groupby("household")["address_line1"].nunique() == 1).all()
    assert (multi.groupby("household")["landline"].nunique() == 1).all()
    same_surname = multi.groupby("household")["last_name"].agg(lambda s: s.value_counts().iloc[0] / len(s))
    assert same_surname.mean() > 0.7
    # different people: never the same first name and date of birth
    assert not multi.duplicated(["household", "first_name", "date_of_birth"]).any()
    # family mailboxes appear in records of several members
    rec = truth.records.join(ppl.set_index("true_person")[["household", "family_email"]], on="true_person")
    shared = rec[rec["email"].notna() & (rec["email"] == rec["family_email"])]
    assert (shared.groupby("email")["true_person"].nunique() > 1).sum() >= 5


def test_twins_share_surname_birth_date_and_address(truth):
    twins = truth.people[truth.people["twin"]]
    assert 0.007 * PEOPLE <= len(twins) <= 0.013 * PEOPLE
    for _, pair in twins.groupby("household"):
        assert len(pair) == 2
        assert pair["last_name"].nunique() == pair["date_of_birth"].nunique() == 1
        assert pair["address_line1"].nunique() == 1
        assert pair["first_name"].nunique() == 2


def test_juniors_share_name_and_address_born_25_to_35_years_apart(truth):
    ppl = truth.people
    juniors = ppl[ppl["junior"]]
    assert len(juniors) >= 0.004 * PEOPLE
    for _, child in juniors.iterrows():
        home = ppl[(ppl["household"] == child["household"]) & (ppl["role"] == "parent")]
        assert len(home) == 1
        parent = home.iloc[0]
        assert (parent["first_name"], parent["last_name"], parent["address_line1"]) == \
               (child["first_name"], child["last_name"], child["address_line1"])
        gap = (pd.Timestamp(child["date_of_birth"]) - pd.Timestamp(parent["date_of_birth"])).days / 365.25
        assert 24.9 < gap < 36.1


def test_namesakes_differ_in_everything_but_the_name(truth):
    ppl = truth.people
    groups = ppl.groupby(["first_name", "last_name"]).filter(lambda g: len(g) > 1)
    assert groups.groupby(["first_name", "last_name"]).ngroups >= 0.03 * PEOPLE
    assert ppl["namesake"].sum() >= 0.02 * PEOPLE
    injected = ppl[ppl["namesake"]]
    for _, p in injected.head(50).iterrows():
        others = ppl[(ppl["first_name"] == p["first_name"]) & (ppl["last_name"] == p["last_name"])
                     & (ppl["true_person"] != p["true_person"])]
        assert len(others) >= 1
        assert (others["household"] != p["household"]).all()
        assert (others["address_line1"] != p["address_line1"]).all()


def test_no_two_people_identical_unless_designed(truth):
    ppl = truth.people
    assert ppl["mobile"].is_unique
    personal = ppl["emails"].str.split("|").explode()
    assert personal.is_unique   # mailboxes are per person (family ones are separate)
    assert not ppl.duplicated(["first_name", "last_name", "date_of_birth", "address_line1"]).any()
    # identical records of different people only inside one household (twins, juniors, family mailbox)
    rec = truth.records
    fields = npl.COLUMNS[1:-1]
    key = rec[fields].fillna("\0").agg("\x1f".join, axis=1)
    clashes = rec.assign(key=key).groupby("key")["true_person"].agg(set)
    household = ppl.set_index("true_person")["household"]
    for persons in clashes[clashes.map(len) > 1]:
        assert household.loc[list(persons)].nunique() == 1


# ----------------------------------------------------------------------------- noise rates
def test_presence_rates_roughly_as_configured(stats):
    present = stats["present"]
    assert abs(present["date_of_birth"] - (1 - npl.DOB_NOISE["missing"])) < 0.02
    assert abs(present["last_name"] - (1 - npl.SURNAME_MISSING)) < 0.015
    # every record keeps one contact point, which adds a little email on top of the rate
    assert npl.EMAIL_PRESENT - 0.03 < present["email"] < npl.EMAIL_PRESENT + 0.05
    assert abs(present["phone"] - npl.PHONE_PRESENT) < 0.04
    assert abs(present["address_line1"] - npl.ADDRESS_PRESENT) < 0.04


def test_date_of_birth_noise_roughly_as_configured(stats):
    dob = stats["date_of_birth"]
    for kind in ("day", "month", "year"):
        assert abs(dob[kind] - npl.DOB_NOISE[kind]) < 0.012, kind
    # swaps only where both parts are <= 12 (about 37% of dates)
    assert 0.15 * npl.DOB_NOISE["swap"] < dob["swap"] < 0.6 * npl.DOB_NOISE["swap"]
    assert dob.get("other", 0) < 0.003
    assert 0.75 < dob["exact"] < 0.82


def test_name_noise_roughly_as_configured(truth, stats):
    n = len(truth.records)
    ev = truth.events
    assert 0.12 < ev["first_nickname"] / n < 0.18          # ~15% of records use a nickname
    assert stats["first_name"]["nickname"] > 0.09           # and most survive the other noise
    assert abs(ev["name_swap"] / n - npl.NAME_SWAP) < 0.01
    assert abs(stats["first_name"]["swapped_with_last"] - npl.NAME_SWAP) < 0.012
    assert abs(ev["first_initial"] / n - npl.FIRST_INITIAL_ONLY) < 0.01
    assert abs(ev["first_title"] / n - npl.TITLE_PREFIX) < 0.008
    typo_rate = 1 - npl.NAME_TYPOS[0]
    assert abs(ev["first_typo"] / n - typo_rate * (1 - npl.FIRST_INITIAL_ONLY)) < 0.015
    assert abs(ev["last_typo"] / n - typo_rate * (1 - npl.SURNAME_MISSING)) < 0.015
    assert stats["structure"]["name_changed"] > 0 and ev["last_former"] > 0
    assert 0.04 < sum(ev[f"case_{m}"] for m in ("upper", "lower", "title")) / n < 0.15


def test_contact_noise_roughly_as_configured(truth, stats):
    rec, ev = truth.records, truth.events
    emails, phones = rec["email"].notna().sum(), rec["phone"].notna().sum()
    assert abs(ev["email_typo"] / emails - npl.EMAIL_TYPO) < 0.01
    assert abs(ev["phone_typo"] / phones - npl.PHONE_TYPO) < 0.01
    assert abs(stats["structure"]["moved"] - npl.MOVED_SHARE) < 0.035
    # phones come in mixed formats
    ph = rec["phone"].dropna()
    assert ph.str.startswith("+44").mean() > 0.05 and ph.str.startswith("(").mean() > 0.05
    assert ph.str.fullmatch(r"\d+").mean() > 0.05 and ph.str.contains(r"\.").mean() > 0.01
    gb = rec[(rec["country"] == "GB") & rec["postcode"].notna()]["postcode"]
    assert gb.str.fullmatch(r"(?i)[A-Z]{1,2}\d[A-Z\d]? *\d[A-Z]{2}").mean() > 0.95
    assert gb.str.islower().mean() > 0.05 and (~gb.str.contains(" ")).mean() > 0.1
    us = rec[(rec["country"] == "US") & rec["postcode"].notna()]["postcode"]
    assert us.str.fullmatch(r"\d{4,5}(-\d{4})?").all() and us.str.contains("-").mean() > 0.15
    line = rec["address_line1"].dropna()
    assert line.str.contains(r"\b(?:Rd|St|Ave|Av)\b").mean() > 0.15
    assert line.str.contains(r"^Flat|Apt|#").mean() > 0.05


def test_records_are_independent_corruptions_of_the_truth(truth):
    """Two records of one person are corrupted independently: P(both noisy) ~ P(noisy)^2."""
    ppl = truth.people.set_index("true_person")
    plain = ppl[ppl["former_last_name"].isna() & ~ppl["junior"] & ~ppl["last_name"].str.contains("[-' ]")]
    rec = truth.records[truth.records["true_person"].isin(plain.index)]
    rec = rec[rec["last_name"].notna()]
    true_last = plain.loc[rec["true_person"], "last_name"]
    noisy = [_lower(r) != _lower(t) for r, t in zip(rec["last_name"], true_last)]
    rec = rec.assign(noisy=noisy)
    p = rec["noisy"].mean()
    pairs = both = same = 0
    for _, g in rec.groupby("true_person"):
        for (_, a), (_, b) in itertools.combinations(g.iterrows(), 2):
            pairs += 1
            if a["noisy"] and b["noisy"]:
                both += 1
                same += _lower(a["last_name"]) == _lower(b["last_name"])
    assert 0.05 < p < 0.25
    assert 0.5 * p * p < both / pairs < 2.0 * p * p    # chained copies would give ~p
    assert same < 0.6 * both                            # two noisy copies rarely agree
