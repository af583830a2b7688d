"""Benchmark: the whole pipeline, sources to audiences, as one Dagster run on the ~1M-source-record
demo estate; then one incremental day through the landing zone.

    .venv/bin/python bench/bench_pipeline.py [--people 341000] [--repeat 3] [--day-share 0.01]

The estate is generated once and cached (bench/out/estate_<people>, shared with the other
benches). Each repeat, side by side:
  full         an empty warehouse and Dagster home, then the code location's `unify_all` job
               (every asset, every partition) as `customer-unification run` does it;
  incremental  a new day of event files (`land_next_day`, a share of each event source's latest
               file) dropped in the landing zone, then what the landing-zone sensor does: take the
               files and run the refresh it asks for (the delivered sources and everything
               downstream, the event partitions of that day only), as `customer-unification ingest`.
Each runs in a fresh subprocess on the embedded DuckDB and the local (SQLite) Dagster instance,
so peak RSS is that run's alone (main process + Great Expectations helper process, added up as
in bench_staging.py). Reports medians of wall, CPU and peak, seconds per layer (STEP_SUCCESS
durations summed by asset group) and the incremental/full ratio; results are appended to
bench/out/results.jsonl.
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
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_profiles import OUT, append_result, ensure_estate  # noqa: E402

TARGET_WALL_S = 180
TARGET_PEAK_MB = 6 * 1024
WAREHOUSE = OUT / "bench_pipeline.duckdb"
EXPORTS = OUT / "pipeline_exports"
LANDING = OUT / "pipeline_landing"
DAGSTER_HOME = OUT / "pipeline_dagster_home"
DAY = "2026-11-02"  # the day after the estate's anchor
TABLES = {
    "staged_records": "staging.unified_records",
    "identity_map_rows": "identity.customer_identity_map",
    "customers": "profiles.golden_profiles",
    "events": "profiles.customer_events",
    "segment_memberships": "segments.segment_membership",
    "audience_members": "activation.audience_members",
}


def layer_of_step(job) -> dict[str, str]:
    """Step key (op name) -> the asset group ("layer") of the assets it materialises."""
    graph = job.asset_layer.asset_graph
    layers = {}
    for assets_def in graph.assets_defs:
        keys = assets_def.keys or {check.asset_key for check in assets_def.check_keys}
        if keys:
            layers[assets_def.node_def.name] = graph.get(next(iter(keys))).group_name
    return layers


def peak_rss_and_cpu() -> tuple[int, int, float]:
    """Peak RSS (MB) of this process and of the GE helper process (stopped first so it is
    counted), and their CPU seconds (user + system) together."""
    from customer_unification.lib.quality import worker

    if worker.enabled():
        worker._executor().shutdown(wait=True)
    own, helper = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + helper.ru_utime + helper.ru_stime
    return round(own.ru_maxrss / 1024), round(helper.ru_maxrss / 1024), round(cpu, 1)


def run_child(kind: str) -> dict:
    """Child process: the full run or the incremental day, in process; wall, peak RSS and seconds
    per step and layer."""
    import dagster as dg

    from customer_unification.pipeline import ingest_landed_files, load_definitions, run_job

    started = time.perf_counter()
    outcome = run_job(log_level="WARNING") if kind == "full" else ingest_landed_files(log_level="WARNING")[1]
    wall = time.perf_counter() - started
    if outcome is None or not outcome.success:
        sys.exit(f"{kind} run failed: {outcome}")
    with dg.DagsterInstance.get() as instance:
        steps = {r.dagster_event.step_key: r.dagster_event.event_specific_data.duration_ms / 1000
                 for r in instance.all_logs(outcome.run_id, of_type=dg.DagsterEventType.STEP_SUCCESS)}
    layer = layer_of_step(load_definitions().resolve_job_def("unify_all"))
    layers = defaultdict(float)
    for step, seconds in steps.items():
        layers[layer.get(step, "other")] += seconds
    layers["(run overhead: wall - steps)"] = wall - sum(steps.values())
    main_mb, helper_mb, cpu = peak_rss_and_cpu()
    return {"wall_s": round(wall, 2), "cpu_s": cpu, "peak_rss_mb": main_mb + helper_mb, "main_peak_rss_mb": main_mb,
            "helper_peak_rss_mb": helper_mb, "layers_s": {k: round(v, 2) for k, v in layers.items()},
            "steps_s": {k: round(v, 2) for k, v in steps.items()}}


def row_counts(warehouse: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {name: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for name, table in TABLES.items()}
    finally:
        con.close()


def fresh_warehouse() -> None:
    for path in (WAREHOUSE, WAREHOUSE.with_name(WAREHOUSE.name + ".wal")):
        path.unlink(missing_ok=True)
    for folder in (EXPORTS, LANDING, DAGSTER_HOME):
        shutil.rmtree(folder, ignore_errors=True)
    DAGSTER_HOME.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[1] / "dagster.yaml", DAGSTER_HOME / "dagster.yaml")


def land_a_day(share: float, env: dict) -> int:
    """A new day of event files in the landing zone; the records landed."""
    import datetime as dt

    from customer_unification.lib.demo.next_day import land_next_day
    from customer_unification.lib.sources.contracts import load_contracts

    os.environ["CU_DEMO_DATA_DIR"] = env["CU_DEMO_DATA_DIR"]
    return sum(land_next_day(load_contracts(), LANDING, dt.date.fromisoformat(DAY), share=share).values())


def child(kind: str, env: dict) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{kind} run failed:\n{done.stderr[-6000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def repeats(people: int, repeat: int, share: float, env: dict) -> None:
    """Full run then incremental day, `repeat` times; medians to results.jsonl."""
    full, incremental = [], []
    for i in range(repeat):
        fresh_warehouse()
        full.append(child("full", env))
        counts = row_counts(WAREHOUSE)
        landed = land_a_day(share, env)
        incremental.append(child("incremental", env))
        for kind, r in (("full", full[-1]), ("incremental", incremental[-1])):
            print(f"run {i + 1} {kind}: wall {r['wall_s']}s, CPU {r['cpu_s']}s (process, imports included), "
                  f"peak {r['peak_rss_mb']} MB (main {r['main_peak_rss_mb']} + GE helper {r['helper_peak_rss_mb']}), "
                  f"layers {r['layers_s']}")
    report(full, benchmark="pipeline (unify_all)", people=people, **counts)
    ratio = statistics.median(i["wall_s"] / f["wall_s"] for f, i in zip(full, incremental))
    report(incremental, targets=False, benchmark="pipeline: one day via the landing zone", people=people, day=DAY,
           records_landed=landed, median_ratio_to_full=round(ratio, 3))


def report(runs: list[dict], targets: bool = True, **labels) -> None:
    """Medians against the targets, printed and appended to bench/out/results.jsonl."""
    median_wall = statistics.median(r["wall_s"] for r in runs)
    median_peak = statistics.median(r["peak_rss_mb"] for r in runs)
    summary = {
        **labels,
        "median_wall_s": median_wall, "walls_s": [r["wall_s"] for r in runs],
        "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "median_peak_rss_mb": median_peak, "peaks_rss_mb": [r["peak_rss_mb"] for r in runs],
        "median_layers_s": {k: statistics.median(r["layers_s"].get(k, 0) for r in runs) for k in runs[0]["layers_s"]},
        "median_steps_s": {k: statistics.median(r["steps_s"].get(k, 0) for r in runs) for k in runs[0]["steps_s"]},
    }
    append_result(summary)
    print(json.dumps({k: v for k, v in summary.items() if k != "median_steps_s"}, indent=2))
    if targets:  # the targets are for the full run
        print(f"median wall {median_wall:.1f} s (target <= {TARGET_WALL_S} s: {met(median_wall <= TARGET_WALL_S)}); "
              f"median peak {median_peak / 1024:.2f} GB (target <= {TARGET_PEAK_MB // 1024} GB: "
              f"{met(median_peak <= TARGET_PEAK_MB)})")


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=341_000)  # ~1.0M source records
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--day-share", type=float, default=0.01, help="share of each event source's latest file landed")
    parser.add_argument("--child", choices=["full", "incremental"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child)))
        return
    env = {**os.environ, "CU_DEMO_DATA_DIR": str(ensure_estate(args.people)), "CU_TRAITS_AS_OF": "2026-11-01",
           "CU_WAREHOUSE_PATH": str(WAREHOUSE), "CU_EXPORTS_DIR": str(EXPORTS), "CU_LANDING_DIR": str(LANDING),
           "DAGSTER_HOME": str(DAGSTER_HOME)}
    for name in ("CU_SOURCES_CONFIG", "CU_PUBLISH_URL"):  # the demo's contracts; nothing published to PostgreSQL
        env.pop(name, None)
    repeats(args.people, args.repeat, args.day_share, env)


if __name__ == "__main__":
    main()
