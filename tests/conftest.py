"""Fixtures shared by every test that touches the store: each runs on SQLite and PostgreSQL.

PostgreSQL comes from LEDGER_TEST_POSTGRES_URL (default: the local server's
``ledger_test`` database); each test gets a schema of its own, dropped after.
Where no server answers, the PostgreSQL cases skip — except with CI=true, where
they fail, so a green CI always means both backends passed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import open_ledger
from domain.ledger import Ledger

POSTGRES_URL = os.environ.get(
    "LEDGER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/ledger_test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"]


def _postgres_available() -> str | None:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


_POSTGRES_PROBLEM: str | bool | None = False


def postgres_problem() -> str | None:
    global _POSTGRES_PROBLEM
    if _POSTGRES_PROBLEM is False:
        _POSTGRES_PROBLEM = _postgres_available()
    return _POSTGRES_PROBLEM  # type: ignore[return-value]


def require_postgres() -> None:
    problem = postgres_problem()
    if problem is None:
        return
    if IN_CI:
        pytest.fail(f"PostgreSQL is required in CI but unavailable: {problem}")
    pytest.skip(f"PostgreSQL unavailable ({problem}); set LEDGER_TEST_POSTGRES_URL")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty ledger database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        # Small pools: many tests, each with its own ledger, share one server.
        yield f"{POSTGRES_URL}?schema={schema}&pool_size=2&max_overflow=4"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def ledger(database_url: str) -> Iterator[Ledger]:
    app = open_ledger(database_url)
    try:
        yield app
    finally:
        app.close()


def _backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def client(ledger: Ledger, database_url: str) -> Iterator[TestClient]:
    """The API without live read models (most tests read reports replayed from events)."""
    app = create_app(ledger, backend=_backend(database_url), run_projections=False)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def live_client(ledger: Ledger, database_url: str) -> Iterator[TestClient]:
    """The API with its projection runner keeping the forensic read model live."""
    app = create_app(ledger, backend=_backend(database_url), run_projections=True)
    with TestClient(app) as test_client:
        yield test_client
