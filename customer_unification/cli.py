"""`customer-unification`: generate the demo estate, run the pipeline, show what is in the warehouse."""

import argparse
import datetime as dt
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
    check.add_argument("--files", action="store_true",
                       help="also read a sample of each source and stage it: columns found, per-field valid "
                            "rates, date formats, unknown event types and consent values (exit 1 on a problem)")
    check.add_argument("--sample", type=int, default=2000, help="records per source with --files (default 2,000)")

    match = sub.add_parser("match", help="resolve the person records of a file into customers")
    match.add_argument("input", help="Parquet, CSV or JSON-lines file of records")
    match.add_argument("--config", required=True, help="match configuration YAML (see default_match.yaml)")
    match.add_argument("--output", required=True, help="Parquet file to write: key columns + customer_id, "
                                                       "match_confidence, matched_by")
    match.add_argument("--state", help="DuckDB file keeping the run: stable ids next time, --incremental")
    match.add_argument("--incremental", action="store_true", help="link only records the state has not seen")
    match.add_argument("--overrides", help="CSV of steward decisions: left,right,decision[,reason]")
    match.add_argument("--labels", help="CSV of labelled pairs (customer-unification label): left,right,label")
    match.add_argument("--blocking-report", action="store_true",
                       help="print what each blocking rule proposed, found and cost on this data")

    explain = sub.add_parser("explain", help="why two records were (not) linked, or what holds a customer")
    explain.add_argument("records", nargs="*", help="two record keys, e.g. crm_contacts|C1000001 webshop_orders|WS-1")
    explain.add_argument("--customer", help="a customer_id: list the links holding it together")
    explain.add_argument("--state", help="a `match --state` file instead of the warehouse")
    explain.add_argument("--config", help="match configuration (default: CU_MATCH_CONFIG or the bundled one)")

    label = sub.add_parser("label", help="teach identity resolution: answer whether the pairs it is least sure "
                                         "of are the same person (masked unless --show)")
    label.add_argument("--input", help="a Parquet, CSV or JSON-lines file of records (default: the warehouse's "
                                       "staged records)")
    label.add_argument("--config", help="match configuration (default: CU_MATCH_CONFIG or the bundled one)")
    label.add_argument("--labels", help="labels CSV to extend (default: CU_IDENTITY_LABELS or "
                                        "data/identity_labels.csv)")
    label.add_argument("--pairs", type=int, default=20, help="pairs to ask about (default 20)")
    label.add_argument("--show", action="store_true", help="show the records' values unmasked")

    forget = sub.add_parser("forget", help="remove a person from every table and suppress their identifiers")
    who = forget.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", help="a customer_id")
    who.add_argument("--email")
    who.add_argument("--phone", help="E.164 (+44...), or a US number")
    forget.add_argument("--reason", help="kept in the audit: no personal data")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    key = sub.add_parser("suppression-key", help="whether the suppression list was hashed with the key in use")
    key.add_argument("--adopt", action="store_true",
                     help="record that a list from before key fingerprints was hashed with the key in use")

    profile = sub.add_parser("profile", help="one customer's golden profile, provenance, consent and timeline "
                                            "(shows personal data: by explicit request only)")
    profile.add_argument("query", help="a customer_id, an email address or a phone number")
    profile.add_argument("--events", type=int, default=15, help="recent events to show (default 15)")

    land = sub.add_parser("land-day", help="drop a new day of demo event files into the landing zone")
    land.add_argument("--day", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today, UTC)")
    land.add_argument("--share", type=float, default=0.005, help="share of each source's latest file (default 0.005)")
    land.add_argument("--ingest", action="store_true", help="then ingest them now, as the landing-zone sensor would")

    sub.add_parser("ingest", help="take the complete files of the landing zone and refresh what depends on them "
                                  "(what the landing_zone sensor does under dagster dev)")

    args = parser.parse_args(argv)
    settings.apply_local_defaults()
    return {"demo": _demo, "demo-data": _demo_data, "run": _run, "summary": _summary,
            "check-config": _check_config, "match": _match, "explain": _explain,
            "profile": _profile, "label": _label, "land-day": _land_day, "ingest": _ingest,
            "forget": _forget, "suppression-key": _suppression_key}[args.command](args)


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
    from customer_unification.lib.sources.contracts import ContractError
    from customer_unification.pipeline import RunRefused, run_job

    started = time.perf_counter()
    try:
        outcome = run_job(selection=args.select)
    except (RunRefused, ContractError) as e:
        print(f"not run, nothing written: {e}", file=sys.stderr)
        return 2
    return _report(outcome, started, args)


