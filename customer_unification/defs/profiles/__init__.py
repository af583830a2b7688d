"""Profiles: golden profiles, contact points, consent, the unified event stream and traits."""
