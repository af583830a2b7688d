"""bench/families/subscribers_na.py: a deterministic generator with the hard negatives it promises."""

import re

import pytest

from bench.families import subscribers_na as sn

PEOPLE = 1500


@pytest.fixture(scope="module")
def frame():
    return sn.generate(people=PEOPLE, seed=5)


@pytest.fixture(scope="module")
def persons():
    return sn.population(PEOPLE, seed=5)



def test_population_matches_the_table(frame, persons):
    assert [p.pid for p in persons] == [p.pid for p in sn.population(PEOPLE, seed=5)]
    assert {p.pid for p in persons} == set(frame["true_person"])


def test_every_person_has_a_record(frame, persons):
    assert len(persons) == PEOPLE
    assert frame["true_person"].nunique() == PEOPLE
    assert 2.5 <= len(frame) / PEOPLE <= 3.4
    per_person = frame["true_person"].value_counts()
    assert per_person.max() <= 7
    assert 0.20 <= (per_person == 1).mean() <= 0.40  # many singletons


def test_households_share_an_address_under_different_given_names(frame, persons):
    by_household = {}
    for p in persons:
        by_household.setdefault(p.household, []).append(p)
    shared = [ps for ps in by_household.values() if len({p.given for p in ps}) >= 2]
    assert shared
    rows = frame.dropna(subset=["street", "postal_code", "first_name"])
    groups = rows.groupby(["street", "postal_code"]).agg(people=("true_person", "nunique"),
                                                         given=("first_name", "nunique"))
    assert ((groups["people"] >= 2) & (groups["given"] >= 2)).any()
    roommates = [ps for ps in by_household.values() if ps[0].role == "roommate" and len(ps) >= 2]
    assert roommates and all(p.address.unit for ps in roommates for p in ps)


def test_twins_sr_jr_namesakes_and_maiden_names(frame, persons):
    twins = {}
    for p in (p for p in persons if p.twin):
        twins.setdefault(p.household, []).append(p)
    assert twins
    assert all(len({p.dob for p in ps}) == 1 and len({p.given for p in ps}) == len(ps) for ps in twins.values())
    assert any(len({p.given[0] for p in ps}) == 1 for ps in twins.values())  # same first initial

    seniors = {(p.household, p.given, p.family): p for p in persons if p.suffix == "sr"}
    juniors = [p for p in persons if p.suffix == "jr"]
    assert juniors
    for j in juniors:
        s = seniors[(j.household, j.given, j.family)]
        assert s.address is j.address and s.dob.year - j.dob.year <= -15

    by_pid = {p.pid: p for p in persons}
    namesakes = [p for p in persons if p.namesake_of]
    assert namesakes
    for p in namesakes:
        other = by_pid[p.namesake_of]
        assert (other.given, other.family) == (p.given, p.family) and other.address.city != p.address.city
        assert other.household != p.household
    assert any(by_pid[p.namesake_of].dob != p.dob for p in namesakes)
    # in the records: one exact written name held by two people in different cities
    rows = frame.dropna(subset=["first_name", "last_name", "city"])
    names = rows.groupby(["first_name", "last_name"]).agg(people=("true_person", "nunique"),
                                                          cities=("city", "nunique"))
    assert ((names["people"] >= 2) & (names["cities"] >= 2)).any()

    married = [p for p in persons if p.maiden and p.maiden != p.family]
    assert married
    surnames = frame.groupby("true_person")["last_name"].agg(lambda s: set(s.dropna().str.lower()))
    assert any({p.maiden.lower(), p.family.lower()} <= surnames[p.pid] for p in married)


def test_cultures_and_countries(persons):
    cultures = {p.culture for p in persons}
    assert cultures == {"anglo", "hispanic", "east_asian", "south_asian", "french"}
    canada = sum(p.country == "CA" for p in persons) / len(persons)
    assert 0.15 <= canada <= 0.35
    assert any(p.second_family for p in persons) and any(p.alias for p in persons)
    assert any(p.old_address for p in persons) and any(p.old_phone for p in persons)
    assert any(p.joint_email for p in persons) and any(p.landline for p in persons)


def test_corruption_rates_roughly_as_documented(frame, persons):
    dob = frame["dob"].dropna()
    assert dob.map(lambda s: bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", s))).all()
    assert 0.45 <= frame["dob"].isna().mean() <= 0.70
    by_channel = frame.groupby("channel")
    assert set(frame["channel"]) == set(sn.CHANNELS)
    assert by_channel["street"].apply(lambda s: s.isna().mean())["app"] >= 0.75
    email_missing = by_channel["email"].apply(lambda s: s.isna().mean())
    assert 0.5 <= email_missing["phone"] <= 0.8 and email_missing["web"] <= 0.05
    legacy = frame[(frame["channel"] == "legacy")]["last_name"].dropna()
    assert 0.35 <= (legacy.str.upper() == legacy).mean() <= 0.70
    postal = frame["postal_code"].dropna()
    canadian = postal.str.fullmatch(r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d")
    assert 0.15 <= canadian.mean() <= 0.35
    assert postal.str.fullmatch(r"[a-z]\d[a-z] ?\d[a-z]\d").any()  # lower case
    assert postal.str.fullmatch(r"[A-Z]\d[A-Z]\d[A-Z]\d").any()  # no space
    zip4 = postal[postal.str.fullmatch(r"\d{4,5}-\d{4}")]
    us = postal[postal.str.fullmatch(r"\d{4,5}(-\d{4})?")]
    assert 0.10 <= len(zip4) / len(us) <= 0.30
    phones = frame["phone"].dropna()
    shapes = set(phones.str.replace(r"\d", "9", regex=True))  # "+1" becomes "+9"
    assert {"(999) 999-9999", "999-999-9999", "999.999.9999", "+9 999 999 9999", "9999999999",
            "+99999999999", "9-999-999-9999"} <= shapes
    # gift records carry somebody else's email (the purchaser's)
    own = {}
    emails = set()
    for p in persons:
        own[p.pid] = {e for e in (p.email, p.work_email, p.joint_email) if e}
        emails |= own[p.pid]
    gifts = frame[(frame["channel"] == "gift") & frame["email"].notna()]
    foreign = [e.lower() in emails and e.lower() not in own[t] for e, t in zip(gifts["email"], gifts["true_person"])]
    assert sum(foreign) / len(foreign) >= 0.5
    # nicknames and initials exist
    first = frame["first_name"].dropna()
    assert first.isin(["Chris", "Alex", "Sam", "Pat"]).any()
    assert first.str.fullmatch(r"[A-Z]\.?").mean() <= 0.06


def test_timing_scale():
    import time

    t0 = time.perf_counter()
    big = sn.generate(people=4000, seed=23)
    assert time.perf_counter() - t0 < 20
    assert big["true_person"].nunique() == 4000


def test_yaml_maps_columns_only():
    from bench.identity_suite import family_config

    config, label = family_config("subscribers_na")
    assert label.endswith("subscribers_na.yaml")
    assert config.key == ["record_id"]
    assert set(config.columns.values()) <= set(sn.COLUMNS) - {"true_person"}
