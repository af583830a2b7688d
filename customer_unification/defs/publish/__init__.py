"""Publishing: golden profiles, segment membership and audiences copied to PostgreSQL."""
