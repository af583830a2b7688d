"""Churn risk: a small logistic regression trained on the event history itself.

The history labels itself. Take a cutoff `horizon_days` before `as_of`; for every customer who
had purchased by the cutoff, compute features from the events up to the cutoff and label them
churned when they made no purchase in (cutoff, as_of]. Fit on a seeded random 80 %, measure on
the other 20 %, then score every purchaser with the same features computed up to `as_of`:
churn_risk is the probability of no purchase in the next `horizon_days`. Customers who never
purchased have no churn risk (NULL): they are prospects, and the model never saw their kind.

Features are set-based SQL (one pass over the events); only the feature matrix reaches Python.
"""

import datetime as dt
import math
import re
from dataclasses import asdict, dataclass, field

import duckdb
import numpy as np
import pandas as pd

from customer_unification.lib.profiles.traits import TraitParams, utc_literal
from customer_unification.lib.sources.canonical import CHANNELS

_TRAIT_DEFAULTS = TraitParams()
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")


@dataclass(frozen=True)
class ChurnParams:
    horizon_days: int = 90  # churned = no purchase within this many days
    window_days: int = 180  # engagement and service counts look back this far from the cutoff
    holdout_share: float = 0.2
    seed: int = 7
    regularisation: float = 1.0  # LogisticRegression C
    min_training_customers: int = 50
    purchase_event_types: tuple[str, ...] = _TRAIT_DEFAULTS.purchase_event_types
    engagement_event_types: tuple[str, ...] = _TRAIT_DEFAULTS.engagement_event_types
    service_event_types: tuple[str, ...] = _TRAIT_DEFAULTS.service_event_types
    channels: tuple[str, ...] = CHANNELS


