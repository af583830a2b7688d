"""Fault injection: bad deliveries dropped into the landing zone, each with the outcome a user
sees - the file rejected with its reason, or its records staged and quarantined with theirs -
and nothing lost: raw records = staged + quarantined. README's reliability table lists them.

One file per case, taken by the real landing zone (two looks: a file is taken once its size
stops changing), read by the source reader and staged by `standardize`.
"""

import datetime as dt
import gzip
import json
from dataclasses import dataclass, field

import pytest

from customer_unification.lib.landing import LandingZone
from customer_unification.lib.sources.readers import read_source
from customer_unification.lib.staging.standardize import standardize

from ..sources.test_readers import contract_file

SOURCES = """
    - name: clicks
      format: csv
      location: history/*.csv
      kind: event
      record_key: id
      fields: {phone: phone, email: email, event_ts: ts, event_type: {value: click}, channel: {value: sms}}
    - name: orders
      format: jsonl
      location: history/*.jsonl
      kind: event
      record_key: id
      fields: {email: email, event_ts: ts, event_type: {value: purchase}, channel: {value: web}, amount: total}
"""
HEADER = "id,phone,email,ts\n"
TS = "2026-11-20T10:00:00Z"
LOADED_AT = dt.datetime(2026, 11, 21, 6, tzinfo=dt.timezone.utc)  # events may run a day ahead of it


def rows(*ids: int) -> str:
    return "".join(f"{i},+1415555{i:04d},p{i}@gmail.com,{TS}\n" for i in ids)


def order(i: int, **fields) -> str:
    return json.dumps({"id": str(i), "email": f"p{i}@gmail.com", "ts": TS, "total": 9.5, **fields})


@dataclass
class Fault:
    source: str
    name: str
    body: bytes
    rejected: str | None = None  # the reason's end, when the file is rejected
    staged: int = 0
    quarantined: list[str] = field(default_factory=list)  # each quarantined record's reasons
    flags: list[str | None] = field(default_factory=list)  # each staged record's dq_flags


FAULTS = {
    "an empty file": Fault("clicks", "e.csv", b"", rejected="e.csv is empty (no header row)"),
    "a header without rows": Fault("clicks", "h.csv", HEADER.encode()),
    "CRLF line ends": Fault("clicks", "crlf.csv", (HEADER + rows(1, 2)).replace("\n", "\r\n").encode(),
                            staged=2, flags=[None, None]),
    "a byte-order mark": Fault("clicks", "bom.csv", ("\ufeff" + HEADER + rows(1, 2)).encode(), staged=2,
                               flags=[None, None]),
    "columns reordered, one extra": Fault(
        "clicks", "re.csv", f"ts,email,extra,phone,id\n{TS},a@gmail.com,zz,+14155550001,1\n".encode(),
        staged=1, flags=[None]),
    "a mapped column missing (schema drift)": Fault(
        "clicks", "mc.csv", f"id,phone,ts\n1,+14155550001,{TS}\n".encode(),
        rejected="column 'email' (mapped to field 'email') not found in mc.csv; columns found: ['id', 'phone', 'ts']"),
    "another delimiter": Fault(
        "clicks", "semi.csv", (HEADER + rows(1)).replace(",", ";").encode(),
        rejected="semi.csv: its first line splits on ';' into 4 columns: is the delimiter ';' (declared ',')?"),
    "a gzip file named .csv": Fault("clicks", "gz.csv", gzip.compress((HEADER + rows(1)).encode()),
                                    rejected="gz.csv: the file is gzip-compressed, not csv"),
    "a row with too many fields": Fault(
        "clicks", "tm.csv", (HEADER + rows(1) + f"2,+14155550002,x@gmail.com,{TS},EXTRA\n").encode(), staged=1,
        quarantined=["unparseable_record: malformed_row: expected 4 fields, found 5 | "
                     "no_identifying_fields: no field that could identify a person"], flags=[None]),
    "a row with too few fields": Fault(
        "clicks", "tf.csv", (HEADER + rows(1) + "2,+14155550002\n").encode(), staged=1,
        quarantined=["unparseable_record: malformed_row: expected 4 fields, found 2 | "
                     "no_identifying_fields: no field that could identify a person"], flags=[None]),
    "a record key twice": Fault(
        "clicks", "dk.csv", (HEADER + rows(1, 2, 1)).encode(), staged=2,
        quarantined=["duplicate_record_key: record key already seen earlier in this source"], flags=[None, None]),
    "an unparseable timestamp": Fault(
        "clicks", "bt.csv", (HEADER + "1,+14155550001,a@gmail.com,yesterday\n" + rows(2)).encode(), staged=1,
        quarantined=["invalid_timestamp: event_ts: 'yesterday' is unparseable (format iso)"], flags=[None]),
    "a timestamp years ahead": Fault(
        "clicks", "ft.csv", (HEADER + "1,+14155550001,a@gmail.com,2031-01-01T00:00:00Z\n" + rows(2)).encode(),
        staged=1, quarantined=["timestamp_out_of_range: event_ts: 2031-01-01 00:00:00+00:00 is outside "
                               "1970-01-01..2026-11-22"], flags=[None]),
    "an empty record key": Fault(
        "clicks", "bk.csv", (HEADER + f",+14155550001,a@gmail.com,{TS}\n" + rows(2)).encode(), staged=1,
        quarantined=["missing_record_key: record key (id) is empty"], flags=[None]),
    "identifying fields of blanks only": Fault(
        "clicks", "ws.csv", (HEADER + f"1,   ,  ,{TS}\n" + rows(2)).encode(), staged=1,
        quarantined=["no_identifying_fields: no field that could identify a person"], flags=[None]),
    "control characters in values": Fault(
        "clicks", "cc.csv", (HEADER + f"1,+14155550001,a\x07b@gmail.com,{TS}\n2,+1415555\x0b0002,Jo\x1bhn@gmail.com,{TS}\n")
        .encode(), staged=2, flags=["email:control_characters", "phone:control_characters;email:control_characters"]),
    "a JSON array declared as JSON lines": Fault(
        "orders", "arr.jsonl", ("[" + order(1) + "," + order(2) + "]\n").encode(),
        rejected="arr.jsonl: the file is one JSON array, not JSON lines (one object per line)"),
    "a truncated last JSON line": Fault(
        "orders", "tr.jsonl", (order(1) + "\n" + order(2)[:-10]).encode(), staged=1,
        quarantined=["unparseable_record: invalid_json: Unterminated string starting at: line 1 column 68 (char 67) | "
                     "no_identifying_fields: no field that could identify a person"], flags=[None]),
    "a JSON line that is not an object": Fault(
        "orders", "no.jsonl", (order(1) + "\n42\n" + order(3) + "\n").encode(), staged=2,
        quarantined=["unparseable_record: invalid_json: a record must be a JSON object | "
                     "no_identifying_fields: no field that could identify a person"], flags=[None, None]),
    "an amount that is not a number": Fault(
        "orders", "amt.jsonl", (order(1) + "\n" + order(2, total="abc") + "\n").encode(), staged=2,
        flags=[None, "amount:invalid"]),
}


