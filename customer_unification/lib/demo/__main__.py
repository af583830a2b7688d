"""python -m customer_unification.lib.demo [OUT_DIR] [--people N] [--seed S]"""

import argparse
import json

from customer_unification.lib.demo import generate_demo_estate


def main() -> None:
    ap = argparse.ArgumentParser(description="Generate the demo customer-data estate.")
    ap.add_argument("out_dir", nargs="?", default="data/demo")
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    manifest = generate_demo_estate(args.out_dir, people=args.people, seed=args.seed)
    print(json.dumps({k: v["records"] for k, v in manifest["sources"].items()} | {"total": manifest["total_records"]}, indent=2))


if __name__ == "__main__":
    main()
