"""Data governance: forgetting a person (right to be forgotten) and keeping them out afterwards."""

from .copies import ExportFolders, Person, SqlDestination, platform_copies
from .forget import ForgetError, ForgetRequest, ForgetSummary, forget
from .landed import LandedFiles, forgotten_rows_eraser
from .identifiers import IdentifierHasher, SuppressionKeyError, suppression_key
from .key_fingerprint import SuppressionKeyMismatch, adopt_key, check_key
from .suppression import Suppression, drop_suppressed, load_suppression

__all__ = [
    "ExportFolders",
    "Person",
    "SqlDestination",
    "platform_copies",
    "ForgetError",
    "ForgetRequest",
    "ForgetSummary",
    "LandedFiles",
    "IdentifierHasher",
    "Suppression",
    "SuppressionKeyError",
    "SuppressionKeyMismatch",
    "adopt_key",
    "check_key",
    "drop_suppressed",
    "forget",
    "forgotten_rows_eraser",
    "load_suppression",
    "suppression_key",
]
