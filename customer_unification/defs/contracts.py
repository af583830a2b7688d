"""The source contracts the code location is built from (`CU_SOURCES_CONFIG`, else the demo)."""

from functools import cache
from pathlib import Path

from customer_unification import settings
from customer_unification.lib.sources.contracts import SourcesConfig, config_path_from_env, load_contracts


def current_contracts() -> SourcesConfig:
    settings.apply_local_defaults()
    return _load(config_path_from_env())


@cache
def _load(path: Path) -> SourcesConfig:
    return load_contracts(path)
