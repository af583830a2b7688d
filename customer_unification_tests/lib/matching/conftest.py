import duckdb
import pandas as pd
import pytest

from customer_unification.lib.matching.config import MatchConfig, load_match_config

PEOPLE_COLUMNS = ["source", "source_record_id", "first_name", "last_name", "date_of_birth", "email", "phone",
                  "address_line1", "city", "postcode", "social_handle", "crm_id", "loyalty_card"]


def people(*rows: dict) -> pd.DataFrame:
    """Staged-looking records: only the given fields are set."""
    frame = pd.DataFrame([{c: r.get(c) for c in PEOPLE_COLUMNS} for r in rows], dtype=object)
    frame["source_record_id"] = [r.get("source_record_id", str(i)) for i, r in enumerate(rows)]
    frame["source"] = [r.get("source", "crm") for r in rows]
    return frame


@pytest.fixture
def config() -> MatchConfig:
    """The bundled configuration on a table with plain column names (no canonical-name column)."""
    base = load_match_config().model_dump()
    base["columns"] = {"first_name": "first_name", "last_name": "last_name", "date_of_birth": "date_of_birth",
                       "email": "email", "phone": "phone", "address": "address_line1", "city": "city",
                       "postcode": "postcode", "handle": "social_handle"}
    base["training"] = {**base.get("training", {}), "random_pairs": 20_000}
    return MatchConfig.model_validate(base)


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()
