from pathlib import Path

import dagster as dg

from customer_unification.defs.automation import with_automation
from customer_unification.defs.declared_columns import with_declared_columns


def load_code_location() -> dg.Definitions:
    """Every module of the defs folder, with declarative automation on the assets it covers and a
    typed column schema on every table, before its first run too (defs/declared_columns.py)."""
    return with_declared_columns(with_automation(dg.load_from_defs_folder(path_within_project=Path(__file__).parent)))


@dg.definitions
def defs() -> dg.Definitions:
    return load_code_location()
