"""Golden profiles (single customer view) with per-field provenance, every contact point, and
the consent ledger - built together, in one transaction, so they always describe the same identity run,
and published (committed) only when the blocking gates pass on them (write-audit-publish)."""

from collections.abc import Iterator

import dagster as dg

from customer_unification.defs.pools import pool_for
from customer_unification import settings
from customer_unification.defs.contracts import current_contracts
from customer_unification.defs.metadata import counts_markdown
from customer_unification.defs.publishing import gate_result, refused
from customer_unification.lib.governance import IdentifierHasher, suppression_key
from customer_unification.lib.governance.suppression import load_suppression, suppressed_rows
from customer_unification.lib.profiles.config import load_profiles_config
from customer_unification.lib.profiles.consent import (LEDGER_COLUMNS, STATEMENT_COLUMNS, build_consent_ledger,
                                                       grant_permissions)
from customer_unification.lib.profiles.contact_points import CONTACT_POINT_COLUMNS, build_contact_points
from customer_unification.lib.profiles.survivorship import PROFILE_COLUMNS, PROVENANCE_COLUMNS, build_golden_profiles
from customer_unification.resources.column_types import warehouse_schema
from customer_unification.resources.table_writes import Candidate
from customer_unification.resources.warehouse import DuckDBWarehouse

KINDS = {"duckdb", "sql"}
COLUMNS = "dagster/column_schema"  # as stored in the warehouse (types), read after writing
OWNERS = ["team:crm-analytics"]
GOLDEN = dg.AssetKey(["profiles", "golden_profiles"])
LEDGER = dg.AssetKey(["profiles", "consent_ledger"])
UPSTREAM = [dg.AssetKey(["staging", "unified_records"]), dg.AssetKey(["identity", "customer_identity_map"])]

GATES = {
    "one_profile_per_customer": "Exactly one golden profile per customer_id of the identity map.",
    "consent_never_more_permissive": "Every 'granted' in the ledger rests on a grant from a source allowed to "
                                     "grant that channel, and no statement of the customer denies it later.",
    "forgotten_people_absent": "No record behind the profiles carries an identifier or record key on the "
                               "suppression list (people who asked to be forgotten).",
}
ON_GOLDEN = ("one_profile_per_customer", "forgotten_people_absent")


def _spec(key: dg.AssetKey | list[str], description: str, columns: dict[str, str]) -> dg.AssetSpec:
    # skippable: a candidate the gates refuse is not published, so the run materialises nothing
    return dg.AssetSpec(key, group_name="profiles", kinds=KINDS, owners=OWNERS, deps=UPSTREAM,
                        skippable=True,
                        description=description, metadata={"dagster/column_schema": dg.TableSchema(
                            columns=[dg.TableColumn(name, description=text) for name, text in columns.items()])})


