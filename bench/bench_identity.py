"""Benchmark: our identity resolution vs Splink 5 (DuckDB) on one synthetic people table.

    .venv/bin/python bench/bench_identity.py --records 1000000 --repeat 3 --engines ours,splink

Generates the table once (cached in bench/out/), then runs every engine once per repeat, each in
a fresh process, and scores its clusters against the ground truth (pairwise and B-cubed).
Engines read a copy of the table without the `true_person` column.

Peak memory is the engine process's ru_maxrss. Linux carries the spawning process's RSS high
water mark into a freshly exec'd child's ru_maxrss, so a big benchmark process would inflate
small engines' figures: each engine is therefore started by a tiny launcher process
(`--measure`, stdlib only), which reads RUSAGE_CHILDREN right after the engine exits. RSS covers
all of the engine's threads (DuckDB's included) and any helper processes it waits for.

Results are appended to bench/out/identity_results.jsonl; the table shows medians over repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
RESULTS = OUT / "identity_results.jsonl"
PYTHON = sys.executable


# ---------------------------------------------------------------- engines
def ours_command(input_path: Path, output_path: Path, threshold: float) -> list[str]:
    """Our engine's CLI; writes record_id, customer_id, match_confidence, matched_by.

    Its match threshold lives in the YAML config, so `threshold` applies to Splink only.
    """
    return [str(ROOT / ".venv/bin/customer-unification"), "match", str(input_path),
            "--config", str(BENCH / "match_people.yaml"), "--output", str(output_path)]


def splink_command(input_path: Path, output_path: Path, threshold: float) -> list[str]:
    return [PYTHON, str(BENCH / "splink_baseline.py"), str(input_path),
            "--output", str(output_path), "--threshold", str(threshold)]


# engine -> (command builder, column of the output parquet that holds the cluster id)
ENGINES = {
    "ours": (ours_command, "customer_id"),
    "splink": (splink_command, "cluster_id"),
}


# ---------------------------------------------------------------- measuring
def measure_child(cmd: list[str], log_path: Path) -> dict:
    """Launcher side: run `cmd` to completion, return its wall time and peak RSS."""
    started = time.perf_counter()
    with open(log_path, "w") as log:
        try:
            code = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT).returncode
        except OSError as e:  # e.g. the engine's executable is missing
            print(f"cannot start {cmd[0]}: {e}", file=log)
            code = 127
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the engine and what it waited for
    return {"returncode": code, "wall_s": round(wall, 2),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),  # less sensitive to a busy host
            "peak_rss_mb": round(usage.ru_maxrss / 1024)}  # ru_maxrss is in KiB on Linux


def run_measured(cmd: list[str], log_path: Path) -> dict:
    """Run `cmd` under a fresh launcher process; see the module docstring for why."""
    launcher = [PYTHON, str(Path(__file__).resolve()), "--measure", str(log_path), "--", *cmd]
    done = subprocess.run(launcher, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- data
def dataset(records: int, seed: int) -> tuple[Path, Path]:
    """(table with truth, engine input without it), generated once per (records, seed)."""
    sys.path.insert(0, str(BENCH))
    from synth_people import VERSION, generate

    stem = f"people_{records}_seed{seed}_v{VERSION}"
    full, engine_input = OUT / f"{stem}.parquet", OUT / f"{stem}.input.parquet"
    if not (full.exists() and engine_input.exists()):
        started = time.perf_counter()
        frame = generate(records, seed)
        OUT.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(full, index=False)
        frame.drop(columns="true_person").to_parquet(engine_input, index=False)
        print(f"generated {records:,} records of {frame['true_person'].nunique():,} people "
              f"in {time.perf_counter() - started:.1f}s -> {full.name}")
    return full, engine_input


def score(output_path: Path, cluster_col: str, truth) -> dict:
    """Pairwise and B-cubed scores; records an engine left out count as singletons."""
    import pandas as pd

    from customer_unification.lib.matching.evaluate import pairwise_scores

    pred = pd.read_parquet(output_path, columns=["record_id", cluster_col])
    joined = truth.merge(pred, on="record_id", how="left")
    missing = joined[cluster_col].isna()
    clusters = joined[cluster_col].astype(str).where(~missing, "missing:" + joined["record_id"].astype(str))
    scores = pairwise_scores(clusters, joined["true_person"])
    scores["clusters"] = int(pred[cluster_col].nunique())
    scores["output_records"] = len(pred)
    return scores


# ---------------------------------------------------------------- benchmark
def run_engine(engine: str, records: int, seed: int, rep: int, threshold: float,
               engine_input: Path, truth) -> dict:
    build, cluster_col = ENGINES[engine]
    output = OUT / f"identity_{engine}_{records}.parquet"
    log = OUT / f"identity_{engine}_{records}.log"
    output.unlink(missing_ok=True)
    measured = run_measured(build(engine_input, output, threshold), log)
    row = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S"), "engine": engine, "records": records,
           "seed": seed, "repeat": rep, "threshold": threshold, "host": _host(), **measured}
    row["ok"] = measured["returncode"] == 0 and output.exists()
    if row["ok"]:
        row.update({k: (round(v, 6) if isinstance(v, float) else v)
                    for k, v in score(output, cluster_col, truth).items()})
    else:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        print(f"  {engine} FAILED (exit {measured['returncode']}), see {log}:\n    " + "\n    ".join(tail))
    return row


def _host() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine()}


def summarize(rows: list[dict], engines: list[str]) -> str:
    """Side-by-side medians, and ours/splink ratios for time and memory."""
    cols = [("wall_s", "wall s", "{:.1f}"), ("cpu_s", "CPU s", "{:.1f}"), ("peak_rss_mb", "peak MB", "{:,.0f}"),
            ("precision", "P", "{:.4f}"), ("recall", "R", "{:.4f}"), ("f1", "F1", "{:.4f}"),
            ("bcubed_f1", "B3 F1", "{:.4f}"), ("clusters", "clusters", "{:,.0f}")]
    med = {e: _medians([r for r in rows if r["engine"] == e and r["ok"]], [c[0] for c in cols])
           for e in engines}
    lines = [f"{'engine':<8}{'runs':>5}" + "".join(f"{h:>11}" for _, h, _ in cols)]
    for e in engines:
        runs = sum(r["ok"] for r in rows if r["engine"] == e)
        cells = "".join(f"{(fmt.format(med[e][k]) if med[e].get(k) is not None else '-'):>11}"
                        for k, _, fmt in cols)
        lines.append(f"{e:<8}{runs:>5}{cells}")
    if {"ours", "splink"} <= set(engines) and all(med[e] for e in ("ours", "splink")):
        t = med["ours"]["wall_s"] / med["splink"]["wall_s"]
        m = med["ours"]["peak_rss_mb"] / med["splink"]["peak_rss_mb"]
        lines.append(f"ours/splink: time x{t:.2f}, memory x{m:.2f}")
    return "\n".join(lines)


def _medians(rows: list[dict], keys: list[str]) -> dict:
    return {k: statistics.median(r[k] for r in rows) for k in keys} if rows else {}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":  # launcher mode: --measure LOG -- CMD...
        print(json.dumps(measure_child(sys.argv[4:], Path(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="ours,splink")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=0.95, help="Splink match probability")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")

    import pandas as pd

    full, engine_input = dataset(args.records, args.seed)
    truth = pd.read_parquet(full, columns=["record_id", "true_person"])
    rows = []
    for rep in range(1, args.repeat + 1):
        for engine in engines:
            row = run_engine(engine, args.records, args.seed, rep, args.threshold, engine_input, truth)
            rows.append(row)
            with open(RESULTS, "a") as fh:
                fh.write(json.dumps(row) + "\n")
            if row["ok"]:
                print(f"  run {rep} {engine:<7} {row['wall_s']:>8.1f}s (CPU {row['cpu_s']:.1f}s) "
                      f"{row['peak_rss_mb']:>7,} MB  "
                      f"P {row['precision']:.4f} R {row['recall']:.4f} F1 {row['f1']:.4f} "
                      f"B3-F1 {row['bcubed_f1']:.4f}")
    sizes = truth["true_person"].value_counts().to_numpy()
    print(f"\n{args.records:,} records, {len(sizes):,} true people, "
          f"{int((sizes * (sizes - 1) // 2).sum()):,} true pairs; medians of {args.repeat} run(s)")
    print(summarize(rows, engines))


if __name__ == "__main__":
    main()
