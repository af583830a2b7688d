"""Where things live. Every location is an environment variable with a safe local default."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

DEFAULTS = {
    "CU_WAREHOUSE_PATH": REPO_ROOT / "data" / "warehouse.duckdb",  # the embedded DuckDB warehouse
    "CU_DEMO_DATA_DIR": REPO_ROOT / "data" / "demo",  # where the demo estate is generated
    "CU_LANDING_DIR": REPO_ROOT / "data" / "landing",  # new files arrive in <landing>/<source>/
    "DAGSTER_HOME": REPO_ROOT / ".dagster_home",  # run history, schedules, logs (dagster.yaml inside)
}


def apply_local_defaults() -> None:
    """Fill unset variables with local defaults, so `dg.EnvVar(...)` always resolves."""
    for name, default in DEFAULTS.items():
        os.environ.setdefault(name, str(default))
    Path(os.environ["CU_WAREHOUSE_PATH"]).expanduser().parent.mkdir(parents=True, exist_ok=True)


# Tables a matching run keeps for the next (incremental) run and for `explain`, in the warehouse.
IDENTITY_STATE_SCHEMA = "identity_state"


def match_config_path() -> Path | None:
    """CU_MATCH_CONFIG: a match YAML replacing the bundled default (None = the bundled one)."""
    value = os.environ.get("CU_MATCH_CONFIG")
    return Path(value).expanduser() if value else None


def identity_overrides_path() -> Path | None:
    """CU_IDENTITY_OVERRIDES: the stewards' must-link / must-not-link CSV, if there is one."""
    value = os.environ.get("CU_IDENTITY_OVERRIDES")
    path = Path(value).expanduser() if value else REPO_ROOT / "data" / "identity_overrides.csv"
    return path if path.exists() else None


def identity_labels_path(existing: bool = True) -> Path | None:
    """CU_IDENTITY_LABELS: the stewards' labelled pairs (`customer-unification label` writes them).
    `existing`: None when the file is not there yet (what a run reads); else the path to write."""
    value = os.environ.get("CU_IDENTITY_LABELS")
    path = Path(value).expanduser() if value else REPO_ROOT / "data" / "identity_labels.csv"
    return path if path.exists() or not existing else None


def identity_truth_path() -> Path | None:
    """CU_IDENTITY_TRUTH: ground truth (source, source_record_id, person_id) to score matching
    against. Without it, `_truth/record_person.parquet` beside the configured sources' files (in
    their base_dir: the demo estate ships one there), never the demo's truth for other sources - it
    would score the few records whose keys happen to match and report P = R = 1. Matching never
    reads it - only the evaluation does."""
    value = os.environ.get("CU_IDENTITY_TRUTH")
    if value:
        path = Path(value).expanduser()
    else:
        base_dir = _sources_base_dir()
        if base_dir is None:
            return None
        path = base_dir / "_truth" / "record_person.parquet"
    return path if path.exists() else None


def _sources_base_dir() -> Path | None:
    """base_dir of the sources config in use (CU_SOURCES_CONFIG, else the demo's); None if it is invalid."""
    from customer_unification.lib.sources.contracts import ContractError, load_contracts

    apply_local_defaults()  # the demo config's base_dir is ${CU_DEMO_DATA_DIR:-...}
    try:
        return load_contracts().base_dir
    except ContractError:
        return None


def profiles_config_path() -> Path | None:
    """CU_PROFILES_CONFIG: survivorship and consent rules replacing the bundled default."""
    value = os.environ.get("CU_PROFILES_CONFIG")
    return Path(value).expanduser() if value else None


def events_start_date() -> str:
    """CU_EVENTS_START: the first daily partition of event data (YYYY-MM-DD), the go-live day.

    Events dated before it are loaded with it (the initial load), so it can be recent.
    """
    return os.environ.get("CU_EVENTS_START", "2026-11-01")


def traits_as_of() -> str | None:
    """CU_TRAITS_AS_OF: compute traits as of this UTC date instead of now (reproducible runs).

    On the bundled demo estate the default is the estate's own "today" (its anchor date), so
    recency-based traits and segments mean the same whenever the demo is run."""
    if os.environ.get("CU_TRAITS_AS_OF"):
        return os.environ["CU_TRAITS_AS_OF"]
    manifest = demo_data_dir() / "manifest.json"
    if not os.environ.get("CU_SOURCES_CONFIG") and manifest.exists():
        import json

        return json.loads(manifest.read_text()).get("anchor_date")
    return None


def segments_config_path() -> Path | None:
    """CU_SEGMENTS_CONFIG: segment definitions replacing the bundled built-ins."""
    value = os.environ.get("CU_SEGMENTS_CONFIG")
    return Path(value).expanduser() if value else None


def activation_config_path() -> Path | None:
    """CU_ACTIVATION_CONFIG: audiences, consent rules, frequency cap and exports."""
    value = os.environ.get("CU_ACTIVATION_CONFIG")
    return Path(value).expanduser() if value else None


def analytics_config_path() -> Path | None:
    """CU_ANALYTICS_CONFIG: key events, touches, attribution window and models."""
    value = os.environ.get("CU_ANALYTICS_CONFIG")
    return Path(value).expanduser() if value else None


def exports_dir() -> Path:
    """CU_EXPORTS_DIR: where audience files are written, one folder per run."""
    return Path(os.environ.get("CU_EXPORTS_DIR") or warehouse_path().parent / "exports").expanduser()


def activation_sql_url() -> str:
    """CU_ACTIVATION_SQL_URL: the SQL destination of audiences (a SQLAlchemy URL); default a
    local SQLite file next to the exported files."""
    return os.environ.get("CU_ACTIVATION_SQL_URL") or f"sqlite:///{exports_dir() / 'audiences.sqlite'}"


def masked_url(url: str) -> str:
    """A URL with its password replaced, for logs and metadata."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def warehouse_path() -> Path:
    apply_local_defaults()
    return Path(os.environ["CU_WAREHOUSE_PATH"]).expanduser()


def landing_dir() -> Path:
    """CU_LANDING_DIR: the landing zone, one folder per source."""
    return Path(os.environ["CU_LANDING_DIR"]).expanduser()


def demo_data_dir() -> Path:
    apply_local_defaults()
    return Path(os.environ["CU_DEMO_DATA_DIR"]).expanduser()


def dagster_home() -> Path:
    """A repo-local DAGSTER_HOME holding a link to the repo's dagster.yaml."""
    apply_local_defaults()
    home = Path(os.environ["DAGSTER_HOME"]).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() and (REPO_ROOT / "dagster.yaml").exists():
        config.symlink_to(REPO_ROOT / "dagster.yaml")
    return home


def production() -> bool:
    """CU_ENV=production (or prod): a real deployment, which refuses development-only defaults such
    as the public suppression key."""
    return os.environ.get("CU_ENV", "").strip().lower() in ("prod", "production")


def suppression_key_file() -> Path:
    """CU_SUPPRESSION_KEY_FILE: where a development install keeps its generated suppression key
    (default `.suppression_key` next to the warehouse, whose suppression list it hashes)."""
    value = os.environ.get("CU_SUPPRESSION_KEY_FILE")
    return Path(value).expanduser() if value else warehouse_path().parent / ".suppression_key"


def publish_url() -> str | None:
    """CU_PUBLISH_URL: the PostgreSQL database (SQLAlchemy URL) that golden profiles, segment membership
    and audiences are published to; unset = no publishing (the publish asset is skipped)."""
    return os.environ.get("CU_PUBLISH_URL") or None
