"""`customer-unification`: generate the demo estate, run the pipeline, show what is in the warehouse."""

import argparse
import json
import os
import sys
import time

from customer_unification import settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="customer-unification", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="generate the demo estate (if missing) and run everything")
    _people_args(demo)
    demo.add_argument("--regenerate", action="store_true", help="regenerate the demo files even if present")

    data = sub.add_parser("demo-data", help="generate the demo estate with its ground truth")
    _people_args(data)

    run = sub.add_parser("run", help="materialise assets (default: everything) in the local instance")
    run.add_argument("--select", help="asset selection, e.g. 'key:sources/*' or 'group:staging'")

    sub.add_parser("summary", help="rows per layer and quarantine reasons in the warehouse")

    check = sub.add_parser("check-config", help="validate a sources YAML (default: CU_SOURCES_CONFIG)")
    check.add_argument("path", nargs="?")

    args = parser.parse_args(argv)
    settings.apply_local_defaults()
    return {"demo": _demo, "demo-data": _demo_data, "run": _run, "summary": _summary,
            "check-config": _check_config}[args.command](args)


def _people_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=int, default=10_000, help="people in the estate (default 10,000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help="output folder (default: CU_DEMO_DATA_DIR, i.e. data/demo)")


def _demo_data(args: argparse.Namespace) -> int:
    from customer_unification.lib.demo.generate import generate_demo_estate

    out = args.out or settings.demo_data_dir()
    started = time.perf_counter()
    manifest = generate_demo_estate(out, people=args.people, seed=args.seed)
    records = {name: info["records"] for name, info in manifest["sources"].items()}
    print(f"Demo estate: {args.people:,} people, {sum(records.values()):,} source records in {out} "
          f"({time.perf_counter() - started:.1f}s)")
    for source, count in records.items():
        print(f"  {source:<24}{count:>10,}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    if args.out:  # the demo sources config reads the estate from CU_DEMO_DATA_DIR
        os.environ["CU_DEMO_DATA_DIR"] = str(args.out)
    manifest = settings.demo_data_dir() / "manifest.json"
    existing = json.loads(manifest.read_text()) if manifest.exists() else {}
    if args.regenerate or (existing.get("people"), existing.get("seed")) != (args.people, args.seed):
        _demo_data(args)
    else:
        print(f"Demo estate already in {manifest.parent} (use --regenerate to rebuild it)")
    return _run(argparse.Namespace(select=None))


def _run(args: argparse.Namespace) -> int:
    from customer_unification.pipeline import run_job

    started = time.perf_counter()
    outcome = run_job(selection=args.select)
    print(f"\nRun {outcome.run_id} {'succeeded' if outcome.success else 'FAILED'} "
          f"in {time.perf_counter() - started:.1f}s (open it in the UI: make ui)\n")
    _summary(args)
    for check in outcome.failed_checks:
        print(f"FAILED check: {check}")
    for asset in outcome.not_materialized:
        print(f"not materialised (blocked upstream): {asset}")
    return 0 if outcome.success else 1


def _summary(_: argparse.Namespace) -> int:
    from customer_unification.lib.summary import summarize

    path = settings.warehouse_path()
    print(f"Warehouse: {path}")
    print(summarize(path).render())
    return 0


def _check_config(args: argparse.Namespace) -> int:
    from customer_unification.lib.sources.contracts import ContractError, load_contracts

    try:
        config = load_contracts(args.path)
    except ContractError as e:
        print(f"invalid: {e}", file=sys.stderr)
        return 2
    print(f"{config.config_path}: {len(config.sources)} sources OK ({', '.join(s.name for s in config.sources)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
