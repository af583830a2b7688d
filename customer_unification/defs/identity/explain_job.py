"""`explain_identity`: why two records are (or are not) one customer, or what holds a customer
together - the CLI's `customer-unification explain`, launched from the UI.

Launch it with run config naming two record keys (`source|record_key`) or a customer id, e.g.
    ops: {explain: {config: {left_record: "crm_contacts|C1000001", right_record: "webshop_orders|WS-100000"}}}
    ops: {explain: {config: {customer_id: CU3F1A...}}}
The explanation is logged (and kept as the op's metadata) with every record key masked. It reads
the warehouse only.
"""

import dagster as dg

from customer_unification import settings
from customer_unification.lib.quality.explain_masked import masked_links, masked_pair_lines
from customer_unification.resources.warehouse import DuckDBWarehouse


class ExplainConfig(dg.Config):
    left_record: str = ""  # source|record_key, e.g. crm_contacts|C1000001
    right_record: str = ""
    customer_id: str = ""  # instead of two records: the links holding this customer together


@dg.op(description="Explain a pair of records (verdict, deciding rules, field-by-field match weights as a "
                   "chart) or a customer's links, with record keys masked.")
def explain(context: dg.OpExecutionContext, config: ExplainConfig, warehouse: DuckDBWarehouse) -> dg.Output:
    from customer_unification.lib.matching.config import load_match_config
    from customer_unification.lib.matching.explain import explain_customer, explain_pair

    pair = bool(config.left_record and config.right_record)
    if pair == bool(config.customer_id) or bool(config.left_record) != bool(config.right_record):
        raise dg.Failure(description="give left_record and right_record, or customer_id", allow_retries=False)
    schema = settings.IDENTITY_STATE_SCHEMA
    try:
        with warehouse.connect(read_only=True) as con:
            if pair:
                explanation = explain_pair(con, load_match_config(settings.match_config_path()), schema,
                                           config.left_record, config.right_record, links="identity.record_links")
                text, metadata = "\n".join(masked_pair_lines(explanation)), {
                    "same_customer": explanation.same_customer, "verdict": explanation.verdict}
                if explanation.match_weight is not None:
                    metadata["match_probability"] = round(explanation.match_probability, 4)
            else:
                links = masked_links(explain_customer(con, schema, "identity.customer_identity_map",
                                                      config.customer_id))
                text = (links.to_string(index=False) if len(links) else
                        f"{config.customer_id}: no links (a single record, or an unknown customer id)")
                metadata = {"customer_id": config.customer_id, "links": len(links)}
    except LookupError as e:  # an unknown record key, or no identity run yet: say so, no traceback
        raise dg.Failure(description=str(e), allow_retries=False) from None
    context.log.info("\n" + text)
    return dg.Output(None, metadata={**metadata, "explanation (record keys masked)": dg.MetadataValue.md(
        f"```\n{text}\n```")})


@dg.job(description="Why two records were merged (or kept apart), or what holds a customer together: the "
                    "verdict, the deciding rules and the field-by-field match weights, record keys masked. "
                    "Run config: ops.explain.config.left_record + right_record, or customer_id.",
        tags={"team": "identity"})
def explain_identity():
    explain()
