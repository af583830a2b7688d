"""Publishing warehouse tables to other databases (PostgreSQL), atomically and idempotently."""

from customer_unification.lib.publish.postgres import (DEFAULT_SCHEMA, PUBLISHED_TABLES, PublishedTable, PublishError,
                                                       TableSpec, publish, row_counts)

__all__ = ["DEFAULT_SCHEMA", "PUBLISHED_TABLES", "PublishError", "PublishedTable", "TableSpec", "publish", "row_counts"]
