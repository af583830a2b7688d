"""`forget_customer`: remove one person from every warehouse table and every copy the platform wrote
(audience export folders, the SQL destination, the landing zone's files), and suppress their identifiers.

An op job, not an asset: it acts on request, on whatever tables exist, and materialises nothing.
Launch it with run config naming the person, e.g.
    ops: {forget_person: {config: {customer_id: CU1234..., reason: "GDPR art. 17, ticket 4711"}}}
Run config is kept in the run history, so prefer `customer_id` over an email or phone.
"""

import dagster as dg

from customer_unification import settings
from customer_unification.defs.contracts import current_contracts
from customer_unification.defs.pools import pool_for
from customer_unification.lib.governance import (ForgetError, ForgetRequest, IdentifierHasher, LandedFiles, forget,
                                                 platform_copies, suppression_key)
from customer_unification.resources.warehouse import DuckDBWarehouse


class ForgetConfig(dg.Config):
    customer_id: str | None = None
    email: str | None = None
    phone: str | None = None  # E.164 (+1...), or a number of phone_region
    phone_region: str = "US"
    reason: str | None = None  # kept in the audit: no personal data
    requested_by: str | None = None  # kept in the audit (default: this run)
    dry_run: bool = False  # count what would be removed, change nothing


@dg.op(pool=pool_for("governance"),
       description="Forget one person: delete their rows everywhere, suppress their hashed identifiers, "
                   "audit the request (counts only).")
def forget_person(context: dg.OpExecutionContext, config: ForgetConfig, warehouse: DuckDBWarehouse) -> dg.Output:
    try:
        request = ForgetRequest(customer_id=config.customer_id, email=config.email, phone=config.phone,
                                phone_region=config.phone_region, reason=config.reason,
                                requested_by=config.requested_by or f"dagster run {context.run_id}")
        sources = current_contracts()
        contracts = {c.name: c for c in sources.sources}
        landed = LandedFiles(settings.landing_dir(), sources)
        with warehouse.connect() as con:
            url = settings.activation_sql_url()
            summary = forget(con, request, IdentifierHasher(suppression_key()), contracts=contracts,
                             state_schema=settings.IDENTITY_STATE_SCHEMA, dry_run=config.dry_run,
                             copies=platform_copies(settings.exports_dir(), url, settings.masked_url(url), landed))
    except ForgetError as e:  # a clear message, no stack trace to dig through
        raise dg.Failure(description=str(e), allow_retries=False) from None
    context.log.info("\n".join(summary.lines()))
    return dg.Output(None, metadata={
        "request_id": summary.request_id, "dry_run": summary.dry_run, "customers": summary.customers,
        "records": summary.records, "quarantined_records": summary.quarantined,
        "rows_removed": sum(summary.removed.values()), "rows_removed_by_table": summary.removed,
        "identifiers_suppressed": summary.identifiers_suppressed,
        "identifiers_shared": summary.identifiers_shared,
        "rows_removed_outside_warehouse": sum(summary.elsewhere.values()),
        "rows_removed_outside_warehouse_by_place": summary.elsewhere,  # paths and masked URLs, counts only
    })


@dg.job(description="Right to be forgotten: remove a person (customer_id, email or phone in the run config) "
                    "from every table, add their hashed identifiers to governance.suppression_list so "
                    "re-delivered records are dropped in staging, and write governance.forget_audit.",
        tags={"team": "governance"})
def forget_customer():
    forget_person()
