"""Benchmark: segments + audiences (with exports) + KPIs + attribution on the ~1M-source-record
demo estate.

    .venv/bin/python bench/bench_activation.py [--people 341000] [--repeat 3]

Uses bench_profiles.py's cached base warehouse (sources -> identity), builds the profiles layer
once on a copy, then each repeat copies that and materialises `group:segments or
group:activation or group:analytics` as one run in a fresh subprocess. Reports median wall time,
per-step times and peak RSS; appended to bench/out/results.jsonl.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_profiles import OUT, materialize, report_medians, run_child  # noqa: E402

SELECTION = "group:segments or group:activation or group:analytics"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=341_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(materialize(args.child)))
        return
    base = OUT / f"profiles_base_{args.people}.duckdb"
    if not base.exists():
        subprocess.run([sys.executable, str(Path(__file__).parent / "bench_profiles.py"), "--people",
                        str(args.people), "--repeat", "1"], check=True)
    env = {**os.environ, "CU_DEMO_DATA_DIR": str(OUT / f"estate_{args.people}"), "CU_TRAITS_AS_OF": "2026-11-01",
           "CU_EXPORTS_DIR": str(OUT / "exports")}
    with_profiles = OUT / f"activation_base_{args.people}.duckdb"
    if not with_profiles.exists():
        shutil.copyfile(base, with_profiles)
        subprocess.run([sys.executable, __file__, "--child", "group:profiles"], check=True, capture_output=True,
                       env={**env, "CU_WAREHOUSE_PATH": str(with_profiles)})
    warehouse = OUT / "bench_activation.duckdb"
    runs = []
    for _ in range(args.repeat):
        shutil.copyfile(with_profiles, warehouse)
        shutil.rmtree(OUT / "exports", ignore_errors=True)
        runs.append(run_child([__file__, "--child", SELECTION], {**env, "CU_WAREHOUSE_PATH": str(warehouse)}))
    report_medians(runs, benchmark="segments+activation+analytics", people=args.people)


if __name__ == "__main__":
    main()
