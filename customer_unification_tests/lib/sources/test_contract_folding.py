"""Contract options for what a column holds beyond one value (issue 15): an order total over an
item array (sum of price x quantity) and one "City, ST" column split into city and region."""

import datetime as dt
import json

import pandas as pd
import pytest

from customer_unification.lib.sources.contracts import SourceContract
from customer_unification.lib.staging.standardize import standardize

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)


def contract(**fields) -> SourceContract:
    return SourceContract.model_validate({
        "name": "shop", "format": "jsonl", "location": "x.jsonl", "record_key": "id", "kind": "event",
        "fields": {"order_id": "id", "email": "email", "event_ts": "ts", "event_type": {"value": "order"},
                   "channel": {"value": "web"}, **fields}})


def raw(rows: list[dict]) -> pd.DataFrame:
    """Rows as the JSON-lines reader gives them: arrays kept as JSON text."""
    frame = pd.DataFrame([{k: json.dumps(v) if isinstance(v, list) else v for k, v in r.items()} for r in rows],
                         dtype=object)
    frame["_file"], frame["_line"], frame["_error"], frame["_raw"] = "x.jsonl", range(1, len(rows) + 1), None, None
    return frame


ORDERS = [
    {"id": "1", "email": "ann@gmail.com", "ts": "2026-10-01T10:00:00Z", "place": "Portland, OR",
     "items": [{"price": 10.5, "qty": 2}, {"price": "3.25", "qty": 1}]},
    {"id": "2", "email": "bob@gmail.com", "ts": "2026-10-02T10:00:00Z", "place": "Austin",
     "items": [{"price": 40, "qty": 1}]},
    {"id": "3", "email": "cy@gmail.com", "ts": "2026-10-03T10:00:00Z", "place": "Washington, D.C., DC",
     "items": [{"price": 5, "qty": 1}, {"price": "n/a", "qty": 1}]},
    {"id": "4", "email": "di@gmail.com", "ts": "2026-10-04T10:00:00Z", "place": None, "items": []},
    {"id": "5", "email": "ed@gmail.com", "ts": "2026-10-05T10:00:00Z", "place": " , TX",
     "items": [{"price": 7}]},
]


def test_an_order_total_is_the_sum_of_price_times_quantity():
    spec = {"column": "items[].price", "times": "items[].qty", "aggregate": "sum"}
    result = standardize(raw(ORDERS), contract(amount=spec, quantity={"column": "items[]", "aggregate": "count"}),
                         loaded_at=NOW)
    clean = result.clean.set_index("source_record_id")
    assert clean.loc["1", "amount"] == 24.25  # 10.5 x 2 + 3.25 x 1
    assert clean.loc["2", "amount"] == 40.0
    # an element that is not a number, or lacks its quantity: no total (never one that leaves it out), flagged
    assert pd.isna(clean.loc["3", "amount"]) and clean.loc["3", "dq_flags"] == "amount:invalid"
    assert pd.isna(clean.loc["5", "amount"]) and clean.loc["5", "dq_flags"] == "amount:invalid"
    assert pd.isna(clean.loc["4", "amount"]) and pd.isna(clean.loc["4", "dq_flags"])  # no items: no amount
    assert clean["quantity"].tolist() == [2, 1, 2, 0, 1]  # count: items per order


def test_min_and_max_over_an_array():
    result = standardize(raw(ORDERS[:2]), contract(amount={"column": "items[].price", "aggregate": "max"}),
                         loaded_at=NOW)
    assert result.clean["amount"].tolist() == [10.5, 40.0]


def test_one_city_state_column_fills_city_and_region():
    fields = {"city": {"column": "place", "split": ",", "part": 0},
              "region": {"column": "place", "split": ",", "part": -1}, "country": {"value": "US"}}
    clean = standardize(raw(ORDERS), contract(**fields), loaded_at=NOW).clean.set_index("source_record_id")
    assert clean.loc["1", ["city", "region"]].tolist() == ["Portland", "OR"]
    assert clean.loc["2", ["city", "region"]].tolist() == ["Austin", None]  # no comma: a city only
    assert clean.loc["3", ["city", "region"]].tolist() == ["Washington", "DC"]
    assert pd.isna(clean.loc["4", "city"]) and pd.isna(clean.loc["4", "region"])
    assert pd.isna(clean.loc["5", "city"]) and clean.loc["5", "region"] == "TX"


@pytest.mark.parametrize("spec, message", [
    ({"column": "total", "aggregate": "sum"},
     "'aggregate' and 'times' need an array path in 'column', e.g. items[].price"),
    ({"column": "items[].price", "times": "lines[].qty", "aggregate": "sum"},
     "'times' multiplies the elements of the same array (items[].<field>) and needs aggregate: sum"),
    ({"column": "items[].price", "times": "items[].qty", "aggregate": "max"},
     "'times' multiplies the elements of the same array (items[].<field>) and needs aggregate: sum"),
    ({"column": "items[].price", "aggregate": "avg"}, "Input should be 'sum', 'min', 'max' or 'count'"),
])
def test_aggregate_declarations_are_checked(spec, message):
    with pytest.raises(ValueError) as error:
        contract(amount=spec)
    assert message in str(error.value)


@pytest.mark.parametrize("spec, message", [
    ({"column": "place", "split": ","}, "'split' and 'part' go together: split: ',' and part: 0 (or -1 for the last)"),
    ({"column": "place", "part": 1}, "'split' and 'part' go together"),
    ({"column": "items[].city", "split": ",", "part": 0}, "'split' needs a non-empty separator and a plain column"),
])
def test_split_declarations_are_checked(spec, message):
    with pytest.raises(ValueError) as error:
        contract(city=spec)
    assert message in str(error.value)
