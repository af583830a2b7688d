"""Vocabulary for the demo generator, bundled as Python constants (no data files to package)."""
