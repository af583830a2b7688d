"""The PostgreSQL publish target, bound from CU_PUBLISH_URL (unset = nothing is published)."""

from typing import Optional

import dagster as dg
import duckdb

from customer_unification import settings
from customer_unification.lib.publish import DEFAULT_SCHEMA, PUBLISHED_TABLES, PublishedTable, publish


class PostgresTarget(dg.ConfigurableResource):
    """A PostgreSQL database to publish warehouse tables to. `url` is a SQLAlchemy URL
    (`postgresql://user:password@host:5432/db`); None means publishing is switched off."""

    url: Optional[str] = None
    target_schema: str = DEFAULT_SCHEMA

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    @property
    def masked_url(self) -> str:
        return settings.masked_url(self.url) if self.url else ""

    def publish(self, con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> list[PublishedTable]:
        return publish(con, self.url, PUBLISHED_TABLES, schema=self.target_schema, run_id=run_id)


@dg.definitions
def resources() -> dg.Definitions:
    # Bound to the variable itself (its value never lands in the definitions or the UI) when it is set;
    # an unset dg.EnvVar would fail the resource, and with it the main job, so then the target is empty.
    url = dg.EnvVar("CU_PUBLISH_URL") if settings.publish_url() else None
    return dg.Definitions(resources={"publish_target": PostgresTarget(url=url)})
