"""The demo estate generator: determinism, ground truth, formats, contracts and realistic mess."""

import hashlib
import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
import pytest
from openpyxl import load_workbook

from customer_unification.lib.demo import generate_demo_estate
from customer_unification.lib.demo.population import build_population
from customer_unification.lib.normalize.emails import email_match_key
from customer_unification.lib.sources.contracts import DEFAULT_CONFIG, load_contracts

PEOPLE = 1000
SEED = 11


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    manifest = generate_demo_estate(root, people=PEOPLE, seed=SEED)
    return root, manifest


@pytest.fixture(scope="module")
def contracts(estate):
    root, _ = estate
    mp = pytest.MonkeyPatch()
    mp.setenv("CU_DEMO_DATA_DIR", str(root))
    try:
        yield load_contracts(DEFAULT_CONFIG)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def truth(estate):
    root, _ = estate
    return (pd.read_parquet(root / "_truth" / "record_person.parquet"),
            pd.read_parquet(root / "_truth" / "people.parquet"))


def _as_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_records(cfg, source) -> pd.DataFrame:
    """Every record of a source as text (blank spreadsheet rows dropped), in reading order."""
    if source.format == "csv":
        frames = [pd.read_csv(p, sep=source.options.delimiter, encoding=source.options.encoding, dtype=str,
                              keep_default_na=False) for p in cfg.paths(source)]
        return pd.concat(frames, ignore_index=True)
    if source.format == "jsonl":
        rows = []
        for p in cfg.paths(source):
            rows += [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
        return pd.DataFrame({"order_id": [_as_text(r.get("order_id")) for r in rows], "_raw": rows})
    if source.format == "parquet":
        df = pd.read_parquet(cfg.paths(source)[0])
        return df.astype(object).where(df.notna(), None).map(_as_text)
    if source.format == "xlsx":
        wb = load_workbook(cfg.paths(source)[0], read_only=True)
        ws = wb[source.sheet] if source.sheet else wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        wb.close()
        body = [r for r in rows[1:] if any(v is not None for v in r)]
        return pd.DataFrame([[_as_text(v) for v in r] for r in body], columns=list(rows[0]))
    if source.format == "sql":
        db = cfg.sql_url(source).removeprefix("sqlite:///")
        with sqlite3.connect(db) as con:
            cur = con.execute(source.query)
            cols = [d[0] for d in cur.description]
            return pd.DataFrame([[_as_text(v) for v in r] for r in cur.fetchall()], columns=cols)
    raise AssertionError(source.format)


def test_same_seed_same_bytes_and_other_seed_differs(estate, tmp_path):
    root, _ = estate
    again = generate_demo_estate(tmp_path / "again", people=PEOPLE, seed=SEED)
    assert _hashes(tmp_path / "again") == _hashes(root)
    assert again == json.loads((root / "manifest.json").read_text())
    generate_demo_estate(tmp_path / "again", people=PEOPLE, seed=SEED)  # idempotent re-run
    assert _hashes(tmp_path / "again") == _hashes(root)
    generate_demo_estate(tmp_path / "other", people=PEOPLE, seed=SEED + 1)
    other = _hashes(tmp_path / "other")
    differs = [k for k, h in _hashes(root).items() if other.get(k) != h]
    assert "crm/contacts.csv" in differs and "_truth/people.parquet" in differs


def test_records_scale_roughly_linearly(tmp_path):
    small = generate_demo_estate(tmp_path / "s", people=300, seed=5)["total_records"]
    large = generate_demo_estate(tmp_path / "l", people=1200, seed=5)["total_records"]
    assert 3.3 < large / small < 4.7
    assert 2.4 < large / 1200 < 3.3  # ~2.5-3 source records per person


def test_manifest(estate):
    root, manifest = estate
    assert manifest["people"] == PEOPLE and manifest["seed"] == SEED
    assert manifest["total_records"] == sum(s["records"] for s in manifest["sources"].values())
    assert len(manifest["sources"]) == 13


def test_contract_loads_and_every_location_exists(estate, contracts):
    root, manifest = estate
    assert contracts.base_dir == root.resolve()
    assert {s.name for s in contracts.sources} == set(manifest["sources"])
    for s in contracts.sources:
        if s.format == "sql":
            assert Path(contracts.sql_url(s).removeprefix("sqlite:///")).exists()
        else:
            assert contracts.paths(s), s.name


def test_every_record_has_one_truth_row_matching_the_files(estate, contracts, truth):
    root, manifest = estate
    records, people = truth
    assert set(records["person_id"]) <= set(people["person_id"])
    assert people["person_id"].is_unique and len(people) == PEOPLE
    for s in contracts.sources:
        df = read_records(contracts, s)
        t = records[records["source"] == s.name].sort_values("row_index")
        assert len(df) == len(t) == manifest["sources"][s.name]["records"], s.name
        assert t["row_index"].tolist() == list(range(len(t)))
        ids = df[s.record_key[0]].astype(str)
        for col in s.record_key[1:]:
            ids = ids + "|" + df[col].astype(str)
        assert ids.tolist() == t["source_record_id"].tolist(), s.name
        # a repeated key always belongs to the same person (the truth is a function of the key)
        keyed = t[t["source_record_id"] != ""]
        assert (keyed.groupby("source_record_id")["person_id"].nunique() == 1).all(), s.name


def test_file_formats_are_what_the_contract_says(contracts):
    loyalty = contracts.get("loyalty_members")
    raw = contracts.paths(loyalty)[0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8") if any(b > 127 for b in raw) else b"\xff".decode("utf-8")
    df = read_records(contracts, loyalty)
    assert df["member_name"].str.contains(", ").all()
    crm = read_records(contracts, contracts.get("crm_contacts"))
    assert crm["zip"].str.len().eq(5).all()  # text, leading zeros kept
    post = read_records(contracts, contracts.get("postal_mailing_list"))
    assert (post["ZIP"].str.len() == 4).any()  # number cells lost a leading zero
    assert post["NAME"].eq(post["NAME"].str.upper()).all()
    tickets = read_records(contracts, contracts.get("call_centre_tickets"))
    assert tickets["opened"].str.fullmatch(r"\d\d/\d\d/\d\d").mean() > 0.99
    web = read_records(contracts, contracts.get("web_events"))
    assert web["ts"].str.fullmatch(r"\d{13}").all()
    pos = read_records(contracts, contracts.get("pos_transactions"))
    assert pos["ts"].str.fullmatch(r"\d{10}").all()


def test_true_phones_are_valid_us_numbers(truth):
    _, people = truth
    for col in ("phone", "mobile", "landline"):
        for v in people[col].dropna().head(400):
            assert phonenumbers.is_valid_number(phonenumbers.parse(v, "US")), v
    assert people["mobile"].dropna().is_unique


def test_no_two_people_share_a_mailbox():
    """Gmail ignores dots: j.smith@ and jsmith@gmail.com would be one mailbox held by two people
    (10,000 people drew ten such pairs before the generator checked mailboxes)."""
    emails = pd.Series(build_population(10_000, 42).email).dropna()
    assert emails.map(email_match_key).is_unique
    assert (emails.str.endswith("@gmail.com") & emails.str.contains(r"\.[^@]*@")).any()  # dotted ones exist


def test_rendered_phones_mostly_parse(contracts):
    for name in ("crm_contacts", "sms_subscribers", "sms_clicks"):
        df = read_records(contracts, contracts.get(name))
        vals = [v for v in df["phone"] if v]
        ok = sum(phonenumbers.is_valid_number(phonenumbers.parse(v, "US")) for v in vals)
        assert ok / len(vals) > 0.99, name


def test_hard_negatives_exist(truth):
    _, people = truth
    twins = people[people["is_twin"]]
    assert len(twins) >= 4
    for _, g in twins.groupby("household_id"):
        assert len(g) == 2
        assert g["last_name"].nunique() == 1 and g["address_line1"].nunique() == 1
        assert g["date_of_birth"].nunique() == 1 and g["first_name"].nunique() == 2
    multi = people.groupby("household_id").filter(lambda g: len(g) > 1)
    assert (multi.groupby("household_id")["address_line1"].nunique() == 1).all()
    assert (multi.groupby("household_id")["first_name"].nunique() == multi.groupby("household_id").size()).all()
    shared = multi.dropna(subset=["landline"]).groupby(["household_id", "last_name", "landline"]).size()
    assert (shared >= 2).any()  # same address, landline and surname, different people
    same_name = people.groupby(["first_name", "last_name"]).filter(lambda g: len(g) > 1)
    assert not same_name.empty and (same_name.groupby(["first_name", "last_name"])["date_of_birth"].nunique() > 1).any()
    assert people["moved"].any() and people["maiden_name"].notna().any()


def test_movers_and_maiden_names_show_up_in_sources(contracts, truth):
    records, people = truth
    p = people.set_index("person_id")
    crm = read_records(contracts, contracts.get("crm_contacts"))
    crm["person_id"] = records[records["source"] == "crm_contacts"].sort_values("row_index")["person_id"].to_numpy()
    movers = crm[p.loc[crm["person_id"], "moved"].to_numpy()]
    stale = movers["zip"].to_numpy() == p.loc[movers["person_id"], "previous_postcode"].to_numpy()
    assert stale.any()
    loy = read_records(contracts, contracts.get("loyalty_members"))
    loy["person_id"] = records[records["source"] == "loyalty_members"].sort_values("row_index")["person_id"].to_numpy()
    surname = loy["member_name"].str.split(",").str[0].str.lower()
    maiden = p.loc[loy["person_id"], "maiden_name"].str.lower().to_numpy()
    assert (surname.to_numpy() == maiden).any()


def test_bad_rows_exist_but_stay_below_four_percent(estate, truth):
    _, manifest = estate
    records, _ = truth
    share = records.groupby("source")["defect"].apply(lambda s: (s != "").mean())
    assert (share < 0.04).all(), share
    assert {"missing_key", "duplicate_key", "impossible_date", "no_identifiers"} <= set(records["defect"])
    for name, info in manifest["sources"].items():
        assert info["defective_records"] == int((records[records["source"] == name]["defect"] != "").sum())


def test_linkable_identifier_chains(contracts, truth):
    records, people = truth
    loy = read_records(contracts, contracts.get("loyalty_members"))
    pos = read_records(contracts, contracts.get("pos_transactions"))
    cards = set(loy["card_number"]) - {""}
    assert set(pos["card_number"]) - {""} <= cards  # every captured card is a known member
    web = read_records(contracts, contracts.get("web_events"))
    logins = web[(web["event"] == "login") & (web["email"] != "")]
    for col in ("cookie_id", "device_id"):
        seen = set(web[col]) - {""}
        assert seen <= set(logins[col]), col
    emails = set(people["email"].dropna())
    assert set(logins["email"].str.lower()) <= emails
    ev = read_records(contracts, contracts.get("email_events"))
    assert set(ev["email"]) <= emails


def test_ambiguous_signup_dates_are_marked(contracts, truth):
    records, _ = truth
    df = read_records(contracts, contracts.get("store_signups_sheet"))
    t = records[records["source"] == "store_signups_sheet"].sort_values("row_index")
    amb = df["DOB"].to_numpy()[(t["defect"] == "ambiguous_date").to_numpy()]
    for v in amb:
        m, d, _ = v.split("/")
        assert int(m) <= 12 and int(d) <= 12
