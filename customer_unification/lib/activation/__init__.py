"""Activation: channel audiences from segments, with consent, forget-list and frequency-cap suppression,
exported as files (CSV, Parquet + manifest) and to SQL databases (no Dagster)."""

from .audiences import (AUDIENCE_MEMBERS, SUPPRESSED, AudienceBuild, AudienceCount, audience_name, audience_overlap,
                        audience_sizes, build_audiences, overlap_markdown, suppression_counts)
from .config import (CHANNELS, ActivationConfig, ConfigError, SegmentSpec, load_activation_config,
                     segment_specs)
from .export import export_files, export_to_sql, record_contacts
from .hashing import hash_email, hash_phone
from .suppression import CONTACT_HISTORY, REASONS

__all__ = [
    "AUDIENCE_MEMBERS", "CHANNELS", "CONTACT_HISTORY", "REASONS", "SUPPRESSED",
    "ActivationConfig", "AudienceBuild", "AudienceCount", "ConfigError", "SegmentSpec",
    "audience_name", "audience_overlap", "audience_sizes", "build_audiences", "export_files", "export_to_sql",
    "hash_email", "hash_phone", "load_activation_config", "overlap_markdown", "record_contacts", "segment_specs",
    "suppression_counts",
]
