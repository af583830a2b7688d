"""A real PostgreSQL server for the tests that need one (started once per test process)."""

import itertools

import pytest

from customer_unification_tests.postgres import PostgresUnavailable, start_server, stop_server

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL 15 server on a free port in a temp dir, stopped and deleted afterwards.

    Missing server binaries fail the test (with what to install) rather than skipping it."""
    try:
        server, problem = start_server(), None
    except PostgresUnavailable as e:
        server, problem = None, str(e)
    if problem:
        pytest.fail(problem, pytrace=False)
    yield server
    stop_server(server)


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database on the session's server, as a `postgresql://` URL."""
    return postgres_server.create_database(f"test_{next(_databases)}")
