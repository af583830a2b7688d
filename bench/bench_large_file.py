"""Benchmark: one ~1 GB CSV delivery, from the landing zone to the raw layer (and, optionally, staged).

    .venv/bin/python bench/bench_large_file.py [--gb 1.0] [--stage-mb 100] [--keep]

Builds the file in /tmp (the demo CRM export's columns and contract, its rows repeated under new
record keys until the size is reached), then measures each step in a fresh subprocess, so each
peak memory (the process's high-water mark, VmHWM) is that step's alone:

  reject   the default limit turned below the file's size: it is rejected by its size, unread
  admit    CU_MAX_FILE_BYTES raised above it: the landing zone's two looks, reading it in pieces
           of whole records, accepting it into pending/
  raw      what the source asset and the IO manager do with it: read it whole into the raw table
           (one transaction into a DuckDB file)
  stage    standardising a slice of `--stage-mb` MB of it (the staging step holds raw + staged
           frames: the figure per MB is what the file-size limit is set from)

Results are printed and appended to bench/out/results.jsonl.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
SOURCE = "crm_contacts"


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def build_file(target: Path, size: int, work: Path) -> int:
    """A CSV of about `size` bytes shaped like the demo CRM export; returns its record count."""
    from customer_unification.lib.demo.generate import generate_demo_estate

    estate = work / "estate"
    generate_demo_estate(estate, people=2000, seed=3)
    lines = (estate / "crm" / "contacts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], [r for r in lines[1:] if r.strip()]
    key_at = header.rstrip("\r\n").split(",").index("contact_id")
    assert key_at == 0, "the record key is expected first (rows are re-keyed by their first field)"
    records = 0
    with target.open("w", encoding="utf-8", newline="") as out:
        out.write(header)
        written, copy = len(header), 0
        while written < size:
            copy += 1
            block = "".join(f"B{copy:04d}-{row}" for row in rows)
            out.write(block)
            written += len(block.encode("utf-8"))
            records += len(rows)
    return records


def step(name: str, landing: Path, config: Path, limit: int, stage_mb: int) -> dict:
    """Child process: one step, one JSON line of figures."""
    os.environ["CU_MAX_FILE_BYTES"] = str(limit)
    from customer_unification.lib.landing import LandingZone
    from customer_unification.lib.sources.contracts import load_contracts

    contracts = load_contracts(config)
    contract = contracts.get(SOURCE)
    started = time.perf_counter()
    figures: dict = {}
    if name in ("reject", "admit"):
        zone = LandingZone(landing, contracts)
        first = zone.take({})
        [delivery] = zone.take(first.arriving).deliveries
        figures = {"accepted": delivery.accepted, "records": delivery.records, "reason": delivery.reason}
    elif name == "raw":
        import duckdb

        from customer_unification.lib.sources.readers import read_source
        from customer_unification.lib.staging.schema import raw_column_types
        from customer_unification.resources.table_writes import TableWrite, write_tables

        raw = read_source(contracts, contract, landed=LandingZone(landing, contracts).admitted_files(SOURCE))
        read_s = time.perf_counter() - started
        with duckdb.connect(str(landing.parent / "bench.duckdb")) as con:
            write_tables(con, [TableWrite("sources", SOURCE, raw, raw_column_types(contract))])
        figures = {"records": len(raw), "read_s": round(read_s, 1)}
    elif name == "stage":
        import datetime as dt

        from customer_unification.lib.sources.readers import read_files
        from customer_unification.lib.staging.standardize import standardize

        [path] = LandingZone(landing, contracts).admitted_files(SOURCE)
        piece = landing.parent / "slice" / path.name
        piece.parent.mkdir(exist_ok=True)
        with path.open("rb") as src, piece.open("wb") as dst:
            dst.write(src.readline())  # the header
            while dst.tell() < stage_mb << 20 and (line := src.readline()):
                dst.write(line)
        raw = read_files([piece], contract, contracts)
        result = standardize(raw, contract, loaded_at=dt.datetime.now(dt.timezone.utc))
        figures = {"records": len(raw), "staged": len(result.clean), "quarantined": len(result.quarantine),
                   "slice_mb": round(piece.stat().st_size / 2**20, 1)}
    figures.update(step=name, wall_s=round(time.perf_counter() - started, 1), peak_rss_mb=round(_peak_mb()))
    return figures


def _child(name: str, landing: Path, config: Path, limit: int, stage_mb: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", name, str(landing), str(config), str(limit),
                          str(stage_mb)], capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"step {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _sources_yaml(folder: Path) -> Path:
    """The demo contract of crm_contacts, alone, reading only the landing zone."""
    import yaml

    demo = yaml.safe_load((REPO / "customer_unification" / "demo" / "sources.yaml").read_text())
    [crm] = [s for s in demo["sources"] if s["name"] == SOURCE]
    crm["location"] = "history/*.csv"  # nothing there: the landing zone is where it arrives
    (folder / "history").mkdir(exist_ok=True)
    config = folder / "sources.yaml"
    config.write_text(yaml.safe_dump({"base_dir": ".", "sources": [crm]}, sort_keys=False))
    return config


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gb", type=float, default=1.0, help="file size in GB (10^9 bytes; default 1.0)")
    parser.add_argument("--stage-mb", type=int, default=100, help="MB of it to standardise (default 100)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder in /tmp")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cu_bench_large_", dir="/tmp"))
    try:
        config = _sources_yaml(work)
        landing = work / "landing"
        started = time.perf_counter()
        name = "contacts_big.csv"
        records = build_file(work / name, int(args.gb * 1e9), work)
        size = (work / name).stat().st_size
        print(f"built {size / 1e9:.2f} GB, {records:,} records in {time.perf_counter() - started:.0f}s: {work / name}")
        results = {"bench": "large_file", "file_bytes": size, "file_records": records, "steps": []}

        (landing / SOURCE).mkdir(parents=True)
        os.link(work / name, landing / SOURCE / name)  # a second name: the rejected copy moves away
        results["steps"].append(_child("reject", landing, config, size // 2, args.stage_mb))
        shutil.rmtree(landing)
        (landing / SOURCE).mkdir(parents=True)
        os.rename(work / name, landing / SOURCE / name)
        for name_ in ("admit", "raw", "stage"):
            results["steps"].append(_child(name_, landing, config, size * 2, args.stage_mb))
        for figures in results["steps"]:
            print(json.dumps(figures))
        OUT.mkdir(parents=True, exist_ok=True)
        with (OUT / "results.jsonl").open("a") as fh:
            fh.write(json.dumps({**results, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _, _, step_name, landing_dir, config_path, limit_bytes, stage = sys.argv
        print(json.dumps(step(step_name, Path(landing_dir), Path(config_path), int(limit_bytes), int(stage))))
    else:
        main()