def _report(outcome, started: float, args: argparse.Namespace) -> int:
    """How a run went, then what is in the warehouse."""
    for run_id in outcome.abandoned:
        print(f"Run {run_id} was left STARTED by a process that is gone (killed?): marked FAILED")
    print(f"\nRun {outcome.run_id} {'succeeded' if outcome.success else 'FAILED'} "
          f"in {time.perf_counter() - started:.1f}s (open it in the UI: make ui)\n")
    _summary(args)
    for check in outcome.failed_checks:
        print(f"FAILED check: {check}")
    for asset in outcome.not_published:
        print(f"not published (a gate failed; the last good version stays): {asset}")
    for asset in outcome.not_materialized:
        print(f"not materialised (blocked upstream): {asset}")
    return 0 if outcome.success else 1


def _land_day(args: argparse.Namespace) -> int:
    from customer_unification.lib.demo.next_day import land_next_day
    from customer_unification.lib.sources.contracts import load_contracts

    day = args.day or dt.datetime.now(dt.timezone.utc).date()
    written = land_next_day(load_contracts(), settings.landing_dir(), day, share=args.share)
    print(f"Landed {sum(written.values()):,} new records dated {day} in {settings.landing_dir()}:")
    for source, count in written.items():
        print(f"  {source:<24}{count:>8,}")
    return _ingest(args) if args.ingest else 0


def _ingest(args: argparse.Namespace) -> int:
    from customer_unification.pipeline import ingest_landed_files

    from customer_unification.lib.sources.contracts import ContractError
    from customer_unification.pipeline import RunRefused

    started = time.perf_counter()
    try:
        said, outcome = ingest_landed_files()
    except (RunRefused, ContractError) as e:
        print(f"not run, nothing written: {e}", file=sys.stderr)
        return 2
    if outcome is None:
        print(f"Nothing ingested: {said}")
        return 0
    print(f"\nIngested {said}")
    return _report(outcome, started, args)


def _summary(_: argparse.Namespace) -> int:
    from customer_unification.lib.summary import summarize

    path = settings.warehouse_path()
    print(f"Warehouse: {path}")
    print(summarize(path).render())
    return 0


def _check_config(args: argparse.Namespace) -> int:
    from customer_unification.lib.landing import LandingZone
    from customer_unification.lib.sources.contracts import ContractError, load_contracts
    from customer_unification.lib.sources.preflight import config_problems

    try:
        config = load_contracts(args.path)
    except ContractError as e:
        print(f"invalid: {e}", file=sys.stderr)
        return 2
    zone = LandingZone(settings.landing_dir(), config)
    landed = {s.name: zone.admitted_files(s.name) for s in config.sources}
    if args.files:
        return _check_files(config, landed, args.sample)
    problems = config_problems(config, landed)
    if problems:  # what a run would fail on: no matching file, a SQL URL that cannot work
        print("\n".join(f"invalid: {config.config_path}: {p}" for p in problems), file=sys.stderr)
        return 2
    print(f"{config.config_path}: {len(config.sources)} sources OK ({', '.join(s.name for s in config.sources)})")
    return 0


def _check_files(config, landed: dict, sample: int) -> int:
    from customer_unification.lib.segments.config import load_segments_config
    from customer_unification.lib.sources.file_check import check_files

    vocabulary = load_segments_config(settings.segments_config_path()).vocabulary.event_types
    report = check_files(config, vocabulary, sample_rows=sample, landed=landed)
    print(report.render())
    return 1 if report.problems else 0


def _message(error: Exception) -> str:
    """An error's message as written (str() of a KeyError quotes it like a dict key)."""
    return str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)


