"""Segments: declarative audiences over traits and events, with membership history."""
