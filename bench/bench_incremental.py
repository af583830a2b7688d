"""Incremental identity resolution: link 1% new records against existing customers.

On the synthetic people table of bench_identity.py, shuffled so the new records hit existing
customers:
  base          match the first 99% and save the state (nodes, links, model, ids), once
  full          match all records, no state (the cheapest full run: nothing to keep)
  full_state    match all records against a fresh copy of the base state (what an incremental
                run replaces: the same job - ids kept stable, the state saved - done in full)
  incremental   link the remaining 1% against a fresh copy of the base state
Each repeat runs the three side by side, each as the same kind of run: a fresh
`customer-unification match` process. Reported per kind, as medians over the repeats:
  wall        the process from start to exit (imports included)
  in-process  the run itself, as the CLI reports it (after the imports)
  CPU         user + system seconds of the process: steadier than wall on a busy host
(each with the CLI's bytecode cached, see PYCACHE) and the incremental/full ratio of each
against both full runs, pairwise F1 of the outputs against the truth, and how many customers
the new records did not touch kept their customer_id.

    .venv/bin/python bench/bench_incremental.py --records 1000000 --new-share 0.01 --repeat 3
"""

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CLI = str(ROOT / ".venv/bin/customer-unification")
OUT = BENCH / "out"
KINDS = ("full", "full_state", "incremental")
REFERENCES = ("full", "full_state")  # the runs an incremental run is compared with
# Installed code starts from its bytecode cache. A shell with PYTHONDONTWRITEBYTECODE=1 and a
# venv without __pycache__ made every process compile its ~600 modules again (~2 s of each start),
# so the CLI writes and reads its bytecode here (the base run warms it) unless --no-bytecode-cache.
PYCACHE = OUT / "pycache"
# the CLI's summary line: "1,000,000 records -> 402,050 customers in 9.9s (..."
IN_PROCESS = re.compile(r"customers in ([0-9.]+)s")


def cli_env(bytecode_cache: bool) -> dict[str, str]:
    if not bytecode_cache:
        return dict(os.environ)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(PYCACHE)}


