"""Issue 14: a 1 GB delivery. Files over CU_MAX_FILE_BYTES are turned away with a reason before a byte
is read (the rest of the pass goes on); large text files are checked a piece of whole records at a time,
with the outcome of a whole read. The 1 GB figures themselves: bench/bench_large_file.py."""

import pandas as pd
import pytest

from customer_unification.lib.landing import LandingZone
from customer_unification.lib.landing import chunks
from customer_unification.lib.sources import file_size
from customer_unification.lib.sources.file_size import FileSizeSettingError, max_file_bytes
from customer_unification.lib.sources.preflight import source_problems
from customer_unification.lib.sources.readers import read_files

from ..sources.test_readers import contract_file

SOURCES = """
    - name: people
      format: csv
      location: history/*.csv
      record_key: id
      fields: {email: email, full_name: name}
    - name: orders
      format: jsonl
      location: history/*.jsonl
      kind: event
      record_key: id
      fields: {email: email, event_ts: ts, event_type: {value: purchase}, channel: {value: web}}
"""


def _zone(tmp_path):
    config = contract_file(tmp_path, SOURCES)
    (tmp_path / "history").mkdir()
    zone = LandingZone(tmp_path / "landing", config)
    zone.folders()
    return config, zone


def _take(zone):
    return zone.take(zone.take({}).arriving)  # two looks: a file is taken once its size holds still


def _people(n: int, start: int = 1) -> str:
    return "".join(f"{i},p{i}@gmail.com,Person {i}\n" for i in range(start, start + n))


def test_a_file_over_the_limit_is_rejected_unread_and_the_rest_of_the_pass_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("CU_MAX_FILE_BYTES", "2K")
    config, zone = _zone(tmp_path)
    big = "id,email,name\n" + _people(100)
    assert len(big) > 2048
    (tmp_path / "landing" / "people" / "big.csv").write_text(big)
    (tmp_path / "landing" / "people" / "small.csv").write_text("id,email,name\n" + _people(3, start=500))
    (tmp_path / "landing" / "orders" / "o.jsonl").write_text('{"id": "1", "email": "a@gmail.com", "ts": '
                                                             '"2026-11-20T10:00:00Z"}\n')
    read = []
    monkeypatch.setattr("customer_unification.lib.landing.zone.read_files",
                        lambda paths, *a, **k: read.append(paths[0].name) or read_files(paths, *a, **k))
    verdict = _take(zone)

    outcome = {d.name: (d.accepted, d.reason, d.records) for d in verdict.deliveries}
    reason = (f"big.csv is {len(big):,} bytes (2.6 KiB), over the 2.0 KiB a file may have (CU_MAX_FILE_BYTES=2048): "
              "raise the limit where the machine has the memory (staging holds about 16 times a file's size)")
    assert outcome == {"big.csv": (False, reason, 0), "small.csv": (True, None, 3), "o.jsonl": (True, None, 1)}
    assert "big.csv" not in read  # turned away by its size alone
    rejected = tmp_path / "landing" / "people" / "rejected"
    assert (rejected / "big.csv").read_text() == big  # kept as delivered, with its reason beside it
    assert reason in (rejected / "big.csv.reason.txt").read_text()
    assert [p.name for p in zone.admitted_files("people")] == ["small.csv"]


def test_a_configured_location_over_the_limit_is_refused_before_the_run(tmp_path, monkeypatch):
    config, _ = _zone(tmp_path)
    (tmp_path / "history" / "all.csv").write_text("id,email,name\n" + _people(100))
    assert source_problems(config, config.get("people")) == []
    monkeypatch.setenv("CU_MAX_FILE_BYTES", "1000")
    [problem] = source_problems(config, config.get("people"))
    assert problem.startswith("source 'people': all.csv is 2,690 bytes (2.6 KiB), over the")
    assert "over the 1,000 bytes a file may have (CU_MAX_FILE_BYTES=1000)" in problem


@pytest.mark.parametrize(("value", "limit"), [("", 256 << 20), ("5000", 5000), ("512M", 512 << 20), ("2G", 2 << 30),
                                              ("1.5GiB", 3 << 29), ("64 kb", 64 << 10)])
def test_the_limit_is_read_in_bytes_or_with_a_unit(monkeypatch, value, limit):
    monkeypatch.setenv("CU_MAX_FILE_BYTES", value)
    assert max_file_bytes() == limit


@pytest.mark.parametrize("value", ["lots", "-5", "0", "12Q"])
def test_a_limit_that_is_not_a_size_says_so(monkeypatch, value):
    monkeypatch.setenv("CU_MAX_FILE_BYTES", value)
    with pytest.raises(FileSizeSettingError, match=f"CU_MAX_FILE_BYTES='{value}' is not a size: give bytes"):
        max_file_bytes()