@dg.multi_asset(
    pool=pool_for("profiles"),
    name="build_profiles",
    specs=[
        _spec(GOLDEN, "One row per customer_id: the surviving name, birth date, email, phones and postal "
                      "address (chosen by the survivorship rules in CU_PROFILES_CONFIG), each with the source, "
                      "record and time it came from.", PROFILE_COLUMNS),
        _spec(["profiles", "profile_provenance"], "One row per customer and golden field: the winning source "
                                                  "record, its time, the rule that decided and how many values competed.",
              PROVENANCE_COLUMNS),
        _spec(["profiles", "contact_points"], "Every email, phone (mobile / landline), postal address, social "
                                              "handle, loyalty card, device and cookie of each customer, with "
                                              "first/last seen, sources and whether it is the golden one.",
              CONTACT_POINT_COLUMNS),
        _spec(LEDGER, "Consent per customer x channel (email, sms, phone, mail, social): the most restrictive "
                      "state wins unless a newer grant comes from a source allowed to grant; never upgraded "
                      "silently (no statement = unknown).", LEDGER_COLUMNS),
        _spec(["profiles", "consent_statements"], "Every consent statement behind the ledger: record, channel, "
                                                  "state, when, and whether the source may grant.", STATEMENT_COLUMNS),
    ],
    check_specs=[dg.AssetCheckSpec(name, asset=GOLDEN if name in ON_GOLDEN else LEDGER, blocking=True,
                                   description=text) for name, text in GATES.items()],
)
def build_profiles(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse) -> Iterator:
    config = load_profiles_config(settings.profiles_config_path())
    contracts = current_contracts().sources
    trust = {c.name: c.trust_rank for c in contracts}
    with warehouse.connect() as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS profiles")
        # staged records are read by all three builders: once into the session
        con.execute("CREATE OR REPLACE TEMP TABLE cu_staged AS SELECT * FROM staging.unified_records")
        # write-audit-publish: the five tables in one transaction, the gates evaluated on them there, and
        # committed only if every gate passed. A failed gate, a failure or kill -9 halfway leaves all of them
        # as the last good run wrote them, never new profiles beside old contact points or consent
        with Candidate(con) as candidate:
            golden = build_golden_profiles(con, config, trust, records="cu_staged", out="profiles.golden_profiles",
                                           provenance_out="profiles.profile_provenance")
            contact_points = build_contact_points(con, config, trust, records="cu_staged",
                                                  golden="profiles.golden_profiles", out="profiles.contact_points")
            consent = build_consent_ledger(con, config, grant_permissions(contracts), records="cu_staged",
                                           out="profiles.consent_ledger", history_out="profiles.consent_statements")
            gates = _gates(con)
            published = candidate.decide({name: passed for name, (passed, _) in gates.items()})
        if not published:
            yield from refused(context, [spec.key for spec in context.assets_def.specs], candidate.failed, "profiles")
            for name, (passed, metadata) in gates.items():
                yield gate_result(GOLDEN if name in ON_GOLDEN else LEDGER, name, passed, metadata, published)
            return
        kinds = dict(con.sql("SELECT kind, count(*) FROM profiles.contact_points "
                             "GROUP BY 1 ORDER BY 2 DESC").fetchall())
        mix = con.sql("SELECT channel, state, count(*) FROM profiles.consent_ledger "
                      "GROUP BY ALL ORDER BY ALL").fetchall()
        provenance_rows, statements = con.sql("SELECT (SELECT count(*) FROM profiles.profile_provenance), "
                                              "(SELECT count(*) FROM profiles.consent_statements)").fetchall()[0]
        columns = {table: {COLUMNS: warehouse_schema(con, f"profiles.{table}")} for table in
                   ("golden_profiles", "profile_provenance", "contact_points", "consent_ledger", "consent_statements")}
    completeness = {field: f"{n / max(golden.customers, 1):.1%}" for field, n in golden.filled.items()}
    yield dg.MaterializeResult(asset_key=GOLDEN, metadata={
        "dagster/row_count": golden.customers, **columns["golden_profiles"],
        "completeness": dg.MetadataValue.md("| field | customers with a value |\n|---|---:|\n" + "\n".join(
            f"| {f} | {share} |" for f, share in completeness.items())),
        "deciding_rules": dg.MetadataValue.md("| field | rule | customers |\n|---|---|---:|\n" + "\n".join(
            f"| {f} | {rule} | {n:,} |" for f, rules in golden.rules.items() for rule, n in rules.items())),
    })
    yield dg.MaterializeResult(asset_key=["profiles", "profile_provenance"], metadata={"dagster/row_count": provenance_rows,
                                                                                **columns["profile_provenance"]})
    yield dg.MaterializeResult(asset_key=["profiles", "contact_points"], metadata={
        "dagster/row_count": contact_points, **columns["contact_points"],
        "coverage": counts_markdown(kinds, ("contact point", "values"))})
    yield dg.MaterializeResult(asset_key=LEDGER, metadata={
        "dagster/row_count": sum(n for *_, n in mix), **columns["consent_ledger"],
        "consent_mix": dg.MetadataValue.md("| channel | state | customers |\n|---|---|---:|\n" + "\n".join(
            f"| {ch} | {state} | {n:,} |" for ch, state, n in mix)),
        "states": counts_markdown(consent, ("state", "customer x channel"))})
    yield dg.MaterializeResult(asset_key=["profiles", "consent_statements"], metadata={"dagster/row_count": statements,
                                                                                **columns["consent_statements"]})
    for name, (passed, metadata) in gates.items():
        yield dg.AssetCheckResult(asset_key=GOLDEN if name in ON_GOLDEN else LEDGER, check_name=name,
                                  passed=passed, metadata=metadata)


def _gates(con) -> dict[str, tuple[bool, dict]]:
    profiles, distinct, customers = con.sql(
        "SELECT count(*), count(DISTINCT customer_id), "
        "(SELECT count(DISTINCT customer_id) FROM identity.customer_identity_map) FROM profiles.golden_profiles").fetchall()[0]
    # re-derived independently of the ledger's own logic: a grant needs an allowed granting
    # statement at or before its decision, and no denial after it
    unsupported = con.sql("""
        SELECT count(*) FROM profiles.consent_ledger l
        WHERE l.state = 'granted' AND (
          NOT EXISTS (SELECT 1 FROM profiles.consent_statements s WHERE s.customer_id = l.customer_id
                      AND s.channel = l.channel AND s.state = 'granted' AND s.may_grant)
          OR EXISTS (SELECT 1 FROM profiles.consent_statements s WHERE s.customer_id = l.customer_id
                     AND s.channel = l.channel AND s.state = 'denied' AND s.stated_at > l.decided_at))""").fetchall()[0][0]
    suppression = load_suppression(con, IdentifierHasher(suppression_key()))
    # the list is empty unless someone was forgotten: then hash the staged identifiers once
    forgotten = 0 if suppression.empty else int(suppressed_rows(con.sql("SELECT * FROM cu_staged").df(), suppression).sum())
    return {
        "forgotten_people_absent": (forgotten == 0, {"records_of_forgotten_people": forgotten}),
        "one_profile_per_customer": (profiles == distinct == customers,
                                     {"profiles": profiles, "distinct_customers": distinct, "customers_in_map": customers}),
        "consent_never_more_permissive": (unsupported == 0, {"grants_without_support": unsupported}),
    }
