"""How good the identity map is, where ground truth exists (the demo estate ships its own)."""

import dagster as dg
import pandas as pd

from customer_unification.defs.pools import pool_for
from customer_unification import settings
from customer_unification.lib.matching.evaluate import evaluate_against_truth
from customer_unification.resources.column_types import warehouse_schema
from customer_unification.resources.warehouse import DuckDBWarehouse


TABLE = "identity.match_evaluation"


@dg.asset(
    pool=pool_for("identity"),
    key=["identity", "match_evaluation"],
    group_name="identity",
    kinds={"duckdb", "pandas"},
    owners=["team:identity"],
    deps=[dg.AssetKey(["identity", "customer_identity_map"])],
    description="Pairwise and B-cubed precision / recall / F1 of the identity map against ground truth "
                "(CU_IDENTITY_TRUTH, default: the demo estate's _truth/record_person.parquet), overall and "
                "per source. Empty, with a note, when there is no truth to compare with.",
)
def match_evaluation(warehouse: DuckDBWarehouse) -> dg.MaterializeResult:
    truth_path = settings.identity_truth_path()
    if truth_path is None:
        metrics = pd.DataFrame(columns=["metric", "value"])
        with warehouse.connect() as con:
            con.execute("CREATE OR REPLACE TABLE identity.match_evaluation (metric VARCHAR, value DOUBLE)")
            columns = warehouse_schema(con, TABLE)
        return dg.MaterializeResult(metadata={"note": "no ground truth found (set CU_IDENTITY_TRUTH)",
                                              "dagster/row_count": len(metrics), "dagster/column_schema": columns})
    identity = warehouse.query("SELECT source, source_record_id, customer_id FROM identity.customer_identity_map")
    overall, per_source = evaluate_against_truth(identity, pd.read_parquet(truth_path))
    metrics = pd.DataFrame({"metric": list(overall), "value": [float(v) for v in overall.values()]})
    with warehouse.connect() as con:
        con.register("metrics", metrics)
        con.execute("CREATE OR REPLACE TABLE identity.match_evaluation AS SELECT * FROM metrics")
        columns = warehouse_schema(con, TABLE)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(metrics), "dagster/column_schema": columns,
        "truth": dg.MetadataValue.path(str(truth_path)),
        **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in overall.items()},
        "per_source": dg.MetadataValue.md(per_source.to_markdown(index=False)),
    })
