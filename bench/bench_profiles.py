"""Benchmark: the profiles layer (event log, customer events, golden profiles, contact points,
consent ledger, churn model, traits) on the ~1M-source-record demo estate.

    .venv/bin/python bench/bench_profiles.py [--people 341000] [--repeat 3]

Sources -> staging -> identity run once into a cached base warehouse (bench/out/); each repeat
copies it and materialises `group:profiles` in a fresh subprocess (peak memory is that run's
alone), as one Dagster run covering every event-log partition. Reports median wall time, per-step
times and peak RSS; results are appended to bench/out/results.jsonl.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def materialize(selection: str) -> dict:
    """In this process: materialise `selection` as one run; wall time and per-step seconds."""
    import dagster as dg

    from customer_unification.pipeline import load_definitions, whole_run_tags

    definitions = load_definitions()
    job = dg.define_asset_job("bench", selection=selection)
    definitions = dg.Definitions.merge(definitions, dg.Definitions(jobs=[job]))
    job = definitions.resolve_job_def("bench")
    started = time.perf_counter()
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=True,
                                    tags=whole_run_tags(job))
    wall = time.perf_counter() - started
    steps = {e.step_key: round(e.event_specific_data.duration_ms / 1000, 2) for e in result.all_events
             if e.event_type_value == "STEP_SUCCESS"}
    return {"wall_s": round(wall, 2), "steps_s": steps,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def counts(warehouse: str) -> dict:
    import duckdb

    con = duckdb.connect(warehouse, read_only=True)
    try:
        return {name: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for name, table in {
            "staged_records": "staging.unified_records", "customers": "profiles.golden_profiles",
            "events": "profiles.customer_events", "contact_points": "profiles.contact_points"}.items()}
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=341_000)  # ~1.0M source records
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["base", "profiles"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = OUT / f"estate_{args.people}"
    base = OUT / f"profiles_base_{args.people}.duckdb"
    env = {**os.environ, "CU_DEMO_DATA_DIR": str(data_dir), "CU_TRAITS_AS_OF": "2026-11-01"}
    if args.child:
        selection = "group:sources or group:staging or group:quarantine or group:identity" if args.child == "base" else "group:profiles"
        print(json.dumps(materialize(selection)))
        return

    ensure_estate(args.people)
    if not base.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--people", str(args.people), "--child", "base"],
                       env={**env, "CU_WAREHOUSE_PATH": str(base)}, check=True, capture_output=True)
        print(f"base warehouse (sources -> identity) built in {time.perf_counter() - started:.0f}s")
    runs = []
    warehouse = OUT / "bench_profiles.duckdb"
    for _ in range(args.repeat):
        shutil.copyfile(base, warehouse)
        runs.append(run_child([__file__, "--people", str(args.people), "--child", "profiles"],
                              {**env, "CU_WAREHOUSE_PATH": str(warehouse)}))
    report_medians(runs, benchmark="profiles", people=args.people, **counts(str(warehouse)))


def run_child(args: list[str], env: dict) -> dict:
    """One repeat in a fresh process; its last stdout line is the figures."""
    child = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, check=True)
    run = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"wall {run['wall_s']}s, peak {run['peak_rss_mb']} MB, steps {run['steps_s']}")
    return run


def report_medians(runs: list[dict], **labels) -> None:
    """Medians over the repeats, printed and appended to bench/out/results.jsonl."""
    summary = {
        **labels,
        "median_wall_s": statistics.median(r["wall_s"] for r in runs),
        "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
        "median_steps_s": {k: statistics.median(r["steps_s"][k] for r in runs) for k in runs[0]["steps_s"]},
    }
    append_result(summary)
    print(json.dumps(summary, indent=2))


def append_result(summary: dict) -> None:
    """One line of bench/out/results.jsonl, the history every bench appends to."""
    with (OUT / "results.jsonl").open("a") as fh:
        fh.write(json.dumps(summary) + "\n")


def ensure_estate(people: int) -> Path:
    """The demo estate of `people` people, generated once (seed 7) and cached in bench/out/."""
    data_dir = OUT / f"estate_{people}"
    if not (data_dir / "manifest.json").exists():
        from customer_unification.lib.demo.generate import generate_demo_estate

        OUT.mkdir(exist_ok=True)
        started = time.perf_counter()
        generate_demo_estate(data_dir, people=people, seed=7)
        print(f"generated {people:,} people in {time.perf_counter() - started:.1f}s")
    return data_dir


if __name__ == "__main__":
    main()
