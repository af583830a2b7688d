"""Benchmark: the whole pipeline, sources to audiences, as one Dagster run on the ~1M-source-record
demo estate.

    .venv/bin/python bench/bench_pipeline.py [--people 341000] [--repeat 3] [--skip-full]

The estate is generated once and cached (bench/out/estate_<people>, shared with the other
benches). Each repeat starts from an empty warehouse file and runs the code location's
`unify_all` job (every asset, all event-log partitions) in a fresh subprocess on the embedded
DuckDB, so peak RSS is that run's alone (main process + Great Expectations helper process, added
up as in bench_staging.py). Reports median wall, each repeat's wall and peak, seconds per layer
(STEP_SUCCESS durations summed by asset group) and the main tables' row counts; results are
appended to bench/out/results.jsonl.
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
from bench_profiles import OUT  # noqa: E402

TARGET_WALL_S = 180
TARGET_PEAK_MB = 6 * 1024
WAREHOUSE = OUT / "bench_pipeline.duckdb"
EXPORTS = OUT / "pipeline_exports"
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


def run_unify_all() -> dict:
    """Child process: `unify_all` as one in-process run; wall, peak RSS and seconds per step/layer."""
    import dagster as dg

    from customer_unification.pipeline import load_definitions, whole_run_tags

    job = load_definitions().resolve_job_def("unify_all")
    started = time.perf_counter()
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=True,
                                    tags=whole_run_tags(job))
    wall = time.perf_counter() - started
    steps = {e.step_key: e.event_specific_data.duration_ms / 1000 for e in result.all_events
             if e.event_type_value == "STEP_SUCCESS"}
    layer = layer_of_step(job)
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


def ensure_estate(people: int) -> Path:
    """The cached demo estate (generated once, as bench_profiles.py does)."""
    data_dir = OUT / f"estate_{people}"
    if not (data_dir / "manifest.json").exists():
        from customer_unification.lib.demo.generate import generate_demo_estate

        OUT.mkdir(exist_ok=True)
        started = time.perf_counter()
        generate_demo_estate(data_dir, people=people, seed=7)
        print(f"generated estate_{people} in {time.perf_counter() - started:.0f}s")
    return data_dir


def fresh_warehouse() -> None:
    for path in (WAREHOUSE, WAREHOUSE.with_name(WAREHOUSE.name + ".wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(EXPORTS, ignore_errors=True)


def full_run_repeats(people: int, repeat: int, env: dict) -> None:
    """Whole pipeline from an empty warehouse, `repeat` times; medians to results.jsonl."""
    runs = []
    for i in range(repeat):
        fresh_warehouse()
        child = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True, text=True)
        if child.returncode != 0:
            sys.exit(f"run {i + 1} failed:\n{child.stderr[-6000:]}")
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
        r = runs[-1]
        print(f"run {i + 1}: wall {r['wall_s']}s, CPU {r['cpu_s']}s (process, imports included), "
              f"peak {r['peak_rss_mb']} MB (main {r['main_peak_rss_mb']} + GE helper {r['helper_peak_rss_mb']}), "
              f"layers {r['layers_s']}")
    report(runs, people=people, **row_counts(WAREHOUSE))


def report(runs: list[dict], **labels) -> None:
    """Medians against the targets, printed and appended to bench/out/results.jsonl."""
    median_wall = statistics.median(r["wall_s"] for r in runs)
    median_peak = statistics.median(r["peak_rss_mb"] for r in runs)
    summary = {
        "benchmark": "pipeline (unify_all)", **labels,
        "median_wall_s": median_wall, "walls_s": [r["wall_s"] for r in runs],
        "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "median_peak_rss_mb": median_peak, "peaks_rss_mb": [r["peak_rss_mb"] for r in runs],
        "median_layers_s": {k: statistics.median(r["layers_s"].get(k, 0) for r in runs) for k in runs[0]["layers_s"]},
        "median_steps_s": {k: statistics.median(r["steps_s"].get(k, 0) for r in runs) for k in runs[0]["steps_s"]},
    }
    with (OUT / "results.jsonl").open("a") as fh:
        fh.write(json.dumps(summary) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "median_steps_s"}, indent=2))
    print(f"median wall {median_wall:.1f} s (target <= {TARGET_WALL_S} s: {met(median_wall <= TARGET_WALL_S)}); "
          f"median peak {median_peak / 1024:.2f} GB (target <= {TARGET_PEAK_MB // 1024} GB: "
          f"{met(median_peak <= TARGET_PEAK_MB)})")


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=341_000)  # ~1.0M source records
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-full", action="store_true", help="skip the whole-pipeline runs")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_unify_all()))
        return
    env = {**os.environ, "CU_DEMO_DATA_DIR": str(ensure_estate(args.people)), "CU_TRAITS_AS_OF": "2026-11-01",
           "CU_WAREHOUSE_PATH": str(WAREHOUSE), "CU_EXPORTS_DIR": str(EXPORTS)}
    for name in ("CU_SOURCES_CONFIG", "CU_PUBLISH_URL"):  # the demo's contracts; nothing published to PostgreSQL
        env.pop(name, None)
    if not args.skip_full:
        full_run_repeats(args.people, args.repeat, env)
    # Hook point: the incremental (daily partition) measurement is added here later.


if __name__ == "__main__":
    main()
