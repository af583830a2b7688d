"""The warehouse column types of every table past staging, declared before any run.

Types are what DuckDB stores (as DESCRIBE spells them), so the UI shows the real column types on an
empty warehouse too - before the first run, when no materialisation has reported any. Each table is
declared as DDL-style "column TYPE" lists in column order; golden_profiles by its columns'
rules (one text value, source and time per golden field). A test materialises the demo estate and
compares every declaration with the warehouse (customer_unification_tests/defs/test_ui_truth.py),
so they cannot drift. Tables whose columns depend on configuration are declared next to it: a
source's raw, staged and quarantined tables (lib/staging/schema.py), identity.record_links (one
level column per configured comparison, defs/identity/columns.py). Dagster-free.
"""

from customer_unification.lib.profiles.golden_fields import FIELD_GROUPS
from customer_unification.lib.profiles.survivorship import PROFILE_COLUMNS

TEXT, TIMESTAMPTZ = "VARCHAR", "TIMESTAMP WITH TIME ZONE"
_ALIASES = {"TIMESTAMPTZ": TIMESTAMPTZ}  # short in the declarations, spelled as DESCRIBE says it

_DECLARED = {
    "identity.customer_identity_map": (
        "source VARCHAR, source_record_id VARCHAR, customer_id VARCHAR, match_confidence DOUBLE, "
        "matched_by VARCHAR"),
    "identity.match_evaluation": "metric VARCHAR, value DOUBLE",
    "identity.id_lineage": (
        "run_id VARCHAR, old_customer_id VARCHAR, new_customer_id VARCHAR, reason VARCHAR, "
        "records BIGINT, recorded_at TIMESTAMPTZ"),
    "identity.match_model": (
        "comparison VARCHAR, level BIGINT, label VARCHAR, m_probability DOUBLE, u_probability DOUBLE, "
        "h_probability DOUBLE, match_weight DOUBLE, run_id VARCHAR"),
    "identity.limited_identifiers": (
        "rule VARCHAR, value_masked VARCHAR, value_hash VARCHAR, reason VARCHAR, records BIGINT, "
        "run_id VARCHAR"),
    "profiles.profile_provenance": (
        "customer_id VARCHAR, field VARCHAR, source VARCHAR, source_record_id VARCHAR, "
        "observed_at TIMESTAMPTZ, rule VARCHAR, n_candidates BIGINT, n_values BIGINT"),
    "profiles.contact_points": (
        "customer_id VARCHAR, kind VARCHAR, value VARCHAR, detail VARCHAR, first_seen TIMESTAMPTZ, "
        "last_seen TIMESTAMPTZ, sources VARCHAR[], n_records BIGINT, is_primary BOOLEAN"),
    "profiles.consent_ledger": (
        "customer_id VARCHAR, channel VARCHAR, state VARCHAR, decided_at TIMESTAMPTZ, source VARCHAR, "
        "source_record_id VARCHAR, reason VARCHAR, n_statements BIGINT"),
    "profiles.consent_statements": (
        "customer_id VARCHAR, channel VARCHAR, state VARCHAR, stated_at TIMESTAMPTZ, source VARCHAR, "
        "source_record_id VARCHAR, origin VARCHAR, may_grant BOOLEAN"),
    "profiles.event_log": (
        "event_id VARCHAR, event_ts TIMESTAMPTZ, event_date DATE, channel VARCHAR, event_type VARCHAR, "
        "source VARCHAR, source_record_id VARCHAR, product_category VARCHAR, amount DOUBLE, "
        "currency VARCHAR, quantity BIGINT, campaign_id VARCHAR, device VARCHAR, device_id VARCHAR, "
        "issue_type VARCHAR, satisfaction DOUBLE"),
    "profiles.customer_events": (
        "customer_id VARCHAR, event_id VARCHAR, event_ts TIMESTAMPTZ, event_date DATE, channel VARCHAR, "
        "event_type VARCHAR, source VARCHAR, source_record_id VARCHAR, product_category VARCHAR, "
        "amount DOUBLE, currency VARCHAR, quantity BIGINT, campaign_id VARCHAR, device VARCHAR, "
        "device_id VARCHAR, issue_type VARCHAR, satisfaction DOUBLE"),
    "profiles.customer_traits": (
        "customer_id VARCHAR, as_of TIMESTAMPTZ, n_orders BIGINT, lifetime_value DOUBLE, "
        "average_order_value DOUBLE, first_order_at TIMESTAMPTZ, last_order_at TIMESTAMPTZ, "
        "days_since_last_order INTEGER, recency_score INTEGER, frequency_score INTEGER, "
        "monetary_score INTEGER, rfm_segment VARCHAR, median_days_between_orders DOUBLE, "
        "purchase_cadence VARCHAR, top_category VARCHAR, top_category_share DOUBLE, "
        "preferred_channel VARCHAR, most_engaged_channel VARCHAR, preferred_device VARCHAR, "
        "best_contact_hour INTEGER, best_contact_weekday VARCHAR, n_service_tickets BIGINT, "
        "open_service_issues BIGINT, last_issue_type VARCHAR, last_satisfaction DOUBLE, "
        "first_seen_at TIMESTAMPTZ, last_engaged_at TIMESTAMPTZ, journey_stage VARCHAR, "
        "churn_risk DOUBLE"),
    "profiles.churn_scores": "customer_id VARCHAR, churn_risk DOUBLE",
    "profiles.profile_evaluation": (
        "field VARCHAR, evaluated BIGINT, filled BIGINT, right BIGINT, accuracy DOUBLE, coverage DOUBLE"),
    "segments.segment_members": "customer_id VARCHAR, segment VARCHAR",
    "segments.segment_membership": (
        "customer_id VARCHAR, segment VARCHAR, entered_at TIMESTAMPTZ, exited_at TIMESTAMPTZ, "
        "exit_reason VARCHAR, identity_run_id VARCHAR, exit_identity_run_id VARCHAR, "
        "definition_version VARCHAR"),
    "segments.segment_snapshot": (
        "segment VARCHAR, as_of TIMESTAMPTZ, members BIGINT, entered BIGINT, exited BIGINT, "
        "identity_run_id VARCHAR, definition_version VARCHAR"),
    "segments.segment_evaluation": (
        "segment VARCHAR, platform_members BIGINT, true_members BIGINT, matched_platform BIGINT, "
        "matched_true BIGINT, precision DOUBLE, recall DOUBLE, note VARCHAR"),
    "activation.audience_members": (
        "run_id VARCHAR, identity_run_id VARCHAR, audience VARCHAR, segment VARCHAR, channel VARCHAR, "
        "campaign VARCHAR, customer_id VARCHAR, email VARCHAR, phone VARCHAR, first_name VARCHAR, "
        "last_name VARCHAR, address_line1 VARCHAR, address_line2 VARCHAR, city VARCHAR, region VARCHAR, "
        "postcode VARCHAR, country VARCHAR, hashed_email VARCHAR, hashed_phone VARCHAR"),
    "activation.suppressed": (
        "run_id VARCHAR, identity_run_id VARCHAR, audience VARCHAR, segment VARCHAR, channel VARCHAR, "
        "campaign VARCHAR, customer_id VARCHAR, reason VARCHAR"),
    "activation.audience_evaluation": (
        "audience VARCHAR, rows BIGINT, true_people BIGINT, people_reached_twice BIGINT"),
    "analytics.channel_kpis": (
        "channel VARCHAR, reach BIGINT, sent BIGINT, opens BIGINT, clicks BIGINT, open_rate DOUBLE, "
        "click_rate DOUBLE, touches BIGINT, converters BIGINT, conversion_rate DOUBLE, "
        "attributed_conversions DOUBLE, attributed_revenue DOUBLE, revenue_per_contact DOUBLE"),
    "analytics.campaign_kpis": (
        "campaign_id VARCHAR, channel VARCHAR, first_event_at TIMESTAMPTZ, last_event_at TIMESTAMPTZ, "
        "reach BIGINT, sent BIGINT, opens BIGINT, clicks BIGINT, open_rate DOUBLE, click_rate DOUBLE, "
        "touches BIGINT, converters BIGINT, conversion_rate DOUBLE, attributed_conversions DOUBLE, "
        "attributed_revenue DOUBLE, revenue_per_contact DOUBLE"),
    "analytics.engagement_by_hour": (
        "channel VARCHAR, weekday INTEGER, weekday_name VARCHAR, hour INTEGER, events BIGINT, "
        "customers BIGINT"),
    "analytics.attribution": (
        "key_event VARCHAR, model VARCHAR, channel VARCHAR, campaign_id VARCHAR, "
        "conversions_credit DOUBLE, revenue_credit DOUBLE, conversions_in_path BIGINT"),
}


def columns(ddl: str) -> dict[str, str]:
    """'customer_id VARCHAR, churn_risk DOUBLE' -> {'customer_id': 'VARCHAR', 'churn_risk': 'DOUBLE'}."""
    parsed = {}
    for item in ddl.split(","):
        name, kind = item.strip().split(" ", 1)
        parsed[name] = _ALIASES.get(kind.strip(), kind.strip())
    return parsed


def golden_profile_types() -> dict[str, str]:
    """Golden values are text but the birth date; counts, the sources list and times are typed."""
    typed = {"date_of_birth": "DATE", "n_records": "BIGINT", "n_sources": "BIGINT", "sources": "VARCHAR[]",
             "first_seen": TIMESTAMPTZ, "last_seen": TIMESTAMPTZ}
    typed |= {f"{group}_observed_at": TIMESTAMPTZ for group in FIELD_GROUPS}
    return {column: typed.get(column, TEXT) for column in PROFILE_COLUMNS}


def table_types() -> dict[str, dict[str, str]]:
    """'layer.table' -> column -> DuckDB type, for every table declared here."""
    return {**{table: columns(ddl) for table, ddl in _DECLARED.items()},
            "profiles.golden_profiles": golden_profile_types()}
