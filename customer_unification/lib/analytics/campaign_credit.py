"""Attribution per campaign, where the models disagree (per channel they nearly coincide: a channel's
campaigns trade credit among themselves, so the channel totals hide the differences)."""

import duckdb
import pandas as pd

from customer_unification.lib.analytics.config import MODELS


def campaign_credit(con: duckdb.DuckDBPyConnection, table: str, limit: int = 25) -> pd.DataFrame:
    """key_event, campaign_id, channel, one column of credited conversions per model and `spread`
    (largest minus smallest credit): the `limit` campaigns whose models disagree most first."""
    models = list(MODELS)
    pivot = ", ".join(f"round(sum(conversions_credit) FILTER (WHERE model = '{m}'), 2) AS {m}" for m in models)
    frame = con.sql(f"""
        SELECT key_event, campaign_id, channel, {pivot} FROM {table}
        WHERE campaign_id IS NOT NULL GROUP BY ALL""").df()
    frame[list(models)] = frame[list(models)].fillna(0.0)
    frame["spread"] = (frame[list(models)].max(axis=1) - frame[list(models)].min(axis=1)).round(2)
    return frame.sort_values(["spread", "campaign_id"], ascending=[False, True]).head(limit).reset_index(drop=True)
