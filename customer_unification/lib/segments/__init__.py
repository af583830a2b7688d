"""Segments: declarative audiences over traits and events, compiled to SQL, with membership history.

    config      the YAML language (`load_segments_config`) and the bundled built-ins
    compile     definitions -> one DuckDB query for all segments (`evaluate_segments`)
    membership  entry / exit history and sizes over time (`update_membership`, `entered_between`)
    truth       evaluation against a ground truth (import it directly; it loads scikit-learn)
"""

from .compile import compile_segment, compile_segments, evaluate_segments
from .config import ConfigError, SegmentDefinition, SegmentsConfig, Window, load_segments_config
from .membership import MembershipUpdate, entered_between, exited_between, members_at, update_membership

__all__ = [
    "ConfigError",
    "MembershipUpdate",
    "SegmentDefinition",
    "SegmentsConfig",
    "Window",
    "compile_segment",
    "compile_segments",
    "entered_between",
    "evaluate_segments",
    "exited_between",
    "load_segments_config",
    "members_at",
    "update_membership",
]