def take(tmp_path, fault: Fault):
    config = contract_file(tmp_path, SOURCES)
    (tmp_path / "history").mkdir()
    zone = LandingZone(tmp_path / "landing", config)
    zone.folders()
    (tmp_path / "landing" / fault.source / fault.name).write_bytes(fault.body)
    first = zone.take({})
    return config, zone, zone.take(first.arriving)  # a file is taken once its size held still


@pytest.mark.parametrize("case", list(FAULTS))
def test_a_bad_delivery_is_rejected_or_staged_with_its_reasons_and_nothing_is_lost(tmp_path, case):
    fault = FAULTS[case]
    config, zone, verdict = take(tmp_path, fault)
    [delivery] = verdict.deliveries
    folder = tmp_path / "landing" / fault.source
    if fault.rejected:
        assert not delivery.accepted and delivery.reason.endswith(fault.rejected), delivery.reason
        assert (folder / "rejected" / fault.name).read_bytes() == fault.body, "kept as delivered"
        assert fault.rejected in (folder / "rejected" / f"{fault.name}.reason.txt").read_text()
        return
    assert delivery.accepted, delivery.reason
    contract = config.get(fault.source)
    raw = read_source(config, contract, landed=zone.admitted_files(fault.source))
    result = standardize(raw, contract, loaded_at=LOADED_AT)
    assert len(raw) == delivery.records == fault.staged + len(fault.quarantined)  # one raw row per record
    assert len(result.clean) == fault.staged and len(result.quarantine) == len(fault.quarantined)
    assert result.quarantine["reasons"].tolist() == fault.quarantined
    assert result.clean["dq_flags"].tolist() == fault.flags


def test_the_same_file_delivered_twice_is_taken_once(tmp_path):
    config, zone, verdict = take(tmp_path, Fault("clicks", "day.csv", (HEADER + rows(1)).encode()))
    assert [d.name for d in verdict.accepted] == ["day.csv"]
    again = tmp_path / "landing" / "clicks" / "day_copy.csv"
    again.write_bytes((HEADER + rows(1)).encode())
    second = zone.take(zone.take({}).arriving)
    [copy] = second.deliveries
    assert not copy.accepted and copy.reason.startswith("already taken")
    raw = read_source(config, config.get("clicks"), landed=zone.admitted_files("clicks"))
    assert raw["id"].tolist() == ["1"], "its records are not counted twice"
