"""The benchmark families' generators live in bench/, which is not an installed package: the
repository root goes on sys.path for the tests that import them."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="module")
def suite():
    """bench/identity_suite.py, loaded by path."""
    spec = importlib.util.spec_from_file_location("identity_suite", ROOT / "bench" / "identity_suite.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while being created
    spec.loader.exec_module(module)
    return module
