"""bench/families/contacts_eu.py: a deterministic generator with the hard negatives it promises."""

import pytest

from bench.families import contacts_eu as ce

PEOPLE = 200


@pytest.fixture(scope="module")
def frame():
    return ce.generate(people=PEOPLE, seed=5)


@pytest.fixture(scope="module")
def persons():
    return ce.population(PEOPLE, seed=5)



def test_every_person_has_a_record(frame, persons):
    assert frame["true_person"].nunique() == PEOPLE
    assert set(frame["true_person"]) == {p.pid for p in persons}
    assert 2.5 <= len(frame) / PEOPLE <= 3.6


def test_households_share_an_address_under_different_given_names(frame, persons):
    by_household = {}
    for p in persons:
        by_household.setdefault(p.household, []).append(p)
    shared = [ps for ps in by_household.values() if len({p.given for p in ps}) >= 2]
    assert shared
    # and in the records: one written address (street, postcode) held by two people of different given names
    rows = frame.dropna(subset=["street", "postcode", "given_name"])
    groups = rows.groupby(["street", "postcode"]).agg(people=("true_person", "nunique"),
                                                      given=("given_name", "nunique"))
    assert ((groups["people"] >= 2) & (groups["given"] >= 2)).any()


def test_twins_sr_jr_and_namesakes(persons):
    twins = [p for p in persons if p.twin]
    assert twins
    pairs = {}
    for p in twins:
        pairs.setdefault(p.household, []).append(p)
    assert any(len({p.dob for p in ps}) == 1 and len({p.given for p in ps}) == len(ps) for ps in pairs.values())
    juniors = [p for p in persons if p.suffix == "jr"]
    seniors = {(p.household, p.given): p for p in persons if p.suffix == "sr"}
    assert juniors and all(abs(seniors[(j.household, j.given)].dob.year - j.dob.year) >= 15 for j in juniors)
    by_pid = {p.pid: p for p in persons}
    for p in persons:
        if p.namesake_of and p.namesake_of in by_pid:
            other = by_pid[p.namesake_of]
            assert (other.given, other.family) == (p.given, p.family) and other.address.town != p.address.town


def test_yaml_maps_columns_only():
    from bench.identity_suite import family_config

    config, label = family_config("contacts_eu")
    assert label.endswith("contacts_eu.yaml")
    assert config.key == ["record_id"]
    assert set(config.columns.values()) <= set(ce.COLUMNS) - {"true_person"}
