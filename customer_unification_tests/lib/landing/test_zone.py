"""The landing zone on real files: complete files only, each once, bad ones rejected with a reason."""

import os

from customer_unification.lib.landing import LandingZone

from ..sources.test_readers import contract_file

SOURCES = """
    - name: clicks
      format: csv
      location: history/*.csv
      kind: event
      record_key: id
      fields: {phone: phone, event_ts: ts, event_type: {value: click}, channel: {value: sms}}
"""
GOOD = "id,phone,ts\n1,+14155550100,2026-11-20T10:00:00Z\n"


def look_twice(zone: LandingZone):
    first = zone.take({})
    return first, zone.take(first.arriving)


def test_a_complete_file_is_loaded_once_and_read_with_the_source(tmp_path):
    config = contract_file(tmp_path, SOURCES)
    (tmp_path / "history").mkdir()
    zone = LandingZone(tmp_path / "landing", config)
    zone.folders()
    (tmp_path / "landing" / "clicks" / "day.csv").write_text(GOOD)
    first, second = look_twice(zone)
    assert not first.deliveries and list(first.arriving) == [str(tmp_path / "landing" / "clicks" / "day.csv")]
    [delivery] = second.accepted
    assert (delivery.source, delivery.name, delivery.records) == ("clicks", "day.csv", 1)
    assert zone.loaded_files("clicks") == [tmp_path / "landing" / "clicks" / "loaded" / "day.csv"]
    assert not zone.take(second.arriving).deliveries, "taken exactly once"
    # the source's glob matches nothing yet: its records come from the landing zone alone
    from customer_unification.lib.sources.readers import read_source
    raw = read_source(config, config.get("clicks"), landed=zone.loaded_files("clicks"))
    assert raw["id"].tolist() == ["1"]


def test_a_file_still_growing_or_named_as_partial_waits(tmp_path):
    zone = LandingZone(tmp_path / "landing", contract_file(tmp_path, SOURCES))
    zone.folders()
    folder = tmp_path / "landing" / "clicks"
    (folder / "day.csv.part").write_text(GOOD)
    (folder / ".hidden.csv").write_text(GOOD)
    growing = folder / "growing.csv"
    growing.write_text(GOOD)
    first = zone.take({})
    with growing.open("a") as f:
        f.write("2,+14155550101,2026-11-20T11:00:00Z\n")
    second = zone.take(first.arriving)
    assert not second.deliveries and str(growing) in second.arriving
    assert sorted(p.name for p in folder.iterdir()) == [".hidden.csv", "day.csv.part", "growing.csv"]
    assert zone.take(second.arriving).accepted[0].records == 2


def test_unreadable_files_are_rejected_with_a_reason_and_the_rest_flow(tmp_path):
    zone = LandingZone(tmp_path / "landing", contract_file(tmp_path, SOURCES))
    zone.folders()
    folder = tmp_path / "landing" / "clicks"
    (folder / "a_wrong_columns.csv").write_text("who,when\nx,y\n")
    (folder / "b_empty.csv").write_bytes(b"")
    (folder / "c_good.csv").write_text(GOOD)
    (folder / "d_same_again.csv").write_text(GOOD)
    _, verdict = look_twice(zone)
    reasons = {d.name: d.reason for d in verdict.deliveries}
    assert [d.name for d in verdict.accepted] == ["c_good.csv"]
    assert "column 'phone'" in reasons["a_wrong_columns.csv"]
    assert "empty" in reasons["b_empty.csv"]
    assert reasons["d_same_again.csv"].startswith("already loaded")
    rejected = folder / "rejected"
    assert (rejected / "a_wrong_columns.csv").read_text() == "who,when\nx,y\n", "kept as delivered"
    assert "column 'phone'" in (rejected / "a_wrong_columns.csv.reason.txt").read_text()
    assert sorted(os.listdir(folder)) == ["loaded", "rejected"], "nothing is left behind or lost"


def test_a_different_file_under_a_loaded_name_keeps_both(tmp_path):
    zone = LandingZone(tmp_path / "landing", contract_file(tmp_path, SOURCES))
    zone.folders()
    folder = tmp_path / "landing" / "clicks"
    (folder / "day.csv").write_text(GOOD)
    look_twice(zone)
    (folder / "day.csv").write_text(GOOD.replace("1,+1", "9,+1"))
    look_twice(zone)
    loaded = [p.name for p in zone.loaded_files("clicks")]
    assert len(loaded) == 2 and "day.csv" in loaded