@dataclass(frozen=True)
class ChurnReport:
    """Model quality and size, for asset metadata. AUC and precision are on the holdout."""

    as_of: str
    cutoff: str
    horizon_days: int
    trained: bool
    n_training_population: int  # purchasers by the cutoff
    n_train: int
    n_holdout: int
    base_rate: float | None  # share of the holdout that churned
    holdout_auc: float | None
    precision_at_top_decile: float | None  # churn rate among the 10 % rated riskiest
    lift_at_top_decile: float | None
    n_scored: int  # customers given a churn_risk
    coefficients: dict[str, float] = field(default_factory=dict)  # per standardised feature
    note: str = ""

    def as_metadata(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


def feature_names(params: ChurnParams = ChurnParams()) -> list[str]:
    return [
        "recency_days", "n_purchases", "monetary", "purchases_in_window", "tenure_days",
        "days_since_engagement", "service_tickets_in_window",
        *(f"engagement_{ch}" for ch in params.channels),
    ]


def score_churn(
    con: duckdb.DuckDBPyConnection,
    *,
    events: str = "customer_events",
    customers: str = "golden_profiles",
    as_of: dt.datetime,
    out: str = "churn_scores",
    params: ChurnParams = ChurnParams(),
) -> ChurnReport:
    """Train on the history before `as_of - horizon`, write `out` (customer_id, churn_risk) for
    every customer of `customers`, and return the model's quality figures."""
    for name in (events, customers, out):
        if not _IDENT.match(name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")
    aware = as_of if as_of.tzinfo else as_of.replace(tzinfo=dt.timezone.utc)
    cutoff = aware - dt.timedelta(days=params.horizon_days)
    names = feature_names(params)

    training = con.sql(f"""
        SELECT f.*, (l.customer_id IS NULL) AS churned
        FROM ({_features_sql(events, customers, cutoff, params)}) f
        LEFT JOIN (SELECT DISTINCT customer_id FROM {events}
                   WHERE event_type IN ({_sql_list(params.purchase_event_types)})
                     AND event_ts > {utc_literal(cutoff)} AND event_ts <= {utc_literal(aware)}) l
               ON l.customer_id = f.customer_id
        ORDER BY f.customer_id
    """).fetchnumpy()
    x, y = _matrix(training, names), training["churned"].astype(int)
    fitted = _fit(x, y, params)

    if fitted is None:
        scored = pd.DataFrame({"customer_id": pd.Series([], dtype=str), "churn_risk": pd.Series([], dtype=float)})
    else:
        current = con.sql(_features_sql(events, customers, aware, params)).fetchnumpy()
        x_now = _matrix(current, names)
        risk = fitted.model.predict_proba(x_now)[:, 1] if len(x_now) else np.empty(0)
        # to 9 places: the fit's last bits follow the BLAS threads (0.8219503964966484 vs ...483
        # on one estate under load), and the same data must give the same scores
        risk = np.round(risk, 9)
        scored = pd.DataFrame({"customer_id": current["customer_id"], "churn_risk": risk})
    _write_scores(con, scored, customers, out)

    base = dict(as_of=aware.isoformat(), cutoff=cutoff.isoformat(), horizon_days=params.horizon_days,
                n_training_population=len(y), n_scored=len(scored))
    if fitted is None:
        return ChurnReport(**base, trained=False, n_train=0, n_holdout=0, base_rate=None, holdout_auc=None,
                           precision_at_top_decile=None, lift_at_top_decile=None,
                           note=_why_untrained(y, params))
    return ChurnReport(**base, trained=True, **fitted.quality,
                       coefficients=dict(zip(names, (round(float(c), 4) for c in fitted.model[-1].coef_[0]))))


@dataclass(frozen=True)
class _Fitted:
    model: object
    quality: dict


def _fit(x: np.ndarray, y: np.ndarray, params: ChurnParams) -> _Fitted | None:
    # imported here: scikit-learn takes ~2 s to import, paid by every definitions load otherwise
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if len(y) < params.min_training_customers or len(set(y.tolist())) < 2:
        return None
    # seeded permutation of rows ordered by customer_id: the same data gives the same split
    order = np.random.default_rng(params.seed).permutation(len(y))
    n_holdout = max(1, int(round(len(y) * params.holdout_share)))
    hold, train = order[:n_holdout], order[n_holdout:]
    if len(set(y[train].tolist())) < 2:
        return None
    model = make_pipeline(StandardScaler(), LogisticRegression(C=params.regularisation, max_iter=1000))
    model.fit(x[train], y[train])
    p, truth = model.predict_proba(x[hold])[:, 1], y[hold]
    top = np.argsort(-p, kind="stable")[: max(1, math.ceil(0.1 * len(hold)))]
    base_rate = float(truth.mean())
    precision = float(truth[top].mean())
    auc = float(roc_auc_score(truth, p)) if len(set(truth.tolist())) == 2 else None
    return _Fitted(model, dict(
        n_train=len(train), n_holdout=len(hold), base_rate=round(base_rate, 4),
        holdout_auc=None if auc is None else round(auc, 4),
        precision_at_top_decile=round(precision, 4),
        lift_at_top_decile=round(precision / base_rate, 3) if base_rate else None,
    ))


def _why_untrained(y: np.ndarray, params: ChurnParams) -> str:
    if len(y) < params.min_training_customers:
        return f"only {len(y)} purchasers before the cutoff (need {params.min_training_customers})"
    return "every purchaser has the same outcome: nothing to learn"


def _features_sql(events: str, customers: str, at: dt.datetime, p: ChurnParams) -> str:
    """One row per customer of `customers` with a purchase at or before `at`; features as of `at`."""
    at_sql = utc_literal(at)
    window = f"event_ts > {at_sql} - INTERVAL {int(p.window_days)} DAY"
    purchase = f"event_type IN ({_sql_list(p.purchase_event_types)})"
    engaged = f"event_type IN ({_sql_list(p.engagement_event_types)}) AND NOT {purchase}"
    per_channel = ",\n               ".join(
        f"count(*) FILTER (WHERE {engaged} AND {window} AND channel = '{ch}') AS engagement_{ch}"
        for ch in p.channels
    )

    def days(ts: str) -> str:
        return f"(epoch({at_sql}) - epoch({ts})) / 86400.0"

    return f"""
        SELECT e.customer_id,
               {days("max(event_ts) FILTER (WHERE " + purchase + ")")} AS recency_days,
               count(*) FILTER (WHERE {purchase}) AS n_purchases,
               coalesce(sum(amount) FILTER (WHERE {purchase}), 0) AS monetary,
               count(*) FILTER (WHERE {purchase} AND {window}) AS purchases_in_window,
               {days("min(event_ts)")} AS tenure_days,
               coalesce({days(f"max(event_ts) FILTER (WHERE event_type IN ({_sql_list(p.engagement_event_types)}))")},
                        {days(f"max(event_ts) FILTER (WHERE {purchase})")}) AS days_since_engagement,
               count(*) FILTER (WHERE event_type IN ({_sql_list(p.service_event_types)}) AND {window})
                   AS service_tickets_in_window,
               {per_channel}
        FROM {events} e
        SEMI JOIN {customers} c ON c.customer_id = e.customer_id
        WHERE e.event_ts <= {at_sql}
        GROUP BY e.customer_id
        HAVING count(*) FILTER (WHERE {purchase}) > 0
    """


def _matrix(frame: dict, names: list[str]) -> np.ndarray:
    # counts, days and money are skewed: log1p puts one big spender on the scale of the rest
    if not len(frame["customer_id"]):
        return np.empty((0, len(names)))
    columns = [np.ma.filled(np.ma.asarray(frame[n], dtype=float), 0.0) for n in names]
    return np.log1p(np.clip(np.column_stack(columns), 0, None))


def _write_scores(con: duckdb.DuckDBPyConnection, scored: pd.DataFrame, customers: str, out: str) -> None:
    con.register("cu_churn_scored", scored)
    try:
        con.execute(f"""
            CREATE OR REPLACE TABLE {out} AS
            SELECT c.customer_id, s.churn_risk
            FROM (SELECT DISTINCT customer_id FROM {customers} WHERE customer_id IS NOT NULL) c
            LEFT JOIN cu_churn_scored s ON s.customer_id = c.customer_id
        """)
    finally:
        con.unregister("cu_churn_scored")


def _sql_list(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) or "NULL"
