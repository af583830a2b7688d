"""The source contracts the code location is built from (`CU_SOURCES_CONFIG`, else the demo)."""

from customer_unification import settings
from customer_unification.lib.sources.contracts import SourcesConfig, load_contracts


def current_contracts() -> SourcesConfig:
    """Read on every definitions load (milliseconds), so a changed YAML or env var takes effect."""
    settings.apply_local_defaults()
    return load_contracts()
