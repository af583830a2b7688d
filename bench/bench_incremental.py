"""Incremental identity resolution: link 1% new records against existing customers.

Runs, each in a fresh process on the same synthetic people table as bench_identity.py:
  full        match all records (the reference cost)
  base        match the first 99% and save the state (nodes, links, model, ids)
  incremental link the remaining 1% against that state
Reports the incremental run's time as a share of the full run, and how many customers whose
records the new ones did not touch kept their customer_id.

    .venv/bin/python bench/bench_incremental.py --records 1000000 --new-share 0.01
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CLI = str(ROOT / ".venv/bin/customer-unification")
OUT = BENCH / "out"


def timed(cmd: list[str]) -> dict:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # max over children so far
    return {"wall_s": round(wall, 2), "peak_rss_mb_so_far": round(peak)}


def match(input_path: Path, output: Path, state: Path | None = None, incremental: bool = False) -> list[str]:
    cmd = [CLI, "match", str(input_path), "--config", str(BENCH / "match_people.yaml"), "--output", str(output)]
    if state:
        cmd += ["--state", str(state)]
    if incremental:
        cmd.append("--incremental")
    return cmd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--new-share", type=float, default=0.01)
    args = parser.parse_args()

    sys.path.insert(0, str(BENCH))
    from bench_identity import dataset

    _, engine_input = dataset(args.records, args.seed)
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
    state = work / "state.duckdb"
    state.unlink(missing_ok=True)

    full = timed(match(all_in, work / "full.parquet"))
    base = timed(match(base_in, work / "base_out.parquet", state))
    incremental = timed(match(new_in, work / "incremental_out.parquet", state, incremental=True))

    before = pd.read_parquet(work / "base_out.parquet")[["record_id", "customer_id"]]
    after = pd.read_parquet(work / "incremental_out.parquet")[["record_id", "customer_id"]]
    new_ids = set(shuffled.iloc[cut:]["record_id"])
    touched = set(after[after["record_id"].isin(new_ids)]["customer_id"])
    joined = before.merge(after, on="record_id", suffixes=("_before", "_after"))
    # customers none of the new records joined: did every one of their records keep its id?
    unaffected = joined[~joined["customer_id_after"].isin(touched)]
    same = unaffected["customer_id_before"] == unaffected["customer_id_after"]
    kept = same.groupby(unaffected["customer_id_before"]).all()  # vectorised: 1M records
    result = {
        "bench": "identity_incremental", "records": args.records, "new_records": len(new_ids),
        "full_wall_s": full["wall_s"], "base_wall_s": base["wall_s"], "incremental_wall_s": incremental["wall_s"],
        "incremental_share_of_full": round(incremental["wall_s"] / full["wall_s"], 3),
        "unaffected_customers": int(len(kept)), "unaffected_kept_id": round(float(kept.mean()), 5),
        "customers_touched_by_new_records": len(touched),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    with (OUT / "identity_results.jsonl").open("a") as f:
        f.write(json.dumps(result) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