def _messy_csv(rows: int) -> bytes:
    """Records with quoted line breaks, doubled quotes, CRLF ends, blank lines and malformed rows."""
    out = ["id,email,name\r\n"]
    for i in range(1, rows + 1):
        if i % 7 == 0:
            out.append(f'{i},p{i}@gmail.com,"Person\r\n{i} ""the second"",\nthird line"\r\n')
        elif i % 11 == 0:
            out.append(f"{i},p{i}@gmail.com,too,many,fields\r\n")
        elif i % 13 == 0:
            out.append("\r\n")
        else:
            out.append(f"{i},p{i}@gmail.com,Person {i}\r\n")
    return "".join(out).encode()


def _as_read(frame: pd.DataFrame) -> list[tuple]:
    return list(frame[["id", "email", "name", "_error"]].itertuples(index=False, name=None))


def test_a_large_file_is_read_in_pieces_of_whole_records_with_a_whole_reads_outcome(tmp_path, monkeypatch):
    config, zone = _zone(tmp_path)
    body = _messy_csv(3000)
    path = tmp_path / "landing" / "people" / "messy.csv"
    path.write_bytes(body)
    contract = config.get("people")
    whole = read_files([path], contract, config)

    monkeypatch.setattr(chunks, "PIECE_BYTES", 4096)
    with chunks.pieces(path, contract) as parts:
        read = [read_files([part], contract, config) for part in parts]
    assert len(read) > 20  # really cut
    assert sum(len(r) for r in read) == len(whole) == 2820  # 180 blank lines are not records
    # every record whole, in order, each piece cut between records (never inside a quoted line break)
    assert [row for r in read for row in _as_read(r)] == _as_read(whole)

    verdict = _take(zone)
    [delivery] = verdict.deliveries
    assert (delivery.accepted, delivery.records) == (True, len(whole))


def test_a_reader_error_in_a_late_piece_rejects_the_file_as_a_whole_read_would(tmp_path, monkeypatch):
    config, zone = _zone(tmp_path)
    huge_field = '9999,x@gmail.com,"' + "y" * 200_000 + '"\n'  # over the csv module's field limit
    body = "id,email,name\n" + _people(2000) + huge_field + _people(10, start=3000)
    (tmp_path / "landing" / "people" / "late.csv").write_text(body)
    whole_reason = _take(zone).deliveries[0].reason
    assert whole_reason == "cannot be read as csv: Error: field larger than field limit (131072)"

    monkeypatch.setattr(chunks, "PIECE_BYTES", 8192)
    pieces_read = []
    real = chunks._write_pieces
    monkeypatch.setattr(chunks, "_write_pieces", lambda *a: (pieces_read.append(1) or part for part in real(*a)))
    (tmp_path / "landing" / "people" / "late2.csv").write_text(body.replace("9999,", "8888,"))
    [delivery] = _take(zone).deliveries
    assert len(pieces_read) > 5
    assert (delivery.accepted, delivery.reason) == (False, whole_reason)


def test_a_large_json_lines_file_counts_the_same_in_pieces(tmp_path, monkeypatch):
    config, zone = _zone(tmp_path)
    lines = [f'{{"id": "{i}", "email": "p{i}@gmail.com", "ts": "2026-11-20T10:00:00Z"}}' for i in range(2000)]
    lines[1500] = '{"id": "broken'  # quarantined later, not a reason to turn the file away
    (tmp_path / "landing" / "orders" / "o.jsonl").write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(chunks, "PIECE_BYTES", 4096)
    [delivery] = _take(zone).deliveries
    assert (delivery.accepted, delivery.records) == (True, 2000)


def test_readable_sizes():
    assert [file_size.readable(n) for n in (512, 2048, 5 << 20, 3 << 30)] == [
        "512 bytes", "2.0 KiB", "5.0 MiB", "3.0 GiB"]


def test_a_file_too_large_to_load_is_still_rid_of_forgotten_people_before_it_is_rejected(tmp_path, monkeypatch):
    from customer_unification.lib.landing.row_erasure import erase_rows

    monkeypatch.setenv("CU_MAX_FILE_BYTES", "2K")
    monkeypatch.setattr(chunks, "PIECE_BYTES", 1024)  # read a piece at a time, as a large file is
    config, _ = _zone(tmp_path)
    zone = LandingZone(tmp_path / "landing", config,
                       lambda path, contract: erase_rows(path, contract, config, lambda raw: raw["id"].eq("7")))
    (tmp_path / "landing" / "people" / "big.csv").write_text("id,email,name\n" + _people(100))
    [delivery] = _take(zone).deliveries
    assert (delivery.accepted, delivery.forgotten_erased) == (False, 1)
    assert delivery.reason.startswith("big.csv is ")
    assert "p7@gmail.com" not in (tmp_path / "landing" / "people" / "rejected" / "big.csv").read_text()