def timed(cmd: list[str], env: dict[str, str]) -> dict:
    """Run `cmd`; its wall, in-process and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "in_process_s": float(IN_PROCESS.search(done.stdout).group(1)),
            "cpu_s": round(cpu, 2)}


def match(input_path: Path, output: Path, state: Path | None = None, incremental: bool = False) -> list[str]:
    cmd = [CLI, "match", str(input_path), "--config", str(BENCH / "match_people.yaml"), "--output", str(output)]
    if state:
        cmd += ["--state", str(state)]
    if incremental:
        cmd.append("--incremental")
    return cmd


def f1(output: Path, truth: pd.DataFrame) -> float:
    from customer_unification.lib.matching.evaluate import pairwise_scores

    joined = truth.merge(pd.read_parquet(output, columns=["record_id", "customer_id"]), on="record_id")
    return round(pairwise_scores(joined["customer_id"], joined["true_person"])["f1"], 4)


def id_stability(before_path: Path, after_path: Path, new_ids: set) -> dict:
    """Customers none of the new records joined: did every one of their records keep its id?"""
    before = pd.read_parquet(before_path, columns=["record_id", "customer_id"])
    after = pd.read_parquet(after_path, columns=["record_id", "customer_id"])
    touched = set(after[after["record_id"].isin(new_ids)]["customer_id"])
    joined = before.merge(after, on="record_id", suffixes=("_before", "_after"))
    unaffected = joined[~joined["customer_id_after"].isin(touched)]
    same = unaffected["customer_id_before"] == unaffected["customer_id_after"]
    kept = same.groupby(unaffected["customer_id_before"]).all()  # vectorised: 1M records
    return {"unaffected_customers": int(len(kept)), "unaffected_kept_id": round(float(kept.mean()), 5),
            "customers_touched_by_new_records": len(touched)}


def summary(runs: list[dict]) -> dict:
    """Medians per kind and measure, and the incremental/full ratio of each measure, per full run."""
    medians = {kind: {m: statistics.median(r[kind][m] for r in runs) for m in runs[0][kind]} for kind in KINDS}
    ratios = {ref: {m: round(medians["incremental"][m] / medians[ref][m], 3) for m in medians[ref]}
              for ref in REFERENCES}
    return {"medians": medians, "incremental_share_of": ratios}


def print_table(result: dict) -> None:
    medians, ratios = result["medians"], result["incremental_share_of"]
    print(f"\nmedians of {result['repeat']} run(s), {result['records']:,} records + {result['new_records']:,} new")
    print(f"{'':<14}{'full':>10}{'full_state':>12}{'incremental':>13}{'/ full':>9}{'/ full_state':>14}")
    for m in ("wall_s", "in_process_s", "cpu_s"):
        print(f"{m:<14}{medians['full'][m]:>10.2f}{medians['full_state'][m]:>12.2f}{medians['incremental'][m]:>13.2f}"
              f"{ratios['full'][m]:>9.3f}{ratios['full_state'][m]:>14.3f}")
    print(f"{'F1':<14}{result['f1_full']:>10.4f}{result['f1_full_state']:>12.4f}{result['f1_incremental']:>13.4f}")
    print(f"unaffected customers that kept their id: {result['unaffected_kept_id']:.3%} "
          f"of {result['unaffected_customers']:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--new-share", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="run the CLI as the shell says (PYTHONDONTWRITEBYTECODE=1 compiles every module each run)")
    args = parser.parse_args()
    env = cli_env(not args.no_bytecode_cache)

    sys.path.insert(0, str(BENCH))
    from bench_identity import dataset

    with_truth, engine_input = dataset(args.records, args.seed)
    people = pd.read_parquet(engine_input)
    cut = int(len(people) * (1 - args.new_share))
    work = OUT / f"incremental_{args.records}"
    work.mkdir(parents=True, exist_ok=True)
    base_in, new_in, all_in = work / "base.parquet", work / "new.parquet", work / "all.parquet"
    # the new records arrive last: the tail of a shuffled table, so they hit existing customers
    shuffled = people.sample(frac=1, random_state=args.seed).reset_index(drop=True)
    shuffled.iloc[:cut].to_parquet(base_in)
    shuffled.iloc[cut:].to_parquet(new_in)
    shuffled.to_parquet(all_in)
    base_state, state = work / "base_state.duckdb", work / "state.duckdb"
    base_state.unlink(missing_ok=True)
    base = timed(match(base_in, work / "base_out.parquet", base_state), env)

    runs = []
    for rep in range(1, args.repeat + 1):
        run = {"full": timed(match(all_in, work / "full.parquet"), env)}
        shutil.copyfile(base_state, state)
        run["full_state"] = timed(match(all_in, work / "full_state.parquet", state), env)
        shutil.copyfile(base_state, state)
        run["incremental"] = timed(match(new_in, work / "incremental_out.parquet", state, incremental=True), env)
        runs.append(run)
        print(f"run {rep}: " + ", ".join(f"{kind} {run[kind]['wall_s']:.1f}s wall / {run[kind]['in_process_s']:.1f}s "
                                        f"in process / {run[kind]['cpu_s']:.1f}s CPU" for kind in KINDS), flush=True)

    truth = pd.read_parquet(with_truth, columns=["record_id", "true_person"])
    result = {
        "bench": "identity_incremental", "records": args.records, "new_records": len(people) - cut,
        "repeat": args.repeat, "bytecode_cache": not args.no_bytecode_cache, "base_wall_s": base["wall_s"],
        **summary(runs), "runs": runs,
        "f1_full": f1(work / "full.parquet", truth), "f1_full_state": f1(work / "full_state.parquet", truth),
        "f1_incremental": f1(work / "incremental_out.parquet", truth),
        **id_stability(work / "base_out.parquet", work / "incremental_out.parquet",
                       set(shuffled.iloc[cut:]["record_id"])),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    with (OUT / "identity_results.jsonl").open("a") as f:
        f.write(json.dumps(result) + "\n")
    print_table(result)


if __name__ == "__main__":
    main()
