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
    assert zone.admitted_files("clicks") == [tmp_path / "landing" / "clicks" / "pending" / "day.csv"]
    assert not zone.take(second.arriving).deliveries, "taken exactly once"
    # the source's glob matches nothing yet: its records come from the landing zone alone
    from customer_unification.lib.sources.readers import read_source
    raw = read_source(config, config.get("clicks"), landed=zone.admitted_files("clicks"))
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
    assert reasons["d_same_again.csv"].startswith("already taken")
    rejected = folder / "rejected"
    assert (rejected / "a_wrong_columns.csv").read_text() == "who,when\nx,y\n", "kept as delivered"
    assert "column 'phone'" in (rejected / "a_wrong_columns.csv.reason.txt").read_text()
    assert sorted(os.listdir(folder)) == ["pending", "rejected"], "nothing is left behind or lost"


def test_a_different_file_under_a_loaded_name_keeps_both(tmp_path):
    zone = LandingZone(tmp_path / "landing", contract_file(tmp_path, SOURCES))
    zone.folders()
    folder = tmp_path / "landing" / "clicks"
    (folder / "day.csv").write_text(GOOD)
    look_twice(zone)
    (folder / "day.csv").write_text(GOOD.replace("1,+1", "9,+1"))
    look_twice(zone)
    loaded = [p.name for p in zone.admitted_files("clicks")]
    assert len(loaded) == 2 and "day.csv" in loaded


SHEETS = """
    - name: signups
      format: xlsx
      location: sheets/*.xlsx
      record_key: id
      fields: {email: email}
"""


def test_a_file_no_reader_can_open_is_rejected_and_the_pass_goes_on(tmp_path):
    """Issue 14, defect 2: a CSV renamed .xlsx and a quoted field over 128 KB crashed the whole pass."""
    zone = LandingZone(tmp_path / "landing", contract_file(tmp_path, SOURCES + SHEETS))
    zone.folders()
    clicks, signups = tmp_path / "landing" / "clicks", tmp_path / "landing" / "signups"
    (clicks / "a_good.csv").write_text(GOOD)
    (clicks / "b_huge_field.csv").write_text(GOOD + '2,"' + "x" * 140_000 + '",2026-11-20T10:00:00Z\n')
    (signups / "renamed.xlsx").write_text("id,email\n1,a@example.com\n")  # a CSV under an .xlsx name
    (clicks / "c_good.csv").write_text(GOOD.replace("1,+1", "3,+1"))
    _, verdict = look_twice(zone)
    reasons = {d.name: d.reason for d in verdict.deliveries if not d.accepted}
    assert [d.name for d in verdict.accepted] == ["a_good.csv", "c_good.csv"], "the rest of the pass goes on"
    assert reasons == {
        "b_huge_field.csv": "cannot be read as csv: Error: field larger than field limit (131072)",
        "renamed.xlsx": "cannot be read as xlsx: ZipError: invalid Zip archive: Could not find EOCD"}
    for folder, name in ((clicks, "b_huge_field.csv"), (signups, "renamed.xlsx")):
        assert (folder / "rejected" / f"{name}.reason.txt").read_text().splitlines()[1] == reasons[name]
    # nothing lost: every delivered file is accepted or rejected, and the accepted ones wait for their run
    assert sorted(os.listdir(clicks / "pending")) == ["a_good.csv", "c_good.csv"]
    assert sorted(os.listdir(clicks / "rejected")) == ["b_huge_field.csv", "b_huge_field.csv.reason.txt"]
    assert sorted(os.listdir(signups)) == ["rejected"] and not zone.loaded_files("clicks")


def test_a_file_counts_as_loaded_only_once_a_run_that_read_it_succeeded(tmp_path):
    zone = LandingZone(tmp_path / "landing", contract_file(tmp_path, SOURCES))
    zone.folders()
    folder = tmp_path / "landing" / "clicks"
    (folder / "day.csv").write_text(GOOD)
    look_twice(zone)
    pending = folder / "pending" / "day.csv"
    assert zone.admitted_files("clicks") == [pending] and not zone.loaded_files("clicks"), \
        "taken and read by the next run, not loaded yet"
    (folder / "again.csv").write_text(GOOD)
    _, verdict = look_twice(zone)
    assert verdict.deliveries[0].reason.startswith("already taken: a file with the same content is in pending/")
    assert zone.settle(["clicks/day.csv", "clicks/never_read.csv"]) == ["clicks/day.csv"]
    assert zone.loaded_files("clicks") == [folder / "loaded" / "day.csv"] and not pending.exists()
    assert zone.settle(["clicks/day.csv"]) == [], "settling twice moves nothing"


def test_a_headerless_file_is_rejected_without_its_first_rows_personal_data(tmp_path):
    """Issue 14 defect 6: the reason (logged by the sensor and `ingest`, kept in .reason.txt) listed the
    first row's name, birth date, phone and email as the 'columns found'."""
    people = """
    - name: signups
      format: csv
      location: history/*.csv
      record_key: id
      fields: {email: email, phone: phone, date_of_birth: dob, full_name: name}
"""
    config = contract_file(tmp_path, people)
    zone = LandingZone(tmp_path / "landing", config)
    zone.folders()
    landed = tmp_path / "landing" / "signups" / "day.csv"
    landed.write_text("17,Kelly Neal,03/14/1985,+14155550100,kelly.neal@gmail.com\n"
                      "18,Ryan Cole,07/01/1990,+14155550101,ryan.cole@gmail.com\n")
    _, second = look_twice(zone)
    [delivery] = second.deliveries
    assert not delivery.accepted
    assert delivery.reason == ("ContractError: source 'signups': column 'email' (mapped to field 'email') not found "
                               "in day.csv; none of the declared columns is in its first row (no header row?); "
                               "its 5 values are not shown")
    stored = (tmp_path / "landing" / "signups" / "rejected" / "day.csv.reason.txt").read_text()
    assert delivery.reason in stored
    for value in ("Kelly", "Neal", "1985", "4155550100", "kelly.neal"):
        assert value not in stored
    assert (tmp_path / "landing" / "signups" / "rejected" / "day.csv").read_text().count("\n") == 2  # kept whole