def _match(args: argparse.Namespace) -> int:
    from customer_unification.lib.matching.config import load_match_config
    from customer_unification.lib.yaml_config import ConfigError
    from customer_unification.lib.matching.files import match_file

    started = time.perf_counter()

    def progress(step: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {step}", file=sys.stderr, flush=True)

    try:
        config = load_match_config(args.config)
        result = match_file(args.input, config, args.output, state_path=args.state,
                            incremental=args.incremental, overrides_path=args.overrides,
                            labels_path=args.labels, progress=progress)
    except (ConfigError, ValueError, KeyError, FileNotFoundError, LookupError) as e:
        print(f"error: {_message(e)}", file=sys.stderr)
        return 2
    stats, ids = result.match.stats, result.ids.stats
    print(f"{stats['records']:,} records -> {stats['clusters']:,} customers in "
          f"{time.perf_counter() - started:.1f}s ({stats['candidate_pairs']:,} candidate pairs, "
          f"{stats['rule_links']:,} rule links, {stats['probabilistic_links']:,} probabilistic links, "
          f"{stats['refused_links']:,} refused, {stats['limited_values']:,} identifier values limited)")
    print(f"ids: {ids['kept']:,} kept, {ids['created']:,} created, {ids['merged']:,} merged, "
          f"{ids['split']:,} split, {ids['retired']:,} retired -> {args.output}")
    if result.unknown_override_keys:
        from customer_unification.lib.quality.masking import mask_record_key

        unknown = result.unknown_override_keys
        print(f"warning: {len(unknown)} record(s) named in {args.overrides} are not in {args.input}; their "
              f"overrides were not applied: {', '.join(mask_record_key(k, source_prefix=False) for k in unknown[:20])}",
              file=sys.stderr)
    if args.blocking_report and result.match.blocking is not None:
        print("\nblocking report (known_match_recall: share of the pairs a shared identifier links that the "
              "rule proposes):")
        print(result.match.blocking.to_string(index=False))
    return 0


def _explain(args: argparse.Namespace) -> int:
    import duckdb

    from customer_unification.lib.matching.config import load_match_config
    from customer_unification.lib.matching.explain import explain_customer, explain_pair
    from customer_unification.lib.matching.files import STATE_SCHEMA

    if bool(args.customer) == (len(args.records) == 2) or (args.records and len(args.records) != 2):
        print("error: give two record keys or --customer ID", file=sys.stderr)
        return 2
    database = args.state or str(settings.warehouse_path())
    if not os.path.exists(database):
        print(f"error: {database} does not exist: run identity resolution first", file=sys.stderr)
        return 2
    con = duckdb.connect(database, read_only=True)
    schema, identity_map = ((STATE_SCHEMA, f"{STATE_SCHEMA}.identity_map") if args.state
                            else (settings.IDENTITY_STATE_SCHEMA, "identity.customer_identity_map"))
    try:
        config = load_match_config(args.config or settings.match_config_path())
        if args.customer:
            links = explain_customer(con, schema, identity_map, args.customer)
            if links.empty:
                print(f"{args.customer}: no links (a single record, or an unknown customer id)")
            else:
                print(links.to_string(index=False))
        else:
            links = None if args.state else "identity.record_links"  # a state file keeps no refused links
            print("\n".join(explain_pair(con, config, schema, *args.records, links=links).lines()))
    except LookupError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        con.close()
    return 0


def _label(args: argparse.Namespace) -> int:
    import duckdb
    import pandas as pd

    from customer_unification.lib.matching.config import load_match_config
    from customer_unification.lib.matching.files import input_view
    from customer_unification.lib.matching.labelling import ANSWERS, pair_card, questions, warehouse_records
    from customer_unification.lib.matching.labels import append_labels, read_labels
    from customer_unification.lib.yaml_config import ConfigError

    path = args.labels or settings.identity_labels_path(existing=False)
    con = duckdb.connect()
    try:
        config = load_match_config(args.config or settings.match_config_path())
        source = input_view(con, args.input) if args.input else warehouse_records(con, settings.warehouse_path())
        labels = read_labels(path) if os.path.exists(path) else None
        print(f"finding the pairs worth asking about ({0 if labels is None else len(labels)} labelled so far) ...",
              file=sys.stderr, flush=True)
        result, asked = questions(con, source, config, labels, args.pairs)
    except (ConfigError, ValueError, FileNotFoundError, LookupError) as e:
        print(f"error: {_message(e)}", file=sys.stderr)
        con.close()
        return 2
    learnt = result.stats.get("labels", {})
    if learnt.get("cv_precision") is not None:
        print(f"your labels, cross-validated at threshold {config.clustering.threshold}: precision "
              f"{learnt['cv_precision']:.3f}, recall {learnt.get('cv_recall', 0):.3f}")
    answered = {"match": 0, "non_match": 0, "unsure": 0}
    try:
        for n, pair in enumerate(asked.itertuples(index=False), start=1):
            print(f"\n[{n}/{len(asked)}] match probability {pair.match_probability:.3f}")
            print(pair_card(con, source, config, pair.left, pair.right, show=args.show))
            answer = ""
            while answer not in (*ANSWERS, "s", "q"):
                try:
                    answer = input("same person? [y]es [n]o [u]nsure [s]kip [q]uit: ").strip().lower()[:1]
                except EOFError:
                    answer = "q"
            if answer == "q":
                break
            if answer in ANSWERS:  # saved at once: quitting or a crash loses nothing answered
                append_labels(path, pd.DataFrame([{"left": pair.left, "right": pair.right, "label": ANSWERS[answer]}]))
                answered[ANSWERS[answer]] += 1
    finally:
        con.close()
    if not len(asked):
        print("nothing to ask: no scored pair is close enough to the threshold to be in doubt")
    print(f"{sum(answered.values())} answers saved to {path} ({answered['match']} match, "
          f"{answered['non_match']} non-match, {answered['unsure']} unsure); the next identity run learns from them")
    return 0


def _profile(args: argparse.Namespace) -> int:
    import duckdb

    from customer_unification.lib.profiles.lookup import CustomerNotFound, customer_view, find_customer

    database = settings.warehouse_path()
    if not database.exists():
        print(f"error: {database} does not exist: run the pipeline first (customer-unification demo)", file=sys.stderr)
        return 2
    with duckdb.connect(str(database), read_only=True) as con:
        try:
            view = customer_view(con, find_customer(con, args.query), events=args.events)
        except CustomerNotFound as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        except duckdb.CatalogException:
            print("error: no profiles in the warehouse yet: run the pipeline first", file=sys.stderr)
            return 2
    print(f"customer {view.customer_id}")
    print("\ngolden profile (value  <- source, record, rule)")
    provenance = {row.field: row for row in view.provenance.itertuples()}
    for field in ("title", "first_name", "middle_name", "last_name", "gender", "date_of_birth", "email",
                  "phone", "mobile", "landline", "address_line1", "address_line2", "city", "region",
                  "postcode", "country"):
        value = view.profile.get(field)
        if value is None or value != value:  # None or NaN
            continue
        origin = provenance.get(field) or provenance.get("address" if field.startswith(("address", "city", "region", "postcode", "country")) else field)
        where = f"  <- {origin.source} {origin.source_record_id} ({origin.rule})" if origin else ""
        print(f"  {field:<14} {value}{where}")
    for title, frame in (("contact points", view.contact_points), ("consent", view.consent),
                         ("recent events", view.recent_events)):
        print(f"\n{title}")
        print(frame.to_string(index=False) if len(frame) else "  (none)")
    if view.traits:
        print("\ntraits")
        for key in ("journey_stage", "n_orders", "lifetime_value", "rfm_segment", "purchase_cadence", "top_category",
                    "preferred_channel", "best_contact_hour", "open_service_issues", "churn_risk"):
            if key in view.traits:
                print(f"  {key:<20} {view.traits[key]}")
    return 0


def _forget(args: argparse.Namespace) -> int:
    """Show what would be removed (a dry run), ask, then forget for real; counts only, never values."""
    from functools import partial

    import duckdb

    from customer_unification.lib.governance import (ForgetError, ForgetRequest, IdentifierHasher, LandedFiles,
                                                     SuppressionKeyError, forget, platform_copies,
                                                     suppression_key)
    from customer_unification.lib.sources.contracts import ContractError, load_contracts

    path = settings.warehouse_path()
    if not path.exists():
        print(f"error: {path} does not exist: nothing to forget", file=sys.stderr)
        return 2
    try:
        config = load_contracts()
        contracts = {c.name: c for c in config.sources}
    except ContractError:  # quarantined rows are then matched on every value of their raw record
        config, contracts = None, None
    con = duckdb.connect(str(path))
    try:
        request = ForgetRequest(customer_id=args.customer, email=args.email, phone=args.phone,
                                reason=args.reason, requested_by="cli")
        # without a readable sources config, the landed files cannot be read: the other copies still are
        landed = LandedFiles(settings.landing_dir(), config) if config is not None else None
        copies = platform_copies(settings.exports_dir(), settings.activation_sql_url(),
                                 settings.masked_url(settings.activation_sql_url()), landing=landed)
        run = partial(forget, con, request, IdentifierHasher(suppression_key()), contracts=contracts,
                      state_schema=settings.IDENTITY_STATE_SCHEMA, copies=copies)
        if not args.yes:
            print("\n".join(run(dry_run=True).lines()))
            try:
                answer = input("Forget this person for good? [y/N] ")
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("y", "yes"):
                print("nothing changed")
                return 1
        print("\n".join(run(dry_run=False).lines()))
    except (ForgetError, SuppressionKeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        con.close()
    return 0


def _suppression_key(args: argparse.Namespace) -> int:
    """Check (or, with --adopt, record) the key the suppression list was hashed with: fingerprints, never keys."""
    import duckdb

    from customer_unification.lib.governance import (IdentifierHasher, SuppressionKeyError, adopt_key, check_key,
                                                     suppression_key)
    from customer_unification.lib.governance.key_fingerprint import listed_entries

    path = settings.warehouse_path()
    if not path.exists():
        print(f"{path} does not exist: no suppression list yet")
        return 0
    con = duckdb.connect(str(path), read_only=not args.adopt)
    try:
        hasher = IdentifierHasher(suppression_key())
        if args.adopt:
            print(adopt_key(con, hasher))
        else:
            check_key(con, hasher)
            print(f"the suppression list ({listed_entries(con):,} entries) matches the key in use")
    except SuppressionKeyError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
