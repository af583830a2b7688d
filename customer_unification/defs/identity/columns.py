"""Declared column types of identity.record_links, whose columns follow the match configuration.

record_links has one agreement-level column per configured comparison, so its declaration is made
from the match config (the other identity tables are declared in lib/table_types.py). The identity
multi-asset writes its tables in SQL inside its write-audit-publish transaction and reports no
schema for them: the UI shows these declarations (defs/declared_columns.py). A test materialises
the demo estate and compares them with the warehouse (customer_unification_tests/defs/test_ui_truth.py).
"""

from customer_unification import settings

LINK_COLUMNS = {"left_record": "VARCHAR", "right_record": "VARCHAR", "linked_by": "VARCHAR", "status": "VARCHAR",
                "refused_because": "VARCHAR", "match_weight": "DOUBLE", "match_probability": "DOUBLE"}


def record_links_types() -> dict[str, str]:
    """column -> type of identity.record_links under the current match configuration."""
    from customer_unification.lib.matching.config import load_match_config
    from customer_unification.lib.matching.engine import comparison_specs

    specs = comparison_specs(load_match_config(settings.match_config_path()))
    return LINK_COLUMNS | {f"{s.name}_level": "TINYINT" for s in specs}
