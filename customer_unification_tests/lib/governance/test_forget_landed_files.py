"""Issue 14 defect 5: `forget` reaches the landing zone's files, and a re-delivered file lands without them.

Before: the files a source took through the landing zone (loaded/, pending/, rejected/) kept the
forgotten person's records for good, and every later run read them again."""

import csv
import io
import textwrap

from customer_unification.cli import main
from customer_unification.defs.sensors import forgotten_people_eraser
from customer_unification.lib.landing import LandingZone
from customer_unification.lib.sources.contracts import load_contracts

from .warehouse import ANN_PII, BOB_PII, build_warehouse, raw_crm, raw_web

SOURCES = """
base_dir: .
sources:
  - name: crm
    format: csv
    location: crm.csv
    record_key: id
    conventions: {date_format: "%m/%d/%Y", phone_region: US, country: US}
    fields: {crm_id: id, full_name: name, email: email, phone: phone, date_of_birth: dob}
  - name: web
    format: csv
    location: web.csv
    record_key: event_id
    kind: event
    fields: {cookie_id: cookie, email: email, event_ts: ts, event_type: event, channel: {value: web}}
"""


def _csv(frame) -> str:
    """The file behind a raw frame of the test warehouse (its records, at their lines)."""
    out = io.StringIO()
    columns = [c for c in frame.columns if not c.startswith("_")]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(frame[columns].itertuples(index=False, name=None))
    return out.getvalue()


def _holds(text: str, needles: tuple[str, ...]) -> list[str]:
    return [n for n in needles if n in text.lower()]


def test_forget_rewrites_landed_files_and_a_redelivery_lands_without_the_person(tmp_path, monkeypatch, capsys):
    warehouse, landing = tmp_path / "w.duckdb", tmp_path / "landing"
    build_warehouse(warehouse)
    (tmp_path / "sources.yaml").write_text(textwrap.dedent(SOURCES))
    for name, value in {"CU_WAREHOUSE_PATH": warehouse, "CU_LANDING_DIR": landing, "CU_EXPORTS_DIR": tmp_path / "x",
                        "CU_SOURCES_CONFIG": tmp_path / "sources.yaml", "CU_SUPPRESSION_KEY": "k" * 40}.items():
        monkeypatch.setenv(name, str(value))
    crm, web = _csv(raw_crm()), _csv(raw_web())
    files = {"crm/loaded/crm.csv": crm, "web/pending/web.csv": web,
             # turned away earlier (a column renamed): no reader reads it, it is searched line by line
             "crm/rejected/drift.csv": crm.replace("email", "e_mail", 1),
             "crm/rejected/drift.csv.reason.txt": "column 'email' not found\n"}
    for place, text in files.items():
        (landing / place).parent.mkdir(parents=True, exist_ok=True)
        (landing / place).write_text(text)

    assert main(["forget", "--email", "ann.lee@gmail.com", "--yes"]) == 0
    out = capsys.readouterr().out
    where = ["landing/crm/loaded/crm.csv", "landing/crm/rejected/drift.csv", "landing/web/pending/web.csv"]
    expected = ["  rows removed outside the warehouse: 7",  # C1 C3 | C1 C3 | E1 E2 E5
                *(f"    {w:<{max(map(len, where))}}  {n:>8,}" for w, n in zip(where, [2, 2, 3]))]
    assert out.rstrip("\n").split("\n")[-len(expected):] == expected
    assert not _holds(out.lower(), ANN_PII)  # places and counts, never values

    for place in where:
        text = (tmp_path / place).read_text()
        assert not _holds(text.lower(), ANN_PII), place
        assert _holds(text.lower(), BOB_PII), place  # Bob's records untouched ...
    assert (landing / "web/pending/web.csv").read_text().split("\n") == [  # ... and each at its line
        "event_id,cookie,email,ts,event", "", "", "E3,ck-family,,2026-10-01T10:00:00Z,page_view",
        "E4,ck-bob,bob.stone@yahoo.com,2026-10-01T10:00:00Z,purchase", "", ""]
    assert (landing / "crm/rejected/drift.csv.reason.txt").read_text() == "column 'email' not found\n"

    # the same files delivered again: Ann's records are erased before anything is taken
    config = load_contracts()
    (landing / "crm/crm.csv").write_text(crm)
    (landing / "web/web_again.csv").write_text(web + "E6,ck-bob,bob.stone@yahoo.com,2026-10-02T10:00:00Z,purchase\n")
    zone = LandingZone(landing, config, forgotten_people_eraser(config))
    verdict = zone.take(zone.take({}).arriving)
    outcome = {d.name: (d.accepted, d.forgotten_erased, d.reason) for d in verdict.deliveries}
    assert outcome == {  # without her, the CRM file is the one already loaded
        "crm.csv": (False, 2, "already loaded: a file with the same content is in loaded/"),
        "web_again.csv": (True, 3, None)}
    for path in landing.rglob("*.csv"):
        assert not _holds(path.read_text().lower(), ANN_PII), path
