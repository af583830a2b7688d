"""Single customer view: golden profiles, contact points, consent, events and traits (no Dagster)."""
