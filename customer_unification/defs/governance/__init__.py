"""Governance: jobs that act on people's data on request (right to be forgotten)."""
