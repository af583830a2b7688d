"""Benchmark: ~1M demo source records through sources -> staging on the embedded DuckDB.

    .venv/bin/python bench/bench_staging.py [--people 400000] [--repeat 3]

Generates the estate once (cached under bench/out/), then runs the materialisation in fresh
subprocesses (so peak memory is the pipeline's alone) and reports median wall time, per-step
times and peak RSS (the run's process plus its Great Expectations helper process, added up). Results are appended to bench/out/results.jsonl.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_profiles import OUT, append_result, ensure_estate  # noqa: E402


def run_once(people: int) -> dict:
    """Child process: materialise sources+staging, print one JSON line of figures."""
    import dagster as dg

    from customer_unification.pipeline import load_definitions, whole_run_tags

    definitions = load_definitions()
    job = dg.define_asset_job("bench_staging", selection="group:sources or group:staging or group:quarantine")
    job = dg.Definitions.merge(definitions, dg.Definitions(jobs=[job])).resolve_job_def("bench_staging")
    started = time.perf_counter()
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=True,
                                    tags=whole_run_tags(job))  # every day partition, in one run
    wall = time.perf_counter() - started
    steps = {e.step_key: e.event_specific_data.duration_ms / 1000 for e in result.all_events
             if e.event_type_value == "STEP_SUCCESS"}
    import duckdb

    con = duckdb.connect(os.environ["CU_WAREHOUSE_PATH"], read_only=True)
    staged = con.execute("SELECT count(*) FROM staging.unified_records").fetchall()[0][0]
    quarantined = sum(con.execute(f'SELECT count(*) FROM quarantine."{t}"').fetchall()[0][0]
                      for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                               "WHERE table_schema='quarantine'").fetchall())
    # The GE helper process is a child of this one: stop it so its peak shows in RUSAGE_CHILDREN,
    # and report main + helper peaks added up (an upper bound: the two peaks need not coincide).
    from customer_unification.lib.quality import worker

    if worker.enabled():
        worker._executor().shutdown(wait=True)
    main_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    helper_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall_s": round(wall, 2), "peak_rss_mb": round(main_mb + helper_mb),
            "main_peak_rss_mb": round(main_mb), "helper_peak_rss_mb": round(helper_mb),
            "staged": staged, "quarantined": quarantined, "steps_s": steps}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=400_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = OUT / f"estate_{args.people}"
    env = {**os.environ, "CU_DEMO_DATA_DIR": str(data_dir), "CU_WAREHOUSE_PATH": str(OUT / "bench.duckdb")}
    if args.child:
        print(json.dumps(run_once(args.people)))
        return

    ensure_estate(args.people)
    records = sum(s["records"] for s in json.loads((data_dir / "manifest.json").read_text())["sources"].values())
    runs = []
    for i in range(args.repeat):
        Path(env["CU_WAREHOUSE_PATH"]).unlink(missing_ok=True)
        child = subprocess.run([sys.executable, __file__, "--people", str(args.people), "--child"],
                               env=env, capture_output=True, text=True, check=True)
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(f"run {i + 1}: {runs[-1]['wall_s']}s, peak {runs[-1]['peak_rss_mb']} MB "
              f"(main {runs[-1]['main_peak_rss_mb']} + GE helper {runs[-1]['helper_peak_rss_mb']})")
    summary = {
        "benchmark": "staging", "people": args.people, "source_records": records,
        "median_wall_s": statistics.median(r["wall_s"] for r in runs),
        "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
        "median_main_and_helper_rss_mb": [statistics.median(r["main_peak_rss_mb"] for r in runs),
                                          statistics.median(r["helper_peak_rss_mb"] for r in runs)],
        "records_per_s": round(records / statistics.median(r["wall_s"] for r in runs)),
        "staged": runs[-1]["staged"], "quarantined": runs[-1]["quarantined"],
        "median_steps_s": {k: statistics.median(r["steps_s"][k] for r in runs) for k in runs[0]["steps_s"]},
    }
    append_result(summary)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
