"""PostgreSQL roles (V08): `ledger init` hands the tables to an owner no one logs in as and
creates the application's login with SELECT and INSERT only on the ledger's tables; that
login runs the ledger but can neither change a recorded row nor disable a trigger."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app
from api.runtime import admin_command, open_ledger
from domain.vocabulary import DepartmentKind
from tests.conftest import (
    POSTGRES_URL,
    _backend,  # noqa: F401  (the same backends' naming)
    require_postgres,
)

COLUMN = {
    "ledger_events": "notification_id",
    "ledger_entries": "position",
    "ledger_checkpoints": "id",
}


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("roles are PostgreSQL's")
    require_postgres()
    return database_url


@pytest.fixture
def role_names(postgres_url: str) -> Iterator[tuple[str, str]]:
    suffix = uuid.uuid4().hex[:10]
    owner, app_role = f"ledger_owner_{suffix}", f"ledger_app_{suffix}"
    yield owner, app_role
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        for role in (owner, app_role):
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                conn.execute(f'REASSIGN OWNED BY "{role}" TO CURRENT_USER')
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


def test_the_application_role_runs_the_ledger_but_cannot_disable_a_trigger(
    postgres_url: str,
    role_names: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner, app_role = role_names
    monkeypatch.setenv("LEDGER_DATABASE_URL", postgres_url)
    monkeypatch.setenv("LEDGER_SIGNING_KEY", str(tmp_path / "ledger.key"))
    monkeypatch.setenv("LEDGER_APP_PASSWORD", "s3cret-app")
    result = CliRunner().invoke(
        app, ["init", "--owner-role", owner, "--app-role", app_role], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stdout
    schema = postgres_url.split("schema=")[1].split("&")[0]
    app_url = postgres_url.replace("postgresql://postgres@", f"postgresql://{app_role}:s3cret-app@")
    app_url += "&create_tables=false"

    # It runs the ledger: opens it, records, reads, and keeps the read model.
    ledger = open_ledger(app_url)
    try:
        with TestClient(create_app(ledger, backend="postgresql", run_projections=True)) as client:
            decision = ledger.register_department(
                admin_command(), "BGS", "办公室", DepartmentKind.DIVISION
            )
            ledger.record(decision.events)
            head = ledger.recorder.head().position  # type: ignore[attr-defined]
            deadline = time.monotonic() + 30
            while client.get("/health").json()["read_models"][0]["position"] < head:
                assert time.monotonic() < deadline, "the read model did not catch up"
                time.sleep(0.1)
            assert client.get("/health").status_code == 200
    finally:
        ledger.close()

    conninfo = f"host=127.0.0.1 dbname={postgres_url.split('/')[3].split('?')[0]}"
    with psycopg.connect(f"{conninfo} user={app_role} password=s3cret-app") as conn:
        for table in ("ledger_events", "ledger_entries", "ledger_checkpoints"):
            for statement in (
                f'ALTER TABLE "{schema}".{table} DISABLE TRIGGER ALL',
                f'UPDATE "{schema}".{table} SET {COLUMN[table]} = 0',
                f'DELETE FROM "{schema}".{table}',
                f'TRUNCATE "{schema}".{table}',
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
                conn.rollback()
            # Granting itself more is no error in PostgreSQL, only a warning: nothing granted.
            conn.execute(f'GRANT UPDATE, DELETE ON "{schema}".{table} TO "{app_role}"')
            allowed = conn.execute(
                "SELECT has_table_privilege(%s, %s, 'UPDATE') "
                "OR has_table_privilege(%s, %s, 'DELETE')",
                [app_role, f'"{schema}".{table}', app_role, f'"{schema}".{table}'],
            ).fetchone()
            assert allowed == (False,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f'CREATE TABLE "{schema}".mine (x int)')
        conn.rollback()
    with psycopg.connect(POSTGRES_URL) as conn:
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = %s", [schema]
        ).fetchall()
        login = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", [owner])
        assert owners == [(owner,)] and login.fetchone() == (False,)
