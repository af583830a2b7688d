"""How right the golden profiles are, where ground truth exists (the demo estate ships its own)."""

import dagster as dg

from customer_unification.defs.pools import pool_for
from customer_unification import settings
from customer_unification.lib.profiles.accuracy import golden_field_accuracy
from customer_unification.resources.column_types import warehouse_schema
from customer_unification.resources.warehouse import DuckDBWarehouse


TABLE = "profiles.profile_evaluation"


@dg.asset(
    pool=pool_for("profiles"),
    key=["profiles", "profile_evaluation"], group_name="profiles", kinds={"duckdb", "pandas"},
    owners=["team:crm-analytics"], deps=[dg.AssetKey(["profiles", "golden_profiles"])],
    description="Share of golden fields (name, email, phone, address, postcode, date of birth) equal to the "
                "true value, per field, against the ground truth next to CU_IDENTITY_TRUTH (default: the "
                "demo estate's _truth/). Empty, with a note, when there is no truth.",
)
def profile_evaluation(warehouse: DuckDBWarehouse) -> dg.MaterializeResult:
    truth = settings.identity_truth_path()
    with warehouse.connect() as con:
        if truth is None or not (truth.parent / "people.parquet").exists():
            con.execute("CREATE OR REPLACE TABLE profiles.profile_evaluation (field VARCHAR, accuracy DOUBLE)")
            return dg.MaterializeResult(metadata={"note": "no ground truth found (set CU_IDENTITY_TRUTH)",
                                                  "dagster/row_count": 0,
                                                  "dagster/column_schema": warehouse_schema(con, TABLE)})
        scores = golden_field_accuracy(con, truth.parent)
        con.register("scores", scores)
        con.execute("CREATE OR REPLACE TABLE profiles.profile_evaluation AS SELECT * FROM scores")
        columns = warehouse_schema(con, TABLE)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(scores), "dagster/column_schema": columns,
        **{f"accuracy_{row.field}": round(float(row.accuracy), 4) for row in scores.itertuples()
           if row.accuracy is not None and row.accuracy == row.accuracy},  # NaN/None: nothing to compare
        "per_field": dg.MetadataValue.md(scores.to_markdown(index=False)),
    })
